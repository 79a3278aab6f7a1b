/* gst-trial tests: JPEG size probing, decoding and encoding
 * (gst/trial/jpeg.c).
 *
 * JPEG is lossy, so round trips are checked against a tolerance measured
 * on smooth camera-like content, while the relations between output formats
 * (BGR8 is RGB8 swapped, RGBA8 is RGB8 plus opaque alpha) and repeated
 * decodes are checked exactly. Damaged files are made by cutting and
 * editing valid ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/error.h"
#include "gst/trial/image.h"
#include "gst/trial/jpeg.h"
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

#define W 64
#define H 48

/* Smooth gradients, like most of a camera frame. */
static GstTrialImage *
make_image (GstTrialPixelFormat format)
{
  GstTrialImage *img = gst_trial_image_new (format, W, H, NULL);
  guint x, y;

  fail_unless (img != NULL);
  for (y = 0; y < H; y++) {
    for (x = 0; x < W; x++) {
      guint8 *p = img->data + y * img->stride +
          x * gst_trial_pixel_format_bpp (format);

      if (format == GST_TRIAL_PIXEL_GRAY8) {
        p[0] = 20 + x * 2 + y;
      } else {
        p[0] = 30 + x * 3;
        p[1] = 40 + y * 4;
        p[2] = 200 - x - y;
      }
    }
  }
  return img;
}

static GBytes *
encode (GstTrialPixelFormat format, gint quality)
{
  g_autoptr (GstTrialImage) img = make_image (format);
  GError *err = NULL;
  GBytes *jpeg = gst_trial_jpeg_encode (img, quality, &err);

  fail_unless (jpeg != NULL, "%s", err ? err->message : "");
  return jpeg;
}

static GstTrialImage *
decode (GBytes * jpeg, GstTrialPixelFormat format)
{
  GError *err = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);
  GstTrialImage *img = gst_trial_jpeg_decode (data, size, format, &err);

  fail_unless (img != NULL, "%s", err ? err->message : "");
  assert_equals_int (img->width, W);
  assert_equals_int (img->height, H);
  assert_equals_int (img->format, format);
  assert_equals_int (img->stride, W * gst_trial_pixel_format_bpp (format));
  return img;
}

static void
assert_close (const GstTrialImage * a, const GstTrialImage * b,
    guint max_diff)
{
  gsize i, n = a->stride * a->height;
  guint worst = 0;

  assert_equals_int (a->stride, b->stride);
  for (i = 0; i < n; i++)
    worst = MAX (worst, (guint) ABS ((gint) a->data[i] - (gint) b->data[i]));
  fail_unless (worst <= max_diff, "pixels differ by up to %u (allowed %u)",
      worst, max_diff);
}

GST_START_TEST (test_round_trip_rgb)
{
  g_autoptr (GBytes) jpeg = encode (GST_TRIAL_PIXEL_RGB8, 95);
  g_autoptr (GstTrialImage) orig = make_image (GST_TRIAL_PIXEL_RGB8);
  g_autoptr (GstTrialImage) rgb = decode (jpeg, GST_TRIAL_PIXEL_RGB8);
  g_autoptr (GstTrialImage) again = decode (jpeg, GST_TRIAL_PIXEL_RGB8);
  g_autoptr (GstTrialImage) bgr = decode (jpeg, GST_TRIAL_PIXEL_BGR8);
  g_autoptr (GstTrialImage) rgba = decode (jpeg, GST_TRIAL_PIXEL_RGBA8);
  g_autoptr (GstTrialImage) gray = decode (jpeg, GST_TRIAL_PIXEL_GRAY8);
  gsize i;

  /* Measured: 4:2:0 subsampling at quality 95 stays within 5 levels on
   * these gradients; a decoding bug is off by far more. */
  assert_close (orig, rgb, 6);
  /* Decoding is deterministic. */
  fail_unless (memcmp (rgb->data, again->data, rgb->stride * H) == 0);
  for (i = 0; i < W * H; i++) {
    assert_equals_int (bgr->data[3 * i], rgb->data[3 * i + 2]);
    assert_equals_int (bgr->data[3 * i + 1], rgb->data[3 * i + 1]);
    assert_equals_int (bgr->data[3 * i + 2], rgb->data[3 * i]);
    fail_unless (memcmp (rgba->data + 4 * i, rgb->data + 3 * i, 3) == 0);
    assert_equals_int (rgba->data[4 * i + 3], 0xff);
    /* Gray is the decoded luma plane, close to the luma of the RGB. */
    fail_unless (ABS ((gint) gray->data[i] -
            (gint) trial_test_bt601_luma (orig->data[3 * i],
                orig->data[3 * i + 1], orig->data[3 * i + 2])) <= 3,
        "gray pixel %" G_GSIZE_FORMAT " is %u", i, gray->data[i]);
  }
}

GST_END_TEST;

GST_START_TEST (test_round_trip_gray)
{
  g_autoptr (GBytes) jpeg = encode (GST_TRIAL_PIXEL_GRAY8, 95);
  g_autoptr (GstTrialImage) orig = make_image (GST_TRIAL_PIXEL_GRAY8);
  g_autoptr (GstTrialImage) gray = decode (jpeg, GST_TRIAL_PIXEL_GRAY8);
  g_autoptr (GstTrialImage) rgb = decode (jpeg, GST_TRIAL_PIXEL_RGB8);
  gsize i;

  assert_close (orig, gray, 2);
  /* A gray JPEG expands to R = G = B = gray exactly. */
  for (i = 0; i < W * H; i++) {
    assert_equals_int (rgb->data[3 * i], gray->data[i]);
    assert_equals_int (rgb->data[3 * i + 1], gray->data[i]);
    assert_equals_int (rgb->data[3 * i + 2], gray->data[i]);
  }
}

GST_END_TEST;

GST_START_TEST (test_quality)
{
  g_autoptr (GBytes) low = encode (GST_TRIAL_PIXEL_RGB8, 10);
  g_autoptr (GBytes) high = encode (GST_TRIAL_PIXEL_RGB8, 100);

  fail_unless (g_bytes_get_size (low) < g_bytes_get_size (high) / 2,
      "quality 10: %" G_GSIZE_FORMAT " bytes, quality 100: %" G_GSIZE_FORMAT,
      g_bytes_get_size (low), g_bytes_get_size (high));
}

GST_END_TEST;

GST_START_TEST (test_read_size)
{
  g_autoptr (GBytes) jpeg = encode (GST_TRIAL_PIXEL_RGB8, 80);
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);
  guint width = 0, height = 0;
  GError *err = NULL;

  fail_unless (gst_trial_jpeg_read_size (data, size, &width, &height, &err));
  assert_equals_int (width, W);
  assert_equals_int (height, H);
  /* The header is enough: the first 700 bytes hold SOF. */
  fail_unless (gst_trial_jpeg_read_size (data, 700, &width, &height, &err));
  fail_if (gst_trial_jpeg_read_size (data, 100, &width, &height, &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "truncated");
  g_clear_error (&err);
}

GST_END_TEST;

GST_START_TEST (test_truncated)
{
  g_autoptr (GBytes) jpeg = encode (GST_TRIAL_PIXEL_RGB8, 90);
  gsize size, cut;
  const guint8 *data = g_bytes_get_data (jpeg, &size);

  /* Every cut, from inside the headers to just before EOI. */
  for (cut = 0; cut < size; cut += (cut < size - 64 ? 37 : 1)) {
    GError *err = NULL;
    GstTrialImage *img = gst_trial_jpeg_decode (data, cut,
        GST_TRIAL_PIXEL_RGB8, &err);

    fail_unless (img == NULL, "cut at %" G_GSIZE_FORMAT " of %"
        G_GSIZE_FORMAT " was accepted", cut, size);
    fail_unless (err != NULL && err->domain == GST_TRIAL_ERROR
        && err->code == GST_TRIAL_ERROR_CORRUPT);
    /* Once the image data has started, the message says what happened. */
    if (cut > 700)
      assert_error (err, GST_TRIAL_ERROR_CORRUPT, "JPEG data is truncated");
    g_clear_error (&err);
  }
}

GST_END_TEST;

GST_START_TEST (test_garbage)
{
  static const guint8 text[] = "this is not a JPEG file at all";
  guint8 noise[2048];
  GError *err = NULL;
  guint i;

  fail_if (gst_trial_jpeg_decode (text, 0, GST_TRIAL_PIXEL_RGB8, &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "JPEG data is corrupt");
  g_clear_error (&err);
  fail_if (gst_trial_jpeg_decode (text, sizeof (text), GST_TRIAL_PIXEL_RGB8,
          &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "Not a JPEG file");
  g_clear_error (&err);
  fail_if (gst_trial_jpeg_read_size (text, sizeof (text), NULL, NULL, &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "Not a JPEG file");
  g_clear_error (&err);

  /* SOI followed by noise. */
  for (i = 0; i < sizeof (noise); i++)
    noise[i] = (i * 2654435761u) >> 13;
  noise[0] = 0xff;
  noise[1] = 0xd8;
  fail_if (gst_trial_jpeg_decode (noise, sizeof (noise),
          GST_TRIAL_PIXEL_RGB8, &err));
  fail_unless (err != NULL && err->code == GST_TRIAL_ERROR_CORRUPT);
  g_clear_error (&err);
}

GST_END_TEST;

/* Damaged entropy-coded data: libjpeg cannot always tell (a changed
 * coefficient is still a valid code), but it must never crash, and when it
 * cannot decode it must say so. The count of refused copies is exact for
 * this encoder output and libjpeg-turbo 2.1 (Debian 12): a decoder that
 * let libjpeg's corrupt-data warnings through, or failed on valid codes,
 * changes it. */
GST_START_TEST (test_corrupt_data)
{
  g_autoptr (GBytes) jpeg = encode (GST_TRIAL_PIXEL_RGB8, 90);
  gsize size, i;
  const guint8 *data = g_bytes_get_data (jpeg, &size);
  guint failures = 0, tries = 0;

  for (i = 700; i < size - 2; i += 13, tries++) {
    g_autofree guint8 *copy = g_memdup2 (data, size);
    GError *err = NULL;
    GstTrialImage *img;

    copy[i] ^= 0x5a;
    img = gst_trial_jpeg_decode (copy, size, GST_TRIAL_PIXEL_RGB8, &err);
    fail_unless ((img == NULL) != (err == NULL));
    if (img == NULL)
      failures++;
    gst_trial_image_free (img);
    g_clear_error (&err);
  }
  assert_equals_int (tries, 24);
  assert_equals_int (failures, 7);
}

GST_END_TEST;

/* Offset of the SOF0 marker's height field. */
static gsize
find_sof0_size (const guint8 * data, gsize size)
{
  gsize i;

  for (i = 2; i + 9 < size; i++) {
    if (data[i] == 0xff && data[i + 1] == 0xc0)
      return i + 5;
  }
  fail ("no SOF0 marker");
  return 0;
}

GST_START_TEST (test_too_large)
{
  g_autoptr (GBytes) jpeg = encode (GST_TRIAL_PIXEL_RGB8, 80);
  gsize size;
  g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (jpeg, &size),
      g_bytes_get_size (jpeg));
  gsize sof = find_sof0_size (data, size);
  GError *err = NULL;

  /* 20000 x 30000 */
  data[sof] = 20000 >> 8;
  data[sof + 1] = 20000 & 0xff;
  data[sof + 2] = 30000 >> 8;
  data[sof + 3] = 30000 & 0xff;
  fail_if (gst_trial_jpeg_read_size (data, size, NULL, NULL, &err));
  assert_error (err, GST_TRIAL_ERROR_TOO_LARGE, "30000x20000");
  g_clear_error (&err);
  fail_if (gst_trial_jpeg_decode (data, size, GST_TRIAL_PIXEL_RGB8, &err));
  assert_error (err, GST_TRIAL_ERROR_TOO_LARGE, "30000x20000");
  g_clear_error (&err);
}

GST_END_TEST;

GST_START_TEST (test_unsupported_formats)
{
  g_autoptr (GBytes) jpeg = encode (GST_TRIAL_PIXEL_RGB8, 80);
  g_autoptr (GstTrialImage) rgba = gst_trial_image_new (GST_TRIAL_PIXEL_RGBA8,
      4, 4, NULL);
  gsize size;
  const guint8 *data = g_bytes_get_data (jpeg, &size);
  GError *err = NULL;

  fail_if (gst_trial_jpeg_decode (data, size, GST_TRIAL_PIXEL_GRAY16, &err));
  assert_error (err, GST_TRIAL_ERROR_UNSUPPORTED, "16-bit");
  g_clear_error (&err);
  memset (rgba->data, 0, rgba->stride * 4);
  fail_if (gst_trial_jpeg_encode (rgba, 80, &err));
  assert_error (err, GST_TRIAL_ERROR_UNSUPPORTED, "RGB8 or GRAY8");
  g_clear_error (&err);
}

GST_END_TEST;

/* A progressive gray JPEG written with libjpeg directly, with one scan per
 * AC coefficient and bit plane when @many_scans (694 scans). */
static GBytes *
write_progressive (gboolean many_scans)
{
  g_autoptr (GstTrialImage) img = make_image (GST_TRIAL_PIXEL_GRAY8);
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  jpeg_scan_info *scans = g_new0 (jpeg_scan_info, 1 + 63 * 11);
  unsigned char *buffer = NULL;
  unsigned long length = 0;
  GBytes *bytes;
  guint n = 0, k;
  gint al;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &buffer, &length);
  cinfo.image_width = W;
  cinfo.image_height = H;
  cinfo.input_components = 1;
  cinfo.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 90, TRUE);
  if (many_scans) {
    scans[n].comps_in_scan = 1;
    n++;
    for (k = 1; k < 64; k++) {
      for (al = 10; al >= 0; al--) {
        scans[n].comps_in_scan = 1;
        scans[n].Ss = scans[n].Se = k;
        scans[n].Ah = al == 10 ? 0 : al + 1;
        scans[n].Al = al;
        n++;
      }
    }
    cinfo.scan_info = scans;
    cinfo.num_scans = n;
  } else {
    jpeg_simple_progression (&cinfo);
  }
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < H) {
    JSAMPROW row = img->data + cinfo.next_scanline * img->stride;

    jpeg_write_scanlines (&cinfo, &row, 1);
  }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  g_free (scans);
  bytes = g_bytes_new (buffer, length);
  free (buffer);
  return bytes;
}

GST_START_TEST (test_progressive)
{
  g_autoptr (GBytes) jpeg = write_progressive (FALSE);
  g_autoptr (GBytes) hostile = write_progressive (TRUE);
  g_autoptr (GstTrialImage) orig = make_image (GST_TRIAL_PIXEL_GRAY8);
  g_autoptr (GstTrialImage) gray = decode (jpeg, GST_TRIAL_PIXEL_GRAY8);
  gsize size;
  const guint8 *data = g_bytes_get_data (hostile, &size);
  GError *err = NULL;

  assert_close (orig, gray, 3);
  fail_if (gst_trial_jpeg_decode (data, size, GST_TRIAL_PIXEL_GRAY8, &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "more than 500 progressive "
      "scans");
  g_clear_error (&err);
}

GST_END_TEST;

/* A W x H JPEG of one CMYK colour, stored in @space (JCS_CMYK or JCS_YCCK)
 * the way Photoshop and libjpeg store it: inverted, with an Adobe marker. */
static GBytes *
write_cmyk (J_COLOR_SPACE space, const guint8 cmyk[4])
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  guint8 row[W * 4];
  unsigned char *buffer = NULL;
  unsigned long length = 0;
  GBytes *bytes;
  guint i;

  for (i = 0; i < sizeof row; i++)
    row[i] = 255 - cmyk[i % 4];
  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &buffer, &length);
  cinfo.image_width = W;
  cinfo.image_height = H;
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_CMYK;
  jpeg_set_defaults (&cinfo);
  jpeg_set_colorspace (&cinfo, space);
  jpeg_set_quality (&cinfo, 100, TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < H) {
    JSAMPROW r = row;

    jpeg_write_scanlines (&cinfo, &r, 1);
  }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  bytes = g_bytes_new (buffer, length);
  free (buffer);
  return bytes;
}

/* CMYK and YCCK JPEGs convert as Pillow converts CMYK: each of R, G, B is
 * (255 - K) * (255 - C|M|Y) / 255 (values worked out by hand below). */
GST_START_TEST (test_cmyk_and_ycck)
{
  static const struct
  {
    guint8 cmyk[4];
    guint8 rgb[3];
  } colours[] = {
    {{0, 255, 255, 0}, {255, 0, 0}},
    {{0, 0, 0, 255}, {0, 0, 0}},
    {{0, 0, 0, 0}, {255, 255, 255}},
    /* 255 - 64 = 191; 191 - 128 * 191 / 255 = 95; 191; 0 */
    {{128, 0, 255, 64}, {95, 191, 0}},
  };
  static const J_COLOR_SPACE spaces[] = { JCS_CMYK, JCS_YCCK };
  guint c, sp, i, k;

  for (sp = 0; sp < G_N_ELEMENTS (spaces); sp++) {
    for (c = 0; c < G_N_ELEMENTS (colours); c++) {
      g_autoptr (GBytes) jpeg = write_cmyk (spaces[sp], colours[c].cmyk);
      g_autoptr (GstTrialImage) rgb = decode (jpeg, GST_TRIAL_PIXEL_RGB8);
      g_autoptr (GstTrialImage) bgr = decode (jpeg, GST_TRIAL_PIXEL_BGR8);

      for (i = 0; i < W * H; i++) {
        for (k = 0; k < 3; k++) {
          gint got = rgb->data[3 * i + k];

          fail_unless (ABS (got - colours[c].rgb[k]) <= 2, "space %d, "
              "colour %u, pixel %u channel %u: %d, expected %u",
              spaces[sp], c, i, k, got, colours[c].rgb[k]);
          assert_equals_int (bgr->data[3 * i + 2 - k], got);
        }
      }
    }
  }
}

GST_END_TEST;

/* An abbreviated stream with tables only (SOI, DQT, DHT, EOI). */
GST_START_TEST (test_tables_only)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  unsigned char *buffer = NULL;
  unsigned long length = 0;
  GError *err = NULL;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &buffer, &length);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_write_tables (&cinfo);
  jpeg_destroy_compress (&cinfo);

  fail_if (gst_trial_jpeg_read_size (buffer, length, NULL, NULL, &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "only tables, no image");
  g_clear_error (&err);
  fail_if (gst_trial_jpeg_decode (buffer, length, GST_TRIAL_PIXEL_RGB8,
          &err));
  assert_error (err, GST_TRIAL_ERROR_CORRUPT, "only tables, no image");
  g_clear_error (&err);
  free (buffer);
}

GST_END_TEST;

static Suite *
jpeg_suite (void)
{
  Suite *s = suite_create ("jpeg");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_round_trip_rgb);
  tcase_add_test (tc, test_round_trip_gray);
  tcase_add_test (tc, test_quality);
  tcase_add_test (tc, test_read_size);
  tcase_add_test (tc, test_truncated);
  tcase_add_test (tc, test_garbage);
  tcase_add_test (tc, test_corrupt_data);
  tcase_add_test (tc, test_too_large);
  tcase_add_test (tc, test_unsupported_formats);
  tcase_add_test (tc, test_progressive);
  tcase_add_test (tc, test_tables_only);
  tcase_add_test (tc, test_cmyk_and_ycck);
  return s;
}

GST_CHECK_MAIN (jpeg);
