/* gst-trial: depth frames of every source format (.raw, .npy, 16-bit .png)
 * to float32 metres or uint16 millimetres, and the per-trial decisions
 * (shape, units) taken from the first depth file. */
#include <string.h>
#include <png.h>

#include "gst/trial/depth.h"
#include "gst/trial/error.h"
#include "gst/trial/image.h"
#include "gst/trial/npy.h"
#include "gst/trial/pngcodec.h"
#include "gst/trial/raw.h"

const gchar *
gst_trial_depth_format_to_string (GstTrialDepthFormat format)
{
  switch (format) {
    case GST_TRIAL_DEPTH_NONE:
      return "none";
    case GST_TRIAL_DEPTH_RAW:
      return "raw";
    case GST_TRIAL_DEPTH_NPY:
      return "npy";
    case GST_TRIAL_DEPTH_PNG:
      return "png";
  }
  return "unknown";
}

static gboolean
depth_no_file (GError ** error)
{
  g_set_error_literal (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NOT_FOUND,
      "no depth file");
  return FALSE;
}

static gboolean
depth_npy_parse (const guint8 * data, gsize size, const gchar * name,
    GstTrialNpyInfo * info, GError ** error)
{
  if (gst_trial_npy_parse (data, size, info, error))
    return TRUE;
  g_prefix_error (error, "depth file '%s': ", name);
  return FALSE;
}

static const gchar *
depth_png_color_name (guint color_type)
{
  switch (color_type) {
    case 0:
      return "grayscale";
    case 2:
      return "RGB";
    case 3:
      return "palette";
    case 4:
      return "grayscale+alpha";
    case 6:
      return "RGBA";
  }
  return "unknown colour type";
}

/* Depth PNGs are 16-bit grayscale millimetres; anything else is a colour
 * picture (for example a colourised Depth_Color frame), not depth. */
static gboolean
depth_png_header (const guint8 * data, gsize size, const gchar * name,
    GstTrialPngHeader * header, GError ** error)
{
  if (!gst_trial_png_read_header (data, size, header, error)) {
    g_prefix_error (error, "depth file '%s': ", name);
    return FALSE;
  }
  if (header->bit_depth != 16 || header->color_type != PNG_COLOR_TYPE_GRAY) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "depth file '%s' is a PNG with %u-bit %s pixels, expected 16-bit "
        "grayscale",
        name, header->bit_depth, depth_png_color_name (header->color_type));
    return FALSE;
  }
  return TRUE;
}

/* What a depth file's header says: its dtype and, but for .raw (which has
 * no header), its shape; the parsed header of a .npy. */
typedef struct
{
  GstTrialDtype dtype;
  guint width;
  guint height;
  GstTrialNpyInfo npy;
} DepthHeader;

static gboolean
depth_read_header (GstTrialDepthFormat format, const guint8 * data,
    gsize size, const gchar * name, DepthHeader * header, GError ** error)
{
  GstTrialPngHeader png;

  switch (format) {
    case GST_TRIAL_DEPTH_NONE:
      break;
    case GST_TRIAL_DEPTH_RAW:
      header->dtype = GST_TRIAL_DTYPE_U2;
      header->width = header->height = 0;
      return TRUE;
    case GST_TRIAL_DEPTH_NPY:
      if (!depth_npy_parse (data, size, name, &header->npy, error))
        return FALSE;
      header->dtype = header->npy.dtype;
      header->width = header->npy.width;
      header->height = header->npy.height;
      return TRUE;
    case GST_TRIAL_DEPTH_PNG:
      if (!depth_png_header (data, size, name, &png, error))
        return FALSE;
      header->dtype = GST_TRIAL_DTYPE_U2;
      header->width = png.width;
      header->height = png.height;
      return TRUE;
  }
  return depth_no_file (error);
}

gboolean
gst_trial_depth_probe_shape (GstTrialDepthFormat format, const guint8 * data,
    gsize size, const gchar * name, guint * width, guint * height,
    GError ** error)
{
  DepthHeader header;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (name != NULL && width != NULL && height != NULL,
      FALSE);

  if (!depth_read_header (format, data, size, name, &header, error))
    return FALSE;
  if (format == GST_TRIAL_DEPTH_RAW
      && !gst_trial_raw_guess_shape (size, &header.width, &header.height)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH,
        "depth file '%s' is %" G_GSIZE_FORMAT " bytes, which is the "
        "uint16 size of no RealSense depth mode and of no square; set "
        "the shape with trial-process --depth-size WxH (trialsrc "
        "depth-width and depth-height)", name, size);
    return FALSE;
  }
  *width = header.width;
  *height = header.height;
  return TRUE;
}

gboolean
gst_trial_depth_decide_scale (GstTrialDepthFormat format,
    const guint8 * data, gsize size, const gchar * name, gdouble * scale,
    GError ** error)
{
  DepthHeader header;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (name != NULL && scale != NULL, FALSE);

  if (!depth_read_header (format, data, size, name, &header, error))
    return FALSE;
  /* .raw and .png are uint16 millimetres; for another .npy dtype the
   * seed's rule (max > 100 means millimetres), applied once */
  if (header.dtype == GST_TRIAL_DTYPE_U2
      || gst_trial_npy_max (&header.npy, data) > 100.0)
    *scale = 0.001;
  else
    *scale = 1.0;
  return TRUE;
}

gboolean
gst_trial_depth_probe_dtype (GstTrialDepthFormat format, const guint8 * data,
    gsize size, const gchar * name, GstTrialDtype * dtype, GError ** error)
{
  DepthHeader header;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (name != NULL && dtype != NULL, FALSE);

  if (!depth_read_header (format, data, size, name, &header, error))
    return FALSE;
  *dtype = header.dtype;
  return TRUE;
}

gboolean
gst_trial_depth_frame_scale (GstTrialDepthFormat format, const guint8 * data,
    gsize size, const gchar * name, GstTrialDtype trial_dtype,
    gdouble trial_scale, gdouble * scale, GError ** error)
{
  GstTrialDtype dtype;

  g_return_val_if_fail (scale != NULL, FALSE);

  if (!gst_trial_depth_probe_dtype (format, data, size, name, &dtype, error))
    return FALSE;
  if (dtype == trial_dtype) {
    *scale = trial_scale;
    return TRUE;
  }
  return gst_trial_depth_decide_scale (format, data, size, name, scale,
      error);
}

static gboolean
depth_check_shape (const gchar * name, guint file_width, guint file_height,
    guint width, guint height, GError ** error)
{
  if (file_width == width && file_height == height)
    return TRUE;
  g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH,
      "depth file '%s' has shape %ux%u, expected %ux%u", name, file_height,
      file_width, height, width);
  return FALSE;
}

/* Decodes a 16-bit grayscale depth PNG of exactly width x height. */
static GstTrialImage *
depth_png_decode (const guint8 * data, gsize size, const gchar * name,
    guint width, guint height, GError ** error)
{
  GstTrialPngHeader header;
  GstTrialImage *image;

  if (!depth_png_header (data, size, name, &header, error)
      || !depth_check_shape (name, header.width, header.height, width,
          height, error))
    return NULL;
  image = gst_trial_png_decode (data, size, GST_TRIAL_PIXEL_GRAY16, error);
  if (image == NULL) {
    g_prefix_error (error, "depth file '%s': ", name);
    return NULL;
  }
  /* @out is sized from width x height: trust no decoder with that */
  if (!depth_check_shape (name, image->width, image->height, width, height,
          error)) {
    gst_trial_image_free (image);
    return NULL;
  }
  return image;
}

static inline guint16
depth_u16le (const guint8 * p)
{
  guint16 v;

  memcpy (&v, p, sizeof (v));
  return GUINT16_FROM_LE (v);
}

void
gst_trial_depth_u16le_to_f32 (const guint8 * src, gsize n, gfloat scale,
    gfloat * out)
{
  /* divides by 1000.0f for millimetres, as numpy's `depth / 1000.0` does
   * on float32 (multiplying by 0.001f would differ in the last bit) */
  gst_trial_npy_convert_f32 (GST_TRIAL_DTYPE_U2, FALSE, src, n, scale, out);
}

gboolean
gst_trial_depth_to_f32 (GstTrialDepthFormat format, const guint8 * data,
    gsize size, const gchar * name, guint width, guint height,
    gdouble scale, gfloat * out, GError ** error)
{
  GstTrialNpyInfo info;
  g_autoptr (GstTrialImage) image = NULL;
  gsize n;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (name != NULL && out != NULL, FALSE);

  n = (gsize) width * height;
  switch (format) {
    case GST_TRIAL_DEPTH_NONE:
      return depth_no_file (error);
    case GST_TRIAL_DEPTH_RAW:
      if (!gst_trial_raw_check (size, width, height, name, error))
        return FALSE;
      gst_trial_depth_u16le_to_f32 (data, n, (gfloat) scale, out);
      return TRUE;
    case GST_TRIAL_DEPTH_NPY:
      if (!depth_npy_parse (data, size, name, &info, error)
          || !depth_check_shape (name, info.width, info.height, width, height,
              error))
        return FALSE;
      gst_trial_npy_to_f32 (&info, data, (gfloat) scale, out);
      return TRUE;
    case GST_TRIAL_DEPTH_PNG:
      image = depth_png_decode (data, size, name, width, height, error);
      if (image == NULL)
        return FALSE;
      /* GRAY16 samples are host-endian */
      gst_trial_npy_convert_f32 (GST_TRIAL_DTYPE_U2,
          G_BYTE_ORDER == G_BIG_ENDIAN, image->data, n, (gfloat) scale, out);
      return TRUE;
  }
  return depth_no_file (error);
}

/* round (value * scale * 1000) into 0..65535; NaN and negatives are holes. */
static inline guint16
depth_mm (gdouble value, gdouble factor)
{
  gdouble mm = value * factor;

  if (!(mm > 0.0))
    return 0;
  if (mm >= 65534.5)
    return 65535;
  return (guint16) (mm + 0.5);
}

gboolean
gst_trial_depth_to_u16 (GstTrialDepthFormat format, const guint8 * data,
    gsize size, const gchar * name, guint width, guint height,
    gdouble scale, guint16 * out, GError ** error)
{
  GstTrialNpyInfo info;
  g_autoptr (GstTrialImage) image = NULL;
  g_autofree gfloat *values = NULL;
  const guint16 *px;
  gdouble factor = scale * 1000.0;
  gsize i, n;
  guint y;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (name != NULL && out != NULL, FALSE);

  n = (gsize) width * height;
  switch (format) {
    case GST_TRIAL_DEPTH_NONE:
      return depth_no_file (error);
    case GST_TRIAL_DEPTH_RAW:
      if (!gst_trial_raw_check (size, width, height, name, error))
        return FALSE;
      if (factor == 1.0) {
        for (i = 0; i < n; i++)
          out[i] = depth_u16le (data + 2 * i);
      } else {
        for (i = 0; i < n; i++)
          out[i] = depth_mm (depth_u16le (data + 2 * i), factor);
      }
      return TRUE;
    case GST_TRIAL_DEPTH_NPY:
      if (!depth_npy_parse (data, size, name, &info, error)
          || !depth_check_shape (name, info.width, info.height, width, height,
              error))
        return FALSE;
      /* row by row through float32 (exact for every integer dtype up to
       * 2^24, and what the seed did to every source) to keep memory small */
      values = g_new (gfloat, width);
      for (y = 0; y < height; y++) {
        gst_trial_npy_convert_f32 (info.dtype, info.big_endian,
            data + info.data_offset + (gsize) y * width * info.itemsize,
            width, 1.0f, values);
        for (i = 0; i < width; i++)
          out[(gsize) y * width + i] = depth_mm (values[i], factor);
      }
      return TRUE;
    case GST_TRIAL_DEPTH_PNG:
      image = depth_png_decode (data, size, name, width, height, error);
      if (image == NULL)
        return FALSE;
      px = (const guint16 *) image->data;
      if (factor == 1.0) {
        memcpy (out, px, n * sizeof (guint16));
      } else {
        for (i = 0; i < n; i++)
          out[i] = depth_mm (px[i], factor);
      }
      return TRUE;
  }
  return depth_no_file (error);
}
