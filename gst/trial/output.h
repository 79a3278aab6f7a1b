/* gst-trial: cheap checks of the files trial-process writes.
 *
 * Resuming a job and summarizing an output folder must tell a whole output
 * file from a damaged one (empty, truncated, overwritten) without decoding
 * it: a .npy's header parses and the file has exactly the size it declares
 * (gst_trial_npy_parse(), whose data pages are never read); a .png's
 * signature, every chunk's CRC-32 and IEND last
 * (gst_trial_png_verify() at GST_TRIAL_PNG_VERIFY_CHUNKS). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when @path is a whole output file, chosen by its extension (.npy or
 * .png). Otherwise FALSE with an error naming the file and what is wrong:
 * IO (cannot be read, not a regular file), CORRUPT (empty, truncated,
 * damaged) or UNSUPPORTED (another extension). */
gboolean gst_trial_output_check (const gchar * path, GError ** error);

G_END_DECLS
