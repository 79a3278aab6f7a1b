/* gst-trial tests: depth shape, units and conversions (depth.c) for .raw,
 * .npy and 16-bit .png sources. PNGs are written here with libpng directly,
 * so pngcodec.c is tested against an independent encoder. */
#include <math.h>
#include <string.h>
#include <png.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/depth.h"
#include "gst/trial/error.h"
#include "gst/trial/npy.h"

/* A 2x3 frame used throughout: millimetres, a hole and the extremes. */
static const guint16 mm[6] = { 0, 1, 999, 1000, 1234, 65535 };

static GBytes *
make_raw (const guint16 * values, gsize n)
{
  guint16 *le = g_new (guint16, n);
  gsize i;

  for (i = 0; i < n; i++)
    le[i] = GUINT16_TO_LE (values[i]);
  return g_bytes_new_take (le, n * 2);
}

/* A v1.0 .npy of (height, width) with the raw @payload. */
static GBytes *
make_npy (const gchar * descr, guint height, guint width,
    const void *payload, gsize payload_size)
{
  g_autofree gchar *dict = g_strdup_printf ("{'descr': '%s', "
      "'fortran_order': False, 'shape': (%u, %u), }", descr, height, width);
  GByteArray *a = g_byte_array_new ();
  guint8 pre[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0 };
  gsize hlen = strlen (dict);

  pre[8] = hlen & 0xff;
  pre[9] = hlen >> 8;
  g_byte_array_append (a, pre, 10);
  g_byte_array_append (a, (const guint8 *) dict, hlen);
  g_byte_array_append (a, payload, payload_size);
  return g_byte_array_free_to_bytes (a);
}

static void
png_append (png_structp png, png_bytep data, png_size_t length)
{
  g_byte_array_append (png_get_io_ptr (png), data, length);
}

/* A PNG of @color_type and @bit_depth whose rows are @pixels (16-bit
 * samples host-endian, swapped to PNG's big-endian by libpng). */
static GBytes *
make_png (guint width, guint height, gint color_type, gint bit_depth,
    const void *pixels)
{
  GByteArray *out = g_byte_array_new ();
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL,
      NULL, NULL);
  png_infop info = png_create_info_struct (png);
  guint channels = color_type == PNG_COLOR_TYPE_RGB ? 3 : 1;
  gsize stride = (gsize) width * channels * (bit_depth / 8);
  guint y;

  fail_unless (png != NULL && info != NULL);
  fail_if (setjmp (png_jmpbuf (png)), "libpng failed writing the test PNG");
  png_set_write_fn (png, out, png_append, NULL);
  png_set_IHDR (png, info, width, height, bit_depth, color_type,
      PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
      PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  if (bit_depth == 16 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    png_set_swap (png);
  for (y = 0; y < height; y++)
    png_write_row (png, (png_const_bytep) pixels + y * stride);
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
make_png16 (guint width, guint height, const guint16 * pixels)
{
  return make_png (width, height, PNG_COLOR_TYPE_GRAY, 16, pixels);
}

#define DATA(b) ((const guint8 *) g_bytes_get_data ((b), NULL))
#define SIZE(b) g_bytes_get_size (b)

static void
assert_f32 (const gfloat * out, const gfloat * expected, gsize n,
    const gchar * what)
{
  gsize i;

  for (i = 0; i < n; i++)
    fail_unless (memcmp (&out[i], &expected[i], sizeof (gfloat)) == 0,
        "%s[%" G_GSIZE_FORMAT "]: %.9g, expected %.9g", what, i, out[i],
        expected[i]);
}

static void
assert_u16 (const guint16 * out, const guint16 * expected, gsize n,
    const gchar * what)
{
  gsize i;

  for (i = 0; i < n; i++)
    fail_unless (out[i] == expected[i], "%s[%" G_GSIZE_FORMAT "]: %u, "
        "expected %u", what, i, out[i], expected[i]);
}

GST_START_TEST (test_format_names)
{
  fail_unless_equals_string (gst_trial_depth_format_to_string
      (GST_TRIAL_DEPTH_NONE), "none");
  fail_unless_equals_string (gst_trial_depth_format_to_string
      (GST_TRIAL_DEPTH_RAW), "raw");
  fail_unless_equals_string (gst_trial_depth_format_to_string
      (GST_TRIAL_DEPTH_NPY), "npy");
  fail_unless_equals_string (gst_trial_depth_format_to_string
      (GST_TRIAL_DEPTH_PNG), "png");
}

GST_END_TEST;

GST_START_TEST (test_probe_raw)
{
  guint w = 0, h = 0;
  GError *error = NULL;
  static guint8 zeros[4147200];

  fail_unless (gst_trial_depth_probe_shape (GST_TRIAL_DEPTH_RAW, zeros,
          614400, "a.raw", &w, &h, &error));
  assert_equals_int (w, 640);
  assert_equals_int (h, 480);
  fail_unless (gst_trial_depth_probe_shape (GST_TRIAL_DEPTH_RAW, zeros,
          4147200, "a.raw", &w, &h, &error));
  assert_equals_int (w, 1920);
  assert_equals_int (h, 1080);
  fail_unless (gst_trial_depth_probe_shape (GST_TRIAL_DEPTH_RAW, zeros,
          2 * 50 * 50, "a.raw", &w, &h, &error));
  assert_equals_int (w, 50);
  assert_equals_int (h, 50);

  fail_if (gst_trial_depth_probe_shape (GST_TRIAL_DEPTH_RAW, zeros, 1000,
          "Depth/_Depth_0231.raw", &w, &h, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH);
  fail_unless_equals_string (error->message, "depth file "
      "'Depth/_Depth_0231.raw' is 1000 bytes, which is the uint16 size of "
      "no RealSense depth mode and of no square; set the shape with "
      "trial-process --depth-size WxH (trialsrc depth-width and "
      "depth-height)");
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_probe_npy_and_png)
{
  guint16 px[4 * 5] = { 0, };
  g_autoptr (GBytes) npy = make_npy ("<u2", 5, 4, px, sizeof (px));
  g_autoptr (GBytes) png = make_png16 (4, 5, px);
  g_autoptr (GBytes) bad = make_npy ("<u2", 5, 4, px, sizeof (px) - 1);
  guint w = 0, h = 0;
  GError *error = NULL;

  fail_unless (gst_trial_depth_probe_shape (GST_TRIAL_DEPTH_NPY, DATA (npy),
          SIZE (npy), "a.npy", &w, &h, &error));
  assert_equals_int (w, 4);
  assert_equals_int (h, 5);
  w = h = 0;
  fail_unless (gst_trial_depth_probe_shape (GST_TRIAL_DEPTH_PNG, DATA (png),
          SIZE (png), "a.png", &w, &h, &error), "%s",
      error ? error->message : "?");
  assert_equals_int (w, 4);
  assert_equals_int (h, 5);

  fail_if (gst_trial_depth_probe_shape (GST_TRIAL_DEPTH_NPY, DATA (bad),
          SIZE (bad), "d/bad.npy", &w, &h, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT);
  fail_unless_equals_string (error->message, "depth file 'd/bad.npy': npy "
      "data is 39 bytes, expected 40 (5x4 '<u2')");
  g_clear_error (&error);

  fail_if (gst_trial_depth_probe_shape (GST_TRIAL_DEPTH_PNG, DATA (npy),
          SIZE (npy), "notpng.png", &w, &h, &error));
  fail_unless (error != NULL && error->domain == GST_TRIAL_ERROR);
  fail_unless (g_str_has_prefix (error->message,
          "depth file 'notpng.png': "), "%s", error->message);
  g_clear_error (&error);

  fail_if (gst_trial_depth_probe_shape (GST_TRIAL_DEPTH_NONE, NULL, 0,
          "x", &w, &h, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_png_must_be_gray16)
{
  guint8 rgb[2 * 2 * 3] = { 0, };
  guint8 gray8[2 * 2] = { 0, };
  g_autoptr (GBytes) png_rgb = make_png (2, 2, PNG_COLOR_TYPE_RGB, 8, rgb);
  g_autoptr (GBytes) png_gray8 = make_png (2, 2, PNG_COLOR_TYPE_GRAY, 8,
      gray8);
  gfloat out[4];
  guint w, h;
  gdouble scale;
  GError *error = NULL;

  /* a colourised Depth_Color frame is not depth */
  fail_if (gst_trial_depth_to_f32 (GST_TRIAL_DEPTH_PNG, DATA (png_rgb),
          SIZE (png_rgb), "Depth_Color/_Depth_Color_0231.png", 2, 2, 0.001,
          out, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED);
  fail_unless_equals_string (error->message, "depth file "
      "'Depth_Color/_Depth_Color_0231.png' is a PNG with 8-bit RGB pixels, "
      "expected 16-bit grayscale");
  g_clear_error (&error);

  fail_if (gst_trial_depth_probe_shape (GST_TRIAL_DEPTH_PNG, DATA (png_gray8),
          SIZE (png_gray8), "g.png", &w, &h, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED);
  fail_unless_equals_string (error->message, "depth file 'g.png' is a PNG "
      "with 8-bit grayscale pixels, expected 16-bit grayscale");
  g_clear_error (&error);

  fail_if (gst_trial_depth_decide_scale (GST_TRIAL_DEPTH_PNG,
          DATA (png_rgb), SIZE (png_rgb), "c.png", &scale, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED);
  g_clear_error (&error);
}

GST_END_TEST;

static gdouble
decide (GstTrialDepthFormat format, GBytes * bytes)
{
  gdouble scale = -1.0;
  GError *error = NULL;

  fail_unless (gst_trial_depth_decide_scale (format, DATA (bytes),
          SIZE (bytes), "first", &scale, &error), "%s",
      error ? error->message : "?");
  return scale;
}

GST_START_TEST (test_decide_scale)
{
  const guint16 small_u2[2] = { 3, 5 };
  const gfloat metres[3] = { 0.0f, 1.5f, 3.25f };
  const gfloat millimetres[3] = { 0.0f, 800.0f, 2500.0f };
  const gfloat nan_metres[3] = { NAN, 2.0f, INFINITY };
  const gfloat exactly_100[2] = { 100.0f, 7.0f };
  const gint32 int_mm[2] = { GINT32_TO_LE (101), 0 };
  const gdouble f8_metres[2] = { 0.5, 4.0 };
  g_autoptr (GBytes) raw = make_raw (mm, 6);
  g_autoptr (GBytes) png = make_png16 (3, 2, mm);
  g_autoptr (GBytes) u2 = make_npy ("<u2", 1, 2, small_u2, 4);
  g_autoptr (GBytes) f4_m = make_npy ("<f4", 1, 3, metres, 12);
  g_autoptr (GBytes) f4_mm = make_npy ("<f4", 1, 3, millimetres, 12);
  g_autoptr (GBytes) f4_nan = make_npy ("<f4", 3, 1, nan_metres, 12);
  g_autoptr (GBytes) f4_100 = make_npy ("<f4", 2, 1, exactly_100, 8);
  g_autoptr (GBytes) i4_mm = make_npy ("<i4", 1, 2, int_mm, 8);
  g_autoptr (GBytes) f8_m = make_npy ("<f8", 2, 1, f8_metres, 16);
  g_autoptr (GBytes) corrupt = make_npy ("<f8", 2, 1, f8_metres, 15);
  gdouble scale;
  GError *error = NULL;

  /* uint16 sources are millimetres whatever their values */
  fail_unless (decide (GST_TRIAL_DEPTH_RAW, raw) == 0.001);
  fail_unless (decide (GST_TRIAL_DEPTH_PNG, png) == 0.001);
  fail_unless (decide (GST_TRIAL_DEPTH_NPY, u2) == 0.001);
  /* other dtypes: millimetres only when the maximum exceeds 100 */
  fail_unless (decide (GST_TRIAL_DEPTH_NPY, f4_m) == 1.0);
  fail_unless (decide (GST_TRIAL_DEPTH_NPY, f4_mm) == 0.001);
  fail_unless (decide (GST_TRIAL_DEPTH_NPY, f4_nan) == 1.0);
  fail_unless (decide (GST_TRIAL_DEPTH_NPY, f4_100) == 1.0);
  fail_unless (decide (GST_TRIAL_DEPTH_NPY, i4_mm) == 0.001);
  fail_unless (decide (GST_TRIAL_DEPTH_NPY, f8_m) == 1.0);

  fail_if (gst_trial_depth_decide_scale (GST_TRIAL_DEPTH_NPY, DATA (corrupt),
          SIZE (corrupt), "c.npy", &scale, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT);
  fail_unless (g_str_has_prefix (error->message, "depth file 'c.npy': npy "
          "data is 15 bytes"), "%s", error->message);
  g_clear_error (&error);

  fail_if (gst_trial_depth_decide_scale (GST_TRIAL_DEPTH_NONE, NULL, 0,
          "none", &scale, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

GST_END_TEST;

static gdouble
frame_scale (GstTrialDepthFormat format, GBytes * bytes,
    GstTrialDtype trial_dtype, gdouble trial_scale)
{
  gdouble scale = -1.0;
  GError *error = NULL;

  fail_unless (gst_trial_depth_frame_scale (format, DATA (bytes),
          SIZE (bytes), "frame", trial_dtype, trial_scale, &scale, &error),
      "%s", error ? error->message : "?");
  return scale;
}

/* Issue 15 item 9: the trial's scale for frames of its dtype, each other
 * dtype's own rule otherwise. */
GST_START_TEST (test_frame_scale)
{
  const guint16 small_u2[2] = { 3, 5 };
  const gfloat metres[3] = { 0.0f, 1.5f, 3.25f };
  const gfloat millimetres[3] = { 0.0f, 800.0f, 2500.0f };
  const gdouble f8_metres[2] = { 0.5, 4.0 };
  g_autoptr (GBytes) raw = make_raw (mm, 6);
  g_autoptr (GBytes) png = make_png16 (3, 2, mm);
  g_autoptr (GBytes) u2 = make_npy ("<u2", 1, 2, small_u2, 4);
  g_autoptr (GBytes) f4_m = make_npy ("<f4", 1, 3, metres, 12);
  g_autoptr (GBytes) f4_mm = make_npy ("<f4", 1, 3, millimetres, 12);
  g_autoptr (GBytes) f8_m = make_npy ("<f8", 2, 1, f8_metres, 16);
  g_autoptr (GBytes) corrupt = make_npy ("<f8", 2, 1, f8_metres, 15);
  GstTrialDtype dtype;
  gdouble scale;
  GError *error = NULL;

  /* the dtype whose rule a file follows */
  fail_unless (gst_trial_depth_probe_dtype (GST_TRIAL_DEPTH_RAW, DATA (raw),
          SIZE (raw), "r", &dtype, NULL) && dtype == GST_TRIAL_DTYPE_U2);
  fail_unless (gst_trial_depth_probe_dtype (GST_TRIAL_DEPTH_PNG, DATA (png),
          SIZE (png), "p", &dtype, NULL) && dtype == GST_TRIAL_DTYPE_U2);
  fail_unless (gst_trial_depth_probe_dtype (GST_TRIAL_DEPTH_NPY, DATA (f8_m),
          SIZE (f8_m), "n", &dtype, NULL) && dtype == GST_TRIAL_DTYPE_F8);

  /* a trial decided on float32 metres: float32 millimetres follow it (the
   * decision is per trial), uint16 and float64 are decided by their own */
  fail_unless (frame_scale (GST_TRIAL_DEPTH_NPY, f4_mm, GST_TRIAL_DTYPE_F4,
          1.0) == 1.0);
  fail_unless (frame_scale (GST_TRIAL_DEPTH_NPY, u2, GST_TRIAL_DTYPE_F4,
          1.0) == 0.001);
  fail_unless (frame_scale (GST_TRIAL_DEPTH_RAW, raw, GST_TRIAL_DTYPE_F4,
          1.0) == 0.001);
  fail_unless (frame_scale (GST_TRIAL_DEPTH_NPY, f8_m, GST_TRIAL_DTYPE_F4,
          0.001) == 1.0);
  /* a trial of uint16 millimetres: float metres stay metres */
  fail_unless (frame_scale (GST_TRIAL_DEPTH_NPY, f4_m, GST_TRIAL_DTYPE_U2,
          0.001) == 1.0);
  fail_unless (frame_scale (GST_TRIAL_DEPTH_NPY, f4_mm, GST_TRIAL_DTYPE_U2,
          0.001) == 0.001);
  fail_unless (frame_scale (GST_TRIAL_DEPTH_PNG, png, GST_TRIAL_DTYPE_U2,
          0.001) == 0.001);

  fail_if (gst_trial_depth_frame_scale (GST_TRIAL_DEPTH_NPY, DATA (corrupt),
          SIZE (corrupt), "c.npy", GST_TRIAL_DTYPE_U2, 0.001, &scale,
          &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT);
  fail_unless (g_str_has_prefix (error->message, "depth file 'c.npy': npy "
          "data is 15 bytes"), "%s", error->message);
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_u16le_to_f32_exact)
{
  guint8 *src = g_malloc (2 * 65536 + 1);
  gfloat *out = g_new (gfloat, 65536);
  guint v;

  /* every uint16, read from an odd address (UBSan checks alignment) */
  for (v = 0; v < 65536; v++) {
    src[1 + 2 * v] = v & 0xff;
    src[2 + 2 * v] = v >> 8;
  }
  gst_trial_depth_u16le_to_f32 (src + 1, 65536, 0.001f, out);
  for (v = 0; v < 65536; v++)
    fail_unless (out[v] == (gfloat) v / 1000.0f, "%u -> %.9g", v, out[v]);
  gst_trial_depth_u16le_to_f32 (src + 1, 65536, 1.0f, out);
  for (v = 0; v < 65536; v++)
    fail_unless (out[v] == (gfloat) v);
  gst_trial_depth_u16le_to_f32 (src + 1, 65536, 0.3f, out);
  for (v = 0; v < 65536; v++)
    fail_unless (out[v] == (gfloat) v * 0.3f);
  g_free (src);
  g_free (out);
}

GST_END_TEST;

GST_START_TEST (test_to_f32)
{
  const gfloat metres[6] = { 0.0f, 0.5f, 1.25f, -1.0f, NAN, 3.0f };
  g_autoptr (GBytes) raw = make_raw (mm, 6);
  g_autoptr (GBytes) png = make_png16 (3, 2, mm);
  g_autoptr (GBytes) u2_le = make_raw (mm, 6);
  g_autoptr (GBytes) npy_mm = make_npy ("<u2", 2, 3, DATA (u2_le), 12);
  g_autoptr (GBytes) npy_f4 = make_npy ("<f4", 2, 3, metres, sizeof (metres));
  gfloat expected[6], out[6];
  GError *error = NULL;
  guint i;

  for (i = 0; i < 6; i++)
    expected[i] = (gfloat) mm[i] / 1000.0f;

  fail_unless (gst_trial_depth_to_f32 (GST_TRIAL_DEPTH_RAW, DATA (raw),
          SIZE (raw), "a.raw", 3, 2, 0.001, out, &error));
  assert_f32 (out, expected, 6, "raw");
  memset (out, 0, sizeof (out));
  fail_unless (gst_trial_depth_to_f32 (GST_TRIAL_DEPTH_NPY, DATA (npy_mm),
          SIZE (npy_mm), "a.npy", 3, 2, 0.001, out, &error));
  assert_f32 (out, expected, 6, "npy u2");
  memset (out, 0, sizeof (out));
  fail_unless (gst_trial_depth_to_f32 (GST_TRIAL_DEPTH_PNG, DATA (png),
          SIZE (png), "a.png", 3, 2, 0.001, out, &error), "%s",
      error ? error->message : "?");
  assert_f32 (out, expected, 6, "png");

  /* float metres pass through untouched, NaN included */
  fail_unless (gst_trial_depth_to_f32 (GST_TRIAL_DEPTH_NPY, DATA (npy_f4),
          SIZE (npy_f4), "m.npy", 3, 2, 1.0, out, &error));
  assert_f32 (out, metres, 6, "npy f4");

  /* a forced scale other than a whole reciprocal multiplies */
  fail_unless (gst_trial_depth_to_f32 (GST_TRIAL_DEPTH_RAW, DATA (raw),
          SIZE (raw), "a.raw", 3, 2, 0.25, out, &error));
  for (i = 0; i < 6; i++)
    expected[i] = (gfloat) mm[i] * 0.25f;
  assert_f32 (out, expected, 6, "raw x0.25");
}

GST_END_TEST;

GST_START_TEST (test_to_f32_shape_mismatch)
{
  guint16 px[6] = { 0, };
  g_autoptr (GBytes) raw = make_raw (mm, 6);
  g_autoptr (GBytes) npy = make_npy ("<u2", 2, 3, px, sizeof (px));
  g_autoptr (GBytes) png = make_png16 (3, 2, px);
  gfloat out[6];
  guint16 out16[6];
  GError *error = NULL;

  fail_if (gst_trial_depth_to_f32 (GST_TRIAL_DEPTH_RAW, DATA (raw),
          SIZE (raw), "Depth/_Depth_0231.raw", 640, 480, 0.001, out, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH);
  fail_unless_equals_string (error->message, "depth file "
      "'Depth/_Depth_0231.raw' is 12 bytes, expected 614400 (480x640 "
      "uint16)");
  g_clear_error (&error);

  fail_if (gst_trial_depth_to_f32 (GST_TRIAL_DEPTH_NPY, DATA (npy),
          SIZE (npy), "d.npy", 2, 3, 0.001, out, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH);
  fail_unless_equals_string (error->message, "depth file 'd.npy' has shape "
      "2x3, expected 3x2");
  g_clear_error (&error);

  fail_if (gst_trial_depth_to_u16 (GST_TRIAL_DEPTH_NPY, DATA (npy),
          SIZE (npy), "d.npy", 6, 1, 0.001, out16, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH);
  fail_unless_equals_string (error->message, "depth file 'd.npy' has shape "
      "2x3, expected 1x6");
  g_clear_error (&error);

  fail_if (gst_trial_depth_to_f32 (GST_TRIAL_DEPTH_PNG, DATA (png),
          SIZE (png), "d.png", 2, 3, 0.001, out, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH);
  fail_unless_equals_string (error->message, "depth file 'd.png' has shape "
      "2x3, expected 3x2");
  g_clear_error (&error);

  fail_if (gst_trial_depth_to_u16 (GST_TRIAL_DEPTH_NONE, NULL, 0, "x", 3, 2,
          0.001, out16, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_to_u16)
{
  const gfloat metres[6] = { 1.2345f, -1.0f, NAN, INFINITY, 70.0f, 0.0004f };
  const guint16 metres_mm[6] = { 1235, 0, 0, 65535, 65535, 0 };
  const gdouble f8[6] = { 0.5, 1000.4, 1000.5, 65535.4, 65535.6, -0.2 };
  const guint16 f8_mm[6] = { 1, 1000, 1001, 65535, 65535, 0 };
  const guint16 tenths[6] = { 0, 0, 100, 100, 123, 6554 };
  g_autoptr (GBytes) raw = make_raw (mm, 6);
  g_autoptr (GBytes) png = make_png16 (3, 2, mm);
  g_autoptr (GBytes) u2_le = make_raw (mm, 6);
  g_autoptr (GBytes) npy_u2 = make_npy ("<u2", 2, 3, DATA (u2_le), 12);
  g_autoptr (GBytes) npy_f4 = make_npy ("<f4", 2, 3, metres, 24);
  g_autoptr (GBytes) npy_f8 = make_npy ("<f8", 3, 2, f8, 48);
  guint16 out[6];
  GError *error = NULL;

  fail_unless (gst_trial_depth_to_u16 (GST_TRIAL_DEPTH_RAW, DATA (raw),
          SIZE (raw), "a.raw", 3, 2, 0.001, out, &error));
  assert_u16 (out, mm, 6, "raw");
  memset (out, 0, sizeof (out));
  fail_unless (gst_trial_depth_to_u16 (GST_TRIAL_DEPTH_PNG, DATA (png),
          SIZE (png), "a.png", 3, 2, 0.001, out, &error), "%s",
      error ? error->message : "?");
  assert_u16 (out, mm, 6, "png");
  memset (out, 0, sizeof (out));
  fail_unless (gst_trial_depth_to_u16 (GST_TRIAL_DEPTH_NPY, DATA (npy_u2),
          SIZE (npy_u2), "a.npy", 3, 2, 0.001, out, &error));
  assert_u16 (out, mm, 6, "npy u2");

  /* metres: rounded to mm; negatives and NaN are holes, too far clamps */
  fail_unless (gst_trial_depth_to_u16 (GST_TRIAL_DEPTH_NPY, DATA (npy_f4),
          SIZE (npy_f4), "m.npy", 3, 2, 1.0, out, &error));
  assert_u16 (out, metres_mm, 6, "npy f4 metres");
  /* millimetres as float64, rounded half away from zero */
  fail_unless (gst_trial_depth_to_u16 (GST_TRIAL_DEPTH_NPY, DATA (npy_f8),
          SIZE (npy_f8), "mm.npy", 2, 3, 0.001, out, &error));
  assert_u16 (out, f8_mm, 6, "npy f8 mm");
  /* a RealSense depth unit of 0.1 mm */
  fail_unless (gst_trial_depth_to_u16 (GST_TRIAL_DEPTH_RAW, DATA (raw),
          SIZE (raw), "a.raw", 3, 2, 0.0001, out, &error));
  assert_u16 (out, tenths, 6, "raw 0.1 mm");
}

GST_END_TEST;

/* Every truncation of a valid file fails cleanly through every entry point
 * and names the file. */
static void
truncations (GstTrialDepthFormat format, GBytes * valid, const gchar * name)
{
  gsize size = SIZE (valid), len;
  gfloat out[6];
  guint16 out16[6];

  for (len = 0; len < size; len++) {
    guint8 *copy = g_memdup2 (DATA (valid), len);
    GError *error = NULL;
    guint w, h;
    gdouble scale;

    /* a PNG's header is readable before its pixel data is complete */
    if (!gst_trial_depth_probe_shape (format, copy, len, name, &w, &h,
            &error)) {
      fail_unless (error != NULL && error->domain == GST_TRIAL_ERROR);
      fail_unless (strstr (error->message, name) != NULL, "%s",
          error->message);
      g_clear_error (&error);
    }
    if (!gst_trial_depth_decide_scale (format, copy, len, name, &scale,
            &error))
      g_clear_error (&error);
    fail_if (gst_trial_depth_to_f32 (format, copy, len, name, 3, 2, 0.001,
            out, &error), "%s truncated to %" G_GSIZE_FORMAT, name, len);
    fail_unless (error != NULL && error->domain == GST_TRIAL_ERROR);
    fail_unless (strstr (error->message, name) != NULL, "%s", error->message);
    g_clear_error (&error);
    fail_if (gst_trial_depth_to_u16 (format, copy, len, name, 3, 2, 0.001,
            out16, &error));
    fail_unless (error != NULL && error->domain == GST_TRIAL_ERROR);
    g_clear_error (&error);
    g_free (copy);
  }
}

GST_START_TEST (test_hostile_files)
{
  g_autoptr (GBytes) npy = make_npy ("<u2", 2, 3, mm, 12);
  g_autoptr (GBytes) png = make_png16 (3, 2, mm);
  g_autoptr (GBytes) raw = make_raw (mm, 6);

  truncations (GST_TRIAL_DEPTH_NPY, npy, "t.npy");
  truncations (GST_TRIAL_DEPTH_PNG, png, "t.png");
  truncations (GST_TRIAL_DEPTH_RAW, raw, "t.raw");
}

GST_END_TEST;

static Suite *
depth_suite (void)
{
  Suite *s = suite_create ("depth");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_format_names);
  tcase_add_test (tc, test_probe_raw);
  tcase_add_test (tc, test_probe_npy_and_png);
  tcase_add_test (tc, test_png_must_be_gray16);
  tcase_add_test (tc, test_decide_scale);
  tcase_add_test (tc, test_frame_scale);
  tcase_add_test (tc, test_u16le_to_f32_exact);
  tcase_add_test (tc, test_to_f32);
  tcase_add_test (tc, test_to_f32_shape_mismatch);
  tcase_add_test (tc, test_to_u16);
  tcase_add_test (tc, test_hostile_files);
  return s;
}

GST_CHECK_MAIN (depth);
