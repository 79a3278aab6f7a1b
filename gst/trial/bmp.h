/* gst-trial: a small, bounds-checked BMP reader.
 *
 * Only what cameras and image tools write: BITMAPINFOHEADER (or later
 * versions) with 24- or 32-bit uncompressed (BI_RGB / BI_BITFIELDS with the
 * standard masks) pixels, bottom-up or top-down. Anything else is a clear
 * GST_TRIAL_ERROR_UNSUPPORTED. */
#pragma once

#include <glib.h>
#include "gst/trial/image.h"

G_BEGIN_DECLS

gboolean gst_trial_bmp_read_size (const guint8 * data, gsize size,
    guint * width, guint * height, GError ** error);

/* Decodes to RGB8, BGR8, RGBA8 or GRAY8 (GRAY8: ITU-R BT.601 luma). */
GstTrialImage *gst_trial_bmp_decode (const guint8 * data, gsize size,
    GstTrialPixelFormat format, GError ** error);

G_END_DECLS
