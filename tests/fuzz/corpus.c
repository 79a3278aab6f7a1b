/* gst-trial fuzzing: the seed corpus of every fuzz target, built at run time
 * by libpng, libjpeg, libgsttrial's own writers and small hand-written
 * builders, and the names and file templates of the layout target. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <png.h>
#include <jpeglib.h>

#include "tests/fuzz/corpus.h"
#include "tests/fuzz/bagwriter.h"
#include "tests/fuzz/fuzz.h"
#include "gst/trial/image.h"
#include "gst/trial/jpeg.h"
#include "gst/trial/npy.h"
#include "gst/trial/pngcodec.h"

/* ---- .npy ---- */

GBytes *
fuzz_make_npy (guint major, const gchar * dict, const guint8 * body,
    gsize body_size)
{
  GByteArray *a = g_byte_array_new ();
  gsize preamble = major == 1 ? 10 : 12;
  gsize dict_len = strlen (dict);
  /* numpy pads magic + length + dict + '\n' to a multiple of 64 */
  gsize hlen = dict_len + 1 + (64 - (preamble + dict_len + 1) % 64) % 64;
  guint8 pre[12] = { 0x93, 'N', 'U', 'M', 'P', 'Y', major, 0,
    hlen & 0xff, (hlen >> 8) & 0xff, (hlen >> 16) & 0xff, hlen >> 24
  };
  gsize i;

  g_byte_array_append (a, pre, preamble);
  g_byte_array_append (a, (const guint8 *) dict, dict_len);
  for (i = dict_len; i + 1 < hlen; i++)
    g_byte_array_append (a, (const guint8 *) " ", 1);
  g_byte_array_append (a, (const guint8 *) "\n", 1);
  if (body_size > 0)
    g_byte_array_append (a, body, body_size);
  return g_byte_array_free_to_bytes (a);
}

/* @descr such as "<u2": @n values of a simple ramp in that dtype and byte
 * order; @big values are millimetre-like, small ones metre-like. */
static GBytes *
npy_ramp (const gchar * descr, guint n, gboolean big)
{
  GByteArray *a = g_byte_array_new ();
  gboolean be = descr[0] == '>';
  gchar kind = descr[1];
  guint itemsize = descr[2] - '0';
  guint i, k;

  for (i = 0; i < n; i++) {
    guint8 le[8];
    guint64 bits;

    if (kind == 'f' && itemsize == 4) {
      gfloat f = big ? 500.0f + i * 123.5f : i * 0.25f;
      guint32 u;

      memcpy (&u, &f, 4);
      bits = u;
    } else if (kind == 'f') {
      gdouble d = big ? 500.0 + i * 123.5 : i * 0.25;

      memcpy (&bits, &d, 8);
    } else if (kind == 'i') {
      bits = (guint64) ((gint64) i * 1009 - 3000);
    } else {
      bits = (guint64) i * (big ? 1009 : 37);
    }
    for (k = 0; k < itemsize; k++)
      le[k] = bits >> (8 * k);
    for (k = 0; k < itemsize; k++) {
      guint8 b = le[be ? itemsize - 1 - k : k];

      g_byte_array_append (a, &b, 1);
    }
  }
  return g_byte_array_free_to_bytes (a);
}

/* A 2-D .npy of @descr and shape (@rows, @cols). */
static GBytes *
npy_array (guint major, const gchar * descr, guint rows, guint cols,
    gboolean big)
{
  g_autoptr (GBytes) body = npy_ramp (descr, rows * cols, big);
  g_autofree gchar *dict = g_strdup_printf ("{'descr': '%s', "
      "'fortran_order': False, 'shape': (%u, %u), }", descr, rows, cols);
  gsize size;
  const guint8 *data = g_bytes_get_data (body, &size);

  return fuzz_make_npy (major, dict, data, size);
}

/* ---- PNG ---- */

static void
on_png_write (png_structp png, png_bytep data, png_size_t length)
{
  g_byte_array_append (png_get_io_ptr (png), data, length);
}

static void
on_png_flush (png_structp png)
{
  (void) png;
}

GBytes *
fuzz_make_png (guint width, guint height, gint color_type, gint bit_depth,
    guint flags)
{
  GByteArray *out = g_byte_array_new ();
  png_structp png;
  png_infop info;
  png_color palette[256];
  png_byte trans[256];
  png_color_16 trans_color = { 0 };
  g_autofree guint8 *pixels = NULL;
  g_autofree png_bytep *rows = NULL;
  gsize rowbytes;
  guint channels, x, y, i, n_palette = 1u << MIN (bit_depth, 8);

  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      channels = 2;
      break;
    case PNG_COLOR_TYPE_RGB:
      channels = 3;
      break;
    case PNG_COLOR_TYPE_RGB_ALPHA:
      channels = 4;
      break;
    default:
      channels = 1;
      break;
  }
  rowbytes = ((gsize) width * channels * bit_depth + 7) / 8;
  pixels = g_malloc (rowbytes * height);
  rows = g_new (png_bytep, height);
  for (y = 0; y < height; y++) {
    rows[y] = pixels + y * rowbytes;
    for (x = 0; x < rowbytes; x++)
      rows[y][x] = (x * 31 + y * 17 + 5) & 0xff;
  }

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  info = png_create_info_struct (png);
  if (setjmp (png_jmpbuf (png)))
    g_error ("libpng failed to write a seed");
  png_set_write_fn (png, out, on_png_write, on_png_flush);
  if (flags & FUZZ_PNG_SMALL_IDAT)
    png_set_compression_buffer_size (png, 16);
  if (flags & FUZZ_PNG_FILTER_UP)
    png_set_filter (png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
  if (flags & FUZZ_PNG_FILTER_AVG)
    png_set_filter (png, PNG_FILTER_TYPE_BASE, PNG_FILTER_AVG);
  if (flags & FUZZ_PNG_FILTER_PAETH)
    png_set_filter (png, PNG_FILTER_TYPE_BASE, PNG_FILTER_PAETH);
  png_set_IHDR (png, info, width, height, bit_depth, color_type,
      (flags & FUZZ_PNG_INTERLACED) ? PNG_INTERLACE_ADAM7 :
      PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
      PNG_FILTER_TYPE_DEFAULT);
  if (color_type == PNG_COLOR_TYPE_PALETTE) {
    for (i = 0; i < n_palette; i++) {
      palette[i].red = i * 7;
      palette[i].green = 255 - i;
      palette[i].blue = i * 3;
      trans[i] = i * 5;
    }
    png_set_PLTE (png, info, palette, n_palette);
    if (flags & FUZZ_PNG_TRNS)
      png_set_tRNS (png, info, trans, n_palette, NULL);
  } else if (flags & FUZZ_PNG_TRNS) {
    trans_color.gray = 1;
    trans_color.red = 5;
    trans_color.green = 36;
    trans_color.blue = 22;
    png_set_tRNS (png, info, NULL, 0, &trans_color);
  }
  png_write_info (png, info);
  png_write_image (png, rows);
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  return g_byte_array_free_to_bytes (out);
}

/* ---- JPEG ---- */

GBytes *
fuzz_make_jpeg (guint width, guint height, gboolean gray,
    gboolean progressive)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  unsigned char *buffer = NULL;
  unsigned long length = 0;
  guint components = gray ? 1 : 3;
  g_autofree guint8 *row = g_malloc ((gsize) width * components);
  JSAMPROW rows[1] = { row };
  GBytes *bytes;
  guint x;

  /* the default error handler exits: these inputs are ours and valid */
  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &buffer, &length);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = components;
  cinfo.in_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 75, TRUE);
  if (progressive)
    jpeg_simple_progression (&cinfo);
  else
    cinfo.restart_in_rows = 1;
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < height) {
    for (x = 0; x < width * components; x++)
      row[x] = (x * 29 + cinfo.next_scanline * 13) & 0xff;
    jpeg_write_scanlines (&cinfo, rows, 1);
  }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  bytes = g_bytes_new (buffer, length);
  free (buffer);
  return bytes;
}

/* A CMYK (@ycck: YCCK) JPEG, the kind Photoshop writes. */
static GBytes *
make_cmyk_jpeg (guint width, guint height, gboolean ycck)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  unsigned char *buffer = NULL;
  unsigned long length = 0;
  g_autofree guint8 *row = g_malloc ((gsize) width * 4);
  JSAMPROW rows[1] = { row };
  GBytes *bytes;
  guint x;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &buffer, &length);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_CMYK;
  jpeg_set_defaults (&cinfo);
  jpeg_set_colorspace (&cinfo, ycck ? JCS_YCCK : JCS_CMYK);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < height) {
    for (x = 0; x < width * 4; x++)
      row[x] = (x * 31 + cinfo.next_scanline * 17) & 0xff;
    jpeg_write_scanlines (&cinfo, rows, 1);
  }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  bytes = g_bytes_new (buffer, length);
  free (buffer);
  return bytes;
}

/* ---- BMP ---- */

static void
put_le (GByteArray * a, guint64 value, guint n)
{
  guint i;

  for (i = 0; i < n; i++) {
    guint8 b = value >> (8 * i);

    g_byte_array_append (a, &b, 1);
  }
}

GBytes *
fuzz_make_bmp (guint width, guint height, guint bpp, gboolean top_down,
    guint header_size, gboolean bitfields)
{
  GByteArray *a = g_byte_array_new ();
  gsize row_bytes = (((gsize) width * bpp / 8) + 3) & ~(gsize) 3;
  gsize masks = bitfields && header_size == 40 ? 12 : 0;
  gsize offset = 14 + header_size + masks;
  guint x, y, i;

  g_byte_array_append (a, (const guint8 *) "BM", 2);
  put_le (a, offset + row_bytes * height, 4);
  put_le (a, 0, 4);
  put_le (a, offset, 4);
  put_le (a, header_size, 4);
  put_le (a, width, 4);
  /* a negative height means top-down rows */
  put_le (a, top_down ? (guint32) (-(gint32) height) : height, 4);
  put_le (a, 1, 2);
  put_le (a, bpp, 2);
  put_le (a, bitfields ? 3 : 0, 4);
  put_le (a, row_bytes * height, 4);
  put_le (a, 2835, 4);
  put_le (a, 2835, 4);
  put_le (a, 0, 4);
  put_le (a, 0, 4);
  if (bitfields || header_size > 40) {
    /* the masks, standalone after a 40-byte header or inside v4/v5 */
    put_le (a, 0x00ff0000, 4);
    put_le (a, 0x0000ff00, 4);
    put_le (a, 0x000000ff, 4);
  }
  if (header_size > 40) {
    put_le (a, 0xff000000, 4);
    for (i = 56; i < header_size; i++)
      put_le (a, 0, 1);
  }
  for (y = 0; y < height; y++) {
    for (x = 0; x < row_bytes; x++)
      put_le (a, (x * 23 + y * 41) & 0xff, 1);
  }
  return g_byte_array_free_to_bytes (a);
}

/* ---- per-target seeds ---- */

static GBytes *
prefixed (guint8 first, guint8 second, gboolean two, GBytes * file)
{
  GByteArray *a = g_byte_array_new ();
  gsize size;
  const guint8 *data = g_bytes_get_data (file, &size);

  g_byte_array_append (a, &first, 1);
  if (two)
    g_byte_array_append (a, &second, 1);
  g_byte_array_append (a, data, size);
  g_bytes_unref (file);
  return g_byte_array_free_to_bytes (a);
}

static void
emit (FuzzSeedFunc func, gpointer user_data, const gchar * target,
    const gchar * name, gboolean valid, GBytes * data)
{
  func (target, name, valid, data, user_data);
  g_bytes_unref (data);
}

static void
npy_seeds (FuzzSeedFunc func, gpointer user_data)
{
  static const gchar *const descrs[] = {
    "|u1", "<u2", ">u2", "<i2", ">i2", "<i4", ">i4", "<f4", ">f4", "<f8",
    ">f8", "|i1", "<u4", ">u4", "<i8", ">i8", "|b1",
  };
  static const guint8 body12[24] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
  static const gchar bad_magic[] = "\x93NUMPZ\x01\x00\x10\x00{}";
  /* a version 2.0 header length of 16 MiB, far beyond numpy's 10000 */
  static const gchar huge_header[] =
      "\x93NUMPY\x02\x00\xff\xff\xff\x00{'descr'";
  GByteArray *own = g_byte_array_new ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (descrs); i++) {
    g_autofree gchar *name = g_strdup_printf ("%c%s-3x4.npy",
        descrs[i][0] == '>' ? 'b' : 'l', descrs[i] + 1);
    emit (func, user_data, "npy", name, TRUE, npy_array (1, descrs[i], 3, 4,
            i % 2 == 0));
  }
  emit (func, user_data, "npy", "v2-f4.npy", TRUE,
      npy_array (2, "<f4", 2, 3, FALSE));
  emit (func, user_data, "npy", "v3-u2.npy", TRUE,
      npy_array (3, "<u2", 3, 2, TRUE));
  emit (func, user_data, "npy", "u2-1x1.npy", TRUE,
      npy_array (1, "<u2", 1, 1, TRUE));
  emit (func, user_data, "npy", "keys-reordered.npy", TRUE,
      fuzz_make_npy (1, "{'shape': (2, 3), 'fortran_order': False, "
          "'descr': '<u2'}", body12, 12));
  emit (func, user_data, "npy", "python2-long.npy", TRUE,
      fuzz_make_npy (1, "{'descr': '<u2', 'fortran_order': False, "
          "'shape': (2L, 3L), }", body12, 12));
  emit (func, user_data, "npy", "fortran.npy", FALSE,
      fuzz_make_npy (1, "{'descr': '<u2', 'fortran_order': True, "
          "'shape': (2, 3), }", body12, 12));
  emit (func, user_data, "npy", "3d.npy", FALSE,
      fuzz_make_npy (1, "{'descr': '|u1', 'fortran_order': False, "
          "'shape': (2, 2, 3), }", body12, 12));
  emit (func, user_data, "npy", "1d.npy", FALSE,
      fuzz_make_npy (1, "{'descr': '|u1', 'fortran_order': False, "
          "'shape': (12,), }", body12, 12));
  emit (func, user_data, "npy", "object.npy", FALSE,
      fuzz_make_npy (1, "{'descr': '|O', 'fortran_order': False, "
          "'shape': (2, 3), }", body12, 12));
  emit (func, user_data, "npy", "no-shape.npy", FALSE,
      fuzz_make_npy (1, "{'descr': '<u2', 'fortran_order': False, }",
          body12, 12));
  emit (func, user_data, "npy", "short-data.npy", FALSE,
      fuzz_make_npy (1, "{'descr': '<u2', 'fortran_order': False, "
          "'shape': (3, 3), }", body12, 12));
  emit (func, user_data, "npy", "bad-magic.npy", FALSE,
      g_bytes_new_static (bad_magic, sizeof (bad_magic) - 1));
  emit (func, user_data, "npy", "huge-header.npy", FALSE,
      g_bytes_new_static (huge_header, sizeof (huge_header) - 1));

  /* what libgsttrial writes itself */
  g_byte_array_set_size (own, gst_trial_npy_f32_header_size (2, 3));
  gst_trial_npy_write_f32_header (2, 3, own->data);
  g_byte_array_append (own, body12, 24);
  emit (func, user_data, "npy", "own-writer.npy", TRUE,
      g_byte_array_free_to_bytes (own));
}

static void
png_seeds (FuzzSeedFunc func, gpointer user_data)
{
  static const struct
  {
    gint color_type;
    gint bit_depth;
    guint flags;
  } specs[] = {
    {PNG_COLOR_TYPE_GRAY, 1, 0},
    {PNG_COLOR_TYPE_GRAY, 2, 0},
    {PNG_COLOR_TYPE_GRAY, 4, 0},
    {PNG_COLOR_TYPE_GRAY, 8, FUZZ_PNG_TRNS},
    {PNG_COLOR_TYPE_GRAY, 16, 0},
    {PNG_COLOR_TYPE_GRAY_ALPHA, 8, 0},
    {PNG_COLOR_TYPE_GRAY_ALPHA, 16, 0},
    {PNG_COLOR_TYPE_RGB, 8, 0},
    {PNG_COLOR_TYPE_RGB, 8, FUZZ_PNG_TRNS},
    {PNG_COLOR_TYPE_RGB, 16, 0},
    {PNG_COLOR_TYPE_RGB_ALPHA, 8, 0},
    {PNG_COLOR_TYPE_RGB_ALPHA, 16, 0},
    {PNG_COLOR_TYPE_PALETTE, 1, 0},
    {PNG_COLOR_TYPE_PALETTE, 2, FUZZ_PNG_TRNS},
    {PNG_COLOR_TYPE_PALETTE, 4, 0},
    {PNG_COLOR_TYPE_PALETTE, 8, FUZZ_PNG_TRNS},
    {PNG_COLOR_TYPE_GRAY, 1, FUZZ_PNG_INTERLACED},
    {PNG_COLOR_TYPE_GRAY, 16, FUZZ_PNG_INTERLACED},
    {PNG_COLOR_TYPE_RGB, 8, FUZZ_PNG_INTERLACED | FUZZ_PNG_SMALL_IDAT},
    {PNG_COLOR_TYPE_RGB_ALPHA, 16, FUZZ_PNG_INTERLACED},
    {PNG_COLOR_TYPE_PALETTE, 4, FUZZ_PNG_INTERLACED | FUZZ_PNG_TRNS},
    {PNG_COLOR_TYPE_GRAY_ALPHA, 8, FUZZ_PNG_SMALL_IDAT},
  };
  g_autoptr (GstTrialImage) rgb = NULL;
  g_autoptr (GstTrialImage) gray16 = NULL;
  g_autoptr (GBytes) good = NULL;
  const guint8 *data;
  gsize size, i;
  guint8 *bad;

  for (i = 0; i < G_N_ELEMENTS (specs); i++) {
    g_autofree gchar *name = g_strdup_printf ("libpng-type%d-%dbit%s%s%s.png",
        specs[i].color_type, specs[i].bit_depth,
        (specs[i].flags & FUZZ_PNG_INTERLACED) ? "-interlaced" : "",
        (specs[i].flags & FUZZ_PNG_TRNS) ? "-trns" : "",
        (specs[i].flags & FUZZ_PNG_SMALL_IDAT) ? "-small-idat" : "");
    emit (func, user_data, "png", name, TRUE, fuzz_make_png (7, 5,
            specs[i].color_type, specs[i].bit_depth, specs[i].flags));
  }

  /* what trialconvert writes, uncompressed and compressed */
  rgb = gst_trial_image_new (GST_TRIAL_PIXEL_RGB8, 6, 4, NULL);
  gray16 = gst_trial_image_new (GST_TRIAL_PIXEL_GRAY16, 6, 4, NULL);
  for (i = 0; i < 6 * 4 * 3; i++)
    rgb->data[i] = i * 11;
  for (i = 0; i < 6 * 4 * 2; i++)
    gray16->data[i] = i * 13;
  emit (func, user_data, "png", "own-rgb8-level0.png", TRUE,
      gst_trial_png_encode (rgb, 0, NULL));
  emit (func, user_data, "png", "own-rgb8-level1.png", TRUE,
      gst_trial_png_encode (rgb, 1, NULL));
  emit (func, user_data, "png", "own-gray16-level6.png", TRUE,
      gst_trial_png_encode (gray16, 6, NULL));

  /* damaged: header only, cut inside IDAT, bad CRC */
  good = gst_trial_png_encode (rgb, 1, NULL);
  data = g_bytes_get_data (good, &size);
  emit (func, user_data, "png", "header-only.png", FALSE,
      g_bytes_new (data, 33));
  emit (func, user_data, "png", "cut-in-idat.png", FALSE,
      g_bytes_new (data, size - 20));
  bad = g_memdup2 (data, size);
  bad[30] ^= 0x01;
  emit (func, user_data, "png", "bad-ihdr-crc.png", FALSE,
      g_bytes_new_take (bad, size));
}

/* The fast decoder's case (8-bit gray, RGB, RGBA, not interlaced) as
 * libpng and our encoder write it, and damaged copies. */
static void
png_fast_seeds (FuzzSeedFunc func, gpointer user_data)
{
  static const GstTrialPixelFormat formats[] = { GST_TRIAL_PIXEL_GRAY8,
    GST_TRIAL_PIXEL_RGB8, GST_TRIAL_PIXEL_RGBA8
  };
  static const gint types[] = { PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_RGB,
    PNG_COLOR_TYPE_RGB_ALPHA
  };
  g_autoptr (GBytes) good = NULL;
  const guint8 *data;
  gsize size, i, j;
  guint8 *bad;

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    g_autoptr (GstTrialImage) image = gst_trial_image_new (formats[i], 9, 6,
        NULL);
    g_autofree gchar *libpng_name = g_strdup_printf ("libpng-type%d.png",
        types[i]);
    g_autofree gchar *own_name = g_strdup_printf ("own-type%d-level1.png",
        types[i]);

    for (j = 0; j < image->stride * image->height; j++)
      image->data[j] = (j * 37) ^ (j >> 3);
    emit (func, user_data, "png-fast", libpng_name, TRUE,
        fuzz_make_png (9, 6, types[i], 8, 0));
    emit (func, user_data, "png-fast", own_name, TRUE,
        gst_trial_png_encode (image, 1, NULL));
    if (i == 1)
      good = gst_trial_png_encode (image, 1, NULL);
  }
  emit (func, user_data, "png-fast", "libpng-rgb-small-idat.png", TRUE,
      fuzz_make_png (9, 6, PNG_COLOR_TYPE_RGB, 8, FUZZ_PNG_SMALL_IDAT));
  emit (func, user_data, "png-fast", "libpng-rgb-up.png", TRUE,
      fuzz_make_png (9, 6, PNG_COLOR_TYPE_RGB, 8, FUZZ_PNG_FILTER_UP));
  emit (func, user_data, "png-fast", "libpng-rgba-avg.png", TRUE,
      fuzz_make_png (9, 6, PNG_COLOR_TYPE_RGB_ALPHA, 8, FUZZ_PNG_FILTER_AVG));
  emit (func, user_data, "png-fast", "libpng-gray-paeth.png", TRUE,
      fuzz_make_png (9, 6, PNG_COLOR_TYPE_GRAY, 8, FUZZ_PNG_FILTER_PAETH));

  /* damaged: cut inside IDAT, a pixel byte changed (the CRC and, once the
   * fuzzer fixes CRCs, the adler32 say so), a bad filter type */
  data = g_bytes_get_data (good, &size);
  emit (func, user_data, "png-fast", "cut-in-idat.png", FALSE,
      g_bytes_new (data, size - 20));
  bad = g_memdup2 (data, size);
  bad[33 + 8 + 4] ^= 0x10;
  emit (func, user_data, "png-fast", "changed-idat.png", FALSE,
      g_bytes_new_take (bad, size));
  bad = g_memdup2 (data, size);
  bad[33 + 8 + 2] ^= 0x01;
  emit (func, user_data, "png-fast", "changed-first-block.png", FALSE,
      g_bytes_new_take (bad, size));
}

static void
jpeg_bmp_seeds (FuzzSeedFunc func, gpointer user_data)
{
  /* selector: bit 0 = BMP, bits 1-3 = RGB8, BGR8, RGBA8, GRAY8, GRAY16 */
  static const struct
  {
    const gchar *name;
    guint8 format;
  } formats[] = {
    {"rgb8", 0}, {"bgr8", 1}, {"rgba8", 2}, {"gray8", 3},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++) {
    guint8 jpeg = formats[i].format << 1, bmp = jpeg | 1;
    g_autofree gchar *a = g_strdup_printf ("jpeg-rgb-%s", formats[i].name);
    g_autofree gchar *b = g_strdup_printf ("jpeg-gray-progressive-%s",
        formats[i].name);
    g_autofree gchar *c = g_strdup_printf ("bmp24-%s", formats[i].name);
    g_autofree gchar *d = g_strdup_printf ("bmp32-topdown-%s",
        formats[i].name);

    emit (func, user_data, "jpeg-bmp", a, TRUE, prefixed (jpeg, 0, FALSE,
            fuzz_make_jpeg (17, 9, FALSE, FALSE)));
    emit (func, user_data, "jpeg-bmp", b, TRUE, prefixed (jpeg, 0, FALSE,
            fuzz_make_jpeg (9, 17, TRUE, TRUE)));
    emit (func, user_data, "jpeg-bmp", c, TRUE, prefixed (bmp, 0, FALSE,
            fuzz_make_bmp (3, 2, 24, FALSE, 40, FALSE)));
    emit (func, user_data, "jpeg-bmp", d, TRUE, prefixed (bmp, 0, FALSE,
            fuzz_make_bmp (3, 2, 32, TRUE, 40, FALSE)));
  }
  emit (func, user_data, "jpeg-bmp", "jpeg-rgb-progressive", TRUE,
      prefixed (0, 0, FALSE, fuzz_make_jpeg (16, 16, FALSE, TRUE)));
  emit (func, user_data, "jpeg-bmp", "bmp32-bitfields", TRUE,
      prefixed (1, 0, FALSE, fuzz_make_bmp (2, 2, 32, FALSE, 40, TRUE)));
  emit (func, user_data, "jpeg-bmp", "bmp32-v5", TRUE,
      prefixed (1, 0, FALSE, fuzz_make_bmp (2, 3, 32, FALSE, 124, TRUE)));
  emit (func, user_data, "jpeg-bmp", "bmp24-v4", TRUE,
      prefixed (1, 0, FALSE, fuzz_make_bmp (5, 1, 24, TRUE, 108, FALSE)));
  emit (func, user_data, "jpeg-bmp", "jpeg-as-gray16", FALSE,
      prefixed (8, 0, FALSE, fuzz_make_jpeg (4, 4, FALSE, FALSE)));
  emit (func, user_data, "jpeg-bmp", "bmp8-palette", FALSE,
      prefixed (1, 0, FALSE, fuzz_make_bmp (4, 2, 8, FALSE, 40, FALSE)));
  emit (func, user_data, "jpeg-bmp", "jpeg-cmyk", TRUE,
      prefixed (0, 0, FALSE, make_cmyk_jpeg (9, 5, FALSE)));
  emit (func, user_data, "jpeg-bmp", "jpeg-ycck-gray8", TRUE,
      prefixed (3 << 1, 0, FALSE, make_cmyk_jpeg (5, 9, TRUE)));
}

static void
raw_depth_seeds (FuzzSeedFunc func, gpointer user_data)
{
  static const guint8 ramp[128] = { 0, 0, 1, 0, 0xe8, 0x03, 0xff, 0xff,
    0x34, 0x12, 7, 0, 9, 0, 0x10, 0x27
  };
  GByteArray *a = g_byte_array_new ();

  /* two bytes of shape (1 + b % 32 each), then the file */
  emit (func, user_data, "raw-depth", "raw-3x2", TRUE,
      prefixed (2, 1, TRUE, g_bytes_new_static (ramp, 12)));
  emit (func, user_data, "raw-depth", "raw-8x8-square", TRUE,
      prefixed (7, 7, TRUE, g_bytes_new_static (ramp, 128)));
  emit (func, user_data, "raw-depth", "raw-wrong-size", FALSE,
      prefixed (3, 3, TRUE, g_bytes_new_static (ramp, 30)));
  emit (func, user_data, "raw-depth", "empty", FALSE,
      prefixed (0, 0, TRUE, g_bytes_new_static (ramp, 0)));
  emit (func, user_data, "raw-depth", "npy-u2-4x3", TRUE,
      prefixed (3, 2, TRUE, npy_array (1, "<u2", 3, 4, TRUE)));
  emit (func, user_data, "raw-depth", "npy-f4-metres-4x3", TRUE,
      prefixed (3, 2, TRUE, npy_array (1, "<f4", 3, 4, FALSE)));
  emit (func, user_data, "raw-depth", "npy-f8-mm-be-4x3", TRUE,
      prefixed (3, 2, TRUE, npy_array (1, ">f8", 3, 4, TRUE)));
  emit (func, user_data, "raw-depth", "npy-i4-2x5", TRUE,
      prefixed (1, 4, TRUE, npy_array (1, "<i4", 5, 2, TRUE)));
  emit (func, user_data, "raw-depth", "png-gray16-7x5", TRUE,
      prefixed (6, 4, TRUE, fuzz_make_png (7, 5, PNG_COLOR_TYPE_GRAY, 16,
              0)));
  emit (func, user_data, "raw-depth", "png-gray8-7x5", FALSE,
      prefixed (6, 4, TRUE, fuzz_make_png (7, 5, PNG_COLOR_TYPE_GRAY, 8,
              FUZZ_PNG_INTERLACED)));
  emit (func, user_data, "raw-depth", "png-rgb8-7x5", FALSE,
      prefixed (6, 4, TRUE, fuzz_make_png (7, 5, PNG_COLOR_TYPE_RGB, 8, 0)));
  /* 614400 bytes are 480x640: the size is a header's 8 bytes here */
  put_le (a, 614400, 8);
  emit (func, user_data, "raw-depth", "size-614400", TRUE,
      prefixed (3, 0, TRUE, g_byte_array_free_to_bytes (a)));
}

/* ---- the segments target: --segments files (tools/segments.h) ---- */

static void
segments_seeds (FuzzSeedFunc func, gpointer user_data)
{
  static const struct
  {
    const gchar *name, *text;
    gboolean valid;
  } seeds[] = {
    {"three-rows", "name,start,end\nwalk_1,0,12.5\nwalk-2,10,30\n"
          "sit.3,29.9,1e2\n", TRUE},
    {"crlf-columns-reordered", "end,note,start,name\r\n4,x,1,a\r\n\r\n"
          "8, y ,2.5, b \r\n", TRUE},
    {"no-end-column", "name,start\na,0\n", FALSE},
    {"end-before-start", "name,start,end\na,3,2\n", FALSE},
    {"unsafe-name", "name,start,end\n../up,0,1\n", FALSE},
    {"name-twice", "name,start,end\na,0,1\na,1,2\n", FALSE},
    {"not-a-number", "name,start,end\na,nan,1\n", FALSE},
    {"short-row", "name,start,end\na,0\n", FALSE},
    {"header-only", "name,start,end\n", FALSE},
    {"nul-byte", "name,start,end\na,0,1\0\n", FALSE},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (seeds); i++) {
    gsize len = strlen (seeds[i].text);

    if (strcmp (seeds[i].name, "nul-byte") == 0)
      len = sizeof "name,start,end\na,0,1\0\n" - 1;
    emit (func, user_data, "segments", seeds[i].name, seeds[i].valid,
        g_bytes_new_static (seeds[i].text, len));
  }
}

/* ---- the align target (encoding in fuzz-align.c) ---- */

typedef struct
{
  guint8 sizes[4];
  guint8 models;
  guint8 flags;
  gfloat depth[9], color[9];
  gdouble quaternion[4], translation[3];
  gfloat rotation[9], translation_f[3];
  gfloat scale;
} AlignSeed;

static void
put_f32 (GByteArray * a, gfloat v)
{
  guint32 bits;

  memcpy (&bits, &v, 4);
  bits = GUINT32_TO_LE (bits);
  g_byte_array_append (a, (const guint8 *) &bits, 4);
}

static void
put_f64 (GByteArray * a, gdouble v)
{
  guint64 bits;

  memcpy (&bits, &v, 8);
  bits = GUINT64_TO_LE (bits);
  g_byte_array_append (a, (const guint8 *) &bits, 8);
}

static GBytes *
align_bytes (const AlignSeed * seed)
{
  GByteArray *a = g_byte_array_new ();
  guint i;

  g_byte_array_append (a, seed->sizes, 4);
  g_byte_array_append (a, &seed->models, 1);
  g_byte_array_append (a, &seed->flags, 1);
  for (i = 0; i < 9; i++)
    put_f32 (a, seed->depth[i]);
  for (i = 0; i < 9; i++)
    put_f32 (a, seed->color[i]);
  if (seed->flags & 1) {
    for (i = 0; i < 9; i++)
      put_f32 (a, seed->rotation[i]);
    for (i = 0; i < 3; i++)
      put_f32 (a, seed->translation_f[i]);
  } else {
    for (i = 0; i < 4; i++)
      put_f64 (a, seed->quaternion[i]);
    for (i = 0; i < 3; i++)
      put_f64 (a, seed->translation[i]);
  }
  put_f32 (a, seed->scale);
  while (a->len < FUZZ_ALIGN_HEADER)
    put_f32 (a, 0);
  /* a ramp of depths, 0.3 to 4 m, with holes */
  for (i = 0; i < 64; i++)
    put_le (a, i % 7 == 0 ? 0 : 300 + 57 * i, 2);
  return g_byte_array_free_to_bytes (a);
}

static void
align_seeds (FuzzSeedFunc func, gpointer user_data)
{
  /* the D435 of the real recording at 1/20 of its size: 32x24 */
  const AlignSeed d435 = {
    {31, 23, 31, 23}, 0x11, 0,
    {19.5215729f, 19.5215729f, 16.5693939f, 12.1093674f, 0, 0, 0, 0, 0},
    {30.6601837f, 30.6709656f, 15.9969421f, 11.9591499f, 0, 0, 0, 0, 0},
    {-5.319880231421298e-05, 0.0064634308469817235, 0.005154853722821664,
        0.9999658465385437},
    {0.01431131362915039, 0.000602306448854506, 0.000610804301686585},
    {0}, {0}, 0.001f
  };
  AlignSeed s;

  emit (func, user_data, "align", "d435-small", TRUE, align_bytes (&d435));
  s = d435;
  s.models = 0x32;              /* Modified color, Inverse depth */
  s.flags = 2 << 1;             /* 3 threads */
  s.depth[4] = 0.11f;
  s.depth[6] = 0.003f;
  s.color[4] = 0.14f;
  s.color[5] = -0.45f;
  s.color[7] = 0.0021f;
  emit (func, user_data, "align", "distorted-3-threads", TRUE,
      align_bytes (&s));
  s = d435;
  s.sizes[0] = 7;               /* 8x2 depth: 2 rows for 4 threads */
  s.sizes[1] = 1;
  s.flags = 3 << 1 | 1;
  s.rotation[0] = s.rotation[4] = s.rotation[8] = 1;
  s.translation_f[0] = 0.0143f;
  s.translation_f[2] = -0.5f;   /* the nearest points behind the camera */
  emit (func, user_data, "align", "rotation-matrix-behind", TRUE,
      align_bytes (&s));
  s = d435;
  s.sizes[0] = s.sizes[2] = 31;
  s.depth[0] = s.color[0] = 30.66f;     /* the same camera: top-left only */
  emit (func, user_data, "align", "top-left-only", TRUE, align_bytes (&s));

  s = d435;
  s.flags = 8 | 1 << 1;         /* portable, 2 threads */
  emit (func, user_data, "align", "portable-d435", TRUE, align_bytes (&s));
  s.models = 0x21;              /* Inverse color, Brown-Conrady depth */
  s.depth[4] = -0.3f;
  s.depth[6] = 0.02f;
  s.color[4] = 0.14f;
  s.color[7] = 0.0021f;
  emit (func, user_data, "align", "portable-distorted", TRUE,
      align_bytes (&s));
  s = d435;
  s.flags = 8;
  s.models = 0x14;              /* Ftheta depth: refused by the rule */
  emit (func, user_data, "align", "portable-ftheta", FALSE,
      align_bytes (&s));

  s = d435;
  s.depth[0] = 0;
  emit (func, user_data, "align", "fx-zero", FALSE, align_bytes (&s));
  s = d435;
  s.color[3] = NAN;
  emit (func, user_data, "align", "ppy-nan", FALSE, align_bytes (&s));
  s = d435;
  s.quaternion[3] = 2;
  emit (func, user_data, "align", "quaternion-norm-2", FALSE,
      align_bytes (&s));
  s = d435;
  s.flags = 1;
  s.rotation[0] = s.rotation[4] = s.rotation[8] = 2;
  emit (func, user_data, "align", "not-a-rotation", FALSE, align_bytes (&s));
  s = d435;
  s.scale = 0;
  emit (func, user_data, "align", "scale-zero", FALSE, align_bytes (&s));
}

/* ---- the layout target ---- */

const gchar *const fuzz_layout_names[] = {
  "cam1", "cam2", "cam10", "camera", "color", "Color", "depth", "Depth",
  "Depth_Color", "depth_color", "frame_000001.png", "frame_000002.png",
  "frame_000031.png", "frame_000031.jpg", "frame_0001.png",
  "frame_000001.raw", "frame_000002.raw", "frame_000031.raw",
  "frame_000001.npy", "frame_0001.raw", "_Color_0001.png",
  "_Color_0002.png", "_Color_000001.jpeg", "Color_000002.bmp",
  "_Depth_0001.raw", "_Depth_0002.npy", "_Depth_000001.png",
  "Depth_000002.raw", "_Depth_Color_0001.png", "_Depth_Color_0002.raw",
  "cam1_000001.png", "cam1_000001.raw", "frame_123456789012345678.png",
  "frame_1234567890123456789.png", "frame_000001.PNG", "_.png",
  "frame_\xff\xfe_000003.png", "\xc3(_000004.png", "x", ".",
};

const guint fuzz_layout_n_names = G_N_ELEMENTS (fuzz_layout_names);

static GBytes *
raw_bytes (guint width, guint height)
{
  GByteArray *a = g_byte_array_new ();
  guint i;

  for (i = 0; i < width * height; i++)
    put_le (a, 400 + i * 250, 2);
  return g_byte_array_free_to_bytes (a);
}

enum
{
  T_PNG_RGB_2x2, T_PNG_GRAY16_2x2, T_NPY_U2_2x2, T_NPY_F4_2x2, T_JPEG_2x2,
  T_BMP_2x2, T_NPY_F8_MM_2x2, T_PNG_RGB_3x2, T_RAW_2x2, T_RAW_3x2,
  T_PNG_GRAY16_3x2, T_PNG_PALETTE_2x2, N_TEMPLATES
};

static gpointer
make_templates (gpointer unused)
{
  GBytes **t = g_new (GBytes *, N_TEMPLATES);

  (void) unused;
  t[T_PNG_RGB_2x2] = fuzz_make_png (2, 2, PNG_COLOR_TYPE_RGB, 8, 0);
  t[T_PNG_GRAY16_2x2] = fuzz_make_png (2, 2, PNG_COLOR_TYPE_GRAY, 16, 0);
  t[T_NPY_U2_2x2] = npy_array (1, "<u2", 2, 2, TRUE);
  t[T_NPY_F4_2x2] = npy_array (1, "<f4", 2, 2, FALSE);
  t[T_JPEG_2x2] = fuzz_make_jpeg (2, 2, FALSE, FALSE);
  t[T_BMP_2x2] = fuzz_make_bmp (2, 2, 24, FALSE, 40, FALSE);
  t[T_NPY_F8_MM_2x2] = npy_array (1, "<f8", 2, 2, TRUE);
  t[T_PNG_RGB_3x2] = fuzz_make_png (3, 2, PNG_COLOR_TYPE_RGB, 8, 0);
  t[T_RAW_2x2] = raw_bytes (2, 2);
  t[T_RAW_3x2] = raw_bytes (3, 2);
  t[T_PNG_GRAY16_3x2] = fuzz_make_png (3, 2, PNG_COLOR_TYPE_GRAY, 16, 0);
  t[T_PNG_PALETTE_2x2] = fuzz_make_png (2, 2, PNG_COLOR_TYPE_PALETTE, 2, 0);
  return t;
}

GBytes *
fuzz_layout_template (guint index)
{
  static GOnce once = G_ONCE_INIT;
  GBytes **templates = g_once (&once, make_templates, NULL);

  return templates[index % N_TEMPLATES];
}

static guint8
name_index (const gchar * name)
{
  guint i;

  for (i = 0; i < fuzz_layout_n_names; i++) {
    if (strcmp (fuzz_layout_names[i], name) == 0)
      return i;
  }
  g_error ("'%s' is not a layout fuzzing name", name);
}

/* One entry; @path's components separated by '/'. @tmpl < 0 means
 * @literal is the content. */
static void
lay (GByteArray * a, guint kind, const gchar * path, gint tmpl,
    const gchar * literal)
{
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  guint n = g_strv_length (parts), i;
  guint8 b;

  g_assert (n >= 1 && n <= 4);
  b = (n - 1) | (kind << 2);
  g_byte_array_append (a, &b, 1);
  for (i = 0; i < n; i++) {
    b = name_index (parts[i]);
    g_byte_array_append (a, &b, 1);
  }
  if (kind == FUZZ_LAYOUT_LINK) {
    b = name_index (literal);
    g_byte_array_append (a, &b, 1);
  } else if (kind != FUZZ_LAYOUT_FOLDER && tmpl >= 0) {
    b = FUZZ_LAYOUT_TEMPLATE + tmpl;
    g_byte_array_append (a, &b, 1);
  } else if (kind != FUZZ_LAYOUT_FOLDER) {
    b = strlen (literal);
    g_byte_array_append (a, &b, 1);
    g_byte_array_append (a, (const guint8 *) literal, b);
  }
}

static GByteArray *
lay_start (guint8 flags)
{
  GByteArray *a = g_byte_array_new ();

  g_byte_array_append (a, &flags, 1);
  return a;
}

static void
lay_emit (FuzzSeedFunc func, gpointer user_data, const gchar * name,
    gboolean valid, GByteArray * a)
{
  emit (func, user_data, "layout", name, valid,
      g_byte_array_free_to_bytes (a));
}

static void
layout_seeds (FuzzSeedFunc func, gpointer user_data)
{
  GByteArray *a;

  a = lay_start (0x00);
  lay (a, 0, "cam1/color/frame_000001.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "cam1/color/frame_000002.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "cam1/depth/frame_000001.raw", T_RAW_2x2, NULL);
  lay (a, 0, "cam1/depth/frame_000002.raw", T_RAW_2x2, NULL);
  lay (a, 0, "cam2/Color/cam1_000001.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "cam2/Depth/frame_000001.npy", T_NPY_U2_2x2, NULL);
  lay_emit (func, user_data, "multi-camera", TRUE, a);

  a = lay_start (0x40 | 0x08);
  lay (a, 0, "cam2/color/frame_000031.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "cam2/depth/frame_000031.raw", T_RAW_3x2, NULL);
  lay (a, 0, "cam10/color/frame_000001.png", T_PNG_RGB_2x2, NULL);
  lay (a, 1, "camera/Color", -1, NULL);
  lay_emit (func, user_data, "multi-camera-cam2", TRUE, a);

  a = lay_start (0x00);
  lay (a, 0, "Color/_Color_0001.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "Color/_Color_0002.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "Depth/_Depth_0001.raw", T_RAW_2x2, NULL);
  lay (a, 0, "Depth/Depth_000002.raw", T_RAW_2x2, NULL);
  lay (a, 0, "Depth_Color/_Depth_Color_0001.png", T_PNG_RGB_2x2, NULL);
  lay_emit (func, user_data, "single-camera", TRUE, a);

  a = lay_start (0x10);
  lay (a, 0, "Color/frame_0001.png", T_PNG_RGB_3x2, NULL);
  lay (a, 0, "Depth_Color/_Depth_Color_0002.raw", T_RAW_3x2, NULL);
  lay (a, 0, "Depth/_Depth_000001.png", T_PNG_GRAY16_3x2, NULL);
  lay_emit (func, user_data, "single-camera-swapped-depth", TRUE, a);

  a = lay_start (0x00);
  lay (a, 0, "color/frame_000001.png", T_PNG_PALETTE_2x2, NULL);
  lay (a, 0, "depth/frame_000001.npy", T_NPY_F4_2x2, NULL);
  lay (a, 0, "depth_color/frame_000001.raw", T_RAW_2x2, NULL);
  lay_emit (func, user_data, "npy-metres", TRUE, a);

  a = lay_start (0x20);
  lay (a, 0, "Color/frame_000031.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "Color/frame_000031.jpg", T_JPEG_2x2, NULL);
  lay (a, 0, "Depth/frame_000031.raw", T_RAW_2x2, NULL);
  lay (a, 0, "Depth/_Depth_0002.npy", T_NPY_F8_MM_2x2, NULL);
  lay_emit (func, user_data, "duplicate-numbers", TRUE, a);

  a = lay_start (0x04);
  lay (a, 0, "Color/frame_0001.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "Color/frame_000002.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "Color/frame_123456789012345678.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "Color/frame_1234567890123456789.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "Color/frame_000001.PNG", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "Depth/frame_0001.raw", T_RAW_2x2, NULL);
  lay_emit (func, user_data, "mixed-digits", TRUE, a);

  a = lay_start (0x00);
  lay (a, 0, "cam1/color/frame_000001.png", T_PNG_RGB_2x2, NULL);
  lay (a, FUZZ_LAYOUT_LINK, "cam1/depth", -1, ".");
  lay (a, FUZZ_LAYOUT_LINK, "cam2", -1, "cam1");
  lay (a, FUZZ_LAYOUT_LINK, "cam1/color/frame_000002.png", -1, "x");
  lay (a, FUZZ_LAYOUT_LINK, "cam1/color/x", -1, "x");
  lay_emit (func, user_data, "symlink-loops", TRUE, a);

  a = lay_start (0x00);
  lay (a, 0, "cam1", -1, "not a folder");
  lay (a, 0, "cam2/color", -1, "not a folder");
  lay (a, 1, "Color/_Color_0001.png", -1, NULL);
  lay_emit (func, user_data, "folders-are-files", FALSE, a);

  a = lay_start (0x00);
  lay (a, 0, "Color/frame_\xff\xfe_000003.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "Color/\xc3(_000004.png", T_BMP_2x2, NULL);
  lay (a, 0, "Depth/Depth_000002.raw", T_RAW_2x2, NULL);
  lay_emit (func, user_data, "non-utf8-names", TRUE, a);

  a = lay_start (0x00);
  lay_emit (func, user_data, "empty-trial", FALSE, a);

  a = lay_start (0x01);
  lay (a, 0, "x", -1, "a file, not a trial");
  lay_emit (func, user_data, "trial-is-a-file", FALSE, a);

  a = lay_start (0x03);
  lay (a, 1, "cam2", -1, NULL);
  lay (a, 0, "cam2/Color/_Color_0001.png", T_PNG_RGB_2x2, NULL);
  lay_emit (func, user_data, "trial-is-a-subfolder", TRUE, a);

  a = lay_start (0x00);
  lay (a, 0, "Color/frame_000001.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "Color/frame_000002.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "Depth/frame_000002.raw", T_RAW_2x2, NULL);
  lay (a, 0, "Depth/frame_000031.raw", T_RAW_2x2, NULL);
  lay_emit (func, user_data, "missing-depth-and-color", TRUE, a);

  a = lay_start (0x30);
  lay (a, FUZZ_LAYOUT_UNREADABLE, "Color/frame_000001.png", T_PNG_RGB_2x2,
      NULL);
  lay (a, 0, "Color/frame_000002.png", T_PNG_RGB_2x2, NULL);
  lay (a, FUZZ_LAYOUT_UNREADABLE, "Depth/frame_000001.raw", T_RAW_2x2, NULL);
  lay (a, 0, "Depth/frame_000002.raw", T_RAW_3x2, NULL);
  lay_emit (func, user_data, "unreadable-and-wrong-size", TRUE, a);

  a = lay_start (0x00);
  lay (a, 0, "Color/Color_000002.bmp", T_BMP_2x2, NULL);
  lay (a, 0, "Color/_Color_000001.jpeg", T_JPEG_2x2, NULL);
  lay (a, 0, "Color/_.png", T_PNG_RGB_2x2, NULL);
  lay (a, 0, "Depth/Depth_000002.raw", T_RAW_2x2, NULL);
  lay (a, 0, "Depth/_Depth_000001.png", T_PNG_GRAY16_2x2, NULL);
  lay_emit (func, user_data, "jpeg-bmp-colors", TRUE, a);

  a = lay_start (0x00);
  lay (a, 0, "Color/frame_000001.png", -1, "garbage, not a PNG");
  lay (a, 0, "Depth/frame_000001.raw", -1, "odd");
  lay (a, 0, "Depth/frame_000001.npy", -1, "\x93NUMPY");
  lay_emit (func, user_data, "garbage-files", TRUE, a);
}

/* ---- bag ---- */

/* Bags of bagwriter.c: every compression, interrupted and cut, and
 * damaged copies (the fuzzer's mutations start from valid structure). */
static void
bag_seeds (FuzzSeedFunc func, gpointer user_data)
{
  static const gchar *const compressions[] = { "none", "lz4", "bz2" };
  guint c;

  for (c = 0; c < G_N_ELEMENTS (compressions); c++) {
    FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
    g_autofree gchar *name = NULL;
    GBytes *bag;
    gsize size;

    spec.compression = compressions[c];
    bag = fuzz_make_bag (&spec);
    size = g_bytes_get_size (bag);
    /* copies cut short inside the index and inside the chunks are read up
     * to the cut */
    name = g_strdup_printf ("%s-cut-index", compressions[c]);
    emit (func, user_data, "bag", name, TRUE,
        g_bytes_new_from_bytes (bag, 0, size - 20));
    g_free (name);
    name = g_strdup_printf ("%s-cut-copy", compressions[c]);
    emit (func, user_data, "bag", name, TRUE,
        g_bytes_new_from_bytes (bag, 0, FUZZ_BAG_FIRST_CHUNK +
            (size - FUZZ_BAG_FIRST_CHUNK) / 2));
    g_free (name);
    name = g_strdup_printf ("%s", compressions[c]);
    emit (func, user_data, "bag", name, TRUE, bag);

    spec.interrupted = TRUE;
    spec.trailer = FALSE;
    bag = fuzz_make_bag (&spec);
    size = g_bytes_get_size (bag);
    g_free (name);
    name = g_strdup_printf ("%s-interrupted-cut", compressions[c]);
    emit (func, user_data, "bag", name, TRUE,
        g_bytes_new_from_bytes (bag, 0, size - 30));
    g_free (name);
    name = g_strdup_printf ("%s-interrupted", compressions[c]);
    emit (func, user_data, "bag", name, TRUE, bag);
  }
  {
    FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
    g_autoptr (GBytes) bag = fuzz_make_bag (&spec);
    gsize size;
    const guint8 *data = g_bytes_get_data (bag, &size);
    guint8 *copy = g_memdup2 (data, size);
    gsize at = 0;

    /* index_pos inside the bag header: damage, not a cut */
    while (at + 18 <= size && memcmp (copy + at, "index_pos=", 10) != 0)
      at++;
    g_assert (at + 18 <= size);
    memcpy (copy + at + 10, "\x64\0\0\0\0\0\0\0", 8);
    emit (func, user_data, "bag", "index-in-header", FALSE,
        g_bytes_new_take (copy, size));
  }
  emit (func, user_data, "bag", "magic-only", FALSE,
      g_bytes_new_static ("#ROSBAG V2.0\n", 13));
  emit (func, user_data, "bag", "v1.2", FALSE,
      g_bytes_new_static ("#ROSBAG V1.2\n\0\0\0\0", 17));
}

void
fuzz_corpus_foreach (FuzzSeedFunc func, gpointer user_data)
{
  npy_seeds (func, user_data);
  png_seeds (func, user_data);
  png_fast_seeds (func, user_data);
  jpeg_bmp_seeds (func, user_data);
  raw_depth_seeds (func, user_data);
  layout_seeds (func, user_data);
  bag_seeds (func, user_data);
  align_seeds (func, user_data);
  segments_seeds (func, user_data);
}
