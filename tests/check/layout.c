/* stub: being implemented */
#include <gst/check/gstcheck.h>
#include "gst/trial/layout.h"

static Suite *
layout_suite (void)
{
  Suite *s = suite_create ("layout");
  return s;
}

GST_CHECK_MAIN (layout);
