/* trial-process: converts RealSense trials to per-frame PNG and .npy files
 * plus metadata.json, as process_trial.py did, with the trial plugin's
 * elements. Parses options, makes the list of (trial, camera) jobs, picks
 * this shard's share, runs each job and sets the exit status. */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <gst/gst.h>

#include "config.h"
#include "gst/trial/error.h"
#include "guard.h"
#include "job.h"
#include "bagjob.h"
#include "segments.h"
#include "metadata.h"
#include "summary.h"

/* Exit statuses (documented in --help and docs/). */
enum
{
  EXIT_OK = 0,                  /* every frame converted */
  EXIT_FRAMES_FAILED = 1,       /* some frames failed; the rest were written */
  EXIT_USAGE = 2,               /* bad options, or a trial that is not a trial */
  EXIT_PROCESSING = 3,          /* a job stopped on an error (e.g. disk full) */
  EXIT_INSTALL = 4,             /* a GStreamer element is missing */
  EXIT_INTERRUPTED = 130,       /* SIGINT/SIGTERM/SIGHUP: metadata says
                                 * incomplete */
};

#define USAGE_ARGS "TRIAL [CAMERA...] [TRIAL [CAMERA...]...]"

#define HELP_SUMMARY \
  "Converts RealSense trials to OUTPUT/<trial>/<camera>/color/frame_%06d.png,\n" \
  "depth/frame_%06d.npy (float32 metres) and metadata.json, as\n" \
  "process_trial.py TRIAL [CAMERA|--all] did. A CAMERA after a trial converts\n" \
  "that camera of it. trial-process --summarize DIR sums up what runs wrote."

#define HELP_DESCRIPTION \
  "Exit status:\n" \
  "  0    every frame converted\n" \
  "  1    some frames failed, the others were written (metadata.json lists\n" \
  "       each failed frame and why)\n" \
  "  2    usage error or a trial that is not a trial; or, before any work,\n" \
  "       two trials of the same name, an output folder inside an input one\n" \
  "       (or the other way round), or a job another trial-process is\n" \
  "       writing (its lock file " TP_LOCK_NAME "; the other jobs run)\n" \
  "  3    a job stopped on an error (e.g. disk full)\n" \
  "  4    installation problem: a GStreamer element or plugin is missing\n" \
  "  130  interrupted (metadata.json says so; --resume goes on)\n" \
  "With --summarize: 0 every job complete; 1 every job complete, some frames\n" \
  "failed; 2 DIR holds no job; 3 some job incomplete or its metadata.json\n" \
  "unreadable.\n" \
  "\n" \
  "GStreamer's options (--gst-debug=LEVEL, ...) are accepted too.\n" \
  "\n" \
  "Examples:\n" \
  "  trial-process trial_1                 the first camera, to trial_input/\n" \
  "  trial-process trial_1 cam2            camera cam2 (or --camera cam2)\n" \
  "  trial-process trial_1 --all -j 4      every camera, 4 threads\n" \
  "  trial-process t1 t2 --start 231 --stop 300 -o out\n" \
  "  trial-process --summarize out         what the runs into out/ did"

/* Most threads trialconvert's n-threads takes. */
#define MAX_THREADS 1024

static TpInterrupt interrupt = { 0, 1 };

/* The first signal stops the run cleanly; a second one ends the process at
 * once, but only while every job's metadata.json says how far it got (else
 * job.c ends it as soon as it has written one). */
static void
on_signal (int sig)
{
  (void) sig;
  if (++interrupt.signals > 1 && interrupt.may_exit)
    _exit (EXIT_INTERRUPTED);
}

/* A (trial, camera) the command line asks for, before it is scanned; each
 * becomes a TpJob (job.h). */
typedef struct
{
  gchar *trial;
  gchar *camera;
  gchar *error;                 /* why the trial could not be listed */
} TrialCamera;

static void
trial_camera_clear (gpointer data)
{
  TrialCamera *spec = data;
  g_free (spec->trial);
  g_free (spec->camera);
  g_free (spec->error);
}

static const gchar *
frames_word (gint64 n)
{
  return n == 1 ? "frame" : "frames";
}

/* The line a job ends with, of a trial folder or a bag (@unpaired < 0: a
 * folder's, whose frames pair by number), in one shape. */
static void
print_job_line (FILE * out, const gchar * trial, const gchar * camera,
    const gchar * state, gint64 successful, gint64 total, gint64 failed,
    gint64 unpaired, gdouble seconds, gdouble fps, const gchar * output_dir)
{
  g_autoptr (GString) line = g_string_new (NULL);

  g_string_printf (line, "%s/%s: %s, %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
      " %s ok, %" G_GINT64_FORMAT " failed", trial, camera, state, successful,
      total, frames_word (total), failed);
  if (unpaired >= 0)
    g_string_append_printf (line, ", %" G_GINT64_FORMAT " depth %s unpaired",
        unpaired, frames_word (unpaired));
  g_string_append_printf (line, ", %.2f s, %.1f fps, -> %s\n", seconds, fps,
      output_dir);
  fputs (line->str, out);
}

/* A .bag recording (bagjob.c): its status, metadata.json as for folders. */
static gint
run_bag_camera (const gchar * path, const gchar * camera,
    const TpOptions * options, gboolean json, gboolean quiet)
{
  g_autoptr (JsonNode) meta = NULL;
  gint status;
  JsonObject *o;

  status = tp_bag_run (path, camera, options, &interrupt, &meta);

  if (meta == NULL)
    return status;
  if (json) {
    g_autofree gchar *line = json_to_string (meta, FALSE);

    fprintf (stdout, "%s\n", line);
  }
  o = json_node_get_object (meta);
  if (!quiet) {
    const gchar *trial = json_object_get_string_member (o, "trial_name");
    const gchar *cam = json_object_get_string_member (o, "output_camera");
    g_autofree gchar *dir = g_build_filename (options->output_base, trial,
        cam, NULL);

    print_job_line (json ? stderr : stdout, trial, cam,
        json_object_get_boolean_member (o, "interrupted") ? "interrupted" :
        json_object_get_boolean_member (o, "complete") ? "done" : "stopped",
        json_object_get_int_member (o, "successful"),
        json_object_get_int_member (o, "total_frames"),
        json_object_get_int_member (o, "failed"),
        json_object_get_int_member (o, "unpaired_depth_frames"),
        json_object_get_double_member (o, "processing_time_seconds"),
        json_object_get_double_member (o, "processing_fps"), dir);
  }
  return status;
}

/* A bag: the camera --camera names, else each of its devices. With a
 * time window, a device with no color frame in it is left out, saying so;
 * the bag is refused when no device has one. */
static gint
run_bag (const gchar * path, const gchar * camera, const TpOptions * options,
    gboolean json, gboolean quiet)
{
  g_auto (GStrv) devices = NULL;
  g_autoptr (GHashTable) skipped = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *trial = NULL;
  TpBagWindow window = TP_BAG_WINDOW_OK;
  gint status = EXIT_OK;
  gchar **d;

  if (camera != NULL)
    return run_bag_camera (path, camera, options, json, quiet);
  devices = tp_bag_list_devices (path);
  if (devices[0] == NULL)
    return run_bag_camera (path, NULL, options, json, quiet);
  skipped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!isnan (options->start_time) || !isnan (options->end_time))
    window = tp_bag_check_window (path, NULL, options->start_time,
        options->end_time, skipped, &error);
  if (window != TP_BAG_WINDOW_OK) {
    /* as tp_bag_run says it for one camera */
    g_printerr ("trial-process: %s%s\n", window == TP_BAG_WINDOW_AFTER_END ?
        "--start-time " : "", error->message);
    return EXIT_USAGE;
  }
  trial = tp_bag_trial_name (path, options);
  for (d = devices; *d && !interrupt.signals; d++) {
    const gchar *why = g_hash_table_lookup (skipped, *d);
    gint camera_status;

    if (why != NULL) {
      g_printerr ("trial-process: %s: %s, so %s/%s is not written\n", path,
          why, trial, *d);
      continue;
    }
    camera_status = run_bag_camera (path, *d, options, json, quiet);
    status = MAX (status, camera_status);
  }
  return status;
}

static gboolean
parse_shard (const gchar * text, guint * k, guint * n)
{
  guint64 a, b;
  gchar *end;

  if (text == NULL)
    return TRUE;
  a = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '/')
    return FALSE;
  text = end + 1;
  b = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '\0' || b == 0 || a == 0 || a > b || b > G_MAXUINT)
    return FALSE;
  *k = a;
  *n = b;
  return TRUE;
}

/* The seed's form, process_trial.py TRIAL [CAMERA]: a positional that exists
 * is a trial; one that does not, but is the name of a camera of the trial
 * before it, is a camera of that trial (several may follow it); anything
 * else is refused here, before any work. A bare name that is both a folder
 * and a camera of the trial before it is refused as ambiguous. On success
 * @trials holds the trials and @cameras, per trial, the cameras named after
 * it (a GPtrArray of names, empty when none was). */
static gboolean
split_positionals (gchar ** args, GStrv * trials, GPtrArray ** cameras,
    GError ** error)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) named =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GstTrialLayout) previous = NULL;
  g_auto (GStrv) previous_bag = NULL;   /* devices of a bag of several */
  GstTrialScanOptions scan = GST_TRIAL_SCAN_OPTIONS_INIT;
  gchar **a;

  for (a = args; *a; a++) {
    g_autofree gchar *display = g_filename_display_name (*a);
    const gchar *const *cams = previous ?
        gst_trial_layout_get_cameras (previous) : previous_bag
        && previous_bag[0] ? (const gchar * const *) previous_bag : NULL;
    gboolean is_camera = cams && g_strv_contains (cams, *a);
    gboolean exists = g_file_test (*a, G_FILE_TEST_EXISTS);

    if (is_camera && exists) {
      g_autofree gchar *trial = g_filename_display_name (g_ptr_array_index
          (found, found->len - 1));

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "'%s' is both a folder here and a camera of the trial '%s' before "
          "it; did you mean --camera %s (or ./%s to convert the folder as a "
          "trial)?", display, trial, display, display);
      return FALSE;
    }
    if (is_camera) {
      GPtrArray *list = g_ptr_array_index (named, named->len - 1);
      g_ptr_array_add (list, g_strdup (*a));
      continue;
    }
    if (!exists && cams) {
      g_autofree gchar *list = g_strjoinv (", ", (gchar **) cams);
      g_autofree gchar *trial = g_filename_display_name (g_ptr_array_index
          (found, found->len - 1));

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "'%s' is neither a trial folder nor a camera of '%s' (its cameras: "
          "%s)", display, trial, list);
      return FALSE;
    }
    if (!exists) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
          "%s '%s' does not exist", g_str_has_suffix (*a, ".bag") ?
          "bag file" : "trial folder", display);
      return FALSE;
    }
    g_ptr_array_add (found, g_strdup (*a));
    g_ptr_array_add (named, g_ptr_array_new_with_free_func (g_free));
    g_clear_pointer (&previous, gst_trial_layout_unref);
    g_clear_pointer (&previous_bag, g_strfreev);
    if (tp_is_bag (*a))
      previous_bag = tp_bag_list_devices (*a);
    else
      previous = gst_trial_layout_scan (*a, &scan, NULL);
  }
  g_ptr_array_add (found, NULL);
  *trials = (GStrv) g_ptr_array_free (g_steal_pointer (&found), FALSE);
  *cameras = g_steal_pointer (&named);
  return TRUE;
}

/* Every (trial, camera) job, in the order the trials were given; a trial
 * with cameras named after it (@named) has one job per camera. With --all
 * a trial is scanned here to know its cameras; a trial that cannot be
 * scanned is still a job (it fails in its own shard, with its reason). */
static GArray *
list_jobs (gchar ** trials, GPtrArray * named, const gchar * camera,
    gboolean all)
{
  GArray *specs = g_array_new (FALSE, TRUE, sizeof (TrialCamera));
  gchar **t;

  g_array_set_clear_func (specs, trial_camera_clear);
  for (t = trials; *t; t++) {
    GPtrArray *cams = g_ptr_array_index (named, t - trials);
    TrialCamera spec = { g_strdup (*t), g_strdup (camera), NULL };
    guint c;

    for (c = 0; c < cams->len; c++) {
      TrialCamera cam = { g_strdup (*t), g_strdup (g_ptr_array_index (cams, c)),
        NULL
      };
      g_array_append_val (specs, cam);
    }
    if (cams->len > 0) {
      trial_camera_clear (&spec);
      continue;
    }
    if (all) {
      GstTrialScanOptions opts = GST_TRIAL_SCAN_OPTIONS_INIT;
      g_autoptr (GError) error = NULL;
      g_autoptr (GstTrialLayout) layout = gst_trial_layout_scan (*t, &opts,
          &error);
      if (layout && gst_trial_layout_get_structure (layout) ==
          GST_TRIAL_STRUCTURE_MULTI_CAMERA) {
        const gchar *const *cams = gst_trial_layout_get_cameras (layout);
        g_free (spec.trial);
        for (; *cams; cams++) {
          TrialCamera cam = { g_strdup (*t), g_strdup (*cams), NULL };
          g_array_append_val (specs, cam);
        }
        continue;
      }
      if (layout == NULL)
        spec.error = g_strdup (error->message);
    }
    g_array_append_val (specs, spec);
  }
  return specs;
}

/* A folder -o names cannot be made when it, or the nearest of its parents
 * that is there, is a symbolic link to a missing target: says so, where
 * mkdir would only say "No such file or directory". */
static gboolean
check_output_link (const gchar * output, GError ** error)
{
  g_autofree gchar *path = g_strdup (output);
  GStatBuf st;

  while (g_lstat (path, &st) != 0) {
    gchar *parent = g_path_get_dirname (path);

    if (strcmp (parent, path) == 0) {
      g_free (parent);
      return TRUE;
    }
    g_free (path);
    path = parent;
  }
  if (S_ISLNK (st.st_mode) && g_stat (path, &st) != 0 && errno == ENOENT) {
    g_autofree gchar *target = g_file_read_link (path, NULL);
    g_autofree gchar *display = g_filename_display_name (output);
    g_autofree gchar *link = g_filename_display_name (path);
    g_autofree gchar *shown = g_filename_display_name (target ? target : "");

    if (strcmp (path, output) == 0)
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NOT_FOUND,
          "-o '%s' is a symbolic link to '%s', which does not exist",
          display, shown);
    else
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NOT_FOUND,
          "-o '%s': '%s' is a symbolic link to '%s', which does not exist",
          display, link, shown);
    return FALSE;
  }
  return TRUE;
}

static void
print_summary (const TpJob * job, FILE * out)
{
  const gchar *state = job->interrupted ? "interrupted" :
      job->error ? "stopped" : "done";

  print_job_line (out, gst_trial_layout_get_trial_name (job->layout),
      gst_trial_layout_get_output_camera (job->layout), state, job->successful,
      job->total_frames, job->failed, -1, job->processing_time,
      job->processing_fps, job->output_dir);
  if (job->error)
    fprintf (out, "  error: %s\n", job->error);
}

/* Refuses, before any work, jobs whose output would be written into the
 * folders of input files (of any trial given, or of a stream folder that a
 * trial links to elsewhere), or whose input lies inside an output folder. */
static gboolean
check_apart (gchar ** trials, GPtrArray * jobs, const gchar * output_base,
    GError ** error)
{
  g_autoptr (GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) owners = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) job_outputs = g_ptr_array_new ();
  g_autoptr (GPtrArray) trial_outputs =
      g_ptr_array_new_with_free_func (g_free);
  gchar **t;
  guint i;

  for (t = trials; *t; t++) {
    g_ptr_array_add (inputs, g_strdup (*t));
    g_ptr_array_add (owners, g_strdup (*t));
    g_ptr_array_add (trial_outputs, tp_guard_trial_output (*t, output_base));
  }
  for (i = 0; i < jobs->len; i++) {
    const TpJob *job = g_ptr_array_index (jobs, i);
    const gchar *dirs[] = {
      gst_trial_layout_get_color_dir (job->layout),
      gst_trial_layout_get_depth_dir (job->layout),
    };
    guint d;

    for (d = 0; d < G_N_ELEMENTS (dirs); d++) {
      if (dirs[d] == NULL)
        continue;
      g_ptr_array_add (inputs, g_strdup (dirs[d]));
      g_ptr_array_add (owners, g_strdup (job->trial_path));
    }
    g_ptr_array_add (job_outputs, job->output_dir);
  }
  g_ptr_array_add (inputs, NULL);
  g_ptr_array_add (owners, NULL);
  g_ptr_array_add (job_outputs, NULL);
  g_ptr_array_add (trial_outputs, NULL);
  return tp_guard_apart ((const gchar * const *) inputs->pdata,
      (const gchar * const *) owners->pdata,
      (const gchar * const *) job_outputs->pdata,
      (const gchar * const *) trial_outputs->pdata, error);
}

/* GOption's help of the options in @entries alone (GStreamer's long option
 * names and the TRIAL... entry would widen its first column past 80
 * characters), "[OPTION…]" in ASCII (GLib would print "?" for the "…" in a
 * C locale). */
static void
print_help (const GOptionEntry * entries)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (USAGE_ARGS);
  g_autoptr (GArray) options = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_autofree gchar *text = NULL;
  g_auto (GStrv) parts = NULL;
  g_autofree gchar *ascii = NULL;

  for (; entries->long_name; entries++)
    if (strcmp (entries->long_name, G_OPTION_REMAINING) != 0)
      g_array_append_val (options, *entries);
  g_option_context_add_main_entries (ctx, (GOptionEntry *) options->data,
      NULL);
  g_option_context_set_help_enabled (ctx, FALSE);
  g_option_context_set_summary (ctx, HELP_SUMMARY);
  g_option_context_set_description (ctx, HELP_DESCRIPTION);
  text = g_option_context_get_help (ctx, TRUE, NULL);
  parts = g_strsplit (text, "[OPTION\u2026]", -1);
  ascii = g_strjoinv ("[OPTION...]", parts);
  fputs (ascii, stdout);
}

/* --segments FILE on one .bag: every row checked (segments.c, and its
 * window against the recording of each camera it is for) before anything
 * is written, then one trial per row of this shard,
 * trial_input/<name>/<camera> for @camera (--camera) or each device. */
static gint
run_segments (const gchar * file, gchar ** trials, const gchar * camera,
    const TpOptions * options, guint shard_k, guint shard_n, gboolean json,
    gboolean quiet)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) segments = NULL;
  gint status = EXIT_OK;
  guint i;

  if (g_strv_length (trials) != 1 || !tp_is_bag (trials[0])) {
    g_printerr ("trial-process: --segments takes one .bag recording\n");
    return EXIT_USAGE;
  }
  if (!isnan (options->start_time) || !isnan (options->end_time)) {
    g_printerr ("trial-process: --segments and --start-time/--end-time "
        "exclude each other\n");
    return EXIT_USAGE;
  }
  segments = tp_segments_load (file, &error);
  if (segments == NULL
      || !tp_bag_check_segments (trials[0], camera, segments, file,
          &error)) {
    g_printerr ("trial-process: %s\n", error->message);
    return EXIT_USAGE;
  }
  for (i = 0; i < segments->len && !interrupt.signals; i++) {
    const TpSegment *seg = g_ptr_array_index (segments, i);
    TpOptions row = *options;
    gint row_status;

    if (i % shard_n != shard_k - 1)
      continue;
    row.trial_name = seg->name;
    row.start_time = seg->start;
    row.end_time = seg->end;
    row_status = run_bag (trials[0], camera, &row, json, quiet);
    status = MAX (status, row_status);
  }
  return interrupt.signals ? EXIT_INTERRUPTED : status;
}

/* ximagesink on X11 (XWayland included): autovideosink would pick
 * glimagesink, which without a GPU renders in software and costs more CPU
 * than a 10 fps preview may take from the conversion. */
static const gchar *
default_preview_sink (void)
{
  g_autoptr (GstElementFactory) x = NULL;

  if (g_getenv ("DISPLAY") && (x = gst_element_factory_find ("ximagesink")))
    return "ximagesink";
  return "autovideosink";
}

/* --depth-size WxH: the shape of headerless .raw depth frames. */
static gboolean
parse_depth_size (const gchar * text, guint * width, guint * height)
{
  g_auto (GStrv) parts = NULL;
  guint64 w, h;

  if (text == NULL)
    return TRUE;
  parts = g_strsplit (text, "x", 3);
  if (g_strv_length (parts) != 2
      || !g_ascii_string_to_unsigned (parts[0], 10, 1,
          GST_TRIAL_MAX_DIMENSION, &w, NULL)
      || !g_ascii_string_to_unsigned (parts[1], 10, 1,
          GST_TRIAL_MAX_DIMENSION, &h, NULL))
    return FALSE;
  *width = w;
  *height = h;
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autofree gchar *camera = NULL, *output = NULL, *color_mode = NULL,
      *verify = NULL, *shard = NULL, *preview_sink = NULL, *summarize = NULL,
      *depth_size = NULL, *align = NULL, *segments_file = NULL,
      *align_rule = NULL;
  gdouble start_time = NAN, end_time = NAN;
  g_auto (GStrv) args = NULL, trials = NULL;
  g_autoptr (GPtrArray) named = NULL;
  gboolean all = FALSE, resume = FALSE, quiet = FALSE, json = FALSE,
      version = FALSE, preview = FALSE, help = FALSE;
  gint threads = 0, level = 1;
  /* G_MININT64: not given (-1 means the same to trialsrc) */
  gint64 start = G_MININT64, stop = G_MININT64;
  /* One line each on an 80-column terminal (issue 18). */
  GOptionEntry entries[] = {
    {"camera", 'c', 0, G_OPTION_ARG_STRING, &camera,
        "Camera to convert (default: first; .bag: all)", "NAME"},
    {"all", 'a', 0, G_OPTION_ARG_NONE, &all, "Convert every camera", NULL},
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
        "Output folder (default: trial_input)", "DIR"},
    {"threads", 'j', 0, G_OPTION_ARG_INT, &threads,
        "Threads, 0-1024 (default 0: one per core)", "N"},
    {"start", 0, 0, G_OPTION_ARG_INT64, &start,
        "First frame number to convert", "N"},
    {"stop", 0, 0, G_OPTION_ARG_INT64, &stop,
        "Last frame number to convert (inclusive)", "N"},
    {"color-mode", 0, 0, G_OPTION_ARG_STRING, &color_mode,
        "auto copies intact RGB PNGs (default)", "auto|reencode"},
    {"verify", 0, 0, G_OPTION_ARG_STRING, &verify,
        "PNG check before a copy (default: data)", "chunks|data"},
    {"compression-level", 0, 0, G_OPTION_ARG_INT, &level,
        "PNG level: 1-3 igzip, 0/4-9 zlib (default 1)", "N"},
    {"depth-size", 0, 0, G_OPTION_ARG_STRING, &depth_size,
        "Shape of .raw depth frames (default: by size)", "WxH"},
    {"start-time", 0, 0, G_OPTION_ARG_DOUBLE, &start_time,
        ".bag: from S seconds after its first frame", "S"},
    {"end-time", 0, 0, G_OPTION_ARG_DOUBLE, &end_time,
        ".bag: up to (not at) E seconds", "E"},
    {"segments", 0, 0, G_OPTION_ARG_FILENAME, &segments_file,
        ".bag: a trial per CSV row name,start,end", "FILE"},
    {"align", 0, 0, G_OPTION_ARG_STRING, &align,
        ".bag depth aligned to color (default) or not",
        "color|none"},
    {"align-rule", 0, 0, G_OPTION_ARG_STRING, &align_rule,
        "librealsense-x86 (default) or portable", "RULE"},
    {"resume", 0, 0, G_OPTION_ARG_NONE, &resume,
        "Keep the frames an earlier run wrote", NULL},
    {"preview", 0, 0, G_OPTION_ARG_NONE, &preview,
        "Show the frames in a window while converting", NULL},
    {"preview-sink", 0, 0, G_OPTION_ARG_STRING, &preview_sink,
        "Sink of --preview (default: ximagesink)", "ELEMENT"},
    {"shard", 0, 0, G_OPTION_ARG_STRING, &shard,
        "Only the K-th of N shares of the jobs", "K/N"},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but errors",
        NULL},
    {"json", 0, 0, G_OPTION_ARG_NONE, &json,
        "Print metadata.json as JSON lines on stdout", NULL},
    {"summarize", 0, 0, G_OPTION_ARG_FILENAME, &summarize,
        "Sum up the jobs below DIR; convert nothing", "DIR"},
    {"version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL},
    {"help", 'h', 0, G_OPTION_ARG_NONE, &help, "Show this help", NULL},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &args, NULL,
        USAGE_ARGS},
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) specs = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  g_autoptr (GPtrArray) bags = NULL;
  g_autoptr (GPtrArray) bag_cameras = NULL;     /* --camera of each bag */
  g_autoptr (GHashTable) warned = NULL;
  TpOptions options = { 0 };
  guint shard_k = 1, shard_n = 1, i;
  gint status = EXIT_OK;
  struct sigaction sa;

  /* GLib's own messages (GOption's errors, --help) in the user's charset;
   * every number we print or parse keeps a '.' whatever the locale. */
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  /* --help is ours (print_help) */
  g_option_context_set_help_enabled (ctx, FALSE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("trial-process: %s\n", error->message);
    return EXIT_USAGE;
  }
  if (help) {
    print_help (entries);
    return EXIT_OK;
  }
  if (version) {
    g_print ("trial-process %s\n", VERSION);
    return EXIT_OK;
  }
  if (summarize) {
    if (args && args[0]) {
      g_printerr ("trial-process: --summarize DIR takes no TRIAL\n");
      return EXIT_USAGE;
    }
    return tp_summarize (summarize, json);
  }
  if (args == NULL || args[0] == NULL) {
    g_printerr ("trial-process: no trial given; usage: trial-process "
        "[OPTION...] " USAGE_ARGS " (see --help)\n");
    return EXIT_USAGE;
  }
  if (all && camera) {
    g_printerr ("trial-process: --camera and --all exclude each other\n");
    return EXIT_USAGE;
  }
  if (threads < 0 || threads > MAX_THREADS) {
    g_printerr ("trial-process: --threads must be 0-%d (0: one per "
        "processor), not %d\n", MAX_THREADS, threads);
    return EXIT_USAGE;
  }
  if (level < 0 || level > 9) {
    g_printerr ("trial-process: --compression-level must be 0-9, not %d\n",
        level);
    return EXIT_USAGE;
  }
  if (start != G_MININT64 && start < 0) {
    g_printerr ("trial-process: --start must be a frame number >= 0, not %"
        G_GINT64_FORMAT "\n", start);
    return EXIT_USAGE;
  }
  if (stop != G_MININT64 && stop < 0) {
    g_printerr ("trial-process: --stop must be a frame number >= 0, not %"
        G_GINT64_FORMAT "\n", stop);
    return EXIT_USAGE;
  }
  start = MAX (start, -1);
  stop = MAX (stop, -1);
  if (color_mode && strcmp (color_mode, "auto") != 0
      && strcmp (color_mode, "reencode") != 0) {
    g_printerr ("trial-process: --color-mode must be auto or reencode, not "
        "'%s'\n", color_mode);
    return EXIT_USAGE;
  }
  if (align && strcmp (align, "color") != 0 && strcmp (align, "none") != 0) {
    g_printerr ("trial-process: --align must be color or none, not '%s'\n",
        align);
    return EXIT_USAGE;
  }
  options.align_none = align != NULL && strcmp (align, "none") == 0;
  if (align_rule && !gst_trial_align_rule_from_name (align_rule,
          &options.align_rule, NULL)) {
    g_printerr ("trial-process: --align-rule must be librealsense-x86 or "
        "portable, not '%s'\n", align_rule);
    return EXIT_USAGE;
  }
  if ((!isnan (start_time) && !(start_time >= 0 && isfinite (start_time)))
      || (!isnan (end_time) && !(end_time > 0 && isfinite (end_time)))
      || (!isnan (start_time) && !isnan (end_time)
          && end_time <= start_time)) {
    g_printerr ("trial-process: --start-time and --end-time must be seconds "
        "with 0 <= start < end\n");
    return EXIT_USAGE;
  }
  options.start_time = start_time;
  options.end_time = end_time;
  if (verify && strcmp (verify, "chunks") != 0
      && strcmp (verify, "data") != 0) {
    g_printerr ("trial-process: --verify must be chunks or data, not '%s'\n",
        verify);
    return EXIT_USAGE;
  }
  if (start >= 0 && stop >= 0 && start > stop) {
    g_printerr ("trial-process: --start %" G_GINT64_FORMAT " is after --stop %"
        G_GINT64_FORMAT "\n", start, stop);
    return EXIT_USAGE;
  }
  if (!parse_shard (shard, &shard_k, &shard_n)) {
    g_printerr ("trial-process: --shard must be K/N with 1 <= K <= N, not "
        "'%s'\n", shard);
    return EXIT_USAGE;
  }

  if (!parse_depth_size (depth_size, &options.depth_width,
          &options.depth_height)) {
    g_printerr ("trial-process: --depth-size must be WxH with each side 1 to "
        "%u, not '%s'\n", GST_TRIAL_MAX_DIMENSION, depth_size);
    return EXIT_USAGE;
  }

  if ((preview || preview_sink) && !g_getenv ("DISPLAY") && !g_getenv ("WAYLAND_DISPLAY")) {
    g_printerr ("trial-process: --preview needs a display (neither DISPLAY "
        "nor WAYLAND_DISPLAY is set)\n");
    return EXIT_USAGE;
  }

  options.preview = preview || preview_sink != NULL;
  options.preview_sink = preview_sink ? preview_sink : default_preview_sink ();
  if (!tp_job_check_elements (&options, &error)) {
    g_printerr ("trial-process: %s\n", error->message);
    return EXIT_INSTALL;
  }
  if (!split_positionals (args, &trials, &named, &error)) {
    g_printerr ("trial-process: %s\n", error->message);
    return EXIT_USAGE;
  }
  for (i = 0; i < named->len; i++) {
    GPtrArray *cams = g_ptr_array_index (named, i);

    if (cams->len > 0 && (all || camera)) {
      g_printerr ("trial-process: a CAMERA after TRIAL and --%s exclude each "
          "other\n", all ? "all" : "camera");
      return EXIT_USAGE;
    }
  }

  options.output_base = output ? output : "trial_input";
  if (g_file_test (options.output_base, G_FILE_TEST_EXISTS)
      && !g_file_test (options.output_base, G_FILE_TEST_IS_DIR)) {
    g_autofree gchar *display = g_filename_display_name (options.output_base);

    g_printerr ("trial-process: -o '%s' is a file, expected a folder\n",
        display);
    return EXIT_USAGE;
  }
  if (!check_output_link (options.output_base, &error)
      || !tp_guard_distinct_names ((const gchar * const *) trials,
          options.output_base, &error)) {
    g_printerr ("trial-process: %s\n", error->message);
    return EXIT_USAGE;
  }
  options.threads = threads > 0 ? (guint) threads : g_get_num_processors ();
  options.start_frame = start;
  options.stop_frame = stop;
  options.color_mode = color_mode ? color_mode : "auto";
  options.verify = verify ? verify : "data";
  options.compression_level = level;
  options.resume = resume;
  options.progress_bar = !quiet && isatty (STDERR_FILENO);
  options.quiet = quiet;
  options.warned = warned = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);

  if (segments_file != NULL) {
    GPtrArray *cams = named->len > 0 ? g_ptr_array_index (named, 0) : NULL;

    if (cams != NULL && cams->len > 1) {
      g_printerr ("trial-process: --segments takes one camera of the bag\n");
      return EXIT_USAGE;
    }
    return run_segments (segments_file, trials, cams && cams->len ?
        g_ptr_array_index (cams, 0) : camera, &options, shard_k, shard_n,
        json, quiet);
  }

  /* Every job of this shard is scanned and checked before any is run. */
  specs = list_jobs (trials, named, camera, all);
  jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) tp_job_free);
  bags = g_ptr_array_new_with_free_func (g_free);
  bag_cameras = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < specs->len && !interrupt.signals; i++) {
    TrialCamera *spec = &g_array_index (specs, TrialCamera, i);
    GstTrialScanOptions scan = GST_TRIAL_SCAN_OPTIONS_INIT;
    g_autoptr (GstTrialLayout) layout = NULL;
    g_autoptr (GError) job_error = NULL;

    if (i % shard_n != shard_k - 1)
      continue;
    if (tp_is_bag (spec->trial)) {
      g_ptr_array_add (bags, g_strdup (spec->trial));
      g_ptr_array_add (bag_cameras, g_strdup (spec->camera));
      continue;
    }
    if (spec->error) {
      g_printerr ("trial-process: %s\n", spec->error);
      status = MAX (status, EXIT_USAGE);
      continue;
    }
    scan.camera = spec->camera;
    scan.start_frame = start;
    scan.stop_frame = stop;
    scan.depth_width = options.depth_width;
    scan.depth_height = options.depth_height;
    layout = gst_trial_layout_scan (spec->trial, &scan, &job_error);
    if (layout == NULL) {
      g_printerr ("trial-process: %s\n", job_error->message);
      status = MAX (status, EXIT_USAGE);
      continue;
    }
    g_ptr_array_add (jobs, tp_job_new (spec->trial, spec->camera, layout,
            options.output_base));
  }
  if ((!isnan (start_time) || !isnan (end_time)) && jobs->len > 0) {
    g_printerr ("trial-process: --start-time and --end-time take .bag "
        "recordings only; '%s' is a trial folder (use --start/--stop)\n",
        ((TpJob *) g_ptr_array_index (jobs, 0))->trial_path);
    return EXIT_USAGE;
  }
  if (!check_apart (trials, jobs, options.output_base, &error)) {
    g_printerr ("trial-process: %s\n", error->message);
    return EXIT_USAGE;
  }

  for (i = 0; i < jobs->len && !interrupt.signals; i++) {
    TpJob *job = g_ptr_array_index (jobs, i);
    g_autoptr (GError) job_error = NULL;
    g_autoptr (JsonNode) meta = NULL;
    g_autoptr (TpLock) lock = tp_lock_acquire (job->output_dir, &job_error);

    if (lock == NULL) {
      g_printerr ("trial-process: %s\n", job_error->message);
      if (!g_error_matches (job_error, TP_GUARD_ERROR, TP_GUARD_ERROR_LOCKED))
        return EXIT_PROCESSING;
      status = MAX (status, EXIT_USAGE);
      continue;
    }
    if (!tp_job_run (job, &options, &interrupt, &job_error)) {
      g_printerr ("trial-process: %s\n", job_error->message);
      return g_error_matches (job_error, GST_CORE_ERROR,
          GST_CORE_ERROR_MISSING_PLUGIN) ? EXIT_INSTALL : EXIT_PROCESSING;
    }
    meta = tp_metadata_build (job, &options);
    if (!tp_metadata_write (meta, job->output_dir, &job_error)) {
      g_printerr ("trial-process: cannot write metadata.json: %s\n",
          job_error->message);
      status = MAX (status, EXIT_PROCESSING);
    }
    interrupt.may_exit = 1;
    if (json) {
      g_autofree gchar *line = tp_json_to_string (meta, FALSE);
      /* UTF-8 as it is: g_print() would turn non-ASCII into '?' in a
       * C locale, and JSON is read by programs */
      fprintf (stdout, "%s\n", line);
    }
    if (!quiet)
      print_summary (job, json ? stderr : stdout);
    if (job->interrupted)
      status = EXIT_INTERRUPTED;
    else if (job->error)
      status = MAX (status, EXIT_PROCESSING);
    else if (job->failed > 0 && status == EXIT_OK)
      status = EXIT_FRAMES_FAILED;
  }
  for (i = 0; i < bags->len && !interrupt.signals; i++) {
    gint bag_status = run_bag (g_ptr_array_index (bags, i),
        g_ptr_array_index (bag_cameras, i), &options, json,
        quiet);

    status = MAX (status, bag_status);
  }
  if (interrupt.signals)
    status = EXIT_INTERRUPTED;

  return status;
}
