/* gst-trial tests: a small command line front end to align.c so
 * check_align.py can compare its output with a numpy implementation of the
 * rule, byte for byte.
 *
 *   align-tool align CALIBRATION IN.raw OUT.raw THREADS
 *   align-tool rotation CALIBRATION OUT.raw
 *
 * CALIBRATION is a key file (GKeyFile) with groups [depth] and [color]
 * (width, height, fx, fy, ppx, ppy, model as the .bag spells it, coeffs as
 * 5 numbers separated by ';') and [extrinsics] (translation: 3 numbers,
 * and either quaternion: x;y;z;w or rotation: 9 numbers, column-major) and
 * scale in [depth], and optionally [align] rule (librealsense-x86 or
 * portable, gst_trial_align_rule_from_name()). "align" writes the aligned uint16 frame and prints
 * "rectangles=0|1"; "rotation" writes the 9 float32 of the rotation and the
 * 3 of the translation. Errors go to stderr, exit status 1. */
#include <stdlib.h>
#include <string.h>

#include "gst/trial/align.h"

static gboolean
get_floats (GKeyFile * file, const gchar * group, const gchar * key,
    gsize n, gdouble * out, GError ** error)
{
  g_autofree gdouble *values = NULL;
  gsize len = 0;

  values = g_key_file_get_double_list (file, group, key, &len, error);
  if (values == NULL)
    return FALSE;
  if (len != n) {
    g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
        "[%s] %s has %" G_GSIZE_FORMAT " values, expected %" G_GSIZE_FORMAT,
        group, key, len, n);
    return FALSE;
  }
  memcpy (out, values, n * sizeof (gdouble));
  return TRUE;
}

static gboolean
read_intrinsics (GKeyFile * file, const gchar * group,
    GstTrialIntrinsics * in, GError ** error)
{
  g_autofree gchar *model = NULL;
  gdouble k[4], coeffs[5];
  guint i;

  in->width = g_key_file_get_integer (file, group, "width", error);
  if (error && *error)
    return FALSE;
  in->height = g_key_file_get_integer (file, group, "height", error);
  if (error && *error)
    return FALSE;
  if (!get_floats (file, group, "fx", 1, k, error)
      || !get_floats (file, group, "fy", 1, k + 1, error)
      || !get_floats (file, group, "ppx", 1, k + 2, error)
      || !get_floats (file, group, "ppy", 1, k + 3, error)
      || !get_floats (file, group, "coeffs", 5, coeffs, error))
    return FALSE;
  in->fx = k[0];
  in->fy = k[1];
  in->ppx = k[2];
  in->ppy = k[3];
  for (i = 0; i < 5; i++)
    in->coeffs[i] = coeffs[i];
  model = g_key_file_get_string (file, group, "model", error);
  return model != NULL && gst_trial_distortion_from_name (model, &in->model,
      error);
}

static gboolean
read_calibration (const gchar * path, GstTrialIntrinsics * depth,
    GstTrialIntrinsics * color, GstTrialExtrinsics * ex, gfloat * scale,
    GError ** error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  gdouble t[3], q[4], r[9], s;
  guint i;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error)
      || !read_intrinsics (file, "depth", depth, error)
      || !read_intrinsics (file, "color", color, error)
      || !get_floats (file, "depth", "scale", 1, &s, error)
      || !get_floats (file, "extrinsics", "translation", 3, t, error))
    return FALSE;
  *scale = s;
  if (g_key_file_has_key (file, "extrinsics", "quaternion", NULL)) {
    return get_floats (file, "extrinsics", "quaternion", 4, q, error)
        && gst_trial_extrinsics_from_quaternion (q, t, ex, error);
  }
  if (!get_floats (file, "extrinsics", "rotation", 9, r, error))
    return FALSE;
  for (i = 0; i < 9; i++)
    ex->rotation[i] = r[i];
  for (i = 0; i < 3; i++)
    ex->translation[i] = t[i];
  return TRUE;
}

static gboolean
read_rule (const gchar * path, GstTrialAlignRule * rule, GError ** error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree gchar *name = NULL;

  *rule = GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86;
  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    return FALSE;
  if (!g_key_file_has_key (file, "align", "rule", NULL))
    return TRUE;
  name = g_key_file_get_string (file, "align", "rule", error);
  return name != NULL && gst_trial_align_rule_from_name (name, rule, error);
}

static gboolean
align (const gchar * calibration, const gchar * in, const gchar * out,
    guint n_threads, GError ** error)
{
  GstTrialIntrinsics depth, color;
  GstTrialExtrinsics ex;
  GstTrialAlignRule rule;
  gfloat scale;
  g_autoptr (GstTrialAligner) aligner = NULL;
  g_autofree gchar *frame = NULL;
  g_autofree guint16 *aligned = NULL;
  gsize size, out_size;

  if (!read_calibration (calibration, &depth, &color, &ex, &scale, error)
      || !read_rule (calibration, &rule, error))
    return FALSE;
  aligner = gst_trial_aligner_new_with_rule (&depth, &color, &ex, scale,
      n_threads, rule, error);
  if (aligner == NULL || !g_file_get_contents (in, &frame, &size, error))
    return FALSE;
  out_size = (gsize) color.width * color.height * sizeof (guint16);
  aligned = g_malloc (out_size);
  if (!gst_trial_aligner_process (aligner, (const guint16 *) frame, size,
          aligned, out_size, in, error))
    return FALSE;
  g_print ("rectangles=%d\n", gst_trial_aligner_uses_rectangles (aligner));
  return g_file_set_contents (out, (const gchar *) aligned, out_size, error);
}

static gboolean
rotation (const gchar * calibration, const gchar * out, GError ** error)
{
  GstTrialIntrinsics depth, color;
  GstTrialExtrinsics ex;
  gfloat scale;

  return read_calibration (calibration, &depth, &color, &ex, &scale, error)
      && g_file_set_contents (out, (const gchar *) &ex, sizeof (ex), error);
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  gboolean ok;

  if (argc == 6 && strcmp (argv[1], "align") == 0 && atoi (argv[5]) >= 1) {
    ok = align (argv[2], argv[3], argv[4], atoi (argv[5]), &error);
  } else if (argc == 4 && strcmp (argv[1], "rotation") == 0) {
    ok = rotation (argv[2], argv[3], &error);
  } else {
    g_printerr ("usage: align-tool align CALIBRATION IN.raw OUT.raw THREADS"
        "\n       align-tool rotation CALIBRATION OUT.raw\n");
    return 2;
  }
  if (!ok) {
    g_printerr ("%s\n", error->message);
    g_error_free (error);
    return 1;
  }
  return 0;
}
