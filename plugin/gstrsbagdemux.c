/* gst-trial: rsbagdemux, the demuxer of RealSense .bag recordings.
 *
 * Owns: pulling the bag from upstream (pull mode only: the ROS bag index is
 * at the end of the file, so the demuxer needs random access, as qtdemux
 * does for a moov atom at the end; filesrc, giosrc and the like give it),
 * the `color` and `depth` sometimes-pads, TIME seeking through the bag
 * index, and the calibration in the caps. The container and the RealSense
 * scheme are gst/trial/bag.c and rsbag.c.
 *
 * Each pad carries one Color_* and one Depth_* image stream of the bag:
 * those named by the `color-stream` and `depth-stream` properties, by
 * default the first of each kind on the device of the other one, or on the
 * bag's first device (the read-only `streams` property says which were
 * picked). Streams are named as the bag names them: "Color_1", and
 * "device_1/Color_1" in a bag of several devices. Caps: video/x-raw with the frame's format
 * (RGB, BGR, RGBA, BGRA, UYVY, YUY2 for color, GRAY16_LE for depth), width,
 * height, framerate fps/1 from StreamInfo (0/1 without it), and:
 *   intrinsics (structure rs-intrinsics: width, height, fx, fy, ppx, ppy
 *     as double, model as string, coeffs as array of double), on both pads
 *     when the bag has camera_info;
 *   depth-scale (double, metres per unit) on the depth pad: the first
 *     frame's trailer, else Depth_Units, else 0.001;
 *   color-intrinsics and depth-to-color (structure rs-extrinsics:
 *     rotation, 9 floats column-major, translation, 3 floats in metres) on
 *     the depth pad, so that an element receiving depth finds what aligning
 *     it to color needs.
 * Buffers: GST_BUFFER_OFFSET is the frame number (the image header.seq),
 * PTS is the message's bag time minus the earliest first frame of the two
 * streams, DURATION one frame period. A frame in a damaged chunk (or a
 * damaged record) is a GAP event at its PTS, with one element warning per
 * chunk, as trialsrc does for a missing file; a bag that does not open
 * (its index, its static topics) is an element error. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/base/gstflowcombiner.h>
#include <gst/video/video.h>

#include "gst/trial/error.h"
#include "gst/trial/rsbag.h"
#include "gstrsbagdemux.h"

GST_DEBUG_CATEGORY_STATIC (gst_rs_bag_demux_debug);
#define GST_CAT_DEFAULT gst_rs_bag_demux_debug

#define ROSBAG_MAGIC "#ROSBAG V2.0\n"
#define ROSBAG_CAPS "application/x-rosbag"

enum
{
  PROP_0,
  PROP_STREAMS,
  PROP_COLOR_STREAM,
  PROP_DEPTH_STREAM,
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (ROSBAG_CAPS));

static GstStaticPadTemplate color_template = GST_STATIC_PAD_TEMPLATE ("color",
    GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("video/x-raw, format = (string) "
        "{ RGB, BGR, RGBA, BGRA, UYVY, YUY2 }"));

static GstStaticPadTemplate depth_template = GST_STATIC_PAD_TEMPLATE ("depth",
    GST_PAD_SRC, GST_PAD_SOMETIMES,
    GST_STATIC_CAPS ("video/x-raw, format = (string) GRAY16_LE"));

typedef struct
{
  GstPad *pad;
  const GstTrialRsStream *stream;
  GstVideoInfo info;
  GstClockTime duration;        /* of one frame, NONE without fps */
  gboolean eos;
} Output;

struct _GstRsBagDemux
{
  GstElement parent;

  GstPad *sinkpad;
  GstFlowCombiner *combiner;

  /* streaming thread (and seeks, under the sink pad's stream lock) */
  GstTrialRsBag *rs;
  GstTrialBagIter *iter;
  Output outputs[2];            /* depth, color; pad NULL when absent */
  guint64 base_time;            /* bag time of PTS 0 */
  GstClockTime duration;
  GstSegment segment;
  gboolean need_segment;
  guint32 seqnum;
  GstFlowReturn pull_ret;       /* of the last pull_range */
  gchar *damaged;               /* the last damaged chunk's error, warned */

  GMutex lock;                  /* protects the three below */
  gchar *streams;               /* PROP_STREAMS */
  gchar *color_stream;          /* PROP_COLOR_STREAM, NULL: default */
  gchar *depth_stream;          /* PROP_DEPTH_STREAM, NULL: default */
};

#define gst_rs_bag_demux_parent_class parent_class
G_DEFINE_TYPE (GstRsBagDemux, gst_rs_bag_demux, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (rsbagdemux, "rsbagdemux",
    GST_RANK_PRIMARY, GST_TYPE_RS_BAG_DEMUX,
    GST_DEBUG_CATEGORY_INIT (gst_rs_bag_demux_debug, "rsbagdemux", 0,
        "RealSense .bag demuxer"));

static gboolean gst_rs_bag_demux_src_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static gboolean gst_rs_bag_demux_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query);

/* typefinder */

static void
rosbag_type_find (GstTypeFind * tf, G_GNUC_UNUSED gpointer user_data)
{
  const guint8 *data = gst_type_find_peek (tf, 0, strlen (ROSBAG_MAGIC));

  if (data != NULL && memcmp (data, ROSBAG_MAGIC, strlen (ROSBAG_MAGIC)) == 0)
    gst_type_find_suggest_empty_simple (tf, GST_TYPE_FIND_MAXIMUM,
        ROSBAG_CAPS);
}

static gboolean
rosbag_type_find_register (GstPlugin * plugin)
{
  GstCaps *caps = gst_caps_from_string (ROSBAG_CAPS);
  gboolean ok = gst_type_find_register (plugin, "application/x-rosbag",
      GST_RANK_PRIMARY, rosbag_type_find, "bag", caps, NULL, NULL);

  gst_caps_unref (caps);
  return ok;
}

GST_TYPE_FIND_REGISTER_DEFINE_CUSTOM (rosbag, rosbag_type_find_register);

/* reading the bag from upstream */

static gboolean
pull_read (gpointer user_data, guint64 offset, guint8 * out, gsize len,
    GError ** error)
{
  GstRsBagDemux *self = user_data;
  GstBuffer *buffer;
  GstMapInfo map;
  gsize got;

  if (len > G_MAXUINT) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "%" G_GSIZE_FORMAT " bytes in one read", len);
    return FALSE;
  }
  /* upstream reads straight into @out (filesrc does); one that gives
   * another buffer back is copied from */
  buffer = gst_buffer_new_wrapped_full (0, out, len, 0, len, NULL, NULL);
  self->pull_ret = gst_pad_pull_range (self->sinkpad, offset, len, &buffer);
  if (self->pull_ret != GST_FLOW_OK) {
    gst_buffer_unref (buffer);
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "pulling %" G_GSIZE_FORMAT " bytes from upstream: %s", len,
        gst_flow_get_name (self->pull_ret));
    return FALSE;
  }
  if (!gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    gst_buffer_unref (buffer);
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "cannot map the buffer upstream gave");
    return FALSE;
  }
  got = MIN (map.size, len);
  if (map.data != out)
    memcpy (out, map.data, got);
  gst_buffer_unmap (buffer, &map);
  gst_buffer_unref (buffer);
  if (got < len) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "upstream gave %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes",
        got, len);
    return FALSE;
  }
  return TRUE;
}

static GstVideoFormat
video_format_for (GstTrialRsEncoding encoding)
{
  switch (encoding) {
    case GST_TRIAL_RS_ENCODING_MONO16:
      return GST_VIDEO_FORMAT_GRAY16_LE;
    case GST_TRIAL_RS_ENCODING_RGB8:
      return GST_VIDEO_FORMAT_RGB;
    case GST_TRIAL_RS_ENCODING_BGR8:
      return GST_VIDEO_FORMAT_BGR;
    case GST_TRIAL_RS_ENCODING_RGBA8:
      return GST_VIDEO_FORMAT_RGBA;
    case GST_TRIAL_RS_ENCODING_BGRA8:
      return GST_VIDEO_FORMAT_BGRA;
    case GST_TRIAL_RS_ENCODING_UYVY:
      return GST_VIDEO_FORMAT_UYVY;
    case GST_TRIAL_RS_ENCODING_YUYV:
      return GST_VIDEO_FORMAT_YUY2;
  }
  return GST_VIDEO_FORMAT_UNKNOWN;
}

static void
take_double_array (GstStructure * s, const gchar * name, const gdouble * v,
    guint n, gboolean as_float)
{
  GValue array = G_VALUE_INIT;
  guint i;

  gst_value_array_init (&array, n);
  for (i = 0; i < n; i++) {
    GValue item = G_VALUE_INIT;

    if (as_float) {
      g_value_init (&item, G_TYPE_FLOAT);
      g_value_set_float (&item, v[i]);
    } else {
      g_value_init (&item, G_TYPE_DOUBLE);
      g_value_set_double (&item, v[i]);
    }
    gst_value_array_append_and_take_value (&array, &item);
  }
  gst_structure_take_value (s, name, &array);
}

static void
set_structure (GstStructure * caps_s, const gchar * name, GstStructure * s)
{
  GValue v = G_VALUE_INIT;

  g_value_init (&v, GST_TYPE_STRUCTURE);
  g_value_take_boxed (&v, s);
  gst_structure_take_value (caps_s, name, &v);
}

static GstStructure *
intrinsics_structure (const GstTrialRsIntrinsics * in)
{
  GstStructure *s = gst_structure_new ("rs-intrinsics",
      "width", G_TYPE_INT, (gint) in->width,
      "height", G_TYPE_INT, (gint) in->height,
      "fx", G_TYPE_DOUBLE, in->fx, "fy", G_TYPE_DOUBLE, in->fy,
      "ppx", G_TYPE_DOUBLE, in->ppx, "ppy", G_TYPE_DOUBLE, in->ppy,
      "model", G_TYPE_STRING, in->distortion_model != NULL ?
      in->distortion_model : "", NULL);

  take_double_array (s, "coeffs", in->d, in->n_d, FALSE);
  return s;
}

/* depth -> color, or NULL when the two streams have no common transform. */
static GstStructure *
depth_to_color (const GstTrialRsStream * depth, const GstTrialRsStream * color)
{
  gdouble r[9], t[3];
  GstStructure *s;

  if (!gst_trial_rs_depth_to_color (depth, color, r, t))
    return NULL;
  s = gst_structure_new_empty ("rs-extrinsics");
  take_double_array (s, "rotation", r, 9, TRUE);
  take_double_array (s, "translation", t, 3, TRUE);
  return s;
}

/* The first frame of @stream, parsed (its pixels are not kept). */
static gboolean
first_image (GstRsBagDemux * self, const GstTrialRsStream * stream,
    GstTrialRsImage * image, GError ** error)
{
  g_autoptr (GstTrialBagIter) iter =
      gst_trial_rs_bag_iter_new (self->rs, &stream, 1);
  g_autofree gchar *what = g_strdup_printf ("%s first frame", stream->name);
  GstTrialBagMessage message;

  /* the first readable one: a damaged chunk's frames are skipped later */
  while (TRUE) {
    g_autoptr (GError) local = NULL;

    if (gst_trial_bag_iter_next (iter, &message, &local)
        && gst_trial_rs_image_parse (message.data, message.size, what, image,
            &local))
      return TRUE;
    if (local == NULL)
      g_set_error (&local, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES,
          "%s has no frame", stream->name);
    if (!g_error_matches (local, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT)
        || self->pull_ret != GST_FLOW_OK) {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  }
}

static GstCaps *
output_caps (Output * out,
    const GstTrialRsImage * image, const GstTrialRsStream * other)
{
  const GstTrialRsStream *stream = out->stream;
  GstCaps *caps;
  GstStructure *s;

  gst_video_info_set_format (&out->info, video_format_for (image->encoding),
      image->width, image->height);
  out->info.fps_n = stream->has_info ? stream->fps : 0;
  out->info.fps_d = 1;
  out->duration = stream->has_info && stream->fps > 0 ?
      gst_util_uint64_scale_int (GST_SECOND, 1, stream->fps) :
      GST_CLOCK_TIME_NONE;
  caps = gst_video_info_to_caps (&out->info);
  s = gst_caps_get_structure (caps, 0);
  /* no colorimetry or chroma-site: nothing in the bag says them */
  gst_structure_remove_fields (s, "colorimetry", "chroma-site",
      "interlace-mode", "multiview-mode", "multiview-flags",
      "pixel-aspect-ratio", NULL);
  if (stream->has_intrinsics)
    set_structure (s, "intrinsics", intrinsics_structure (&stream->intrinsics));
  if (stream->kind == GST_TRIAL_RS_STREAM_DEPTH) {
    gst_structure_set (s, "depth-scale", G_TYPE_DOUBLE,
        gst_trial_rs_depth_scale (stream, image), NULL);
    if (other != NULL && other->has_intrinsics)
      set_structure (s, "color-intrinsics",
          intrinsics_structure (&other->intrinsics));
    if (other != NULL) {
      GstStructure *ex = depth_to_color (stream, other);

      if (ex != NULL)
        set_structure (s, "depth-to-color", ex);
    }
  }
  return caps;
}

/* The file name upstream reads (its URI query), for messages. */
static gchar *
upstream_file_name (GstRsBagDemux * self)
{
  GstQuery *query = gst_query_new_uri ();
  gchar *uri = NULL, *name = NULL;

  if (gst_pad_peer_query (self->sinkpad, query))
    gst_query_parse_uri (query, &uri);
  gst_query_unref (query);
  if (uri != NULL) {
    name = g_filename_from_uri (uri, NULL, NULL);
    if (name == NULL)
      name = g_steal_pointer (&uri);
  }
  g_free (uri);
  return name;
}

/* The stream called @name (NULL: none asked for) of @kind, into @out;
 * FALSE with an error listing the bag's streams when it has none such. */
static gboolean
lookup_stream (GstRsBagDemux * self, GstTrialRsStreamKind kind,
    const gchar * name, const GstTrialRsStream ** out, GError ** error)
{
  g_autofree gchar *all = NULL;

  *out = NULL;
  if (name == NULL)
    return TRUE;
  *out = gst_trial_rs_bag_lookup_stream (self->rs, name);
  if (*out != NULL && (*out)->kind == kind)
    return TRUE;
  all = gst_trial_rs_bag_describe_streams (self->rs);
  g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NOT_FOUND,
      "bag '%s' has no %s stream '%s' (its streams: %s)",
      gst_trial_bag_get_name (gst_trial_rs_bag_get_bag (self->rs)),
      kind == GST_TRIAL_RS_STREAM_COLOR ? "Color" : "Depth", name, all);
  return FALSE;
}

/* The streams of the color-stream and depth-stream properties; one not
 * named is the first of its kind on the device of the other (or of the
 * bag's first device when neither is named). */
static gboolean
pick_streams (GstRsBagDemux * self, const GstTrialRsStream ** depth,
    const GstTrialRsStream ** color, GError ** error)
{
  g_autofree gchar *color_name = NULL, *depth_name = NULL;
  const guint *devices;
  guint n_devices, device;

  g_mutex_lock (&self->lock);
  color_name = g_strdup (self->color_stream);
  depth_name = g_strdup (self->depth_stream);
  g_mutex_unlock (&self->lock);
  if (!lookup_stream (self, GST_TRIAL_RS_STREAM_COLOR, color_name, color,
          error)
      || !lookup_stream (self, GST_TRIAL_RS_STREAM_DEPTH, depth_name, depth,
          error))
    return FALSE;
  if (*color == NULL && *depth == NULL) {
    devices = gst_trial_rs_bag_get_devices (self->rs, &n_devices);
    device = devices[0];
  } else
    device = *color != NULL ? (*color)->device : (*depth)->device;
  if (*color == NULL)
    *color = gst_trial_rs_bag_first_stream (self->rs,
        GST_TRIAL_RS_STREAM_COLOR, device);
  if (*depth == NULL)
    *depth = gst_trial_rs_bag_first_stream (self->rs,
        GST_TRIAL_RS_STREAM_DEPTH, device);
  return TRUE;
}

static gboolean
bag_open (GstRsBagDemux * self, GError ** error)
{
  gint64 size = 0;
  GstTrialBag *bag;
  const GstTrialRsStream *depth, *color, *streams[2];
  guint n = 0, i;
  guint32 group_id = gst_util_group_id_next ();
  g_autoptr (GString) picked = g_string_new (NULL);
  g_autofree gchar *name = upstream_file_name (self);

  if (!gst_pad_peer_query_duration (self->sinkpad, GST_FORMAT_BYTES, &size)
      || size <= 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "upstream does not say the size of the file");
    return FALSE;
  }
  bag = gst_trial_bag_open_reader (pull_read, self, NULL, size,
      name != NULL ? name : "(stream)", error);
  if (bag == NULL)
    return FALSE;
  self->rs = gst_trial_rs_bag_new (bag, error);
  if (self->rs == NULL)
    return FALSE;
  if (gst_trial_bag_get_warning (bag) != NULL)
    GST_ELEMENT_WARNING (self, STREAM, DEMUX, ("%s",
            gst_trial_bag_get_warning (bag)), (NULL));

  if (!pick_streams (self, &depth, &color, error))
    return FALSE;
  self->outputs[0].stream = depth;
  self->outputs[1].stream = color;
  self->base_time = G_MAXUINT64;
  for (i = 0; i < 2; i++) {
    Output *out = &self->outputs[i];
    GstTrialRsImage image;
    GstCaps *caps;
    GstEvent *event;
    gchar *stream_id;
    g_autofree gchar *stream_name = NULL;

    if (out->stream == NULL || out->stream->n_frames == 0)
      continue;
    if (!first_image (self, out->stream, &image, error))
      return FALSE;
    streams[n++] = out->stream;
    self->base_time = MIN (self->base_time, out->stream->first_time);
    out->pad = gst_pad_new_from_static_template (i == 0 ? &depth_template :
        &color_template, i == 0 ? "depth" : "color");
    gst_pad_set_event_function (out->pad,
        GST_DEBUG_FUNCPTR (gst_rs_bag_demux_src_event));
    gst_pad_set_query_function (out->pad,
        GST_DEBUG_FUNCPTR (gst_rs_bag_demux_src_query));
    gst_pad_use_fixed_caps (out->pad);
    gst_pad_set_active (out->pad, TRUE);

    stream_id = gst_pad_create_stream_id (out->pad, GST_ELEMENT (self),
        i == 0 ? "depth" : "color");
    event = gst_event_new_stream_start (stream_id);
    g_free (stream_id);
    gst_event_set_group_id (event, group_id);
    gst_pad_push_event (out->pad, event);
    caps = output_caps (out, &image, i == 0 ? color : NULL);
    GST_DEBUG_OBJECT (out->pad, "caps %" GST_PTR_FORMAT, caps);
    gst_pad_push_event (out->pad, gst_event_new_caps (caps));
    gst_caps_unref (caps);

    stream_name = gst_trial_rs_bag_stream_name (self->rs, out->stream);
    g_string_append_printf (picked, "%s%s=%s", picked->len > 0 ? "," : "",
        i == 0 ? "depth" : "color", stream_name);
  }
  if (n == 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES,
        "the bag has no Depth or Color frame");
    return FALSE;
  }
  /* from the earliest stream's first frame to the end of the last frame */
  self->duration = 0;
  for (i = 0; i < 2; i++) {
    Output *out = &self->outputs[i];

    if (out->pad != NULL)
      self->duration = MAX (self->duration, out->stream->last_time -
          self->base_time + (GST_CLOCK_TIME_IS_VALID (out->duration) ?
              out->duration : 0));
  }
  self->segment.duration = self->duration;
  self->iter = gst_trial_rs_bag_iter_new (self->rs, streams, n);
  if (self->segment.position > 0)
    gst_trial_bag_iter_seek (self->iter,
        self->base_time + self->segment.position);

  g_mutex_lock (&self->lock);
  g_free (self->streams);
  self->streams = g_string_free (g_steal_pointer (&picked), FALSE);
  g_mutex_unlock (&self->lock);
  g_object_notify (G_OBJECT (self), "streams");

  for (i = 0; i < 2; i++)
    if (self->outputs[i].pad != NULL) {
      gst_flow_combiner_add_pad (self->combiner, self->outputs[i].pad);
      gst_element_add_pad (GST_ELEMENT (self), self->outputs[i].pad);
    }
  gst_element_no_more_pads (GST_ELEMENT (self));
  return TRUE;
}

static Output *
output_for_conn (GstRsBagDemux * self, guint32 conn)
{
  guint i;

  for (i = 0; i < 2; i++)
    if (self->outputs[i].pad != NULL
        && self->outputs[i].stream->image_conn == conn)
      return &self->outputs[i];
  return NULL;
}

static void
push_all (GstRsBagDemux * self, GstEvent * event)
{
  guint i;

  for (i = 0; i < 2; i++)
    if (self->outputs[i].pad != NULL)
      gst_pad_push_event (self->outputs[i].pad, gst_event_ref (event));
  gst_event_unref (event);
}

static GstBuffer *
frame_buffer (GstRsBagDemux * self, Output * out,
    const GstTrialBagMessage * message, GError ** error)
{
  GstTrialRsImage image;
  GstBuffer *buffer;
  GstMapInfo map;
  gsize size;
  g_autofree gchar *what = g_strdup_printf ("%s frame at %.3f s",
      out->stream->name, (message->time - self->base_time) / 1e9);

  if (!gst_trial_rs_image_parse (message->data, message->size, what, &image,
          error))
    return NULL;
  if (video_format_for (image.encoding) != GST_VIDEO_INFO_FORMAT (&out->info)
      || image.width != (guint) GST_VIDEO_INFO_WIDTH (&out->info)
      || image.height != (guint) GST_VIDEO_INFO_HEIGHT (&out->info)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH,
        "%s is %ux%u %s, the stream's first frame was %ux%u %s", what,
        image.width, image.height,
        gst_video_format_to_string (video_format_for (image.encoding)),
        GST_VIDEO_INFO_WIDTH (&out->info), GST_VIDEO_INFO_HEIGHT (&out->info),
        GST_VIDEO_INFO_NAME (&out->info));
    return NULL;
  }
  size = GST_VIDEO_INFO_SIZE (&out->info);
  if (image.step == (guint) GST_VIDEO_INFO_PLANE_STRIDE (&out->info, 0)
      && (gsize) image.step * image.height == size
      && (GST_VIDEO_INFO_FORMAT (&out->info) != GST_VIDEO_FORMAT_GRAY16_LE
          || (guintptr) image.data % 2 == 0)) {
    /* the rows as GStreamer lays them out (and uint16 depth aligned for
     * its readers): the buffer holds the decompressed chunk, no copy */
    buffer = gst_buffer_new ();
    gst_buffer_append_memory (buffer,
        gst_memory_new_wrapped (GST_MEMORY_FLAG_READONLY,
            (gpointer) image.data, size, 0, size,
            g_bytes_ref (message->chunk), (GDestroyNotify) g_bytes_unref));
  } else {
    buffer = gst_buffer_new_allocate (NULL, size, NULL);
    gst_buffer_map (buffer, &map, GST_MAP_WRITE);
    gst_trial_rs_image_copy (&image, map.data,
        GST_VIDEO_INFO_PLANE_STRIDE (&out->info, 0));
    gst_buffer_unmap (buffer, &map);
  }
  GST_BUFFER_PTS (buffer) = message->time - self->base_time;
  GST_BUFFER_DURATION (buffer) = out->duration;
  GST_BUFFER_OFFSET (buffer) = image.seq;
  return buffer;
}

static void
pause_task (GstRsBagDemux * self, GstFlowReturn ret)
{
  GST_DEBUG_OBJECT (self, "pausing: %s", gst_flow_get_name (ret));
  gst_pad_pause_task (self->sinkpad);
  if (ret == GST_FLOW_EOS) {
    GstEvent *eos = gst_event_new_eos ();

    if (self->seqnum != GST_SEQNUM_INVALID)
      gst_event_set_seqnum (eos, self->seqnum);
    push_all (self, eos);
  } else if (ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS) {
    GST_ELEMENT_FLOW_ERROR (self, ret);
    push_all (self, gst_event_new_eos ());
  }
}

/* A frame that cannot be read from a damaged chunk or record: a GAP on
 * its pad, and a warning per damaged chunk. */
static void
push_damaged (GstRsBagDemux * self, const GstTrialBagMessage * message,
    const GError * error)
{
  Output *out = output_for_conn (self, message->conn);
  GstClockTime pts = message->time - self->base_time;

  if (g_strcmp0 (self->damaged, error->message) != 0) {
    g_free (self->damaged);
    self->damaged = g_strdup (error->message);
    GST_ELEMENT_WARNING (self, STREAM, DEMUX, ("%s; the frames in this chunk "
            "are skipped", error->message), (NULL));
  }
  GST_DEBUG_OBJECT (out->pad, "gap at %" GST_TIME_FORMAT ": %s",
      GST_TIME_ARGS (pts), error->message);
  self->segment.position = pts;
  gst_pad_push_event (out->pad, gst_event_new_gap (pts, out->duration));
}

static void
gst_rs_bag_demux_loop (GstPad * pad)
{
  GstRsBagDemux *self = GST_RS_BAG_DEMUX (gst_pad_get_parent (pad));
  g_autoptr (GError) error = NULL;
  GstTrialBagMessage message;
  GstFlowReturn ret;
  GstBuffer *buffer;
  Output *out;

  if (self->rs == NULL && !bag_open (self, &error))
    goto failed;

  if (self->need_segment) {
    GstEvent *event = gst_event_new_segment (&self->segment);

    if (self->seqnum != GST_SEQNUM_INVALID)
      gst_event_set_seqnum (event, self->seqnum);
    push_all (self, event);
    self->need_segment = FALSE;
  }

  if (!gst_trial_bag_iter_next (self->iter, &message, &error)
      && error == NULL) {
    pause_task (self, GST_FLOW_EOS);
    goto done;
  }
  if (GST_CLOCK_TIME_IS_VALID (self->segment.stop)
      && message.time - self->base_time >= self->segment.stop) {
    pause_task (self, GST_FLOW_EOS);
    goto done;
  }
  out = output_for_conn (self, message.conn);
  buffer = error == NULL ? frame_buffer (self, out, &message, &error) : NULL;
  if (buffer == NULL) {
    if (!g_error_matches (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT)
        || self->pull_ret != GST_FLOW_OK)
      goto failed;
    push_damaged (self, &message, error);
    goto done;
  }
  self->segment.position = GST_BUFFER_PTS (buffer);
  /* tests count the frames read */
  GST_LOG_OBJECT (out->pad, "pushing the frame at %" GST_TIME_FORMAT,
      GST_TIME_ARGS (GST_BUFFER_PTS (buffer)));
  ret = gst_pad_push (out->pad, buffer);
  ret = gst_flow_combiner_update_pad_flow (self->combiner, out->pad, ret);
  if (ret != GST_FLOW_OK)
    pause_task (self, ret);
  goto done;

failed:
  if (self->pull_ret == GST_FLOW_FLUSHING) {
    GST_DEBUG_OBJECT (self, "flushing: %s", error->message);
    gst_pad_pause_task (self->sinkpad);
  } else {
    GST_ELEMENT_ERROR (self, STREAM, DEMUX, ("%s", error->message), (NULL));
    gst_pad_pause_task (self->sinkpad);
    if (self->iter != NULL)
      push_all (self, gst_event_new_eos ());
  }
done:
  gst_object_unref (self);
}

static gboolean
do_seek (GstRsBagDemux * self, GstEvent * event)
{
  gdouble rate;
  GstFormat format;
  GstSeekFlags flags;
  GstSeekType start_type, stop_type;
  gint64 start, stop;
  gboolean flush, update;
  guint32 seqnum = gst_event_get_seqnum (event);

  gst_event_parse_seek (event, &rate, &format, &flags, &start_type, &start,
      &stop_type, &stop);
  if (format != GST_FORMAT_TIME || rate <= 0.0) {
    GST_DEBUG_OBJECT (self, "only forward TIME seeks");
    return FALSE;
  }
  flush = (flags & GST_SEEK_FLAG_FLUSH) != 0;
  if (flush) {
    GstEvent *e = gst_event_new_flush_start ();

    gst_event_set_seqnum (e, seqnum);
    push_all (self, gst_event_ref (e));
    gst_pad_push_event (self->sinkpad, e);
  } else {
    gst_pad_pause_task (self->sinkpad);
  }
  GST_PAD_STREAM_LOCK (self->sinkpad);
  if (flush) {
    GstEvent *e = gst_event_new_flush_stop (TRUE);

    gst_event_set_seqnum (e, seqnum);
    gst_pad_push_event (self->sinkpad, gst_event_ref (e));
    push_all (self, e);
    gst_flow_combiner_reset (self->combiner);
  }
  gst_segment_do_seek (&self->segment, rate, format, flags, start_type, start,
      stop_type, stop, &update);
  self->segment.position = self->segment.start;
  self->segment.time = self->segment.start;
  self->segment.base = 0;
  if (self->iter != NULL)
    gst_trial_bag_iter_seek (self->iter,
        self->base_time + self->segment.start);
  self->need_segment = TRUE;
  self->seqnum = seqnum;
  self->pull_ret = GST_FLOW_OK;
  gst_pad_start_task (self->sinkpad, (GstTaskFunction) gst_rs_bag_demux_loop,
      self->sinkpad, NULL);
  GST_PAD_STREAM_UNLOCK (self->sinkpad);
  return TRUE;
}

static gboolean
gst_rs_bag_demux_src_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstRsBagDemux *self = GST_RS_BAG_DEMUX (parent);
  gboolean ret;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEEK:
      ret = do_seek (self, event);
      gst_event_unref (event);
      return ret;
    default:
      return gst_pad_event_default (pad, parent, event);
  }
}

static gboolean
gst_rs_bag_demux_src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstRsBagDemux *self = GST_RS_BAG_DEMUX (parent);
  GstFormat format;

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_DURATION:
      gst_query_parse_duration (query, &format, NULL);
      if (format != GST_FORMAT_TIME || self->iter == NULL)
        return FALSE;
      gst_query_set_duration (query, GST_FORMAT_TIME, self->duration);
      return TRUE;
    case GST_QUERY_SEEKING:
      gst_query_parse_seeking (query, &format, NULL, NULL, NULL);
      if (format != GST_FORMAT_TIME || self->iter == NULL)
        return FALSE;
      gst_query_set_seeking (query, GST_FORMAT_TIME, TRUE, 0, self->duration);
      return TRUE;
    case GST_QUERY_POSITION:
      gst_query_parse_position (query, &format, NULL);
      if (format != GST_FORMAT_TIME)
        return FALSE;
      gst_query_set_position (query, GST_FORMAT_TIME, self->segment.position);
      return TRUE;
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

static gboolean
gst_rs_bag_demux_sink_activate (GstPad * pad, GstObject * parent)
{
  GstQuery *query = gst_query_new_scheduling ();
  gboolean pull;

  pull = gst_pad_peer_query (pad, query)
      && gst_query_has_scheduling_mode_with_flags (query, GST_PAD_MODE_PULL,
      GST_SCHEDULING_FLAG_SEEKABLE);
  gst_query_unref (query);
  if (!pull) {
    GST_ELEMENT_ERROR (parent, STREAM, DEMUX,
        ("rsbagdemux reads a .bag with random access: upstream must work in "
            "pull mode (filesrc does)"), ("upstream cannot be pulled from"));
    return FALSE;
  }
  return gst_pad_activate_mode (pad, GST_PAD_MODE_PULL, TRUE);
}

static gboolean
gst_rs_bag_demux_sink_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstRsBagDemux *self = GST_RS_BAG_DEMUX (parent);

  if (mode != GST_PAD_MODE_PULL)
    return FALSE;
  if (active) {
    self->need_segment = TRUE;
    return gst_pad_start_task (pad, (GstTaskFunction) gst_rs_bag_demux_loop,
        pad, NULL);
  }
  return gst_pad_stop_task (pad);
}

static void
reset (GstRsBagDemux * self, gboolean remove_pads)
{
  guint i;

  g_clear_pointer (&self->iter, gst_trial_bag_iter_free);
  g_clear_pointer (&self->rs, gst_trial_rs_bag_free);
  for (i = 0; i < 2; i++) {
    if (self->outputs[i].pad != NULL && remove_pads) {
      gst_flow_combiner_remove_pad (self->combiner, self->outputs[i].pad);
      gst_element_remove_pad (GST_ELEMENT (self), self->outputs[i].pad);
    }
    memset (&self->outputs[i], 0, sizeof (Output));
  }
  gst_segment_init (&self->segment, GST_FORMAT_TIME);
  self->duration = GST_CLOCK_TIME_NONE;
  self->seqnum = GST_SEQNUM_INVALID;
  self->pull_ret = GST_FLOW_OK;
  self->need_segment = TRUE;
  g_clear_pointer (&self->damaged, g_free);
}

static GstStateChangeReturn
gst_rs_bag_demux_change_state (GstElement * element,
    GstStateChange transition)
{
  GstRsBagDemux *self = GST_RS_BAG_DEMUX (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    reset (self, TRUE);
  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    reset (self, TRUE);
  return ret;
}

static void
gst_rs_bag_demux_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRsBagDemux *self = GST_RS_BAG_DEMUX (object);

  switch (prop_id) {
    case PROP_COLOR_STREAM:
      g_mutex_lock (&self->lock);
      g_free (self->color_stream);
      self->color_stream = g_value_dup_string (value);
      g_mutex_unlock (&self->lock);
      break;
    case PROP_DEPTH_STREAM:
      g_mutex_lock (&self->lock);
      g_free (self->depth_stream);
      self->depth_stream = g_value_dup_string (value);
      g_mutex_unlock (&self->lock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_rs_bag_demux_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstRsBagDemux *self = GST_RS_BAG_DEMUX (object);

  switch (prop_id) {
    case PROP_STREAMS:
      g_mutex_lock (&self->lock);
      g_value_set_string (value, self->streams);
      g_mutex_unlock (&self->lock);
      break;
    case PROP_COLOR_STREAM:
      g_mutex_lock (&self->lock);
      g_value_set_string (value, self->color_stream);
      g_mutex_unlock (&self->lock);
      break;
    case PROP_DEPTH_STREAM:
      g_mutex_lock (&self->lock);
      g_value_set_string (value, self->depth_stream);
      g_mutex_unlock (&self->lock);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_rs_bag_demux_finalize (GObject * object)
{
  GstRsBagDemux *self = GST_RS_BAG_DEMUX (object);

  reset (self, FALSE);
  gst_flow_combiner_free (self->combiner);
  g_free (self->streams);
  g_free (self->color_stream);
  g_free (self->depth_stream);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_rs_bag_demux_class_init (GstRsBagDemuxClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_rs_bag_demux_set_property;
  gobject_class->get_property = gst_rs_bag_demux_get_property;
  gobject_class->finalize = gst_rs_bag_demux_finalize;
  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_rs_bag_demux_change_state);

  g_object_class_install_property (gobject_class, PROP_STREAMS,
      g_param_spec_string ("streams", "Streams",
          "The bag streams on the pads, e.g. depth=Depth_0,color=Color_0 "
          "(device_1/Depth_0 in a bag of several devices); set once the "
          "bag is open", NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_COLOR_STREAM,
      g_param_spec_string ("color-stream", "Color stream",
          "The Color stream on the color pad, named as in the bag: Color_1, "
          "or device_1/Color_0 in a bag of several devices (NULL: the first "
          "Color stream of the depth stream's device, or of the first "
          "device)", NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_DEPTH_STREAM,
      g_param_spec_string ("depth-stream", "Depth stream",
          "The Depth stream on the depth pad, named as in the bag: Depth_0, "
          "or device_1/Depth_0 in a bag of several devices (NULL: the first "
          "Depth stream of the color stream's device, or of the first "
          "device)", NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &color_template);
  gst_element_class_add_static_pad_template (element_class, &depth_template);
  gst_element_class_set_static_metadata (element_class,
      "RealSense bag demuxer", "Codec/Demuxer",
      "Reads the color and depth frames of a RealSense .bag recording "
      "(ROS bag 2.0)", "gst-trial");
}

static void
gst_rs_bag_demux_init (GstRsBagDemux * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_activate_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_rs_bag_demux_sink_activate));
  gst_pad_set_activatemode_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_rs_bag_demux_sink_activate_mode));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);
  self->combiner = gst_flow_combiner_new ();
  g_mutex_init (&self->lock);
  reset (self, FALSE);
}
