/* gst-trial: what keeps a job's output folder whole (outputs.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "gst/trial/output.h"
#include "outputs.h"

enum
{ N_STREAMS = 2 };

static const gchar *stream_names[N_STREAMS] = { "color", "depth" };
static const gchar *stream_ext[N_STREAMS] = { "png", "npy" };

static void
output_name (gchar name[64], gint64 number, const gchar * ext)
{
  g_snprintf (name, 64, "frame_%06" G_GINT64_MODIFIER "d.%s", number, ext);
}

/* The frame number of @name when it is exactly the output name
 * output_name() gives that number. */
static gboolean
parse_output_name (const gchar * name, const gchar * ext, gint64 * number)
{
  gchar again[64];
  gchar *end;

  if (!g_str_has_prefix (name, "frame_")
      || !g_ascii_isdigit (name[strlen ("frame_")]))
    return FALSE;
  *number = g_ascii_strtoll (name + strlen ("frame_"), &end, 10);
  if (*end != '.')
    return FALSE;
  output_name (again, *number, ext);
  return strcmp (again, name) == 0;
}

/* Which of the job's @n frames @numbers (ascending) have an output in
 * @dir: one bit a frame, not a set of names, so that a job of 32,100
 * frames keeps 8 KB here rather than 64,200 names. */
static guint8 *
list_frames (const gchar * dir, const gchar * ext, const gint64 * numbers,
    guint n)
{
  guint8 *have = g_new0 (guint8, n / 8 + 1);
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  if (d == NULL)
    return have;
  while ((name = g_dir_read_name (d)) != NULL) {
    guint lo = 0, hi = n;
    gint64 number;

    if (!parse_output_name (name, ext, &number))
      continue;
    while (lo < hi) {
      guint mid = lo + (hi - lo) / 2;

      if (numbers[mid] < number)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo < n && numbers[lo] == number)
      have[lo / 8] |= 1u << (lo % 8);
  }
  g_dir_close (d);
  return have;
}

static gboolean
has_frame (const guint8 * have, guint i)
{
  return (have[i / 8] >> (i % 8)) & 1;
}

/* TRUE for ".frame_<digits>.<ext>.tmp-XXXXXX": the temporary name trialsink
 * gives our output files, and nothing else a user may keep there. */
static gboolean
is_our_temporary (const gchar * name, const gchar * ext)
{
  const gchar *p = name + strlen (".frame_");
  gsize ext_len = strlen (ext);

  if (!g_str_has_prefix (name, ".frame_") || !g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  if (*p++ != '.' || strncmp (p, ext, ext_len) != 0)
    return FALSE;
  p += ext_len;
  return g_str_has_prefix (p, ".tmp-") && strlen (p + 5) == 6;
}

/* trialsink writes ".<name>.tmp-XXXXXX" and renames it; a process killed
 * with -9 can leave one behind. */
static void
remove_stale_temporaries (const gchar * dir, const gchar * ext)
{
  g_autoptr (GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;
  guint i;

  if (d == NULL)
    return;
  /* removed after the listing, not while it is read */
  while ((name = g_dir_read_name (d)) != NULL) {
    if (is_our_temporary (name, ext))
      g_ptr_array_add (stale, g_build_filename (dir, name, NULL));
  }
  g_dir_close (d);
  for (i = 0; i < stale->len; i++)
    g_unlink (g_ptr_array_index (stale, i));
}

void
tp_outputs_remove_stale_temporaries (const gchar * output_dir)
{
  guint s;

  for (s = 0; s < N_STREAMS; s++) {
    g_autofree gchar *dir = g_build_filename (output_dir, stream_names[s],
        NULL);

    remove_stale_temporaries (dir, stream_ext[s]);
  }
}

/* Each output folder is listed once. A damaged output (empty, truncated: a
 * disk that filled up, a copy cut short) is removed, so trialsink writes it
 * again instead of keeping it, and its frame counts as missing. @whole:
 * NULL, or @n bytes, set to 1 for the whole frames. */
static gboolean
check_existing (const gchar * output_dir, const gint64 * numbers, guint n,
    guint * first_out, guint8 * whole, GError ** error)
{
  guint8 *have[N_STREAMS];
  gchar *dirs[N_STREAMS];
  guint i, s, first = n;
  GError *failure = NULL;

  for (s = 0; s < N_STREAMS; s++) {
    dirs[s] = g_build_filename (output_dir, stream_names[s], NULL);
    have[s] = list_frames (dirs[s], stream_ext[s], numbers, n);
  }
  for (i = 0; i < n && failure == NULL; i++) {
    gboolean complete = TRUE;

    for (s = 0; s < N_STREAMS && failure == NULL; s++) {
      g_autofree gchar *path = NULL;
      g_autoptr (GError) damage = NULL;
      gchar name[64];

      if (!has_frame (have[s], i)) {
        complete = FALSE;
        continue;
      }
      output_name (name, numbers[i], stream_ext[s]);
      path = g_build_filename (dirs[s], name, NULL);
      if (gst_trial_output_check (path, &damage))
        continue;
      complete = FALSE;
      if (g_unlink (path) != 0) {
        int errsv = errno;

        g_set_error (&failure, G_FILE_ERROR, g_file_error_from_errno (errsv),
            "%s, and cannot be removed to convert frame %" G_GINT64_FORMAT
            " again: %s", damage->message, numbers[i], g_strerror (errsv));
        continue;
      }
      g_printerr ("trial-process: %s; converting frame %" G_GINT64_FORMAT
          " again\n", damage->message, numbers[i]);
    }
    if (!complete && first == n)
      first = i;
    if (whole != NULL)
      whole[i] = complete;
  }
  for (s = 0; s < N_STREAMS; s++) {
    g_free (have[s]);
    g_free (dirs[s]);
  }
  if (failure != NULL) {
    g_propagate_error (error, failure);
    return FALSE;
  }
  *first_out = first;
  return TRUE;
}

gboolean
tp_outputs_check_existing (const gchar * output_dir, const gint64 * numbers,
    guint n, guint * first_out, GError ** error)
{
  return check_existing (output_dir, numbers, n, first_out, NULL, error);
}

guint8 *
tp_outputs_find_whole (const gchar * output_dir, const gint64 * numbers,
    guint n, guint * first_out, GError ** error)
{
  guint8 *whole = g_new0 (guint8, MAX (n, 1));

  if (!check_existing (output_dir, numbers, n, first_out, whole, error))
    g_clear_pointer (&whole, g_free);
  return whole;
}

/* Each stream writes on its own, so when one fails a frame (or the job
 * stops, or is interrupted) the other may have written its half: that half
 * is removed once the pipeline has stopped, and so is a half left by an
 * earlier run for a frame that failed now. */
guint
tp_outputs_remove_half_frames (const gchar * output_dir,
    const gint64 * numbers, guint n, GHashTable * failed_set)
{
  guint8 *have[N_STREAMS];
  gchar *dirs[N_STREAMS];
  guint i, s, whole = 0;

  for (s = 0; s < N_STREAMS; s++) {
    dirs[s] = g_build_filename (output_dir, stream_names[s], NULL);
    have[s] = list_frames (dirs[s], stream_ext[s], numbers, n);
  }
  for (i = 0; i < n; i++) {
    gboolean failed = failed_set != NULL
        && g_hash_table_contains (failed_set, &numbers[i]);
    guint present = 0;

    for (s = 0; s < N_STREAMS; s++)
      present += has_frame (have[s], i);
    if (present == N_STREAMS && !failed) {
      whole++;
      continue;
    }
    for (s = 0; s < N_STREAMS; s++) {
      g_autofree gchar *path = NULL;
      gchar name[64];

      if (!has_frame (have[s], i))
        continue;
      output_name (name, numbers[i], stream_ext[s]);
      path = g_build_filename (dirs[s], name, NULL);
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_printerr ("trial-process: cannot remove '%s', the %s half of "
            "frame %" G_GINT64_FORMAT ": %s\n", path, stream_names[s],
            numbers[i], g_strerror (errno));
    }
  }
  for (s = 0; s < N_STREAMS; s++) {
    g_free (have[s]);
    g_free (dirs[s]);
  }
  return whole;
}

