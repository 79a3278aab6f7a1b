/* gst-trial: converting one color or depth frame from the bytes of its file
 * to what a trial's output needs, without GStreamer.
 *
 * Owns the conversion rules trialconvert applies (gst/trial/converter.c):
 * what a stream's media type and caps fields mean (input kind, size,
 * depth units), each frame read as its own file says, the passthrough rule
 * for PNGs that already are 8-bit RGB, the depth-unit decision for streams
 * whose caps do not carry one, and the conversion itself (decode, check the
 * size, encode PNG / write .npy / raw pixels in GStreamer's row stride).
 * Reentrant: one GstTrialConverterParams may convert frames in many threads
 * at once. */
#pragma once

#include <glib.h>
#include "gst/trial/colormap.h"
#include "gst/trial/image.h"
#include "gst/trial/npy.h"
#include "gst/trial/pngverify.h"

G_BEGIN_DECLS

typedef enum
{
  GST_TRIAL_CONVERTER_INPUT_PNG,
  GST_TRIAL_CONVERTER_INPUT_JPEG,
  GST_TRIAL_CONVERTER_INPUT_BMP,
  GST_TRIAL_CONVERTER_INPUT_DEPTH_RAW,
  GST_TRIAL_CONVERTER_INPUT_DEPTH_NPY,
  GST_TRIAL_CONVERTER_INPUT_DEPTH_PNG,
  GST_TRIAL_CONVERTER_INPUT_RAW_COLOR,  /* video/x-raw (rsbagdemux) */
} GstTrialConverterInput;

#define GST_TRIAL_CONVERTER_INPUT_IS_DEPTH(input) \
  ((input) >= GST_TRIAL_CONVERTER_INPUT_DEPTH_RAW \
      && (input) <= GST_TRIAL_CONVERTER_INPUT_DEPTH_PNG)

/* The pixel layouts of raw color input, rows at GStreamer's default stride
 * (width x bytes per pixel rounded up to 4). UYVY and YUY2 are YUV 4:2:2
 * (RealSense's yuv422 and YUYV), converted to RGB with BT.601
 * limited-range coefficients. */
typedef enum
{
  GST_TRIAL_RAW_COLOR_RGB,
  GST_TRIAL_RAW_COLOR_BGR,
  GST_TRIAL_RAW_COLOR_RGBA,
  GST_TRIAL_RAW_COLOR_BGRA,
  GST_TRIAL_RAW_COLOR_UYVY,
  GST_TRIAL_RAW_COLOR_YUY2,
} GstTrialRawColor;

typedef enum
{
  GST_TRIAL_CONVERTER_OUTPUT_PNG,       /* color: 8-bit RGB PNG file */
  GST_TRIAL_CONVERTER_OUTPUT_NPY,       /* depth: float32 metres .npy file */
  GST_TRIAL_CONVERTER_OUTPUT_RAW,       /* pixels in raw_format */
} GstTrialConverterOutput;

/* Everything one frame's conversion depends on. A plain value: copy it
 * into each frame's work so that later changes never race with it. */
typedef struct
{
  GstTrialConverterInput input; /* the stream's; a frame's own file wins */
  GstTrialConverterOutput output;
  /* OUTPUT_RAW: RGB8, BGR8, RGBA8 or GRAY8 for color; RGB8 (colourised
   * with colormap) or GRAY16 (millimetres) for depth */
  GstTrialPixelFormat raw_format;
  GstTrialRawColor raw_input;   /* INPUT_RAW_COLOR: its pixel layout */
  guint width;                  /* from the caps, 0 = not given */
  guint height;
  gdouble depth_scale;          /* metres per unit; 0 = not decided yet */
  gboolean scale_forced;        /* depth_scale holds for every frame */
  GstTrialDtype scale_dtype;    /* else: the dtype it was decided on */
  gboolean passthrough;         /* pass verified 8-bit RGB PNGs through */
  GstTrialPngVerify verify;     /* what passthrough checks first */
  gint compression_level;       /* of the PNGs encoded */
  GstTrialColormap colormap;
  gfloat depth_min;             /* metres at the colormap's ends */
  gfloat depth_max;
} GstTrialConverterParams;

/* Fills @params (zeroing what the caps do not say) from the fields of a
 * stream's caps: @media_type ("image/png", "image/jpeg", "image/bmp",
 * "application/x-npy" or "video/x-raw" with @raw_format "GRAY16_LE", or
 * for raw color RGB, BGR, RGBA, BGRA, UYVY or YUY2, which need @has_size),
 * depth-scale when @has_scale, depth-scale-dtype (NULL when absent) and
 * width and height when @has_size. An image/png with a depth-scale is depth.
 * UNSUPPORTED or TOO_LARGE saying which field is wrong. */
gboolean gst_trial_converter_params_set_input (GstTrialConverterParams *
    params, const gchar * media_type, const gchar * raw_format,
    gboolean has_scale, gdouble depth_scale, const gchar * scale_dtype,
    gboolean has_size, gint width, gint height, GError ** error);

/* The input kind of one frame: its own file's, by the name @path (a JPEG
 * among PNGs, an .npy among .raw files), else (@path NULL or no known
 * extension) @stream_input. */
GstTrialConverterInput gst_trial_converter_input_for_file
    (GstTrialConverterInput stream_input, const gchar * path);

/* For a depth stream whose caps carry no depth-scale: decides the stream's
 * units on its first readable frame (@path as for
 * gst_trial_converter_input_for_file) by the rule trialsrc applies to a
 * trial's first depth file, and stores them in @params. FALSE, leaving
 * @params alone, when the frame cannot be read. */
gboolean gst_trial_converter_params_decide_units (GstTrialConverterParams *
    params, const gchar * path, const guint8 * data, gsize size,
    GError ** error);

/* Where a .npy output goes: a caller's recycled memory instead of a fresh
 * allocation. @alloc returns @size writable bytes (NULL when there are
 * none) and sets *@memory to what identifies them to the caller; @release
 * gives back memory of a conversion that then failed. */
typedef struct
{
  guint8 *(*alloc) (gsize size, gpointer * memory, gpointer user_data);
  void (*release) (gpointer memory, gpointer user_data);
  gpointer user_data;
} GstTrialConverterAllocator;

/* What one frame became: exactly one of the three. */
typedef struct
{
  gsize passthrough;            /* > 0: the first passthrough bytes of the
                                   input, unchanged */
  GBytes *bytes;                /* a new output */
  gpointer memory;              /* the allocator's memory, filled */
} GstTrialConverted;

/* Converts one frame, the bytes of its file, by @params. @path is the
 * frame's file name (NULL when unknown) and @name what messages call it.
 * Raw output rows are GStreamer's default stride for the format (rounded
 * up to 4 bytes, padding zeroed). @allocator may be NULL (g_malloc). On
 * failure a GError in GST_TRIAL_ERROR that names the frame; a color file's
 * message starts with "color file '@name': " when @path is known. */
gboolean gst_trial_converter_convert (const GstTrialConverterParams * params,
    const gchar * path, const gchar * name, const guint8 * data, gsize size,
    const GstTrialConverterAllocator * allocator, GstTrialConverted * out,
    GError ** error);

G_END_DECLS
