/* gst-trial tests: rsbagdemux and the application/x-rosbag typefinder in
 * real pipelines (filesrc ! rsbagdemux, typefind, decodebin, playbin) on
 * bags written at test time by tests/fuzz/bagwriter.c and on the real D435
 * recording: caps and calibration fields, frame numbers, timestamps and
 * bytes of every buffer, seeking, flushing, EOS and errors. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "tests/fuzz/bagwriter.h"
#include "../trialtest.h"

#define DEPTH 0
#define COLOR 1
#define TIMEOUT_S 60
#define MS (GST_MSECOND)

static const gchar *const pad_names[] = { "depth", "color" };

typedef struct
{
  GMutex lock;
  GPtrArray *buffers;           /* since the last FLUSH_STOP */
  GstCaps *caps;
  GstSegment segment;
  guint n_flushes;
  gboolean eos;
} Sink;

typedef struct
{
  GstElement *pipeline;
  Sink sink[2];
  GstMessage *error;
  GPtrArray *warnings;
} Run;

static GstPadProbeReturn
record_probe (GstPad * pad G_GNUC_UNUSED, GstPadProbeInfo * info,
    gpointer user_data)
{
  Sink *sink = user_data;

  g_mutex_lock (&sink->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    g_ptr_array_add (sink->buffers,
        gst_buffer_ref (GST_PAD_PROBE_INFO_BUFFER (info)));
  } else {
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

    switch (GST_EVENT_TYPE (event)) {
      case GST_EVENT_CAPS:{
        GstCaps *caps;

        gst_event_parse_caps (event, &caps);
        gst_caps_replace (&sink->caps, caps);
        break;
      }
      case GST_EVENT_SEGMENT:
        gst_event_copy_segment (event, &sink->segment);
        break;
      case GST_EVENT_FLUSH_STOP:
        g_ptr_array_set_size (sink->buffers, 0);
        sink->n_flushes++;
        sink->eos = FALSE;
        break;
      case GST_EVENT_EOS:
        sink->eos = TRUE;
        break;
      default:
        break;
    }
  }
  g_mutex_unlock (&sink->lock);
  return GST_PAD_PROBE_OK;
}

static void
demux_pad_added (GstElement * demux G_GNUC_UNUSED, GstPad * pad,
    GstElement * pipeline)
{
  g_autofree gchar *name = gst_pad_get_name (pad);
  g_autoptr (GstElement) queue = gst_bin_get_by_name (GST_BIN (pipeline),
      name);
  g_autoptr (GstPad) sinkpad = NULL;

  fail_unless (queue != NULL, "unexpected pad %s", name);
  sinkpad = gst_element_get_static_pad (queue, "sink");
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
}

/* filesrc location=@path @demux_to rsbagdemux, each pad to a queue (one
 * thread pushes both pads, as in any demuxer) and a fakesink. */
static Run *
run_new (const gchar * path, const gchar * demux_to)
{
  Run *run = g_new0 (Run, 1);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *desc = g_strdup_printf ("filesrc name=src %s "
      "rsbagdemux name=d  queue name=depth ! fakesink name=depth_sink "
      "sync=false  queue name=color ! fakesink name=color_sink sync=false",
      demux_to);
  guint i;

  run->pipeline = gst_parse_launch (desc, &error);
  fail_unless (run->pipeline != NULL, "%s", error ? error->message : "");
  {
    g_autoptr (GstElement) src =
        gst_bin_get_by_name (GST_BIN (run->pipeline), "src");
    g_autoptr (GstElement) demux =
        gst_bin_get_by_name (GST_BIN (run->pipeline), "d");

    g_object_set (src, "location", path, NULL);
    g_signal_connect (demux, "pad-added", G_CALLBACK (demux_pad_added),
        run->pipeline);
  }
  run->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_message_unref);
  for (i = 0; i < 2; i++) {
    g_autofree gchar *sink_name = g_strdup_printf ("%s_sink", pad_names[i]);
    g_autoptr (GstElement) fakesink =
        gst_bin_get_by_name (GST_BIN (run->pipeline), sink_name);
    g_autoptr (GstPad) pad = gst_element_get_static_pad (fakesink, "sink");
    Sink *sink = &run->sink[i];

    g_mutex_init (&sink->lock);
    sink->buffers = g_ptr_array_new_with_free_func ((GDestroyNotify)
        gst_buffer_unref);
    gst_segment_init (&sink->segment, GST_FORMAT_UNDEFINED);
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
        GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH,
        record_probe, sink, NULL);
  }
  return run;
}

static void
run_free (Run * run)
{
  guint i;

  fail_unless (gst_element_set_state (run->pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (run->pipeline);
  for (i = 0; i < 2; i++) {
    g_ptr_array_unref (run->sink[i].buffers);
    gst_caps_replace (&run->sink[i].caps, NULL);
    g_mutex_clear (&run->sink[i].lock);
  }
  g_ptr_array_unref (run->warnings);
  gst_clear_message (&run->error);
  g_free (run);
}

/* Pops messages until EOS or ERROR (kept in run->error). */
static void
run_wait (Run * run)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (run->pipeline);

  for (;;) {
    GstMessage *msg = gst_bus_timed_pop_filtered (bus,
        TIMEOUT_S * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);

    fail_unless (msg != NULL, "no EOS or error within %d s", TIMEOUT_S);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
      g_ptr_array_add (run->warnings, msg);
      continue;
    }
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
      run->error = msg;
    else
      gst_message_unref (msg);
    return;
  }
}

static void
run_to_eos (Run * run)
{
  fail_unless (gst_element_set_state (run->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  run_wait (run);
  if (run->error != NULL) {
    g_autoptr (GError) error = NULL;

    gst_message_parse_error (run->error, &error, NULL);
    fail ("unexpected error: %s", error->message);
  }
}

static gchar *
error_text (Run * run)
{
  g_autoptr (GError) error = NULL;

  fail_unless (run->error != NULL, "expected an error");
  gst_message_parse_error (run->error, &error, NULL);
  return g_strdup (error->message);
}

static gchar *
write_bag (const gchar * dir, const gchar * name, const FuzzBagSpec * spec)
{
  g_autoptr (GBytes) bytes = fuzz_make_bag (spec);
  gchar *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  fail_unless (fuzz_bag_write (path, bytes, spec->gap, &error), "%s",
      error ? error->message : "");
  return path;
}

/* Depth frame i of bagwriter: 4x2 mono16, pixel k = 1000 i + k, seq 10 + i
 * at 33 i ms; color frame i: 4x2 rgb8, byte k = 7 i + k, seq 50 + i at
 * 33 i + 4 ms. */
static void
check_frames (Sink * sink, gboolean depth, guint first, guint n)
{
  guint j, k;

  fail_unless_equals_int (sink->buffers->len, n);
  for (j = 0; j < n; j++) {
    GstBuffer *buffer = g_ptr_array_index (sink->buffers, j);
    guint i = first + j;
    GstMapInfo map;

    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buffer),
        (depth ? 10 : 50) + i);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buffer),
        i * 33 * MS + (depth ? 0 : 4 * MS));
    fail_unless (gst_buffer_map (buffer, &map, GST_MAP_READ));
    if (depth) {
      fail_unless_equals_int (map.size, 16);
      for (k = 0; k < 8; k++)
        fail_unless_equals_int (GST_READ_UINT16_LE (map.data + 2 * k),
            1000 * i + k);
    } else {
      /* RGB rows of 12 bytes: GstVideoInfo's stride for width 4 */
      fail_unless_equals_int (map.size, 24);
      for (k = 0; k < 24; k++)
        fail_unless_equals_int (map.data[k], (7 * i + k) & 0xff);
    }
    gst_buffer_unmap (buffer, &map);
  }
}

static gdouble
intrinsics_field (const GstStructure * caps_s, const gchar * name,
    const gchar * field)
{
  const GValue *v = gst_structure_get_value (caps_s, name);
  gdouble d = 0;

  fail_unless (v != NULL && G_VALUE_HOLDS (v, GST_TYPE_STRUCTURE),
      "no %s in caps", name);
  fail_unless (gst_structure_get_double (gst_value_get_structure (v), field,
          &d));
  return d;
}

GST_START_TEST (test_caps_offsets_pixels)
{
  const gchar *const compressions[] = { "none", "lz4", "bz2" };
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  guint c;

  for (c = 0; c < G_N_ELEMENTS (compressions); c++) {
    FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
    g_autofree gchar *path = NULL;
    const GstStructure *s;
    gint fps_n = -1, fps_d = -1, width = 0, height = 0;
    gdouble scale = 0;
    Run *run;

    spec.compression = compressions[c];
    spec.n_frames = 5;
    path = write_bag (dir, compressions[c], &spec);
    run = run_new (path, "!");
    run_to_eos (run);
    fail_unless (run->sink[DEPTH].eos && run->sink[COLOR].eos);
    check_frames (&run->sink[DEPTH], TRUE, 0, 5);
    check_frames (&run->sink[COLOR], FALSE, 0, 4);

    s = gst_caps_get_structure (run->sink[DEPTH].caps, 0);
    fail_unless_equals_string (gst_structure_get_string (s, "format"),
        "GRAY16_LE");
    fail_unless (gst_structure_get_int (s, "width", &width));
    fail_unless (gst_structure_get_int (s, "height", &height));
    fail_unless_equals_int (width, 4);
    fail_unless_equals_int (height, 2);
    fail_unless (gst_structure_get_fraction (s, "framerate", &fps_n, &fps_d));
    fail_unless_equals_int (fps_n, 30);
    fail_unless_equals_int (fps_d, 1);
    /* the trailer's 0.00025 wins over Depth_Units' 0.0001 */
    fail_unless (gst_structure_get_double (s, "depth-scale", &scale));
    fail_unless_equals_float (scale, (gdouble) 0.00025f);
    fail_unless_equals_float (intrinsics_field (s, "intrinsics", "fx"),
        390.4314575195312);
    fail_unless_equals_float (intrinsics_field (s, "intrinsics", "ppy"),
        242.1873474121094);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (g_ptr_array_index
            (run->sink[DEPTH].buffers, 0)), 33333333);

    /* color has no StreamInfo in these bags: no frame rate */
    s = gst_caps_get_structure (run->sink[COLOR].caps, 0);
    fail_unless_equals_string (gst_structure_get_string (s, "format"), "RGB");
    fail_unless (gst_structure_get_fraction (s, "framerate", &fps_n, &fps_d));
    fail_unless_equals_int (fps_n, 0);
    fail_unless (!gst_structure_has_field (s, "depth-scale"));
    run_free (run);
  }
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_depth_units_without_trailer)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autofree gchar *path = NULL;
  gdouble scale = 0;
  Run *run;

  spec.trailer = FALSE;
  path = write_bag (dir, "plain.bag", &spec);
  run = run_new (path, "!");
  run_to_eos (run);
  check_frames (&run->sink[DEPTH], TRUE, 0, 3);
  check_frames (&run->sink[COLOR], FALSE, 0, 2);
  fail_unless (gst_structure_get_double (gst_caps_get_structure
          (run->sink[DEPTH].caps, 0), "depth-scale", &scale));
  fail_unless_equals_float (scale, (gdouble) 0.0001f);
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

static void
seek (Run * run, GstSeekFlags flags, GstClockTime start, GstClockTime stop)
{
  fail_unless (gst_element_seek (run->pipeline, 1.0, GST_FORMAT_TIME,
          flags, GST_SEEK_TYPE_SET, start,
          stop == GST_CLOCK_TIME_NONE ? GST_SEEK_TYPE_NONE : GST_SEEK_TYPE_SET,
          stop));
}

GST_START_TEST (test_seek_flushing)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autofree gchar *path = NULL;
  gint64 duration = 0;
  Run *run;

  spec.compression = "lz4";
  spec.n_frames = 5;
  path = write_bag (dir, "seek.bag", &spec);

  /* from 66 ms: depth 2..4 (66, 99, 132 ms), color 2..3 (70, 103 ms) */
  run = run_new (path, "!");
  fail_unless (gst_element_set_state (run->pipeline, GST_STATE_PAUSED) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_get_state (run->pipeline, NULL, NULL,
          TIMEOUT_S * GST_SECOND) == GST_STATE_CHANGE_SUCCESS);
  /* the last depth frame ends at 132 + 33.3 ms */
  fail_unless (gst_element_query_duration (run->pipeline, GST_FORMAT_TIME,
          &duration));
  fail_unless_equals_int64 (duration, 132 * MS + 33333333);
  seek (run, GST_SEEK_FLAG_FLUSH, 66 * MS, GST_CLOCK_TIME_NONE);
  run_to_eos (run);
  fail_unless (run->sink[DEPTH].n_flushes >= 1);
  fail_unless_equals_uint64 (run->sink[DEPTH].segment.start, 66 * MS);
  check_frames (&run->sink[DEPTH], TRUE, 2, 3);
  check_frames (&run->sink[COLOR], FALSE, 2, 2);

  /* again after EOS, with a stop: [0, 50 ms) */
  seek (run, GST_SEEK_FLAG_FLUSH, 0, 50 * MS);
  run_wait (run);
  fail_unless (run->error == NULL);
  check_frames (&run->sink[DEPTH], TRUE, 0, 2);
  check_frames (&run->sink[COLOR], FALSE, 0, 2);
  fail_unless (run->sink[DEPTH].eos && run->sink[COLOR].eos);
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* PLAYING -> NULL -> PLAYING while the task pushes: no hang, and the second
 * run starts from the first frame again. */
GST_START_TEST (test_restart)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autofree gchar *path = NULL;
  Run *run;
  guint i;

  spec.n_frames = 40;
  path = write_bag (dir, "long.bag", &spec);
  run = run_new (path, "!");
  for (i = 0; i < 3; i++) {
    fail_unless (gst_element_set_state (run->pipeline, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    fail_unless (gst_element_set_state (run->pipeline, GST_STATE_NULL) ==
        GST_STATE_CHANGE_SUCCESS);
  }
  g_ptr_array_set_size (run->sink[DEPTH].buffers, 0);
  g_ptr_array_set_size (run->sink[COLOR].buffers, 0);
  run_to_eos (run);
  check_frames (&run->sink[DEPTH], TRUE, 0, 40);
  check_frames (&run->sink[COLOR], FALSE, 0, 39);
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_interrupted_recording)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autofree gchar *path = NULL;
  g_autoptr (GError) warning = NULL;
  Run *run;

  spec.n_frames = 4;
  spec.interrupted = TRUE;
  path = write_bag (dir, "cut.bag", &spec);
  run = run_new (path, "!");
  run_to_eos (run);
  check_frames (&run->sink[DEPTH], TRUE, 0, 4);
  check_frames (&run->sink[COLOR], FALSE, 0, 3);
  fail_unless_equals_int (run->warnings->len, 1);
  gst_message_parse_warning (g_ptr_array_index (run->warnings, 0), &warning,
      NULL);
  fail_unless (strstr (warning->message, "interrupted") != NULL, "%s",
      warning->message);
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_errors)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autoptr (GBytes) good = NULL;
  g_autofree gchar *path = g_build_filename (dir, "bad.bag", NULL);
  g_autofree gchar *expected = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *ok = NULL;
  guint8 *bytes;
  gsize size;
  Run *run;

  /* the magic, then garbage: typefinds as a bag, fails to open */
  fail_unless (g_file_set_contents (path, "#ROSBAG V2.0\n\xff\xff\xff\xff",
          17, NULL));
  run = run_new (path, "!");
  fail_unless (gst_element_set_state (run->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  run_wait (run);
  text = error_text (run);
  expected = g_strdup_printf ("bag '%s', offset 13: record header of "
      "4294967295 bytes, expected at most 1048576", path);
  fail_unless_equals_string (text, expected);
  run_free (run);
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&expected, g_free);

  /* a corrupt first lz4 chunk: it holds the static topics (StreamInfo,
   * device info), so the bag does not open: an error naming the chunk (a
   * damaged chunk of frames is GAP events and a warning instead:
   * DamagedDemux in tests/python/check_rsbagdemux.py) */
  spec.compression = "lz4";
  spec.n_frames = 6;
  good = fuzz_make_bag (&spec);
  bytes = g_bytes_unref_to_data (g_steal_pointer (&good), &size);
  /* inside the first chunk's compressed data */
  memset (bytes + FUZZ_BAG_FIRST_CHUNK + 120, 0xa5, 40);
  fail_unless (g_file_set_contents (path, (gchar *) bytes, size, NULL));
  g_free (bytes);
  run = run_new (path, "!");
  fail_unless (gst_element_set_state (run->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  run_wait (run);
  text = error_text (run);
  expected = g_strdup_printf ("bag '%s', offset", path);
  fail_unless (g_str_has_prefix (text, expected), "%s", text);
  fail_unless (strstr (text, "lz4 chunk") != NULL, "%s", text);
  run_free (run);
  g_clear_pointer (&text, g_free);

  /* push mode (a queue in between) is refused with a message saying why */
  ok = write_bag (dir, "ok.bag", &spec);
  run = run_new (ok, "! queue !");
  gst_element_set_state (run->pipeline, GST_STATE_PLAYING);
  run_wait (run);
  text = error_text (run);
  fail_unless_equals_string (text, "rsbagdemux reads a .bag with random "
      "access: upstream must work in pull mode (filesrc does)");
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* typefind's caps for the file at @path */
static gchar *
typefind (const gchar * path)
{
  g_autofree gchar *desc = g_strdup_printf ("filesrc location=\"%s\" ! "
      "typefind name=tf ! fakesink", path);
  GstElement *pipeline = gst_parse_launch (desc, NULL);
  g_autoptr (GstElement) tf = gst_bin_get_by_name (GST_BIN (pipeline), "tf");
  GstCaps *caps = NULL;
  gchar *name;

  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  gst_element_get_state (pipeline, NULL, NULL, TIMEOUT_S * GST_SECOND);
  g_object_get (tf, "caps", &caps, NULL);
  name = caps != NULL ? gst_caps_to_string (caps) : g_strdup ("(none)");
  gst_clear_caps (&caps);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  return name;
}

GST_START_TEST (test_typefinder)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autofree gchar *bag = write_bag (dir, "x.dat", &spec);
  g_autofree gchar *other = g_build_filename (dir, "y.bag", NULL);
  g_autofree gchar *caps = NULL;

  caps = typefind (bag);
  fail_unless_equals_string (caps, "application/x-rosbag");
  g_free (caps);
  /* one byte off the magic */
  fail_unless (g_file_set_contents (other, "#ROSBAG V1.2\n" "\0\0\0\0\0\0\0",
          20, NULL));
  caps = typefind (other);
  fail_if (g_str_has_prefix (caps, "application/x-rosbag"), "%s", caps);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

typedef struct
{
  GstElement *pipeline;
  guint n_buffers[2];
} DecodeRun;

static GstPadProbeReturn
count_probe (GstPad * pad G_GNUC_UNUSED, GstPadProbeInfo * info G_GNUC_UNUSED,
    gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

static void
decodebin_pad_added (GstElement * decodebin G_GNUC_UNUSED, GstPad * pad,
    DecodeRun * run)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr (GstPad) sinkpad = gst_element_get_static_pad (sink, "sink");
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const gchar *format = gst_structure_get_string (gst_caps_get_structure
      (caps, 0), "format");
  guint i = g_strcmp0 (format, "GRAY16_LE") == 0 ? DEPTH : COLOR;

  g_object_set (sink, "sync", FALSE, NULL);
  gst_bin_add (GST_BIN (run->pipeline), sink);
  gst_element_sync_state_with_parent (sink);
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER, count_probe,
      &run->n_buffers[i], NULL);
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
}

/* uridecodebin finds rsbagdemux through the typefinder */
GST_START_TEST (test_uridecodebin)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autofree gchar *path = NULL;
  g_autofree gchar *uri = NULL;
  GstElement *decodebin;
  DecodeRun run = { 0 };
  g_autoptr (GstBus) bus = NULL;
  GstMessage *msg;

  spec.compression = "bz2";
  spec.n_frames = 7;
  path = write_bag (dir, "rec.bag", &spec);
  uri = g_filename_to_uri (path, NULL, NULL);
  run.pipeline = gst_pipeline_new (NULL);
  decodebin = gst_element_factory_make ("uridecodebin", NULL);
  g_object_set (decodebin, "uri", uri, NULL);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (decodebin_pad_added),
      &run);
  gst_bin_add (GST_BIN (run.pipeline), decodebin);
  gst_element_set_state (run.pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (run.pipeline);
  msg = gst_bus_timed_pop_filtered (bus, TIMEOUT_S * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless_equals_int (run.n_buffers[DEPTH], 7);
  fail_unless_equals_int (run.n_buffers[COLOR], 6);
  gst_element_set_state (run.pipeline, GST_STATE_NULL);
  gst_object_unref (run.pipeline);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* playbin plays a bag to the end and shows the color stream */
GST_START_TEST (test_playbin)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autofree gchar *path = NULL;
  g_autofree gchar *uri = NULL;
  GstElement *playbin = gst_element_factory_make ("playbin", NULL);
  GstElement *vsink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr (GstPad) pad = gst_element_get_static_pad (vsink, "sink");
  g_autoptr (GstBus) bus = NULL;
  GstCaps *caps = NULL;
  gint n_video = 0;
  guint n_buffers = 0;
  GstMessage *msg;

  fail_unless (playbin != NULL);
  spec.n_frames = 5;
  path = write_bag (dir, "rec.bag", &spec);
  uri = g_filename_to_uri (path, NULL, NULL);
  g_object_set (vsink, "sync", FALSE, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_probe, &n_buffers,
      NULL);
  /* audio-sink: nothing to play, but no audio device either */
  g_object_set (playbin, "uri", uri, "video-sink", vsink, "audio-sink",
      gst_element_factory_make ("fakesink", NULL), NULL);
  gst_element_set_state (playbin, GST_STATE_PLAYING);
  bus = gst_element_get_bus (playbin);
  msg = gst_bus_timed_pop_filtered (bus, TIMEOUT_S * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  g_object_get (playbin, "n-video", &n_video, NULL);
  fail_unless_equals_int (n_video, 2);
  g_object_get (pad, "caps", &caps, NULL);
  fail_unless (caps != NULL);
  fail_unless_equals_string (gst_structure_get_string
      (gst_caps_get_structure (caps, 0), "format"), "RGB");
  gst_caps_unref (caps);
  fail_unless_equals_int (n_buffers, 4);
  gst_element_set_state (playbin, GST_STATE_NULL);
  gst_object_unref (playbin);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

static Suite *
rsbagdemux_suite (void)
{
  Suite *s = suite_create ("rsbagdemux");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_caps_offsets_pixels);
  tcase_add_test (tc, test_depth_units_without_trailer);
  tcase_add_test (tc, test_seek_flushing);
  tcase_add_test (tc, test_restart);
  tcase_add_test (tc, test_interrupted_recording);
  tcase_add_test (tc, test_errors);
  tcase_add_test (tc, test_typefinder);
  tcase_add_test (tc, test_uridecodebin);
  tcase_add_test (tc, test_playbin);
  return s;
}

GST_CHECK_MAIN (rsbagdemux);
