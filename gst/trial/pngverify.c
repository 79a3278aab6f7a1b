/* gst-trial: PNG header parsing and structural verification.
 *
 * gst_trial_png_verify() is the passthrough gate of trialconvert, so it is
 * written for speed: it walks the chunks by hand and (at the DATA level)
 * inflates the IDAT stream in one ISA-L isal_inflate() call into a
 * per-thread scratch buffer (1.35 ms for a 640x480 camera frame, against
 * 2.0 ms for libdeflate, issue 19). Whatever that call does not
 * accept is checked again by streaming it through zlib into a small
 * buffer, which says exactly what is wrong; streams whose zlib window could
 * matter, and images too large for the scratch buffer, take that path
 * directly. The fast decoder of pngcodec.c unfilters that same buffer
 * (gst_trial_png_inflate(), pngprivate.h). */
#include <string.h>
#include <zlib.h>
#include <libdeflate.h>
#include <isa-l/igzip_lib.h>
#include <png.h>

#include "gst/trial/pngverify.h"
#include "gst/trial/pngprivate.h"
#include "gst/trial/error.h"

static const guint8 png_signature[8] = { 137, 80, 78, 71, 13, 10, 26, 10 };

/* Signature, then IHDR: length, type, 13 bytes of data, CRC. */
#define IHDR_END (8 + 4 + 4 + 13 + 4)
#define CHUNK_OVERHEAD 12       /* length + type + CRC */
#define CHUNK_LENGTH_MAX 0x7fffffffu    /* PNG spec: lengths fit in 31 bits */
#define INFLATE_SCRATCH 32768
/* The one-call path holds the inflated image and, with several IDAT chunks,
 * a copy of the compressed stream, per thread; images larger than this
 * (3840x2160 RGB is 24 MiB) stream through zlib. */
#define ONE_CALL_MAX (32u << 20)
#define ZLIB_WINDOW_MAX 32768

static inline guint32
read_be32 (const guint8 * p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) |
      ((guint32) p[2] << 8) | p[3];
}

static gboolean
chunk_type_is_valid (const guint8 * type)
{
  guint i;

  for (i = 0; i < 4; i++) {
    if (!g_ascii_isalpha (type[i]))
      return FALSE;
  }
  return TRUE;
}

const gchar *
gst_trial_png_color_type_name (guint color_type)
{
  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY:
      return "grayscale";
    case PNG_COLOR_TYPE_RGB:
      return "RGB";
    case PNG_COLOR_TYPE_PALETTE:
      return "palette";
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      return "grayscale+alpha";
    case PNG_COLOR_TYPE_RGB_ALPHA:
      return "RGBA";
  }
  return "unknown";
}

static guint
color_type_channels (guint color_type)
{
  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY:
    case PNG_COLOR_TYPE_PALETTE:
      return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      return 2;
    case PNG_COLOR_TYPE_RGB:
      return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA:
      return 4;
  }
  return 0;
}

static gboolean
bit_depth_is_valid (guint color_type, guint bit_depth)
{
  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY:
      return bit_depth == 1 || bit_depth == 2 || bit_depth == 4
          || bit_depth == 8 || bit_depth == 16;
    case PNG_COLOR_TYPE_PALETTE:
      return bit_depth == 1 || bit_depth == 2 || bit_depth == 4
          || bit_depth == 8;
    case PNG_COLOR_TYPE_RGB:
    case PNG_COLOR_TYPE_GRAY_ALPHA:
    case PNG_COLOR_TYPE_RGB_ALPHA:
      return bit_depth == 8 || bit_depth == 16;
  }
  return FALSE;
}

/* The signature and the IHDR chunk that must follow it, fully validated. */
static gboolean
parse_ihdr (const guint8 * data, gsize size, GstTrialPngHeader * header,
    GError ** error)
{
  guint32 width, height, stored_crc, crc;
  guint bit_depth, color_type, compression, filter, interlace;

  if (size == 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "PNG data is empty (0 bytes)");
    return FALSE;
  }
  if (size < sizeof (png_signature)
      || memcmp (data, png_signature, sizeof (png_signature)) != 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "not a PNG file: the 8-byte PNG signature is missing");
    return FALSE;
  }
  if (size < IHDR_END) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "PNG data is truncated: %" G_GSIZE_FORMAT " bytes, expected at least "
        "%d for the signature and IHDR chunk", size, IHDR_END);
    return FALSE;
  }
  if (memcmp (data + 12, "IHDR", 4) != 0 || read_be32 (data + 8) != 13) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "PNG does not start with a 13-byte IHDR chunk");
    return FALSE;
  }
  stored_crc = read_be32 (data + 29);
  crc = libdeflate_crc32 (0, data + 12, 4 + 13);
  if (crc != stored_crc) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "PNG chunk 'IHDR' at offset 8 has a bad CRC (stored 0x%08x, "
        "computed 0x%08x)", stored_crc, crc);
    return FALSE;
  }

  width = read_be32 (data + 16);
  height = read_be32 (data + 20);
  bit_depth = data[24];
  color_type = data[25];
  compression = data[26];
  filter = data[27];
  interlace = data[28];

  if (width == 0 || height == 0 || width > CHUNK_LENGTH_MAX
      || height > CHUNK_LENGTH_MAX) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "PNG IHDR has an invalid size %ux%u", width, height);
    return FALSE;
  }
  if (!bit_depth_is_valid (color_type, bit_depth)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "PNG IHDR has bit depth %u with color type %u, which is not a valid "
        "combination", bit_depth, color_type);
    return FALSE;
  }
  if (compression != 0 || filter != 0 || interlace > 1) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "PNG IHDR has compression method %u, filter method %u and interlace "
        "method %u, expected 0, 0 and 0 or 1", compression, filter, interlace);
    return FALSE;
  }
  if (width > GST_TRIAL_MAX_DIMENSION || height > GST_TRIAL_MAX_DIMENSION) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "PNG image is %ux%u pixels, more than the limit of %u pixels per side",
        width, height, GST_TRIAL_MAX_DIMENSION);
    return FALSE;
  }

  if (header != NULL) {
    header->width = width;
    header->height = height;
    header->bit_depth = bit_depth;
    header->color_type = color_type;
    header->interlaced = interlace == 1;
  }
  return TRUE;
}

gboolean
gst_trial_png_read_header (const guint8 * data, gsize size,
    GstTrialPngHeader * header, GError ** error)
{
  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return parse_ihdr (data, size, header, error);
}

/* ---- verification ---- */

/* One (sub)image of the filtered stream: rows of 1 filter byte + data. */
typedef struct
{
  guint32 rows;
  guint64 row_bytes;            /* including the filter byte */
} PngPass;

typedef struct
{
  z_stream zs;
  gboolean zs_ready;            /* inflateInit() done: only when streaming */
  PngPass passes[7];            /* only the non-empty passes */
  guint n_passes;
  gboolean interlaced;
  guint64 expected;             /* inflated size IHDR implies */
  guint64 total;                /* inflated so far */
  /* The filter byte of the next row: which pass, which row in it, and its
   * offset in the inflated stream (G_MAXUINT64 after the last row). */
  guint pass;
  guint32 row;
  guint64 next_filter;
  gboolean ended;
  /* The inflated image in the per-thread buffer, when the one-call path
   * checked it (else NULL). */
  guint8 *inflated;
  /* INFLATE_SCRATCH bytes for the zlib path, allocated only when a
   * stream takes it: the one-call path allocates nothing per frame. */
  guint8 *scratch;
} IdatCheck;

static void
idat_check_init_passes (IdatCheck * c, const GstTrialPngHeader * h)
{
  static const guint8 x_start[7] = { 0, 4, 0, 2, 0, 1, 0 };
  static const guint8 x_step[7] = { 8, 8, 4, 4, 2, 2, 1 };
  static const guint8 y_start[7] = { 0, 0, 4, 0, 2, 0, 1 };
  static const guint8 y_step[7] = { 8, 8, 8, 4, 4, 2, 2 };
  guint64 bits_per_pixel =
      (guint64) color_type_channels (h->color_type) * h->bit_depth;
  guint i;

  c->n_passes = 0;
  c->expected = 0;
  for (i = 0; i < (h->interlaced ? 7u : 1u); i++) {
    guint32 w = h->width, rows = h->height;

    if (h->interlaced) {
      w = h->width > x_start[i] ?
          (h->width - x_start[i] + x_step[i] - 1) / x_step[i] : 0;
      rows = h->height > y_start[i] ?
          (h->height - y_start[i] + y_step[i] - 1) / y_step[i] : 0;
    }
    if (w == 0 || rows == 0)
      continue;
    c->passes[c->n_passes].rows = rows;
    c->passes[c->n_passes].row_bytes = 1 + (w * bits_per_pixel + 7) / 8;
    c->expected += rows * c->passes[c->n_passes].row_bytes;
    c->n_passes++;
  }
  c->interlaced = h->interlaced;
  c->pass = 0;
  c->row = 0;
  c->next_filter = 0;
}

/* Checks the filter byte of every row that starts in the @n bytes just
 * inflated into the scratch buffer. */
static gboolean
idat_check_filters (IdatCheck * c, gsize n, GError ** error)
{
  while (c->next_filter < c->total + n) {
    guint filter = c->scratch[c->next_filter - c->total];

    if (filter > 4) {
      if (c->interlaced)
        g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
            "PNG image data is corrupt: row %u of interlace pass %u has "
            "filter type %u, expected 0 to 4", c->row, c->pass + 1, filter);
      else
        g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
            "PNG image data is corrupt: row %u has filter type %u, expected "
            "0 to 4", c->row, filter);
      return FALSE;
    }
    c->next_filter += c->passes[c->pass].row_bytes;
    if (++c->row == c->passes[c->pass].rows) {
      c->row = 0;
      if (++c->pass == c->n_passes)
        c->next_filter = G_MAXUINT64;
    }
  }
  return TRUE;
}

static gboolean
idat_check_feed (IdatCheck * c, const guint8 * in, guint32 length,
    gsize offset, GError ** error)
{
  if (c->ended) {
    if (length == 0)
      return TRUE;
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "PNG image data continues after the end of its zlib stream (chunk "
        "'IDAT' at offset %" G_GSIZE_FORMAT ")", offset);
    return FALSE;
  }

  c->zs.next_in = (Bytef *) in;
  c->zs.avail_in = length;
  do {
    gsize n;
    int ret;

    c->zs.next_out = c->scratch;
    c->zs.avail_out = INFLATE_SCRATCH;
    ret = inflate (&c->zs, Z_NO_FLUSH);
    n = INFLATE_SCRATCH - c->zs.avail_out;
    if (n > c->expected - c->total) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "PNG image data inflates to more than the %" G_GUINT64_FORMAT
          " bytes its IHDR implies", c->expected);
      return FALSE;
    }
    if (!idat_check_filters (c, n, error))
      return FALSE;
    c->total += n;

    if (ret == Z_STREAM_END) {
      c->ended = TRUE;
      if (c->zs.avail_in > 0) {
        g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
            "PNG image data continues after the end of its zlib stream (%u "
            "bytes left in chunk 'IDAT' at offset %" G_GSIZE_FORMAT ")",
            c->zs.avail_in, offset);
        return FALSE;
      }
      return TRUE;
    }
    /* Z_BUF_ERROR: everything given was consumed, the stream goes on in
     * the next IDAT. */
    if (ret == Z_BUF_ERROR)
      return TRUE;
    if (ret != Z_OK) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "PNG image data in chunk 'IDAT' at offset %" G_GSIZE_FORMAT
          " does not decompress: %s", offset,
          c->zs.msg != NULL ? c->zs.msg : zError (ret));
      return FALSE;
    }
  } while (c->zs.avail_in > 0 || c->zs.avail_out == 0);

  return TRUE;
}

/* Streams the @n consecutive IDAT chunks that start at @first through
 * zlib; @c then knows how much the stream inflated to and whether it ended. */
static gboolean
idat_check_stream (IdatCheck * c, const guint8 * data, gsize first, guint n,
    GError ** error)
{
  gsize pos = first;
  guint i;

  if (!c->zs_ready) {
    c->scratch = g_malloc (INFLATE_SCRATCH);
    if (inflateInit (&c->zs) != Z_OK) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
          "cannot start zlib to verify PNG data: %s",
          c->zs.msg != NULL ? c->zs.msg : "out of memory");
      return FALSE;
    }
    c->zs_ready = TRUE;
  }
  for (i = 0; i < n; i++) {
    guint32 length = read_be32 (data + pos);

    if (!idat_check_feed (c, data + pos + 8, length, pos, error))
      return FALSE;
    pos += CHUNK_OVERHEAD + (gsize) length;
  }
  return TRUE;
}

/* Buffers of the one-call path, kept per thread: trialconvert verifies on
 * pool threads, and frames of a trial have one size, so they are allocated
 * once per thread instead of once per frame. */
typedef struct
{
  struct inflate_state inflate;
  guint8 *in;
  gsize in_size;
  guint8 *out;
  gsize out_size;
} VerifyScratch;

static void
verify_scratch_free (gpointer data)
{
  VerifyScratch *s = data;

  g_free (s->in);
  g_free (s->out);
  g_free (s);
}

static GPrivate verify_scratch_key = G_PRIVATE_INIT (verify_scratch_free);

gboolean
gst_trial_png_scratch_reserve (guint8 ** buffer, gsize * capacity, gsize size)
{
  if (*capacity >= size)
    return TRUE;
  g_free (*buffer);
  *buffer = g_try_malloc (size);
  *capacity = *buffer != NULL ? size : 0;
  return *buffer != NULL;
}

static VerifyScratch *
verify_scratch_get (void)
{
  VerifyScratch *s = g_private_get (&verify_scratch_key);

  if (s == NULL) {
    s = g_try_new0 (VerifyScratch, 1);
    if (s != NULL)
      g_private_set (&verify_scratch_key, s);
  }
  return s;
}

/* Every row of the inflated image @out starts with a filter type 0-4. */
static gboolean
filters_are_valid (const IdatCheck * c, const guint8 * out)
{
  const guint8 *row = out;
  guint p;

  for (p = 0; p < c->n_passes; p++) {
    guint32 r;

    for (r = 0; r < c->passes[p].rows; r++) {
      if (*row > 4)
        return FALSE;
      row += c->passes[p].row_bytes;
    }
  }
  return TRUE;
}

/* The zlib header checks of zlib's inflate(): deflate method, a window of
 * at most 32 KiB, the check bits, no preset dictionary. */
static gboolean
zlib_header_is_valid (const guint8 * in)
{
  return (in[0] & 0x0f) == 8 && (in[0] >> 4) <= 7
      && ((in[0] << 8) | in[1]) % 31 == 0 && !(in[1] & 0x20);
}

/* Inflates the @n consecutive IDAT chunks (@length bytes of data in all)
 * that start at @first in one isal_inflate() call into a buffer of exactly
 * the size IHDR implies. TRUE: the zlib stream is intact (header as zlib
 * checks it, adler32), ends exactly at the end of the last chunk, inflates
 * to exactly that size, and every row has a valid filter type; @c is then
 * complete and *@inflated points to the image in the per-thread buffer.
 * FALSE only means "not shown": the caller streams the chunks through zlib.
 * Streams with a zlib window smaller than 32 KiB and the image take that
 * path as well: zlib refuses distances beyond such a window, ISA-L does not
 * look at the window. */
static gboolean
idat_check_one_call (IdatCheck * c, const guint8 * data, gsize first,
    guint n, gsize length, guint8 ** inflated)
{
  VerifyScratch *s;
  struct inflate_state *st;
  const guint8 *in;
  guint window_bits;

  if (c->expected > ONE_CALL_MAX || length > ONE_CALL_MAX || length < 2)
    return FALSE;
  s = verify_scratch_get ();
  if (s == NULL
      || !gst_trial_png_scratch_reserve (&s->out, &s->out_size, c->expected))
    return FALSE;
  if (n == 1) {
    in = data + first + 8;
  } else {
    gsize pos = first, at = 0;
    guint i;

    if (!gst_trial_png_scratch_reserve (&s->in, &s->in_size, length))
      return FALSE;
    for (i = 0; i < n; i++) {
      guint32 chunk = read_be32 (data + pos);

      memcpy (s->in + at, data + pos + 8, chunk);
      at += chunk;
      pos += CHUNK_OVERHEAD + (gsize) chunk;
    }
    in = s->in;
  }

  window_bits = (in[0] >> 4) + 8;
  if (!zlib_header_is_valid (in) || ((1u << window_bits) < ZLIB_WINDOW_MAX
          && (1u << window_bits) < c->expected))
    return FALSE;

  st = &s->inflate;
  isal_inflate_init (st);
  st->crc_flag = ISAL_ZLIB;
  st->next_in = (guint8 *) in;
  st->avail_in = length;
  st->next_out = s->out;
  st->avail_out = c->expected;
  /* Finished with the adler32 checked, every input byte used (none left
   * over, nor buffered in the bit reader) and the buffer exactly full. */
  if (isal_inflate (st) != ISAL_DECOMP_OK
      || st->block_state != ISAL_BLOCK_FINISH || st->avail_in != 0
      || st->read_in_length != 0 || st->total_out != c->expected
      || !filters_are_valid (c, s->out))
    return FALSE;

  c->total = c->expected;
  c->ended = TRUE;
  if (inflated != NULL)
    *inflated = s->out;
  return TRUE;
}

/* The IDAT chunks seen but not yet checked: @n of them from offset @first,
 * @length bytes of data in all. */
typedef struct
{
  gsize first;
  guint n;
  gsize length;
} IdatRun;

/* Checks the data of @run: in one call when it can, else (and to say what is
 * wrong) by streaming it through zlib. */
static gboolean
idat_check_run (IdatCheck * c, const guint8 * data, IdatRun * run,
    GError ** error)
{
  gboolean ok = idat_check_one_call (c, data, run->first, run->n, run->length,
      &c->inflated)
      || idat_check_stream (c, data, run->first, run->n, error);

  run->n = 0;
  return ok;
}

/* The chunk walk of both verify calls: @png_size (may be NULL) gets the
 * offset just past IEND; bytes after it are an error unless
 * @allow_trailing. */
static gboolean
verify_walk (const guint8 * data, gsize size, GstTrialPngVerify level,
    gboolean allow_trailing, GstTrialPngHeader * header, gsize * png_size,
    guint8 ** inflated, gboolean * plain, GError ** error)
{
  gboolean only_image_chunks = TRUE;
  IdatCheck data_check = { 0 };
  IdatCheck *check = NULL;
  GstTrialPngHeader h;
  IdatRun run = { 0, 0, 0 };
  gboolean seen_plte = FALSE, seen_idat = FALSE, idat_done = FALSE;
  gboolean ok = FALSE;
  gsize pos;

  if (!parse_ihdr (data, size, &h, error))
    return FALSE;

  if (level == GST_TRIAL_PNG_VERIFY_DATA) {
    check = &data_check;
    idat_check_init_passes (check, &h);
  }

  for (pos = IHDR_END;;) {
    const guint8 *type;
    guint32 length, stored_crc, crc;

    if (pos == size) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "PNG data is truncated: it ends after %" G_GSIZE_FORMAT " bytes "
          "without an IEND chunk", size);
      goto fail;
    }
    if (size - pos < CHUNK_OVERHEAD) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "PNG data is truncated: %" G_GSIZE_FORMAT " bytes at offset %"
          G_GSIZE_FORMAT " are too few for a chunk", size - pos, pos);
      goto fail;
    }
    length = read_be32 (data + pos);
    type = data + pos + 4;
    if (length > CHUNK_LENGTH_MAX) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "PNG chunk at offset %" G_GSIZE_FORMAT " claims %u bytes, more "
          "than the 2^31-1 PNG allows", pos, length);
      goto fail;
    }
    if (!chunk_type_is_valid (type)) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "PNG chunk at offset %" G_GSIZE_FORMAT " has an invalid type "
          "0x%08x", pos, read_be32 (type));
      goto fail;
    }
    if (length > size - pos - CHUNK_OVERHEAD) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "PNG data is truncated: chunk '%.4s' at offset %" G_GSIZE_FORMAT
          " claims %u bytes but only %" G_GSIZE_FORMAT " remain", type, pos,
          length, size - pos - CHUNK_OVERHEAD);
      goto fail;
    }
    stored_crc = read_be32 (type + 4 + length);
    crc = libdeflate_crc32 (0, type, 4 + length);
    if (crc != stored_crc) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "PNG chunk '%.4s' at offset %" G_GSIZE_FORMAT " has a bad CRC "
          "(stored 0x%08x, computed 0x%08x)", type, pos, stored_crc, crc);
      goto fail;
    }

    if (memcmp (type, "IDAT", 4) == 0) {
      if (idat_done) {
        g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
            "PNG chunk 'IDAT' at offset %" G_GSIZE_FORMAT " does not follow "
            "the other IDAT chunks", pos);
        goto fail;
      }
      if (h.color_type == PNG_COLOR_TYPE_PALETTE && !seen_plte) {
        g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
            "PNG with a palette has no PLTE chunk before its image data");
        goto fail;
      }
      seen_idat = TRUE;
      if (run.n++ == 0)
        run.first = pos;
      run.length += length;
    } else {
      if (seen_idat)
        idat_done = TRUE;
      if (memcmp (type, "IEND", 4) != 0)
        only_image_chunks = FALSE;
      if (run.n > 0 && check != NULL
          && !idat_check_run (check, data, &run, error))
        goto out;

      if (memcmp (type, "IEND", 4) == 0) {
        if (length != 0) {
          g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
              "PNG chunk 'IEND' at offset %" G_GSIZE_FORMAT " has %u bytes "
              "of data, expected 0", pos, length);
          goto fail;
        }
        if (!seen_idat) {
          g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
              "PNG has no IDAT chunk (no image data)");
          goto fail;
        }
        pos += CHUNK_OVERHEAD;
        if (pos != size && !allow_trailing) {
          g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
              "PNG has %" G_GSIZE_FORMAT " bytes of trailing data after "
              "its IEND chunk", size - pos);
          goto fail;
        }
        break;
      } else if (memcmp (type, "IHDR", 4) == 0) {
        g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
            "PNG has a second IHDR chunk at offset %" G_GSIZE_FORMAT, pos);
        goto fail;
      } else if (memcmp (type, "PLTE", 4) == 0) {
        if (seen_plte || seen_idat
            || !(h.color_type & PNG_COLOR_MASK_COLOR) || length == 0
            || length % 3 != 0 || length / 3 > 256) {
          g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
              "PNG chunk 'PLTE' at offset %" G_GSIZE_FORMAT " (%u bytes) is "
              "misplaced or malformed for a %s image", pos, length,
              gst_trial_png_color_type_name (h.color_type));
          goto fail;
        }
        seen_plte = TRUE;
      } else if (g_ascii_isupper (type[0])) {
        /* Readers must refuse critical chunks they do not know. */
        g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
            "PNG has an unknown critical chunk '%.4s' at offset %"
            G_GSIZE_FORMAT, type, pos);
        goto fail;
      }
    }
    pos += CHUNK_OVERHEAD + (gsize) length;
  }

  if (check != NULL && (!check->ended || check->total != check->expected)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "PNG image data is incomplete: it inflates to %" G_GUINT64_FORMAT
        " bytes%s, expected %" G_GUINT64_FORMAT " for %ux%u pixels",
        check->total, check->ended ? "" : " and the zlib stream does not end",
        check->expected, h.width, h.height);
    goto out;
  }

  if (header != NULL)
    *header = h;
  if (png_size != NULL)
    *png_size = pos;
  if (inflated != NULL)
    *inflated = check != NULL ? check->inflated : NULL;
  if (plain != NULL)
    *plain = only_image_chunks;
  ok = TRUE;
  goto out;

fail:
  /* The walk stopped after IDAT chunks whose data is not checked yet: that
   * data comes first in the file, so a fault in it is the one to report. */
  if (run.n > 0 && check != NULL && error != NULL) {
    GError *idat_error = NULL;

    if (!idat_check_stream (check, data, run.first, run.n, &idat_error)) {
      g_clear_error (error);
      g_propagate_error (error, idat_error);
    }
  }
out:
  if (check != NULL && check->zs_ready)
    inflateEnd (&check->zs);
  if (check != NULL)
    g_free (check->scratch);
  return ok;
}

gboolean
gst_trial_png_verify (const guint8 * data, gsize size,
    GstTrialPngVerify level, GstTrialPngHeader * header, GError ** error)
{
  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return verify_walk (data, size, level, FALSE, header, NULL, NULL, NULL,
      error);
}

gboolean
gst_trial_png_verify_prefix (const guint8 * data, gsize size,
    GstTrialPngVerify level, GstTrialPngHeader * header, gsize * png_size,
    GError ** error)
{
  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (png_size != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return verify_walk (data, size, level, TRUE, header, png_size, NULL, NULL,
      error);
}


gboolean
gst_trial_png_inflate (const guint8 * data, gsize size,
    GstTrialPngHeader * header, guint8 ** filtered, gboolean * plain,
    GError ** error)
{
  *filtered = NULL;
  return verify_walk (data, size, GST_TRIAL_PNG_VERIFY_DATA, TRUE, header,
      NULL, filtered, plain, error);
}
