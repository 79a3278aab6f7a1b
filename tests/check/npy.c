/* gst-trial tests: the .npy parser, converter and header writer (npy.c).
 *
 * Files are built byte by byte here so every header quirk and every
 * rejection can be produced exactly; tests/python/check_npy.py checks the
 * same code against numpy itself. */
#include <math.h>
#include <string.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/error.h"
#include "gst/trial/npy.h"

#define DICT_U2_2x3 "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }"

/* magic + version + header length + @dict (padded with spaces and a
 * newline to 64 bytes when @pad, as numpy writes it) + @payload */
static GBytes *
make_npy_full (guint major, guint minor, const gchar * dict, gboolean pad,
    const void *payload, gsize payload_size)
{
  GByteArray *a = g_byte_array_new ();
  gsize preamble = major == 1 ? 10 : 12;
  gsize dict_len = strlen (dict);
  gsize hlen = pad ? dict_len + 1 + (64 - (preamble + dict_len + 1) % 64) % 64
      : dict_len;
  guint8 pre[12] = { 0x93, 'N', 'U', 'M', 'P', 'Y', major, minor };
  gsize i;

  if (major == 1) {
    pre[8] = hlen & 0xff;
    pre[9] = hlen >> 8;
  } else {
    pre[8] = hlen & 0xff;
    pre[9] = (hlen >> 8) & 0xff;
    pre[10] = (hlen >> 16) & 0xff;
    pre[11] = hlen >> 24;
  }
  g_byte_array_append (a, pre, preamble);
  g_byte_array_append (a, (const guint8 *) dict, dict_len);
  if (pad) {
    for (i = dict_len; i + 1 < hlen; i++)
      g_byte_array_append (a, (const guint8 *) " ", 1);
    g_byte_array_append (a, (const guint8 *) "\n", 1);
  }
  if (payload_size > 0)
    g_byte_array_append (a, payload, payload_size);
  return g_byte_array_free_to_bytes (a);
}

static GBytes *
make_npy (guint major, const gchar * dict, const void *payload,
    gsize payload_size)
{
  return make_npy_full (major, 0, dict, TRUE, payload, payload_size);
}

static const guint16 u2_values[6] = { 0, 1, 999, 1000, 1234, 65535 };

static GBytes *
make_u2_npy (guint major, const gchar * dict)
{
  guint16 le[6];
  guint i;

  for (i = 0; i < 6; i++)
    le[i] = GUINT16_TO_LE (u2_values[i]);
  return make_npy (major, dict, le, sizeof (le));
}

static gboolean
parse_bytes (GBytes * bytes, GstTrialNpyInfo * info, GError ** error)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return gst_trial_npy_parse (data, size, info, error);
}

static void
assert_u2_2x3 (GBytes * bytes, const gchar * what)
{
  GstTrialNpyInfo info;
  GError *error = NULL;
  gfloat out[6];
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint i;

  fail_unless (gst_trial_npy_parse (data, size, &info, &error),
      "%s: %s", what, error ? error->message : "?");
  assert_equals_int (info.dtype, GST_TRIAL_DTYPE_U2);
  assert_equals_int (info.big_endian, FALSE);
  assert_equals_int (info.itemsize, 2);
  assert_equals_int (info.height, 2);
  assert_equals_int (info.width, 3);
  assert_equals_uint64 (info.data_size, 12);
  assert_equals_uint64 (info.data_offset + info.data_size, size);
  gst_trial_npy_to_f32 (&info, data, 1.0f, out);
  for (i = 0; i < 6; i++)
    fail_unless (out[i] == u2_values[i], "%s: value %u is %g", what, i,
        out[i]);
}

/* One dtype spelling, a value cast to that type, then to float32. */
typedef struct
{
  const gchar *descr;
  GstTrialDtype dtype;
  guint itemsize;
  gboolean big_endian;
} DtypeCase;

static void
store (guint8 * dst, const void *src, guint size, gboolean big_endian)
{
  const guint8 *s = src;
  guint i;

  /* the test machine is little-endian, as the library assumes for '=' */
  for (i = 0; i < size; i++)
    dst[i] = big_endian ? s[size - 1 - i] : s[i];
}

/* Encodes @v as the dtype into @dst and returns numpy's astype(float32). */
static gfloat
encode (GstTrialDtype dtype, gboolean big_endian, gdouble v, guint8 * dst)
{
  guint8 u1;
  guint16 u2;
  gint16 i2;
  gint32 i4;
  gfloat f4;
  gint8 i1;
  guint32 u4;
  gint64 i8;

  switch (dtype) {
    case GST_TRIAL_DTYPE_B1:
      dst[0] = v != 0.0;
      return dst[0];
    case GST_TRIAL_DTYPE_I1:
      i1 = (gint8) v;
      dst[0] = (guint8) i1;
      return i1;
    case GST_TRIAL_DTYPE_U4:
      u4 = (guint32) v;
      store (dst, &u4, 4, big_endian);
      return (gfloat) u4;
    case GST_TRIAL_DTYPE_I8:
      i8 = (gint64) v;
      store (dst, &i8, 8, big_endian);
      return (gfloat) i8;
    case GST_TRIAL_DTYPE_U1:
      u1 = (guint8) v;
      dst[0] = u1;
      return u1;
    case GST_TRIAL_DTYPE_U2:
      u2 = (guint16) v;
      store (dst, &u2, 2, big_endian);
      return u2;
    case GST_TRIAL_DTYPE_I2:
      i2 = (gint16) v;
      store (dst, &i2, 2, big_endian);
      return i2;
    case GST_TRIAL_DTYPE_I4:
      i4 = (gint32) v;
      store (dst, &i4, 4, big_endian);
      return (gfloat) i4;
    case GST_TRIAL_DTYPE_F4:
      f4 = (gfloat) v;
      store (dst, &f4, 4, big_endian);
      return f4;
    case GST_TRIAL_DTYPE_F8:
      store (dst, &v, 8, big_endian);
      return (gfloat) v;
  }
  g_assert_not_reached ();
}

static const gdouble dtype_values[][6] = {
  [GST_TRIAL_DTYPE_U1] = {0, 1, 100, 101, 200, 255},
  [GST_TRIAL_DTYPE_U2] = {0, 1, 999, 1000, 1234, 65535},
  [GST_TRIAL_DTYPE_I2] = {-32768, -1, 0, 1, 1234, 32767},
  /* 16777217 is not a float32: it must round like numpy's cast */
  [GST_TRIAL_DTYPE_I4] = {-2147483648.0, -1, 0, 16777217, 1234567, 2147483647},
  [GST_TRIAL_DTYPE_F4] = {-1.5, -0.0, 0.25, 1.2345, 1e30, 3.0},
  [GST_TRIAL_DTYPE_F8] = {-1.5, 0.1, 1.2345, 1e300, -1e-300, 2500.5},
  [GST_TRIAL_DTYPE_I1] = {-128, -1, 0, 1, 100, 127},
  /* 4294967295 and 16777217 are no float32: they round like numpy's cast */
  [GST_TRIAL_DTYPE_U4] = {0, 1, 16777217, 70000, 4000000000.0, 4294967295.0},
  [GST_TRIAL_DTYPE_I8] = {-9223372036854775808.0, -1, 0, 16777217,
      9007199254740992.0, 123456789012.0},
  [GST_TRIAL_DTYPE_B1] = {0, 1, 1, 0, 1, 0},
};

GST_START_TEST (test_parse_all_dtypes)
{
  static const DtypeCase cases[] = {
    {"|u1", GST_TRIAL_DTYPE_U1, 1, FALSE},
    {"<u1", GST_TRIAL_DTYPE_U1, 1, FALSE},
    {">u1", GST_TRIAL_DTYPE_U1, 1, FALSE},
    {"u1", GST_TRIAL_DTYPE_U1, 1, FALSE},
    {"<u2", GST_TRIAL_DTYPE_U2, 2, FALSE},
    {">u2", GST_TRIAL_DTYPE_U2, 2, TRUE},
    {"=u2", GST_TRIAL_DTYPE_U2, 2, FALSE},
    {"<i2", GST_TRIAL_DTYPE_I2, 2, FALSE},
    {">i2", GST_TRIAL_DTYPE_I2, 2, TRUE},
    {"<i4", GST_TRIAL_DTYPE_I4, 4, FALSE},
    {">i4", GST_TRIAL_DTYPE_I4, 4, TRUE},
    {"=i4", GST_TRIAL_DTYPE_I4, 4, FALSE},
    {"<f4", GST_TRIAL_DTYPE_F4, 4, FALSE},
    {">f4", GST_TRIAL_DTYPE_F4, 4, TRUE},
    {"<f8", GST_TRIAL_DTYPE_F8, 8, FALSE},
    {">f8", GST_TRIAL_DTYPE_F8, 8, TRUE},
    {"|i1", GST_TRIAL_DTYPE_I1, 1, FALSE},
    {"<u4", GST_TRIAL_DTYPE_U4, 4, FALSE},
    {">u4", GST_TRIAL_DTYPE_U4, 4, TRUE},
    {"<i8", GST_TRIAL_DTYPE_I8, 8, FALSE},
    {">i8", GST_TRIAL_DTYPE_I8, 8, TRUE},
    {"|b1", GST_TRIAL_DTYPE_B1, 1, FALSE},
  };
  guint c, i;

  for (c = 0; c < G_N_ELEMENTS (cases); c++) {
    const DtypeCase *dc = &cases[c];
    g_autofree gchar *dict = g_strdup_printf ("{'descr': '%s', "
        "'fortran_order': False, 'shape': (2, 3), }", dc->descr);
    guint8 payload[6 * 8];
    gfloat expected[6], out[6], out_mm[6];
    GstTrialNpyInfo info;
    GError *error = NULL;
    g_autoptr (GBytes) bytes = NULL;
    const guint8 *data;
    gsize size;
    gdouble max = -INFINITY;

    for (i = 0; i < 6; i++) {
      gdouble v = dtype_values[dc->dtype][i];

      expected[i] = encode (dc->dtype, dc->big_endian, v,
          payload + i * dc->itemsize);
      /* the maximum is taken over the stored values, not their float32 */
      max = MAX (max, dc->dtype == GST_TRIAL_DTYPE_F4 ? (gdouble) (gfloat) v :
          v);
    }
    bytes = make_npy (1, dict, payload, 6 * dc->itemsize);
    data = g_bytes_get_data (bytes, &size);
    fail_unless (gst_trial_npy_parse (data, size, &info, &error),
        "%s: %s", dc->descr, error ? error->message : "?");
    assert_equals_int (info.dtype, dc->dtype);
    assert_equals_int (info.big_endian, dc->big_endian);
    assert_equals_int (info.itemsize, dc->itemsize);
    assert_equals_int (info.height, 2);
    assert_equals_int (info.width, 3);
    assert_equals_uint64 (info.data_offset, 128);
    assert_equals_uint64 (info.data_size, 6 * dc->itemsize);

    gst_trial_npy_to_f32 (&info, data, 1.0f, out);
    gst_trial_npy_to_f32 (&info, data, 0.001f, out_mm);
    for (i = 0; i < 6; i++) {
      gfloat mm = expected[i] / 1000.0f;

      fail_unless (memcmp (&out[i], &expected[i], 4) == 0,
          "%s value %u: %.9g, expected %.9g", dc->descr, i, out[i],
          expected[i]);
      fail_unless (memcmp (&out_mm[i], &mm, 4) == 0,
          "%s value %u / 1000: %.9g, expected %.9g", dc->descr, i, out_mm[i],
          mm);
    }
    fail_unless (gst_trial_npy_max (&info, data) == max, "%s max %g != %g",
        dc->descr, gst_trial_npy_max (&info, data), max);
  }
}

GST_END_TEST;

GST_START_TEST (test_parse_versions)
{
  guint major;

  for (major = 1; major <= 3; major++) {
    g_autoptr (GBytes) bytes = make_u2_npy (major, DICT_U2_2x3);
    GstTrialNpyInfo info;

    assert_u2_2x3 (bytes, "version");
    fail_unless (parse_bytes (bytes, &info, NULL));
    /* padded to 64 bytes whatever the preamble size, as numpy does */
    assert_equals_uint64 (info.data_offset, 128);
  }
}

GST_END_TEST;

GST_START_TEST (test_parse_header_quirks)
{
  static const struct
  {
    guint major;
    const gchar *dict;
  } cases[] = {
    {1, "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3)}"},
    {1, "{\"descr\": \"<u2\", \"fortran_order\": False, \"shape\": (2, 3), }"},
    {1, "{'shape': (2, 3), 'fortran_order': False, 'descr': '<u2'}"},
    {1, "{'fortran_order': False, 'descr': '<u2', 'shape': (2, 3,), }"},
    {1, "{'descr':'<u2','fortran_order':False,'shape':(2,3)}"},
    {1, " \t{ 'descr' : '<u2' ,\n 'fortran_order' : False ,\r\n"
          " 'shape' : ( 2 , 3 , ) , } \n"},
    /* Python 2 numpy wrote longs */
    {1, "{'descr': '<u2', 'fortran_order': False, 'shape': (2L, 3L), }"},
    {2, "{'descr': '<u2', 'fortran_order': False, 'shape': (2L, 3L), }"},
    {3, "{'descr': \"<u2\", 'fortran_order': False, 'shape': (2, 3), }"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GBytes) bytes = make_u2_npy (cases[i].major, cases[i].dict);

    assert_u2_2x3 (bytes, cases[i].dict);
  }
}

GST_END_TEST;

GST_START_TEST (test_parse_unpadded)
{
  guint16 le[6] = { 0, };
  g_autoptr (GBytes) bytes = make_npy_full (1, 0, DICT_U2_2x3, FALSE, le,
      sizeof (le));
  g_autoptr (GBytes) open_string = make_npy_full (1, 0, "{'descr': '<u2",
      FALSE, NULL, 0);
  GstTrialNpyInfo info;
  GError *error = NULL;

  fail_unless (parse_bytes (bytes, &info, NULL));
  assert_equals_uint64 (info.data_offset, 10 + strlen (DICT_U2_2x3));

  fail_if (parse_bytes (open_string, &info, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT);
  fail_unless_equals_string (error->message, "npy header: expected the end "
      "of a string but the header ends at byte 24");
  g_clear_error (&error);
}

GST_END_TEST;

typedef struct
{
  const gchar *what;
  guint major;
  guint minor;
  const gchar *dict;
  gsize payload;                /* bytes of zeros after the header */
  gint code;
  const gchar *message;
} RejectCase;

static void
assert_rejected (GBytes * bytes, gint code, const gchar * message,
    const gchar * what)
{
  GstTrialNpyInfo info;
  GError *error = NULL;

  memset (&info, 0xab, sizeof (info));
  fail_if (parse_bytes (bytes, &info, &error), "%s: accepted", what);
  fail_unless (error != NULL, "%s: no error", what);
  fail_unless (error->domain == GST_TRIAL_ERROR, "%s: domain", what);
  fail_unless (error->code == code, "%s: code %d, expected %d (%s)", what,
      error->code, code, error->message);
  fail_unless (strstr (error->message, message) != NULL,
      "%s: message '%s' lacks '%s'", what, error->message, message);
  /* a failed parse leaves the caller's info alone */
  assert_equals_int (info.height, 0xabababab);
  g_clear_error (&error);
}

#define HDR(descr, fortran, shape) \
  "{'descr': '" descr "', 'fortran_order': " fortran ", 'shape': " shape ", }"

GST_START_TEST (test_parse_rejections)
{
  static const RejectCase cases[] = {
    {"version 4.0", 4, 0, DICT_U2_2x3, 12, GST_TRIAL_ERROR_CORRUPT,
        "npy version 4.0 is not supported (expected 1.0, 2.0 or 3.0)"},
    {"version 1.1", 1, 1, DICT_U2_2x3, 12, GST_TRIAL_ERROR_CORRUPT,
        "npy version 1.1"},
    {"version 0.0", 0, 0, DICT_U2_2x3, 12, GST_TRIAL_ERROR_CORRUPT,
        "npy version 0.0"},
    {"fortran", 1, 0, HDR ("<u2", "True", "(2, 3)"), 12,
          GST_TRIAL_ERROR_UNSUPPORTED,
        "npy header: fortran_order True is not supported"},
    {"1-D", 1, 0, HDR ("<u2", "False", "(5,)"), 10,
          GST_TRIAL_ERROR_UNSUPPORTED,
        "npy header: shape (5,) has 1 dimension, expected 2 (height, width)"},
    {"3-D", 1, 0, HDR ("<u2", "False", "(2, 3, 4)"), 48,
          GST_TRIAL_ERROR_UNSUPPORTED,
        "shape (2, 3, 4) has 3 dimensions, expected 2"},
    {"0-D", 1, 0, HDR ("<u2", "False", "()"), 2, GST_TRIAL_ERROR_UNSUPPORTED,
        "shape () has 0 dimensions"},
    {"10-D", 1, 0, HDR ("<u2", "False", "(1, 1, 1, 1, 1, 1, 1, 1, 1, 1)"), 2,
          GST_TRIAL_ERROR_UNSUPPORTED,
        "shape (1, 1, 1, 1, 1, 1, 1, 1, ...) has 10 dimensions"},
    {"object", 1, 0, HDR ("|O", "False", "(2, 3)"), 48,
          GST_TRIAL_ERROR_UNSUPPORTED,
        "npy header: dtype '|O' holds Python objects"},
    {"u8", 1, 0, HDR ("<u8", "False", "(2, 3)"), 48,
          GST_TRIAL_ERROR_UNSUPPORTED,
        "npy header: dtype '<u8' is not supported (expected b1, i1, u1, u2, "
        "i2, u4, i4, i8, f4 or f8)"},
    {"unicode", 1, 0, HDR ("<U8", "False", "(2, 3)"), 192,
        GST_TRIAL_ERROR_UNSUPPORTED, "dtype '<U8' is not supported"},
    {"empty descr", 1, 0, HDR ("", "False", "(2, 3)"), 12,
        GST_TRIAL_ERROR_UNSUPPORTED, "dtype '' is not supported"},
    {"no order", 1, 0, HDR ("|u2", "False", "(2, 3)"), 12,
          GST_TRIAL_ERROR_UNSUPPORTED,
        "dtype '|u2' has no byte order"},
    {"structured", 1, 0, "{'descr': [('x', '<f4')], 'fortran_order': False, "
          "'shape': (2, 3), }", 24, GST_TRIAL_ERROR_UNSUPPORTED,
        "structured dtypes are not supported"},
    {"zero height", 1, 0, HDR ("<u2", "False", "(0, 640)"), 0,
          GST_TRIAL_ERROR_TOO_LARGE,
        "npy header: shape (0, 640) is out of range (each side must be 1 to "
        "16384)"},
    {"zero width", 1, 0, HDR ("<u2", "False", "(480, 0)"), 0,
        GST_TRIAL_ERROR_TOO_LARGE, "shape (480, 0) is out of range"},
    {"too wide", 1, 0, HDR ("<u2", "False", "(1, 16385)"), 32770,
        GST_TRIAL_ERROR_TOO_LARGE, "shape (1, 16385) is out of range"},
    {"huge", 1, 0, HDR ("<u2", "False",
              "(99999999999999999999999999, 2)"), 4,
        GST_TRIAL_ERROR_TOO_LARGE, "is out of range"},
    {"data short", 1, 0, DICT_U2_2x3, 11, GST_TRIAL_ERROR_CORRUPT,
        "npy data is 11 bytes, expected 12 (2x3 '<u2')"},
    {"data long", 1, 0, DICT_U2_2x3, 13, GST_TRIAL_ERROR_CORRUPT,
        "npy data is 13 bytes, expected 12 (2x3 '<u2')"},
    {"no data", 1, 0, HDR ("<f8", "False", "(480, 640)"), 0,
          GST_TRIAL_ERROR_CORRUPT,
        "npy data is 0 bytes, expected 2457600 (480x640 '<f8')"},
    {"no descr", 1, 0, "{'fortran_order': False, 'shape': (2, 3), }", 12,
        GST_TRIAL_ERROR_CORRUPT, "npy header: key 'descr' is missing"},
    {"no fortran", 1, 0, "{'descr': '<u2', 'shape': (2, 3), }", 12,
        GST_TRIAL_ERROR_CORRUPT, "key 'fortran_order' is missing"},
    {"no shape", 1, 0, "{'descr': '<u2', 'fortran_order': False}", 12,
        GST_TRIAL_ERROR_CORRUPT, "key 'shape' is missing"},
    {"empty dict", 1, 0, "{}", 12, GST_TRIAL_ERROR_CORRUPT,
        "key 'descr' is missing"},
    {"extra key", 1, 0, "{'descr': '<u2', 'fortran_order': False, "
          "'shape': (2, 3), 'x': 1}", 12, GST_TRIAL_ERROR_CORRUPT,
        "npy header: unexpected key 'x'"},
    {"duplicate", 1, 0, "{'descr': '<u2', 'descr': '<u2', "
          "'fortran_order': False, 'shape': (2, 3)}", 12,
        GST_TRIAL_ERROR_CORRUPT, "key 'descr' appears twice"},
    {"not a dict", 1, 0, "[1, 2]", 12, GST_TRIAL_ERROR_CORRUPT,
        "expected '{' starting the header at byte 10, found '['"},
    {"empty header", 1, 0, "", 0, GST_TRIAL_ERROR_CORRUPT,
        "expected '{' starting the header but the header ends"},
    {"unterminated", 1, 0, "{'descr': '<u2", 0, GST_TRIAL_ERROR_CORRUPT,
        "unexpected character 0x0a in a string"},
    {"no close", 1, 0, "{'descr': '<u2', 'fortran_order': False, "
          "'shape': (2, 3)", 12, GST_TRIAL_ERROR_CORRUPT,
        "expected ',' or '}'"},
    {"garbage after", 1, 0, DICT_U2_2x3 " x", 12, GST_TRIAL_ERROR_CORRUPT,
        "expected only padding after the header's '}'"},
    {"int shape", 1, 0, HDR ("<u2", "False", "(6)"), 12,
        GST_TRIAL_ERROR_CORRUPT, "is not a tuple"},
    {"list shape", 1, 0, HDR ("<u2", "False", "[2, 3]"), 12,
        GST_TRIAL_ERROR_CORRUPT, "expected '(' starting the shape"},
    {"negative", 1, 0, HDR ("<u2", "False", "(-2, 3)"), 12,
        GST_TRIAL_ERROR_CORRUPT, "expected a dimension"},
    {"leading zero", 1, 0, HDR ("<u2", "False", "(02, 3)"), 12,
        GST_TRIAL_ERROR_CORRUPT, "expected a number without leading zeros"},
    {"double comma", 1, 0, HDR ("<u2", "False", "(2,, 3)"), 12,
        GST_TRIAL_ERROR_CORRUPT, "expected a dimension"},
    {"float dim", 1, 0, HDR ("<u2", "False", "(2.0, 3)"), 12,
        GST_TRIAL_ERROR_CORRUPT, "expected ',' or ')' in the shape"},
    {"long in v3", 3, 0, HDR ("<u2", "False", "(2L, 3L)"), 12,
        GST_TRIAL_ERROR_CORRUPT, "expected ',' or ')' in the shape"},
    {"lowercase bool", 1, 0, HDR ("<u2", "false", "(2, 3)"), 12,
        GST_TRIAL_ERROR_CORRUPT, "expected True or False"},
    {"bool prefix", 1, 0, HDR ("<u2", "Falsey", "(2, 3)"), 12,
        GST_TRIAL_ERROR_CORRUPT, "expected True or False"},
    {"int bool", 1, 0, HDR ("<u2", "0", "(2, 3)"), 12,
        GST_TRIAL_ERROR_CORRUPT, "expected True or False"},
    {"escape", 1, 0, HDR ("<u\\x32", "False", "(2, 3)"), 12,
        GST_TRIAL_ERROR_CORRUPT, "unexpected character 0x5c in a string"},
    {"unquoted key", 1, 0, "{descr: '<u2'}", 12, GST_TRIAL_ERROR_CORRUPT,
        "expected a quoted string at byte 11, found 'd'"},
    {"missing colon", 1, 0, "{'descr' '<u2'}", 12, GST_TRIAL_ERROR_CORRUPT,
        "expected ':' after a key"},
    {"bytes prefix", 1, 0, "{'descr': b'<u2'}", 12, GST_TRIAL_ERROR_CORRUPT,
        "expected a quoted string"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    const RejectCase *rc = &cases[i];
    g_autofree guint8 *zeros = g_malloc0 (rc->payload + 1);
    g_autoptr (GBytes) bytes = make_npy_full (rc->major, rc->minor, rc->dict,
        TRUE, zeros, rc->payload);

    assert_rejected (bytes, rc->code, rc->message, rc->what);
  }
}

GST_END_TEST;

GST_START_TEST (test_parse_preamble_rejections)
{
  static const guint8 short_magic[] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1 };
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 0, 0, 0
  };
  static const guint8 v1_no_len[] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
    0x10
  };
  static const guint8 v2_short_len[] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0,
    0x10, 0, 0
  };
  static const guint8 v1_beyond[] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
    0x10, 0x00, '{', '}'
  };
  static const guint8 v1_too_long[] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
    0x11, 0x27, '{', '}'
  };
  static const guint8 v3_huge[] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 3, 0,
    0xff, 0xff, 0xff, 0xff, '{'
  };
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) b_short = g_bytes_new_static (short_magic,
      sizeof (short_magic));
  g_autoptr (GBytes) b_png = g_bytes_new_static (png, sizeof (png));
  g_autoptr (GBytes) b_no_len = g_bytes_new_static (v1_no_len,
      sizeof (v1_no_len));
  g_autoptr (GBytes) b_short_len = g_bytes_new_static (v2_short_len,
      sizeof (v2_short_len));
  g_autoptr (GBytes) b_beyond = g_bytes_new_static (v1_beyond,
      sizeof (v1_beyond));
  g_autoptr (GBytes) b_too_long = g_bytes_new_static (v1_too_long,
      sizeof (v1_too_long));
  g_autoptr (GBytes) b_huge = g_bytes_new_static (v3_huge, sizeof (v3_huge));
  GstTrialNpyInfo info;

  assert_rejected (empty, GST_TRIAL_ERROR_CORRUPT,
      "not a NumPy file: it does not start with \"\\x93NUMPY\"", "empty");
  assert_rejected (b_short, GST_TRIAL_ERROR_CORRUPT,
      "npy file is truncated: 7 bytes, too short for its version",
      "no version");
  assert_rejected (b_png, GST_TRIAL_ERROR_CORRUPT, "not a NumPy file", "png");
  assert_rejected (b_no_len, GST_TRIAL_ERROR_CORRUPT,
      "npy file is truncated: 9 bytes, less than its 10-byte preamble",
      "v1 preamble");
  assert_rejected (b_short_len, GST_TRIAL_ERROR_CORRUPT,
      "npy file is truncated: 11 bytes, less than its 12-byte preamble",
      "v2 preamble");
  assert_rejected (b_beyond, GST_TRIAL_ERROR_CORRUPT,
      "npy file is truncated: its header is 16 bytes but only 2 follow the "
      "preamble", "beyond");
  assert_rejected (b_too_long, GST_TRIAL_ERROR_TOO_LARGE,
      "npy header is 10001 bytes, more than the limit of 10000", "too long");
  assert_rejected (b_huge, GST_TRIAL_ERROR_TOO_LARGE,
      "npy header is 4294967295 bytes", "v3 huge");

  /* exactly the limit is fine when the bytes are there */
  {
    g_autofree gchar *dict = g_strdup_printf ("%s%*s", DICT_U2_2x3,
        (int) (10000 - strlen (DICT_U2_2x3)), "");
    guint16 le[6] = { 0, };
    g_autoptr (GBytes) at_limit = make_npy_full (1, 0, dict, FALSE, le,
        sizeof (le));

    fail_unless (parse_bytes (at_limit, &info, NULL));
    assert_equals_uint64 (info.data_offset, 10010);
  }
}

GST_END_TEST;

GST_START_TEST (test_max_skips_non_finite)
{
  gfloat values[6] = { NAN, -3.0f, INFINITY, -INFINITY, 2.5f, NAN };
  gfloat holes[2] = { NAN, INFINITY };
  gfloat negative[2] = { -7.0f, -2.0f };
  g_autoptr (GBytes) a = make_npy (1, HDR ("<f4", "False", "(2, 3)"), values,
      sizeof (values));
  g_autoptr (GBytes) b = make_npy (1, HDR ("<f4", "False", "(1, 2)"), holes,
      sizeof (holes));
  g_autoptr (GBytes) c = make_npy (1, HDR ("<f4", "False", "(2, 1)"),
      negative, sizeof (negative));
  GstTrialNpyInfo info;

  fail_unless (parse_bytes (a, &info, NULL));
  fail_unless (gst_trial_npy_max (&info, g_bytes_get_data (a, NULL)) == 2.5);
  fail_unless (parse_bytes (b, &info, NULL));
  fail_unless (gst_trial_npy_max (&info, g_bytes_get_data (b, NULL)) == 0.0);
  fail_unless (parse_bytes (c, &info, NULL));
  fail_unless (gst_trial_npy_max (&info, g_bytes_get_data (c, NULL)) == -2.0);
}

GST_END_TEST;

GST_START_TEST (test_scale_divisor)
{
  fail_unless (gst_trial_npy_scale_divisor (0.001) == 1000.0f);
  fail_unless (gst_trial_npy_scale_divisor ((gfloat) 0.001) == 1000.0f);
  fail_unless (gst_trial_npy_scale_divisor (0.0001) == 10000.0f);
  fail_unless (gst_trial_npy_scale_divisor (0.5) == 2.0f);
  fail_unless (gst_trial_npy_scale_divisor (1.0) == 0.0f);
  fail_unless (gst_trial_npy_scale_divisor (2.0) == 0.0f);
  fail_unless (gst_trial_npy_scale_divisor (0.3) == 0.0f);
  fail_unless (gst_trial_npy_scale_divisor (0.0011) == 0.0f);
  fail_unless (gst_trial_npy_scale_divisor (0.0) == 0.0f);
  fail_unless (gst_trial_npy_scale_divisor (-0.001) == 0.0f);
  fail_unless (gst_trial_npy_scale_divisor (NAN) == 0.0f);
  fail_unless (gst_trial_npy_scale_divisor (1e-9) == 0.0f);
}

GST_END_TEST;

GST_START_TEST (test_to_f32_scales)
{
  g_autoptr (GBytes) bytes = make_u2_npy (1, DICT_U2_2x3);
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  GstTrialNpyInfo info;
  gfloat out[6];
  guint i;

  fail_unless (parse_bytes (bytes, &info, NULL));
  gst_trial_npy_to_f32 (&info, data, 0.001f, out);
  for (i = 0; i < 6; i++)
    fail_unless (out[i] == (gfloat) u2_values[i] / 1000.0f);
  /* numpy's float32 `a / 1000.0` gives 1.234f; 1234 * 0.001f would not */
  fail_unless (out[4] == 1.234f);
  fail_unless (out[4] != 1234.0f * 0.001f);
  gst_trial_npy_to_f32 (&info, data, 2.5f, out);
  for (i = 0; i < 6; i++)
    fail_unless (out[i] == (gfloat) u2_values[i] * 2.5f);
}

GST_END_TEST;

GST_START_TEST (test_to_f32_unaligned)
{
  /* data at an odd address: loads must not assume alignment (UBSan) */
  static const gdouble values[6] = { 1, 2, 3, 4, 5, 6 };
  guint8 *buf = g_malloc (128);
  g_autoptr (GBytes) bytes = make_npy_full (1, 0, HDR ("<f8", "False",
          "(2, 3)"), FALSE, values, sizeof (values));
  gsize size;
  const guint8 *src = g_bytes_get_data (bytes, &size);
  GstTrialNpyInfo info;
  gfloat out[6];
  guint i;

  memcpy (buf + 1, src, size);
  fail_unless (gst_trial_npy_parse (buf + 1, size, &info, NULL));
  gst_trial_npy_to_f32 (&info, buf + 1, 1.0f, out);
  for (i = 0; i < 6; i++)
    fail_unless (out[i] == i + 1);
  fail_unless (gst_trial_npy_max (&info, buf + 1) == 6.0);
  g_free (buf);
}

GST_END_TEST;

static const gchar header_480x640[] =
    "\x93NUMPY\x01\x00\x76\x00"
    "{'descr': '<f4', 'fortran_order': False, 'shape': (480, 640), }"
    "                                                      "
    "\n";

GST_START_TEST (test_write_header)
{
  static const guint shapes[][2] = { {480, 640}, {1, 1}, {720, 1280},
  {1080, 1920}, {16384, 16384}, {4294967295u, 4294967295u}, {7, 100000}
  };
  guint8 header[128];
  guint8 file[128 + 4];
  const gfloat one_and_half = 1.5f;
  GstTrialNpyInfo info;
  GError *error = NULL;
  gsize j;
  guint i;

  /* byte for byte what numpy 1.24's np.save writes for (480, 640) float32 */
  assert_equals_int (sizeof (header_480x640) - 1, 128);
  assert_equals_uint64 (gst_trial_npy_f32_header_size (480, 640), 128);
  gst_trial_npy_write_f32_header (480, 640, header);
  fail_unless (memcmp (header, header_480x640, 128) == 0,
      "header is '%.*s'", 128, header);

  /* numpy's growth padding keeps every guint shape in 128 bytes */
  for (i = 0; i < G_N_ELEMENTS (shapes); i++) {
    guint h = shapes[i][0], w = shapes[i][1];
    g_autofree gchar *dict = g_strdup_printf ("{'descr': '<f4', "
        "'fortran_order': False, 'shape': (%u, %u), }", h, w);

    assert_equals_uint64 (gst_trial_npy_f32_header_size (h, w), 128);
    gst_trial_npy_write_f32_header (h, w, header);
    fail_unless (memcmp (header, "\x93NUMPY\x01\x00\x76\x00", 10) == 0);
    fail_unless (memcmp (header + 10, dict, strlen (dict)) == 0);
    for (j = 10 + strlen (dict); j < 127; j++)
      assert_equals_int (header[j], ' ');
    assert_equals_int (header[127], '\n');
  }

  /* and our own parser reads it back */
  gst_trial_npy_write_f32_header (1, 1, file);
  memcpy (file + 128, &one_and_half, 4);
  fail_unless (gst_trial_npy_parse (file, sizeof (file), &info, &error),
      "%s", error ? error->message : "?");
  assert_equals_int (info.dtype, GST_TRIAL_DTYPE_F4);
  assert_equals_int (info.big_endian, FALSE);
  assert_equals_int (info.height, 1);
  assert_equals_int (info.width, 1);
  assert_equals_uint64 (info.data_offset, 128);

  gst_trial_npy_write_f32_header (16384, 16384, header);
  fail_if (gst_trial_npy_parse (header, 128, &info, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_CORRUPT);
  fail_unless_equals_string (error->message, "npy data is 0 bytes, expected "
      "1073741824 (16384x16384 '<f4')");
  g_clear_error (&error);
}

GST_END_TEST;

/* Parses hostile bytes: either a clean error or an info that describes the
 * buffer exactly, and then converting it must stay inside it. */
static void
parse_hostile (const guint8 * data, gsize size)
{
  GstTrialNpyInfo info;
  GError *error = NULL;

  if (gst_trial_npy_parse (data, size, &info, &error)) {
    gfloat *out;

    fail_unless (error == NULL);
    fail_unless (info.height >= 1 && info.height <= GST_TRIAL_MAX_DIMENSION);
    fail_unless (info.width >= 1 && info.width <= GST_TRIAL_MAX_DIMENSION);
    fail_unless (info.itemsize == 1 || info.itemsize == 2
        || info.itemsize == 4 || info.itemsize == 8);
    assert_equals_uint64 (info.data_size,
        (gsize) info.height * info.width * info.itemsize);
    assert_equals_uint64 (info.data_offset + info.data_size, size);
    out = g_new (gfloat, (gsize) info.height * info.width);
    gst_trial_npy_to_f32 (&info, data, 0.001f, out);
    gst_trial_npy_max (&info, data);
    g_free (out);
  } else {
    fail_unless (error != NULL);
    fail_unless (error->domain == GST_TRIAL_ERROR);
    fail_unless (error->message != NULL && error->message[0] != '\0');
    g_clear_error (&error);
  }
}

static void
fuzz_file (GBytes * bytes, GRand * rand)
{
  gsize size, len;
  const guint8 *valid = g_bytes_get_data (bytes, &size);
  guint8 *copy;
  guint i;

  parse_hostile (valid, size);
  /* every truncation, each in a buffer of exactly that size (ASan) */
  for (len = 0; len < size; len++) {
    GstTrialNpyInfo info;
    GError *error = NULL;

    copy = g_memdup2 (valid, len);
    fail_if (gst_trial_npy_parse (copy, len, &info, &error),
        "truncated to %" G_GSIZE_FORMAT " bytes and accepted", len);
    fail_unless (error != NULL && error->domain == GST_TRIAL_ERROR);
    g_clear_error (&error);
    g_free (copy);
  }
  for (i = 0; i < 2000; i++) {
    copy = g_memdup2 (valid, size);
    copy[g_rand_int_range (rand, 0, size)] = g_rand_int_range (rand, 0, 256);
    parse_hostile (copy, size);
    g_free (copy);
  }
}

GST_START_TEST (test_fuzz_truncations_and_mutations)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240601);
  g_autoptr (GBytes) u2 = make_u2_npy (1, DICT_U2_2x3);
  g_autoptr (GBytes) f8 = make_npy (3, HDR (">f8", "False", "(1, 2,)"),
      (const guint8[16]) {
      0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0}, 16);
  g_autoptr (GBytes) tight = make_npy_full (2, 0,
      "{'descr':'|u1','fortran_order':False,'shape':(1,1)}", FALSE,
      (const guint8[1]) {
      7}, 1);

  fuzz_file (u2, rand);
  fuzz_file (f8, rand);
  fuzz_file (tight, rand);
}

GST_END_TEST;

static Suite *
npy_suite (void)
{
  Suite *s = suite_create ("npy");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_parse_all_dtypes);
  tcase_add_test (tc, test_parse_versions);
  tcase_add_test (tc, test_parse_header_quirks);
  tcase_add_test (tc, test_parse_unpadded);
  tcase_add_test (tc, test_parse_rejections);
  tcase_add_test (tc, test_parse_preamble_rejections);
  tcase_add_test (tc, test_max_skips_non_finite);
  tcase_add_test (tc, test_scale_divisor);
  tcase_add_test (tc, test_to_f32_scales);
  tcase_add_test (tc, test_to_f32_unaligned);
  tcase_add_test (tc, test_write_header);
  tcase_add_test (tc, test_fuzz_truncations_and_mutations);
  return s;
}

GST_CHECK_MAIN (npy);
