/* trial-process: --segments trials.csv, one trial per row of a session.
 *
 * A header line naming the columns `name`, `start` and `end` (any order,
 * other columns ignored), then one row per trial: a safe folder name and
 * seconds from the recording's first frame, start < end. Rows may overlap.
 * Empty lines are skipped; a '\r' before a line's end is dropped. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gchar *name;
  gdouble start, end;           /* seconds, 0 <= start < end */
  guint line;                   /* in the file, from 1 */
} TpSegment;

/* The rows of @text (@length bytes, not necessarily NUL-terminated), or
 * NULL with G_FILE_ERROR_INVAL and a message "line N: ..." naming the
 * first bad line: a missing column, a field count unlike the header's, a
 * number that is not one, start < 0, end <= start, a name that is not a
 * safe folder name or one used twice, no rows. @where starts the messages
 * (the file name). */
GPtrArray *tp_segments_parse (const gchar * text, gsize length,
    const gchar * where, GError ** error);

/* Reads and parses the file at @path (at most 16 MiB). */
GPtrArray *tp_segments_load (const gchar * path, GError ** error);

G_END_DECLS
