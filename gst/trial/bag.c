/* gst-trial: the ROS bag 2.0 reader (see bag.h).
 *
 * A record is uint32 header_len, header, uint32 data_len, data; a header is
 * a list of uint32 len + "name=value" fields. Top-level records are read
 * with pread (or from memory), chunk contents after decompressing the
 * whole chunk into the bag's one chunk buffer. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bzlib.h>
#include <glib/gstdio.h>
#include <lz4frame.h>

#include "gst/trial/bag.h"
#include "gst/trial/error.h"

#define MAGIC "#ROSBAG V2.0\n"
#define MAGIC_LEN 13

enum
{
  OP_MESSAGE = 0x02,
  OP_BAG_HEADER = 0x03,
  OP_INDEX = 0x04,
  OP_CHUNK = 0x05,
  OP_CHUNK_INFO = 0x06,
  OP_CONNECTION = 0x07,
};

typedef enum
{
  COMPRESSION_NONE,
  COMPRESSION_LZ4,
  COMPRESSION_BZ2,
} Compression;

typedef struct
{
  guint64 pos;                  /* of the chunk record */
  guint64 data_pos;             /* of its compressed data */
  guint32 data_len;             /* compressed bytes present in the file */
  guint32 size;                 /* uncompressed size from the header */
  Compression compression;
  gboolean truncated;           /* the file ends inside it (interrupted) */
} Chunk;

/* the fields of a record header that the reader uses */
enum
{
  F_OP = 1 << 0,
  F_CONN = 1 << 1,
  F_TIME = 1 << 2,
  F_SIZE = 1 << 3,
  F_COUNT = 1 << 4,
  F_VER = 1 << 5,
  F_INDEX_POS = 1 << 6,
  F_CONN_COUNT = 1 << 7,
  F_CHUNK_COUNT = 1 << 8,
  F_CHUNK_POS = 1 << 9,
  F_TOPIC = 1 << 10,
  F_COMPRESSION = 1 << 11,
  F_TYPE = 1 << 12,
  F_MD5SUM = 1 << 13,
};

typedef struct
{
  guint32 present;
  guint8 op;
  guint32 conn, size, count, ver, conn_count, chunk_count;
  guint64 time, index_pos, chunk_pos;
  gchar *topic, *compression, *type, *md5sum;
} Header;

struct _GstTrialBag
{
  gchar *name;
  gint fd;                      /* -1 when reading from @bytes or @read */
  GBytes *bytes;
  GstTrialBagReadFunc read;
  gpointer read_data;
  GDestroyNotify read_destroy;
  guint64 file_size;
  gboolean ran_out;             /* a read or record went past the end */
  gchar *warning;

  GPtrArray *connections;       /* GstTrialBagConnection, owns strings */
  GHashTable *by_id;            /* conn id -> GstTrialBagConnection */
  GArray *chunks;               /* Chunk */
  GArray *entries;              /* GstTrialBagEntry, sorted by time */

  gint cached;                  /* chunk in @buffer, -1 for none */
  GBytes *chunk;                /* owns @buffer; messages' data hold it */
  const guint8 *buffer;         /* one decompressed chunk */
  gsize buffer_len;             /* bytes of it that are valid */
  guint8 *scratch;              /* compressed bytes, kept from chunk to */
  gsize scratch_size;           /* chunk: no fresh pages for each */
  gint damaged;                 /* the last chunk found corrupt, -1 none */
  GError *damaged_error;        /* why, given again for its other messages */
};

struct _GstTrialBagIter
{
  GstTrialBag *bag;
  GHashTable *conns;            /* NULL: every connection */
  gsize next;
};

static inline guint32
get_u32 (const guint8 * p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 |
      (guint32) p[3] << 24;
}

static inline guint64
get_u64 (const guint8 * p)
{
  return (guint64) get_u32 (p) | (guint64) get_u32 (p + 4) << 32;
}

static inline guint64
get_time (const guint8 * p)
{
  return (guint64) get_u32 (p) * G_GUINT64_CONSTANT (1000000000) +
      get_u32 (p + 4);
}

static void
header_clear (Header * h)
{
  g_free (h->topic);
  g_free (h->compression);
  g_free (h->type);
  g_free (h->md5sum);
  h->topic = h->compression = h->type = h->md5sum = NULL;
}

static void
connection_free (gpointer data)
{
  GstTrialBagConnection *conn = data;

  g_free ((gchar *) conn->topic);
  g_free ((gchar *) conn->type);
  g_free ((gchar *) conn->md5sum);
  g_free (conn);
}

static const GstTrialBagConnection *
find_conn (GstTrialBag * bag, guint32 id)
{
  return g_hash_table_lookup (bag->by_id, GUINT_TO_POINTER (id));
}

static gboolean
set_error (GError ** error, GstTrialError code, GstTrialBag * bag,
    guint64 offset, const gchar * format, ...) G_GNUC_PRINTF (5, 6);

static gboolean
set_error (GError ** error, GstTrialError code, GstTrialBag * bag,
    guint64 offset, const gchar * format, ...)
{
  va_list args;
  g_autofree gchar *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, GST_TRIAL_ERROR, code, "bag '%s', offset %"
      G_GUINT64_FORMAT ": %s", bag->name, offset, text);
  return FALSE;
}

static gchar *
dup_string (const guint8 * value, gsize len)
{
  /* a string field with a NUL inside is cut there */
  return g_strndup ((const gchar *) value, len);
}

/* Parses the header fields in @p[0..@len) (at file or chunk offset @offset,
 * for messages) into @h; fields of unexpected sizes are errors. */
static gboolean
parse_fields (GstTrialBag * bag, const guint8 * p, gsize len, guint64 offset,
    Header * h, GError ** error)
{
  gsize pos = 0;

  memset (h, 0, sizeof (*h));
  while (pos < len) {
    guint32 flen;
    const guint8 *field, *eq, *value;
    gsize nlen, vlen;

    if (len - pos < 4)
      return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, offset,
          "record header ends inside a field length (%" G_GSIZE_FORMAT
          " bytes left, expected 4)", len - pos);
    flen = get_u32 (p + pos);
    pos += 4;
    if (flen > len - pos)
      return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, offset,
          "header field of %u bytes, expected at most the %" G_GSIZE_FORMAT
          " left in the header", flen, len - pos);
    field = p + pos;
    pos += flen;
    eq = memchr (field, '=', flen);
    if (eq == NULL)
      return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, offset,
          "header field without '='");
    nlen = eq - field;
    value = eq + 1;
    vlen = flen - nlen - 1;

#define NAME_IS(s) (nlen == strlen (s) && memcmp (field, s, nlen) == 0)
#define EXPECT_LEN(n) G_STMT_START {                                    \
      if (vlen != (n))                                                  \
        return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, offset,  \
            "header field '%.*s' is %" G_GSIZE_FORMAT " bytes, expected %d", \
            (int) nlen, (const gchar *) field, vlen, (int) (n));        \
    } G_STMT_END
    if (NAME_IS ("op")) {
      EXPECT_LEN (1);
      h->op = value[0];
      h->present |= F_OP;
    } else if (NAME_IS ("conn")) {
      EXPECT_LEN (4);
      h->conn = get_u32 (value);
      h->present |= F_CONN;
    } else if (NAME_IS ("time")) {
      EXPECT_LEN (8);
      h->time = get_time (value);
      h->present |= F_TIME;
    } else if (NAME_IS ("size")) {
      EXPECT_LEN (4);
      h->size = get_u32 (value);
      h->present |= F_SIZE;
    } else if (NAME_IS ("count")) {
      EXPECT_LEN (4);
      h->count = get_u32 (value);
      h->present |= F_COUNT;
    } else if (NAME_IS ("ver")) {
      EXPECT_LEN (4);
      h->ver = get_u32 (value);
      h->present |= F_VER;
    } else if (NAME_IS ("index_pos")) {
      EXPECT_LEN (8);
      h->index_pos = get_u64 (value);
      h->present |= F_INDEX_POS;
    } else if (NAME_IS ("conn_count")) {
      EXPECT_LEN (4);
      h->conn_count = get_u32 (value);
      h->present |= F_CONN_COUNT;
    } else if (NAME_IS ("chunk_count")) {
      EXPECT_LEN (4);
      h->chunk_count = get_u32 (value);
      h->present |= F_CHUNK_COUNT;
    } else if (NAME_IS ("chunk_pos")) {
      EXPECT_LEN (8);
      h->chunk_pos = get_u64 (value);
      h->present |= F_CHUNK_POS;
    } else if (NAME_IS ("topic")) {
      g_free (h->topic);
      h->topic = dup_string (value, vlen);
      h->present |= F_TOPIC;
    } else if (NAME_IS ("compression")) {
      g_free (h->compression);
      h->compression = dup_string (value, vlen);
      h->present |= F_COMPRESSION;
    } else if (NAME_IS ("type")) {
      g_free (h->type);
      h->type = dup_string (value, vlen);
      h->present |= F_TYPE;
    } else if (NAME_IS ("md5sum")) {
      g_free (h->md5sum);
      h->md5sum = dup_string (value, vlen);
      h->present |= F_MD5SUM;
    }
#undef NAME_IS
#undef EXPECT_LEN
  }
  return TRUE;
}

/* the same, @h holding nothing on failure */
static gboolean
parse_header (GstTrialBag * bag, const guint8 * p, gsize len, guint64 offset,
    Header * h, GError ** error)
{
  if (parse_fields (bag, p, len, offset, h, error))
    return TRUE;
  header_clear (h);
  return FALSE;
}

static gboolean
require (GstTrialBag * bag, const Header * h, guint32 fields,
    const gchar * what, guint64 offset, GError ** error)
{
  static const gchar *names[] = { "op", "conn", "time", "size", "count",
    "ver", "index_pos", "conn_count", "chunk_count", "chunk_pos", "topic",
    "compression", "type", "md5sum"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    if ((fields & (1u << i)) && !(h->present & (1u << i)))
      return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, offset,
          "%s record has no '%s' field", what, names[i]);
  }
  return TRUE;
}

/* Reads @len bytes at @offset; FALSE with an error if the file has fewer. */
static gboolean
read_at (GstTrialBag * bag, guint64 offset, guint8 * out, gsize len,
    GError ** error)
{
  gsize done = 0;

  if (offset > bag->file_size || len > bag->file_size - offset) {
    bag->ran_out = TRUE;
    return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, offset,
        "%" G_GSIZE_FORMAT " bytes needed, the file ends after %"
        G_GUINT64_FORMAT, len, bag->file_size - MIN (offset,
            bag->file_size));
  }
  if (bag->read != NULL) {
    g_autoptr (GError) local = NULL;

    if (bag->read (bag->read_data, offset, out, len, &local))
      return TRUE;
    return set_error (error, local != NULL ? local->code : GST_TRIAL_ERROR_IO,
        bag, offset, "read failed: %s", local != NULL ? local->message :
        "unknown error");
  }
  if (bag->fd < 0) {
    memcpy (out, (const guint8 *) g_bytes_get_data (bag->bytes, NULL) +
        offset, len);
    return TRUE;
  }
  while (done < len) {
    gssize n = pread (bag->fd, out + done, len - done, offset + done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return set_error (error, GST_TRIAL_ERROR_IO, bag, offset + done,
          "read failed: %s", g_strerror (errno));
    if (n == 0)
      return set_error (error, GST_TRIAL_ERROR_IO, bag, offset + done,
          "the file ended early (shrunk while being read?)");
    done += n;
  }
  return TRUE;
}

/* A top-level record at @offset: its header and where its data is. With
 * @partial_data, data running past the end of the file is allowed and
 * @data_len is what the file holds. */
static gboolean
read_record (GstTrialBag * bag, guint64 offset, Header * h,
    guint64 * data_pos, guint32 * data_len, gboolean * cut_short,
    GError ** error)
{
  guint8 len[4];
  guint32 header_len, dlen;
  g_autofree guint8 *header = NULL;
  guint64 pos;

  if (!read_at (bag, offset, len, 4, error))
    return FALSE;
  header_len = get_u32 (len);
  if (header_len > GST_TRIAL_BAG_MAX_HEADER)
    return set_error (error, GST_TRIAL_ERROR_TOO_LARGE, bag, offset,
        "record header of %u bytes, expected at most %u", header_len,
        GST_TRIAL_BAG_MAX_HEADER);
  header = g_malloc (MAX (header_len, 1));
  if (!read_at (bag, offset + 4, header, header_len, error))
    return FALSE;
  pos = offset + 4 + header_len;
  if (!read_at (bag, pos, len, 4, error))
    return FALSE;
  dlen = get_u32 (len);
  pos += 4;
  if (dlen > bag->file_size - pos) {
    if (cut_short == NULL) {
      bag->ran_out = TRUE;
      return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, offset,
          "record data of %u bytes, the file ends after %" G_GUINT64_FORMAT,
          dlen, bag->file_size - pos);
    }
    dlen = bag->file_size - pos;
    *cut_short = TRUE;
  }
  if (!parse_header (bag, header, header_len, offset, h, error))
    return FALSE;
  if (!require (bag, h, F_OP, "a", offset, error)) {
    header_clear (h);
    return FALSE;
  }
  *data_pos = pos;
  *data_len = dlen;
  return TRUE;
}

/* A record inside a chunk buffer at @offset (of @len valid bytes): FALSE
 * without an error if it does not fit (a truncated chunk's end). */
static gboolean
chunk_record (GstTrialBag * bag, const guint8 * buf, gsize len, gsize offset,
    guint64 chunk_pos, Header * h, gsize * data_off, guint32 * data_len,
    GError ** error)
{
  guint32 hlen, dlen;

  if (offset > len || len - offset < 4)
    return FALSE;
  hlen = get_u32 (buf + offset);
  if (hlen > len - offset - 4 || len - offset - 4 - hlen < 4)
    return FALSE;
  dlen = get_u32 (buf + offset + 4 + hlen);
  if (dlen > len - offset - 8 - hlen)
    return FALSE;
  if (!parse_header (bag, buf + offset + 4, hlen, chunk_pos, h, error))
    return FALSE;
  if (!require (bag, h, F_OP, "a", chunk_pos, error)) {
    header_clear (h);
    return FALSE;
  }
  *data_off = offset + 8 + hlen;
  *data_len = dlen;
  return TRUE;
}

static gboolean
decompress_lz4 (GstTrialBag * bag, const Chunk * c, const guint8 * in,
    guint8 * out, gsize * produced, GError ** error)
{
  LZ4F_dctx *dctx;
  gsize in_pos = 0, out_pos = 0;
  size_t r = 1;
  gboolean ok = TRUE;

  if (LZ4F_isError (LZ4F_createDecompressionContext (&dctx, LZ4F_VERSION)))
    return set_error (error, GST_TRIAL_ERROR_IO, bag, c->pos,
        "cannot create an lz4 decompression context");
  while (in_pos < c->data_len) {
    size_t in_size = c->data_len - in_pos, out_size = c->size - out_pos;

    r = LZ4F_decompress (dctx, out + out_pos, &out_size, in + in_pos,
        &in_size, NULL);
    if (LZ4F_isError (r)) {
      ok = set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, c->pos,
          "lz4 chunk: %s after %" G_GSIZE_FORMAT " of %u compressed bytes",
          LZ4F_getErrorName (r), in_pos, c->data_len);
      break;
    }
    in_pos += in_size;
    out_pos += out_size;
    if (r == 0)
      break;
    if (in_size == 0 && out_size == 0) {
      ok = set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, c->pos,
          "lz4 chunk decompresses to more than its size %u", c->size);
      break;
    }
  }
  LZ4F_freeDecompressionContext (dctx);
  if (ok && !c->truncated && (r != 0 || in_pos != c->data_len))
    ok = set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, c->pos,
        "lz4 chunk: %s (%" G_GSIZE_FORMAT " of %u compressed bytes used)",
        r != 0 ? "the frame is cut short" : "bytes after the frame", in_pos,
        c->data_len);
  *produced = out_pos;
  return ok;
}

static gboolean
decompress_bz2 (GstTrialBag * bag, const Chunk * c, const guint8 * in,
    guint8 * out, gsize * produced, GError ** error)
{
  bz_stream s = { 0 };
  gint r;
  gboolean ok = TRUE;

  if (BZ2_bzDecompressInit (&s, 0, 0) != BZ_OK)
    return set_error (error, GST_TRIAL_ERROR_IO, bag, c->pos,
        "cannot start bz2 decompression");
  s.next_in = (char *) in;
  s.avail_in = c->data_len;
  s.next_out = (char *) out;
  s.avail_out = c->size;
  do {
    r = BZ2_bzDecompress (&s);
  } while (r == BZ_OK && s.avail_in > 0 && s.avail_out > 0);
  *produced = c->size - s.avail_out;
  if (r != BZ_OK && r != BZ_STREAM_END)
    ok = set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, c->pos,
        "bz2 chunk: libbz2 error %d after %u of %u compressed bytes", r,
        c->data_len - s.avail_in, c->data_len);
  else if (!c->truncated && (r != BZ_STREAM_END || s.avail_in != 0))
    ok = set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, c->pos,
        "bz2 chunk: %s (%u of %u compressed bytes used)",
        r != BZ_STREAM_END ? (s.avail_out == 0 ?
            "decompresses to more than its size" : "the stream is cut short")
        : "bytes after the stream", c->data_len - s.avail_in, c->data_len);
  BZ2_bzDecompressEnd (&s);
  return ok;
}

static gboolean load_chunk_data (GstTrialBag * bag, guint index,
    GError ** error);

/* Makes chunk @index the one in the bag's buffer. A corrupt chunk is
 * decompressed once: its other messages get the same error. */
static gboolean
load_chunk (GstTrialBag * bag, guint index, GError ** error)
{
  g_autoptr (GError) local = NULL;

  if (bag->damaged == (gint) index) {
    g_propagate_error (error, g_error_copy (bag->damaged_error));
    return FALSE;
  }
  if (load_chunk_data (bag, index, &local))
    return TRUE;
  if (g_error_matches (local, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT)) {
    g_clear_error (&bag->damaged_error);
    bag->damaged_error = g_error_copy (local);
    bag->damaged = index;
  }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static gboolean
load_chunk_data (GstTrialBag * bag, guint index, GError ** error)
{
  const Chunk *c = &g_array_index (bag->chunks, Chunk, index);
  g_autofree guint8 *out = NULL;
  gsize produced = 0, out_size;
  gboolean ok;

  if (bag->cached == (gint) index)
    return TRUE;
  bag->cached = -1;
  g_clear_pointer (&bag->chunk, g_bytes_unref);
  bag->buffer = NULL;
  bag->buffer_len = 0;

  if (c->compression == COMPRESSION_NONE) {
    out_size = c->data_len;
    out = g_malloc (MAX (out_size, 1));
    if (!read_at (bag, c->data_pos, out, c->data_len, error))
      return FALSE;
    if (!c->truncated && c->data_len != c->size)
      return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, c->pos,
          "uncompressed chunk of %u bytes, its header says %u", c->data_len,
          c->size);
    produced = c->data_len;
  } else {
    if (bag->scratch == NULL || bag->scratch_size < c->data_len) {
      g_free (bag->scratch);
      bag->scratch_size = MAX (c->data_len, 1);
      bag->scratch = g_malloc (bag->scratch_size);
    }
    if (!read_at (bag, c->data_pos, bag->scratch, c->data_len, error))
      return FALSE;
    out_size = c->size;
    out = g_malloc (MAX (out_size, 1));
    ok = c->compression == COMPRESSION_LZ4 ?
        decompress_lz4 (bag, c, bag->scratch, out, &produced, error) :
        decompress_bz2 (bag, c, bag->scratch, out, &produced, error);
    if (!ok)
      return FALSE;
    if (!c->truncated && produced != c->size)
      return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, c->pos,
          "chunk decompresses to %" G_GSIZE_FORMAT " bytes, its header says %u",
          produced, c->size);
  }
  bag->buffer = out;
  bag->buffer_len = produced;
  bag->chunk = g_bytes_new_take (g_steal_pointer (&out), produced);
  bag->cached = index;
  return TRUE;
}

static gboolean
add_chunk (GstTrialBag * bag, guint64 pos, const Header * h, guint64 data_pos,
    guint32 data_len, gboolean truncated, GError ** error)
{
  Chunk c = { pos, data_pos, data_len, h->size, COMPRESSION_NONE, truncated };

  if (!require (bag, h, F_COMPRESSION | F_SIZE, "chunk", pos, error))
    return FALSE;
  if (g_str_equal (h->compression, "lz4"))
    c.compression = COMPRESSION_LZ4;
  else if (g_str_equal (h->compression, "bz2"))
    c.compression = COMPRESSION_BZ2;
  else if (!g_str_equal (h->compression, "none"))
    return set_error (error, GST_TRIAL_ERROR_UNSUPPORTED, bag, pos,
        "chunk compression '%s', expected none, lz4 or bz2", h->compression);
  if (h->size > GST_TRIAL_BAG_MAX_CHUNK || data_len > GST_TRIAL_BAG_MAX_CHUNK)
    return set_error (error, GST_TRIAL_ERROR_TOO_LARGE, bag, pos,
        "chunk of %u bytes (%u compressed), expected at most %u", h->size,
        data_len, GST_TRIAL_BAG_MAX_CHUNK);
  if (bag->chunks->len >= G_MAXINT32)
    return set_error (error, GST_TRIAL_ERROR_TOO_LARGE, bag, pos,
        "more than %d chunks", G_MAXINT32);
  g_array_append_val (bag->chunks, c);
  return TRUE;
}

static gboolean
add_connection (GstTrialBag * bag, const Header * h, const guint8 * data,
    guint32 data_len, guint64 offset, gboolean duplicates_ok,
    GError ** error)
{
  Header inner;
  GstTrialBagConnection *conn;

  if (!require (bag, h, F_CONN | F_TOPIC, "connection", offset, error))
    return FALSE;
  if (find_conn (bag, h->conn) != NULL) {
    if (duplicates_ok)
      return TRUE;
    return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, offset,
        "connection %u defined twice", h->conn);
  }
  if (!parse_header (bag, data, data_len, offset, &inner, error))
    return FALSE;
  if (!require (bag, &inner, F_TYPE | F_MD5SUM, "connection", offset, error)) {
    header_clear (&inner);
    return FALSE;
  }
  conn = g_new0 (GstTrialBagConnection, 1);
  conn->id = h->conn;
  conn->topic = g_strdup (h->topic);
  conn->type = g_steal_pointer (&inner.type);
  conn->md5sum = g_steal_pointer (&inner.md5sum);
  header_clear (&inner);
  g_ptr_array_add (bag->connections, conn);
  g_hash_table_insert (bag->by_id, GUINT_TO_POINTER (conn->id), conn);
  return TRUE;
}

/* The index section of a complete bag: connections and chunk infos (chunk
 * position, connections, messages) from index_pos to the end of the file.
 * @cut: the file ends inside it (an incomplete copy), not damage. */
static gboolean
read_index_section (GstTrialBag * bag, const Header * bag_header,
    GArray * infos, gboolean * cut, GError ** error)
{
  guint64 pos = bag_header->index_pos;

  bag->ran_out = FALSE;
  while (pos < bag->file_size) {
    Header h;
    guint64 data_pos;
    guint32 data_len;
    g_autofree guint8 *data = NULL;

    if (!read_record (bag, pos, &h, &data_pos, &data_len, NULL, error)) {
      *cut = bag->ran_out;
      return FALSE;
    }
    /* connection and chunk info data is a few KB at most */
    if (data_len > GST_TRIAL_BAG_MAX_HEADER) {
      header_clear (&h);
      return set_error (error, GST_TRIAL_ERROR_TOO_LARGE, bag, pos,
          "index section record data of %u bytes, expected at most %u",
          data_len, GST_TRIAL_BAG_MAX_HEADER);
    }
    data = g_malloc (MAX (data_len, 1));
    if (!read_at (bag, data_pos, data, data_len, error)) {
      header_clear (&h);
      return FALSE;
    }
    if (h.op == OP_CONNECTION) {
      if (!add_connection (bag, &h, data, data_len, pos, FALSE, error)) {
        header_clear (&h);
        return FALSE;
      }
    } else if (h.op == OP_CHUNK_INFO) {
      guint64 info[2];
      guint32 j, total = 0;

      if (!require (bag, &h, F_CHUNK_POS | F_COUNT, "chunk info", pos, error)) {
        header_clear (&h);
        return FALSE;
      }
      if (data_len / 8 < h.count || data_len != (guint64) h.count * 8) {
        header_clear (&h);
        return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, pos,
            "chunk info data of %u bytes, expected %" G_GUINT64_FORMAT
            " for %u connections", data_len, (guint64) h.count * 8, h.count);
      }
      for (j = 0; j < h.count; j++)
        total += MIN (get_u32 (data + j * 8 + 4), G_MAXUINT32 - total);
      info[0] = h.chunk_pos;
      info[1] = (guint64) h.count << 32 | total;
      g_array_append_val (infos, info);
    } else {
      header_clear (&h);
      return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, pos,
          "record op 0x%02x in the index section, expected a connection "
          "(0x07) or chunk info (0x06)", h.op);
    }
    header_clear (&h);
    pos = data_pos + data_len;
  }
  /* the index is the end of the file: records missing from it were lost
   * with the end of the file */
  *cut = (bag_header->present & F_CONN_COUNT
      && bag->connections->len < bag_header->conn_count)
      || (bag_header->present & F_CHUNK_COUNT
      && infos->len < bag_header->chunk_count);
  if (bag_header->present & F_CONN_COUNT
      && bag->connections->len != bag_header->conn_count)
    return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag,
        bag_header->index_pos, "%u connection records, the bag header says %u",
        bag->connections->len, bag_header->conn_count);
  if (bag_header->present & F_CHUNK_COUNT
      && infos->len != bag_header->chunk_count)
    return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag,
        bag_header->index_pos, "%u chunk info records, the bag header says %u",
        infos->len, bag_header->chunk_count);
  return TRUE;
}

/* The chunks the chunk infos name and the index-data records after each. */
static gboolean
read_index (GstTrialBag * bag, GArray * infos, GError ** error)
{
  guint64 pos;
  guint i;

  for (i = 0; i < infos->len; i++) {
    const guint64 *info = &g_array_index (infos, guint64, 2 * i);
    guint64 chunk_pos = info[0];
    guint32 n_conns = info[1] >> 32, n_messages = info[1] & 0xffffffff;
    guint32 found = 0, j;
    Header h;
    guint64 data_pos;
    guint32 data_len;
    const Chunk *chunk;

    if (!read_record (bag, chunk_pos, &h, &data_pos, &data_len, NULL, error))
      return FALSE;
    if (h.op != OP_CHUNK) {
      header_clear (&h);
      return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, chunk_pos,
          "record op 0x%02x, expected a chunk (0x05) as chunk info %u says",
          h.op, i);
    }
    if (!add_chunk (bag, chunk_pos, &h, data_pos, data_len, FALSE, error)) {
      header_clear (&h);
      return FALSE;
    }
    header_clear (&h);
    chunk = &g_array_index (bag->chunks, Chunk, bag->chunks->len - 1);
    pos = data_pos + data_len;
    for (j = 0; j < n_conns; j++) {
      g_autofree guint8 *data = NULL;
      guint32 k;

      if (!read_record (bag, pos, &h, &data_pos, &data_len, NULL, error))
        return FALSE;
      header_clear (&h);
      if (h.op != OP_INDEX)
        return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, pos,
            "record op 0x%02x, expected index data (0x04) number %u of %u "
            "after the chunk at %" G_GUINT64_FORMAT, h.op, j + 1, n_conns,
            chunk_pos);
      if (!require (bag, &h, F_CONN | F_COUNT | F_VER, "index data", pos,
              error))
        return FALSE;
      if (h.ver != 1)
        return set_error (error, GST_TRIAL_ERROR_UNSUPPORTED, bag, pos,
            "index data version %u, expected 1", h.ver);
      if (data_len > GST_TRIAL_BAG_MAX_CHUNK)
        return set_error (error, GST_TRIAL_ERROR_TOO_LARGE, bag, pos,
            "index data of %u bytes, expected at most %u", data_len,
            GST_TRIAL_BAG_MAX_CHUNK);
      if (data_len / 12 < h.count || data_len != (guint64) h.count * 12)
        return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, pos,
            "index data of %u bytes, expected %" G_GUINT64_FORMAT
            " for %u messages", data_len, (guint64) h.count * 12, h.count);
      if (find_conn (bag, h.conn) == NULL)
        return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, pos,
            "index data of connection %u, which has no connection record",
            h.conn);
      data = g_malloc (MAX (data_len, 1));
      if (!read_at (bag, data_pos, data, data_len, error))
        return FALSE;
      for (k = 0; k < h.count; k++) {
        GstTrialBagEntry e;

        e.time = get_time (data + 12 * k);
        e.conn = h.conn;
        e.chunk = bag->chunks->len - 1;
        e.offset = get_u32 (data + 12 * k + 8);
        if (e.offset >= chunk->size)
          return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, pos,
              "message offset %u is outside its chunk of %u bytes", e.offset,
              chunk->size);
        g_array_append_val (bag->entries, e);
      }
      found += MIN (h.count, G_MAXUINT32 - found);
      pos = data_pos + data_len;
    }
    if (found != n_messages)
      return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, chunk_pos,
          "%u messages in the index data, chunk info %u says %u", found, i,
          n_messages);
  }
  return TRUE;
}

/* The connections and messages of chunk @index, from its records. */
static gboolean
scan_chunk (GstTrialBag * bag, guint index, GError ** error)
{
  gsize off = 0;
  guint64 chunk_pos;

  if (!load_chunk (bag, index, error))
    return FALSE;
  chunk_pos = g_array_index (bag->chunks, Chunk, index).pos;
  for (;;) {
    Header h;
    gsize data_off;
    guint32 data_len;
    gboolean ok = TRUE;

    if (!chunk_record (bag, bag->buffer, bag->buffer_len, off, chunk_pos, &h,
            &data_off, &data_len, error))
      return error == NULL || *error == NULL;
    if (h.op == OP_CONNECTION) {
      ok = add_connection (bag, &h, bag->buffer + data_off, data_len,
          chunk_pos, TRUE, error);
    } else if (h.op == OP_MESSAGE) {
      GstTrialBagEntry e = { h.time, h.conn, index, off };

      ok = require (bag, &h, F_CONN | F_TIME, "message data", chunk_pos,
          error);
      if (ok && find_conn (bag, h.conn) == NULL)
        ok = set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, chunk_pos,
            "message of connection %u before its connection record", h.conn);
      if (ok)
        g_array_append_val (bag->entries, e);
    }
    header_clear (&h);
    if (!ok)
      return FALSE;
    off = data_off + data_len;
  }
}

/* An interrupted recording (@index_pos 0) or a copy cut short before or
 * inside its index: chunks from the first record on, up to the last
 * complete message. */
static gboolean
scan_chunks (GstTrialBag * bag, guint64 pos, guint64 index_pos,
    GError ** error)
{
  const gchar *stop = "";

  while (pos < bag->file_size) {
    Header h;
    guint64 data_pos;
    guint32 data_len;
    gboolean cut_short = FALSE;
    guint8 len[4];
    guint32 header_len;

    /* the last record may end anywhere, even inside its header */
    if (bag->file_size - pos < 4)
      break;
    if (!read_at (bag, pos, len, 4, error))
      return FALSE;
    header_len = get_u32 (len);
    if (header_len > GST_TRIAL_BAG_MAX_HEADER
        || bag->file_size - pos - 4 < (guint64) header_len + 4) {
      stop = "; the last record is cut short";
      break;
    }
    if (!read_record (bag, pos, &h, &data_pos, &data_len, &cut_short, error))
      return FALSE;
    if (h.op == OP_CHUNK) {
      gboolean ok = add_chunk (bag, pos, &h, data_pos, data_len, cut_short,
          error) && scan_chunk (bag, bag->chunks->len - 1, error);

      header_clear (&h);
      if (!ok)
        return FALSE;
      if (cut_short)
        stop = "; the last chunk is cut short";
    } else {
      header_clear (&h);
      if (cut_short)
        stop = "; the last record is cut short";
    }
    pos = data_pos + data_len;
  }
  g_free (bag->warning);
  if (index_pos == 0)
    bag->warning = g_strdup_printf ("bag '%s' is an interrupted recording "
        "(index_pos is 0): read %u messages from %u chunks, up to offset %"
        G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT "%s", bag->name,
        bag->entries->len, bag->chunks->len, pos, bag->file_size, stop);
  else if (index_pos >= bag->file_size)
    bag->warning = g_strdup_printf ("bag '%s' is cut short (an incomplete "
        "copy?): it ends at byte %" G_GUINT64_FORMAT ", before byte %"
        G_GUINT64_FORMAT " where its header puts the index; read "
        "%u messages from %u chunks, up to offset %" G_GUINT64_FORMAT "%s; "
        "the frames after the cut are missing", bag->name, bag->file_size,
        index_pos, bag->entries->len, bag->chunks->len, pos, stop);
  else
    bag->warning = g_strdup_printf ("bag '%s' is cut short (an incomplete "
        "copy?): it ends at byte %" G_GUINT64_FORMAT ", inside its index "
        "(at byte %" G_GUINT64_FORMAT "); read %u messages from %u chunks "
        "without it, up to offset %" G_GUINT64_FORMAT "%s", bag->name,
        bag->file_size, index_pos, bag->entries->len, bag->chunks->len, pos,
        stop);
  return TRUE;
}

static gint
compare_entries (gconstpointer a, gconstpointer b)
{
  const GstTrialBagEntry *ea = a, *eb = b;

  if (ea->time != eb->time)
    return ea->time < eb->time ? -1 : 1;
  if (ea->chunk != eb->chunk)
    return ea->chunk < eb->chunk ? -1 : 1;
  return ea->offset < eb->offset ? -1 : ea->offset > eb->offset;
}

/* Connections, chunks and messages after the bag header (which ends at
 * @first): from the index, or by scanning the chunks when there is none
 * (an interrupted recording) or the file ends before or inside it (an
 * incomplete copy). */
static gboolean
read_contents (GstTrialBag * bag, const Header * h, guint64 first,
    GError ** error)
{
  g_autoptr (GArray) infos = NULL;
  GError *local = NULL;
  gboolean cut = FALSE;

  if (h->index_pos == 0 || h->index_pos >= bag->file_size)
    return scan_chunks (bag, first, h->index_pos, error);
  if (h->index_pos < first)
    return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, MAGIC_LEN,
        "index_pos %" G_GUINT64_FORMAT " is inside the bag header (which "
        "ends at %" G_GUINT64_FORMAT "): the header is damaged", h->index_pos,
        first);
  infos = g_array_new (FALSE, FALSE, sizeof (guint64) * 2);
  if (read_index_section (bag, h, infos, &cut, &local))
    return read_index (bag, infos, error);
  if (!cut) {
    g_propagate_error (error, local);
    return FALSE;
  }
  /* the connections read so far stay: the chunks hold the same again */
  g_clear_error (&local);
  return scan_chunks (bag, first, h->index_pos, error);
}

static GstTrialBag *
bag_open (GstTrialBag * bag, GError ** error)
{
  guint8 magic[MAGIC_LEN];
  Header h = { 0 };
  guint64 data_pos;
  guint32 data_len;
  gboolean ok;

  bag->cached = -1;
  bag->damaged = -1;
  bag->connections = g_ptr_array_new_with_free_func (connection_free);
  bag->by_id = g_hash_table_new (NULL, NULL);
  bag->chunks = g_array_new (FALSE, FALSE, sizeof (Chunk));
  bag->entries = g_array_new (FALSE, FALSE, sizeof (GstTrialBagEntry));

  if (bag->file_size < MAGIC_LEN || !read_at (bag, 0, magic, MAGIC_LEN, NULL)
      || memcmp (magic, MAGIC, MAGIC_LEN) != 0) {
    set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, 0,
        "not a ROS bag 2.0 file (expected it to start with '#ROSBAG V2.0')");
    gst_trial_bag_free (bag);
    return NULL;
  }
  ok = read_record (bag, MAGIC_LEN, &h, &data_pos, &data_len, NULL, error);
  if (ok && h.op != OP_BAG_HEADER)
    ok = set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, MAGIC_LEN,
        "record op 0x%02x, expected the bag header (0x03)", h.op);
  if (ok)
    ok = require (bag, &h, F_INDEX_POS, "bag header", MAGIC_LEN, error);
  if (ok)
    ok = read_contents (bag, &h, data_pos + data_len, error);
  header_clear (&h);
  if (!ok) {
    gst_trial_bag_free (bag);
    return NULL;
  }
  g_array_sort (bag->entries, compare_entries);
  return bag;
}

GstTrialBag *
gst_trial_bag_open (const gchar * path, GError ** error)
{
  GstTrialBag *bag;
  struct stat st;
  gint fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) {
    int saved = errno;

    g_set_error (error, GST_TRIAL_ERROR, saved == ENOENT ?
        GST_TRIAL_ERROR_NOT_FOUND : GST_TRIAL_ERROR_IO,
        "cannot open bag '%s': %s", path, g_strerror (saved));
    return NULL;
  }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    int saved = errno;

    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "cannot read bag '%s': %s", path, S_ISREG (st.st_mode) ?
        g_strerror (saved) : "not a regular file");
    close (fd);
    return NULL;
  }
  bag = g_new0 (GstTrialBag, 1);
  bag->name = g_strdup (path);
  bag->fd = fd;
  bag->file_size = st.st_size;
  return bag_open (bag, error);
}

GstTrialBag *
gst_trial_bag_open_bytes (GBytes * bytes, const gchar * name,
    GError ** error)
{
  GstTrialBag *bag;

  g_return_val_if_fail (bytes != NULL, NULL);

  bag = g_new0 (GstTrialBag, 1);
  bag->name = g_strdup (name != NULL ? name : "(memory)");
  bag->fd = -1;
  bag->bytes = g_bytes_ref (bytes);
  bag->file_size = g_bytes_get_size (bytes);
  return bag_open (bag, error);
}

GstTrialBag *
gst_trial_bag_open_reader (GstTrialBagReadFunc read, gpointer user_data,
    GDestroyNotify destroy, guint64 size, const gchar * name, GError ** error)
{
  GstTrialBag *bag;

  g_return_val_if_fail (read != NULL, NULL);

  bag = g_new0 (GstTrialBag, 1);
  bag->name = g_strdup (name != NULL ? name : "(stream)");
  bag->fd = -1;
  bag->read = read;
  bag->read_data = user_data;
  bag->read_destroy = destroy;
  bag->file_size = size;
  return bag_open (bag, error);
}

void
gst_trial_bag_free (GstTrialBag * bag)
{
  if (bag == NULL)
    return;
  if (bag->read_destroy != NULL)
    bag->read_destroy (bag->read_data);
  if (bag->fd >= 0)
    close (bag->fd);
  g_clear_pointer (&bag->bytes, g_bytes_unref);
  g_clear_pointer (&bag->by_id, g_hash_table_unref);
  g_clear_pointer (&bag->connections, g_ptr_array_unref);
  g_clear_pointer (&bag->chunks, g_array_unref);
  g_clear_pointer (&bag->entries, g_array_unref);
  g_clear_pointer (&bag->chunk, g_bytes_unref);
  g_free (bag->scratch);
  g_clear_error (&bag->damaged_error);
  g_free (bag->warning);
  g_free (bag->name);
  g_free (bag);
}

const gchar *
gst_trial_bag_get_name (GstTrialBag * bag)
{
  g_return_val_if_fail (bag != NULL, NULL);
  return bag->name;
}

const gchar *
gst_trial_bag_get_warning (GstTrialBag * bag)
{
  g_return_val_if_fail (bag != NULL, NULL);
  return bag->warning;
}

guint
gst_trial_bag_get_n_connections (GstTrialBag * bag)
{
  g_return_val_if_fail (bag != NULL, 0);
  return bag->connections->len;
}

const GstTrialBagConnection *
gst_trial_bag_get_connection (GstTrialBag * bag, guint i)
{
  g_return_val_if_fail (bag != NULL, NULL);
  g_return_val_if_fail (i < bag->connections->len, NULL);
  return g_ptr_array_index (bag->connections, i);
}

const GstTrialBagConnection *
gst_trial_bag_find_topic (GstTrialBag * bag, const gchar * topic)
{
  guint i;

  g_return_val_if_fail (bag != NULL && topic != NULL, NULL);
  for (i = 0; i < bag->connections->len; i++) {
    const GstTrialBagConnection *conn = g_ptr_array_index (bag->connections,
        i);

    if (g_str_equal (conn->topic, topic))
      return conn;
  }
  return NULL;
}

const GstTrialBagEntry *
gst_trial_bag_get_entries (GstTrialBag * bag, gsize * n_entries)
{
  g_return_val_if_fail (bag != NULL && n_entries != NULL, NULL);
  *n_entries = bag->entries->len;
  return (const GstTrialBagEntry *) bag->entries->data;
}

gsize
gst_trial_bag_lower_bound (GstTrialBag * bag, guint64 time)
{
  gsize lo = 0, hi;

  g_return_val_if_fail (bag != NULL, 0);
  hi = bag->entries->len;
  while (lo < hi) {
    gsize mid = lo + (hi - lo) / 2;

    if (g_array_index (bag->entries, GstTrialBagEntry, mid).time < time)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

gboolean
gst_trial_bag_read (GstTrialBag * bag, const GstTrialBagEntry * entry,
    GstTrialBagMessage * message, GError ** error)
{
  const Chunk *c;
  Header h;
  gsize data_off;
  guint32 data_len;
  gboolean ok;

  g_return_val_if_fail (bag != NULL && entry != NULL && message != NULL,
      FALSE);
  g_return_val_if_fail (entry->chunk < bag->chunks->len, FALSE);

  if (!load_chunk (bag, entry->chunk, error))
    return FALSE;
  c = &g_array_index (bag->chunks, Chunk, entry->chunk);
  if (!chunk_record (bag, bag->buffer, bag->buffer_len, entry->offset,
          c->pos, &h, &data_off, &data_len, error)) {
    if (error != NULL && *error != NULL)
      return FALSE;
    return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, c->pos,
        "the message record at offset %u of the chunk runs past its end (%"
        G_GSIZE_FORMAT " bytes)", entry->offset, bag->buffer_len);
  }
  header_clear (&h);
  ok = h.op == OP_MESSAGE && (h.present & F_CONN) && h.conn == entry->conn;
  if (!ok)
    return set_error (error, GST_TRIAL_ERROR_CORRUPT, bag, c->pos,
        "offset %u of the chunk: record op 0x%02x of connection %u, expected "
        "a message (0x02) of connection %u as the index says", entry->offset,
        h.op, h.conn, entry->conn);
  message->time = entry->time;
  message->conn = entry->conn;
  message->data = bag->buffer + data_off;
  message->size = data_len;
  message->chunk = bag->chunk;
  return TRUE;
}

GstTrialBagIter *
gst_trial_bag_iter_new (GstTrialBag * bag, const guint32 * conns,
    guint n_conns)
{
  GstTrialBagIter *iter;
  guint i;

  g_return_val_if_fail (bag != NULL, NULL);
  iter = g_new0 (GstTrialBagIter, 1);
  iter->bag = bag;
  if (n_conns > 0) {
    iter->conns = g_hash_table_new (NULL, NULL);
    for (i = 0; i < n_conns; i++)
      g_hash_table_add (iter->conns, GUINT_TO_POINTER (conns[i]));
  }
  return iter;
}

void
gst_trial_bag_iter_free (GstTrialBagIter * iter)
{
  if (iter == NULL)
    return;
  g_clear_pointer (&iter->conns, g_hash_table_unref);
  g_free (iter);
}

gboolean
gst_trial_bag_iter_next (GstTrialBagIter * iter, GstTrialBagMessage * message,
    GError ** error)
{
  GArray *entries;

  g_return_val_if_fail (iter != NULL && message != NULL, FALSE);
  entries = iter->bag->entries;
  while (iter->next < entries->len) {
    const GstTrialBagEntry *e = &g_array_index (entries, GstTrialBagEntry,
        iter->next);

    iter->next++;
    if (iter->conns == NULL
        || g_hash_table_contains (iter->conns, GUINT_TO_POINTER (e->conn))) {
      message->time = e->time;
      message->conn = e->conn;
      message->data = NULL;
      message->size = 0;
      message->chunk = NULL;
      return gst_trial_bag_read (iter->bag, e, message, error);
    }
  }
  return FALSE;
}

void
gst_trial_bag_iter_seek (GstTrialBagIter * iter, guint64 time)
{
  g_return_if_fail (iter != NULL);
  iter->next = gst_trial_bag_lower_bound (iter->bag, time);
}
