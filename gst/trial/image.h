/* gst-trial: a decoded frame in memory.
 *
 * GstTrialImage owns one g_malloc'd block of pixels, rows top to bottom,
 * tightly packed (stride == width * bytes per pixel). Elements hand the block
 * to a GstBuffer with gst_buffer_new_wrapped() after
 * gst_trial_image_steal_data(), so decoding never copies twice. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GST_TRIAL_PIXEL_RGB8,
  GST_TRIAL_PIXEL_BGR8,
  GST_TRIAL_PIXEL_RGBA8,
  GST_TRIAL_PIXEL_GRAY8,
  GST_TRIAL_PIXEL_GRAY16,       /* host-endian uint16 (little-endian here) */
} GstTrialPixelFormat;

typedef struct
{
  guint width;
  guint height;
  GstTrialPixelFormat format;
  gsize stride;                 /* bytes per row == width * bpp */
  guint8 *data;                 /* stride * height bytes, owned */
} GstTrialImage;

guint gst_trial_pixel_format_bpp (GstTrialPixelFormat format);

/* ITU-R BT.601 luma of an 8-bit RGB pixel, rounded (the weights sum to 256,
 * so white stays 255). Every GRAY8 conversion of libgsttrial uses it, so a
 * frame gives the same gray pixels whatever file format it came in. */
static inline guint8
gst_trial_luma (guint r, guint g, guint b)
{
  return (guint8) ((77 * r + 150 * g + 29 * b + 128) >> 8);
}

/* Allocates an uninitialised image; NULL + GST_TRIAL_ERROR_TOO_LARGE when the
 * size is beyond GST_TRIAL_MAX_DIMENSION / GST_TRIAL_MAX_IMAGE_BYTES (or the
 * allocation fails), GST_TRIAL_ERROR_CORRUPT for a zero width or height. */
GstTrialImage *gst_trial_image_new (GstTrialPixelFormat format, guint width,
    guint height, GError ** error);
void gst_trial_image_free (GstTrialImage * image);
/* Takes the pixel block out (caller g_free()s it); returns its size. */
guint8 *gst_trial_image_steal_data (GstTrialImage * image, gsize * size);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstTrialImage, gst_trial_image_free)

G_END_DECLS
