/* gst-trial fuzzing: the JPEG (libjpeg, jpeg.c) and BMP (bmp.c) color
 * readers on arbitrary bytes.
 *
 * Input: one selector byte (bit 0: JPEG or BMP; bits 1-3: the pixel
 * format), then the file. The size reader and the decoder must agree, and
 * the decoded frame must match the RGB8 decoding of the same file in every
 * channel the formats share. */
#include <string.h>

#include "tests/fuzz/fuzz.h"
#include "gst/trial/bmp.h"
#include "gst/trial/image.h"
#include "gst/trial/jpeg.h"

typedef gboolean (*ReadSizeFunc) (const guint8 * data, gsize size,
    guint * width, guint * height, GError ** error);
typedef GstTrialImage *(*DecodeFunc) (const guint8 * data, gsize size,
    GstTrialPixelFormat format, GError ** error);

static void
check_image (const GstTrialImage * image, GstTrialPixelFormat format,
    guint width, guint height)
{
  gsize i, sum = 0;

  fuzz_check (image->format == format);
  fuzz_check (image->width == width && image->height == height);
  fuzz_check (image->stride == (gsize) width *
      gst_trial_pixel_format_bpp (format));
  /* every byte is read, so ASan sees a short allocation */
  for (i = 0; i < image->stride * image->height; i++)
    sum += image->data[i];
  (void) sum;
}

static void
check_same_pixels (const GstTrialImage * rgb, const GstTrialImage * other,
    gboolean is_bmp)
{
  gsize i, n = (gsize) rgb->width * rgb->height;
  const guint8 *a = rgb->data, *b = other->data;

  for (i = 0; i < n; i++, a += 3) {
    switch (other->format) {
      case GST_TRIAL_PIXEL_BGR8:
        fuzz_check (b[3 * i] == a[2] && b[3 * i + 1] == a[1]
            && b[3 * i + 2] == a[0]);
        break;
      case GST_TRIAL_PIXEL_RGBA8:
        fuzz_check (memcmp (b + 4 * i, a, 3) == 0 && b[4 * i + 3] == 0xff);
        break;
      case GST_TRIAL_PIXEL_GRAY8:
        /* libjpeg takes gray from the Y channel, not from RGB */
        if (is_bmp)
          fuzz_check (b[i] == gst_trial_luma (a[0], a[1], a[2]));
        break;
      default:
        break;
    }
  }
}

void
fuzz_jpeg_bmp_one (const guint8 * data, gsize size)
{
  static const GstTrialPixelFormat formats[] = {
    GST_TRIAL_PIXEL_RGB8, GST_TRIAL_PIXEL_BGR8, GST_TRIAL_PIXEL_RGBA8,
    GST_TRIAL_PIXEL_GRAY8, GST_TRIAL_PIXEL_GRAY16,
  };
  gboolean is_bmp;
  GstTrialPixelFormat format;
  ReadSizeFunc read_size;
  DecodeFunc decode;
  const guint8 *file;
  gsize file_size;
  guint width = 0, height = 0;
  gboolean have_size;
  g_autoptr (GstTrialImage) image = NULL;
  g_autoptr (GstTrialImage) rgb = NULL;
  GError *error = NULL;

  if (size < 1)
    return;
  is_bmp = data[0] & 1;
  format = formats[(data[0] >> 1) % G_N_ELEMENTS (formats)];
  read_size = is_bmp ? gst_trial_bmp_read_size : gst_trial_jpeg_read_size;
  decode = is_bmp ? gst_trial_bmp_decode : gst_trial_jpeg_decode;
  file = data + 1;
  file_size = size - 1;

  have_size = read_size (file, file_size, &width, &height, &error);
  if (have_size) {
    fuzz_check (width >= 1 && height >= 1);
  } else {
    fuzz_check_error (error);
    error = NULL;
  }

  image = decode (file, file_size, format, &error);
  if (image == NULL) {
    fuzz_check (format != GST_TRIAL_PIXEL_GRAY16
        || error->code == GST_TRIAL_ERROR_UNSUPPORTED);
    fuzz_check_error (error);
    return;
  }
  fuzz_check (format != GST_TRIAL_PIXEL_GRAY16);
  fuzz_check (have_size);
  check_image (image, format, width, height);
  if (format == GST_TRIAL_PIXEL_RGB8)
    return;

  rgb = decode (file, file_size, GST_TRIAL_PIXEL_RGB8, &error);
  if (rgb == NULL) {
    /* GRAY8 needs fewer bytes than RGB8, so only the size limit may differ */
    if (!g_error_matches (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE))
      g_error ("decodes as format %u but not as RGB8: %s", format,
          error->message);
    fuzz_check_error (error);
    return;
  }
  check_image (rgb, GST_TRIAL_PIXEL_RGB8, width, height);
  check_same_pixels (rgb, image, is_bmp);
}

FUZZ_TARGET (fuzz_jpeg_bmp_one)
