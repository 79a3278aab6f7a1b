/* gst-trial: GstTrialImage, the decoded frame every decoder returns.
 *
 * Owns the size limits: every decoder allocates through
 * gst_trial_image_new(), so a hostile header can never make us allocate more
 * than GST_TRIAL_MAX_IMAGE_BYTES. */
#include "gst/trial/image.h"
#include "gst/trial/error.h"

guint
gst_trial_pixel_format_bpp (GstTrialPixelFormat format)
{
  switch (format) {
    case GST_TRIAL_PIXEL_RGB8:
    case GST_TRIAL_PIXEL_BGR8:
      return 3;
    case GST_TRIAL_PIXEL_RGBA8:
      return 4;
    case GST_TRIAL_PIXEL_GRAY8:
      return 1;
    case GST_TRIAL_PIXEL_GRAY16:
      return 2;
  }
  return 0;
}

GstTrialImage *
gst_trial_image_new (GstTrialPixelFormat format, guint width, guint height,
    GError ** error)
{
  guint bpp = gst_trial_pixel_format_bpp (format);
  GstTrialImage *image;
  guint64 bytes;
  guint8 *data;

  g_return_val_if_fail (bpp != 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (width == 0 || height == 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "image of %ux%u pixels is empty", width, height);
    return NULL;
  }
  if (width > GST_TRIAL_MAX_DIMENSION || height > GST_TRIAL_MAX_DIMENSION) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "image of %ux%u pixels is too large: at most %u pixels per side "
        "are accepted", width, height, GST_TRIAL_MAX_DIMENSION);
    return NULL;
  }
  /* Both sides are at most 2^14 and bpp at most 4, so this cannot overflow. */
  bytes = (guint64) width * height * bpp;
  if (bytes > GST_TRIAL_MAX_IMAGE_BYTES) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "image of %ux%u pixels needs %" G_GUINT64_FORMAT " bytes, more than "
        "the limit of %u bytes per frame", width, height, bytes,
        GST_TRIAL_MAX_IMAGE_BYTES);
    return NULL;
  }
  /* Even within the limits the allocation may fail; that is an error for
   * this frame, not a reason to abort the whole run. */
  data = g_try_malloc (bytes);
  if (data == NULL) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "out of memory allocating %" G_GUINT64_FORMAT " bytes for a %ux%u "
        "image", bytes, width, height);
    return NULL;
  }

  image = g_new (GstTrialImage, 1);
  image->width = width;
  image->height = height;
  image->format = format;
  image->stride = (gsize) width * bpp;
  image->data = data;
  return image;
}

void
gst_trial_image_free (GstTrialImage * image)
{
  if (image == NULL)
    return;
  g_free (image->data);
  g_free (image);
}

guint8 *
gst_trial_image_steal_data (GstTrialImage * image, gsize * size)
{
  guint8 *data;

  g_return_val_if_fail (image != NULL, NULL);

  data = g_steal_pointer (&image->data);
  if (size != NULL)
    *size = data != NULL ? image->stride * image->height : 0;
  return data;
}
