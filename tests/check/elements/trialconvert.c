/* stub: being implemented */
#include <gst/check/gstcheck.h>

static Suite *
trialconvert_suite (void)
{
  Suite *s = suite_create ("trialconvert");
  return s;
}

GST_CHECK_MAIN (trialconvert);
