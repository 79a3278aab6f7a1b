/* trial-make-sample: writes a synthetic RealSense-like trial folder
 * (gst/trial/sample.h) for tests, benchmarks and demos.
 *
 *   trial-make-sample [OPTIONS] DIR
 *
 * Exit status: 0 written, 1 a file or folder could not be written, 2 usage
 * error (bad option or value; the message says which) or DIR is not empty
 * (without --force). */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "gst/trial/error.h"
#include "gst/trial/sample.h"

#define EXIT_WRITE_ERROR 1
#define EXIT_USAGE 2

static gint
usage_error (const gchar * message)
{
  g_printerr ("trial-make-sample: %s\n"
      "Try 'trial-make-sample --help' for more information.\n", message);
  return EXIT_USAGE;
}

static gboolean
parse_size (const gchar * text, guint * width, guint * height)
{
  g_auto (GStrv) parts = g_strsplit (text, "x", -1);
  guint64 w, h;

  if (g_strv_length (parts) != 2
      || !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXUINT, &w, NULL)
      || !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT, &h, NULL))
    return FALSE;
  *width = (guint) w;
  *height = (guint) h;
  return TRUE;
}

/* Bytes and files under @path, for the summary line. */
static void
measure_folder (const gchar * path, guint64 * bytes, guint * files)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *child = g_build_filename (path, name, NULL);
    GStatBuf st;

    if (g_lstat (child, &st) != 0)
      continue;
    if (S_ISDIR (st.st_mode)) {
      measure_folder (child, bytes, files);
    } else if (S_ISREG (st.st_mode)) {
      *bytes += (guint64) st.st_size;
      (*files)++;
    }
  }
}

/* TRUE when @path is a folder holding something: writing a sample there
 * would mix its frames with those already there (issue 18). */
static gboolean
folder_has_entries (const gchar * path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) != NULL;
}

int
main (int argc, char **argv)
{
  GstTrialSampleOptions options = GST_TRIAL_SAMPLE_OPTIONS_INIT;
  g_autofree gchar *layout = NULL;
  g_autofree gchar *color = NULL;
  g_autofree gchar *depth = NULL;
  g_autofree gchar *size = NULL;
  gint cameras = -1, frames = (gint) options.n_frames, gap_every = 0;
  gint64 start = 0, seed = options.seed;
  gboolean swapped = FALSE, quiet = FALSE, force = FALSE;
  GOptionEntry entries[] = {
    {"layout", 'l', 0, G_OPTION_ARG_STRING, &layout,
        "multi (camN/color,depth; default) or single", "multi|single"},
    {"cameras", 'c', 0, G_OPTION_ARG_INT, &cameras,
        "Cameras of a multi layout, 1-99 (default 1)", "N"},
    {"color", 0, 0, G_OPTION_ARG_STRING, &color,
        "Color file format (default png)", "png|jpeg"},
    {"depth", 0, 0, G_OPTION_ARG_STRING, &depth,
        "raw uint16 (default), npy <u2, 16-bit png, none",
        "raw|npy|png|none"},
    {"swapped", 0, 0, G_OPTION_ARG_NONE, &swapped,
        "Single: depth in Depth_Color/, colour in Depth/", NULL},
    {"start", 's', 0, G_OPTION_ARG_INT64, &start,
        "First frame number (default 0)", "N"},
    {"frames", 'n', 0, G_OPTION_ARG_INT, &frames,
        "Number of frames to write (default 30)", "N"},
    {"gap-every", 'g', 0, G_OPTION_ARG_INT, &gap_every,
        "Skip numbers start+kN-1, k>=1 (default 0: none)", "N"},
    {"size", 0, 0, G_OPTION_ARG_STRING, &size,
        "Frame size (default 640x480)", "WxH"},
    {"seed", 0, 0, G_OPTION_ARG_INT64, &seed,
        "0-4294967295: same seed, same bytes (default 1)", "N"},
    {"force", 'f', 0, G_OPTION_ARG_NONE, &force,
        "Write into DIR even if it is not empty", NULL},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
        "Print nothing on success", NULL},
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  gint64 t0;
  guint64 bytes = 0;
  guint files = 0;

  /* GLib's own messages (GOption's errors, --help) in the user's charset;
   * every number we print or parse keeps a '.' whatever the locale. */
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");
  context = g_option_context_new ("DIR - write a synthetic RealSense trial");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
      "Writes DIR in one of the layouts trial-process reads, with camera-like\n"
      "color frames and millimetre depth with holes, deterministic from "
      "--seed:\nmulti is camN/color and camN/depth, single is Color, Depth "
      "and Depth_Color.\nDIR must be new or empty (or --force).\n");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (error->message);
  if (argc != 2)
    return usage_error (argc < 2 ? "missing the trial folder DIR" :
        "expected exactly one trial folder DIR");

  if (layout == NULL || g_str_equal (layout, "multi")
      || g_str_equal (layout, "multi_camera"))
    options.structure = GST_TRIAL_STRUCTURE_MULTI_CAMERA;
  else if (g_str_equal (layout, "single") || g_str_equal (layout,
          "single_camera"))
    options.structure = GST_TRIAL_STRUCTURE_SINGLE_CAMERA;
  else
    return usage_error ("--layout must be multi or single");

  if (options.structure == GST_TRIAL_STRUCTURE_SINGLE_CAMERA && cameras > 1)
    return usage_error ("--cameras applies to --layout multi only");
  if (cameras == 0 || cameras < -1 || cameras > 99)
    return usage_error ("--cameras must be 1 to 99");
  options.n_cameras = cameras == -1 ? 1 : (guint) cameras;

  if (color == NULL || g_str_equal (color, "png"))
    options.color_format = GST_TRIAL_COLOR_PNG;
  else if (g_str_equal (color, "jpeg") || g_str_equal (color, "jpg"))
    options.color_format = GST_TRIAL_COLOR_JPEG;
  else
    return usage_error ("--color must be png or jpeg");

  if (depth == NULL || g_str_equal (depth, "raw"))
    options.depth_format = GST_TRIAL_DEPTH_RAW;
  else if (g_str_equal (depth, "npy"))
    options.depth_format = GST_TRIAL_DEPTH_NPY;
  else if (g_str_equal (depth, "png"))
    options.depth_format = GST_TRIAL_DEPTH_PNG;
  else if (g_str_equal (depth, "none"))
    options.depth_format = GST_TRIAL_DEPTH_NONE;
  else
    return usage_error ("--depth must be raw, npy, png or none");

  if (swapped && options.structure != GST_TRIAL_STRUCTURE_SINGLE_CAMERA)
    return usage_error ("--swapped applies to --layout single only");
  options.depth_folder = swapped ? GST_TRIAL_SAMPLE_DEPTH_SWAPPED :
      GST_TRIAL_SAMPLE_DEPTH_IN_DEPTH;

  if (frames < 0)
    return usage_error ("--frames must be 0 or more");
  if (gap_every < 0 || gap_every == 1)
    return usage_error ("--gap-every must be 0 (no gaps) or 2 or more");
  if (seed < 0 || seed > G_MAXUINT32)
    return usage_error ("--seed must be 0 to 4294967295");
  options.start_frame = start;
  options.n_frames = (guint) frames;
  options.gap_every = (guint) gap_every;
  options.seed = (guint32) seed;

  if (size != NULL && !parse_size (size, &options.width, &options.height))
    return usage_error ("--size must be WIDTHxHEIGHT, e.g. 640x480");

  if (!force && folder_has_entries (argv[1])) {
    g_autofree gchar *display = g_filename_display_name (argv[1]);
    g_autofree gchar *message = g_strdup_printf ("'%s' is not empty; give "
        "a new folder, or --force to write into it", display);
    return usage_error (message);
  }

  t0 = g_get_monotonic_time ();
  if (!gst_trial_sample_write (&options, argv[1], &error)) {
    /* the library validates ranges (size, frame numbers) as UNSUPPORTED or
     * TOO_LARGE: those are the user's values, not a failed write */
    if (g_error_matches (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED)
        || g_error_matches (error, GST_TRIAL_ERROR,
            GST_TRIAL_ERROR_TOO_LARGE))
      return usage_error (error->message);
    g_printerr ("trial-make-sample: %s\n", error->message);
    return EXIT_WRITE_ERROR;
  }

  if (!quiet) {
    gdouble seconds = (g_get_monotonic_time () - t0) / 1e6;

    measure_folder (argv[1], &bytes, &files);
    if (options.n_frames > 0)
      g_print ("%s: %u frames (%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT
          ") x %u camera(s), %s, %ux%u, in %.2f s; folder holds %u files, "
          "%.1f MB\n", argv[1], options.n_frames, options.start_frame,
          gst_trial_sample_frame_number (&options, options.n_frames - 1),
          options.structure == GST_TRIAL_STRUCTURE_MULTI_CAMERA ?
          options.n_cameras : 1,
          options.structure == GST_TRIAL_STRUCTURE_MULTI_CAMERA ?
          "multi_camera" : "single_camera", options.width, options.height,
          seconds, files, bytes / 1e6);
    else
      g_print ("%s: 0 frames, folders only\n", argv[1]);
  }
  return EXIT_SUCCESS;
}
