/* gst-trial fuzzing: the fast PNG decoder (pngcodec.c, ISA-L) against
 * libpng on arbitrary bytes (issue 19).
 *
 * gst_trial_png_decode() takes its fast path for 8-bit gray, RGB and RGBA
 * files that are not interlaced; libpng here reads the same bytes with the
 * same strictness (every CRC, no benign errors, the size limit) and no
 * transformation. The decoder never accepts a file libpng refuses, and
 * when both accept, the pixels are the same bytes. Inputs that start with
 * the PNG signature are tried again with their chunk CRCs recomputed
 * (pngcrc.c), so the fuzzer reaches the inflate and unfilter code. */
#include <setjmp.h>
#include <string.h>
#include <png.h>

#include "tests/fuzz/fuzz.h"
#include "gst/trial/image.h"
#include "gst/trial/pngcodec.h"

typedef struct
{
  const guint8 *data;
  gsize size;
  gsize pos;
  guint8 *pixels;
  png_bytep *rows;
} Reader;

static void
on_read (png_structp png, png_bytep out, png_size_t length)
{
  Reader *r = png_get_io_ptr (png);

  if (length > r->size - r->pos)
    png_error (png, "unexpected end of data");
  memcpy (out, r->data + r->pos, length);
  r->pos += length;
}

static void
on_error (png_structp png, png_const_charp message)
{
  (void) message;
  png_longjmp (png, 1);
}

static void
on_warning (png_structp png, png_const_charp message)
{
  (void) png;
  (void) message;
}

/* The rows of @data as libpng reads them, untransformed, or NULL when
 * libpng refuses the file or it is not 8-bit gray, RGB or RGBA without
 * interlacing. *@channels gets 1, 3 or 4. */
static guint8 *
libpng_read (const guint8 * data, gsize size, guint * channels,
    guint32 * width, guint32 * height)
{
  Reader r = { data, size, 0, NULL, NULL };
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL,
      on_error, on_warning);
  png_infop info = png_create_info_struct (png);
  guint32 y;

  fuzz_check (png != NULL && info != NULL);
  if (setjmp (png_jmpbuf (png))) {
    png_destroy_read_struct (&png, &info, NULL);
    g_free (r.pixels);
    g_free (r.rows);
    return NULL;
  }
  png_set_read_fn (png, &r, on_read);
  png_set_crc_action (png, PNG_CRC_DEFAULT, PNG_CRC_ERROR_QUIT);
  png_set_benign_errors (png, 0);
  png_set_keep_unknown_chunks (png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
  png_set_user_limits (png, GST_TRIAL_MAX_DIMENSION, GST_TRIAL_MAX_DIMENSION);
  png_read_info (png, info);
  if (png_get_bit_depth (png, info) != 8
      || png_get_interlace_type (png, info) != PNG_INTERLACE_NONE)
    png_error (png, "not the fast decoder's case");
  switch (png_get_color_type (png, info)) {
    case PNG_COLOR_TYPE_GRAY:
      *channels = 1;
      break;
    case PNG_COLOR_TYPE_RGB:
      *channels = 3;
      break;
    case PNG_COLOR_TYPE_RGB_ALPHA:
      *channels = 4;
      break;
    default:
      png_error (png, "not the fast decoder's case");
  }
  *width = png_get_image_width (png, info);
  *height = png_get_image_height (png, info);
  if ((guint64) *width * *height * *channels > 64u << 20)
    png_error (png, "too large for the fuzzer");
  r.pixels = g_malloc ((gsize) *width * *height * *channels);
  r.rows = g_new (png_bytep, *height);
  for (y = 0; y < *height; y++)
    r.rows[y] = r.pixels + (gsize) y * *width * *channels;
  png_read_image (png, r.rows);
  png_read_end (png, NULL);
  png_destroy_read_struct (&png, &info, NULL);
  g_free (r.rows);
  return r.pixels;
}

static void
fuzz_png_fast_pass (const guint8 * data, gsize size)
{
  GstTrialPngHeader header;
  GstTrialPixelFormat format;
  g_autofree guint8 *expected = NULL;
  g_autoptr (GstTrialImage) image = NULL;
  GError *error = NULL;
  guint channels = 0;
  guint32 width = 0, height = 0;

  if (!gst_trial_png_read_header (data, size, &header, NULL)
      || header.bit_depth != 8 || header.interlaced
      || (header.color_type != PNG_COLOR_TYPE_GRAY
          && header.color_type != PNG_COLOR_TYPE_RGB
          && header.color_type != PNG_COLOR_TYPE_RGB_ALPHA)
      || (guint64) header.width * header.height * 4 > 64u << 20)
    return;

  format = header.color_type == PNG_COLOR_TYPE_GRAY ? GST_TRIAL_PIXEL_GRAY8 :
      header.color_type == PNG_COLOR_TYPE_RGB ? GST_TRIAL_PIXEL_RGB8 :
      GST_TRIAL_PIXEL_RGBA8;
  expected = libpng_read (data, size, &channels, &width, &height);
  image = gst_trial_png_decode (data, size, format, &error);
  if (expected == NULL) {
    /* never accepting what libpng refuses */
    fuzz_check (image == NULL);
    fuzz_check_error (error);
    return;
  }
  if (image == NULL) {
    fuzz_check_error (error);
    return;
  }
  fuzz_check (image->width == width && image->height == height);
  fuzz_check (image->stride == (gsize) width * channels);
  fuzz_check (memcmp (image->data, expected,
          (gsize) width * height * channels) == 0);
}

void
fuzz_png_fast_one (const guint8 * data, gsize size)
{
  fuzz_png_with_fixed_crcs (data, size, fuzz_png_fast_pass);
}

FUZZ_TARGET (fuzz_png_fast_one)
