/* gst-trial bench: how long the layout scan of a large trial takes.
 *
 * Builds a trial of --frames frames (default 100,000) in a temporary folder
 * (a valid 640x480 PNG and .raw for the first frame, empty files for the
 * rest: the scan only reads the first frame's files) unless a trial is
 * given, then times --runs scans with g_get_monotonic_time() and prints the
 * median. The folders are in the page cache after creation, so this
 * measures the scan's own cost, not the disk's. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gst/trial/image.h"
#include "gst/trial/layout.h"
#include "gst/trial/pngcodec.h"

static gint n_frames = 100000;
static gint n_runs = 5;
static gchar *structure = NULL;
static gboolean keep = FALSE;

static GOptionEntry entries[] = {
  {"frames", 'n', 0, G_OPTION_ARG_INT, &n_frames,
      "Frames in the generated trial (default 100000)", "N"},
  {"runs", 'r', 0, G_OPTION_ARG_INT, &n_runs,
      "Scans to time (default 5)", "N"},
  {"structure", 's', 0, G_OPTION_ARG_STRING, &structure,
      "Layout of the generated trial: multi (default) or single", "NAME"},
  {"keep", 'k', 0, G_OPTION_ARG_NONE, &keep,
      "Keep the generated trial", NULL},
  G_OPTION_ENTRY_NULL
};

static gboolean
write_file (const gchar * path, gconstpointer data, gsize size)
{
  GError *error = NULL;

  if (!g_file_set_contents (path, data, size, &error)) {
    g_printerr ("%s\n", error->message);
    g_error_free (error);
    return FALSE;
  }
  return TRUE;
}

/* An empty file, without g_file_set_contents()'s temporary file and
 * rename: generating 200,000 files stays a matter of seconds. */
static gboolean
touch (const gchar * path)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  if (fd < 0) {
    g_printerr ("cannot create '%s': %s\n", path, g_strerror (errno));
    return FALSE;
  }
  close (fd);
  return TRUE;
}

static gboolean
make_trial (const gchar * trial, gboolean single)
{
  g_autofree gchar *color_dir = g_build_filename (trial,
      single ? "Color" : "cam1/color", NULL);
  g_autofree gchar *depth_dir = g_build_filename (trial,
      single ? "Depth" : "cam1/depth", NULL);
  g_autoptr (GstTrialImage) image = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autofree guint8 *raw = g_malloc0 (640 * 480 * 2);
  GError *error = NULL;
  gint i;

  if (g_mkdir_with_parents (color_dir, 0755) != 0
      || g_mkdir_with_parents (depth_dir, 0755) != 0) {
    g_printerr ("cannot create '%s': %s\n", trial, g_strerror (errno));
    return FALSE;
  }

  image = gst_trial_image_new (GST_TRIAL_PIXEL_RGB8, 640, 480, &error);
  if (image != NULL) {
    memset (image->data, 0x80, image->stride * image->height);
    png = gst_trial_png_encode (image, 1, &error);
  }
  if (png == NULL) {
    g_printerr ("cannot make the first frame: %s\n", error->message);
    g_error_free (error);
    return FALSE;
  }

  for (i = 0; i < n_frames; i++) {
    g_autofree gchar *color = single ?
        g_strdup_printf ("%s/_Color_%04d.png", color_dir, i) :
        g_strdup_printf ("%s/frame_%06d.png", color_dir, i);
    g_autofree gchar *depth = single ?
        g_strdup_printf ("%s/_Depth_%04d.raw", depth_dir, i) :
        g_strdup_printf ("%s/frame_%06d.raw", depth_dir, i);

    if (i == 0) {
      if (!write_file (color, g_bytes_get_data (png, NULL),
              g_bytes_get_size (png))
          || !write_file (depth, raw, 640 * 480 * 2))
        return FALSE;
    } else if (!touch (color) || !touch (depth)) {
      return FALSE;
    }
  }
  return TRUE;
}

static void
rm_rf (const gchar * path)
{
  GDir *dir;
  const gchar *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK)
      && g_file_test (path, G_FILE_TEST_IS_DIR)
      && (dir = g_dir_open (path, 0, NULL)) != NULL) {
    while ((name = g_dir_read_name (dir)) != NULL) {
      g_autofree gchar *child = g_build_filename (path, name, NULL);
      rm_rf (child);
    }
    g_dir_close (dir);
    g_rmdir (path);
  } else {
    g_unlink (path);
  }
}

static gint
compare_times (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autofree gchar *made = NULL;
  g_autofree gint64 *times = NULL;
  const gchar *trial;
  GError *error = NULL;
  struct rusage usage;
  gint i;

  context = g_option_context_new ("[TRIAL] - time the layout scan");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  if (n_frames < 1 || n_runs < 1 || argc > 2 || (structure != NULL
          && strcmp (structure, "multi") != 0
          && strcmp (structure, "single") != 0)) {
    g_printerr ("usage: %s [--frames N] [--runs N] "
        "[--structure multi|single] [--keep] [TRIAL]\n", argv[0]);
    return 2;
  }

  if (argc == 2) {
    trial = argv[1];
  } else {
    gint64 start;

    made = g_dir_make_tmp ("trial-scan-bench-XXXXXX", &error);
    if (made == NULL) {
      g_printerr ("%s\n", error->message);
      return 1;
    }
    trial = made;
    start = g_get_monotonic_time ();
    if (!make_trial (trial, g_strcmp0 (structure, "single") == 0)) {
      rm_rf (made);
      return 1;
    }
    g_print ("made %d-frame trial in '%s' in %.1f s\n", n_frames, trial,
        (g_get_monotonic_time () - start) / 1e6);
  }

  times = g_new (gint64, n_runs);
  for (i = 0; i < n_runs; i++) {
    gint64 start = g_get_monotonic_time ();

    g_clear_pointer (&layout, gst_trial_layout_unref);
    layout = gst_trial_layout_scan (trial, NULL, &error);
    times[i] = g_get_monotonic_time () - start;
    if (layout == NULL) {
      g_printerr ("scan failed: %s\n", error->message);
      if (made != NULL && !keep)
        rm_rf (made);
      return 1;
    }
  }
  qsort (times, n_runs, sizeof (gint64), compare_times);

  g_print ("%s, camera %s: color %ux%u %s, depth %ux%u %s, scale %g\n",
      gst_trial_structure_to_string (gst_trial_layout_get_structure (layout)),
      gst_trial_layout_get_output_camera (layout),
      gst_trial_layout_get_color_width (layout),
      gst_trial_layout_get_color_height (layout),
      gst_trial_color_format_to_string (gst_trial_layout_get_color_format
          (layout)), gst_trial_layout_get_depth_width (layout),
      gst_trial_layout_get_depth_height (layout),
      gst_trial_depth_format_to_string (gst_trial_layout_get_depth_format
          (layout)), gst_trial_layout_get_depth_scale (layout));
  g_print ("scan of %u frames: %.1f ms (median of %d; min %.1f, max %.1f)\n",
      gst_trial_layout_get_n_frames (layout), times[n_runs / 2] / 1000.0,
      n_runs, times[0] / 1000.0, times[n_runs - 1] / 1000.0);
  if (getrusage (RUSAGE_SELF, &usage) == 0)
    g_print ("peak RSS: %.1f MB\n", usage.ru_maxrss / 1024.0);

  if (made != NULL && !keep)
    rm_rf (made);
  return 0;
}
