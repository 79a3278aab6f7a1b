/* gst-trial fuzzing: writes the seed corpus of every fuzz target
 * (corpus.c) into OUTDIR/<target>/<seed name>, for run.sh. */
#include <errno.h>
#include <glib/gstdio.h>

#include "tests/fuzz/corpus.h"

static void
write_seed (const gchar * target, const gchar * name, gboolean valid,
    GBytes * data, gpointer user_data)
{
  const gchar *outdir = user_data;
  g_autofree gchar *dir = g_build_filename (outdir, target, NULL);
  g_autofree gchar *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  gsize size;
  const gchar *bytes = g_bytes_get_data (data, &size);

  (void) valid;
  if (g_mkdir_with_parents (dir, 0755) != 0
      || !g_file_set_contents (path, bytes, size, &error))
    g_error ("cannot write seed '%s': %s", path,
        error != NULL ? error->message : g_strerror (errno));
}

int
main (int argc, char **argv)
{
  if (argc != 2) {
    g_printerr ("usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  fuzz_corpus_foreach (write_seed, argv[1]);
  return 0;
}
