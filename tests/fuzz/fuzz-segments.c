/* gst-trial fuzzing: trial-process's --segments parser (tools/segments.c)
 * on arbitrary bytes. A refusal is a G_FILE_ERROR_INVAL whose message
 * starts with the file name; an accepted file keeps every promise of
 * segments.h: at least one row, safe unique names, 0 <= start < end, both
 * finite, lines increasing. */
#include <math.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"
#include "tools/segments.h"

void
fuzz_segments_one (const guint8 * data, gsize size)
{
  GError *error = NULL;
  GPtrArray *rows = tp_segments_parse ((const gchar *) data, size,
      "trials.csv", &error);
  g_autoptr (GHashTable) names = NULL;
  guint i, line = 0;

  if (rows == NULL) {
    fuzz_check (error != NULL && error->domain == G_FILE_ERROR
        && error->code == G_FILE_ERROR_INVAL);
    fuzz_check (g_str_has_prefix (error->message, "trials.csv: "));
    fuzz_check (g_utf8_validate (error->message, -1, NULL));
    g_error_free (error);
    return;
  }
  fuzz_check (error == NULL && rows->len > 0);
  names = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = 0; i < rows->len; i++) {
    const TpSegment *s = g_ptr_array_index (rows, i);
    const gchar *p;

    fuzz_check (s->name[0] != '\0' && s->name[0] != '.'
        && strlen (s->name) <= 255);
    for (p = s->name; *p; p++)
      fuzz_check (g_ascii_isalnum (*p) || *p == '.' || *p == '_'
          || *p == '-');
    fuzz_check (g_hash_table_add (names, s->name));
    fuzz_check (isfinite (s->start) && isfinite (s->end));
    fuzz_check (s->start >= 0 && s->end > s->start);
    fuzz_check (s->line > line);
    line = s->line;
  }
  g_ptr_array_unref (rows);
}

FUZZ_TARGET (fuzz_segments_one)
