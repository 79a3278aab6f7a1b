/* stub: being implemented */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttrialsrc.h"

struct _GstTrialSrc
{
  GstBin parent;
};

G_DEFINE_TYPE (GstTrialSrc, gst_trial_src, GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (trialsrc, "trialsrc", GST_RANK_NONE, GST_TYPE_TRIAL_SRC);

static void
gst_trial_src_class_init (GstTrialSrcClass * klass)
{
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "stub",
      "Generic", "stub", "gst-trial");
}

static void
gst_trial_src_init (GstTrialSrc * self)
{
  (void) self;
}
