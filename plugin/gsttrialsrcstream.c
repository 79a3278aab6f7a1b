/* gst-trial: one stream of trialsrc: reads the color or depth file of each
 * frame of a scanned layout into a buffer, with its timing and its caps, and
 * seeks in TIME or DEFAULT (frame number) format. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gst/trial/error.h"
#include "gst/trial/framemeta.h"
#include "gsttrialbuffers.h"
#include "gsttrialsrcstream.h"

GST_DEBUG_CATEGORY_EXTERN (gst_trial_src_debug);
#define GST_CAT_DEFAULT gst_trial_src_debug

struct _GstTrialSrcStream
{
  GstPushSrc parent;

  GstTrialSrcStreamKind kind;   /* construct-only */

  /* GST_OBJECT_LOCK: written by trialsrc while the stream is stopped, read
   * from the streaming thread and from queries on any thread */
  GstTrialLayout *layout;
  gint fps_n;
  gint fps_d;
  GstCaps *caps;                /* fixed caps of the current run, from start() */

  /* the pad's STREAM_LOCK (held by create() and do_seek()) */
  guint index;                  /* position in the frame list of the next frame */

  /* the streaming thread, between start() and stop() */
  GstTrialBuffers *buffers;     /* memory of the files read */
};

enum
{
  PROP_0,
  PROP_STREAM,
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_TRIAL_SRC_COLOR_CAPS "; " GST_TRIAL_SRC_DEPTH_CAPS));
static GstStaticCaps color_caps = GST_STATIC_CAPS (GST_TRIAL_SRC_COLOR_CAPS);
static GstStaticCaps depth_caps = GST_STATIC_CAPS (GST_TRIAL_SRC_DEPTH_CAPS);

G_DEFINE_TYPE (GstTrialSrcStream, gst_trial_src_stream, GST_TYPE_PUSH_SRC);

GType
gst_trial_src_stream_kind_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TRIAL_SRC_STREAM_COLOR, "Color frames", "color"},
    {GST_TRIAL_SRC_STREAM_DEPTH, "Depth frames", "depth"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstTrialSrcStreamKind", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static const gchar *
kind_name (GstTrialSrcStreamKind kind)
{
  return kind == GST_TRIAL_SRC_STREAM_COLOR ? "color" : "depth";
}

/* PTS of frame @index: index / framerate. */
static GstClockTime
frame_time (guint64 index, gint fps_n, gint fps_d)
{
  return gst_util_uint64_scale (index, (guint64) fps_d * GST_SECOND, fps_n);
}

/* The frame shown at @time: the last one whose PTS is <= @time. The first
 * estimate can be one short because frame_time() rounds down. */
static guint64
frame_at_time (GstClockTime time, gint fps_n, gint fps_d)
{
  guint64 index = gst_util_uint64_scale (time, fps_n,
      (guint64) fps_d * GST_SECOND);

  if (frame_time (index + 1, fps_n, fps_d) <= time)
    index++;
  return index;
}

/* The layout of the current run (a new reference) and its framerate, or
 * NULL while trialsrc has none. */
static GstTrialLayout *
get_layout (GstTrialSrcStream * self, gint * fps_n, gint * fps_d)
{
  GstTrialLayout *layout = NULL;

  GST_OBJECT_LOCK (self);
  if (self->layout)
    layout = gst_trial_layout_ref (self->layout);
  *fps_n = self->fps_n;
  *fps_d = self->fps_d;
  GST_OBJECT_UNLOCK (self);
  return layout;
}

static GstCaps *
make_caps (GstTrialSrcStream * self, const GstTrialLayout * layout,
    gint fps_n, gint fps_d)
{
  GstStructure *s;
  guint width, height;

  if (self->kind == GST_TRIAL_SRC_STREAM_COLOR) {
    static const gchar *const media[] = {
      [GST_TRIAL_COLOR_PNG] = "image/png",
      [GST_TRIAL_COLOR_JPEG] = "image/jpeg",
      [GST_TRIAL_COLOR_BMP] = "image/bmp",
    };

    s = gst_structure_new_empty (media[gst_trial_layout_get_color_format
            (layout)]);
    width = gst_trial_layout_get_color_width (layout);
    height = gst_trial_layout_get_color_height (layout);
  } else {
    gdouble scale = gst_trial_layout_get_depth_scale (layout);
    GstTrialDtype dtype;

    switch (gst_trial_layout_get_depth_format (layout)) {
      case GST_TRIAL_DEPTH_NPY:
        s = gst_structure_new_empty ("application/x-npy");
        break;
      case GST_TRIAL_DEPTH_PNG:
        s = gst_structure_new_empty ("image/png");
        break;
      default:
        /* .raw, and trials without any depth file: then every depth buffer
         * is a GAP, and GRAY16_LE millimetres is what such a trial most
         * likely lacks */
        s = gst_structure_new ("video/x-raw", "format", G_TYPE_STRING,
            "GRAY16_LE", NULL);
        break;
    }
    width = gst_trial_layout_get_depth_width (layout);
    height = gst_trial_layout_get_depth_height (layout);
    /* downstream needs a unit even when no depth file told us one */
    gst_structure_set (s, "depth-scale", G_TYPE_DOUBLE,
        scale > 0.0 ? scale : 0.001, NULL);
    /* a frame of another dtype follows its own unit rule
     * (gst_trial_depth_frame_scale); without the field the scale was given
     * and holds for every frame */
    if (gst_trial_layout_get_depth_scale_dtype (layout, &dtype))
      gst_structure_set (s, "depth-scale-dtype", G_TYPE_STRING,
          gst_trial_dtype_to_string (dtype), NULL);
  }

  if (width > 0 && height > 0 && width <= G_MAXINT && height <= G_MAXINT)
    gst_structure_set (s, "width", G_TYPE_INT, (gint) width,
        "height", G_TYPE_INT, (gint) height, NULL);
  gst_structure_set (s, "framerate", GST_TYPE_FRACTION, fps_n, fps_d, NULL);

  return gst_caps_new_full (s, NULL);
}

/* Reads the whole file at @path into a buffer of exactly its size: one
 * open, fstat, read and close. NULL with a user-facing @reason on failure. */
static GstBuffer *
read_frame_file (GstTrialBuffers * buffers, const gchar * what,
    const gchar * path, gchar ** reason)
{
  GstBuffer *buffer = NULL;
  GstMapInfo map;
  struct stat st;
  gsize size, done = 0;
  int fd;

  /* O_NONBLOCK: opening a FIFO (a frame symlinked to a pipe) would block
   * until a writer comes; it is refused below as not a regular file. */
  do
    fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    *reason = g_strdup_printf ("cannot open %s file '%s': %s", what, path,
        g_strerror (errno));
    return NULL;
  }

  if (fstat (fd, &st) != 0) {
    *reason = g_strdup_printf ("cannot stat %s file '%s': %s", what, path,
        g_strerror (errno));
    goto out;
  }
  if (!S_ISREG (st.st_mode)) {
    *reason = g_strdup_printf ("%s file '%s' is not a regular file", what,
        path);
    goto out;
  }
  if (st.st_size == 0) {
    *reason = g_strdup_printf ("%s file '%s' is empty", what, path);
    goto out;
  }
  if ((guint64) st.st_size > GST_TRIAL_MAX_IMAGE_BYTES) {
    *reason = g_strdup_printf ("%s file '%s' is %" G_GUINT64_FORMAT
        " bytes, more than the %u bytes a frame may have", what, path,
        (guint64) st.st_size, GST_TRIAL_MAX_IMAGE_BYTES);
    goto out;
  }
  size = st.st_size;

  buffer = gst_trial_buffers_acquire (buffers, size);
  if (!buffer || !gst_buffer_map (buffer, &map, GST_MAP_WRITE)) {
    *reason = g_strdup_printf ("cannot allocate %" G_GSIZE_FORMAT
        " bytes for %s file '%s'", size, what, path);
    g_clear_pointer (&buffer, gst_buffer_unref);
    goto out;
  }
  while (done < size) {
    ssize_t n = read (fd, map.data + done, size - done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      *reason = g_strdup_printf ("cannot read %s file '%s': %s", what, path,
          g_strerror (errno));
      break;
    }
    if (n == 0) {
      *reason = g_strdup_printf ("%s file '%s' ended after %" G_GSIZE_FORMAT
          " of %" G_GSIZE_FORMAT " bytes (it shrank while being read)", what,
          path, done, size);
      break;
    }
    done += n;
  }
  gst_buffer_unmap (buffer, &map);
  if (done < size)
    g_clear_pointer (&buffer, gst_buffer_unref);

out:
  close (fd);
  return buffer;
}

/* The bus message goes out from trialsrc itself, so applications see one
 * element no matter which of its threads found the problem. */
static void
post_frame_warning (GstTrialSrcStream * self, gint64 number,
    const gchar * reason)
{
  GstObject *owner = gst_object_get_parent (GST_OBJECT (self));
  /* The reason names a file, whose name may not be UTF-8; GstStructure
   * strings must be. */
  g_autofree gchar *text = g_utf8_make_valid (reason, -1);

  if (!owner)
    owner = gst_object_ref (self);
  GST_ELEMENT_WARNING_WITH_DETAILS (owner, RESOURCE, READ,
      ("frame %" G_GINT64_FORMAT ": %s", number, text),
      ("%s stream, frame %" G_GINT64_FORMAT " sent as a GAP buffer",
          kind_name (self->kind), number),
      ("frame", G_TYPE_INT64, number, "stream", G_TYPE_STRING,
          kind_name (self->kind), "reason", G_TYPE_STRING, text, NULL));
  gst_object_unref (owner);
}

/* Whether anything reads what this stream pushes: the peer of our pad is
 * the internal pad of trialsrc's ghost pad, and that ghost pad must be
 * linked. A stream nobody links reads no file; its empty buffer comes back
 * NOT_LINKED and trialsrc's flow combiner decides (gsttrialsrc.c). */
static gboolean
output_is_linked (GstTrialSrcStream * self)
{
  g_autoptr (GstPad) peer = gst_pad_get_peer (GST_BASE_SRC_PAD (self));
  g_autoptr (GstProxyPad) ghost = NULL;

  if (peer == NULL)
    return FALSE;
  if (!GST_IS_PROXY_PAD (peer))
    return TRUE;
  ghost = gst_proxy_pad_get_internal (GST_PROXY_PAD (peer));
  return ghost == NULL || gst_pad_is_linked (GST_PAD (ghost));
}

static GstFlowReturn
gst_trial_src_stream_create (GstPushSrc * psrc, GstBuffer ** outbuf)
{
  GstTrialSrcStream *self = GST_TRIAL_SRC_STREAM (psrc);
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autofree gchar *reason = NULL;
  const GstTrialFrame *frame;
  g_autofree gchar *path = NULL;
  GstBuffer *buffer = NULL;
  GstClockTime pts;
  gint fps_n, fps_d;

  layout = get_layout (self, &fps_n, &fps_d);
  /* trialsrc drops the layout after stopping us, or when its start failed
   * after this stream had started: stop quietly then */
  if (!layout)
    return GST_FLOW_FLUSHING;
  if (self->index >= gst_trial_layout_get_n_frames (layout))
    return GST_FLOW_EOS;
  /* GstBaseSrc only stops after pushing the first buffer that ends past the
   * segment; a frame that starts at or after the stop of a seek is not
   * wanted at all */
  pts = frame_time (self->index, fps_n, fps_d);
  if (GST_CLOCK_TIME_IS_VALID (GST_BASE_SRC (psrc)->segment.stop)
      && pts >= GST_BASE_SRC (psrc)->segment.stop)
    return GST_FLOW_EOS;

  frame = gst_trial_layout_get_frame (layout, self->index);
  path = self->kind == GST_TRIAL_SRC_STREAM_COLOR ?
      gst_trial_layout_dup_color_path (layout, self->index) :
      gst_trial_layout_dup_depth_path (layout, self->index);
  if (!output_is_linked (self)) {
    GST_DEBUG_OBJECT (self, "not linked: frame %" G_GINT64_FORMAT " not read",
        frame->number);
    buffer = gst_buffer_new ();
  } else if (path) {
    buffer = read_frame_file (self->buffers, kind_name (self->kind), path,
        &reason);
    if (buffer)
      gst_buffer_add_trial_frame_meta (buffer, frame->number, path);
  } else if (gst_trial_layout_get_depth_dir (layout))
    reason = g_strdup_printf ("no depth file for frame %" G_GINT64_FORMAT,
        frame->number);
  else
    reason = g_strdup_printf ("no depth file for frame %" G_GINT64_FORMAT
        ": the trial has no depth folder", frame->number);

  if (!buffer) {
    post_frame_warning (self, frame->number, reason);
    buffer = gst_buffer_new ();
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_GAP);
  }

  GST_BUFFER_OFFSET (buffer) = frame->number;
  GST_BUFFER_OFFSET_END (buffer) = frame->number + 1;
  GST_BUFFER_PTS (buffer) = pts;
  GST_BUFFER_DURATION (buffer) = frame_time (1, fps_n, fps_d);
  GST_LOG_OBJECT (self, "frame %" G_GINT64_FORMAT " (index %u): %"
      G_GSIZE_FORMAT " bytes", frame->number, self->index,
      gst_buffer_get_size (buffer));

  self->index++;
  *outbuf = buffer;
  return GST_FLOW_OK;
}

static gboolean
gst_trial_src_stream_start (GstBaseSrc * bsrc)
{
  GstTrialSrcStream *self = GST_TRIAL_SRC_STREAM (bsrc);
  g_autoptr (GstTrialLayout) layout = NULL;
  GstCaps *caps;
  gint fps_n, fps_d;

  layout = get_layout (self, &fps_n, &fps_d);
  if (!layout) {
    GST_ELEMENT_ERROR (self, CORE, STATE_CHANGE,
        ("The %s stream of trialsrc was started without a scanned trial",
            kind_name (self->kind)), (NULL));
    return FALSE;
  }

  caps = make_caps (self, layout, fps_n, fps_d);
  GST_DEBUG_OBJECT (self, "caps %" GST_PTR_FORMAT, caps);

  GST_OBJECT_LOCK (self);
  gst_caps_replace (&self->caps, caps);
  /* GstBaseSrc leaves the duration of non-BYTES formats to us */
  bsrc->segment.duration =
      frame_time (gst_trial_layout_get_n_frames (layout), fps_n, fps_d);
  GST_OBJECT_UNLOCK (self);
  gst_caps_unref (caps);

  self->index = 0;
  self->buffers = gst_trial_buffers_new ();
  return TRUE;
}

static gboolean
gst_trial_src_stream_stop (GstBaseSrc * bsrc)
{
  GstTrialSrcStream *self = GST_TRIAL_SRC_STREAM (bsrc);

  GST_OBJECT_LOCK (self);
  gst_caps_replace (&self->caps, NULL);
  GST_OBJECT_UNLOCK (self);
  g_clear_pointer (&self->buffers, gst_trial_buffers_free);
  return TRUE;
}

static GstCaps *
gst_trial_src_stream_get_caps (GstBaseSrc * bsrc, GstCaps * filter)
{
  GstTrialSrcStream *self = GST_TRIAL_SRC_STREAM (bsrc);
  GstCaps *caps;

  GST_OBJECT_LOCK (self);
  caps = self->caps ? gst_caps_ref (self->caps) : NULL;
  GST_OBJECT_UNLOCK (self);
  if (!caps)
    caps = gst_static_caps_get (self->kind == GST_TRIAL_SRC_STREAM_COLOR ?
        &color_caps : &depth_caps);

  if (filter) {
    GstCaps *both = gst_caps_intersect_full (filter, caps,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (caps);
    caps = both;
  }
  return caps;
}

static gboolean
gst_trial_src_stream_is_seekable (GstBaseSrc * bsrc)
{
  /* a live stream is timestamped in running time from its first frame;
   * jumping elsewhere would make it wait or drop frames */
  return !gst_base_src_is_live (bsrc);
}

static gboolean
gst_trial_src_stream_do_seek (GstBaseSrc * bsrc, GstSegment * segment)
{
  GstTrialSrcStream *self = GST_TRIAL_SRC_STREAM (bsrc);
  g_autoptr (GstTrialLayout) layout = NULL;
  guint64 index;
  guint n_frames;
  gint fps_n, fps_d;

  if (segment->start != 0 && gst_base_src_is_live (bsrc))
    return FALSE;

  layout = get_layout (self, &fps_n, &fps_d);
  if (!layout)
    return FALSE;

  n_frames = gst_trial_layout_get_n_frames (layout);
  index = frame_at_time (segment->start, fps_n, fps_d);
  self->index = MIN (index, n_frames);
  segment->time = segment->start;
  GST_DEBUG_OBJECT (self, "seek to %" GST_TIME_FORMAT " -> index %u",
      GST_TIME_ARGS (segment->start), self->index);
  return TRUE;
}

/* Reverse playback is not supported. GstBaseSrc flushes its pad before it
 * asks do_seek(), so such a seek is refused here, before anything is
 * flushed: the stream goes on as if it had not been sent. */
static gboolean
seek_is_reverse (GstTrialSrcStream * self, GstEvent * event)
{
  gdouble rate;

  if (GST_EVENT_TYPE (event) != GST_EVENT_SEEK)
    return FALSE;
  gst_event_parse_seek (event, &rate, NULL, NULL, NULL, NULL, NULL, NULL);
  if (rate > 0.0)
    return FALSE;
  GST_DEBUG_OBJECT (self, "refusing a seek with rate %g: reverse playback "
      "is not supported", rate);
  return TRUE;
}

/* A seek sent upstream to the pad (a pipeline's seek). */
static gboolean
gst_trial_src_stream_event (GstBaseSrc * bsrc, GstEvent * event)
{
  if (seek_is_reverse (GST_TRIAL_SRC_STREAM (bsrc), event))
    return FALSE;
  return GST_BASE_SRC_CLASS (gst_trial_src_stream_parent_class)->event (bsrc,
      event);
}

/* A seek sent to the element (trialsrc forwards its own this way). */
static gboolean
gst_trial_src_stream_send_event (GstElement * element, GstEvent * event)
{
  if (seek_is_reverse (GST_TRIAL_SRC_STREAM (element), event)) {
    gst_event_unref (event);
    return FALSE;
  }
  return GST_ELEMENT_CLASS (gst_trial_src_stream_parent_class)->send_event
      (element, event);
}

/* TIME <-> DEFAULT, where DEFAULT is the frame number carried in
 * GST_BUFFER_OFFSET. A frame number maps to the time of the first frame whose
 * number is >= it (trials have gaps); a time maps to the number of the frame
 * shown then. Past the last frame both map to the end: last-frame + 1 and
 * the duration. */
static gboolean
convert (GstTrialSrcStream * self, GstFormat src_format, gint64 src_value,
    GstFormat dest_format, gint64 * dest_value)
{
  g_autoptr (GstTrialLayout) layout = NULL;
  gint fps_n, fps_d;
  guint n_frames;

  if (src_format == dest_format) {
    *dest_value = src_value;
    return TRUE;
  }
  if ((src_format != GST_FORMAT_TIME && src_format != GST_FORMAT_DEFAULT)
      || (dest_format != GST_FORMAT_TIME && dest_format != GST_FORMAT_DEFAULT))
    return FALSE;
  if (src_value == -1) {
    *dest_value = -1;
    return TRUE;
  }

  layout = get_layout (self, &fps_n, &fps_d);
  if (!layout)
    return FALSE;
  n_frames = gst_trial_layout_get_n_frames (layout);

  if (src_format == GST_FORMAT_TIME) {
    guint64 index;

    if (src_value < 0)
      return FALSE;
    index = frame_at_time (src_value, fps_n, fps_d);
    *dest_value = index < n_frames ?
        gst_trial_layout_get_frame (layout, index)->number :
        gst_trial_layout_get_last_frame (layout) + 1;
  } else {
    *dest_value = frame_time (gst_trial_layout_find_frame (layout, src_value),
        fps_n, fps_d);
  }
  return TRUE;
}

static gboolean
gst_trial_src_stream_query (GstBaseSrc * bsrc, GstQuery * query)
{
  GstTrialSrcStream *self = GST_TRIAL_SRC_STREAM (bsrc);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CONVERT:{
      GstFormat src_format, dest_format;
      gint64 src_value, dest_value;

      gst_query_parse_convert (query, &src_format, &src_value, &dest_format,
          NULL);
      if (!convert (self, src_format, src_value, dest_format, &dest_value))
        return FALSE;
      gst_query_set_convert (query, src_format, src_value, dest_format,
          dest_value);
      return TRUE;
    }
    case GST_QUERY_SEEKING:{
      g_autoptr (GstTrialLayout) layout = NULL;
      GstFormat format;
      gint fps_n, fps_d;

      gst_query_parse_seeking (query, &format, NULL, NULL, NULL);
      if (format != GST_FORMAT_DEFAULT)
        break;
      layout = get_layout (self, &fps_n, &fps_d);
      if (!layout)
        return FALSE;
      gst_query_set_seeking (query, GST_FORMAT_DEFAULT,
          gst_trial_src_stream_is_seekable (bsrc),
          gst_trial_layout_get_first_frame (layout),
          gst_trial_layout_get_last_frame (layout) + 1);
      return TRUE;
    }
    case GST_QUERY_LATENCY:{
      gint fps_n, fps_d;

      if (!gst_base_src_is_live (bsrc))
        break;
      GST_OBJECT_LOCK (self);
      fps_n = self->fps_n;
      fps_d = self->fps_d;
      GST_OBJECT_UNLOCK (self);
      /* a frame is ready one frame duration after its PTS */
      gst_query_set_latency (query, TRUE, frame_time (1, fps_n, fps_d),
          frame_time (1, fps_n, fps_d));
      return TRUE;
    }
    default:
      break;
  }
  return GST_BASE_SRC_CLASS (gst_trial_src_stream_parent_class)->query (bsrc,
      query);
}

static void
gst_trial_src_stream_get_times (GstBaseSrc * bsrc, GstBuffer * buffer,
    GstClockTime * start, GstClockTime * end)
{
  /* only a live stream is paced by the clock */
  if (gst_base_src_is_live (bsrc)) {
    *start = GST_BUFFER_PTS (buffer);
    *end = *start + GST_BUFFER_DURATION (buffer);
  } else {
    *start = GST_CLOCK_TIME_NONE;
    *end = GST_CLOCK_TIME_NONE;
  }
}

void
gst_trial_src_stream_configure (GstTrialSrcStream * self,
    GstTrialLayout * layout, gint fps_n, gint fps_d, gboolean is_live)
{
  GST_OBJECT_LOCK (self);
  if (self->layout)
    gst_trial_layout_unref (self->layout);
  self->layout = layout ? gst_trial_layout_ref (layout) : NULL;
  self->fps_n = fps_n;
  self->fps_d = fps_d;
  GST_OBJECT_UNLOCK (self);
  gst_base_src_set_live (GST_BASE_SRC (self), is_live);
}

GstElement *
gst_trial_src_stream_new (GstTrialSrcStreamKind kind)
{
  return g_object_new (GST_TYPE_TRIAL_SRC_STREAM, "name", kind_name (kind),
      "stream", kind, NULL);
}

static void
gst_trial_src_stream_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTrialSrcStream *self = GST_TRIAL_SRC_STREAM (object);

  switch (prop_id) {
    case PROP_STREAM:
      self->kind = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_trial_src_stream_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstTrialSrcStream *self = GST_TRIAL_SRC_STREAM (object);

  switch (prop_id) {
    case PROP_STREAM:
      g_value_set_enum (value, self->kind);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_trial_src_stream_finalize (GObject * object)
{
  GstTrialSrcStream *self = GST_TRIAL_SRC_STREAM (object);

  g_clear_pointer (&self->layout, gst_trial_layout_unref);
  gst_caps_replace (&self->caps, NULL);
  g_clear_pointer (&self->buffers, gst_trial_buffers_free);
  G_OBJECT_CLASS (gst_trial_src_stream_parent_class)->finalize (object);
}

static void
gst_trial_src_stream_class_init (GstTrialSrcStreamClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);
  GstPushSrcClass *pushsrc_class = GST_PUSH_SRC_CLASS (klass);

  gobject_class->set_property = gst_trial_src_stream_set_property;
  gobject_class->get_property = gst_trial_src_stream_get_property;
  gobject_class->finalize = gst_trial_src_stream_finalize;

  g_object_class_install_property (gobject_class, PROP_STREAM,
      g_param_spec_enum ("stream", "Stream",
          "Which file of each frame this stream reads",
          GST_TYPE_TRIAL_SRC_STREAM_KIND, GST_TRIAL_SRC_STREAM_COLOR,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
          G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Trial stream source", "Source/File",
      "One stream (color or depth) of trialsrc", "gst-trial");

  element_class->send_event = gst_trial_src_stream_send_event;

  basesrc_class->start = gst_trial_src_stream_start;
  basesrc_class->stop = gst_trial_src_stream_stop;
  basesrc_class->get_caps = gst_trial_src_stream_get_caps;
  basesrc_class->is_seekable = gst_trial_src_stream_is_seekable;
  basesrc_class->do_seek = gst_trial_src_stream_do_seek;
  basesrc_class->query = gst_trial_src_stream_query;
  basesrc_class->event = gst_trial_src_stream_event;
  basesrc_class->get_times = gst_trial_src_stream_get_times;
  pushsrc_class->create = gst_trial_src_stream_create;
}

static void
gst_trial_src_stream_init (GstTrialSrcStream * self)
{
  self->fps_n = 30;
  self->fps_d = 1;
  gst_base_src_set_format (GST_BASE_SRC (self), GST_FORMAT_TIME);
}
