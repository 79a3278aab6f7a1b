/* gst-trial tests: trialalign, depth aligned to the color camera, with the
 * calibration in the depth caps as rsbagdemux sets it: geometry (identical
 * cameras give the input back; a flat wall shifts by Fx·tx/z color pixels),
 * the output caps, align-to=none, threads, padded strides, and refused
 * calibrations. Bit-for-bit agreement with the numpy reference of ALIGN.md
 * is tests/python/check_trialalign.py. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

typedef struct
{
  gint width, height;
  gdouble fx, fy, ppx, ppy;
  const gchar *model;
} Camera;

static const gdouble identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };

static GstStructure *
intrinsics (const Camera * c)
{
  GstStructure *s = gst_structure_new ("rs-intrinsics",
      "width", G_TYPE_INT, c->width, "height", G_TYPE_INT, c->height,
      "fx", G_TYPE_DOUBLE, c->fx, "fy", G_TYPE_DOUBLE, c->fy,
      "ppx", G_TYPE_DOUBLE, c->ppx, "ppy", G_TYPE_DOUBLE, c->ppy,
      "model", G_TYPE_STRING, c->model, NULL);
  GValue array = G_VALUE_INIT, item = G_VALUE_INIT;
  guint i;

  gst_value_array_init (&array, 5);
  for (i = 0; i < 5; i++) {
    g_value_init (&item, G_TYPE_DOUBLE);
    g_value_set_double (&item, 0.0);
    gst_value_array_append_and_take_value (&array, &item);
  }
  gst_structure_take_value (s, "coeffs", &array);
  return s;
}

static void
take_floats (GstStructure * s, const gchar * name, const gdouble * v, guint n)
{
  GValue array = G_VALUE_INIT, item = G_VALUE_INIT;
  guint i;

  gst_value_array_init (&array, n);
  for (i = 0; i < n; i++) {
    g_value_init (&item, G_TYPE_FLOAT);
    g_value_set_float (&item, v[i]);
    gst_value_array_append_and_take_value (&array, &item);
  }
  gst_structure_take_value (s, name, &array);
}

/* Depth caps as rsbagdemux makes them; @rotation NULL leaves the
 * extrinsics out. */
static GstCaps *
depth_caps (const Camera * d, const Camera * c, const gdouble * rotation,
    const gdouble * translation, gdouble scale)
{
  GstCaps *caps = gst_caps_new_simple ("video/x-raw",
      "format", G_TYPE_STRING, "GRAY16_LE", "width", G_TYPE_INT, d->width,
      "height", G_TYPE_INT, d->height, "framerate", GST_TYPE_FRACTION, 30, 1,
      "depth-scale", G_TYPE_DOUBLE, scale, NULL);
  GstStructure *s = gst_caps_get_structure (caps, 0);
  GstStructure *in = intrinsics (d), *cin = intrinsics (c);

  gst_structure_set (s, "intrinsics", GST_TYPE_STRUCTURE, in,
      "color-intrinsics", GST_TYPE_STRUCTURE, cin, NULL);
  gst_structure_free (in);
  gst_structure_free (cin);
  if (rotation != NULL) {
    GstStructure *ex = gst_structure_new_empty ("rs-extrinsics");

    take_floats (ex, "rotation", rotation, 9);
    take_floats (ex, "translation", translation, 3);
    gst_structure_set (s, "depth-to-color", GST_TYPE_STRUCTURE, ex, NULL);
    gst_structure_free (ex);
  }
  return caps;
}

/* A frame of @w x @h depth values, rows @stride bytes apart. */
static GstBuffer *
depth_buffer (const guint16 * values, gint w, gint h, gsize stride)
{
  GstBuffer *buf = gst_buffer_new_and_alloc (stride * h);
  GstMapInfo map;
  gint y;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  memset (map.data, 0xAB, map.size);
  for (y = 0; y < h; y++)
    memcpy (map.data + y * stride, values + (gsize) y * w, w * 2);
  gst_buffer_unmap (buf, &map);
  GST_BUFFER_OFFSET (buf) = 7;
  return buf;
}

static GstHarness *
harness (GstCaps * caps, const gchar * align_to, guint threads)
{
  GstHarness *h = gst_harness_new ("trialalign");

  gst_util_set_object_arg (G_OBJECT (h->element), "align-to", align_to);
  g_object_set (h->element, "n-threads", threads, NULL);
  gst_harness_set_src_caps (h, caps);
  return h;
}

/* Pushes one frame, returns the w x h values that come out. */
static guint16 *
align_frame (GstHarness * h, const guint16 * depth, gint dw, gint dh,
    gint cw, gint ch)
{
  GstBuffer *out;
  GstVideoFrame frame;
  GstVideoInfo info;
  guint16 *values = g_new (guint16, (gsize) cw * ch);
  gint y;

  fail_unless_equals_int (gst_harness_push (h, depth_buffer (depth, dw, dh,
              GST_ROUND_UP_4 (dw * 2))), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out != NULL);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (out), 7);
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY16_LE, cw, ch);
  fail_unless (gst_video_frame_map (&frame, &info, out, GST_MAP_READ));
  for (y = 0; y < ch; y++)
    memcpy (values + (gsize) y * cw,
        (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame, 0) +
        y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0), cw * 2);
  gst_video_frame_unmap (&frame);
  gst_buffer_unref (out);
  return values;
}

static guint16 *
random_depth (gint w, gint h, guint32 seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  guint16 *v = g_new (guint16, (gsize) w * h);
  gsize i;

  for (i = 0; i < (gsize) w * h; i++)
    v[i] = g_rand_int_range (rand, 0, 10) == 0 ? 0 :
        g_rand_int_range (rand, 300, 6000);
  g_rand_free (rand);
  return v;
}

/* Identical cameras, no rotation, no translation: the input comes back,
 * also at an odd width whose rows GStreamer pads to 4 bytes. */
GST_START_TEST (test_identity_is_the_input)
{
  static const gint sizes[][2] = { {64, 48}, {63, 47} };
  guint k;

  for (k = 0; k < G_N_ELEMENTS (sizes); k++) {
    gint w = sizes[k][0], hh = sizes[k][1];
    Camera cam = { w, hh, 50.0, 50.0, w / 2.0, hh / 2.0, "Brown Conrady" };
    gdouble t[3] = { 0, 0, 0 };
    GstHarness *h = harness (depth_caps (&cam, &cam, identity, t, 0.001),
        "color", 2);
    g_autofree guint16 *depth = random_depth (w, hh, 1 + k);
    g_autofree guint16 *out = align_frame (h, depth, w, hh, w, hh);

    fail_unless (memcmp (out, depth, (gsize) w * hh * 2) == 0,
        "%dx%d: output differs from the input", w, hh);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* A flat wall 1 m away, seen with the color camera in the depth camera's
 * place and then 10 mm to its side with Fx = 500: the aligned wall moves by
 * Fx·tx/z = 5 color pixels, nothing else changes. */
GST_START_TEST (test_wall_shifts_by_fx_tx_over_z)
{
  Camera d = { 64, 48, 500.0, 500.0, 32.0, 24.0, "Brown Conrady" };
  Camera c = { 80, 48, 500.0, 500.0, 40.0, 24.0, "None" };
  gdouble here[3] = { 0, 0, 0 }, aside[3] = { 0.01, 0, 0 };
  g_autofree guint16 *depth = g_new (guint16, 64 * 48);
  g_autofree guint16 *out0 = NULL, *out1 = NULL;
  GstHarness *h;
  gint x, y, n = 0;

  for (x = 0; x < 64 * 48; x++)
    depth[x] = 1000;
  h = harness (depth_caps (&d, &c, identity, here, 0.001), "color", 1);
  out0 = align_frame (h, depth, 64, 48, 80, 48);
  gst_harness_teardown (h);
  h = harness (depth_caps (&d, &c, identity, aside, 0.001), "color", 1);
  out1 = align_frame (h, depth, 64, 48, 80, 48);
  gst_harness_teardown (h);
  for (y = 0; y < 48; y++)
    for (x = 0; x < 80; x++) {
      fail_unless_equals_int (out1[y * 80 + x],
          x >= 5 ? out0[y * 80 + x - 5] : 0);
      fail_unless (x + 5 < 80 || out0[y * 80 + x] == 0);
      n += out0[y * 80 + x] == 1000;
    }
  fail_unless (n >= 64 * 48, "the wall covers only %d pixels", n);
}

GST_END_TEST;

static gboolean
has_field (const GstCaps * caps, const gchar * name)
{
  return gst_structure_has_field (gst_caps_get_structure (caps, 0), name);
}

/* Output caps: the color camera's size and intrinsics, aligned-to=color,
 * the depth scale kept, the depth-only fields gone. */
GST_START_TEST (test_output_caps)
{
  Camera d = { 64, 48, 50.0, 50.0, 32.0, 24.0, "Brown Conrady" };
  Camera c = { 40, 30, 80.0, 80.0, 20.0, 15.0, "Inverse Brown Conrady" };
  gdouble t[3] = { 0.015, 0, 0 };
  GstHarness *h = harness (depth_caps (&d, &c, identity, t, 0.001), "color",
      0);
  g_autofree guint16 *depth = random_depth (64, 48, 3);
  g_autofree guint16 *out = align_frame (h, depth, 64, 48, 40, 30);
  GstCaps *caps = gst_pad_get_current_caps (h->sinkpad);
  const GstStructure *s = gst_caps_get_structure (caps, 0);
  const GstStructure *in;
  gint w, hh;
  gdouble fx, scale;

  fail_unless (gst_structure_get_int (s, "width", &w) && w == 40);
  fail_unless (gst_structure_get_int (s, "height", &hh) && hh == 30);
  fail_unless_equals_string (gst_structure_get_string (s, "aligned-to"),
      "color");
  fail_unless (gst_structure_get_double (s, "depth-scale", &scale));
  fail_unless_equals_float (scale, 0.001);
  in = gst_value_get_structure (gst_structure_get_value (s, "intrinsics"));
  fail_unless (gst_structure_get_double (in, "fx", &fx) && fx == 80.0);
  fail_unless_equals_string (gst_structure_get_string (in, "model"),
      "Inverse Brown Conrady");
  fail_if (has_field (caps, "color-intrinsics"));
  fail_if (has_field (caps, "depth-to-color"));
  gst_caps_unref (caps);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* align-to=none: the buffer and the caps pass through untouched. */
GST_START_TEST (test_align_to_none)
{
  Camera d = { 64, 48, 50.0, 50.0, 32.0, 24.0, "Brown Conrady" };
  Camera c = { 40, 30, 80.0, 80.0, 20.0, 15.0, "None" };
  gdouble t[3] = { 0.015, 0, 0 };
  GstCaps *in_caps = depth_caps (&d, &c, identity, t, 0.001);
  GstHarness *h = harness (gst_caps_ref (in_caps), "none", 0);
  g_autofree guint16 *depth = random_depth (64, 48, 4);
  GstBuffer *buf = depth_buffer (depth, 64, 48, 128), *out;
  GstCaps *caps;

  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (buf)),
      GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out == buf);
  caps = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (gst_caps_is_equal (caps, in_caps));
  gst_caps_unref (caps);
  gst_caps_unref (in_caps);
  gst_buffer_unref (out);
  gst_buffer_unref (buf);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* 1, 2 and 3 threads give the same bytes (bands merged by minimum). */
GST_START_TEST (test_threads_agree)
{
  Camera d = { 128, 96, 90.0, 90.5, 64.25, 47.75, "Brown Conrady" };
  Camera c = { 160, 120, 140.0, 140.25, 80.5, 59.5, "None" };
  gdouble t[3] = { 0.0143, 0.0006, 0.0006 };
  g_autofree guint16 *depth = random_depth (128, 96, 5);
  g_autofree guint16 *first = NULL;
  guint n;

  for (n = 1; n <= 3; n++) {
    GstHarness *h = harness (depth_caps (&d, &c, identity, t, 0.001),
        "color", n);
    g_autofree guint16 *out = align_frame (h, depth, 128, 96, 160, 120);

    if (first == NULL)
      first = g_memdup2 (out, 160 * 120 * 2);
    else
      fail_unless (memcmp (first, out, 160 * 120 * 2) == 0,
          "%u threads differ from 1", n);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* Caps that cannot be aligned: an error naming the problem, nothing out. */
static void
check_refused (GstCaps * caps, const gchar * text)
{
  GstHarness *h = gst_harness_new ("trialalign");
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;
  g_autofree guint16 *depth = random_depth (64, 48, 6);

  gst_element_set_bus (h->element, bus);
  gst_harness_set_src_caps (h, caps);
  fail_if (gst_harness_push (h, depth_buffer (depth, 64, 48, 128)) ==
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_in_queue (h), 0);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error for '%s'", text);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, text) != NULL, "'%s' not in '%s'", text,
      err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_START_TEST (test_refused)
{
  Camera d = { 64, 48, 50.0, 50.0, 32.0, 24.0, "Brown Conrady" };
  Camera c = { 40, 30, 80.0, 80.0, 20.0, 15.0, "None" };
  Camera zero = { 40, 30, 0.0, 80.0, 20.0, 15.0, "None" };
  Camera wrong = { 32, 48, 50.0, 50.0, 32.0, 24.0, "Brown Conrady" };
  Camera fisheye = { 40, 30, 80.0, 80.0, 20.0, 15.0, "Fisheye" };
  gdouble t[3] = { 0.015, 0, 0 }, nan_t[3] = { NAN, 0, 0 };
  gdouble scaled[9] = { 2, 0, 0, 0, 1, 0, 0, 0, 1 };
  GstCaps *caps;

  check_refused (depth_caps (&d, &c, NULL, t, 0.001),
      "Cannot align depth to color: the depth caps have no 'depth-to-color'");
  caps = depth_caps (&d, &c, identity, t, 0.001);
  gst_structure_remove_field (gst_caps_get_structure (caps, 0),
      "color-intrinsics");
  check_refused (caps, "the depth caps have no 'color-intrinsics'");
  caps = depth_caps (&d, &c, identity, t, 0.001);
  gst_structure_remove_field (gst_caps_get_structure (caps, 0),
      "depth-scale");
  check_refused (caps, "the depth caps have no depth-scale");
  check_refused (depth_caps (&d, &zero, identity, t, 0.001), "fx");
  check_refused (depth_caps (&d, &c, identity, nan_t, 0.001), "finite");
  check_refused (depth_caps (&d, &c, scaled, t, 0.001), "rotation");
  check_refused (depth_caps (&d, &fisheye, identity, t, 0.001), "Fisheye");
  caps = depth_caps (&wrong, &c, identity, t, 0.001);
  gst_caps_set_simple (caps, "width", G_TYPE_INT, 64, NULL);
  check_refused (caps, "the depth frames are 64x48 but their intrinsics say "
      "32x48");
}

GST_END_TEST;

static Suite *
trialalign_suite (void)
{
  Suite *s = suite_create ("trialalign");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_identity_is_the_input);
  tcase_add_test (tc, test_wall_shifts_by_fx_tx_over_z);
  tcase_add_test (tc, test_output_caps);
  tcase_add_test (tc, test_align_to_none);
  tcase_add_test (tc, test_threads_agree);
  tcase_add_test (tc, test_refused);
  return s;
}

GST_CHECK_MAIN (trialalign);
