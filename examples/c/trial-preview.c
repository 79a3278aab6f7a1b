/* gst-trial example: watch a trial, color and colourised depth side by side
 * in one window (the C version of examples/preview.sh):
 *
 *   trialsrc ─ color ─ trialconvert ─ videoconvert ─┐
 *            └ depth ─ trialconvert ─ videoconvert ─┴ compositor ─ videosink
 *
 *   trial-preview [--camera camN] [--live] [--seconds N] [--sink NAME] TRIAL
 *
 * The depth panel is placed right of the color one once trialsrc has posted
 * its trial-layout message (which carries the frame size), before the first
 * frame reaches the compositor. */
#include <gst/gst.h>

typedef struct
{
  GMainLoop *loop;
  gboolean failed;
} App;

#define PIPELINE_DESCRIPTION \
  "trialsrc name=src " \
  "compositor name=mix background=black ! videoconvert ! %s name=sink " \
  "src.color ! trialconvert ! videoconvert ! mix.sink_0 " \
  "src.depth ! trialconvert colormap=turbo ! video/x-raw,format=RGB " \
  "  ! videoconvert ! mix.sink_1"

/* Called in the streaming thread that posts the message, so the pad is
 * placed before trialsrc pushes its first buffer. */
static GstBusSyncReply
place_depth_panel (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  GstElement *mix = user_data;
  const GstStructure *s;
  guint width = 0;
  guint height = 0;
  GstPad *pad;

  (void) bus;
  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT)
    return GST_BUS_PASS;
  s = gst_message_get_structure (msg);
  if (!gst_structure_has_name (s, "trial-layout")
      || !gst_structure_get_uint (s, "width", &width)
      || !gst_structure_get_uint (s, "height", &height)
      || width == 0 || height == 0)
    return GST_BUS_PASS;

  pad = gst_element_get_static_pad (mix, "sink_1");
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
  gboolean live = FALSE;
  gint seconds = 0;
  GOptionEntry entries[] = {
    {"camera", 'c', 0, G_OPTION_ARG_STRING, &camera,
        "Camera of a multi_camera trial (default: the first)", "camN"},
    {"live", 'l', 0, G_OPTION_ARG_NONE, &live,
        "Make trialsrc a live source (frames pushed at its framerate)", NULL},
    {"seconds", 't', 0, G_OPTION_ARG_INT, &seconds,
        "Stop after N seconds (default 0: at the end of the trial)", "N"},
    {"sink", 0, 0, G_OPTION_ARG_STRING, &sink_name,
        "Video sink (default autovideosink)", "NAME"},
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GOptionContext) context =
      g_option_context_new ("TRIAL - show a trial's color and depth");
  g_autoptr (GError) error = NULL;
  g_autofree gchar *description = NULL;
  App app = { NULL, FALSE };
  GstElement *pipeline;
  GstElement *element;
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
        "[--sink NAME] TRIAL\n", argv[0]);
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
  element = gst_bin_get_by_name (GST_BIN (pipeline), "mix");
  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, place_depth_panel, element,
      gst_object_unref);
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
  g_main_loop_unref (app.loop);
  gst_deinit ();
  return app.failed ? 1 : 0;
}
