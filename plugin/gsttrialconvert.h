/* stub: being implemented */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_TRIAL_CONVERT (gst_trial_convert_get_type ())
G_DECLARE_FINAL_TYPE (GstTrialConvert, gst_trial_convert, GST, TRIAL_CONVERT, GstElement)

GST_ELEMENT_REGISTER_DECLARE (trialconvert);

G_END_DECLS
