/* gst-trial: cheap checks of the files trial-process writes. The file is
 * mapped, not read: a .npy check touches its header page only. */
#include <errno.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "gst/trial/output.h"
#include "gst/trial/error.h"
#include "gst/trial/npy.h"
#include "gst/trial/pngverify.h"

static gboolean
check_contents (const gchar * path, const guint8 * data, gsize size,
    GError ** error)
{
  g_autoptr (GError) why = NULL;
  GstTrialNpyInfo info;
  gboolean ok;

  if (size == 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "'%s' is empty", path);
    return FALSE;
  }
  if (g_str_has_suffix (path, ".npy"))
    ok = gst_trial_npy_parse (data, size, &info, &why);
  else
    ok = gst_trial_png_verify (data, size, GST_TRIAL_PNG_VERIFY_CHUNKS, NULL,
        &why);
  if (!ok)
    g_set_error (error, GST_TRIAL_ERROR, why->code, "'%s' is damaged: %s",
        path, why->message);
  return ok;
}

gboolean
gst_trial_output_check (const gchar * path, GError ** error)
{
  g_autoptr (GMappedFile) map = NULL;
  g_autoptr (GError) why = NULL;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_str_has_suffix (path, ".npy") && !g_str_has_suffix (path, ".png")) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "'%s' is not an output file: expected a .npy or .png name", path);
    return FALSE;
  }
  /* lstat first: opening a FIFO would block, a symlink is not ours */
  if (g_lstat (path, &st) != 0) {
    int err = errno;

    g_set_error (error, GST_TRIAL_ERROR, err == ENOENT ?
        GST_TRIAL_ERROR_NOT_FOUND : GST_TRIAL_ERROR_IO, "cannot read '%s': %s",
        path, g_strerror (err));
    return FALSE;
  }
  if (!S_ISREG (st.st_mode)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "'%s' is not a regular file", path);
    return FALSE;
  }
  if (st.st_size == 0)
    return check_contents (path, NULL, 0, error);

  map = g_mapped_file_new (path, FALSE, &why);
  if (map == NULL) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO, "%s",
        why->message);
    return FALSE;
  }
  return check_contents (path, (const guint8 *) g_mapped_file_get_contents
      (map), g_mapped_file_get_length (map), error);
}
