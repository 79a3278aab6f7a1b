/* gst-trial: a small, bounds-checked reader for the BMP files cameras and
 * image tools write (24/32-bit, and 1/4/8-bit with a palette, uncompressed).
 *
 * Layout: BITMAPFILEHEADER (14 bytes), then an info header of at least 40
 * bytes (BITMAPINFOHEADER, or V4/V5 which extend it), then for BI_BITFIELDS
 * with a 40-byte header three mask words; pixels at the file header's
 * offset, rows padded to 4 bytes, bottom-up unless the height is negative,
 * each pixel B, G, R (and a fourth byte at 32 bits, ignored). At 1, 4 and
 * 8 bits a palette of B, G, R, 0 entries follows the info header (biClrUsed
 * entries, or 2^bits when 0) and each pixel is an index into it, the first
 * pixel in the high bits of a byte. */
#include <string.h>

#include "gst/trial/bmp.h"
#include "gst/trial/error.h"

#define FILE_HEADER_SIZE 14
#define INFO_HEADER_MIN 40
#define BI_RGB 0
#define BI_BITFIELDS 3

typedef struct
{
  guint width;
  guint height;
  gboolean top_down;
  guint bits;                   /* per pixel: 1, 4, 8, 24 or 32 */
  const guint8 *palette;        /* 1-8 bits: n_colors B, G, R, 0 entries */
  guint n_colors;
  gsize offset;                 /* of the first stored row */
  gsize row_bytes;              /* stored row, padding included */
} BmpInfo;

static inline guint16
read_le16 (const guint8 * p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static inline guint32
read_le32 (const guint8 * p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) |
      ((guint32) p[3] << 24);
}

static gboolean
bmp_parse (const guint8 * data, gsize size, BmpInfo * info, GError ** error)
{
  guint32 info_size, compression, offset;
  gint32 width, height;
  guint16 planes, bit_count;
  guint64 abs_height, row_bytes;

  if (size < 2 || data[0] != 'B' || data[1] != 'M') {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "not a BMP file: the 'BM' signature is missing");
    return FALSE;
  }
  if (size < FILE_HEADER_SIZE + 4) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "BMP data is truncated: %" G_GSIZE_FORMAT " bytes, too short for "
        "its headers", size);
    return FALSE;
  }
  info_size = read_le32 (data + FILE_HEADER_SIZE);
  if (info_size < INFO_HEADER_MIN) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "BMP info header is %u bytes, expected at least %d "
        "(BITMAPINFOHEADER); OS/2 bitmaps are not supported", info_size,
        INFO_HEADER_MIN);
    return FALSE;
  }
  if (size - FILE_HEADER_SIZE < INFO_HEADER_MIN) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "BMP data is truncated: %" G_GSIZE_FORMAT " bytes, too short for "
        "its headers", size);
    return FALSE;
  }

  offset = read_le32 (data + 10);
  width = (gint32) read_le32 (data + 18);
  height = (gint32) read_le32 (data + 22);
  planes = read_le16 (data + 26);
  bit_count = read_le16 (data + 28);
  compression = read_le32 (data + 30);

  if (planes != 1) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "BMP has %u planes, expected 1", planes);
    return FALSE;
  }
  if (bit_count != 1 && bit_count != 4 && bit_count != 8 && bit_count != 24
      && bit_count != 32) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "BMP has %u bits per pixel, only 1, 4, 8 (palette), 24 and 32 are "
        "supported", bit_count);
    return FALSE;
  }
  if (compression == BI_BITFIELDS && bit_count == 32) {
    /* The masks follow a 40-byte header and sit at the same place inside
     * the larger V4/V5 headers. */
    gsize masks = FILE_HEADER_SIZE + INFO_HEADER_MIN;

    if (size - masks < 12) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "BMP data is truncated: %" G_GSIZE_FORMAT " bytes, too short for "
          "its color masks", size);
      return FALSE;
    }
    if (read_le32 (data + masks) != 0x00ff0000
        || read_le32 (data + masks + 4) != 0x0000ff00
        || read_le32 (data + masks + 8) != 0x000000ff) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
          "BMP has color masks 0x%08x 0x%08x 0x%08x, only the standard "
          "0x00ff0000 0x0000ff00 0x000000ff are supported",
          read_le32 (data + masks), read_le32 (data + masks + 4),
          read_le32 (data + masks + 8));
      return FALSE;
    }
  } else if (compression != BI_RGB) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "BMP uses compression %u at %u bits per pixel, only uncompressed "
        "(BI_RGB, or BI_BITFIELDS at 32 bits) is supported", compression,
        bit_count);
    return FALSE;
  }

  /* gint64: -INT32_MIN does not fit in 32 bits. */
  abs_height = (guint64) ABS ((gint64) height);
  if (width <= 0 || height == 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "BMP has an invalid size %dx%d", width, height);
    return FALSE;
  }
  if ((guint64) width > GST_TRIAL_MAX_DIMENSION
      || abs_height > GST_TRIAL_MAX_DIMENSION) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "BMP image is %dx%" G_GUINT64_FORMAT " pixels, more than the limit "
        "of %u pixels per side", width, abs_height, GST_TRIAL_MAX_DIMENSION);
    return FALSE;
  }

  row_bytes = ((guint64) width * bit_count + 31) / 32 * 4;
  if (offset < FILE_HEADER_SIZE + (guint64) info_size || offset > size) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "BMP pixel data offset %u is outside the file (%" G_GSIZE_FORMAT
        " bytes, headers end at %" G_GUINT64_FORMAT ")", offset, size,
        FILE_HEADER_SIZE + (guint64) info_size);
    return FALSE;
  }
  /* Dimensions are at most 2^14, so this product cannot overflow. */
  if (row_bytes * abs_height > size - offset) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "BMP data is truncated: %dx%" G_GUINT64_FORMAT " pixels at %u bits "
        "need %" G_GUINT64_FORMAT " bytes after offset %u, the file has %"
        G_GSIZE_FORMAT, width, abs_height, bit_count, row_bytes * abs_height,
        offset, size - offset);
    return FALSE;
  }

  info->palette = NULL;
  info->n_colors = 0;
  if (bit_count <= 8) {
    guint32 used = read_le32 (data + 46);
    guint64 start = FILE_HEADER_SIZE + (guint64) info_size;

    info->n_colors = used == 0 || used > (1u << bit_count) ?
        1u << bit_count : used;
    if (start + 4 * (guint64) info->n_colors > offset) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "BMP palette of %u colors does not fit between its headers and "
          "its pixel data at offset %u", info->n_colors, offset);
      return FALSE;
    }
    info->palette = data + start;
  }

  info->width = width;
  info->height = abs_height;
  info->top_down = height < 0;
  info->bits = bit_count;
  info->offset = offset;
  info->row_bytes = row_bytes;
  return TRUE;
}

gboolean
gst_trial_bmp_read_size (const guint8 * data, gsize size, guint * width,
    guint * height, GError ** error)
{
  BmpInfo info;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!bmp_parse (data, size, &info, error))
    return FALSE;
  if (width != NULL)
    *width = info.width;
  if (height != NULL)
    *height = info.height;
  return TRUE;
}

/* One row of palette indices to B, G, R triples. An index past the palette
 * is a damaged file, not a colour to guess. */
static gboolean
expand_row (const BmpInfo * info, const guint8 * s, guint y, guint8 * out,
    GError ** error)
{
  guint x, per_byte = 8 / info->bits, mask = (1u << info->bits) - 1;

  for (x = 0; x < info->width; x++, out += 3) {
    guint shift = (per_byte - 1 - x % per_byte) * info->bits;
    guint index = (s[x / per_byte] >> shift) & mask;

    if (index >= info->n_colors) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "BMP pixel (%u, %u) is color %u, the palette has %u colors", x,
          y, index, info->n_colors);
      return FALSE;
    }
    memcpy (out, info->palette + 4 * index, 3);
  }
  return TRUE;
}

GstTrialImage *
gst_trial_bmp_decode (const guint8 * data, gsize size,
    GstTrialPixelFormat format, GError ** error)
{
  GstTrialImage *image;
  g_autofree guint8 *expanded = NULL;
  BmpInfo info;
  guint x, y, bpp;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (format == GST_TRIAL_PIXEL_GRAY16) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "BMP images are 8-bit, 16-bit gray output is not supported");
    return NULL;
  }
  g_return_val_if_fail (gst_trial_pixel_format_bpp (format) != 0, NULL);

  if (!bmp_parse (data, size, &info, error))
    return NULL;
  image = gst_trial_image_new (format, info.width, info.height, error);
  if (image == NULL)
    return NULL;
  if (info.palette != NULL)
    expanded = g_malloc ((gsize) info.width * 3);
  bpp = info.palette != NULL ? 3 : info.bits / 8;

  for (y = 0; y < info.height; y++) {
    const guint8 *s = data + info.offset + info.row_bytes *
        (info.top_down ? y : info.height - 1 - y);
    guint8 *d = image->data + image->stride * y;

    if (info.palette != NULL) {
      if (!expand_row (&info, s, y, expanded, error)) {
        gst_trial_image_free (image);
        return NULL;
      }
      s = expanded;
    }
    switch (format) {
      case GST_TRIAL_PIXEL_BGR8:
        if (bpp == 3) {
          memcpy (d, s, (gsize) info.width * 3);
          break;
        }
        for (x = 0; x < info.width; x++, s += 4, d += 3) {
          d[0] = s[0];
          d[1] = s[1];
          d[2] = s[2];
        }
        break;
      case GST_TRIAL_PIXEL_RGB8:
        for (x = 0; x < info.width; x++, s += bpp, d += 3) {
          d[0] = s[2];
          d[1] = s[1];
          d[2] = s[0];
        }
        break;
      case GST_TRIAL_PIXEL_RGBA8:
        /* The fourth byte of a 32-bit BMP is unused or undefined in
         * practice (often 0), so it is not taken as alpha. */
        for (x = 0; x < info.width; x++, s += bpp, d += 4) {
          d[0] = s[2];
          d[1] = s[1];
          d[2] = s[0];
          d[3] = 0xff;
        }
        break;
      case GST_TRIAL_PIXEL_GRAY8:
        for (x = 0; x < info.width; x++, s += bpp, d++)
          *d = gst_trial_luma (s[2], s[1], s[0]);
        break;
      case GST_TRIAL_PIXEL_GRAY16:
        g_assert_not_reached ();
    }
  }
  return image;
}
