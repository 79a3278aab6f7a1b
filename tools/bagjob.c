/* trial-process: converting a RealSense .bag recording (see bagjob.h). */
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gst/trial/error.h"
#include "gst/trial/layout.h"
#include "gst/trial/rsbag.h"
#include "bagjob.h"
#include "guard.h"
#include "metadata.h"
#include "outputs.h"
#include "segments.h"

#define ROSBAG_MAGIC "#ROSBAG V2.0\n"

enum
{ COLOR, DEPTH, N_STREAMS };

static const gchar *const stream_names[N_STREAMS] = { "color", "depth" };
static const gchar *const stream_exts[N_STREAMS] = { "png", "npy" };

typedef struct
{
  GstTrialRsBag *rs;
  const GstTrialRsStream *streams[N_STREAMS];
  GArray *times[N_STREAMS];     /* gint64 bag times of each stream's frames */
  gint *pairs;                  /* color index -> depth index or -1 */
  gint *depth_frame;            /* depth index -> output frame or -1 */
  gint64 period;                /* of the color frames, ns */
  guint n_unpaired_depth;
  gint64 start, stop;           /* output frames kept, inclusive */
  guint seen[N_STREAMS];        /* buffers seen on each demuxer pad */
  gchar *output_dir;
  GstElement *pipeline;
  gboolean has_extrinsics;      /* depth -> color, below */
  gdouble rotation[9], translation[3];
  gboolean aligned;             /* depth aligned to color (trialalign) */
  gint64 t0;                    /* bag time of the recording's first frame */
  gint fps_tenths;              /* shown in the preview: -1, unknown */
  PreviewBranch preview[N_STREAMS];
  const gchar *not_aligned;     /* why not, when not */
  gchar *camera;                /* output folder: single_camera, device_1,
                                 * single_camera_Color_1, ... */
  /* output frame -> COLOR + 1 or DEPTH + 1: a message of it was in a
   * damaged chunk (a GAP from the demuxer); written by the streaming
   * thread, read once the pipeline has stopped */
  GHashTable *damaged;
  /* --resume: 1 for the output frames start + i whole on disk before the
   * run, their buffers dropped before any work; read-only while it runs */
  guint8 *whole;
  /* bag time of the first message a frame to convert needs (-1: the
   * start): the demuxer seeks there before its first buffer, and
   * seek_seen[] are then the numbers of each stream's frames before it */
  gint64 seek_to;
  guint seek_seen[N_STREAMS];
  gboolean seek_sent;           /* streaming thread */
} BagJob;

gboolean
tp_is_bag (const gchar * path)
{
  gchar magic[sizeof ROSBAG_MAGIC - 1];
  struct stat st;
  gboolean ok;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);

  if (fd < 0)
    return FALSE;
  ok = fstat (fd, &st) == 0 && S_ISREG (st.st_mode)
      && read (fd, magic, sizeof magic) == sizeof magic
      && memcmp (magic, ROSBAG_MAGIC, sizeof magic) == 0;
  close (fd);
  return ok;
}

static void
bag_job_clear (BagJob * job)
{
  guint s;

  for (s = 0; s < N_STREAMS; s++)
    g_clear_pointer (&job->times[s], g_array_unref);
  g_clear_pointer (&job->pairs, g_free);
  g_clear_pointer (&job->depth_frame, g_free);
  g_clear_pointer (&job->rs, gst_trial_rs_bag_free);
  g_clear_pointer (&job->output_dir, g_free);
  g_clear_pointer (&job->camera, g_free);
  g_clear_pointer (&job->damaged, g_hash_table_unref);
  g_clear_pointer (&job->whole, g_free);
  gst_clear_object (&job->pipeline);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BagJob, bag_job_clear);

static const GstTrialRsStreamKind stream_kinds[N_STREAMS] = {
  GST_TRIAL_RS_STREAM_COLOR, GST_TRIAL_RS_STREAM_DEPTH
};

static gboolean
is_device (GstTrialRsBag * rs, const gchar * name, guint * device)
{
  const guint *devices;
  guint n, i;

  devices = gst_trial_rs_bag_get_devices (rs, &n);
  for (i = 0; i < n; i++) {
    g_autofree gchar *d = g_strdup_printf ("device_%u", devices[i]);

    if (g_str_equal (name, d)) {
      *device = devices[i];
      return TRUE;
    }
  }
  return FALSE;
}

/* The streams --camera @camera names (NULL: the bag's first device; else
 * a device "device_1" or streams "Color_1", "device_1/Color_0",
 * comma-separated) into job->streams, and job->camera: "single_camera" in
 * a bag of one device, else "device_<d>", followed by "_<stream>" for each
 * stream that is not the first of its kind on the device. */
static gboolean
bag_job_choose_streams (BagJob * job, const gchar * path,
    const gchar * camera, GError ** error)
{
  g_auto (GStrv) items = camera ? g_strsplit (camera, ",", -1) : NULL;
  const guint *devices;
  guint n_devices, device, s;
  gboolean have_device = FALSE;
  GString *name;
  gchar **item;

  devices = gst_trial_rs_bag_get_devices (job->rs, &n_devices);
  for (item = items; item && *item; item++) {
    const GstTrialRsStream *stream;

    if (is_device (job->rs, *item, &device)) {
      have_device = TRUE;
      continue;
    }
    stream = gst_trial_rs_bag_lookup_stream (job->rs, *item);
    if (stream == NULL) {
      g_autofree gchar *all = gst_trial_rs_bag_describe_streams (job->rs);
      g_autoptr (GString) list = g_string_new (NULL);
      guint i;

      for (i = 0; i < n_devices; i++)
        g_string_append_printf (list, "%sdevice_%u", i ? ", " : "",
            devices[i]);
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNKNOWN_CAMERA,
          "bag '%s' has no device or stream '%s' (its devices: %s; its "
          "streams: %s)", path, *item, list->str, all);
      return FALSE;
    }
    job->streams[stream->kind == GST_TRIAL_RS_STREAM_COLOR ? COLOR : DEPTH]
        = stream;
  }
  if (!have_device)
    device = job->streams[COLOR] ? job->streams[COLOR]->device :
        job->streams[DEPTH] ? job->streams[DEPTH]->device : devices[0];
  name = g_string_new (NULL);
  if (n_devices > 1)
    g_string_append_printf (name, "device_%u", device);
  else
    g_string_append (name, GST_TRIAL_SINGLE_CAMERA);
  for (s = 0; s < N_STREAMS; s++) {
    const GstTrialRsStream *first = gst_trial_rs_bag_first_stream (job->rs,
        stream_kinds[s], device);

    if (job->streams[s] == NULL)
      job->streams[s] = first;
    else if (job->streams[s]->device != device) {
      g_autofree gchar *stream_name =
          gst_trial_rs_bag_stream_name (job->rs, job->streams[s]);

      g_string_free (name, TRUE);
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNKNOWN_CAMERA,
          "--camera %s: %s is not a stream of device_%u; name streams of "
          "one device", camera, stream_name, device);
      return FALSE;
    } else if (job->streams[s] != first)
      g_string_append_printf (name, "_%s", job->streams[s]->name);
  }
  job->camera = g_string_free (name, FALSE);
  return TRUE;
}

/* The bag's index: each stream's frame times, and the pairing. */
static gboolean
bag_job_pair (BagJob * job, GError ** error)
{
  GstTrialBag *bag = gst_trial_rs_bag_get_bag (job->rs);
  const GstTrialBagEntry *entries;
  gsize n, i;
  guint s, j;

  for (s = 0; s < N_STREAMS; s++) {
    if (job->streams[s] == NULL || job->streams[s]->n_frames == 0) {
      /* a device has a stream of one kind at least (rsbag.h) */
      const GstTrialRsStream *any = job->streams[s] ? job->streams[s] :
          job->streams[1 - s];
      guint n_devices;
      g_autofree gchar *device = NULL;

      gst_trial_rs_bag_get_devices (job->rs, &n_devices);
      if (n_devices > 1)
        device = g_strdup_printf (" on device_%u", any->device);
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES,
          "bag '%s' has no %s frames%s", gst_trial_bag_get_name (bag),
          s == COLOR ? "Color" : "Depth", device ? device : "");
      return FALSE;
    }
    job->times[s] = g_array_new (FALSE, FALSE, sizeof (gint64));
  }
  entries = gst_trial_bag_get_entries (bag, &n);
  for (i = 0; i < n; i++)
    for (s = 0; s < N_STREAMS; s++)
      if (entries[i].conn == job->streams[s]->image_conn) {
        gint64 t = entries[i].time;

        g_array_append_val (job->times[s], t);
      }
  job->pairs = g_new (gint, job->times[COLOR]->len);
  job->depth_frame = g_new (gint, job->times[DEPTH]->len + 1);
  job->period = gst_trial_pair_by_time ((gint64 *) job->times[COLOR]->data,
      job->times[COLOR]->len, (gint64 *) job->times[DEPTH]->data,
      job->times[DEPTH]->len, job->pairs, &job->n_unpaired_depth);
  for (j = 0; j < job->times[DEPTH]->len; j++)
    job->depth_frame[j] = -1;
  for (j = 0; j < job->times[COLOR]->len; j++)
    if (job->pairs[j] >= 0)
      job->depth_frame[job->pairs[j]] = j;
  return TRUE;
}

/* Bag time of the recording's first frame: the earliest Color or Depth
 * frame of any device, so that a time means the same moment for every
 * device and every choice of --camera. */
static gint64
bag_first_frame_time (GstTrialRsBag * rs)
{
  guint64 t0 = G_MAXUINT64;
  guint i;

  for (i = 0; i < gst_trial_rs_bag_get_n_streams (rs); i++) {
    const GstTrialRsStream *s = gst_trial_rs_bag_get_stream (rs, i);

    if (s->n_frames > 0)
      t0 = MIN (t0, s->first_time);
  }
  return t0;
}

/* A time window [start, end) in seconds from the recording's first frame
 * (NAN: open): narrows job->start/stop to its color frames (stop -2: none).
 * FALSE when it starts after the last frame of the job's streams. */
static gboolean
bag_job_time_window (BagJob * job, const gchar * path, gdouble start,
    gdouble end, GError ** error)
{
  GArray *color = job->times[COLOR];
  gint64 last_time = MAX (g_array_index (color, gint64, color->len - 1),
      g_array_index (job->times[DEPTH], gint64, job->times[DEPTH]->len - 1));
  gdouble duration;
  guint i;

  job->t0 = bag_first_frame_time (job->rs);
  duration = (last_time - job->t0) / 1e9;
  if (!isnan (start) && start > duration) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES,
        "%g s is after the end of '%s' (its last frame is at %.3f s)",
        start, path, duration);
    return FALSE;
  }
  for (i = 0; i < color->len; i++) {
    gdouble t = (g_array_index (color, gint64, i) - job->t0) / 1e9;

    if (!isnan (start) && t < start)
      job->start = MAX (job->start, (gint64) i + 1);
    if (!isnan (end) && t >= end) {
      /* -2: no frame at all (-1 is "to the end") */
      if (job->stop == -1 || job->stop >= (gint64) i)
        job->stop = i == 0 ? -2 : (gint64) i - 1;
      break;
    }
  }
  return TRUE;
}

/* How [start, end) meets the recording of @camera (as tp_bag_run takes
 * it) of the open bag @rs; *@last: the camera's last frame, seconds;
 * @why: for a camera with no color frame in it, why. */
static TpBagWindow
camera_window_fit (GstTrialRsBag * rs, const gchar * path,
    const gchar * camera, gdouble start, gdouble end, gdouble * last,
    gchar ** why, GError ** error)
{
  g_auto (BagJob) job = { 0 };
  TpBagWindow fit = TP_BAG_WINDOW_OK;
  GArray *color;

  job.rs = rs;
  job.stop = -1;
  if (!bag_job_choose_streams (&job, path, camera, error)
      || !bag_job_pair (&job, error)) {
    job.rs = NULL;              /* the caller's */
    return TP_BAG_WINDOW_ERROR;
  }
  color = job.times[COLOR];
  if (!bag_job_time_window (&job, path, start, end, NULL))
    fit = TP_BAG_WINDOW_AFTER_END;
  else if (job.stop == -2 || (job.stop >= 0 && job.start > job.stop)
      || job.start >= (gint64) color->len)
    fit = TP_BAG_WINDOW_EMPTY;
  job.rs = NULL;
  *last = (MAX (g_array_index (color, gint64, color->len - 1),
          g_array_index (job.times[DEPTH], gint64,
              job.times[DEPTH]->len - 1)) - job.t0) / 1e9;
  if (fit != TP_BAG_WINDOW_OK)
    *why = g_strdup_printf ("%s has no color frame in the window [%g, %g) s "
        "(its color frames are from %.3f s to %.3f s)", job.camera,
        isnan (start) ? 0.0 : start, isnan (end) ? INFINITY : end,
        (g_array_index (color, gint64, 0) - job.t0) / 1e9,
        (g_array_index (color, gint64, color->len - 1) - job.t0) / 1e9);
  return fit;
}

/* The cameras a window is for: @camera alone (NULL: a bag's one device),
 * or each device of a bag of several. */
static GPtrArray *
window_cameras (GstTrialRsBag * rs, const gchar * camera)
{
  GPtrArray *cameras = g_ptr_array_new_with_free_func (g_free);
  const guint *devices;
  guint n, i;

  devices = gst_trial_rs_bag_get_devices (rs, &n);
  if (camera != NULL || n < 2)
    g_ptr_array_add (cameras, g_strdup (camera));
  else
    for (i = 0; i < n; i++)
      g_ptr_array_add (cameras, g_strdup_printf ("device_%u", devices[i]));
  return cameras;
}

/* tp_bag_check_window on the open bag @rs. */
static TpBagWindow
bag_window_check (GstTrialRsBag * rs, const gchar * path,
    const gchar * camera, gdouble start, gdouble end, GHashTable * skipped,
    GError ** error)
{
  g_autoptr (GPtrArray) cameras = window_cameras (rs, camera);
  gdouble latest = -INFINITY;
  gboolean found = FALSE, checked = FALSE, all_after_end = TRUE;
  guint i;

  for (i = 0; i < cameras->len; i++) {
    const gchar *cam = g_ptr_array_index (cameras, i);
    gdouble last = 0;
    gchar *why = NULL;
    g_autoptr (GError) local = NULL;
    TpBagWindow fit = camera_window_fit (rs, path, cam, start, end, &last,
        &why, &local);

    if (fit == TP_BAG_WINDOW_ERROR && cameras->len == 1) {
      g_propagate_error (error, g_steal_pointer (&local));
      return fit;
    }
    /* one device of several: its own run says what is wrong with it, as
     * without a window */
    if (fit == TP_BAG_WINDOW_ERROR)
      continue;
    checked = TRUE;
    latest = MAX (latest, last);
    all_after_end = all_after_end && fit == TP_BAG_WINDOW_AFTER_END;
    if (fit == TP_BAG_WINDOW_OK)
      found = TRUE;
    else if (skipped != NULL && cam != NULL)
      g_hash_table_insert (skipped, g_strdup (cam), why);
    else
      g_free (why);
  }
  if (found || !checked)
    return TP_BAG_WINDOW_OK;
  if (all_after_end) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES,
        "%g s is after the end of '%s' (its last frame is at %.3f s)",
        start, path, latest);
    return TP_BAG_WINDOW_AFTER_END;
  }
  g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES,
      "no color frames in the time window [%g, %g) s of bag '%s'",
      isnan (start) ? 0.0 : start, isnan (end) ? INFINITY : end, path);
  return TP_BAG_WINDOW_EMPTY;
}

TpBagWindow
tp_bag_check_window (const gchar * path, const gchar * camera,
    gdouble start, gdouble end, GHashTable * skipped, GError ** error)
{
  g_autoptr (GstTrialRsBag) rs = gst_trial_rs_bag_open (path, error);

  if (rs == NULL)
    return TP_BAG_WINDOW_ERROR;
  return bag_window_check (rs, path, camera, start, end, skipped, error);
}

gboolean
tp_bag_check_segments (const gchar * path, const gchar * camera,
    GPtrArray * segments, const gchar * where, GError ** error)
{
  g_autoptr (GstTrialRsBag) rs = gst_trial_rs_bag_open (path, error);
  guint i;

  if (rs == NULL)
    return FALSE;
  for (i = 0; i < segments->len; i++) {
    const TpSegment *seg = g_ptr_array_index (segments, i);
    g_autoptr (GError) local = NULL;

    switch (bag_window_check (rs, path, camera, seg->start, seg->end, NULL,
            &local)) {
      case TP_BAG_WINDOW_OK:
        continue;
      case TP_BAG_WINDOW_AFTER_END:
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
            "%s: line %u: the window starts outside the recording: %s",
            where, seg->line, local->message);
        return FALSE;
      case TP_BAG_WINDOW_EMPTY:
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
            "%s: line %u: no color frame in the window [%g, %g) s of '%s'",
            where, seg->line, seg->start, seg->end, path);
        return FALSE;
      case TP_BAG_WINDOW_ERROR:
        g_propagate_error (error, g_steal_pointer (&local));
        return FALSE;
    }
  }
  return TRUE;
}

gchar *
tp_bag_trial_name (const gchar * path, const TpOptions * options)
{
  gchar *base;

  if (options->trial_name != NULL)
    return g_strdup (options->trial_name);
  base = g_path_get_basename (path);
  if (g_str_has_suffix (base, ".bag"))
    base[strlen (base) - 4] = '\0';
  return base;
}

static gboolean
in_range (const BagJob * job, gint64 frame)
{
  return frame >= job->start && (job->stop == -1 || frame <= job->stop);
}

/* Whether the output frame @frame, in range, was whole on disk. */
static gboolean
was_whole (const BagJob * job, gint64 frame)
{
  return job->whole != NULL && job->whole[frame - job->start];
}

/* Buffers come from the demuxer in each stream's time order, and a frame
 * of a damaged chunk as a GAP event in its place: the k-th of them on a
 * pad is the stream's k-th frame. Numbers buffers by output frame, or
 * drops them (out of range, no pair, or whole on disk on --resume: after
 * the pairing, so the pairs are the same as in a full run); notes the
 * output frame of a GAP (dropped: the frame is counted failed here, not by
 * trialsink), whole on disk or not, as a full run would. */
static GstPadProbeReturn
renumber_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  BagJob *job = user_data;
  guint s = strcmp (GST_PAD_NAME (pad), "color") == 0 ? COLOR : DEPTH;
  gboolean gap = (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) != 0;
  guint k;
  gint64 frame;
  GstBuffer *buffer;

  if (gap && GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) != GST_EVENT_GAP)
    return GST_PAD_PROBE_OK;
  k = job->seen[s]++;
  if (s == COLOR)
    frame = k < job->times[COLOR]->len && job->pairs[k] >= 0 ? (gint64) k : -1;
  else
    frame = k < job->times[DEPTH]->len ? job->depth_frame[k] : -1;
  if (frame < 0 || !in_range (job, frame))
    return GST_PAD_PROBE_DROP;
  if (gap) {
    /* both damaged: its color is named */
    if (s == COLOR || !g_hash_table_contains (job->damaged, &frame))
      g_hash_table_replace (job->damaged, g_memdup2 (&frame, sizeof frame),
          GUINT_TO_POINTER (s + 1));
    return GST_PAD_PROBE_DROP;
  }
  if (was_whole (job, frame))
    return GST_PAD_PROBE_DROP;
  buffer = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
  GST_BUFFER_OFFSET (buffer) = frame;
  GST_BUFFER_OFFSET_END (buffer) = frame + 1;
  GST_PAD_PROBE_INFO_DATA (info) = buffer;
  return GST_PAD_PROBE_OK;
}

/* Index of the first of @times not before @t (its length when none). */
static guint
times_lower_bound (GArray * times, gint64 t)
{
  guint lo = 0, hi = times->len;

  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;

    if (g_array_index (times, gint64, mid) < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Where the demuxer can start: at the earliest message of a frame in
 * [@first, @last] that is paired and not whole on disk. Every message
 * before it belongs to a frame that is whole, unpaired or out of range,
 * all of which renumber_probe drops: a resume (or --start) reads none of
 * them. With no frame to convert, at the last message. */
static void
bag_job_plan_seek (BagJob * job, gint64 first, gint64 last)
{
  GArray *color = job->times[COLOR], *depth = job->times[DEPTH];
  gint64 base = MIN (g_array_index (color, gint64, 0),
      g_array_index (depth, gint64, 0));
  gint64 t = MAX (g_array_index (color, gint64, color->len - 1),
      g_array_index (depth, gint64, depth->len - 1));
  gint64 i;
  guint s;

  for (i = first; i <= last; i++)
    if (job->pairs[i] >= 0 && !was_whole (job, i))
      t = MIN (t, MIN (g_array_index (color, gint64, i),
              g_array_index (depth, gint64, job->pairs[i])));
  job->seek_to = t > base ? t : -1;
  for (s = 0; s < N_STREAMS && job->seek_to >= 0; s++)
    job->seek_seen[s] = times_lower_bound (job->times[s], t);
}

/* The demuxer's pads are added from its streaming thread before it pushes
 * anything: a seek sent from here is where its first buffer comes from. */
static void
bag_job_seek (BagJob * job, GstPad * pad)
{
  gint64 base = MIN (job->streams[COLOR]->first_time,
      job->streams[DEPTH]->first_time);
  guint s;

  job->seek_sent = TRUE;
  if (!gst_pad_send_event (pad, gst_event_new_seek (1.0, GST_FORMAT_TIME,
              GST_SEEK_FLAG_NONE, GST_SEEK_TYPE_SET, job->seek_to - base,
              GST_SEEK_TYPE_NONE, -1))) {
    GST_WARNING_OBJECT (pad, "the seek to frame data at %" GST_TIME_FORMAT
        " failed: reading from the start", GST_TIME_ARGS (job->seek_to - base));
    return;
  }
  for (s = 0; s < N_STREAMS; s++)
    job->seen[s] = job->seek_seen[s];
}

static void
on_pad_added (GstElement * demux G_GNUC_UNUSED, GstPad * pad, BagJob * job)
{
  g_autofree gchar *name = g_strdup_printf ("queue-%s", GST_PAD_NAME (pad));
  g_autoptr (GstElement) queue =
      gst_bin_get_by_name (GST_BIN (job->pipeline), name);
  g_autoptr (GstPad) sinkpad = NULL;

  if (queue == NULL)
    return;
  sinkpad = gst_element_get_static_pad (queue, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, renumber_probe, job, NULL);
  gst_pad_link (pad, sinkpad);
  if (job->seek_to >= 0 && !job->seek_sent)
    bag_job_seek (job, pad);
}

static GstElement *
make (const gchar * factory, const gchar * name, GError ** error)
{
  GstElement *e = gst_element_factory_make (factory, name);

  if (e == NULL)
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "GStreamer element '%s' not found (is the trial plugin installed?)",
        factory);
  return e;
}

static gboolean
build_pipeline (BagJob * job, const gchar * path, const TpOptions * options,
    GError ** error)
{
  GstElement *src, *demux, *compositor = NULL;
  guint s;

  job->pipeline = gst_object_ref_sink (gst_pipeline_new ("trial-process"));
  if (!(src = make ("filesrc", "src", error)))
    return FALSE;
  gst_bin_add (GST_BIN (job->pipeline), src);
  if (!(demux = make ("rsbagdemux", "demux", error)))
    return FALSE;
  gst_bin_add (GST_BIN (job->pipeline), demux);
  g_object_set (src, "location", path, NULL);
  for (s = 0; s < N_STREAMS; s++) {
    g_autofree gchar *name = gst_trial_rs_bag_stream_name (job->rs,
        job->streams[s]);

    g_object_set (demux, s == COLOR ? "color-stream" : "depth-stream", name,
        NULL);
  }
  if (!gst_element_link (src, demux)) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
        "could not link filesrc to rsbagdemux");
    return FALSE;
  }
  g_signal_connect (demux, "pad-added", G_CALLBACK (on_pad_added), job);
  if (options->preview) {
    if (!(compositor = tp_preview_add_window (GST_BIN (job->pipeline),
                options, error)))
      return FALSE;
    job->fps_tenths = -1;
    job->preview[COLOR].fps_tenths = job->preview[DEPTH].fps_tenths =
        &job->fps_tenths;
    /* the pipeline holds it as long as the probe may run */
    job->preview[COLOR].overlay =
        gst_bin_get_by_name (GST_BIN (job->pipeline), "preview-text");
    gst_object_unref (job->preview[COLOR].overlay);
  }

  for (s = 0; s < N_STREAMS; s++) {
    g_autofree gchar *qname = g_strdup_printf ("queue-%s", stream_names[s]);
    g_autofree gchar *location = g_strdup_printf ("%s/%s/frame_%%06d.%s",
        job->output_dir, stream_names[s], stream_exts[s]);
    GstElement *queue, *convert, *sink;

    if (!(queue = make ("queue", qname, error)))
      return FALSE;
    gst_bin_add (GST_BIN (job->pipeline), queue);
    if (!(convert = make ("trialconvert", NULL, error)))
      return FALSE;
    gst_bin_add (GST_BIN (job->pipeline), convert);
    if (s == DEPTH && job->aligned) {
      GstElement *align = make ("trialalign", NULL, error);

      if (align == NULL)
        return FALSE;
      gst_bin_add (GST_BIN (job->pipeline), align);
      g_object_set (align, "n-threads", MIN (options->threads, 64), "rule",
          options->align_rule, NULL);
      if (!gst_element_link (queue, align)) {
        g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
            "could not link trialalign");
        return FALSE;
      }
      queue = align;
    }
    if (compositor != NULL) {
      GstElement *tee = tp_preview_add_branch (GST_BIN (job->pipeline),
          compositor, s, options->threads, &job->preview[s], error);

      if (tee == NULL || !gst_element_link (queue, tee))
        return FALSE;
      queue = tee;
    }
    if (!(sink = make ("trialsink", NULL, error)))
      return FALSE;
    gst_bin_add (GST_BIN (job->pipeline), sink);
    g_object_set (convert, "n-threads", options->threads,
        "compression-level", options->compression_level, NULL);
    gst_util_set_object_arg (G_OBJECT (convert), "color-mode",
        options->color_mode);
    gst_util_set_object_arg (G_OBJECT (convert), "verify", options->verify);
    g_object_set (sink, "location", location, "stream", stream_names[s],
        "skip-existing", options->resume, NULL);
    if (!gst_element_link_many (queue, convert, sink, NULL)) {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
          "could not link the %s stream", stream_names[s]);
      return FALSE;
    }
  }
  return TRUE;
}

/* Prints @text as a warning unless -q, or printed before in this run: a
 * bag's warnings would repeat for every device and segment. */
static void
warn_once (const TpOptions * options, const gchar * text)
{
  if (options->quiet)
    return;
  if (g_hash_table_add (options->warned, g_strdup (text)))
    g_printerr ("trial-process: warning: %s\n", text);
}

/* Runs to EOS, an error (returned) or a signal (*interrupted). */
static gchar *
run_pipeline (BagJob * job, const TpOptions * options,
    TpInterrupt * interrupt, gboolean * interrupted)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (job->pipeline);
  gchar *error_text = NULL;

  *interrupted = FALSE;
  if (gst_element_set_state (job->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE)
    error_text = g_strdup ("the pipeline did not start");
  while (error_text == NULL) {
    g_autoptr (GstMessage) msg = gst_bus_timed_pop_filtered (bus,
        100 * GST_MSECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR |
        GST_MESSAGE_WARNING);

    if (interrupt->signals) {
      *interrupted = TRUE;
      break;
    }
    if (msg == NULL)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
      break;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
      g_autoptr (GError) warning = NULL;

      gst_message_parse_warning (msg, &warning, NULL);
      warn_once (options, warning->message);
      continue;
    }
    {
      g_autoptr (GError) err = NULL;

      gst_message_parse_error (msg, &err, NULL);
      error_text = g_strdup (err->message);
    }
  }
  gst_element_set_state (job->pipeline, GST_STATE_NULL);
  return error_text;
}

static void
add_intrinsics (JsonBuilder * b, const GstTrialRsStream * stream)
{
  const GstTrialRsIntrinsics *in = &stream->intrinsics;
  guint i;

  json_builder_set_member_name (b, "intrinsics");
  if (!stream->has_intrinsics) {
    json_builder_add_null_value (b);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, in->width);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, in->height);
  json_builder_set_member_name (b, "fx");
  json_builder_add_double_value (b, in->fx);
  json_builder_set_member_name (b, "fy");
  json_builder_add_double_value (b, in->fy);
  json_builder_set_member_name (b, "ppx");
  json_builder_add_double_value (b, in->ppx);
  json_builder_set_member_name (b, "ppy");
  json_builder_add_double_value (b, in->ppy);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, in->distortion_model ?
      in->distortion_model : "");
  json_builder_set_member_name (b, "coeffs");
  json_builder_begin_array (b);
  for (i = 0; i < in->n_d; i++)
    json_builder_add_double_value (b, in->d[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* The first frame of @stream: its size, encoding and depth scale. */
static gboolean
first_image (BagJob * job, const GstTrialRsStream * stream,
    GstTrialRsImage * image, GError ** error)
{
  g_autoptr (GstTrialBagIter) iter =
      gst_trial_rs_bag_iter_new (job->rs, &stream, 1);
  GstTrialBagMessage message;

  /* the first readable one, as rsbagdemux takes it */
  while (TRUE) {
    g_autoptr (GError) local = NULL;

    if (gst_trial_bag_iter_next (iter, &message, &local)
        && gst_trial_rs_image_parse (message.data, message.size,
            stream->name, image, &local))
      return TRUE;
    if (local == NULL)
      g_set_error (&local, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES,
          "%s has no readable frame", stream->name);
    if (!g_error_matches (local, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT)) {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  }
}

static const gchar *const encoding_names[] = {
  "mono16", "rgb8", "bgr8", "rgba8", "bgra8", "yuv422", "YUYV"
};

static gboolean
add_stream (JsonBuilder * b, BagJob * job, guint s, GError ** error)
{
  const GstTrialRsStream *stream = job->streams[s];
  g_autofree gchar *stream_name = gst_trial_rs_bag_stream_name (job->rs,
      stream);
  GstTrialRsImage image;

  if (!first_image (job, stream, &image, error))
    return FALSE;
  tp_metadata_set_member (b, s == COLOR ? TP_FIELD_COLOR_STREAM :
      TP_FIELD_DEPTH_STREAM);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "stream");
  json_builder_add_string_value (b, stream_name);
  json_builder_set_member_name (b, "width");
  json_builder_add_int_value (b, image.width);
  json_builder_set_member_name (b, "height");
  json_builder_add_int_value (b, image.height);
  json_builder_set_member_name (b, "fps");
  json_builder_add_int_value (b, stream->has_info ? stream->fps : 0);
  json_builder_set_member_name (b, "encoding");
  json_builder_add_string_value (b, encoding_names[image.encoding]);
  json_builder_set_member_name (b, "frames");
  json_builder_add_int_value (b, stream->n_frames);
  if (s == DEPTH) {
    json_builder_set_member_name (b, "depth_scale");
    json_builder_add_double_value (b, gst_trial_rs_depth_scale (stream,
            &image));
  }
  add_intrinsics (b, stream);
  json_builder_end_object (b);
  return TRUE;
}

/* Whether the depth is aligned to color, and the calibration it used. */
static void
add_alignment (JsonBuilder * b, const BagJob * job, const TpOptions * options)
{
  guint i;

  tp_metadata_set_member (b, TP_FIELD_DEPTH_ALIGNED_TO);
  json_builder_add_string_value (b, job->aligned ? "color" : "none");
  tp_metadata_set_member (b, TP_FIELD_ALIGN_RULE);
  if (job->aligned)
    json_builder_add_string_value (b,
        gst_trial_align_rule_name (options->align_rule));
  else
    json_builder_add_null_value (b);
  tp_metadata_set_member (b, TP_FIELD_DEPTH_NOT_ALIGNED_REASON);
  if (job->aligned)
    json_builder_add_null_value (b);
  else
    json_builder_add_string_value (b, job->not_aligned);
  tp_metadata_set_member (b, TP_FIELD_DEPTH_TO_COLOR);
  if (!job->has_extrinsics) {
    json_builder_add_null_value (b);
    return;
  }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rotation");
  json_builder_begin_array (b);
  for (i = 0; i < 9; i++)
    json_builder_add_double_value (b, job->rotation[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "translation");
  json_builder_begin_array (b);
  for (i = 0; i < 3; i++)
    json_builder_add_double_value (b, job->translation[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* Aligns when asked and the bag holds the calibration (job->aligned), or
 * says why not. */
static void
bag_job_choose_alignment (BagJob * job, const gchar * path,
    const TpOptions * options)
{
  const GstTrialRsStream *color = job->streams[COLOR];
  const GstTrialRsStream *depth = job->streams[DEPTH];

  job->has_extrinsics = gst_trial_rs_depth_to_color (depth, color,
      job->rotation, job->translation);
  if (options->align_none)
    job->not_aligned = "--align none";
  else if (!depth->has_intrinsics)
    job->not_aligned = "the recording has no depth intrinsics";
  else if (!color->has_intrinsics)
    job->not_aligned = "the recording has no color intrinsics";
  else if (!job->has_extrinsics)
    job->not_aligned = "the recording has no depth-to-color extrinsics";
  else {
    job->aligned = TRUE;
    return;
  }
  if (!options->align_none) {
    guint n_devices;
    g_autofree gchar *warning = NULL;

    gst_trial_rs_bag_get_devices (job->rs, &n_devices);
    warning = g_strdup_printf ("%s: %s%s%s; its depth is converted "
        "unaligned, in the depth camera's geometry", path,
        n_devices > 1 ? job->camera : "", n_devices > 1 ? ": " : "",
        job->not_aligned);
    warn_once (options, warning);
  }
}

/* Files of frame @i both there. */
static gboolean
frame_written (const BagJob * job, gint64 i)
{
  guint s;

  for (s = 0; s < N_STREAMS; s++) {
    g_autofree gchar *path = g_strdup_printf ("%s/%s/frame_%06" G_GINT64_FORMAT
        ".%s", job->output_dir, stream_names[s], i, stream_exts[s]);

    if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
      return FALSE;
  }
  return TRUE;
}

/* When the camera's device has several Color or Depth streams: which
 * were picked and how to choose another. */
static void
bag_job_say_streams (BagJob * job, const gchar * path)
{
  g_autofree gchar *all = NULL, *color = NULL, *depth = NULL, *other = NULL;
  guint i;

  for (i = 0; i < gst_trial_rs_bag_get_n_streams (job->rs); i++) {
    const GstTrialRsStream *s = gst_trial_rs_bag_get_stream (job->rs, i);

    if (s->device == job->streams[COLOR]->device && s != job->streams[COLOR]
        && s != job->streams[DEPTH]) {
      other = gst_trial_rs_bag_stream_name (job->rs, s);
      break;
    }
  }
  if (other == NULL)
    return;
  all = gst_trial_rs_bag_describe_streams (job->rs);
  color = gst_trial_rs_bag_stream_name (job->rs, job->streams[COLOR]);
  depth = gst_trial_rs_bag_stream_name (job->rs, job->streams[DEPTH]);
  g_printerr ("trial-process: bag '%s' has the streams %s; converting %s and "
      "%s into %s (choose others with --camera, e.g. --camera %s)\n", path,
      all, color, depth, job->camera, other);
}

gchar **
tp_bag_list_devices (const gchar * path)
{
  g_autoptr (GstTrialRsBag) rs = gst_trial_rs_bag_open (path, NULL);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  const guint *devices;
  guint n, i;

  if (rs == NULL)
    return g_strv_builder_end (builder);
  devices = gst_trial_rs_bag_get_devices (rs, &n);
  for (i = 0; n > 1 && i < n; i++) {
    g_autofree gchar *name = g_strdup_printf ("device_%u", devices[i]);

    g_strv_builder_add (builder, name);
  }
  return g_strv_builder_end (builder);
}

gint
tp_bag_run (const gchar * path, const gchar * camera,
    const TpOptions * options, TpInterrupt * interrupt, JsonNode ** meta)
{
  g_auto (BagJob) job = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree gchar *base = tp_bag_trial_name (path, options);
  g_autofree gchar *pipeline_error = NULL;
  g_autoptr (TpLock) lock = NULL;
  const gchar *device_name, *serial;
  gint64 first, last, i;
  guint total = 0, successful = 0, failed = 0, converted;
  gboolean interrupted = FALSE;
  g_autofree gint64 *numbers = NULL;
  g_autofree gchar *metadata = NULL;
  g_autoptr (GHashTable) unpaired = NULL;
  guint resume_index = 0;
  gint64 t0;
  gdouble seconds;
  gint status;

  *meta = NULL;
  job.rs = gst_trial_rs_bag_open (path, &error);
  if (job.rs == NULL || !bag_job_choose_streams (&job, path, camera, &error)
      || !bag_job_pair (&job, &error)) {
    g_printerr ("trial-process: %s\n", error->message);
    return 2;
  }
  /* the bag reader's own warning (an interrupted or cut recording) comes
   * once more from rsbagdemux when the pipeline opens it: printed then */
  if (camera == NULL)
    bag_job_say_streams (&job, path);
  bag_job_choose_alignment (&job, path, options);
  job.output_dir = g_build_filename (options->output_base, base, job.camera,
      NULL);
  job.start = MAX (options->start_frame, 0);
  job.stop = options->stop_frame;
  if (!bag_job_time_window (&job, path, options->start_time,
          options->end_time, &error)) {
    g_printerr ("trial-process: --start-time %s\n", error->message);
    return 2;
  }
  first = job.start;
  last = job.times[COLOR]->len - 1;
  if (job.stop != -1)
    last = MIN (last, job.stop);
  if (first > last) {
    if (!isnan (options->start_time) || !isnan (options->end_time)) {
      g_printerr ("trial-process: no color frames in the time window [%g, "
          "%g) s of bag '%s'\n", isnan (options->start_time) ? 0.0 :
          options->start_time, isnan (options->end_time) ? INFINITY :
          options->end_time, path);
      return 2;
    }
    /* --stop not given is -1 here: "from frame N on", not "[N, -1]" */
    if (options->stop_frame < 0)
      g_printerr ("trial-process: no color frames from frame %"
          G_GINT64_FORMAT " on in bag '%s': its %u color frames are numbered "
          "0 to %u in time order\n", options->start_frame, path,
          job.times[COLOR]->len, job.times[COLOR]->len - 1);
    else
      g_printerr ("trial-process: no color frames in the range [%"
          G_GINT64_FORMAT ", %" G_GINT64_FORMAT "] in bag '%s': its %u color "
          "frames are numbered 0 to %u in time order\n",
          options->start_frame, options->stop_frame, path,
          job.times[COLOR]->len, job.times[COLOR]->len - 1);
    return 2;
  }

  /* one writer per output folder, as for trial folders */
  lock = tp_lock_acquire (job.output_dir, &error);
  if (lock == NULL) {
    g_printerr ("trial-process: %s\n", error->message);
    return g_error_matches (error, TP_GUARD_ERROR, TP_GUARD_ERROR_LOCKED) ?
        2 : 3;
  }
  /* the output folder kept whole as for trial folders (outputs.h): no
   * earlier run's record, no stale temporary, no damaged output kept on
   * --resume, no half frame after the run */
  numbers = g_new (gint64, last - first + 1);
  for (i = first; i <= last; i++)
    numbers[i - first] = i;
  metadata = g_build_filename (job.output_dir, "metadata.json", NULL);
  if (g_unlink (metadata) != 0 && errno != ENOENT) {
    g_printerr ("trial-process: cannot remove the earlier run's '%s': %s\n",
        metadata, g_strerror (errno));
    return 3;
  }
  tp_outputs_remove_stale_temporaries (job.output_dir);
  if (options->resume && !(job.whole = tp_outputs_find_whole (job.output_dir,
              numbers, last - first + 1, &resume_index, &error))) {
    g_printerr ("trial-process: %s\n", error->message);
    return 3;
  }
  t0 = g_get_monotonic_time ();
  job.damaged = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      NULL);
  bag_job_plan_seek (&job, first, last);
  if (!build_pipeline (&job, path, options, &error)) {
    g_printerr ("trial-process: %s\n", error->message);
    return 3;
  }
  pipeline_error = run_pipeline (&job, options, interrupt, &interrupted);
  seconds = (g_get_monotonic_time () - t0) / 1e6;
  unpaired = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      NULL);
  for (i = first; i <= last; i++)
    if (job.pairs[i] < 0 || g_hash_table_contains (job.damaged, &i))
      g_hash_table_add (unpaired, g_memdup2 (&i, sizeof i));
  tp_outputs_remove_half_frames (job.output_dir, numbers, last - first + 1,
      unpaired);

  json_builder_begin_object (b);
  tp_metadata_set_member (b, TP_FIELD_TRIAL_PATH);
  json_builder_add_string_value (b, path);
  tp_metadata_set_member (b, TP_FIELD_TRIAL_NAME);
  json_builder_add_string_value (b, base);
  tp_metadata_set_member (b, TP_FIELD_CAMERA_ID);
  json_builder_add_null_value (b);
  tp_metadata_set_member (b, TP_FIELD_STRUCTURE);
  json_builder_add_string_value (b, "bag");
  tp_metadata_set_member (b, TP_FIELD_FAILED_FRAMES);
  json_builder_begin_array (b);
  for (i = first; i <= last; i++) {
    const gchar *reason = NULL;
    const gchar *stream = "depth";
    g_autofree gchar *text = NULL;
    guint damaged = GPOINTER_TO_UINT (g_hash_table_lookup (job.damaged, &i));

    total++;
    if (job.pairs[i] < 0)
      reason = text = g_strdup_printf ("no depth frame within half a frame "
          "period (%.1f ms) of the color frame at %.3f s",
          job.period / 2e6,
          (g_array_index (job.times[COLOR], gint64, i) - job.t0) / 1e9);
    else if (damaged > 0) {
      stream = stream_names[damaged - 1];
      reason = text = g_strdup_printf ("its %s frame is in a damaged chunk "
          "of the bag", stream);
      g_printerr ("trial-process: %s: frame %" G_GINT64_FORMAT ": %s\n",
          path, i, reason);
    } else if (!frame_written (&job, i)) {
      /* a run that stopped did not reach it: not a failed frame, as for
       * trial folders (--resume converts it) */
      if (interrupted || pipeline_error != NULL)
        continue;
      reason = "not written";
    }
    if (reason == NULL) {
      successful++;
      continue;
    }
    failed++;
    json_builder_begin_object (b);
    tp_metadata_set_entry_member (b, TP_ENTRY_FRAME);
    json_builder_add_int_value (b, i);
    tp_metadata_set_entry_member (b, TP_ENTRY_STREAM);
    json_builder_add_string_value (b, stream);
    tp_metadata_set_entry_member (b, TP_ENTRY_REASON);
    json_builder_add_string_value (b, reason);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  tp_metadata_set_member (b, TP_FIELD_TOTAL_FRAMES);
  json_builder_add_int_value (b, total);
  tp_metadata_set_member (b, TP_FIELD_SUCCESSFUL);
  json_builder_add_int_value (b, successful);
  tp_metadata_set_member (b, TP_FIELD_FAILED);
  json_builder_add_int_value (b, failed);
  tp_metadata_set_member (b, TP_FIELD_UNPAIRED_DEPTH_FRAMES);
  json_builder_add_int_value (b, job.n_unpaired_depth);
  tp_metadata_set_member (b, TP_FIELD_PAIRING_PERIOD_MS);
  json_builder_add_double_value (b, job.period / 1e6);
  tp_metadata_set_member (b, TP_FIELD_FRAME_RANGE);
  json_builder_begin_array (b);
  json_builder_add_int_value (b, first);
  json_builder_add_int_value (b, last);
  json_builder_end_array (b);
  /* as for trial folders: the seed's rounding, the frames of this run */
  converted = successful - MIN (successful, resume_index);
  tp_metadata_set_member (b, TP_FIELD_PROCESSING_TIME_SECONDS);
  json_builder_add_double_value (b, tp_json_round2 (seconds));
  tp_metadata_set_member (b, TP_FIELD_PROCESSING_FPS);
  json_builder_add_double_value (b, tp_json_round2 (seconds > 0 ?
          converted / seconds : 0));
  tp_metadata_set_member (b, TP_FIELD_RESUMED_FROM_FRAMES);
  json_builder_add_int_value (b, resume_index);
  tp_metadata_set_member (b, TP_FIELD_CONVERTED_FRAMES);
  json_builder_add_int_value (b, converted);
  tp_metadata_set_member (b, TP_FIELD_NUM_WORKERS);
  json_builder_add_int_value (b, options->threads);
  tp_metadata_set_member (b, TP_FIELD_COMPLETE);
  json_builder_add_boolean_value (b, !interrupted && pipeline_error == NULL);
  tp_metadata_set_member (b, TP_FIELD_INTERRUPTED);
  json_builder_add_boolean_value (b, interrupted);
  tp_metadata_set_member (b, TP_FIELD_ERROR);
  if (pipeline_error != NULL)
    json_builder_add_string_value (b, pipeline_error);
  else
    json_builder_add_null_value (b);
  tp_metadata_set_member (b, TP_FIELD_OUTPUT_CAMERA);
  json_builder_add_string_value (b, job.camera);
  device_name = gst_trial_rs_bag_get_device_info (job.rs,
      job.streams[COLOR]->device, "Name");
  serial = gst_trial_rs_bag_get_device_info (job.rs,
      job.streams[COLOR]->device, "Serial Number");
  tp_metadata_set_member (b, TP_FIELD_DEVICE);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  if (device_name)
    json_builder_add_string_value (b, device_name);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "serial");
  if (serial)
    json_builder_add_string_value (b, serial);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  tp_metadata_set_member (b, TP_FIELD_TIME_WINDOW);
  json_builder_begin_array (b);
  json_builder_add_double_value (b, isnan (options->start_time) ? 0.0 :
      options->start_time);
  if (isnan (options->end_time))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, options->end_time);
  json_builder_end_array (b);
  add_alignment (b, &job, options);
  if (!add_stream (b, &job, COLOR, &error)
      || !add_stream (b, &job, DEPTH, &error)) {
    g_printerr ("trial-process: %s\n", error->message);
    return 3;
  }
  json_builder_end_object (b);
  *meta = json_builder_get_root (b);
  if (!tp_metadata_write (*meta, job.output_dir, &error)) {
    g_printerr ("trial-process: cannot write metadata.json: %s\n",
        error->message);
    return 3;
  }

  if (interrupted)
    status = 130;
  else if (pipeline_error != NULL) {
    g_printerr ("trial-process: %s: %s\n", path, pipeline_error);
    status = 3;
  } else
    status = failed > 0 ? 1 : 0;
  return status;
}
