/* gst-trial: trialconvert, converting color and depth frames in a thread
 * pool (see gsttrialconvert.c). */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum
{
  GST_TRIAL_CONVERT_COLOR_MODE_AUTO,
  GST_TRIAL_CONVERT_COLOR_MODE_REENCODE,
} GstTrialConvertColorMode;

#define GST_TYPE_TRIAL_CONVERT_COLOR_MODE \
  (gst_trial_convert_color_mode_get_type ())
GType gst_trial_convert_color_mode_get_type (void);

/* The values of GstTrialPngVerify (gst/trial/pngverify.h) as a GEnum. */
#define GST_TYPE_TRIAL_CONVERT_VERIFY (gst_trial_convert_verify_get_type ())
GType gst_trial_convert_verify_get_type (void);

/* The values of GstTrialColormap (gst/trial/colormap.h) as a GEnum. */
#define GST_TYPE_TRIAL_CONVERT_COLORMAP (gst_trial_convert_colormap_get_type ())
GType gst_trial_convert_colormap_get_type (void);

#define GST_TYPE_TRIAL_CONVERT (gst_trial_convert_get_type ())
G_DECLARE_FINAL_TYPE (GstTrialConvert, gst_trial_convert, GST, TRIAL_CONVERT,
    GstElement)

GST_ELEMENT_REGISTER_DECLARE (trialconvert);

G_END_DECLS
