/* gst-trial: synthetic trials that look like RealSense recordings.
 *
 * Deterministic from a seed. Color frames are a smooth scene with texture and
 * sensor noise, so PNG encoders see camera-like data (about 400-650 KB per
 * 640x480 PNG); depth is millimetres 300-4000 with holes (zeros). Used by
 * trial-make-sample, the tests and the benchmarks only: it is the internal
 * static library gsttrialsample (gst/trial/meson.build), not part of
 * libgsttrial-1.0, its headers or its GIR. sample-scene.c draws the frames,
 * sample-write.c writes the folder. */
#pragma once

#include <glib.h>
#include "gst/trial/image.h"
#include "gst/trial/layout.h"

G_BEGIN_DECLS

typedef enum
{
  GST_TRIAL_SAMPLE_DEPTH_IN_DEPTH,       /* single_camera: .raw in Depth/ */
  GST_TRIAL_SAMPLE_DEPTH_SWAPPED,        /* single_camera: .raw in Depth_Color/,
                                           colourised png in Depth/ */
} GstTrialSampleDepthFolder;

typedef struct
{
  GstTrialStructure structure;
  guint n_cameras;              /* multi_camera: cam1..camN */
  GstTrialColorFormat color_format;     /* PNG or JPEG */
  GstTrialDepthFormat depth_format;     /* RAW, NPY (uint16 mm) or PNG (16-bit);
                                           NONE writes no depth folders */
  GstTrialSampleDepthFolder depth_folder;
  gint64 start_frame;
  guint n_frames;
  guint gap_every;              /* 0 = contiguous; N >= 2: of the numbers
                                   start, start+1, ... the Nth, 2Nth, ...
                                   (start+N-1, start+2N-1, ...) are skipped */
  guint width;
  guint height;
  guint32 seed;
} GstTrialSampleOptions;

#define GST_TRIAL_SAMPLE_OPTIONS_INIT { GST_TRIAL_STRUCTURE_MULTI_CAMERA, 1, \
    GST_TRIAL_COLOR_PNG, GST_TRIAL_DEPTH_RAW, GST_TRIAL_SAMPLE_DEPTH_IN_DEPTH, \
    0, 30, 0, 640, 480, 1 }

/* GST_TRIAL_ERROR_UNSUPPORTED when @options' size is too small to draw
 * the scene, _TOO_LARGE beyond GST_TRIAL_MAX_DIMENSION. */
gboolean gst_trial_sample_check_size (const GstTrialSampleOptions * options,
    GError ** error);

/* The RGB8 color image of frame @number of camera @camera_index (0 is cam1
 * and the single_camera camera). */
GstTrialImage *gst_trial_sample_color (const GstTrialSampleOptions * options,
    guint camera_index, gint64 number, GError ** error);

/* The GRAY16 (millimetres) depth image of that frame. */
GstTrialImage *gst_trial_sample_depth (const GstTrialSampleOptions * options,
    guint camera_index, gint64 number, GError ** error);

/* The number of the @index-th frame written (0-based): start_frame plus
 * @index, plus one for each gap before it. */
gint64 gst_trial_sample_frame_number (const GstTrialSampleOptions * options,
    guint index);

/* Writes a whole trial into @dir (created if needed). File names follow the
 * layout: multi_camera camN/color/frame_%06d.png + camN/depth/frame_%06d.raw;
 * single_camera Color/_Color_%04d.png + Depth/_Depth_%04d.raw +
 * Depth_Color/_Depth_Color_%04d.png (jet colourised, 8-bit RGB); SWAPPED
 * puts the depth files in Depth_Color/ (_Depth_Color_%04d.raw) and the
 * colourised ones in Depth/ (_Depth_%04d.png). Frames are written by a
 * thread pool; files appear whole (temporary name, then rename). Invalid
 * options are GST_TRIAL_ERROR_UNSUPPORTED, write failures _IO. */
gboolean gst_trial_sample_write (const GstTrialSampleOptions * options,
    const gchar * dir, GError ** error);

G_END_DECLS
