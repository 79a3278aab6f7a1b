/* gst-trial tests: the fuzz targets' bodies (tests/fuzz/fuzz-*.c) in an
 * ordinary build.
 *
 * Replays every seed of the generated corpus through its target, checking
 * that the seed is accepted or rejected as intended (so the corpus stays
 * meaningful as the library changes), and replays the inputs on which the
 * fuzzers once found a bug. */
#include <string.h>
#include <gst/check/gstcheck.h>

#include "tests/check/trialtest.h"
#include "tests/fuzz/corpus.h"
#include "tests/fuzz/fuzz.h"
#include "gst/trial/bmp.h"
#include "gst/trial/depth.h"
#include "gst/trial/jpeg.h"
#include "gst/trial/layout.h"
#include "tools/segments.h"
#include "gst/trial/npy.h"
#include "gst/trial/pngcodec.h"
#include "gst/trial/rsbag.h"

typedef void (*BodyFunc) (const guint8 * data, gsize size);
typedef gboolean (*AcceptsFunc) (const guint8 * data, gsize size);

static gboolean
npy_accepts (const guint8 * data, gsize size)
{
  GstTrialNpyInfo info;

  return gst_trial_npy_parse (data, size, &info, NULL);
}

static gboolean
png_accepts (const guint8 * data, gsize size)
{
  return gst_trial_png_verify (data, size,
          GST_TRIAL_PNG_VERIFY_DATA, NULL, NULL);
}

/* the seeds are 8-bit gray, RGB or RGBA: RGBA8 reads all of them */
static gboolean
png_fast_accepts (const guint8 * data, gsize size)
{
  GstTrialImage *image = gst_trial_png_decode (data, size,
      GST_TRIAL_PIXEL_RGBA8, NULL);

  if (image == NULL)
    return FALSE;
  gst_trial_image_free (image);
  return TRUE;
}

static gboolean
jpeg_bmp_accepts (const guint8 * data, gsize size)
{
  static const GstTrialPixelFormat formats[] = {
    GST_TRIAL_PIXEL_RGB8, GST_TRIAL_PIXEL_BGR8, GST_TRIAL_PIXEL_RGBA8,
    GST_TRIAL_PIXEL_GRAY8, GST_TRIAL_PIXEL_GRAY16,
  };
  GstTrialPixelFormat format = formats[(data[0] >> 1) % 5];
  GstTrialImage *image = (data[0] & 1) ?
      gst_trial_bmp_decode (data + 1, size - 1, format, NULL) :
      gst_trial_jpeg_decode (data + 1, size - 1, format, NULL);

  if (image == NULL)
    return FALSE;
  gst_trial_image_free (image);
  return TRUE;
}

/* some depth format reads the file at the shape the first bytes give */
static gboolean
raw_depth_accepts (const guint8 * data, gsize size)
{
  guint width = 1 + data[0] % 32, height = 1 + data[1] % 32;
  g_autofree gfloat *out = g_new (gfloat, width * height);
  GstTrialDepthFormat format;

  for (format = GST_TRIAL_DEPTH_RAW; format <= GST_TRIAL_DEPTH_PNG; format++) {
    if (gst_trial_depth_to_f32 (format, data + 2, size - 2, "seed", width,
            height, 0.001, out, NULL))
      return TRUE;
  }
  return FALSE;
}

static gboolean
layout_accepts (const guint8 * data, gsize size)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *path = fuzz_layout_build (data, size, dir);
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;
  GstTrialLayout *layout = gst_trial_layout_scan (path, &options, NULL);

  trial_test_rm_rf (dir);
  if (layout == NULL)
    return FALSE;
  gst_trial_layout_unref (layout);
  return TRUE;
}

static gboolean
bag_accepts (const guint8 * data, gsize size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  GstTrialBag *bag = gst_trial_bag_open_bytes (bytes, "seed", NULL);
  GstTrialRsBag *rs = bag != NULL ? gst_trial_rs_bag_new (bag, NULL) : NULL;

  gst_trial_rs_bag_free (rs);
  return rs != NULL;
}

/* the calibration is accepted */
static gboolean
align_accepts (const guint8 * data, gsize size)
{
  GstTrialIntrinsics depth, color;
  GstTrialExtrinsics ex;
  GstTrialAlignRule rule;
  gfloat scale;
  guint threads;
  GstTrialAligner *aligner;

  if (!fuzz_align_parse (data, size, &depth, &color, &ex, &scale, &threads,
          &rule, NULL))
    return FALSE;
  aligner = gst_trial_aligner_new_with_rule (&depth, &color, &ex, scale,
      threads, rule, NULL);
  gst_trial_aligner_free (aligner);
  return aligner != NULL;
}

static gboolean
segments_accepts (const guint8 * data, gsize size)
{
  g_autoptr (GPtrArray) rows = tp_segments_parse ((const gchar *) data, size,
      "trials.csv", NULL);

  return rows != NULL;
}

static const struct
{
  const gchar *target;
  BodyFunc body;
  AcceptsFunc accepts;
} targets[] = {
  {"npy", fuzz_npy_one, npy_accepts},
  {"png", fuzz_png_one, png_accepts},
  {"png-fast", fuzz_png_fast_one, png_fast_accepts},
  {"jpeg-bmp", fuzz_jpeg_bmp_one, jpeg_bmp_accepts},
  {"raw-depth", fuzz_raw_depth_one, raw_depth_accepts},
  {"layout", fuzz_layout_one, layout_accepts},
  {"bag", fuzz_bag_one, bag_accepts},
  {"align", fuzz_align_one, align_accepts},
  {"segments", fuzz_segments_one, segments_accepts},
};

typedef struct
{
  const gchar *target;
  guint n_seeds;
  guint n_valid;
  guint n_invalid;
} Replay;

static void
replay_seed (const gchar * target, const gchar * name, gboolean valid,
    GBytes * bytes, gpointer user_data)
{
  Replay *replay = user_data;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint i = 0;

  if (strcmp (target, replay->target) != 0)
    return;
  while (strcmp (targets[i].target, target) != 0)
    i++;

  GST_INFO ("%s seed %s (%" G_GSIZE_FORMAT " bytes)", target, name, size);
  targets[i].body (data, size);
  if (targets[i].accepts (data, size) != valid)
    fail ("%s seed '%s' is %s, expected %s", target, name,
        valid ? "rejected" : "accepted", valid ? "accepted" : "rejected");
  replay->n_seeds++;
  if (valid)
    replay->n_valid++;
  else
    replay->n_invalid++;
}

/* every seed of @target; each target has valid and invalid seeds */
static void
replay_seeds (const gchar * target, guint expected_seeds)
{
  Replay replay = { target, 0, 0, 0 };

  fuzz_corpus_foreach (replay_seed, &replay);
  assert_equals_int (replay.n_seeds, expected_seeds);
  fail_unless (replay.n_valid > 0 && replay.n_invalid > 0);
}

GST_START_TEST (test_npy_seeds)
{
  replay_seeds ("npy", 31);
}

GST_END_TEST;

GST_START_TEST (test_png_seeds)
{
  replay_seeds ("png", 28);
}

GST_END_TEST;

GST_START_TEST (test_png_fast_seeds)
{
  replay_seeds ("png-fast", 13);
}

GST_END_TEST;

/* What fuzz_png_with_fixed_crcs() passed on, one GBytes per call. */
static GPtrArray *png_passes;

static void
record_png_pass (const guint8 * data, gsize size)
{
  g_ptr_array_add (png_passes, g_bytes_new (data, size));
}

static guint
png_passes_for (GBytes * input)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (input, &size);

  g_ptr_array_set_size (png_passes, 0);
  fuzz_png_with_fixed_crcs (data, size, record_png_pass);
  return png_passes->len;
}

/* The bytes of @png with one bit flipped at @offset. */
static GBytes *
flip_bit (GBytes * png, gsize offset)
{
  gsize size;
  guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (png), &size);

  fail_unless (offset < size);
  copy[offset] ^= 0x01;
  return g_bytes_new_take (copy, size);
}

/* fuzz-png and fuzz-png-fast run their checks on the input, then on the
 * copy with every chunk CRC right (pngcrc.c). */
GST_START_TEST (test_png_fixed_crcs)
{
  g_autoptr (GBytes) png = fuzz_make_png (4, 3, 2, 8, FUZZ_PNG_SMALL_IDAT);
  gsize size = g_bytes_get_size (png);
  /* the last byte of IHDR's CRC (8 + 4 + 4 + 13 + 3) and of IEND's */
  g_autoptr (GBytes) bad_ihdr = flip_bit (png, 32);
  g_autoptr (GBytes) bad_both = flip_bit (bad_ihdr, size - 1);
  g_autoptr (GBytes) not_png = flip_bit (bad_both, 0);

  png_passes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  assert_equals_int (png_passes_for (png), 1);
  fail_unless (g_bytes_equal (png_passes->pdata[0], png));

  assert_equals_int (png_passes_for (bad_ihdr), 2);
  fail_unless (g_bytes_equal (png_passes->pdata[0], bad_ihdr));
  fail_unless (g_bytes_equal (png_passes->pdata[1], png));

  assert_equals_int (png_passes_for (bad_both), 2);
  fail_unless (g_bytes_equal (png_passes->pdata[0], bad_both));
  fail_unless (g_bytes_equal (png_passes->pdata[1], png));

  assert_equals_int (png_passes_for (not_png), 1);
  fail_unless (g_bytes_equal (png_passes->pdata[0], not_png));

  g_clear_pointer (&png_passes, g_ptr_array_unref);
}

GST_END_TEST;

GST_START_TEST (test_jpeg_bmp_seeds)
{
  replay_seeds ("jpeg-bmp", 24);
}

GST_END_TEST;

GST_START_TEST (test_raw_depth_seeds)
{
  replay_seeds ("raw-depth", 12);
}

GST_END_TEST;

GST_START_TEST (test_bag_seeds)
{
  replay_seeds ("bag", 18);
}

GST_END_TEST;

GST_START_TEST (test_layout_seeds)
{
  replay_seeds ("layout", 17);
}

GST_END_TEST;

GST_START_TEST (test_segments_seeds)
{
  replay_seeds ("segments", 10);
}

GST_END_TEST;

GST_START_TEST (test_align_seeds)
{
  replay_seeds ("align", 12);
}

GST_END_TEST;

static Suite *
fuzz_regressions_suite (void)
{
  Suite *s = suite_create ("fuzz-regressions");
  TCase *tc = tcase_create ("seeds");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_npy_seeds);
  tcase_add_test (tc, test_png_seeds);
  tcase_add_test (tc, test_png_fast_seeds);
  tcase_add_test (tc, test_png_fixed_crcs);
  tcase_add_test (tc, test_jpeg_bmp_seeds);
  tcase_add_test (tc, test_raw_depth_seeds);
  tcase_add_test (tc, test_layout_seeds);
  tcase_add_test (tc, test_bag_seeds);
  tcase_add_test (tc, test_align_seeds);
  tcase_add_test (tc, test_segments_seeds);
  return s;
}

GST_CHECK_MAIN (fuzz_regressions);
