/* stub: being implemented */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttrialsink.h"

struct _GstTrialSink
{
  GstBaseSink parent;
};

G_DEFINE_TYPE (GstTrialSink, gst_trial_sink, GST_TYPE_BASE_SINK);
GST_ELEMENT_REGISTER_DEFINE (trialsink, "trialsink", GST_RANK_NONE, GST_TYPE_TRIAL_SINK);

static void
gst_trial_sink_class_init (GstTrialSinkClass * klass)
{
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "stub",
      "Generic", "stub", "gst-trial");
}

static void
gst_trial_sink_init (GstTrialSink * self)
{
  (void) self;
}
