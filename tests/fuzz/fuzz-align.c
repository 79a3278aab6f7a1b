/* gst-trial fuzzing: depth-to-color alignment (align.c) with arbitrary
 * calibrations and frames.
 *
 * Input (FUZZ_ALIGN_HEADER bytes, missing bytes read as 0; corpus.h
 * builds it):
 *   4 bytes    depth width, height, color width, height: 1 + b % 32 each
 *   1 byte     depth model (low nibble), color model (high nibble), % 6
 *   1 byte     bit 0: rotation as 9 float32 (else a float64 quaternion),
 *              bits 1-2: threads - 1, bit 3: the portable rule (else
 *              librealsense-x86)
 *   2 x 9 f32  depth then color fx, fy, ppx, ppy, 5 coefficients
 *   4 f64      quaternion x, y, z, w      or  9 f32 rotation (col-major)
 *   3 f64      translation                or  3 f32 translation
 *   1 f32      depth scale
 * and from byte FUZZ_ALIGN_HEADER (whatever the rotation's form) the depth
 * frame, uint16 little-endian, repeated to fill it (zeros when empty).
 * All numbers little-endian; NaN, infinities and huge values included.
 *
 * Checked: a refused calibration is a GError of our domain; an accepted
 * one aligns a frame of the right size at 1 and at the chosen number of
 * threads to the same bytes, every written value is one of the frame's
 * values, and frames of the wrong size are refused. */
#include <string.h>

#include "tests/fuzz/fuzz.h"
#include "gst/trial/align.h"

typedef struct
{
  const guint8 *data;
  gsize size, pos;
} Reader;

static void
take (Reader * r, gpointer out, gsize n)
{
  gsize avail = r->pos < r->size ? MIN (n, r->size - r->pos) : 0;

  memset (out, 0, n);
  memcpy (out, r->data + r->pos, avail);
  r->pos += n;
}

static gfloat
take_f32 (Reader * r)
{
  guint32 bits;
  gfloat v;

  take (r, &bits, 4);
  bits = GUINT32_FROM_LE (bits);
  memcpy (&v, &bits, 4);
  return v;
}

static gdouble
take_f64 (Reader * r)
{
  guint64 bits;
  gdouble v;

  take (r, &bits, 8);
  bits = GUINT64_FROM_LE (bits);
  memcpy (&v, &bits, 8);
  return v;
}

static void
take_intrinsics (Reader * r, GstTrialIntrinsics * in)
{
  guint i;

  in->fx = take_f32 (r);
  in->fy = take_f32 (r);
  in->ppx = take_f32 (r);
  in->ppy = take_f32 (r);
  for (i = 0; i < 5; i++)
    in->coeffs[i] = take_f32 (r);
}

gboolean
fuzz_align_parse (const guint8 * data, gsize size, GstTrialIntrinsics * depth,
    GstTrialIntrinsics * color, GstTrialExtrinsics * ex, gfloat * scale,
    guint * threads, GstTrialAlignRule * rule, GError ** error)
{
  Reader r = { data, size, 0 };
  guint8 head[6];
  guint i;

  take (&r, head, sizeof (head));
  depth->width = 1 + head[0] % 32;
  depth->height = 1 + head[1] % 32;
  color->width = 1 + head[2] % 32;
  color->height = 1 + head[3] % 32;
  depth->model = (head[4] & 0xf) % 6;
  color->model = (head[4] >> 4) % 6;
  *threads = 1 + ((head[5] >> 1) & 3);
  *rule = head[5] & 8 ? GST_TRIAL_ALIGN_RULE_PORTABLE
      : GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86;
  take_intrinsics (&r, depth);
  take_intrinsics (&r, color);
  if (head[5] & 1) {
    for (i = 0; i < 9; i++)
      ex->rotation[i] = take_f32 (&r);
    for (i = 0; i < 3; i++)
      ex->translation[i] = take_f32 (&r);
  } else {
    gdouble q[4], t[3];

    for (i = 0; i < 4; i++)
      q[i] = take_f64 (&r);
    for (i = 0; i < 3; i++)
      t[i] = take_f64 (&r);
    if (!gst_trial_extrinsics_from_quaternion (q, t, ex, error))
      return FALSE;
  }
  *scale = take_f32 (&r);
  return TRUE;
}

static void
align_at (GstTrialAligner * aligner, const guint16 * frame, gsize frame_size,
    guint16 * out, gsize out_size)
{
  GError *error = NULL;

  fuzz_check (gst_trial_aligner_process (aligner, frame, frame_size, out,
          out_size, "fuzz", &error));
  fuzz_check (error == NULL);
}

void
fuzz_align_one (const guint8 * data, gsize size)
{
  GstTrialIntrinsics depth, color;
  GstTrialExtrinsics ex;
  GstTrialAlignRule rule;
  gfloat scale;
  guint threads, i;
  GError *error = NULL;
  GstTrialAligner *one, *many;
  gsize n, color_n;
  g_autofree guint16 *frame = NULL, *out_one = NULL, *out_many = NULL;
  g_autofree guint8 *seen = NULL;

  if (!fuzz_align_parse (data, size, &depth, &color, &ex, &scale, &threads,
          &rule, &error)) {
    fuzz_check_error (error);
    return;
  }
  one = gst_trial_aligner_new_with_rule (&depth, &color, &ex, scale, 1, rule,
      &error);
  if (one == NULL) {
    fuzz_check_error (error);
    return;
  }
  fuzz_check (depth.fx > 0 && depth.fy > 0 && color.fx > 0 && color.fy > 0);
  fuzz_check (scale > 0);
  fuzz_check (gst_trial_aligner_get_rule (one) == rule);
  if (rule == GST_TRIAL_ALIGN_RULE_PORTABLE)
    fuzz_check (gst_trial_aligner_uses_rectangles (one));
  many = gst_trial_aligner_new_with_rule (&depth, &color, &ex, scale, threads,
      rule, NULL);
  fuzz_check (many != NULL);

  n = (gsize) depth.width * depth.height;
  color_n = (gsize) color.width * color.height;
  frame = g_new (guint16, n);
  for (i = 0; i < n; i++) {
    gsize at = FUZZ_ALIGN_HEADER;

    frame[i] = 0;
    if (size > at + 1) {
      at += (2 * i) % ((size - at) & ~(gsize) 1);
      frame[i] = data[at] | (data[at + 1] << 8);
    }
  }
  out_one = g_new (guint16, color_n + 1);
  out_many = g_new (guint16, color_n + 1);
  out_one[color_n] = out_many[color_n] = 0x5a5a;
  align_at (one, frame, n * 2, out_one, color_n * 2);
  align_at (many, frame, n * 2, out_many, color_n * 2);
  fuzz_check (memcmp (out_one, out_many, color_n * 2) == 0);
  /* the band buffers carry nothing into the next frame */
  align_at (many, frame, n * 2, out_many, color_n * 2);
  fuzz_check (memcmp (out_one, out_many, color_n * 2) == 0);
  fuzz_check (out_one[color_n] == 0x5a5a && out_many[color_n] == 0x5a5a);

  /* only the frame's own values are written */
  seen = g_new0 (guint8, 65536 / 8);
  for (i = 0; i < n; i++)
    seen[frame[i] / 8] |= 1 << (frame[i] % 8);
  for (i = 0; i < color_n; i++)
    fuzz_check (out_one[i] == 0 || (seen[out_one[i] / 8] & (1 << (out_one[i]
                    % 8))));

  fuzz_check (!gst_trial_aligner_process (one, frame, n * 2 - 2, out_one,
          color_n * 2, "fuzz", &error));
  fuzz_check_error (error);
  error = NULL;
  fuzz_check (!gst_trial_aligner_process (one, frame, n * 2, out_one,
          color_n * 2 + 2, "fuzz", &error));
  fuzz_check_error (error);

  gst_trial_aligner_free (one);
  gst_trial_aligner_free (many);
}

FUZZ_TARGET (fuzz_align_one)
