/* gst-trial tests: the layout scan (gst/trial/layout.c).
 *
 * Every test builds a trial in a temporary folder (empty files where the
 * content is not read) and checks the structure, camera, folders, the file
 * chosen for every frame and the error codes and messages of
 * TRIAL_FORMAT.md §1. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/error.h"
#include "gst/trial/image.h"
#include "gst/trial/jpeg.h"
#include "gst/trial/layout.h"
#include "gst/trial/npy.h"
#include "gst/trial/pngcodec.h"
#include "trialtest.h"

static gchar *tmp;

static void
setup (void)
{
  tmp = trial_test_make_tmpdir ();
}

static void
teardown (void)
{
  trial_test_rm_rf (tmp);
  g_clear_pointer (&tmp, g_free);
}

/* Empty files at each of the NULL-terminated relative paths. */
static void touch (const gchar * first, ...) G_GNUC_NULL_TERMINATED;

static void
touch (const gchar * first, ...)
{
  const gchar *rel;
  va_list args;

  va_start (args, first);
  for (rel = first; rel != NULL; rel = va_arg (args, const gchar *))
      trial_test_write (tmp, rel, "", 0);
  va_end (args);
}

static void
make_dir (const gchar * rel)
{
  g_autofree gchar *path = g_build_filename (tmp, rel, NULL);

  fail_unless (g_mkdir_with_parents (path, 0755) == 0);
}

static gchar *
tmp_path (const gchar * rel)
{
  return g_build_filename (tmp, rel, NULL);
}

static GstTrialLayout *
scan_ok (const gchar * rel, const GstTrialScanOptions * options)
{
  g_autofree gchar *path = tmp_path (rel);
  GError *error = NULL;
  GstTrialLayout *layout = gst_trial_layout_scan (path, options, &error);

  fail_unless (layout != NULL, "scan of %s failed: %s", path,
      error ? error->message : "?");
  fail_unless (error == NULL);
  return layout;
}

/* Scans @path, expects @code and a message holding each of the
 * NULL-terminated substrings. */
static void assert_scan_error (const gchar * path,
    const GstTrialScanOptions * options, GstTrialError code, ...)
    G_GNUC_NULL_TERMINATED;

static void
assert_scan_error (const gchar * path, const GstTrialScanOptions * options,
    GstTrialError code, ...)
{
  GError *error = NULL;
  GstTrialLayout *layout = gst_trial_layout_scan (path, options, &error);
  const gchar *sub;
  va_list args;

  fail_unless (layout == NULL);
  fail_unless (error != NULL);
  fail_unless (error->domain == GST_TRIAL_ERROR, "domain %s",
      g_quark_to_string (error->domain));
  fail_unless_equals_int (error->code, code);
  fail_unless (g_utf8_validate (error->message, -1, NULL));
  va_start (args, code);
  for (sub = va_arg (args, const gchar *); sub != NULL;
      sub = va_arg (args, const gchar *))
      fail_unless (strstr (error->message, sub) != NULL,
        "message '%s' lacks '%s'", error->message, sub);
  va_end (args);
  g_error_free (error);
}

/* Frame @index has number @number, color file @color_rel and depth file
 * @depth_rel (NULL: none), both relative to the temporary folder. */
static void
assert_frame (GstTrialLayout * layout, guint index, gint64 number,
    const gchar * color_rel, GstTrialColorFormat color_format,
    const gchar * depth_rel, GstTrialDepthFormat depth_format)
{
  const GstTrialFrame *frame = gst_trial_layout_get_frame (layout, index);
  g_autofree gchar *color = tmp_path (color_rel);
  g_autofree gchar *color_path = NULL;
  g_autofree gchar *depth_path = NULL;

  fail_unless (frame != NULL, "no frame %u", index);
  fail_unless (frame->number == number, "frame %u is %" G_GINT64_FORMAT
      ", expected %" G_GINT64_FORMAT, index, frame->number, number);
  color_path = gst_trial_layout_dup_color_path (layout, index);
  fail_unless_equals_string (color_path, color);
  fail_unless_equals_int (frame->color_format, color_format);
  depth_path = gst_trial_layout_dup_depth_path (layout, index);
  if (depth_rel == NULL) {
    fail_unless (depth_path == NULL, "frame %" G_GINT64_FORMAT
        " has depth %s", number, depth_path);
  } else {
    g_autofree gchar *depth = tmp_path (depth_rel);

    fail_unless (depth_path != NULL, "frame %" G_GINT64_FORMAT
        " has no depth, expected %s", number, depth);
    fail_unless_equals_string (depth_path, depth);
  }
  fail_unless_equals_int (frame->depth_format, depth_format);
}

static void
assert_dir (const gchar * actual, const gchar * expected_rel)
{
  g_autofree gchar *expected = tmp_path (expected_rel);

  fail_unless_equals_string (actual, expected);
}

#define PNG GST_TRIAL_COLOR_PNG
#define JPEG GST_TRIAL_COLOR_JPEG
#define BMP GST_TRIAL_COLOR_BMP
#define NONE GST_TRIAL_DEPTH_NONE
#define RAW GST_TRIAL_DEPTH_RAW
#define NPY GST_TRIAL_DEPTH_NPY
#define DPNG GST_TRIAL_DEPTH_PNG

/* ---- multi_camera ---- */

static void
make_multi_camera_trial (void)
{
  touch ("t/cam1/color/frame_000001.png", "t/cam1/color/frame_000002.png",
      "t/cam1/depth/frame_000001.raw",
      "t/cam10/Color/frame_000005.png",
      "t/cam2/Color/Color_000003.png", "t/cam2/Depth/Depth_000003.npy",
      /* not cameras: no color folder, not a folder, not named cam* */
      "t/cam3/depth/frame_000001.raw", "t/camera_notes.txt",
      "t/other/color/frame_000001.png",
      /* single_camera layout too: multi_camera wins */
      "t/Color/frame_000009.png", NULL);
}

GST_START_TEST (test_multi_camera_default)
{
  g_autoptr (GstTrialLayout) layout = NULL;
  const gchar *const *cameras;

  make_multi_camera_trial ();
  layout = scan_ok ("t", NULL);

  fail_unless_equals_int (gst_trial_layout_get_structure (layout),
      GST_TRIAL_STRUCTURE_MULTI_CAMERA);
  cameras = gst_trial_layout_get_cameras (layout);
  fail_unless_equals_int (g_strv_length ((gchar **) cameras), 3);
  fail_unless_equals_string (cameras[0], "cam1");
  fail_unless_equals_string (cameras[1], "cam10");
  fail_unless_equals_string (cameras[2], "cam2");
  fail_unless_equals_string (gst_trial_layout_get_camera (layout), "cam1");
  fail_unless_equals_string (gst_trial_layout_get_output_camera (layout),
      "cam1");
  fail_unless_equals_string (gst_trial_layout_get_trial_name (layout), "t");
  assert_dir (gst_trial_layout_get_path (layout), "t");
  assert_dir (gst_trial_layout_get_color_dir (layout), "t/cam1/color");
  assert_dir (gst_trial_layout_get_depth_dir (layout), "t/cam1/depth");

  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 2);
  assert_frame (layout, 0, 1, "t/cam1/color/frame_000001.png", PNG,
      "t/cam1/depth/frame_000001.raw", RAW);
  assert_frame (layout, 1, 2, "t/cam1/color/frame_000002.png", PNG, NULL,
      NONE);
  fail_unless_equals_int (gst_trial_layout_get_depth_format (layout), RAW);
}

GST_END_TEST;

GST_START_TEST (test_multi_camera_select)
{
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autoptr (GstTrialLayout) empty = NULL;

  make_multi_camera_trial ();
  options.camera = "cam2";
  layout = scan_ok ("t", &options);
  fail_unless_equals_string (gst_trial_layout_get_camera (layout), "cam2");
  assert_dir (gst_trial_layout_get_color_dir (layout), "t/cam2/Color");
  assert_dir (gst_trial_layout_get_depth_dir (layout), "t/cam2/Depth");
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 1);
  assert_frame (layout, 0, 3, "t/cam2/Color/Color_000003.png", PNG,
      "t/cam2/Depth/Depth_000003.npy", NPY);

  options.camera = "";
  empty = scan_ok ("t", &options);
  fail_unless_equals_string (gst_trial_layout_get_camera (empty), "cam1");

  options.camera = "cam10";
  g_clear_pointer (&layout, gst_trial_layout_unref);
  layout = scan_ok ("t", &options);
  fail_unless (gst_trial_layout_get_depth_dir (layout) == NULL);
  assert_frame (layout, 0, 5, "t/cam10/Color/frame_000005.png", PNG, NULL,
      NONE);
  fail_unless_equals_int (gst_trial_layout_get_depth_format (layout), NONE);
}

GST_END_TEST;

GST_START_TEST (test_multi_camera_unknown)
{
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;
  g_autofree gchar *path = tmp_path ("t");

  make_multi_camera_trial ();
  options.camera = "cam3";
  assert_scan_error (path, &options, GST_TRIAL_ERROR_UNKNOWN_CAMERA,
      "camera 'cam3'", path, "cam1, cam10, cam2", NULL);
  options.camera = "single_camera";
  assert_scan_error (path, &options, GST_TRIAL_ERROR_UNKNOWN_CAMERA,
      "'single_camera'", "cam1, cam10, cam2", NULL);
}

GST_END_TEST;

GST_START_TEST (test_multi_camera_folder_precedence)
{
  g_autoptr (GstTrialLayout) layout = NULL;

  touch ("t/cam1/color/frame_000001.png", "t/cam1/Color/frame_000100.png",
      "t/cam1/depth/frame_000002.npy", "t/cam1/Depth/frame_000001.raw",
      "t/cam1/color/frame_000002.png", NULL);
  layout = scan_ok ("t", NULL);
  assert_dir (gst_trial_layout_get_color_dir (layout), "t/cam1/color");
  assert_dir (gst_trial_layout_get_depth_dir (layout), "t/cam1/depth");
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 2);
  assert_frame (layout, 0, 1, "t/cam1/color/frame_000001.png", PNG, NULL,
      NONE);
  assert_frame (layout, 1, 2, "t/cam1/color/frame_000002.png", PNG,
      "t/cam1/depth/frame_000002.npy", NPY);
  /* the format of the first frame that has depth */
  fail_unless_equals_int (gst_trial_layout_get_depth_format (layout), NPY);
}

GST_END_TEST;

GST_START_TEST (test_multi_camera_depth_names)
{
  g_autoptr (GstTrialLayout) layout = NULL;
  gint i;

  for (i = 1; i <= 12; i++) {
    g_autofree gchar *rel =
        g_strdup_printf ("t/cam1/color/frame_%06d.png", i);
    touch (rel, NULL);
  }
  touch ("t/cam1/depth/frame_000001.raw", "t/cam1/depth/frame_000001.npy",
      "t/cam1/depth/frame_000001.png",
      "t/cam1/depth/frame_000002.npy", "t/cam1/depth/frame_000002.png",
      "t/cam1/depth/frame_000003.png",
      "t/cam1/depth/frame_000004.RAW", "t/cam1/depth/frame_000004.raw.bak",
      "t/cam1/depth/Depth_000005.raw", "t/cam1/depth/cam1_000005.raw",
      "t/cam1/depth/cam1_000006.raw", "t/cam1/depth/frame_000006.npy",
      "t/cam1/depth/frame_0007.raw",
      "t/cam1/depth/frame_0008.raw", "t/cam1/depth/Depth_000008.npy",
      "t/cam1/depth/frame_0009.raw", "t/cam1/depth/cam1_000009.raw",
      "t/cam1/depth/Depth_0010.npy", "t/cam1/depth/cam1_0010.npy",
      /* a folder with a depth file's name is not a depth file */
      "t/cam1/depth/frame_000011.raw/inside.raw",
      "t/cam1/depth/frame_000011.npy",
      "t/cam1/depth/frame_12.raw", NULL);

  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 12);
  assert_frame (layout, 0, 1, "t/cam1/color/frame_000001.png", PNG,
      "t/cam1/depth/frame_000001.raw", RAW);
  assert_frame (layout, 1, 2, "t/cam1/color/frame_000002.png", PNG,
      "t/cam1/depth/frame_000002.npy", NPY);
  assert_frame (layout, 2, 3, "t/cam1/color/frame_000003.png", PNG,
      "t/cam1/depth/frame_000003.png", DPNG);
  assert_frame (layout, 3, 4, "t/cam1/color/frame_000004.png", PNG, NULL,
      NONE);
  /* name order frame_, Depth_, <camera>_ */
  assert_frame (layout, 4, 5, "t/cam1/color/frame_000005.png", PNG,
      "t/cam1/depth/Depth_000005.raw", RAW);
  /* the extension decides before the name */
  assert_frame (layout, 5, 6, "t/cam1/color/frame_000006.png", PNG,
      "t/cam1/depth/cam1_000006.raw", RAW);
  assert_frame (layout, 6, 7, "t/cam1/color/frame_000007.png", PNG,
      "t/cam1/depth/frame_0007.raw", RAW);
  assert_frame (layout, 7, 8, "t/cam1/color/frame_000008.png", PNG,
      "t/cam1/depth/frame_0008.raw", RAW);
  /* %06d forms before %04d forms */
  assert_frame (layout, 8, 9, "t/cam1/color/frame_000009.png", PNG,
      "t/cam1/depth/cam1_000009.raw", RAW);
  assert_frame (layout, 9, 10, "t/cam1/color/frame_000010.png", PNG,
      "t/cam1/depth/Depth_0010.npy", NPY);
  assert_frame (layout, 10, 11, "t/cam1/color/frame_000011.png", PNG,
      "t/cam1/depth/frame_000011.npy", NPY);
  assert_frame (layout, 11, 12, "t/cam1/color/frame_000012.png", PNG, NULL,
      NONE);
}

GST_END_TEST;

/* ---- frames ---- */

GST_START_TEST (test_color_names)
{
  g_autoptr (GstTrialLayout) layout = NULL;

  touch ("t/cam1/color/frame_000010.png", "t/cam1/color/Color_0011.png",
      "t/cam1/color/cam1_12.jpg", "t/cam1/color/img_13.bmp",
      "t/cam1/color/frame_000014.jpeg",
      "t/cam1/color/x_123456789012345678.png",
      /* not frames */
      "t/cam1/color/frame.png", "t/cam1/color/frame_12a.png",
      "t/cam1/color/frame_.png", "t/cam1/color/frame_000015.PNG",
      "t/cam1/color/frame_000016.png.bak", "t/cam1/color/notes.txt",
      "t/cam1/color/000017.png", "t/cam1/color/.png",
      "t/cam1/color/frame_000018.png/inside.png", NULL);

  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 6);
  assert_frame (layout, 0, 10, "t/cam1/color/frame_000010.png", PNG, NULL,
      NONE);
  assert_frame (layout, 1, 11, "t/cam1/color/Color_0011.png", PNG, NULL,
      NONE);
  assert_frame (layout, 2, 12, "t/cam1/color/cam1_12.jpg", JPEG, NULL, NONE);
  assert_frame (layout, 3, 13, "t/cam1/color/img_13.bmp", BMP, NULL, NONE);
  assert_frame (layout, 4, 14, "t/cam1/color/frame_000014.jpeg", JPEG, NULL,
      NONE);
  assert_frame (layout, 5, G_GINT64_CONSTANT (123456789012345678),
      "t/cam1/color/x_123456789012345678.png", PNG, NULL, NONE);
  fail_unless (gst_trial_layout_get_last_frame (layout) ==
      G_GINT64_CONSTANT (123456789012345678));
}

GST_END_TEST;

/* Issue 15 item 10: every number that fits in 63 bits is a frame, with
 * any number of digits; larger ones are counted and named, not skipped in
 * silence. */
GST_START_TEST (test_color_numbers_beyond_63_bits)
{
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autoptr (GstTrialLayout) none = NULL;
  const gchar *too_large = NULL;
  GError *error = NULL;
  g_autofree gchar *u = tmp_path ("u");

  touch ("t/cam1/color/frame_000001.png",
      "t/cam1/color/frame_0000000000000000000002.png",
      "t/cam1/color/frame_1234567890123456789.png",
      "t/cam1/color/frame_9223372036854775807.png",
      "t/cam1/color/frame_9223372036854775808.png",
      "t/cam1/color/frame_99999999999999999999.png", NULL);
  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 4);
  assert_frame (layout, 1, 2, "t/cam1/color/frame_0000000000000000000002.png",
      PNG, NULL, NONE);
  assert_frame (layout, 2, G_GINT64_CONSTANT (1234567890123456789),
      "t/cam1/color/frame_1234567890123456789.png", PNG, NULL, NONE);
  assert_frame (layout, 3, G_MAXINT64,
      "t/cam1/color/frame_9223372036854775807.png", PNG, NULL, NONE);
  fail_unless_equals_int (gst_trial_layout_get_n_numbers_too_large (layout,
          &too_large), 2);
  /* the first by name, whatever order the folder lists them in */
  fail_unless_equals_string (too_large, "frame_9223372036854775808.png");

  touch ("u/cam1/color/frame_99999999999999999999.png", NULL);
  none = gst_trial_layout_scan (u, NULL, &error);
  fail_unless (none == NULL);
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES);
  fail_unless (strstr (error->message, "1 color file has a frame number "
          "larger than 9223372036854775807, e.g. "
          "'frame_99999999999999999999.png'") != NULL, "%s", error->message);
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_color_duplicates)
{
  g_autoptr (GstTrialLayout) layout = NULL;

  touch ("t/cam1/color/frame_000031.jpg", "t/cam1/color/frame_000031.png",
      "t/cam1/color/frame_0032.png", "t/cam1/color/frame_000032.png",
      "t/cam1/color/Color_000033.jpg", "t/cam1/color/frame_000033.jpg",
      "t/cam1/color/zzz_000034.png", "t/cam1/color/weird_000034.png",
      "t/cam1/color/frame_000035.bmp", "t/cam1/color/other_000035.png",
      "t/cam1/color/Color_0036.png", "t/cam1/color/cam1_000036.png",
      "t/cam1/color/frame_37.png", "t/cam1/color/frame_0037.png",
      /* printf ("%06d") writes 1234567 in full but never 0001234 */
      "t/cam1/color/Color_1234567.png", "t/cam1/color/frame_1234567.png",
      "t/cam1/color/frame_0001234.png", "t/cam1/color/Color_001234.png",
      NULL);

  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 9);
  assert_frame (layout, 0, 31, "t/cam1/color/frame_000031.png", PNG, NULL,
      NONE);
  assert_frame (layout, 1, 32, "t/cam1/color/frame_000032.png", PNG, NULL,
      NONE);
  assert_frame (layout, 2, 33, "t/cam1/color/frame_000033.jpg", JPEG, NULL,
      NONE);
  assert_frame (layout, 3, 34, "t/cam1/color/weird_000034.png", PNG, NULL,
      NONE);
  assert_frame (layout, 4, 35, "t/cam1/color/other_000035.png", PNG, NULL,
      NONE);
  assert_frame (layout, 5, 36, "t/cam1/color/cam1_000036.png", PNG, NULL,
      NONE);
  assert_frame (layout, 6, 37, "t/cam1/color/frame_0037.png", PNG, NULL,
      NONE);
  assert_frame (layout, 7, 1234, "t/cam1/color/Color_001234.png", PNG, NULL,
      NONE);
  assert_frame (layout, 8, 1234567, "t/cam1/color/frame_1234567.png", PNG,
      NULL, NONE);
}

GST_END_TEST;

static void
make_gappy_trial (void)
{
  touch ("t/cam1/color/frame_000231.png", "t/cam1/color/frame_000005.png",
      "t/cam1/color/frame_001000.png", "t/cam1/color/frame_000040.png",
      "t/cam1/depth/frame_000040.raw", NULL);
}

GST_START_TEST (test_frames_sorted_with_gaps)
{
  g_autoptr (GstTrialLayout) layout = NULL;

  make_gappy_trial ();
  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 4);
  assert_frame (layout, 0, 5, "t/cam1/color/frame_000005.png", PNG, NULL,
      NONE);
  assert_frame (layout, 1, 40, "t/cam1/color/frame_000040.png", PNG,
      "t/cam1/depth/frame_000040.raw", RAW);
  assert_frame (layout, 2, 231, "t/cam1/color/frame_000231.png", PNG, NULL,
      NONE);
  assert_frame (layout, 3, 1000, "t/cam1/color/frame_001000.png", PNG, NULL,
      NONE);
  fail_unless (gst_trial_layout_get_first_frame (layout) == 5);
  fail_unless (gst_trial_layout_get_last_frame (layout) == 1000);

  fail_unless_equals_int (gst_trial_layout_find_frame (layout, -3), 0);
  fail_unless_equals_int (gst_trial_layout_find_frame (layout, 5), 0);
  fail_unless_equals_int (gst_trial_layout_find_frame (layout, 6), 1);
  fail_unless_equals_int (gst_trial_layout_find_frame (layout, 40), 1);
  fail_unless_equals_int (gst_trial_layout_find_frame (layout, 231), 2);
  fail_unless_equals_int (gst_trial_layout_find_frame (layout, 999), 3);
  fail_unless_equals_int (gst_trial_layout_find_frame (layout, 1000), 3);
  fail_unless_equals_int (gst_trial_layout_find_frame (layout, 1001), 4);
}

GST_END_TEST;

GST_START_TEST (test_frame_range)
{
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;
  g_autoptr (GstTrialLayout) both = NULL;
  g_autoptr (GstTrialLayout) to = NULL;
  g_autoptr (GstTrialLayout) from = NULL;
  g_autoptr (GstTrialLayout) one = NULL;

  make_gappy_trial ();
  options.start_frame = 40;
  options.stop_frame = 231;
  both = scan_ok ("t", &options);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (both), 2);
  assert_frame (both, 0, 40, "t/cam1/color/frame_000040.png", PNG,
      "t/cam1/depth/frame_000040.raw", RAW);
  assert_frame (both, 1, 231, "t/cam1/color/frame_000231.png", PNG, NULL,
      NONE);

  options.start_frame = -1;
  options.stop_frame = 40;
  to = scan_ok ("t", &options);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (to), 2);
  fail_unless (gst_trial_layout_get_first_frame (to) == 5);
  fail_unless (gst_trial_layout_get_last_frame (to) == 40);

  options.start_frame = 41;
  options.stop_frame = -1;
  from = scan_ok ("t", &options);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (from), 2);
  fail_unless (gst_trial_layout_get_first_frame (from) == 231);
  fail_unless (gst_trial_layout_get_last_frame (from) == 1000);

  options.start_frame = 1000;
  options.stop_frame = 1000;
  one = scan_ok ("t", &options);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (one), 1);
  assert_frame (one, 0, 1000, "t/cam1/color/frame_001000.png", PNG, NULL,
      NONE);
}

GST_END_TEST;

GST_START_TEST (test_frame_range_empty)
{
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;
  g_autofree gchar *path = tmp_path ("t");
  g_autofree gchar *color = tmp_path ("t/cam1/color");

  make_gappy_trial ();
  options.start_frame = 6;
  options.stop_frame = 39;
  assert_scan_error (path, &options, GST_TRIAL_ERROR_NO_FRAMES,
      "[6, 39]", color, "from 5 to 1000", NULL);
  options.start_frame = 1001;
  options.stop_frame = -1;
  assert_scan_error (path, &options, GST_TRIAL_ERROR_NO_FRAMES,
      "[1001, last]", "from 5 to 1000", NULL);
  options.start_frame = -1;
  options.stop_frame = 4;
  assert_scan_error (path, &options, GST_TRIAL_ERROR_NO_FRAMES,
      "[first, 4]", NULL);
  options.start_frame = 231;
  options.stop_frame = 40;
  assert_scan_error (path, &options, GST_TRIAL_ERROR_NO_FRAMES,
      "[231, 40]", NULL);
}

GST_END_TEST;

/* 3,000 frames: every one in order with its own depth file. */
GST_START_TEST (test_many_frames)
{
  g_autoptr (GstTrialLayout) layout = NULL;
  guint i;

  for (i = 0; i < 3000; i++) {
    g_autofree gchar *color =
        g_strdup_printf ("t/cam1/color/frame_%06u.png", i * 7);
    g_autofree gchar *depth =
        g_strdup_printf ("t/cam1/depth/frame_%06u.raw", i * 7);
    touch (color, depth, NULL);
  }
  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 3000);
  for (i = 0; i < 3000; i++) {
    g_autofree gchar *color =
        g_strdup_printf ("t/cam1/color/frame_%06u.png", i * 7);
    g_autofree gchar *depth =
        g_strdup_printf ("t/cam1/depth/frame_%06u.raw", i * 7);
    assert_frame (layout, i, i * 7, color, PNG, depth, RAW);
  }
}

GST_END_TEST;

/* ---- single_camera ---- */

GST_START_TEST (test_single_camera)
{
  g_autoptr (GstTrialLayout) layout = NULL;
  const gchar *const *cameras;

  touch ("1/Color/_Color_0231.png", "1/Color/_Color_0232.png",
      "1/Color/_Color_0233.png", "1/color/_Color_0001.png",
      "1/Depth/_Depth_0231.raw", "1/Depth/_Depth_0233.raw",
      "1/Depth_Color/_Depth_Color_0231.png",
      "1/Depth_Color/_Depth_Color_0232.png", NULL);
  layout = scan_ok ("1", NULL);

  fail_unless_equals_int (gst_trial_layout_get_structure (layout),
      GST_TRIAL_STRUCTURE_SINGLE_CAMERA);
  fail_unless (gst_trial_layout_get_camera (layout) == NULL);
  fail_unless_equals_string (gst_trial_layout_get_output_camera (layout),
      "single_camera");
  cameras = gst_trial_layout_get_cameras (layout);
  fail_unless_equals_int (g_strv_length ((gchar **) cameras), 1);
  fail_unless_equals_string (cameras[0], GST_TRIAL_SINGLE_CAMERA);
  fail_unless_equals_string (gst_trial_layout_get_trial_name (layout), "1");
  assert_dir (gst_trial_layout_get_color_dir (layout), "1/Color");
  assert_dir (gst_trial_layout_get_depth_dir (layout), "1/Depth");

  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 3);
  assert_frame (layout, 0, 231, "1/Color/_Color_0231.png", PNG,
      "1/Depth/_Depth_0231.raw", RAW);
  assert_frame (layout, 1, 232, "1/Color/_Color_0232.png", PNG, NULL, NONE);
  assert_frame (layout, 2, 233, "1/Color/_Color_0233.png", PNG,
      "1/Depth/_Depth_0233.raw", RAW);
}

GST_END_TEST;

/* rs-convert 2.35+ names files by timestamp (ms): frames are numbered in
 * color time order, depth paired by nearest time within half a period. */
GST_START_TEST (test_single_camera_timestamps)
{
  g_autoptr (GstTrialLayout) layout = NULL;
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;

  /* color every 33.35 ms (1100.05 dropped), listed out of order; depth on
   * its own clock a few ms off: one 15 ms from its color (within half a
   * period, 16.675 ms: paired), one 20 ms from any (unpaired), two near
   * the same color (the nearer wins, the other is unpaired) */
  touch ("t/Color/_Color_1066.70000000000005.png",
      "t/Color/_Color_1000.00000000000000.png",
      "t/Color/_Color_1033.35000000000002.png",
      "t/Color/_Color_1133.40000000000001.png",
      "t/Color/_Color_1166.75000000000000.png",
      "t/Depth/_Depth_998.10000000000002.raw",
      "t/Depth/_Depth_1031.90000000000009.raw",
      "t/Depth/_Depth_1034.00000000000000.raw",
      "t/Depth/_Depth_1081.70000000000005.raw",
      "t/Depth/_Depth_1113.40000000000001.raw",
      "t/Depth/_Depth_1165.00000000000000.raw", NULL);
  layout = scan_ok ("t", NULL);
  fail_unless (gst_trial_layout_is_timestamp_named (layout));
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 5);
  assert_frame (layout, 0, 0, "t/Color/_Color_1000.00000000000000.png", PNG,
      "t/Depth/_Depth_998.10000000000002.raw", RAW);
  /* 1031.9 is 1.45 ms away, 1034.0 0.65 ms: the nearer one */
  assert_frame (layout, 1, 1, "t/Color/_Color_1033.35000000000002.png", PNG,
      "t/Depth/_Depth_1034.00000000000000.raw", RAW);
  /* 1081.7 is 15 ms after 1066.7: within 16.67 ms */
  assert_frame (layout, 2, 2, "t/Color/_Color_1066.70000000000005.png", PNG,
      "t/Depth/_Depth_1081.70000000000005.raw", RAW);
  /* 1113.4 is 20 ms before 1133.4: no pair */
  assert_frame (layout, 3, 3, "t/Color/_Color_1133.40000000000001.png", PNG,
      NULL, NONE);
  assert_frame (layout, 4, 4, "t/Color/_Color_1166.75000000000000.png", PNG,
      "t/Depth/_Depth_1165.00000000000000.raw", RAW);
  fail_unless_equals_int (gst_trial_layout_get_n_unpaired_depth (layout), 2);
  gst_trial_layout_unref (g_steal_pointer (&layout));

  /* --start/--stop are these numbers */
  options.start_frame = 1;
  options.stop_frame = 2;
  layout = scan_ok ("t", &options);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 2);
  assert_frame (layout, 0, 1, "t/Color/_Color_1033.35000000000002.png", PNG,
      "t/Depth/_Depth_1034.00000000000000.raw", RAW);
}

GST_END_TEST;

GST_START_TEST (test_pair_by_time)
{
  const gint64 color[] = { 0, 100, 200, 300 };
  const gint64 depth[] = { 50, 149, 151, 260, 400, 1000 };
  gint pairs[4];
  guint unpaired = 0;

  /* period 100: 50 is at exactly half of 0 and 100 (the earlier wins),
   * 149 goes to 100, 151 to 200, 260 is 40 from 300, 400 is 100 away, 1000
   * far */
  fail_unless_equals_int64 (gst_trial_pair_by_time (color, 4, depth, 6,
          pairs, &unpaired), 100);
  fail_unless_equals_int (pairs[0], 0);
  fail_unless_equals_int (pairs[1], 1);
  fail_unless_equals_int (pairs[2], 2);
  fail_unless_equals_int (pairs[3], 3);
  fail_unless_equals_int (unpaired, 2);
  /* no depth; one color frame: any depth pairs */
  gst_trial_pair_by_time (color, 4, NULL, 0, pairs, &unpaired);
  fail_unless_equals_int (pairs[0], -1);
  fail_unless_equals_int (unpaired, 0);
  gst_trial_pair_by_time (color, 1, depth + 5, 1, pairs, &unpaired);
  fail_unless_equals_int (pairs[0], 0);
  fail_unless_equals_int (unpaired, 0);
}

GST_END_TEST;

GST_START_TEST (test_single_camera_options)
{
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autofree gchar *path = tmp_path ("1");

  touch ("1/color/frame_000007.png", NULL);
  options.camera = GST_TRIAL_SINGLE_CAMERA;
  layout = scan_ok ("1", &options);
  assert_dir (gst_trial_layout_get_color_dir (layout), "1/color");
  fail_unless (gst_trial_layout_get_depth_dir (layout) == NULL);
  assert_frame (layout, 0, 7, "1/color/frame_000007.png", PNG, NULL, NONE);

  options.camera = "cam1";
  assert_scan_error (path, &options, GST_TRIAL_ERROR_UNKNOWN_CAMERA,
      "camera 'cam1'", path, "single_camera", NULL);
}

GST_END_TEST;

/* Exports that swap the names: the .raw files are the true depth. */
GST_START_TEST (test_single_camera_swapped_depth)
{
  g_autoptr (GstTrialLayout) layout = NULL;

  touch ("1/Color/_Color_0001.png", "1/Color/_Color_0002.png",
      "1/Color/_Color_0003.png", "1/Color/_Color_0004.png",
      "1/Color/_Color_0005.png",
      "1/Depth/_Depth_0001.png", "1/Depth/_Depth_0002.png",
      "1/Depth/_Depth_0003.npy",
      "1/Depth_Color/_Depth_Color_0001.raw",
      "1/Depth_Color/_Depth_Color_000002.raw",
      "1/Depth_Color/_Depth_0003.raw",
      "1/Depth_Color/_Depth_Color_000005.png",
      "1/Depth_Color/_Depth_0005.raw", NULL);
  layout = scan_ok ("1", NULL);
  assert_dir (gst_trial_layout_get_depth_dir (layout), "1/Depth_Color");
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 5);
  assert_frame (layout, 0, 1, "1/Color/_Color_0001.png", PNG,
      "1/Depth_Color/_Depth_Color_0001.raw", RAW);
  assert_frame (layout, 1, 2, "1/Color/_Color_0002.png", PNG,
      "1/Depth_Color/_Depth_Color_000002.raw", RAW);
  assert_frame (layout, 2, 3, "1/Color/_Color_0003.png", PNG,
      "1/Depth_Color/_Depth_0003.raw", RAW);
  assert_frame (layout, 3, 4, "1/Color/_Color_0004.png", PNG, NULL, NONE);
  /* _F_%06d is tried before _Depth_%04d, whatever the extension */
  assert_frame (layout, 4, 5, "1/Color/_Color_0005.png", PNG,
      "1/Depth_Color/_Depth_Color_000005.png", DPNG);
}

GST_END_TEST;

GST_START_TEST (test_single_camera_depth_folder_choice)
{
  g_autoptr (GstTrialLayout) npy = NULL;
  g_autoptr (GstTrialLayout) first = NULL;
  g_autoptr (GstTrialLayout) raw = NULL;

  /* no .raw anywhere: the first folder holding a .npy */
  touch ("a/Color/_Color_0001.png", "a/Depth/_Depth_0001.png",
      "a/Depth_Color/_Depth_Color_0001.png",
      "a/depth_color/_depth_color_0001.npy", NULL);
  make_dir ("a/depth");
  npy = scan_ok ("a", NULL);
  assert_dir (gst_trial_layout_get_depth_dir (npy), "a/depth_color");
  assert_frame (npy, 0, 1, "a/Color/_Color_0001.png", PNG,
      "a/depth_color/_depth_color_0001.npy", NPY);

  /* neither .raw nor .npy: the first folder there is */
  touch ("b/Color/_Color_0001.png", "b/Depth_Color/_Depth_Color_0001.png",
      "b/depth_color/_depth_color_0001.png", NULL);
  first = scan_ok ("b", NULL);
  assert_dir (gst_trial_layout_get_depth_dir (first), "b/Depth_Color");
  assert_frame (first, 0, 1, "b/Color/_Color_0001.png", PNG,
      "b/Depth_Color/_Depth_Color_0001.png", DPNG);

  /* .raw beats an earlier folder's .npy */
  touch ("c/Color/_Color_0001.png", "c/Depth/_Depth_0001.npy",
      "c/depth_color/frame_0001.raw", NULL);
  raw = scan_ok ("c", NULL);
  assert_dir (gst_trial_layout_get_depth_dir (raw), "c/depth_color");
  assert_frame (raw, 0, 1, "c/Color/_Color_0001.png", PNG,
      "c/depth_color/frame_0001.raw", RAW);
}

GST_END_TEST;

GST_START_TEST (test_single_camera_depth_names)
{
  g_autoptr (GstTrialLayout) layout = NULL;
  gint i;

  for (i = 1; i <= 10; i++) {
    g_autofree gchar *rel = g_strdup_printf ("1/Color/_Color_%04d.png", i);
    touch (rel, NULL);
  }
  touch ("1/Depth/_Depth_0001.raw", "1/Depth/_Depth_000002.npy",
      "1/Depth/frame_000003.png", "1/Depth/frame_0004.raw",
      "1/Depth/Depth_000005.raw", "1/Depth/Depth_0006.npy",
      "1/Depth/_Depth_0007.png", "1/Depth/frame_000007.raw",
      "1/Depth/_Depth_0008.png", "1/Depth/_Depth_0008.raw",
      "1/Depth/frame_000009.npy", "1/Depth/frame_0009.raw",
      "1/Depth/Depth_10.raw", NULL);
  layout = scan_ok ("1", NULL);
  assert_dir (gst_trial_layout_get_depth_dir (layout), "1/Depth");
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 10);
  assert_frame (layout, 0, 1, "1/Color/_Color_0001.png", PNG,
      "1/Depth/_Depth_0001.raw", RAW);
  assert_frame (layout, 1, 2, "1/Color/_Color_0002.png", PNG,
      "1/Depth/_Depth_000002.npy", NPY);
  assert_frame (layout, 2, 3, "1/Color/_Color_0003.png", PNG,
      "1/Depth/frame_000003.png", DPNG);
  assert_frame (layout, 3, 4, "1/Color/_Color_0004.png", PNG,
      "1/Depth/frame_0004.raw", RAW);
  assert_frame (layout, 4, 5, "1/Color/_Color_0005.png", PNG,
      "1/Depth/Depth_000005.raw", RAW);
  assert_frame (layout, 5, 6, "1/Color/_Color_0006.png", PNG,
      "1/Depth/Depth_0006.npy", NPY);
  /* the name decides before the extension */
  assert_frame (layout, 6, 7, "1/Color/_Color_0007.png", PNG,
      "1/Depth/_Depth_0007.png", DPNG);
  assert_frame (layout, 7, 8, "1/Color/_Color_0008.png", PNG,
      "1/Depth/_Depth_0008.raw", RAW);
  /* frame_%06d before frame_%04d */
  assert_frame (layout, 8, 9, "1/Color/_Color_0009.png", PNG,
      "1/Depth/frame_000009.npy", NPY);
  assert_frame (layout, 9, 10, "1/Color/_Color_0010.png", PNG, NULL, NONE);
}

GST_END_TEST;

GST_START_TEST (test_single_camera_color_duplicates)
{
  g_autoptr (GstTrialLayout) layout = NULL;

  touch ("1/Color/frame_000040.png", "1/Color/_Color_0040.png",
      "1/Color/Color_000041.png", "1/Color/frame_0041.png",
      "1/Color/_Color_000042.png", "1/Color/frame_000042.png", NULL);
  layout = scan_ok ("1", NULL);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 3);
  assert_frame (layout, 0, 40, "1/Color/_Color_0040.png", PNG, NULL, NONE);
  assert_frame (layout, 1, 41, "1/Color/frame_0041.png", PNG, NULL, NONE);
  assert_frame (layout, 2, 42, "1/Color/_Color_000042.png", PNG, NULL, NONE);
}

GST_END_TEST;

/* ---- odd paths ---- */

GST_START_TEST (test_trailing_separator)
{
  g_autoptr (GstTrialLayout) layout = NULL;

  touch ("trial_1/cam1/color/frame_000001.png", NULL);
  layout = scan_ok ("trial_1//", NULL);
  fail_unless_equals_string (gst_trial_layout_get_trial_name (layout),
      "trial_1");
  assert_dir (gst_trial_layout_get_path (layout), "trial_1");
  assert_frame (layout, 0, 1, "trial_1/cam1/color/frame_000001.png", PNG,
      NULL, NONE);
}

GST_END_TEST;

GST_START_TEST (test_non_utf8_names)
{
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autofree gchar *path = tmp_path ("t");
  const gchar *const *cameras;

  touch ("t/cam1/color/frame_000001.png",
      "t/cam\xff/color/\xfe\xfd_000002.png",
      "t/cam\xff/depth/cam\xff_000002.raw", NULL);
  options.camera = "cam\xff";
  layout = scan_ok ("t", &options);
  cameras = gst_trial_layout_get_cameras (layout);
  fail_unless_equals_int (g_strv_length ((gchar **) cameras), 2);
  fail_unless_equals_string (cameras[0], "cam1");
  fail_unless_equals_string (cameras[1], "cam\xff");
  assert_frame (layout, 0, 2, "t/cam\xff/color/\xfe\xfd_000002.png", PNG,
      "t/cam\xff/depth/cam\xff_000002.raw", RAW);

  /* messages stay valid UTF-8: U+FFFD stands for the bad bytes */
  options.camera = "\xfe";
  assert_scan_error (path, &options, GST_TRIAL_ERROR_UNKNOWN_CAMERA,
      "camera '\xef\xbf\xbd'", "cam1, cam\xef\xbf\xbd", NULL);
}

GST_END_TEST;

/* ---- errors ---- */

GST_START_TEST (test_error_not_found)
{
  g_autofree gchar *missing = tmp_path ("no_such_trial");
  g_autofree gchar *below_file = tmp_path ("file.txt/trial");

  assert_scan_error (missing, NULL, GST_TRIAL_ERROR_NOT_FOUND, missing,
      "does not exist", NULL);
  touch ("file.txt", NULL);
  assert_scan_error (below_file, NULL, GST_TRIAL_ERROR_NOT_FOUND, below_file,
      "does not exist", NULL);
}

GST_END_TEST;

GST_START_TEST (test_error_not_a_folder)
{
  g_autofree gchar *file = tmp_path ("file.txt");

  touch ("file.txt", NULL);
  assert_scan_error (file, NULL, GST_TRIAL_ERROR_NOT_A_FOLDER, file,
      "not a folder", NULL);
}

GST_END_TEST;

GST_START_TEST (test_error_no_layout)
{
  g_autofree gchar *empty = tmp_path ("empty");
  g_autofree gchar *other = tmp_path ("other");

  make_dir ("empty");
  assert_scan_error (empty, NULL, GST_TRIAL_ERROR_NO_LAYOUT, empty,
      "not a trial folder", "cam* folder holding a 'color' or 'Color' folder",
      "a 'Color' or 'color' folder", NULL);

  touch ("other/cam1/depth/frame_000001.raw", "other/images/frame_1.png",
      "other/camera.png", "other/COLOR/frame_000001.png", NULL);
  assert_scan_error (other, NULL, GST_TRIAL_ERROR_NO_LAYOUT, other,
      "multi_camera", "single_camera", NULL);
}

GST_END_TEST;

GST_START_TEST (test_error_no_frames)
{
  g_autofree gchar *multi = tmp_path ("m");
  g_autofree gchar *multi_color = tmp_path ("m/cam1/color");
  g_autofree gchar *single = tmp_path ("s");
  g_autofree gchar *single_color = tmp_path ("s/Color");

  touch ("m/cam1/color/notes.txt", "m/cam1/color/frame.png",
      "m/cam1/depth/frame_000001.raw", NULL);
  assert_scan_error (multi, NULL, GST_TRIAL_ERROR_NO_FRAMES,
      "no color frames in", multi_color, "frame_000231.png", NULL);

  make_dir ("s/Color");
  assert_scan_error (single, NULL, GST_TRIAL_ERROR_NO_FRAMES, single_color,
      ".png, .jpg, .jpeg or .bmp", NULL);
}

GST_END_TEST;

GST_START_TEST (test_boxed_and_strings)
{
  GstTrialLayout *layout;
  GstTrialLayout *copy;

  touch ("t/cam1/color/frame_000001.png", NULL);
  layout = scan_ok ("t", NULL);
  fail_unless (G_TYPE_IS_BOXED (GST_TYPE_TRIAL_LAYOUT));
  fail_unless_equals_string (g_type_name (GST_TYPE_TRIAL_LAYOUT),
      "GstTrialLayout");
  copy = g_boxed_copy (GST_TYPE_TRIAL_LAYOUT, layout);
  fail_unless (copy == layout);
  gst_trial_layout_unref (layout);
  /* still alive through the copy's reference */
  fail_unless_equals_int (gst_trial_layout_get_n_frames (copy), 1);
  g_boxed_free (GST_TYPE_TRIAL_LAYOUT, copy);

  fail_unless_equals_string (gst_trial_structure_to_string
      (GST_TRIAL_STRUCTURE_MULTI_CAMERA), "multi_camera");
  fail_unless_equals_string (gst_trial_structure_to_string
      (GST_TRIAL_STRUCTURE_SINGLE_CAMERA), "single_camera");
  fail_unless_equals_string (gst_trial_color_format_to_string (PNG), "png");
  fail_unless_equals_string (gst_trial_color_format_to_string (JPEG), "jpeg");
  fail_unless_equals_string (gst_trial_color_format_to_string (BMP), "bmp");
}

GST_END_TEST;

/* ---- first files: color size, depth shape and scale ---- */

static void
write_png (const gchar * rel, guint width, guint height)
{
  g_autoptr (GstTrialImage) image = NULL;
  g_autoptr (GBytes) bytes = NULL;
  GError *error = NULL;
  gsize size;
  gconstpointer data;

  image = gst_trial_image_new (GST_TRIAL_PIXEL_RGB8, width, height, &error);
  fail_unless (image != NULL);
  memset (image->data, 0x40, image->stride * height);
  bytes = gst_trial_png_encode (image, 1, &error);
  fail_unless (bytes != NULL, "png encode: %s", error ? error->message : "?");
  data = g_bytes_get_data (bytes, &size);
  trial_test_write (tmp, rel, data, size);
}

static void
write_jpeg (const gchar * rel, guint width, guint height)
{
  g_autoptr (GstTrialImage) image = NULL;
  g_autoptr (GBytes) bytes = NULL;
  GError *error = NULL;
  gsize size;
  gconstpointer data;

  image = gst_trial_image_new (GST_TRIAL_PIXEL_RGB8, width, height, &error);
  fail_unless (image != NULL);
  memset (image->data, 0x80, image->stride * height);
  bytes = gst_trial_jpeg_encode (image, 90, &error);
  fail_unless (bytes != NULL, "jpeg encode: %s",
      error ? error->message : "?");
  data = g_bytes_get_data (bytes, &size);
  trial_test_write (tmp, rel, data, size);
}

static void
put_le32 (guint8 * p, guint32 v)
{
  p[0] = v & 0xff;
  p[1] = (v >> 8) & 0xff;
  p[2] = (v >> 16) & 0xff;
  p[3] = v >> 24;
}

/* A 24-bit bottom-up BMP of 5x3 pixels (rows padded to 16 bytes). */
static void
write_bmp_5x3 (const gchar * rel)
{
  guint8 bmp[54 + 48] = { 'B', 'M' };

  put_le32 (bmp + 2, sizeof bmp);
  put_le32 (bmp + 10, 54);
  put_le32 (bmp + 14, 40);
  put_le32 (bmp + 18, 5);
  put_le32 (bmp + 22, 3);
  bmp[26] = 1;
  bmp[28] = 24;
  put_le32 (bmp + 34, 48);
  trial_test_write (tmp, rel, bmp, sizeof bmp);
}

static void
write_raw (const gchar * rel, guint width, guint height)
{
  g_autofree guint16 *data = g_new0 (guint16, width * height);

  data[0] = GUINT16_TO_LE (1234);
  trial_test_write (tmp, rel, data, width * height * 2);
}

/* A '<f4' .npy of @height x @width holding @value. */
static void
write_npy (const gchar * rel, guint width, guint height, gfloat value)
{
  gsize header = gst_trial_npy_f32_header_size (height, width);
  gsize size = header + (gsize) width * height * 4;
  g_autofree guint8 *data = g_malloc (size);
  gsize i;

  gst_trial_npy_write_f32_header (height, width, data);
  for (i = 0; i < (gsize) width * height; i++) {
    guint32 bits;

    memcpy (&bits, &value, 4);
    bits = GUINT32_TO_LE (bits);
    memcpy (data + header + i * 4, &bits, 4);
  }
  trial_test_write (tmp, rel, data, size);
}

GST_START_TEST (test_color_size)
{
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;
  g_autoptr (GstTrialLayout) png = NULL;
  g_autoptr (GstTrialLayout) jpeg = NULL;
  g_autoptr (GstTrialLayout) bmp = NULL;
  g_autoptr (GstTrialLayout) unreadable = NULL;

  write_png ("t/cam1/color/frame_000001.png", 8, 6);
  write_jpeg ("t/cam1/color/frame_000002.jpg", 16, 8);
  write_bmp_5x3 ("t/cam1/color/frame_000003.bmp");
  trial_test_write (tmp, "t/cam1/color/frame_000004.png", "\x89PNG", 4);

  png = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_color_format (png), PNG);
  fail_unless_equals_int (gst_trial_layout_get_color_width (png), 8);
  fail_unless_equals_int (gst_trial_layout_get_color_height (png), 6);

  /* the first frame of the range decides */
  options.start_frame = 2;
  jpeg = scan_ok ("t", &options);
  fail_unless_equals_int (gst_trial_layout_get_color_format (jpeg), JPEG);
  fail_unless_equals_int (gst_trial_layout_get_color_width (jpeg), 16);
  fail_unless_equals_int (gst_trial_layout_get_color_height (jpeg), 8);

  options.start_frame = 3;
  bmp = scan_ok ("t", &options);
  fail_unless_equals_int (gst_trial_layout_get_color_format (bmp), BMP);
  fail_unless_equals_int (gst_trial_layout_get_color_width (bmp), 5);
  fail_unless_equals_int (gst_trial_layout_get_color_height (bmp), 3);

  /* a truncated header is 0 x 0, not an error */
  options.start_frame = 4;
  unreadable = scan_ok ("t", &options);
  fail_unless_equals_int (gst_trial_layout_get_color_format (unreadable), PNG);
  fail_unless_equals_int (gst_trial_layout_get_color_width (unreadable), 0);
  fail_unless_equals_int (gst_trial_layout_get_color_height (unreadable), 0);
}

GST_END_TEST;

/* a damaged first color file fails alone, later: the size comes from the
 * next file whose header reads, up to 8 files */
GST_START_TEST (test_color_size_skips_bad_files)
{
  g_autoptr (GstTrialLayout) second = NULL;
  g_autoptr (GstTrialLayout) eighth = NULL;
  g_autoptr (GstTrialLayout) none = NULL;
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;
  guint i;

  trial_test_write (tmp, "t/cam1/color/frame_000000.png", "garbage", 7);
  write_png ("t/cam1/color/frame_000002.png", 8, 6);
  second = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (second), 2);
  fail_unless_equals_int (gst_trial_layout_get_color_width (second), 8);
  fail_unless_equals_int (gst_trial_layout_get_color_height (second), 6);

  for (i = 10; i < 17; i++) {
    g_autofree gchar *name = g_strdup_printf ("u/cam1/color/frame_%06u.png",
        i);

    trial_test_write (tmp, name, "\x89PNG", 4);
  }
  write_png ("u/cam1/color/frame_000017.png", 4, 2);
  eighth = scan_ok ("u", NULL);
  fail_unless_equals_int (gst_trial_layout_get_color_width (eighth), 4);
  fail_unless_equals_int (gst_trial_layout_get_color_height (eighth), 2);

  options.start_frame = 9;
  trial_test_write (tmp, "u/cam1/color/frame_000009.png", "\x89PNG", 4);
  none = scan_ok ("u", &options);
  fail_unless_equals_int (gst_trial_layout_get_color_width (none), 0);
  fail_unless_equals_int (gst_trial_layout_get_color_height (none), 0);
}

GST_END_TEST;

GST_START_TEST (test_depth_raw_shape_and_scale)
{
  g_autoptr (GstTrialLayout) layout = NULL;

  touch ("t/cam1/color/frame_000001.png", "t/cam1/color/frame_000002.png",
      NULL);
  write_raw ("t/cam1/depth/frame_000002.raw", 1280, 720);
  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_depth_format (layout), RAW);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (layout), 1280);
  fail_unless_equals_int (gst_trial_layout_get_depth_height (layout), 720);
  fail_unless (gst_trial_layout_get_depth_scale (layout) == 0.001);
}

GST_END_TEST;

GST_START_TEST (test_depth_raw_shape_from_color)
{
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autoptr (GstTrialLayout) portrait = NULL;

  /* an uncommon size that only the color frames explain */
  write_png ("t/cam1/color/frame_000001.png", 64, 48);
  write_raw ("t/cam1/depth/frame_000001.raw", 64, 48);
  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (layout), 64);
  fail_unless_equals_int (gst_trial_layout_get_depth_height (layout), 48);

  /* 480 wide, 640 high: the fixed list alone would say 640x480 */
  write_png ("p/cam1/color/frame_000001.png", 480, 640);
  write_raw ("p/cam1/depth/frame_000001.raw", 480, 640);
  portrait = scan_ok ("p", NULL);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (portrait), 480);
  fail_unless_equals_int (gst_trial_layout_get_depth_height (portrait), 640);
}

GST_END_TEST;

/* RealSense records depth at 848x480 by default, whatever the color size. */
GST_START_TEST (test_depth_raw_realsense_mode)
{
  g_autoptr (GstTrialLayout) layout = NULL;

  write_png ("t/cam1/color/frame_000001.png", 640, 480);
  write_raw ("t/cam1/depth/frame_000001.raw", 848, 480);
  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (layout), 848);
  fail_unless_equals_int (gst_trial_layout_get_depth_height (layout), 480);
}

GST_END_TEST;

/* A first .raw whose size only happens to be a square (400x400) does not
 * decide the shape of a trial whose other files are 848x480. */
GST_START_TEST (test_depth_raw_shape_from_several_files)
{
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autoptr (GstTrialLayout) alone = NULL;

  touch ("t/cam1/color/frame_000001.png", "t/cam1/color/frame_000002.png",
      "t/cam1/color/frame_000003.png", NULL);
  write_raw ("t/cam1/depth/frame_000001.raw", 400, 400);
  write_raw ("t/cam1/depth/frame_000002.raw", 848, 480);
  write_raw ("t/cam1/depth/frame_000003.raw", 848, 480);
  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (layout), 848);
  fail_unless_equals_int (gst_trial_layout_get_depth_height (layout), 480);

  /* a square that every file agrees on is the seed's square */
  touch ("s/cam1/color/frame_000001.png", NULL);
  write_raw ("s/cam1/depth/frame_000001.raw", 400, 400);
  alone = scan_ok ("s", NULL);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (alone), 400);
  fail_unless_equals_int (gst_trial_layout_get_depth_height (alone), 400);
}

GST_END_TEST;

/* A frame symlinked to a FIFO must not block the scan (found by fuzzing). */
GST_START_TEST (test_fifo_frames_do_not_block)
{
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autofree gchar *fifo = g_build_filename (tmp, "pipe", NULL);
  g_autofree gchar *color = g_build_filename (tmp, "t/cam1/color", NULL);
  g_autofree gchar *depth = g_build_filename (tmp, "t/cam1/depth", NULL);
  g_autofree gchar *color_link = g_build_filename (color, "frame_000001.png",
      NULL);
  g_autofree gchar *depth_link = g_build_filename (depth, "frame_000001.raw",
      NULL);

  fail_unless (mkfifo (fifo, 0600) == 0);
  fail_unless (g_mkdir_with_parents (color, 0755) == 0);
  fail_unless (g_mkdir_with_parents (depth, 0755) == 0);
  fail_unless (symlink (fifo, color_link) == 0);
  fail_unless (symlink (fifo, depth_link) == 0);
  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_n_frames (layout), 1);
  fail_unless_equals_int (gst_trial_layout_get_color_width (layout), 0);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (layout), 0);
}

GST_END_TEST;

GST_START_TEST (test_depth_npy_metres)
{
  g_autoptr (GstTrialLayout) layout = NULL;

  touch ("1/Color/_Color_0001.png", NULL);
  write_npy ("1/Depth/_Depth_0001.npy", 4, 3, 1.5f);
  layout = scan_ok ("1", NULL);
  fail_unless_equals_int (gst_trial_layout_get_depth_format (layout), NPY);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (layout), 4);
  fail_unless_equals_int (gst_trial_layout_get_depth_height (layout), 3);
  fail_unless (gst_trial_layout_get_depth_scale (layout) == 1.0);
}

GST_END_TEST;

/* Up to MAX_DEPTH_PROBES (8) depth files are tried. */
static void
make_bad_depth_trial (guint n_bad)
{
  guint i;

  for (i = 1; i <= n_bad + 1; i++) {
    g_autofree gchar *color =
        g_strdup_printf ("t/cam1/color/frame_%06u.png", i);
    g_autofree gchar *depth =
        g_strdup_printf ("t/cam1/depth/frame_%06u.npy", i);

    touch (color, NULL);
    if (i <= n_bad)
      trial_test_write (tmp, depth, "not an npy file", 15);
    else
      write_npy (depth, 6, 2, 0.75f);
  }
}

GST_START_TEST (test_depth_probe_skips_bad_files)
{
  g_autoptr (GstTrialLayout) layout = NULL;

  make_bad_depth_trial (7);
  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (layout), 6);
  fail_unless_equals_int (gst_trial_layout_get_depth_height (layout), 2);
  fail_unless (gst_trial_layout_get_depth_scale (layout) == 1.0);
}

GST_END_TEST;

GST_START_TEST (test_depth_probe_gives_up)
{
  g_autoptr (GstTrialLayout) layout = NULL;

  make_bad_depth_trial (8);
  layout = scan_ok ("t", NULL);
  fail_unless_equals_int (gst_trial_layout_get_depth_format (layout), NPY);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (layout), 0);
  fail_unless_equals_int (gst_trial_layout_get_depth_height (layout), 0);
  fail_unless (gst_trial_layout_get_depth_scale (layout) == 0.001);
}

GST_END_TEST;

GST_START_TEST (test_depth_options)
{
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;
  g_autoptr (GstTrialLayout) given = NULL;
  g_autoptr (GstTrialLayout) partial = NULL;
  g_autoptr (GstTrialLayout) none = NULL;

  touch ("t/cam1/color/frame_000001.png", "t/cam1/color/frame_000002.png",
      NULL);
  trial_test_write (tmp, "t/cam1/depth/frame_000001.raw", "x", 1);
  write_raw ("t/cam1/depth/frame_000002.raw", 640, 480);

  /* given values are used as they are, whatever the files say */
  options.depth_width = 320;
  options.depth_height = 240;
  options.depth_scale = 0.0001;
  given = scan_ok ("t", &options);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (given), 320);
  fail_unless_equals_int (gst_trial_layout_get_depth_height (given), 240);
  fail_unless (gst_trial_layout_get_depth_scale (given) == 0.0001);

  /* a width without a height is not a shape: probed */
  options.depth_height = 0;
  options.depth_scale = 0.0;
  partial = scan_ok ("t", &options);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (partial), 640);
  fail_unless_equals_int (gst_trial_layout_get_depth_height (partial), 480);
  fail_unless (gst_trial_layout_get_depth_scale (partial) == 0.001);

  /* no depth at all: scale from the options, else millimetres */
  options.start_frame = 3;
  touch ("t/cam1/color/frame_000003.png", NULL);
  options.depth_scale = 0.01;
  none = scan_ok ("t", &options);
  fail_unless_equals_int (gst_trial_layout_get_depth_format (none), NONE);
  fail_unless_equals_int (gst_trial_layout_get_depth_width (none), 0);
  fail_unless (gst_trial_layout_get_depth_scale (none) == 0.01);
}

GST_END_TEST;

static Suite *
layout_suite (void)
{
  Suite *s = suite_create ("layout");
  TCase *scan = tcase_create ("scan");
  TCase *errors = tcase_create ("errors");
  TCase *files = tcase_create ("first-files");

  suite_add_tcase (s, scan);
  tcase_add_checked_fixture (scan, setup, teardown);
  tcase_add_test (scan, test_multi_camera_default);
  tcase_add_test (scan, test_multi_camera_select);
  tcase_add_test (scan, test_multi_camera_unknown);
  tcase_add_test (scan, test_multi_camera_folder_precedence);
  tcase_add_test (scan, test_multi_camera_depth_names);
  tcase_add_test (scan, test_color_names);
  tcase_add_test (scan, test_color_duplicates);
  tcase_add_test (scan, test_color_numbers_beyond_63_bits);
  tcase_add_test (scan, test_frames_sorted_with_gaps);
  tcase_add_test (scan, test_frame_range);
  tcase_add_test (scan, test_frame_range_empty);
  tcase_add_test (scan, test_many_frames);
  tcase_add_test (scan, test_single_camera);
  tcase_add_test (scan, test_single_camera_options);
  tcase_add_test (scan, test_single_camera_timestamps);
  tcase_add_test (scan, test_pair_by_time);
  tcase_add_test (scan, test_single_camera_swapped_depth);
  tcase_add_test (scan, test_single_camera_depth_folder_choice);
  tcase_add_test (scan, test_single_camera_depth_names);
  tcase_add_test (scan, test_single_camera_color_duplicates);
  tcase_add_test (scan, test_trailing_separator);
  tcase_add_test (scan, test_non_utf8_names);
  tcase_add_test (scan, test_boxed_and_strings);

  suite_add_tcase (s, errors);
  tcase_add_checked_fixture (errors, setup, teardown);
  tcase_add_test (errors, test_error_not_found);
  tcase_add_test (errors, test_error_not_a_folder);
  tcase_add_test (errors, test_error_no_layout);
  tcase_add_test (errors, test_error_no_frames);

  suite_add_tcase (s, files);
  tcase_add_checked_fixture (files, setup, teardown);
  tcase_add_test (files, test_color_size);
  tcase_add_test (files, test_color_size_skips_bad_files);
  tcase_add_test (files, test_depth_raw_shape_and_scale);
  tcase_add_test (files, test_depth_raw_shape_from_color);
  tcase_add_test (files, test_depth_raw_realsense_mode);
  tcase_add_test (files, test_depth_raw_shape_from_several_files);
  tcase_add_test (files, test_fifo_frames_do_not_block);
  tcase_add_test (files, test_depth_npy_metres);
  tcase_add_test (files, test_depth_probe_skips_bad_files);
  tcase_add_test (files, test_depth_probe_gives_up);
  tcase_add_test (files, test_depth_options);

  return s;
}

GST_CHECK_MAIN (layout);
