/* trial-process: converts RealSense trials to per-frame PNG and .npy files
 * plus metadata.json, as process_trial.py did, with the trial plugin's
 * elements. Parses options, makes the list of (trial, camera) jobs, picks
 * this shard's share, runs each job and sets the exit status. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gst/gst.h>

#include "config.h"
#include "job.h"
#include "metadata.h"
#include "summary.h"

/* Exit statuses (documented in --help and docs/). */
enum
{
  EXIT_OK = 0,                  /* every frame converted */
  EXIT_FRAMES_FAILED = 1,       /* some frames failed; the rest were written */
  EXIT_USAGE = 2,               /* bad options, or a trial that is not a trial */
  EXIT_PROCESSING = 3,          /* a job stopped on an error (e.g. disk full) */
  EXIT_INTERRUPTED = 130,       /* SIGINT/SIGTERM: metadata says incomplete */
};

static volatile gint cancel_requested = 0;

static void
on_signal (int sig)
{
  (void) sig;
  cancel_requested = 1;
}

typedef struct
{
  gchar *trial;
  gchar *camera;
  gchar *error;                 /* why the trial could not be listed */
} JobSpec;

static void
job_spec_clear (gpointer data)
{
  JobSpec *spec = data;
  g_free (spec->trial);
  g_free (spec->camera);
  g_free (spec->error);
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

/* Every (trial, camera) job, in the order the trials were given. With --all
 * a trial is scanned here to know its cameras; a trial that cannot be
 * scanned is still a job (it fails in its own shard, with its reason). */
static GArray *
list_jobs (gchar ** trials, const gchar * camera, gboolean all)
{
  GArray *specs = g_array_new (FALSE, TRUE, sizeof (JobSpec));
  gchar **t;

  g_array_set_clear_func (specs, job_spec_clear);
  for (t = trials; *t; t++) {
    JobSpec spec = { g_strdup (*t), g_strdup (camera), NULL };
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
          JobSpec cam = { g_strdup (*t), g_strdup (*cams), NULL };
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

static void
print_summary (const TpJob * job, FILE * out)
{
  const gchar *state = job->interrupted ? "interrupted" :
      job->error ? "stopped" : "done";

  fprintf (out, "%s/%s: %s, %u/%u frames ok, %u failed, %.2f s, %.1f fps, "
      "-> %s\n", gst_trial_layout_get_trial_name (job->layout),
      gst_trial_layout_get_output_camera (job->layout), state, job->successful,
      job->total_frames, job->failed, job->processing_time,
      job->processing_fps, job->output_dir);
  if (job->error)
    fprintf (out, "  error: %s\n", job->error);
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

int
main (int argc, char **argv)
{
  g_autofree gchar *camera = NULL, *output = NULL, *color_mode = NULL,
      *verify = NULL, *shard = NULL, *preview_sink = NULL, *summarize = NULL;
  g_auto (GStrv) trials = NULL;
  gboolean all = FALSE, resume = FALSE, quiet = FALSE, json = FALSE,
      version = FALSE, preview = FALSE;
  gint threads = 0, level = 1;
  gint64 start = -1, stop = -1;
  GOptionEntry entries[] = {
    {"camera", 'c', 0, G_OPTION_ARG_STRING, &camera,
        "Camera to convert (default: the first)", "NAME"},
    {"all", 'a', 0, G_OPTION_ARG_NONE, &all, "Convert every camera", NULL},
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
        "Output base folder (default: trial_input)", "DIR"},
    {"threads", 'j', 0, G_OPTION_ARG_INT, &threads,
        "Conversion threads shared by color and depth (default: all cores)",
        "N"},
    {"start", 0, 0, G_OPTION_ARG_INT64, &start,
        "First frame number to convert (inclusive)", "N"},
    {"stop", 0, 0, G_OPTION_ARG_INT64, &stop,
        "Last frame number to convert (inclusive)", "N"},
    {"color-mode", 0, 0, G_OPTION_ARG_STRING, &color_mode,
          "auto: copy intact 8-bit RGB PNGs as they are (default); "
          "reencode: always decode and encode", "auto|reencode"},
    {"verify", 0, 0, G_OPTION_ARG_STRING, &verify,
          "What auto checks before copying a PNG: data: every CRC-32, IEND "
          "and the image data inflated, so every copy decodes (default); "
          "chunks: CRC-32s and IEND only (faster, copies PNGs an encoder "
          "wrote wrongly)",
        "chunks|data"},
    {"compression-level", 0, 0, G_OPTION_ARG_INT, &level,
        "zlib level of written PNGs, 0-9 (default: 1)", "N"},
    {"resume", 0, 0, G_OPTION_ARG_NONE, &resume,
        "Keep frames already written by an earlier run", NULL},
    {"preview", 0, 0, G_OPTION_ARG_NONE, &preview,
        "Show color and colourised depth in a window while converting", NULL},
    {"preview-sink", 0, 0, G_OPTION_ARG_STRING, &preview_sink,
          "Video sink for --preview (default: ximagesink on X11, else "
          "autovideosink)", "ELEMENT"},
    {"shard", 0, 0, G_OPTION_ARG_STRING, &shard,
          "Convert only the K-th of N equal shares of the (trial, camera) "
          "jobs, K from 1 (for job arrays)", "K/N"},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but errors",
        NULL},
    {"json", 0, 0, G_OPTION_ARG_NONE, &json,
          "Print each job's metadata as one JSON line on stdout (with "
          "--summarize: the summary as one JSON object)", NULL},
    {"summarize", 0, 0, G_OPTION_ARG_FILENAME, &summarize,
          "Print the totals of every job below DIR (an -o folder) and list "
          "the incomplete ones and the failed frames; convert nothing", "DIR"},
    {"version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &trials, NULL,
        "TRIAL..."},
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) ctx =
      g_option_context_new ("TRIAL... - convert RealSense trials");
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) specs = NULL;
  TpOptions options = { 0 };
  guint shard_k = 1, shard_n = 1, i;
  gint status = EXIT_OK;
  struct sigaction sa;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  g_option_context_set_description (ctx,
      "Writes OUTPUT/<trial>/<camera>/color/frame_%06d.png, "
      "depth/frame_%06d.npy (float32 metres) and metadata.json.\n\n"
      "Exit status: 0 every frame converted; 1 some frames failed; 2 usage "
      "error or a trial that is not a trial; 3 a job stopped on an error "
      "(e.g. disk full); 130 interrupted (metadata.json says incomplete).\n\n"
      "With --summarize: 0 every job complete, no failed frame; 1 every job "
      "complete, some frames failed; 2 DIR is not a folder or holds no job; "
      "3 some job is incomplete (interrupted, stopped, killed before it "
      "wrote metadata.json) or its metadata.json cannot be read.");
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("trial-process: %s\n", error->message);
    return EXIT_USAGE;
  }
  if (version) {
    g_print ("trial-process %s\n", VERSION);
    return EXIT_OK;
  }
  if (summarize) {
    if (trials && trials[0]) {
      g_printerr ("trial-process: --summarize DIR takes no TRIAL\n");
      return EXIT_USAGE;
    }
    return tp_summarize (summarize, json);
  }
  if (trials == NULL || trials[0] == NULL) {
    g_printerr ("trial-process: no trial given; usage: trial-process [OPTION...] "
        "TRIAL... (see --help)\n");
    return EXIT_USAGE;
  }
  if (all && camera) {
    g_printerr ("trial-process: --camera and --all exclude each other\n");
    return EXIT_USAGE;
  }
  if (threads < 0 || level < 0 || level > 9) {
    g_printerr ("trial-process: --threads must be >= 0 and "
        "--compression-level 0-9\n");
    return EXIT_USAGE;
  }
  if (color_mode && strcmp (color_mode, "auto") != 0
      && strcmp (color_mode, "reencode") != 0) {
    g_printerr ("trial-process: --color-mode must be auto or reencode, not "
        "'%s'\n", color_mode);
    return EXIT_USAGE;
  }
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

  if ((preview || preview_sink) && !g_getenv ("DISPLAY") && !g_getenv ("WAYLAND_DISPLAY")) {
    g_printerr ("trial-process: --preview needs a display (neither DISPLAY "
        "nor WAYLAND_DISPLAY is set)\n");
    return EXIT_USAGE;
  }

  options.output_base = output ? output : "trial_input";
  options.threads = threads > 0 ? (guint) threads : g_get_num_processors ();
  options.start_frame = start;
  options.stop_frame = stop;
  options.color_mode = color_mode ? color_mode : "auto";
  options.verify = verify ? verify : "data";
  options.compression_level = level;
  options.resume = resume;
  options.preview = preview || preview_sink != NULL;
  options.preview_sink = preview_sink ? preview_sink : default_preview_sink ();
  options.progress_bar = !quiet && isatty (STDERR_FILENO);

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESETHAND;   /* a second Ctrl-C kills at once */
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);

  specs = list_jobs (trials, camera, all);
  for (i = 0; i < specs->len && !cancel_requested; i++) {
    JobSpec *spec = &g_array_index (specs, JobSpec, i);
    GstTrialScanOptions scan = GST_TRIAL_SCAN_OPTIONS_INIT;
    g_autoptr (GstTrialLayout) layout = NULL;
    g_autoptr (TpJob) job = NULL;
    g_autoptr (GError) job_error = NULL;
    g_autoptr (JsonNode) meta = NULL;

    if (i % shard_n != shard_k - 1)
      continue;
    if (spec->error) {
      g_printerr ("trial-process: %s\n", spec->error);
      status = MAX (status, EXIT_USAGE);
      continue;
    }
    scan.camera = spec->camera;
    scan.start_frame = start;
    scan.stop_frame = stop;
    layout = gst_trial_layout_scan (spec->trial, &scan, &job_error);
    if (layout == NULL) {
      g_printerr ("trial-process: %s\n", job_error->message);
      status = MAX (status, EXIT_USAGE);
      continue;
    }
    job = tp_job_new (spec->trial, spec->camera, layout, options.output_base);
    if (!tp_job_run (job, &options, &cancel_requested, &job_error)) {
      g_printerr ("trial-process: %s\n", job_error->message);
      return EXIT_PROCESSING;
    }
    meta = tp_metadata_build (job, &options);
    if (!tp_metadata_write (meta, job->output_dir, &job_error)) {
      g_printerr ("trial-process: cannot write metadata.json: %s\n",
          job_error->message);
      status = MAX (status, EXIT_PROCESSING);
    }
    if (json) {
      g_autofree gchar *line = json_to_string (meta, FALSE);
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
  if (cancel_requested)
    status = EXIT_INTERRUPTED;

  return status;
}
