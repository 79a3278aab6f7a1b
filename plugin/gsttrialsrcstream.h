/* gst-trial: one stream of trialsrc (color or depth), a private GstPushSrc.
 *
 * trialsrc owns two of these and exposes their src pads as its "color" and
 * "depth" ghost pads; each streams on its own GstBaseSrc task. The stream
 * never scans anything: trialsrc hands it the layout it scanned once, and
 * the stream reads one file per frame from the paths stored there. */
#pragma once

#include <gst/base/gstpushsrc.h>

#include "gst/trial/layout.h"

G_BEGIN_DECLS

typedef enum
{
  GST_TRIAL_SRC_STREAM_COLOR,
  GST_TRIAL_SRC_STREAM_DEPTH,
} GstTrialSrcStreamKind;

/* What each pad can carry before the trial is scanned; once it is, the caps
 * are fixed from the layout (format, width, height, framerate and, for
 * depth, depth-scale in metres per unit). */
#define GST_TRIAL_SRC_SIZE_RANGES \
  "width = (int) [ 1, 2147483647 ], height = (int) [ 1, 2147483647 ], " \
  "framerate = (fraction) [ 0/1, 2147483647/1 ]"
#define GST_TRIAL_SRC_COLOR_CAPS \
  "image/png, " GST_TRIAL_SRC_SIZE_RANGES "; " \
  "image/jpeg, " GST_TRIAL_SRC_SIZE_RANGES "; " \
  "image/bmp, " GST_TRIAL_SRC_SIZE_RANGES
#define GST_TRIAL_SRC_DEPTH_CAPS \
  "video/x-raw, format = (string) GRAY16_LE, " GST_TRIAL_SRC_SIZE_RANGES "; " \
  "application/x-npy, " GST_TRIAL_SRC_SIZE_RANGES "; " \
  "image/png, " GST_TRIAL_SRC_SIZE_RANGES

#define GST_TYPE_TRIAL_SRC_STREAM_KIND (gst_trial_src_stream_kind_get_type ())
GType gst_trial_src_stream_kind_get_type (void);

#define GST_TYPE_TRIAL_SRC_STREAM (gst_trial_src_stream_get_type ())
G_DECLARE_FINAL_TYPE (GstTrialSrcStream, gst_trial_src_stream, GST,
    TRIAL_SRC_STREAM, GstPushSrc)

/* A stream named "color" or "depth". */
GstElement *gst_trial_src_stream_new (GstTrialSrcStreamKind kind);

/* Hands the stream what its next run reads (called by trialsrc while the
 * stream is stopped); a NULL @layout drops the previous one. */
void gst_trial_src_stream_configure (GstTrialSrcStream * self,
    GstTrialLayout * layout, gint fps_n, gint fps_d, gboolean is_live);

G_END_DECLS
