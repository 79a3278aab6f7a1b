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

/* A prerequisite of the running test is missing: under CI=true (where
 * scripts/setup.sh --test installs everything) fails the test naming @what;
 * otherwise prints "SKIP: @what" and exits 77, which meson reports as
 * skipped. gst-check has no per-test skip, so a test that calls this runs as
 * a meson test of its own (GST_CHECKS=its name, CK_FORK=no:
 * tests/check/meson.build); anywhere else it fails. */
void trial_test_missing (const gchar * what);

G_END_DECLS
