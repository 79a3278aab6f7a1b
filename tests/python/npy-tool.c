/* gst-trial tests: a small command line front end to npy.c and depth.c so
 * check_npy.py can compare their output with numpy's, byte for byte.
 *
 *   npy-tool raw2npy IN.raw OUT.npy WIDTH HEIGHT SCALE
 *   npy-tool npy2npy IN.npy OUT.npy SCALE|auto
 *   npy-tool header WIDTH HEIGHT OUT
 *
 * OUT.npy is what trialconvert writes: a v1.0 '<f4' file of metres. */
#include <stdlib.h>
#include <string.h>

#include "gst/trial/depth.h"
#include "gst/trial/npy.h"

static gboolean
write_npy (GstTrialDepthFormat format, const gchar * in, const gchar * out,
    guint width, guint height, const gchar * scale_arg, GError ** error)
{
  g_autofree gchar *data = NULL;
  g_autofree guint8 *file = NULL;
  gsize size, header_size;
  gdouble scale;

  if (!g_file_get_contents (in, &data, &size, error))
    return FALSE;
  if (width == 0 && !gst_trial_depth_probe_shape (format,
          (const guint8 *) data, size, in, &width, &height, error))
    return FALSE;
  if (g_strcmp0 (scale_arg, "auto") == 0) {
    if (!gst_trial_depth_decide_scale (format, (const guint8 *) data, size,
            in, &scale, error))
      return FALSE;
  } else {
    scale = g_ascii_strtod (scale_arg, NULL);
  }
  header_size = gst_trial_npy_f32_header_size (height, width);
  file = g_malloc (header_size + (gsize) width * height * sizeof (gfloat));
  gst_trial_npy_write_f32_header (height, width, file);
  if (!gst_trial_depth_to_f32 (format, (const guint8 *) data, size, in,
          width, height, scale, (gfloat *) (file + header_size), error))
    return FALSE;
  return g_file_set_contents (out, (const gchar *) file,
      header_size + (gsize) width * height * sizeof (gfloat), error);
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  gboolean ok;

  if (argc == 7 && strcmp (argv[1], "raw2npy") == 0) {
    ok = write_npy (GST_TRIAL_DEPTH_RAW, argv[2], argv[3], atoi (argv[4]),
        atoi (argv[5]), argv[6], &error);
  } else if (argc == 5 && strcmp (argv[1], "npy2npy") == 0) {
    ok = write_npy (GST_TRIAL_DEPTH_NPY, argv[2], argv[3], 0, 0, argv[4],
        &error);
  } else if (argc == 5 && strcmp (argv[1], "header") == 0) {
    guint width = strtoul (argv[2], NULL, 10);
    guint height = strtoul (argv[3], NULL, 10);
    gsize size = gst_trial_npy_f32_header_size (height, width);
    g_autofree guint8 *header = g_malloc (size);

    gst_trial_npy_write_f32_header (height, width, header);
    ok = g_file_set_contents (argv[4], (const gchar *) header, size, &error);
  } else {
    g_printerr ("usage: %s raw2npy IN OUT WIDTH HEIGHT SCALE\n"
        "       %s npy2npy IN OUT SCALE|auto\n"
        "       %s header WIDTH HEIGHT OUT\n", argv[0], argv[0], argv[0]);
    return 2;
  }
  if (!ok) {
    g_printerr ("%s\n", error->message);
    g_clear_error (&error);
    return 1;
  }
  return 0;
}
