/* gst-trial: a frame file name, prefix + number + suffix.
 *
 * One idea used in two places: the layout scan recognises the names of a
 * trial's frame files ("frame_" %06d ".png") and trialsink writes its
 * output files from a printf-like location ("out/frame_%06d.npy"). Both
 * hold a GstTrialFrameName; the number is never handed to printf. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A file name component is at most 255 bytes on the usual file systems, so
 * a wider field could never name a file. */
#define GST_TRIAL_FRAME_NAME_MAX_WIDTH 255

typedef struct
{
  gchar *prefix;                /* text before the number */
  gchar *suffix;                /* text after it */
  guint width;                  /* at least this many characters */
  gboolean zero;                /* pad with zeros after the sign, else spaces */
  gboolean left;                /* pad on the right with spaces */
  gchar sign;                   /* '+', ' ' or 0: shown before non-negative */
  gboolean is_unsigned;         /* the number as guint64, else gint64 */
} GstTrialFrameName;

/* prefix + the number zero-padded to @width digits + suffix. */
void gst_trial_frame_name_init (GstTrialFrameName * name,
    const gchar * prefix, guint width, const gchar * suffix);

/* From a location with exactly one integer conversion (%d, %i or %u with
 * optional flags 0, -, + or space and a width; %% for a literal %). On
 * failure @name is cleared and @error says what was found, e.g. "a second
 * conversion '%d' at position 9". */
gboolean gst_trial_frame_name_parse (GstTrialFrameName * name,
    const gchar * location, GError ** error);

/* Learns the zero-padded form of @file_name, the file of frame @number: its
 * last run of digits must spell @number (at most 18 digits). FALSE, and
 * @name untouched, when there is none. */
gboolean gst_trial_frame_name_learn (GstTrialFrameName * name,
    const gchar * file_name, gint64 number);

/* The name of frame @number: what printf would write with an "ll" length
 * modifier added. */
gchar *gst_trial_frame_name_format (const GstTrialFrameName * name,
    guint64 number);

/* Like gst_trial_frame_name_format() into @buf, with nothing allocated: the
 * length written, or 0 when it does not fit in @size bytes with its NUL. */
gsize gst_trial_frame_name_format_to (const GstTrialFrameName * name,
    guint64 number, gchar * buf, gsize size);

/* TRUE when the first @len bytes of @text are the prefix, digits that the
 * zero-padded form writes for the number they spell, and the suffix (e.g.
 * "frame_000231" for "frame_" %06d, not "frame_0231"). For zero-padded
 * names only. */
gboolean gst_trial_frame_name_spells (const GstTrialFrameName * name,
    const gchar * text, gsize len);

void gst_trial_frame_name_clear (GstTrialFrameName * name);

G_END_DECLS
