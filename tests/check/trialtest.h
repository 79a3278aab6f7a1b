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

G_END_DECLS
