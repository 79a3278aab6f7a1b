/* gst-trial: PNG decoding and encoding.
 *
 * The camera case (8-bit gray, RGB or RGBA, not interlaced) takes a fast
 * path built on ISA-L (igzip); everything else goes through libpng, whose
 * errors are caught (custom error callbacks + setjmp local to each call),
 * so a corrupt file becomes a GError, never an abort(). */
#pragma once

#include <glib.h>
#include "gst/trial/image.h"
#include "gst/trial/pngverify.h"

G_BEGIN_DECLS

/* Decodes any PNG (1-16 bit, gray, gray+alpha, RGB, RGBA, palette,
 * interlaced) to @format. 8-bit targets: 16-bit samples reduced by dropping
 * the low byte (as OpenCV's IMREAD_COLOR does), palette and gray expanded,
 * alpha dropped (RGBA8 adds opaque alpha when there is none, and honours
 * tRNS); GRAY8 from color is gst_trial_luma() of that RGB.
 * GRAY16: requires a grayscale source; 8-bit gray is widened (v * 257).
 * A bad CRC in any chunk, a bad adler32, a missing IEND or a truncated file
 * is GST_TRIAL_ERROR_CORRUPT. */
GstTrialImage *gst_trial_png_decode (const guint8 * data, gsize size,
    GstTrialPixelFormat format, GError ** error);

/* Encodes RGB8, BGR8 (stored as RGB), RGBA8, GRAY8 or GRAY16 as PNG, every
 * row with the SUB filter (fast and small for camera frames). @level 0-9:
 *  - 1, 2, 3: igzip (ISA-L) levels 1, 2 and 3, one IDAT chunk; level 1 is
 *    3.7x faster than zlib's level 1 and 2.4% larger on camera frames;
 *  - 0 and 4-9: libpng with zlib at that level and the Z_RLE strategy
 *    (0 stores the image uncompressed).
 * Either way the file is IHDR, IDAT and IEND only. */
GBytes *gst_trial_png_encode (const GstTrialImage * image, gint level,
    GError ** error);

G_END_DECLS
