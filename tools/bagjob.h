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

/* The cameras of a bag of several devices, "device_0", "device_1", ...;
 * empty for a bag of one device (or one that does not open). */
gchar **tp_bag_list_devices (const gchar * path);

/* Converts one camera of the bag at @path into <options->output_base>/<bag
 * name without .bag>/<camera>/ and writes metadata.json there; its content
 * is put in @meta (NULL when the bag could not be opened). @camera is
 * --camera: NULL for the bag's first device, else a device ("device_1")
 * or streams ("Color_1", "device_1/Color_0"), comma-separated; the camera
 * folder is single_camera (one device) or device_<d>, followed by
 * _<stream> for a stream that is not its device's first of its kind.
 * Returns the exit status of trial-process for it: 0 every frame
 * converted, 1 some frames failed or unpaired, 2 the bag cannot be read or
 * has no such camera, 3 the pipeline stopped on an error, 130
 * interrupted. */
gint tp_bag_run (const gchar * path, const gchar * camera,
    const TpOptions * options, TpInterrupt * interrupt, JsonNode ** meta);

/* Before anything is written: FALSE with a message naming the row's line
 * when a --segments row's window (TpSegment, segments.h) starts after the
 * last frame of the bag at @path, or holds no color frame. */
gboolean tp_bag_check_segments (const gchar * path, GPtrArray * segments,
    const gchar * where, GError ** error);

G_END_DECLS
