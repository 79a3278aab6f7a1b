/* gst-trial: depth frames of any source format to float32 metres or uint16
 * millimetres, with the units decided once per trial (docs/trial-format.md). */
#pragma once

#include <glib.h>
#include "gst/trial/npy.h"

G_BEGIN_DECLS

typedef enum
{
  GST_TRIAL_DEPTH_NONE,         /* no depth file */
  GST_TRIAL_DEPTH_RAW,
  GST_TRIAL_DEPTH_NPY,
  GST_TRIAL_DEPTH_PNG,
} GstTrialDepthFormat;

const gchar *gst_trial_depth_format_to_string (GstTrialDepthFormat format);

/**
 * gst_trial_depth_probe_shape: (skip)
 *
 * Shape of a depth file from its bytes: .raw by size (gst_trial_raw_guess_shape),
 * .npy and .png from their headers.
 */
gboolean gst_trial_depth_probe_shape (GstTrialDepthFormat format,
    const guint8 * data, gsize size, const gchar * name, guint * width,
    guint * height, GError ** error);

/**
 * gst_trial_depth_decide_scale: (skip)
 *
 * The metres-per-unit scale for a trial, decided from its first depth file:
 * uint16 sources (raw, 16-bit png, npy u2) are millimetres -> 0.001; other
 * npy dtypes are millimetres when their maximum exceeds 100 -> 0.001, else
 * metres -> 1.0.
 */
gboolean gst_trial_depth_decide_scale (GstTrialDepthFormat format,
    const guint8 * data, gsize size, const gchar * name, gdouble * scale,
    GError ** error);

/**
 * gst_trial_depth_probe_dtype: (skip)
 *
 * The dtype whose unit rule a depth file follows: U2 for .raw and 16-bit
 * .png, the array's dtype for .npy.
 */
gboolean gst_trial_depth_probe_dtype (GstTrialDepthFormat format,
    const guint8 * data, gsize size, const gchar * name, GstTrialDtype * dtype,
    GError ** error);

/**
 * gst_trial_depth_frame_scale: (skip)
 *
 * The scale of one depth file of a trial whose scale @trial_scale was
 * decided (gst_trial_depth_decide_scale) on a file of @trial_dtype: a file
 * of that dtype takes @trial_scale, so every such frame of the trial gets
 * the same units; a file of another dtype is decided by its own dtype's
 * rule (gst_trial_depth_decide_scale on it), so a float64 metres .npy among
 * uint16 millimetre frames stays metres.
 */
gboolean gst_trial_depth_frame_scale (GstTrialDepthFormat format,
    const guint8 * data, gsize size, const gchar * name,
    GstTrialDtype trial_dtype, gdouble trial_scale, gdouble * scale,
    GError ** error);

/**
 * gst_trial_depth_to_f32: (skip)
 *
 * Decodes one depth file to width*height float32 metres (value * scale).
 * The file's shape must equal width x height, else SIZE_MISMATCH naming
 * @name and both shapes.
 */
gboolean gst_trial_depth_to_f32 (GstTrialDepthFormat format,
    const guint8 * data, gsize size, const gchar * name, guint width,
    guint height, gdouble scale, gfloat * out, GError ** error);

/**
 * gst_trial_depth_to_u16: (skip)
 *
 * Decodes one depth file to width*height uint16 millimetres
 * (round (value * scale * 1000), clamped to 0..65535).
 */
gboolean gst_trial_depth_to_u16 (GstTrialDepthFormat format,
    const guint8 * data, gsize size, const gchar * name, guint width,
    guint height, gdouble scale, guint16 * out, GError ** error);

/**
 * gst_trial_depth_u16le_to_f32: (skip)
 *
 * The hot path for .raw: little-endian uint16 -> float32 * scale.
 */
void gst_trial_depth_u16le_to_f32 (const guint8 * src, gsize n, gfloat scale,
    gfloat * out);

G_END_DECLS
