/* gst-trial tests: helpers shared by the suites (temporary folders, files). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new empty folder under $TMPDIR; remove with trial_test_rm_rf(). */
gchar *trial_test_make_tmpdir (void);

/* Removes @path and everything below it (does not follow symlinks). */
void trial_test_rm_rf (const gchar * path);

/* Writes @size bytes to @dir/@relpath, creating folders; fails the test on error. */
void trial_test_write (const gchar * dir, const gchar * relpath,
    const void *data, gsize size);

/* The whole contents of @path; fails the test on error. */
GBytes *trial_test_read (const gchar * path);

/* ITU-R BT.601 luma of an 8-bit RGB pixel, written out here so that no
 * test takes its expected gray from the code under test:
 * Y = 0.299 R + 0.587 G + 0.114 B, the weights in 1/256 steps (rounded,
 * blue taking the rest so they sum to 256 and white stays 255), the result
 * rounded to nearest. */
static inline guint
trial_test_bt601_luma (guint r, guint g, guint b)
{
  const guint wr = (guint) (0.299 * 256 + 0.5);
  const guint wg = (guint) (0.587 * 256 + 0.5);
  const guint wb = 256 - wr - wg;

  return (wr * r + wg * g + wb * b + 128) / 256;
}

/* A prerequisite of the running test is missing: under CI=true (where
 * scripts/setup.sh --test installs everything) fails the test naming @what;
 * otherwise prints "SKIP: @what" and exits 77, which meson reports as
 * skipped. gst-check has no per-test skip, so a test that calls this runs as
 * a meson test of its own (GST_CHECKS=its name, CK_FORK=no:
 * tests/check/meson.build); anywhere else it fails. */
void trial_test_missing (const gchar * what);

G_END_DECLS
