/* gst-trial tests: frame file names, prefix + number + suffix
 * (framename.c). trialsink's location patterns are tested from the
 * element's side in elements/trialsink.c; the layout's name forms from the
 * scan's side in layout.c. */
#include <gst/check/gstcheck.h>

#include "gst/trial/error.h"
#include "gst/trial/framename.h"

GST_START_TEST (test_learn_and_format)
{
  GstTrialFrameName name;
  g_autofree gchar *f7 = NULL;
  g_autofree gchar *f1234567 = NULL;

  fail_unless (gst_trial_frame_name_learn (&name, "cam_1_Color_000231.png",
          231));
  assert_equals_string (name.prefix, "cam_1_Color_");
  assert_equals_string (name.suffix, ".png");
  assert_equals_int (name.width, 6);
  f7 = gst_trial_frame_name_format (&name, 7);
  assert_equals_string (f7, "cam_1_Color_000007.png");
  /* more digits than the width, as %06d writes them */
  f1234567 = gst_trial_frame_name_format (&name, 1234567);
  assert_equals_string (f1234567, "cam_1_Color_1234567.png");
  gst_trial_frame_name_clear (&name);
  fail_unless (name.prefix == NULL && name.suffix == NULL);
}

GST_END_TEST;

/* The last run of digits is the number; nothing is learnt when it spells
 * another one or is too long to be a frame number. */
GST_START_TEST (test_learn_refused)
{
  GstTrialFrameName name = { 0 };

  fail_if (gst_trial_frame_name_learn (&name, "frame_000231.png", 232));
  fail_if (gst_trial_frame_name_learn (&name, "frame.png", 0));
  fail_if (gst_trial_frame_name_learn (&name, "frame_0000000000000000001.png",
          1));
  fail_unless (name.prefix == NULL);
  fail_unless (gst_trial_frame_name_learn (&name, "2_000000000000000001.png",
          1));
  assert_equals_string (name.prefix, "2_");
  gst_trial_frame_name_clear (&name);
}

GST_END_TEST;

GST_START_TEST (test_spells)
{
  GstTrialFrameName name;

  gst_trial_frame_name_init (&name, "frame_", 6, "");
  fail_unless (gst_trial_frame_name_spells (&name, "frame_000231.png", 12));
  fail_unless (gst_trial_frame_name_spells (&name, "frame_1234567.png", 13));
  /* what %06d never writes */
  fail_if (gst_trial_frame_name_spells (&name, "frame_0231.png", 10));
  fail_if (gst_trial_frame_name_spells (&name, "frame_0001234.png", 13));
  fail_if (gst_trial_frame_name_spells (&name, "Frame_000231.png", 12));
  fail_if (gst_trial_frame_name_spells (&name, "frame_00a231.png", 12));
  fail_if (gst_trial_frame_name_spells (&name, "frame_", 6));
  gst_trial_frame_name_clear (&name);

  gst_trial_frame_name_init (&name, "d", 4, ".raw");
  fail_unless (gst_trial_frame_name_spells (&name, "d0042.raw", 9));
  fail_if (gst_trial_frame_name_spells (&name, "d0042.npy", 9));
  gst_trial_frame_name_clear (&name);
}

GST_END_TEST;

/* format_to() writes what format() returns, or nothing when it does not
 * fit with its NUL. */
GST_START_TEST (test_format_to)
{
  GstTrialFrameName name;
  gchar buf[17];

  gst_trial_frame_name_init (&name, "frame_", 6, ".png");
  assert_equals_int (gst_trial_frame_name_format_to (&name, 42, buf,
          sizeof buf), 16);
  assert_equals_string (buf, "frame_000042.png");
  assert_equals_int (gst_trial_frame_name_format_to (&name, 42, buf, 16), 0);
  assert_equals_int (gst_trial_frame_name_format_to (&name, 1234567, buf,
          sizeof buf), 0);
  gst_trial_frame_name_clear (&name);
}

GST_END_TEST;

/* Parse errors are GST_TRIAL_ERROR_UNSUPPORTED with the description
 * trialsink puts in its message; @name is left cleared. */
GST_START_TEST (test_parse_errors)
{
  GstTrialFrameName name;
  g_autoptr (GError) error = NULL;

  fail_if (gst_trial_frame_name_parse (&name, "a/%d_%d.png", &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED);
  assert_equals_string (error->message,
      "a second conversion '%d' at position 5");
  fail_unless (name.prefix == NULL && name.suffix == NULL);
  g_clear_error (&error);

  fail_if (gst_trial_frame_name_parse (&name, "a.png", &error));
  assert_equals_string (error->message, "no conversion");
  g_clear_error (&error);

  fail_unless (gst_trial_frame_name_parse (&name, "100%%/%-+6d|", &error));
  g_assert_no_error (error);
  assert_equals_string (name.prefix, "100%/");
  assert_equals_string (name.suffix, "|");
  fail_unless (name.left && name.sign == '+' && name.width == 6);
  gst_trial_frame_name_clear (&name);
}

GST_END_TEST;

static Suite *
framename_suite (void)
{
  Suite *s = suite_create ("framename");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_learn_and_format);
  tcase_add_test (tc, test_learn_refused);
  tcase_add_test (tc, test_spells);
  tcase_add_test (tc, test_format_to);
  tcase_add_test (tc, test_parse_errors);
  return s;
}

GST_CHECK_MAIN (framename);
