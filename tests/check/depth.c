/* stub: being implemented */
#include <gst/check/gstcheck.h>
#include "gst/trial/depth.h"

static Suite *
depth_suite (void)
{
  Suite *s = suite_create ("depth");
  return s;
}

GST_CHECK_MAIN (depth);
