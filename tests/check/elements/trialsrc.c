/* gst-trial tests: trialsrc in real pipelines (trialsrc ! fakesink on each
 * pad) on trials generated at test time: offsets, timestamps, caps and bytes
 * of every buffer, GAP buffers and their warnings, ranges, cameras, seeks,
 * queries, live pacing, errors and state changes. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/framemeta.h"
#include "gst/trial/layout.h"
#include "gst/trial/sample.h"
#include "../trialtest.h"

#define COLOR 0
#define DEPTH 1
#define TIMEOUT_S 60

static const gchar *const stream_names[] = { "color", "depth" };

/* What one fakesink received, recorded by a probe on its sink pad. */
typedef struct
{
  GMutex lock;
  GCond cond;
  GPtrArray *buffers;           /* since the last FLUSH_STOP */
  GstCaps *caps;
  guint n_seen;                 /* buffers ever */
  guint n_flushes;
  gboolean eos;
} Sink;

typedef struct
{
  GstElement *pipeline;
  GstElement *src;
  Sink sink[2];
  GPtrArray *warnings;          /* GstMessage */
  GPtrArray *layouts;           /* GstMessage "trial-layout" */
  GstMessage *error;
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
    sink->n_seen++;
  } else {
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

    switch (GST_EVENT_TYPE (event)) {
      case GST_EVENT_CAPS:{
        GstCaps *caps;

        gst_event_parse_caps (event, &caps);
        gst_caps_replace (&sink->caps, caps);
        break;
      }
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
  g_cond_broadcast (&sink->cond);
  g_mutex_unlock (&sink->lock);
  return GST_PAD_PROBE_OK;
}

static Run *
run_new (const gchar * location, gboolean sync)
{
  Run *run = g_new0 (Run, 1);
  guint i;

  run->pipeline = gst_pipeline_new (NULL);
  run->src = gst_element_factory_make ("trialsrc", "s");
  fail_unless (run->src != NULL, "trialsrc not found");
  g_object_set (run->src, "location", location, NULL);
  gst_bin_add (GST_BIN (run->pipeline), run->src);
  run->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_message_unref);
  run->layouts = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_message_unref);

  for (i = 0; i < 2; i++) {
    GstElement *fakesink = gst_element_factory_make ("fakesink", NULL);
    g_autoptr (GstPad) pad = gst_element_get_static_pad (fakesink, "sink");
    Sink *sink = &run->sink[i];

    g_mutex_init (&sink->lock);
    g_cond_init (&sink->cond);
    sink->buffers = g_ptr_array_new_with_free_func ((GDestroyNotify)
        gst_buffer_unref);
    g_object_set (fakesink, "sync", sync, NULL);
    gst_bin_add (GST_BIN (run->pipeline), fakesink);
    fail_unless (gst_element_link_pads (run->src, stream_names[i], fakesink,
            "sink"));
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
    g_cond_clear (&run->sink[i].cond);
  }
  g_ptr_array_unref (run->warnings);
  g_ptr_array_unref (run->layouts);
  gst_clear_message (&run->error);
  g_free (run);
}

/* Keeps the messages tests look at; TRUE for EOS or ERROR. */
static gboolean
run_keep_message (Run * run, GstMessage * msg)
{
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_WARNING:
      g_ptr_array_add (run->warnings, msg);
      return FALSE;
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (msg, "trial-layout")) {
        g_ptr_array_add (run->layouts, msg);
        return FALSE;
      }
      break;
    case GST_MESSAGE_ERROR:
      gst_message_replace (&run->error, msg);
      gst_message_unref (msg);
      return TRUE;
    case GST_MESSAGE_EOS:
      gst_message_unref (msg);
      return TRUE;
    default:
      break;
  }
  gst_message_unref (msg);
  return FALSE;
}

/* Pops bus messages until EOS or ERROR; fails on ERROR. */
static void
run_wait_eos (Run * run)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (run->pipeline);
  GstMessage *msg;

  for (;;) {
    msg = gst_bus_timed_pop (bus, TIMEOUT_S * GST_SECOND);
    fail_unless (msg != NULL, "no EOS within %d s", TIMEOUT_S);
    if (run_keep_message (run, msg))
      break;
  }
  if (run->error) {
    g_autoptr (GError) error = NULL;

    gst_message_parse_error (run->error, &error, NULL);
    fail ("unexpected error: %s", error->message);
  }
  fail_unless (run->sink[COLOR].eos && run->sink[DEPTH].eos);
}

static void
run_play_to_eos (Run * run)
{
  fail_unless (gst_element_set_state (run->pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  run_wait_eos (run);
}

/* Takes what is already on the bus. */
static void
run_drain_bus (Run * run)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (run->pipeline);
  GstMessage *msg;

  while ((msg = gst_bus_pop (bus)) != NULL)
    run_keep_message (run, msg);
}

static void
run_preroll (Run * run)
{
  fail_unless (gst_element_set_state (run->pipeline, GST_STATE_PAUSED) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_get_state (run->pipeline, NULL, NULL,
          TIMEOUT_S * GST_SECOND) == GST_STATE_CHANGE_SUCCESS);
}

/* Waits until each pad has seen at least @n buffers. */
static void
run_wait_buffers (Run * run, guint n)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_S * G_TIME_SPAN_SECOND;
  guint i;

  for (i = 0; i < 2; i++) {
    Sink *sink = &run->sink[i];

    g_mutex_lock (&sink->lock);
    while (sink->n_seen < n)
      fail_unless (g_cond_wait_until (&sink->cond, &sink->lock, deadline),
          "%s: %u of %u buffers", stream_names[i], sink->n_seen, n);
    g_mutex_unlock (&sink->lock);
  }
}

static GstClockTime
frame_time (guint64 index, gint fps_n, gint fps_d)
{
  return gst_util_uint64_scale (index, (guint64) fps_d * GST_SECOND, fps_n);
}

/* The file gst_trial_sample_write() writes for frame @number (sample.h
 * names them). */
static gchar *
sample_file (const GstTrialSampleOptions * o, const gchar * dir, guint camera,
    guint stream, gint64 number)
{
  g_autofree gchar *folder = NULL;
  g_autofree gchar *name = NULL;
  const gchar *ext;

  if (stream == COLOR)
    ext = o->color_format == GST_TRIAL_COLOR_JPEG ? "jpg" : "png";
  else
    ext = o->depth_format == GST_TRIAL_DEPTH_NPY ? "npy" :
        o->depth_format == GST_TRIAL_DEPTH_PNG ? "png" : "raw";

  if (o->structure == GST_TRIAL_STRUCTURE_MULTI_CAMERA) {
    folder = g_strdup_printf ("cam%u/%s", camera + 1, stream_names[stream]);
    name = g_strdup_printf ("frame_%06" G_GINT64_FORMAT ".%s", number, ext);
  } else {
    folder = g_strdup (stream == COLOR ? "Color" :
        o->depth_folder == GST_TRIAL_SAMPLE_DEPTH_SWAPPED ? "Depth_Color" :
        "Depth");
    name = g_strdup_printf ("_%s_%04" G_GINT64_FORMAT ".%s", folder, number,
        ext);
  }
  return g_build_filename (dir, folder, name, NULL);
}

static gchar *
make_sample (const GstTrialSampleOptions * o)
{
  gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *trial = g_build_filename (dir, "trial_1", NULL);
  GError *error = NULL;

  fail_unless (gst_trial_sample_write (o, trial, &error),
      "sample: %s", error ? error->message : "?");
  return dir;
}

static GstTrialSampleOptions
small_options (void)
{
  GstTrialSampleOptions o = GST_TRIAL_SAMPLE_OPTIONS_INIT;

  o.width = 64;
  o.height = 48;
  o.n_frames = 12;
  o.start_frame = 231;
  return o;
}

/* Checks every buffer of @stream against the files of the sample: buffer i
 * has frame number numbers[i], PTS (first_index + i) / framerate, and the
 * bytes of its file; a frame whose file is missing or empty must be an empty
 * GAP buffer. Returns how many GAP buffers there were. */
static guint
check_stream (Run * run, guint stream, const GstTrialSampleOptions * o,
    const gchar * trial, guint camera, const gint64 * numbers, guint n,
    guint first_index, gint fps_n, gint fps_d)
{
  Sink *sink = &run->sink[stream];
  guint i, gaps = 0;

  g_mutex_lock (&sink->lock);
  fail_unless_equals_int (sink->buffers->len, n);
  for (i = 0; i < n; i++) {
    GstBuffer *buf = g_ptr_array_index (sink->buffers, i);
    g_autofree gchar *path = sample_file (o, trial, camera, stream,
        numbers[i]);
    GStatBuf st;

    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), numbers[i]);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET_END (buf), numbers[i] + 1);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (buf),
        frame_time (first_index + i, fps_n, fps_d));
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (buf),
        frame_time (1, fps_n, fps_d));

    if (g_stat (path, &st) == 0 && st.st_size > 0) {
      g_autoptr (GBytes) want = trial_test_read (path);
      GstMapInfo map;

      fail_if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP), "%s", path);
      fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
      fail_unless_equals_uint64 (map.size, g_bytes_get_size (want));
      fail_unless (memcmp (map.data, g_bytes_get_data (want, NULL),
              map.size) == 0, "bytes of %s differ", path);
      gst_buffer_unmap (buf, &map);
    } else {
      fail_unless (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_GAP),
          "frame %" G_GINT64_FORMAT " has no file, expected GAP", numbers[i]);
      fail_unless_equals_uint64 (gst_buffer_get_size (buf), 0);
      gaps++;
    }
  }
  g_mutex_unlock (&sink->lock);
  return gaps;
}

/* numbers[0..n) of the sample's frames from index @from, @n of them. */
static gint64 *
sample_numbers (const GstTrialSampleOptions * o, guint from, guint n)
{
  gint64 *numbers = g_new (gint64, n);
  guint i;

  for (i = 0; i < n; i++)
    numbers[i] = gst_trial_sample_frame_number (o, from + i);
  return numbers;
}

static void
check_caps (Run * run, guint stream, const gchar * expected)
{
  g_autoptr (GstCaps) want = gst_caps_from_string (expected);
  Sink *sink = &run->sink[stream];

  fail_unless (want != NULL);
  g_mutex_lock (&sink->lock);
  fail_unless (sink->caps != NULL, "%s: no caps", stream_names[stream]);
  if (!gst_caps_is_equal (sink->caps, want)) {
    g_autofree gchar *got_str = gst_caps_to_string (sink->caps);

    fail ("%s caps %s, expected %s", stream_names[stream], got_str, expected);
  }
  g_mutex_unlock (&sink->lock);
}

static const GstStructure *
only_layout (Run * run)
{
  fail_unless_equals_int (run->layouts->len, 1);
  return gst_message_get_structure (g_ptr_array_index (run->layouts, 0));
}

static void
check_string_field (const GstStructure * s, const gchar * field,
    const gchar * want)
{
  const gchar *got = gst_structure_get_string (s, field);

  fail_unless (got != NULL, "no field %s in %" GST_PTR_FORMAT, field, s);
  fail_unless_equals_string (got, want);
}

/* @field of @s is an array of the strings @want, comma-separated here */
static void
check_array_field (const GstStructure * s, const gchar * field,
    const gchar * want)
{
  const GValue *array = gst_structure_get_value (s, field);
  g_auto (GStrv) names = g_strsplit (want, ",", -1);
  guint i;

  fail_unless (array != NULL && GST_VALUE_HOLDS_ARRAY (array),
      "no array %s in %" GST_PTR_FORMAT, field, s);
  fail_unless_equals_int (gst_value_array_get_size (array),
      g_strv_length (names));
  for (i = 0; names[i] != NULL; i++)
    fail_unless_equals_string (g_value_get_string (gst_value_array_get_value
            (array, i)), names[i]);
}

/* The warning about @number on @stream; fails unless there is exactly one
 * and its reason contains @part. */
static void
check_warning (Run * run, const gchar * stream, gint64 number,
    const gchar * part)
{
  guint i, found = 0;

  for (i = 0; i < run->warnings->len; i++) {
    GstMessage *msg = g_ptr_array_index (run->warnings, i);
    const GstStructure *details = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree gchar *want_text = NULL;
    gint64 frame = -1;

    gst_message_parse_warning_details (msg, &details);
    fail_unless (details != NULL);
    fail_unless (gst_structure_get_int64 (details, "frame", &frame));
    if (frame != number
        || g_strcmp0 (gst_structure_get_string (details, "stream"), stream))
      continue;
    found++;
    fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (run->src),
        "warning not posted by trialsrc itself");
    gst_message_parse_warning (msg, &error, NULL);
    fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_READ));
    fail_unless (strstr (gst_structure_get_string (details, "reason"),
            part) != NULL, "reason '%s' lacks '%s'",
        gst_structure_get_string (details, "reason"), part);
    want_text = g_strdup_printf ("frame %" G_GINT64_FORMAT ": %s", number,
        gst_structure_get_string (details, "reason"));
    fail_unless_equals_string (error->message, want_text);
  }
  fail_unless_equals_int (found, 1);
}

GST_START_TEST (test_multi_camera_raw)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gint64 *numbers = NULL;
  g_autofree gchar *cam1 = NULL;
  g_autofree gchar *cam2 = NULL;
  const GstStructure *s;
  guint width = 0, depth_height = 0, n_frames = 0;
  gint64 first_frame = 0, last_frame = 0;
  gdouble scale = 0;
  Run *run;

  o.n_cameras = 3;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  numbers = sample_numbers (&o, 0, o.n_frames);

  /* cameras differ, so matching cam2's bytes proves cam2 was read */
  cam1 = sample_file (&o, trial, 0, COLOR, 231);
  cam2 = sample_file (&o, trial, 1, COLOR, 231);
  {
    g_autoptr (GBytes) a = trial_test_read (cam1);
    g_autoptr (GBytes) b = trial_test_read (cam2);
    fail_if (g_bytes_equal (a, b));
  }

  run = run_new (trial, FALSE);
  g_object_set (run->src, "camera", "cam2", NULL);
  run_play_to_eos (run);

  fail_unless_equals_int (check_stream (run, COLOR, &o, trial, 1, numbers,
          o.n_frames, 0, 30, 1), 0);
  fail_unless_equals_int (check_stream (run, DEPTH, &o, trial, 1, numbers,
          o.n_frames, 0, 30, 1), 0);
  check_caps (run, COLOR, "image/png, width=64, height=48, framerate=30/1");
  check_caps (run, DEPTH, "video/x-raw, format=GRAY16_LE, width=64, "
      "height=48, framerate=30/1, depth-scale=(double)0.001, "
      "depth-scale-dtype=u2");
  fail_unless_equals_int (run->warnings->len, 0);

  s = only_layout (run);
  fail_unless (GST_MESSAGE_SRC (g_ptr_array_index (run->layouts, 0)) ==
      GST_OBJECT (run->src));
  check_string_field (s, "structure", "multi_camera");
  check_string_field (s, "camera", "cam2");
  check_array_field (s, "cameras", "cam1,cam2,cam3");
  check_string_field (s, "color-format", "png");
  check_string_field (s, "depth-format", "raw");
  check_string_field (s, "path", trial);
  fail_unless (gst_structure_get_uint (s, "n-frames", &n_frames));
  fail_unless_equals_int (n_frames, 12);
  fail_unless (gst_structure_get_int64 (s, "first-frame", &first_frame));
  fail_unless (gst_structure_get_int64 (s, "last-frame", &last_frame));
  fail_unless_equals_int64 (first_frame, 231);
  fail_unless_equals_int64 (last_frame, 242);
  fail_unless (gst_structure_get_uint (s, "width", &width));
  fail_unless_equals_int (width, 64);
  fail_unless (gst_structure_get_uint (s, "depth-height", &depth_height));
  fail_unless_equals_int (depth_height, 48);
  fail_unless (gst_structure_get_double (s, "depth-scale", &scale));
  fail_unless_equals_float (scale, 0.001);

  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* What memory_probe saw on one pad: the distinct memory the buffers came
 * in, and frames whose bytes were not their file's. */
typedef struct
{
  const GstTrialSampleOptions *o;
  const gchar *trial;
  guint stream;
  GHashTable *memory;
  guint n_buffers;
  guint n_wrong;
  guint n_unpooled;
  guint n_unnamed;              /* without a GstTrialFrameMeta naming its
                                 * file and frame number */
} Memory;

static GstPadProbeReturn
memory_probe (GstPad * pad G_GNUC_UNUSED, GstPadProbeInfo * info,
    gpointer user_data)
{
  Memory *m = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  g_autofree gchar *path = sample_file (m->o, m->trial, 0, m->stream,
      GST_BUFFER_OFFSET (buffer));
  g_autoptr (GBytes) file = trial_test_read (path);
  GstMapInfo map;

  gst_buffer_map (buffer, &map, GST_MAP_READ);
  g_hash_table_add (m->memory, map.data);
  if (map.size != g_bytes_get_size (file)
      || memcmp (map.data, g_bytes_get_data (file, NULL), map.size) != 0)
    m->n_wrong++;
  gst_buffer_unmap (buffer, &map);
  if (buffer->pool == NULL)
    m->n_unpooled++;
  {
    GstTrialFrameMeta *meta = gst_buffer_get_trial_frame_meta (buffer);

    if (meta == NULL || g_strcmp0 (meta->path, path) != 0
        || meta->number != (gint64) GST_BUFFER_OFFSET (buffer))
      m->n_unnamed++;
  }
  m->n_buffers++;
  return GST_PAD_PROBE_OK;
}

/* Files are read into recycled memory: once released downstream, a
 * buffer's memory holds a later frame (files of different sizes included),
 * instead of a fresh allocation per frame. */
GST_START_TEST (test_buffers_recycled)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gchar *launch = NULL;
  GstElement *pipeline;
  GstMessage *msg;
  Memory m[2];
  guint i;

  o.n_frames = 40;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  launch = g_strdup_printf ("trialsrc name=s location=\"%s\" "
      "s.color ! fakesink name=sink0 s.depth ! fakesink name=sink1", trial);
  pipeline = gst_parse_launch (launch, NULL);
  fail_unless (pipeline != NULL);
  for (i = 0; i < 2; i++) {
    g_autofree gchar *name = g_strdup_printf ("sink%u", i);
    g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline),
        name);
    g_autoptr (GstPad) pad = gst_element_get_static_pad (sink, "sink");

    memset (&m[i], 0, sizeof (Memory));
    m[i].o = &o;
    m[i].trial = trial;
    m[i].stream = i;
    m[i].memory = g_hash_table_new (NULL, NULL);
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, memory_probe, &m[i],
        NULL);
  }

  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
      TIMEOUT_S * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);

  for (i = 0; i < 2; i++) {
    fail_unless_equals_int (m[i].n_buffers, 40);
    fail_unless_equals_int (m[i].n_wrong, 0);
    fail_unless_equals_int (m[i].n_unpooled, 0);
    fail_unless_equals_int (m[i].n_unnamed, 0);
    /* fakesink releases each buffer before the next is read */
    fail_unless (g_hash_table_size (m[i].memory) <= 2,
        "%s: %u buffers for 40 frames", stream_names[i],
        g_hash_table_size (m[i].memory));
    g_hash_table_unref (m[i].memory);
  }
  gst_object_unref (pipeline);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_default_camera_is_first)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gint64 *numbers = NULL;
  Run *run;

  o.n_cameras = 2;
  o.n_frames = 4;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  numbers = sample_numbers (&o, 0, o.n_frames);

  run = run_new (trial, FALSE);
  run_play_to_eos (run);
  check_stream (run, COLOR, &o, trial, 0, numbers, o.n_frames, 0, 30, 1);
  check_stream (run, DEPTH, &o, trial, 0, numbers, o.n_frames, 0, 30, 1);
  check_string_field (only_layout (run), "camera", "cam1");
  check_array_field (only_layout (run), "cameras", "cam1,cam2");
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* single_camera with each depth format (and the swapped folders), at another
 * framerate. */
GST_START_TEST (test_single_camera_depth_formats)
{
  static const struct
  {
    GstTrialDepthFormat format;
    GstTrialSampleDepthFolder folder;
    guint width;                /* depth-width and depth-height properties */
    guint height;
    gdouble scale;              /* depth-scale property */
    const gchar *caps;
    const gchar *name;
  } cases[] = {
    {GST_TRIAL_DEPTH_RAW, GST_TRIAL_SAMPLE_DEPTH_IN_DEPTH, 0, 0, 0.0,
        "video/x-raw, format=GRAY16_LE, width=64, height=48, framerate=15/2, "
          "depth-scale=(double)0.001, depth-scale-dtype=u2", "raw"},
    /* a shape set by the properties wins over the one of the files */
    {GST_TRIAL_DEPTH_RAW, GST_TRIAL_SAMPLE_DEPTH_SWAPPED, 32, 96, 0.0,
        "video/x-raw, format=GRAY16_LE, width=32, height=96, framerate=15/2, "
          "depth-scale=(double)0.001, depth-scale-dtype=u2", "raw"},
    /* a scale set by the property holds for every frame: no dtype */
    {GST_TRIAL_DEPTH_NPY, GST_TRIAL_SAMPLE_DEPTH_IN_DEPTH, 0, 0, 0.25,
        "application/x-npy, width=64, height=48, framerate=15/2, "
          "depth-scale=(double)0.25", "npy"},
    {GST_TRIAL_DEPTH_PNG, GST_TRIAL_SAMPLE_DEPTH_IN_DEPTH, 0, 0, 0.0,
        "image/png, width=64, height=48, framerate=15/2, "
          "depth-scale=(double)0.001, depth-scale-dtype=u2", "png"},
  };
  guint c;

  for (c = 0; c < G_N_ELEMENTS (cases); c++) {
    GstTrialSampleOptions o = small_options ();
    g_autofree gchar *dir = NULL;
    g_autofree gchar *trial = NULL;
    g_autofree gint64 *numbers = NULL;
    const GstStructure *s;
    Run *run;

    o.structure = GST_TRIAL_STRUCTURE_SINGLE_CAMERA;
    o.depth_format = cases[c].format;
    o.depth_folder = cases[c].folder;
    o.n_frames = 5;
    dir = make_sample (&o);
    trial = g_build_filename (dir, "trial_1", NULL);
    numbers = sample_numbers (&o, 0, o.n_frames);

    run = run_new (trial, FALSE);
    gst_util_set_object_arg (G_OBJECT (run->src), "framerate", "15/2");
    g_object_set (run->src, "depth-width", cases[c].width, "depth-height",
        cases[c].height, "depth-scale", cases[c].scale, NULL);
    run_play_to_eos (run);
    fail_unless_equals_int (check_stream (run, COLOR, &o, trial, 0, numbers,
            o.n_frames, 0, 15, 2), 0);
    fail_unless_equals_int (check_stream (run, DEPTH, &o, trial, 0, numbers,
            o.n_frames, 0, 15, 2), 0);
    check_caps (run, COLOR, "image/png, width=64, height=48, "
        "framerate=15/2");
    check_caps (run, DEPTH, cases[c].caps);
    s = only_layout (run);
    check_string_field (s, "structure", "single_camera");
    check_string_field (s, "camera", "single_camera");
    check_string_field (s, "depth-format", cases[c].name);
    run_free (run);
    trial_test_rm_rf (dir);
  }
}

GST_END_TEST;

GST_START_TEST (test_jpeg_color)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gint64 *numbers = NULL;
  Run *run;

  o.color_format = GST_TRIAL_COLOR_JPEG;
  o.n_frames = 5;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  numbers = sample_numbers (&o, 0, o.n_frames);

  run = run_new (trial, FALSE);
  run_play_to_eos (run);
  fail_unless_equals_int (check_stream (run, COLOR, &o, trial, 0, numbers,
          o.n_frames, 0, 30, 1), 0);
  check_caps (run, COLOR, "image/jpeg, width=64, height=48, framerate=30/1");
  check_string_field (only_layout (run), "color-format", "jpeg");
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* A minimal 2x2 24-bit BMP: 54 bytes of headers, two rows of 6 pixel bytes
 * padded to 8; @seed varies the pixels. */
static void
write_bmp (const gchar * dir, const gchar * relpath, guint8 seed)
{
  guint8 bmp[70] = {
    'B', 'M', 70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0,
    40, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 24, 0,
    0, 0, 0, 0, 16, 0, 0, 0, 0x13, 0x0b, 0, 0, 0x13, 0x0b, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
  };
  guint i;

  for (i = 54; i < sizeof (bmp); i++)
    bmp[i] = (guint8) (seed + i);
  trial_test_write (dir, relpath, bmp, sizeof (bmp));
}

/* A hand-written single_camera trial of BMP files without any depth folder:
 * image/bmp caps with the size from the header, the bytes as written, and
 * every depth buffer a GAP. */
GST_START_TEST (test_bmp_single_camera_without_depth)
{
  static const gint64 numbers[] = { 7, 8, 10 };
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  GstTrialSampleOptions o = GST_TRIAL_SAMPLE_OPTIONS_INIT;
  guint i;
  Run *run;

  for (i = 0; i < G_N_ELEMENTS (numbers); i++) {
    g_autofree gchar *rel = g_strdup_printf ("Color/_Color_%04"
        G_GINT64_FORMAT ".bmp", numbers[i]);

    write_bmp (dir, rel, (guint8) i);
  }
  /* not a frame: no number after the underscore */
  trial_test_write (dir, "Color/_Color_.bmp", "x", 1);

  run = run_new (dir, FALSE);
  run_play_to_eos (run);
  check_caps (run, COLOR, "image/bmp, width=2, height=2, framerate=30/1");
  check_string_field (only_layout (run), "structure", "single_camera");
  check_string_field (only_layout (run), "color-format", "bmp");
  check_string_field (only_layout (run), "depth-format", "none");
  g_mutex_lock (&run->sink[COLOR].lock);
  fail_unless_equals_int (run->sink[COLOR].buffers->len, 3);
  for (i = 0; i < G_N_ELEMENTS (numbers); i++) {
    GstBuffer *buf = g_ptr_array_index (run->sink[COLOR].buffers, i);
    g_autofree gchar *path = g_strdup_printf ("%s/Color/_Color_%04"
        G_GINT64_FORMAT ".bmp", dir, numbers[i]);
    g_autoptr (GBytes) want = trial_test_read (path);
    GstMapInfo map;

    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), numbers[i]);
    fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
    fail_unless_equals_uint64 (map.size, 70);
    fail_unless (memcmp (map.data, g_bytes_get_data (want, NULL), 70) == 0);
    gst_buffer_unmap (buf, &map);
  }
  g_mutex_unlock (&run->sink[COLOR].lock);
  /* no depth file exists, so check_stream expects a GAP for every frame */
  o.structure = GST_TRIAL_STRUCTURE_SINGLE_CAMERA;
  fail_unless_equals_int (check_stream (run, DEPTH, &o, dir, 0, numbers, 3, 0,
          30, 1), 3);
  fail_unless_equals_int (run->warnings->len, 3);
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* Gaps in the numbering, a frame without depth, an empty color file and a
 * color file that vanishes after the scan: GAP buffers with their frame
 * number on the right pad only, one warning each, the stream goes on. */
GST_START_TEST (test_gaps_and_failed_frames)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gint64 *numbers = NULL;
  g_autofree gchar *no_depth = NULL;
  g_autofree gchar *empty = NULL;
  g_autofree gchar *vanished = NULL;
  Run *run;

  o.gap_every = 3;
  o.start_frame = 10;
  o.n_frames = 10;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  numbers = sample_numbers (&o, 0, o.n_frames);
  /* the sample skips 12, 15, 18 ... */
  fail_unless_equals_int64 (numbers[2], 13);

  no_depth = sample_file (&o, trial, 0, DEPTH, numbers[3]);
  fail_unless (g_unlink (no_depth) == 0);
  empty = sample_file (&o, trial, 0, COLOR, numbers[5]);
  fail_unless (g_file_set_contents (empty, "", 0, NULL));

  run = run_new (trial, FALSE);
  run_preroll (run);
  vanished = sample_file (&o, trial, 0, COLOR, numbers[8]);
  fail_unless (g_unlink (vanished) == 0);
  run_play_to_eos (run);

  fail_unless_equals_int (check_stream (run, COLOR, &o, trial, 0, numbers,
          o.n_frames, 0, 30, 1), 2);
  fail_unless_equals_int (check_stream (run, DEPTH, &o, trial, 0, numbers,
          o.n_frames, 0, 30, 1), 1);
  fail_unless_equals_int (run->warnings->len, 3);
  {
    g_autofree gchar *want = g_strdup_printf ("no depth file for frame %"
        G_GINT64_FORMAT, numbers[3]);
    g_autofree gchar *want_empty = g_strdup_printf ("'%s' is empty", empty);
    g_autofree gchar *want_open = g_strdup_printf ("cannot open color file "
        "'%s': No such file", vanished);

    check_warning (run, "depth", numbers[3], want);
    check_warning (run, "color", numbers[5], want_empty);
    check_warning (run, "color", numbers[8], want_open);
  }
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_no_depth_folder)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gint64 *numbers = NULL;
  Run *run;
  guint i;

  o.depth_format = GST_TRIAL_DEPTH_NONE;
  o.n_frames = 4;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  numbers = sample_numbers (&o, 0, o.n_frames);

  run = run_new (trial, FALSE);
  run_play_to_eos (run);
  fail_unless_equals_int (check_stream (run, COLOR, &o, trial, 0, numbers,
          o.n_frames, 0, 30, 1), 0);
  fail_unless_equals_int (check_stream (run, DEPTH, &o, trial, 0, numbers,
          o.n_frames, 0, 30, 1), o.n_frames);
  check_caps (run, DEPTH, "video/x-raw, format=GRAY16_LE, framerate=30/1, "
      "depth-scale=(double)0.001, depth-scale-dtype=u2");
  check_string_field (only_layout (run), "depth-format", "none");
  fail_unless_equals_int (run->warnings->len, o.n_frames);
  for (i = 0; i < o.n_frames; i++)
    check_warning (run, "depth", numbers[i], "the trial has no depth folder");
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_start_stop_frames)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gint64 *numbers = NULL;
  const GstStructure *s;
  gint64 first_frame = 0, last_frame = 0;
  guint n = 0;
  Run *run;

  o.gap_every = 4;
  o.start_frame = 100;
  o.n_frames = 12;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  /* 100 101 102 104 105 106 108 ...: start on the missing 103 */
  numbers = sample_numbers (&o, 3, 5);
  fail_unless_equals_int64 (numbers[0], 104);

  run = run_new (trial, FALSE);
  g_object_set (run->src, "start-frame", (gint64) 103, "stop-frame",
      numbers[4], NULL);
  run_play_to_eos (run);
  check_stream (run, COLOR, &o, trial, 0, numbers, 5, 0, 30, 1);
  check_stream (run, DEPTH, &o, trial, 0, numbers, 5, 0, 30, 1);
  s = only_layout (run);
  fail_unless (gst_structure_get_uint (s, "n-frames", &n));
  fail_unless (gst_structure_get_int64 (s, "first-frame", &first_frame));
  fail_unless (gst_structure_get_int64 (s, "last-frame", &last_frame));
  fail_unless_equals_int (n, 5);
  fail_unless_equals_int64 (first_frame, 104);
  fail_unless_equals_int64 (last_frame, numbers[4]);
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* Seeks before playing: DEFAULT (a frame number that does not exist lands
 * on the next one) through the pipeline, TIME through trialsrc itself. */
GST_START_TEST (test_seek_paused)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gint64 *numbers = NULL;
  guint index;
  Run *run;

  o.gap_every = 5;
  o.start_frame = 0;
  o.n_frames = 20;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  numbers = sample_numbers (&o, 0, o.n_frames);

  /* DEFAULT: frame 9 is missing (4, 9, 14 are), so index 8 = frame 10 */
  fail_unless_equals_int64 (numbers[8], 10);
  run = run_new (trial, FALSE);
  run_preroll (run);
  fail_unless (gst_element_seek_simple (run->pipeline, GST_FORMAT_DEFAULT,
          GST_SEEK_FLAG_FLUSH, 9));
  run_play_to_eos (run);
  check_stream (run, COLOR, &o, trial, 0, numbers + 8, o.n_frames - 8, 8, 30,
      1);
  check_stream (run, DEPTH, &o, trial, 0, numbers + 8, o.n_frames - 8, 8, 30,
      1);
  fail_unless (run->sink[COLOR].n_flushes >= 1);
  fail_unless (run->sink[DEPTH].n_flushes >= 1);
  run_free (run);

  /* TIME, exactly on a frame whose PTS is rounded down, and inside a frame */
  for (index = 7; index <= 13; index += 6) {
    GstClockTime t = frame_time (index, 30, 1) + (index == 13 ? 1000000 : 0);

    run = run_new (trial, FALSE);
    run_preroll (run);
    fail_unless (gst_element_seek_simple (run->src, GST_FORMAT_TIME,
            GST_SEEK_FLAG_FLUSH, t));
    run_play_to_eos (run);
    check_stream (run, COLOR, &o, trial, 0, numbers + index,
        o.n_frames - index, index, 30, 1);
    check_stream (run, DEPTH, &o, trial, 0, numbers + index,
        o.n_frames - index, index, 30, 1);
    run_free (run);
  }
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* A DEFAULT seek with a stop: the stop frame itself is not played. */
GST_START_TEST (test_seek_range)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gint64 *numbers = NULL;
  Run *run;

  o.start_frame = 0;
  o.n_frames = 20;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  numbers = sample_numbers (&o, 0, o.n_frames);

  run = run_new (trial, FALSE);
  run_preroll (run);
  fail_unless (gst_element_seek (run->pipeline, 1.0, GST_FORMAT_DEFAULT,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 5, GST_SEEK_TYPE_SET, 9));
  run_play_to_eos (run);
  check_stream (run, COLOR, &o, trial, 0, numbers + 5, 4, 5, 30, 1);
  check_stream (run, DEPTH, &o, trial, 0, numbers + 5, 4, 5, 30, 1);
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* A reverse seek (rate < 0) is refused as a whole, through the pipeline
 * and through trialsrc, and nothing is flushed: both pads then play from
 * where they were, with their segment, every frame once. */
GST_START_TEST (test_seek_reverse_refused)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gint64 *numbers = NULL;
  guint i;
  Run *run;

  o.start_frame = 0;
  o.n_frames = 10;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  numbers = sample_numbers (&o, 0, o.n_frames);

  for (i = 0; i < 2; i++) {
    GstElement *target;

    run = run_new (trial, FALSE);
    target = i == 0 ? run->pipeline : run->src;
    run_preroll (run);
    fail_if (gst_element_seek (target, -1.0, GST_FORMAT_DEFAULT,
            GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_SET, 5));
    fail_if (gst_element_seek (target, -1.0, GST_FORMAT_TIME,
            GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_NONE,
            -1));
    fail_unless_equals_int (run->sink[COLOR].n_flushes, 0);
    fail_unless_equals_int (run->sink[DEPTH].n_flushes, 0);
    run_play_to_eos (run);
    check_stream (run, COLOR, &o, trial, 0, numbers, o.n_frames, 0, 30, 1);
    check_stream (run, DEPTH, &o, trial, 0, numbers, o.n_frames, 0, 30, 1);
    fail_unless_equals_int (run->sink[COLOR].n_flushes, 0);
    fail_unless_equals_int (run->sink[DEPTH].n_flushes, 0);
    run_free (run);
  }
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* A flushing seek while both pads stream (synced to the clock, so the
 * stream is still running): both pads restart at the sought frame. */
GST_START_TEST (test_seek_mid_stream)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gint64 *numbers = NULL;
  guint i;
  Run *run;

  o.start_frame = 500;
  o.n_frames = 60;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  numbers = sample_numbers (&o, 0, o.n_frames);

  for (i = 0; i < 2; i++) {
    GstElement *target;

    run = run_new (trial, TRUE);
    gst_util_set_object_arg (G_OBJECT (run->src), "framerate", "50/1");
    target = i == 0 ? run->pipeline : run->src;
    fail_unless (gst_element_set_state (run->pipeline, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    run_wait_buffers (run, 5);
    fail_unless (gst_element_seek_simple (target, GST_FORMAT_DEFAULT,
            GST_SEEK_FLAG_FLUSH, 540));
    run_wait_eos (run);
    fail_unless (run->sink[COLOR].n_flushes >= 1);
    fail_unless (run->sink[DEPTH].n_flushes >= 1);
    check_stream (run, COLOR, &o, trial, 0, numbers + 40, 20, 40, 50, 1);
    check_stream (run, DEPTH, &o, trial, 0, numbers + 40, 20, 40, 50, 1);
    run_free (run);
  }
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_queries)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  GstElement *targets[2];
  gint64 value;
  guint i;
  Run *run;

  o.gap_every = 5;
  o.start_frame = 0;
  o.n_frames = 20;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);

  run = run_new (trial, FALSE);
  run_preroll (run);
  targets[0] = run->pipeline;
  targets[1] = run->src;
  for (i = 0; i < 2; i++) {
    fail_unless (gst_element_query_duration (targets[i], GST_FORMAT_TIME,
            &value));
    fail_unless_equals_int64 (value, frame_time (20, 30, 1));
    /* the end in frame numbers: last frame (23) + 1 */
    fail_unless (gst_element_query_duration (targets[i], GST_FORMAT_DEFAULT,
            &value));
    fail_unless_equals_int64 (value, 24);
    /* frame 9 does not exist: it converts to the time of frame 10 (index 8) */
    fail_unless (gst_element_query_convert (targets[i], GST_FORMAT_DEFAULT, 9,
            GST_FORMAT_TIME, &value));
    fail_unless_equals_int64 (value, frame_time (8, 30, 1));
    fail_unless (gst_element_query_convert (targets[i], GST_FORMAT_TIME,
            frame_time (8, 30, 1), GST_FORMAT_DEFAULT, &value));
    fail_unless_equals_int64 (value, 10);
  }
  {
    g_autoptr (GstQuery) q = gst_query_new_seeking (GST_FORMAT_TIME);
    gboolean seekable = FALSE;

    fail_unless (gst_element_query (run->pipeline, q));
    gst_query_parse_seeking (q, NULL, &seekable, NULL, NULL);
    fail_unless (seekable);
  }
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* is-live: no preroll, frames paced by the clock, reported as live. */
GST_START_TEST (test_live)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gint64 *numbers = NULL;
  gint64 started;
  guint i;
  Run *run;

  o.n_frames = 10;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  numbers = sample_numbers (&o, 0, o.n_frames);

  run = run_new (trial, TRUE);
  g_object_set (run->src, "is-live", TRUE, NULL);
  gst_util_set_object_arg (G_OBJECT (run->src), "framerate", "40/1");
  fail_unless_equals_int (gst_element_set_state (run->pipeline,
          GST_STATE_PAUSED), GST_STATE_CHANGE_NO_PREROLL);
  started = g_get_monotonic_time ();
  run_play_to_eos (run);
  /* 10 frames at 40 fps: the last one is due 225 ms after the first */
  fail_unless (g_get_monotonic_time () - started >= 225 * 1000);
  {
    g_autoptr (GstQuery) q = gst_query_new_latency ();
    g_autoptr (GstPad) pad = gst_element_get_static_pad (run->src, "depth");
    gboolean live = FALSE;
    GstClockTime min = 0;

    /* asked at trialsrc: the sinks would add their processing deadline */
    fail_unless (gst_pad_query (pad, q));
    gst_query_parse_latency (q, &live, &min, NULL);
    fail_unless (live);
    fail_unless_equals_uint64 (min, frame_time (1, 40, 1));
  }
  for (i = 0; i < 2; i++) {
    Sink *sink = &run->sink[i];
    guint k;

    fail_unless_equals_int (sink->buffers->len, o.n_frames);
    for (k = 0; k < o.n_frames; k++) {
      GstBuffer *buf = g_ptr_array_index (sink->buffers, k);
      GstBuffer *head = g_ptr_array_index (sink->buffers, 0);

      fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), numbers[k]);
      /* live timestamps are running time: shifted, but one frame apart */
      fail_unless_equals_uint64 (GST_BUFFER_PTS (buf) - GST_BUFFER_PTS (head),
          frame_time (k, 40, 1));
    }
  }
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* The layout is scanned, and trial-layout posted, once per start; changed
 * properties apply to the next start. */
GST_START_TEST (test_rescan_per_start)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  guint n = 0;
  Run *run;

  o.n_frames = 6;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);

  run = run_new (trial, FALSE);
  run_preroll (run);
  fail_unless (gst_element_set_state (run->pipeline, GST_STATE_READY) ==
      GST_STATE_CHANGE_SUCCESS);
  g_object_set (run->src, "stop-frame", (gint64) 232, NULL);
  run_preroll (run);
  run_drain_bus (run);
  fail_unless_equals_int (run->layouts->len, 2);
  fail_unless (gst_structure_get_uint (gst_message_get_structure
          (g_ptr_array_index (run->layouts, 0)), "n-frames", &n));
  fail_unless_equals_int (n, 6);
  fail_unless (gst_structure_get_uint (gst_message_get_structure
          (g_ptr_array_index (run->layouts, 1)), "n-frames", &n));
  fail_unless_equals_int (n, 2);
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* A layout the application scanned is what trialsrc streams, as it is:
 * there is no second scan (a frame added since does not show), and the
 * properties a scan would use (location, camera, start-frame, stop-frame,
 * depth-width, depth-height, depth-scale) are not read, so they cannot
 * disagree with it. Without a layout, trialsrc scans location itself. */
GST_START_TEST (test_given_layout)
{
  GstTrialSampleOptions o = small_options ();
  GstTrialScanOptions scan = GST_TRIAL_SCAN_OPTIONS_INIT;
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gchar *missing = NULL;
  g_autofree gchar *last = NULL;
  g_autofree gchar *added = NULL;
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autoptr (GBytes) bytes = NULL;
  const GstStructure *s;
  GError *error = NULL;
  GstTrialLayout *got = NULL;
  gint64 first_frame = 0;
  guint n = 0, width = 0;
  Run *run;

  o.n_frames = 6;
  o.n_cameras = 2;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  missing = g_build_filename (dir, "missing", NULL);
  scan.camera = "cam2";
  scan.start_frame = 232;
  layout = gst_trial_layout_scan (trial, &scan, &error);
  fail_unless (layout != NULL, "%s", error ? error->message : "");
  last = sample_file (&o, trial, 1, COLOR, 236);
  added = sample_file (&o, trial, 1, COLOR, 237);
  bytes = trial_test_read (last);
  fail_unless (g_file_set_contents (added, g_bytes_get_data (bytes, NULL),
          g_bytes_get_size (bytes), NULL));

  run = run_new (missing, FALSE);
  g_object_set (run->src, "layout", layout, "camera", "cam1",
      "start-frame", (gint64) 231, "stop-frame", (gint64) 231,
      "depth-width", 8, "depth-height", 8, "depth-scale", 1.0, NULL);
  g_object_get (run->src, "layout", &got, NULL);
  fail_unless (got == layout);
  gst_trial_layout_unref (got);
  run_preroll (run);
  run_drain_bus (run);
  s = only_layout (run);
  check_string_field (s, "camera", "cam2");
  fail_unless (gst_structure_get_uint (s, "n-frames", &n));
  fail_unless_equals_int (n, 5);
  fail_unless (gst_structure_get_int64 (s, "first-frame", &first_frame));
  fail_unless_equals_int64 (first_frame, 232);
  fail_unless (gst_structure_get_uint (s, "depth-width", &width));
  fail_unless_equals_int (width, o.width);
  run_free (run);

  run = run_new (trial, FALSE);
  g_object_set (run->src, "camera", "cam2", NULL);
  run_preroll (run);
  run_drain_bus (run);
  fail_unless (gst_structure_get_uint (only_layout (run), "n-frames", &n));
  fail_unless_equals_int (n, 7);
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* PLAYING -> NULL while both pads stream, many times, on one pipeline and
 * on fresh ones; leaks show under valgrind / ASan. */
GST_START_TEST (test_playing_to_null_mid_stream)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  Run *run;
  guint i;

  o.n_frames = 30;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);

  run = run_new (trial, TRUE);
  gst_util_set_object_arg (G_OBJECT (run->src), "framerate", "100/1");
  for (i = 0; i < 50; i++) {
    guint before = run->sink[COLOR].n_seen;

    fail_unless (gst_element_set_state (run->pipeline, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    run_wait_buffers (run, before + 2);
    fail_unless (gst_element_set_state (run->pipeline, GST_STATE_NULL) ==
        GST_STATE_CHANGE_SUCCESS);
  }
  run_free (run);

  for (i = 0; i < 10; i++) {
    run = run_new (trial, i % 2 == 0);
    fail_unless (gst_element_set_state (run->pipeline, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    run_wait_buffers (run, 1);
    run_free (run);
  }
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* A trial that cannot be read: the state change fails with an ERROR whose
 * text names the problem, and no buffer is pushed. */
static void
check_start_error (const gchar * location, const gchar * camera, gint code,
    const gchar * part1, const gchar * part2)
{
  Run *run = run_new (location ? location : "", FALSE);
  g_autoptr (GError) error = NULL;

  if (!location)
    g_object_set (run->src, "location", NULL, NULL);
  if (camera)
    g_object_set (run->src, "camera", camera, NULL);
  fail_unless_equals_int (gst_element_set_state (run->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  run_drain_bus (run);
  fail_unless (run->error != NULL, "no error message for '%s'", location);
  fail_unless (GST_MESSAGE_SRC (run->error) == GST_OBJECT (run->src));
  gst_message_parse_error (run->error, &error, NULL);
  fail_unless (g_error_matches (error, GST_RESOURCE_ERROR, code),
      "error %s %d: %s", g_quark_to_string (error->domain), error->code,
      error->message);
  fail_unless (strstr (error->message, part1) != NULL, "'%s' lacks '%s'",
      error->message, part1);
  fail_unless (strstr (error->message, part2) != NULL, "'%s' lacks '%s'",
      error->message, part2);
  fail_unless_equals_int (run->sink[COLOR].n_seen, 0);
  fail_unless_equals_int (run->sink[DEPTH].n_seen, 0);
  fail_unless_equals_int (run->layouts->len, 0);
  run_free (run);
}

GST_START_TEST (test_errors)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *missing = g_build_filename (dir, "nope", NULL);
  g_autofree gchar *file = g_build_filename (dir, "file", NULL);
  g_autofree gchar *empty = g_build_filename (dir, "empty", NULL);
  g_autofree gchar *no_frames = g_build_filename (dir, "no_frames", NULL);
  g_autofree gchar *two = g_build_filename (dir, "two", NULL);

  trial_test_write (dir, "file", "x", 1);
  fail_unless (g_mkdir (empty, 0755) == 0);
  trial_test_write (no_frames, "Color/notes.txt", "x", 1);
  trial_test_write (no_frames, "Color/frame_.png", "x", 1);
  trial_test_write (two, "cam1/color/frame_000001.png", "x", 1);
  trial_test_write (two, "cam2/color/frame_000001.png", "x", 1);

  check_start_error (NULL, NULL, GST_RESOURCE_ERROR_NOT_FOUND, "location",
      "trial folder");
  check_start_error (missing, NULL, GST_RESOURCE_ERROR_NOT_FOUND, missing,
      "does not exist");
  check_start_error (file, NULL, GST_RESOURCE_ERROR_OPEN_READ, file,
      "not a folder");
  check_start_error (empty, NULL, GST_RESOURCE_ERROR_NOT_FOUND, empty,
      "not a trial folder");
  check_start_error (no_frames, NULL, GST_RESOURCE_ERROR_NOT_FOUND,
      "no color frames", no_frames);
  check_start_error (two, "cam9", GST_RESOURCE_ERROR_SETTINGS, "'cam9'",
      "cam2");
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_range_without_frames_is_error)
{
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  Run *run;
  g_autoptr (GError) error = NULL;

  o.n_frames = 3;
  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  run = run_new (trial, FALSE);
  g_object_set (run->src, "start-frame", (gint64) 1000, NULL);
  fail_unless_equals_int (gst_element_set_state (run->pipeline,
          GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  run_drain_bus (run);
  fail_unless (run->error != NULL);
  gst_message_parse_error (run->error, &error, NULL);
  fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_NOT_FOUND));
  fail_unless (strstr (error->message, "1000") != NULL, "%s", error->message);
  fail_unless_equals_int (run->sink[COLOR].n_seen, 0);
  run_free (run);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* What gst-inspect-1.0 shows: a one-sentence description like stock
 * elements' (the example pipelines are in the docs), both pads, and a blurb
 * for every property of trialsrc. */
/* trialsrc with decode (as made from a trial:// URI), a fakesink linked to
 * each pad as it is added. */
typedef struct
{
  GstElement *pipeline;
  GPtrArray *added;             /* pad names and "no-more-pads", in order */
  GPtrArray *sinks;
  gint buffers[2];
  GstCaps *caps[2];
  gint pads_at_color_segment;   /* pads of trialsrc when color data began */
} DecodeRun;

static GstPadProbeReturn
decode_color_segment (GstPad * pad, GstPadProbeInfo * info, DecodeRun * r)
{
  GstElement *src;

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) != GST_EVENT_SEGMENT)
    return GST_PAD_PROBE_OK;
  src = GST_PAD_PARENT (pad);
  GST_OBJECT_LOCK (src);
  g_atomic_int_set (&r->pads_at_color_segment, src->numsrcpads);
  GST_OBJECT_UNLOCK (src);
  return GST_PAD_PROBE_REMOVE;
}

static void
decode_handoff (GstElement * sink G_GNUC_UNUSED, GstBuffer * buffer
    G_GNUC_UNUSED, GstPad * pad G_GNUC_UNUSED, gint * count)
{
  g_atomic_int_inc (count);
}

static void
decode_pad_added (GstElement * src G_GNUC_UNUSED, GstPad * pad,
    DecodeRun * r)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr (GstPad) sinkpad = gst_element_get_static_pad (sink, "sink");
  guint i = g_str_equal (GST_PAD_NAME (pad), "depth") ? DEPTH : COLOR;

  g_ptr_array_add (r->added, g_strdup (GST_PAD_NAME (pad)));
  /* added with its caps on it, for uridecodebin to see it raw */
  r->caps[i] = gst_pad_get_current_caps (pad);
  if (i == COLOR)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        (GstPadProbeCallback) decode_color_segment, r, NULL);
  g_object_set (sink, "signal-handoffs", TRUE, "sync", FALSE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (decode_handoff),
      &r->buffers[i]);
  gst_bin_add (GST_BIN (r->pipeline), sink);
  g_ptr_array_add (r->sinks, gst_object_ref (sink));
  gst_element_sync_state_with_parent (sink);
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
}

static void
decode_no_more_pads (GstElement * src G_GNUC_UNUSED, DecodeRun * r)
{
  g_ptr_array_add (r->added, g_strdup ("no-more-pads"));
}

/* Plays @src to EOS twice; each time the pads come in order @want (NULL
 * terminated), each pad with @n_frames buffers, and are gone at READY. */
static void
check_decode_runs (GstElement * src, const gchar * const *want,
    gint n_frames, gint width, gint height)
{
  DecodeRun r = { 0, };
  guint run, i;

  r.pipeline = gst_pipeline_new (NULL);
  r.added = g_ptr_array_new_with_free_func (g_free);
  r.sinks = g_ptr_array_new_with_free_func (gst_object_unref);
  gst_bin_add (GST_BIN (r.pipeline), gst_object_ref (src));
  g_signal_connect (src, "pad-added", G_CALLBACK (decode_pad_added), &r);
  g_signal_connect (src, "no-more-pads", G_CALLBACK (decode_no_more_pads),
      &r);
  for (run = 0; run < 2; run++) {
    g_autoptr (GstBus) bus = gst_element_get_bus (r.pipeline);
    g_autoptr (GstMessage) msg = NULL;

    fail_unless_equals_int (src->numsrcpads, 0);
    gst_element_set_state (r.pipeline, GST_STATE_PLAYING);
    msg = gst_bus_timed_pop_filtered (bus, TIMEOUT_S * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS,
        "run %u: no EOS", run);
    for (i = 0; want[i] != NULL; i++) {
      fail_unless (i < r.added->len, "run %u: only %u pads", run, i);
      fail_unless_equals_string (g_ptr_array_index (r.added, i), want[i]);
    }
    fail_unless_equals_int (r.added->len, i);
    /* no color data before every pad is there: a sink would see EOS
     * before another one is linked */
    fail_unless_equals_int (g_atomic_int_get (&r.pads_at_color_segment),
        want[2] != NULL ? 2 : 1);
    for (i = 0; i < 2; i++) {
      GstStructure *s;
      gint w = 0, h = 0;

      if (r.caps[i] == NULL)
        continue;
      s = gst_caps_get_structure (r.caps[i], 0);
      fail_unless_equals_int (r.buffers[i], n_frames);
      fail_unless (gst_structure_get_int (s, "width", &w)
          && gst_structure_get_int (s, "height", &h));
      fail_unless_equals_int (w, width);
      fail_unless_equals_int (h, height);
      fail_unless_equals_string (gst_structure_get_string (s, "format"),
          i == COLOR ? "RGB" : "GRAY16_LE");
      gst_clear_caps (&r.caps[i]);
      r.buffers[i] = 0;
    }
    gst_element_set_state (r.pipeline, GST_STATE_READY);
    fail_unless_equals_int (src->numsrcpads, 0);
    for (i = 0; i < r.sinks->len; i++) {
      GstElement *sink = g_ptr_array_index (r.sinks, i);

      gst_element_set_state (sink, GST_STATE_NULL);
      gst_bin_remove (GST_BIN (r.pipeline), sink);
    }
    g_ptr_array_set_size (r.sinks, 0);
    g_ptr_array_set_size (r.added, 0);
  }
  gst_element_set_state (r.pipeline, GST_STATE_NULL);
  g_signal_handlers_disconnect_by_data (src, &r);
  gst_bin_remove (GST_BIN (r.pipeline), src);
  gst_object_unref (r.pipeline);
  g_ptr_array_unref (r.added);
  g_ptr_array_unref (r.sinks);
}

GST_START_TEST (test_decode_pads)
{
  static const gchar *const both[] = { "color", "depth", "no-more-pads",
    NULL
  };
  static const gchar *const color_only[] = { "color", "no-more-pads", NULL };
  GstTrialSampleOptions o = small_options ();
  g_autofree gchar *dir = NULL;
  g_autofree gchar *trial = NULL;
  g_autofree gchar *no_depth = NULL;
  g_autoptr (GError) error = NULL;
  GstElement *src;

  dir = make_sample (&o);
  trial = g_build_filename (dir, "trial_1", NULL);
  src = gst_object_ref_sink (gst_element_factory_make ("trialsrc", NULL));
  fail_unless_equals_int (src->numsrcpads, 2);
  g_object_set (src, "location", trial, "decode", TRUE, NULL);
  check_decode_runs (src, both, o.n_frames, o.width, o.height);
  /* by name again: both pads at once, the file bytes */
  g_object_set (src, "decode", FALSE, NULL);
  fail_unless_equals_int (src->numsrcpads, 2);
  fail_unless_equals_string (GST_PAD_NAME (src->srcpads->data), "color");
  gst_object_unref (src);

  o.depth_format = GST_TRIAL_DEPTH_NONE;
  no_depth = g_build_filename (dir, "no_depth", NULL);
  fail_unless (gst_trial_sample_write (&o, no_depth, &error), "%s",
      error ? error->message : "");
  src = gst_object_ref_sink (gst_element_factory_make ("trialsrc", NULL));
  g_object_set (src, "location", no_depth, "decode", TRUE, NULL);
  check_decode_runs (src, color_only, o.n_frames, o.width, o.height);
  gst_object_unref (src);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_inspect)
{
  g_autoptr (GstElementFactory) factory =
      gst_element_factory_find ("trialsrc");
  g_autoptr (GstElement) src = NULL;
  g_autofree GParamSpec **props = NULL;
  static const gchar *const wanted[] = { "location", "camera", "start-frame",
    "stop-frame", "framerate", "depth-width", "depth-height", "depth-scale",
    "is-live", "layout", "decode",
  };
  guint n, i, ours = 0;

  fail_unless (factory != NULL);
  fail_unless_equals_string (gst_element_factory_get_metadata (factory,
          GST_ELEMENT_METADATA_DESCRIPTION),
      "Reads the color and depth frame files of a RealSense trial folder");
  fail_unless_equals_string (gst_element_factory_get_metadata (factory,
          GST_ELEMENT_METADATA_KLASS), "Source/File");
  src = gst_element_factory_create (factory, NULL);
  gst_object_ref_sink (src);
  {
    g_autoptr (GstPad) color = gst_element_get_static_pad (src, "color");
    g_autoptr (GstPad) depth = gst_element_get_static_pad (src, "depth");

    fail_unless (color != NULL && depth != NULL);
    fail_unless_equals_int (GST_PAD_DIRECTION (color), GST_PAD_SRC);
  }
  props = g_object_class_list_properties (G_OBJECT_GET_CLASS (src), &n);
  for (i = 0; i < n; i++) {
    const gchar *blurb = g_param_spec_get_blurb (props[i]);

    if (props[i]->owner_type != G_OBJECT_TYPE (src))
      continue;
    ours++;
    fail_unless (blurb != NULL && strlen (blurb) > 20, "%s: blurb '%s'",
        props[i]->name, blurb);
    fail_unless (props[i]->flags & GST_PARAM_MUTABLE_READY, "%s",
        props[i]->name);
  }
  fail_unless_equals_int (ours, G_N_ELEMENTS (wanted));
  for (i = 0; i < G_N_ELEMENTS (wanted); i++)
    fail_unless (g_object_class_find_property (G_OBJECT_GET_CLASS (src),
            wanted[i]) != NULL, "%s", wanted[i]);
}

GST_END_TEST;

static Suite *
trialsrc_suite (void)
{
  Suite *s = suite_create ("trialsrc");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_multi_camera_raw);
  tcase_add_test (tc, test_buffers_recycled);
  tcase_add_test (tc, test_default_camera_is_first);
  tcase_add_test (tc, test_single_camera_depth_formats);
  tcase_add_test (tc, test_jpeg_color);
  tcase_add_test (tc, test_bmp_single_camera_without_depth);
  tcase_add_test (tc, test_gaps_and_failed_frames);
  tcase_add_test (tc, test_no_depth_folder);
  tcase_add_test (tc, test_start_stop_frames);
  tcase_add_test (tc, test_seek_paused);
  tcase_add_test (tc, test_seek_range);
  tcase_add_test (tc, test_seek_reverse_refused);
  tcase_add_test (tc, test_seek_mid_stream);
  tcase_add_test (tc, test_queries);
  tcase_add_test (tc, test_live);
  tcase_add_test (tc, test_rescan_per_start);
  tcase_add_test (tc, test_given_layout);
  tcase_add_test (tc, test_playing_to_null_mid_stream);
  tcase_add_test (tc, test_errors);
  tcase_add_test (tc, test_range_without_frames_is_error);
  tcase_add_test (tc, test_inspect);
  tcase_add_test (tc, test_decode_pads);
  return s;
}

GST_CHECK_MAIN (trialsrc);
