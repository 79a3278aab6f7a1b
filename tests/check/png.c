/* stub: being implemented */
#include <gst/check/gstcheck.h>
#include "gst/trial/png.h"

static Suite *
png_suite (void)
{
  Suite *s = suite_create ("png");
  return s;
}

GST_CHECK_MAIN (png);
