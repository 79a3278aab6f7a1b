/* gst-trial tests: one frame's conversion without GStreamer (converter.c):
 * what caps fields mean, each frame read as its own file says, the
 * passthrough rule, depth units, raw row strides, .npy output and the
 * allocator hook. */
#include <string.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/converter.h"
#include "gst/trial/error.h"
#include "gst/trial/image.h"
#include "gst/trial/npy.h"
#include "gst/trial/pngcodec.h"

/* A width x height RGB8 image whose pixel (x, y) is (x*40, y*50, x+y). */
static GstTrialImage *
make_rgb (guint width, guint height)
{
  GstTrialImage *image = gst_trial_image_new (GST_TRIAL_PIXEL_RGB8, width,
      height, NULL);
  guint x, y;

  fail_unless (image != NULL);
  for (y = 0; y < height; y++)
    for (x = 0; x < width; x++) {
      guint8 *p = image->data + y * image->stride + x * 3;

      p[0] = x * 40;
      p[1] = y * 50;
      p[2] = x + y;
    }
  return image;
}

static GBytes *
make_png (guint width, guint height)
{
  g_autoptr (GstTrialImage) image = make_rgb (width, height);
  GError *error = NULL;
  GBytes *png = gst_trial_png_encode (image, 1, &error);

  fail_unless (png != NULL, "%s", error ? error->message : "?");
  return png;
}

static void
color_params (GstTrialConverterParams * p, guint width, guint height)
{
  GError *error = NULL;

  fail_unless (gst_trial_converter_params_set_input (p, "image/png", NULL,
          FALSE, 0.0, NULL, width > 0, width, height, &error),
      "%s", error ? error->message : "?");
  p->output = GST_TRIAL_CONVERTER_OUTPUT_PNG;
  p->passthrough = TRUE;
  p->verify = GST_TRIAL_PNG_VERIFY_DATA;
  p->compression_level = 1;
}

static void
assert_set_input_fails (const gchar * media_type, const gchar * format,
    gboolean has_scale, gdouble scale, const gchar * dtype,
    gboolean has_size, gint width, gint height, gint code,
    const gchar * message)
{
  GstTrialConverterParams p;
  GError *error = NULL;

  fail_if (gst_trial_converter_params_set_input (&p, media_type, format,
          has_scale, scale, dtype, has_size, width, height, &error));
  fail_unless (g_error_matches (error, GST_TRIAL_ERROR, code), "%s",
      error ? error->message : "no error");
  fail_unless_equals_string (error->message, message);
  g_clear_error (&error);
}

GST_START_TEST (test_params_from_caps)
{
  GstTrialConverterParams p;

  fail_unless (gst_trial_converter_params_set_input (&p, "image/png", NULL,
          FALSE, 0.0, NULL, TRUE, 640, 480, NULL));
  assert_equals_int (p.input, GST_TRIAL_CONVERTER_INPUT_PNG);
  assert_equals_int (p.width, 640);
  assert_equals_int (p.height, 480);
  fail_unless (p.depth_scale == 0.0 && !p.scale_forced);

  /* a PNG with a depth-scale is depth; without a dtype the scale holds for
   * every frame */
  fail_unless (gst_trial_converter_params_set_input (&p, "image/png", NULL,
          TRUE, 0.001, NULL, FALSE, 0, 0, NULL));
  assert_equals_int (p.input, GST_TRIAL_CONVERTER_INPUT_DEPTH_PNG);
  fail_unless (p.depth_scale == 0.001 && p.scale_forced);
  assert_equals_int (p.width, 0);

  fail_unless (gst_trial_converter_params_set_input (&p, "video/x-raw",
          "GRAY16_LE", TRUE, 0.001, "u2", TRUE, 4, 2, NULL));
  assert_equals_int (p.input, GST_TRIAL_CONVERTER_INPUT_DEPTH_RAW);
  fail_unless (!p.scale_forced);
  assert_equals_int (p.scale_dtype, GST_TRIAL_DTYPE_U2);

  /* raw RGB is color now (rsbagdemux), but it needs its size */
  assert_set_input_fails ("video/x-raw", "RGB", FALSE, 0, NULL, FALSE, 0, 0,
      GST_TRIAL_ERROR_UNSUPPORTED,
      "raw color input needs width and height in its caps");
  assert_set_input_fails ("video/x-raw", "NV12", FALSE, 0, NULL, TRUE, 4, 2,
      GST_TRIAL_ERROR_UNSUPPORTED,
      "input video/x-raw is not a color or depth frame format");
  assert_set_input_fails ("application/x-npy", NULL, TRUE, -1.0, NULL, FALSE,
      0, 0, GST_TRIAL_ERROR_UNSUPPORTED,
      "depth-scale -1 in the input caps is not a positive number of metres "
      "per unit");
  assert_set_input_fails ("application/x-npy", NULL, TRUE, 0.001, "c16",
      FALSE, 0, 0, GST_TRIAL_ERROR_UNSUPPORTED,
      "depth-scale-dtype 'c16' in the input caps is not a dtype this "
      "element reads");
  /* width and height present but 0 is no size, not "no size given" */
  assert_set_input_fails ("image/jpeg", NULL, FALSE, 0, NULL, TRUE, 0, 0,
      GST_TRIAL_ERROR_TOO_LARGE,
      "input size 0x0 is not between 1 and 16384 pixels per side");
}

GST_END_TEST;

GST_START_TEST (test_input_for_file)
{
  assert_equals_int (gst_trial_converter_input_for_file
      (GST_TRIAL_CONVERTER_INPUT_PNG, "/t/color/frame_000001.jpg"),
      GST_TRIAL_CONVERTER_INPUT_JPEG);
  assert_equals_int (gst_trial_converter_input_for_file
      (GST_TRIAL_CONVERTER_INPUT_PNG, "/t/color/frame_000001.bmp"),
      GST_TRIAL_CONVERTER_INPUT_BMP);
  assert_equals_int (gst_trial_converter_input_for_file
      (GST_TRIAL_CONVERTER_INPUT_DEPTH_RAW, "/t/depth/frame_000001.npy"),
      GST_TRIAL_CONVERTER_INPUT_DEPTH_NPY);
  assert_equals_int (gst_trial_converter_input_for_file
      (GST_TRIAL_CONVERTER_INPUT_DEPTH_NPY, "/t/depth/frame_000001.png"),
      GST_TRIAL_CONVERTER_INPUT_DEPTH_PNG);
  /* a depth stream never reads a file as color, nor the reverse */
  assert_equals_int (gst_trial_converter_input_for_file
      (GST_TRIAL_CONVERTER_INPUT_DEPTH_RAW, "/t/depth/frame_000001.jpg"),
      GST_TRIAL_CONVERTER_INPUT_DEPTH_RAW);
  assert_equals_int (gst_trial_converter_input_for_file
      (GST_TRIAL_CONVERTER_INPUT_JPEG, "/t/color/frame_000001.txt"),
      GST_TRIAL_CONVERTER_INPUT_JPEG);
  assert_equals_int (gst_trial_converter_input_for_file
      (GST_TRIAL_CONVERTER_INPUT_JPEG, NULL), GST_TRIAL_CONVERTER_INPUT_JPEG);
}

GST_END_TEST;

/* An 8-bit RGB PNG passes through without its trailing bytes; with
 * passthrough off the same frame is re-encoded to the same pixels. */
GST_START_TEST (test_passthrough_rule)
{
  GBytes *png = make_png (5, 3);
  gsize png_size = g_bytes_get_size (png);
  guint8 *data = g_malloc (png_size + 7);
  GstTrialConverterParams p;
  GstTrialConverted out;
  GError *error = NULL;
  g_autoptr (GstTrialImage) expected = make_rgb (5, 3);
  g_autoptr (GstTrialImage) decoded = NULL;

  memcpy (data, g_bytes_get_data (png, NULL), png_size);
  memset (data + png_size, 'x', 7);
  color_params (&p, 5, 3);

  fail_unless (gst_trial_converter_convert (&p, NULL, "frame 1", data,
          png_size + 7, NULL, &out, &error), "%s",
      error ? error->message : "?");
  assert_equals_uint64 (out.passthrough, png_size);
  fail_unless (out.bytes == NULL && out.memory == NULL);

  p.passthrough = FALSE;
  fail_unless (gst_trial_converter_convert (&p, NULL, "frame 1", data,
          png_size + 7, NULL, &out, &error), "%s",
      error ? error->message : "?");
  assert_equals_uint64 (out.passthrough, 0);
  fail_unless (out.bytes != NULL);
  decoded = gst_trial_png_decode (g_bytes_get_data (out.bytes, NULL),
      g_bytes_get_size (out.bytes), GST_TRIAL_PIXEL_RGB8, &error);
  fail_unless (decoded != NULL, "%s", error ? error->message : "?");
  fail_unless (memcmp (decoded->data, expected->data, 5 * 3 * 3) == 0);

  g_bytes_unref (out.bytes);
  g_bytes_unref (png);
  g_free (data);
}

GST_END_TEST;

/* Passthrough still checks the size in the caps, and a color file's
 * message names it. */
GST_START_TEST (test_size_mismatch_names_file)
{
  GBytes *png = make_png (4, 4);
  GstTrialConverterParams p;
  GstTrialConverted out;
  GError *error = NULL;

  color_params (&p, 8, 8);
  fail_if (gst_trial_converter_convert (&p, "/t/color/frame_000001.png",
          "frame_000001.png", g_bytes_get_data (png, NULL),
          g_bytes_get_size (png), NULL, &out, &error));
  fail_unless (g_error_matches (error, GST_TRIAL_ERROR,
          GST_TRIAL_ERROR_SIZE_MISMATCH));
  fail_unless_equals_string (error->message,
      "color file 'frame_000001.png': color frame is 4x4 pixels, expected "
      "8x8 (the size in the caps)");
  g_clear_error (&error);
  g_bytes_unref (png);
}

GST_END_TEST;

/* Raw rows have GStreamer's stride: 5 RGB pixels = 15 bytes + 1 of zero
 * padding. */
GST_START_TEST (test_raw_stride)
{
  GBytes *png = make_png (5, 2);
  GstTrialConverterParams p;
  GstTrialConverted out;
  GError *error = NULL;
  const guint8 *rows;
  gsize size;
  guint x, y;

  color_params (&p, 5, 2);
  p.output = GST_TRIAL_CONVERTER_OUTPUT_RAW;
  p.raw_format = GST_TRIAL_PIXEL_RGB8;
  fail_unless (gst_trial_converter_convert (&p, NULL, "frame 0",
          g_bytes_get_data (png, NULL), g_bytes_get_size (png), NULL, &out,
          &error), "%s", error ? error->message : "?");
  rows = g_bytes_get_data (out.bytes, &size);
  assert_equals_uint64 (size, 16 * 2);
  for (y = 0; y < 2; y++) {
    for (x = 0; x < 5; x++) {
      assert_equals_int (rows[y * 16 + x * 3], x * 40);
      assert_equals_int (rows[y * 16 + x * 3 + 1], y * 50);
      assert_equals_int (rows[y * 16 + x * 3 + 2], x + y);
    }
    assert_equals_int (rows[y * 16 + 15], 0);
  }
  g_bytes_unref (out.bytes);
  g_bytes_unref (png);
}

GST_END_TEST;

static const guint16 depth_mm[] = { 0, 1000, 2500, 65535, 300, 4000 };

static void
depth_params (GstTrialConverterParams * p, GstTrialConverterOutput output)
{
  fail_unless (gst_trial_converter_params_set_input (p, "video/x-raw",
          "GRAY16_LE", FALSE, 0.0, NULL, TRUE, 2, 3, NULL));
  p->output = output;
}

/* Caps without depth-scale: the first frame decides (uint16 =
 * millimetres), and a .raw frame of millimetres is already GRAY16_LE. */
GST_START_TEST (test_depth_units_and_gray16_passthrough)
{
  GstTrialConverterParams p;
  GstTrialConverted out;
  GError *error = NULL;

  depth_params (&p, GST_TRIAL_CONVERTER_OUTPUT_RAW);
  p.raw_format = GST_TRIAL_PIXEL_GRAY16;
  fail_unless (gst_trial_converter_params_decide_units (&p, NULL,
          (const guint8 *) depth_mm, sizeof (depth_mm), &error), "%s",
      error ? error->message : "?");
  fail_unless (p.depth_scale == 0.001);
  assert_equals_int (p.scale_dtype, GST_TRIAL_DTYPE_U2);

  fail_unless (gst_trial_converter_convert (&p, NULL, "frame 0",
          (const guint8 *) depth_mm, sizeof (depth_mm), NULL, &out, &error),
      "%s", error ? error->message : "?");
  assert_equals_uint64 (out.passthrough, sizeof (depth_mm));

  /* one byte short is no 2x3 frame */
  fail_if (gst_trial_converter_convert (&p, NULL, "frame 0",
          (const guint8 *) depth_mm, sizeof (depth_mm) - 1, NULL, &out,
          &error));
  fail_unless (error != NULL);
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_depth_npy_output)
{
  GstTrialConverterParams p;
  GstTrialConverted out;
  GstTrialNpyInfo info;
  GError *error = NULL;
  const guint8 *npy;
  gsize size;
  const gfloat *metres;
  guint i;

  depth_params (&p, GST_TRIAL_CONVERTER_OUTPUT_NPY);
  fail_unless (gst_trial_converter_convert (&p, NULL, "frame 0",
          (const guint8 *) depth_mm, sizeof (depth_mm), NULL, &out, &error),
      "%s", error ? error->message : "?");
  npy = g_bytes_get_data (out.bytes, &size);
  fail_unless (gst_trial_npy_parse (npy, size, &info, &error), "%s",
      error ? error->message : "?");
  assert_equals_int (info.dtype, GST_TRIAL_DTYPE_F4);
  assert_equals_int (info.height, 3);
  assert_equals_int (info.width, 2);
  metres = (const gfloat *) (npy + info.data_offset);
  for (i = 0; i < G_N_ELEMENTS (depth_mm); i++)
    fail_unless (metres[i] == (gfloat) (depth_mm[i] * 0.001), "%u: %g", i,
        metres[i]);
  g_bytes_unref (out.bytes);
}

GST_END_TEST;

typedef struct
{
  guint8 block[256];
  guint allocs;
  guint releases;
} TestAllocator;

static guint8 *
test_alloc (gsize size, gpointer * memory, gpointer user_data)
{
  TestAllocator *a = user_data;

  fail_unless (size <= sizeof (a->block));
  a->allocs++;
  *memory = a;
  return a->block;
}

static void
test_release (gpointer memory, gpointer user_data)
{
  TestAllocator *a = user_data;

  fail_unless (memory == a);
  a->releases++;
}

/* .npy outputs go into the caller's memory, which is given back when the
 * frame then fails. */
GST_START_TEST (test_allocator)
{
  TestAllocator a = { {0}, 0, 0 };
  GstTrialConverterAllocator allocator = { test_alloc, test_release, &a };
  GstTrialConverterParams p;
  GstTrialConverted out;
  GError *error = NULL;

  depth_params (&p, GST_TRIAL_CONVERTER_OUTPUT_NPY);
  p.depth_scale = 0.001;
  p.scale_forced = TRUE;
  fail_unless (gst_trial_converter_convert (&p, NULL, "frame 0",
          (const guint8 *) depth_mm, sizeof (depth_mm), &allocator, &out,
          &error), "%s", error ? error->message : "?");
  fail_unless (out.memory == &a && out.bytes == NULL);
  assert_equals_int (a.allocs, 1);
  assert_equals_int (a.releases, 0);
  fail_unless (memcmp (a.block, "\x93NUMPY", 6) == 0);

  /* a .raw frame's size is checked as it is read, after the output was
   * allocated (its shape is the caps') */
  fail_if (gst_trial_converter_convert (&p, NULL, "frame 1",
          (const guint8 *) depth_mm, sizeof (depth_mm) - 2, &allocator, &out,
          &error));
  fail_unless (g_error_matches (error, GST_TRIAL_ERROR,
          GST_TRIAL_ERROR_SIZE_MISMATCH), "%s", error ? error->message : "?");
  g_clear_error (&error);
  assert_equals_int (a.allocs, 2);
  assert_equals_int (a.releases, 1);
}

GST_END_TEST;

static Suite *
converter_suite (void)
{
  Suite *s = suite_create ("converter");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_params_from_caps);
  tcase_add_test (tc, test_input_for_file);
  tcase_add_test (tc, test_passthrough_rule);
  tcase_add_test (tc, test_size_mismatch_names_file);
  tcase_add_test (tc, test_raw_stride);
  tcase_add_test (tc, test_depth_units_and_gray16_passthrough);
  tcase_add_test (tc, test_depth_npy_output);
  tcase_add_test (tc, test_allocator);
  return s;
}

GST_CHECK_MAIN (converter);
