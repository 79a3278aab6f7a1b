/* gst-trial: the RealSense recording scheme (see rsbag.h).
 *
 * The messages are ROS1-serialized: little-endian scalars, strings and
 * variable arrays as uint32 length + elements. A Reader walks one message
 * and turns any overrun into a single error at the end. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gst/trial/error.h"
#include "gst/trial/rsbag.h"

#define TYPE_IMAGE "sensor_msgs/Image"
#define TYPE_CAMERA_INFO "sensor_msgs/CameraInfo"
#define TYPE_KEY_VALUE "diagnostic_msgs/KeyValue"
#define TYPE_STREAM_INFO "realsense_msgs/StreamInfo"
#define TYPE_TRANSFORM "geometry_msgs/Transform"
#define TYPE_FLOAT32 "std_msgs/Float32"
#define TYPE_UINT32 "std_msgs/UInt32"

struct _GstTrialRsBag
{
  GstTrialBag *bag;
  guint32 file_version;
  GPtrArray *streams;           /* GstTrialRsStream */
  GPtrArray *device_info;       /* per device: GPtrArray of key, value */
  GArray *devices;              /* guint: devices with a stream, ascending */
};

typedef struct
{
  const guint8 *p;
  gsize left;
  gboolean overrun;
} Reader;

static const guint8 *
take (Reader * r, gsize n)
{
  const guint8 *p = r->p;

  if (r->overrun || n > r->left) {
    r->overrun = TRUE;
    return NULL;
  }
  r->p += n;
  r->left -= n;
  return p;
}

static guint32
read_u32 (Reader * r)
{
  const guint8 *p = take (r, 4);

  return p == NULL ? 0 : (guint32) p[0] | (guint32) p[1] << 8 |
      (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static guint8
read_u8 (Reader * r)
{
  const guint8 *p = take (r, 1);

  return p == NULL ? 0 : p[0];
}

static gdouble
read_f64 (Reader * r)
{
  const guint8 *p = take (r, 8);
  guint64 bits = 0;
  gdouble v;
  gint i;

  if (p == NULL)
    return 0;
  for (i = 7; i >= 0; i--)
    bits = bits << 8 | p[i];
  memcpy (&v, &bits, sizeof (v));
  return v;
}

static gfloat
read_f32 (Reader * r)
{
  guint32 bits = read_u32 (r);
  gfloat v;

  memcpy (&v, &bits, sizeof (v));
  return v;
}

/* a string as a pointer into the message and its length */
static const gchar *
read_string (Reader * r, guint32 * len)
{
  *len = read_u32 (r);
  return (const gchar *) take (r, *len);
}

static gchar *
read_dup_string (Reader * r)
{
  guint32 len;
  const gchar *s = read_string (r, &len);

  return s == NULL ? NULL : g_strndup (s, len);
}

static gboolean
reader_done (Reader * r, const gchar * what, const gchar * type,
    gboolean exact, GError ** error)
{
  if (r->overrun)
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "%s: the %s message is cut short", what, type);
  else if (exact && r->left != 0)
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "%s: %" G_GSIZE_FORMAT " bytes after the end of the %s message",
        what, r->left, type);
  else
    return TRUE;
  return FALSE;
}

static void
stream_free (gpointer data)
{
  GstTrialRsStream *s = data;

  g_free (s->name);
  g_free (s->image_topic);
  g_free (s->encoding);
  g_free (s->intrinsics.distortion_model);
  g_free (s->intrinsics.d);
  g_free (s);
}

/* The newest message of @topic (of @type), or FALSE with @error unset if
 * there is none. */
static gboolean
read_static (GstTrialRsBag * rs, const gchar * topic, const gchar * type,
    GstTrialBagMessage * message, GError ** error)
{
  const GstTrialBagConnection *conn =
      gst_trial_bag_find_topic (rs->bag, topic);
  g_autoptr (GstTrialBagIter) iter = NULL;
  GstTrialBagMessage m;
  gboolean found = FALSE;

  if (conn == NULL)
    return FALSE;
  if (!g_str_equal (conn->type, type)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "topic '%s' has type '%s', expected '%s'", topic, conn->type, type);
    return FALSE;
  }
  /* static topics have one message at bag time (0, 1): take the first */
  iter = gst_trial_bag_iter_new (rs->bag, &conn->id, 1);
  found = gst_trial_bag_iter_next (iter, &m, error);
  if (found)
    *message = m;
  return found;
}

/* librealsense's quat2rot: R column-major (r[col * 3 + row]), in double */
static void
quaternion_to_matrix (const gdouble q[4], gdouble r[9])
{
  gdouble x = q[0], y = q[1], z = q[2], w = q[3];

  r[0] = 1 - 2 * y * y - 2 * z * z;
  r[1] = 2 * x * y + 2 * z * w;
  r[2] = 2 * x * z - 2 * y * w;
  r[3] = 2 * x * y - 2 * z * w;
  r[4] = 1 - 2 * x * x - 2 * z * z;
  r[5] = 2 * y * z + 2 * x * w;
  r[6] = 2 * x * z + 2 * y * w;
  r[7] = 2 * y * z - 2 * x * w;
  r[8] = 1 - 2 * x * x - 2 * y * y;
}

static gboolean
read_stream_static (GstTrialRsBag * rs, GstTrialRsStream * s,
    const gchar * prefix, GError ** error)
{
  g_autofree gchar *topic = NULL;
  GstTrialBagMessage m;
  Reader r;
  guint i;

  topic = g_strdup_printf ("%s/info", prefix);
  if (read_static (rs, topic, TYPE_STREAM_INFO, &m, error)) {
    r = (Reader) { m.data, m.size, FALSE };
    s->fps = read_u32 (&r);
    s->encoding = read_dup_string (&r);
    s->is_recommended = read_u8 (&r) != 0;
    if (!reader_done (&r, topic, TYPE_STREAM_INFO, FALSE, error))
      return FALSE;
    s->has_info = TRUE;
  } else if (*error != NULL)
    return FALSE;

  g_free (topic);
  topic = g_strdup_printf ("%s/info/camera_info", prefix);
  if (read_static (rs, topic, TYPE_CAMERA_INFO, &m, error)) {
    GstTrialRsIntrinsics *in = &s->intrinsics;
    guint32 len, n_d;

    r = (Reader) { m.data, m.size, FALSE };
    take (&r, 12);              /* header seq, stamp */
    read_string (&r, &len);     /* header frame_id */
    in->height = read_u32 (&r);
    in->width = read_u32 (&r);
    in->distortion_model = read_dup_string (&r);
    n_d = read_u32 (&r);
    if (n_d > r.left / 8)
      r.overrun = TRUE;
    else {
      in->n_d = n_d;
      in->d = g_new0 (gdouble, MAX (n_d, 1));
      for (i = 0; i < n_d; i++)
        in->d[i] = read_f64 (&r);
    }
    for (i = 0; i < 9; i++)
      in->k[i] = read_f64 (&r);
    if (!reader_done (&r, topic, TYPE_CAMERA_INFO, FALSE, error))
      return FALSE;
    in->fx = in->k[0];
    in->fy = in->k[4];
    in->ppx = in->k[2];
    in->ppy = in->k[5];
    s->has_intrinsics = TRUE;
  } else if (*error != NULL)
    return FALSE;

  /* tf/<group>: the lowest group present */
  for (i = 0; i < gst_trial_bag_get_n_connections (rs->bag); i++) {
    const GstTrialBagConnection *conn =
        gst_trial_bag_get_connection (rs->bag, i);
    g_autofree gchar *tf = g_strdup_printf ("%s/tf/", prefix);
    const gchar *rest;
    gchar *end;
    guint64 group;

    if (!g_str_has_prefix (conn->topic, tf))
      continue;
    rest = conn->topic + strlen (tf);
    group = g_ascii_strtoull (rest, &end, 10);
    if (end == rest || *end != '\0' || group > G_MAXUINT
        || (s->has_extrinsics && group >= s->extrinsics.group))
      continue;
    if (!read_static (rs, conn->topic, TYPE_TRANSFORM, &m, error)) {
      if (*error != NULL)
        return FALSE;
      continue;
    }
    r = (Reader) { m.data, m.size, FALSE };
    s->extrinsics.group = group;
    for (guint j = 0; j < 3; j++)
      s->extrinsics.translation[j] = read_f64 (&r);
    for (guint j = 0; j < 4; j++)
      s->extrinsics.quaternion[j] = read_f64 (&r);
    if (!reader_done (&r, conn->topic, TYPE_TRANSFORM, TRUE, error))
      return FALSE;
    quaternion_to_matrix (s->extrinsics.quaternion, s->extrinsics.rotation);
    s->has_extrinsics = TRUE;
  }

  for (i = 0; i < 2; i++) {
    g_free (topic);
    topic = g_strdup_printf ("/device_%u/sensor_%u/option/%s/value",
        s->device, s->sensor, i == 0 ? "Depth_Units" : "Depth Units");
    if (read_static (rs, topic, TYPE_FLOAT32, &m, error)) {
      r = (Reader) { m.data, m.size, FALSE };
      s->depth_units = read_f32 (&r);
      if (!reader_done (&r, topic, TYPE_FLOAT32, TRUE, error))
        return FALSE;
      s->has_depth_units = TRUE;
      break;
    } else if (*error != NULL)
      return FALSE;
  }
  return TRUE;
}

static gint
compare_streams (gconstpointer a, gconstpointer b)
{
  const GstTrialRsStream *sa = *(GstTrialRsStream * const *) a;
  const GstTrialRsStream *sb = *(GstTrialRsStream * const *) b;

  if (sa->kind != sb->kind)
    return sa->kind < sb->kind ? -1 : 1;
  if (sa->device != sb->device)
    return sa->device < sb->device ? -1 : 1;
  if (sa->sensor != sb->sensor)
    return sa->sensor < sb->sensor ? -1 : 1;
  return sa->index < sb->index ? -1 : sa->index > sb->index;
}

static gint
compare_devices (gconstpointer a, gconstpointer b)
{
  guint da = *(const guint *) a, db = *(const guint *) b;

  return da < db ? -1 : da > db;
}

static gboolean
read_device_info (GstTrialRsBag * rs, GError ** error)
{
  g_autoptr (GRegex) regex = g_regex_new ("^/device_(\\d{1,3})/info$", 0, 0,
      NULL);
  guint i;

  rs->device_info = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_ptr_array_unref);
  for (i = 0; i < gst_trial_bag_get_n_connections (rs->bag); i++) {
    const GstTrialBagConnection *conn =
        gst_trial_bag_get_connection (rs->bag, i);
    g_autoptr (GstTrialBagIter) iter = NULL;
    g_autoptr (GMatchInfo) match = NULL;
    g_autofree gchar *number = NULL;
    GstTrialBagMessage m;
    guint device;

    if (!g_regex_match (regex, conn->topic, 0, &match))
      continue;
    number = g_match_info_fetch (match, 1);
    device = atoi (number);
    if (!g_str_equal (conn->type, TYPE_KEY_VALUE)) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "topic '%s' has type '%s', expected '%s'", conn->topic, conn->type,
          TYPE_KEY_VALUE);
      return FALSE;
    }
    while (rs->device_info->len <= device)
      g_ptr_array_add (rs->device_info, g_ptr_array_new_with_free_func
          (g_free));
    iter = gst_trial_bag_iter_new (rs->bag, &conn->id, 1);
    while (gst_trial_bag_iter_next (iter, &m, error)) {
      Reader r = { m.data, m.size, FALSE };
      gchar *key = read_dup_string (&r), *value = read_dup_string (&r);
      GPtrArray *kv = g_ptr_array_index (rs->device_info, device);

      if (!reader_done (&r, conn->topic, TYPE_KEY_VALUE, TRUE, error)) {
        g_free (key);
        g_free (value);
        return FALSE;
      }
      g_ptr_array_add (kv, key);
      g_ptr_array_add (kv, value);
    }
    if (*error != NULL)
      return FALSE;
  }
  return TRUE;
}

static gboolean
read_scheme (GstTrialRsBag * rs, GError ** error)
{
  GstTrialBag *bag = rs->bag;
  g_autoptr (GRegex) regex = NULL;
  g_autoptr (GError) local = NULL;
  const GstTrialBagEntry *entries;
  gsize n_entries, i;
  GstTrialBagMessage m;

  regex = g_regex_new ("^/device_(\\d{1,9})/sensor_(\\d{1,9})/"
      "(Depth|Color)_(\\d{1,9})/image/data$", 0, 0, NULL);

  for (i = 0; i < gst_trial_bag_get_n_connections (bag); i++) {
    const GstTrialBagConnection *conn = gst_trial_bag_get_connection (bag, i);
    g_autoptr (GMatchInfo) match = NULL;
    GstTrialRsStream *s;
    g_autofree gchar *kind = NULL, *d = NULL, *se = NULL, *idx = NULL;
    g_autofree gchar *prefix = NULL;

    if (!g_regex_match (regex, conn->topic, 0, &match))
      continue;
    if (!g_str_equal (conn->type, TYPE_IMAGE)) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "topic '%s' has type '%s', expected '%s'", conn->topic, conn->type,
          TYPE_IMAGE);
      return FALSE;
    }
    d = g_match_info_fetch (match, 1);
    se = g_match_info_fetch (match, 2);
    kind = g_match_info_fetch (match, 3);
    idx = g_match_info_fetch (match, 4);
    s = g_new0 (GstTrialRsStream, 1);
    s->kind = g_str_equal (kind, "Depth") ? GST_TRIAL_RS_STREAM_DEPTH :
        GST_TRIAL_RS_STREAM_COLOR;
    s->device = atoi (d);
    s->sensor = atoi (se);
    s->index = atoi (idx);
    s->name = g_strdup_printf ("%s_%s", kind, idx);
    s->image_topic = g_strdup (conn->topic);
    s->image_conn = conn->id;
    g_ptr_array_add (rs->streams, s);
    prefix = g_strndup (conn->topic, strlen (conn->topic) -
        strlen ("/image/data"));
    if (!read_stream_static (rs, s, prefix, error))
      return FALSE;
  }
  if (rs->streams->len == 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES,
        "no RealSense Depth or Color image stream in the bag (expected a "
        "topic /device_<d>/sensor_<s>/Depth_<i>/image/data or Color_<i>)");
    return FALSE;
  }
  g_ptr_array_sort (rs->streams, compare_streams);
  for (i = 0; i < rs->streams->len; i++) {
    const GstTrialRsStream *s = g_ptr_array_index (rs->streams, i);
    guint j;

    for (j = 0; j < rs->devices->len; j++)
      if (g_array_index (rs->devices, guint, j) == s->device)
        break;
    if (j == rs->devices->len)
      g_array_append_val (rs->devices, s->device);
  }
  g_array_sort (rs->devices, compare_devices);

  entries = gst_trial_bag_get_entries (bag, &n_entries);
  for (i = 0; i < n_entries; i++) {
    guint j;

    for (j = 0; j < rs->streams->len; j++) {
      GstTrialRsStream *s = g_ptr_array_index (rs->streams, j);

      if (s->image_conn != entries[i].conn)
        continue;
      if (s->n_frames == 0)
        s->first_time = entries[i].time;
      s->last_time = entries[i].time;
      s->n_frames++;
    }
  }

  if (read_static (rs, "/file_version", TYPE_UINT32, &m, &local)) {
    Reader r = { m.data, m.size, FALSE };

    rs->file_version = read_u32 (&r);
    reader_done (&r, "/file_version", TYPE_UINT32, TRUE, &local);
  }
  if (local == NULL)
    read_device_info (rs, &local);
  if (local != NULL) {
    g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
  return TRUE;
}

GstTrialRsBag *
gst_trial_rs_bag_new (GstTrialBag * bag, GError ** error)
{
  g_autoptr (GstTrialRsBag) rs = g_new0 (GstTrialRsBag, 1);
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (bag != NULL, NULL);
  rs->bag = bag;
  rs->streams = g_ptr_array_new_with_free_func (stream_free);
  rs->devices = g_array_new (FALSE, FALSE, sizeof (guint));
  if (read_scheme (rs, &local))
    return g_steal_pointer (&rs);
  /* errors of bag.c name the file and offset already */
  if (g_str_has_prefix (local->message, "bag '"))
    g_propagate_error (error, g_steal_pointer (&local));
  else
    g_set_error (error, GST_TRIAL_ERROR, local->code, "bag '%s': %s",
        gst_trial_bag_get_name (bag), local->message);
  return NULL;
}

GstTrialRsBag *
gst_trial_rs_bag_open (const gchar * path, GError ** error)
{
  GstTrialBag *bag = gst_trial_bag_open (path, error);

  return bag != NULL ? gst_trial_rs_bag_new (bag, error) : NULL;
}

void
gst_trial_rs_bag_free (GstTrialRsBag * rs)
{
  if (rs == NULL)
    return;
  g_clear_pointer (&rs->streams, g_ptr_array_unref);
  g_clear_pointer (&rs->device_info, g_ptr_array_unref);
  g_clear_pointer (&rs->devices, g_array_unref);
  gst_trial_bag_free (rs->bag);
  g_free (rs);
}

GstTrialBag *
gst_trial_rs_bag_get_bag (GstTrialRsBag * rs)
{
  g_return_val_if_fail (rs != NULL, NULL);
  return rs->bag;
}

guint32
gst_trial_rs_bag_get_file_version (GstTrialRsBag * rs)
{
  g_return_val_if_fail (rs != NULL, 0);
  return rs->file_version;
}

guint
gst_trial_rs_bag_get_n_streams (GstTrialRsBag * rs)
{
  g_return_val_if_fail (rs != NULL, 0);
  return rs->streams->len;
}

const GstTrialRsStream *
gst_trial_rs_bag_get_stream (GstTrialRsBag * rs, guint i)
{
  g_return_val_if_fail (rs != NULL && i < rs->streams->len, NULL);
  return g_ptr_array_index (rs->streams, i);
}

const GstTrialRsStream *
gst_trial_rs_bag_find_stream (GstTrialRsBag * rs, GstTrialRsStreamKind kind)
{
  guint i;

  g_return_val_if_fail (rs != NULL, NULL);
  for (i = 0; i < rs->streams->len; i++) {
    const GstTrialRsStream *s = g_ptr_array_index (rs->streams, i);

    if (s->kind == kind)
      return s;
  }
  return NULL;
}

const guint *
gst_trial_rs_bag_get_devices (GstTrialRsBag * rs, guint * n_devices)
{
  g_return_val_if_fail (rs != NULL && n_devices != NULL, NULL);
  *n_devices = rs->devices->len;
  return (const guint *) rs->devices->data;
}

gchar *
gst_trial_rs_bag_stream_name (GstTrialRsBag * rs,
    const GstTrialRsStream * stream)
{
  g_return_val_if_fail (rs != NULL && stream != NULL, NULL);
  if (rs->devices->len <= 1)
    return g_strdup (stream->name);
  return g_strdup_printf ("device_%u/%s", stream->device, stream->name);
}

gchar *
gst_trial_rs_bag_describe_streams (GstTrialRsBag * rs)
{
  GString *text = g_string_new (NULL);
  guint i;

  g_return_val_if_fail (rs != NULL, NULL);
  for (i = 0; i < rs->streams->len; i++) {
    g_autofree gchar *name = gst_trial_rs_bag_stream_name (rs,
        g_ptr_array_index (rs->streams, i));

    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", name);
  }
  return g_string_free (text, FALSE);
}

const GstTrialRsStream *
gst_trial_rs_bag_lookup_stream (GstTrialRsBag * rs, const gchar * name)
{
  guint i;

  g_return_val_if_fail (rs != NULL && name != NULL, NULL);
  for (i = 0; i < rs->streams->len; i++) {
    const GstTrialRsStream *s = g_ptr_array_index (rs->streams, i);
    g_autofree gchar *full = g_strdup_printf ("device_%u/%s", s->device,
        s->name);

    if (g_str_equal (name, full)
        || (rs->devices->len <= 1 && g_str_equal (name, s->name)))
      return s;
  }
  return NULL;
}

const GstTrialRsStream *
gst_trial_rs_bag_first_stream (GstTrialRsBag * rs, GstTrialRsStreamKind kind,
    guint device)
{
  guint i;

  g_return_val_if_fail (rs != NULL, NULL);
  for (i = 0; i < rs->streams->len; i++) {
    const GstTrialRsStream *s = g_ptr_array_index (rs->streams, i);

    if (s->kind == kind && s->device == device)
      return s;
  }
  return NULL;
}

const GstTrialRsStream *
gst_trial_rs_bag_find_conn (GstTrialRsBag * rs, guint32 conn)
{
  guint i;

  g_return_val_if_fail (rs != NULL, NULL);
  for (i = 0; i < rs->streams->len; i++) {
    const GstTrialRsStream *s = g_ptr_array_index (rs->streams, i);

    if (s->image_conn == conn)
      return s;
  }
  return NULL;
}

const gchar *
gst_trial_rs_bag_get_device_info (GstTrialRsBag * rs, guint device,
    const gchar * key)
{
  GPtrArray *kv;
  guint i;

  g_return_val_if_fail (rs != NULL && key != NULL, NULL);
  if (device >= rs->device_info->len)
    return NULL;
  kv = g_ptr_array_index (rs->device_info, device);
  for (i = 0; i + 1 < kv->len; i += 2) {
    if (g_str_equal (g_ptr_array_index (kv, i), key))
      return g_ptr_array_index (kv, i + 1);
  }
  return NULL;
}

GStrv
gst_trial_rs_bag_list_device_info (GstTrialRsBag * rs, guint device)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  guint i;

  g_return_val_if_fail (rs != NULL, NULL);
  if (device < rs->device_info->len) {
    GPtrArray *kv = g_ptr_array_index (rs->device_info, device);

    for (i = 0; i + 1 < kv->len; i += 2)
      g_strv_builder_add (builder, g_ptr_array_index (kv, i));
  }
  return g_strv_builder_end (builder);
}

GstTrialBagIter *
gst_trial_rs_bag_iter_new (GstTrialRsBag * rs,
    const GstTrialRsStream * const *streams, guint n_streams)
{
  g_autofree guint32 *conns = NULL;
  guint i;

  g_return_val_if_fail (rs != NULL && streams != NULL && n_streams > 0,
      NULL);
  conns = g_new (guint32, n_streams);
  for (i = 0; i < n_streams; i++)
    conns[i] = streams[i]->image_conn;
  return gst_trial_bag_iter_new (rs->bag, conns, n_streams);
}

static const struct
{
  const gchar *name;
  GstTrialRsEncoding encoding;
  guint bytes_per_pixel;
} encodings[] = {
  {"mono16", GST_TRIAL_RS_ENCODING_MONO16, 2},
  {"rgb8", GST_TRIAL_RS_ENCODING_RGB8, 3},
  {"bgr8", GST_TRIAL_RS_ENCODING_BGR8, 3},
  {"rgba8", GST_TRIAL_RS_ENCODING_RGBA8, 4},
  {"bgra8", GST_TRIAL_RS_ENCODING_BGRA8, 4},
  {"yuv422", GST_TRIAL_RS_ENCODING_UYVY, 2},
  {"YUYV", GST_TRIAL_RS_ENCODING_YUYV, 2},
};

gboolean
gst_trial_rs_image_parse (const guint8 * data, gsize size,
    const gchar * what, GstTrialRsImage * image, GError ** error)
{
  Reader r = { data, size, FALSE };
  const gchar *frame_id, *encoding;
  guint32 frame_id_len, encoding_len, n, sec, nsec;
  guint8 big_endian;
  guint i;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (what != NULL && image != NULL, FALSE);

  memset (image, 0, sizeof (*image));
  image->seq = read_u32 (&r);
  sec = read_u32 (&r);
  nsec = read_u32 (&r);
  image->stamp = (guint64) sec * 1000000000 + nsec;
  frame_id = read_string (&r, &frame_id_len);
  image->height = read_u32 (&r);
  image->width = read_u32 (&r);
  encoding = read_string (&r, &encoding_len);
  big_endian = read_u8 (&r);
  image->step = read_u32 (&r);
  n = read_u32 (&r);
  image->data = take (&r, n);
  image->size = n;
  if (!reader_done (&r, what, TYPE_IMAGE, FALSE, error))
    return FALSE;
  g_strlcpy (image->frame_id, frame_id,
      MIN (frame_id_len + 1, sizeof (image->frame_id)));
  if (memchr (image->frame_id, '\0', MIN (frame_id_len,
              sizeof (image->frame_id) - 1)) != NULL)
    image->frame_id[0] = '\0';

  for (i = 0; i < G_N_ELEMENTS (encodings); i++) {
    if (strlen (encodings[i].name) == encoding_len
        && memcmp (encodings[i].name, encoding, encoding_len) == 0)
      break;
  }
  if (i == G_N_ELEMENTS (encodings)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "%s: image encoding '%.*s' is not supported (expected mono16, rgb8, "
        "bgr8, rgba8, bgra8, yuv422 or YUYV)", what, (int) MIN (encoding_len,
            64), encoding);
    return FALSE;
  }
  image->encoding = encodings[i].encoding;
  image->bytes_per_pixel = encodings[i].bytes_per_pixel;

  if (image->width == 0 || image->height == 0
      || image->width > GST_TRIAL_MAX_DIMENSION
      || image->height > GST_TRIAL_MAX_DIMENSION) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "%s: image of %ux%u, expected 1 to %u pixels each way", what,
        image->width, image->height, GST_TRIAL_MAX_DIMENSION);
    return FALSE;
  }
  if (big_endian && image->bytes_per_pixel == 2
      && image->encoding == GST_TRIAL_RS_ENCODING_MONO16) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "%s: big-endian mono16 image, expected little-endian", what);
    return FALSE;
  }
  if ((image->encoding == GST_TRIAL_RS_ENCODING_UYVY
          || image->encoding == GST_TRIAL_RS_ENCODING_YUYV)
      && image->width % 2 != 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH,
        "%s: %.*s image of odd width %u, expected an even width", what,
        (int) encoding_len, encoding, image->width);
    return FALSE;
  }
  if (image->step < (guint64) image->width * image->bytes_per_pixel
      || (guint64) image->step * image->height != n) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH,
        "%s: %.*s image of %ux%u with step %u and %u data bytes, expected "
        "step >= %" G_GUINT64_FORMAT " and step x height data bytes", what,
        (int) encoding_len, encoding, image->width, image->height,
        image->step, n, (guint64) image->width * image->bytes_per_pixel);
    return FALSE;
  }
  if (r.left == 4) {
    image->has_depth_scale = TRUE;
    image->depth_scale = read_f32 (&r);
  } else if (r.left != 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "%s: %" G_GSIZE_FORMAT " bytes after the image data, expected none "
        "or a 4-byte depth scale", what, r.left);
    return FALSE;
  }
  return TRUE;
}

void
gst_trial_rs_image_copy (const GstTrialRsImage * image, guint8 * dest,
    gsize dest_stride)
{
  gsize row = (gsize) image->width * image->bytes_per_pixel;
  guint y;

  g_return_if_fail (image != NULL && dest != NULL);
  g_return_if_fail (dest_stride >= row);
  for (y = 0; y < image->height; y++)
    memcpy (dest + y * dest_stride, image->data + (gsize) y * image->step,
        row);
}

gdouble
gst_trial_rs_depth_scale (const GstTrialRsStream * stream,
    const GstTrialRsImage * image)
{
  g_return_val_if_fail (stream != NULL && image != NULL, 0);
  if (image->has_depth_scale && image->depth_scale > 0
      && isfinite (image->depth_scale))
    return image->depth_scale;
  if (stream->has_depth_units && stream->depth_units > 0
      && isfinite (stream->depth_units))
    return stream->depth_units;
  return 0.001;
}

gboolean
gst_trial_rs_depth_to_color (const GstTrialRsStream * depth,
    const GstTrialRsStream * color, gdouble rotation[9],
    gdouble translation[3])
{
  const GstTrialRsExtrinsics *d, *c;
  guint row, col, k;

  g_return_val_if_fail (depth != NULL && color != NULL, FALSE);
  if (!depth->has_extrinsics || !color->has_extrinsics
      || depth->extrinsics.group != color->extrinsics.group)
    return FALSE;
  d = &depth->extrinsics;
  c = &color->extrinsics;
  for (col = 0; col < 3; col++)
    for (row = 0; row < 3; row++) {
      gdouble sum = 0.0;

      /* (Rc Rd^T)[row][col] = sum_k Rc[row][k] Rd[col][k] */
      for (k = 0; k < 3; k++)
        sum += c->rotation[k * 3 + row] * d->rotation[k * 3 + col];
      rotation[col * 3 + row] = sum;
    }
  for (row = 0; row < 3; row++) {
    translation[row] = c->translation[row];
    for (k = 0; k < 3; k++)
      translation[row] -= rotation[k * 3 + row] * d->translation[k];
  }
  return TRUE;
}
