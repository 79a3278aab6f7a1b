/* gst-trial tests: .raw depth shape guessing and size checks (raw.c). */
#include <gst/check/gstcheck.h>

#include "gst/trial/error.h"
#include "gst/trial/raw.h"

static void
assert_guess (gsize size, guint width, guint height)
{
  guint w = 0, h = 0;

  fail_unless (gst_trial_raw_guess_shape (size, &w, &h),
      "%" G_GSIZE_FORMAT " bytes: no shape", size);
  fail_unless (w == width && h == height, "%" G_GSIZE_FORMAT
      " bytes: %ux%u, expected %ux%u (WxH)", size, w, h, width, height);
}

static void
assert_no_guess (gsize size)
{
  guint w = 12345, h = 54321;

  fail_if (gst_trial_raw_guess_shape (size, &w, &h),
      "%" G_GSIZE_FORMAT " bytes: guessed %ux%u", size, w, h);
  /* nothing is written on failure */
  assert_equals_int (w, 12345);
  assert_equals_int (h, 54321);
}

GST_START_TEST (test_guess_known_shapes)
{
  assert_guess (614400, 640, 480);
  assert_guess (1843200, 1280, 720);
  assert_guess (4147200, 1920, 1080);
}

GST_END_TEST;

/* RealSense D4xx depth modes (TRIAL_FORMAT.md §2), whatever the color size;
 * 480x270 and 256x144 have as many pixels as 360x360 and 192x192. */
GST_START_TEST (test_guess_realsense_depth_modes)
{
  assert_guess (2 * 848 * 480, 848, 480);
  assert_guess (2 * 640 * 360, 640, 360);
  assert_guess (2 * 480 * 270, 480, 270);
  assert_guess (2 * 424 * 240, 424, 240);
  assert_guess (2 * 256 * 144, 256, 144);
}

GST_END_TEST;

GST_START_TEST (test_guess_square)
{
  assert_guess (2, 1, 1);
  assert_guess (2 * 64 * 64, 64, 64);
  assert_guess (2 * 1000 * 1000, 1000, 1000);
  assert_guess (2 * 16384 * 16384, 16384, 16384);
  /* around a perfect square */
  assert_no_guess (2 * (1000 * 1000 - 1));
  assert_no_guess (2 * (1000 * 1000 + 1));
}

GST_END_TEST;

GST_START_TEST (test_guess_no_match)
{
  assert_no_guess (0);
  assert_no_guess (1);
  assert_no_guess (1000);
  assert_no_guess (614401);
  assert_no_guess (614398);
  /* a square beyond the size limit */
  assert_no_guess ((gsize) 2 * 16385 * 16385);
  /* no overflow in the square search */
  assert_no_guess (G_MAXSIZE - 1);
  assert_no_guess (G_MAXSIZE);
}

GST_END_TEST;

GST_START_TEST (test_check_ok)
{
  GError *error = NULL;

  fail_unless (gst_trial_raw_check (614400, 640, 480, "a.raw", &error));
  g_assert_no_error (error);
  fail_unless (gst_trial_raw_check (2, 1, 1, "a.raw", &error));
  fail_unless (gst_trial_raw_check (2 * 3 * 5, 3, 5, "a.raw", &error));
  g_assert_no_error (error);
}

GST_END_TEST;

GST_START_TEST (test_check_mismatch)
{
  GError *error = NULL;

  fail_if (gst_trial_raw_check (1000, 640, 480, "Depth/_Depth_0231.raw",
          &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH);
  fail_unless_equals_string (error->message, "depth file "
      "'Depth/_Depth_0231.raw' is 1000 bytes, expected 614400 (480x640 "
      "uint16)");
  g_clear_error (&error);

  /* one byte too many is as wrong as far too few */
  fail_if (gst_trial_raw_check (614401, 640, 480, "x.raw", &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH);
  fail_unless_equals_string (error->message, "depth file 'x.raw' is 614401 "
      "bytes, expected 614400 (480x640 uint16)");
  g_clear_error (&error);

  /* a headerless file only has a size: a transposed shape fits it too */
  fail_unless (gst_trial_raw_check (614400, 480, 640, "x.raw", NULL));

  fail_if (gst_trial_raw_check (4147200, 1280, 720, "big.raw", &error));
  fail_unless_equals_string (error->message, "depth file 'big.raw' is "
      "4147200 bytes, expected 1843200 (720x1280 uint16)");
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_check_out_of_range)
{
  GError *error = NULL;

  fail_if (gst_trial_raw_check (0, 0, 480, "z.raw", &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE);
  fail_unless_equals_string (error->message, "depth shape 480x0 for 'z.raw' "
      "is out of range (each side must be 1 to 16384)");
  g_clear_error (&error);

  fail_if (gst_trial_raw_check (0, 640, 0, "z.raw", &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE);
  g_clear_error (&error);

  fail_if (gst_trial_raw_check ((gsize) 2 * 16385 * 16385, 16385, 16385,
          "z.raw", &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* G_MAXUINT sides must not wrap around to a matching size */
  fail_if (gst_trial_raw_check (2, G_MAXUINT, G_MAXUINT, "z.raw", &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE);
  g_clear_error (&error);
}

GST_END_TEST;

static Suite *
raw_suite (void)
{
  Suite *s = suite_create ("raw");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_guess_known_shapes);
  tcase_add_test (tc, test_guess_realsense_depth_modes);
  tcase_add_test (tc, test_guess_square);
  tcase_add_test (tc, test_guess_no_match);
  tcase_add_test (tc, test_check_ok);
  tcase_add_test (tc, test_check_mismatch);
  tcase_add_test (tc, test_check_out_of_range);
  return s;
}

GST_CHECK_MAIN (raw);
