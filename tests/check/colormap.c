/* gst-trial tests: depth colourising (colormap.c). */
#include <math.h>
#include <string.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/colormap.h"

/* The colour @map gives to table index @index with the range [1, 2]. */
static void
colour_at (GstTrialColormap map, guint index, guint8 rgb[3])
{
  gfloat v = 1.0f + index / 255.0f;

  gst_trial_colormap_apply (map, &v, 1, 1.0f, 2.0f, rgb);
}

static void
assert_rgb (const guint8 * rgb, guint r, guint g, guint b, const gchar * what)
{
  fail_unless (rgb[0] == r && rgb[1] == g && rgb[2] == b,
      "%s: (%u, %u, %u), expected (%u, %u, %u)", what, rgb[0], rgb[1], rgb[2],
      r, g, b);
}

static void
assert_index (GstTrialColormap map, guint index, guint r, guint g, guint b)
{
  guint8 rgb[3];
  g_autofree gchar *what = g_strdup_printf ("map %d index %u", map, index);

  colour_at (map, index, rgb);
  assert_rgb (rgb, r, g, b, what);
}

GST_START_TEST (test_gray_every_index)
{
  guint i;

  /* every table index is reachable and lands where it should */
  for (i = 0; i < 256; i++)
    assert_index (GST_TRIAL_COLORMAP_GRAY, i, i, i, i);
}

GST_END_TEST;

GST_START_TEST (test_jet)
{
  /* MATLAB/OpenCV jet: dark blue, blue, cyan, yellow, red, dark red */
  assert_index (GST_TRIAL_COLORMAP_JET, 0, 0, 0, 128);
  assert_index (GST_TRIAL_COLORMAP_JET, 32, 0, 1, 255);
  assert_index (GST_TRIAL_COLORMAP_JET, 64, 0, 129, 255);
  assert_index (GST_TRIAL_COLORMAP_JET, 96, 2, 255, 254);
  assert_index (GST_TRIAL_COLORMAP_JET, 128, 130, 255, 126);
  assert_index (GST_TRIAL_COLORMAP_JET, 160, 255, 253, 0);
  assert_index (GST_TRIAL_COLORMAP_JET, 192, 255, 125, 0);
  assert_index (GST_TRIAL_COLORMAP_JET, 224, 252, 0, 0);
  assert_index (GST_TRIAL_COLORMAP_JET, 255, 128, 0, 0);
}

GST_END_TEST;

GST_START_TEST (test_turbo)
{
  /* Google's table: 0.18995,0.07176,0.23217 ... 0.47960,0.01583,0.01055 */
  assert_index (GST_TRIAL_COLORMAP_TURBO, 0, 48, 18, 59);
  assert_index (GST_TRIAL_COLORMAP_TURBO, 128, 164, 252, 60);
  assert_index (GST_TRIAL_COLORMAP_TURBO, 255, 122, 4, 3);
}

GST_END_TEST;

GST_START_TEST (test_holes_are_black)
{
  const gfloat metres[] = { 0.0f, -0.0f, NAN, INFINITY, -INFINITY, 0.5f };
  guint8 rgb[3 * G_N_ELEMENTS (metres)];
  guint i;

  /* 0 is a hole even when it lies inside [min, max] */
  gst_trial_colormap_apply (GST_TRIAL_COLORMAP_JET, metres,
      G_N_ELEMENTS (metres), -1.0f, 1.0f, rgb);
  for (i = 0; i < 5; i++)
    assert_rgb (rgb + 3 * i, 0, 0, 0, "hole");
  /* 0.5 in [-1, 1] is index 191 (t = 191.25) */
  assert_rgb (rgb + 15, 255, 129, 0, "0.5 m");
  assert_index (GST_TRIAL_COLORMAP_JET, 191, 255, 129, 0);
}

GST_END_TEST;

GST_START_TEST (test_clamping)
{
  const gfloat metres[] = { 0.25f, 0.999f, 2.001f, 50.0f, 1e30f };
  guint8 rgb[3 * G_N_ELEMENTS (metres)];

  gst_trial_colormap_apply (GST_TRIAL_COLORMAP_TURBO, metres,
      G_N_ELEMENTS (metres), 1.0f, 2.0f, rgb);
  assert_rgb (rgb, 48, 18, 59, "below min");
  assert_rgb (rgb + 3, 48, 18, 59, "just below min");
  assert_rgb (rgb + 6, 122, 4, 3, "just above max");
  assert_rgb (rgb + 9, 122, 4, 3, "far above max");
  assert_rgb (rgb + 12, 122, 4, 3, "huge");
}

GST_END_TEST;

GST_START_TEST (test_empty_range)
{
  const gfloat metres[] = { 0.5f, 1.0f, 1.5f };
  guint8 rgb[3 * G_N_ELEMENTS (metres)];

  /* min == max: a step at that depth; min > max behaves the same */
  gst_trial_colormap_apply (GST_TRIAL_COLORMAP_GRAY, metres,
      G_N_ELEMENTS (metres), 1.0f, 1.0f, rgb);
  assert_rgb (rgb, 0, 0, 0, "nearer");
  assert_rgb (rgb + 3, 0, 0, 0, "at");
  assert_rgb (rgb + 6, 255, 255, 255, "farther");

  gst_trial_colormap_apply (GST_TRIAL_COLORMAP_GRAY, metres,
      G_N_ELEMENTS (metres), 2.0f, 1.0f, rgb);
  assert_rgb (rgb, 0, 0, 0, "reversed nearer");
  assert_rgb (rgb + 6, 0, 0, 0, "reversed between");
}

GST_END_TEST;

/* n = 0 writes nothing (NULL arrays allowed); NULL arrays with n > 0 are a
 * programming error: a critical, and nothing written. */
GST_START_TEST (test_nothing_to_do)
{
  const gfloat metres[] = { 0.5f };
  guint8 rgb[6];
  guint i;

  gst_trial_colormap_apply (GST_TRIAL_COLORMAP_JET, NULL, 0, 0.0f, 1.0f,
      NULL);
  memset (rgb, 0xa5, sizeof rgb);
  gst_trial_colormap_apply (GST_TRIAL_COLORMAP_JET, metres, 0, 0.0f, 1.0f,
      rgb);
  for (i = 0; i < sizeof rgb; i++)
    assert_equals_int (rgb[i], 0xa5);

  ASSERT_CRITICAL (gst_trial_colormap_apply (GST_TRIAL_COLORMAP_JET, NULL, 1,
          0.0f, 1.0f, rgb));
  ASSERT_CRITICAL (gst_trial_colormap_apply (GST_TRIAL_COLORMAP_JET, metres,
          1, 0.0f, 1.0f, NULL));
  for (i = 0; i < sizeof rgb; i++)
    assert_equals_int (rgb[i], 0xa5);

  /* n = 1 writes exactly 3 bytes */
  gst_trial_colormap_apply (GST_TRIAL_COLORMAP_GRAY, metres, 1, 0.0f, 1.0f,
      rgb);
  assert_rgb (rgb, 128, 128, 128, "0.5 of [0, 1]");
  for (i = 3; i < sizeof rgb; i++)
    assert_equals_int (rgb[i], 0xa5);
}

GST_END_TEST;

static Suite *
colormap_suite (void)
{
  Suite *s = suite_create ("colormap");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_gray_every_index);
  tcase_add_test (tc, test_jet);
  tcase_add_test (tc, test_turbo);
  tcase_add_test (tc, test_holes_are_black);
  tcase_add_test (tc, test_clamping);
  tcase_add_test (tc, test_empty_range);
  tcase_add_test (tc, test_nothing_to_do);
  return s;
}

GST_CHECK_MAIN (colormap);
