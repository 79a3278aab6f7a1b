/* gst-trial tests: the checks of output files (output.c) that --resume and
 * --summarize use: whole files pass, damaged ones fail naming the file and
 * what is wrong, and nothing that is not a regular file is opened. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/error.h"
#include "gst/trial/image.h"
#include "gst/trial/npy.h"
#include "gst/trial/output.h"
#include "gst/trial/pngcodec.h"
#include "trialtest.h"

/* A whole '<f4' .npy of 3x4 zeros, as trialconvert writes it. */
static GBytes *
whole_npy (void)
{
  gsize header = gst_trial_npy_f32_header_size (3, 4);
  guint8 *data = g_malloc0 (header + 3 * 4 * 4);

  gst_trial_npy_write_f32_header (3, 4, data);
  return g_bytes_new_take (data, header + 3 * 4 * 4);
}

static GBytes *
whole_png (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstTrialImage) image = gst_trial_image_new (GST_TRIAL_PIXEL_RGB8,
      5, 4, &error);
  GBytes *png;

  fail_unless (image != NULL, "%s", error ? error->message : "");
  memset (image->data, 0x5a, image->stride * image->height);
  png = gst_trial_png_encode (image, 1, &error);
  fail_unless (png != NULL, "%s", error ? error->message : "");
  return png;
}

/* Writes @size bytes of @bytes to @dir/@name and checks it: a whole file
 * when @expected is NULL, else the error, whose message must be
 * "'<path>' " followed by @expected. */
static void
check_file (const gchar * dir, const gchar * name, GBytes * bytes, gsize size,
    gint code, const gchar * expected)
{
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  g_autofree gchar *want = NULL;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  trial_test_write (dir, name, g_bytes_get_data (bytes, NULL), size);
  ok = gst_trial_output_check (path, &error);
  if (expected == NULL) {
    fail_unless (ok, "%s: %s", name, error ? error->message : "");
    return;
  }
  fail_if (ok, "%s passed", name);
  want = g_strdup_printf ("'%s' %s", path, expected);
  fail_unless (g_str_has_prefix (error->message, want), "got '%s', want '%s'",
      error->message, want);
  fail_unless_equals_int (error->code, code);
}

GST_START_TEST (test_whole_files_pass)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autoptr (GBytes) npy = whole_npy ();
  g_autoptr (GBytes) png = whole_png ();

  check_file (dir, "a.npy", npy, g_bytes_get_size (npy), 0, NULL);
  check_file (dir, "a.png", png, g_bytes_get_size (png), 0, NULL);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_damaged_npy)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autoptr (GBytes) npy = whole_npy ();
  gsize size = g_bytes_get_size (npy);
  g_autoptr (GByteArray) longer = g_byte_array_new ();
  g_autoptr (GBytes) extra = NULL;

  check_file (dir, "empty.npy", npy, 0, GST_TRIAL_ERROR_CORRUPT, "is empty");
  check_file (dir, "short.npy", npy, size - 1, GST_TRIAL_ERROR_CORRUPT,
      "is damaged: npy data is 47 bytes, expected 48 (3x4 '<f4')");
  check_file (dir, "header.npy", npy, 40, GST_TRIAL_ERROR_CORRUPT,
      "is damaged: npy file is truncated: its header is 118 bytes but only "
      "30 follow the preamble");
  g_byte_array_append (longer, g_bytes_get_data (npy, NULL), size);
  g_byte_array_append (longer, (const guint8 *) "x", 1);
  extra = g_byte_array_free_to_bytes (g_steal_pointer (&longer));
  check_file (dir, "long.npy", extra, size + 1, GST_TRIAL_ERROR_CORRUPT,
      "is damaged: npy data is 49 bytes, expected 48 (3x4 '<f4')");
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_damaged_png)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autoptr (GBytes) png = whole_png ();
  gsize size = g_bytes_get_size (png);
  g_autofree guint8 *flipped = g_memdup2 (g_bytes_get_data (png, NULL), size);
  g_autoptr (GBytes) bad_crc = NULL;

  check_file (dir, "empty.png", png, 0, GST_TRIAL_ERROR_CORRUPT, "is empty");
  /* everything but IEND */
  check_file (dir, "no-iend.png", png, size - 12, GST_TRIAL_ERROR_CORRUPT,
      "is damaged: ");
  check_file (dir, "cut.png", png, size / 2, GST_TRIAL_ERROR_CORRUPT,
      "is damaged: ");
  check_file (dir, "signature.png", png, 5, GST_TRIAL_ERROR_CORRUPT,
      "is damaged: ");
  flipped[size - 20] ^= 1;      /* in the last IDAT */
  bad_crc = g_bytes_new_static (flipped, size);
  check_file (dir, "crc.png", bad_crc, size, GST_TRIAL_ERROR_CORRUPT,
      "is damaged: PNG chunk 'IDAT'");
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* A FIFO would block an open(); a symlink or a folder is not a file the
 * tool wrote. None is opened. */
GST_START_TEST (test_not_regular_files)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *fifo = g_build_filename (dir, "fifo.npy", NULL);
  g_autofree gchar *link = g_build_filename (dir, "link.png", NULL);
  g_autofree gchar *folder = g_build_filename (dir, "folder.png", NULL);
  g_autofree gchar *missing = g_build_filename (dir, "missing.npy", NULL);
  g_autofree gchar *text = g_build_filename (dir, "notes.txt", NULL);
  g_autofree gchar *want = NULL;
  g_autoptr (GBytes) png = whole_png ();
  GError *error = NULL;

  fail_unless (mkfifo (fifo, 0600) == 0, "mkfifo: %s", g_strerror (errno));
  trial_test_write (dir, "real.png", g_bytes_get_data (png, NULL),
      g_bytes_get_size (png));
  fail_unless (symlink ("real.png", link) == 0);
  fail_unless (g_mkdir (folder, 0700) == 0);
  trial_test_write (dir, "notes.txt", "x", 1);

  fail_if (gst_trial_output_check (fifo, &error));
  want = g_strdup_printf ("'%s' is not a regular file", fifo);
  fail_unless_equals_string (error->message, want);
  g_clear_error (&error);
  g_free (want);

  fail_if (gst_trial_output_check (link, &error));
  want = g_strdup_printf ("'%s' is not a regular file", link);
  fail_unless_equals_string (error->message, want);
  g_clear_error (&error);
  g_free (want);

  fail_if (gst_trial_output_check (folder, &error));
  want = g_strdup_printf ("'%s' is not a regular file", folder);
  fail_unless_equals_string (error->message, want);
  g_clear_error (&error);
  g_free (want);

  fail_if (gst_trial_output_check (missing, &error));
  fail_unless_equals_int (error->code, GST_TRIAL_ERROR_NOT_FOUND);
  want = g_strdup_printf ("cannot read '%s': No such file or directory",
      missing);
  fail_unless_equals_string (error->message, want);
  g_clear_error (&error);
  g_free (want);

  fail_if (gst_trial_output_check (text, &error));
  fail_unless_equals_int (error->code, GST_TRIAL_ERROR_UNSUPPORTED);
  want = g_strdup_printf ("'%s' is not an output file: expected a .npy or "
      ".png name", text);
  fail_unless_equals_string (error->message, want);
  g_clear_error (&error);
  g_free (want);
  want = NULL;

  trial_test_rm_rf (dir);
}

GST_END_TEST;

static Suite *
output_suite (void)
{
  Suite *s = suite_create ("output");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_whole_files_pass);
  tcase_add_test (tc, test_damaged_npy);
  tcase_add_test (tc, test_damaged_png);
  tcase_add_test (tc, test_not_regular_files);
  return s;
}

GST_CHECK_MAIN (output);
