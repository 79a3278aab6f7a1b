/* gst-trial: the GST_TRIAL_ERROR quark. */
#include "gst/trial/error.h"

G_DEFINE_QUARK (gst-trial-error-quark, gst_trial_error)
