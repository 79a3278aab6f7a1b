/* gst-trial: colourising depth for preview. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GST_TRIAL_COLORMAP_JET,
  GST_TRIAL_COLORMAP_TURBO,
  GST_TRIAL_COLORMAP_GRAY,
} GstTrialColormap;

/* Maps @n depths in metres to RGB8 (@rgb holds 3*n bytes): values are
 * clamped to [min, max] and looked up in a 256-entry table; 0 (no depth, a
 * hole) and non-finite values are black. */
void gst_trial_colormap_apply (GstTrialColormap map, const gfloat * metres,
    gsize n, gfloat min, gfloat max, guint8 * rgb);

G_END_DECLS
