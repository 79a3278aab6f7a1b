/* gst-trial tests: PNG header parsing, verification, decoding and encoding
 * (gst/trial/pngverify.c, gst/trial/pngcodec.c).
 *
 * Source PNGs of every color type, bit depth and interlace method are
 * written here with libpng itself from a known sample function, so every
 * decoded pixel can be compared exactly with what was written. Corrupt files
 * are made by editing valid ones byte by byte (and fixing the CRC where the
 * corruption must get past it). */
#include <setjmp.h>
#include <string.h>
#include <png.h>
#include <zlib.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/error.h"
#include "gst/trial/image.h"
#include "gst/trial/pngcodec.h"
#include "trialtest.h"

#define assert_error(err, expected_code, substring) G_STMT_START {      \
  fail_unless ((err) != NULL, "expected an error containing '%s'",      \
      (substring));                                                     \
  fail_unless ((err)->domain == GST_TRIAL_ERROR,                        \
      "wrong error domain: %s", (err)->message);                        \
  fail_unless ((err)->code == (gint) (expected_code),                   \
      "expected code %d, got %d: %s", (expected_code), (err)->code,     \
      (err)->message);                                                  \
  fail_unless (strstr ((err)->message, (substring)) != NULL,            \
      "expected '%s' in: %s", (substring), (err)->message);             \
} G_STMT_END

/* ---- source PNGs written with libpng ---- */

typedef struct
{
  int color_type;
  int bit_depth;
  gboolean trns;
} SrcSpec;

static guint32
hash3 (guint x, guint y, guint c)
{
  guint32 h = x * 0x9e3779b1u ^ (y + 0x7f4a7c15u) * 0x85ebca77u ^
      (c + 1) * 0xc2b2ae3du;

  h ^= h >> 15;
  h *= 0x2c1b3c6du;
  h ^= h >> 12;
  return h;
}

static guint
palette_size (const SrcSpec * s)
{
  return s->bit_depth == 8 ? 200 : 1u << s->bit_depth;
}

static guint
channels_of (int color_type)
{
  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      return 2;
    case PNG_COLOR_TYPE_RGB:
      return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA:
      return 4;
    default:
      return 1;
  }
}

/* The sample (or palette index) written at @x, @y, channel @c. */
static guint
sample (const SrcSpec * s, guint x, guint y, guint c)
{
  guint32 h = hash3 (x, y, c);

  if (s->color_type == PNG_COLOR_TYPE_PALETTE)
    return h % palette_size (s);
  return h & ((1u << s->bit_depth) - 1);
}

static void
palette_color (guint i, guint8 rgb[3])
{
  rgb[0] = (i * 37 + 5) & 0xff;
  rgb[1] = (i * 91 + 11) & 0xff;
  rgb[2] = (i * 53 + 200) & 0xff;
}

#define N_PALETTE_TRNS 5

static guint8
palette_alpha (guint i)
{
  return i < N_PALETTE_TRNS ? i * 50 : 255;
}

static guint
to8 (guint v, guint bit_depth)
{
  if (bit_depth == 16)
    return v >> 8;
  return v * 255 / ((1u << bit_depth) - 1);
}

/* What every 8-bit target is derived from: the source pixel as 8-bit RGBA
 * (tRNS applied). */
static void
expected_rgba (const SrcSpec * s, guint x, guint y, guint8 out[4])
{
  guint bd = s->bit_depth, i;

  switch (s->color_type) {
    case PNG_COLOR_TYPE_PALETTE:
      palette_color (sample (s, x, y, 0), out);
      out[3] = s->trns ? palette_alpha (sample (s, x, y, 0)) : 255;
      return;
    case PNG_COLOR_TYPE_GRAY:
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      out[0] = out[1] = out[2] = to8 (sample (s, x, y, 0), bd);
      if (s->color_type == PNG_COLOR_TYPE_GRAY_ALPHA)
        out[3] = to8 (sample (s, x, y, 1), bd);
      else if (s->trns)
        out[3] = sample (s, x, y, 0) == sample (s, 0, 0, 0) ? 0 : 255;
      else
        out[3] = 255;
      return;
    default:
      for (i = 0; i < 3; i++)
        out[i] = to8 (sample (s, x, y, i), bd);
      if (s->color_type == PNG_COLOR_TYPE_RGB_ALPHA)
        out[3] = to8 (sample (s, x, y, 3), bd);
      else if (s->trns)
        out[3] = sample (s, x, y, 0) == sample (s, 0, 0, 0)
            && sample (s, x, y, 1) == sample (s, 0, 0, 1)
            && sample (s, x, y, 2) == sample (s, 0, 0, 2) ? 0 : 255;
      else
        out[3] = 255;
      return;
  }
}

static void
write_cb (png_structp png, png_bytep data, png_size_t length)
{
  g_byte_array_append (png_get_io_ptr (png), data, length);
}

static void
flush_cb (png_structp png)
{
  (void) png;
}

/* Packs row @y as libpng expects it: samples MSB first below 8 bits,
 * big-endian at 16 bits. */
static void
pack_row (const SrcSpec * s, guint width, guint y, guint8 * row)
{
  guint ch = channels_of (s->color_type), bd = s->bit_depth, x, c;

  memset (row, 0, (width * ch * bd + 7) / 8);
  for (x = 0; x < width; x++) {
    for (c = 0; c < ch; c++) {
      guint v = sample (s, x, y, c), bit = (x * ch + c) * bd;

      if (bd == 16) {
        row[bit / 8] = v >> 8;
        row[bit / 8 + 1] = v & 0xff;
      } else {
        row[bit / 8] |= v << (8 - bd - bit % 8);
      }
    }
  }
}

/* @filters: PNG_FILTER_* mask for png_set_filter(), 0 for libpng's
 * default choice. */
static GBytes *
write_source_png_filtered (const SrcSpec * s, guint width, guint height,
    gboolean interlaced, int filters)
{
  GByteArray *out = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL,
      NULL, NULL);
  png_infop info = png_create_info_struct (png);
  guint8 *pixels = g_malloc0 ((gsize) height * (width * 8 + 1));
  png_bytep *rows = g_new (png_bytep, height);
  guint y, i;

  fail_unless (png != NULL && info != NULL);
  if (setjmp (png_jmpbuf (png)))
    fail ("libpng could not write the test image");

  png_set_write_fn (png, out, write_cb, flush_cb);
  png_set_IHDR (png, info, width, height, s->bit_depth, s->color_type,
      interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
      PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (filters != 0)
    png_set_filter (png, PNG_FILTER_TYPE_BASE, filters);
  if (s->color_type == PNG_COLOR_TYPE_PALETTE) {
    png_color palette[256];
    png_byte alpha[N_PALETTE_TRNS];

    for (i = 0; i < palette_size (s); i++) {
      guint8 rgb[3];

      palette_color (i, rgb);
      palette[i].red = rgb[0];
      palette[i].green = rgb[1];
      palette[i].blue = rgb[2];
    }
    png_set_PLTE (png, info, palette, palette_size (s));
    if (s->trns) {
      for (i = 0; i < N_PALETTE_TRNS; i++)
        alpha[i] = palette_alpha (i);
      png_set_tRNS (png, info, alpha, MIN (N_PALETTE_TRNS,
              palette_size (s)), NULL);
    }
  } else if (s->trns) {
    png_color_16 color = { 0 };

    color.gray = sample (s, 0, 0, 0);
    color.red = sample (s, 0, 0, 0);
    color.green = sample (s, 0, 0, 1);
    color.blue = sample (s, 0, 0, 2);
    png_set_tRNS (png, info, NULL, 0, &color);
  }
  for (y = 0; y < height; y++) {
    rows[y] = pixels + (gsize) y * (width * 8 + 1);
    pack_row (s, width, y, rows[y]);
  }
  png_set_rows (png, info, rows);
  png_write_png (png, info, PNG_TRANSFORM_IDENTITY, NULL);
  png_destroy_write_struct (&png, &info);
  g_free (rows);
  g_free (pixels);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
write_source_png (const SrcSpec * s, guint width, guint height,
    gboolean interlaced)
{
  return write_source_png_filtered (s, width, height, interlaced, 0);
}

static const GstTrialPixelFormat all_formats[] = {
  GST_TRIAL_PIXEL_RGB8, GST_TRIAL_PIXEL_BGR8, GST_TRIAL_PIXEL_RGBA8,
  GST_TRIAL_PIXEL_GRAY8, GST_TRIAL_PIXEL_GRAY16,
};

static void
check_decoded_pixels (const SrcSpec * s, const GstTrialImage * img,
    const gchar * what)
{
  guint x, y;

  for (y = 0; y < img->height; y++) {
    for (x = 0; x < img->width; x++) {
      const guint8 *p = img->data + y * img->stride +
          x * gst_trial_pixel_format_bpp (img->format);
      guint8 e[4];

      expected_rgba (s, x, y, e);
      switch (img->format) {
        case GST_TRIAL_PIXEL_RGB8:
          fail_unless (p[0] == e[0] && p[1] == e[1] && p[2] == e[2],
              "%s RGB8 (%u,%u): got %u,%u,%u expected %u,%u,%u", what, x, y,
              p[0], p[1], p[2], e[0], e[1], e[2]);
          break;
        case GST_TRIAL_PIXEL_BGR8:
          fail_unless (p[0] == e[2] && p[1] == e[1] && p[2] == e[0],
              "%s BGR8 (%u,%u)", what, x, y);
          break;
        case GST_TRIAL_PIXEL_RGBA8:
          fail_unless (p[0] == e[0] && p[1] == e[1] && p[2] == e[2]
              && p[3] == e[3], "%s RGBA8 (%u,%u): got %u,%u,%u,%u expected "
              "%u,%u,%u,%u", what, x, y, p[0], p[1], p[2], p[3], e[0], e[1],
              e[2], e[3]);
          break;
        case GST_TRIAL_PIXEL_GRAY8:{
          guint g = (s->color_type & PNG_COLOR_MASK_COLOR) ?
              trial_test_bt601_luma (e[0], e[1], e[2]) : e[0];

          fail_unless (p[0] == g, "%s GRAY8 (%u,%u): got %u expected %u",
              what, x, y, p[0], g);
          break;
        }
        case GST_TRIAL_PIXEL_GRAY16:{
          guint16 v = *(const guint16 *) p;
          guint raw = sample (s, x, y, 0);
          guint16 g = s->bit_depth == 16 ? raw : to8 (raw,
              s->bit_depth) * 257;

          fail_unless (v == g, "%s GRAY16 (%u,%u): got %u expected %u", what,
              x, y, v, g);
          break;
        }
      }
    }
  }
}

static const SrcSpec all_sources[] = {
  {PNG_COLOR_TYPE_GRAY, 1, FALSE},
  {PNG_COLOR_TYPE_GRAY, 2, FALSE},
  {PNG_COLOR_TYPE_GRAY, 4, FALSE},
  {PNG_COLOR_TYPE_GRAY, 8, FALSE},
  {PNG_COLOR_TYPE_GRAY, 16, FALSE},
  {PNG_COLOR_TYPE_GRAY, 8, TRUE},
  {PNG_COLOR_TYPE_GRAY, 16, TRUE},
  {PNG_COLOR_TYPE_GRAY_ALPHA, 8, FALSE},
  {PNG_COLOR_TYPE_GRAY_ALPHA, 16, FALSE},
  {PNG_COLOR_TYPE_RGB, 8, FALSE},
  {PNG_COLOR_TYPE_RGB, 16, FALSE},
  {PNG_COLOR_TYPE_RGB, 8, TRUE},
  {PNG_COLOR_TYPE_RGB_ALPHA, 8, FALSE},
  {PNG_COLOR_TYPE_RGB_ALPHA, 16, FALSE},
  {PNG_COLOR_TYPE_PALETTE, 1, FALSE},
  {PNG_COLOR_TYPE_PALETTE, 2, FALSE},
  {PNG_COLOR_TYPE_PALETTE, 4, FALSE},
  {PNG_COLOR_TYPE_PALETTE, 8, FALSE},
  {PNG_COLOR_TYPE_PALETTE, 8, TRUE},
  {PNG_COLOR_TYPE_PALETTE, 2, TRUE},
};

/* Every source type x interlace x size decodes to every target exactly, and
 * passes verification with the header it was written with. */
static void
check_all_sources (gboolean interlaced)
{
  static const guint sizes[][2] = { {37, 23}, {1, 1}, {3, 5}, {9, 1} };
  guint si, zi, fi;

  for (si = 0; si < G_N_ELEMENTS (all_sources); si++) {
    const SrcSpec *s = &all_sources[si];

    for (zi = 0; zi < G_N_ELEMENTS (sizes); zi++) {
      g_autoptr (GBytes) png = write_source_png (s, sizes[zi][0],
          sizes[zi][1], interlaced);
      g_autofree gchar *what = g_strdup_printf ("type %d depth %d%s%s %ux%u",
          s->color_type, s->bit_depth, s->trns ? " +tRNS" : "",
          interlaced ? " interlaced" : "", sizes[zi][0], sizes[zi][1]);
      gsize size;
      const guint8 *data = g_bytes_get_data (png, &size);
      GstTrialPngHeader header = { 0 };
      GError *err = NULL;

      fail_unless (gst_trial_png_verify (data, size,
          GST_TRIAL_PNG_VERIFY_DATA, &header, &err),
          "%s: %s", what, err ? err->message : "");
      assert_equals_int (header.width, sizes[zi][0]);
      assert_equals_int (header.height, sizes[zi][1]);
      assert_equals_int (header.bit_depth, s->bit_depth);
      assert_equals_int (header.color_type, s->color_type);
      assert_equals_int (header.interlaced, interlaced);

      for (fi = 0; fi < G_N_ELEMENTS (all_formats); fi++) {
        g_autoptr (GstTrialImage) img =
            gst_trial_png_decode (data, size, all_formats[fi], &err);

        if (all_formats[fi] == GST_TRIAL_PIXEL_GRAY16
            && (s->color_type & PNG_COLOR_MASK_COLOR)) {
          fail_unless (img == NULL, "%s: GRAY16 from color must fail", what);
          assert_error (err, GST_TRIAL_ERROR_UNSUPPORTED,
              "expected a grayscale PNG");
          g_clear_error (&err);
          continue;
        }
        fail_unless (img != NULL, "%s format %d: %s", what, all_formats[fi],
            err ? err->message : "");
        assert_equals_int (img->width, sizes[zi][0]);
        assert_equals_int (img->height, sizes[zi][1]);
        assert_equals_int (img->format, all_formats[fi]);
        assert_equals_int (img->stride,
            sizes[zi][0] * gst_trial_pixel_format_bpp (all_formats[fi]));
        check_decoded_pixels (s, img, what);
      }
    }
  }
}

GST_START_TEST (test_decode_all_sources)
{
  check_all_sources (FALSE);
}

GST_END_TEST;

GST_START_TEST (test_decode_all_sources_interlaced)
{
  check_all_sources (TRUE);
}

GST_END_TEST;

/* Spot checks of the expectations above, by hand, so the sample model
 * itself cannot hide a bug. */
GST_START_TEST (test_decode_known_values)
{
  static const SrcSpec rgb16 = { PNG_COLOR_TYPE_RGB, 16, FALSE };
  static const SrcSpec pal = { PNG_COLOR_TYPE_PALETTE, 8, FALSE };
  static const SrcSpec gray4 = { PNG_COLOR_TYPE_GRAY, 4, FALSE };
  g_autoptr (GBytes) p16 = write_source_png (&rgb16, 2, 1, FALSE);
  g_autoptr (GBytes) ppal = write_source_png (&pal, 2, 1, FALSE);
  g_autoptr (GBytes) pg4 = write_source_png (&gray4, 2, 1, FALSE);
  g_autoptr (GstTrialImage) a = NULL;
  g_autoptr (GstTrialImage) b = NULL;
  g_autoptr (GstTrialImage) c = NULL;
  g_autoptr (GstTrialImage) d = NULL;
  gsize size;
  const guint8 *data;
  guint8 rgb[3];

  /* 16-bit: RGB8 is the high byte of each sample. */
  data = g_bytes_get_data (p16, &size);
  a = gst_trial_png_decode (data, size, GST_TRIAL_PIXEL_RGB8, NULL);
  fail_unless (a != NULL);
  assert_equals_int (a->data[3], sample (&rgb16, 1, 0, 0) >> 8);
  assert_equals_int (a->data[4], sample (&rgb16, 1, 0, 1) >> 8);
  assert_equals_int (a->data[5], sample (&rgb16, 1, 0, 2) >> 8);

  /* Palette: the palette entry's color. */
  data = g_bytes_get_data (ppal, &size);
  b = gst_trial_png_decode (data, size, GST_TRIAL_PIXEL_RGB8, NULL);
  fail_unless (b != NULL);
  palette_color (sample (&pal, 1, 0, 0), rgb);
  fail_unless (memcmp (b->data + 3, rgb, 3) == 0);

  /* 4-bit gray: v * 17 in 8 bits, v * 17 * 257 in 16 bits. */
  data = g_bytes_get_data (pg4, &size);
  c = gst_trial_png_decode (data, size, GST_TRIAL_PIXEL_GRAY8, NULL);
  d = gst_trial_png_decode (data, size, GST_TRIAL_PIXEL_GRAY16, NULL);
  fail_unless (c != NULL && d != NULL);
  assert_equals_int (c->data[1], sample (&gray4, 1, 0, 0) * 17);
  assert_equals_int (((guint16 *) d->data)[1],
      sample (&gray4, 1, 0, 0) * 17 * 257);
}

GST_END_TEST;

/* ---- our encoder ---- */

static GstTrialImage *
make_image (GstTrialPixelFormat format, guint width, guint height)
{
  GstTrialImage *img = gst_trial_image_new (format, width, height, NULL);
  gsize i;

  fail_unless (img != NULL);
  for (i = 0; i < img->stride * height; i++)
    img->data[i] = ((i * 7 + (i / img->stride) * 3) & 0xff) ^
        (hash3 (i, 0, 0) & 0x0f);
  return img;
}

static void
assert_images_equal (const GstTrialImage * a, const GstTrialImage * b)
{
  assert_equals_int (a->width, b->width);
  assert_equals_int (a->height, b->height);
  assert_equals_int (a->format, b->format);
  assert_equals_int (a->stride, b->stride);
  fail_unless (memcmp (a->data, b->data, a->stride * a->height) == 0,
      "pixels differ");
}

GST_START_TEST (test_encode_round_trip)
{
  static const struct
  {
    GstTrialPixelFormat format;
    guint color_type, bit_depth;
  } cases[] = {
    {GST_TRIAL_PIXEL_RGB8, PNG_COLOR_TYPE_RGB, 8},
    {GST_TRIAL_PIXEL_RGBA8, PNG_COLOR_TYPE_RGB_ALPHA, 8},
    {GST_TRIAL_PIXEL_GRAY8, PNG_COLOR_TYPE_GRAY, 8},
    {GST_TRIAL_PIXEL_GRAY16, PNG_COLOR_TYPE_GRAY, 16},
    {GST_TRIAL_PIXEL_BGR8, PNG_COLOR_TYPE_RGB, 8},
  };
  static const gint levels[] = { 0, 1, 6, 9 };
  guint ci, li;

  for (ci = 0; ci < G_N_ELEMENTS (cases); ci++) {
    for (li = 0; li < G_N_ELEMENTS (levels); li++) {
      g_autoptr (GstTrialImage) img = make_image (cases[ci].format, 61, 17);
      g_autoptr (GstTrialImage) back = NULL;
      g_autoptr (GBytes) png = NULL;
      GstTrialPngHeader header;
      GError *err = NULL;
      gsize size;
      const guint8 *data;

      png = gst_trial_png_encode (img, levels[li], &err);
      fail_unless (png != NULL, "%s", err ? err->message : "");
      data = g_bytes_get_data (png, &size);
      fail_unless (gst_trial_png_verify (data, size,
          GST_TRIAL_PNG_VERIFY_DATA, &header, &err), "%s",
          err ? err->message : "");
      assert_equals_int (header.color_type, cases[ci].color_type);
      assert_equals_int (header.bit_depth, cases[ci].bit_depth);
      assert_equals_int (header.interlaced, FALSE);
      back = gst_trial_png_decode (data, size, cases[ci].format, &err);
      fail_unless (back != NULL, "%s", err ? err->message : "");
      assert_images_equal (img, back);
    }
  }
}

GST_END_TEST;

/* The fast decoder (8-bit gray, RGB, RGBA, not interlaced) undoes every
 * filter type the way libpng writes it, on the first row (no row above)
 * and in the first pixel (nothing to the left), for every target format. */
GST_START_TEST (test_decode_fast_every_filter)
{
  static const SrcSpec sources[] = {
    {PNG_COLOR_TYPE_GRAY, 8, FALSE},
    {PNG_COLOR_TYPE_RGB, 8, FALSE},
    {PNG_COLOR_TYPE_RGB_ALPHA, 8, FALSE},
  };
  static const int filters[] = { PNG_FILTER_NONE, PNG_FILTER_SUB,
    PNG_FILTER_UP, PNG_FILTER_AVG, PNG_FILTER_PAETH
  };
  static const guint sizes[][2] = { {37, 23}, {1, 1}, {1, 5}, {5, 1} };
  guint si, fi, zi, oi;

  for (si = 0; si < G_N_ELEMENTS (sources); si++) {
    for (fi = 0; fi < G_N_ELEMENTS (filters); fi++) {
      for (zi = 0; zi < G_N_ELEMENTS (sizes); zi++) {
        const SrcSpec *s = &sources[si];
        g_autoptr (GBytes) png = write_source_png_filtered (s, sizes[zi][0],
            sizes[zi][1], FALSE, filters[fi]);
        g_autofree gchar *what = g_strdup_printf ("type %d filter 0x%x "
            "%ux%u", s->color_type, filters[fi], sizes[zi][0], sizes[zi][1]);
        gsize size;
        const guint8 *data = g_bytes_get_data (png, &size);

        for (oi = 0; oi < G_N_ELEMENTS (all_formats); oi++) {
          g_autoptr (GstTrialImage) img = NULL;
          GError *err = NULL;

          if (all_formats[oi] == GST_TRIAL_PIXEL_GRAY16
              && (s->color_type & PNG_COLOR_MASK_COLOR))
            continue;
          img = gst_trial_png_decode (data, size, all_formats[oi], &err);
          fail_unless (img != NULL, "%s: %s", what, err ? err->message : "");
          check_decoded_pixels (s, img, what);
        }
      }
    }
  }
}

GST_END_TEST;

/* Reads @data with libpng and no transformation but 16-bit samples to host
 * order: the rows as the file holds them, whatever our decoder does. */
static GstTrialImage *
libpng_read_as (const guint8 * data, gsize size, GstTrialPixelFormat format)
{
  png_image image = { 0 };
  GstTrialImage *img;

  image.version = PNG_IMAGE_VERSION;
  fail_unless (png_image_begin_read_from_memory (&image, data, size),
      "libpng: %s", image.message);
  switch (format) {
    case GST_TRIAL_PIXEL_RGB8:
      fail_unless (image.format == PNG_FORMAT_RGB);
      break;
    case GST_TRIAL_PIXEL_RGBA8:
      fail_unless (image.format == PNG_FORMAT_RGBA);
      break;
    case GST_TRIAL_PIXEL_GRAY8:
      fail_unless (image.format == PNG_FORMAT_GRAY);
      break;
    case GST_TRIAL_PIXEL_GRAY16:
      /* 16-bit gray is linear to the simplified API: no conversion */
      fail_unless (image.format == PNG_FORMAT_LINEAR_Y);
      break;
    case GST_TRIAL_PIXEL_BGR8:
      fail_unless (image.format == PNG_FORMAT_RGB);
      image.format = PNG_FORMAT_BGR;
      break;
  }
  img = gst_trial_image_new (format, image.width, image.height, NULL);
  fail_unless (png_image_finish_read (&image, NULL, img->data, 0, NULL),
      "libpng: %s", image.message);
  return img;
}

static guint
count_chunks (const guint8 * data, gsize size, const gchar * type)
{
  gsize pos = 8;
  guint n = 0;

  while (pos + 12 <= size) {
    guint32 length = (data[pos] << 24) | (data[pos + 1] << 16) |
        (data[pos + 2] << 8) | data[pos + 3];

    if (memcmp (data + pos + 4, type, 4) == 0)
      n++;
    pos += 12 + (gsize) length;
  }
  return n;
}

/* Levels 1-3 (igzip, one IDAT) and the zlib levels write files libpng reads
 * back to exactly the pixels given, in every format the encoder takes. */
GST_START_TEST (test_encode_read_by_libpng)
{
  static const GstTrialPixelFormat formats[] = {
    GST_TRIAL_PIXEL_RGB8, GST_TRIAL_PIXEL_BGR8, GST_TRIAL_PIXEL_RGBA8,
    GST_TRIAL_PIXEL_GRAY8, GST_TRIAL_PIXEL_GRAY16,
  };
  static const gint levels[] = { 1, 2, 3, 0, 4, 9 };
  static const guint sizes[][2] = { {640, 48}, {1, 1}, {3, 7} };
  guint fi, li, zi;

  for (fi = 0; fi < G_N_ELEMENTS (formats); fi++) {
    for (li = 0; li < G_N_ELEMENTS (levels); li++) {
      for (zi = 0; zi < G_N_ELEMENTS (sizes); zi++) {
        g_autoptr (GstTrialImage) img = make_image (formats[fi],
            sizes[zi][0], sizes[zi][1]);
        g_autoptr (GstTrialImage) back = NULL;
        g_autoptr (GBytes) png = NULL;
        GError *err = NULL;
        const guint8 *data;
        gsize size;

        png = gst_trial_png_encode (img, levels[li], &err);
        fail_unless (png != NULL, "%s", err ? err->message : "");
        data = g_bytes_get_data (png, &size);
        back = libpng_read_as (data, size, formats[fi]);
        assert_images_equal (img, back);
        assert_equals_int (count_chunks (data, size, "IHDR"), 1);
        assert_equals_int (count_chunks (data, size, "IEND"), 1);
        /* igzip writes the image as one IDAT; libpng cuts its stream into
         * IDATs of 8 KiB, which 640x48 needs several of */
        if (levels[li] >= 1 && levels[li] <= 3) {
          assert_equals_int (count_chunks (data, size, "IDAT"), 1);
        } else if (zi == 0) {
          fail_unless (count_chunks (data, size, "IDAT") > 1);
        }
      }
    }
  }
}

GST_END_TEST;

GST_START_TEST (test_encode_details)
{
  g_autoptr (GstTrialImage) bgr = make_image (GST_TRIAL_PIXEL_BGR8, 8, 4);
  g_autoptr (GstTrialImage) rgb = NULL;
  g_autoptr (GstTrialImage) gray16 = NULL;
  g_autoptr (GstTrialImage) back = NULL;
  g_autoptr (GstTrialImage) flat = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autoptr (GBytes) fast = NULL;
  g_autoptr (GBytes) best = NULL;
  static const guint16 values[] = { 0, 1, 0x0102, 0x00ff, 0xff00, 65535 };
  gsize size, i;
  const guint8 *data;

  /* BGR8 is written as RGB: the file holds the swapped channels. */
  png = gst_trial_png_encode (bgr, 1, NULL);
  data = g_bytes_get_data (png, &size);
  rgb = gst_trial_png_decode (data, size, GST_TRIAL_PIXEL_RGB8, NULL);
  fail_unless (rgb != NULL);
  for (i = 0; i < 8 * 4; i++) {
    assert_equals_int (rgb->data[3 * i], bgr->data[3 * i + 2]);
    assert_equals_int (rgb->data[3 * i + 1], bgr->data[3 * i + 1]);
    assert_equals_int (rgb->data[3 * i + 2], bgr->data[3 * i]);
  }
  g_clear_pointer (&png, g_bytes_unref);

  /* GRAY16: host-endian in memory, big-endian in the file, exact. */
  gray16 = gst_trial_image_new (GST_TRIAL_PIXEL_GRAY16, 6, 1, NULL);
  memcpy (gray16->data, values, sizeof (values));
  png = gst_trial_png_encode (gray16, 6, NULL);
  data = g_bytes_get_data (png, &size);
  /* Filter byte (SUB = 1), then the first sample big-endian; found after
   * inflating the single IDAT. */
  {
    guint8 raw[1 + 12];
    uLongf raw_len = sizeof (raw);
    guint32 idat_len = (data[33] << 24) | (data[34] << 16) |
        (data[35] << 8) | data[36];

    fail_unless (memcmp (data + 37, "IDAT", 4) == 0);
    assert_equals_int (uncompress (raw, &raw_len, data + 41, idat_len),
        Z_OK);
    assert_equals_int (raw_len, 13);
    assert_equals_int (raw[0], 1);
    /* SUB: the first pixel is stored as is: 0x0000; the third is
     * 0x0102 - 0x0001 per byte = 0x01 0x01. */
    assert_equals_int (raw[1], 0);
    assert_equals_int (raw[2], 0);
    assert_equals_int (raw[5], 0x01);
    assert_equals_int (raw[6], 0x01);
  }
  back = gst_trial_png_decode (data, size, GST_TRIAL_PIXEL_GRAY16, NULL);
  fail_unless (back != NULL);
  fail_unless (memcmp (back->data, values, sizeof (values)) == 0);

  /* The level reaches zlib: level 0 stores, level 9 compresses. */
  flat = gst_trial_image_new (GST_TRIAL_PIXEL_RGB8, 64, 64, NULL);
  memset (flat->data, 0x55, flat->stride * 64);
  fast = gst_trial_png_encode (flat, 0, NULL);
  best = gst_trial_png_encode (flat, 9, NULL);
  fail_unless (g_bytes_get_size (fast) > 64 * 64 * 3);
  fail_unless (g_bytes_get_size (best) < 1000);
}

GST_END_TEST;

/* ---- corruption ---- */

static guint32
be32 (const guint8 * p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
      ((guint32) p[2] << 8) | p[3];
}

static void
put_be32 (guint8 * p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* Offset of the @n-th (0-based) chunk of @type. */
static gsize
find_chunk (const guint8 * data, gsize size, const gchar * type, guint n)
{
  gsize pos = 8;

  while (pos + 12 <= size) {
    if (memcmp (data + pos + 4, type, 4) == 0 && n-- == 0)
      return pos;
    pos += 12 + be32 (data + pos);
  }
  fail ("no chunk %s #%u", type, n);
  return 0;
}

static void
fix_crc (guint8 * data, gsize chunk)
{
  guint32 len = be32 (data + chunk);

  put_be32 (data + chunk + 8 + len, crc32 (0, data + chunk + 4, len + 4));
}

/* A valid 64x48 RGB PNG from our encoder; @level 0 gives stored deflate
 * blocks, so IDAT bytes map 1:1 to filtered pixel bytes. */
static GByteArray *
valid_png (gint level)
{
  g_autoptr (GstTrialImage) img = make_image (GST_TRIAL_PIXEL_RGB8, 64, 48);
  g_autoptr (GBytes) png = gst_trial_png_encode (img, level, NULL);
  GByteArray *a = g_byte_array_new ();

  g_byte_array_append (a, g_bytes_get_data (png, NULL),
      g_bytes_get_size (png));
  return a;
}

/* verify() rejects @a with @code and @substring in the message at @level
 * and every stricter one, accepts it at the levels below (damage only
 * inflating can see, behind valid CRCs), and decode() fails (with a GError,
 * no crash). */
static void
check_rejected_at (GByteArray * a, GstTrialPngVerify level, gint code,
    const gchar * substring)
{
  GstTrialPngVerify l;
  GError *err = NULL;
  GstTrialImage *img;

  for (l = GST_TRIAL_PNG_VERIFY_CHUNKS; l <= GST_TRIAL_PNG_VERIFY_DATA; l++) {
    GstTrialPngHeader header = { 1, 2, 3, 4, TRUE };

    if (l < level) {
      fail_unless (gst_trial_png_verify (a->data, a->len, l, &header, &err),
          "level %d refused what only level %d should: %s", l, level,
          err ? err->message : "");
      continue;
    }
    fail_if (gst_trial_png_verify (a->data, a->len, l, &header, &err));
    assert_error (err, code, substring);
    /* The header is only filled on success. */
    assert_equals_int (header.width, 1);
    g_clear_error (&err);
  }

  img = gst_trial_png_decode (a->data, a->len, GST_TRIAL_PIXEL_RGB8, &err);
  fail_unless (img == NULL, "decode accepted what verify rejected ('%s')",
      substring);
  fail_unless (err != NULL && err->domain == GST_TRIAL_ERROR);
  g_clear_error (&err);
}

/* Damage every level sees: the container itself. */
static void
check_rejected (GByteArray * a, gint code, const gchar * substring)
{
  check_rejected_at (a, GST_TRIAL_PNG_VERIFY_CHUNKS, code, substring);
}

GST_START_TEST (test_verify_valid)
{
  g_autoptr (GByteArray) a = valid_png (1);
  GstTrialPngHeader header;
  GError *err = NULL;

  fail_unless (gst_trial_png_verify (a->data, a->len,
          GST_TRIAL_PNG_VERIFY_DATA, &header, &err), "%s",
      err ? err->message : "");
  assert_equals_int (header.width, 64);
  assert_equals_int (header.height, 48);
  assert_equals_int (header.bit_depth, 8);
  assert_equals_int (header.color_type, PNG_COLOR_TYPE_RGB);
  fail_unless (gst_trial_png_verify (a->data, a->len,
          GST_TRIAL_PNG_VERIFY_DATA, NULL, NULL));
  memset (&header, 0, sizeof (header));
  fail_unless (gst_trial_png_verify (a->data, a->len,
          GST_TRIAL_PNG_VERIFY_CHUNKS, &header, &err), "%s",
      err ? err->message : "");
  assert_equals_int (header.width, 64);
  assert_equals_int (header.height, 48);
  assert_equals_int (header.color_type, PNG_COLOR_TYPE_RGB);
  fail_unless (gst_trial_png_read_header (a->data, a->len, &header, NULL));
  assert_equals_int (header.width, 64);
  /* read_header needs only the signature and IHDR. */
  fail_unless (gst_trial_png_read_header (a->data, 33, &header, NULL));
  fail_if (gst_trial_png_read_header (a->data, 32, &header, &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "truncated");
  g_clear_error (&err);
}

GST_END_TEST;

GST_START_TEST (test_corrupt_idat_crc)
{
  g_autoptr (GByteArray) a = valid_png (1);
  gsize idat = find_chunk (a->data, a->len, "IDAT", 0);

  a->data[idat + 8 + 20] ^= 0x01;
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "chunk 'IDAT' at offset 33 has "
      "a bad CRC");
}

GST_END_TEST;

GST_START_TEST (test_corrupt_idat_adler)
{
  g_autoptr (GByteArray) a = valid_png (0);
  gsize idat = find_chunk (a->data, a->len, "IDAT", 0);
  GError *err = NULL;

  /* zlib header (2) + stored block header (5) + 10: byte 10 of row 0, a
   * pixel byte, so only the adler32 check can notice. */
  a->data[idat + 8 + 2 + 5 + 10] ^= 0x40;
  fix_crc (a->data, idat);
  check_rejected_at (a, GST_TRIAL_PNG_VERIFY_DATA, GST_TRIAL_ERROR_CORRUPT,
      "incorrect data check");
  fail_if (gst_trial_png_decode (a->data, a->len, GST_TRIAL_PIXEL_RGB8,
          &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "incorrect data check");
  g_clear_error (&err);
}

GST_END_TEST;

/* The zlib header of the IDAT stream is checked as zlib checks it (the
 * fast inflate path does not rely on ISA-L for that): a window over 32 KiB,
 * a preset dictionary, a bad check value, another method. */
GST_START_TEST (test_corrupt_zlib_header)
{
  static const struct
  {
    guint8 cmf, flg;            /* flg: FLEVEL and FDICT; FCHECK is added */
    gboolean bad_check;
    const gchar *message;
  } cases[] = {
    {0x88, 0x00, FALSE, "invalid window size"},
    {0x78, 0x20, FALSE, "need dictionary"},
    {0x78, 0x00, TRUE, "incorrect header check"},
    {0x77, 0x00, FALSE, "unknown compression method"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GByteArray) a = valid_png (1);
    gsize idat = find_chunk (a->data, a->len, "IDAT", 0);
    guint flg = cases[i].flg;

    if ((cases[i].cmf << 8 | flg) % 31 != 0)
      flg += 31 - (cases[i].cmf << 8 | flg) % 31;
    if (cases[i].bad_check)
      flg ^= 1;
    a->data[idat + 8] = cases[i].cmf;
    a->data[idat + 9] = flg;
    fix_crc (a->data, idat);
    check_rejected_at (a, GST_TRIAL_PNG_VERIFY_DATA, GST_TRIAL_ERROR_CORRUPT,
        cases[i].message);
  }
}

GST_END_TEST;

GST_START_TEST (test_corrupt_filter_byte)
{
  g_autoptr (GByteArray) a = valid_png (0);
  gsize idat = find_chunk (a->data, a->len, "IDAT", 0);

  /* Row 1 starts at 1 + 64 * 3 = 193 in the inflated stream; 4 (Paeth)
   * is the last valid filter type. */
  a->data[idat + 8 + 2 + 5 + 193] = 5;
  fix_crc (a->data, idat);
  check_rejected_at (a, GST_TRIAL_PNG_VERIFY_DATA, GST_TRIAL_ERROR_CORRUPT,
      "row 1 has filter type 5");
}

GST_END_TEST;

GST_START_TEST (test_corrupt_deflate)
{
  g_autoptr (GByteArray) a = valid_png (1);
  gsize idat = find_chunk (a->data, a->len, "IDAT", 0);
  guint32 len = be32 (a->data + idat);
  guint i;

  /* Every other byte of the compressed stream broken in turn: whatever
   * zlib makes of it, verify and decode must both refuse. */
  for (i = 2; i < len; i += 97) {
    g_autoptr (GByteArray) b = g_byte_array_new ();

    g_byte_array_append (b, a->data, a->len);
    b->data[idat + 8 + i] ^= 0xa5;
    fix_crc (b->data, idat);
    check_rejected_at (b, GST_TRIAL_PNG_VERIFY_DATA, GST_TRIAL_ERROR_CORRUPT,
        "image data");
  }
}

GST_END_TEST;

GST_START_TEST (test_corrupt_truncated)
{
  g_autoptr (GByteArray) a = valid_png (1);
  gsize cut;

  for (cut = 256; cut < a->len; cut += 256) {
    g_autoptr (GByteArray) b = g_byte_array_new ();
    GError *err = NULL;

    g_byte_array_append (b, a->data, cut);
    check_rejected (b, GST_TRIAL_ERROR_CORRUPT, "truncated");
    fail_if (gst_trial_png_decode (b->data, b->len, GST_TRIAL_PIXEL_BGR8,
            &err));
    assert_error (err, GST_TRIAL_ERROR_CORRUPT, "truncated");
    g_clear_error (&err);
  }
  /* Right after the IDATs, before IEND. */
  g_byte_array_set_size (a, a->len - 12);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "without an IEND chunk");
  /* Mid-IHDR and mid-signature. */
  g_byte_array_set_size (a, 20);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "truncated");
  g_byte_array_set_size (a, 5);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "signature");
}

GST_END_TEST;

GST_START_TEST (test_trailing_garbage)
{
  g_autoptr (GByteArray) a = valid_png (1);
  g_autoptr (GstTrialImage) clean = NULL;
  g_autoptr (GstTrialImage) dirty = NULL;
  GError *err = NULL;

  clean = gst_trial_png_decode (a->data, a->len, GST_TRIAL_PIXEL_RGB8, NULL);
  g_byte_array_append (a, (const guint8 *) "garbage", 7);
  fail_if (gst_trial_png_verify (a->data, a->len,
          GST_TRIAL_PNG_VERIFY_DATA, NULL, &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT,
      "7 bytes of trailing data after its IEND chunk");
  g_clear_error (&err);
  fail_if (gst_trial_png_verify (a->data, a->len,
          GST_TRIAL_PNG_VERIFY_CHUNKS, NULL, &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT,
      "7 bytes of trailing data after its IEND chunk");
  g_clear_error (&err);
  /* Decoding is lenient: the image itself is intact (and that is what
   * other readers do), only the passthrough gate refuses the file. */
  dirty = gst_trial_png_decode (a->data, a->len, GST_TRIAL_PIXEL_RGB8, &err);
  fail_unless (dirty != NULL, "%s", err ? err->message : "");
  assert_images_equal (clean, dirty);
}

GST_END_TEST;

/* gst_trial_png_verify_prefix() accepts bytes after IEND and says where
 * the PNG ends; everything before IEND is checked as by verify. */
GST_START_TEST (test_verify_prefix)
{
  g_autoptr (GByteArray) a = valid_png (1);
  gsize clean = a->len, png_size;
  GstTrialPngHeader header;
  GError *err = NULL;
  guint level;

  for (level = GST_TRIAL_PNG_VERIFY_CHUNKS; level <= GST_TRIAL_PNG_VERIFY_DATA;
      level++) {
    g_byte_array_set_size (a, clean);
    png_size = 0;
    fail_unless (gst_trial_png_verify_prefix (a->data, a->len, level,
            &header, &png_size, &err), "%s", err ? err->message : "");
    assert_equals_uint64 (png_size, clean);

    g_byte_array_append (a, (const guint8 *) "garbage", 7);
    png_size = 0;
    fail_unless (gst_trial_png_verify_prefix (a->data, a->len, level,
            &header, &png_size, &err), "%s", err ? err->message : "");
    assert_equals_uint64 (png_size, clean);
    fail_unless (gst_trial_png_verify (a->data, clean, level, NULL, NULL));

    /* a damaged PNG before the trailing bytes still fails */
    a->data[clean - 12 - 5] ^= 0x01;
    fail_if (gst_trial_png_verify_prefix (a->data, a->len, level, &header,
            &png_size, &err));
    assert_error (err, GST_TRIAL_ERROR_CORRUPT, "has a bad CRC");
    g_clear_error (&err);
    a->data[clean - 12 - 5] ^= 0x01;
  }
}

GST_END_TEST;

GST_START_TEST (test_huge_ihdr)
{
  g_autoptr (GByteArray) a = valid_png (1);
  GstTrialPngHeader header;
  GError *err = NULL;
  gchar *header_message;

  put_be32 (a->data + 16, 100000);
  put_be32 (a->data + 20, 100000);
  fix_crc (a->data, 8);
  check_rejected (a, GST_TRIAL_ERROR_TOO_LARGE, "100000x100000");
  fail_if (gst_trial_png_read_header (a->data, a->len, &header, &err));
  assert_error (err, GST_TRIAL_ERROR_TOO_LARGE, "limit of 16384 pixels");
  header_message = g_strdup (err->message);
  g_clear_error (&err);
  /* decode refuses it from the header, with the header's own message: a
   * decoder that went on to allocate or read rows would fail otherwise (the
   * file holds one row of data) */
  fail_if (gst_trial_png_decode (a->data, a->len, GST_TRIAL_PIXEL_RGB8,
          &err));
  assert_error (err, GST_TRIAL_ERROR_TOO_LARGE, "100000x100000");
  assert_equals_string (err->message, header_message);
  g_free (header_message);
  g_clear_error (&err);

  /* Within the per-side limit, over the byte limit of one frame:
   * 16384 x 16384 RGBA = 1 GiB. */
  put_be32 (a->data + 16, 16384);
  put_be32 (a->data + 20, 16384);
  fix_crc (a->data, 8);
  fail_if (gst_trial_png_decode (a->data, a->len, GST_TRIAL_PIXEL_RGBA8,
          &err));
  assert_error (err, GST_TRIAL_ERROR_TOO_LARGE, "16384x16384");
  g_clear_error (&err);
}

GST_END_TEST;

GST_START_TEST (test_empty_and_garbage)
{
  g_autoptr (GByteArray) a = g_byte_array_new ();
  guint i;

  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "empty (0 bytes)");
  for (i = 0; i < 1000; i++) {
    guint8 b = hash3 (i, 1, 2) & 0xff;

    g_byte_array_append (a, &b, 1);
  }
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "signature");
  /* A signature followed by garbage. */
  memcpy (a->data, "\x89PNG\r\n\x1a\n", 8);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "IHDR");
}

GST_END_TEST;

/* Inserts a chunk at @offset (with a correct CRC unless @bad_crc). */
static void
insert_chunk (GByteArray * a, gsize offset, const gchar * type,
    const guint8 * data, guint32 len, gboolean bad_crc)
{
  guint8 *c = g_malloc (12 + len);

  put_be32 (c, len);
  memcpy (c + 4, type, 4);
  if (len > 0)
    memcpy (c + 8, data, len);
  put_be32 (c + 8 + len, crc32 (0, c + 4, 4 + len) ^ (bad_crc ? 1 : 0));
  g_byte_array_set_size (a, a->len + 12 + len);
  memmove (a->data + offset + 12 + len, a->data + offset,
      a->len - 12 - len - offset);
  memcpy (a->data + offset, c, 12 + len);
  g_free (c);
}

GST_START_TEST (test_corrupt_structure)
{
  /* valid_png (0) has several IDAT chunks (8 KiB each). */
  g_autoptr (GByteArray) base = valid_png (0);
  gsize idat1 = find_chunk (base->data, base->len, "IDAT", 1);
  gsize iend = find_chunk (base->data, base->len, "IEND", 0);
  GError *err = NULL;
  GByteArray *a;

  /* A bad CRC in an ancillary chunk is an error too. */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, base->len);
  insert_chunk (a, 33, "tEXt", (const guint8 *) "a\0b", 3, TRUE);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "chunk 'tEXt' at offset 33 has "
      "a bad CRC");
  g_byte_array_unref (a);

  /* ...but a good one is fine. */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, base->len);
  insert_chunk (a, 33, "tEXt", (const guint8 *) "a\0b", 3, FALSE);
  fail_unless (gst_trial_png_verify (a->data, a->len,
          GST_TRIAL_PNG_VERIFY_DATA, NULL, NULL));
  g_byte_array_unref (a);

  /* IDAT chunks not consecutive. */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, base->len);
  insert_chunk (a, idat1, "tEXt", (const guint8 *) "a\0b", 3, FALSE);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "does not follow the other "
      "IDAT chunks");
  g_byte_array_unref (a);

  /* An unknown critical chunk. */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, base->len);
  insert_chunk (a, 33, "ABCD", NULL, 0, FALSE);
  check_rejected (a, GST_TRIAL_ERROR_UNSUPPORTED, "unknown critical chunk "
      "'ABCD'");
  g_byte_array_unref (a);

  /* Compressed data after the end of the zlib stream: libpng ignores it
   * (the image is complete), the passthrough gate does not pass it. */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, base->len);
  insert_chunk (a, iend, "IDAT", (const guint8 *) "xyz", 3, FALSE);
  fail_if (gst_trial_png_verify (a->data, a->len,
          GST_TRIAL_PNG_VERIFY_DATA, NULL, &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "continues after the end of "
      "its zlib stream");
  g_clear_error (&err);
  fail_unless (gst_trial_png_verify (a->data, a->len,
          GST_TRIAL_PNG_VERIFY_CHUNKS, NULL, NULL));
  {
    g_autoptr (GstTrialImage) want = gst_trial_png_decode (base->data,
        base->len, GST_TRIAL_PIXEL_RGB8, NULL);
    g_autoptr (GstTrialImage) got = gst_trial_png_decode (a->data, a->len,
        GST_TRIAL_PIXEL_RGB8, &err);

    fail_unless (got != NULL, "%s", err ? err->message : "");
    assert_images_equal (want, got);
  }
  g_byte_array_unref (a);

  /* Bytes after the end of the zlib stream inside the last IDAT. */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, base->len);
  {
    gsize last = 8, pos;
    guint32 len;

    for (pos = 8; memcmp (a->data + pos + 4, "IEND", 4) != 0;
        pos += 12 + be32 (a->data + pos))
      last = pos;
    len = be32 (a->data + last);
    gsize end = last + 8 + len;

    fail_unless (memcmp (a->data + last + 4, "IDAT", 4) == 0);
    g_byte_array_set_size (a, a->len + 3);
    memmove (a->data + end + 3, a->data + end, a->len - 3 - end);
    memcpy (a->data + end, "xyz", 3);
    put_be32 (a->data + last, len + 3);
    fix_crc (a->data, last);
  }
  fail_if (gst_trial_png_verify (a->data, a->len,
          GST_TRIAL_PNG_VERIFY_DATA, NULL, &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "continues after the end of "
      "its zlib stream (3 bytes left in chunk 'IDAT'");
  g_clear_error (&err);
  fail_unless (gst_trial_png_verify (a->data, a->len,
          GST_TRIAL_PNG_VERIFY_CHUNKS, NULL, NULL));
  g_byte_array_unref (a);

  /* IEND with data. */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, iend);
  insert_chunk (a, iend, "IEND", (const guint8 *) "x", 1, FALSE);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "has 1 bytes of data, "
      "expected 0");
  g_byte_array_unref (a);

  /* No IDAT at all. */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, 33);
  insert_chunk (a, 33, "IEND", NULL, 0, FALSE);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "no IDAT");
  g_byte_array_unref (a);

  /* A chunk length beyond 2^31-1. */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, base->len);
  put_be32 (a->data + 33, 0x80000000u);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "more than the 2^31-1");
  g_byte_array_unref (a);

  /* A length that runs past the end of the file. */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, base->len);
  put_be32 (a->data + 33, 0x7fffff00u);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "truncated: chunk 'IDAT'");
  g_byte_array_unref (a);

  /* IHDR says more rows than the data holds... */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, base->len);
  put_be32 (a->data + 20, 49);
  fix_crc (a->data, 8);
  check_rejected_at (a, GST_TRIAL_PNG_VERIFY_DATA, GST_TRIAL_ERROR_CORRUPT,
      "image data is incomplete");
  g_byte_array_unref (a);

  /* ...or fewer. */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, base->len);
  put_be32 (a->data + 20, 47);
  fix_crc (a->data, 8);
  check_rejected_at (a, GST_TRIAL_PNG_VERIFY_DATA, GST_TRIAL_ERROR_CORRUPT,
      "image data inflates to more");
  g_byte_array_unref (a);

  /* Invalid IHDR fields. */
  a = g_byte_array_new ();
  g_byte_array_append (a, base->data, base->len);
  a->data[24] = 3;
  fix_crc (a->data, 8);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "bit depth 3 with color type 2");
  a->data[24] = 8;
  a->data[28] = 2;
  fix_crc (a->data, 8);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "interlace method 2");
  a->data[28] = 0;
  put_be32 (a->data + 16, 0);
  fix_crc (a->data, 8);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "invalid size 0x48");
  g_byte_array_unref (a);
}

GST_END_TEST;

GST_START_TEST (test_palette_chunks)
{
  static const SrcSpec pal = { PNG_COLOR_TYPE_PALETTE, 8, FALSE };
  static const SrcSpec gray = { PNG_COLOR_TYPE_GRAY, 8, FALSE };
  static const guint8 rgbx[4] = { 1, 2, 3, 4 };
  g_autoptr (GBytes) png = write_source_png (&pal, 4, 4, FALSE);
  g_autoptr (GBytes) gray_png = write_source_png (&gray, 4, 4, FALSE);
  g_autoptr (GByteArray) a = g_byte_array_new ();
  g_autoptr (GByteArray) b = g_byte_array_new ();
  gsize plte;

  /* A palette image without its PLTE. */
  g_byte_array_append (a, g_bytes_get_data (png, NULL),
      g_bytes_get_size (png));
  plte = find_chunk (a->data, a->len, "PLTE", 0);
  g_byte_array_remove_range (a, plte, 12 + be32 (a->data + plte));
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "no PLTE chunk");

  /* ...with a PLTE that is not a whole number of entries... */
  insert_chunk (a, plte, "PLTE", rgbx, 4, FALSE);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "'PLTE' at offset 33 (4 bytes) "
      "is misplaced or malformed for a palette image");

  /* ...and a PLTE in a grayscale image. */
  g_byte_array_append (b, g_bytes_get_data (gray_png, NULL),
      g_bytes_get_size (gray_png));
  insert_chunk (b, 33, "PLTE", rgbx, 3, FALSE);
  check_rejected (b, GST_TRIAL_ERROR_CORRUPT, "malformed for a grayscale "
      "image");
}

GST_END_TEST;

/* GstTrialImage (image.c) has no suite of its own; every decoder here
 * allocates through it. */
GST_START_TEST (test_image)
{
  GstTrialImage *img;
  GError *err = NULL;
  guint8 *data;
  gsize size = 0;

  assert_equals_int (gst_trial_pixel_format_bpp (GST_TRIAL_PIXEL_RGB8), 3);
  assert_equals_int (gst_trial_pixel_format_bpp (GST_TRIAL_PIXEL_BGR8), 3);
  assert_equals_int (gst_trial_pixel_format_bpp (GST_TRIAL_PIXEL_RGBA8), 4);
  assert_equals_int (gst_trial_pixel_format_bpp (GST_TRIAL_PIXEL_GRAY8), 1);
  assert_equals_int (gst_trial_pixel_format_bpp (GST_TRIAL_PIXEL_GRAY16), 2);

  img = gst_trial_image_new (GST_TRIAL_PIXEL_GRAY16, 7, 3, &err);
  fail_unless (img != NULL);
  assert_equals_int (img->stride, 14);
  memset (img->data, 0xab, 42);
  data = gst_trial_image_steal_data (img, &size);
  assert_equals_int (size, 42);
  fail_unless (img->data == NULL);
  assert_equals_int (data[41], 0xab);
  g_free (data);
  gst_trial_image_free (img);

  fail_if (gst_trial_image_new (GST_TRIAL_PIXEL_RGB8, 16385, 1, &err));
  assert_error (err, GST_TRIAL_ERROR_TOO_LARGE, "16385x1 pixels is too large");
  g_clear_error (&err);
  /* Within the per-side limit, over the per-frame byte limit. */
  fail_if (gst_trial_image_new (GST_TRIAL_PIXEL_RGB8, 16384, 16384, &err));
  assert_error (err, GST_TRIAL_ERROR_TOO_LARGE, "needs 805306368 bytes, more "
      "than the limit of 536870912");
  g_clear_error (&err);
  fail_if (gst_trial_image_new (GST_TRIAL_PIXEL_GRAY8, 0, 5, &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "0x5 pixels is empty");
  g_clear_error (&err);
}

GST_END_TEST;

static Suite *
png_suite (void)
{
  Suite *s = suite_create ("png");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_decode_all_sources);
  tcase_add_test (tc, test_decode_all_sources_interlaced);
  tcase_add_test (tc, test_decode_known_values);
  tcase_add_test (tc, test_encode_round_trip);
  tcase_add_test (tc, test_encode_details);
  tcase_add_test (tc, test_decode_fast_every_filter);
  tcase_add_test (tc, test_encode_read_by_libpng);
  tcase_add_test (tc, test_verify_valid);
  tcase_add_test (tc, test_corrupt_idat_crc);
  tcase_add_test (tc, test_corrupt_idat_adler);
  tcase_add_test (tc, test_corrupt_zlib_header);
  tcase_add_test (tc, test_corrupt_filter_byte);
  tcase_add_test (tc, test_corrupt_deflate);
  tcase_add_test (tc, test_corrupt_truncated);
  tcase_add_test (tc, test_trailing_garbage);
  tcase_add_test (tc, test_verify_prefix);
  tcase_add_test (tc, test_huge_ihdr);
  tcase_add_test (tc, test_empty_and_garbage);
  tcase_add_test (tc, test_corrupt_structure);
  tcase_add_test (tc, test_palette_chunks);
  tcase_add_test (tc, test_image);
  return s;
}

GST_CHECK_MAIN (png);
