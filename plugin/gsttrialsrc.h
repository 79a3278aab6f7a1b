/* gst-trial: trialsrc, the element that reads a RealSense trial folder. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_TRIAL_SRC (gst_trial_src_get_type ())
G_DECLARE_FINAL_TYPE (GstTrialSrc, gst_trial_src, GST, TRIAL_SRC, GstBin)

GST_ELEMENT_REGISTER_DECLARE (trialsrc);

G_END_DECLS
