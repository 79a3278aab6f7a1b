/* trial-process: metadata.json. Owns its schema (the table of fields
 * below), building it with json-glib and writing it atomically, and
 * reading it back for --summarize. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "config.h"
#include "metadata.h"

/* What the reader checks of a field is its kind; FIELD_KIND_OTHER fields
 * are written only. */
typedef enum
{
  FIELD_KIND_OTHER,             /* not read back */
  FIELD_KIND_COUNT,             /* an integer 0..G_MAXUINT */
  FIELD_KIND_NUMBER,            /* a finite number >= 0; 0 when absent */
  FIELD_KIND_TEXT,              /* a string, or null; "" when absent */
  FIELD_KIND_FLAG,              /* true or false; FALSE when absent */
  FIELD_KIND_LIST,              /* failed_frames: an array of entries */
} FieldKind;

static const struct
{
  const gchar *name;
  FieldKind kind;
  gboolean required;            /* when read back */
} fields[TP_N_FIELDS] = {
  [TP_FIELD_TRIAL_PATH] = {"trial_path", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_TRIAL_NAME] = {"trial_name", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_CAMERA_ID] = {"camera_id", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_STRUCTURE] = {"structure", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_TOTAL_FRAMES] = {"total_frames", FIELD_KIND_COUNT, TRUE},
  [TP_FIELD_SUCCESSFUL] = {"successful", FIELD_KIND_COUNT, TRUE},
  [TP_FIELD_FAILED] = {"failed", FIELD_KIND_COUNT, TRUE},
  [TP_FIELD_FRAME_RANGE] = {"frame_range", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_PROCESSING_TIME_SECONDS] =
      {"processing_time_seconds", FIELD_KIND_NUMBER, FALSE},
  [TP_FIELD_PROCESSING_FPS] = {"processing_fps", FIELD_KIND_NUMBER, FALSE},
  [TP_FIELD_NUM_WORKERS] = {"num_workers", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_COMPLETE] = {"complete", FIELD_KIND_FLAG, TRUE},
  [TP_FIELD_INTERRUPTED] = {"interrupted", FIELD_KIND_FLAG, FALSE},
  [TP_FIELD_ERROR] = {"error", FIELD_KIND_TEXT, FALSE},
  [TP_FIELD_OUTPUT_CAMERA] = {"output_camera", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_TIMESTAMP_NAMED] = {"timestamp_named", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_UNPAIRED_DEPTH_FRAMES] =
      {"unpaired_depth_frames", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_RESUMED_FROM_FRAMES] =
      {"resumed_from_frames", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_CONVERTED_FRAMES] = {"converted_frames", FIELD_KIND_COUNT, FALSE},
  [TP_FIELD_FAILED_FRAMES] = {"failed_frames", FIELD_KIND_LIST, FALSE},
  [TP_FIELD_COLOR_FORMAT] = {"color_format", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_COLOR_SHAPE] = {"color_shape", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_DEPTH_FORMAT] = {"depth_format", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_DEPTH_SHAPE] = {"depth_shape", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_DEPTH_SCALE] = {"depth_scale", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_COLOR_MODE] = {"color_mode", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_VERIFY] = {"verify", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_COMPRESSION_LEVEL] = {"compression_level", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_STREAM_FPS] = {"stream_fps", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_BYTES_WRITTEN] = {"bytes_written", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_FINISHED_AT] = {"finished_at", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_TOOL] = {"tool", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_PAIRING_PERIOD_MS] =
      {"pairing_period_ms", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_DEVICE] = {"device", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_COLOR_STREAM] = {"color", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_DEPTH_STREAM] = {"depth", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_TIME_WINDOW] = {"time_window", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_DEPTH_ALIGNED_TO] = {"depth_aligned_to", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_ALIGN_RULE] = {"align_rule", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_DEPTH_NOT_ALIGNED_REASON] =
      {"depth_not_aligned_reason", FIELD_KIND_OTHER, FALSE},
  [TP_FIELD_DEPTH_TO_COLOR] = {"depth_to_color", FIELD_KIND_OTHER, FALSE},
};

static const gchar *const entry_fields[TP_N_ENTRY_FIELDS] = {
  [TP_ENTRY_FRAME] = "frame",
  [TP_ENTRY_STREAM] = "stream",
  [TP_ENTRY_REASON] = "reason",
  [TP_ENTRY_FILE] = "file",
};

static const gchar *const stream_names[2] = { "color", "depth" };

void
tp_metadata_set_member (JsonBuilder * b, TpMetadataField field)
{
  json_builder_set_member_name (b, fields[field].name);
}

void
tp_metadata_set_entry_member (JsonBuilder * b, TpMetadataEntryField field)
{
  json_builder_set_member_name (b, entry_fields[field]);
}

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
add_shape (JsonBuilder * b, TpMetadataField field, guint height, guint width)
{
  tp_metadata_set_member (b, field);
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
  tp_metadata_set_member (b, TP_FIELD_TRIAL_PATH);
  add_text (b, job->trial_path);
  tp_metadata_set_member (b, TP_FIELD_TRIAL_NAME);
  add_text (b, gst_trial_layout_get_trial_name (layout));
  tp_metadata_set_member (b, TP_FIELD_CAMERA_ID);
  if (gst_trial_layout_get_camera (layout))
    add_text (b, gst_trial_layout_get_camera (layout));
  else
    json_builder_add_null_value (b);
  tp_metadata_set_member (b, TP_FIELD_STRUCTURE);
  json_builder_add_string_value (b,
      gst_trial_structure_to_string (gst_trial_layout_get_structure (layout)));
  tp_metadata_set_member (b, TP_FIELD_TOTAL_FRAMES);
  json_builder_add_int_value (b, job->total_frames);
  tp_metadata_set_member (b, TP_FIELD_SUCCESSFUL);
  json_builder_add_int_value (b, job->successful);
  tp_metadata_set_member (b, TP_FIELD_FAILED);
  json_builder_add_int_value (b, job->failed);
  tp_metadata_set_member (b, TP_FIELD_FRAME_RANGE);
  json_builder_begin_array (b);
  json_builder_add_int_value (b, gst_trial_layout_get_first_frame (layout));
  json_builder_add_int_value (b, gst_trial_layout_get_last_frame (layout));
  json_builder_end_array (b);
  tp_metadata_set_member (b, TP_FIELD_PROCESSING_TIME_SECONDS);
  json_builder_add_double_value (b, tp_json_round2 (job->processing_time));
  tp_metadata_set_member (b, TP_FIELD_PROCESSING_FPS);
  json_builder_add_double_value (b, tp_json_round2 (job->processing_fps));
  tp_metadata_set_member (b, TP_FIELD_NUM_WORKERS);
  json_builder_add_int_value (b, options->threads);

  /* Ours. */
  tp_metadata_set_member (b, TP_FIELD_COMPLETE);
  json_builder_add_boolean_value (b, job->complete);
  tp_metadata_set_member (b, TP_FIELD_INTERRUPTED);
  json_builder_add_boolean_value (b, job->interrupted);
  tp_metadata_set_member (b, TP_FIELD_ERROR);
  if (job->error)
    add_text (b, job->error);
  else
    json_builder_add_null_value (b);
  tp_metadata_set_member (b, TP_FIELD_OUTPUT_CAMERA);
  add_text (b, gst_trial_layout_get_output_camera (layout));
  /* rs-convert 2.35+ exports named by timestamp: frames numbered in time
   * order, depth paired by time; depth files left unpaired are counted */
  tp_metadata_set_member (b, TP_FIELD_TIMESTAMP_NAMED);
  json_builder_add_boolean_value (b,
      gst_trial_layout_is_timestamp_named (layout));
  tp_metadata_set_member (b, TP_FIELD_UNPAIRED_DEPTH_FRAMES);
  json_builder_add_int_value (b,
      gst_trial_layout_get_n_unpaired_depth (layout));
  tp_metadata_set_member (b, TP_FIELD_RESUMED_FROM_FRAMES);
  json_builder_add_int_value (b, job->resumed_from);
  /* processing_fps and processing_time_seconds are rounded: --summarize
   * adds these up instead */
  tp_metadata_set_member (b, TP_FIELD_CONVERTED_FRAMES);
  json_builder_add_int_value (b, job->converted);
  tp_metadata_set_member (b, TP_FIELD_FAILED_FRAMES);
  json_builder_begin_array (b);
  for (i = 0; i < job->failures->len; i++) {
    const TpFailure *f = &g_array_index (job->failures, TpFailure, i);
    g_autofree gchar *file = failure_file (layout, f);

    json_builder_begin_object (b);
    tp_metadata_set_entry_member (b, TP_ENTRY_FRAME);
    json_builder_add_int_value (b, f->frame);
    tp_metadata_set_entry_member (b, TP_ENTRY_STREAM);
    json_builder_add_string_value (b, f->stream ? f->stream : "");
    tp_metadata_set_entry_member (b, TP_ENTRY_REASON);
    add_text (b, f->reason ? f->reason : "");
    /* The converter does not know file names; the layout does. */
    tp_metadata_set_entry_member (b, TP_ENTRY_FILE);
    if (file)
      add_text (b, file);
    else
      json_builder_add_null_value (b);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  tp_metadata_set_member (b, TP_FIELD_COLOR_FORMAT);
  json_builder_add_string_value (b,
      gst_trial_color_format_to_string (gst_trial_layout_get_color_format
          (layout)));
  add_shape (b, TP_FIELD_COLOR_SHAPE,
      gst_trial_layout_get_color_height (layout),
      gst_trial_layout_get_color_width (layout));
  tp_metadata_set_member (b, TP_FIELD_DEPTH_FORMAT);
  json_builder_add_string_value (b,
      gst_trial_depth_format_to_string (gst_trial_layout_get_depth_format
          (layout)));
  add_shape (b, TP_FIELD_DEPTH_SHAPE,
      gst_trial_layout_get_depth_height (layout),
      gst_trial_layout_get_depth_width (layout));
  tp_metadata_set_member (b, TP_FIELD_DEPTH_SCALE);
  json_builder_add_double_value (b, gst_trial_layout_get_depth_scale (layout));
  tp_metadata_set_member (b, TP_FIELD_COLOR_MODE);
  json_builder_add_string_value (b, options->color_mode);
  tp_metadata_set_member (b, TP_FIELD_VERIFY);
  json_builder_add_string_value (b, options->verify);
  tp_metadata_set_member (b, TP_FIELD_COMPRESSION_LEVEL);
  json_builder_add_int_value (b, options->compression_level);
  tp_metadata_set_member (b, TP_FIELD_STREAM_FPS);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, stream_names[0]);
  json_builder_add_double_value (b, tp_json_round2 (job->stream_fps[0]));
  json_builder_set_member_name (b, stream_names[1]);
  json_builder_add_double_value (b, tp_json_round2 (job->stream_fps[1]));
  json_builder_end_object (b);
  tp_metadata_set_member (b, TP_FIELD_BYTES_WRITTEN);
  json_builder_add_int_value (b, job->bytes_written);
  tp_metadata_set_member (b, TP_FIELD_FINISHED_AT);
  json_builder_add_string_value (b, finished);
  tp_metadata_set_member (b, TP_FIELD_TOOL);
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

/* ---- reading it back (--summarize) ---- */

G_DEFINE_QUARK (tp-metadata-error-quark, tp_metadata_error);

/* A metadata.json of a 100,000-frame job whose every frame failed is
 * ~30 MB. */
#define MAX_METADATA_BYTES (64 * 1024 * 1024)

static const gchar *
describe (JsonNode * node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  switch (json_node_get_value_type (node)) {
    case G_TYPE_STRING:
      return "a string";
    case G_TYPE_BOOLEAN:
      return "a boolean";
    default:
      return "a number";
  }
}

static gboolean
holds (JsonNode * node, GType type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) ==
      type;
}

/* Sets a TP_METADATA_ERROR_INVALID error; FALSE. */
static gboolean
invalid (GError ** error, const gchar * format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError ** error, const gchar * format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (TP_METADATA_ERROR,
          TP_METADATA_ERROR_INVALID, format, args));
  va_end (args);
  return FALSE;
}

/* A frame count as trial-process writes it: an integer that fits a guint. */
static gboolean
get_count (JsonObject * o, TpMetadataField field, guint64 * out,
    GError ** error)
{
  const gchar *name = fields[field].name;
  JsonNode *node = json_object_get_member (o, name);
  gint64 v;

  g_assert (fields[field].kind == FIELD_KIND_COUNT);
  if (node == NULL)
    return invalid (error, "field '%s' is missing", name);
  if (!holds (node, G_TYPE_INT64))
    return invalid (error, "field '%s' is %s, expected an integer", name,
        describe (node));
  v = json_node_get_int (node);
  if (v < 0 || v > G_MAXUINT)
    return invalid (error, "field '%s' is %" G_GINT64_FORMAT ", expected 0 "
        "to %u", name, v, G_MAXUINT);
  *out = v;
  return TRUE;
}

/* A time or rate: a finite number >= 0, 0 when absent. JSON writers print
 * 2.0 as 2, so integers are numbers too. */
static gboolean
get_number (JsonObject * o, TpMetadataField field, gdouble * out,
    GError ** error)
{
  const gchar *name = fields[field].name;
  JsonNode *node = json_object_get_member (o, name);

  g_assert (fields[field].kind == FIELD_KIND_NUMBER);
  *out = 0;
  if (node == NULL)
    return TRUE;
  if (holds (node, G_TYPE_INT64))
    *out = json_node_get_int (node);
  else if (holds (node, G_TYPE_DOUBLE))
    *out = json_node_get_double (node);
  else
    return invalid (error, "field '%s' is %s, expected a number", name,
        describe (node));
  if (!isfinite (*out) || *out < 0)
    return invalid (error, "field '%s' is %g, expected a number >= 0", name,
        *out);
  return TRUE;
}

/* The member @name if it is a string, "" if it is absent or null. */
static gboolean
get_text (JsonObject * o, const gchar * name, const gchar ** out,
    GError ** error)
{
  JsonNode *node = json_object_get_member (o, name);

  *out = "";
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!holds (node, G_TYPE_STRING))
    return invalid (error, "field '%s' is %s, expected a string", name,
        describe (node));
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_flag (JsonObject * o, TpMetadataField field, gboolean * out,
    GError ** error)
{
  const gchar *name = fields[field].name;
  JsonNode *node = json_object_get_member (o, name);

  g_assert (fields[field].kind == FIELD_KIND_FLAG);
  *out = FALSE;
  if (node == NULL) {
    if (fields[field].required)
      return invalid (error, "field '%s' is missing", name);
    return TRUE;
  }
  if (!holds (node, G_TYPE_BOOLEAN))
    return invalid (error, "field '%s' is %s, expected true or false", name,
        describe (node));
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gint
compare_failures (gconstpointer a, gconstpointer b)
{
  const TpFailure *fa = a, *fb = b;

  if (fa->frame != fb->frame)
    return fa->frame < fb->frame ? -1 : 1;
  return strcmp (fa->stream, fb->stream);
}

static void
failure_clear (gpointer data)
{
  TpFailure *f = data;

  g_free (f->stream);
  g_free (f->reason);
}

/* Every entry is checked; they are listed by frame number (metadata.json
 * has them in the order the streams reported them). */
static gboolean
read_failed_frames (TpMetadataRecord * record, JsonObject * o,
    GError ** error)
{
  const gchar *name = fields[TP_FIELD_FAILED_FRAMES].name;
  JsonNode *node = json_object_get_member (o, name);
  JsonArray *list;
  guint i, n;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "field '%s' is %s, expected an array", name,
        describe (node));
  list = json_node_get_array (node);
  n = json_array_get_length (list);
  for (i = 0; i < n; i++) {
    JsonNode *item = json_array_get_element (list, i);
    JsonObject *entry;
    JsonNode *frame;
    const gchar *stream, *reason;
    TpFailure f;

    if (!JSON_NODE_HOLDS_OBJECT (item))
      return invalid (error, "%s[%u] is %s, expected an object", name, i,
          describe (item));
    entry = json_node_get_object (item);
    frame = json_object_get_member (entry, entry_fields[TP_ENTRY_FRAME]);
    if (frame == NULL || !holds (frame, G_TYPE_INT64))
      return invalid (error, "%s[%u] has no integer '%s'", name, i,
          entry_fields[TP_ENTRY_FRAME]);
    if (!get_text (entry, entry_fields[TP_ENTRY_STREAM], &stream, error)
        || !get_text (entry, entry_fields[TP_ENTRY_REASON], &reason, error))
      return FALSE;
    f.frame = json_node_get_int (frame);
    f.stream = g_strdup (stream);
    f.reason = g_strdup (reason);
    g_array_append_val (record->failed_frames, f);
  }
  g_array_sort (record->failed_frames, compare_failures);
  return TRUE;
}

static gboolean
read_fields (TpMetadataRecord * record, JsonObject * o, GError ** error)
{
  const gchar *text;
  gdouble fps;

  if (!get_count (o, TP_FIELD_TOTAL_FRAMES, &record->total_frames, error)
      || !get_count (o, TP_FIELD_SUCCESSFUL, &record->successful, error)
      || !get_count (o, TP_FIELD_FAILED, &record->failed, error)
      || !get_flag (o, TP_FIELD_COMPLETE, &record->complete, error)
      || !get_flag (o, TP_FIELD_INTERRUPTED, &record->interrupted, error)
      || !get_text (o, fields[TP_FIELD_ERROR].name, &text, error)
      || !get_number (o, TP_FIELD_PROCESSING_TIME_SECONDS,
          &record->processing_time_seconds, error)
      || !get_number (o, TP_FIELD_PROCESSING_FPS, &fps, error)
      || !read_failed_frames (record, o, error))
    return FALSE;
  record->error = g_strdup (text);
  if (record->successful + record->failed > record->total_frames)
    return invalid (error, "%s (%" G_GUINT64_FORMAT ") + %s (%"
        G_GUINT64_FORMAT ") is more than %s (%" G_GUINT64_FORMAT ")",
        fields[TP_FIELD_SUCCESSFUL].name, record->successful,
        fields[TP_FIELD_FAILED].name, record->failed,
        fields[TP_FIELD_TOTAL_FRAMES].name, record->total_frames);
  /* The frames of the last run: converted_frames, or from a metadata.json
   * without it, processing_fps times its time. */
  if (json_object_has_member (o, fields[TP_FIELD_CONVERTED_FRAMES].name)) {
    guint64 converted;

    if (!get_count (o, TP_FIELD_CONVERTED_FRAMES, &converted, error))
      return FALSE;
    record->converted_frames = converted;
  } else {
    record->converted_frames = fps * record->processing_time_seconds;
  }
  return TRUE;
}

static gboolean
read_metadata (const gchar * path, TpMetadataRecord * record,
    GError ** error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  g_autofree gchar *text = NULL;
  JsonNode *root;
  GStatBuf st;
  gsize len;

  /* Checked before reading: reading a FIFO would block. */
  if (g_stat (path, &st) != 0) {
    int errsv = errno;

    g_set_error (error, TP_METADATA_ERROR, TP_METADATA_ERROR_READ,
        "cannot read '%s': %s", path, g_strerror (errsv));
    return FALSE;
  }
  if (!S_ISREG (st.st_mode)) {
    g_set_error (error, TP_METADATA_ERROR, TP_METADATA_ERROR_READ,
        "'%s' is not a regular file", path);
    return FALSE;
  }
  if (st.st_size > MAX_METADATA_BYTES) {
    g_set_error (error, TP_METADATA_ERROR, TP_METADATA_ERROR_READ,
        "'%s' is %" G_GINT64_FORMAT " bytes, more than the limit of %d",
        path, (gint64) st.st_size, MAX_METADATA_BYTES);
    return FALSE;
  }
  if (!g_file_get_contents (path, &text, &len, error))
    return FALSE;
  if (!json_parser_load_from_data (parser, text, len, &local))
    return invalid (error, "'%s' is not JSON: %s", path, local->message);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return invalid (error, "'%s' holds %s, expected an object", path,
        root ? describe (root) : "nothing");
  if (!read_fields (record, json_node_get_object (root), error)) {
    g_prefix_error (error, "'%s': ", path);
    return FALSE;
  }
  return TRUE;
}

gboolean
tp_metadata_read (const gchar * path, TpMetadataRecord * record,
    GError ** error)
{
  memset (record, 0, sizeof (*record));
  record->failed_frames = g_array_new (FALSE, TRUE, sizeof (TpFailure));
  g_array_set_clear_func (record->failed_frames, failure_clear);
  if (!read_metadata (path, record, error)) {
    /* Nothing of a half-read file is trusted. */
    tp_metadata_record_clear (record);
    return FALSE;
  }
  return TRUE;
}

void
tp_metadata_record_clear (TpMetadataRecord * record)
{
  g_clear_pointer (&record->error, g_free);
  g_clear_pointer (&record->failed_frames, g_array_unref);
  memset (record, 0, sizeof (*record));
}
