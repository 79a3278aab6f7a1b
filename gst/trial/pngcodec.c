/* gst-trial: PNG decoding and encoding.
 *
 * The camera case has a fast path on ISA-L (igzip) for both directions:
 * decoding 8-bit gray, RGB and RGBA files without interlacing or ancillary
 * chunks inflates them with the verification walk of pngverify.c (every
 * CRC, the adler32, sizes and filter bytes checked) and unfilters the rows
 * here; encoding at compression levels 1-3 filters every row with SUB and
 * deflates the whole image in one isal_deflate_stateless() call. Both keep
 * their buffers per thread. Everything else, and every file the fast
 * decoder declines, goes through libpng, with error callbacks that longjmp
 * back into the call that set them up; their state lives in that call. */
#include <setjmp.h>
#include <string.h>
#include <zlib.h>
#include <libdeflate.h>
#include <isa-l/igzip_lib.h>
#include <png.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "gst/trial/pngcodec.h"
#include "gst/trial/pngprivate.h"
#include "gst/trial/error.h"

static const guint8 png_signature[8] = { 137, 80, 78, 71, 13, 10, 26, 10 };

static inline void
write_be32 (guint8 * p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* ---- libpng glue shared by decoding and encoding ---- */

/* The error pointer of every png_struct is a gchar ** that receives the
 * first message; the call that created the struct turns it into a GError. */
static void
on_png_error (png_structp png, png_const_charp message)
{
  gchar **first = png_get_error_ptr (png);

  if (*first == NULL)
    *first = g_strdup (message);
  png_longjmp (png, 1);
}

/* libpng warns about things that do not change the pixels we ask for
 * (everything that does is made an error below); keep stderr quiet. */
static void
on_png_warning (png_structp png, png_const_charp message)
{
  (void) png;
  (void) message;
}

/* ---- fast decoding (ISA-L) ---- */

static inline guint8
paeth (guint a, guint b, guint c)
{
  gint p = (gint) a + (gint) b - (gint) c;
  guint pa = ABS (p - (gint) a), pb = ABS (p - (gint) b),
      pc = ABS (p - (gint) c);

  if (pa <= pb && pa <= pc)
    return a;
  return pb <= pc ? b : c;
}

/* Sixteen bytes at a time with GCC/Clang vector extensions, which GCC
 * does not do by itself at -O2 (the loops need a tail). Byte lanes wrap
 * modulo 256 exactly like the scalar code. */
typedef guint8 PngV16 __attribute__ ((vector_size (16)));

static inline PngV16
v16_load (const guint8 * p)
{
  PngV16 v;

  memcpy (&v, p, sizeof (v));
  return v;
}

static inline void
v16_store (guint8 * p, PngV16 v)
{
  memcpy (p, &v, sizeof (v));
}

/* SUB undone: every byte plus the one @bpp before it, already undone, so a
 * running sum per channel. With SSE2 for 3 and 4 bytes per pixel (the
 * camera case), one vector of 5 or 4 pixels per step: the last pixel of
 * the step before is added to the first, then a prefix sum in log2 steps
 * (shifts of 1, 2 and 4 pixels). */
static void
unsub_row (guint8 * cur, gsize n, guint bpp)
{
  gsize i = bpp;

#ifdef __SSE2__
  if (bpp == 4) {
    __m128i carry = _mm_cvtsi32_si128 (0);

    for (i = 0; i + 16 <= n; i += 16) {
      __m128i x = _mm_loadu_si128 ((const __m128i *) (cur + i));

      x = _mm_add_epi8 (x, carry);
      x = _mm_add_epi8 (x, _mm_slli_si128 (x, 4));
      x = _mm_add_epi8 (x, _mm_slli_si128 (x, 8));
      _mm_storeu_si128 ((__m128i *) (cur + i), x);
      carry = _mm_srli_si128 (x, 12);
    }
    if (i == 0)
      i = bpp;
  } else if (bpp == 3) {
    /* 15 bytes of 16 per step; the 16th is the next step's and is kept.
     * The next step's bytes are loaded before this step's store: a load
     * that overlaps a store just made waits for it (no forwarding). */
    const __m128i last = _mm_slli_si128 (_mm_cvtsi32_si128 (0xff), 15);
    __m128i carry = _mm_cvtsi32_si128 (0), in, next;

    i = bpp;
    if (n >= 16) {
      next = _mm_loadu_si128 ((const __m128i *) cur);
      for (i = 0; i + 16 <= n; i += 15) {
        __m128i x = _mm_add_epi8 (next, carry);

        in = next;
        if (i + 31 <= n)
          next = _mm_loadu_si128 ((const __m128i *) (cur + i + 15));
        x = _mm_add_epi8 (x, _mm_slli_si128 (x, 3));
        x = _mm_add_epi8 (x, _mm_slli_si128 (x, 6));
        x = _mm_add_epi8 (x, _mm_slli_si128 (x, 12));
        carry = _mm_srli_si128 (_mm_slli_si128 (x, 1), 13);
        x = _mm_or_si128 (_mm_andnot_si128 (last, x), _mm_and_si128 (last,
                in));
        _mm_storeu_si128 ((__m128i *) (cur + i), x);
      }
    }
  }
#endif
  for (; i < n; i++)
    cur[i] += cur[i - bpp];
}

/* Undoes the filter of @row (its filter byte, then @n bytes) in place;
 * @prev is the previous row, already unfiltered, or NULL for the first row
 * (all zeros); @bpp bytes per pixel. The filter byte is known to be 0-4. */
static void
unfilter_row (guint8 * row, const guint8 * prev, gsize n, guint bpp)
{
  guint8 *cur = row + 1;
  gsize i;

  switch (row[0]) {
    case 1:
      unsub_row (cur, n, bpp);
      break;
    case 2:
      if (prev != NULL) {
        for (i = 0; i + 16 <= n; i += 16)
          v16_store (cur + i, v16_load (cur + i) + v16_load (prev + i));
        for (; i < n; i++)
          cur[i] += prev[i];
      }
      break;
    case 3:
      if (prev == NULL) {
        for (i = bpp; i < n; i++)
          cur[i] += cur[i - bpp] >> 1;
      } else {
        for (i = 0; i < bpp; i++)
          cur[i] += prev[i] >> 1;
        for (; i < n; i++)
          cur[i] += (cur[i - bpp] + prev[i]) >> 1;
      }
      break;
    case 4:
      if (prev == NULL) {
        for (i = bpp; i < n; i++)
          cur[i] += cur[i - bpp];
      } else {
        for (i = 0; i < bpp; i++)
          cur[i] += prev[i];
        for (; i < n; i++)
          cur[i] += paeth (cur[i - bpp], prev[i], prev[i - bpp]);
      }
      break;
    default:
      break;
  }
}

/* One unfiltered row of @channels (1 gray, 3 RGB, 4 RGBA) 8-bit samples
 * to @format, as libpng's transforms in set_decode_transforms() do it. */
static void
convert_row (const guint8 * src, guint channels, guint32 width,
    GstTrialPixelFormat format, guint8 * dst)
{
  guint32 x;

  switch (format) {
    case GST_TRIAL_PIXEL_GRAY8:
      if (channels == 1)
        memcpy (dst, src, width);
      else
        for (x = 0; x < width; x++, src += channels)
          dst[x] = gst_trial_luma (src[0], src[1], src[2]);
      break;
    case GST_TRIAL_PIXEL_GRAY16:{
      guint16 *out = (guint16 *) dst;

      for (x = 0; x < width; x++)
        out[x] = src[x] * 257;
      break;
    }
    case GST_TRIAL_PIXEL_RGB8:
    case GST_TRIAL_PIXEL_BGR8:{
      gboolean bgr = format == GST_TRIAL_PIXEL_BGR8;

      if (channels == 3 && !bgr) {
        memcpy (dst, src, (gsize) width * 3);
        break;
      }
      for (x = 0; x < width; x++, src += channels, dst += 3) {
        guint8 r = src[0], g = channels == 1 ? src[0] : src[1],
            b = channels == 1 ? src[0] : src[2];

        dst[0] = bgr ? b : r;
        dst[1] = g;
        dst[2] = bgr ? r : b;
      }
      break;
    }
    case GST_TRIAL_PIXEL_RGBA8:
      if (channels == 4) {
        memcpy (dst, src, (gsize) width * 4);
        break;
      }
      for (x = 0; x < width; x++, src += channels, dst += 4) {
        dst[0] = src[0];
        dst[1] = channels == 1 ? src[0] : src[1];
        dst[2] = channels == 1 ? src[0] : src[2];
        dst[3] = 0xff;
      }
      break;
  }
}

/* The image of an 8-bit gray, RGB or RGBA PNG that is not interlaced and
 * has no chunk but IHDR, IDAT and IEND, or NULL when the file is anything
 * else or does not verify: libpng then decodes it (or says what is wrong).
 * The file passes the DATA verification, stricter than libpng in every
 * check they share, and has no chunk libpng would parse, so this never
 * accepts a file that libpng refuses (tests/fuzz/fuzz-png-fast.c). */
static GstTrialImage *
decode_fast (const guint8 * data, gsize size, GstTrialPixelFormat format)
{
  GstTrialPngHeader h;
  GstTrialImage *image;
  guint8 *rows;
  const guint8 *prev = NULL;
  gboolean plain;
  guint channels;
  gsize row_bytes;
  guint32 y;

  if (!gst_trial_png_inflate (data, size, &h, &rows, &plain, NULL)
      || rows == NULL || !plain)
    return NULL;
  channels = h.color_type == PNG_COLOR_TYPE_RGB ? 3 :
      h.color_type == PNG_COLOR_TYPE_RGB_ALPHA ? 4 : 1;
  image = gst_trial_image_new (format, h.width, h.height, NULL);
  if (image == NULL)
    return NULL;
  row_bytes = (gsize) h.width * channels;
  for (y = 0; y < h.height; y++, rows += row_bytes + 1) {
    unfilter_row (rows, prev, row_bytes, channels);
    convert_row (rows + 1, channels, h.width, format,
        image->data + y * image->stride);
    prev = rows + 1;
  }
  return image;
}

/* ---- decoding (libpng) ---- */

typedef struct
{
  const guint8 *data;
  gsize size;
  gsize pos;
  gboolean truncated;
  gchar *message;
  /* Allocated between setjmp and a possible longjmp, so kept here. */
  GstTrialImage *image;
  guint8 **rows;
} PngReader;

static void
on_png_read (png_structp png, png_bytep out, png_size_t length)
{
  PngReader *r = png_get_io_ptr (png);

  if (length > r->size - r->pos) {
    r->truncated = TRUE;
    png_error (png, "unexpected end of data");
  }
  memcpy (out, r->data + r->pos, length);
  r->pos += length;
}

/* Last step of libpng's row pipeline for GRAY8 from color: the row is
 * 8-bit RGB by then (palette expanded, 16-bit stripped, alpha dropped). */
static void
on_png_rgb_to_luma (png_structp png, png_row_infop row, png_bytep data)
{
  png_uint_32 i;

  if (row->channels != 3 || row->bit_depth != 8)
    png_error (png, "unexpected row format before gray conversion");
  for (i = 0; i < row->width; i++)
    data[i] = gst_trial_luma (data[3 * i], data[3 * i + 1], data[3 * i + 2]);
  row->color_type = PNG_COLOR_TYPE_GRAY;
}

static void
set_decode_transforms (png_structp png, png_infop info,
    GstTrialPixelFormat format)
{
  int color_type = png_get_color_type (png, info);
  int bit_depth = png_get_bit_depth (png, info);

  /* Color to gray is gst_trial_luma(), as for every other file format;
   * libpng's own conversion truncates and follows gAMA. Runs per row, so
   * no full RGB copy is needed. */
  if (format == GST_TRIAL_PIXEL_GRAY8 && (color_type & PNG_COLOR_MASK_COLOR)) {
    png_set_read_user_transform_fn (png, on_png_rgb_to_luma);
    png_set_user_transform_info (png, NULL, 8, 1);
  }

  if (format == GST_TRIAL_PIXEL_GRAY16) {
    /* Replicates the byte (v -> v * 257) after scaling 1/2/4-bit gray up
     * to 8 bits, so full scale stays full scale. */
    if (bit_depth < 16)
      png_set_expand_16 (png);
    if (G_BYTE_ORDER == G_LITTLE_ENDIAN)
      png_set_swap (png);
  } else if (bit_depth == 16) {
    png_set_strip_16 (png);
  }

  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);

  if (format == GST_TRIAL_PIXEL_RGBA8) {
    if (png_get_valid (png, info, PNG_INFO_tRNS))
      png_set_tRNS_to_alpha (png);
    png_set_filler (png, 0xff, PNG_FILLER_AFTER);
  } else {
    png_set_strip_alpha (png);
  }

  if (format != GST_TRIAL_PIXEL_GRAY8 && format != GST_TRIAL_PIXEL_GRAY16
      && !(color_type & PNG_COLOR_MASK_COLOR))
    png_set_gray_to_rgb (png);
  if (format == GST_TRIAL_PIXEL_BGR8)
    png_set_bgr (png);

  png_set_interlace_handling (png);
}

static GstTrialImage *
decode_with (PngReader * r, GstTrialPixelFormat format, GError ** error)
{
  png_structp png;
  png_infop info;
  guint bpp = gst_trial_pixel_format_bpp (format);
  guint32 width, height, y;

  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &r->message,
      on_png_error, on_png_warning);
  info = png != NULL ? png_create_info_struct (png) : NULL;
  if (info == NULL) {
    png_destroy_read_struct (&png, NULL, NULL);
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "cannot create a libpng reader (out of memory)");
    return NULL;
  }

  if (setjmp (png_jmpbuf (png))) {
    png_destroy_read_struct (&png, &info, NULL);
    if (r->truncated)
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "PNG data is truncated: it ends after %" G_GSIZE_FORMAT " bytes, "
          "inside a chunk", r->size);
    else
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "PNG data is corrupt: %s",
          r->message != NULL ? r->message : "libpng error");
    g_clear_pointer (&r->image, gst_trial_image_free);
    g_clear_pointer (&r->rows, g_free);
    g_clear_pointer (&r->message, g_free);
    return NULL;
  }

  png_set_read_fn (png, r, on_png_read);
  /* A damaged file is a failed frame, not a picture with holes: CRC errors
   * in any chunk and libpng's "benign" errors (bad adler32, too much image
   * data, palette index out of range) all stop decoding. Ancillary chunks
   * other than tRNS do not change the pixels we return, so they are skipped
   * (CRC still checked) instead of parsed. */
  png_set_crc_action (png, PNG_CRC_DEFAULT, PNG_CRC_ERROR_QUIT);
  png_set_benign_errors (png, 0);
  png_set_keep_unknown_chunks (png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
  png_set_user_limits (png, GST_TRIAL_MAX_DIMENSION, GST_TRIAL_MAX_DIMENSION);

  png_read_info (png, info);
  set_decode_transforms (png, info, format);
  png_read_update_info (png, info);

  width = png_get_image_width (png, info);
  height = png_get_image_height (png, info);
  if (png_get_rowbytes (png, info) != (gsize) width * bpp)
    png_error (png, "unexpected row size after transformations");

  r->image = gst_trial_image_new (format, width, height, error);
  if (r->image == NULL) {
    png_destroy_read_struct (&png, &info, NULL);
    return NULL;
  }
  r->rows = g_new (guint8 *, height);
  for (y = 0; y < height; y++)
    r->rows[y] = r->image->data + y * r->image->stride;

  png_read_image (png, r->rows);
  /* Reads up to IEND, so a file cut after the image data, a bad CRC or a
   * bad adler32 at the end of the stream is still an error. */
  png_read_end (png, NULL);

  png_destroy_read_struct (&png, &info, NULL);
  g_clear_pointer (&r->rows, g_free);
  g_clear_pointer (&r->message, g_free);
  return g_steal_pointer (&r->image);
}

GstTrialImage *
gst_trial_png_decode (const guint8 * data, gsize size,
    GstTrialPixelFormat format, GError ** error)
{
  GstTrialPngHeader header;
  PngReader reader = { 0 };

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (gst_trial_pixel_format_bpp (format) != 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Our own IHDR check first: clear messages, and the size limit is
   * enforced before libpng allocates anything. */
  if (!gst_trial_png_read_header (data, size, &header, error))
    return NULL;

  if (format == GST_TRIAL_PIXEL_GRAY16
      && (header.color_type & PNG_COLOR_MASK_COLOR)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "PNG is %s (color type %u), expected a grayscale PNG for 16-bit "
        "gray output", gst_trial_png_color_type_name (header.color_type),
        header.color_type);
    return NULL;
  }

  if (header.bit_depth == 8 && !header.interlaced
      && (header.color_type == PNG_COLOR_TYPE_GRAY
          || header.color_type == PNG_COLOR_TYPE_RGB
          || header.color_type == PNG_COLOR_TYPE_RGB_ALPHA)) {
    GstTrialImage *image = decode_fast (data, size, format);

    if (image != NULL)
      return image;
  }

  reader.data = data;
  reader.size = size;
  return decode_with (&reader, format, error);
}

/* ---- encoding (libpng) ---- */

typedef struct
{
  GByteArray *out;
  gchar *message;
} PngWriter;

static void
on_png_write (png_structp png, png_bytep data, png_size_t length)
{
  PngWriter *w = png_get_io_ptr (png);

  /* libpng writes at most one zlib buffer or chunk header at a time. */
  g_byte_array_append (w->out, data, (guint) length);
}

static void
on_png_flush (png_structp png)
{
  (void) png;
}

static GBytes *
encode_with (PngWriter * w, const GstTrialImage * image, int color_type,
    int bit_depth, gint level, GError ** error)
{
  png_structp png;
  png_infop info;
  guint32 y;

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &w->message,
      on_png_error, on_png_warning);
  info = png != NULL ? png_create_info_struct (png) : NULL;
  if (info == NULL) {
    png_destroy_write_struct (&png, NULL);
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "cannot create a libpng writer (out of memory)");
    return NULL;
  }

  if (setjmp (png_jmpbuf (png))) {
    png_destroy_write_struct (&png, &info);
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "PNG encoding of a %ux%u image failed: %s", image->width,
        image->height, w->message != NULL ? w->message : "libpng error");
    g_clear_pointer (&w->message, g_free);
    return NULL;
  }

  png_set_write_fn (png, w, on_png_write, on_png_flush);
  png_set_IHDR (png, info, image->width, image->height, bit_depth,
      color_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
      PNG_FILTER_TYPE_DEFAULT);
  /* Measured on camera frames: the SUB filter with Z_RLE is ~2.5x faster
   * than libpng's adaptive filtering at level 1, and smaller. */
  png_set_compression_level (png, level);
  png_set_compression_strategy (png, Z_RLE);
  png_set_filter (png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
  png_write_info (png, info);

  if (bit_depth == 16 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    png_set_swap (png);
  if (image->format == GST_TRIAL_PIXEL_BGR8)
    png_set_bgr (png);

  for (y = 0; y < image->height; y++)
    png_write_row (png, image->data + y * image->stride);
  png_write_end (png, NULL);

  png_destroy_write_struct (&png, &info);
  return g_byte_array_free_to_bytes (g_steal_pointer (&w->out));
}

/* ---- fast encoding (ISA-L) ---- */

/* Buffers of the ISA-L encoder, per thread (trialconvert encodes on its
 * pool threads; a trial's frames have one size): the stream state, the
 * level buffer igzip needs, the filtered image and one converted row. */
typedef struct
{
  struct isal_zstream stream;
  guint8 *level_buf;
  gsize level_size;
  guint8 *filtered;
  gsize filtered_size;
  guint8 *row;
  gsize row_size;
} EncodeScratch;

static void
encode_scratch_free (gpointer data)
{
  EncodeScratch *s = data;

  g_free (s->level_buf);
  g_free (s->filtered);
  g_free (s->row);
  g_free (s);
}

static GPrivate encode_scratch_key = G_PRIVATE_INIT (encode_scratch_free);

/* The level buffer igzip asks for at each level (the "default" sizes). */
static gsize
isal_level_buf_size (guint level)
{
  switch (level) {
    case 1:
      return ISAL_DEF_LVL1_DEFAULT;
    case 2:
      return ISAL_DEF_LVL2_DEFAULT;
    default:
      return ISAL_DEF_LVL3_DEFAULT;
  }
}

/* Row @y of @image as PNG stores it (RGB order, 16-bit big-endian), in
 * @s->row when it has to be converted. */
static const guint8 *
png_order_row (const GstTrialImage * image, guint32 y, EncodeScratch * s)
{
  const guint8 *src = image->data + y * image->stride;
  guint32 x;

  if (image->format == GST_TRIAL_PIXEL_BGR8) {
    for (x = 0; x < image->width; x++) {
      s->row[3 * x] = src[3 * x + 2];
      s->row[3 * x + 1] = src[3 * x + 1];
      s->row[3 * x + 2] = src[3 * x];
    }
    return s->row;
  }
  if (image->format == GST_TRIAL_PIXEL_GRAY16) {
    const guint16 *in = (const guint16 *) src;

    for (x = 0; x < image->width; x++) {
      s->row[2 * x] = in[x] >> 8;
      s->row[2 * x + 1] = in[x] & 0xff;
    }
    return s->row;
  }
  return src;
}

/* @image as a PNG of @color_type and @bit_depth: every row SUB-filtered,
 * the image deflated by igzip at @isal_level (1-3) in one call with a zlib
 * wrapper, one IDAT chunk. NULL when a buffer cannot be had or the stream
 * does not fit (the caller uses libpng then). */
static GBytes *
encode_fast (const GstTrialImage * image, int color_type, int bit_depth,
    guint isal_level)
{
  EncodeScratch *s = g_private_get (&encode_scratch_key);
  guint bpp = gst_trial_pixel_format_bpp (image->format);
  guint png_bpp = image->format == GST_TRIAL_PIXEL_RGBA8 ? 4 :
      image->format == GST_TRIAL_PIXEL_GRAY8 ? 1 :
      image->format == GST_TRIAL_PIXEL_GRAY16 ? 2 : 3;
  gsize row_bytes = image->stride, filtered_size, bound, idat;
  guint8 *out, *p;
  guint32 y;

  g_assert (bpp == png_bpp);
  filtered_size = (row_bytes + 1) * image->height;
  if (filtered_size > G_MAXUINT32)
    return NULL;
  if (s == NULL) {
    s = g_try_new0 (EncodeScratch, 1);
    if (s == NULL)
      return NULL;
    g_private_set (&encode_scratch_key, s);
  }
  if (!gst_trial_png_scratch_reserve (&s->level_buf, &s->level_size,
          isal_level_buf_size (isal_level))
      || !gst_trial_png_scratch_reserve (&s->filtered, &s->filtered_size,
          filtered_size)
      || !gst_trial_png_scratch_reserve (&s->row, &s->row_size, row_bytes))
    return NULL;

  p = s->filtered;
  for (y = 0; y < image->height; y++) {
    const guint8 *row = png_order_row (image, y, s);
    gsize i;

    *p++ = PNG_FILTER_VALUE_SUB;
    memcpy (p, row, png_bpp);
    for (i = png_bpp; i + 16 <= row_bytes; i += 16)
      v16_store (p + i, v16_load (row + i) - v16_load (row + i - png_bpp));
    for (; i < row_bytes; i++)
      p[i] = row[i] - row[i - png_bpp];
    p += row_bytes;
  }

  /* Camera frames deflate to about half; incompressible data is written
   * as stored blocks, 5 bytes per 64 KiB more than the input. */
  bound = filtered_size + filtered_size / 64 + 1024;
  idat = 8 + 25;
  out = g_try_malloc (idat + 8 + bound + 4 + 12);
  if (out == NULL)
    return NULL;

  /* The level buffer holds igzip's hash table, which a stateless call does
   * not clear: entries left by this thread's earlier frames would steer the
   * match search, and the same image would deflate to other (valid) bytes
   * after other frames. Cleared, the output depends on the image alone
   * (a cluster run and a one-machine run write the same files). */
  memset (s->level_buf, 0, isal_level_buf_size (isal_level));
  isal_deflate_stateless_init (&s->stream);
  s->stream.level = isal_level;
  s->stream.level_buf = s->level_buf;
  s->stream.level_buf_size = isal_level_buf_size (isal_level);
  s->stream.gzip_flag = IGZIP_ZLIB;
  s->stream.end_of_stream = 1;
  s->stream.flush = NO_FLUSH;
  s->stream.next_in = s->filtered;
  s->stream.avail_in = filtered_size;
  s->stream.next_out = out + idat + 8;
  s->stream.avail_out = MIN (bound, G_MAXUINT32);
  if (isal_deflate_stateless (&s->stream) != COMP_OK
      || s->stream.avail_in != 0 || s->stream.total_out > 0x7fffffffu) {
    g_free (out);
    return NULL;
  }

  memcpy (out, png_signature, 8);
  p = out + 8;
  write_be32 (p, 13);
  memcpy (p + 4, "IHDR", 4);
  write_be32 (p + 8, image->width);
  write_be32 (p + 12, image->height);
  p[16] = bit_depth;
  p[17] = color_type;
  p[18] = p[19] = p[20] = 0;    /* deflate, adaptive filtering, no interlace */
  write_be32 (p + 21, libdeflate_crc32 (0, p + 4, 4 + 13));
  p = out + idat;
  write_be32 (p, s->stream.total_out);
  memcpy (p + 4, "IDAT", 4);
  p += 8 + s->stream.total_out;
  write_be32 (p, libdeflate_crc32 (0, out + idat + 4,
          4 + s->stream.total_out));
  p += 4;
  write_be32 (p, 0);
  memcpy (p + 4, "IEND", 4);
  write_be32 (p + 8, libdeflate_crc32 (0, p + 4, 4));
  p += 12;
  return g_bytes_new_take (g_realloc (out, p - out), p - out);
}

GBytes *
gst_trial_png_encode (const GstTrialImage * image, gint level,
    GError ** error)
{
  PngWriter writer = { 0 };
  int color_type = PNG_COLOR_TYPE_RGB, bit_depth = 8;
  GBytes *bytes;

  g_return_val_if_fail (image != NULL && image->data != NULL, NULL);
  g_return_val_if_fail (image->stride ==
      (gsize) image->width * gst_trial_pixel_format_bpp (image->format), NULL);
  g_return_val_if_fail (level >= 0 && level <= 9, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  switch (image->format) {
    case GST_TRIAL_PIXEL_RGB8:
    case GST_TRIAL_PIXEL_BGR8:
      break;
    case GST_TRIAL_PIXEL_RGBA8:
      color_type = PNG_COLOR_TYPE_RGB_ALPHA;
      break;
    case GST_TRIAL_PIXEL_GRAY8:
      color_type = PNG_COLOR_TYPE_GRAY;
      break;
    case GST_TRIAL_PIXEL_GRAY16:
      color_type = PNG_COLOR_TYPE_GRAY;
      bit_depth = 16;
      break;
  }

  if (level >= 1 && level <= ISAL_DEF_MAX_LEVEL) {
    bytes = encode_fast (image, color_type, bit_depth, level);
    if (bytes != NULL)
      return bytes;
  }

  /* Camera frames compress to about half their raw size at the fast
   * levels; starting there avoids most reallocations. */
  writer.out = g_byte_array_sized_new (image->stride * image->height / 2 +
      1024);
  bytes = encode_with (&writer, image, color_type, bit_depth, level,
      error);
  g_clear_pointer (&writer.out, g_byte_array_unref);
  return bytes;
}
