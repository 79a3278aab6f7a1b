/* stub: being implemented */
#include <gst/check/gstcheck.h>
#include "gst/trial/npy.h"

static Suite *
npy_suite (void)
{
  Suite *s = suite_create ("npy");
  return s;
}

GST_CHECK_MAIN (npy);
