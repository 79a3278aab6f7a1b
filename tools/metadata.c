/* trial-process: builds metadata.json with json-glib and writes it
 * atomically. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "config.h"
#include "metadata.h"

/* File names are bytes and may not be UTF-8 (a trial copied from another
 * system); JSON is UTF-8, so such text is written with U+FFFD in place of the
 * bytes that are not. */
static void
add_text (JsonBuilder * b, const gchar * text)
{
  g_autofree gchar *valid = g_utf8_make_valid (text, -1);

  json_builder_add_string_value (b, valid);
}

static void
add_shape (JsonBuilder * b, const gchar * name, guint height, guint width)
{
  json_builder_set_member_name (b, name);
  if (height == 0 || width == 0) {
    json_builder_add_null_value (b);
    return;
  }
  json_builder_begin_array (b);
  json_builder_add_int_value (b, height);
  json_builder_add_int_value (b, width);
  json_builder_end_array (b);
}

/* The source file of a failed frame's stream, NULL when it has none. */
static gchar *
failure_file (const GstTrialLayout * layout, const TpFailure * f)
{
  guint i = gst_trial_layout_find_frame (layout, f->frame);
  const GstTrialFrame *frame;

  if (i >= gst_trial_layout_get_n_frames (layout))
    return NULL;
  frame = gst_trial_layout_get_frame (layout, i);
  if (frame->number != f->frame)
    return NULL;
  return g_strcmp0 (f->stream, "depth") == 0 ?
      gst_trial_layout_dup_depth_path (layout, i) :
      gst_trial_layout_dup_color_path (layout, i);
}

gdouble
tp_json_round2 (gdouble value)
{
  return round (value * 100) / 100;
}

/* The fewest significant digits that read back as @value (json-glib writes
 * 17: 0.81 as 0.81000000000000005), without an exponent from 1e-4 to 1e16
 * (as Python's repr), with ".0" when it would read as an integer; null when
 * it is not finite, which JSON cannot say. */
static void
dump_double (GString * out, gdouble value)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  gchar format[16];
  gint digits;

  if (!isfinite (value)) {
    g_string_append (out, "null");
    return;
  }
  /* 17 always reads back */
  for (digits = 1; digits < 17; digits++) {
    g_snprintf (format, sizeof format, "%%.%dg", digits);
    g_ascii_formatd (buf, sizeof buf, format, value);
    if (g_ascii_strtod (buf, NULL) == value)
      break;
  }
  if (value == 0) {
    g_strlcpy (buf, "0", sizeof buf);
  } else if (fabs (value) >= 1e-4 && fabs (value) < 1e16) {
    gint decimals = digits - 1 - (gint) floor (log10 (fabs (value)));

    g_snprintf (format, sizeof format, "%%.%df", MAX (decimals, 0));
    g_ascii_formatd (buf, sizeof buf, format, value);
  }
  g_string_append (out, buf);
  if (strpbrk (buf, ".e") == NULL)
    g_string_append (out, ".0");
}

/* A string (or key) as JSON, escaped by json-glib. */
static void
dump_string (GString * out, const gchar * text)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree gchar *quoted = NULL;

  json_node_set_string (node, text);
  quoted = json_to_string (node, FALSE);
  g_string_append (out, quoted);
}

static void
dump_indent (GString * out, gboolean pretty, guint depth)
{
  if (pretty) {
    g_string_append_c (out, '\n');
    g_string_append_printf (out, "%*s", depth * 2, "");
  }
}

/* json-glib's layout (pretty: two spaces a level, "key" : value). */
static void
dump_node (GString * out, JsonNode * node, gboolean pretty, guint depth)
{
  switch (json_node_get_node_type (node)) {
    case JSON_NODE_OBJECT:{
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const gchar *name;
      JsonNode *member;
      gboolean first = TRUE;

      g_string_append_c (out, '{');
      json_object_iter_init_ordered (&iter, object);
      while (json_object_iter_next_ordered (&iter, &name, &member)) {
        if (!first)
          g_string_append_c (out, ',');
        first = FALSE;
        dump_indent (out, pretty, depth + 1);
        dump_string (out, name);
        g_string_append (out, pretty ? " : " : ":");
        dump_node (out, member, pretty, depth + 1);
      }
      if (!first)
        dump_indent (out, pretty, depth);
      g_string_append_c (out, '}');
      break;
    }
    case JSON_NODE_ARRAY:{
      JsonArray *array = json_node_get_array (node);
      guint i, n = json_array_get_length (array);

      g_string_append_c (out, '[');
      for (i = 0; i < n; i++) {
        if (i > 0)
          g_string_append_c (out, ',');
        dump_indent (out, pretty, depth + 1);
        dump_node (out, json_array_get_element (array, i), pretty, depth + 1);
      }
      if (n > 0)
        dump_indent (out, pretty, depth);
      g_string_append_c (out, ']');
      break;
    }
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node)) {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT,
              json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          dump_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" :
              "false");
          break;
        default:
          dump_string (out, json_node_get_string (node));
          break;
      }
      break;
  }
}

gchar *
tp_json_to_string (JsonNode * node, gboolean pretty)
{
  GString *out = g_string_new (NULL);

  dump_node (out, node, pretty, 0);
  return g_string_free (out, FALSE);
}

JsonNode *
tp_metadata_build (const TpJob * job, const TpOptions * options)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const GstTrialLayout *layout = job->layout;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree gchar *finished = g_date_time_format_iso8601 (now);
  guint i;

  json_builder_begin_object (b);
  /* The seed's fields. */
  json_builder_set_member_name (b, "trial_path");
  add_text (b, job->trial_path);
  json_builder_set_member_name (b, "trial_name");
  add_text (b, gst_trial_layout_get_trial_name (layout));
  json_builder_set_member_name (b, "camera_id");
  if (gst_trial_layout_get_camera (layout))
    add_text (b, gst_trial_layout_get_camera (layout));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "structure");
  json_builder_add_string_value (b,
      gst_trial_structure_to_string (gst_trial_layout_get_structure (layout)));
  json_builder_set_member_name (b, "total_frames");
  json_builder_add_int_value (b, job->total_frames);
  json_builder_set_member_name (b, "successful");
  json_builder_add_int_value (b, job->successful);
  json_builder_set_member_name (b, "failed");
  json_builder_add_int_value (b, job->failed);
  json_builder_set_member_name (b, "frame_range");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, gst_trial_layout_get_first_frame (layout));
  json_builder_add_int_value (b, gst_trial_layout_get_last_frame (layout));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "processing_time_seconds");
  json_builder_add_double_value (b, tp_json_round2 (job->processing_time));
  json_builder_set_member_name (b, "processing_fps");
  json_builder_add_double_value (b, tp_json_round2 (job->processing_fps));
  json_builder_set_member_name (b, "num_workers");
  json_builder_add_int_value (b, options->threads);

  /* Ours. */
  json_builder_set_member_name (b, "complete");
  json_builder_add_boolean_value (b, job->complete);
  json_builder_set_member_name (b, "interrupted");
  json_builder_add_boolean_value (b, job->interrupted);
  json_builder_set_member_name (b, "error");
  if (job->error)
    add_text (b, job->error);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "output_camera");
  add_text (b, gst_trial_layout_get_output_camera (layout));
  /* rs-convert 2.35+ exports named by timestamp: frames numbered in time
   * order, depth paired by time; depth files left unpaired are counted */
  json_builder_set_member_name (b, "timestamp_named");
  json_builder_add_boolean_value (b,
      gst_trial_layout_is_timestamp_named (layout));
  json_builder_set_member_name (b, "unpaired_depth_frames");
  json_builder_add_int_value (b,
      gst_trial_layout_get_n_unpaired_depth (layout));
  json_builder_set_member_name (b, "resumed_from_frames");
  json_builder_add_int_value (b, job->resumed_from);
  /* processing_fps and processing_time_seconds are rounded: --summarize
   * adds these up instead */
  json_builder_set_member_name (b, "converted_frames");
  json_builder_add_int_value (b, job->converted);
  json_builder_set_member_name (b, "failed_frames");
  json_builder_begin_array (b);
  for (i = 0; i < job->failures->len; i++) {
    const TpFailure *f = &g_array_index (job->failures, TpFailure, i);
    g_autofree gchar *file = failure_file (layout, f);

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "frame");
    json_builder_add_int_value (b, f->frame);
    json_builder_set_member_name (b, "stream");
    json_builder_add_string_value (b, f->stream ? f->stream : "");
    json_builder_set_member_name (b, "reason");
    add_text (b, f->reason ? f->reason : "");
    /* The converter does not know file names; the layout does. */
    json_builder_set_member_name (b, "file");
    if (file)
      add_text (b, file);
    else
      json_builder_add_null_value (b);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "color_format");
  json_builder_add_string_value (b,
      gst_trial_color_format_to_string (gst_trial_layout_get_color_format
          (layout)));
  add_shape (b, "color_shape", gst_trial_layout_get_color_height (layout),
      gst_trial_layout_get_color_width (layout));
  json_builder_set_member_name (b, "depth_format");
  json_builder_add_string_value (b,
      gst_trial_depth_format_to_string (gst_trial_layout_get_depth_format
          (layout)));
  add_shape (b, "depth_shape", gst_trial_layout_get_depth_height (layout),
      gst_trial_layout_get_depth_width (layout));
  json_builder_set_member_name (b, "depth_scale");
  json_builder_add_double_value (b, gst_trial_layout_get_depth_scale (layout));
  json_builder_set_member_name (b, "color_mode");
  json_builder_add_string_value (b, options->color_mode);
  json_builder_set_member_name (b, "verify");
  json_builder_add_string_value (b, options->verify);
  json_builder_set_member_name (b, "compression_level");
  json_builder_add_int_value (b, options->compression_level);
  json_builder_set_member_name (b, "stream_fps");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "color");
  json_builder_add_double_value (b, tp_json_round2 (job->stream_fps[0]));
  json_builder_set_member_name (b, "depth");
  json_builder_add_double_value (b, tp_json_round2 (job->stream_fps[1]));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "bytes_written");
  json_builder_add_int_value (b, job->bytes_written);
  json_builder_set_member_name (b, "finished_at");
  json_builder_add_string_value (b, finished);
  json_builder_set_member_name (b, "tool");
  json_builder_add_string_value (b, "trial-process " VERSION);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

gboolean
tp_metadata_write (JsonNode * node, const gchar * dir, GError ** error)
{
  g_autofree gchar *path = g_build_filename (dir, "metadata.json", NULL);
  g_autofree gchar *text = NULL;

  if (g_mkdir_with_parents (dir, 0755) != 0) {
    int errsv = errno;
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errsv),
        "cannot create '%s': %s", dir, g_strerror (errsv));
    return FALSE;
  }
  text = tp_json_to_string (node, TRUE);
  /* g_file_set_contents writes a temporary file and renames it. */
  return g_file_set_contents (path, text, -1, error);
}
