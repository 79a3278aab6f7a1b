/* gst-trial example: an application that embeds
 *
 *   trialsrc ! trialconvert ! appsink
 *
 * for both streams of a trial and reads every frame as raw pixels: color as
 * video/x-raw RGB, depth as video/x-raw GRAY16_LE millimetres. It prints one
 * line per frame (frame number, mean pixel value or mean depth) and stops on
 * the first error posted on the bus.
 *
 *   trial-frames [--camera camN] [--start N] [--stop N] TRIAL
 *
 * Run it from a build dir with GST_PLUGIN_PATH=build/plugin, or after
 * `meson install` with nothing set. */
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

/* max-buffers bounds what waits in each appsink while the other is read;
 * sync=false: read as fast as the frames are converted. */
#define PIPELINE_DESCRIPTION \
  "trialsrc name=src " \
  "src.color ! trialconvert ! video/x-raw,format=RGB " \
  "  ! appsink name=color sync=false max-buffers=4 " \
  "src.depth ! trialconvert ! video/x-raw,format=GRAY16_LE " \
  "  ! appsink name=depth sync=false max-buffers=4"

typedef struct
{
  const gchar *name;
  GstAppSink *sink;
  gboolean eos;
  guint64 frames;
  guint64 missing;
} Stream;

static void
print_color (guint64 number, const GstVideoFrame * frame)
{
  guint width = GST_VIDEO_FRAME_WIDTH (frame);
  guint height = GST_VIDEO_FRAME_HEIGHT (frame);
  gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  const guint8 *pixels = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  guint64 sum = 0;

  for (guint y = 0; y < height; y++) {
    const guint8 *row = pixels + (gsize) y * stride;
    for (guint x = 0; x < width * 3; x++)
      sum += row[x];
  }
  g_print ("color frame %" G_GUINT64_FORMAT ": %ux%u, mean pixel %.3f\n",
      number, width, height, (gdouble) sum / ((gdouble) width * height * 3));
}

/* Zero is a hole (no depth measured): the mean is over the other pixels. */
static void
print_depth (guint64 number, const GstVideoFrame * frame)
{
  guint width = GST_VIDEO_FRAME_WIDTH (frame);
  guint height = GST_VIDEO_FRAME_HEIGHT (frame);
  gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  const guint8 *pixels = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  guint64 sum = 0;
  guint64 valid = 0;

  for (guint y = 0; y < height; y++) {
    const guint8 *row = pixels + (gsize) y * stride;
    for (guint x = 0; x < width; x++) {
      guint16 mm = GST_READ_UINT16_LE (row + 2 * x);
      if (mm > 0) {
        sum += mm;
        valid++;
      }
    }
  }
  g_print ("depth frame %" G_GUINT64_FORMAT ": %ux%u, mean depth %.3f mm "
      "over %" G_GUINT64_FORMAT " valid pixels\n", number, width, height,
      valid > 0 ? (gdouble) sum / valid : 0.0, valid);
}

static gboolean
handle_sample (Stream * stream, GstSample * sample)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstCaps *caps = gst_sample_get_caps (sample);
  GstVideoInfo info;
  GstVideoFrame frame;

  if (buffer == NULL || caps == NULL) {
    g_printerr ("%s: a sample without buffer or caps\n", stream->name);
    return FALSE;
  }
  stream->frames++;
  if (!gst_video_info_from_caps (&info, caps)
      || !gst_video_frame_map (&frame, &info, buffer, GST_MAP_READ)) {
    g_printerr ("%s frame %" G_GUINT64_FORMAT ": cannot map a %s buffer of %"
        G_GSIZE_FORMAT " bytes\n", stream->name, GST_BUFFER_OFFSET (buffer),
        gst_structure_get_name (gst_caps_get_structure (caps, 0)),
        gst_buffer_get_size (buffer));
    return FALSE;
  }
  if (GST_VIDEO_INFO_FORMAT (&info) == GST_VIDEO_FORMAT_RGB)
    print_color (GST_BUFFER_OFFSET (buffer), &frame);
  else
    print_depth (GST_BUFFER_OFFSET (buffer), &frame);
  gst_video_frame_unmap (&frame);
  return TRUE;
}

/* A frame trialsrc could not read or trialconvert could not convert comes
 * as a GAP event in its place, its number in the field "trial-frame"; the
 * reason is a bus warning. Other events are of no interest here. */
static void
handle_event (Stream * stream, GstEvent * event)
{
  gint64 number;

  if (GST_EVENT_TYPE (event) != GST_EVENT_GAP
      || !gst_structure_get_int64 (gst_event_get_structure (event),
          "trial-frame", &number))
    return;
  stream->frames++;
  stream->missing++;
  g_print ("%s frame %" G_GINT64_FORMAT ": missing\n", stream->name, number);
}

/* Errors end the run; warnings (one per frame that failed) are shown. */
static gboolean
handle_bus (GstBus * bus, GstClockTime timeout)
{
  g_autoptr (GstMessage) msg = gst_bus_timed_pop_filtered (bus, timeout,
      GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;

  if (msg == NULL)
    return TRUE;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
    gst_message_parse_warning (msg, &error, &debug);
    g_printerr ("warning from %s: %s\n", GST_OBJECT_NAME (msg->src),
        error->message);
    return TRUE;
  }
  gst_message_parse_error (msg, &error, &debug);
  g_printerr ("error from %s: %s\n", GST_OBJECT_NAME (msg->src),
      error->message);
  if (debug != NULL)
    g_printerr ("debug: %s\n", debug);
  return FALSE;
}

static gboolean
run (GstElement * pipeline)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  Stream streams[] = {
    {"color", NULL, FALSE, 0, 0},
    {"depth", NULL, FALSE, 0, 0},
  };
  gboolean ok = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    streams[i].sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (pipeline),
            streams[i].name));

  /* A folder that is not a trial fails here, with the reason on the bus. */
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    ok = FALSE;
    while (gst_bus_have_pending (bus) && handle_bus (bus, 0))
      continue;
  }

  /* One thread reads both sinks in turn; each blocks at most 50 ms so the
   * bus is watched too. */
  while (ok && !(streams[0].eos && streams[1].eos)) {
    for (guint i = 0; ok && i < G_N_ELEMENTS (streams); i++) {
      GstMiniObject *object;

      if (streams[i].eos)
        continue;
      /* samples and events in stream order */
      object = gst_app_sink_try_pull_object (streams[i].sink,
          50 * GST_MSECOND);
      if (object != NULL && GST_IS_SAMPLE (object))
        ok = handle_sample (&streams[i], GST_SAMPLE (object));
      else if (object != NULL && GST_IS_EVENT (object))
        handle_event (&streams[i], GST_EVENT (object));
      else if (gst_app_sink_is_eos (streams[i].sink))
        streams[i].eos = TRUE;
      if (object != NULL)
        gst_mini_object_unref (object);
    }
    ok = ok && handle_bus (bus, 0);
  }
  while (ok && gst_bus_have_pending (bus))
    ok = handle_bus (bus, 0);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  for (guint i = 0; i < G_N_ELEMENTS (streams); i++) {
    g_print ("%s: %" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT
        " missing\n", streams[i].name, streams[i].frames, streams[i].missing);
    gst_object_unref (streams[i].sink);
  }
  return ok;
}

int
main (int argc, char **argv)
{
  g_autofree gchar *camera = NULL;
  gint64 start = -1;
  gint64 stop = -1;
  GOptionEntry entries[] = {
    {"camera", 'c', 0, G_OPTION_ARG_STRING, &camera,
        "Camera of a multi_camera trial (default: the first)", "camN"},
    {"start", 's', 0, G_OPTION_ARG_INT64, &start,
        "First frame number (default: the first)", "N"},
    {"stop", 'e', 0, G_OPTION_ARG_INT64, &stop,
        "Last frame number (default: the last)", "N"},
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) context =
      g_option_context_new ("TRIAL - print each frame of a trial");
  g_autoptr (GError) error = NULL;
  GstElement *pipeline;
  GstElement *src;
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  if (argc != 2) {
    g_printerr ("usage: %s [--camera camN] [--start N] [--stop N] TRIAL\n",
        argv[0]);
    return 2;
  }

  pipeline = gst_parse_launch (PIPELINE_DESCRIPTION, &error);
  if (pipeline == NULL) {
    /* e.g. GST_PLUGIN_PATH does not lead to the trial plugin */
    g_printerr ("cannot build the pipeline: %s\n", error->message);
    return 1;
  }
  /* Set on the element, not in the description: no quoting of the path. */
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  g_object_set (src, "location", argv[1], "start-frame", start, "stop-frame",
      stop, NULL);
  if (camera != NULL)
    g_object_set (src, "camera", camera, NULL);
  gst_object_unref (src);

  ok = run (pipeline);
  gst_object_unref (pipeline);
  gst_deinit ();
  return ok ? 0 : 1;
}
