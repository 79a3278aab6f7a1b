/* gst-trial: depth aligned to the color camera.
 *
 * The rule is librealsense 2.56's x86 (SSE) path, as /work/shared/ALIGN.md
 * states it; docs/align.md is the user's version. Every expression below is
 * in float32 and in ALIGN.md's order: C evaluates a + b + c as (a + b) + c,
 * as the rule does, and this unit is built with -ffp-contract=off so no
 * multiply-add is fused. Changing the grouping of any expression changes
 * pixels (tests/python/check_align.py notices).
 *
 * Steps 2-5 run over one depth row at a time into arrays of corner pixels,
 * loops without branches that the compiler vectorizes; the scatter (step 7)
 * is scalar. Each band of depth rows scatters into a buffer of its own,
 * holding v - 1 (so the empty value 0xffff is the largest and the nearest
 * surface is a plain minimum); the buffers are merged by minimum, which
 * gives the raster order's result whatever the order of the bands. */
#include "gst/trial/align.h"

#include <math.h>
#include <string.h>

#include "gst/trial/error.h"

/* A corner that lands nowhere: behind the camera, not finite, or beyond
 * the int32 range where x86's cvtps gives INT_MIN. */
#define NO_PIXEL G_MININT

/* float32 round to nearest, ties to even (the default rounding mode), for
 * |x| < 2^22: what cvtps does, without a libm call the loop cannot
 * vectorize. */
#define ROUND_MAGIC 12582912.0f /* 1.5 * 2^23 */

typedef enum
{
  PHASE_SCATTER,
  PHASE_MERGE,
} Phase;

struct _GstTrialAligner
{
  GstTrialIntrinsics depth;
  GstTrialIntrinsics color;
  GstTrialExtrinsics extrinsics;
  gfloat scale;
  gboolean rectangles;
  gboolean distort_color;

  /* ray maps, depth width x height: top-left (0) and bottom-right (1)
   * corners of every depth pixel, step 1 */
  gfloat *mx0, *my0, *mx1, *my1;

  guint n_bands;
  /* per band: a color-sized buffer of v - 1 minima, and one depth row of
   * corner pixels (x0, y0, x1, y1) */
  guint16 **band_min;
  gint **band_corners;

  GThreadPool *pool;            /* n_bands - 1 workers, NULL for one band */
  GMutex lock;
  GCond done;
  guint pending;                /* jobs not finished; protected by lock */

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

/* The color pixel of a corner, or NO_PIXEL. @r is u + 0.5 (NaN when not
 * @valid, which must not reach the cast); clamping it to
 * [-2, size + 1] before rounding keeps every pixel inside the image and
 * every comparison with the image's edges as it was. */
static inline gint
to_pixel (gboolean valid, gfloat r, gfloat size)
{
  gfloat safe = valid ? r : 0.0f;
  gfloat clamped = safe < -2.0f ? -2.0f : (safe > size + 1.0f ? size + 1.0f
      : safe);
  gfloat rounded = (clamped + ROUND_MAGIC) - ROUND_MAGIC;

  return valid ? (gint) rounded : NO_PIXEL;
}

static inline __attribute__((always_inline))
     void project_row (const GstTrialAligner * a, const guint16 * depth,
    const gfloat * mx, const gfloat * my, guint n, gint * cx, gint * cy,
    gboolean distort)
{
  const gfloat *r = a->extrinsics.rotation, *t = a->extrinsics.translation;
  const gfloat *c = a->color.coeffs;
  const gfloat s = a->scale, fx = a->color.fx, fy = a->color.fy;
  const gfloat ppx = a->color.ppx, ppy = a->color.ppy;
  const gfloat cw = a->color.width, ch = a->color.height;
  guint i;

  for (i = 0; i < n; i++) {
    gfloat z = (gfloat) depth[i] * s;
    gfloat px = z * mx[i], py = z * my[i];
    gfloat X = r[0] * px + (r[3] * py + (r[6] * z + t[0]));
    gfloat Y = r[1] * px + (r[4] * py + (r[7] * z + t[1]));
    gfloat Z = r[2] * px + (r[5] * py + (r[8] * z + t[2]));
    gfloat ca = X / Z, cb = Y / Z, u, w;
    gboolean valid;

    if (distort) {
      gfloat r2 = ca * ca + cb * cb;
      gfloat f = 1.0f + (c[0] * r2 + (c[1] * (r2 * r2)
              + c[4] * (r2 * (r2 * r2))));
      gfloat af = ca * f, bf = cb * f;
      gfloat q = c[3] * (r2 + 2.0f * (af * af));

      ca = af + (2.0f * (c[2] * (af * bf)) + q);
      cb = bf + (2.0f * (c[3] * (af * bf)) + q);
    }
    u = ca * fx + ppx + 0.5f;
    w = cb * fy + ppy + 0.5f;
    valid = (Z > 0.0f) & (u > -2147483648.0f) & (u < 2147483648.0f)
        & (w > -2147483648.0f) & (w < 2147483648.0f);
    cx[i] = to_pixel (valid, u, cw);
    cy[i] = to_pixel (valid, w, ch);
  }
}

static void
project_row_plain (const GstTrialAligner * a, const guint16 * depth,
    const gfloat * mx, const gfloat * my, guint n, gint * cx, gint * cy)
{
  project_row (a, depth, mx, my, n, cx, cy, FALSE);
}

static void
project_row_distorted (const GstTrialAligner * a, const guint16 * depth,
    const gfloat * mx, const gfloat * my, guint n, gint * cx, gint * cy)
{
  project_row (a, depth, mx, my, n, cx, cy, TRUE);
}

/* ---- step 7: one band ---- */

static inline void
put (guint16 * buf, gsize i, guint16 v)
{
  if (v < buf[i])
    buf[i] = v;
}

static void
scatter_band (GstTrialAligner * a, guint band)
{
  const guint dw = a->depth.width, dh = a->depth.height;
  const gint cw = a->color.width, ch = a->color.height;
  guint16 *buf = a->band_min[band];
  gint *x0 = a->band_corners[band], *y0 = x0 + dw, *x1 = y0 + dw,
      *y1 = x1 + dw;
  guint row_start = (guint) ((guint64) dh * band / a->n_bands);
  guint row_end = (guint) ((guint64) dh * (band + 1) / a->n_bands);
  guint y, x;

  memset (buf, 0xff, (gsize) cw * ch * sizeof (guint16));
  for (y = row_start; y < row_end; y++) {
    gsize o = (gsize) y * dw;
    const guint16 *row = a->frame + o;

    if (a->distort_color) {
      project_row_distorted (a, row, a->mx0 + o, a->my0 + o, dw, x0, y0);
      if (a->rectangles)
        project_row_distorted (a, row, a->mx1 + o, a->my1 + o, dw, x1, y1);
    } else {
      project_row_plain (a, row, a->mx0 + o, a->my0 + o, dw, x0, y0);
      if (a->rectangles)
        project_row_plain (a, row, a->mx1 + o, a->my1 + o, dw, x1, y1);
    }

    for (x = 0; x < dw; x++) {
      guint16 v = row[x] - 1;
      gint left, top, right, bottom, cx, cy;

      if (row[x] == 0 || x0[x] == NO_PIXEL)
        continue;
      if (!a->rectangles) {
        if (x0[x] >= 0 && x0[x] < cw && y0[x] >= 0 && y0[x] < ch)
          put (buf, (gsize) y0[x] * cw + x0[x], v);
        continue;
      }
      /* a corner that lands nowhere writes nothing, not the rectangle
       * from INT_MIN that x86 would loop over (docs/align.md) */
      if (x1[x] == NO_PIXEL)
        continue;
      left = MAX (x0[x], 0);
      top = MAX (y0[x], 0);
      right = MIN (x1[x], cw - 1);
      bottom = MIN (y1[x], ch - 1);
      for (cy = top; cy <= bottom; cy++)
        for (cx = left; cx <= right; cx++)
          put (buf, (gsize) cy * cw + cx, v);
    }
  }
}

/* the minimum over the bands, + 1 (0xffff, nothing, becomes 0) */
static void
merge_slice (GstTrialAligner * a, guint slice)
{
  gsize n = (gsize) a->color.width * a->color.height;
  gsize start = n * slice / a->n_bands, end = n * (slice + 1) / a->n_bands;
  guint16 *out = a->out;
  gsize i;
  guint b;

  memcpy (out + start, a->band_min[0] + start,
      (end - start) * sizeof (guint16));
  for (b = 1; b < a->n_bands; b++) {
    const guint16 *m = a->band_min[b];

    for (i = start; i < end; i++)
      out[i] = MIN (out[i], m[i]);
  }
  for (i = start; i < end; i++)
    out[i] = out[i] + 1;
}

static void
run_job (GstTrialAligner * a, guint index)
{
  if (a->phase == PHASE_SCATTER)
    scatter_band (a, index);
  else
    merge_slice (a, index);
}

static void
worker (gpointer data, gpointer user_data)
{
  GstTrialAligner *a = user_data;

  run_job (a, GPOINTER_TO_UINT (data) - 1);
  g_mutex_lock (&a->lock);
  if (--a->pending == 0)
    g_cond_signal (&a->done);
  g_mutex_unlock (&a->lock);
}

/* runs job 0 in this thread and the others in the pool, and waits */
static void
run_phase (GstTrialAligner * a, Phase phase)
{
  guint i;

  a->phase = phase;
  g_mutex_lock (&a->lock);
  a->pending = a->n_bands - 1;
  g_mutex_unlock (&a->lock);
  for (i = 1; i < a->n_bands; i++)
    g_thread_pool_push (a->pool, GUINT_TO_POINTER (i + 1), NULL);
  run_job (a, 0);
  g_mutex_lock (&a->lock);
  while (a->pending > 0)
    g_cond_wait (&a->done, &a->lock);
  g_mutex_unlock (&a->lock);
}

/* ---- public ---- */

GstTrialAligner *
gst_trial_aligner_new (const GstTrialIntrinsics * depth,
    const GstTrialIntrinsics * color, const GstTrialExtrinsics * extrinsics,
    gfloat depth_scale, guint n_threads, GError ** error)
{
  GstTrialAligner *a;
  gsize n, color_n;
  guint b;

  g_return_val_if_fail (depth != NULL && color != NULL, NULL);
  g_return_val_if_fail (extrinsics != NULL, NULL);
  g_return_val_if_fail (n_threads >= 1, NULL);

  if (!check_intrinsics (depth, "depth", error)
      || !check_intrinsics (color, "color", error)
      || !check_extrinsics (extrinsics, error))
    return NULL;
  if (!isfinite (depth_scale) || !(depth_scale > 0)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "depth scale is %g, expected a positive number of metres per unit",
        depth_scale);
    return NULL;
  }

  a = g_new0 (GstTrialAligner, 1);
  a->depth = *depth;
  a->color = *color;
  a->extrinsics = *extrinsics;
  a->scale = depth_scale;
  a->rectangles = uses_rectangles (depth, color);
  a->distort_color =
      color->model == GST_TRIAL_DISTORTION_MODIFIED_BROWN_CONRADY
      || color->model == GST_TRIAL_DISTORTION_INVERSE_BROWN_CONRADY;

  n = (gsize) depth->width * depth->height;
  color_n = (gsize) color->width * color->height;
  a->mx0 = g_new (gfloat, n);
  a->my0 = g_new (gfloat, n);
  ray_map (depth, -0.5f, a->mx0, a->my0);
  if (a->rectangles) {
    a->mx1 = g_new (gfloat, n);
    a->my1 = g_new (gfloat, n);
    ray_map (depth, 0.5f, a->mx1, a->my1);
  }

  a->n_bands = MIN (n_threads, depth->height);
  a->band_min = g_new (guint16 *, a->n_bands);
  a->band_corners = g_new (gint *, a->n_bands);
  for (b = 0; b < a->n_bands; b++) {
    a->band_min[b] = g_new (guint16, color_n);
    a->band_corners[b] = g_new (gint, 4 * (gsize) depth->width);
  }
  g_mutex_init (&a->lock);
  g_cond_init (&a->done);
  if (a->n_bands > 1)
    a->pool = g_thread_pool_new (worker, a, a->n_bands - 1, TRUE, NULL);
  return a;
}

void
gst_trial_aligner_free (GstTrialAligner * aligner)
{
  guint b;

  if (aligner == NULL)
    return;
  if (aligner->pool != NULL)
    g_thread_pool_free (aligner->pool, TRUE, TRUE);
  for (b = 0; b < aligner->n_bands; b++) {
    g_free (aligner->band_min[b]);
    g_free (aligner->band_corners[b]);
  }
  g_free (aligner->band_min);
  g_free (aligner->band_corners);
  g_free (aligner->mx0);
  g_free (aligner->my0);
  g_free (aligner->mx1);
  g_free (aligner->my1);
  g_mutex_clear (&aligner->lock);
  g_cond_clear (&aligner->done);
  g_free (aligner);
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
