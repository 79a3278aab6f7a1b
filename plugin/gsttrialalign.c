/* gst-trial: trialalign, depth aligned to the color camera.
 *
 *   filesrc location=rec.bag ! rsbagdemux name=d  d.depth ! trialalign ! ...
 *
 * Depth in (video/x-raw, GRAY16_LE), depth out at the color camera's size,
 * in the same units, 0 where no depth pixel lands: gst_trial_aligner_process()
 * (gst/trial/align.h, docs/align.md), bit for bit what librealsense's x86
 * rs.align(rs.stream.color) gives. The calibration comes from the input
 * caps, the fields rsbagdemux puts on its depth pad (an application can set
 * them on its own caps too):
 *   depth-scale       double, metres per depth unit
 *   intrinsics        rs-intrinsics of the depth camera: width, height (int),
 *                     fx, fy, ppx, ppy (double), model (string, as the .bag
 *                     spells it: "Brown Conrady", "Inverse Brown Conrady",
 *                     ...), coeffs (array of at most 5 doubles)
 *   color-intrinsics  rs-intrinsics of the color camera
 *   depth-to-color    rs-extrinsics: rotation (9 values, column-major),
 *                     translation (3 values, metres); P_color = R P_depth + t
 * The output caps have the color camera's width and height, its intrinsics
 * as `intrinsics`, `aligned-to` = "color", and no color-intrinsics or
 * depth-to-color. align-to=none passes the depth through untouched.
 * rule=portable follows librealsense's plain C++ path instead of its x86
 * one (docs/align.md, "Two rules"). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/video/video.h>

#include "gst/trial/align.h"
#include "gsttrialalign.h"

GST_DEBUG_CATEGORY_STATIC (gst_trial_align_debug);
#define GST_CAT_DEFAULT gst_trial_align_debug

#define DEFAULT_ALIGN_TO GST_TRIAL_ALIGN_TO_COLOR
#define DEFAULT_RULE GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86
#define MAX_THREADS 64

enum
{
  PROP_0,
  PROP_ALIGN_TO,
  PROP_N_THREADS,
  PROP_RULE,
};

struct _GstTrialAlign
{
  GstBaseTransform parent;

  GstTrialAlignTo align_to;     /* properties, under the object lock */
  guint n_threads;
  GstTrialAlignRule rule;

  GstTrialAligner *aligner;     /* streaming thread only */
  GstVideoInfo in_info, out_info;
  guint16 *packed_in, *packed_out;      /* when strides are padded */
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-raw, format = (string) GRAY16_LE, "
        "width = (int) [ 1, MAX ], height = (int) [ 1, MAX ], "
        "framerate = (fraction) [ 0, MAX ]"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-raw, format = (string) GRAY16_LE, "
        "width = (int) [ 1, MAX ], height = (int) [ 1, MAX ], "
        "framerate = (fraction) [ 0, MAX ]"));

GType
gst_trial_align_to_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TRIAL_ALIGN_TO_COLOR, "Depth mapped into the color camera's image",
        "color"},
    {GST_TRIAL_ALIGN_TO_NONE, "Depth passed through in its own geometry",
        "none"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstTrialAlignTo", values));
  return type;
}

GType
gst_trial_align_rule_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86,
        "librealsense's x86 (SSE) path, what pyrealsense2 gives on a PC",
        "librealsense-x86"},
    {GST_TRIAL_ALIGN_RULE_PORTABLE,
          "librealsense's plain C++ path (builds without SSE, e.g. ARM)",
        "portable"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstTrialAlignRule", values));
  return type;
}

#define gst_trial_align_parent_class parent_class
G_DEFINE_TYPE (GstTrialAlign, gst_trial_align, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE (trialalign, "trialalign", GST_RANK_NONE,
    GST_TYPE_TRIAL_ALIGN);

static GstTrialAlignTo
get_align_to (GstTrialAlign * self)
{
  GstTrialAlignTo to;

  GST_OBJECT_LOCK (self);
  to = self->align_to;
  GST_OBJECT_UNLOCK (self);
  return to;
}

static const GstStructure *
get_structure_field (const GstStructure * s, const gchar * name)
{
  const GValue *v = gst_structure_get_value (s, name);

  return v != NULL && GST_VALUE_HOLDS_STRUCTURE (v) ?
      gst_value_get_structure (v) : NULL;
}

static GstCaps *
gst_trial_align_transform_caps (GstBaseTransform * trans,
    GstPadDirection direction, GstCaps * caps, GstCaps * filter)
{
  GstTrialAlign *self = GST_TRIAL_ALIGN (trans);
  GstCaps *out;
  guint i;

  if (get_align_to (self) == GST_TRIAL_ALIGN_TO_NONE)
    out = gst_caps_ref (caps);
  else {
    out = gst_caps_new_empty ();
    for (i = 0; i < gst_caps_get_size (caps); i++) {
      GstStructure *s = gst_structure_copy (gst_caps_get_structure (caps, i));
      const GstStructure *color = NULL;
      gint w, h;

      if (direction == GST_PAD_SINK)
        color = get_structure_field (s, "color-intrinsics");
      if (color != NULL && gst_structure_get_int (color, "width", &w)
          && gst_structure_get_int (color, "height", &h) && w > 0 && h > 0) {
        GstStructure *copy = gst_structure_copy (color);

        gst_structure_set (s, "width", G_TYPE_INT, w, "height", G_TYPE_INT,
            h, "intrinsics", GST_TYPE_STRUCTURE, copy,
            "aligned-to", G_TYPE_STRING, "color", NULL);
        gst_structure_free (copy);
        gst_structure_remove_fields (s, "color-intrinsics", "depth-to-color",
            NULL);
      } else {
        /* any size: the calibration decides (or is missing: set_caps says) */
        gst_structure_set (s, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT,
            "height", GST_TYPE_INT_RANGE, 1, G_MAXINT, NULL);
        gst_structure_remove_fields (s, "intrinsics", "color-intrinsics",
            "depth-to-color", "aligned-to", NULL);
      }
      out = gst_caps_merge_structure (out, s);
    }
  }
  if (filter != NULL) {
    GstCaps *tmp = gst_caps_intersect_full (filter, out,
        GST_CAPS_INTERSECT_FIRST);

    gst_caps_unref (out);
    out = tmp;
  }
  GST_DEBUG_OBJECT (self, "%s %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
      direction == GST_PAD_SINK ? "sink" : "src", caps, out);
  return out;
}

static gboolean
read_doubles (const GstStructure * s, const gchar * field, gdouble * v,
    guint min, guint max, guint * n, GError ** error)
{
  const GValue *array = gst_structure_get_value (s, field);
  guint i, len;

  if (array == NULL || !GST_VALUE_HOLDS_ARRAY (array)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "%s has no array '%s'", gst_structure_get_name (s), field);
    return FALSE;
  }
  len = gst_value_array_get_size (array);
  if (len < min || len > max) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "%s field '%s' has %u values, not %s%u", gst_structure_get_name (s),
        field, len, min == max ? "" : "at most ", max);
    return FALSE;
  }
  for (i = 0; i < len; i++) {
    const GValue *item = gst_value_array_get_value (array, i);

    if (G_VALUE_HOLDS_DOUBLE (item))
      v[i] = g_value_get_double (item);
    else if (G_VALUE_HOLDS_FLOAT (item))
      v[i] = g_value_get_float (item);
    else {
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
          "%s field '%s' holds a %s, not numbers", gst_structure_get_name (s),
          field, G_VALUE_TYPE_NAME (item));
      return FALSE;
    }
  }
  *n = len;
  return TRUE;
}

/* An rs-intrinsics caps field into @in. */
static gboolean
read_intrinsics (const GstStructure * caps_s, const gchar * field,
    GstTrialIntrinsics * in, GError ** error)
{
  const GstStructure *s = get_structure_field (caps_s, field);
  static const gchar *const names[] = { "fx", "fy", "ppx", "ppy" };
  gfloat *values[] = { &in->fx, &in->fy, &in->ppx, &in->ppy };
  gdouble coeffs[5] = { 0 };
  const gchar *model;
  gint w, h;
  guint i, n;

  memset (in, 0, sizeof *in);
  if (s == NULL) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "the depth caps have no '%s' (an rs-intrinsics structure, as "
        "rsbagdemux sets)", field);
    return FALSE;
  }
  if (!gst_structure_get_int (s, "width", &w)
      || !gst_structure_get_int (s, "height", &h) || w <= 0 || h <= 0) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "'%s' has no positive integer width and height", field);
    return FALSE;
  }
  in->width = w;
  in->height = h;
  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    gdouble d;

    if (!gst_structure_get_double (s, names[i], &d)) {
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
          "'%s' has no double '%s'", field, names[i]);
      return FALSE;
    }
    *values[i] = d;
  }
  model = gst_structure_get_string (s, "model");
  if (model == NULL || *model == '\0')
    model = "None";
  if (!gst_trial_distortion_from_name (model, &in->model, error))
    return FALSE;
  if (gst_structure_has_field (s, "coeffs")
      && !read_doubles (s, "coeffs", coeffs, 0, 5, &n, error))
    return FALSE;
  for (i = 0; i < 5; i++)
    in->coeffs[i] = coeffs[i];
  return TRUE;
}

static GstTrialAligner *
make_aligner (GstTrialAlign * self, const GstStructure * s, gint width,
    gint height, GError ** error)
{
  GstTrialIntrinsics depth, color;
  GstTrialExtrinsics ex;
  const GstStructure *ext;
  gdouble r[9], t[3], scale;
  guint i, n, threads;
  GstTrialAlignRule rule;

  if (!gst_structure_get_double (s, "depth-scale", &scale)) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "the depth caps have no depth-scale (metres per unit)");
    return NULL;
  }
  if (!read_intrinsics (s, "intrinsics", &depth, error)
      || !read_intrinsics (s, "color-intrinsics", &color, error))
    return NULL;
  if ((gint) depth.width != width || (gint) depth.height != height) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "the depth frames are %dx%d but their intrinsics say %ux%u", width,
        height, depth.width, depth.height);
    return NULL;
  }
  ext = get_structure_field (s, "depth-to-color");
  if (ext == NULL) {
    g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
        "the depth caps have no 'depth-to-color' (an rs-extrinsics "
        "structure, as rsbagdemux sets)");
    return NULL;
  }
  if (!read_doubles (ext, "rotation", r, 9, 9, &n, error)
      || !read_doubles (ext, "translation", t, 3, 3, &n, error))
    return NULL;
  for (i = 0; i < 9; i++)
    ex.rotation[i] = r[i];
  for (i = 0; i < 3; i++)
    ex.translation[i] = t[i];
  GST_OBJECT_LOCK (self);
  threads = self->n_threads;
  rule = self->rule;
  GST_OBJECT_UNLOCK (self);
  if (threads == 0)
    threads = MIN (g_get_num_processors (), MAX_THREADS);
  return gst_trial_aligner_new_with_rule (&depth, &color, &ex, scale, threads,
      rule, error);
}

static void
clear_state (GstTrialAlign * self)
{
  g_clear_pointer (&self->aligner, gst_trial_aligner_free);
  g_clear_pointer (&self->packed_in, g_free);
  g_clear_pointer (&self->packed_out, g_free);
}

static gboolean
gst_trial_align_set_caps (GstBaseTransform * trans, GstCaps * incaps,
    GstCaps * outcaps)
{
  GstTrialAlign *self = GST_TRIAL_ALIGN (trans);
  g_autoptr (GError) error = NULL;

  clear_state (self);
  if (!gst_video_info_from_caps (&self->in_info, incaps)
      || !gst_video_info_from_caps (&self->out_info, outcaps))
    return FALSE;
  if (get_align_to (self) == GST_TRIAL_ALIGN_TO_NONE) {
    gst_base_transform_set_passthrough (trans, TRUE);
    return TRUE;
  }
  gst_base_transform_set_passthrough (trans, FALSE);
  self->aligner = make_aligner (self, gst_caps_get_structure (incaps, 0),
      GST_VIDEO_INFO_WIDTH (&self->in_info),
      GST_VIDEO_INFO_HEIGHT (&self->in_info), &error);
  if (self->aligner == NULL) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT,
        ("Cannot align depth to color: %s", error->message),
        ("caps %" GST_PTR_FORMAT, incaps));
    return FALSE;
  }
  if (GST_VIDEO_INFO_PLANE_STRIDE (&self->in_info, 0) !=
      GST_VIDEO_INFO_WIDTH (&self->in_info) * 2)
    self->packed_in = g_new (guint16, (gsize) GST_VIDEO_INFO_WIDTH
        (&self->in_info) * GST_VIDEO_INFO_HEIGHT (&self->in_info));
  if (GST_VIDEO_INFO_PLANE_STRIDE (&self->out_info, 0) !=
      GST_VIDEO_INFO_WIDTH (&self->out_info) * 2)
    self->packed_out = g_new (guint16, (gsize) GST_VIDEO_INFO_WIDTH
        (&self->out_info) * GST_VIDEO_INFO_HEIGHT (&self->out_info));
  return TRUE;
}

/* Rows of @height, @row bytes each, between strides. */
static void
copy_rows (guint8 * dst, gsize dst_stride, const guint8 * src,
    gsize src_stride, gsize row, guint height)
{
  guint y;

  for (y = 0; y < height; y++)
    memcpy (dst + y * dst_stride, src + y * src_stride, row);
}

static GstFlowReturn
gst_trial_align_transform (GstBaseTransform * trans, GstBuffer * inbuf,
    GstBuffer * outbuf)
{
  GstTrialAlign *self = GST_TRIAL_ALIGN (trans);
  GstVideoFrame in, out;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *name = NULL;
  const guint16 *depth;
  guint16 *aligned;
  gsize dw = GST_VIDEO_INFO_WIDTH (&self->in_info);
  gsize dh = GST_VIDEO_INFO_HEIGHT (&self->in_info);
  gsize cw = GST_VIDEO_INFO_WIDTH (&self->out_info);
  gsize ch = GST_VIDEO_INFO_HEIGHT (&self->out_info);
  gboolean ok;

  if (self->aligner == NULL)
    return GST_FLOW_NOT_NEGOTIATED;
  if (!gst_video_frame_map (&in, &self->in_info, inbuf, GST_MAP_READ)) {
    GST_ELEMENT_ERROR (self, STREAM, FORMAT, (NULL),
        ("depth buffer of %" G_GSIZE_FORMAT " bytes is smaller than a %"
            G_GSIZE_FORMAT "x%" G_GSIZE_FORMAT " frame",
            gst_buffer_get_size (inbuf), dw, dh));
    return GST_FLOW_ERROR;
  }
  if (!gst_video_frame_map (&out, &self->out_info, outbuf, GST_MAP_WRITE)) {
    gst_video_frame_unmap (&in);
    return GST_FLOW_ERROR;
  }
  depth = GST_VIDEO_FRAME_PLANE_DATA (&in, 0);
  if (self->packed_in != NULL) {
    copy_rows ((guint8 *) self->packed_in, dw * 2, (const guint8 *) depth,
        GST_VIDEO_FRAME_PLANE_STRIDE (&in, 0), dw * 2, dh);
    depth = self->packed_in;
  }
  aligned = self->packed_out != NULL ? self->packed_out :
      GST_VIDEO_FRAME_PLANE_DATA (&out, 0);
  if (GST_BUFFER_OFFSET_IS_VALID (inbuf))
    name = g_strdup_printf ("depth frame %" G_GUINT64_FORMAT,
        GST_BUFFER_OFFSET (inbuf));
  else
    name = g_strdup ("depth frame");
  ok = gst_trial_aligner_process (self->aligner, depth, dw * dh * 2, aligned,
      cw * ch * 2, name, &error);
  if (ok && self->packed_out != NULL)
    copy_rows (GST_VIDEO_FRAME_PLANE_DATA (&out, 0),
        GST_VIDEO_FRAME_PLANE_STRIDE (&out, 0),
        (const guint8 *) self->packed_out, cw * 2, cw * 2, ch);
  gst_video_frame_unmap (&out);
  gst_video_frame_unmap (&in);
  if (!ok) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("%s", error->message), (NULL));
    return GST_FLOW_ERROR;
  }
  /* tests count the frames aligned */
  GST_LOG_OBJECT (self, "aligned %s", name);
  return GST_FLOW_OK;
}

static gboolean
gst_trial_align_get_unit_size (GstBaseTransform * trans G_GNUC_UNUSED,
    GstCaps * caps, gsize * size)
{
  GstVideoInfo info;

  if (!gst_video_info_from_caps (&info, caps))
    return FALSE;
  *size = GST_VIDEO_INFO_SIZE (&info);
  return TRUE;
}

static gboolean
gst_trial_align_stop (GstBaseTransform * trans)
{
  clear_state (GST_TRIAL_ALIGN (trans));
  return TRUE;
}

static void
gst_trial_align_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTrialAlign *self = GST_TRIAL_ALIGN (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_ALIGN_TO:
      self->align_to = g_value_get_enum (value);
      break;
    case PROP_N_THREADS:
      self->n_threads = g_value_get_uint (value);
      break;
    case PROP_RULE:
      self->rule = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_trial_align_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstTrialAlign *self = GST_TRIAL_ALIGN (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_ALIGN_TO:
      g_value_set_enum (value, self->align_to);
      break;
    case PROP_N_THREADS:
      g_value_set_uint (value, self->n_threads);
      break;
    case PROP_RULE:
      g_value_set_enum (value, self->rule);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_trial_align_finalize (GObject * object)
{
  clear_state (GST_TRIAL_ALIGN (object));
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_trial_align_class_init (GstTrialAlignClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  gobject_class->set_property = gst_trial_align_set_property;
  gobject_class->get_property = gst_trial_align_get_property;
  gobject_class->finalize = gst_trial_align_finalize;

  g_object_class_install_property (gobject_class, PROP_ALIGN_TO,
      g_param_spec_enum ("align-to", "Align to",
          "Camera whose image the depth is mapped into: color (the color "
          "camera's size and intrinsics, as rs.align(rs.stream.color)) or "
          "none (depth passed through)", GST_TYPE_TRIAL_ALIGN_TO,
          DEFAULT_ALIGN_TO, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_N_THREADS,
      g_param_spec_uint ("n-threads", "Threads",
          "Threads aligning each frame, in bands of rows (0 = number of "
          "processors, at most 64)", 0, MAX_THREADS, 0,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_RULE,
      g_param_spec_enum ("rule", "Rule",
          "Which librealsense computation to reproduce bit for bit: "
          "librealsense-x86 (its SSE path, pyrealsense2 on a PC) or "
          "portable (its plain C++ path: builds without SSE, e.g. ARM, "
          "and newer releases that may follow it)", GST_TYPE_TRIAL_ALIGN_RULE,
          DEFAULT_RULE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  gst_element_class_set_static_metadata (element_class,
      "Depth aligner", "Filter/Converter/Video",
      "Maps RealSense depth frames into the color camera's image, bit for "
      "bit as librealsense's rs.align(rs.stream.color), using the "
      "calibration in the depth caps",
      "gst-trial developers");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_type_mark_as_plugin_api (GST_TYPE_TRIAL_ALIGN_TO, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_TRIAL_ALIGN_RULE, 0);

  trans_class->transform_caps =
      GST_DEBUG_FUNCPTR (gst_trial_align_transform_caps);
  trans_class->set_caps = GST_DEBUG_FUNCPTR (gst_trial_align_set_caps);
  trans_class->transform = GST_DEBUG_FUNCPTR (gst_trial_align_transform);
  trans_class->get_unit_size =
      GST_DEBUG_FUNCPTR (gst_trial_align_get_unit_size);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_trial_align_stop);
  trans_class->passthrough_on_same_caps = FALSE;

  GST_DEBUG_CATEGORY_INIT (gst_trial_align_debug, "trialalign", 0,
      "depth aligned to the color camera");
}

static void
gst_trial_align_init (GstTrialAlign * self)
{
  self->align_to = DEFAULT_ALIGN_TO;
  self->rule = DEFAULT_RULE;
}
