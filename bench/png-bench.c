/* gst-trial bench: the PNG operations of one frame, each timed alone.
 *
 *   trial-png-bench FILE.png [RUNS=30]
 *
 * Prints the fastest of RUNS runs (the least disturbed on a shared machine)
 * in milliseconds, and the output size, for: the DATA verification
 * (isal_inflate), decoding to RGB8 through the fast path and through libpng
 * (the same file with a tEXt chunk added, which the fast path declines),
 * and encoding the decoded pixels at level 1 (igzip) and level 4 (the
 * lowest zlib level libpng still gets). Then the compression alone, on the
 * file's own zlib stream (one IDAT, as our encoder writes) and on its
 * inflated rows: inflating with ISA-L, libdeflate and zlib, deflating with
 * igzip level 1 and zlib level 1 Z_RLE (what libpng did before). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <libdeflate.h>
#include <isa-l/igzip_lib.h>

#include "gst/trial/image.h"
#include "gst/trial/pngcodec.h"

typedef gboolean (*Op) (gconstpointer data, gsize size, gpointer user_data,
    gsize * out_size);

static gboolean
op_verify (gconstpointer data, gsize size, gpointer user_data, gsize * out)
{
  (void) user_data;
  *out = 0;
  return gst_trial_png_verify (data, size, GST_TRIAL_PNG_VERIFY_DATA, NULL,
      NULL);
}

static gboolean
op_decode (gconstpointer data, gsize size, gpointer user_data, gsize * out)
{
  GstTrialImage *image = gst_trial_png_decode (data, size,
      GST_TRIAL_PIXEL_RGB8, NULL);

  (void) user_data;
  *out = 0;
  if (image == NULL)
    return FALSE;
  gst_trial_image_free (image);
  return TRUE;
}

static gboolean
op_encode (gconstpointer data, gsize size, gpointer user_data, gsize * out)
{
  GBytes *bytes = gst_trial_png_encode (data, GPOINTER_TO_INT (user_data),
      NULL);

  (void) size;
  if (bytes == NULL)
    return FALSE;
  *out = g_bytes_get_size (bytes);
  g_bytes_unref (bytes);
  return TRUE;
}

static void
time_op (const gchar * what, Op op, gconstpointer data, gsize size,
    gpointer user_data, gint runs)
{
  gint64 best = G_MAXINT64;
  gsize out = 0;
  gint i;

  for (i = 0; i < runs; i++) {
    gint64 t = g_get_monotonic_time ();

    if (!op (data, size, user_data, &out)) {
      g_printerr ("%s failed\n", what);
      exit (1);
    }
    best = MIN (best, g_get_monotonic_time () - t);
  }
  if (out > 0)
    g_print ("%-34s %7.2f ms  %8" G_GSIZE_FORMAT " bytes\n", what,
        best / 1000.0, out);
  else
    g_print ("%-34s %7.2f ms\n", what, best / 1000.0);
}

/* The compressed stream and the inflated rows, for the codec-only runs. */
typedef struct
{
  const guint8 *stream;
  gsize stream_size;
  guint8 *rows;
  gsize rows_size;
  guint8 *out;
  gsize out_size;
} Codec;

static gboolean
op_isal_inflate (gconstpointer data, gsize size, gpointer user_data,
    gsize * out)
{
  static struct inflate_state st;
  Codec *c = user_data;

  (void) data;
  (void) size;
  isal_inflate_init (&st);
  st.crc_flag = ISAL_ZLIB;
  st.next_in = (guint8 *) c->stream;
  st.avail_in = c->stream_size;
  st.next_out = c->rows;
  st.avail_out = c->rows_size;
  *out = 0;
  return isal_inflate (&st) == ISAL_DECOMP_OK
      && st.block_state == ISAL_BLOCK_FINISH && st.total_out == c->rows_size;
}

static gboolean
op_libdeflate_inflate (gconstpointer data, gsize size, gpointer user_data,
    gsize * out)
{
  static struct libdeflate_decompressor *d;
  Codec *c = user_data;

  (void) data;
  (void) size;
  if (d == NULL)
    d = libdeflate_alloc_decompressor ();
  *out = 0;
  return libdeflate_zlib_decompress (d, c->stream, c->stream_size, c->rows,
      c->rows_size, NULL) == LIBDEFLATE_SUCCESS;
}

static gboolean
op_zlib_inflate (gconstpointer data, gsize size, gpointer user_data,
    gsize * out)
{
  Codec *c = user_data;
  uLongf n = c->rows_size;

  (void) data;
  (void) size;
  *out = 0;
  return uncompress (c->rows, &n, c->stream, c->stream_size) == Z_OK
      && n == c->rows_size;
}

static gboolean
op_isal_deflate (gconstpointer data, gsize size, gpointer user_data,
    gsize * out)
{
  static struct isal_zstream zs;
  static guint8 level_buf[ISAL_DEF_LVL1_DEFAULT];
  Codec *c = user_data;

  (void) data;
  (void) size;
  isal_deflate_stateless_init (&zs);
  zs.level = 1;
  zs.level_buf = level_buf;
  zs.level_buf_size = sizeof (level_buf);
  zs.gzip_flag = IGZIP_ZLIB;
  zs.end_of_stream = 1;
  zs.next_in = c->rows;
  zs.avail_in = c->rows_size;
  zs.next_out = c->out;
  zs.avail_out = c->out_size;
  if (isal_deflate_stateless (&zs) != COMP_OK)
    return FALSE;
  *out = zs.total_out;
  return TRUE;
}

static gboolean
op_zlib_deflate (gconstpointer data, gsize size, gpointer user_data,
    gsize * out)
{
  Codec *c = user_data;
  z_stream zs = { 0 };
  gboolean ok;

  (void) data;
  (void) size;
  if (deflateInit2 (&zs, 1, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK)
    return FALSE;
  zs.next_in = c->rows;
  zs.avail_in = c->rows_size;
  zs.next_out = c->out;
  zs.avail_out = c->out_size;
  ok = deflate (&zs, Z_FINISH) == Z_STREAM_END;
  *out = zs.total_out;
  deflateEnd (&zs);
  return ok;
}

/* @png with a tEXt chunk after IHDR: same pixels, not the fast path's. */
static GByteArray *
with_text_chunk (const guint8 * png, gsize size)
{
  static const guint8 text[] = { 0, 0, 0, 4, 't', 'E', 'X', 't',
    'a', 0, 'b', 'c'
  };
  GByteArray *a = g_byte_array_sized_new (size + 16);
  guint32 crc = crc32 (0, text + 4, 8);
  guint8 crc_be[4] = { crc >> 24, crc >> 16, crc >> 8, crc };

  g_byte_array_append (a, png, 33);
  g_byte_array_append (a, text, sizeof (text));
  g_byte_array_append (a, crc_be, 4);
  g_byte_array_append (a, png + 33, size - 33);
  return a;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *data = NULL;
  g_autoptr (GByteArray) slow = NULL;
  GstTrialImage *image;
  gsize size;
  gint runs = argc > 2 ? atoi (argv[2]) : 30;

  if (argc < 2 || runs <= 0) {
    g_printerr ("usage: trial-png-bench FILE.png [RUNS]\n");
    return 2;
  }
  if (!g_file_get_contents (argv[1], &data, &size, &error)) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  image = gst_trial_png_decode ((const guint8 *) data, size,
      GST_TRIAL_PIXEL_RGB8, &error);
  if (image == NULL) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  slow = with_text_chunk ((const guint8 *) data, size);
  g_print ("%s: %ux%u, %" G_GSIZE_FORMAT " bytes, fastest of %d runs\n",
      argv[1], image->width, image->height, size, runs);
  time_op ("verify=data (isal_inflate)", op_verify, data, size, NULL, runs);
  time_op ("decode RGB8, fast path (ISA-L)", op_decode, data, size, NULL,
      runs);
  time_op ("decode RGB8, libpng", op_decode, slow->data, slow->len, NULL,
      runs);
  time_op ("encode level 1 (igzip)", op_encode, image, 0,
      GINT_TO_POINTER (1), runs);
  time_op ("encode level 4 (zlib, Z_RLE)", op_encode, image, 0,
      GINT_TO_POINTER (4), runs);

  /* one IDAT right after IHDR: the files our encoder writes */
  if (memcmp (data + 37, "IDAT", 4) == 0) {
    Codec c;
    guint32 len = ((guint8) data[33] << 24) | ((guint8) data[34] << 16) |
        ((guint8) data[35] << 8) | (guint8) data[36];

    if (41 + (gsize) len + 16 <= size) {
      c.stream = (const guint8 *) data + 41;
      c.stream_size = len;
      c.rows_size = (image->stride + 1) * image->height;
      c.rows = g_malloc (c.rows_size);
      c.out_size = c.rows_size + c.rows_size / 8 + 1024;
      c.out = g_malloc (c.out_size);
      g_print ("the codecs alone, on this frame's stream and rows:\n");
      time_op ("inflate, ISA-L isal_inflate", op_isal_inflate, NULL, 0, &c,
          runs);
      time_op ("inflate, libdeflate", op_libdeflate_inflate, NULL, 0, &c,
          runs);
      time_op ("inflate, zlib", op_zlib_inflate, NULL, 0, &c, runs);
      time_op ("deflate, igzip level 1", op_isal_deflate, NULL, 0, &c, runs);
      time_op ("deflate, zlib level 1 Z_RLE", op_zlib_deflate, NULL, 0, &c,
          runs);
      g_free (c.rows);
      g_free (c.out);
    }
  }
  gst_trial_image_free (image);
  return 0;
}
