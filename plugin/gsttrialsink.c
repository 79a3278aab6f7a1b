/* gst-trial: trialsink. Owns the atomic write of one file per buffer, the
 * frame counters and the "trial-progress" bus messages. The location
 * pattern is parsed and expanded by gst/trial/framename.c, never handed to
 * printf. */

/**
 * SECTION:element-trialsink
 * @title: trialsink
 *
 * Writes every buffer to its own file, named by the buffer's frame number
 * (%GST_BUFFER_OFFSET) rather than by a running index, so a trial with gaps
 * in its frame numbers keeps them in the output file names.
 *
 * #GstTrialSink:location is a pattern with exactly one integer conversion:
 * `%d`, `%i` or `%u`, with optional flags (`0`, `-`, `+`, space) and a width,
 * e.g. `out/depth/frame_%06d.npy`; `%%` writes a literal `%`. Anything else
 * (`%s`, `%n`, several conversions, a precision or a length modifier) is
 * rejected when the element goes from READY to PAUSED, naming the pattern.
 *
 * Each file is written to a temporary `.<name>.tmp-XXXXXX` in the same folder
 * and renamed when complete, so a crash or a full disk never leaves a partial
 * file under the final name. With #GstTrialSink:fsync the temporary file is
 * flushed to the disk before the rename and its folder after it, so a frame
 * that was reported written survives a power loss. Missing folders are
 * created. With
 * #GstTrialSink:skip-existing an interrupted run can be resumed: frames whose
 * file exists are skipped. The element removes no file it did not make in
 * this run: a temporary file left by a killed run may belong to another
 * writer still at work, which only the application can know (trial-process
 * removes them while it holds the output folder's lock). Buffers flagged
 * %GST_BUFFER_FLAG_GAP
 * (frames upstream could not read) are counted as failed and not written,
 * and so are GAP events with a "trial-frame" field (gint64, the frame
 * number), which trialconvert sends for failed frames of raw video.
 *
 * When a "gst-trial.pool" context is available (set on the element, or
 * answered by upstream trialconvert to a context query at the first
 * buffer), each file is written by a thread of that #GstTrialPool, ahead of
 * the queued conversions, one write in flight at a time (files in frame
 * order); the next buffer and EOS wait for it. A file counts as written
 * once renamed; a failed write posts its error from the pool thread, the
 * next buffer returns %GST_FLOW_ERROR and EOS is refused. Without a pool,
 * render writes the file itself.
 *
 * The element posts a "trial-progress" element message every
 * #GstTrialSink:progress-interval milliseconds and once at EOS, with the
 * fields frames (guint64, files written or skipped), failed (guint64, GAP
 * buffers and trial-frame GAP events), skipped (guint64), bytes (guint64 written), last-frame (gint64,
 * offset of the last buffer, -1 before the first), stream (string, the
 * #GstTrialSink:stream property) and done (boolean, %TRUE only at EOS).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 trialsrc location=/data/trial_01 name=s \
 *   s.color ! queue ! trialconvert ! trialsink location=out/color/frame_%06d.png \
 *   s.depth ! queue ! trialconvert ! trialsink location=out/depth/frame_%06d.npy
 * ]|
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE             /* fallocate() */
#endif
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "gsttrialsink.h"
#include "gst/trial/framename.h"
#include "gst/trial/pool.h"
#include "gst/trial/tsan.h"

GST_DEBUG_CATEGORY_STATIC (gst_trial_sink_debug);
#define GST_CAT_DEFAULT gst_trial_sink_debug

#define DEFAULT_LOCATION NULL
#define DEFAULT_FSYNC FALSE
#define DEFAULT_SKIP_EXISTING FALSE
#define DEFAULT_STREAM ""
#define DEFAULT_PROGRESS_INTERVAL 500

/* Suffix of the temporary files, before the six g_mkstemp() characters. */
#define TMP_TAG ".tmp-"

enum
{
  PROP_0,
  PROP_LOCATION,
  PROP_FSYNC,
  PROP_SKIP_EXISTING,
  PROP_STREAM,
  PROP_PROGRESS_INTERVAL,
  PROP_FRAMES,
  PROP_FAILED,
  PROP_SKIPPED,
  PROP_BYTES,
};

struct _GstTrialSink
{
  GstBaseSink parent;

  /* properties, protected by the object lock */
  gchar *location;
  gboolean fsync;
  gboolean skip_existing;
  gchar *stream;
  guint progress_interval;

  /* counters, written by the streaming thread, read by get_property and the
   * progress message; protected by the object lock */
  guint64 frames;
  guint64 failed;
  guint64 skipped;
  guint64 bytes;
  gint64 last_frame;

  /* set going from READY to PAUSED, then used only by the streaming thread */
  GstTrialFrameName pattern;    /* the location, parsed */
  gboolean skip;                /* skip-existing when started */
  gchar *last_dir;              /* last folder made: one mkdir per folder */
  gint64 last_progress;         /* g_get_monotonic_time() of the last message */

  /* Writes in the shared pool (the gst-trial.pool context), found at the
   * first buffer; NULL: each write is done in render. Set and cleared by
   * the streaming thread and the state change, read by them only. */
  GstTrialPool *pool;
  gboolean pool_looked_up;

  GMutex write_lock;
  GCond write_cond;             /* a write finished */
  guint writes;                 /* in flight; write_lock */
  gboolean write_failed;        /* one failed (and posted); write_lock */
};

/* One file write handed to the pool. */
typedef struct
{
  GstTrialPoolJob job;          /* first */
  GstTrialSink *sink;           /* no reference: the sink waits for it */
  GstBuffer *buffer;
  gchar *path;
  gint64 frame;
  gboolean fsync;
} WriteJob;

/* The object lock, with the edges ThreadSanitizer cannot see inside GLib:
 * the counters are also updated by the pool threads that write. */
static inline void
sink_lock (GstTrialSink * self)
{
  GST_OBJECT_LOCK (self);
  GST_TRIAL_TSAN_ACQUIRE (&self->frames);
}

static inline void
sink_unlock (GstTrialSink * self)
{
  GST_TRIAL_TSAN_RELEASE (&self->frames);
  GST_OBJECT_UNLOCK (self);
}

static inline void
write_lock (GstTrialSink * self)
{
  g_mutex_lock (&self->write_lock);
  GST_TRIAL_TSAN_ACQUIRE (&self->write_lock);
}

static inline void
write_unlock (GstTrialSink * self)
{
  GST_TRIAL_TSAN_RELEASE (&self->write_lock);
  g_mutex_unlock (&self->write_lock);
}

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

#define gst_trial_sink_parent_class parent_class
G_DEFINE_TYPE (GstTrialSink, gst_trial_sink, GST_TYPE_BASE_SINK);
GST_ELEMENT_REGISTER_DEFINE (trialsink, "trialsink", GST_RANK_NONE,
    GST_TYPE_TRIAL_SINK);

static void gst_trial_sink_finalize (GObject * object);
static void gst_trial_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_trial_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_trial_sink_change_state (GstElement * element,
    GstStateChange transition);
static gboolean gst_trial_sink_event (GstBaseSink * sink, GstEvent * event);
static GstFlowReturn gst_trial_sink_render (GstBaseSink * sink,
    GstBuffer * buffer);

static void
gst_trial_sink_class_init (GstTrialSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);

  gobject_class->finalize = gst_trial_sink_finalize;
  gobject_class->set_property = gst_trial_sink_set_property;
  gobject_class->get_property = gst_trial_sink_get_property;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "File location",
          "Pattern of the file names, with exactly one integer conversion "
          "(%d, %i or %u, optional flags 0 - + space and a width, e.g. "
          "out/frame_%06d.png) replaced by the buffer's frame number; "
          "%% is a literal %", DEFAULT_LOCATION,
          G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_FSYNC,
      g_param_spec_boolean ("fsync", "fsync",
          "Flush each file to the disk before renaming it into place, and "
          "its folder after, so written frames survive a power loss",
          DEFAULT_FSYNC, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_SKIP_EXISTING,
      g_param_spec_boolean ("skip-existing", "Skip existing",
          "Keep files that already exist instead of writing them again "
          "(resume)",
          DEFAULT_SKIP_EXISTING, G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
          G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_STREAM,
      g_param_spec_string ("stream", "Stream",
          "Name of the stream written, copied into the trial-progress "
          "messages (e.g. color or depth)", DEFAULT_STREAM,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PROGRESS_INTERVAL,
      g_param_spec_uint ("progress-interval", "Progress interval",
          "Milliseconds between trial-progress messages (0 = one per buffer)",
          0, G_MAXUINT, DEFAULT_PROGRESS_INTERVAL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_FRAMES,
      g_param_spec_uint64 ("frames", "Frames",
          "Frames written or skipped since the element started",
          0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_FAILED,
      g_param_spec_uint64 ("failed", "Failed",
          "Failed frames, not written: GAP buffers and GAP events with a "
          "trial-frame field (frames upstream could not produce)",
          0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_SKIPPED,
      g_param_spec_uint64 ("skipped", "Skipped",
          "Frames whose file already existed (skip-existing)",
          0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_BYTES,
      g_param_spec_uint64 ("bytes", "Bytes",
          "Bytes written since the element started",
          0, G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_trial_sink_change_state);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (element_class,
      "Trial frame file sink", "Sink/File",
      "Writes each frame to a file named by its frame number, atomically",
      "gst-trial");

  basesink_class->event = GST_DEBUG_FUNCPTR (gst_trial_sink_event);
  basesink_class->render = GST_DEBUG_FUNCPTR (gst_trial_sink_render);

  GST_DEBUG_CATEGORY_INIT (gst_trial_sink_debug, "trialsink", 0,
      "trial frame file sink");
}

static void
gst_trial_sink_init (GstTrialSink * self)
{
  self->location = g_strdup (DEFAULT_LOCATION);
  self->fsync = DEFAULT_FSYNC;
  self->skip_existing = DEFAULT_SKIP_EXISTING;
  self->stream = g_strdup (DEFAULT_STREAM);
  self->progress_interval = DEFAULT_PROGRESS_INTERVAL;
  self->last_frame = -1;
  g_mutex_init (&self->write_lock);
  g_cond_init (&self->write_cond);

  /* files are written as fast as they come, not at their timestamps */
  gst_base_sink_set_sync (GST_BASE_SINK (self), FALSE);
}

static void
gst_trial_sink_finalize (GObject * object)
{
  GstTrialSink *self = GST_TRIAL_SINK (object);

  g_free (self->location);
  g_free (self->stream);
  g_free (self->last_dir);
  gst_trial_frame_name_clear (&self->pattern);
  g_mutex_clear (&self->write_lock);
  g_cond_clear (&self->write_cond);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_trial_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTrialSink *self = GST_TRIAL_SINK (object);

  sink_lock (self);
  switch (prop_id) {
    case PROP_LOCATION:
      g_free (self->location);
      self->location = g_value_dup_string (value);
      break;
    case PROP_FSYNC:
      self->fsync = g_value_get_boolean (value);
      break;
    case PROP_SKIP_EXISTING:
      self->skip_existing = g_value_get_boolean (value);
      break;
    case PROP_STREAM:
      g_free (self->stream);
      self->stream = g_value_dup_string (value);
      break;
    case PROP_PROGRESS_INTERVAL:
      self->progress_interval = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  sink_unlock (self);
}

static void
gst_trial_sink_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstTrialSink *self = GST_TRIAL_SINK (object);

  sink_lock (self);
  switch (prop_id) {
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    case PROP_FSYNC:
      g_value_set_boolean (value, self->fsync);
      break;
    case PROP_SKIP_EXISTING:
      g_value_set_boolean (value, self->skip_existing);
      break;
    case PROP_STREAM:
      g_value_set_string (value, self->stream);
      break;
    case PROP_PROGRESS_INTERVAL:
      g_value_set_uint (value, self->progress_interval);
      break;
    case PROP_FRAMES:
      g_value_set_uint64 (value, self->frames);
      break;
    case PROP_FAILED:
      g_value_set_uint64 (value, self->failed);
      break;
    case PROP_SKIPPED:
      g_value_set_uint64 (value, self->skipped);
      break;
    case PROP_BYTES:
      g_value_set_uint64 (value, self->bytes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  sink_unlock (self);
}

static void
gst_trial_sink_post_progress (GstTrialSink * self, gboolean done)
{
  GstStructure *s;

  sink_lock (self);
  s = gst_structure_new ("trial-progress",
      "frames", G_TYPE_UINT64, self->frames,
      "failed", G_TYPE_UINT64, self->failed,
      "skipped", G_TYPE_UINT64, self->skipped,
      "bytes", G_TYPE_UINT64, self->bytes,
      "last-frame", G_TYPE_INT64, self->last_frame,
      "stream", G_TYPE_STRING, self->stream ? self->stream : "",
      "done", G_TYPE_BOOLEAN, done, NULL);
  sink_unlock (self);

  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

static GstResourceError
resource_error_for_errno (int err, gboolean opening)
{
  if (err == ENOSPC || err == EDQUOT)
    return GST_RESOURCE_ERROR_NO_SPACE_LEFT;
  if (opening || err == EACCES || err == EPERM || err == EROFS)
    return GST_RESOURCE_ERROR_OPEN_WRITE;
  return GST_RESOURCE_ERROR_WRITE;
}

/* A GST_RESOURCE_ERROR for the errno @err, its text as the message. */
static void
set_errno_error (GError ** error, int err, gboolean opening)
{
  g_set_error_literal (error, GST_RESOURCE_ERROR,
      resource_error_for_errno (err, opening), g_strerror (err));
}

/* Posts the error for frame @frame, whose final name is @path: @what failed
 * on @file (the folder or the temporary file) with @error, a
 * GST_RESOURCE_ERROR. The details carry frame and path for applications. */
static void
gst_trial_sink_post_write_error (GstTrialSink * self, gint64 frame,
    const gchar * path, const gchar * what, const gchar * file,
    const GError * error)
{
  gst_element_message_full_with_details (GST_ELEMENT (self),
      GST_MESSAGE_ERROR, error->domain, error->code,
      g_strdup_printf ("Could not write frame %" G_GINT64_FORMAT " to '%s': %s",
          frame, path, error->message),
      g_strdup_printf ("cannot %s '%s': %s", what, file, error->message),
      __FILE__, GST_FUNCTION, __LINE__,
      gst_structure_new ("details", "frame", G_TYPE_INT64, frame,
          "path", G_TYPE_STRING, path, NULL));
}

/* write(2) until all of @data is out: it may write less than asked (full
 * disk, signals) or be interrupted before writing anything. */
static gboolean
write_all (int fd, const guint8 * data, gsize size, int *err)
{
  while (size > 0) {
    gssize n = write (fd, data, MIN (size, (gsize) G_MAXSSIZE));

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      *err = errno;
      return FALSE;
    }
    if (n == 0) {
      /* no progress and no error: report it rather than spin */
      *err = EIO;
      return FALSE;
    }
    data += n;
    size -= n;
  }
  return TRUE;
}

static gboolean
write_buffer (int fd, GstBuffer * buffer, GError ** error)
{
  guint i, n = gst_buffer_n_memory (buffer);

  /* memory by memory, so a buffer made of several is not copied into one */
  for (i = 0; i < n; i++) {
    GstMemory *mem = gst_buffer_peek_memory (buffer, i);
    GstMapInfo map;
    gboolean ok;
    int err = 0;

    if (!gst_memory_map (mem, &map, GST_MAP_READ)) {
      g_set_error_literal (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_WRITE, "cannot read the buffer's memory");
      return FALSE;
    }
    ok = write_all (fd, map.data, map.size, &err);
    gst_memory_unmap (mem, &map);
    if (!ok) {
      set_errno_error (error, err, FALSE);
      return FALSE;
    }
  }
  return TRUE;
}

/* A rename is a change of the folder: the new name survives a power loss
 * only once the folder itself is flushed. */
static gboolean
sync_folder (const gchar * dir, GError ** error)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0) {
    set_errno_error (error, errno, FALSE);
    return FALSE;
  }
  if (fsync (fd) != 0) {
    set_errno_error (error, errno, FALSE);
    close (fd);
    return FALSE;
  }
  close (fd);
  return TRUE;
}

/* Whether to post a failure now: always for render's own writes; for the
 * pool's, only the element's first failure, which marks it failed. */
static gboolean
gst_trial_sink_first_failure (GstTrialSink * self, gboolean pooled)
{
  gboolean first;

  if (!pooled)
    return TRUE;
  write_lock (self);
  first = !self->write_failed;
  self->write_failed = TRUE;
  write_unlock (self);
  return first;
}

/* Makes the folder of @path unless it was the last one made; posts the
 * error of frame @frame when it cannot. Streaming thread. */
static gboolean
gst_trial_sink_make_folder (GstTrialSink * self, gint64 frame,
    const gchar * path)
{
  g_autofree gchar *dir = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (dir, self->last_dir) == 0)
    return TRUE;
  if (g_mkdir_with_parents (dir, 0777) != 0) {
    set_errno_error (&error, errno, TRUE);
    gst_trial_sink_post_write_error (self, frame, path, "create the folder",
        dir, error);
    return FALSE;
  }
  g_free (self->last_dir);
  self->last_dir = g_steal_pointer (&dir);
  return TRUE;
}

/* Writes @buffer to a temporary file next to @path, whose folder exists,
 * and renames it to @path, so @path is either absent, its previous content
 * or complete. With @do_fsync the data is on the disk before the rename and
 * the rename after the folder is flushed. On failure posts the error of
 * frame @frame (for @pooled writes only the first failure). */
static gboolean
gst_trial_sink_write_frame (GstTrialSink * self, gint64 frame,
    const gchar * path, GstBuffer * buffer, gboolean do_fsync,
    gboolean pooled)
{
  g_autofree gchar *dir = g_path_get_dirname (path);
  g_autofree gchar *base = g_path_get_basename (path);
  g_autofree gchar *tmp_name = NULL;
  g_autofree gchar *tmp = NULL;
  g_autoptr (GError) error = NULL;
  const gchar *what;
  int fd;

  tmp_name = g_strconcat (".", base, TMP_TAG "XXXXXX", NULL);
  tmp = g_build_filename (dir, tmp_name, NULL);
  /* 0666 as for any new file: the umask decides, e.g. 0644 or group-shared */
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0) {
    set_errno_error (&error, errno, TRUE);
    if (gst_trial_sink_first_failure (self, pooled))
      gst_trial_sink_post_write_error (self, frame, path,
          "create the temporary file", tmp, error);
    return FALSE;
  }

  /* The whole size reserved in one call: ext4 then allocates the extent at
   * once rather than page by page as write() fills it (a 3.7 MB .npy goes
   * into the page cache in 0.50-0.58 ms instead of 0.71-0.78). KEEP_SIZE:
   * the file's size is still what was written, so a write cut short leaves
   * only those bytes. Its errors (no support, no space) are write()'s to
   * report. */
#ifdef __linux__
  if (gst_buffer_get_size (buffer) > 0)
    (void) fallocate (fd, FALLOC_FL_KEEP_SIZE, 0,
        (off_t) gst_buffer_get_size (buffer));
#endif
  if (!write_buffer (fd, buffer, &error)) {
    what = "write to";
    close (fd);
    goto failed;
  }
  if (do_fsync && fsync (fd) != 0) {
    set_errno_error (&error, errno, FALSE);
    what = "flush";
    close (fd);
    goto failed;
  }
  /* network file systems report write errors only here */
  if (close (fd) != 0) {
    set_errno_error (&error, errno, FALSE);
    what = "close";
    goto failed;
  }
  if (rename (tmp, path) != 0) {
    set_errno_error (&error, errno, FALSE);
    what = "rename to the final name";
    goto failed;
  }
  if (do_fsync && !sync_folder (dir, &error)) {
    if (gst_trial_sink_first_failure (self, pooled))
      gst_trial_sink_post_write_error (self, frame, path, "flush the folder",
          dir, error);
    return FALSE;
  }
  return TRUE;

failed:
  g_unlink (tmp);
  if (gst_trial_sink_first_failure (self, pooled))
    gst_trial_sink_post_write_error (self, frame, path, what, tmp, error);
  return FALSE;
}

/* ---- writes in the pool ---- */

static void
write_job_free (WriteJob * w)
{
  gst_buffer_unref (w->buffer);
  g_free (w->path);
  g_free (w);
}

/* Runs in a pool thread. After a failure (posted by the first one to fail)
 * the writes still in flight are dropped, as render drops the frames after
 * a failed write: the element stops at the first error. */
static void
write_job_run (GstTrialPoolJob * job)
{
  WriteJob *w = (WriteJob *) job;
  GstTrialSink *self = w->sink;
  gsize size = gst_buffer_get_size (w->buffer);
  gboolean failed;

  write_lock (self);
  failed = self->write_failed;
  write_unlock (self);

  if (!failed && gst_trial_sink_write_frame (self, w->frame, w->path,
          w->buffer, w->fsync, TRUE)) {
    GST_LOG_OBJECT (self, "frame %" G_GINT64_FORMAT ": wrote %"
        G_GSIZE_FORMAT " bytes to '%s' (pool)", w->frame, size, w->path);
    sink_lock (self);
    self->frames++;
    self->bytes += size;
    sink_unlock (self);
  }
  write_job_free (w);

  /* last: once the count drops the sink may stop and go away */
  write_lock (self);
  self->writes--;
  g_cond_broadcast (&self->write_cond);
  write_unlock (self);
}

/* Waits until no write is in flight; FALSE when one failed since the
 * element started. Streaming thread or state change. */
static gboolean
gst_trial_sink_wait_writes (GstTrialSink * self)
{
  gboolean ok;

  write_lock (self);
  while (self->writes > 0) {
    GST_TRIAL_TSAN_RELEASE (&self->write_lock);
    g_cond_wait (&self->write_cond, &self->write_lock);
    GST_TRIAL_TSAN_ACQUIRE (&self->write_lock);
  }
  ok = !self->write_failed;
  write_unlock (self);
  return ok;
}

/* The pool of the gst-trial.pool context: set on the element, or the one
 * upstream (trialconvert) answers a context query with. Looked up once per
 * run, at the first file to write: trialconvert finds or makes its pool
 * when it starts, after this element has. */
static void
gst_trial_sink_find_pool (GstTrialSink * self)
{
  GstContext *context;
  GstQuery *query;

  self->pool_looked_up = TRUE;
  context = gst_element_get_context (GST_ELEMENT (self),
      GST_TRIAL_POOL_CONTEXT_TYPE);
  if (context != NULL) {
    self->pool = gst_trial_pool_from_context (context);
    gst_context_unref (context);
  }
  if (self->pool == NULL) {
    query = gst_query_new_context (GST_TRIAL_POOL_CONTEXT_TYPE);
    if (gst_pad_peer_query (GST_BASE_SINK_PAD (self), query)) {
      gst_query_parse_context (query, &context);
      if (context != NULL)
        self->pool = gst_trial_pool_from_context (context);
    }
    gst_query_unref (query);
  }
  if (self->pool == NULL) {
    GST_INFO_OBJECT (self, "no gst-trial.pool: writing in the streaming "
        "thread");
    return;
  }
  GST_INFO_OBJECT (self, "writing in the shared pool");
}

/* Hands the write of @buffer to @path to the pool once the previous one is
 * done; FALSE when that one failed (its job posts the error before it
 * counts itself out). One write in flight per element keeps the files in
 * frame order, as render's own writes are: a disk that fills stops the
 * stream at one frame, and with fsync the folder is flushed after a rename
 * before the next rename into it. The pool overlaps each write with the
 * conversions and the other streams' writes. */
static gboolean
gst_trial_sink_queue_write (GstTrialSink * self, gint64 frame,
    const gchar * path, GstBuffer * buffer, gboolean do_fsync)
{
  WriteJob *w;

  write_lock (self);
  while (self->writes > 0) {
    GST_TRIAL_TSAN_RELEASE (&self->write_lock);
    g_cond_wait (&self->write_cond, &self->write_lock);
    GST_TRIAL_TSAN_ACQUIRE (&self->write_lock);
  }
  if (self->write_failed) {
    write_unlock (self);
    return FALSE;
  }
  self->writes++;
  write_unlock (self);

  w = g_new0 (WriteJob, 1);
  w->job.func = write_job_run;
  w->sink = self;
  w->buffer = gst_buffer_ref (buffer);
  w->path = g_strdup (path);
  w->frame = frame;
  w->fsync = do_fsync;
  gst_trial_pool_push_urgent (self->pool, &w->job);
  return TRUE;
}

/* Going to PAUSED: read the properties that cannot change while running and
 * check the pattern, so a bad one fails the state change. basesink's own
 * start() runs at NULL to READY, before an application may set them. */
static gboolean
gst_trial_sink_setup (GstTrialSink * self)
{
  g_autofree gchar *location = NULL;
  g_autoptr (GError) error = NULL;

  sink_lock (self);
  location = g_strdup (self->location);
  self->skip = self->skip_existing;
  self->frames = self->failed = self->skipped = self->bytes = 0;
  self->last_frame = -1;
  sink_unlock (self);
  write_lock (self);
  self->write_failed = FALSE;
  write_unlock (self);
  self->pool_looked_up = FALSE;

  if (location == NULL || location[0] == '\0') {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("No location set: expected a file name pattern such as "
            "out/frame_%%06d.png"), (NULL));
    return FALSE;
  }

  if (!gst_trial_frame_name_parse (&self->pattern, location, &error)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("Invalid location pattern '%s': expected exactly one frame number "
            "conversion such as %%06d (%%d, %%i or %%u with optional flags "
            "0, -, + or space and a width; %%%% for a literal %%), found %s",
            location, error->message), (NULL));
    return FALSE;
  }

  self->last_progress = g_get_monotonic_time ();

  return TRUE;
}

/* Every write finishes (or removes its temporary file) inside render or its
 * pool job, and the parent has stopped streaming when this runs: once the
 * pool's writes are done, nothing is left to undo. */
static void
gst_trial_sink_teardown (GstTrialSink * self)
{
  gst_trial_sink_wait_writes (self);
  gst_clear_object (&self->pool);
  gst_trial_frame_name_clear (&self->pattern);
  g_clear_pointer (&self->last_dir, g_free);
}

static GstStateChangeReturn
gst_trial_sink_change_state (GstElement * element, GstStateChange transition)
{
  GstTrialSink *self = GST_TRIAL_SINK (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED
      && !gst_trial_sink_setup (self))
    return GST_STATE_CHANGE_FAILURE;

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY
      || (transition == GST_STATE_CHANGE_READY_TO_PAUSED
          && ret == GST_STATE_CHANGE_FAILURE))
    gst_trial_sink_teardown (self);

  return ret;
}

static gboolean
gst_trial_sink_event (GstBaseSink * sink, GstEvent * event)
{
  GstTrialSink *self = GST_TRIAL_SINK (sink);

  gint64 frame;

  /* Every file written before EOS counts; after a failed write, no EOS
   * follows the error, as when render fails (the pool's writes report
   * theirs here or at the next buffer). */
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS
      && !gst_trial_sink_wait_writes (self)) {
    GST_DEBUG_OBJECT (self, "a write failed: no EOS");
    gst_event_unref (event);
    return FALSE;
  }
  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP)
    gst_trial_sink_wait_writes (self);

  /* before the parent posts EOS, so applications see the totals first */
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS)
    gst_trial_sink_post_progress (self, TRUE);

  /* trialconvert's failed frames of raw video: a GAP event naming the
   * frame in "trial-frame" */
  if (GST_EVENT_TYPE (event) == GST_EVENT_GAP
      && gst_structure_get_int64 (gst_event_get_structure (event),
          "trial-frame", &frame) && frame >= 0) {
    GST_DEBUG_OBJECT (self, "frame %" G_GINT64_FORMAT " failed upstream "
        "(GAP event)", frame);
    sink_lock (self);
    self->failed++;
    self->last_frame = frame;
    sink_unlock (self);
  }

  return GST_BASE_SINK_CLASS (parent_class)->event (sink, event);
}

static GstFlowReturn
gst_trial_sink_render (GstBaseSink * sink, GstBuffer * buffer)
{
  GstTrialSink *self = GST_TRIAL_SINK (sink);
  guint64 offset = GST_BUFFER_OFFSET (buffer);
  gint64 frame = (gint64) offset;
  gsize size = gst_buffer_get_size (buffer);
  gboolean do_fsync;
  guint interval;
  gint64 now;

  if (offset == GST_BUFFER_OFFSET_NONE) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("Received a buffer without a frame number: trialsink names each "
            "file by the buffer offset, which is not set"),
        ("buffer %" GST_PTR_FORMAT, buffer));
    return GST_FLOW_ERROR;
  }

  if (GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP) || size == 0) {
    GST_DEBUG_OBJECT (self, "frame %" G_GINT64_FORMAT " failed upstream",
        frame);
    sink_lock (self);
    self->failed++;
    self->last_frame = frame;
    sink_unlock (self);
  } else {
    g_autofree gchar *path =
        gst_trial_frame_name_format (&self->pattern, offset);

    if (self->skip && g_file_test (path, G_FILE_TEST_EXISTS)) {
      GST_LOG_OBJECT (self, "frame %" G_GINT64_FORMAT ": '%s' exists", frame,
          path);
      sink_lock (self);
      self->frames++;
      self->skipped++;
      self->last_frame = frame;
      sink_unlock (self);
    } else {
      sink_lock (self);
      do_fsync = self->fsync;
      sink_unlock (self);

      if (!self->pool_looked_up)
        gst_trial_sink_find_pool (self);
      if (!gst_trial_sink_make_folder (self, frame, path))
        return GST_FLOW_ERROR;
      if (self->pool != NULL) {
        /* counted written when the pool has written it */
        if (!gst_trial_sink_queue_write (self, frame, path, buffer, do_fsync))
          return GST_FLOW_ERROR;
        sink_lock (self);
        self->last_frame = frame;
        sink_unlock (self);
      } else {
        if (!gst_trial_sink_write_frame (self, frame, path, buffer, do_fsync,
                FALSE))
          return GST_FLOW_ERROR;
        GST_LOG_OBJECT (self, "frame %" G_GINT64_FORMAT ": wrote %"
            G_GSIZE_FORMAT " bytes to '%s'", frame, size, path);

        sink_lock (self);
        self->frames++;
        self->bytes += size;
        self->last_frame = frame;
        sink_unlock (self);
      }
    }
  }

  now = g_get_monotonic_time ();
  sink_lock (self);
  interval = self->progress_interval;
  sink_unlock (self);
  if (interval == 0 || now - self->last_progress >= (gint64) interval * 1000) {
    self->last_progress = now;
    gst_trial_sink_post_progress (self, FALSE);
  }

  return GST_FLOW_OK;
}
