/* gst-trial: JPEG decoding and encoding via libjpeg(-turbo).
 *
 * libjpeg's error_exit is replaced by a longjmp local to each call, so a
 * corrupt or truncated file becomes a GError. */
#pragma once

#include <glib.h>
#include "gst/trial/image.h"

G_BEGIN_DECLS

/* Width and height from the JPEG header, without decoding. */
gboolean gst_trial_jpeg_read_size (const guint8 * data, gsize size,
    guint * width, guint * height, GError ** error);

/* Decodes baseline/progressive, gray/YCbCr/RGB JPEG to RGB8, BGR8, RGBA8
 * (opaque) or GRAY8. A stream that ends early (premature end of data) is an
 * error, as are damaged entropy-coded data that libjpeg only warns about
 * and more than 500 progressive scans. */
GstTrialImage *gst_trial_jpeg_decode (const guint8 * data, gsize size,
    GstTrialPixelFormat format, GError ** error);

/* Encodes RGB8 or GRAY8 at @quality 1-100 (used by the sample generator). */
GBytes *gst_trial_jpeg_encode (const GstTrialImage * image, gint quality,
    GError ** error);

G_END_DECLS
