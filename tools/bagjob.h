/* trial-process: converting a RealSense .bag recording.
 *
 *   filesrc ! rsbagdemux ─color─ queue ! trialconvert ! trialsink  color/frame_%06d.png
 *                        └depth─ queue ! trialconvert ! trialsink  depth/frame_%06d.npy
 *
 * Output frame i is the i-th color frame in time order; the depth frame
 * paired with it by gst_trial_pair_by_time() is written under the same
 * number, and frames without a pair are counted (metadata.json). */
#pragma once

#include <json-glib/json-glib.h>
#include "job.h"

G_BEGIN_DECLS

/* TRUE when @path is a regular file starting with "#ROSBAG V2.0". */
gboolean tp_is_bag (const gchar * path);

/* Converts the bag at @path into <options->output_base>/<bag name without
 * .bag>/single_camera/ and writes metadata.json there; its content is put
 * in @meta (NULL when the bag could not be opened). Returns the exit status
 * of trial-process for it: 0 every frame converted, 1 some frames failed or
 * unpaired, 2 the bag cannot be read, 3 the pipeline stopped on an error,
 * 130 interrupted. */
gint tp_bag_run (const gchar * path, const TpOptions * options,
    TpInterrupt * interrupt, JsonNode ** meta);

/* Before anything is written: FALSE with a message naming the row's line
 * when a --segments row's window (TpSegment, segments.h) starts after the
 * last frame of the bag at @path, or holds no color frame. */
gboolean tp_bag_check_segments (const gchar * path, GPtrArray * segments,
    const gchar * where, GError ** error);

G_END_DECLS
