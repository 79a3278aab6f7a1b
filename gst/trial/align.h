/* gst-trial: depth aligned to the color camera (docs/align.md).
 *
 * Maps every depth pixel into the color camera's image, as librealsense's
 * x86 build does for rs.align(rs.stream.color), bit for bit: the rule is
 * /work/shared/ALIGN.md; or, as a second rule, as its plain C++ path does
 * (GST_TRIAL_ALIGN_RULE_PORTABLE). The calibration is checked and the ray maps are
 * computed once, by gst_trial_aligner_new(); each frame is then aligned by
 * gst_trial_aligner_process(), split into bands of depth rows over threads. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The lens models, as a .bag's CameraInfo spells them (distortion_model). */
typedef enum
{
  GST_TRIAL_DISTORTION_NONE,
  GST_TRIAL_DISTORTION_BROWN_CONRADY,
  GST_TRIAL_DISTORTION_INVERSE_BROWN_CONRADY,
  GST_TRIAL_DISTORTION_MODIFIED_BROWN_CONRADY,
  GST_TRIAL_DISTORTION_FTHETA,
  GST_TRIAL_DISTORTION_KANNALA_BRANDT4,
} GstTrialDistortion;

/* Which of librealsense's two computations to reproduce, bit for bit
 * (docs/align.md, "Two rules"):
 * @GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86: its x86 (SSE) path, what
 *   pyrealsense2 on a PC gives (the default).
 * @GST_TRIAL_ALIGN_RULE_PORTABLE: its plain C++ path (builds without SSE,
 *   e.g. ARM): rsutil.h's deprojection and projection, corners truncated,
 *   both corners always, a depth pixel whose rectangle is not wholly inside
 *   the color image skipped. */
typedef enum
{
  GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86,
  GST_TRIAL_ALIGN_RULE_PORTABLE,
} GstTrialAlignRule;

/* "librealsense-x86" or "portable"; FALSE with GST_TRIAL_ERROR_UNSUPPORTED
 * otherwise. */
gboolean gst_trial_align_rule_from_name (const gchar * name,
    GstTrialAlignRule * rule, GError ** error);

const gchar *gst_trial_align_rule_name (GstTrialAlignRule rule);

/* One camera's intrinsics, as librealsense's rs2_intrinsics. */
typedef struct
{
  guint width;
  guint height;
  gfloat fx;
  gfloat fy;
  gfloat ppx;
  gfloat ppy;
  GstTrialDistortion model;
  gfloat coeffs[5];
} GstTrialIntrinsics;

/* Depth to color: P_color = R·P_depth + t, in metres. R is column-major
 * (rotation[3] is row 0, column 1), as librealsense's rs2_extrinsics. */
typedef struct
{
  gfloat rotation[9];
  gfloat translation[3];
} GstTrialExtrinsics;

/* Parses a distortion_model string ("None", "Brown Conrady",
 * "Inverse Brown Conrady", "Modified Brown Conrady", "Ftheta",
 * "Kannala Brandt4"); FALSE with GST_TRIAL_ERROR_UNSUPPORTED otherwise. */
gboolean gst_trial_distortion_from_name (const gchar * name,
    GstTrialDistortion * model, GError ** error);

const gchar *gst_trial_distortion_name (GstTrialDistortion model);

/* Fills @extrinsics from a tf message's unit quaternion (x, y, z, w) and
 * translation (metres) as librealsense does: the matrix in double, then
 * each value rounded to float. FALSE (GST_TRIAL_ERROR_CORRUPT) when a value
 * is not finite or the quaternion's norm is not 1 (within 1e-3). */
gboolean gst_trial_extrinsics_from_quaternion (const gdouble quaternion[4],
    const gdouble translation[3], GstTrialExtrinsics * extrinsics,
    GError ** error);

typedef struct _GstTrialAligner GstTrialAligner;

/* Checks the calibration and precomputes the ray maps. @depth_scale is in
 * metres per depth unit. @n_threads (>= 1, at most 64 are used) is how
 * many threads align a frame: the calling one and n_threads - 1 workers of
 * a pool that all aligners of the process share, whose threads start once
 * and stay. One aligner aligns one frame at a time.
 * NULL and GST_TRIAL_ERROR_CORRUPT (TOO_LARGE for sizes beyond
 * GST_TRIAL_MAX_DIMENSION) when a camera has a size of 0, fx or fy not
 * positive, a value that is not finite, when the rotation is not a rotation
 * (R·Rᵀ = I and det R = 1, within 1e-3) or the depth scale is not positive. */
GstTrialAligner *gst_trial_aligner_new (const GstTrialIntrinsics * depth,
    const GstTrialIntrinsics * color, const GstTrialExtrinsics * extrinsics,
    gfloat depth_scale, guint n_threads, GError ** error);

/* As gst_trial_aligner_new(), which is this with
 * GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86, with the rule to follow. The
 * portable rule refuses (GST_TRIAL_ERROR_UNSUPPORTED) an 'Ftheta' or
 * 'Kannala Brandt4' camera, which librealsense computes in double
 * precision through the math library. */
GstTrialAligner *gst_trial_aligner_new_with_rule (const GstTrialIntrinsics *
    depth, const GstTrialIntrinsics * color,
    const GstTrialExtrinsics * extrinsics, gfloat depth_scale,
    guint n_threads, GstTrialAlignRule rule, GError ** error);

void gst_trial_aligner_free (GstTrialAligner * aligner);

GstTrialAlignRule gst_trial_aligner_get_rule (GstTrialAligner * aligner);

/* Aligns one frame: @depth is depth width x height uint16 values (host
 * order), @out receives color width x height uint16 values in the same
 * units, 0 where no depth pixel lands. The sizes are in bytes; FALSE with
 * GST_TRIAL_ERROR_SIZE_MISMATCH (and @out untouched) when either differs
 * from the calibration. @name names the frame in the error. */
gboolean gst_trial_aligner_process (GstTrialAligner * aligner,
    const guint16 * depth, gsize depth_size, guint16 * out, gsize out_size,
    const gchar * name, GError ** error);

/* Whether a depth pixel covers the rectangle between its two corners'
 * color pixels (TRUE) or only its top-left corner's pixel (ALIGN.md step 6;
 * always TRUE with the portable rule). */
gboolean gst_trial_aligner_uses_rectangles (GstTrialAligner * aligner);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstTrialAligner, gst_trial_aligner_free)

G_END_DECLS
