/* gst-trial: one frame from the bytes of its file to what a trial's output
 * needs (see converter.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <png.h>

#include "gst/trial/bmp.h"
#include "gst/trial/converter.h"
#include "gst/trial/depth.h"
#include "gst/trial/error.h"
#include "gst/trial/jpeg.h"
#include "gst/trial/layout.h"
#include "gst/trial/pngcodec.h"
#include "gst/trial/raw.h"

static gboolean
raw_color_from_string (const gchar * format, GstTrialRawColor * out)
{
  static const gchar *const names[] = {
    [GST_TRIAL_RAW_COLOR_RGB] = "RGB",
    [GST_TRIAL_RAW_COLOR_BGR] = "BGR",
    [GST_TRIAL_RAW_COLOR_RGBA] = "RGBA",
    [GST_TRIAL_RAW_COLOR_BGRA] = "BGRA",
    [GST_TRIAL_RAW_COLOR_UYVY] = "UYVY",
    [GST_TRIAL_RAW_COLOR_YUY2] = "YUY2",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (format, names[i]) == 0) {
      *out = i;
      return TRUE;
    }
  return FALSE;
}

gboolean
gst_trial_converter_params_set_input (GstTrialConverterParams * p,
    const gchar * media_type, const gchar * raw_format, gboolean has_scale,
    gdouble depth_scale, const gchar * scale_dtype, gboolean has_size,
    gint width, gint height, GError ** error)
{
  g_return_val_if_fail (p != NULL && media_type != NULL, FALSE);

  memset (p, 0, sizeof (*p));
  if (has_scale)
    p->depth_scale = depth_scale;
  if (g_str_equal (media_type, "image/png"))
    p->input = has_scale ? GST_TRIAL_CONVERTER_INPUT_DEPTH_PNG :
        GST_TRIAL_CONVERTER_INPUT_PNG;
  else if (g_str_equal (media_type, "image/jpeg"))
    p->input = GST_TRIAL_CONVERTER_INPUT_JPEG;
  else if (g_str_equal (media_type, "image/bmp"))
    p->input = GST_TRIAL_CONVERTER_INPUT_BMP;
  else if (g_str_equal (media_type, "application/x-npy"))
    p->input = GST_TRIAL_CONVERTER_INPUT_DEPTH_NPY;
  else if (g_str_equal (media_type, "video/x-raw")
      && g_strcmp0 (raw_format, "GRAY16_LE") == 0)
    p->input = GST_TRIAL_CONVERTER_INPUT_DEPTH_RAW;
  else if (g_str_equal (media_type, "video/x-raw")
      && raw_color_from_string (raw_format, &p->raw_input)) {
    p->input = GST_TRIAL_CONVERTER_INPUT_RAW_COLOR;
    if (!has_size) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
          "raw color input needs width and height in its caps");
      return FALSE;
    }
  } else {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "input %s is not a color or depth frame format", media_type);
    return FALSE;
  }

  if (has_scale && !(depth_scale > 0.0 && depth_scale < G_MAXFLOAT)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "depth-scale %g in the input caps is not a positive number of "
        "metres per unit", depth_scale);
    return FALSE;
  }
  /* depth-scale alone holds for every frame; with depth-scale-dtype (from
   * trialsrc) only for frames of that dtype. Without either the first
   * depth frame decides (gst_trial_converter_params_decide_units). */
  if (has_scale && scale_dtype != NULL
      && !gst_trial_dtype_from_string (scale_dtype, &p->scale_dtype)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "depth-scale-dtype '%s' in the input caps is not a dtype this "
        "element reads", scale_dtype);
    return FALSE;
  }
  p->scale_forced = has_scale && scale_dtype == NULL;

  if (has_size) {
    if (width <= 0 || height <= 0 || width > GST_TRIAL_MAX_DIMENSION
        || height > GST_TRIAL_MAX_DIMENSION) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
          "input size %dx%d is not between 1 and %d pixels per side", width,
          height, GST_TRIAL_MAX_DIMENSION);
      return FALSE;
    }
    p->width = width;
    p->height = height;
  }
  return TRUE;
}

GstTrialConverterInput
gst_trial_converter_input_for_file (GstTrialConverterInput stream_input,
    const gchar * path)
{
  GstTrialColorFormat color;

  if (path == NULL)
    return stream_input;
  if (GST_TRIAL_CONVERTER_INPUT_IS_DEPTH (stream_input)) {
    switch (gst_trial_depth_format_from_name (path)) {
      case GST_TRIAL_DEPTH_RAW:
        return GST_TRIAL_CONVERTER_INPUT_DEPTH_RAW;
      case GST_TRIAL_DEPTH_NPY:
        return GST_TRIAL_CONVERTER_INPUT_DEPTH_NPY;
      case GST_TRIAL_DEPTH_PNG:
        return GST_TRIAL_CONVERTER_INPUT_DEPTH_PNG;
      case GST_TRIAL_DEPTH_NONE:
        return stream_input;
    }
  } else if (gst_trial_color_format_from_name (path, &color)) {
    switch (color) {
      case GST_TRIAL_COLOR_PNG:
        return GST_TRIAL_CONVERTER_INPUT_PNG;
      case GST_TRIAL_COLOR_JPEG:
        return GST_TRIAL_CONVERTER_INPUT_JPEG;
      case GST_TRIAL_COLOR_BMP:
        return GST_TRIAL_CONVERTER_INPUT_BMP;
    }
  }
  return stream_input;
}

static GstTrialDepthFormat
depth_format_for (GstTrialConverterInput input)
{
  switch (input) {
    case GST_TRIAL_CONVERTER_INPUT_DEPTH_NPY:
      return GST_TRIAL_DEPTH_NPY;
    case GST_TRIAL_CONVERTER_INPUT_DEPTH_PNG:
      return GST_TRIAL_DEPTH_PNG;
    default:
      return GST_TRIAL_DEPTH_RAW;
  }
}

gboolean
gst_trial_converter_params_decide_units (GstTrialConverterParams * p,
    const gchar * path, const guint8 * data, gsize size, GError ** error)
{
  GstTrialDepthFormat format =
      depth_format_for (gst_trial_converter_input_for_file (p->input, path));
  gdouble scale;
  GstTrialDtype dtype;

  if (!gst_trial_depth_decide_scale (format, data, size, "", &scale, error)
      || !gst_trial_depth_probe_dtype (format, data, size, "", &dtype, error))
    return FALSE;
  p->depth_scale = scale;
  p->scale_dtype = dtype;
  return TRUE;
}

static gboolean
check_size (const GstTrialConverterParams * p, gboolean depth, guint width,
    guint height, GError ** error)
{
  if (p->width == 0 || (width == p->width && height == p->height))
    return TRUE;
  g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH,
      "%s frame is %ux%u pixels, expected %ux%u (the size in the caps)",
      depth ? "depth" : "color", width, height, p->width, p->height);
  return FALSE;
}

static const gchar *
raw_format_name (GstTrialPixelFormat format)
{
  switch (format) {
    case GST_TRIAL_PIXEL_BGR8:
      return "BGR";
    case GST_TRIAL_PIXEL_RGBA8:
      return "RGBA";
    case GST_TRIAL_PIXEL_GRAY8:
      return "GRAY8";
    case GST_TRIAL_PIXEL_GRAY16:
      return "GRAY16_LE";
    default:
      return "RGB";
  }
}

/* Takes @pixels (tightly packed rows) into bytes with GStreamer's default
 * row stride for these packed formats (GST_ROUND_UP_4 of a row), copying
 * only when the two differ. */
static GBytes *
wrap_raw (GstTrialPixelFormat format, guint width, guint height,
    guint8 * pixels, GError ** error)
{
  gsize row = (gsize) width * gst_trial_pixel_format_bpp (format);
  gsize stride = (row + 3) & ~(gsize) 3;
  guint8 *padded;
  guint y;

  if (height > 0 && stride > G_MAXINT / height) {
    g_free (pixels);
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "a %ux%u %s video frame is too large", width, height,
        raw_format_name (format));
    return NULL;
  }
  if (stride == row)
    return g_bytes_new_take (pixels, row * height);

  padded = g_malloc (stride * height);
  for (y = 0; y < height; y++) {
    memcpy (padded + y * stride, pixels + y * row, row);
    memset (padded + y * stride + row, 0, stride - row);
  }
  g_free (pixels);
  return g_bytes_new_take (padded, stride * height);
}

static GstTrialImage *
decode_color (GstTrialConverterInput input, const guint8 * data, gsize size,
    GstTrialPixelFormat format, GError ** error)
{
  switch (input) {
    case GST_TRIAL_CONVERTER_INPUT_JPEG:
      return gst_trial_jpeg_decode (data, size, format, error);
    case GST_TRIAL_CONVERTER_INPUT_BMP:
      return gst_trial_bmp_decode (data, size, format, error);
    default:
      return gst_trial_png_decode (data, size, format, error);
  }
}

/* The passthrough rule: a PNG that already is what the output must be
 * (8-bit RGB) goes out as its verified bytes, without a decode; other PNGs
 * are decoded, which checks them as it goes. TRUE with *@png_size 0: not
 * such a PNG. */
static gboolean
passthrough_size (const GstTrialConverterParams * p, const guint8 * data,
    gsize size, gsize * png_size, GError ** error)
{
  GstTrialPngHeader header;

  *png_size = 0;
  if (!gst_trial_png_read_header (data, size, &header, error))
    return FALSE;
  if (header.bit_depth != 8 || header.color_type != PNG_COLOR_TYPE_RGB)
    return TRUE;
  /* bytes after IEND are not part of the PNG: the decoder does not read
   * them, so reencode drops them, and so does passthrough */
  return gst_trial_png_verify_prefix (data, size, p->verify, NULL, png_size,
      error) && check_size (p, FALSE, header.width, header.height, error);
}

static inline guint8
clamp_u8 (gint v)
{
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* BT.601 limited range, the integer form of libyuv and the video4linux
 * docs: 298 (Y - 16), 409 (V - 128), ... / 256, rounded. */
static inline void
yuv_to_rgb (gint y, gint u, gint v, guint8 * rgb)
{
  gint c = 298 * (y - 16) + 128, d = u - 128, e = v - 128;

  rgb[0] = clamp_u8 ((c + 409 * e) >> 8);
  rgb[1] = clamp_u8 ((c - 100 * d - 208 * e) >> 8);
  rgb[2] = clamp_u8 ((c + 516 * d) >> 8);
}

/* A raw color frame (see GstTrialRawColor) as an 8-bit RGB image of the
 * caps' size; the frame must be exactly that size at the default stride. */
static GstTrialImage *
raw_color_to_rgb (const GstTrialConverterParams * p, const guint8 * data,
    gsize size, GError ** error)
{
  static const guint bpp[] = { 3, 3, 4, 4, 2, 2 };
  guint b = bpp[p->raw_input];
  gsize stride = ((gsize) p->width * b + 3) & ~(gsize) 3;
  GstTrialImage *image;
  guint x, y;

  if ((p->raw_input == GST_TRIAL_RAW_COLOR_UYVY
          || p->raw_input == GST_TRIAL_RAW_COLOR_YUY2) && p->width % 2 != 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "a YUV 4:2:2 color frame of odd width %u", p->width);
    return NULL;
  }
  if (size != stride * p->height) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH,
        "color frame of %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT
        " for %ux%u pixels", size, stride * p->height, p->width, p->height);
    return NULL;
  }
  image = gst_trial_image_new (GST_TRIAL_PIXEL_RGB8, p->width, p->height,
      error);
  if (image == NULL)
    return NULL;
  for (y = 0; y < p->height; y++) {
    const guint8 *s = data + y * stride;
    guint8 *d = image->data + y * image->stride;

    switch (p->raw_input) {
      case GST_TRIAL_RAW_COLOR_RGB:
        memcpy (d, s, (gsize) p->width * 3);
        break;
      case GST_TRIAL_RAW_COLOR_BGR:
      case GST_TRIAL_RAW_COLOR_RGBA:
      case GST_TRIAL_RAW_COLOR_BGRA:{
        gboolean swap = p->raw_input != GST_TRIAL_RAW_COLOR_RGBA;

        for (x = 0; x < p->width; x++, s += b, d += 3) {
          d[0] = s[swap ? 2 : 0];
          d[1] = s[1];
          d[2] = s[swap ? 0 : 2];
        }
        break;
      }
      case GST_TRIAL_RAW_COLOR_UYVY:
      case GST_TRIAL_RAW_COLOR_YUY2:{
        gboolean uyvy = p->raw_input == GST_TRIAL_RAW_COLOR_UYVY;

        /* two pixels in four bytes: U Y0 V Y1 or Y0 U Y1 V */
        for (x = 0; x < p->width; x += 2, s += 4, d += 6) {
          gint y0 = s[uyvy ? 1 : 0], y1 = s[uyvy ? 3 : 2];
          gint u = s[uyvy ? 0 : 1], v = s[uyvy ? 2 : 3];

          yuv_to_rgb (y0, u, v, d);
          yuv_to_rgb (y1, u, v, d + 3);
        }
        break;
      }
    }
  }
  return image;
}

/* @image (RGB8) as @format: RGB8, BGR8, RGBA8 (opaque) or GRAY8 (BT.601
 * luma, gst_trial_luma). */
static GstTrialImage *
rgb_as (GstTrialImage * image, GstTrialPixelFormat format, GError ** error)
{
  GstTrialImage *out;
  gsize i, n = (gsize) image->width * image->height;
  guint b;

  if (format == GST_TRIAL_PIXEL_RGB8)
    return image;
  out = gst_trial_image_new (format, image->width, image->height, error);
  if (out != NULL) {
    b = gst_trial_pixel_format_bpp (format);
    for (i = 0; i < n; i++) {
      const guint8 *s = image->data + 3 * i;
      guint8 *d = out->data + b * i;

      if (format == GST_TRIAL_PIXEL_GRAY8) {
        d[0] = gst_trial_luma (s[0], s[1], s[2]);
      } else if (format == GST_TRIAL_PIXEL_BGR8) {
        d[0] = s[2];
        d[1] = s[1];
        d[2] = s[0];
      } else {
        memcpy (d, s, 3);
        d[3] = 255;
      }
    }
  }
  gst_trial_image_free (image);
  return out;
}

static gboolean
convert_color (const GstTrialConverterParams * p,
    GstTrialConverterInput input, const guint8 * data, gsize size,
    GstTrialConverted * out, GError ** error)
{
  g_autoptr (GstTrialImage) image = NULL;
  GstTrialPixelFormat format = GST_TRIAL_PIXEL_RGB8;
  guint8 *pixels;

  if (input == GST_TRIAL_CONVERTER_INPUT_PNG
      && p->output == GST_TRIAL_CONVERTER_OUTPUT_PNG && p->passthrough) {
    if (!passthrough_size (p, data, size, &out->passthrough, error))
      return FALSE;
    if (out->passthrough > 0)
      return TRUE;
  }

  if (p->output == GST_TRIAL_CONVERTER_OUTPUT_RAW)
    format = p->raw_format;
  if (input == GST_TRIAL_CONVERTER_INPUT_RAW_COLOR) {
    image = raw_color_to_rgb (p, data, size, error);
    if (image != NULL)
      image = rgb_as (image, format, error);
  } else
    image = decode_color (input, data, size, format, error);
  if (image == NULL
      || !check_size (p, FALSE, image->width, image->height, error))
    return FALSE;

  if (p->output == GST_TRIAL_CONVERTER_OUTPUT_PNG) {
    out->bytes = gst_trial_png_encode (image, p->compression_level, error);
    return out->bytes != NULL;
  }

  pixels = gst_trial_image_steal_data (image, NULL);
  out->bytes = wrap_raw (p->raw_format, image->width, image->height, pixels,
      error);
  return out->bytes != NULL;
}

/* The units of one depth frame, by the library's one rule: the stream's
 * scale for a frame of the dtype it was decided on, the frame's own rule
 * for another dtype (gst_trial_depth_frame_scale), never silently the
 * units of another dtype. */
static gboolean
depth_frame_scale (const GstTrialConverterParams * p,
    GstTrialDepthFormat format, const guint8 * data, gsize size,
    const gchar * name, gdouble * scale, GError ** error)
{
  if (p->scale_forced) {
    *scale = p->depth_scale;
    return TRUE;
  }
  if (p->depth_scale > 0.0)
    return gst_trial_depth_frame_scale (format, data, size, name,
        p->scale_dtype, p->depth_scale, scale, error);
  return gst_trial_depth_decide_scale (format, data, size, name, scale,
      error);
}

static gboolean
write_npy (GstTrialDepthFormat format, const guint8 * data, gsize size,
    const gchar * name, guint width, guint height, gdouble scale,
    const GstTrialConverterAllocator * allocator, GstTrialConverted * out,
    GError ** error)
{
  gsize header = gst_trial_npy_f32_header_size (height, width);
  gsize total = header + (gsize) width * height * sizeof (gfloat);
  gpointer memory = NULL;
  guint8 *dest;

  dest = allocator != NULL ?
      allocator->alloc (total, &memory, allocator->user_data) :
      g_try_malloc (total);
  if (dest == NULL) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "no memory for the %" G_GSIZE_FORMAT " bytes of the .npy of %s",
        total, name);
    return FALSE;
  }
  gst_trial_npy_write_f32_header (height, width, dest);
  /* the header size is a multiple of 64, so the floats are aligned */
  if (!gst_trial_depth_to_f32 (format, data, size, name, width, height,
          scale, (gfloat *) (dest + header), error)) {
    if (allocator != NULL)
      allocator->release (memory, allocator->user_data);
    else
      g_free (dest);
    return FALSE;
  }
  if (allocator != NULL)
    out->memory = memory;
  else
    out->bytes = g_bytes_new_take (dest, total);
  return TRUE;
}

static gboolean
convert_depth (const GstTrialConverterParams * p,
    GstTrialConverterInput input, const guint8 * data, gsize size,
    const gchar * name, const GstTrialConverterAllocator * allocator,
    GstTrialConverted * out, GError ** error)
{
  GstTrialDepthFormat format = depth_format_for (input);
  guint width = p->width, height = p->height;
  gdouble scale;
  gsize n;
  guint8 *mem;

  /* .raw has no header: its shape is the caps' (the conversion checks the
   * size); the others carry their shape, which must match the caps. */
  if (format != GST_TRIAL_DEPTH_RAW || width == 0) {
    if (!gst_trial_depth_probe_shape (format, data, size, name, &width,
            &height, error)
        || !check_size (p, TRUE, width, height, error))
      return FALSE;
  }
  if (!depth_frame_scale (p, format, data, size, name, &scale, error))
    return FALSE;

  n = (gsize) width * height;
  if (n > GST_TRIAL_MAX_IMAGE_BYTES / sizeof (gfloat)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "depth frame of %ux%u pixels is larger than the limit of %u bytes "
        "as float32", width, height, GST_TRIAL_MAX_IMAGE_BYTES);
    return FALSE;
  }

  if (p->output == GST_TRIAL_CONVERTER_OUTPUT_NPY)
    return write_npy (format, data, size, name, width, height, scale,
        allocator, out, error);

  if (p->raw_format == GST_TRIAL_PIXEL_GRAY16) {
    /* .raw millimetres already are the output when rows need no padding */
    if (format == GST_TRIAL_DEPTH_RAW && scale == 0.001
        && (width * 2) % 4 == 0) {
      if (!gst_trial_raw_check (size, width, height, name, error))
        return FALSE;
      out->passthrough = size;
      return TRUE;
    }
    mem = g_malloc (n * sizeof (guint16));
    if (!gst_trial_depth_to_u16 (format, data, size, name, width, height,
            scale, (guint16 *) mem, error)) {
      g_free (mem);
      return FALSE;
    }
    out->bytes = wrap_raw (GST_TRIAL_PIXEL_GRAY16, width, height, mem, error);
  } else {
    g_autofree gfloat *metres = g_new (gfloat, n);

    if (!gst_trial_depth_to_f32 (format, data, size, name, width, height,
            scale, metres, error))
      return FALSE;
    mem = g_malloc (n * 3);
    gst_trial_colormap_apply (p->colormap, metres, n, p->depth_min,
        p->depth_max, mem);
    out->bytes = wrap_raw (GST_TRIAL_PIXEL_RGB8, width, height, mem, error);
  }
  return out->bytes != NULL;
}

gboolean
gst_trial_converter_convert (const GstTrialConverterParams * p,
    const gchar * path, const gchar * name, const guint8 * data, gsize size,
    const GstTrialConverterAllocator * allocator, GstTrialConverted * out,
    GError ** error)
{
  GstTrialConverterInput input;

  g_return_val_if_fail (p != NULL && name != NULL && out != NULL, FALSE);

  memset (out, 0, sizeof (*out));
  input = gst_trial_converter_input_for_file (p->input, path);
  if (GST_TRIAL_CONVERTER_INPUT_IS_DEPTH (input))
    return convert_depth (p, input, data, size, name, allocator, out, error);
  if (convert_color (p, input, data, size, out, error))
    return TRUE;
  if (path != NULL && error != NULL && *error != NULL)
    g_prefix_error (error, "color file '%s': ", name);
  return FALSE;
}
