/* stub: being implemented */
#include <gst/check/gstcheck.h>
#include "gst/trial/colormap.h"

static Suite *
colormap_suite (void)
{
  Suite *s = suite_create ("colormap");
  return s;
}

GST_CHECK_MAIN (colormap);
