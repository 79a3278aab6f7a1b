/* trial-process: builds and runs the pipeline of one job, and turns the bus
 * messages of its elements into the job's counts and failures.
 *
 *   trialsrc ─color─ trialconvert ─ trialsink  <out>/color/frame_%06d.png
 *            └depth─ trialconvert ─ trialsink  <out>/depth/frame_%06d.npy
 *
 * No queues: each trialsrc pad streams on its own thread and trialconvert
 * pushes from its own task, so the stages already run concurrently; a queue
 * would only hold ~20 MB more frames. The two converters share one thread
 * pool (gst-trial.pool context) of -j threads.
 *
 * With --preview each stream is teed before its converter into a leaky
 * one-buffer queue, thinned to PREVIEW_FPS frames a second by a pad probe,
 * converted to RGB (depth colourised) and shown side by side: the writing
 * branches never wait for the window. A textoverlay writes on it the number
 * of the color frame shown and the conversion's frames per second.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "job.h"
#include "metadata.h"
#include "outputs.h"

enum
{ STREAM_COLOR, STREAM_DEPTH, N_STREAMS };

static const gchar *stream_names[N_STREAMS] = { "color", "depth" };
static const gchar *stream_ext[N_STREAMS] = { "png", "npy" };

typedef struct
{
  guint64 frames;               /* written or kept */
  guint64 failed;
  guint64 bytes;
  gboolean done;
} SinkProgress;

TpJob *
tp_job_new (const gchar * trial_path, const gchar * camera,
    GstTrialLayout * layout, const gchar * output_base)
{
  TpJob *job = g_new0 (TpJob, 1);

  job->trial_path = g_strdup (trial_path);
  job->camera = g_strdup (camera);
  job->layout = gst_trial_layout_ref (layout);
  job->output_dir = g_build_filename (output_base,
      gst_trial_layout_get_trial_name (layout),
      gst_trial_layout_get_output_camera (layout), NULL);
  job->total_frames = gst_trial_layout_get_n_frames (layout);
  job->failures = g_array_new (FALSE, TRUE, sizeof (TpFailure));
  job->failed_set = g_hash_table_new_full (g_int64_hash, g_int64_equal,
      g_free, NULL);
  return job;
}

void
tp_job_free (TpJob * job)
{
  guint i;

  for (i = 0; i < job->failures->len; i++) {
    TpFailure *f = &g_array_index (job->failures, TpFailure, i);
    g_free (f->stream);
    g_free (f->reason);
  }
  g_array_unref (job->failures);
  g_hash_table_unref (job->failed_set);
  gst_trial_layout_unref (job->layout);
  g_free (job->trial_path);
  g_free (job->camera);
  g_free (job->output_dir);
  g_free (job->error);
  g_free (job);
}

static void
job_add_failure (TpJob * job, gint64 frame, const gchar * stream,
    const gchar * reason)
{
  TpFailure f = { frame, g_strdup (stream), g_strdup (reason) };

  g_array_append_val (job->failures, f);
  if (!g_hash_table_contains (job->failed_set, &frame))
    g_hash_table_add (job->failed_set, g_memdup2 (&frame, sizeof frame));
}

/* The frame numbers of the job's layout, in order. */
static gint64 *
job_numbers (TpJob * job, guint * n)
{
  gint64 *numbers;
  guint i;

  *n = gst_trial_layout_get_n_frames (job->layout);
  numbers = g_new (gint64, MAX (*n, 1));
  for (i = 0; i < *n; i++)
    numbers[i] = gst_trial_layout_get_frame (job->layout, i)->number;
  return numbers;
}

/* A location pattern for trialsink: the folder, with any '%' doubled, then
 * the frame_%06d name. */
static gchar *
sink_pattern (const gchar * dir, guint stream)
{
  g_autofree gchar *file = g_strdup_printf ("frame_%%06d.%s",
      stream_ext[stream]);
  g_autofree gchar *path = g_build_filename (dir, file, NULL);
  GString *escaped = g_string_new (NULL);
  gsize dir_len = strlen (path) - strlen (file);
  gsize i;

  for (i = 0; i < dir_len; i++) {
    if (path[i] == '%')
      g_string_append_c (escaped, '%');
    g_string_append_c (escaped, path[i]);
  }
  g_string_append (escaped, file);
  return g_string_free (escaped, FALSE);
}

/* Where each element the pipeline may use comes from, for the message
 * when it is missing. */
static const struct
{
  const gchar *factory;
  const gchar *source;
} element_sources[] = {
  {"trialsrc", NULL}, {"trialconvert", NULL}, {"trialsink", NULL},
  {"tee", "GStreamer's core plugin (Debian: libgstreamer1.0-0)"},
  {"queue", "GStreamer's core plugin (Debian: libgstreamer1.0-0)"},
  {"capsfilter", "GStreamer's core plugin (Debian: libgstreamer1.0-0)"},
  {"compositor", "gst-plugins-base (Debian: gstreamer1.0-plugins-base)"},
  {"videoconvert", "gst-plugins-base (Debian: gstreamer1.0-plugins-base)"},
  {"videoscale", "gst-plugins-base (Debian: gstreamer1.0-plugins-base)"},
  {"textoverlay", "gst-plugins-base's pango plugin (Debian: gstreamer1.0-x)"},
  {"ximagesink", "gst-plugins-base's ximagesink (Debian: gstreamer1.0-x)"},
  {"autovideosink", "gst-plugins-good (Debian: gstreamer1.0-plugins-good)"},
};

static void
set_missing (const gchar * factory, GError ** error)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (element_sources); i++) {
    if (strcmp (factory, element_sources[i].factory) != 0)
      continue;
    if (element_sources[i].source == NULL)
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
          "GStreamer element '%s' not found: it is in the trial plugin, "
          "libgsttrial.so; set GST_PLUGIN_PATH to the folder holding it "
          "(build/plugin in a build dir), or install gst-trial", factory);
    else
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
          "GStreamer element '%s' not found: it is in %s", factory,
          element_sources[i].source);
    return;
  }
  g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
      "GStreamer element '%s' not found: no installed plugin has it "
      "(gst-inspect-1.0 lists the elements there are)", factory);
}

gboolean
tp_job_check_elements (const TpOptions * options, GError ** error)
{
  const gchar *preview[] = { "tee", "queue", "capsfilter", "compositor",
    "videoconvert", "videoscale", "textoverlay", options->preview_sink
  };
  guint i;

  for (i = 0; i < 3 + (options->preview ? G_N_ELEMENTS (preview) : 0); i++) {
    const gchar *factory = i < 3 ? element_sources[i].factory : preview[i - 3];
    g_autoptr (GstElementFactory) found = gst_element_factory_find (factory);

    if (found == NULL) {
      set_missing (factory, error);
      return FALSE;
    }
  }
  return TRUE;
}

static GstElement *
make (const gchar * factory, const gchar * name, GError ** error)
{
  GstElement *e = gst_element_factory_make (factory, name);

  if (e == NULL)
    set_missing (factory, error);
  return e;
}

#define PREVIEW_FPS 10
#define PREVIEW_WIDTH 480
#define PREVIEW_HEIGHT 360

/* Lets through at most PREVIEW_FPS buffers a second, restamped to the
 * running time they arrive at, so the window shows the frame being
 * converted now whatever the stream's own timestamps say. */
static GstPadProbeReturn
preview_throttle (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  PreviewBranch *branch = user_data;
  gint64 *last = &branch->last;
  gint64 now = g_get_monotonic_time ();
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  g_autoptr (GstElement) element = gst_pad_get_parent_element (pad);
  GstClock *clock;

  if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP)
      || now - *last < G_USEC_PER_SEC / PREVIEW_FPS)
    return GST_PAD_PROBE_DROP;
  *last = now;

  /* Set before the frame goes on: the window shows it with its number. */
  if (branch->overlay && GST_BUFFER_OFFSET_IS_VALID (buf)) {
    gint tenths = g_atomic_int_get (branch->fps_tenths);
    g_autofree gchar *text = tenths < 0 ?
        g_strdup_printf ("frame %" G_GUINT64_FORMAT "  -- fps",
        GST_BUFFER_OFFSET (buf)) :
        g_strdup_printf ("frame %" G_GUINT64_FORMAT "  %d.%d fps",
        GST_BUFFER_OFFSET (buf), tenths / 10, tenths % 10);

    g_object_set (branch->overlay, "text", text, NULL);
  }

  buf = gst_buffer_make_writable (buf);
  clock = element ? gst_element_get_clock (element) : NULL;
  if (clock) {
    GST_BUFFER_PTS (buf) = gst_clock_get_time (clock) -
        gst_element_get_base_time (element);
    GST_BUFFER_DURATION (buf) = GST_SECOND / PREVIEW_FPS;
    gst_object_unref (clock);
  }
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  return GST_PAD_PROBE_OK;
}

/* tee -> queue (leaky, 1) -> [throttle] -> trialconvert -> video/x-raw,RGB
 * -> videoscale -> compositor pad at @xpos. Returns the tee. */
GstElement *
tp_preview_add_branch (GstBin * bin, GstElement * compositor, guint stream,
    guint threads, PreviewBranch * branch, GError ** error)
{
  const gchar *factories[] = { "tee", "queue", "trialconvert", "capsfilter",
    "videoconvert", "videoscale", "capsfilter"
  };
  GstElement *e[G_N_ELEMENTS (factories)];
  g_autoptr (GstPad) qsrc = NULL;
  g_autoptr (GstPad) sinkpad = NULL;
  g_autoptr (GstPad) srcpad = NULL;
  g_autoptr (GstCaps) rgb = gst_caps_from_string ("video/x-raw,format=RGB");
  g_autoptr (GstCaps) size = gst_caps_new_simple ("video/x-raw",
      "width", G_TYPE_INT, PREVIEW_WIDTH, "height", G_TYPE_INT, PREVIEW_HEIGHT,
      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (factories); i++) {
    g_autofree gchar *name = g_strdup_printf ("preview-%s-%u",
        stream_names[stream], i);
    if (!(e[i] = make (factories[i], name, error))) {
      while (i-- > 0)
        gst_object_unref (e[i]);
      return NULL;
    }
  }
  g_object_set (e[1], "leaky", 2 /* downstream */ , "max-size-buffers", 1,
      "max-size-bytes", 0, "max-size-time", (guint64) 0, NULL);
  /* Whichever converter starts first sizes the pool all of them share. */
  g_object_set (e[2], "n-threads", threads, NULL);
  g_object_set (e[3], "caps", rgb, NULL);
  g_object_set (e[5], "method", 0 /* nearest-neighbour: cheapest */ , NULL);
  g_object_set (e[6], "caps", size, NULL);
  for (i = 0; i < G_N_ELEMENTS (factories); i++)
    gst_bin_add (bin, e[i]);
  if (!gst_element_link_many (e[0], e[1], e[2], e[3], e[4], e[5], e[6], NULL)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "could not link the %s preview", stream_names[stream]);
    return NULL;
  }
  qsrc = gst_element_get_static_pad (e[1], "src");
  gst_pad_add_probe (qsrc, GST_PAD_PROBE_TYPE_BUFFER, preview_throttle,
      branch, NULL);
  sinkpad = gst_element_request_pad_simple (compositor, "sink_%u");
  g_object_set (sinkpad, "xpos", (gint) (stream * PREVIEW_WIDTH), NULL);
  srcpad = gst_element_get_static_pad (e[6], "src");
  if (gst_pad_link (srcpad, sinkpad) != GST_PAD_LINK_OK) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "could not link the %s preview to the compositor",
        stream_names[stream]);
    return NULL;
  }
  return e[0];
}

/* compositor -> 10 fps -> textoverlay (frame, fps) -> videoconvert -> the
 * preview sink (sync=false). */
GstElement *
tp_preview_add_window (GstBin * bin, const TpOptions * options, GError ** error)
{
  g_autoptr (GstCaps) rate = gst_caps_new_simple ("video/x-raw",
      "framerate", GST_TYPE_FRACTION, PREVIEW_FPS, 1, NULL);
  GstElement *comp, *filter, *overlay, *convert, *sink;

  if (!(comp = make ("compositor", "preview", error)))
    return NULL;
  filter = make ("capsfilter", "preview-rate", error);
  overlay = make ("textoverlay", "preview-text", error);
  convert = make ("videoconvert", "preview-convert", error);
  sink = make (options->preview_sink, "preview-sink", error);
  if (!filter || !overlay || !convert || !sink) {
    gst_object_unref (comp);
    g_clear_object (&filter);
    g_clear_object (&overlay);
    g_clear_object (&convert);
    g_clear_object (&sink);
    return NULL;
  }
  g_object_set (filter, "caps", rate, NULL);
  g_object_set (overlay, "valignment", 2 /* top */ , "halignment",
      0 /* left */ , "shaded-background", TRUE, "font-desc", "Sans 12",
      NULL);
  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add_many (bin, comp, filter, overlay, convert, sink, NULL);
  if (!gst_element_link_many (comp, filter, overlay, convert, sink, NULL)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "could not link the preview window");
    return NULL;
  }
  return comp;
}

static GstElement *
build_pipeline (TpJob * job, const TpOptions * options, gint64 start_frame,
    PreviewBranch * preview, GError ** error)
{
  g_autoptr (GstElement) pipeline = gst_pipeline_new ("trial-process");
  GstElement *src, *compositor = NULL;
  guint s;

  if (!(src = make ("trialsrc", "src", error)))
    return NULL;
  /* A run from the start streams the job's own scan as it is, with no
   * second scan of the trial; a resumed run starts at a later frame, which
   * trialsrc scans from. */
  if (start_frame == options->start_frame) {
    g_object_set (src, "layout", job->layout, NULL);
  } else {
    g_object_set (src, "location", job->trial_path, "start-frame",
        start_frame, "stop-frame", options->stop_frame, "depth-width",
        options->depth_width, "depth-height", options->depth_height, NULL);
    if (job->camera)
      g_object_set (src, "camera", job->camera, NULL);
  }
  gst_bin_add (GST_BIN (pipeline), src);
  if (options->preview) {
    if (!(compositor = tp_preview_add_window (GST_BIN (pipeline), options,
                error)))
      return NULL;
    /* the pipeline holds it as long as the probe may run */
    preview[STREAM_COLOR].overlay = gst_bin_get_by_name (GST_BIN (pipeline),
        "preview-text");
    gst_object_unref (preview[STREAM_COLOR].overlay);
  }

  for (s = 0; s < N_STREAMS; s++) {
    g_autofree gchar *cname = g_strdup_printf ("convert-%s", stream_names[s]);
    g_autofree gchar *sname = g_strdup_printf ("sink-%s", stream_names[s]);
    g_autofree gchar *dir = g_build_filename (job->output_dir,
        stream_names[s], NULL);
    g_autofree gchar *location = sink_pattern (dir, s);
    GstElement *convert, *sink, *upstream = src;
    const gchar *upstream_pad = stream_names[s];

    if (!(convert = make ("trialconvert", cname, error)))
      return NULL;
    if (!(sink = make ("trialsink", sname, error))) {
      gst_object_unref (convert);
      return NULL;
    }
    g_object_set (convert, "n-threads", options->threads,
        "compression-level", options->compression_level, NULL);
    gst_util_set_object_arg (G_OBJECT (convert), "color-mode",
        options->color_mode);
    gst_util_set_object_arg (G_OBJECT (convert), "verify", options->verify);
    g_object_set (sink, "location", location, "stream", stream_names[s],
        "skip-existing", options->resume, NULL);
    gst_bin_add_many (GST_BIN (pipeline), convert, sink, NULL);
    if (compositor) {
      GstElement *tee = tp_preview_add_branch (GST_BIN (pipeline), compositor, s,
          options->threads, &preview[s], error);
      if (tee == NULL
          || !gst_element_link_pads (src, stream_names[s], tee, "sink"))
        return NULL;
      upstream = tee;
      upstream_pad = "src_%u";
    }
    if (!gst_element_link_pads (upstream, upstream_pad, convert, "sink")
        || !gst_element_link (convert, sink)) {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
          "could not link the %s stream", stream_names[s]);
      return NULL;
    }
  }
  return g_steal_pointer (&pipeline);
}

static gint
stream_index (const gchar * name)
{
  return g_strcmp0 (name, "depth") == 0 ? STREAM_DEPTH : STREAM_COLOR;
}

static void
draw_progress (TpJob * job, guint done, gdouble elapsed)
{
  guint total = job->total_frames - job->resumed_from;
  gdouble fps = elapsed > 0 ? done / elapsed : 0;
  guint width = 30, filled = total ? (guint) ((guint64) done * width / total) : width;
  gchar bar[64];
  /* Unknown until a frame is done: --:--, not 0:00. */
  gint eta = fps > 0 ? (gint) ((total - MIN (done, total)) / fps + 0.5) : -1;
  g_autofree gchar *eta_text = eta < 0 ? g_strdup ("--:--") :
      g_strdup_printf ("%d:%02d", eta / 60, eta % 60);

  memset (bar, '#', filled);
  memset (bar + filled, '.', width - filled);
  bar[width] = '\0';
  g_printerr ("\r%s/%s [%s] %u/%u frames %6.1f fps ETA %s ",
      gst_trial_layout_get_trial_name (job->layout),
      gst_trial_layout_get_output_camera (job->layout), bar, done, total, fps,
      eta_text);
}

/* The sinks' counts now (their trial-progress messages come every
 * progress-interval). */
static void
read_sinks (GstElement * pipeline, SinkProgress * progress)
{
  guint s;

  for (s = 0; s < N_STREAMS; s++) {
    g_autofree gchar *name = g_strdup_printf ("sink-%s", stream_names[s]);
    g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline),
        name);

    if (sink != NULL)
      g_object_get (sink, "frames", &progress[s].frames, "failed",
          &progress[s].failed, "bytes", &progress[s].bytes, NULL);
  }
}

/* The job's counts from its sinks (their own counts: the last
 * trial-progress message can be up to a progress-interval older than what
 * they wrote) and its failures so far. */
static void
job_tally (TpJob * job, GstElement * pipeline, SinkProgress * progress,
    gboolean got_eos, gint64 start_time)
{
  guint done;

  read_sinks (pipeline, progress);
  job->processing_time =
      (g_get_monotonic_time () - start_time) / (gdouble) G_USEC_PER_SEC;
  job->failed = g_hash_table_size (job->failed_set);
  job->bytes_written = progress[STREAM_COLOR].bytes +
      progress[STREAM_DEPTH].bytes;
  job->complete = got_eos && job->error == NULL && !job->interrupted;
  done = MIN (progress[STREAM_COLOR].frames, progress[STREAM_DEPTH].frames);
  if (job->complete)
    job->successful = job->total_frames - job->failed;
  else
    job->successful = MIN (job->resumed_from + done,
        job->total_frames - job->failed);
  job->converted = job->complete ? job->total_frames - job->resumed_from :
      done;
  if (job->processing_time > 0)
    job->processing_fps = job->converted / job->processing_time;
}

/* On the first signal, before the pipeline stops (which waits for the
 * frames being converted): a metadata.json marked interrupted with what is
 * written so far. Then a second signal may end the process at once; one
 * that came meanwhile does so now. */
static void
job_record_interrupt (TpJob * job, const TpOptions * options,
    GstElement * pipeline, SinkProgress * progress, gint64 start_time,
    TpInterrupt * interrupt)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) meta = NULL;

  job_tally (job, pipeline, progress, FALSE, start_time);
  meta = tp_metadata_build (job, options);
  if (!tp_metadata_write (meta, job->output_dir, &error))
    g_printerr ("trial-process: cannot write metadata.json: %s\n",
        error->message);
  interrupt->may_exit = 1;
  if (interrupt->signals > 1)
    raise (SIGINT);
}

gboolean
tp_job_run (TpJob * job, const TpOptions * options, TpInterrupt * interrupt,
    GError ** error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  SinkProgress progress[N_STREAMS] = { {0}, {0} };
  gint fps_tenths = -1;
  PreviewBranch preview[N_STREAMS] = { {0, NULL, &fps_tenths},
  {0, NULL, &fps_tenths}
  };
  gint64 start_time = 0, last_draw = 0;
  gboolean running = TRUE, got_eos = FALSE;
  guint start_index = 0;
  guint done = 0;
  g_autofree gchar *metadata = g_build_filename (job->output_dir,
      "metadata.json", NULL);

  /* An earlier run's metadata.json says nothing about this one: gone until
   * this run writes its own, so a run killed meanwhile (SIGKILL, a time
   * limit) shows as unfinished, not as the earlier run's result. */
  interrupt->may_exit = 0;
  if (g_unlink (metadata) != 0 && errno != ENOENT) {
    int errsv = errno;
    g_autofree gchar *display = g_filename_display_name (metadata);

    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
        "cannot remove the earlier run's '%s': %s", display,
        g_strerror (errsv));
    return FALSE;
  }
  tp_outputs_remove_stale_temporaries (job->output_dir);
  if (options->resume) {
    guint n;
    g_autofree gint64 *numbers = job_numbers (job, &n);

    if (!tp_outputs_check_existing (job->output_dir, numbers, n,
            &start_index, error))
      return FALSE;
  }
  job->resumed_from = start_index;
  if (start_index == job->total_frames) {
    job->successful = job->total_frames;
    job->complete = TRUE;
    return TRUE;
  }

  pipeline = build_pipeline (job, options, start_index == 0 ?
      options->start_frame :
      gst_trial_layout_get_frame (job->layout, start_index)->number,
      preview, error);
  if (pipeline == NULL)
    return FALSE;
  bus = gst_element_get_bus (pipeline);

  start_time = g_get_monotonic_time ();
  /* The bar's first frame, before any frame is done. */
  if (options->progress_bar)
    draw_progress (job, 0, 0);
  /* A failing state change posts an ERROR message, handled below. */
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  while (running) {
    g_autoptr (GstMessage) msg = gst_bus_timed_pop (bus, 100 * GST_MSECOND);
    gint64 now = g_get_monotonic_time ();

    if (interrupt->signals) {
      job->interrupted = TRUE;
      job_record_interrupt (job, options, pipeline, progress, start_time,
          interrupt);
      break;
    }
    /* also when no message came: the time goes on */
    if ((options->progress_bar || options->preview)
        && now - last_draw > 100 * G_TIME_SPAN_MILLISECOND) {
      gdouble elapsed = (now - start_time) / (gdouble) G_USEC_PER_SEC;

      read_sinks (pipeline, progress);
      done = MIN (progress[STREAM_COLOR].frames + progress[STREAM_COLOR].failed,
          progress[STREAM_DEPTH].frames + progress[STREAM_DEPTH].failed);
      if (options->progress_bar)
        draw_progress (job, done, elapsed);
      if (done > 0 && elapsed > 0)
        g_atomic_int_set (&fps_tenths, (gint) MIN (done / elapsed * 10 + 0.5,
                G_MAXINT));
      last_draw = now;
    }
    if (msg == NULL)
      continue;

    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_EOS:
        got_eos = TRUE;
        running = FALSE;
        break;
      case GST_MESSAGE_ERROR:{
        g_autoptr (GError) err = NULL;
        g_autofree gchar *debug = NULL;
        gst_message_parse_error (msg, &err, &debug);
        job->error = g_strdup_printf ("%s: %s", GST_OBJECT_NAME (msg->src),
            err->message);
        running = FALSE;
        break;
      }
      case GST_MESSAGE_WARNING:{
        const GstStructure *details = NULL;
        gint64 frame;
        gst_message_parse_warning_details (msg, &details);
        if (details && gst_structure_get_int64 (details, "frame", &frame)) {
          job_add_failure (job, frame,
              gst_structure_get_string (details, "stream"),
              gst_structure_get_string (details, "reason"));
        } else {
          g_autoptr (GError) err = NULL;
          gst_message_parse_warning (msg, &err, NULL);
          g_printerr ("warning: %s\n", err->message);
        }
        break;
      }
      case GST_MESSAGE_ELEMENT:{
        const GstStructure *st = gst_message_get_structure (msg);
        if (gst_structure_has_name (st, "trial-progress")) {
          SinkProgress *p =
              &progress[stream_index (gst_structure_get_string (st, "stream"))];
          gst_structure_get_uint64 (st, "frames", &p->frames);
          gst_structure_get_uint64 (st, "failed", &p->failed);
          gst_structure_get_uint64 (st, "bytes", &p->bytes);
          gst_structure_get_boolean (st, "done", &p->done);
        } else if (gst_structure_has_name (st, "trial-stats")) {
          gst_structure_get_double (st, "average-fps",
              &job->stream_fps[stream_index (gst_structure_get_string (st,
                          "stream"))]);
        }
        break;
      }
      default:
        break;
    }
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  job_tally (job, pipeline, progress, got_eos, start_time);
  /* What is on disk decides: the other half of a failed or unfinished
   * frame goes. */
  {
    guint n;
    g_autofree gint64 *numbers = job_numbers (job, &n);

    job->successful = tp_outputs_remove_half_frames (job->output_dir,
        numbers, n, job->failed_set);
  }
  done = MIN (progress[STREAM_COLOR].frames, progress[STREAM_DEPTH].frames);
  if (options->progress_bar) {
    draw_progress (job, job->complete ? job->total_frames - job->resumed_from :
        done, job->processing_time);
    g_printerr ("\n");
  }
  return TRUE;
}
