/* gst-trial: headerless .raw depth frames (little-endian uint16, row-major). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Shape from a file size: as the seed tool did, the first of 480x640,
 * 720x1280, 1080x1920 whose uint16 size matches, then the other RealSense
 * depth modes (848x480, 640x360, 480x270, 424x240, 256x144, width x height),
 * else a square. FALSE when none matches (the seed then silently used
 * 480x640; we do not). */
gboolean gst_trial_raw_guess_shape (gsize size, guint * width,
    guint * height);

/* Checks that a .raw file of @size bytes holds exactly width x height uint16;
 * GST_TRIAL_ERROR_SIZE_MISMATCH naming @name otherwise, e.g.
 * "depth file 'x.raw' is 1000 bytes, expected 614400 (480x640 uint16)". */
gboolean gst_trial_raw_check (gsize size, guint width, guint height,
    const gchar * name, GError ** error);

G_END_DECLS
