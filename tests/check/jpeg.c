/* stub: being implemented */
#include <gst/check/gstcheck.h>
#include "gst/trial/jpeg.h"

static Suite *
jpeg_suite (void)
{
  Suite *s = suite_create ("jpeg");
  return s;
}

GST_CHECK_MAIN (jpeg);
