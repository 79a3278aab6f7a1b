/* gst-trial: the RealSense recording scheme on top of a ROS bag (bag.h).
 *
 * librealsense (rs2::recorder, RealSense Viewer) writes a device's streams
 * under /device_<d>/sensor_<s>/<Stream>_<i>/: `info` (StreamInfo: fps,
 * encoding), `info/camera_info` (intrinsics), `tf/<g>` (extrinsics from
 * the group's reference stream) and `image/data` (sensor_msgs/Image);
 * the sensor's depth units are the option `Depth_Units` (or `Depth Units`);
 * /device_<d>/info holds KeyValues (Name, Serial Number, ...).
 * gst_trial_rs_bag_open() finds every Depth_* and Color_* image stream by
 * topic pattern and reads their static information; frames are then read
 * in time order with gst_trial_rs_bag_iter_new() and decoded by
 * gst_trial_rs_image_parse(). All floating-point values are kept at the
 * precision of the file (float64 for CameraInfo and Transform). */
#pragma once

#include <glib.h>
#include "gst/trial/bag.h"

G_BEGIN_DECLS

typedef enum
{
  GST_TRIAL_RS_STREAM_DEPTH,
  GST_TRIAL_RS_STREAM_COLOR,
} GstTrialRsStreamKind;

/* sensor_msgs/CameraInfo, the fields librealsense fills: K = fx 0 ppx /
 * 0 fy ppy / 0 0 1, D the distortion coefficients of @distortion_model
 * (librealsense writes 5: Brown-Conrady k1 k2 p1 p2 k3 and its variants). */
typedef struct
{
  guint32 width;
  guint32 height;
  gchar *distortion_model;
  gdouble *d;                   /* n_d coefficients */
  guint n_d;
  gdouble k[9];
  gdouble fx, fy, ppx, ppy;     /* k[0], k[4], k[2], k[5] */
} GstTrialRsIntrinsics;

/* geometry_msgs/Transform of tf/<group>: a point p in metres of the
 * group's reference stream maps to this stream as R p + t, R from the unit
 * quaternion (x, y, z, w). @rotation is R as librealsense's quat2rot
 * makes it, column-major (rotation[col * 3 + row]), computed in double. */
typedef struct
{
  guint group;
  gdouble translation[3];
  gdouble quaternion[4];        /* x, y, z, w as in the file */
  gdouble rotation[9];
} GstTrialRsExtrinsics;

typedef struct
{
  GstTrialRsStreamKind kind;
  gchar *name;                  /* "Depth_0", "Color_0" */
  guint device, sensor, index;
  gchar *image_topic;           /* .../image/data */
  guint32 image_conn;
  guint64 n_frames;             /* image messages in the index */
  guint64 first_time, last_time;        /* bag times (ns) of the frames */

  gboolean has_info;            /* StreamInfo */
  guint32 fps;
  gchar *encoding;
  gboolean is_recommended;

  gboolean has_intrinsics;
  GstTrialRsIntrinsics intrinsics;

  gboolean has_extrinsics;
  GstTrialRsExtrinsics extrinsics;

  gboolean has_depth_units;     /* the sensor's Depth_Units option */
  gdouble depth_units;          /* metres per depth unit (float32 in file) */
} GstTrialRsStream;

typedef struct _GstTrialRsBag GstTrialRsBag;

/* Opens the bag at @path and reads the RealSense scheme; fails with
 * GST_TRIAL_ERROR_NO_FRAMES if it has no Depth or Color image stream. */
GstTrialRsBag *gst_trial_rs_bag_open (const gchar * path, GError ** error);
/* The same on a bag already open; takes ownership of @bag (freed on
 * failure too). */
GstTrialRsBag *gst_trial_rs_bag_new (GstTrialBag * bag, GError ** error);
void gst_trial_rs_bag_free (GstTrialRsBag * rs);

GstTrialBag *gst_trial_rs_bag_get_bag (GstTrialRsBag * rs);
/* /file_version (0 if absent). */
guint32 gst_trial_rs_bag_get_file_version (GstTrialRsBag * rs);

/* Depth streams first, then color; each sorted by device, sensor, index. */
guint gst_trial_rs_bag_get_n_streams (GstTrialRsBag * rs);
const GstTrialRsStream *gst_trial_rs_bag_get_stream (GstTrialRsBag * rs,
    guint i);
/* The first stream of @kind, NULL if none. */
const GstTrialRsStream *gst_trial_rs_bag_find_stream (GstTrialRsBag * rs,
    GstTrialRsStreamKind kind);

/* Several devices: the devices that have an image stream (ascending,
 * @n_devices of them; more than one in a recording of several cameras). */
const guint *gst_trial_rs_bag_get_devices (GstTrialRsBag * rs,
    guint * n_devices);
/* The name users give @stream: "Color_1" in a bag of one device,
 * "device_1/Color_1" in a bag of several. Free with g_free(). */
gchar *gst_trial_rs_bag_stream_name (GstTrialRsBag * rs,
    const GstTrialRsStream * stream);
/* Every stream's name as above, ", "-separated in stream order, for
 * messages: "Depth_0, Color_0, Color_1". Free with g_free(). */
gchar *gst_trial_rs_bag_describe_streams (GstTrialRsBag * rs);
/* The stream called @name: "device_<d>/<Stream>_<i>", or "<Stream>_<i>"
 * in a bag of one device; NULL if none. */
const GstTrialRsStream *gst_trial_rs_bag_lookup_stream (GstTrialRsBag * rs,
    const gchar * name);
/* The first stream of @kind on @device, NULL if none. */
const GstTrialRsStream *gst_trial_rs_bag_first_stream (GstTrialRsBag * rs,
    GstTrialRsStreamKind kind, guint device);

/* The stream whose image messages have connection @conn (the conn of a
 * GstTrialBagMessage), NULL if none. */
const GstTrialRsStream *gst_trial_rs_bag_find_conn (GstTrialRsBag * rs,
    guint32 conn);

/* The value of /device_<device>/info key @key ("Name", "Serial Number",
 * ...), NULL if absent; and all its keys, in file order. */
const gchar *gst_trial_rs_bag_get_device_info (GstTrialRsBag * rs,
    guint device, const gchar * key);
GStrv gst_trial_rs_bag_list_device_info (GstTrialRsBag * rs, guint device);

/* Iterates over the image messages of @streams in time order (bag time);
 * seek with gst_trial_bag_iter_seek(). A message's conn says its stream. */
GstTrialBagIter *gst_trial_rs_bag_iter_new (GstTrialRsBag * rs,
    const GstTrialRsStream * const *streams, guint n_streams);

typedef enum
{
  GST_TRIAL_RS_ENCODING_MONO16, /* little-endian uint16 depth */
  GST_TRIAL_RS_ENCODING_RGB8,
  GST_TRIAL_RS_ENCODING_BGR8,
  GST_TRIAL_RS_ENCODING_RGBA8,
  GST_TRIAL_RS_ENCODING_BGRA8,
  GST_TRIAL_RS_ENCODING_UYVY,   /* "yuv422" */
  GST_TRIAL_RS_ENCODING_YUYV,   /* "YUYV" */
} GstTrialRsEncoding;

/* A sensor_msgs/Image; @data points into the message (step * height
 * bytes, rows @step bytes apart). */
typedef struct
{
  guint32 seq;                  /* frame number */
  guint64 stamp;                /* header.stamp in ns (frame timestamp) */
  gchar frame_id[16];           /* "0" (older files) or "1"; cut to 15 */
  guint32 width, height, step;
  GstTrialRsEncoding encoding;
  guint bytes_per_pixel;        /* 2 for mono16 and YUV 4:2:2, 3 or 4 */
  const guint8 *data;
  gsize size;
  gboolean has_depth_scale;     /* the 4-byte trailer of librealsense 2.49+ */
  gfloat depth_scale;           /* metres per unit; 0 for color */
} GstTrialRsImage;

/* Decodes a serialized sensor_msgs/Image of @size bytes; an unknown
 * encoding is GST_TRIAL_ERROR_UNSUPPORTED naming it. @what names the
 * message in errors (e.g. "bag 'x.bag', Color_0 frame at 1.5 s"). */
gboolean gst_trial_rs_image_parse (const guint8 * data, gsize size,
    const gchar * what, GstTrialRsImage * image, GError ** error);

/* Copies the pixels of @image row by row into @dest, rows @dest_stride
 * bytes apart (>= width x bytes_per_pixel), dropping the row padding of
 * the message (its step). For a copy that outlives the next read. */
void gst_trial_rs_image_copy (const GstTrialRsImage * image, guint8 * dest,
    gsize dest_stride);

/* Metres per unit of a depth frame: the trailer if non-zero, else the
 * stream's Depth_Units, else 0.001 (the D400 default). */
gdouble gst_trial_rs_depth_scale (const GstTrialRsStream * stream,
    const GstTrialRsImage * image);

/* Depth -> color (P_color = R·P_depth + t, R column-major, in double) from
 * the two streams' transforms from their group's reference stream:
 * R = Rc·Rdᵀ, t = tc - R·td. FALSE when either stream has no transform or
 * they are in different groups. */
gboolean gst_trial_rs_depth_to_color (const GstTrialRsStream * depth,
    const GstTrialRsStream * color, gdouble rotation[9],
    gdouble translation[3]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstTrialRsBag, gst_trial_rs_bag_free)

G_END_DECLS
