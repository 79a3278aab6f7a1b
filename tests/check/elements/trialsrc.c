/* stub: being implemented */
#include <gst/check/gstcheck.h>

static Suite *
trialsrc_suite (void)
{
  Suite *s = suite_create ("trialsrc");
  return s;
}

GST_CHECK_MAIN (trialsrc);
