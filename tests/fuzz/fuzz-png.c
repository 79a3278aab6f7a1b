/* gst-trial fuzzing: the PNG path (pngverify.c, pngcodec.c) on arbitrary bytes.
 *
 * Runs the passthrough verifier, the header reader and the libpng decoder
 * (RGB8, GRAY16 and one more format chosen by the input's size) and checks
 * that they agree with each other and with pngverify.h and pngcodec.h: a verified file has the
 * same header and decodes; the other 8-bit formats hold the same pixels as
 * RGB8. Every input that starts with the PNG signature is tried a second
 * time with its CRCs recomputed (pngcrc.c): that lets the fuzzer reach the
 * IDAT and pixel code. */
#include <string.h>

#include "tests/fuzz/fuzz.h"
#include "gst/trial/image.h"
#include "gst/trial/pngcodec.h"

static void
check_image (const GstTrialImage * image, GstTrialPixelFormat format,
    const GstTrialPngHeader * header)
{
  gsize i, sum = 0;

  fuzz_check (image->format == format);
  fuzz_check (image->width == header->width);
  fuzz_check (image->height == header->height);
  fuzz_check (image->stride == (gsize) image->width *
      gst_trial_pixel_format_bpp (format));
  /* every byte is read, so ASan sees a short allocation */
  for (i = 0; i < image->stride * image->height; i++)
    sum += image->data[i];
  (void) sum;
}

/* The 8-bit formats are views of the same decoded pixels (pngcodec.h). */
static void
check_same_pixels (const GstTrialImage * rgb, const GstTrialImage * other)
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
        fuzz_check (memcmp (b + 4 * i, a, 3) == 0);
        break;
      case GST_TRIAL_PIXEL_GRAY8:
        fuzz_check (b[i] == gst_trial_luma (a[0], a[1], a[2]));
        break;
      default:
        break;
    }
  }
}

static void
fuzz_png_pass (const guint8 * data, gsize size)
{
  static const GstTrialPixelFormat extra_formats[] = {
    GST_TRIAL_PIXEL_BGR8, GST_TRIAL_PIXEL_RGBA8, GST_TRIAL_PIXEL_GRAY8,
  };
  GstTrialPixelFormat extra = extra_formats[size % G_N_ELEMENTS
      (extra_formats)];
  GstTrialPngHeader header, verified;
  gboolean have_header, intact;
  g_autoptr (GstTrialImage) rgb = NULL;
  g_autoptr (GstTrialImage) gray16 = NULL;
  g_autoptr (GstTrialImage) other = NULL;
  GError *error = NULL;

  have_header = gst_trial_png_read_header (data, size, &header, &error);
  if (have_header) {
    fuzz_check (header.width >= 1 && header.height >= 1);
    fuzz_check (header.width <= GST_TRIAL_MAX_DIMENSION
        && header.height <= GST_TRIAL_MAX_DIMENSION);
    fuzz_check (header.bit_depth == 1 || header.bit_depth == 2
        || header.bit_depth == 4 || header.bit_depth == 8
        || header.bit_depth == 16);
    fuzz_check (header.color_type == 0 || header.color_type == 2
        || header.color_type == 3 || header.color_type == 4
        || header.color_type == 6);
  } else {
    fuzz_check_error (error);
    error = NULL;
  }

  intact = gst_trial_png_verify (data, size, GST_TRIAL_PNG_VERIFY_DATA,
      &verified, &error);
  if (intact) {
    fuzz_check (have_header);
    fuzz_check (memcmp (&verified, &header, sizeof (header)) == 0);
  } else {
    fuzz_check_error (error);
    error = NULL;
  }
  /* CHUNKS checks a subset of what DATA checks */
  if (gst_trial_png_verify (data, size, GST_TRIAL_PNG_VERIFY_CHUNKS,
          &verified, &error)) {
    fuzz_check (have_header);
    fuzz_check (memcmp (&verified, &header, sizeof (header)) == 0);
  } else {
    fuzz_check (!intact);
    fuzz_check_error (error);
    error = NULL;
  }

  rgb = gst_trial_png_decode (data, size, GST_TRIAL_PIXEL_RGB8, &error);
  if (rgb != NULL) {
    fuzz_check (have_header);
    check_image (rgb, GST_TRIAL_PIXEL_RGB8, &header);
  } else {
    /* verify's promise: an intact PNG decodes as written */
    if (intact)
      g_error ("gst_trial_png_verify() accepted a PNG that "
          "gst_trial_png_decode() rejects: %s", error->message);
    fuzz_check_error (error);
    error = NULL;
  }

  gray16 = gst_trial_png_decode (data, size, GST_TRIAL_PIXEL_GRAY16, &error);
  if (gray16 != NULL) {
    fuzz_check (have_header && (header.color_type & 2) == 0);
    check_image (gray16, GST_TRIAL_PIXEL_GRAY16, &header);
  } else {
    fuzz_check (!have_header || rgb == NULL || (header.color_type & 2) != 0);
    fuzz_check_error (error);
    error = NULL;
  }

  other = gst_trial_png_decode (data, size, extra, &error);
  if (other != NULL) {
    fuzz_check (have_header);
    check_image (other, extra, &header);
    if (rgb != NULL)
      check_same_pixels (rgb, other);
  } else {
    /* RGBA8 needs more bytes than RGB8, so only the size limit may differ */
    fuzz_check (rgb == NULL || g_error_matches (error, GST_TRIAL_ERROR,
            GST_TRIAL_ERROR_TOO_LARGE));
    fuzz_check_error (error);
  }
}

void
fuzz_png_one (const guint8 * data, gsize size)
{
  fuzz_png_with_fixed_crcs (data, size, fuzz_png_pass);
}

FUZZ_TARGET (fuzz_png_one)
