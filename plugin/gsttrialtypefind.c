/* gst-trial: the typefinder of application/x-npy, the NumPy arrays trialsrc
 * streams and trialconvert writes, so that gst-typefind-1.0, decodebin and
 * Discoverer recognise a .npy file by its magic "\x93NUMPY" instead of
 * guessing. The caps carry what the header says: dtype (string, numpy's
 * type string such as "<u2" or "<f4"), shape (array of ints) and, for a
 * 2-D array, height and width (shape[0], shape[1]). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gst/trial/npy.h"
#include "gsttrialtypefind.h"

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6

static GstStaticCaps npy_caps = GST_STATIC_CAPS ("application/x-npy");

/* Length of the header dict after the preamble, or 0 when the version is
 * none numpy writes. */
static guint
header_length (const guint8 * data, guint * preamble)
{
  switch (data[NPY_MAGIC_LEN]) {
    case 1:
      *preamble = NPY_MAGIC_LEN + 4;
      return GST_READ_UINT16_LE (data + NPY_MAGIC_LEN + 2);
    case 2:
    case 3:
      *preamble = NPY_MAGIC_LEN + 6;
      return GST_READ_UINT32_LE (data + NPY_MAGIC_LEN + 2);
    default:
      return 0;
  }
}

/* Adds dtype, shape, height and width from the header dict @text to @caps,
 * each only when the header states it plainly. */
static void
add_header_fields (GstCaps * caps, const gchar * text)
{
  g_autoptr (GRegex) descr = g_regex_new ("'descr'\\s*:\\s*'([^']{1,32})'",
      0, 0, NULL);
  g_autoptr (GRegex) shape = g_regex_new ("'shape'\\s*:\\s*\\(([0-9, ]*)\\)",
      0, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  GstStructure *s = gst_caps_get_structure (caps, 0);

  if (g_regex_match (descr, text, 0, &match)) {
    g_autofree gchar *dtype = g_match_info_fetch (match, 1);

    gst_structure_set (s, "dtype", G_TYPE_STRING, dtype, NULL);
  }
  g_clear_pointer (&match, g_match_info_free);
  if (g_regex_match (shape, text, 0, &match)) {
    g_autofree gchar *dims = g_match_info_fetch (match, 1);
    g_auto (GStrv) parts = g_strsplit (dims, ",", -1);
    GValue array = G_VALUE_INIT;
    guint64 hw[2] = { 0, 0 };
    guint i, n = 0;

    gst_value_array_init (&array, 0);
    for (i = 0; parts[i] != NULL; i++) {
      g_autofree gchar *part = g_strstrip (g_strdup (parts[i]));
      GValue v = G_VALUE_INIT;
      guint64 dim;

      if (*part == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (part, 10, 0, G_MAXINT, &dim, NULL)) {
        g_value_unset (&array);
        return;
      }
      if (n < 2)
        hw[n] = dim;
      n++;
      g_value_init (&v, G_TYPE_INT);
      g_value_set_int (&v, (gint) dim);
      gst_value_array_append_and_take_value (&array, &v);
    }
    gst_structure_take_value (s, "shape", &array);
    if (n == 2)
      gst_structure_set (s, "height", G_TYPE_INT, (gint) hw[0],
          "width", G_TYPE_INT, (gint) hw[1], NULL);
  }
}

static void
npy_type_find (GstTypeFind * tf, gpointer user_data)
{
  const guint8 *data = gst_type_find_peek (tf, 0, NPY_MAGIC_LEN + 6);
  g_autofree gchar *text = NULL;
  guint preamble = 0, length;
  GstCaps *caps;

  (void) user_data;
  if (data == NULL || memcmp (data, NPY_MAGIC, NPY_MAGIC_LEN) != 0)
    return;
  length = header_length (data, &preamble);
  if (length == 0)
    return;

  caps = gst_static_caps_get (&npy_caps);
  caps = gst_caps_make_writable (caps);
  if (length <= GST_TRIAL_NPY_MAX_HEADER) {
    data = gst_type_find_peek (tf, preamble, length);
    if (data != NULL) {
      text = g_strndup ((const gchar *) data, length);
      add_header_fields (caps, text);
    }
  }
  gst_type_find_suggest (tf, GST_TYPE_FIND_MAXIMUM, caps);
  gst_caps_unref (caps);
}

GST_TYPE_FIND_REGISTER_DEFINE (npy, "application/x-npy", GST_RANK_PRIMARY,
    npy_type_find, "npy", gst_static_caps_get (&npy_caps), NULL, NULL);
