/* gst-trial stress test (issue 9): a 10,000-frame trial through trialsrc ->
 * trialconvert -> fakesink on both pads, with max-in-flight 1 and 64, while
 * a second thread fires random flushing DEFAULT-format seeks every few ms.
 * A watchdog aborts on a deadlock; after the last seek each pad must deliver
 * exactly the frames from the sought one to the end, in order. */
#include <stdlib.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/sample.h"
#include "../trialtest.h"

#define N_FRAMES 10000
#define N_SEEKS 150
#define WATCHDOG_SECONDS 300

/* What one sink saw since the last FLUSH_STOP. */
typedef struct
{
  GMutex lock;
  GCond cond;
  GArray *offsets;              /* gint64, buffers since the last flush */
  guint n_gaps;                 /* GAP buffers among them */
  guint64 n_total;              /* buffers over the whole run */
  gboolean eos;                 /* EOS since the last flush */
} Seen;

static gint watchdog_done;

/* A deadlock would hang the suite until CK_DEFAULT_TIMEOUT; this says what
 * happened and stops at once. */
static gpointer
watchdog (gpointer data G_GNUC_UNUSED)
{
  gint64 end = g_get_monotonic_time () + WATCHDOG_SECONDS * G_TIME_SPAN_SECOND;

  while (!g_atomic_int_get (&watchdog_done)) {
    if (g_get_monotonic_time () > end) {
      g_printerr ("stress: no progress after %d s, deadlock\n",
          WATCHDOG_SECONDS);
      abort ();
    }
    g_usleep (100 * 1000);
  }
  return NULL;
}

static GstPadProbeReturn
on_sink_data (GstPad * pad G_GNUC_UNUSED, GstPadProbeInfo * info, gpointer user_data)
{
  Seen *seen = user_data;

  g_mutex_lock (&seen->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
    gint64 offset = GST_BUFFER_OFFSET (buffer);

    g_array_append_val (seen->offsets, offset);
    seen->n_total++;
    if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP))
      seen->n_gaps++;
  } else {
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

    if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP) {
      g_array_set_size (seen->offsets, 0);
      seen->n_gaps = 0;
      seen->eos = FALSE;
    } else if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
      seen->eos = TRUE;
      g_cond_broadcast (&seen->cond);
    }
  }
  g_mutex_unlock (&seen->lock);
  return GST_PAD_PROBE_OK;
}

/* Thousands of per-frame warnings (the trial has no depth) are counted, not
 * queued on the bus. */
static GstBusSyncReply
on_bus (GstBus * bus G_GNUC_UNUSED, GstMessage * message, gpointer user_data)
{
  gint *n_errors = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    g_autoptr (GError) error = NULL;

    gst_message_parse_error (message, &error, NULL);
    g_printerr ("stress: error: %s\n", error->message);
    g_atomic_int_inc (n_errors);
  }
  gst_message_unref (message);
  return GST_BUS_DROP;
}

typedef struct
{
  GstElement *pipeline;
  gint64 last;                  /* the final seek's frame */
} Seeker;

static gpointer
seek_randomly (gpointer data)
{
  Seeker *seeker = data;
  GRand *rand = g_rand_new_with_seed (9);
  guint i;

  for (i = 0; i <= N_SEEKS; i++) {
    gint64 frame = i < N_SEEKS ? g_rand_int_range (rand, 0, N_FRAMES)
        : seeker->last;

    g_usleep (g_rand_int_range (rand, 1, 6) * 1000);
    fail_unless (gst_element_seek (seeker->pipeline, 1.0, GST_FORMAT_DEFAULT,
            GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, frame,
            GST_SEEK_TYPE_NONE, -1), "seek %u to frame %" G_GINT64_FORMAT
        " refused", i, frame);
  }
  g_rand_free (rand);
  return NULL;
}

static void
wait_eos (Seen * seen)
{
  g_mutex_lock (&seen->lock);
  while (!seen->eos)
    g_cond_wait (&seen->cond, &seen->lock);
  g_mutex_unlock (&seen->lock);
}

static void
check_tail (Seen * seen, gint64 from, gboolean gaps)
{
  guint i;

  fail_unless_equals_int (seen->offsets->len, N_FRAMES - from);
  for (i = 0; i < seen->offsets->len; i++)
    fail_unless_equals_int64 (g_array_index (seen->offsets, gint64, i),
        from + i);
  fail_unless_equals_int (seen->n_gaps, gaps ? seen->offsets->len : 0);
  fail_unless (seen->n_total >= seen->offsets->len);
}

static void
stress (const gchar * trial, guint max_in_flight)
{
  g_autofree gchar *description = g_strdup_printf ("trialsrc location=%s "
      "name=s s.color ! trialconvert max-in-flight=%u n-threads=2 "
      "! fakesink name=cs sync=false s.depth ! trialconvert max-in-flight=%u "
      "n-threads=2 ! fakesink name=ds sync=false", trial, max_in_flight,
      max_in_flight);
  g_autoptr (GError) error = NULL;
  GstElement *pipeline = gst_parse_launch (description, &error);
  Seen seen[2];
  const gchar *names[2] = { "cs", "ds" };
  Seeker seeker;
  GThread *thread;
  GstBus *bus;
  gint n_errors = 0;
  guint i;

  fail_unless (pipeline != NULL, "%s", error ? error->message : "");
  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, on_bus, &n_errors, NULL);
  for (i = 0; i < 2; i++) {
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), names[i]);
    GstPad *pad = gst_element_get_static_pad (sink, "sink");

    g_mutex_init (&seen[i].lock);
    g_cond_init (&seen[i].cond);
    seen[i].offsets = g_array_new (FALSE, FALSE, sizeof (gint64));
    seen[i].n_gaps = 0;
    seen[i].n_total = 0;
    seen[i].eos = FALSE;
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
        GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH,
        on_sink_data, &seen[i], NULL);
    gst_object_unref (pad);
    gst_object_unref (sink);
  }

  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless (gst_element_get_state (pipeline, NULL, NULL,
          GST_CLOCK_TIME_NONE) == GST_STATE_CHANGE_SUCCESS);
  seeker.pipeline = pipeline;
  seeker.last = N_FRAMES - 700;
  thread = g_thread_new ("seeker", seek_randomly, &seeker);
  g_thread_join (thread);
  for (i = 0; i < 2; i++)
    wait_eos (&seen[i]);

  check_tail (&seen[0], seeker.last, FALSE);
  check_tail (&seen[1], seeker.last, TRUE);
  fail_unless_equals_int (g_atomic_int_get (&n_errors), 0);
  g_print ("stress: max-in-flight %u: %" G_GUINT64_FORMAT " color and %"
      G_GUINT64_FORMAT " depth buffers over %d seeks\n", max_in_flight,
      seen[0].n_total, seen[1].n_total, N_SEEKS + 1);

  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  for (i = 0; i < 2; i++) {
    g_array_unref (seen[i].offsets);
    g_mutex_clear (&seen[i].lock);
    g_cond_clear (&seen[i].cond);
  }
}

GST_START_TEST (test_long_trial_random_seeks)
{
  GstTrialSampleOptions o = GST_TRIAL_SAMPLE_OPTIONS_INIT;
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *trial = g_build_filename (dir, "trial_1", NULL);
  g_autoptr (GError) error = NULL;
  GThread *dog;

  /* no depth files: half the files to write, and the depth pad carries a
   * GAP buffer per frame, the failure path under stress */
  o.depth_format = GST_TRIAL_DEPTH_NONE;
  o.n_frames = N_FRAMES;
  o.width = 32;
  o.height = 24;
  fail_unless (gst_trial_sample_write (&o, trial, &error), "%s",
      error ? error->message : "");

  g_atomic_int_set (&watchdog_done, 0);
  dog = g_thread_new ("watchdog", watchdog, NULL);
  stress (trial, 1);
  stress (trial, 64);
  g_atomic_int_set (&watchdog_done, 1);
  g_thread_join (dog);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

static Suite *
stress_suite (void)
{
  Suite *s = suite_create ("stress");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, WATCHDOG_SECONDS + 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_long_trial_random_seeks);
  return s;
}

GST_CHECK_MAIN (stress);
