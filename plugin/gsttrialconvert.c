/* gst-trial: trialconvert, the element that converts color and depth frames
 * in a GLib thread pool and pushes them in input order.
 *
 * Owns: caps negotiation (what a frame becomes), events, queries, state
 * changes, finding the shared pool, failure reporting and the trial-stats
 * messages. A frame's conversion is the library's
 * (gst/trial/converter.c), the in-order queue and its src-pad task are
 * GstTrialOrderedQueue (gsttrialorderedqueue.c), the pool is GstTrialPool
 * (gst/trial/pool.c). */

/**
 * SECTION:element-trialconvert
 * @title: trialconvert
 *
 * trialconvert turns the frames trialsrc reads into what a trial's output
 * needs, one buffer out per buffer in, in input order, with the work done in
 * a thread pool:
 *
 * - color frames (image/png, image/jpeg, image/bmp) become 8-bit RGB PNG
 *   files (image/png, the default) or raw video (RGB, BGR, RGBA, GRAY8) for
 *   previews and applications. With color-mode=auto an input PNG that
 *   already is 8-bit RGB is passed through byte for byte once its chunk
 *   CRCs, IEND and (with verify=data, the default) its image data are
 *   verified; bytes after IEND are not part of the PNG and are not passed
 *   on, as reencode does not read them. Everything else is decoded and
 *   encoded with the given compression-level.
 * - depth frames (video/x-raw GRAY16_LE, application/x-npy, or image/png
 *   whose caps carry depth-scale) become whole .npy files of float32 metres
 *   (application/x-npy, the default), RGB video colourised with colormap
 *   between depth-min and depth-max metres, or GRAY16_LE millimetres.
 *
 * Output buffers keep the input's metas, GstTrialFrameMeta included, so
 * applications know the frame number and source file of each converted
 * frame.
 *
 * Each frame is read as its own file says: a buffer whose GstTrialFrameMeta
 * (added by trialsrc) names a .jpg among .png frames, or an .npy among .raw
 * ones, is decoded as that, whatever the caps name. Depth units: caps
 * depth-scale with depth-scale-dtype (trialsrc) hold for frames of that
 * numpy dtype, a frame of another dtype follows its own rule (uint16 is
 * millimetres; other dtypes are millimetres when their maximum exceeds
 * 100, else metres); depth-scale alone holds for every frame; without
 * depth-scale the first depth buffer decides as trialsrc would.
 *
 * What comes out is decided by caps negotiation: the first of the formats
 * above that downstream accepts. The output width and height are those of
 * the input caps; a frame whose decoded size differs is a failed frame, not
 * a renegotiation. Raw video output needs width and height: from the input
 * caps or, when they have none (multifilesrc caps=image/png), from the
 * first frame's header (PNG, JPEG, BMP, .npy), as pngdec reads it.
 *
 * A frame that cannot be converted comes out as an empty buffer flagged
 * GAP with the same offset and timestamps (PNG and .npy output), or, with
 * raw video output, as a GAP event with the frame's timestamp and duration
 * and the frame number in its field "trial-frame" (gint64), so that stock
 * raw-video elements carry on; a warning message goes on the bus (details:
 * frame, stream, reason). GAP input buffers come out the same way without
 * another warning. With max-errors set, more failed frames than
 * that is an error.
 *
 * The pool has n-threads threads. All trialconvert elements of a pipeline
 * share one pool through a GstContext of type "gst-trial.pool" (the first
 * one to start creates it with its n-threads), so a color and a depth
 * stream on N cores use N threads in all; an application can share one
 * pool between pipelines by setting that context on them before they start
 * (a context set later is used from the next start on). Each element keeps
 * at most max-in-flight frames queued or in conversion, so memory stays
 * flat for any trial length; live pipelines get that many frames as extra
 * latency.
 *
 * Every stats-interval milliseconds and at EOS the element posts an element
 * message "trial-stats" with the fields frames (guint64, buffers out
 * including failed ones), failed (guint64), fps (gdouble, since the last
 * message), average-fps (gdouble), elapsed (GstClockTime since the first
 * buffer), n-threads (gint, threads of the pool) and stream (string,
 * "color" or "depth").
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 trialsrc location=trial_1 name=s \
 *     s.color ! queue ! trialconvert ! trialsink location=out/color/frame_%06d.png \
 *     s.depth ! queue ! trialconvert ! trialsink location=out/depth/frame_%06d.npy
 * ]| converts a trial to seed-compatible PNG and .npy files.
 * |[
 * gst-launch-1.0 trialsrc location=trial_1 is-live=true name=s \
 *     s.color ! queue ! trialconvert ! videoconvert ! autovideosink \
 *     s.depth ! queue ! trialconvert colormap=turbo ! videoconvert ! autovideosink
 * ]| shows the color and the colourised depth of a trial.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/video/video.h>

#include "gst/trial/colormap.h"
#include "gst/trial/converter.h"
#include "gst/trial/error.h"
#include "gst/trial/framemeta.h"
#include "gst/trial/bmp.h"
#include "gst/trial/jpeg.h"
#include "gst/trial/npy.h"
#include "gst/trial/pngcodec.h"
#include "gst/trial/tsan.h"
#include "gsttrialbuffers.h"
#include "gsttrialconvert.h"
#include "gsttrialorderedqueue.h"
#include "gst/trial/pool.h"

GST_DEBUG_CATEGORY_STATIC (gst_trial_convert_debug);
#define GST_CAT_DEFAULT gst_trial_convert_debug

#define DEFAULT_N_THREADS 0
#define DEFAULT_MAX_IN_FLIGHT 0
#define DEFAULT_COLOR_MODE GST_TRIAL_CONVERT_COLOR_MODE_AUTO
#define DEFAULT_VERIFY GST_TRIAL_PNG_VERIFY_DATA
#define DEFAULT_COMPRESSION_LEVEL 1
#define DEFAULT_COLORMAP GST_TRIAL_COLORMAP_JET
#define DEFAULT_DEPTH_MIN 0.3
#define DEFAULT_DEPTH_MAX 4.0
#define DEFAULT_STATS_INTERVAL 1000
#define DEFAULT_MAX_ERRORS -1

#define RAW_COLOR_CAPS \
  "video/x-raw, format = (string) { RGB, BGR, RGBA, BGRA, UYVY, YUY2 }"
#define COLOR_INPUT_CAPS "image/png; image/jpeg; image/bmp; " RAW_COLOR_CAPS
#define DEPTH_INPUT_CAPS \
  "video/x-raw, format = (string) GRAY16_LE; application/x-npy; image/png"
#define COLOR_OUTPUT_CAPS \
  "image/png; video/x-raw, format = (string) { RGB, BGR, RGBA, GRAY8 }"
#define DEPTH_OUTPUT_CAPS \
  "application/x-npy; video/x-raw, format = (string) { RGB, GRAY16_LE }"

/* on the output, as pngenc and videoconvert show them; not on the input,
 * which may come without a size (multifilesrc, or a .raw depth stream of
 * unknown shape, which is then an error naming the shape, not a 1x1
 * frame fixated from a range) */
#define SIZE_RANGES \
  "width = (int) [ 1, 2147483647 ], height = (int) [ 1, 2147483647 ], " \
  "framerate = (fraction) [ 0/1, 2147483647/1 ]"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (COLOR_INPUT_CAPS "; "
        "video/x-raw, format = (string) GRAY16_LE; application/x-npy"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("image/png, " SIZE_RANGES "; "
        "application/x-npy, " SIZE_RANGES "; "
        "video/x-raw, format = (string) { RGB, BGR, RGBA, GRAY8, GRAY16_LE }, "
        SIZE_RANGES));

static GstStaticCaps color_input_caps = GST_STATIC_CAPS (COLOR_INPUT_CAPS);
static GstStaticCaps depth_input_caps = GST_STATIC_CAPS (DEPTH_INPUT_CAPS);
static GstStaticCaps color_output_caps = GST_STATIC_CAPS (COLOR_OUTPUT_CAPS);
static GstStaticCaps depth_output_caps = GST_STATIC_CAPS (DEPTH_OUTPUT_CAPS);
static GstStaticCaps raw_color_caps = GST_STATIC_CAPS (RAW_COLOR_CAPS);
static GstStaticCaps gray16_caps =
GST_STATIC_CAPS ("video/x-raw, format = (string) GRAY16_LE");

/* One entry of the in-order queue, a buffer's or an event's. */
typedef struct
{
  GstTrialOrderedItem item;
  GstTrialConverterParams params;       /* copied when the buffer came */

  /* written by the worker before the item is done */
  GstBuffer *output;            /* NULL: failed or GAP input */
  gchar *reason;                /* why the conversion failed */
  GstStreamError code;
} QueueEntry;

struct _GstTrialConvert
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* properties, under GST_OBJECT_LOCK */
  guint n_threads;
  guint max_in_flight;
  GstTrialConvertColorMode color_mode;
  GstTrialPngVerify verify;
  gint compression_level;
  GstTrialColormap colormap;
  gdouble depth_min;
  gdouble depth_max;
  guint stats_interval;
  gint max_errors;
  GstClockTime frame_duration;  /* from the input caps' framerate */

  /* streaming thread only */
  GstTrialConverterParams params;
  gboolean negotiated;
  GstCaps *sizeless_caps;       /* input caps without width and height,
                                 * negotiated on the first buffer */
  GQueue held_events;           /* serialized events after sizeless caps,
                                 * sent after the output caps */

  GstTrialOrderedQueue *queue;
  GstTrialBuffers *buffers;     /* memory of the outputs, from READY to
                                   PAUSED until PAUSED to READY */

  /* statistics, src task only (reset before the task starts) */
  guint64 frames;
  guint64 failed;
  gint64 stats_time;
  guint64 stats_frames;
  gboolean stats_depth;
};

enum
{
  PROP_0,
  PROP_N_THREADS,
  PROP_MAX_IN_FLIGHT,
  PROP_COLOR_MODE,
  PROP_VERIFY,
  PROP_COMPRESSION_LEVEL,
  PROP_COLORMAP,
  PROP_DEPTH_MIN,
  PROP_DEPTH_MAX,
  PROP_STATS_INTERVAL,
  PROP_MAX_ERRORS,
};

GType
gst_trial_convert_verify_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TRIAL_PNG_VERIFY_CHUNKS,
          "The CRC-32 of every chunk, the chunk order and IEND; passes image "
          "data that does not decode", "chunks"},
    {GST_TRIAL_PNG_VERIFY_DATA,
          "As chunks, and the image data inflates to the size IHDR implies "
          "(adler32, row filters)", "data"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstTrialConvertVerify", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_trial_convert_color_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TRIAL_CONVERT_COLOR_MODE_AUTO,
        "Pass 8-bit RGB PNGs through after verifying them, re-encode the rest",
        "auto"},
    {GST_TRIAL_CONVERT_COLOR_MODE_REENCODE,
        "Decode and encode every frame", "reencode"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstTrialConvertColorMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

GType
gst_trial_convert_colormap_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TRIAL_COLORMAP_JET, "Jet (blue near, red far)", "jet"},
    {GST_TRIAL_COLORMAP_TURBO, "Turbo (improved jet)", "turbo"},
    {GST_TRIAL_COLORMAP_GRAY, "Gray (black near, white far)", "gray"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstTrialConvertColormap", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

G_DEFINE_TYPE_WITH_CODE (GstTrialConvert, gst_trial_convert, GST_TYPE_ELEMENT,
    GST_DEBUG_CATEGORY_INIT (gst_trial_convert_debug, "trialconvert", 0,
        "gst-trial frame converter"));
/* The pool type (gst/trial/pool.h) is also registered with the element,
 * so applications that look it up by name once the plugin is loaded keep
 * working; new code names GST_TYPE_TRIAL_POOL. */
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (trialconvert, "trialconvert",
    GST_RANK_NONE, GST_TYPE_TRIAL_CONVERT,
    g_type_ensure (GST_TYPE_TRIAL_POOL));

/* ---- one frame's conversion (runs in pool threads) ---- */

static GstTrialPixelFormat
pixel_format_for (GstVideoFormat format)
{
  switch (format) {
    case GST_VIDEO_FORMAT_BGR:
      return GST_TRIAL_PIXEL_BGR8;
    case GST_VIDEO_FORMAT_RGBA:
      return GST_TRIAL_PIXEL_RGBA8;
    case GST_VIDEO_FORMAT_GRAY8:
      return GST_TRIAL_PIXEL_GRAY8;
    case GST_VIDEO_FORMAT_GRAY16_LE:
      return GST_TRIAL_PIXEL_GRAY16;
    default:
      return GST_TRIAL_PIXEL_RGB8;
  }
}

static GstStreamError
stream_error_for (const GError * error)
{
  if (error->domain == GST_TRIAL_ERROR) {
    switch (error->code) {
      case GST_TRIAL_ERROR_SIZE_MISMATCH:
      case GST_TRIAL_ERROR_UNSUPPORTED:
      case GST_TRIAL_ERROR_TOO_LARGE:
        return GST_STREAM_ERROR_FORMAT;
      default:
        break;
    }
  }
  return GST_STREAM_ERROR_DECODE;
}

/* .npy outputs go into GstTrialBuffers' recycled memory: the memory
 * handed to the converter is the mapped buffer. */
typedef struct
{
  GstBuffer *buffer;
  GstMapInfo map;
} MappedOutput;

static guint8 *
output_alloc (gsize size, gpointer * memory, gpointer user_data)
{
  GstTrialBuffers *buffers = user_data;
  MappedOutput *out = g_new (MappedOutput, 1);

  out->buffer = gst_trial_buffers_acquire (buffers, size);
  if (out->buffer == NULL
      || !gst_buffer_map (out->buffer, &out->map, GST_MAP_WRITE)) {
    gst_clear_buffer (&out->buffer);
    g_free (out);
    return NULL;
  }
  *memory = out;
  return out->map.data;
}

static GstBuffer *
output_finish (MappedOutput * out)
{
  GstBuffer *buffer = out->buffer;

  gst_buffer_unmap (buffer, &out->map);
  g_free (out);
  return buffer;
}

static void
output_release (gpointer memory, gpointer user_data)
{
  (void) user_data;
  gst_buffer_unref (output_finish (memory));
}

/* The converter's result as a buffer: passthrough shares the input's
 * memory. */
static GstBuffer *
output_buffer (GstBuffer * input, gsize input_size,
    GstTrialConverted * converted)
{
  GstBuffer *output;

  if (converted->passthrough == input_size)
    return gst_buffer_ref (input);
  if (converted->passthrough > 0)
    return gst_buffer_copy_region (input, GST_BUFFER_COPY_MEMORY, 0,
        converted->passthrough);
  if (converted->memory != NULL)
    return output_finish (converted->memory);
  output = gst_buffer_new_wrapped_bytes (converted->bytes);
  g_bytes_unref (converted->bytes);
  return output;
}

/* Fills entry->output, or entry->reason and entry->code when the frame
 * fails. */
static void
entry_convert (GstTrialOrderedItem * item, gpointer user_data)
{
  QueueEntry *entry = (QueueEntry *) item;
  GstTrialConvert *self = user_data;
  GstBuffer *input = item->input;
  GstTrialFrameMeta *meta = gst_buffer_get_trial_frame_meta (input);
  GstTrialConverterAllocator allocator = { output_alloc, output_release,
    self->buffers
  };
  GstTrialConverted converted;
  g_autofree gchar *name = NULL;
  GError *error = NULL;
  GstMapInfo map;

  /* messages name the file when trialsrc said which one it was (as UTF-8:
   * they end up in GstStructure strings) */
  if (meta != NULL && meta->path == NULL)
    meta = NULL;
  name = meta != NULL ? g_filename_display_name (meta->path) :
      g_strdup_printf ("frame %" G_GUINT64_FORMAT, GST_BUFFER_OFFSET (input));

  if (!gst_buffer_map (input, &map, GST_MAP_READ)) {
    g_set_error_literal (&error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "the input buffer cannot be read");
  } else {
    if (gst_trial_converter_convert (&entry->params,
            meta != NULL ? meta->path : NULL, name, map.data, map.size,
            &allocator, &converted, &error))
      entry->output = output_buffer (input, map.size, &converted);
    gst_buffer_unmap (input, &map);
  }
  /* in the worker's own thread: tests count the threads that converted */
  GST_LOG_OBJECT (self, "converted frame %" G_GUINT64_FORMAT,
      GST_BUFFER_OFFSET (input));

  if (entry->output == NULL) {
    entry->reason = g_strdup (error != NULL ? error->message :
        "the conversion failed");
    entry->code = error != NULL ? stream_error_for (error) :
        GST_STREAM_ERROR_FAILED;
    g_clear_error (&error);
  } else if (entry->output != input) {
    /* metas too: the GstTrialFrameMeta tells applications the frame's
     * number and source file after the conversion as well */
    gst_buffer_copy_into (entry->output, input, GST_BUFFER_COPY_FLAGS |
        GST_BUFFER_COPY_TIMESTAMPS | GST_BUFFER_COPY_META, 0, -1);
  }
}

static void
entry_clear (GstTrialOrderedItem * item)
{
  QueueEntry *entry = (QueueEntry *) item;

  gst_clear_buffer (&entry->output);
  g_free (entry->reason);
}

/* ---- pushing, in the src pad task ---- */

static void
gst_trial_convert_post_stats (GstTrialConvert * self, gint64 now,
    gint64 start)
{
  gdouble since_last;
  gdouble elapsed = (now - start) / (gdouble) G_USEC_PER_SEC;
  GstStructure *s;

  if (self->stats_time == 0)
    self->stats_time = start;
  since_last = (now - self->stats_time) / (gdouble) G_USEC_PER_SEC;
  s = gst_structure_new ("trial-stats",
      "frames", G_TYPE_UINT64, self->frames,
      "failed", G_TYPE_UINT64, self->failed,
      "fps", G_TYPE_DOUBLE, since_last > 0.0 ?
      (self->frames - self->stats_frames) / since_last : 0.0,
      "average-fps", G_TYPE_DOUBLE, elapsed > 0.0 ?
      self->frames / elapsed : 0.0,
      "elapsed", G_TYPE_UINT64, (GstClockTime) (now - start) * GST_USECOND,
      "n-threads", G_TYPE_INT,
      (gint) gst_trial_ordered_queue_get_pool_threads (self->queue),
      "stream", G_TYPE_STRING, self->stats_depth ? "depth" : "color", NULL);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
  self->stats_time = now;
  self->stats_frames = self->frames;
}

static void
gst_trial_convert_post_frame_warning (GstTrialConvert * self,
    QueueEntry * entry, gint64 frame)
{
  const gchar *stream =
      GST_TRIAL_CONVERTER_INPUT_IS_DEPTH (entry->params.input) ? "depth" :
      "color";

  gst_element_message_full_with_details (GST_ELEMENT (self),
      GST_MESSAGE_WARNING, GST_STREAM_ERROR, entry->code,
      g_strdup_printf ("frame %" G_GINT64_FORMAT ": %s", frame, entry->reason),
      g_strdup_printf ("%s frame %" G_GINT64_FORMAT " sent as a GAP buffer",
          stream, frame), __FILE__, GST_FUNCTION, __LINE__,
      gst_structure_new ("details", "frame", G_TYPE_INT64, frame,
          "stream", G_TYPE_STRING, stream,
          "reason", G_TYPE_STRING, entry->reason, NULL));
}

/* Raw video consumers (videoconvert, pngenc, glimagesink) cannot map an
 * empty buffer: a failed frame of raw video goes out the way GStreamer says
 * "no data here", a GAP event with the frame's timestamp and duration. The
 * event carries the frame number in the field "trial-frame" (gint64), so
 * trialsink still counts the frame as failed. Without a timestamp there is
 * nothing to announce and the frame is only counted. */
static GstFlowReturn
gst_trial_convert_push_gap_event (GstTrialConvert * self, GstBuffer * input,
    gint64 frame)
{
  GstClockTime duration = GST_BUFFER_DURATION (input);
  GstEvent *gap;

  if (!GST_BUFFER_PTS_IS_VALID (input)) {
    GST_DEBUG_OBJECT (self, "failed frame %" G_GINT64_FORMAT " has no "
        "timestamp, no GAP event", frame);
    return GST_FLOW_OK;
  }
  if (!GST_CLOCK_TIME_IS_VALID (duration)) {
    GST_OBJECT_LOCK (self);
    GST_TRIAL_TSAN_ACQUIRE (&self->frame_duration);
    duration = self->frame_duration;
    GST_OBJECT_UNLOCK (self);
  }
  gap = gst_event_new_gap (GST_BUFFER_PTS (input), duration);
  gst_structure_set (gst_event_writable_structure (gap), "trial-frame",
      G_TYPE_INT64, frame, NULL);
  GST_LOG_OBJECT (self, "frame %" G_GINT64_FORMAT " failed: GAP event", frame);
  if (!gst_pad_push_event (self->srcpad, gap))
    GST_DEBUG_OBJECT (self, "downstream refused the GAP event of frame %"
        G_GINT64_FORMAT, frame);
  return GST_FLOW_OK;
}

static GstFlowReturn
gst_trial_convert_push_buffer (GstTrialConvert * self, QueueEntry * entry,
    gint64 start)
{
  GstBuffer *input = entry->item.input;
  GstBuffer *output = g_steal_pointer (&entry->output);
  gint64 frame = GST_BUFFER_OFFSET_IS_VALID (input) ?
      (gint64) GST_BUFFER_OFFSET (input) : -1;
  gint64 now = g_get_monotonic_time ();
  guint interval;
  gint max_errors;

  GST_OBJECT_LOCK (self);
  interval = self->stats_interval;
  max_errors = self->max_errors;
  GST_OBJECT_UNLOCK (self);

  if (self->stats_time == 0)
    self->stats_time = start;
  self->stats_depth = GST_TRIAL_CONVERTER_INPUT_IS_DEPTH (entry->params.input);
  self->frames++;

  if (output == NULL) {
    self->failed++;
    if (entry->reason != NULL)
      gst_trial_convert_post_frame_warning (self, entry, frame);
    if (max_errors >= 0 && self->failed > (guint64) max_errors) {
      GST_ELEMENT_ERROR (self, STREAM, FAILED,
          ("%" G_GUINT64_FORMAT " frames failed, more than max-errors=%d",
              self->failed, max_errors),
          ("the last failed frame is %" G_GINT64_FORMAT, frame));
      return GST_FLOW_ERROR;
    }
    if (entry->params.output == GST_TRIAL_CONVERTER_OUTPUT_RAW)
      return gst_trial_convert_push_gap_event (self, input, frame);
    output = gst_buffer_new ();
    gst_buffer_copy_into (output, input,
        GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
    GST_BUFFER_FLAG_SET (output, GST_BUFFER_FLAG_GAP);
  }

  if (interval > 0 && now - self->stats_time >= interval * (gint64) 1000)
    gst_trial_convert_post_stats (self, now, start);

  GST_LOG_OBJECT (self, "pushing frame %" G_GINT64_FORMAT " (%" G_GSIZE_FORMAT
      " bytes)", frame, gst_buffer_get_size (output));
  return gst_pad_push (self->srcpad, output);
}

static GstFlowReturn
gst_trial_convert_push_entry (GstTrialOrderedItem * item, gint64 start,
    gpointer user_data)
{
  GstTrialConvert *self = user_data;
  GstEvent *event;

  if (item->input != NULL)
    return gst_trial_convert_push_buffer (self, (QueueEntry *) item, start);

  event = g_steal_pointer (&item->event);
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    gst_trial_convert_post_stats (self, g_get_monotonic_time (),
        start > 0 ? start : g_get_monotonic_time ());
    gst_pad_push_event (self->srcpad, event);
    return GST_FLOW_EOS;
  }
  /* A refused event shows up as a flow error of the next buffer. */
  if (!gst_pad_push_event (self->srcpad, event))
    GST_DEBUG_OBJECT (self, "downstream refused an event");
  return GST_FLOW_OK;
}

/* ---- sink pad: chain, events ---- */

/* Caps without depth-scale (not from trialsrc): the units of the stream
 * are decided once, on its first readable depth buffer, by the library's
 * rule (gst_trial_converter_params_decide_units). Runs in the streaming
 * thread, before the buffer's queue entry copies the parameters. */
static void
decide_units (GstTrialConvert * self, GstBuffer * buffer)
{
  GstTrialFrameMeta *meta = gst_buffer_get_trial_frame_meta (buffer);
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return;
  if (gst_trial_converter_params_decide_units (&self->params,
          meta != NULL ? meta->path : NULL, map.data, map.size, NULL))
    GST_DEBUG_OBJECT (self, "depth units: %g metres per unit for %s",
        self->params.depth_scale,
        gst_trial_dtype_to_string (self->params.scale_dtype));
  gst_buffer_unmap (buffer, &map);
}

static gboolean gst_trial_convert_set_caps (GstTrialConvert * self,
    GstCaps * incaps);

/* The width and height the file in @buffer states in its header (PNG IHDR,
 * JPEG SOF, BMP header, .npy shape), read as pngdec would. */
static gboolean
read_frame_size (const GstStructure * s, GstBuffer * buffer, guint * width,
    guint * height)
{
  const gchar *name = gst_structure_get_name (s);
  GstTrialPngHeader png = { 0 };
  GstTrialNpyInfo npy = { 0 };
  GstMapInfo map;
  gboolean ok = FALSE;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return FALSE;
  if (g_str_equal (name, "image/png")) {
    ok = gst_trial_png_read_header (map.data, map.size, &png, NULL);
    *width = png.width;
    *height = png.height;
  } else if (g_str_equal (name, "image/jpeg")) {
    ok = gst_trial_jpeg_read_size (map.data, map.size, width, height, NULL);
  } else if (g_str_equal (name, "image/bmp")) {
    ok = gst_trial_bmp_read_size (map.data, map.size, width, height, NULL);
  } else if (g_str_equal (name, "application/x-npy")) {
    ok = gst_trial_npy_parse (map.data, map.size, &npy, NULL);
    *width = npy.width;
    *height = npy.height;
  }
  gst_buffer_unmap (buffer, &map);
  return ok && *width > 0 && *height > 0;
}

/* Input caps without a size (multifilesrc caps=image/png): the first buffer
 * whose header can be read gives it, and only then is the output
 * negotiated; without any, the caps are negotiated as they are. */
static gboolean
send_held_events (GstTrialConvert * self)
{
  gboolean res = TRUE;

  while (!g_queue_is_empty (&self->held_events))
    res &= gst_trial_ordered_queue_push_event (self->queue,
        g_queue_pop_head (&self->held_events));
  return res;
}

/* @buffer: the first buffer, or NULL at EOS before any */
static gboolean
negotiate_sizeless (GstTrialConvert * self, GstBuffer * buffer)
{
  g_autoptr (GstCaps) caps = g_steal_pointer (&self->sizeless_caps);
  GstStructure *s;
  guint width = 0, height = 0;

  caps = gst_caps_make_writable (caps);
  s = gst_caps_get_structure (caps, 0);
  if (buffer != NULL && read_frame_size (s, buffer, &width, &height)) {
    GST_DEBUG_OBJECT (self, "size from the first frame's header: %ux%u",
        width, height);
    gst_structure_set (s, "width", G_TYPE_INT, (gint) width,
        "height", G_TYPE_INT, (gint) height, NULL);
  } else {
    GST_DEBUG_OBJECT (self, "the first frame's header gives no size");
  }
  return gst_trial_convert_set_caps (self, caps) && send_held_events (self);
}

static void
drop_held_events (GstTrialConvert * self)
{
  gst_caps_replace (&self->sizeless_caps, NULL);
  g_queue_clear_full (&self->held_events, (GDestroyNotify) gst_event_unref);
}

static GstFlowReturn
gst_trial_convert_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  GstTrialConvert *self = GST_TRIAL_CONVERT (parent);
  GstTrialConverterParams *params;
  QueueEntry *entry;

  (void) pad;

  if (self->sizeless_caps != NULL && !negotiate_sizeless (self, buffer)) {
    gst_buffer_unref (buffer);
    return GST_FLOW_NOT_NEGOTIATED;
  }

  if (!self->negotiated) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("a buffer arrived before any caps"));
    gst_buffer_unref (buffer);
    return GST_FLOW_NOT_NEGOTIATED;
  }

  if (GST_TRIAL_CONVERTER_INPUT_IS_DEPTH (self->params.input)
      && self->params.depth_scale <= 0.0
      && !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP))
    decide_units (self, buffer);

  entry = (QueueEntry *) gst_trial_ordered_queue_new_item (self->queue,
      buffer);
  params = &entry->params;
  *params = self->params;
  GST_OBJECT_LOCK (self);
  params->passthrough = self->color_mode == GST_TRIAL_CONVERT_COLOR_MODE_AUTO;
  params->verify = self->verify;
  params->compression_level = self->compression_level;
  params->colormap = self->colormap;
  params->depth_min = self->depth_min;
  params->depth_max = self->depth_max;
  GST_OBJECT_UNLOCK (self);

  return gst_trial_ordered_queue_push_buffer (self->queue, &entry->item);
}

static gboolean
structure_is_depth (const GstStructure * s)
{
  if (gst_structure_has_name (s, "image/png"))
    return gst_structure_has_field (s, "depth-scale");
  if (gst_structure_has_name (s, "application/x-npy"))
    return TRUE;
  if (gst_structure_has_name (s, "video/x-raw")) {
    GstCaps *gray16 = gst_static_caps_get (&gray16_caps);
    gboolean ok = gst_structure_can_intersect (s,
        gst_caps_get_structure (gray16, 0));

    gst_caps_unref (gray16);
    return ok;
  }
  return FALSE;
}

static gboolean
structure_is_color (const GstStructure * s)
{
  if (gst_structure_has_name (s, "video/x-raw")) {
    GstCaps *raw = gst_static_caps_get (&raw_color_caps);
    gboolean ok = gst_structure_can_intersect (s,
        gst_caps_get_structure (raw, 0));

    gst_caps_unref (raw);
    return ok;
  }
  return gst_structure_has_name (s, "image/jpeg")
      || gst_structure_has_name (s, "image/bmp")
      || (gst_structure_has_name (s, "image/png")
      && !gst_structure_has_field (s, "depth-scale"));
}

static void
copy_size_fields (GstStructure * to, const GstStructure * from)
{
  static const gchar *const names[] = { "width", "height", "framerate" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    const GValue *value = gst_structure_get_value (from, names[i]);

    if (value != NULL)
      gst_structure_set_value (to, names[i], value);
  }
}

/* Merges into @caps what an input described by @in can become, preferred
 * first. With @fixed, raw video is offered only when @in has width and
 * height. */
static GstCaps *
append_outputs (GstCaps * caps, const GstStructure * in, gboolean depth,
    gboolean fixed)
{
  GstStructure *s;
  GValue formats = G_VALUE_INIT;
  const gchar *const *names;
  static const gchar *const color_formats[] =
      { "RGB", "BGR", "RGBA", "GRAY8", NULL };
  /* colourised first: raw video is mostly for looking at */
  static const gchar *const depth_formats[] = { "RGB", "GRAY16_LE", NULL };

  s = gst_structure_new_empty (depth ? "application/x-npy" : "image/png");
  copy_size_fields (s, in);
  caps = gst_caps_merge_structure (caps, s);

  if (fixed && !(gst_structure_has_field (in, "width")
          && gst_structure_has_field (in, "height")))
    return caps;

  s = gst_structure_new_empty ("video/x-raw");
  g_value_init (&formats, GST_TYPE_LIST);
  for (names = depth ? depth_formats : color_formats; *names; names++) {
    GValue v = G_VALUE_INIT;

    g_value_init (&v, G_TYPE_STRING);
    g_value_set_static_string (&v, *names);
    gst_value_list_append_and_take_value (&formats, &v);
  }
  gst_structure_take_value (s, "format", &formats);
  copy_size_fields (s, in);
  gst_structure_set (s, "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  return gst_caps_merge_structure (caps, s);
}

static gboolean
parse_input_caps (const GstStructure * s, GstTrialConverterParams * p,
    GError ** error)
{
  gint width = 0, height = 0;
  gdouble scale = 0.0;
  gboolean has_scale, has_size;

  has_scale = gst_structure_get_double (s, "depth-scale", &scale);
  has_size = gst_structure_get_int (s, "width", &width)
      && gst_structure_get_int (s, "height", &height);
  return gst_trial_converter_params_set_input (p, gst_structure_get_name (s),
      gst_structure_get_string (s, "format"), has_scale, scale,
      gst_structure_get_string (s, "depth-scale-dtype"), has_size, width,
      height, error);
}

static gboolean
gst_trial_convert_set_caps (GstTrialConvert * self, GstCaps * incaps)
{
  const GstStructure *in = gst_caps_get_structure (incaps, 0);
  g_autoptr (GstCaps) candidates = NULL;
  g_autoptr (GstCaps) peer = NULL;
  GstCaps *outcaps;
  const GstStructure *out;
  GError *error = NULL;
  GstEvent *event;
  GstTrialConverterParams p;
  gint fps_n, fps_d;

  if (!parse_input_caps (in, &p, &error)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, ("%s", error->message),
        ("input caps %" GST_PTR_FORMAT, incaps));
    g_clear_error (&error);
    return FALSE;
  }

  /* Width and height are copied from the input caps: frames are not
   * resized, and only width/height-less raw video would be unfixed. */
  candidates = append_outputs (gst_caps_new_empty (), in,
      GST_TRIAL_CONVERTER_INPUT_IS_DEPTH (p.input), TRUE);
  peer = gst_pad_peer_query_caps (self->srcpad, candidates);
  outcaps = gst_caps_intersect_full (candidates, peer,
      GST_CAPS_INTERSECT_FIRST);
  if (gst_caps_is_empty (outcaps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Downstream accepts nothing a %s stream of %s can be converted to%s",
            GST_TRIAL_CONVERTER_INPUT_IS_DEPTH (p.input) ? "depth" : "color",
            gst_structure_get_name (in), p.width == 0 ?
            "; raw video output needs width and height in the input caps "
            "or the first frame's header" :
            ""),
        ("could offer %" GST_PTR_FORMAT ", downstream accepts %"
            GST_PTR_FORMAT, candidates, peer));
    gst_caps_unref (outcaps);
    return FALSE;
  }
  outcaps = gst_caps_fixate (outcaps);
  out = gst_caps_get_structure (outcaps, 0);
  if (gst_structure_has_name (out, "image/png")) {
    p.output = GST_TRIAL_CONVERTER_OUTPUT_PNG;
  } else if (gst_structure_has_name (out, "application/x-npy")) {
    p.output = GST_TRIAL_CONVERTER_OUTPUT_NPY;
  } else {
    p.output = GST_TRIAL_CONVERTER_OUTPUT_RAW;
    p.raw_format = pixel_format_for (gst_video_format_from_string
        (gst_structure_get_string (out, "format")));
  }
  GST_DEBUG_OBJECT (self, "converting %" GST_PTR_FORMAT " to %" GST_PTR_FORMAT,
      incaps, outcaps);

  self->params = p;
  self->negotiated = TRUE;
  GST_OBJECT_LOCK (self);
  self->frame_duration = gst_structure_get_fraction (in, "framerate", &fps_n,
      &fps_d) && fps_n > 0 && fps_d > 0 ?
      gst_util_uint64_scale_int (GST_SECOND, fps_d, fps_n) :
      GST_CLOCK_TIME_NONE;
  GST_TRIAL_TSAN_RELEASE (&self->frame_duration);
  GST_OBJECT_UNLOCK (self);
  event = gst_event_new_caps (outcaps);
  gst_caps_unref (outcaps);
  return gst_trial_ordered_queue_push_event (self->queue, event);
}

/* Whether downstream takes a PNG or .npy output, which needs no size:
 * then frames of any size are converted as they come. */
static gboolean
accepts_sizeless_output (GstTrialConvert * self, const GstStructure * in)
{
  GstTrialConverterParams p;
  g_autoptr (GstCaps) candidates = NULL;
  g_autoptr (GstCaps) peer = NULL;

  if (!parse_input_caps (in, &p, NULL))
    return TRUE;                /* set_caps says what is wrong */
  candidates = append_outputs (gst_caps_new_empty (), in,
      GST_TRIAL_CONVERTER_INPUT_IS_DEPTH (p.input), TRUE);
  peer = gst_pad_peer_query_caps (self->srcpad, candidates);
  return !gst_caps_is_empty (peer);
}

static gboolean
gst_trial_convert_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstTrialConvert *self = GST_TRIAL_CONVERT (parent);
  gboolean res;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_START:
      /* Unblocks a push downstream first, then our waiters. */
      res = gst_pad_push_event (self->srcpad, event);
      gst_trial_ordered_queue_flush_start (self->queue);
      return res;
    case GST_EVENT_FLUSH_STOP:
      res = gst_pad_push_event (self->srcpad, event);
      gst_trial_ordered_queue_flush_stop (self->queue);
      return res;
    case GST_EVENT_CAPS:{
      GstCaps *caps;
      const GstStructure *s;

      gst_event_parse_caps (event, &caps);
      s = gst_caps_get_structure (caps, 0);
      gst_caps_replace (&self->sizeless_caps, NULL);
      if (s != NULL && !gst_structure_has_field (s, "width")
          && !gst_structure_has_name (s, "video/x-raw")
          && !accepts_sizeless_output (self, s)) {
        self->sizeless_caps = gst_caps_ref (caps);
        self->negotiated = FALSE;
        res = TRUE;
      } else {
        res = gst_trial_convert_set_caps (self, caps)
            && send_held_events (self);
      }
      gst_event_unref (event);
      return res;
    }
    default:
      /* the segment must not overtake the caps not sent yet */
      if (self->sizeless_caps != NULL && GST_EVENT_IS_SERIALIZED (event)) {
        if (GST_EVENT_TYPE (event) != GST_EVENT_EOS) {
          g_queue_push_tail (&self->held_events, event);
          return TRUE;
        }
        negotiate_sizeless (self, NULL);
      }
      if (GST_EVENT_IS_SERIALIZED (event))
        return gst_trial_ordered_queue_push_event (self->queue, event);
      return gst_pad_event_default (pad, parent, event);
  }
}

/* ---- queries ---- */

static gboolean
gst_trial_convert_context_query (GstTrialConvert * self, GstQuery * query)
{
  const gchar *type;
  GstContext *context;

  if (!gst_query_parse_context_type (query, &type)
      || g_strcmp0 (type, GST_TRIAL_POOL_CONTEXT_TYPE) != 0)
    return FALSE;
  context = gst_element_get_context (GST_ELEMENT (self),
      GST_TRIAL_POOL_CONTEXT_TYPE);
  if (context == NULL)
    return FALSE;
  gst_query_set_context (query, context);
  gst_context_unref (context);
  return TRUE;
}

static GstCaps *
filter_caps (GstCaps * caps, GstCaps * filter)
{
  GstCaps *result;

  if (filter == NULL)
    return caps;
  result = gst_caps_intersect_full (filter, caps, GST_CAPS_INTERSECT_FIRST);
  gst_caps_unref (caps);
  return result;
}

/* What we can output: the outputs of every format upstream can give. */
static GstCaps *
gst_trial_convert_src_caps (GstTrialConvert * self, GstCaps * filter)
{
  GstCaps *templ = gst_pad_get_pad_template_caps (self->srcpad);
  GstCaps *upstream = gst_pad_peer_query_caps (self->sinkpad, NULL);
  GstCaps *caps;
  guint i;

  if (gst_caps_is_any (upstream)) {
    caps = gst_caps_ref (templ);
  } else {
    caps = gst_caps_new_empty ();
    for (i = 0; i < gst_caps_get_size (upstream); i++) {
      const GstStructure *s = gst_caps_get_structure (upstream, i);

      if (structure_is_depth (s))
        caps = append_outputs (caps, s, TRUE, FALSE);
      if (structure_is_color (s))
        caps = append_outputs (caps, s, FALSE, FALSE);
    }
    caps = filter_caps (caps, templ);
  }
  gst_caps_unref (upstream);
  gst_caps_unref (templ);
  return filter_caps (caps, filter);
}

/* What we can take: color inputs when downstream accepts a color output,
 * depth inputs when it accepts a depth output. */
static GstCaps *
gst_trial_convert_sink_caps (GstTrialConvert * self, GstCaps * filter)
{
  GstCaps *downstream = gst_pad_peer_query_caps (self->srcpad, NULL);
  GstCaps *caps, *outputs;

  if (gst_caps_is_any (downstream)) {
    caps = gst_pad_get_pad_template_caps (self->sinkpad);
  } else {
    caps = gst_caps_new_empty ();
    outputs = gst_static_caps_get (&color_output_caps);
    if (gst_caps_can_intersect (downstream, outputs))
      caps = gst_caps_merge (caps, gst_static_caps_get (&color_input_caps));
    gst_caps_unref (outputs);
    outputs = gst_static_caps_get (&depth_output_caps);
    if (gst_caps_can_intersect (downstream, outputs))
      caps = gst_caps_merge (caps, gst_static_caps_get (&depth_input_caps));
    gst_caps_unref (outputs);
  }
  gst_caps_unref (downstream);
  return filter_caps (caps, filter);
}

static gboolean
gst_trial_convert_sink_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  GstTrialConvert *self = GST_TRIAL_CONVERT (parent);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:{
      GstCaps *filter, *caps;

      gst_query_parse_caps (query, &filter);
      caps = gst_trial_convert_sink_caps (self, filter);
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    case GST_QUERY_ALLOCATION:
      /* We read input buffers and never hand them on unchanged except in
       * passthrough, so any system memory suits us: no pool, no metas. */
      return TRUE;
    case GST_QUERY_CONTEXT:
      if (gst_trial_convert_context_query (self, query))
        return TRUE;
      return gst_pad_query_default (pad, parent, query);
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* A frame can wait behind max-in-flight others: live sinks must allow
 * that much on top of what upstream needs. */
static gboolean
gst_trial_convert_latency_query (GstTrialConvert * self, GstQuery * query)
{
  GstClockTime min, max, duration, ours;
  gboolean live;
  guint max_in_flight;

  if (!gst_pad_peer_query (self->sinkpad, query))
    return FALSE;
  gst_query_parse_latency (query, &live, &min, &max);
  GST_OBJECT_LOCK (self);
  GST_TRIAL_TSAN_ACQUIRE (&self->frame_duration);
  duration = self->frame_duration;
  GST_OBJECT_UNLOCK (self);
  max_in_flight = gst_trial_ordered_queue_get_max_in_flight (self->queue);
  if (live && GST_CLOCK_TIME_IS_VALID (duration)) {
    ours = duration * max_in_flight;
    min += ours;
    if (GST_CLOCK_TIME_IS_VALID (max))
      max += ours;
    GST_DEBUG_OBJECT (self, "adding %" GST_TIME_FORMAT " of latency",
        GST_TIME_ARGS (ours));
    gst_query_set_latency (query, live, min, max);
  }
  return TRUE;
}

static gboolean
gst_trial_convert_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query)
{
  GstTrialConvert *self = GST_TRIAL_CONVERT (parent);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:{
      GstCaps *filter, *caps;

      gst_query_parse_caps (query, &filter);
      caps = gst_trial_convert_src_caps (self, filter);
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    case GST_QUERY_LATENCY:
      return gst_trial_convert_latency_query (self, query);
    case GST_QUERY_CONTEXT:
      if (gst_trial_convert_context_query (self, query))
        return TRUE;
      return gst_pad_query_default (pad, parent, query);
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* ---- activation and state ---- */

static gboolean
gst_trial_convert_src_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstTrialConvert *self = GST_TRIAL_CONVERT (parent);

  (void) pad;

  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;
  return gst_trial_ordered_queue_activate (self->queue, active);
}

static GstTrialPool *
pool_from_peer (GstTrialConvert * self, GstPad * pad)
{
  GstQuery *query = gst_query_new_context (GST_TRIAL_POOL_CONTEXT_TYPE);
  GstTrialPool *pool = NULL;
  GstContext *context = NULL;

  if (gst_pad_peer_query (pad, query)) {
    gst_query_parse_context (query, &context);
    if (context != NULL && (pool = gst_trial_pool_from_context (context)))
      gst_element_set_context (GST_ELEMENT (self), context);
  }
  gst_query_unref (query);
  return pool;
}

static GstTrialPool *
pool_from_own_context (GstTrialConvert * self)
{
  GstContext *context = gst_element_get_context (GST_ELEMENT (self),
      GST_TRIAL_POOL_CONTEXT_TYPE);
  GstTrialPool *pool;

  if (context == NULL)
    return NULL;
  pool = gst_trial_pool_from_context (context);
  gst_context_unref (context);
  return pool;
}

/* The GstContext dance: a pool set on us (by the application or a bin),
 * else one a peer has, else one the application or a bin hands us when
 * asked, else a new one that we announce so our siblings share it. */
static void
gst_trial_convert_find_pool (GstTrialConvert * self)
{
  GstTrialPool *pool = pool_from_own_context (self);
  GstContext *context;
  guint n_threads, max_in_flight;

  if (pool == NULL)
    pool = pool_from_peer (self, self->srcpad);
  if (pool == NULL)
    pool = pool_from_peer (self, self->sinkpad);
  if (pool == NULL) {
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_need_context (GST_OBJECT (self),
            GST_TRIAL_POOL_CONTEXT_TYPE));
    pool = pool_from_own_context (self);
  }

  GST_OBJECT_LOCK (self);
  n_threads = self->n_threads;
  max_in_flight = self->max_in_flight;
  GST_OBJECT_UNLOCK (self);

  if (pool == NULL) {
    pool = gst_trial_pool_new (n_threads);
    context = gst_trial_pool_context_new (pool);
    gst_element_set_context (GST_ELEMENT (self), context);
    GST_INFO_OBJECT (self, "created a pool of %u threads",
        gst_trial_pool_get_n_threads (pool));
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_have_context (GST_OBJECT (self), context));
  } else {
    GST_INFO_OBJECT (self, "sharing a pool of %u threads",
        gst_trial_pool_get_n_threads (pool));
  }

  /* enough to keep every thread busy while finished frames wait to be
   * pushed in order */
  gst_trial_ordered_queue_set_pool (self->queue, pool, max_in_flight > 0 ?
      max_in_flight : 2 * gst_trial_pool_get_n_threads (pool) + 2);
  gst_object_unref (pool);
}

static void
gst_trial_convert_reset (GstTrialConvert * self)
{
  self->negotiated = FALSE;
  drop_held_events (self);
  gst_trial_ordered_queue_reset (self->queue);
  self->frames = 0;
  self->failed = 0;
  self->stats_time = 0;
  self->stats_frames = 0;
  self->stats_depth = FALSE;
}

static GstStateChangeReturn
gst_trial_convert_change_state (GstElement * element,
    GstStateChange transition)
{
  GstTrialConvert *self = GST_TRIAL_CONVERT (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    gst_trial_convert_find_pool (self);
    gst_trial_convert_reset (self);
    if (self->buffers == NULL)
      self->buffers = gst_trial_buffers_new ();
  }

  ret = GST_ELEMENT_CLASS (gst_trial_convert_parent_class)->change_state
      (element, transition);

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    GstTrialPool *pool = gst_trial_ordered_queue_take_pool (self->queue);

    /* The pads are inactive and no pool job runs; the pool lives on in the
     * context for the next start. */
    gst_clear_object (&pool);
    g_clear_pointer (&self->buffers, gst_trial_buffers_free);
  }
  return ret;
}

/* ---- GObject ---- */

static void
gst_trial_convert_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTrialConvert *self = GST_TRIAL_CONVERT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_N_THREADS:
      self->n_threads = g_value_get_uint (value);
      break;
    case PROP_MAX_IN_FLIGHT:
      self->max_in_flight = g_value_get_uint (value);
      break;
    case PROP_COLOR_MODE:
      self->color_mode = g_value_get_enum (value);
      break;
    case PROP_VERIFY:
      self->verify = g_value_get_enum (value);
      break;
    case PROP_COMPRESSION_LEVEL:
      self->compression_level = g_value_get_int (value);
      break;
    case PROP_COLORMAP:
      self->colormap = g_value_get_enum (value);
      break;
    case PROP_DEPTH_MIN:
      self->depth_min = g_value_get_double (value);
      break;
    case PROP_DEPTH_MAX:
      self->depth_max = g_value_get_double (value);
      break;
    case PROP_STATS_INTERVAL:
      self->stats_interval = g_value_get_uint (value);
      break;
    case PROP_MAX_ERRORS:
      self->max_errors = g_value_get_int (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_trial_convert_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstTrialConvert *self = GST_TRIAL_CONVERT (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_N_THREADS:
      g_value_set_uint (value, self->n_threads);
      break;
    case PROP_MAX_IN_FLIGHT:
      g_value_set_uint (value, self->max_in_flight);
      break;
    case PROP_COLOR_MODE:
      g_value_set_enum (value, self->color_mode);
      break;
    case PROP_VERIFY:
      g_value_set_enum (value, self->verify);
      break;
    case PROP_COMPRESSION_LEVEL:
      g_value_set_int (value, self->compression_level);
      break;
    case PROP_COLORMAP:
      g_value_set_enum (value, self->colormap);
      break;
    case PROP_DEPTH_MIN:
      g_value_set_double (value, self->depth_min);
      break;
    case PROP_DEPTH_MAX:
      g_value_set_double (value, self->depth_max);
      break;
    case PROP_STATS_INTERVAL:
      g_value_set_uint (value, self->stats_interval);
      break;
    case PROP_MAX_ERRORS:
      g_value_set_int (value, self->max_errors);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_trial_convert_finalize (GObject * object)
{
  GstTrialConvert *self = GST_TRIAL_CONVERT (object);

  gst_trial_ordered_queue_free (self->queue);
  g_clear_pointer (&self->buffers, gst_trial_buffers_free);
  drop_held_events (self);

  G_OBJECT_CLASS (gst_trial_convert_parent_class)->finalize (object);
}

static void
gst_trial_convert_class_init (GstTrialConvertClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_trial_convert_set_property;
  gobject_class->get_property = gst_trial_convert_get_property;
  gobject_class->finalize = gst_trial_convert_finalize;
  element_class->change_state = gst_trial_convert_change_state;

  /* Pool threads report errors in GST_TRIAL_ERROR; G_DEFINE_QUARK sets its
   * static on first use, which two threads failing at once would race for. */
  g_quark_to_string (GST_TRIAL_ERROR);

  g_object_class_install_property (gobject_class, PROP_N_THREADS,
      g_param_spec_uint ("n-threads", "Threads",
          "Threads of the conversion pool (0 = number of processors); used "
          "only by the element that creates a pool shared through the "
          "gst-trial.pool context", 0, 1024, DEFAULT_N_THREADS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_MAX_IN_FLIGHT,
      g_param_spec_uint ("max-in-flight", "Max in flight",
          "Most frames queued or being converted at once (0 = twice the "
          "pool's threads plus 2)", 0, 4096, DEFAULT_MAX_IN_FLIGHT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_COLOR_MODE,
      g_param_spec_enum ("color-mode", "Color mode",
          "How color PNGs become PNGs: auto passes 8-bit RGB PNGs through "
          "after verifying them, reencode decodes and encodes every frame",
          GST_TYPE_TRIAL_CONVERT_COLOR_MODE, DEFAULT_COLOR_MODE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_VERIFY,
      g_param_spec_enum ("verify", "Verify",
          "What color-mode=auto checks before it passes a PNG through: "
          "data (the default) inflates the image data, so every PNG passed "
          "through decodes; chunks only checks CRC-32s, which finds files "
          "damaged after they were written but passes files an encoder "
          "wrote wrongly (cut-short zlib stream, bad filter byte, wrong "
          "amount of image data)",
          GST_TYPE_TRIAL_CONVERT_VERIFY, DEFAULT_VERIFY,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_COMPRESSION_LEVEL,
      g_param_spec_int ("compression-level", "Compression level",
          "Level of the PNGs we encode: 1-3 igzip (ISA-L, fast), 0 (none) and 4-9 zlib (9 = smallest)", 0, 9,
          DEFAULT_COMPRESSION_LEVEL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_COLORMAP,
      g_param_spec_enum ("colormap", "Colormap",
          "Colours of depth converted to RGB video",
          GST_TYPE_TRIAL_CONVERT_COLORMAP, DEFAULT_COLORMAP,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_DEPTH_MIN,
      g_param_spec_double ("depth-min", "Depth min",
          "Depth in metres shown as the first colour of the colormap", 0.0,
          G_MAXFLOAT, DEFAULT_DEPTH_MIN,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_DEPTH_MAX,
      g_param_spec_double ("depth-max", "Depth max",
          "Depth in metres shown as the last colour of the colormap", 0.0,
          G_MAXFLOAT, DEFAULT_DEPTH_MAX,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_STATS_INTERVAL,
      g_param_spec_uint ("stats-interval", "Stats interval",
          "Milliseconds between trial-stats messages (0 = only at EOS)", 0,
          G_MAXUINT, DEFAULT_STATS_INTERVAL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_MAX_ERRORS,
      g_param_spec_int ("max-errors", "Max errors",
          "Failed frames (GAP buffers in or out) tolerated before an error "
          "stops the stream (-1 = unlimited)", -1, G_MAXINT,
          DEFAULT_MAX_ERRORS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Trial frame converter", "Filter/Converter/Video",
      "Converts trial color and depth frames to PNG, .npy or raw video in a "
      "thread pool", "gst-trial");

  gst_type_mark_as_plugin_api (GST_TYPE_TRIAL_CONVERT_COLOR_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TRIAL_CONVERT_VERIFY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TRIAL_CONVERT_COLORMAP, 0);
}

static void
gst_trial_convert_init (GstTrialConvert * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad, gst_trial_convert_chain);
  gst_pad_set_event_function (self->sinkpad, gst_trial_convert_sink_event);
  gst_pad_set_query_function (self->sinkpad, gst_trial_convert_sink_query);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_activatemode_function (self->srcpad,
      gst_trial_convert_src_activate_mode);
  gst_pad_set_query_function (self->srcpad, gst_trial_convert_src_query);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->n_threads = DEFAULT_N_THREADS;
  self->max_in_flight = DEFAULT_MAX_IN_FLIGHT;
  self->color_mode = DEFAULT_COLOR_MODE;
  self->verify = DEFAULT_VERIFY;
  self->compression_level = DEFAULT_COMPRESSION_LEVEL;
  self->colormap = DEFAULT_COLORMAP;
  self->depth_min = DEFAULT_DEPTH_MIN;
  self->depth_max = DEFAULT_DEPTH_MAX;
  self->stats_interval = DEFAULT_STATS_INTERVAL;
  self->max_errors = DEFAULT_MAX_ERRORS;

  self->frame_duration = GST_CLOCK_TIME_NONE;
  self->queue = gst_trial_ordered_queue_new (GST_ELEMENT (self),
      self->srcpad, sizeof (QueueEntry), entry_convert,
      gst_trial_convert_push_entry, entry_clear, self);
}

