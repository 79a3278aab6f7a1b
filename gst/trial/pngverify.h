/* gst-trial: PNG header parsing and structural verification (the
 * passthrough gate of trialconvert). Decoding and encoding are in
 * pngcodec.h. Named pngverify.h, not png.h, so that it can never shadow
 * libpng's <png.h>. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint width;
  guint height;
  guint bit_depth;              /* 1, 2, 4, 8 or 16 */
  guint color_type;             /* PNG_COLOR_TYPE_* value from IHDR */
  gboolean interlaced;
} GstTrialPngHeader;

/* Reads the signature and IHDR only (no decompression). */
gboolean gst_trial_png_read_header (const guint8 * data, gsize size,
    GstTrialPngHeader * header, GError ** error);

/* How much of a PNG gst_trial_png_verify() checks. */
typedef enum
{
  /* The container: signature, IHDR first, each chunk's length in bounds and
   * its CRC-32 correct, PLTE and IDAT where they belong, no unknown critical
   * chunk, IEND last with nothing after it. A file damaged or truncated
   * after it was written fails (a changed byte anywhere breaks a CRC-32);
   * the compressed image data is not inflated, so a file written wrongly
   * before its CRCs were computed passes: a zlib stream cut short, a bad
   * filter byte, too little or too much image data. */
  GST_TRIAL_PNG_VERIFY_CHUNKS,
  /* CHUNKS, and the IDAT stream inflates (adler32 checked) to exactly the
   * size IHDR implies with a valid filter byte on every row: also refuses
   * files that an encoder wrote wrongly before their CRCs were computed. */
  GST_TRIAL_PNG_VERIFY_DATA,
} GstTrialPngVerify;

/* Checks @data as @level says. At the DATA level TRUE means the bytes are
 * an intact PNG that any reader decodes as written. The stream is inflated
 * by ISA-L, with the zlib header checked as zlib checks it; ISA-L refuses
 * the reserved length (286, 287) and distance (30, 31) symbols as zlib
 * does, but that it refuses every Huffman table zlib calls incomplete or
 * over-subscribed is not proven. No encoder writes such a table and a file
 * holding one needs valid CRC-32s and adler32, so at most a deliberately
 * crafted PNG could pass and be copied as it is.
 * @header (may be NULL) is filled only on success. Stricter than
 * gst_trial_png_decode(), which accepts bytes after IEND or after the end of
 * the zlib stream (the image itself is intact then). */
gboolean gst_trial_png_verify (const guint8 * data, gsize size,
    GstTrialPngVerify level, GstTrialPngHeader * header, GError ** error);

/* As gst_trial_png_verify(), but bytes after IEND are allowed: they are not
 * part of the PNG (libpng stops reading at IEND, and so does
 * gst_trial_png_decode()). On success *@png_size is the size of the PNG,
 * up to the end of its IEND chunk. */
gboolean gst_trial_png_verify_prefix (const guint8 * data, gsize size,
    GstTrialPngVerify level, GstTrialPngHeader * header, gsize * png_size,
    GError ** error);

G_END_DECLS
