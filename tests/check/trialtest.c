/* gst-trial tests: helpers shared by the suites. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "trialtest.h"

gchar *
trial_test_make_tmpdir (void)
{
  GError *error = NULL;
  gchar *dir = g_dir_make_tmp ("gst-trial-XXXXXX", &error);

  fail_unless (dir != NULL, "cannot make a temporary folder: %s",
      error ? error->message : "?");
  return dir;
}

void
trial_test_rm_rf (const gchar * path)
{
  GDir *dir;
  const gchar *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK)
      && g_file_test (path, G_FILE_TEST_IS_DIR)
      && (dir = g_dir_open (path, 0, NULL)) != NULL) {
    while ((name = g_dir_read_name (dir)) != NULL) {
      g_autofree gchar *child = g_build_filename (path, name, NULL);
      trial_test_rm_rf (child);
    }
    g_dir_close (dir);
    g_rmdir (path);
  } else {
    g_unlink (path);
  }
}

void
trial_test_write (const gchar * dir, const gchar * relpath, const void *data,
    gsize size)
{
  g_autofree gchar *path = g_build_filename (dir, relpath, NULL);
  g_autofree gchar *parent = g_path_get_dirname (path);
  GError *error = NULL;

  fail_unless (g_mkdir_with_parents (parent, 0755) == 0, "mkdir %s: %s",
      parent, g_strerror (errno));
  fail_unless (g_file_set_contents (path, data, size, &error),
      "write %s: %s", path, error ? error->message : "?");
}

GBytes *
trial_test_read (const gchar * path)
{
  gchar *contents = NULL;
  gsize size = 0;
  GError *error = NULL;

  fail_unless (g_file_get_contents (path, &contents, &size, &error),
      "read %s: %s", path, error ? error->message : "?");
  return g_bytes_new_take (contents, size);
}

void
trial_test_missing (const gchar * what)
{
  fail_if (g_strcmp0 (g_getenv ("CI"), "true") == 0,
      "missing under CI=true: %s", what);
  fail_unless (g_strcmp0 (g_getenv ("CK_FORK"), "no") == 0
      && g_getenv ("GST_CHECKS") != NULL,
      "cannot skip (%s): a test that can skip must run as a meson test of "
      "its own, with GST_CHECKS=its name and CK_FORK=no", what);
  g_printerr ("SKIP: %s\n", what);
  exit (77);
}
