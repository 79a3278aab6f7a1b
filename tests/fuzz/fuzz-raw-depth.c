/* gst-trial fuzzing: depth files of every format (depth.c, raw.c) on
 * arbitrary bytes.
 *
 * Input: two bytes giving the expected shape (1-32 x 1-32, small so every
 * input is fast), then the file. The file goes through shape probing, scale
 * deciding and both conversions as .raw, .npy and .png (and as "no file"),
 * at the expected shape and at the probed one. The .raw results are
 * checked value by value; gst_trial_raw_guess_shape() is also fed the file
 * size and, when there are enough bytes, an arbitrary 64-bit size. */
#include <string.h>

#include "tests/fuzz/fuzz.h"
#include "gst/trial/depth.h"
#include "gst/trial/raw.h"

/* Probed shapes beyond this many pixels are not converted (a PNG header
 * can claim 16384x16384 in 30 bytes). */
#define MAX_PROBED_PIXELS (256 * 256)

static void
check_guess (gsize size)
{
  guint width = 0, height = 0;

  if (!gst_trial_raw_guess_shape (size, &width, &height))
    return;
  fuzz_check (width >= 1 && height >= 1);
  fuzz_check ((guint64) width * height * 2 == size);
  fuzz_check (gst_trial_raw_check (size, width, height, "fuzz.raw", NULL));
}

static guint16
le16 (const guint8 * p)
{
  return p[0] | (p[1] << 8);
}

static void
convert (GstTrialDepthFormat format, const guint8 * file, gsize size,
    guint width, guint height, gdouble scale)
{
  gsize i, n = (gsize) width * height;
  g_autofree gfloat *metres = g_new (gfloat, n);
  g_autofree guint16 *mm = g_new (guint16, n);
  GError *error = NULL;
  gboolean ok_f32, ok_u16;

  ok_f32 = gst_trial_depth_to_f32 (format, file, size, "fuzz", width, height,
      scale, metres, &error);
  if (!ok_f32) {
    fuzz_check_error (error);
    error = NULL;
  }
  ok_u16 = gst_trial_depth_to_u16 (format, file, size, "fuzz", width, height,
      scale, mm, &error);
  if (!ok_u16)
    fuzz_check_error (error);
  /* both read the same file the same way */
  fuzz_check (ok_f32 == ok_u16);

  if (format != GST_TRIAL_DEPTH_RAW)
    return;
  fuzz_check (ok_f32 == (size == n * 2));
  if (!ok_f32 || scale != 0.001)
    return;
  /* millimetres in, millimetres out; metres as numpy's v / 1000.0 */
  for (i = 0; i < n; i++) {
    guint16 v = le16 (file + 2 * i);

    fuzz_check (mm[i] == v);
    fuzz_check (metres[i] == (gfloat) v / 1000.0f);
  }
}

static void
fuzz_format (GstTrialDepthFormat format, const guint8 * file, gsize size,
    guint width, guint height)
{
  guint probed_width = 0, probed_height = 0;
  gdouble scale = 0.001;
  gboolean probed;
  GError *error = NULL;

  probed = gst_trial_depth_probe_shape (format, file, size, "fuzz",
      &probed_width, &probed_height, &error);
  if (probed) {
    fuzz_check (format != GST_TRIAL_DEPTH_NONE);
    if (format == GST_TRIAL_DEPTH_RAW)
      fuzz_check ((guint64) probed_width * probed_height * 2 == size);
  } else {
    fuzz_check (format != GST_TRIAL_DEPTH_NONE
        || error->code == GST_TRIAL_ERROR_NOT_FOUND);
    fuzz_check_error (error);
    error = NULL;
  }

  if (gst_trial_depth_decide_scale (format, file, size, "fuzz", &scale,
          &error)) {
    fuzz_check (scale == 0.001 || scale == 1.0);
  } else {
    fuzz_check_error (error);
    scale = 0.001;
  }

  convert (format, file, size, width, height, scale);
  if (probed && (probed_width != width || probed_height != height)
      && probed_width > 0 && probed_height > 0
      && (guint64) probed_width * probed_height <= MAX_PROBED_PIXELS)
    convert (format, file, size, probed_width, probed_height, scale);
}

void
fuzz_raw_depth_one (const guint8 * data, gsize size)
{
  static const GstTrialDepthFormat formats[] = {
    GST_TRIAL_DEPTH_NONE, GST_TRIAL_DEPTH_RAW, GST_TRIAL_DEPTH_NPY,
    GST_TRIAL_DEPTH_PNG,
  };
  const guint8 *file;
  gsize file_size;
  guint64 any_size;
  guint i;

  if (size < 2)
    return;
  file = data + 2;
  file_size = size - 2;

  check_guess (file_size);
  if (file_size >= sizeof (any_size)) {
    memcpy (&any_size, file, sizeof (any_size));
    check_guess ((gsize) any_size);
  }

  for (i = 0; i < G_N_ELEMENTS (formats); i++)
    fuzz_format (formats[i], file, file_size, 1 + data[0] % 32,
        1 + data[1] % 32);
}

FUZZ_TARGET (fuzz_raw_depth_one)
