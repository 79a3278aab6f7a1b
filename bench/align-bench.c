/* gst-trial benchmark: depth-to-color alignment alone (gst/trial/align.c),
 * 640x480 depth to 640x480 color with the D435 calibration of the real
 * recording, on a generated room with 10% holes.
 *
 *   trial-align-bench [FRAMES=2000] [THREADS...=1 2]
 *
 * Prints one line per thread count: frames/s and ms per frame (wall clock,
 * after one warm-up frame). bench/align.sh also counts instructions per
 * frame under callgrind. */
#include <stdlib.h>
#include <math.h>

#include "gst/trial/align.h"

#define WIDTH 640
#define HEIGHT 480

static void
make_scene (guint16 * depth)
{
  GRand *rand = g_rand_new_with_seed (20261204);
  guint x, y;

  for (y = 0; y < HEIGHT; y++) {
    for (x = 0; x < WIDTH; x++) {
      gdouble z = y > HEIGHT * 0.6 ? 900.0 + 4000.0 * (HEIGHT - y) / HEIGHT
          : 2500.0 + 600.0 * sin (x / 97.0) + 0.8 * y;

      z += g_rand_double_range (rand, -4.0, 4.0);
      depth[y * WIDTH + x] = g_rand_double (rand) < 0.1 ? 0 : (guint16) z;
    }
  }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  static const GstTrialIntrinsics depth_cam = {
    WIDTH, HEIGHT, 390.43145751953125f, 390.43145751953125f,
    331.38787841796875f, 242.18734741210938f,
    GST_TRIAL_DISTORTION_BROWN_CONRADY, {0, 0, 0, 0, 0}
  };
  static const GstTrialIntrinsics color_cam = {
    WIDTH, HEIGHT, 613.2036743164062f, 613.4193115234375f,
    319.9388427734375f, 239.18299865722656f,
    GST_TRIAL_DISTORTION_BROWN_CONRADY, {0, 0, 0, 0, 0}
  };
  static const gdouble quaternion[4] = { -5.319880231421298e-05,
    0.0064634308469817235, 0.005154853722821664, 0.9999658465385437
  };
  static const gdouble translation[3] = { 0.01431131362915039,
    0.000602306448854506, 0.000610804301686585
  };
  guint frames = argc > 1 ? strtoul (argv[1], NULL, 10) : 2000;
  g_autofree guint16 *depth = g_new (guint16, WIDTH * HEIGHT);
  g_autofree guint16 *out = g_new (guint16, WIDTH * HEIGHT);
  GstTrialExtrinsics extrinsics;
  GError *error = NULL;
  gint a;

  make_scene (depth);
  if (!gst_trial_extrinsics_from_quaternion (quaternion, translation,
          &extrinsics, &error))
    g_error ("%s", error->message);

  for (a = argc > 2 ? 2 : 0; a == 0 || a < argc; a = a ? a + 1 : argc) {
    static const guint default_threads[] = { 1, 2 };
    guint t, n_runs = argc > 2 ? 1 : G_N_ELEMENTS (default_threads);

    for (t = 0; t < n_runs; t++) {
      guint threads = argc > 2 ? strtoul (argv[a], NULL, 10)
          : default_threads[t];
      GstTrialAligner *aligner;
      gint64 start;
      gdouble seconds;
      guint i;

      aligner = gst_trial_aligner_new (&depth_cam, &color_cam, &extrinsics,
          0.001f, MAX (threads, 1), &error);
      if (aligner == NULL)
        g_error ("%s", error->message);
      gst_trial_aligner_process (aligner, depth, sizeof (guint16) * WIDTH
          * HEIGHT, out, sizeof (guint16) * WIDTH * HEIGHT, "bench", NULL);
      start = g_get_monotonic_time ();
      for (i = 0; i < frames; i++)
        gst_trial_aligner_process (aligner, depth, sizeof (guint16) * WIDTH
            * HEIGHT, out, sizeof (guint16) * WIDTH * HEIGHT, "bench", NULL);
      seconds = (g_get_monotonic_time () - start) / 1e6;
      g_print ("align 640x480, %u thread%s: %.0f frames/s, %.3f ms/frame "
          "(%u frames)\n", threads, threads == 1 ? "" : "s", frames / seconds,
          1e3 * seconds / frames, frames);
      gst_trial_aligner_free (aligner);
    }
  }
  return 0;
}
