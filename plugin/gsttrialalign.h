/* gst-trial: trialalign, depth aligned to the color camera (see
 * gsttrialalign.c). */
#pragma once

#include <gst/gst.h>
#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

typedef enum
{
  GST_TRIAL_ALIGN_TO_COLOR,
  GST_TRIAL_ALIGN_TO_NONE,
} GstTrialAlignTo;

#define GST_TYPE_TRIAL_ALIGN_TO (gst_trial_align_to_get_type ())
GType gst_trial_align_to_get_type (void);

/* GstTrialAlignRule of gst/trial/align.h, for the rule property */
#define GST_TYPE_TRIAL_ALIGN_RULE (gst_trial_align_rule_get_type ())
GType gst_trial_align_rule_get_type (void);

#define GST_TYPE_TRIAL_ALIGN (gst_trial_align_get_type ())
G_DECLARE_FINAL_TYPE (GstTrialAlign, gst_trial_align, GST, TRIAL_ALIGN,
    GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE (trialalign);

G_END_DECLS
