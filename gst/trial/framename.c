/* gst-trial: a frame file name, prefix + number + suffix (framename.h).
 * Owns parsing a printf-like location, learning a trial's zero-padded form
 * from its first file, and writing a frame's name from either. */
#include <string.h>

#include "gst/trial/framename.h"
#include "gst/trial/error.h"

/* Digits of a frame number in a learnt form: at most 18, so any run of
 * them is below G_MAXINT64. */
#define MAX_LEARNT_DIGITS 18

void
gst_trial_frame_name_init (GstTrialFrameName * name, const gchar * prefix,
    guint width, const gchar * suffix)
{
  memset (name, 0, sizeof (*name));
  name->prefix = g_strdup (prefix);
  name->suffix = g_strdup (suffix);
  name->width = width;
  name->zero = TRUE;
}

void
gst_trial_frame_name_clear (GstTrialFrameName * name)
{
  g_clear_pointer (&name->prefix, g_free);
  g_clear_pointer (&name->suffix, g_free);
}

/* Quotes the rejected conversion starting at @location[@start], whose first
 * offending character is at @location[@bad]: as far as it looks like a printf
 * conversion, so "%.3d" and "%lld" are quoted whole. */
static gchar *
quote_conversion (const gchar * location, gsize start, gsize bad)
{
  gsize end = bad;

  while (location[end] != '\0' && strchr (".#'*0123456789hlLqjzt",
          location[end]) != NULL)
    end++;
  if (g_ascii_isgraph (location[end]))
    end++;
  return g_strdup_printf ("'%.*s' at position %" G_GSIZE_FORMAT,
      (int) (end - start), location + start, start);
}

gboolean
gst_trial_frame_name_parse (GstTrialFrameName * name, const gchar * location,
    GError ** error)
{
  g_autoptr (GString) text = g_string_new (NULL);
  gsize i = 0;

  memset (name, 0, sizeof (*name));

  while (location[i] != '\0') {
    gsize start = i;
    gboolean left = FALSE, zero = FALSE, too_wide = FALSE;
    gchar sign = 0, c;
    guint width = 0;
    g_autofree gchar *quoted = NULL;

    if (location[i] != '%') {
      g_string_append_c (text, location[i++]);
      continue;
    }
    if (location[i + 1] == '%') {
      g_string_append_c (text, '%');
      i += 2;
      continue;
    }

    for (i++; (c = location[i]) != '\0' && strchr ("0 -+", c) != NULL; i++) {
      if (c == '-')
        left = TRUE;
      else if (c == '0')
        zero = TRUE;
      else if (c == '+' || sign == 0)
        sign = c;               /* '+' wins over ' ', as in printf */
    }
    for (; g_ascii_isdigit (location[i]); i++) {
      if (!too_wide) {
        width = width * 10 + (location[i] - '0');
        too_wide = width > GST_TRIAL_FRAME_NAME_MAX_WIDTH;
      }
    }

    c = location[i];
    if (c == 'd' || c == 'i' || c == 'u') {
      i++;
      quoted = g_strdup_printf ("'%.*s' at position %" G_GSIZE_FORMAT,
          (int) (i - start), location + start, start);
      if (name->prefix != NULL) {
        g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
            "a second conversion %s", quoted);
        goto failed;
      }
      if (too_wide) {
        g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
            "%s, whose width is larger than %d", quoted,
            GST_TRIAL_FRAME_NAME_MAX_WIDTH);
        goto failed;
      }
      name->prefix = g_strdup (text->str);
      g_string_truncate (text, 0);
      name->left = left;
      name->zero = zero;
      name->sign = sign;
      name->is_unsigned = c == 'u';
      name->width = width;
      continue;
    }

    quoted = quote_conversion (location, start, i);
    if (c == '\0')
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
          "an incomplete conversion %s", quoted);
    else if (c == '.')
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
          "%s, which has a precision", quoted);
    else if (strchr ("hlLqjzt", c) != NULL)
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
          "%s, which has a length modifier (the frame number is always "
          "64-bit: write %%d)", quoted);
    else
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
          "%s, which is not an integer conversion", quoted);
    goto failed;
  }

  if (name->prefix == NULL) {
    g_set_error_literal (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "no conversion");
    goto failed;
  }
  name->suffix = g_strdup (text->str);
  return TRUE;

failed:
  gst_trial_frame_name_clear (name);
  return FALSE;
}

gboolean
gst_trial_frame_name_learn (GstTrialFrameName * name, const gchar * file_name,
    gint64 number)
{
  const gchar *end = file_name + strlen (file_name), *digits_end, *digits;

  for (digits_end = end; digits_end > file_name; digits_end--) {
    if (g_ascii_isdigit (digits_end[-1]))
      break;
  }
  for (digits = digits_end; digits > file_name && g_ascii_isdigit (digits[-1]);)
    digits--;
  if (digits == digits_end || digits_end - digits > MAX_LEARNT_DIGITS
      || g_ascii_strtoll (digits, NULL, 10) != number)
    return FALSE;
  memset (name, 0, sizeof (*name));
  name->prefix = g_strndup (file_name, digits - file_name);
  name->suffix = g_strdup (digits_end);
  name->width = digits_end - digits;
  name->zero = TRUE;
  return TRUE;
}

/* Appends @c @count times at @out[*@at], as far as @size allows. */
static void
put_chars (gchar * out, gsize size, gsize * at, gchar c, gsize count)
{
  while (count-- > 0) {
    if (*at < size)
      out[*at] = c;
    (*at)++;
  }
}

static void
put_text (gchar * out, gsize size, gsize * at, const gchar * text)
{
  gsize len = strlen (text);

  if (*at < size)
    memcpy (out + *at, text, MIN (len, size - *at));
  *at += len;
}

/* Writes the name into @out as far as @size allows; the full length. */
static gsize
write_name (const GstTrialFrameName * name, guint64 number, gchar * out,
    gsize size)
{
  gchar digits[24];
  guint n = 0, len, pad;
  guint64 magnitude = number;
  gchar sign = 0;
  gsize at = 0;

  if (!name->is_unsigned) {
    if ((gint64) number < 0) {
      sign = '-';
      magnitude = -number;
    } else {
      sign = name->sign;
    }
  }
  do {
    digits[n++] = '0' + magnitude % 10;
    magnitude /= 10;
  } while (magnitude != 0);

  put_text (out, size, &at, name->prefix);
  len = n + (sign != 0);
  pad = name->width > len ? name->width - len : 0;
  if (!name->left && !name->zero)
    put_chars (out, size, &at, ' ', pad);
  if (sign != 0)
    put_chars (out, size, &at, sign, 1);
  if (!name->left && name->zero)
    put_chars (out, size, &at, '0', pad);
  while (n > 0)
    put_chars (out, size, &at, digits[--n], 1);
  if (name->left)
    put_chars (out, size, &at, ' ', pad);
  put_text (out, size, &at, name->suffix);
  return at;
}

gsize
gst_trial_frame_name_format_to (const GstTrialFrameName * name,
    guint64 number, gchar * buf, gsize size)
{
  gsize len = write_name (name, number, buf, size);

  if (len >= size)
    return 0;
  buf[len] = '\0';
  return len;
}

gchar *
gst_trial_frame_name_format (const GstTrialFrameName * name, guint64 number)
{
  gsize len = write_name (name, number, NULL, 0);
  gchar *buf = g_malloc (len + 1);

  write_name (name, number, buf, len + 1);
  buf[len] = '\0';
  return buf;
}

gboolean
gst_trial_frame_name_spells (const GstTrialFrameName * name,
    const gchar * text, gsize len)
{
  gsize prefix_len = strlen (name->prefix);
  gsize suffix_len = strlen (name->suffix);
  gsize n_digits, i;

  g_return_val_if_fail (name->zero && !name->left && name->sign == 0, FALSE);

  if (len < prefix_len + suffix_len + 1
      || memcmp (text, name->prefix, prefix_len) != 0
      || memcmp (text + len - suffix_len, name->suffix, suffix_len) != 0)
    return FALSE;
  n_digits = len - prefix_len - suffix_len;
  for (i = prefix_len; i < prefix_len + n_digits; i++) {
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  }
  return n_digits == name->width || (n_digits > name->width
      && text[prefix_len] != '0');
}
