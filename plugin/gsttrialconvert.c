/* gst-trial: trialconvert, the element that converts color and depth frames
 * in a GLib thread pool and pushes them in input order.
 *
 * Owns: caps negotiation (what a frame becomes), the in-order job queue and
 * its src-pad task, flushing/EOS/state handling, failure reporting and the
 * trial-stats messages. The conversions themselves are libgsttrial calls;
 * the pool is GstTrialPool (gsttrialpool.c). */

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
 * a renegotiation. Raw video output needs width and height in the input
 * caps.
 *
 * A frame that cannot be converted comes out as an empty buffer flagged
 * GAP with the same offset and timestamps, and a warning message on the bus
 * (details: frame, stream, reason). GAP input buffers come out as GAP
 * without another warning. With max-errors set, more failed frames than
 * that is an error.
 *
 * The pool has n-threads threads. All trialconvert elements of a pipeline
 * share one pool through a GstContext of type "gst-trial.pool" (the first
 * one to start creates it with its n-threads), so a color and a depth
 * stream on N cores use N threads in all; an application can share one
 * pool between pipelines by setting that context on them before they start
 * (a context set later is used from the next start on). Each element keeps
 * at most max-in-flight frames queued or in conversion, so memory stays
 * flat for any trial length; live pipelines get that window of frames as
 * extra latency.
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

#include <string.h>
#include <gst/video/video.h>

#include "gst/trial/bmp.h"
#include "gst/trial/colormap.h"
#include "gst/trial/depth.h"
#include "gst/trial/error.h"
#include "gst/trial/framemeta.h"
#include "gst/trial/image.h"
#include "gst/trial/jpeg.h"
#include "gst/trial/layout.h"
#include "gst/trial/npy.h"
#include "gst/trial/png.h"
#include "gst/trial/raw.h"
#include "gsttrialbuffers.h"
#include "gsttrialconvert.h"
#include "gsttrialpool.h"
#include "gsttrialtsan.h"

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

/* PNG_COLOR_TYPE_RGB, as GstTrialPngHeader reports it */
#define PNG_COLOR_RGB 2

#define COLOR_INPUT_CAPS "image/png; image/jpeg; image/bmp"
#define DEPTH_INPUT_CAPS \
  "video/x-raw, format = (string) GRAY16_LE; application/x-npy; image/png"
#define COLOR_OUTPUT_CAPS \
  "image/png; video/x-raw, format = (string) { RGB, BGR, RGBA, GRAY8 }"
#define DEPTH_OUTPUT_CAPS \
  "application/x-npy; video/x-raw, format = (string) { RGB, GRAY16_LE }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("image/png; image/jpeg; image/bmp; "
        "video/x-raw, format = (string) GRAY16_LE; application/x-npy"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("image/png; application/x-npy; video/x-raw, "
        "format = (string) { RGB, BGR, RGBA, GRAY8, GRAY16_LE }"));

static GstStaticCaps color_input_caps = GST_STATIC_CAPS (COLOR_INPUT_CAPS);
static GstStaticCaps depth_input_caps = GST_STATIC_CAPS (DEPTH_INPUT_CAPS);
static GstStaticCaps color_output_caps = GST_STATIC_CAPS (COLOR_OUTPUT_CAPS);
static GstStaticCaps depth_output_caps = GST_STATIC_CAPS (DEPTH_OUTPUT_CAPS);
static GstStaticCaps gray16_caps =
GST_STATIC_CAPS ("video/x-raw, format = (string) GRAY16_LE");

typedef enum
{
  INPUT_PNG,
  INPUT_JPEG,
  INPUT_BMP,
  INPUT_DEPTH_RAW,
  INPUT_DEPTH_NPY,
  INPUT_DEPTH_PNG,
} InputKind;

#define INPUT_IS_DEPTH(kind) ((kind) >= INPUT_DEPTH_RAW)

typedef enum
{
  OUTPUT_PNG,
  OUTPUT_NPY,
  OUTPUT_RAW,
} OutputKind;

/* Everything a worker needs to convert one frame, copied into each job so
 * that caps and property changes never race with running conversions. */
typedef struct
{
  InputKind input;
  OutputKind output;
  GstVideoFormat raw_format;    /* OUTPUT_RAW */
  guint width;                  /* from the input caps, 0 = not given */
  guint height;
  gdouble depth_scale;          /* metres per unit; 0 = not decided yet */
  gboolean scale_forced;        /* depth_scale holds for every frame */
  GstTrialDtype scale_dtype;    /* else: the dtype it was decided on */
  GstTrialConvertColorMode color_mode;
  GstTrialPngVerify verify;
  gint compression_level;
  GstTrialColormap colormap;
  gfloat depth_min;
  gfloat depth_max;
} ConvertParams;

/* One entry of the in-order queue: a buffer to convert (or a GAP), or a
 * serialized event that must go out between the same buffers it came
 * between. */
typedef struct
{
  GstTrialPoolJob parent;
  GstTrialConvert *self;        /* no reference: the element waits for its
                                   running jobs before it stops */
  ConvertParams params;
  GstBuffer *input;
  GstEvent *event;

  /* written by the worker before it sets done */
  GstBuffer *output;            /* NULL: failed or GAP input */
  gchar *reason;                /* why the conversion failed */
  GstStreamError code;

  /* under self->lock */
  gboolean done;
  gboolean cancelled;           /* dropped by a flush while running: the
                                   worker frees it */
} Job;

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

  /* streaming thread only */
  ConvertParams params;
  gboolean negotiated;

  /* lock protects everything below up to the statistics */
  GMutex lock;
  GCond job_cond;               /* a job was queued or finished, or flushing */
  GCond space_cond;             /* the queue shrank, or flushing */
  GQueue jobs;                  /* of Job, in input order */
  guint running;                /* jobs handed to the pool, not finished */
  gboolean flushing;
  gboolean src_active;
  gboolean eos;                 /* EOS is queued or pushed */
  GstFlowReturn srcresult;      /* last downstream flow result */
  GstTrialPool *pool;
  guint pool_threads;
  guint window;                 /* most jobs queued at once */
  GHashTable *threads;          /* GThread * that ran our jobs */
  GstTrialBuffers *buffers;     /* memory of the outputs, from READY to
                                   PAUSED until PAUSED to READY */
  gint64 start_time;            /* monotonic µs of the first buffer or 0 */
  GstClockTime frame_duration;  /* from the input caps' framerate */

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
  PROP_THREADS_USED,
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
/* The pool type is registered with the element, so applications can
 * create a pool by type name once the plugin is loaded (gsttrialpool.h). */
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (trialconvert, "trialconvert",
    GST_RANK_NONE, GST_TYPE_TRIAL_CONVERT,
    g_type_ensure (GST_TYPE_TRIAL_POOL));

/* self->lock, with the edges ThreadSanitizer cannot see inside GLib */
static inline void
convert_lock (GstTrialConvert * self)
{
  g_mutex_lock (&self->lock);
  GST_TRIAL_TSAN_ACQUIRE (&self->lock);
}

static inline void
convert_unlock (GstTrialConvert * self)
{
  GST_TRIAL_TSAN_RELEASE (&self->lock);
  g_mutex_unlock (&self->lock);
}

static inline void
convert_wait (GstTrialConvert * self, GCond * cond)
{
  GST_TRIAL_TSAN_RELEASE (&self->lock);
  g_cond_wait (cond, &self->lock);
  GST_TRIAL_TSAN_ACQUIRE (&self->lock);
}

/* ---- conversions (run in pool threads; no element state touched) ---- */

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

static gboolean
check_size (const ConvertParams * p, guint width, guint height,
    GError ** error)
{
  if (p->width == 0 || (width == p->width && height == p->height))
    return TRUE;
  g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH,
      "%s frame is %ux%u pixels, expected %ux%u (the size in the caps)",
      INPUT_IS_DEPTH (p->input) ? "depth" : "color", width, height, p->width,
      p->height);
  return FALSE;
}

/* Takes @pixels (tightly packed rows) into a buffer with GStreamer's
 * default row stride for @format, copying only when the two differ. */
static GstBuffer *
wrap_raw (GstVideoFormat format, guint width, guint height, guint8 * pixels,
    GError ** error)
{
  GstVideoInfo info;
  GstBuffer *buffer;
  GstMapInfo map;
  gsize row, stride;
  guint y;

  if (!gst_video_info_set_format (&info, format, width, height)) {
    g_free (pixels);
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "a %ux%u %s video frame is too large", width, height,
        gst_video_format_to_string (format));
    return NULL;
  }
  row = (gsize) width * GST_VIDEO_INFO_COMP_PSTRIDE (&info, 0);
  stride = GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);
  if (stride == row)
    return gst_buffer_new_wrapped (pixels, row * height);

  buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  for (y = 0; y < height; y++) {
    memcpy (map.data + y * stride, pixels + y * row, row);
    memset (map.data + y * stride + row, 0, stride - row);
  }
  gst_buffer_unmap (buffer, &map);
  g_free (pixels);
  return buffer;
}

static GstTrialImage *
decode_color (InputKind input, const guint8 * data, gsize size,
    GstTrialPixelFormat format, GError ** error)
{
  switch (input) {
    case INPUT_JPEG:
      return gst_trial_jpeg_decode (data, size, format, error);
    case INPUT_BMP:
      return gst_trial_bmp_decode (data, size, format, error);
    default:
      return gst_trial_png_decode (data, size, format, error);
  }
}

static GstBuffer *
convert_color (const ConvertParams * p, GstBuffer * input,
    const guint8 * data, gsize size, GError ** error)
{
  g_autoptr (GstTrialImage) image = NULL;
  GstTrialPixelFormat format = GST_TRIAL_PIXEL_RGB8;
  GstBuffer *output;
  guint8 *pixels;

  if (p->input == INPUT_PNG && p->output == OUTPUT_PNG
      && p->color_mode == GST_TRIAL_CONVERT_COLOR_MODE_AUTO) {
    GstTrialPngHeader header;

    if (!gst_trial_png_read_header (data, size, &header, error))
      return NULL;
    /* Already what the output must be: verified bytes are identical
     * pixels, without a decode. Other PNGs are decoded below, which checks
     * them as it goes. */
    if (header.bit_depth == 8 && header.color_type == PNG_COLOR_RGB) {
      gsize png_size;

      if (!gst_trial_png_verify_prefix (data, size, p->verify, NULL,
              &png_size, error)
          || !check_size (p, header.width, header.height, error))
        return NULL;
      /* bytes after IEND are not part of the PNG: the decoder below does
       * not read them, so reencode drops them, and so does this */
      if (png_size < size)
        return gst_buffer_copy_region (input, GST_BUFFER_COPY_MEMORY, 0,
            png_size);
      return gst_buffer_ref (input);
    }
  }

  if (p->output == OUTPUT_RAW)
    format = pixel_format_for (p->raw_format);
  image = decode_color (p->input, data, size, format, error);
  if (image == NULL || !check_size (p, image->width, image->height, error))
    return NULL;

  if (p->output == OUTPUT_PNG) {
    GBytes *bytes = gst_trial_png_encode (image, p->compression_level, error);

    if (bytes == NULL)
      return NULL;
    output = gst_buffer_new_wrapped_bytes (bytes);
    g_bytes_unref (bytes);
    return output;
  }

  pixels = gst_trial_image_steal_data (image, NULL);
  return wrap_raw (p->raw_format, image->width, image->height, pixels, error);
}

static GstTrialDepthFormat
depth_format_for (InputKind input)
{
  switch (input) {
    case INPUT_DEPTH_NPY:
      return GST_TRIAL_DEPTH_NPY;
    case INPUT_DEPTH_PNG:
      return GST_TRIAL_DEPTH_PNG;
    default:
      return GST_TRIAL_DEPTH_RAW;
  }
}

/* The units of one depth frame, by the library's one rule: the trial's
 * scale for a frame of the dtype it was decided on, the frame's own rule
 * for another dtype (gst_trial_depth_frame_scale), never silently the
 * units of another dtype. */
static gboolean
depth_frame_scale (const ConvertParams * p, GstTrialDepthFormat format,
    const guint8 * data, gsize size, const gchar * name, gdouble * scale,
    GError ** error)
{
  if (p->scale_forced) {
    *scale = p->depth_scale;
    return TRUE;
  }
  if (p->depth_scale > 0.0)
    return gst_trial_depth_frame_scale (format, data, size, name,
        p->scale_dtype, p->depth_scale, scale, error);
  return gst_trial_depth_decide_scale (format, data, size, name, scale,
      error);
}

static GstBuffer *
convert_depth (const ConvertParams * p, GstTrialBuffers * buffers,
    GstBuffer * input, const guint8 * data, gsize size, const gchar * name,
    GError ** error)
{
  GstTrialDepthFormat format = depth_format_for (p->input);
  guint width = p->width, height = p->height;
  gdouble scale;
  gsize n, header;
  guint8 *mem;

  /* .raw has no header: its shape is the caps' (the conversion checks the
   * size); the others carry their shape, which must match the caps. */
  if (format != GST_TRIAL_DEPTH_RAW || width == 0) {
    if (!gst_trial_depth_probe_shape (format, data, size, name, &width,
            &height, error)
        || !check_size (p, width, height, error))
      return NULL;
  }
  if (!depth_frame_scale (p, format, data, size, name, &scale, error))
    return NULL;

  n = (gsize) width * height;
  if (n > GST_TRIAL_MAX_IMAGE_BYTES / sizeof (gfloat)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "depth frame of %ux%u pixels is larger than the limit of %u bytes "
        "as float32", width, height, GST_TRIAL_MAX_IMAGE_BYTES);
    return NULL;
  }

  if (p->output == OUTPUT_NPY) {
    GstBuffer *output;
    GstMapInfo map;
    gboolean ok;

    header = gst_trial_npy_f32_header_size (height, width);
    output = gst_trial_buffers_acquire (buffers, header + n * sizeof (gfloat));
    if (output == NULL || !gst_buffer_map (output, &map, GST_MAP_WRITE)) {
      gst_clear_buffer (&output);
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
          "no memory for the %" G_GSIZE_FORMAT " bytes of the .npy of %s",
          header + n * sizeof (gfloat), name);
      return NULL;
    }
    gst_trial_npy_write_f32_header (height, width, map.data);
    /* the header size is a multiple of 64, so the floats are aligned */
    ok = gst_trial_depth_to_f32 (format, data, size, name, width, height,
        scale, (gfloat *) (map.data + header), error);
    gst_buffer_unmap (output, &map);
    if (!ok)
      g_clear_pointer (&output, gst_buffer_unref);
    return output;
  }

  if (p->raw_format == GST_VIDEO_FORMAT_GRAY16_LE) {
    /* .raw millimetres already are the output when rows need no padding */
    if (format == GST_TRIAL_DEPTH_RAW && scale == 0.001
        && (width * 2) % 4 == 0) {
      if (!gst_trial_raw_check (size, width, height, name, error))
        return NULL;
      return gst_buffer_ref (input);
    }
    mem = g_malloc (n * sizeof (guint16));
    if (!gst_trial_depth_to_u16 (format, data, size, name, width, height,
            scale, (guint16 *) mem, error)) {
      g_free (mem);
      return NULL;
    }
    return wrap_raw (GST_VIDEO_FORMAT_GRAY16_LE, width, height, mem, error);
  } else {
    g_autofree gfloat *metres = g_new (gfloat, n);

    if (!gst_trial_depth_to_f32 (format, data, size, name, width, height,
            scale, metres, error))
      return NULL;
    mem = g_malloc (n * 3);
    gst_trial_colormap_apply (p->colormap, metres, n, p->depth_min,
        p->depth_max, mem);
    return wrap_raw (GST_VIDEO_FORMAT_RGB, width, height, mem, error);
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

/* Fills job->output, or job->reason and job->code when the frame fails. */
/* The input kind of one frame: its own file's, by the name trialsrc gave
 * (a JPEG among PNGs, an .npy among .raw files), else the caps'. */
static InputKind
frame_input (InputKind caps_input, const gchar * path)
{
  GstTrialColorFormat color;

  if (path == NULL)
    return caps_input;
  if (INPUT_IS_DEPTH (caps_input)) {
    switch (gst_trial_depth_format_from_name (path)) {
      case GST_TRIAL_DEPTH_RAW:
        return INPUT_DEPTH_RAW;
      case GST_TRIAL_DEPTH_NPY:
        return INPUT_DEPTH_NPY;
      case GST_TRIAL_DEPTH_PNG:
        return INPUT_DEPTH_PNG;
      case GST_TRIAL_DEPTH_NONE:
        return caps_input;
    }
  } else if (gst_trial_color_format_from_name (path, &color)) {
    switch (color) {
      case GST_TRIAL_COLOR_PNG:
        return INPUT_PNG;
      case GST_TRIAL_COLOR_JPEG:
        return INPUT_JPEG;
      case GST_TRIAL_COLOR_BMP:
        return INPUT_BMP;
    }
  }
  return caps_input;
}

static void
job_convert (Job * job)
{
  ConvertParams frame_params = job->params;
  const ConvertParams *p = &frame_params;
  GstTrialFrameMeta *meta = gst_buffer_get_trial_frame_meta (job->input);
  g_autofree gchar *name = NULL;
  GError *error = NULL;
  GstMapInfo map;

  /* messages name the file when trialsrc said which one it was (as UTF-8:
   * they end up in GstStructure strings) */
  if (meta != NULL && meta->path == NULL)
    meta = NULL;
  frame_params.input = frame_input (p->input, meta ? meta->path : NULL);
  name = meta != NULL ? g_filename_display_name (meta->path) :
      g_strdup_printf ("frame %" G_GUINT64_FORMAT,
      GST_BUFFER_OFFSET (job->input));

  if (!gst_buffer_map (job->input, &map, GST_MAP_READ)) {
    g_set_error_literal (&error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "the input buffer cannot be read");
  } else {
    if (INPUT_IS_DEPTH (p->input))
      job->output = convert_depth (p, job->self->buffers, job->input,
          map.data, map.size, name, &error);
    else if ((job->output = convert_color (p, job->input, map.data,
                map.size, &error)) == NULL && meta != NULL && error != NULL)
      g_prefix_error (&error, "color file '%s': ", name);
    gst_buffer_unmap (job->input, &map);
  }

  if (job->output == NULL) {
    job->reason = g_strdup (error != NULL ? error->message :
        "the conversion failed");
    job->code = error != NULL ? stream_error_for (error) :
        GST_STREAM_ERROR_FAILED;
    g_clear_error (&error);
  } else if (job->output != job->input) {
    gst_buffer_copy_into (job->output, job->input,
        GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
  }
}

static void job_free (Job * job);

static void
gst_trial_convert_job_run (GstTrialPoolJob * pool_job)
{
  Job *job = (Job *) pool_job;
  GstTrialConvert *self = job->self;
  gboolean cancelled, converted;

  /* a flush or a stop may have dropped it while it waited in the pool */
  convert_lock (self);
  converted = !job->cancelled;
  convert_unlock (self);
  if (converted)
    job_convert (job);

  convert_lock (self);
  if (converted)
    g_hash_table_add (self->threads, g_thread_self ());
  self->running--;
  cancelled = job->cancelled;
  job->done = TRUE;
  g_cond_broadcast (&self->job_cond);
  convert_unlock (self);

  if (cancelled)
    job_free (job);
}

/* ---- jobs and the in-order queue ---- */

static Job *
job_new (GstTrialConvert * self)
{
  Job *job = g_new0 (Job, 1);

  job->parent.func = gst_trial_convert_job_run;
  job->self = self;
  return job;
}

static void
job_free (Job * job)
{
  gst_clear_buffer (&job->input);
  gst_clear_buffer (&job->output);
  gst_clear_event (&job->event);
  g_free (job->reason);
  g_free (job);
}

/* Empties the queue. Finished jobs are freed; running ones are marked so
 * that their worker frees them and their result never comes out. With
 * @keep_sticky, sticky events that were not pushed yet (caps, tags,
 * stream-start) are stored on the src pad so they still go out before the
 * next buffer, as gstqueue does. */
static void
drop_jobs_locked (GstTrialConvert * self, gboolean keep_sticky)
{
  Job *job;

  while ((job = g_queue_pop_head (&self->jobs)) != NULL) {
    if (keep_sticky && job->event != NULL && GST_EVENT_IS_STICKY (job->event)
        && GST_EVENT_TYPE (job->event) != GST_EVENT_SEGMENT
        && GST_EVENT_TYPE (job->event) != GST_EVENT_EOS)
      gst_pad_store_sticky_event (self->srcpad, job->event);
    if (job->done)
      job_free (job);
    else
      job->cancelled = TRUE;
  }
  g_cond_broadcast (&self->space_cond);
}

static gboolean
head_ready_locked (GstTrialConvert * self)
{
  Job *head = g_queue_peek_head (&self->jobs);

  return self->srcresult == GST_FLOW_OK && head != NULL && head->done;
}

/* ---- the src pad task: pushes finished jobs in input order ---- */

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
      "n-threads", G_TYPE_INT, (gint) self->pool_threads,
      "stream", G_TYPE_STRING, self->stats_depth ? "depth" : "color", NULL);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
  self->stats_time = now;
  self->stats_frames = self->frames;
}

static void
gst_trial_convert_post_frame_warning (GstTrialConvert * self, Job * job,
    gint64 frame)
{
  const gchar *stream = INPUT_IS_DEPTH (job->params.input) ? "depth" :
      "color";

  gst_element_message_full_with_details (GST_ELEMENT (self),
      GST_MESSAGE_WARNING, GST_STREAM_ERROR, job->code,
      g_strdup_printf ("frame %" G_GINT64_FORMAT ": %s", frame, job->reason),
      g_strdup_printf ("%s frame %" G_GINT64_FORMAT " sent as a GAP buffer",
          stream, frame), __FILE__, GST_FUNCTION, __LINE__,
      gst_structure_new ("details", "frame", G_TYPE_INT64, frame,
          "stream", G_TYPE_STRING, stream,
          "reason", G_TYPE_STRING, job->reason, NULL));
}

static GstFlowReturn
gst_trial_convert_push_buffer (GstTrialConvert * self, Job * job,
    gint64 start)
{
  GstBuffer *output = g_steal_pointer (&job->output);
  gint64 frame = GST_BUFFER_OFFSET_IS_VALID (job->input) ?
      (gint64) GST_BUFFER_OFFSET (job->input) : -1;
  gint64 now = g_get_monotonic_time ();
  guint interval;
  gint max_errors;

  GST_OBJECT_LOCK (self);
  interval = self->stats_interval;
  max_errors = self->max_errors;
  GST_OBJECT_UNLOCK (self);

  if (self->stats_time == 0)
    self->stats_time = start;
  self->stats_depth = INPUT_IS_DEPTH (job->params.input);
  self->frames++;

  if (output == NULL) {
    self->failed++;
    if (job->reason != NULL)
      gst_trial_convert_post_frame_warning (self, job, frame);
    if (max_errors >= 0 && self->failed > (guint64) max_errors) {
      GST_ELEMENT_ERROR (self, STREAM, FAILED,
          ("%" G_GUINT64_FORMAT " frames failed, more than max-errors=%d",
              self->failed, max_errors),
          ("the last failed frame is %" G_GINT64_FORMAT, frame));
      return GST_FLOW_ERROR;
    }
    output = gst_buffer_new ();
    gst_buffer_copy_into (output, job->input,
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
gst_trial_convert_push_job (GstTrialConvert * self, Job * job, gint64 start)
{
  GstEvent *event;

  if (job->input != NULL)
    return gst_trial_convert_push_buffer (self, job, start);

  event = g_steal_pointer (&job->event);
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

static void
gst_trial_convert_loop_once (GstTrialConvert * self)
{
  GstFlowReturn ret;
  gboolean post_error;
  gint64 start;
  Job *job;

  convert_lock (self);
  while (!self->flushing && !head_ready_locked (self))
    convert_wait (self, &self->job_cond);
  if (self->flushing) {
    convert_unlock (self);
    gst_pad_pause_task (self->srcpad);
    return;
  }
  job = g_queue_pop_head (&self->jobs);
  start = self->start_time;
  g_cond_broadcast (&self->space_cond);
  convert_unlock (self);

  ret = gst_trial_convert_push_job (self, job, start);
  job_free (job);
  if (ret == GST_FLOW_OK)
    return;

  convert_lock (self);
  /* FLUSHING while we flush is ours; the flush resets everything. */
  if (self->flushing) {
    convert_unlock (self);
    return;
  }
  GST_DEBUG_OBJECT (self, "downstream returned %s", gst_flow_get_name (ret));
  self->srcresult = ret;
  g_cond_broadcast (&self->space_cond);
  /* Upstream learns about the flow from chain() and reports it; after EOS
   * nothing comes from upstream any more, so report it ourselves. */
  post_error = self->eos && (ret == GST_FLOW_NOT_LINKED
      || ret < GST_FLOW_EOS);
  convert_unlock (self);

  if (post_error) {
    GST_ELEMENT_FLOW_ERROR (self, ret);
    gst_pad_push_event (self->srcpad, gst_event_new_eos ());
  }
}

static void
gst_trial_convert_loop (gpointer user_data)
{
  GstTrialConvert *self = user_data;

  gst_trial_convert_loop_once (self);
  /* GstTask joins this thread with GLib primitives ThreadSanitizer cannot
   * see; the deactivation that stops the task acquires this */
  GST_TRIAL_TSAN_RELEASE (&self->srcpad);
}

/* ---- sink pad: chain, events ---- */

/* Caps without depth-scale (not from trialsrc): the units of the stream
 * are decided once, on its first readable depth buffer, by the rule
 * trialsrc applies to a trial's first depth file. Runs in the streaming
 * thread, before the buffer's job copies the parameters. */
static void
decide_units (GstTrialConvert * self, GstBuffer * buffer)
{
  GstTrialFrameMeta *meta = gst_buffer_get_trial_frame_meta (buffer);
  const gchar *path = meta != NULL ? meta->path : NULL;
  InputKind input = frame_input (self->params.input, path);
  GstTrialDepthFormat format = depth_format_for (input);
  gdouble scale;
  GstTrialDtype dtype;
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return;
  if (gst_trial_depth_decide_scale (format, map.data, map.size, "",
          &scale, NULL)
      && gst_trial_depth_probe_dtype (format, map.data, map.size, "",
          &dtype, NULL)) {
    GST_DEBUG_OBJECT (self, "depth units: %g metres per unit for %s",
        scale, gst_trial_dtype_to_string (dtype));
    self->params.depth_scale = scale;
    self->params.scale_dtype = dtype;
  }
  gst_buffer_unmap (buffer, &map);
}

static GstFlowReturn
gst_trial_convert_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  GstTrialConvert *self = GST_TRIAL_CONVERT (parent);
  GstFlowReturn ret;
  gboolean gap;
  Job *job;

  (void) pad;

  if (!self->negotiated) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("a buffer arrived before any caps"));
    gst_buffer_unref (buffer);
    return GST_FLOW_NOT_NEGOTIATED;
  }

  if (INPUT_IS_DEPTH (self->params.input) && self->params.depth_scale <= 0.0
      && !GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP))
    decide_units (self, buffer);

  job = job_new (self);
  job->params = self->params;
  GST_OBJECT_LOCK (self);
  job->params.color_mode = self->color_mode;
  job->params.verify = self->verify;
  job->params.compression_level = self->compression_level;
  job->params.colormap = self->colormap;
  job->params.depth_min = self->depth_min;
  job->params.depth_max = self->depth_max;
  GST_OBJECT_UNLOCK (self);
  job->input = buffer;
  gap = GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_GAP);

  convert_lock (self);
  if (self->flushing || self->srcresult != GST_FLOW_OK || self->eos) {
    ret = self->flushing ? GST_FLOW_FLUSHING :
        self->srcresult != GST_FLOW_OK ? self->srcresult : GST_FLOW_EOS;
    convert_unlock (self);
    GST_DEBUG_OBJECT (self, "refusing buffer: %s", gst_flow_get_name (ret));
    job_free (job);
    return ret;
  }

  if (self->start_time == 0)
    self->start_time = g_get_monotonic_time ();
  g_queue_push_tail (&self->jobs, job);
  if (gap) {
    job->done = TRUE;
    g_cond_broadcast (&self->job_cond);
  } else {
    self->running++;
    gst_trial_pool_push (self->pool, &job->parent);
  }

  while (!self->flushing && self->srcresult == GST_FLOW_OK
      && self->jobs.length >= self->window)
    convert_wait (self, &self->space_cond);
  ret = self->flushing ? GST_FLOW_FLUSHING : self->srcresult;
  convert_unlock (self);

  return ret;
}

/* Queues a serialized event behind the buffers before it (the same rules
 * for a failed downstream as gstqueue). */
static gboolean
gst_trial_convert_queue_event (GstTrialConvert * self, GstEvent * event)
{
  GstEventType type = GST_EVENT_TYPE (event);
  gboolean post_error = FALSE;
  Job *job;

  convert_lock (self);
  if (self->flushing)
    goto refuse;

  /* STREAM_START and SEGMENT start data flow again after an EOS. */
  if ((type == GST_EVENT_STREAM_START || type == GST_EVENT_SEGMENT)
      && self->srcresult == GST_FLOW_EOS) {
    self->srcresult = GST_FLOW_OK;
    self->eos = FALSE;
  }
  if (self->srcresult != GST_FLOW_OK) {
    /* Sticky events wait in the queue for a flush; EOS tells the
     * application, since nobody upstream will. */
    if (type == GST_EVENT_EOS) {
      post_error = self->srcresult == GST_FLOW_NOT_LINKED
          || self->srcresult < GST_FLOW_EOS;
      goto refuse;
    }
    if (!GST_EVENT_IS_STICKY (event))
      goto refuse;
  }

  if (type == GST_EVENT_EOS)
    self->eos = TRUE;
  job = job_new (self);
  job->event = event;
  job->done = TRUE;
  g_queue_push_tail (&self->jobs, job);
  g_cond_broadcast (&self->job_cond);
  convert_unlock (self);
  return TRUE;

refuse:
  {
    GstFlowReturn ret = self->flushing ? GST_FLOW_FLUSHING : self->srcresult;

    convert_unlock (self);
    GST_DEBUG_OBJECT (self, "refusing %s event: %s",
        GST_EVENT_TYPE_NAME (event), gst_flow_get_name (ret));
    if (post_error)
      GST_ELEMENT_FLOW_ERROR (self, ret);
    gst_event_unref (event);
    return FALSE;
  }
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
parse_input_caps (const GstStructure * s, ConvertParams * p, GError ** error)
{
  gint width = 0, height = 0;
  gboolean has_scale;
  const gchar *dtype;

  memset (p, 0, sizeof (*p));
  has_scale = gst_structure_get_double (s, "depth-scale", &p->depth_scale);
  if (gst_structure_has_name (s, "image/png"))
    p->input = has_scale ? INPUT_DEPTH_PNG : INPUT_PNG;
  else if (gst_structure_has_name (s, "image/jpeg"))
    p->input = INPUT_JPEG;
  else if (gst_structure_has_name (s, "image/bmp"))
    p->input = INPUT_BMP;
  else if (gst_structure_has_name (s, "application/x-npy"))
    p->input = INPUT_DEPTH_NPY;
  else if (gst_structure_has_name (s, "video/x-raw")
      && g_strcmp0 (gst_structure_get_string (s, "format"), "GRAY16_LE") == 0)
    p->input = INPUT_DEPTH_RAW;
  else {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "input %s is not a color or depth frame format",
        gst_structure_get_name (s));
    return FALSE;
  }

  if (has_scale && !(p->depth_scale > 0.0 && p->depth_scale < G_MAXFLOAT)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "depth-scale %g in the input caps is not a positive number of "
        "metres per unit", p->depth_scale);
    return FALSE;
  }
  /* depth-scale alone holds for every frame; with depth-scale-dtype (from
   * trialsrc) only for frames of that dtype. Without either the first
   * depth buffer decides (decide_units). */
  dtype = gst_structure_get_string (s, "depth-scale-dtype");
  if (has_scale && dtype != NULL
      && !gst_trial_dtype_from_string (dtype, &p->scale_dtype)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "depth-scale-dtype '%s' in the input caps is not a dtype this "
        "element reads", dtype);
    return FALSE;
  }
  p->scale_forced = has_scale && dtype == NULL;

  if (gst_structure_get_int (s, "width", &width)
      && gst_structure_get_int (s, "height", &height)) {
    if (width <= 0 || height <= 0 || width > GST_TRIAL_MAX_DIMENSION
        || height > GST_TRIAL_MAX_DIMENSION) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
          "input size %dx%d is not between 1 and %d pixels per side", width,
          height, GST_TRIAL_MAX_DIMENSION);
      return FALSE;
    }
    p->width = width;
    p->height = height;
  }
  return TRUE;
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
  ConvertParams p;
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
      INPUT_IS_DEPTH (p.input), TRUE);
  peer = gst_pad_peer_query_caps (self->srcpad, candidates);
  outcaps = gst_caps_intersect_full (candidates, peer,
      GST_CAPS_INTERSECT_FIRST);
  if (gst_caps_is_empty (outcaps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Downstream accepts nothing a %s stream of %s can be converted to%s",
            INPUT_IS_DEPTH (p.input) ? "depth" : "color",
            gst_structure_get_name (in), p.width == 0 ?
            "; raw video output needs width and height in the input caps" :
            ""),
        ("could offer %" GST_PTR_FORMAT ", downstream accepts %"
            GST_PTR_FORMAT, candidates, peer));
    gst_caps_unref (outcaps);
    return FALSE;
  }
  outcaps = gst_caps_fixate (outcaps);
  out = gst_caps_get_structure (outcaps, 0);
  if (gst_structure_has_name (out, "image/png")) {
    p.output = OUTPUT_PNG;
  } else if (gst_structure_has_name (out, "application/x-npy")) {
    p.output = OUTPUT_NPY;
  } else {
    p.output = OUTPUT_RAW;
    p.raw_format = gst_video_format_from_string (gst_structure_get_string
        (out, "format"));
  }
  GST_DEBUG_OBJECT (self, "converting %" GST_PTR_FORMAT " to %" GST_PTR_FORMAT,
      incaps, outcaps);

  self->params = p;
  self->negotiated = TRUE;
  convert_lock (self);
  self->frame_duration = gst_structure_get_fraction (in, "framerate", &fps_n,
      &fps_d) && fps_n > 0 && fps_d > 0 ?
      gst_util_uint64_scale_int (GST_SECOND, fps_d, fps_n) :
      GST_CLOCK_TIME_NONE;
  convert_unlock (self);
  event = gst_event_new_caps (outcaps);
  gst_caps_unref (outcaps);
  return gst_trial_convert_queue_event (self, event);
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
      convert_lock (self);
      self->flushing = TRUE;
      g_cond_broadcast (&self->job_cond);
      g_cond_broadcast (&self->space_cond);
      convert_unlock (self);
      gst_pad_pause_task (self->srcpad);
      return res;
    case GST_EVENT_FLUSH_STOP:
      res = gst_pad_push_event (self->srcpad, event);
      convert_lock (self);
      drop_jobs_locked (self, TRUE);
      self->eos = FALSE;
      self->srcresult = GST_FLOW_OK;
      if (self->src_active) {
        self->flushing = FALSE;
        gst_pad_start_task (self->srcpad, gst_trial_convert_loop, self, NULL);
      }
      convert_unlock (self);
      return res;
    case GST_EVENT_CAPS:{
      GstCaps *caps;

      gst_event_parse_caps (event, &caps);
      res = gst_trial_convert_set_caps (self, caps);
      gst_event_unref (event);
      return res;
    }
    default:
      if (GST_EVENT_IS_SERIALIZED (event))
        return gst_trial_convert_queue_event (self, event);
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

/* A frame can wait behind a whole window of others: live sinks must allow
 * that much on top of what upstream needs. */
static gboolean
gst_trial_convert_latency_query (GstTrialConvert * self, GstQuery * query)
{
  GstClockTime min, max, duration, ours;
  gboolean live;
  guint window;

  if (!gst_pad_peer_query (self->sinkpad, query))
    return FALSE;
  gst_query_parse_latency (query, &live, &min, &max);
  convert_lock (self);
  duration = self->frame_duration;
  window = self->window;
  convert_unlock (self);
  if (live && GST_CLOCK_TIME_IS_VALID (duration)) {
    ours = duration * window;
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
  gboolean res;

  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;

  if (active) {
    convert_lock (self);
    self->flushing = FALSE;
    self->src_active = TRUE;
    self->srcresult = GST_FLOW_OK;
    self->eos = FALSE;
    convert_unlock (self);
    return gst_pad_start_task (pad, gst_trial_convert_loop, self, NULL);
  }

  convert_lock (self);
  self->flushing = TRUE;
  self->src_active = FALSE;
  g_cond_broadcast (&self->job_cond);
  g_cond_broadcast (&self->space_cond);
  convert_unlock (self);

  res = gst_pad_stop_task (pad);
  GST_TRIAL_TSAN_ACQUIRE (&self->srcpad);

  /* Jobs still in the pool are cancelled (their workers skip the work and
   * free them); a worker must never find its job freed, so wait for them. */
  convert_lock (self);
  drop_jobs_locked (self, FALSE);
  while (self->running > 0)
    convert_wait (self, &self->job_cond);
  convert_unlock (self);
  return res;
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

  convert_lock (self);
  gst_object_replace ((GstObject **) & self->pool, GST_OBJECT (pool));
  self->pool_threads = gst_trial_pool_get_n_threads (pool);
  /* enough to keep every thread busy while finished frames wait to be
   * pushed in order */
  self->window = max_in_flight > 0 ? max_in_flight :
      2 * self->pool_threads + 2;
  convert_unlock (self);
  gst_object_unref (pool);
}

static void
gst_trial_convert_reset (GstTrialConvert * self)
{
  self->negotiated = FALSE;
  convert_lock (self);
  g_hash_table_remove_all (self->threads);
  self->start_time = 0;
  convert_unlock (self);
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
    GstTrialPool *pool;

    /* The pads are inactive and no job runs; the pool lives on in the
     * context for the next start. */
    convert_lock (self);
    pool = g_steal_pointer (&self->pool);
    convert_unlock (self);
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

  if (prop_id == PROP_THREADS_USED) {
    convert_lock (self);
    g_value_set_uint (value, g_hash_table_size (self->threads));
    convert_unlock (self);
    return;
  }

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

  /* Deactivation emptied the queue and waited for every job. */
  gst_clear_object (&self->pool);
  g_clear_pointer (&self->buffers, gst_trial_buffers_free);
  g_hash_table_unref (self->threads);
  g_cond_clear (&self->space_cond);
  g_cond_clear (&self->job_cond);
  g_mutex_clear (&self->lock);

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
          "zlib level of the PNGs we encode (0 = none, 9 = smallest)", 0, 9,
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
  g_object_class_install_property (gobject_class, PROP_THREADS_USED,
      g_param_spec_uint ("threads-used", "Threads used",
          "Distinct pool threads that converted frames of this element since "
          "it started", 0, G_MAXUINT, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Trial frame converter", "Filter/Converter/Video",
      "Converts the color frames of a trial to 8-bit RGB PNG (passing "
      "verified 8-bit RGB PNGs through) or raw video, and its depth frames "
      "to float32-metre .npy files, GRAY16_LE millimetres or colourised RGB "
      "video, in a thread pool shared by all trialconverts of a pipeline, "
      "in input order; failed frames become GAP buffers with a warning. "
      "Example: gst-launch-1.0 trialsrc location=trial_1 name=s s.color ! "
      "trialconvert ! trialsink location=out/color/frame_%06d.png s.depth ! "
      "trialconvert ! trialsink location=out/depth/frame_%06d.npy",
      "gst-trial");

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

  g_mutex_init (&self->lock);
  g_cond_init (&self->job_cond);
  g_cond_init (&self->space_cond);
  g_queue_init (&self->jobs);
  self->flushing = TRUE;
  self->srcresult = GST_FLOW_FLUSHING;
  self->threads = g_hash_table_new (NULL, NULL);
  self->frame_duration = GST_CLOCK_TIME_NONE;
}
