/* stub: being implemented */
#include <gst/check/gstcheck.h>

static Suite *
trialsink_suite (void)
{
  Suite *s = suite_create ("trialsink");
  return s;
}

GST_CHECK_MAIN (trialsink);
