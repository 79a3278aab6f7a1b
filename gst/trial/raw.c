/* gst-trial: shape guessing and size checking for headerless .raw depth
 * frames (little-endian uint16, row-major). The bytes themselves are
 * converted by depth.c. */
#include <math.h>

#include "gst/trial/error.h"
#include "gst/trial/raw.h"

gboolean
gst_trial_raw_guess_shape (gsize size, guint * width, guint * height)
{
  /* the seed's resolutions in its order, then the RealSense D4xx depth
   * modes (TRIAL_FORMAT.md §2). No two have the same pixel count, and they
   * come before the square: 480x270 and 256x144 are as many pixels as
   * 360x360 and 192x192. */
  static const guint known[][2] = {
    {640, 480}, {1280, 720}, {1920, 1080},
    {848, 480}, {640, 360}, {480, 270}, {424, 240}, {256, 144},
  };
  gsize pixels;
  guint i, side;

  g_return_val_if_fail (width != NULL && height != NULL, FALSE);

  if (size == 0 || size % 2 != 0)
    return FALSE;
  pixels = size / 2;
  for (i = 0; i < G_N_ELEMENTS (known); i++) {
    if (pixels == (gsize) known[i][0] * known[i][1]) {
      *width = known[i][0];
      *height = known[i][1];
      return TRUE;
    }
  }
  if (pixels > (gsize) GST_TRIAL_MAX_DIMENSION * GST_TRIAL_MAX_DIMENSION)
    return FALSE;
  /* sqrt of a double is exact enough below 2^28; the loops absorb the
   * rounding either way */
  side = (guint) sqrt ((gdouble) pixels);
  while ((gsize) side * side > pixels)
    side--;
  while ((gsize) (side + 1) * (side + 1) <= pixels)
    side++;
  if ((gsize) side * side != pixels)
    return FALSE;
  *width = side;
  *height = side;
  return TRUE;
}

gboolean
gst_trial_raw_check (gsize size, guint width, guint height,
    const gchar * name, GError ** error)
{
  guint64 expected;

  g_return_val_if_fail (name != NULL, FALSE);

  if (width == 0 || height == 0 || width > GST_TRIAL_MAX_DIMENSION
      || height > GST_TRIAL_MAX_DIMENSION) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "depth shape %ux%u for '%s' is out of range (each side must be 1 "
        "to %u)", height, width, name, GST_TRIAL_MAX_DIMENSION);
    return FALSE;
  }
  expected = (guint64) width * height * 2;
  if (size != expected) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH,
        "depth file '%s' is %" G_GSIZE_FORMAT " bytes, expected %"
        G_GUINT64_FORMAT " (%ux%u uint16)", name, size, expected, height,
        width);
    return FALSE;
  }
  return TRUE;
}
