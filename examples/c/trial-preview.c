/* gst-trial example: watch a trial, color and colourised depth side by side
 * in one window (the C version of examples/preview.sh):
 *
 *   trialsrc ─ color ─ trialconvert ─ videoconvert ─┐
 *            └ depth ─ trialconvert ─ videoconvert ─┴ compositor ─
 *                                           textoverlay ─ videosink
 *
 *   trial-preview [--camera camN] [--live] [--seconds N] [--sink NAME]
 *                 [--report-shown] TRIAL
 *
 * The depth panel is placed right of the color one once trialsrc has posted
 * its trial-layout message (which carries the frame size), before the first
 * frame reaches the compositor. The textoverlay shows the number of the
 * color frame (its buffer offset) and the color trialconvert's frames per
 * second (from its trial-stats messages). */
#include <stdio.h>

#include <gst/gst.h>

typedef struct
{
  GMainLoop *loop;
  gboolean failed;
  GstElement *mix;
  GstElement *text;
  gint fps_tenths;              /* atomic: the color conversion's, -1 unknown */
} App;

/* The queues buffer for the latency of the converters and of the sink's
 * processing deadline, which a live trialsrc needs (without them GStreamer
 * warns "please add queues"). */
#define PIPELINE_DESCRIPTION \
  "trialsrc name=src " \
  "compositor name=mix background=black " \
  "  ! textoverlay name=text valignment=top halignment=left " \
  "    shaded-background=true font-desc=\"Sans 12\" " \
  "  ! queue ! videoconvert ! %s name=sink " \
  "src.color ! queue ! trialconvert name=convert-color ! videoconvert " \
  "  ! mix.sink_0 " \
  "src.depth ! queue ! trialconvert colormap=turbo ! video/x-raw,format=RGB " \
  "  ! videoconvert ! mix.sink_1"

/* --report-shown: "shown N" on stdout as the N-th picture reaches the video
 * sink, so that a script can take a screenshot once something is shown
 * (examples/screenshot.sh) instead of guessing a time. */
static GstPadProbeReturn
report_shown (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  guint *shown = user_data;

  (void) pad;
  (void) info;
  g_print ("shown %u\n", ++*shown);
  fflush (stdout);
  return GST_PAD_PROBE_OK;
}

/* Before each color frame goes on: its number and the fps on the window. */
static GstPadProbeReturn
show_frame_number (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  App *app = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  gint tenths = g_atomic_int_get (&app->fps_tenths);
  g_autofree gchar *text = NULL;

  (void) pad;
  if (!GST_BUFFER_OFFSET_IS_VALID (buf))
    return GST_PAD_PROBE_OK;
  if (tenths < 0)
    text = g_strdup_printf ("frame %" G_GUINT64_FORMAT "  -- fps",
        GST_BUFFER_OFFSET (buf));
  else
    text = g_strdup_printf ("frame %" G_GUINT64_FORMAT "  %d.%d fps",
        GST_BUFFER_OFFSET (buf), tenths / 10, tenths % 10);
  g_object_set (app->text, "text", text, NULL);
  return GST_PAD_PROBE_OK;
}

/* Called in the streaming thread that posts the message, so the pad is
 * placed before trialsrc pushes its first buffer; keeps the color
 * converter's fps for show_frame_number(). */
static GstBusSyncReply
on_sync_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  App *app = user_data;
  const GstStructure *s;
  guint width = 0;
  guint height = 0;
  gdouble fps;
  GstPad *pad;

  (void) bus;
  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT)
    return GST_BUS_PASS;
  s = gst_message_get_structure (msg);
  if (gst_structure_has_name (s, "trial-stats")
      && g_strcmp0 (gst_structure_get_string (s, "stream"), "color") == 0
      && gst_structure_get_double (s, "fps", &fps) && fps > 0) {
    g_atomic_int_set (&app->fps_tenths, (gint) MIN (fps * 10 + 0.5,
            G_MAXINT));
    return GST_BUS_PASS;
  }
  if (!gst_structure_has_name (s, "trial-layout")
      || !gst_structure_get_uint (s, "width", &width)
      || !gst_structure_get_uint (s, "height", &height)
      || width == 0 || height == 0)
    return GST_BUS_PASS;

  pad = gst_element_get_static_pad (app->mix, "sink_1");
  if (pad != NULL) {
    /* the depth panel gets the color panel's size, whatever its own */
    g_object_set (pad, "xpos", (gint) width, "width", (gint) width, "height",
        (gint) height, NULL);
    gst_object_unref (pad);
  }
  return GST_BUS_PASS;
}

static gboolean
on_timeout (gpointer user_data)
{
  GstElement *pipeline = user_data;

  /* EOS, not a hard stop: sinks finish cleanly and the loop ends below */
  gst_element_send_event (pipeline, gst_event_new_eos ());
  return G_SOURCE_REMOVE;
}

static void
print_error (GstMessage * msg)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;

  gst_message_parse_error (msg, &error, &debug);
  g_printerr ("error from %s: %s\n", GST_OBJECT_NAME (msg->src),
      error->message);
}

static gboolean
on_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  App *app = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;

  (void) bus;
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      print_error (msg);
      app->failed = TRUE;
      g_main_loop_quit (app->loop);
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &error, &debug);
      g_printerr ("warning from %s: %s\n", GST_OBJECT_NAME (msg->src),
          error->message);
      break;
    case GST_MESSAGE_EOS:
      g_main_loop_quit (app->loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_autofree gchar *camera = NULL;
  g_autofree gchar *sink_name = NULL;
  gboolean live = FALSE, report = FALSE;
  guint shown = 0;
  gint seconds = 0;
  GOptionEntry entries[] = {
    {"camera", 'c', 0, G_OPTION_ARG_STRING, &camera,
        "Camera of a multi_camera trial (default: the first)", "camN"},
    {"live", 'l', 0, G_OPTION_ARG_NONE, &live,
        "Make trialsrc a live source (frames pushed at its framerate)", NULL},
    {"seconds", 't', 0, G_OPTION_ARG_INT, &seconds,
        "Stop after N seconds (default 0: at the end of the trial)", "N"},
    {"report-shown", 0, 0, G_OPTION_ARG_NONE, &report,
        "Print 'shown N' as the N-th picture reaches the video sink", NULL},
    {"sink", 0, 0, G_OPTION_ARG_STRING, &sink_name,
        "Video sink (default autovideosink)", "NAME"},
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) context =
      g_option_context_new ("TRIAL - show a trial's color and depth");
  g_autoptr (GError) error = NULL;
  g_autofree gchar *description = NULL;
  App app = { NULL, FALSE, NULL, NULL, -1 };
  GstElement *pipeline;
  GstElement *element;
  GstPad *pad;
  GstBus *bus;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  if (argc != 2 || seconds < 0 || (sink_name != NULL
          && !g_regex_match_simple ("^[a-z0-9]+$", sink_name, 0, 0))) {
    g_printerr ("usage: %s [--camera camN] [--live] [--seconds N] "
        "[--sink NAME] [--report-shown] TRIAL\n", argv[0]);
    return 2;
  }

  description = g_strdup_printf (PIPELINE_DESCRIPTION,
      sink_name != NULL ? sink_name : "autovideosink");
  pipeline = gst_parse_launch (description, &error);
  if (pipeline == NULL) {
    g_printerr ("cannot build the pipeline: %s\n", error->message);
    return 1;
  }
  element = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  g_object_set (element, "location", argv[1], "is-live", live, NULL);
  if (camera != NULL)
    g_object_set (element, "camera", camera, NULL);
  gst_object_unref (element);

  app.loop = g_main_loop_new (NULL, FALSE);
  app.mix = gst_bin_get_by_name (GST_BIN (pipeline), "mix");
  app.text = gst_bin_get_by_name (GST_BIN (pipeline), "text");
  element = gst_bin_get_by_name (GST_BIN (pipeline), "convert-color");
  pad = gst_element_get_static_pad (element, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, show_frame_number, &app,
      NULL);
  gst_object_unref (pad);
  gst_object_unref (element);
  if (report) {
    element = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
    pad = gst_element_get_static_pad (element, "sink");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, report_shown, &shown,
        NULL);
    gst_object_unref (pad);
    gst_object_unref (element);
  }
  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, on_sync_message, &app, NULL);
  gst_bus_add_signal_watch (bus);
  g_signal_connect (bus, "message", G_CALLBACK (on_message), &app);
  if (seconds > 0)
    g_timeout_add_seconds (seconds, on_timeout, pipeline);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE) {
    g_main_loop_run (app.loop);
  } else {
    /* e.g. a folder that is not a trial: the reason is on the bus */
    g_autoptr (GstMessage) msg = gst_bus_pop_filtered (bus,
        GST_MESSAGE_ERROR);
    if (msg != NULL)
      print_error (msg);
    app.failed = TRUE;
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_bus_remove_signal_watch (bus);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  gst_object_unref (app.mix);
  gst_object_unref (app.text);
  g_main_loop_unref (app.loop);
  gst_deinit ();
  return app.failed ? 1 : 0;
}
