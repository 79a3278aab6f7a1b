/* gst-trial: depth aligned to the color camera.
 *
 * Two rules: librealsense 2.56's x86 (SSE) path, as /work/shared/ALIGN.md
 * states it, and its plain C++ path (the portable rule: rsutil.h's
 * deprojection, transform and projection, corners truncated, both corners
 * always, a depth pixel skipped whole when a corner is outside the image);
 * docs/align.md is the user's version. Every expression below is
 * in float32 and in ALIGN.md's order: C evaluates a + b + c as (a + b) + c,
 * as the rule does, and this unit is built with -ffp-contract=off so no
 * multiply-add is fused. Changing the grouping of any expression changes
 * pixels (tests/python/check_align.py notices).
 *
 * Steps 2-6 run over one depth row at a time, eight pixels per vector
 * (without branches), into arrays of clipped rectangles; the scatter
 * (step 7) is scalar. Each band of depth rows scatters into a buffer of its own,
 * holding v - 1 (so the empty value 0xffff is the largest and the nearest
 * surface is a plain minimum); the buffers are merged by minimum, which
 * gives the raster order's result whatever the order of the bands. The
 * merge reads only the color rows a band wrote (a band of depth rows
 * reaches about its share of color rows) and leaves them empty again for
 * the next frame, so no buffer is filled or read whole per frame. */
#include "gst/trial/align.h"

#include <math.h>
#include <string.h>

#include "gst/trial/error.h"
#include "gst/trial/tsan.h"

/* A corner that lands nowhere: behind the camera, not finite, or beyond
 * the int32 range where x86's cvtps gives INT_MIN. */
#define NO_PIXEL G_MININT

/* float32 round to nearest, ties to even (the default rounding mode), for
 * |x| < 2^22: what SSE's cvtps does, in any vector width. */
#define ROUND_MAGIC 12582912.0f /* 1.5 * 2^23 */

/* more threads than this are not used (the pool's threads live as long as
 * the process) */
#define MAX_THREADS 64

/* how often the caller yields for the other bands before it sleeps */
#define SPIN_WAITS 200

/* what one aligner may allocate: 2 GiB (a 16384x16384 frame is 512 MiB) */
#define MAX_MEMORY (4u * GST_TRIAL_MAX_IMAGE_BYTES)

typedef enum
{
  PHASE_SCATTER,
  PHASE_MERGE,
} Phase;

/* steps 3-5 as each rule computes them for the color camera's model */
typedef enum
{
  PROJECT_X86,                  /* no distortion */
  PROJECT_X86_DISTORTED,        /* Modified or Inverse Brown-Conrady, b' quirk */
  PROJECT_PORTABLE,             /* no distortion */
  PROJECT_PORTABLE_MODIFIED,    /* rsutil.h: Modified or Inverse Brown-Conrady */
  PROJECT_PORTABLE_BROWN,       /* rsutil.h: Brown-Conrady */
} Projection;

typedef struct
{
  GstTrialAligner *aligner;
  guint index;
} Job;

struct _GstTrialAligner
{
  GstTrialIntrinsics depth;
  GstTrialIntrinsics color;
  GstTrialExtrinsics extrinsics;
  gfloat scale;
  GstTrialAlignRule rule;
  gboolean rectangles;
  Projection projection;

  /* ray maps, depth width x height: top-left (0) and bottom-right (1)
   * corners of every depth pixel, step 1 */
  gfloat *mx0, *my0, *mx1, *my1;

  guint n_bands;
  /* per band: a color-sized buffer of v - 1 minima, 0xffff between
   * frames, and one depth row of rectangles (left, top, right, bottom) */
  guint16 **band_min;
  gint32 **band_corners;
  /* per band: the first and last color rows it wrote in this frame
   * (first > last: none), set by the band's scatter, read by the merge */
  guint *band_first, *band_last;

  Job *jobs;                    /* n_bands, for the shared pool */
  GMutex lock;
  GCond done;
  gint pending;                 /* jobs not finished; atomic, changed
                                 * under lock so that done is signalled
                                 * to a waiter that holds it */

  /* the frame being aligned; set by the caller thread before it pushes
   * jobs, read by the workers */
  Phase phase;
  const guint16 *frame;
  guint16 *out;
};

static const gchar *const distortion_names[] = {
  [GST_TRIAL_DISTORTION_NONE] = "None",
  [GST_TRIAL_DISTORTION_BROWN_CONRADY] = "Brown Conrady",
  [GST_TRIAL_DISTORTION_INVERSE_BROWN_CONRADY] = "Inverse Brown Conrady",
  [GST_TRIAL_DISTORTION_MODIFIED_BROWN_CONRADY] = "Modified Brown Conrady",
  [GST_TRIAL_DISTORTION_FTHETA] = "Ftheta",
  [GST_TRIAL_DISTORTION_KANNALA_BRANDT4] = "Kannala Brandt4",
};

gboolean
gst_trial_distortion_from_name (const gchar * name,
    GstTrialDistortion * model, GError ** error)
{
  guint i;

  g_return_val_if_fail (model != NULL, FALSE);

  for (i = 0; name != NULL && i < G_N_ELEMENTS (distortion_names); i++) {
    if (strcmp (name, distortion_names[i]) == 0) {
      *model = i;
      return TRUE;
    }
  }
  g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
      "distortion model '%s' is not one of 'None', 'Brown Conrady', "
      "'Inverse Brown Conrady', 'Modified Brown Conrady', 'Ftheta', "
      "'Kannala Brandt4'", name ? name : "(null)");
  return FALSE;
}

static const gchar *const rule_names[] = {
  [GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86] = "librealsense-x86",
  [GST_TRIAL_ALIGN_RULE_PORTABLE] = "portable",
};

gboolean
gst_trial_align_rule_from_name (const gchar * name, GstTrialAlignRule * rule,
    GError ** error)
{
  guint i;

  g_return_val_if_fail (rule != NULL, FALSE);

  for (i = 0; name != NULL && i < G_N_ELEMENTS (rule_names); i++) {
    if (strcmp (name, rule_names[i]) == 0) {
      *rule = i;
      return TRUE;
    }
  }
  g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
      "alignment rule '%s' is not one of 'librealsense-x86', 'portable'",
      name ? name : "(null)");
  return FALSE;
}

const gchar *
gst_trial_align_rule_name (GstTrialAlignRule rule)
{
  if ((guint) rule >= G_N_ELEMENTS (rule_names))
    return "unknown";
  return rule_names[rule];
}

const gchar *
gst_trial_distortion_name (GstTrialDistortion model)
{
  if ((guint) model >= G_N_ELEMENTS (distortion_names))
    return "unknown";
  return distortion_names[model];
}

gboolean
gst_trial_extrinsics_from_quaternion (const gdouble quaternion[4],
    const gdouble translation[3], GstTrialExtrinsics * extrinsics,
    GError ** error)
{
  gdouble x = quaternion[0], y = quaternion[1], z = quaternion[2];
  gdouble w = quaternion[3], norm;
  guint i;

  g_return_val_if_fail (extrinsics != NULL, FALSE);

  for (i = 0; i < 4; i++) {
    if (!isfinite (quaternion[i])) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "extrinsics: rotation quaternion (%g, %g, %g, %g) has a value "
          "that is not finite", x, y, z, w);
      return FALSE;
    }
  }
  for (i = 0; i < 3; i++) {
    if (!isfinite (translation[i])) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "extrinsics: translation (%g, %g, %g) has a value that is not "
          "finite", translation[0], translation[1], translation[2]);
      return FALSE;
    }
  }
  norm = sqrt (x * x + y * y + z * z + w * w);
  if (!(fabs (norm - 1.0) <= 1e-3)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "extrinsics: rotation quaternion (%g, %g, %g, %g) has norm %g, "
        "expected 1", x, y, z, w, norm);
    return FALSE;
  }

  /* librealsense's quat2rot, column-major */
  extrinsics->rotation[0] = 1 - 2 * y * y - 2 * z * z;
  extrinsics->rotation[3] = 2 * x * y - 2 * z * w;
  extrinsics->rotation[6] = 2 * x * z + 2 * y * w;
  extrinsics->rotation[1] = 2 * x * y + 2 * z * w;
  extrinsics->rotation[4] = 1 - 2 * x * x - 2 * z * z;
  extrinsics->rotation[7] = 2 * y * z - 2 * x * w;
  extrinsics->rotation[2] = 2 * x * z - 2 * y * w;
  extrinsics->rotation[5] = 2 * y * z + 2 * x * w;
  extrinsics->rotation[8] = 1 - 2 * x * x - 2 * y * y;
  for (i = 0; i < 3; i++)
    extrinsics->translation[i] = translation[i];
  return TRUE;
}

/* ---- checking the calibration ---- */

static gboolean
check_intrinsics (const GstTrialIntrinsics * in, const gchar * camera,
    GError ** error)
{
  const struct
  {
    const gchar *name;
    gfloat value;
  } values[] = {
    {"fx", in->fx}, {"fy", in->fy}, {"ppx", in->ppx}, {"ppy", in->ppy},
    {"coefficient 0", in->coeffs[0]}, {"coefficient 1", in->coeffs[1]},
    {"coefficient 2", in->coeffs[2]}, {"coefficient 3", in->coeffs[3]},
    {"coefficient 4", in->coeffs[4]},
  };
  guint i;

  if (in->width == 0 || in->height == 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "%s intrinsics: size is %ux%u, expected at least 1x1", camera,
        in->width, in->height);
    return FALSE;
  }
  if (in->width > GST_TRIAL_MAX_DIMENSION
      || in->height > GST_TRIAL_MAX_DIMENSION) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "%s intrinsics: size is %ux%u, at most %ux%u supported", camera,
        in->width, in->height, GST_TRIAL_MAX_DIMENSION,
        GST_TRIAL_MAX_DIMENSION);
    return FALSE;
  }
  for (i = 0; i < G_N_ELEMENTS (values); i++) {
    if (!isfinite (values[i].value)) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "%s intrinsics: %s is %g, expected a finite number", camera,
          values[i].name, values[i].value);
      return FALSE;
    }
  }
  if (!(in->fx > 0) || !(in->fy > 0)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "%s intrinsics: focal length is fx %g, fy %g, expected both "
        "positive", camera, in->fx, in->fy);
    return FALSE;
  }
  if ((guint) in->model > GST_TRIAL_DISTORTION_KANNALA_BRANDT4) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "%s intrinsics: unknown distortion model %d", camera, in->model);
    return FALSE;
  }
  return TRUE;
}

static gboolean
check_extrinsics (const GstTrialExtrinsics * ex, GError ** error)
{
  const gfloat *r = ex->rotation;
  gdouble worst = 0, det;
  guint i, j, k;

  for (i = 0; i < 9; i++) {
    if (!isfinite (r[i])) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "extrinsics: rotation[%u] is %g, expected a finite number", i,
          r[i]);
      return FALSE;
    }
  }
  for (i = 0; i < 3; i++) {
    if (!isfinite (ex->translation[i])) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "extrinsics: translation[%u] is %g, expected a finite number", i,
          ex->translation[i]);
      return FALSE;
    }
  }
  /* columns orthonormal: Rᵀ·R = I */
  for (i = 0; i < 3; i++) {
    for (j = 0; j < 3; j++) {
      gdouble dot = 0;

      for (k = 0; k < 3; k++)
        dot += (gdouble) r[3 * i + k] * r[3 * j + k];
      worst = MAX (worst, fabs (dot - (i == j ? 1.0 : 0.0)));
    }
  }
  det = (gdouble) r[0] * ((gdouble) r[4] * r[8] - (gdouble) r[7] * r[5])
      - (gdouble) r[3] * ((gdouble) r[1] * r[8] - (gdouble) r[7] * r[2])
      + (gdouble) r[6] * ((gdouble) r[1] * r[5] - (gdouble) r[4] * r[2]);
  if (worst > 1e-3 || fabs (det - 1.0) > 1e-3) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "extrinsics: the rotation is not a rotation (R times its transpose "
        "differs from the identity by %g, determinant %g, expected 0 and 1 "
        "within 0.001)",
        worst, det);
    return FALSE;
  }
  return TRUE;
}

/* ---- step 1 and 6: once per calibration ---- */

static void
ray_map (const GstTrialIntrinsics * in, gfloat off, gfloat * mx, gfloat * my)
{
  const gfloat *c = in->coeffs;
  guint x, y;

  for (y = 0; y < in->height; y++) {
    for (x = 0; x < in->width; x++) {
      gsize i = (gsize) y * in->width + x;
      gfloat u = (((gfloat) x + off) - in->ppx) / in->fx;
      gfloat v = (((gfloat) y + off) - in->ppy) / in->fy;

      if (in->model == GST_TRIAL_DISTORTION_INVERSE_BROWN_CONRADY) {
        gfloat r2 = u * u + v * v;
        gfloat f = 1.0f + c[0] * r2 + c[1] * r2 * r2 + c[4] * r2 * r2 * r2;
        gfloat ux = u * f + 2.0f * c[2] * u * v + c[3] * (r2 + 2.0f * u * u);
        gfloat uy = v * f + 2.0f * c[3] * u * v + c[2] * (r2 + 2.0f * v * v);

        u = ux;
        v = uy;
      }
      mx[i] = u;
      my[i] = v;
    }
  }
}

/* rsutil.h's rs2_deproject_pixel_to_point without the depth, as the
 * portable rule deprojects each corner: Brown-Conrady and Inverse
 * Brown-Conrady undistorted by 10 fixed-point iterations, in C's order of
 * operations (int constants converted to float). Modified Brown-Conrady
 * asserts in debug builds and changes nothing in release builds; Ftheta
 * and Kannala Brandt4 are refused by gst_trial_aligner_new_with_rule(). */
static void
ray_map_portable (const GstTrialIntrinsics * in, gfloat off, gfloat * mx,
    gfloat * my)
{
  const gfloat *c = in->coeffs;
  guint x, y, k;

  for (y = 0; y < in->height; y++) {
    for (x = 0; x < in->width; x++) {
      gsize i = (gsize) y * in->width + x;
      gfloat u = (((gfloat) x + off) - in->ppx) / in->fx;
      gfloat v = (((gfloat) y + off) - in->ppy) / in->fy;
      gfloat u0 = u, v0 = v;

      if (in->model == GST_TRIAL_DISTORTION_INVERSE_BROWN_CONRADY) {
        for (k = 0; k < 10; k++) {
          gfloat r2 = u * u + v * v;
          gfloat icdist = 1.0f / (1.0f + ((c[4] * r2 + c[1]) * r2 + c[0])
              * r2);
          gfloat uq = u / icdist, vq = v / icdist;
          gfloat du = 2.0f * c[2] * uq * vq + c[3] * (r2 + 2.0f * uq * uq);
          gfloat dv = 2.0f * c[3] * uq * vq + c[2] * (r2 + 2.0f * vq * vq);

          u = (u0 - du) * icdist;
          v = (v0 - dv) * icdist;
        }
      } else if (in->model == GST_TRIAL_DISTORTION_BROWN_CONRADY) {
        for (k = 0; k < 10; k++) {
          gfloat r2 = u * u + v * v;
          gfloat icdist = 1.0f / (1.0f + ((c[4] * r2 + c[1]) * r2 + c[0])
              * r2);
          gfloat du = 2.0f * c[2] * u * v + c[3] * (r2 + 2.0f * u * u);
          gfloat dv = 2.0f * c[3] * u * v + c[2] * (r2 + 2.0f * v * v);

          u = (u0 - du) * icdist;
          v = (v0 - dv) * icdist;
        }
      }
      mx[i] = u;
      my[i] = v;
    }
  }
}

static gfloat
pixels_per_degree (guint size, gfloat pp, gfloat f)
{
  gfloat fov = (atan2f (pp + 0.5f, f) + atan2f ((gfloat) size - (pp + 0.5f),
          f)) * 57.2957795f;

  return (gfloat) size / fov;
}

static gboolean
uses_rectangles (const GstTrialIntrinsics * d, const GstTrialIntrinsics * c)
{
  if (d->width == 640 && d->height == 240 && c->width == 320
      && c->height == 180)
    return TRUE;
  if (d->width == 640 && d->height == 480 && c->width == 640
      && c->height == 360)
    return TRUE;
  return pixels_per_degree (d->width, d->ppx, d->fx)
      < pixels_per_degree (c->width, c->ppx, c->fx)
      || pixels_per_degree (d->height, d->ppy, d->fy)
      < pixels_per_degree (c->height, c->ppy, c->fy);
}

/* ---- steps 2-5: one row of corners ---- */

/* LANES lanes of float32 / int32, as GCC and clang's vector extensions:
 * element-wise IEEE operations, so each lane computes exactly what the
 * scalar expression would. Eight lanes are two SSE2 registers, or one AVX
 * register in the AVX2 copy of the row functions. */
#define LANES 8
/* the vectors are passed only between static functions of this file */
#pragma GCC diagnostic ignored "-Wpsabi"
typedef gfloat vf __attribute__ ((vector_size (4 * LANES)));
typedef gint32 vi __attribute__ ((vector_size (4 * LANES)));
typedef guint16 vu16 __attribute__ ((vector_size (2 * LANES)));

static inline vf
splat (gfloat x)
{
  return (vf) { 0 } + x;
}

static inline vf
select_lanes (vi mask, vf yes, vf no)
{
  return (vf) ((mask & (vi) yes) | (~mask & (vi) no));
}

/* The color pixels of LANES corners, NO_PIXEL where not @valid; @r is
 * u + 0.5, NaN or beyond the int32 range when not valid. */
static inline vi
to_pixel (vi valid, vf r, gfloat size)
{
  /* clamping to [-2, size + 1] first keeps every comparison with the
   * image's edges as it was and makes the 1.5 * 2^23 trick exact */
  vf safe = select_lanes (valid, r, splat (0.0f));
  vf lo = splat (-2.0f), hi = splat (size + 1.0f);
  vf clamped = select_lanes (safe < lo, lo, select_lanes (safe > hi, hi, safe));
  vf rounded = (clamped + ROUND_MAGIC) - ROUND_MAGIC;
  vi pixel = __builtin_convertvector (rounded, vi);

  return (pixel & valid) | (((vi) { 0 } + NO_PIXEL) & ~valid);
}

/* The calibration in vector registers, loaded once per band: stores to the
 * corner arrays could alias the aligner's fields, so the compiler would
 * reload them for every vector otherwise. */
typedef struct
{
  vf r[9], t[3], c[5];
  vf scale, fx, fy, ppx, ppy;
  gfloat width, height;
  vi last_x, last_y;           /* color width - 1, height - 1 */
} Lanes;

/* float32 to int32 as x86's cvttps (what the portable rule's (int) cast
 * compiles to there): truncation, INT_MIN for NaN and beyond the range.
 * Clamping to [-2, size + 1] first keeps every comparison with the
 * image's edges as it was. */
static inline vi
truncate_pixel (vf r, gfloat size)
{
  const vf limit = splat (2147483648.0f);
  vi valid = (r > -limit) & (r < limit);
  vf safe = select_lanes (valid, r, splat (0.0f));
  vf lo = splat (-2.0f), hi = splat (size + 1.0f);
  vf clamped = select_lanes (safe < lo, lo, select_lanes (safe > hi, hi, safe));
  vi pixel = __builtin_convertvector (clamped, vi);

  return (pixel & valid) | (((vi) { 0 } + NO_PIXEL) & ~valid);
}

static void
load_lanes (const GstTrialAligner * a, Lanes * l)
{
  guint i;

  for (i = 0; i < 9; i++)
    l->r[i] = splat (a->extrinsics.rotation[i]);
  for (i = 0; i < 3; i++)
    l->t[i] = splat (a->extrinsics.translation[i]);
  for (i = 0; i < 5; i++)
    l->c[i] = splat (a->color.coeffs[i]);
  l->scale = splat (a->scale);
  l->fx = splat (a->color.fx);
  l->fy = splat (a->color.fy);
  l->ppx = splat (a->color.ppx);
  l->ppy = splat (a->color.ppy);
  l->width = a->color.width;
  l->height = a->color.height;
  l->last_x = (vi) { 0 } + (gint32) (a->color.width - 1);
  l->last_y = (vi) { 0 } + (gint32) (a->color.height - 1);
}

/* Steps 3-5 of the portable rule: rsutil.h's rs2_transform_point_to_point
 * (sums from left to right) and rs2_project_point_to_pixel, then
 * (int) (u + 0.5f). No test of Z: librealsense's plain path projects a
 * point behind the color camera as any other (Z = 0 gives a corner that is
 * not finite: NO_PIXEL). */
static inline __attribute__((always_inline))
     vi project_portable (const Lanes * l, vf z, vf px, vf py, vi * ix,
    vi * iy, Projection projection)
{
  const vf *r = l->r, *t = l->t, *c = l->c;
  vf X, Y, Z, ca, cb;

  X = r[0] * px + r[3] * py + r[6] * z + t[0];
  Y = r[1] * px + r[4] * py + r[7] * z + t[1];
  Z = r[2] * px + r[5] * py + r[8] * z + t[2];
  ca = X / Z;
  cb = Y / Z;
  if (projection == PROJECT_PORTABLE_MODIFIED) {
    vf r2 = ca * ca + cb * cb;
    vf f = 1.0f + c[0] * r2 + c[1] * r2 * r2 + c[4] * r2 * r2 * r2;
    vf dx, dy;

    ca = ca * f;
    cb = cb * f;
    dx = ca + 2.0f * c[2] * ca * cb + c[3] * (r2 + 2.0f * ca * ca);
    dy = cb + 2.0f * c[3] * ca * cb + c[2] * (r2 + 2.0f * cb * cb);
    ca = dx;
    cb = dy;
  } else if (projection == PROJECT_PORTABLE_BROWN) {
    vf r2 = ca * ca + cb * cb;
    vf f = 1.0f + c[0] * r2 + c[1] * r2 * r2 + c[4] * r2 * r2 * r2;
    vf dx = ca * f + 2.0f * c[2] * ca * cb + c[3] * (r2 + 2.0f * ca * ca);
    vf dy = cb * f + 2.0f * c[3] * ca * cb + c[2] * (r2 + 2.0f * cb * cb);

    ca = dx;
    cb = dy;
  }
  *ix = truncate_pixel (ca * l->fx + l->ppx + 0.5f, l->width);
  *iy = truncate_pixel (cb * l->fy + l->ppy + 0.5f, l->height);
  return (vi) { 0 } - 1;
}

/* One corner of LANES depth pixels: its color pixel (*ix, *iy) and
 * whether it lands anywhere (the result; always all lanes for the portable
 * rule, where a corner that lands nowhere is NO_PIXEL). */
static inline __attribute__((always_inline))
     vi project_lanes (const Lanes * l, vf z, const gfloat * mx,
    const gfloat * my, vi * ix, vi * iy, Projection projection)
{
  const vf *r = l->r, *t = l->t, *c = l->c;
  const vf limit = splat (2147483648.0f);
  vf px, py, X, Y, Z, ca, cb, u, w, vx, vy;
  vi valid;

  memcpy (&vx, mx, sizeof (vx));
  memcpy (&vy, my, sizeof (vy));
  px = z * vx;
  py = z * vy;
  if (projection >= PROJECT_PORTABLE)
    return project_portable (l, z, px, py, ix, iy, projection);
  X = r[0] * px + (r[3] * py + (r[6] * z + t[0]));
  Y = r[1] * px + (r[4] * py + (r[7] * z + t[1]));
  Z = r[2] * px + (r[5] * py + (r[8] * z + t[2]));
  ca = X / Z;
  cb = Y / Z;
  if (projection == PROJECT_X86_DISTORTED) {
    vf r2 = ca * ca + cb * cb;
    vf f = 1.0f + (c[0] * r2 + (c[1] * (r2 * r2) + c[4] * (r2 * (r2 * r2))));
    vf af = ca * f, bf = cb * f;
    vf q = c[3] * (r2 + 2.0f * (af * af));

    ca = af + (2.0f * (c[2] * (af * bf)) + q);
    cb = bf + (2.0f * (c[3] * (af * bf)) + q);
  }
  u = ca * l->fx + l->ppx + 0.5f;
  w = cb * l->fy + l->ppy + 0.5f;
  /* false for NaN too */
  valid = (Z > 0.0f) & (u > -limit) & (u < limit) & (w > -limit)
      & (w < limit);
  *ix = to_pixel (valid, u, l->width);
  *iy = to_pixel (valid, w, l->height);
  return valid;
}

static inline vi
max_lanes (vi a, vi b)
{
  vi m = a > b;

  return (a & m) | (b & ~m);
}

static inline vi
min_lanes (vi a, vi b)
{
  vi m = a < b;

  return (a & m) | (b & ~m);
}

/* Steps 2-6 for LANES depth pixels: the rectangle of color pixels each one
 * writes, already clipped to the image; empty (bottom -1, right -1) for
 * depth 0 and for a corner that lands nowhere. */
static inline __attribute__((always_inline))
     void rectangles_lanes (const Lanes * l, const guint16 * depth,
    const gfloat * mx0, const gfloat * my0, const gfloat * mx1,
    const gfloat * my1, gint32 * rect, guint stride, gboolean rectangles,
    Projection projection)
{
  const vi zero = { 0 }, none = zero - 1;
  vu16 raw;
  vi d;
  vf z;

  /* one load and a widening, not a store of 8 ints read back as one
   * vector (store forwarding fails on that) */
  memcpy (&raw, depth, sizeof (raw));
  d = __builtin_convertvector (raw, vi);
  z = __builtin_convertvector (d, vf) * l->scale;
  vi x0, y0, x1, y1, keep, left, top, right, bottom;

  keep = project_lanes (l, z, mx0, my0, &x0, &y0, projection) & (d != zero);
  if (projection >= PROJECT_PORTABLE) {
    /* both corners, and the pixel skipped whole unless its rectangle is
     * inside the image (so nothing is clipped below) */
    project_lanes (l, z, mx1, my1, &x1, &y1, projection);
    keep &= (x0 >= zero) & (y0 >= zero) & (x1 <= l->last_x)
        & (y1 <= l->last_y);
  } else if (rectangles) {
    /* a corner that lands nowhere writes nothing, not the rectangle from
     * INT_MIN that x86 would loop over (docs/align.md) */
    keep &= project_lanes (l, z, mx1, my1, &x1, &y1, projection);
  } else {
    x1 = x0;
    y1 = y0;
  }
  left = max_lanes (x0, zero) & keep;
  top = max_lanes (y0, zero) & keep;
  right = (min_lanes (x1, l->last_x) & keep) | (none & ~keep);
  bottom = (min_lanes (y1, l->last_y) & keep) | (none & ~keep);
  memcpy (rect, &left, sizeof (vi));
  memcpy (rect + stride, &top, sizeof (vi));
  memcpy (rect + 2 * stride, &right, sizeof (vi));
  memcpy (rect + 3 * stride, &bottom, sizeof (vi));
}

/* rectangles_lanes for one row of @n depth pixels: @rect holds 4 rows of
 * @stride >= n values, left, top, right, bottom */
static inline __attribute__((always_inline))
     void rectangles_row (const GstTrialAligner * a, const Lanes * l,
    gsize o, guint n, gint32 * rect, guint stride, Projection projection)
{
  const guint16 *depth = a->frame + o;
  const gfloat *mx0 = a->mx0 + o, *my0 = a->my0 + o;
  const gfloat *mx1 = a->rectangles ? a->mx1 + o : mx0;
  const gfloat *my1 = a->rectangles ? a->my1 + o : my0;
  guint16 tail_depth[LANES] = { 0 };
  gfloat tail[4][LANES] = { {0} };
  gint32 tail_rect[4 * LANES];
  guint i, k, rest = n % LANES;

  for (i = 0; i + LANES <= n; i += LANES)
    rectangles_lanes (l, depth + i, mx0 + i, my0 + i, mx1 + i, my1 + i,
        rect + i, stride, a->rectangles, projection);
  if (rest == 0)
    return;
  memcpy (tail_depth, depth + i, rest * sizeof (guint16));
  memcpy (tail[0], mx0 + i, rest * sizeof (gfloat));
  memcpy (tail[1], my0 + i, rest * sizeof (gfloat));
  memcpy (tail[2], mx1 + i, rest * sizeof (gfloat));
  memcpy (tail[3], my1 + i, rest * sizeof (gfloat));
  rectangles_lanes (l, tail_depth, tail[0], tail[1], tail[2], tail[3],
      tail_rect, LANES, a->rectangles, projection);
  for (k = 0; k < 4; k++)
    memcpy (rect + k * stride + i, tail_rect + LANES * k,
        rest * sizeof (gint32));
}

/* an AVX2 copy where the CPU has it (same IEEE operations, same bytes).
 * target_clones picks it with an ifunc resolver, which the dynamic loader
 * runs before ThreadSanitizer's runtime is set up: under TSan every
 * program linking libgsttrial would crash at start, so no clones there. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) \
    && !defined(__SANITIZE_THREAD__)
#define ROW_CLONES __attribute__ ((target_clones ("avx2", "default")))
#else
#define ROW_CLONES
#endif

ROW_CLONES static void
rectangles_row_plain (const GstTrialAligner * a, const Lanes * l, gsize o,
    guint n, gint32 * rect, guint stride)
{
  rectangles_row (a, l, o, n, rect, stride, PROJECT_X86);
}

ROW_CLONES static void
rectangles_row_distorted (const GstTrialAligner * a, const Lanes * l,
    gsize o, guint n, gint32 * rect, guint stride)
{
  rectangles_row (a, l, o, n, rect, stride, PROJECT_X86_DISTORTED);
}

ROW_CLONES static void
rectangles_row_portable (const GstTrialAligner * a, const Lanes * l,
    gsize o, guint n, gint32 * rect, guint stride)
{
  rectangles_row (a, l, o, n, rect, stride, PROJECT_PORTABLE);
}

ROW_CLONES static void
rectangles_row_portable_modified (const GstTrialAligner * a,
    const Lanes * l, gsize o, guint n, gint32 * rect, guint stride)
{
  rectangles_row (a, l, o, n, rect, stride, PROJECT_PORTABLE_MODIFIED);
}

ROW_CLONES static void
rectangles_row_portable_brown (const GstTrialAligner * a, const Lanes * l,
    gsize o, guint n, gint32 * rect, guint stride)
{
  rectangles_row (a, l, o, n, rect, stride, PROJECT_PORTABLE_BROWN);
}

/* ---- step 7: one band ---- */

static void
scatter_band (GstTrialAligner * a, guint band)
{
  const guint dw = a->depth.width, dh = a->depth.height;
  const gsize cw = a->color.width;
  guint16 *buf = a->band_min[band];
  gint32 *left = a->band_corners[band], *top = left + dw, *right = top + dw,
      *bottom = right + dw;
  guint row_start = (guint) ((guint64) dh * band / a->n_bands);
  guint row_end = (guint) ((guint64) dh * (band + 1) / a->n_bands);
  guint y, x;
  gint first = G_MAXINT, last = -1;
  Lanes lanes;

  load_lanes (a, &lanes);
  for (y = row_start; y < row_end; y++) {
    gsize o = (gsize) y * dw;
    const guint16 *row = a->frame + o;

    switch (a->projection) {
      case PROJECT_X86:
        rectangles_row_plain (a, &lanes, o, dw, left, dw);
        break;
      case PROJECT_X86_DISTORTED:
        rectangles_row_distorted (a, &lanes, o, dw, left, dw);
        break;
      case PROJECT_PORTABLE:
        rectangles_row_portable (a, &lanes, o, dw, left, dw);
        break;
      case PROJECT_PORTABLE_MODIFIED:
        rectangles_row_portable_modified (a, &lanes, o, dw, left, dw);
        break;
      case PROJECT_PORTABLE_BROWN:
        rectangles_row_portable_brown (a, &lanes, o, dw, left, dw);
        break;
    }

    for (x = 0; x < dw; x++) {
      guint16 v = row[x] - 1;
      gint x0 = left[x], y0 = top[x], x1 = right[x], y1 = bottom[x];
      gint cy;

      if (x1 < x0)
        continue;
      first = MIN (first, y0);
      last = MAX (last, y1);
      for (cy = y0; cy <= y1; cy++) {
        guint16 *p = buf + cy * cw + x0, *end = buf + cy * cw + x1;

        /* 2 or 3 pixels when depth has fewer pixels per degree */
        do
          *p = MIN (*p, v);
        while (++p <= end);
      }
    }
  }
  /* first > last when the band wrote nothing */
  a->band_first[band] = last < 0 ? 1 : (guint) first;
  a->band_last[band] = last < 0 ? 0 : (guint) last;
}

typedef guint16 vu16x8 __attribute__ ((vector_size (16)));

/* one color row: the minimum over the @n buffers, + 1 (0xffff, nothing,
 * becomes 0), and the buffers' row back to 0xffff */
static void
merge_row (guint16 ** rows, guint n, guint16 * out, gsize width)
{
  const vu16x8 empty = (vu16x8) { 0 } + 0xffff;
  gsize i;
  guint b;

  if (n == 0) {
    memset (out, 0, width * sizeof (guint16));
    return;
  }
  /* eight at a time by hand: -O2 does not vectorise this loop */
  for (i = 0; i + 8 <= width; i += 8) {
    vu16x8 m, c, less;

    memcpy (&m, rows[0] + i, sizeof (m));
    memcpy (rows[0] + i, &empty, sizeof (empty));
    for (b = 1; b < n; b++) {
      memcpy (&c, rows[b] + i, sizeof (c));
      memcpy (rows[b] + i, &empty, sizeof (empty));
      less = (vu16x8) (c < m);
      m = (c & less) | (m & ~less);
    }
    m += 1;
    memcpy (out + i, &m, sizeof (m));
  }
  for (; i < width; i++) {
    guint16 m = rows[0][i];

    rows[0][i] = 0xffff;
    for (b = 1; b < n; b++) {
      m = MIN (m, rows[b][i]);
      rows[b][i] = 0xffff;
    }
    out[i] = m + 1;
  }
}

/* a slice of color rows, from the bands that wrote each row */
static void
merge_slice (GstTrialAligner * a, guint slice)
{
  const gsize cw = a->color.width;
  guint ch = a->color.height;
  guint first = (guint) ((guint64) ch * slice / a->n_bands);
  guint end = (guint) ((guint64) ch * (slice + 1) / a->n_bands);
  guint16 *rows[MAX_THREADS];
  guint y, b, n;

  for (y = first; y < end; y++) {
    for (b = 0, n = 0; b < a->n_bands; b++) {
      if (a->band_first[b] <= y && y <= a->band_last[b])
        rows[n++] = a->band_min[b] + y * cw;
    }
    merge_row (rows, n, a->out + y * cw, cw);
  }
}

static void
run_job (GstTrialAligner * a, guint index)
{
  if (a->phase == PHASE_SCATTER)
    scatter_band (a, index);
  else
    merge_slice (a, index);
}

/* One pool for every aligner of the process, its threads started once and
 * kept: aligners come and go (one per recording), threads do not. */
static GThreadPool *shared_pool;
G_LOCK_DEFINE_STATIC (shared_pool);

/* a->lock, with its edges marked for TSan (GMutex is a futex it cannot
 * see) */
static void
lock_aligner (GstTrialAligner * a)
{
  g_mutex_lock (&a->lock);
  GST_TRIAL_TSAN_ACQUIRE (&a->lock);
}

static void
unlock_aligner (GstTrialAligner * a)
{
  GST_TRIAL_TSAN_RELEASE (&a->lock);
  g_mutex_unlock (&a->lock);
}

static void
worker (gpointer data, gpointer user_data)
{
  Job *job = data;
  GstTrialAligner *a;

  (void) user_data;
  GST_TRIAL_TSAN_ACQUIRE (job);
  a = job->aligner;
  run_job (a, job->index);
  GST_TRIAL_TSAN_RELEASE (a);
  lock_aligner (a);
  if (g_atomic_int_dec_and_test (&a->pending))
    g_cond_signal (&a->done);
  unlock_aligner (a);
}

/* runs job 0 in this thread and the others in the pool, and waits; the
 * TSan marks are the edges of GLib's pool and GCond (gst/trial/tsan.h) */
static void
run_phase (GstTrialAligner * a, Phase phase)
{
  guint i;

  a->phase = phase;
  lock_aligner (a);
  g_atomic_int_set (&a->pending, a->n_bands - 1);
  unlock_aligner (a);
  for (i = 1; i < a->n_bands; i++) {
    GST_TRIAL_TSAN_RELEASE (&a->jobs[i]);
    g_thread_pool_push (shared_pool, &a->jobs[i], NULL);
  }
  run_job (a, 0);
  /* the bands take about as long as each other: the others are usually
   * done within microseconds, less than a sleep and a wake-up on the
   * condition would cost */
  for (i = 0; i < SPIN_WAITS && g_atomic_int_get (&a->pending) > 0; i++)
    g_thread_yield ();
  lock_aligner (a);
  while (g_atomic_int_get (&a->pending) > 0) {
    GST_TRIAL_TSAN_RELEASE (&a->lock);
    g_cond_wait (&a->done, &a->lock);
    GST_TRIAL_TSAN_ACQUIRE (&a->lock);
  }
  unlock_aligner (a);
  GST_TRIAL_TSAN_ACQUIRE (a);
}

/* ---- public ---- */

GstTrialAligner *
gst_trial_aligner_new (const GstTrialIntrinsics * depth,
    const GstTrialIntrinsics * color, const GstTrialExtrinsics * extrinsics,
    gfloat depth_scale, guint n_threads, GError ** error)
{
  return gst_trial_aligner_new_with_rule (depth, color, extrinsics,
      depth_scale, n_threads, GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86, error);
}

/* Ftheta and Kannala Brandt4 go through tan() and atan() in double in
 * rsutil.h, which no two math libraries promise to round alike */
static gboolean
check_portable_model (const GstTrialIntrinsics * in, const gchar * camera,
    GError ** error)
{
  if (in->model == GST_TRIAL_DISTORTION_FTHETA
      || in->model == GST_TRIAL_DISTORTION_KANNALA_BRANDT4) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "%s intrinsics: the portable rule does not support the '%s' model "
        "(use the librealsense-x86 rule)", camera,
        gst_trial_distortion_name (in->model));
    return FALSE;
  }
  return TRUE;
}

static Projection
projection_for (GstTrialAlignRule rule, GstTrialDistortion color_model)
{
  gboolean modified =
      color_model == GST_TRIAL_DISTORTION_MODIFIED_BROWN_CONRADY
      || color_model == GST_TRIAL_DISTORTION_INVERSE_BROWN_CONRADY;

  if (rule == GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86)
    return modified ? PROJECT_X86_DISTORTED : PROJECT_X86;
  if (modified)
    return PROJECT_PORTABLE_MODIFIED;
  if (color_model == GST_TRIAL_DISTORTION_BROWN_CONRADY)
    return PROJECT_PORTABLE_BROWN;
  return PROJECT_PORTABLE;
}

GstTrialAligner *
gst_trial_aligner_new_with_rule (const GstTrialIntrinsics * depth,
    const GstTrialIntrinsics * color, const GstTrialExtrinsics * extrinsics,
    gfloat depth_scale, guint n_threads, GstTrialAlignRule rule,
    GError ** error)
{
  GstTrialAligner *a;
  gsize n, color_n, need;
  guint b, n_bands;
  gboolean ok;

  g_return_val_if_fail (depth != NULL && color != NULL, NULL);
  g_return_val_if_fail (extrinsics != NULL, NULL);
  g_return_val_if_fail (n_threads >= 1, NULL);

  if ((guint) rule > GST_TRIAL_ALIGN_RULE_PORTABLE) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "unknown alignment rule %d", rule);
    return NULL;
  }
  if (!check_intrinsics (depth, "depth", error)
      || !check_intrinsics (color, "color", error)
      || !check_extrinsics (extrinsics, error))
    return NULL;
  if (rule == GST_TRIAL_ALIGN_RULE_PORTABLE
      && (!check_portable_model (depth, "depth", error)
          || !check_portable_model (color, "color", error)))
    return NULL;
  if (!isfinite (depth_scale) || !(depth_scale > 0)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "depth scale is %g, expected a positive number of metres per unit",
        depth_scale);
    return NULL;
  }

  n = (gsize) depth->width * depth->height;
  color_n = (gsize) color->width * color->height;
  n_bands = MIN (MIN (n_threads, depth->height), MAX_THREADS);
  /* ray maps for up to 2 corners, and a color-sized buffer per band */
  need = n * 4 * sizeof (gfloat) + n_bands * color_n * sizeof (guint16);
  if (need > MAX_MEMORY) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "aligning %ux%u depth to %ux%u color with %u threads needs %"
        G_GSIZE_FORMAT " MiB, at most %u MiB supported", depth->width,
        depth->height, color->width, color->height, n_bands, need >> 20,
        MAX_MEMORY >> 20);
    return NULL;
  }

  a = g_new0 (GstTrialAligner, 1);
  g_mutex_init (&a->lock);
  g_cond_init (&a->done);
  a->n_bands = n_bands;
  a->depth = *depth;
  a->color = *color;
  a->extrinsics = *extrinsics;
  a->scale = depth_scale;
  a->rule = rule;
  /* the portable rule always uses both corners */
  a->rectangles = rule == GST_TRIAL_ALIGN_RULE_PORTABLE
      || uses_rectangles (depth, color);
  a->projection = projection_for (rule, color->model);

  a->band_min = g_new0 (guint16 *, a->n_bands);
  a->band_corners = g_new0 (gint32 *, a->n_bands);
  a->band_first = g_new0 (guint, a->n_bands);
  a->band_last = g_new0 (guint, a->n_bands);
  ok = (a->mx0 = g_try_new (gfloat, n)) && (a->my0 = g_try_new (gfloat, n));
  if (ok && a->rectangles)
    ok = (a->mx1 = g_try_new (gfloat, n)) && (a->my1 = g_try_new (gfloat, n));
  for (b = 0; ok && b < a->n_bands; b++)
    ok = (a->band_min[b] = g_try_new (guint16, color_n)) != NULL;
  if (!ok) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "not enough memory to align %ux%u depth to %ux%u color (%"
        G_GSIZE_FORMAT " MiB)", depth->width, depth->height, color->width,
        color->height, need >> 20);
    gst_trial_aligner_free (a);
    return NULL;
  }
  for (b = 0; b < a->n_bands; b++)
    memset (a->band_min[b], 0xff, color_n * sizeof (guint16));
  if (rule == GST_TRIAL_ALIGN_RULE_PORTABLE) {
    ray_map_portable (depth, -0.5f, a->mx0, a->my0);
    ray_map_portable (depth, 0.5f, a->mx1, a->my1);
  } else {
    ray_map (depth, -0.5f, a->mx0, a->my0);
    if (a->rectangles)
      ray_map (depth, 0.5f, a->mx1, a->my1);
  }
  for (b = 0; b < a->n_bands; b++)
    a->band_corners[b] = g_new (gint32, 4 * (gsize) depth->width);
  a->jobs = g_new (Job, a->n_bands);
  for (b = 0; b < a->n_bands; b++) {
    a->jobs[b].aligner = a;
    a->jobs[b].index = b;
  }
  if (a->n_bands > 1) {
    G_LOCK (shared_pool);
    if (shared_pool == NULL)
      shared_pool = g_thread_pool_new (worker, NULL, a->n_bands - 1, TRUE,
          NULL);
    else if (g_thread_pool_get_max_threads (shared_pool) < (gint) a->n_bands
        - 1)
      g_thread_pool_set_max_threads (shared_pool, a->n_bands - 1, NULL);
    G_UNLOCK (shared_pool);
  }
  return a;
}

void
gst_trial_aligner_free (GstTrialAligner * aligner)
{
  guint b;

  if (aligner == NULL)
    return;
  g_free (aligner->jobs);
  for (b = 0; b < aligner->n_bands; b++) {
    g_free (aligner->band_min[b]);
    g_free (aligner->band_corners[b]);
  }
  g_free (aligner->band_min);
  g_free (aligner->band_corners);
  g_free (aligner->band_first);
  g_free (aligner->band_last);
  g_free (aligner->mx0);
  g_free (aligner->my0);
  g_free (aligner->mx1);
  g_free (aligner->my1);
  g_mutex_clear (&aligner->lock);
  g_cond_clear (&aligner->done);
  g_free (aligner);
}

GstTrialAlignRule
gst_trial_aligner_get_rule (GstTrialAligner * aligner)
{
  g_return_val_if_fail (aligner != NULL,
      GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86);

  return aligner->rule;
}

gboolean
gst_trial_aligner_uses_rectangles (GstTrialAligner * aligner)
{
  g_return_val_if_fail (aligner != NULL, FALSE);

  return aligner->rectangles;
}

gboolean
gst_trial_aligner_process (GstTrialAligner * aligner, const guint16 * depth,
    gsize depth_size, guint16 * out, gsize out_size, const gchar * name,
    GError ** error)
{
  gsize want_depth, want_out;

  g_return_val_if_fail (aligner != NULL, FALSE);
  g_return_val_if_fail (depth != NULL && out != NULL, FALSE);

  want_depth = (gsize) aligner->depth.width * aligner->depth.height * 2;
  want_out = (gsize) aligner->color.width * aligner->color.height * 2;
  if (depth_size != want_depth) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH,
        "%s: depth frame is %" G_GSIZE_FORMAT " bytes, expected %"
        G_GSIZE_FORMAT " (%ux%u uint16, the depth calibration's size)",
        name ? name : "frame", depth_size, want_depth, aligner->depth.width,
        aligner->depth.height);
    return FALSE;
  }
  if (out_size != want_out) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH,
        "%s: aligned depth buffer is %" G_GSIZE_FORMAT " bytes, expected %"
        G_GSIZE_FORMAT " (%ux%u uint16, the color calibration's size)",
        name ? name : "frame", out_size, want_out, aligner->color.width,
        aligner->color.height);
    return FALSE;
  }

  aligner->frame = depth;
  aligner->out = out;
  run_phase (aligner, PHASE_SCATTER);
  run_phase (aligner, PHASE_MERGE);
  aligner->frame = NULL;
  aligner->out = NULL;
  return TRUE;
}
