/* gst-trial: NumPy .npy reading and writing.
 *
 * A hand-written parser, because no C library reads .npy: small,
 * bounds-checked and fuzzed. Accepts format versions 1.0, 2.0 and 3.0, 2-D
 * C-order arrays of u1, u2, i2, i4, f4 or f8 in either byte order. Writes
 * version 1.0, '<f4', C order, header padded to 64 bytes as numpy does. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GST_TRIAL_DTYPE_U1,
  GST_TRIAL_DTYPE_U2,
  GST_TRIAL_DTYPE_I2,
  GST_TRIAL_DTYPE_I4,
  GST_TRIAL_DTYPE_F4,
  GST_TRIAL_DTYPE_F8,
} GstTrialDtype;

typedef struct
{
  GstTrialDtype dtype;
  gboolean big_endian;
  guint itemsize;               /* bytes per element */
  guint height;                 /* shape[0] */
  guint width;                  /* shape[1] */
  gsize data_offset;            /* where the array data starts */
  gsize data_size;              /* height * width * itemsize */
} GstTrialNpyInfo;

/* Longest header accepted (numpy itself limits headers to 10000 bytes). */
#define GST_TRIAL_NPY_MAX_HEADER 10000

/* Parses and validates the header of a whole .npy file held in @data.
 * Errors: CORRUPT (magic, version, truncated or malformed dict, data shorter
 * or longer than the shape needs), UNSUPPORTED (fortran_order True, not 2-D,
 * other dtypes), TOO_LARGE (header or dimensions beyond the limits). */
gboolean gst_trial_npy_parse (const guint8 * data, gsize size,
    GstTrialNpyInfo * info, GError ** error);

/* Converts the array of a parsed file to float32, multiplying by @scale.
 * @out holds info->height * info->width floats. */
void gst_trial_npy_to_f32 (const GstTrialNpyInfo * info, const guint8 * data,
    gfloat scale, gfloat * out);

/* Largest value of the array (for deciding units), as a double. */
gdouble gst_trial_npy_max (const GstTrialNpyInfo * info, const guint8 * data);

/* Size of the v1.0 '<f4' header for an (height, width) array. */
gsize gst_trial_npy_f32_header_size (guint height, guint width);

/* Writes that header into @dest (gst_trial_npy_f32_header_size() bytes);
 * the float data follows it. */
void gst_trial_npy_write_f32_header (guint height, guint width, guint8 * dest);

G_END_DECLS
