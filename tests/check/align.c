/* gst-trial tests: depth aligned to the color camera (align.c).
 *
 * Properties that need no reference implementation: identity, a wall's
 * shift, the nearest surface winning, nothing from behind the camera, the
 * same frame whatever the number of threads, frames in sequence through one
 * aligner, hostile calibrations. The
 * bit-for-bit comparison with numpy is tests/python/check_align.py. */
#include <math.h>
#include <string.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/align.h"
#include "gst/trial/error.h"

#define W 640
#define H 480
#define N (W * H)

static const GstTrialIntrinsics d435_depth = {
  W, H, 390.43145751953125f, 390.43145751953125f, 331.38787841796875f,
  242.18734741210938f, GST_TRIAL_DISTORTION_BROWN_CONRADY, {0, 0, 0, 0, 0}
};

static const GstTrialIntrinsics d435_color = {
  W, H, 613.2036743164062f, 613.4193115234375f, 319.9388427734375f,
  239.18299865722656f, GST_TRIAL_DISTORTION_BROWN_CONRADY, {0, 0, 0, 0, 0}
};

static const gdouble d435_quaternion[4] = { -5.319880231421298e-05,
  0.0064634308469817235, 0.005154853722821664, 0.9999658465385437
};

static const gdouble d435_translation[3] = { 0.01431131362915039,
  0.000602306448854506, 0.000610804301686585
};

static GstTrialExtrinsics
shifted (gfloat tx, gfloat ty, gfloat tz)
{
  GstTrialExtrinsics e = { {1, 0, 0, 0, 1, 0, 0, 0, 1}, {tx, ty, tz} };

  return e;
}

static GstTrialExtrinsics
d435_extrinsics (void)
{
  GstTrialExtrinsics e;

  fail_unless (gst_trial_extrinsics_from_quaternion (d435_quaternion,
          d435_translation, &e, NULL));
  return e;
}

/* a room with boxes and 10% holes, the same for a given seed */
static guint16 *
make_scene (guint32 seed, guint width, guint height)
{
  GRand *rand = g_rand_new_with_seed (seed);
  guint16 *depth = g_new (guint16, width * height);
  guint x, y;

  for (y = 0; y < height; y++) {
    for (x = 0; x < width; x++) {
      gdouble z = 2500.0 + 600.0 * sin (x / 97.0) + 0.8 * y
          + g_rand_double_range (rand, -4.0, 4.0);

      if ((x / 64 + y / 64) % 3 == 0)
        z = 700.0 + 10.0 * (x % 64);
      depth[y * width + x] = g_rand_double (rand) < 0.1 ? 0 : (guint16) z;
    }
  }
  g_rand_free (rand);
  return depth;
}

static guint16 *
align_frame (const GstTrialIntrinsics * dcam, const GstTrialIntrinsics * ccam,
    const GstTrialExtrinsics * ex, guint threads, const guint16 * depth)
{
  GError *error = NULL;
  GstTrialAligner *aligner = gst_trial_aligner_new (dcam, ccam, ex, 0.001f,
      threads, &error);
  gsize out_size = (gsize) ccam->width * ccam->height * 2;
  guint16 *out = g_malloc (out_size);

  fail_unless (aligner != NULL, "%s", error ? error->message : "");
  fail_unless (gst_trial_aligner_process (aligner, depth,
          (gsize) dcam->width * dcam->height * 2, out, out_size, "frame",
          &error), "%s", error ? error->message : "");
  gst_trial_aligner_free (aligner);
  return out;
}

static guint
count_value (const guint16 * frame, gsize n, guint16 value)
{
  guint count = 0;
  gsize i;

  for (i = 0; i < n; i++)
    count += frame[i] == value;
  return count;
}

GST_START_TEST (test_identity_is_the_input)
{
  GstTrialExtrinsics ex = shifted (0, 0, 0);
  g_autofree guint16 *depth = make_scene (1, W, H);
  g_autofree guint16 *one = align_frame (&d435_color, &d435_color, &ex, 1,
      depth);
  g_autofree guint16 *three = align_frame (&d435_color, &d435_color, &ex, 3,
      depth);

  fail_unless (memcmp (one, depth, N * 2) == 0);
  fail_unless (memcmp (three, depth, N * 2) == 0);
}

GST_END_TEST;

/* a wall at 1 m, t = 14.3 mm: every pixel moves Fx * 0.0143 = 8.77 -> 9
 * color pixels right; the 9 left columns are holes */
GST_START_TEST (test_wall_shifts_by_fx_tx_over_z)
{
  GstTrialExtrinsics ex = shifted (0.0143f, 0, 0);
  g_autofree guint16 *wall = g_new (guint16, N);
  g_autofree guint16 *out = NULL;
  guint x, y;

  for (x = 0; x < N; x++)
    wall[x] = 1000;
  out = align_frame (&d435_color, &d435_color, &ex, 2, wall);
  for (y = 0; y < H; y++)
    for (x = 0; x < W; x++)
      fail_unless (out[y * W + x] == (x < 9 ? 0 : 1000),
          "pixel (%u, %u) is %u", x, y, out[y * W + x]);
}

GST_END_TEST;

/* one near pixel among far ones, visited first: it keeps every color
 * pixel it covers */
GST_START_TEST (test_nearest_wins)
{
  GstTrialExtrinsics ex = d435_extrinsics ();
  g_autofree guint16 *alone = g_new0 (guint16, N);
  g_autofree guint16 *among = g_new (guint16, N);
  g_autofree guint16 *out_alone = NULL, *out_among = NULL;
  guint i, covered;

  for (i = 0; i < N; i++)
    among[i] = 3000;
  alone[200 * W + 300] = among[200 * W + 300] = 1000;
  out_alone = align_frame (&d435_depth, &d435_color, &ex, 1, alone);
  out_among = align_frame (&d435_depth, &d435_color, &ex, 1, among);
  covered = count_value (out_alone, N, 1000);
  /* depth has fewer pixels per degree: a 2x2 to 3x3 footprint */
  fail_unless (covered >= 4 && covered <= 9, "covers %u pixels", covered);
  assert_equals_int (count_value (out_among, N, 1000), covered);
  for (i = 0; i < N; i++)
    if (out_alone[i] == 1000)
      assert_equals_int (out_among[i], 1000);
}

GST_END_TEST;

GST_START_TEST (test_behind_the_camera)
{
  /* the color camera 2 m in front: points nearer than 2 m are behind it */
  GstTrialExtrinsics ex = shifted (0, 0, -2.0f);
  g_autofree guint16 *depth = g_new (guint16, N);
  g_autofree guint16 *out = NULL;
  guint i, written = 0;

  guint mode;

  for (i = 0; i < N; i++)
    depth[i] = (i / W) < H / 2 ? 1000 : 2500;
  /* rectangles (behind the camera, corners swap and most rectangles are
   * empty anyway) and top-left pixels only (they would land mirrored) */
  for (mode = 0; mode < 2; mode++) {
    g_free (out);
    out = align_frame (mode ? &d435_color : &d435_depth, &d435_color, &ex, 2,
        depth);
    written = 0;
    for (i = 0; i < N; i++) {
      fail_if (out[i] == 1000, "pixel %u written from behind the camera", i);
      written += out[i] == 2500;
    }
    fail_unless (written > 1000, "only %u pixels from in front", written);
  }
}

GST_END_TEST;

GST_START_TEST (test_threads_agree)
{
  static const guint threads[] = { 2, 3, 5, 8 };
  GstTrialExtrinsics ex = d435_extrinsics ();
  GstTrialIntrinsics small = d435_depth;
  g_autofree guint16 *depth = make_scene (2, W, H);
  g_autofree guint16 *one = align_frame (&d435_depth, &d435_color, &ex, 1,
      depth);
  g_autofree guint16 *tiny = NULL, *tiny_one = NULL;
  guint i;

  fail_unless (count_value (one, N, 0) < N / 2);
  for (i = 0; i < G_N_ELEMENTS (threads); i++) {
    g_autofree guint16 *out = align_frame (&d435_depth, &d435_color, &ex,
        threads[i], depth);

    fail_unless (memcmp (out, one, N * 2) == 0, "%u threads differ",
        threads[i]);
  }
  /* more threads than depth rows */
  small.height = 3;
  small.ppy = 1.0f;
  tiny_one = align_frame (&small, &d435_color, &ex, 1, depth);
  tiny = align_frame (&small, &d435_color, &ex, 8, depth);
  fail_unless (memcmp (tiny, tiny_one, N * 2) == 0);
  fail_unless (count_value (tiny, N, 0) < N);
}

GST_END_TEST;

/* One aligner keeps buffers between frames: each frame of a sequence
 * (scenes, an empty frame, a frame whose lower half is empty so one band
 * writes nothing) must come out as a new aligner's first frame does. */
GST_START_TEST (test_frames_in_sequence)
{
  static const guint threads[] = { 1, 2, 3 };
  GstTrialExtrinsics ex = d435_extrinsics ();
  g_autofree guint16 *scene_a = make_scene (3, W, H);
  g_autofree guint16 *scene_b = make_scene (4, W, H);
  g_autofree guint16 *empty = g_new0 (guint16, N);
  g_autofree guint16 *half = g_memdup2 (scene_b, N * 2);
  const guint16 *frames[] = { scene_a, empty, scene_b, half, scene_a };
  g_autofree guint16 *out = g_new (guint16, N);
  guint t, f;

  memset (half + N / 2, 0, N);
  for (t = 0; t < G_N_ELEMENTS (threads); t++) {
    GError *error = NULL;
    GstTrialAligner *aligner = gst_trial_aligner_new (&d435_depth,
        &d435_color, &ex, 0.001f, threads[t], &error);

    fail_unless (aligner != NULL, "%s", error ? error->message : "");
    for (f = 0; f < G_N_ELEMENTS (frames); f++) {
      g_autofree guint16 *first = align_frame (&d435_depth, &d435_color, &ex,
          1, frames[f]);

      fail_unless (gst_trial_aligner_process (aligner, frames[f], N * 2, out,
              N * 2, "frame", &error), "%s", error ? error->message : "");
      fail_unless (memcmp (out, first, N * 2) == 0,
          "frame %u of the sequence differs with %u threads", f, threads[t]);
    }
    fail_unless_equals_int (count_value (out, N, 0) < N / 2, TRUE);
    gst_trial_aligner_free (aligner);
  }
}

GST_END_TEST;

/* the rule's names, and the constructor keeping the x86 rule */
GST_START_TEST (test_rules)
{
  GstTrialExtrinsics ex = d435_extrinsics ();
  GstTrialAlignRule rule = GST_TRIAL_ALIGN_RULE_PORTABLE;
  GError *error = NULL;
  g_autoptr (GstTrialAligner) x86 = gst_trial_aligner_new (&d435_depth,
      &d435_color, &ex, 0.001f, 1, NULL);
  g_autoptr (GstTrialAligner) portable =
      gst_trial_aligner_new_with_rule (&d435_depth, &d435_color, &ex, 0.001f,
      2, GST_TRIAL_ALIGN_RULE_PORTABLE, NULL);

  fail_unless_equals_int (gst_trial_aligner_get_rule (x86),
      GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86);
  fail_unless_equals_int (gst_trial_aligner_get_rule (portable),
      GST_TRIAL_ALIGN_RULE_PORTABLE);
  fail_unless (gst_trial_align_rule_from_name ("librealsense-x86", &rule,
          NULL));
  fail_unless_equals_int (rule, GST_TRIAL_ALIGN_RULE_LIBREALSENSE_X86);
  fail_unless (gst_trial_align_rule_from_name ("portable", &rule, NULL));
  fail_unless_equals_int (rule, GST_TRIAL_ALIGN_RULE_PORTABLE);
  fail_unless_equals_string (gst_trial_align_rule_name (rule), "portable");
  fail_if (gst_trial_align_rule_from_name ("x86", &rule, &error));
  fail_unless_equals_string (error->message,
      "alignment rule 'x86' is not one of 'librealsense-x86', 'portable'");
  g_clear_error (&error);
  fail_if (gst_trial_aligner_new_with_rule (&d435_depth, &d435_color, &ex,
          0.001f, 1, (GstTrialAlignRule) 7, &error));
  fail_unless_equals_string (error->message, "unknown alignment rule 7");
  g_clear_error (&error);
}

GST_END_TEST;

static void
assert_rejected (const GstTrialIntrinsics * dcam,
    const GstTrialIntrinsics * ccam, const GstTrialExtrinsics * ex,
    gfloat scale, gint code, const gchar * message)
{
  GError *error = NULL;

  fail_if (gst_trial_aligner_new (dcam, ccam, ex, scale, 2, &error));
  fail_unless (error != NULL);
  fail_unless (error->domain == GST_TRIAL_ERROR && error->code == code,
      "code %d, expected %d: %s", error->code, code, error->message);
  assert_equals_string (error->message, message);
  g_error_free (error);
}

GST_START_TEST (test_hostile_calibrations)
{
  GstTrialExtrinsics ex = d435_extrinsics (), bad_ex;
  GstTrialIntrinsics d, c;

  d = d435_depth;
  d.fx = 0;
  assert_rejected (&d, &d435_color, &ex, 0.001f, GST_TRIAL_ERROR_CORRUPT,
      "depth intrinsics: focal length is fx 0, fy 390.431, expected both "
      "positive");
  c = d435_color;
  c.fy = NAN;
  assert_rejected (&d435_depth, &c, &ex, 0.001f, GST_TRIAL_ERROR_CORRUPT,
      "color intrinsics: fy is nan, expected a finite number");
  c = d435_color;
  c.coeffs[4] = -INFINITY;
  assert_rejected (&d435_depth, &c, &ex, 0.001f, GST_TRIAL_ERROR_CORRUPT,
      "color intrinsics: coefficient 4 is -inf, expected a finite number");
  c = d435_color;
  c.model = 99;
  assert_rejected (&d435_depth, &c, &ex, 0.001f, GST_TRIAL_ERROR_UNSUPPORTED,
      "color intrinsics: unknown distortion model 99");
  d = d435_depth;
  d.height = 0;
  assert_rejected (&d, &d435_color, &ex, 0.001f, GST_TRIAL_ERROR_CORRUPT,
      "depth intrinsics: size is 640x0, expected at least 1x1");
  d.height = G_MAXUINT;
  assert_rejected (&d, &d435_color, &ex, 0.001f, GST_TRIAL_ERROR_TOO_LARGE,
      "depth intrinsics: size is 640x4294967295, at most 16384x16384 "
      "supported");
  /* within the size limits, but 5 GiB of ray maps and buffers */
  d = d435_depth;
  c = d435_color;
  d.width = d.height = c.width = c.height = 16384;
  assert_rejected (&d, &c, &ex, 0.001f, GST_TRIAL_ERROR_TOO_LARGE,
      "aligning 16384x16384 depth to 16384x16384 color with 2 threads needs "
      "5120 MiB, at most 2048 MiB supported");
  assert_rejected (&d435_depth, &d435_color, &ex, NAN,
      GST_TRIAL_ERROR_CORRUPT,
      "depth scale is nan, expected a positive number of metres per unit");
  assert_rejected (&d435_depth, &d435_color, &ex, -0.001f,
      GST_TRIAL_ERROR_CORRUPT,
      "depth scale is -0.001, expected a positive number of metres per unit");

  bad_ex = shifted (0, 0, 0);
  bad_ex.rotation[0] = 1.01f;
  assert_rejected (&d435_depth, &d435_color, &bad_ex, 0.001f,
      GST_TRIAL_ERROR_CORRUPT,
      "extrinsics: the rotation is not a rotation (R times its transpose "
      "differs from the identity by 0.0201, determinant 1.01, expected 0 "
      "and 1 within 0.001)");
  bad_ex = ex;
  bad_ex.rotation[5] = NAN;
  assert_rejected (&d435_depth, &d435_color, &bad_ex, 0.001f,
      GST_TRIAL_ERROR_CORRUPT,
      "extrinsics: rotation[5] is nan, expected a finite number");
  bad_ex = ex;
  bad_ex.translation[2] = INFINITY;
  assert_rejected (&d435_depth, &d435_color, &bad_ex, 0.001f,
      GST_TRIAL_ERROR_CORRUPT,
      "extrinsics: translation[2] is inf, expected a finite number");
}

GST_END_TEST;

/* a frame of the wrong size is refused and the output left alone */
GST_START_TEST (test_frame_sizes)
{
  GstTrialExtrinsics ex = d435_extrinsics ();
  GError *error = NULL;
  g_autoptr (GstTrialAligner) aligner = gst_trial_aligner_new (&d435_depth,
      &d435_color, &ex, 0.001f, 2, &error);
  g_autofree guint16 *depth = make_scene (3, W, H + 1);
  g_autofree guint16 *out = g_new (guint16, N + 1);
  guint i;

  fail_unless (aligner != NULL);
  for (i = 0; i < N + 1; i++)
    out[i] = 0xabcd;
  fail_if (gst_trial_aligner_process (aligner, depth, N * 2 + 2 * W, out,
          N * 2, "Depth/_Depth_0007.raw", &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH);
  assert_equals_string (error->message, "Depth/_Depth_0007.raw: depth frame "
      "is 615680 bytes, expected 614400 (640x480 uint16, the depth "
      "calibration's size)");
  g_clear_error (&error);
  fail_if (gst_trial_aligner_process (aligner, depth, N * 2, out, N * 2 + 2,
          "f", &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_SIZE_MISMATCH);
  assert_equals_string (error->message, "f: aligned depth buffer is 614402 "
      "bytes, expected 614400 (640x480 uint16, the color calibration's "
      "size)");
  g_clear_error (&error);
  assert_equals_int (count_value (out, N + 1, 0xabcd), N + 1);
  /* and the aligner still works */
  fail_unless (gst_trial_aligner_process (aligner, depth, N * 2, out, N * 2,
          "f", NULL));
  assert_equals_int (out[N], 0xabcd);
}

GST_END_TEST;

GST_START_TEST (test_quaternion)
{
  static const gdouble zero[3] = { 0, 0, 0 };
  /* 90 degrees about z: x -> y */
  const gdouble quarter[4] = { 0, 0, G_SQRT2 / 2, G_SQRT2 / 2 };
  static const gdouble half_norm[4] = { 0, 0, 0, 0.5 };
  static const gdouble nan_q[4] = { NAN, 0, 0, 1 };
  GstTrialExtrinsics e;
  GError *error = NULL;

  fail_unless (gst_trial_extrinsics_from_quaternion (quarter,
          d435_translation, &e, NULL));
  /* column-major: column 0 is R·(1, 0, 0) = (0, 1, 0) */
  fail_unless (fabsf (e.rotation[0]) < 1e-7f && e.rotation[1] == 1.0f
      && fabsf (e.rotation[2]) < 1e-7f);
  fail_unless (e.rotation[3] == -1.0f && e.rotation[8] == 1.0f);
  fail_unless (e.translation[0] == (gfloat) d435_translation[0]);

  fail_if (gst_trial_extrinsics_from_quaternion (half_norm, zero, &e,
          &error));
  assert_equals_string (error->message, "extrinsics: rotation quaternion "
      "(0, 0, 0, 0.5) has norm 0.5, expected 1");
  g_clear_error (&error);
  fail_if (gst_trial_extrinsics_from_quaternion (nan_q, zero, &e, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT);
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_distortion_names)
{
  GstTrialDistortion model, back;
  GError *error = NULL;

  for (model = GST_TRIAL_DISTORTION_NONE;
      model <= GST_TRIAL_DISTORTION_KANNALA_BRANDT4; model++) {
    fail_unless (gst_trial_distortion_from_name (gst_trial_distortion_name
            (model), &back, NULL));
    assert_equals_int (back, model);
  }
  fail_if (gst_trial_distortion_from_name ("brown conrady", &back, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED);
  g_clear_error (&error);
}

GST_END_TEST;

static Suite *
align_suite (void)
{
  Suite *s = suite_create ("align");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_identity_is_the_input);
  tcase_add_test (tc, test_wall_shifts_by_fx_tx_over_z);
  tcase_add_test (tc, test_nearest_wins);
  tcase_add_test (tc, test_behind_the_camera);
  tcase_add_test (tc, test_threads_agree);
  tcase_add_test (tc, test_frames_in_sequence);
  tcase_add_test (tc, test_rules);
  tcase_add_test (tc, test_hostile_calibrations);
  tcase_add_test (tc, test_frame_sizes);
  tcase_add_test (tc, test_quaternion);
  tcase_add_test (tc, test_distortion_names);
  return s;
}

GST_CHECK_MAIN (align);
