/* stub: being implemented */
#include <gst/check/gstcheck.h>
#include "gst/trial/raw.h"

static Suite *
raw_suite (void)
{
  Suite *s = suite_create ("raw");
  return s;
}

GST_CHECK_MAIN (raw);
