/* gst-trial: NumPy .npy reading and writing.
 *
 * A hand-written parser, because no C library reads .npy: small,
 * bounds-checked and fuzzed. Accepts format versions 1.0, 2.0 and 3.0, 2-D
 * C-order arrays of b1 (bool), i1, u1, u2, i2, u4, i4, i8, f4 or f8 in
 * either byte order (not u8, f2, complex, strings or objects). Writes
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
  GST_TRIAL_DTYPE_I1,
  GST_TRIAL_DTYPE_U4,
  GST_TRIAL_DTYPE_I8,
  GST_TRIAL_DTYPE_B1,           /* numpy bool: 0 or 1 */
} GstTrialDtype;

/**
 * GstTrialNpyInfo: (skip)
 *
 * The header of a parsed .npy file.
 */
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

/* numpy's type code of @dtype ("u2", "f8", ...), and back: FALSE for a
 * name that is none of ours. */
const gchar *gst_trial_dtype_to_string (GstTrialDtype dtype);
/**
 * gst_trial_dtype_from_string:
 * @name: a numpy type code
 * @dtype: (out): its dtype
 *
 * Returns: FALSE for a name that is none of ours
 */
gboolean gst_trial_dtype_from_string (const gchar * name,
    GstTrialDtype * dtype);

/* Longest header accepted (numpy itself limits headers to 10000 bytes). */
#define GST_TRIAL_NPY_MAX_HEADER 10000

/**
 * gst_trial_npy_parse: (skip)
 *
 * Parses and validates the header of a whole .npy file held in @data.
 * Errors: CORRUPT (magic, version, truncated or malformed dict, data shorter
 * or longer than the shape needs), UNSUPPORTED (fortran_order True, not 2-D,
 * other dtypes), TOO_LARGE (header or dimensions beyond the limits).
 */
gboolean gst_trial_npy_parse (const guint8 * data, gsize size,
    GstTrialNpyInfo * info, GError ** error);

/**
 * gst_trial_npy_to_f32: (skip)
 *
 * Converts the array of a parsed file to float32, multiplying by @scale.
 * @out holds info->height * info->width floats. Each value is cast to
 * float32 first and then scaled as gst_trial_npy_scale_divisor() says, so
 * the result is bit-exact with numpy's `a.astype(np.float32) / 1000.0`.
 */
void gst_trial_npy_to_f32 (const GstTrialNpyInfo * info, const guint8 * data,
    gfloat scale, gfloat * out);

/**
 * gst_trial_npy_convert_f32: (skip)
 *
 * The same for @n values of @dtype in the given byte order at @src (any
 * alignment); the .raw hot path is U2 little-endian.
 */
void gst_trial_npy_convert_f32 (GstTrialDtype dtype, gboolean big_endian,
    const guint8 * src, gsize n, gfloat scale, gfloat * out);

/**
 * gst_trial_npy_max: (skip)
 *
 * Largest finite value of the array (for deciding units), as a double;
 * NaN and infinities are skipped, 0.0 when there is no finite value.
 */
gdouble gst_trial_npy_max (const GstTrialNpyInfo * info, const guint8 * data);

/**
 * gst_trial_npy_scale_divisor: (skip)
 *
 * How float32 values are scaled the way NumPy does it: when 1/@scale is a
 * whole number (0.001 -> 1000, also for 0.001 rounded to a float) values are
 * divided by it, as the seed's `depth / 1000.0` does; multiplying by 0.001f
 * differs from that in the last bit for many values. Returns that divisor,
 * or 0.0 when values are multiplied by @scale.
 */
gfloat gst_trial_npy_scale_divisor (gdouble scale);

/**
 * gst_trial_npy_f32_header_size: (skip)
 *
 * Size of the v1.0 '<f4' header for an (height, width) array.
 */
gsize gst_trial_npy_f32_header_size (guint height, guint width);

/**
 * gst_trial_npy_write_f32_header: (skip)
 *
 * Writes that header into @dest (gst_trial_npy_f32_header_size() bytes);
 * the float data follows it.
 */
void gst_trial_npy_write_f32_header (guint height, guint width, guint8 * dest);

G_END_DECLS
