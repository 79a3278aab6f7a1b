/* gst-trial fuzzing: seed inputs for every target, made at run time, and
 * the input encoding of the layout target. No seed file is checked in:
 * make-corpus writes these into folders for libFuzzer, and the regression
 * suite replays them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @target is the fuzz target's name without "fuzz-" ("npy", "png",
 * "raw-depth", "jpeg-bmp", "layout", "align"); @valid says whether the target's main
 * call accepts the seed (regressions.c checks that it does). */
typedef void (*FuzzSeedFunc) (const gchar * target, const gchar * name,
    gboolean valid, GBytes * data, gpointer user_data);

void fuzz_corpus_foreach (FuzzSeedFunc func, gpointer user_data);

/* ---- builders ---- */

/* A .npy file: magic, version @major.0, @dict padded as numpy pads it,
 * then @body. */
GBytes *fuzz_make_npy (guint major, const gchar * dict, const guint8 * body,
    gsize body_size);

enum
{
  FUZZ_PNG_INTERLACED = 1 << 0,
  FUZZ_PNG_TRNS = 1 << 1,
  FUZZ_PNG_SMALL_IDAT = 1 << 2, /* many small IDAT chunks */
  FUZZ_PNG_FILTER_UP = 1 << 3,  /* every row with this one filter type */
  FUZZ_PNG_FILTER_AVG = 1 << 4,
  FUZZ_PNG_FILTER_PAETH = 1 << 5,
};

/* A PNG written by libpng itself (every color type and bit depth). */
GBytes *fuzz_make_png (guint width, guint height, gint color_type,
    gint bit_depth, guint flags);

/* A JPEG written by libjpeg: RGB or gray, baseline or progressive. */
GBytes *fuzz_make_jpeg (guint width, guint height, gboolean gray,
    gboolean progressive);

/* An uncompressed BMP: 24 or 32 bits per pixel, bottom-up or top-down,
 * with an info header of @header_size bytes (40, 108 or 124), BI_BITFIELDS
 * with the standard masks when @bitfields. */
GBytes *fuzz_make_bmp (guint width, guint height, guint bpp,
    gboolean top_down, guint header_size, gboolean bitfields);

/* ---- the input of fuzz-layout ----
 *
 * input := flags entry*
 * entry := head name{n} [content | target]
 *   head:    bits 0-1: n - 1, the number of path components (1-4);
 *            bits 2-3: the kind (FUZZ_LAYOUT_*)
 *   name:    a byte, index (mod fuzz_layout_n_names) into fuzz_layout_names
 *   content: files: one byte L; below FUZZ_LAYOUT_TEMPLATE the next L bytes
 *            (fewer when the input ends), else fuzz_layout_template (L -
 *            FUZZ_LAYOUT_TEMPLATE)
 *   target:  links: a name byte; the link points to that name, relative to
 *            the link's folder, so nothing leads out of the trial
 * flags:  bit 0: the scanned path is the first entry, not the trial folder
 *         bit 1: a '/' is appended to the scanned path
 *         bits 2-3: the frame range of the second scan
 *         bits 4-5: the depth shape forced on the third scan
 *         bits 6-7: the camera asked for by the second scan */
enum
{
  FUZZ_LAYOUT_FILE = 0,
  FUZZ_LAYOUT_FOLDER = 1,
  FUZZ_LAYOUT_LINK = 2,
  FUZZ_LAYOUT_UNREADABLE = 3,   /* a file with mode 0 */
};

#define FUZZ_LAYOUT_TEMPLATE 0xf0

/* Names that matter to the layout rules (TRIAL_FORMAT.md §1). */
extern const gchar *const fuzz_layout_names[];
extern const guint fuzz_layout_n_names;

/* Small valid files (PNG, JPEG, BMP, .raw, .npy) for trial contents;
 * owned by the corpus, built on first use. */
GBytes *fuzz_layout_template (guint index);

G_END_DECLS
