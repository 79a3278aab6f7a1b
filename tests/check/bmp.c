/* stub: being implemented */
#include <gst/check/gstcheck.h>
#include "gst/trial/bmp.h"

static Suite *
bmp_suite (void)
{
  Suite *s = suite_create ("bmp");
  return s;
}

GST_CHECK_MAIN (bmp);
