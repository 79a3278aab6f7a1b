/* gst-trial: trialsink, writes each buffer to a file named by its frame
 * number (GST_BUFFER_OFFSET), atomically, and reports progress on the bus. */
#pragma once

#include <gst/gst.h>
#include <gst/base/gstbasesink.h>

G_BEGIN_DECLS

#define GST_TYPE_TRIAL_SINK (gst_trial_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstTrialSink, gst_trial_sink, GST, TRIAL_SINK, GstBaseSink)

GST_ELEMENT_REGISTER_DECLARE (trialsink);

G_END_DECLS
