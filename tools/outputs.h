/* gst-trial: what keeps a job's output folder whole, shared by trial
 * folders (job.c) and .bag recordings (bagjob.c).
 *
 * A job writes OUTPUT_DIR/color/frame_%06d.png and OUTPUT_DIR/depth/
 * frame_%06d.npy through trialsink (temporary file, rename). These run
 * while the job's lock is held (guard.h): no other writer is at work in
 * the folder. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes the temporaries (".frame_N.ext.tmp-XXXXXX") a killed run left:
 * the one place they are removed (trialsink never removes them, not
 * knowing who else writes). */
void tp_outputs_remove_stale_temporaries (const gchar * output_dir);

/* With --resume: checks every existing output of the frames @numbers
 * (gst/trial/output.h); a damaged one is removed, with a line on stderr, so
 * that it is converted again. *first_out: the index of the first frame
 * lacking one of its outputs (@n when none does). FALSE with @error when a
 * damaged file cannot be removed: it would be kept. */
gboolean tp_outputs_check_existing (const gchar * output_dir,
    const gint64 * numbers, guint n, guint * first_out, GError ** error);

/* tp_outputs_check_existing, returning which frames of @numbers have
 * their two outputs there and undamaged (@n bytes, 1 for those; g_free
 * it), or NULL with @error: a job that converts frames out of order (a
 * .bag's) skips just these. */
guint8 *tp_outputs_find_whole (const gchar * output_dir,
    const gint64 * numbers, guint n, guint * first_out, GError ** error);

/* A frame is written whole or not at all: removes the one file of each
 * frame of @numbers that has only one, and both files of the frames in
 * @failed (gint64 keys; NULL for none). Returns the frames whose two files
 * are there. */
guint tp_outputs_remove_half_frames (const gchar * output_dir,
    const gint64 * numbers, guint n, GHashTable * failed);

G_END_DECLS
