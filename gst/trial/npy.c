/* gst-trial: the NumPy .npy reader and writer.
 *
 * The header of a .npy file is a Python dict literal. It is read by a small
 * strict tokenizer (never anything like eval): every length taken from the
 * file is checked against the bytes really present, and the parser is a pure
 * function of (data, size) with no state, so it can be fuzzed as is. */
#include <math.h>
#include <string.h>

#include "gst/trial/error.h"
#include "gst/trial/npy.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
/* numpy pads magic + length + header to a multiple of this */
#define NPY_ALIGN 64
/* numpy >= 1.24 leaves room for the first axis to grow to this many digits */
#define NPY_GROWTH_AXIS_MAX_DIGITS 21
/* dimensions remembered for the "shape found" part of error messages */
#define NPY_SHOWN_DIMS 8
/* characters of a hostile string quoted back in an error message */
#define NPY_SHOWN_CHARS 32

typedef struct
{
  const guint8 *file;           /* start of the file, for byte offsets */
  const guint8 *p;
  const guint8 *end;            /* end of the header */
  gboolean allow_long_suffix;   /* Python 2 wrote 480L in v1.0 and v2.0 */
} NpyCursor;

typedef struct
{
  gboolean have_descr;
  gboolean have_fortran_order;
  gboolean have_shape;
  const guint8 *descr;
  gsize descr_len;
  gboolean fortran_order;
  guint ndim;
  guint64 dims[NPY_SHOWN_DIMS]; /* saturated at G_MAXUINT64 */
} NpyHeader;

/* Unaligned loads: the data of a .npy sits wherever the header ends.
 * npy_u16le (p), npy_u16be (p), npy_u32le (p), ... */
#define NPY_READER(bits, order, ORDER)                                  \
  static inline guint##bits                                             \
  npy_u##bits##order (const guint8 * p)                                 \
  {                                                                     \
    guint##bits v;                                                      \
                                                                        \
    memcpy (&v, p, sizeof (v));                                         \
    return GUINT##bits##_FROM_##ORDER (v);                              \
  }

NPY_READER (16, le, LE)
NPY_READER (16, be, BE)
NPY_READER (32, le, LE)
NPY_READER (32, be, BE)
NPY_READER (64, le, LE)
NPY_READER (64, be, BE)
#undef NPY_READER

static inline gfloat
npy_f4 (guint32 bits)
{
  gfloat v;

  memcpy (&v, &bits, sizeof (v));
  return v;
}

static inline gdouble
npy_f8 (guint64 bits)
{
  gdouble v;

  memcpy (&v, &bits, sizeof (v));
  return v;
}

static gchar *
npy_quote (const guint8 * s, gsize len)
{
  g_autofree gchar *raw = g_strndup ((const gchar *) s,
      MIN (len, NPY_SHOWN_CHARS));
  g_autofree gchar *escaped = g_strescape (raw, NULL);

  return g_strdup_printf ("'%s%s'", escaped,
      len > NPY_SHOWN_CHARS ? "..." : "");
}

static gboolean
npy_expected (const NpyCursor * c, const gchar * what, GError ** error)
{
  if (c->p >= c->end)
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "npy header: expected %s but the header ends at byte %"
        G_GSIZE_FORMAT, what, (gsize) (c->end - c->file));
  else
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "npy header: expected %s at byte %" G_GSIZE_FORMAT ", found '%c'",
        what, (gsize) (c->p - c->file), g_ascii_isprint (*c->p) ? *c->p : '?');
  return FALSE;
}

static void
npy_skip_space (NpyCursor * c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n'
          || *c->p == '\r'))
    c->p++;
}

static gboolean
npy_peek (const NpyCursor * c, guint8 ch)
{
  return c->p < c->end && *c->p == ch;
}

static gboolean
npy_expect (NpyCursor * c, guint8 ch, const gchar * what, GError ** error)
{
  if (!npy_peek (c, ch))
    return npy_expected (c, what, error);
  c->p++;
  return TRUE;
}

/* A Python string literal without prefix or escapes: every dtype string and
 * key numpy writes is one. */
static gboolean
npy_read_string (NpyCursor * c, const guint8 ** s, gsize * len,
    GError ** error)
{
  guint8 quote;
  const guint8 *start;

  if (!npy_peek (c, '\'') && !npy_peek (c, '"'))
    return npy_expected (c, "a quoted string", error);
  quote = *c->p++;
  start = c->p;
  while (c->p < c->end && *c->p != quote) {
    if (*c->p == '\\' || *c->p < 0x20) {
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
          "npy header: unexpected character 0x%02x in a string at byte %"
          G_GSIZE_FORMAT, *c->p, (gsize) (c->p - c->file));
      return FALSE;
    }
    c->p++;
  }
  if (c->p >= c->end)
    return npy_expected (c, "the end of a string", error);
  *s = start;
  *len = c->p - start;
  c->p++;
  return TRUE;
}

/* A non-negative Python int literal; saturates instead of overflowing, the
 * limits are applied later with the whole shape known. */
static gboolean
npy_read_int (NpyCursor * c, guint64 * value, GError ** error)
{
  const guint8 *start = c->p;
  guint64 v = 0;

  while (c->p < c->end && g_ascii_isdigit (*c->p)) {
    guint digit = *c->p - '0';

    v = v > (G_MAXUINT64 - digit) / 10 ? G_MAXUINT64 : v * 10 + digit;
    c->p++;
  }
  if (c->p == start)
    return npy_expected (c, "a dimension", error);
  if (*start == '0' && c->p - start > 1) {
    c->p = start;
    return npy_expected (c, "a number without leading zeros", error);
  }
  if (c->allow_long_suffix && (npy_peek (c, 'L') || npy_peek (c, 'l')))
    c->p++;
  *value = v;
  return TRUE;
}

/* A tuple of ints as repr() writes it: (), (5,), (480, 640), (480, 640,). */
static gboolean
npy_read_shape (NpyCursor * c, NpyHeader * h, GError ** error)
{
  const guint8 *start = c->p;

  if (!npy_expect (c, '(', "'(' starting the shape", error))
    return FALSE;
  h->ndim = 0;
  npy_skip_space (c);
  if (npy_peek (c, ')')) {
    c->p++;
    return TRUE;
  }
  for (;;) {
    guint64 dim = 0;

    if (!npy_read_int (c, &dim, error))
      return FALSE;
    if (h->ndim < NPY_SHOWN_DIMS)
      h->dims[h->ndim] = dim;
    h->ndim++;
    npy_skip_space (c);
    if (npy_peek (c, ',')) {
      c->p++;
      npy_skip_space (c);
      if (npy_peek (c, ')')) {
        c->p++;
        return TRUE;
      }
    } else if (npy_peek (c, ')')) {
      if (h->ndim == 1) {
        /* "(480)" is the int 480 in Python, not a tuple */
        g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
            "npy header: shape at byte %" G_GSIZE_FORMAT " is not a tuple "
            "(a 1-tuple needs a trailing comma)", (gsize) (start - c->file));
        return FALSE;
      }
      c->p++;
      return TRUE;
    } else {
      return npy_expected (c, "',' or ')' in the shape", error);
    }
  }
}

static gboolean
npy_read_bool (NpyCursor * c, gboolean * value, GError ** error)
{
  gsize left = c->end - c->p;

  if (left >= 4 && memcmp (c->p, "True", 4) == 0) {
    *value = TRUE;
    c->p += 4;
  } else if (left >= 5 && memcmp (c->p, "False", 5) == 0) {
    *value = FALSE;
    c->p += 5;
  } else {
    return npy_expected (c, "True or False", error);
  }
  if (c->p < c->end && (g_ascii_isalnum (*c->p) || *c->p == '_'))
    return npy_expected (c, "True or False", error);
  return TRUE;
}

static gboolean
npy_key_is (const guint8 * key, gsize len, const gchar * name)
{
  return len == strlen (name) && memcmp (key, name, len) == 0;
}

static gboolean
npy_duplicate (const guint8 * key, gsize len, GError ** error)
{
  g_autofree gchar *quoted = npy_quote (key, len);

  g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
      "npy header: key %s appears twice", quoted);
  return FALSE;
}

static gboolean
npy_read_entry (NpyCursor * c, NpyHeader * h, GError ** error)
{
  const guint8 *key;
  gsize len;

  if (!npy_read_string (c, &key, &len, error))
    return FALSE;
  npy_skip_space (c);
  if (!npy_expect (c, ':', "':' after a key", error))
    return FALSE;
  npy_skip_space (c);

  if (npy_key_is (key, len, "descr")) {
    if (h->have_descr)
      return npy_duplicate (key, len, error);
    if (npy_peek (c, '[')) {
      g_set_error_literal (error, GST_TRIAL_ERROR,
          GST_TRIAL_ERROR_UNSUPPORTED,
          "npy header: structured dtypes are not supported");
      return FALSE;
    }
    h->have_descr = TRUE;
    return npy_read_string (c, &h->descr, &h->descr_len, error);
  }
  if (npy_key_is (key, len, "fortran_order")) {
    if (h->have_fortran_order)
      return npy_duplicate (key, len, error);
    h->have_fortran_order = TRUE;
    return npy_read_bool (c, &h->fortran_order, error);
  }
  if (npy_key_is (key, len, "shape")) {
    if (h->have_shape)
      return npy_duplicate (key, len, error);
    h->have_shape = TRUE;
    return npy_read_shape (c, h, error);
  }
  {
    g_autofree gchar *quoted = npy_quote (key, len);

    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "npy header: unexpected key %s (expected 'descr', 'fortran_order' "
        "and 'shape')", quoted);
  }
  return FALSE;
}

static gboolean
npy_read_dict (NpyCursor * c, NpyHeader * h, GError ** error)
{
  npy_skip_space (c);
  if (!npy_expect (c, '{', "'{' starting the header", error))
    return FALSE;
  for (;;) {
    npy_skip_space (c);
    if (npy_peek (c, '}')) {
      c->p++;
      break;
    }
    if (!npy_read_entry (c, h, error))
      return FALSE;
    npy_skip_space (c);
    if (npy_peek (c, ',')) {
      c->p++;
    } else if (npy_peek (c, '}')) {
      c->p++;
      break;
    } else {
      return npy_expected (c, "',' or '}'", error);
    }
  }
  npy_skip_space (c);
  if (c->p != c->end)
    return npy_expected (c, "only padding after the header's '}'", error);
  if (!h->have_descr || !h->have_fortran_order || !h->have_shape) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "npy header: key '%s' is missing", !h->have_descr ? "descr" :
        !h->have_fortran_order ? "fortran_order" : "shape");
    return FALSE;
  }
  return TRUE;
}

static gboolean
npy_descr_error (const NpyHeader * h, gint code, const gchar * problem,
    GError ** error)
{
  g_autofree gchar *quoted = npy_quote (h->descr, h->descr_len);

  g_set_error (error, GST_TRIAL_ERROR, code, "npy header: dtype %s %s",
      quoted, problem);
  return FALSE;
}

/* The dtypes read; the names are numpy's type codes. */
static const struct
{
  const gchar *name;
  GstTrialDtype dtype;
  guint itemsize;
} types[] = {
  {"u1", GST_TRIAL_DTYPE_U1, 1},
  {"u2", GST_TRIAL_DTYPE_U2, 2},
  {"i2", GST_TRIAL_DTYPE_I2, 2},
  {"i4", GST_TRIAL_DTYPE_I4, 4},
  {"f4", GST_TRIAL_DTYPE_F4, 4},
  {"f8", GST_TRIAL_DTYPE_F8, 8},
  {"i1", GST_TRIAL_DTYPE_I1, 1},
  {"u4", GST_TRIAL_DTYPE_U4, 4},
  {"i8", GST_TRIAL_DTYPE_I8, 8},
  {"b1", GST_TRIAL_DTYPE_B1, 1},
};

const gchar *
gst_trial_dtype_to_string (GstTrialDtype dtype)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (types); i++) {
    if (types[i].dtype == dtype)
      return types[i].name;
  }
  return "unknown";
}

gboolean
gst_trial_dtype_from_string (const gchar * name, GstTrialDtype * dtype)
{
  guint i;

  g_return_val_if_fail (dtype != NULL, FALSE);

  for (i = 0; name != NULL && i < G_N_ELEMENTS (types); i++) {
    if (strcmp (types[i].name, name) == 0) {
      *dtype = types[i].dtype;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
npy_parse_descr (const NpyHeader * h, GstTrialNpyInfo * info,
    GError ** error)
{
  const guint8 *s = h->descr;
  gsize len = h->descr_len;
  guint8 order = '=';
  guint i;

  if (len > 0 && (s[0] == '<' || s[0] == '>' || s[0] == '|' || s[0] == '=')) {
    order = s[0];
    s++;
    len--;
  }
  if (len > 0 && s[0] == 'O')
    return npy_descr_error (h, GST_TRIAL_ERROR_UNSUPPORTED,
        "holds Python objects, which are not supported", error);
  for (i = 0; i < G_N_ELEMENTS (types); i++) {
    if (npy_key_is (s, len, types[i].name))
      break;
  }
  if (i == G_N_ELEMENTS (types))
    return npy_descr_error (h, GST_TRIAL_ERROR_UNSUPPORTED,
        "is not supported (expected b1, i1, u1, u2, i2, u4, i4, i8, f4 or "
        "f8)", error);
  if (order == '|' && types[i].itemsize > 1)
    return npy_descr_error (h, GST_TRIAL_ERROR_UNSUPPORTED,
        "has no byte order ('|' is only for 1-byte types)", error);
  info->dtype = types[i].dtype;
  info->itemsize = types[i].itemsize;
  /* '=' and a missing order mean native, which for every file written on
   * the platforms numpy runs on in practice is little-endian */
  info->big_endian = order == '>' && types[i].itemsize > 1;
  return TRUE;
}

static gchar *
npy_shape_string (const NpyHeader * h)
{
  GString *s = g_string_new ("(");
  guint i;

  for (i = 0; i < MIN (h->ndim, NPY_SHOWN_DIMS); i++)
    g_string_append_printf (s, "%s%" G_GUINT64_FORMAT, i ? ", " : "",
        h->dims[i]);
  if (h->ndim > NPY_SHOWN_DIMS)
    g_string_append (s, ", ...");
  if (h->ndim == 1)
    g_string_append_c (s, ',');
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

gboolean
gst_trial_npy_parse (const guint8 * data, gsize size, GstTrialNpyInfo * info,
    GError ** error)
{
  GstTrialNpyInfo out = { 0, };
  NpyHeader h = { 0, };
  NpyCursor c;
  gsize preamble, header_len, data_size;
  guint major, minor;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  if (size == 0 || memcmp (data, NPY_MAGIC, MIN (size, NPY_MAGIC_LEN))) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "not a NumPy file: it does not start with \"\\x93NUMPY\"");
    return FALSE;
  }
  if (size < NPY_MAGIC_LEN + 2) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "npy file is truncated: %" G_GSIZE_FORMAT " bytes, too short for "
        "its version", size);
    return FALSE;
  }
  major = data[6];
  minor = data[7];
  if (minor != 0 || major < 1 || major > 3) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "npy version %u.%u is not supported (expected 1.0, 2.0 or 3.0)",
        major, minor);
    return FALSE;
  }
  preamble = major == 1 ? 10 : 12;
  if (size < preamble) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "npy file is truncated: %" G_GSIZE_FORMAT " bytes, less than its %"
        G_GSIZE_FORMAT "-byte preamble", size, preamble);
    return FALSE;
  }
  if (major == 1)
    header_len = npy_u16le (data + 8);
  else
    header_len = npy_u32le (data + 8);
  if (header_len > GST_TRIAL_NPY_MAX_HEADER) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "npy header is %" G_GSIZE_FORMAT " bytes, more than the limit of %u",
        header_len, GST_TRIAL_NPY_MAX_HEADER);
    return FALSE;
  }
  if (header_len > size - preamble) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "npy file is truncated: its header is %" G_GSIZE_FORMAT
        " bytes but only %" G_GSIZE_FORMAT " follow the preamble",
        header_len, size - preamble);
    return FALSE;
  }

  c.file = data;
  c.p = data + preamble;
  c.end = data + preamble + header_len;
  c.allow_long_suffix = major < 3;
  if (!npy_read_dict (&c, &h, error))
    return FALSE;
  if (!npy_parse_descr (&h, &out, error))
    return FALSE;
  if (h.fortran_order) {
    g_set_error_literal (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "npy header: fortran_order True is not supported (expected a C-order "
        "array)");
    return FALSE;
  }
  if (h.ndim != 2) {
    g_autofree gchar *shape = npy_shape_string (&h);

    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "npy header: shape %s has %u dimension%s, expected 2 (height, width)",
        shape, h.ndim, h.ndim == 1 ? "" : "s");
    return FALSE;
  }
  if (h.dims[0] == 0 || h.dims[0] > GST_TRIAL_MAX_DIMENSION
      || h.dims[1] == 0 || h.dims[1] > GST_TRIAL_MAX_DIMENSION) {
    g_autofree gchar *shape = npy_shape_string (&h);

    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE,
        "npy header: shape %s is out of range (each side must be 1 to %u)",
        shape, GST_TRIAL_MAX_DIMENSION);
    return FALSE;
  }
  out.height = h.dims[0];
  out.width = h.dims[1];
  out.data_offset = preamble + header_len;

  /* both sides are at most GST_TRIAL_MAX_DIMENSION, so this cannot
   * overflow even a 32-bit gsize; checked anyway as the limits may grow */
  if (!g_size_checked_mul (&data_size, out.height, out.width)
      || !g_size_checked_mul (&data_size, data_size, out.itemsize)
      || data_size != size - out.data_offset) {
    g_autofree gchar *quoted = npy_quote (h.descr, h.descr_len);

    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT,
        "npy data is %" G_GSIZE_FORMAT " bytes, expected %" G_GUINT64_FORMAT
        " (%ux%u %s)", size - out.data_offset,
        (guint64) out.height * out.width * out.itemsize, out.height,
        out.width, quoted);
    return FALSE;
  }
  out.data_size = data_size;
  *info = out;
  return TRUE;
}

gfloat
gst_trial_npy_scale_divisor (gdouble scale)
{
  gdouble inverse, whole;

  if (!(scale > 0.0 && scale < 1.0))
    return 0.0f;
  inverse = 1.0 / scale;
  whole = round (inverse);
  /* the tolerance accepts 0.001 stored as a float (1/999.99995) and keeps
   * scales that are not a whole reciprocal on the multiplying path */
  if (whole > 16777216.0 || fabs (inverse - whole) > whole * 1e-6)
    return 0.0f;
  return (gfloat) whole;
}

/* Element loaders: the value at index @k cast to float32, which is what
 * numpy's astype(np.float32) does (round to nearest for i4 and f8). */
static inline gfloat
npy_ld_u1 (const guint8 * s, gsize k)
{
  return s[k];
}

/* npy_ld_<dtype>le and npy_ld_<dtype>be: the element read as a
 * @bits-bit word of that byte order, then made a float32 by @to_float. */
#define NPY_LOADERS(dtype, bits, to_float)                              \
  static inline gfloat                                                  \
  npy_ld_##dtype##le (const guint8 * s, gsize k)                        \
  {                                                                     \
    return to_float (npy_u##bits##le (s + (bits) / 8 * k));             \
  }                                                                     \
                                                                        \
  static inline gfloat                                                  \
  npy_ld_##dtype##be (const guint8 * s, gsize k)                        \
  {                                                                     \
    return to_float (npy_u##bits##be (s + (bits) / 8 * k));             \
  }

NPY_LOADERS (u2, 16, (gfloat))
NPY_LOADERS (i2, 16, (gfloat) (gint16))
NPY_LOADERS (i4, 32, (gfloat) (gint32))
/* Integers wider than float32's 24-bit mantissa are cast in one step, as
 * numpy's astype(float32) does (through double would round twice). */
NPY_LOADERS (u4, 32, (gfloat))
NPY_LOADERS (i8, 64, (gfloat) (gint64))
NPY_LOADERS (f4, 32, npy_f4)
NPY_LOADERS (f8, 64, (gfloat) npy_f8)
#undef NPY_LOADERS

static inline gfloat
npy_ld_i1 (const guint8 * s, gsize k)
{
  return (gint8) s[k];
}

/* numpy's bool is one byte, 0 or 1; any other byte is True as well */
static inline gfloat
npy_ld_b1 (const guint8 * s, gsize k)
{
  return s[k] != 0;
}

/* Four lanes at a time with GCC/Clang vector extensions: GCC does not
 * vectorize these loops at -O2 by itself, and a packed division has about
 * four times the throughput of scalar ones (0.73 -> 0.23 ms for a 640x480
 * frame). Lanes are computed exactly like the scalar tail, so the result
 * is bit-exact either way. */
typedef gfloat NpyV4f __attribute__ ((vector_size (16)));
typedef guint16 NpyV4u16 __attribute__ ((vector_size (8)));
typedef gint32 NpyV4i32 __attribute__ ((vector_size (16)));

/* Four lanes of @load, one by one. */
#define NPY_LOAD4(load, src, k)                                         \
  ((NpyV4f) { load (src, k), load (src, k + 1),                         \
      load (src, k + 2), load (src, k + 3) })

/* Four host-order uint16 (the depth camera's samples on little-endian
 * hosts) in one load and one packed conversion to float, which is exact
 * for every uint16 as the scalar conversion is. */
static inline NpyV4f
npy_ld4_u2_host (const guint8 * s, gsize k)
{
  NpyV4u16 v;

  memcpy (&v, s + 2 * k, sizeof (v));
  /* through int32: a direct uint16 -> float conversion is done lane by lane */
  return __builtin_convertvector (__builtin_convertvector (v, NpyV4i32),
      NpyV4f);
}

#define NPY_CONVERT_WITH(load4, load)                                   \
  G_STMT_START {                                                        \
    if (divisor != 0.0f) {                                              \
      for (; i + 4 <= n; i += 4) {                                      \
        NpyV4f v = load4;                                               \
        v = v / divisor;                                                \
        memcpy (out + i, &v, sizeof (v));                               \
      }                                                                 \
      for (; i < n; i++)                                                \
        out[i] = load (src, i) / divisor;                               \
    } else {                                                            \
      for (; i + 4 <= n; i += 4) {                                      \
        NpyV4f v = load4;                                               \
        v = v * scale;                                                  \
        memcpy (out + i, &v, sizeof (v));                               \
      }                                                                 \
      for (; i < n; i++)                                                \
        out[i] = load (src, i) * scale;                                 \
    }                                                                   \
  } G_STMT_END

#define NPY_CONVERT(load) NPY_CONVERT_WITH (NPY_LOAD4 (load, src, i), load)

#define NPY_CONVERT_ORDER(dtype)                                        \
  G_STMT_START {                                                        \
    if (big_endian)                                                     \
      NPY_CONVERT (npy_ld_##dtype##be);                                 \
    else                                                                \
      NPY_CONVERT (npy_ld_##dtype##le);                                 \
  } G_STMT_END

void
gst_trial_npy_convert_f32 (GstTrialDtype dtype, gboolean big_endian,
    const guint8 * src, gsize n, gfloat scale, gfloat * out)
{
  gfloat divisor;
  gsize i = 0;

  g_return_if_fail ((src != NULL && out != NULL) || n == 0);

  divisor = gst_trial_npy_scale_divisor (scale);
  switch (dtype) {
    case GST_TRIAL_DTYPE_U1:
      NPY_CONVERT (npy_ld_u1);
      break;
    case GST_TRIAL_DTYPE_U2:
      if (big_endian && G_BYTE_ORDER == G_BIG_ENDIAN)
        NPY_CONVERT_WITH (npy_ld4_u2_host (src, i), npy_ld_u2be);
      else if (big_endian)
        NPY_CONVERT (npy_ld_u2be);
      else if (G_BYTE_ORDER == G_LITTLE_ENDIAN)
        NPY_CONVERT_WITH (npy_ld4_u2_host (src, i), npy_ld_u2le);
      else
        NPY_CONVERT (npy_ld_u2le);
      break;
    case GST_TRIAL_DTYPE_I2:
      NPY_CONVERT_ORDER (i2);
      break;
    case GST_TRIAL_DTYPE_I4:
      NPY_CONVERT_ORDER (i4);
      break;
    case GST_TRIAL_DTYPE_F4:
      NPY_CONVERT_ORDER (f4);
      break;
    case GST_TRIAL_DTYPE_F8:
      NPY_CONVERT_ORDER (f8);
      break;
    case GST_TRIAL_DTYPE_I1:
      NPY_CONVERT (npy_ld_i1);
      break;
    case GST_TRIAL_DTYPE_B1:
      NPY_CONVERT (npy_ld_b1);
      break;
    case GST_TRIAL_DTYPE_U4:
      NPY_CONVERT_ORDER (u4);
      break;
    case GST_TRIAL_DTYPE_I8:
      NPY_CONVERT_ORDER (i8);
      break;
  }
}

#undef NPY_CONVERT_ORDER
#undef NPY_CONVERT

void
gst_trial_npy_to_f32 (const GstTrialNpyInfo * info, const guint8 * data,
    gfloat scale, gfloat * out)
{
  g_return_if_fail (info != NULL && data != NULL && out != NULL);

  gst_trial_npy_convert_f32 (info->dtype, info->big_endian,
      data + info->data_offset, (gsize) info->height * info->width, scale,
      out);
}

static gdouble
npy_value (const GstTrialNpyInfo * info, const guint8 * p)
{
  gboolean be = info->big_endian;

  switch (info->dtype) {
    case GST_TRIAL_DTYPE_U1:
      return p[0];
    case GST_TRIAL_DTYPE_U2:
      return be ? npy_u16be (p) : npy_u16le (p);
    case GST_TRIAL_DTYPE_I2:
      return (gint16) (be ? npy_u16be (p) : npy_u16le (p));
    case GST_TRIAL_DTYPE_I4:
      return (gint32) (be ? npy_u32be (p) : npy_u32le (p));
    case GST_TRIAL_DTYPE_F4:
      return npy_f4 (be ? npy_u32be (p) : npy_u32le (p));
    case GST_TRIAL_DTYPE_F8:
      return npy_f8 (be ? npy_u64be (p) : npy_u64le (p));
    case GST_TRIAL_DTYPE_I1:
      return (gint8) p[0];
    case GST_TRIAL_DTYPE_B1:
      return p[0] != 0;
    case GST_TRIAL_DTYPE_U4:
      return be ? npy_u32be (p) : npy_u32le (p);
    case GST_TRIAL_DTYPE_I8:
      return (gdouble) (gint64) (be ? npy_u64be (p) : npy_u64le (p));
  }
  return 0.0;
}

gdouble
gst_trial_npy_max (const GstTrialNpyInfo * info, const guint8 * data)
{
  const guint8 *p, *end;
  gboolean found = FALSE;
  gdouble max = 0.0;

  g_return_val_if_fail (info != NULL && data != NULL, 0.0);

  p = data + info->data_offset;
  end = p + info->data_size;
  for (; p < end; p += info->itemsize) {
    gdouble v = npy_value (info, p);

    /* NaN or inf holes must not decide the units of a whole trial */
    if (isfinite (v) && (!found || v > max)) {
      max = v;
      found = TRUE;
    }
  }
  return max;
}

/* The dict numpy writes for a C-order '<f4' array, keys sorted. */
static gsize
npy_f32_dict (guint height, guint width, gchar * buf, gsize buf_size)
{
  return g_snprintf (buf, buf_size,
      "{'descr': '<f4', 'fortran_order': False, 'shape': (%u, %u), }",
      height, width);
}

/* Spaces numpy adds after the dict (growth room for the first axis, then
 * alignment) and the total header size, newline included. */
static void
npy_f32_layout (guint height, gsize dict_len, gsize * spaces, gsize * total)
{
  gsize digits = 1, growth, hlen, pad;

  for (; height >= 10; height /= 10)
    digits++;
  growth = NPY_GROWTH_AXIS_MAX_DIGITS - digits;
  hlen = dict_len + growth + 1;
  pad = NPY_ALIGN - (10 + hlen) % NPY_ALIGN;

  *spaces = growth + pad;
  *total = 10 + hlen + pad;
}

gsize
gst_trial_npy_f32_header_size (guint height, guint width)
{
  gchar dict[96];
  gsize spaces, total;

  npy_f32_layout (height, npy_f32_dict (height, width, dict, sizeof (dict)),
      &spaces, &total);
  return total;
}

void
gst_trial_npy_write_f32_header (guint height, guint width, guint8 * dest)
{
  gchar dict[96];
  gsize dict_len, spaces, total, hlen;

  g_return_if_fail (dest != NULL);

  dict_len = npy_f32_dict (height, width, dict, sizeof (dict));
  npy_f32_layout (height, dict_len, &spaces, &total);
  hlen = total - 10;

  memcpy (dest, NPY_MAGIC, NPY_MAGIC_LEN);
  dest[6] = 1;
  dest[7] = 0;
  dest[8] = hlen & 0xff;
  dest[9] = hlen >> 8;
  memcpy (dest + 10, dict, dict_len);
  memset (dest + 10 + dict_len, ' ', spaces);
  dest[total - 1] = '\n';
}
