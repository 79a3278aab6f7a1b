/* stub: being implemented */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttrialconvert.h"

struct _GstTrialConvert
{
  GstElement parent;
};

G_DEFINE_TYPE (GstTrialConvert, gst_trial_convert, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (trialconvert, "trialconvert", GST_RANK_NONE, GST_TYPE_TRIAL_CONVERT);

static void
gst_trial_convert_class_init (GstTrialConvertClass * klass)
{
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "stub",
      "Generic", "stub", "gst-trial");
}

static void
gst_trial_convert_init (GstTrialConvert * self)
{
  (void) self;
}
