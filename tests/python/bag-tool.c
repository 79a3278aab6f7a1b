/* gst-trial tests: prints what rsbag.c reads from a RealSense bag, for
 * check_rsbag.py to compare with what python3-rosbag reads.
 *
 *   bag-tool BAG OUTDIR [SEEK_NS]
 *
 * Writes OUTDIR/info.json (streams, intrinsics, extrinsics, depth units,
 * device info, warning, and every frame of every stream in time order) and
 * each frame's pixel bytes as OUTDIR/<stream>_<n>.bin, n counting from 0 in
 * iteration order. With SEEK_NS the iteration starts at that bag time.
 * With OUTDIR "-" nothing is written: every frame is only read and parsed
 * (to measure time and memory on large files).
 * Exit status 1 with the GError message on stderr on failure. */
#include <stdlib.h>
#include <json-glib/json-glib.h>

#include "gst/trial/rsbag.h"

static void
add_doubles (JsonBuilder * b, const gchar * name, const gdouble * v, guint n)
{
  guint i;

  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (i = 0; i < n; i++)
    json_builder_add_double_value (b, v[i]);
  json_builder_end_array (b);
}

static void
add_stream (JsonBuilder * b, const GstTrialRsStream * s)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, s->name);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, s->kind == GST_TRIAL_RS_STREAM_DEPTH ?
      "depth" : "color");
  json_builder_set_member_name (b, "topic");
  json_builder_add_string_value (b, s->image_topic);
  json_builder_set_member_name (b, "n_frames");
  json_builder_add_int_value (b, s->n_frames);
  json_builder_set_member_name (b, "first_time");
  json_builder_add_int_value (b, s->first_time);
  json_builder_set_member_name (b, "last_time");
  json_builder_add_int_value (b, s->last_time);
  if (s->has_info) {
    json_builder_set_member_name (b, "fps");
    json_builder_add_int_value (b, s->fps);
    json_builder_set_member_name (b, "encoding");
    json_builder_add_string_value (b, s->encoding);
    json_builder_set_member_name (b, "is_recommended");
    json_builder_add_boolean_value (b, s->is_recommended);
  }
  if (s->has_intrinsics) {
    const GstTrialRsIntrinsics *in = &s->intrinsics;

    json_builder_set_member_name (b, "intrinsics");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "width");
    json_builder_add_int_value (b, in->width);
    json_builder_set_member_name (b, "height");
    json_builder_add_int_value (b, in->height);
    json_builder_set_member_name (b, "model");
    json_builder_add_string_value (b, in->distortion_model);
    add_doubles (b, "D", in->d, in->n_d);
    add_doubles (b, "K", in->k, 9);
    add_doubles (b, "fx_fy_ppx_ppy", (gdouble[]) {
        in->fx, in->fy, in->ppx, in->ppy}, 4);
    json_builder_end_object (b);
  }
  if (s->has_extrinsics) {
    json_builder_set_member_name (b, "extrinsics");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "group");
    json_builder_add_int_value (b, s->extrinsics.group);
    add_doubles (b, "translation", s->extrinsics.translation, 3);
    add_doubles (b, "quaternion", s->extrinsics.quaternion, 4);
    add_doubles (b, "rotation", s->extrinsics.rotation, 9);
    json_builder_end_object (b);
  }
  if (s->has_depth_units) {
    json_builder_set_member_name (b, "depth_units");
    json_builder_add_double_value (b, s->depth_units);
  }
  json_builder_end_object (b);
}

static const gchar *encoding_names[] = {
  "mono16", "rgb8", "bgr8", "rgba8", "bgra8", "yuv422", "YUYV"
};

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstTrialRsBag) rs = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GstTrialBagIter) iter = NULL;
  g_autofree const GstTrialRsStream **streams = NULL;
  g_autofree gchar *json_path = NULL;
  g_auto (GStrv) keys = NULL;
  GstTrialBagMessage m;
  const gchar *warning;
  guint i, n, count = 0;

  if (argc != 3 && argc != 4) {
    g_printerr ("usage: %s BAG OUTDIR [SEEK_NS]\n", argv[0]);
    return 2;
  }
  rs = gst_trial_rs_bag_open (argv[1], &error);
  if (rs == NULL) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  json_builder_begin_object (b);
  warning = gst_trial_bag_get_warning (gst_trial_rs_bag_get_bag (rs));
  json_builder_set_member_name (b, "warning");
  if (warning != NULL)
    json_builder_add_string_value (b, warning);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "file_version");
  json_builder_add_int_value (b, gst_trial_rs_bag_get_file_version (rs));

  json_builder_set_member_name (b, "device_info");
  json_builder_begin_object (b);
  keys = gst_trial_rs_bag_list_device_info (rs, 0);
  for (i = 0; keys[i] != NULL; i++) {
    json_builder_set_member_name (b, keys[i]);
    json_builder_add_string_value (b,
        gst_trial_rs_bag_get_device_info (rs, 0, keys[i]));
  }
  json_builder_end_object (b);

  n = gst_trial_rs_bag_get_n_streams (rs);
  streams = g_new (const GstTrialRsStream *, n);
  json_builder_set_member_name (b, "streams");
  json_builder_begin_array (b);
  for (i = 0; i < n; i++) {
    streams[i] = gst_trial_rs_bag_get_stream (rs, i);
    add_stream (b, streams[i]);
  }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "frames");
  json_builder_begin_array (b);
  iter = gst_trial_rs_bag_iter_new (rs, streams, n);
  if (argc == 4)
    gst_trial_bag_iter_seek (iter, g_ascii_strtoull (argv[3], NULL, 10));
  while (gst_trial_bag_iter_next (iter, &m, &error)) {
    const GstTrialRsStream *s = gst_trial_rs_bag_find_conn (rs, m.conn);
    GstTrialRsImage image;
    g_autofree gchar *what = NULL, *name = NULL, *path = NULL;

    what = g_strdup_printf ("%s frame at %" G_GUINT64_FORMAT " ns", s->name,
        m.time);
    if (!gst_trial_rs_image_parse (m.data, m.size, what, &image, &error))
      break;
    name = g_strdup_printf ("%s_%u.bin", s->name, count++);
    path = g_build_filename (argv[2], name, NULL);
    if (g_str_equal (argv[2], "-"))
      continue;
    if (!g_file_set_contents (path, (const gchar *) image.data, image.size,
            &error))
      break;
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "stream");
    json_builder_add_string_value (b, s->name);
    json_builder_set_member_name (b, "file");
    json_builder_add_string_value (b, name);
    json_builder_set_member_name (b, "time");
    json_builder_add_int_value (b, m.time);
    json_builder_set_member_name (b, "seq");
    json_builder_add_int_value (b, image.seq);
    json_builder_set_member_name (b, "stamp");
    json_builder_add_int_value (b, image.stamp);
    json_builder_set_member_name (b, "frame_id");
    json_builder_add_string_value (b, image.frame_id);
    json_builder_set_member_name (b, "width");
    json_builder_add_int_value (b, image.width);
    json_builder_set_member_name (b, "height");
    json_builder_add_int_value (b, image.height);
    json_builder_set_member_name (b, "step");
    json_builder_add_int_value (b, image.step);
    json_builder_set_member_name (b, "encoding");
    json_builder_add_string_value (b, encoding_names[image.encoding]);
    json_builder_set_member_name (b, "has_depth_scale");
    json_builder_add_boolean_value (b, image.has_depth_scale);
    json_builder_set_member_name (b, "depth_scale");
    json_builder_add_double_value (b, image.depth_scale);
    json_builder_set_member_name (b, "scale");
    json_builder_add_double_value (b, gst_trial_rs_depth_scale (s, &image));
    json_builder_end_object (b);
  }
  if (error != NULL) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  json_builder_end_array (b);
  json_builder_end_object (b);

  if (g_str_equal (argv[2], "-")) {
    g_print ("%u frames\n", count);
    return 0;
  }
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_path = g_build_filename (argv[2], "info.json", NULL);
  if (!json_generator_to_file (gen, json_path, &error)) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  return 0;
}
