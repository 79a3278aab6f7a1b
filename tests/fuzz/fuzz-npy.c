/* gst-trial fuzzing: the .npy reader (npy.c) on arbitrary bytes.
 *
 * Parses the input as a whole .npy file; when the header is accepted, the
 * array is converted to float32 into a buffer sized from the parsed shape
 * (so ASan sees any write past what the header promised), its maximum is
 * taken, and it goes through depth.c's .npy paths at the parsed shape. */
#include <math.h>

#include "tests/fuzz/fuzz.h"
#include "gst/trial/depth.h"
#include "gst/trial/npy.h"

static guint
dtype_itemsize (GstTrialDtype dtype)
{
  switch (dtype) {
    case GST_TRIAL_DTYPE_U1:
    case GST_TRIAL_DTYPE_I1:
    case GST_TRIAL_DTYPE_B1:
      return 1;
    case GST_TRIAL_DTYPE_U2:
    case GST_TRIAL_DTYPE_I2:
      return 2;
    case GST_TRIAL_DTYPE_I4:
    case GST_TRIAL_DTYPE_U4:
    case GST_TRIAL_DTYPE_F4:
      return 4;
    case GST_TRIAL_DTYPE_I8:
    case GST_TRIAL_DTYPE_F8:
      return 8;
  }
  return 0;
}

void
fuzz_npy_one (const guint8 * data, gsize size)
{
  GstTrialNpyInfo info;
  GError *error = NULL;
  g_autofree gfloat *values = NULL;
  g_autofree guint16 *mm = NULL;
  gsize n;
  gdouble max;

  if (!gst_trial_npy_parse (data, size, &info, &error)) {
    fuzz_check_error (error);
    return;
  }

  /* what the header promises about the bytes really present */
  fuzz_check (info.itemsize == dtype_itemsize (info.dtype));
  fuzz_check (info.data_offset <= size);
  fuzz_check (info.data_size == size - info.data_offset);
  n = (gsize) info.width * info.height;
  fuzz_check (n * info.itemsize == info.data_size);

  values = g_new (gfloat, MAX (n, 1));
  gst_trial_npy_to_f32 (&info, data, 0.001f, values);
  gst_trial_npy_to_f32 (&info, data, 1.0f, values);

  max = gst_trial_npy_max (&info, data);
  fuzz_check (isfinite (max));

  if (n == 0)
    return;
  if (!gst_trial_depth_to_f32 (GST_TRIAL_DEPTH_NPY, data, size, "fuzz.npy",
          info.width, info.height, 0.001, values, &error))
    g_error ("a parsed .npy failed to convert: %s", error->message);
  mm = g_new (guint16, n);
  if (!gst_trial_depth_to_u16 (GST_TRIAL_DEPTH_NPY, data, size, "fuzz.npy",
          info.width, info.height, 1.0, mm, &error))
    g_error ("a parsed .npy failed to convert: %s", error->message);
}

FUZZ_TARGET (fuzz_npy_one)
