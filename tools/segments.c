/* trial-process: --segments trials.csv (see segments.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "segments.h"

#define MAX_FILE (16 << 20)
#define MAX_NAME 255

static void
segment_free (gpointer data)
{
  TpSegment *s = data;

  g_free (s->name);
  g_free (s);
}

/* Letters, digits, '.', '_', '-', not starting with '.': a folder name
 * that stays one folder on every system. */
static gboolean
is_safe_name (const gchar * name)
{
  const gchar *p;

  if (*name == '\0' || *name == '.' || strlen (name) > MAX_NAME)
    return FALSE;
  for (p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

static gboolean
parse_seconds (const gchar * text, gdouble * value)
{
  gchar *end;

  if (*text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return *end == '\0' && isfinite (*value);
}

GPtrArray *
tp_segments_parse (const gchar * text, gsize length, const gchar * where,
    GError ** error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (segment_free);
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree gchar *copy = NULL;
  g_auto (GStrv) lines = NULL;
  gint col[3] = { -1, -1, -1 };
  static const gchar *const col_names[3] = { "name", "start", "end" };
  guint n_cols = 0, i, c;
  gboolean header = FALSE;

  if (length == 0)
    text = "";
  if (memchr (text, '\0', length) != NULL) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "%s: not a text file (it holds a NUL byte)", where);
    return NULL;
  }
  /* a UTF-8 byte order mark, as spreadsheets write "CSV UTF-8" */
  if (length >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0) {
    text += 3;
    length -= 3;
  }
  copy = g_strndup (text, length);
  lines = g_strsplit (copy, "\n", -1);
  for (i = 0; lines[i] != NULL; i++) {
    gchar *line = lines[i];
    gsize len = strlen (line);
    g_auto (GStrv) fields = NULL;
    TpSegment *seg;
    guint n;

    if (len > 0 && line[len - 1] == '\r')
      line[--len] = '\0';
    if (g_strstrip (line)[0] == '\0')
      continue;
    fields = g_strsplit (line, ",", -1);
    n = g_strv_length (fields);
    for (c = 0; c < n; c++)
      g_strstrip (fields[c]);
    if (!header) {
      header = TRUE;
      n_cols = n;
      for (c = 0; c < n; c++) {
        guint k;

        for (k = 0; k < 3; k++)
          if (strcmp (fields[c], col_names[k]) == 0) {
            if (col[k] >= 0) {
              g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                  "%s: line %u: column '%s' twice", where, i + 1,
                  col_names[k]);
              return NULL;
            }
            col[k] = c;
          }
      }
      for (c = 0; c < 3; c++)
        if (col[c] < 0) {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
              "%s: line %u: no '%s' column (the header must name the "
              "columns name,start,end)", where, i + 1, col_names[c]);
          return NULL;
        }
      continue;
    }
    if (n != n_cols) {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
          "%s: line %u: %u fields, the header has %u", where, i + 1, n,
          n_cols);
      return NULL;
    }
    seg = g_new0 (TpSegment, 1);
    seg->line = i + 1;
    seg->name = g_strdup (fields[col[0]]);
    g_ptr_array_add (rows, seg);
    if (!is_safe_name (seg->name)) {
      g_autofree gchar *shown = g_strescape (seg->name, NULL);

      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
          "%s: line %u: name '%s' is not a safe folder name (letters, "
          "digits, '.', '_' and '-', at most %d, not starting with '.')",
          where, i + 1, shown, MAX_NAME);
      return NULL;
    }
    if (!parse_seconds (fields[col[1]], &seg->start) || seg->start < 0
        || !parse_seconds (fields[col[2]], &seg->end)) {
      g_autofree gchar *s = g_strescape (fields[col[1]], NULL);
      g_autofree gchar *e = g_strescape (fields[col[2]], NULL);

      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
          "%s: line %u: start '%s' and end '%s' must be seconds >= 0", where,
          i + 1, s, e);
      return NULL;
    }
    if (seg->end <= seg->start) {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
          "%s: line %u: end %g <= start %g", where, i + 1, seg->end,
          seg->start);
      return NULL;
    }
    if (g_hash_table_contains (names, seg->name)) {
      TpSegment *first = g_hash_table_lookup (names, seg->name);

      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
          "%s: line %u: name '%s' used twice (first on line %u)", where,
          i + 1, seg->name, first->line);
      return NULL;
    }
    g_hash_table_insert (names, seg->name, seg);
  }
  if (!header || rows->len == 0) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "%s: no trials (a header name,start,end and one row per trial)",
        where);
    return NULL;
  }
  return g_steal_pointer (&rows);
}

/* The file's own errors, not GLib's "Failed to map" (quoted with
 * characters a C locale shows as '?', and none for a folder) */
GPtrArray *
tp_segments_load (const gchar * path, GError ** error)
{
  g_autoptr (GMappedFile) file = NULL;
  g_autofree gchar *display = g_filename_display_name (path);
  GStatBuf st;
  gint fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    gint code = fd < 0 ? errno : 0;

    if (fd >= 0)
      g_close (fd, NULL);
    g_set_error (error, G_FILE_ERROR, code ? g_file_error_from_errno (code) :
        G_FILE_ERROR_INVAL, "--segments '%s': %s", display, code ?
        g_strerror (code) : "not a file (a CSV file: a header name,start,end "
        "and one row per trial)");
    return NULL;
  }
  file = g_mapped_file_new_from_fd (fd, FALSE, error);
  g_close (fd, NULL);
  if (file == NULL)
    return NULL;
  if (g_mapped_file_get_length (file) > MAX_FILE) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "%s: larger than %d MiB", path, MAX_FILE >> 20);
    return NULL;
  }
  return tp_segments_parse (g_mapped_file_get_contents (file),
      g_mapped_file_get_length (file), path, error);
}
