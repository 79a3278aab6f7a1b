/* gst-trial tests: the BMP reader (gst/trial/bmp.c).
 *
 * Files are built byte by byte here, so row order, row padding, header
 * versions and every rejection can be produced exactly and every decoded
 * pixel compared with what was written. */
#include <string.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/bmp.h"
#include "gst/trial/error.h"
#include "gst/trial/image.h"

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

/* 5 pixels wide: 15 bytes per 24-bit row, padded to 16. */
#define W 5
#define H 3

/* The pixel at @x, @y (top row is 0), as R, G, B. */
static void
pixel (guint x, guint y, guint8 rgb[3])
{
  rgb[0] = 10 + x * 40 + y;
  rgb[1] = 200 - x * 30 - y * 7;
  rgb[2] = (x * 97 + y * 53) & 0xff;
}

static void
put_le16 (guint8 * p, guint16 v)
{
  p[0] = v;
  p[1] = v >> 8;
}

static void
put_le32 (guint8 * p, guint32 v)
{
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  p[3] = v >> 24;
}

/* A BMP with an @info_size header (40 or 124), @bits 24 or 32, stored
 * bottom-up unless @top_down, BI_BITFIELDS with standard masks when
 * @bitfields. */
static GByteArray *
make_bmp (guint info_size, guint bits, gboolean top_down, gboolean bitfields)
{
  guint masks = bitfields && info_size == 40 ? 12 : 0;
  guint offset = 14 + info_size + masks;
  guint row = (W * bits / 8 + 3) & ~3u;
  GByteArray *a = g_byte_array_new ();
  guint x, y;

  g_byte_array_set_size (a, offset + row * H);
  memset (a->data, 0, a->len);
  a->data[0] = 'B';
  a->data[1] = 'M';
  put_le32 (a->data + 2, a->len);
  put_le32 (a->data + 10, offset);
  put_le32 (a->data + 14, info_size);
  put_le32 (a->data + 18, W);
  put_le32 (a->data + 22, top_down ? (guint32) - H : H);
  put_le16 (a->data + 26, 1);
  put_le16 (a->data + 28, bits);
  put_le32 (a->data + 30, bitfields ? 3 : 0);
  put_le32 (a->data + 34, row * H);
  if (bitfields) {
    put_le32 (a->data + 54, 0x00ff0000);
    put_le32 (a->data + 58, 0x0000ff00);
    put_le32 (a->data + 62, 0x000000ff);
  }
  for (y = 0; y < H; y++) {
    guint8 *r = a->data + offset + row * (top_down ? y : H - 1 - y);

    for (x = 0; x < W; x++) {
      guint8 rgb[3], *p = r + x * bits / 8;

      pixel (x, y, rgb);
      p[0] = rgb[2];
      p[1] = rgb[1];
      p[2] = rgb[0];
      if (bits == 32)
        p[3] = 0x00;            /* unused; must not become alpha */
    }
    /* Padding bytes are not pixels; make them loud. */
    memset (r + W * bits / 8, 0xee, row - W * bits / 8);
  }
  return a;
}

static void
check_decodes (GByteArray * a, const gchar * what)
{
  static const GstTrialPixelFormat formats[] = {
    GST_TRIAL_PIXEL_RGB8, GST_TRIAL_PIXEL_BGR8, GST_TRIAL_PIXEL_RGBA8,
    GST_TRIAL_PIXEL_GRAY8,
  };
  guint fi, x, y, width = 0, height = 0;
  GError *err = NULL;

  fail_unless (gst_trial_bmp_read_size (a->data, a->len, &width, &height,
          &err), "%s: %s", what, err ? err->message : "");
  assert_equals_int (width, W);
  assert_equals_int (height, H);

  for (fi = 0; fi < G_N_ELEMENTS (formats); fi++) {
    g_autoptr (GstTrialImage) img = gst_trial_bmp_decode (a->data, a->len,
        formats[fi], &err);

    fail_unless (img != NULL, "%s: %s", what, err ? err->message : "");
    assert_equals_int (img->width, W);
    assert_equals_int (img->height, H);
    assert_equals_int (img->format, formats[fi]);
    for (y = 0; y < H; y++) {
      for (x = 0; x < W; x++) {
        guint bpp = gst_trial_pixel_format_bpp (formats[fi]);
        const guint8 *p = img->data + y * img->stride + x * bpp;
        guint8 e[3];

        pixel (x, y, e);
        switch (formats[fi]) {
          case GST_TRIAL_PIXEL_RGB8:
            fail_unless (p[0] == e[0] && p[1] == e[1] && p[2] == e[2],
                "%s RGB8 (%u,%u)", what, x, y);
            break;
          case GST_TRIAL_PIXEL_BGR8:
            fail_unless (p[0] == e[2] && p[1] == e[1] && p[2] == e[0],
                "%s BGR8 (%u,%u)", what, x, y);
            break;
          case GST_TRIAL_PIXEL_RGBA8:
            fail_unless (p[0] == e[0] && p[1] == e[1] && p[2] == e[2]
                && p[3] == 0xff, "%s RGBA8 (%u,%u)", what, x, y);
            break;
          default:
            /* BT.601, written out here rather than calling the library. */
            assert_equals_int (p[0],
                (77 * e[0] + 150 * e[1] + 29 * e[2] + 128) >> 8);
            break;
        }
      }
    }
  }
}

GST_START_TEST (test_24bit_bottom_up)
{
  g_autoptr (GByteArray) a = make_bmp (40, 24, FALSE, FALSE);

  check_decodes (a, "24-bit bottom-up");
}

GST_END_TEST;

GST_START_TEST (test_24bit_top_down)
{
  g_autoptr (GByteArray) a = make_bmp (40, 24, TRUE, FALSE);

  check_decodes (a, "24-bit top-down");
}

GST_END_TEST;

GST_START_TEST (test_32bit_top_down)
{
  g_autoptr (GByteArray) a = make_bmp (40, 32, TRUE, FALSE);

  check_decodes (a, "32-bit top-down");
}

GST_END_TEST;

GST_START_TEST (test_32bit_bitfields)
{
  g_autoptr (GByteArray) v3 = make_bmp (40, 32, FALSE, TRUE);
  g_autoptr (GByteArray) v5 = make_bmp (124, 32, TRUE, TRUE);

  check_decodes (v3, "32-bit BI_BITFIELDS, 40-byte header");
  check_decodes (v5, "32-bit BI_BITFIELDS, V5 header");
}

GST_END_TEST;

GST_START_TEST (test_known_values)
{
  g_autoptr (GByteArray) a = make_bmp (40, 24, FALSE, FALSE);
  g_autoptr (GstTrialImage) gray = NULL;
  guint8 *last_row = a->data + 54;      /* bottom-up: first stored row */

  /* Pure white, pure red and black in the bottom row (y = 2). */
  memset (last_row, 0xff, 3);
  memcpy (last_row + 3, "\x00\x00\xff", 3);
  memset (last_row + 6, 0, 3);
  gray = gst_trial_bmp_decode (a->data, a->len, GST_TRIAL_PIXEL_GRAY8, NULL);
  fail_unless (gray != NULL);
  assert_equals_int (gray->data[2 * W + 0], 255);
  assert_equals_int (gray->data[2 * W + 1], 77);
  assert_equals_int (gray->data[2 * W + 2], 0);
}

GST_END_TEST;

/* A W x H palette BMP at @bits (1, 4 or 8) with @n_colors colors: pixel
 * (x, y) is color (x + 2 * y) % n_colors, color i is (R, G, B) =
 * (40 i, 255 - 20 i, 7 i) mod 256. */
static GByteArray *
make_palette_bmp (guint bits, guint n_colors)
{
  guint offset = 14 + 40 + 4 * n_colors;
  guint row = (W * bits + 31) / 32 * 4;
  GByteArray *a = g_byte_array_new ();
  guint i, x, y;

  g_byte_array_set_size (a, offset + row * H);
  memset (a->data, 0, a->len);
  a->data[0] = 'B';
  a->data[1] = 'M';
  put_le32 (a->data + 2, a->len);
  put_le32 (a->data + 10, offset);
  put_le32 (a->data + 14, 40);
  put_le32 (a->data + 18, W);
  put_le32 (a->data + 22, H);
  put_le16 (a->data + 26, 1);
  put_le16 (a->data + 28, bits);
  put_le32 (a->data + 46, n_colors);
  for (i = 0; i < n_colors; i++) {
    guint8 *c = a->data + 54 + 4 * i;

    c[0] = (7 * i) & 0xff;
    c[1] = (255 - 20 * i) & 0xff;
    c[2] = (40 * i) & 0xff;
  }
  for (y = 0; y < H; y++) {
    guint8 *r = a->data + offset + row * (H - 1 - y);

    for (x = 0; x < W; x++) {
      guint index = (x + 2 * y) % n_colors;
      guint bit = x * bits;

      r[bit / 8] |= index << (8 - bits - bit % 8);
    }
  }
  return a;
}

GST_START_TEST (test_palette)
{
  static const guint depths[][2] = { {1, 2}, {4, 16}, {4, 5}, {8, 256},
  {8, 3}
  };
  guint d, x, y;

  for (d = 0; d < G_N_ELEMENTS (depths); d++) {
    g_autoptr (GByteArray) a = make_palette_bmp (depths[d][0], depths[d][1]);
    g_autoptr (GstTrialImage) rgb = NULL;
    GError *err = NULL;

    rgb = gst_trial_bmp_decode (a->data, a->len, GST_TRIAL_PIXEL_RGB8, &err);
    fail_unless (rgb != NULL, "%u bits: %s", depths[d][0],
        err ? err->message : "?");
    for (y = 0; y < H; y++) {
      for (x = 0; x < W; x++) {
        guint i = (x + 2 * y) % depths[d][1];
        const guint8 *p = rgb->data + y * rgb->stride + 3 * x;

        fail_unless (p[0] == ((40 * i) & 0xff)
            && p[1] == ((255 - 20 * i) & 0xff) && p[2] == ((7 * i) & 0xff),
            "%u bits, pixel (%u, %u): %u %u %u, expected color %u",
            depths[d][0], x, y, p[0], p[1], p[2], i);
      }
    }
  }
}

GST_END_TEST;

/* An index past a short palette is a damaged file. */
GST_START_TEST (test_palette_index_out_of_range)
{
  g_autoptr (GByteArray) a = make_palette_bmp (8, 3);
  GError *err = NULL;

  /* bottom-up: the first stored row is y = 2 */
  a->data[54 + 4 * 3 + 1] = 7;
  fail_if (gst_trial_bmp_decode (a->data, a->len, GST_TRIAL_PIXEL_RGB8,
          &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "BMP pixel (1, 2) is color 7, "
      "the palette has 3 colors");
  g_clear_error (&err);
}

GST_END_TEST;

static void
check_rejected (GByteArray * a, gint code, const gchar * substring)
{
  GError *err = NULL;

  fail_if (gst_trial_bmp_read_size (a->data, a->len, NULL, NULL, &err));
  assert_error (err, code, substring);
  g_clear_error (&err);
  fail_if (gst_trial_bmp_decode (a->data, a->len, GST_TRIAL_PIXEL_RGB8,
          &err));
  assert_error (err, code, substring);
  g_clear_error (&err);
}

GST_START_TEST (test_malformed)
{
  GByteArray *a;

  a = make_bmp (40, 24, FALSE, FALSE);
  put_le32 (a->data + 10, a->len + 1);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "offset 103 is outside the "
      "file (102 bytes");
  put_le32 (a->data + 10, 20);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "headers end at 54");
  g_byte_array_unref (a);

  a = make_bmp (40, 24, FALSE, FALSE);
  put_le32 (a->data + 18, 20000);
  put_le32 (a->data + 22, 20000);
  check_rejected (a, GST_TRIAL_ERROR_TOO_LARGE, "20000x20000");
  put_le32 (a->data + 18, 5);
  put_le32 (a->data + 22, 0x80000000u);
  check_rejected (a, GST_TRIAL_ERROR_TOO_LARGE, "5x2147483648");
  put_le32 (a->data + 22, 3);
  put_le32 (a->data + 18, (guint32) - 5);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "invalid size -5x3");
  put_le32 (a->data + 18, 5);
  put_le32 (a->data + 22, 0);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "invalid size 5x0");
  /* Within the limits but more rows than the file holds. */
  put_le32 (a->data + 22, 4);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "truncated: 5x4 pixels at 24 "
      "bits need 64 bytes after offset 54, the file has 48");
  g_byte_array_unref (a);

  a = make_bmp (40, 24, FALSE, FALSE);
  put_le32 (a->data + 30, 1);
  check_rejected (a, GST_TRIAL_ERROR_UNSUPPORTED, "compression 1");
  put_le32 (a->data + 30, 3);
  check_rejected (a, GST_TRIAL_ERROR_UNSUPPORTED, "compression 3 at 24 bits");
  put_le32 (a->data + 30, 0);
  put_le16 (a->data + 28, 16);
  check_rejected (a, GST_TRIAL_ERROR_UNSUPPORTED, "16 bits per pixel");
  /* 8 bits needs a palette (256 colors here) before the pixels */
  put_le16 (a->data + 28, 8);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "BMP palette of 256 colors "
      "does not fit between its headers and its pixel data at offset 54");
  put_le16 (a->data + 28, 24);
  put_le16 (a->data + 26, 2);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "2 planes");
  put_le16 (a->data + 26, 1);
  put_le32 (a->data + 14, 12);
  check_rejected (a, GST_TRIAL_ERROR_UNSUPPORTED, "info header is 12 bytes");
  g_byte_array_unref (a);

  a = make_bmp (124, 32, FALSE, TRUE);
  put_le32 (a->data + 54, 0x0000ff00);
  put_le32 (a->data + 58, 0x00ff0000);
  check_rejected (a, GST_TRIAL_ERROR_UNSUPPORTED, "color masks 0x0000ff00 "
      "0x00ff0000 0x000000ff");
  g_byte_array_unref (a);

  a = g_byte_array_new ();
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "signature");
  g_byte_array_append (a, (const guint8 *) "BM", 2);
  check_rejected (a, GST_TRIAL_ERROR_CORRUPT, "truncated: 2 bytes");
  g_byte_array_unref (a);
}

GST_END_TEST;

/* Every prefix of valid files is rejected cleanly (run under ASan to see
 * that no read goes past the end). */
GST_START_TEST (test_every_truncation)
{
  g_autoptr (GByteArray) v3 = make_bmp (40, 32, FALSE, TRUE);
  g_autoptr (GByteArray) v5 = make_bmp (124, 24, TRUE, FALSE);
  GByteArray *files[] = { v3, v5 };
  guint f;
  gsize cut;

  for (f = 0; f < G_N_ELEMENTS (files); f++) {
    for (cut = 0; cut < files[f]->len; cut++) {
      g_autofree guint8 *copy = g_memdup2 (files[f]->data, cut);
      GError *err = NULL;

      fail_if (gst_trial_bmp_decode (copy, cut, GST_TRIAL_PIXEL_RGB8, &err),
          "file %u cut at %" G_GSIZE_FORMAT " was accepted", f, cut);
      fail_unless (err != NULL && err->code == GST_TRIAL_ERROR_CORRUPT,
          "cut at %" G_GSIZE_FORMAT ": %s", cut, err ? err->message : "");
      g_clear_error (&err);
    }
  }
}

GST_END_TEST;

GST_START_TEST (test_gray16_unsupported)
{
  g_autoptr (GByteArray) a = make_bmp (40, 24, FALSE, FALSE);
  GError *err = NULL;

  fail_if (gst_trial_bmp_decode (a->data, a->len, GST_TRIAL_PIXEL_GRAY16,
          &err));
  assert_error (err, GST_TRIAL_ERROR_UNSUPPORTED, "16-bit");
  g_clear_error (&err);
}

GST_END_TEST;

static Suite *
bmp_suite (void)
{
  Suite *s = suite_create ("bmp");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_24bit_bottom_up);
  tcase_add_test (tc, test_24bit_top_down);
  tcase_add_test (tc, test_32bit_top_down);
  tcase_add_test (tc, test_32bit_bitfields);
  tcase_add_test (tc, test_known_values);
  tcase_add_test (tc, test_palette);
  tcase_add_test (tc, test_palette_index_out_of_range);
  tcase_add_test (tc, test_malformed);
  tcase_add_test (tc, test_every_truncation);
  tcase_add_test (tc, test_gray16_unsupported);
  return s;
}

GST_CHECK_MAIN (bmp);
