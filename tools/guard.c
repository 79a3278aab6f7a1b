/* trial-process: keeps jobs apart from each other and from their inputs
 * (see guard.h). Everything here runs before a job touches a file. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "guard.h"

G_DEFINE_QUARK (tp-guard-error-quark, tp_guard_error)

/* The name layout.c gives a trial: its canonical path's last component. */
static gchar *
trial_name (const gchar * trial)
{
  g_autofree gchar *canonical = g_canonicalize_filename (trial, NULL);

  return g_path_get_basename (canonical);
}

gchar *
tp_guard_trial_output (const gchar * trial, const gchar * output_base)
{
  g_autofree gchar *name = trial_name (trial);

  return g_build_filename (output_base, name, NULL);
}

gboolean
tp_guard_distinct_names (const gchar * const *trials,
    const gchar * output_base, GError ** error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, NULL);
  const gchar *const *t;

  for (t = trials; *t; t++) {
    gchar *name = trial_name (*t);
    const gchar *first = g_hash_table_lookup (seen, name);

    if (first != NULL) {
      g_autofree gchar *a = g_filename_display_name (first);
      g_autofree gchar *b = g_filename_display_name (*t);
      g_autofree gchar *out = tp_guard_trial_output (*t, output_base);
      g_autofree gchar *out_display = g_filename_display_name (out);

      g_set_error (error, TP_GUARD_ERROR, TP_GUARD_ERROR_OVERLAP,
          "'%s' and '%s' are both named '%s': their outputs would mix in "
          "'%s'; convert them with different -o", a, b, name, out_display);
      g_free (name);
      return FALSE;
    }
    g_hash_table_insert (seen, name, (gpointer) * t);
  }
  return TRUE;
}

static gchar *
file_key (const struct stat *st)
{
  return g_strdup_printf ("%ju:%ju", (uintmax_t) st->st_dev,
      (uintmax_t) st->st_ino);
}

/* The index of the first of @folders (device:inode -> index + 1) that is
 * @path or one of its parents, walking up the real path of the deepest
 * part of @path that exists; -1 when none is. */
static gint
find_enclosing (const gchar * path, GHashTable * folders)
{
  /* Not g_canonicalize_filename(): it drops "link/.." as text, where the
   * kernel goes to the parent of the link's target. */
  g_autofree gchar *cwd = g_get_current_dir ();
  g_autofree gchar *existing = g_path_is_absolute (path) ? g_strdup (path) :
      g_build_filename (cwd, path, NULL);
  g_autofree gchar *real = NULL;

  while (!g_file_test (existing, G_FILE_TEST_EXISTS)) {
    gchar *parent = g_path_get_dirname (existing);
    g_free (existing);
    existing = parent;
  }
  if ((real = realpath (existing, NULL)) == NULL)
    return -1;
  for (;;) {
    g_autofree gchar *key = NULL;
    gchar *parent;
    struct stat st;
    gpointer found;

    if (g_stat (real, &st) == 0 && (found = g_hash_table_lookup (folders,
                key = file_key (&st))))
      return GPOINTER_TO_INT (found) - 1;
    parent = g_path_get_dirname (real);
    if (strcmp (parent, real) == 0) {
      g_free (parent);
      return -1;
    }
    g_free (real);
    real = parent;
  }
}

/* device:inode -> index + 1 of each of @paths that exists. */
static GHashTable *
folder_keys (const gchar * const *paths)
{
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  guint i;

  for (i = 0; paths[i]; i++) {
    struct stat st;

    if (g_stat (paths[i], &st) == 0)
      g_hash_table_insert (keys, file_key (&st), GINT_TO_POINTER (i + 1));
  }
  return keys;
}

gboolean
tp_guard_apart (const gchar * const *inputs, const gchar * const *owners,
    const gchar * const *job_outputs, const gchar * const *trial_outputs,
    GError ** error)
{
  g_autoptr (GHashTable) in = folder_keys (inputs);
  g_autoptr (GHashTable) out = folder_keys (trial_outputs);
  guint i;
  gint k;

  for (i = 0; job_outputs[i]; i++) {
    if ((k = find_enclosing (job_outputs[i], in)) >= 0) {
      g_autofree gchar *o = g_filename_display_name (job_outputs[i]);
      g_autofree gchar *f = g_filename_display_name (inputs[k]);
      g_autofree gchar *t = g_filename_display_name (owners[k]);

      g_set_error (error, TP_GUARD_ERROR, TP_GUARD_ERROR_OVERLAP,
          "output folder '%s' is inside '%s', a folder of the input files "
          "of '%s'; choose another -o", o, f, t);
      return FALSE;
    }
  }
  for (i = 0; inputs[i]; i++) {
    if ((k = find_enclosing (inputs[i], out)) >= 0) {
      g_autofree gchar *f = g_filename_display_name (inputs[i]);
      g_autofree gchar *t = g_filename_display_name (owners[i]);
      g_autofree gchar *o = g_filename_display_name (trial_outputs[k]);

      g_set_error (error, TP_GUARD_ERROR, TP_GUARD_ERROR_OVERLAP,
          "'%s', a folder of the input files of '%s', is inside the output "
          "folder '%s'; choose another -o", f, t, o);
      return FALSE;
    }
  }
  return TRUE;
}

struct _TpLock
{
  gchar *path;
  int fd;
};

static void
set_errno_error (GError ** error, int errsv, const gchar * what,
    const gchar * path)
{
  g_autofree gchar *display = g_filename_display_name (path);

  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
      "cannot %s '%s': %s", what, display, g_strerror (errsv));
}

/* fcntl() record locks rather than flock(): F_GETLK names the process
 * holding one. They are per process, which is what is wanted: a second
 * trial-process is refused, and one process never runs two jobs on one
 * folder (tp_guard_distinct_names). */
TpLock *
tp_lock_acquire (const gchar * dir, GError ** error)
{
  g_autofree gchar *path = g_build_filename (dir, TP_LOCK_NAME, NULL);

  if (g_mkdir_with_parents (dir, 0755) != 0) {
    set_errno_error (error, errno, "create", dir);
    return NULL;
  }
  for (;;) {
    struct flock fl = { .l_type = F_WRLCK,.l_whence = SEEK_SET };
    struct stat held, named;
    int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

    if (fd < 0) {
      set_errno_error (error, errno, "create the lock file", path);
      return NULL;
    }
    if (fcntl (fd, F_SETLK, &fl) != 0) {
      int errsv = errno;

      if (errsv != EACCES && errsv != EAGAIN) {
        close (fd);
        set_errno_error (error, errsv, "lock", path);
        return NULL;
      }
      fl.l_type = F_WRLCK;
      if (fcntl (fd, F_GETLK, &fl) != 0) {
        errsv = errno;
        close (fd);
        set_errno_error (error, errsv, "read the lock of", path);
        return NULL;
      }
      if (fl.l_type != F_UNLCK) {
        g_autofree gchar *d = g_filename_display_name (dir);
        g_autofree gchar *p = g_filename_display_name (path);

        close (fd);
        g_set_error (error, TP_GUARD_ERROR, TP_GUARD_ERROR_LOCKED,
            "'%s' is being written by process %ld (it holds '%s'); this job "
            "is left alone", d, (long) fl.l_pid, p);
        return NULL;
      }
      close (fd);               /* released meanwhile: try again */
      continue;
    }
    /* The holder before us may have removed the file once done: then the
     * lock is on a file nobody else will find. */
    if (fstat (fd, &held) == 0 && g_stat (path, &named) == 0
        && held.st_dev == named.st_dev && held.st_ino == named.st_ino) {
      TpLock *lock = g_new0 (TpLock, 1);

      lock->path = g_steal_pointer (&path);
      lock->fd = fd;
      return lock;
    }
    close (fd);
  }
}

void
tp_lock_release (TpLock * lock)
{
  /* Removed while still locked, so whoever waits on this file finds it
   * gone and makes a new one. */
  g_unlink (lock->path);
  close (lock->fd);
  g_free (lock->path);
  g_free (lock);
}
