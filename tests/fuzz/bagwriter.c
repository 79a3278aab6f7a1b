/* gst-trial tests: the ROS bag writer (see bagwriter.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <bzlib.h>
#include <glib/gstdio.h>
#include <lz4frame.h>

#include "tests/fuzz/bagwriter.h"

/* @n little-endian bytes of @value (zeros past its 8) */
static void
put (GByteArray * a, guint64 value, guint n)
{
  guint i;

  for (i = 0; i < n; i++) {
    guint8 b = i < 8 ? value >> (8 * i) : 0;

    g_byte_array_append (a, &b, 1);
  }
}

static void
put_string (GByteArray * a, const gchar * s)
{
  put (a, strlen (s), 4);
  g_byte_array_append (a, (const guint8 *) s, strlen (s));
}

static void
put_f64 (GByteArray * a, gdouble v)
{
  guint64 bits;

  memcpy (&bits, &v, 8);
  put (a, bits, 8);
}

static void
put_f32 (GByteArray * a, gfloat v)
{
  guint32 bits;

  memcpy (&bits, &v, 4);
  put (a, bits, 4);
}

/* a header field name=value, value @n bytes */
static void
field (GByteArray * h, const gchar * name, const void *value, gsize n)
{
  put (h, strlen (name) + 1 + n, 4);
  g_byte_array_append (h, (const guint8 *) name, strlen (name));
  g_byte_array_append (h, (const guint8 *) "=", 1);
  g_byte_array_append (h, value, n);
}

static void
field_int (GByteArray * h, const gchar * name, guint64 value, guint n)
{
  guint8 b[8];
  guint i;

  for (i = 0; i < n; i++)
    b[i] = value >> (8 * i);
  field (h, name, b, n);
}

static void
field_time (GByteArray * h, const gchar * name, guint64 ns)
{
  field_int (h, name, (ns / 1000000000) | (ns % 1000000000) << 32, 8);
}

static void
record (GByteArray * out, GByteArray * header, const guint8 * data, gsize n)
{
  put (out, header->len, 4);
  g_byte_array_append (out, header->data, header->len);
  put (out, n, 4);
  g_byte_array_append (out, data, n);
  g_byte_array_free (header, TRUE);
}

static GByteArray *
op_header (guint8 op)
{
  GByteArray *h = g_byte_array_new ();

  field (h, "op", &op, 1);
  return h;
}

typedef struct
{
  const gchar *topic;
  const gchar *type;
  const gchar *md5sum;
} Conn;

static const Conn conns[] = {
  {"/file_version", "std_msgs/UInt32", "304a39449588c7f8ce2df6e8001c5fce"},
  {"/device_0/info", "diagnostic_msgs/KeyValue",
      "cf57fdc6617a881a88c16e768132149c"},
  {"/device_0/sensor_0/Depth_0/info", "realsense_msgs/StreamInfo",
      "311d7e24eac31bb87271d041bf70ff7d"},
  {"/device_0/sensor_0/Depth_0/info/camera_info", "sensor_msgs/CameraInfo",
      "c9a58c1b0b154e0e6da7578cb991d214"},
  {"/device_0/sensor_1/Color_0/tf/0", "geometry_msgs/Transform",
      "ac9eff44abf714214112b05d54a3cf9b"},
  {"/device_0/sensor_0/option/Depth_Units/value", "std_msgs/Float32",
      "73fcbf46b49191e672908e50842a83d4"},
  {"/device_0/sensor_0/Depth_0/image/data", "sensor_msgs/Image",
      "060021388200f6f0f447d0fcd9c64743"},
  {"/device_0/sensor_1/Color_0/image/data", "sensor_msgs/Image",
      "060021388200f6f0f447d0fcd9c64743"},
};

enum
{ C_VERSION, C_INFO, C_STREAM, C_CAMERA, C_TF, C_UNITS, C_DEPTH, C_COLOR };

static void
connection_record (GByteArray * out, guint id)
{
  GByteArray *h = op_header (0x07);
  GByteArray *d = g_byte_array_new ();

  field_int (h, "conn", id, 4);
  field (h, "topic", conns[id].topic, strlen (conns[id].topic));
  field (d, "topic", conns[id].topic, strlen (conns[id].topic));
  field (d, "type", conns[id].type, strlen (conns[id].type));
  field (d, "md5sum", conns[id].md5sum, 32);
  field (d, "message_definition", "", 0);
  record (out, h, d->data, d->len);
  g_byte_array_free (d, TRUE);
}

static GByteArray *
image (guint32 seq, guint64 ns, gboolean depth, guint i, gboolean trailer)
{
  GByteArray *m = g_byte_array_new ();
  guint k;

  put (m, seq, 4);
  put (m, ns / 1000000000, 4);
  put (m, ns % 1000000000, 4);
  put_string (m, trailer ? "1" : "0");
  put (m, 2, 4);                /* height */
  put (m, 4, 4);                /* width */
  put_string (m, depth ? "mono16" : "rgb8");
  put (m, 0, 1);
  put (m, depth ? 8 : 12, 4);
  put (m, depth ? 16 : 24, 4);
  for (k = 0; k < (depth ? 8u : 24u); k++) {
    if (depth)
      put (m, 1000 * i + k, 2);
    else
      put (m, (7 * i + k) & 0xff, 1);
  }
  if (trailer)
    put_f32 (m, depth ? 0.00025f : 0.0f);
  return m;
}

typedef struct
{
  guint32 conn;
  guint64 time;
  GByteArray *data;
} Msg;

static GArray *
messages (const FuzzBagSpec * spec)
{
  GArray *msgs = g_array_new (FALSE, FALSE, sizeof (Msg));
  Msg m;
  guint i;

#define STATIC(c) (m.conn = (c), m.time = 1, m.data = g_byte_array_new (), \
      g_array_append_val (msgs, m), m.data)
  put (STATIC (C_VERSION), 4, 4);
  put_string (STATIC (C_INFO), "Name");
  put_string (m.data, "Intel RealSense D435");
  put_string (STATIC (C_INFO), "Serial Number");
  put_string (m.data, "012345678901");
  put (STATIC (C_STREAM), 30, 4);
  put_string (m.data, "mono16");
  put (m.data, 1, 1);
  {
    GByteArray *c = STATIC (C_CAMERA);
    const gdouble k[9] = { 390.4314575195312, 0, 331.3878784179688, 0,
      390.4314575195312, 242.1873474121094, 0, 0, 1
    };

    put (c, 0, 12);
    put_string (c, "");
    put (c, 2, 4);
    put (c, 4, 4);
    put_string (c, "Brown Conrady");
    put (c, 5, 4);
    for (i = 0; i < 5; i++)
      put_f64 (c, 0.125 * i);
    for (i = 0; i < 9; i++)
      put_f64 (c, k[i]);
    for (i = 0; i < 9 + 12; i++)
      put_f64 (c, 0);
    put (c, 0, 4 * 6 + 1);
  }
  {
    GByteArray *t = STATIC (C_TF);
    const gdouble v[7] = { 0.01431131362915039, 0.000602306448854506,
      0.000610804301686585, -5.319880231421298e-05, 0.0064634308469817235,
      0.005154853722821664, 0.9999658465385437
    };

    for (i = 0; i < 7; i++)
      put_f64 (t, v[i]);
  }
  put_f32 (STATIC (C_UNITS), 0.0001f);
#undef STATIC
  for (i = 0; i < spec->n_frames; i++) {
    guint64 t = G_GUINT64_CONSTANT (1000000000) + i * 33000000;

    m.conn = C_DEPTH;
    m.time = t;
    m.data = image (10 + i, t, TRUE, i, spec->trailer);
    g_array_append_val (msgs, m);
    if (i + 1 == spec->n_frames)
      break;
    m.conn = C_COLOR;
    m.time = t + 4000000;
    m.data = image (50 + i, t + 4000000, FALSE, i, spec->trailer);
    g_array_append_val (msgs, m);
  }
  return msgs;
}

static GBytes *
compress (const gchar * compression, const GByteArray * in)
{
  if (g_str_equal (compression, "lz4")) {
    LZ4F_preferences_t prefs = LZ4F_INIT_PREFERENCES;
    gsize bound, n;
    guint8 *out;

    prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    bound = LZ4F_compressFrameBound (in->len, &prefs);
    out = g_malloc (bound);
    n = LZ4F_compressFrame (out, bound, in->data, in->len, &prefs);
    g_assert (!LZ4F_isError (n));
    return g_bytes_new_take (out, n);
  }
  if (g_str_equal (compression, "bz2")) {
    guint n = in->len + in->len / 100 + 600;
    gchar *out = g_malloc (n);

    g_assert (BZ2_bzBuffToBuffCompress (out, &n, (gchar *) in->data, in->len,
            9, 0, 0) == BZ_OK);
    return g_bytes_new_take (out, n);
  }
  return g_bytes_new (in->data, in->len);
}

GBytes *
fuzz_make_bag (const FuzzBagSpec * spec)
{
  GByteArray *out = g_byte_array_new ();
  GByteArray *index = g_byte_array_new ();      /* chunk infos */
  GArray *msgs = messages (spec);
  gboolean seen[G_N_ELEMENTS (conns)] = { FALSE };
  guint n_chunks = 0, i = 0, c;
  guint64 index_pos;
  GByteArray *h;
  guint index_pos_at, chunk_count_at;

  g_byte_array_append (out, (const guint8 *) "#ROSBAG V2.0\n", 13);
  h = op_header (0x03);
  /* where the values patched at the end are: after the magic, the header
   * length and the field's own length and name */
  index_pos_at = 13 + 4 + h->len + 4 + strlen ("index_pos=");
  field_int (h, "index_pos", 0, 8);
  field_int (h, "conn_count", G_N_ELEMENTS (conns), 4);
  chunk_count_at = 13 + 4 + h->len + 4 + strlen ("chunk_count=");
  field_int (h, "chunk_count", 0, 4);
  {
    /* padded so header + data = 4096, like rosbag */
    guint pad = 4096 - h->len;
    guint8 *spaces = g_malloc (pad);

    memset (spaces, ' ', pad);
    record (out, h, spaces, pad);
    g_free (spaces);
  }
  g_assert (out->len == FUZZ_BAG_FIRST_CHUNK);

  while (i < msgs->len) {
    GByteArray *chunk = g_byte_array_new ();
    GArray *offsets[G_N_ELEMENTS (conns)];
    guint64 start = G_MAXUINT64, end = 0, chunk_pos;
    guint images = 0, n_in = 0;
    GBytes *data;

    for (c = 0; c < G_N_ELEMENTS (conns); c++)
      offsets[c] = g_array_new (FALSE, FALSE, sizeof (guint64) * 2);
    for (; i < msgs->len; i++) {
      Msg *m = &g_array_index (msgs, Msg, i);
      guint64 entry[2];
      GByteArray *mh;

      if (m->conn >= C_DEPTH && images == spec->frames_per_chunk)
        break;
      if (!seen[m->conn]) {
        connection_record (chunk, m->conn);
        seen[m->conn] = TRUE;
      }
      entry[0] = m->time;
      entry[1] = chunk->len;
      g_array_append_val (offsets[m->conn], entry);
      mh = op_header (0x02);
      field_int (mh, "conn", m->conn, 4);
      field_time (mh, "time", m->time);
      record (chunk, mh, m->data->data, m->data->len);
      start = MIN (start, m->time);
      end = MAX (end, m->time);
      images += m->conn >= C_DEPTH;
    }
    data = compress (spec->compression, chunk);
    chunk_pos = out->len + spec->gap;
    h = op_header (0x05);
    field (h, "compression", spec->compression, strlen (spec->compression));
    field_int (h, "size", chunk->len, 4);
    record (out, h, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
    g_bytes_unref (data);
    g_byte_array_free (chunk, TRUE);

    for (c = 0; c < G_N_ELEMENTS (conns); c++) {
      GByteArray *d = g_byte_array_new ();
      guint k;

      if (offsets[c]->len > 0) {
        for (k = 0; k < offsets[c]->len; k++) {
          guint64 *e = &g_array_index (offsets[c], guint64, 2 * k);

          put (d, e[0] / 1000000000, 4);
          put (d, e[0] % 1000000000, 4);
          put (d, e[1], 4);
        }
        h = op_header (0x04);
        field_int (h, "ver", 1, 4);
        field_int (h, "conn", c, 4);
        field_int (h, "count", offsets[c]->len, 4);
        record (out, h, d->data, d->len);
        n_in++;
      }
      g_byte_array_free (d, TRUE);
    }
    h = op_header (0x06);
    field_int (h, "ver", 1, 4);
    field_int (h, "chunk_pos", chunk_pos, 8);
    field_time (h, "start_time", start);
    field_time (h, "end_time", end);
    field_int (h, "count", n_in, 4);
    {
      GByteArray *d = g_byte_array_new ();

      for (c = 0; c < G_N_ELEMENTS (conns); c++) {
        if (offsets[c]->len > 0) {
          put (d, c, 4);
          put (d, offsets[c]->len, 4);
        }
        g_array_unref (offsets[c]);
      }
      record (index, h, d->data, d->len);
      g_byte_array_free (d, TRUE);
    }
    n_chunks++;
  }

  index_pos = out->len + spec->gap;
  if (!spec->interrupted) {
    for (c = 0; c < G_N_ELEMENTS (conns); c++)
      connection_record (out, c);
    g_byte_array_append (out, index->data, index->len);
    for (c = 0; c < 8; c++)
      out->data[index_pos_at + c] = index_pos >> (8 * c);
    for (c = 0; c < 4; c++)
      out->data[chunk_count_at + c] = n_chunks >> (8 * c);
  }
  g_byte_array_free (index, TRUE);
  for (i = 0; i < msgs->len; i++)
    g_byte_array_free (g_array_index (msgs, Msg, i).data, TRUE);
  g_array_unref (msgs);
  return g_byte_array_free_to_bytes (out);
}

gboolean
fuzz_bag_write (const gchar * path, GBytes * bag, guint64 gap,
    GError ** error)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bag, &size);
  gint fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  gboolean ok;

  if (fd < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot create '%s': %s", path, g_strerror (errno));
    return FALSE;
  }
  ok = pwrite (fd, data, FUZZ_BAG_FIRST_CHUNK, 0) == FUZZ_BAG_FIRST_CHUNK
      && pwrite (fd, data + FUZZ_BAG_FIRST_CHUNK, size - FUZZ_BAG_FIRST_CHUNK,
      FUZZ_BAG_FIRST_CHUNK + gap) == (gssize) (size - FUZZ_BAG_FIRST_CHUNK);
  if (!ok)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "cannot write '%s': %s", path, g_strerror (errno));
  close (fd);
  return ok;
}
