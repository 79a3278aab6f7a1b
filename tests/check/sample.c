/* stub: being implemented */
#include <gst/check/gstcheck.h>
#include "gst/trial/sample.h"

static Suite *
sample_suite (void)
{
  Suite *s = suite_create ("sample");
  return s;
}

GST_CHECK_MAIN (sample);
