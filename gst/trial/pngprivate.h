/* gst-trial: what pngverify.c shares with pngcodec.c inside the library
 * (not installed). */
#pragma once

#include <glib.h>
#include "gst/trial/pngverify.h"

G_BEGIN_DECLS

/* "RGB", "palette", ... for a PNG color type. */
G_GNUC_INTERNAL
const gchar *gst_trial_png_color_type_name (guint color_type);

/* @buffer (of @capacity bytes, reused from call to call) holding at least
 * @size bytes, or FALSE when that much memory cannot be had. */
G_GNUC_INTERNAL
gboolean gst_trial_png_scratch_reserve (guint8 ** buffer, gsize * capacity,
    gsize size);

/* gst_trial_png_verify_prefix() at the DATA level (bytes after IEND are
 * allowed). On success *@filtered is the inflated, still filtered image
 * (the rows of IHDR's size, each after its filter byte) in a per-thread
 * buffer that the next call on this thread reuses, or NULL when the stream
 * was checked another way (zlib window smaller than the image, image over
 * 32 MiB); *@plain is TRUE when the file has no chunk but IHDR, IDAT and
 * IEND. */
G_GNUC_INTERNAL
gboolean gst_trial_png_inflate (const guint8 * data, gsize size,
    GstTrialPngHeader * header, guint8 ** filtered, gboolean * plain,
    GError ** error);

G_END_DECLS
