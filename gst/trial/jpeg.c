/* gst-trial: JPEG size probing, decoding and encoding via libjpeg-turbo.
 *
 * libjpeg's error_exit is replaced by a longjmp back into the call that set
 * it up; the error manager lives in that call, nothing is global. Warnings
 * that mean image data is missing or damaged (libjpeg only warns and pads
 * the picture with gray) stop decoding too, so a cut or corrupt file is a
 * failed frame instead of a frame with a gray band. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>
#include <jerror.h>

#include "gst/trial/jpeg.h"
#include "gst/trial/error.h"

/* libjpeg-turbo's TurboJPEG refuses more than 500 progressive scans for
 * the same reason: each scan re-walks the whole coefficient buffer, so a
 * hostile file with thousands of tiny scans takes minutes. */
#define MAX_PROGRESSIVE_SCANS 500

typedef struct
{
  struct jpeg_error_mgr pub;    /* first: libjpeg casts cinfo->err to it */
  jmp_buf jump;
  gboolean truncated;
  gchar message[JMSG_LENGTH_MAX];
} JpegErrorMgr;

static void
on_jpeg_error_exit (j_common_ptr cinfo)
{
  JpegErrorMgr *err = (JpegErrorMgr *) cinfo->err;

  if (err->message[0] == '\0')
    cinfo->err->format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

static void
on_jpeg_emit_message (j_common_ptr cinfo, int msg_level)
{
  JpegErrorMgr *err = (JpegErrorMgr *) cinfo->err;

  /* Levels >= 0 are trace messages. */
  if (msg_level >= 0)
    return;

  switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
      err->truncated = TRUE;
      on_jpeg_error_exit (cinfo);
      break;
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_BOGUS_PROGRESSION:
      on_jpeg_error_exit (cinfo);
      break;
    default:
      /* Unknown JFIF revision, bytes skipped before a marker, a bad ICC
       * marker: the pixels are intact, as every other reader agrees. */
      cinfo->err->num_warnings++;
      break;
  }
}

static void
on_jpeg_progress (j_common_ptr cinfo)
{
  JpegErrorMgr *err = (JpegErrorMgr *) cinfo->err;

  if (cinfo->is_decompressor && ((j_decompress_ptr) cinfo)->input_scan_number
      > MAX_PROGRESSIVE_SCANS) {
    g_snprintf (err->message, sizeof (err->message),
        "more than %d progressive scans", MAX_PROGRESSIVE_SCANS);
    longjmp (err->jump, 1);
  }
}

static void
error_mgr_init (JpegErrorMgr * err)
{
  jpeg_std_error (&err->pub);
  err->pub.error_exit = on_jpeg_error_exit;
  err->pub.emit_message = on_jpeg_emit_message;
}

/* ---- decoding ---- */

typedef struct
{
  struct jpeg_decompress_struct cinfo;
  JpegErrorMgr err;
  struct jpeg_progress_mgr progress;
  /* Allocated between setjmp and a possible longjmp, so kept here. */
  GstTrialImage *image;
  guint8 *cmyk_row;             /* one CMYK row, for CMYK/YCCK files */
  JSAMPROW rows[16];
} JpegReader;

static void
reader_set_error (JpegReader * r, GError ** error)
{
  if (r->err.truncated)
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "JPEG data is truncated (%s)", r->err.message);
  else
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "JPEG data is corrupt: %s", r->err.message);
}

/* Creates the decompressor and reads the header, then checks the size
 * limits before anything is allocated. On FALSE @error is set and @r is
 * destroyed. Called after setjmp, so libjpeg errors jump to the caller. */
static gboolean
reader_read_header (JpegReader * r, const guint8 * data, gsize size,
    GError ** error)
{
  j_decompress_ptr cinfo = &r->cinfo;

  jpeg_create_decompress (cinfo);
  /* Bounds what libjpeg itself allocates, e.g. the whole-image coefficient
   * buffer of a progressive file. */
  cinfo->mem->max_memory_to_use = GST_TRIAL_MAX_IMAGE_BYTES;
  r->progress.progress_monitor = on_jpeg_progress;
  cinfo->progress = &r->progress;
  jpeg_mem_src (cinfo, data, size);
  if (jpeg_read_header (cinfo, FALSE) != JPEG_HEADER_OK) {
    jpeg_destroy_decompress (cinfo);
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "JPEG data holds only tables, no image");
    return FALSE;
  }
  if (cinfo->image_width > GST_TRIAL_MAX_DIMENSION
      || cinfo->image_height > GST_TRIAL_MAX_DIMENSION) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "JPEG image is %ux%u pixels, more than the limit of %u pixels per "
        "side", cinfo->image_width, cinfo->image_height,
        GST_TRIAL_MAX_DIMENSION);
    jpeg_destroy_decompress (cinfo);
    return FALSE;
  }
  return TRUE;
}

static gboolean
read_size_with (JpegReader * r, const guint8 * data, gsize size,
    guint * width, guint * height, GError ** error)
{
  r->cinfo.err = &r->err.pub;
  error_mgr_init (&r->err);
  if (setjmp (r->err.jump)) {
    jpeg_destroy_decompress (&r->cinfo);
    reader_set_error (r, error);
    return FALSE;
  }

  if (!reader_read_header (r, data, size, error))
    return FALSE;
  if (width != NULL)
    *width = r->cinfo.image_width;
  if (height != NULL)
    *height = r->cinfo.image_height;
  jpeg_destroy_decompress (&r->cinfo);
  return TRUE;
}

gboolean
gst_trial_jpeg_read_size (const guint8 * data, gsize size, guint * width,
    guint * height, GError ** error)
{
  JpegReader *r;
  gboolean ok;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  r = g_new0 (JpegReader, 1);
  ok = read_size_with (r, data, size, width, height, error);
  g_free (r);
  return ok;
}

static J_COLOR_SPACE
color_space_for (GstTrialPixelFormat format)
{
  switch (format) {
    case GST_TRIAL_PIXEL_BGR8:
      return JCS_EXT_BGR;
    case GST_TRIAL_PIXEL_RGBA8:
      return JCS_EXT_RGBA;     /* alpha comes out as 0xff */
    case GST_TRIAL_PIXEL_GRAY8:
      return JCS_GRAYSCALE;
    default:
      return JCS_EXT_RGB;
  }
}

/* round (a * b / 255) for a, b in 0..255, exactly as Pillow computes it */
static inline guint
muldiv255 (guint a, guint b)
{
  guint t = a * b + 128;

  return ((t >> 8) + t) >> 8;
}

/* One row of CMYK (libjpeg's output for CMYK and YCCK files) to @format,
 * as Pillow converts CMYK to RGB: each channel (255 - K) * (255 - C) / 255.
 * Adobe files (those with an Adobe marker, which is what Photoshop and
 * libjpeg write for CMYK) store the channels inverted. */
static void
cmyk_row_to (const guint8 * s, guint width, gboolean inverted,
    GstTrialPixelFormat format, guint8 * d)
{
  guint x, i, bpp = gst_trial_pixel_format_bpp (format);

  for (x = 0; x < width; x++, s += 4, d += bpp) {
    guint cmyk[4], rgb[3];

    for (i = 0; i < 4; i++)
      cmyk[i] = inverted ? 255 - s[i] : s[i];
    for (i = 0; i < 3; i++)
      rgb[i] = (255 - cmyk[3]) - muldiv255 (cmyk[i], 255 - cmyk[3]);
    switch (format) {
      case GST_TRIAL_PIXEL_BGR8:
        d[0] = rgb[2];
        d[1] = rgb[1];
        d[2] = rgb[0];
        break;
      case GST_TRIAL_PIXEL_GRAY8:
        d[0] = gst_trial_luma (rgb[0], rgb[1], rgb[2]);
        break;
      case GST_TRIAL_PIXEL_RGBA8:
        d[3] = 0xff;
        /* fall through */
      default:
        d[0] = rgb[0];
        d[1] = rgb[1];
        d[2] = rgb[2];
        break;
    }
  }
}

static GstTrialImage *
decode_with (JpegReader * r, const guint8 * data, gsize size,
    GstTrialPixelFormat format, GError ** error)
{
  gboolean cmyk;
  guint want_components;

  j_decompress_ptr cinfo = &r->cinfo;

  cinfo->err = &r->err.pub;
  error_mgr_init (&r->err);
  if (setjmp (r->err.jump)) {
    jpeg_destroy_decompress (&r->cinfo);
    reader_set_error (r, error);
    g_clear_pointer (&r->image, gst_trial_image_free);
    g_clear_pointer (&r->cmyk_row, g_free);
    return NULL;
  }

  if (!reader_read_header (r, data, size, error))
    return NULL;
  /* libjpeg-turbo turns YCCK into CMYK; CMYK to RGB is ours */
  cmyk = cinfo->jpeg_color_space == JCS_CMYK
      || cinfo->jpeg_color_space == JCS_YCCK;
  if (!cmyk && cinfo->jpeg_color_space != JCS_GRAYSCALE
      && cinfo->jpeg_color_space != JCS_YCbCr
      && cinfo->jpeg_color_space != JCS_RGB) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "JPEG has %d color components in an unknown color space (%d), "
        "expected grayscale, YCbCr, RGB, CMYK or YCCK",
        cinfo->num_components, cinfo->jpeg_color_space);
    jpeg_destroy_decompress (cinfo);
    return NULL;
  }

  cinfo->out_color_space = cmyk ? JCS_CMYK : color_space_for (format);
  want_components = cmyk ? 4 : gst_trial_pixel_format_bpp (format);
  /* Allocated before decompressing so a failure costs no decoding work. */
  r->image = gst_trial_image_new (format, cinfo->image_width,
      cinfo->image_height, error);
  if (r->image == NULL) {
    jpeg_destroy_decompress (cinfo);
    return NULL;
  }

  jpeg_start_decompress (cinfo);
  /* Guards the row writes below against a color space mapping mistake. */
  if (cinfo->output_width != r->image->width
      || cinfo->output_height != r->image->height
      || (guint) cinfo->output_components != want_components) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "JPEG decoder produced %ux%u pixels with %d components, expected "
        "%ux%u with %u", cinfo->output_width, cinfo->output_height,
        cinfo->output_components, r->image->width, r->image->height,
        want_components);
    jpeg_destroy_decompress (cinfo);
    g_clear_pointer (&r->image, gst_trial_image_free);
    return NULL;
  }

  if (cmyk) {
    r->cmyk_row = g_malloc ((gsize) cinfo->output_width * 4);
    while (cinfo->output_scanline < cinfo->output_height) {
      guint8 *d = r->image->data +
          (gsize) cinfo->output_scanline * r->image->stride;

      jpeg_read_scanlines (cinfo, &r->cmyk_row, 1);
      cmyk_row_to (r->cmyk_row, cinfo->output_width,
          cinfo->saw_Adobe_marker, format, d);
    }
    g_clear_pointer (&r->cmyk_row, g_free);
  }
  while (cinfo->output_scanline < cinfo->output_height) {
    guint i, n = MIN (G_N_ELEMENTS (r->rows),
        cinfo->output_height - cinfo->output_scanline);

    for (i = 0; i < n; i++)
      r->rows[i] = r->image->data +
          (gsize) (cinfo->output_scanline + i) * r->image->stride;
    jpeg_read_scanlines (cinfo, r->rows, n);
  }
  jpeg_finish_decompress (cinfo);
  jpeg_destroy_decompress (cinfo);

  return g_steal_pointer (&r->image);
}

GstTrialImage *
gst_trial_jpeg_decode (const guint8 * data, gsize size,
    GstTrialPixelFormat format, GError ** error)
{
  JpegReader *r;
  GstTrialImage *image;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (format == GST_TRIAL_PIXEL_GRAY16) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "JPEG images are 8-bit, 16-bit gray output is not supported");
    return NULL;
  }
  g_return_val_if_fail (gst_trial_pixel_format_bpp (format) != 0, NULL);

  r = g_new0 (JpegReader, 1);
  image = decode_with (r, data, size, format, error);
  g_free (r);
  return image;
}

/* ---- encoding ---- */

typedef struct
{
  struct jpeg_compress_struct cinfo;
  JpegErrorMgr err;
  unsigned char *buffer;        /* malloc()ed by jpeg_mem_dest */
  unsigned long length;
} JpegWriter;

static GBytes *
encode_with (JpegWriter * w, const GstTrialImage * image, gint quality,
    GError ** error)
{
  j_compress_ptr cinfo = &w->cinfo;

  cinfo->err = &w->err.pub;
  error_mgr_init (&w->err);
  if (setjmp (w->err.jump)) {
    jpeg_destroy_compress (&w->cinfo);
    free (w->buffer);
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "JPEG encoding of a %ux%u image failed: %s", image->width,
        image->height, w->err.message);
    return NULL;
  }

  jpeg_create_compress (cinfo);
  jpeg_mem_dest (cinfo, &w->buffer, &w->length);
  cinfo->image_width = image->width;
  cinfo->image_height = image->height;
  if (image->format == GST_TRIAL_PIXEL_RGB8) {
    cinfo->input_components = 3;
    cinfo->in_color_space = JCS_RGB;
  } else {
    cinfo->input_components = 1;
    cinfo->in_color_space = JCS_GRAYSCALE;
  }
  jpeg_set_defaults (cinfo);
  jpeg_set_quality (cinfo, quality, TRUE);
  jpeg_start_compress (cinfo, TRUE);
  while (cinfo->next_scanline < cinfo->image_height) {
    /* libjpeg only reads the rows; its API predates const. */
    JSAMPROW row = (JSAMPROW) image->data +
        (gsize) cinfo->next_scanline * image->stride;

    jpeg_write_scanlines (cinfo, &row, 1);
  }
  jpeg_finish_compress (cinfo);
  jpeg_destroy_compress (cinfo);

  return g_bytes_new_with_free_func (w->buffer, w->length, free, w->buffer);
}

GBytes *
gst_trial_jpeg_encode (const GstTrialImage * image, gint quality,
    GError ** error)
{
  JpegWriter *w;
  GBytes *bytes;

  g_return_val_if_fail (image != NULL && image->data != NULL, NULL);
  g_return_val_if_fail (image->stride ==
      (gsize) image->width * gst_trial_pixel_format_bpp (image->format), NULL);
  g_return_val_if_fail (quality >= 1 && quality <= 100, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (image->format != GST_TRIAL_PIXEL_RGB8
      && image->format != GST_TRIAL_PIXEL_GRAY8) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "JPEG encoding takes RGB8 or GRAY8 images, got a %u-byte-per-pixel "
        "format", gst_trial_pixel_format_bpp (image->format));
    return NULL;
  }

  w = g_new0 (JpegWriter, 1);
  bytes = encode_with (w, image, quality, error);
  g_free (w);
  return bytes;
}
