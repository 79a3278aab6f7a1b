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

/* How a time window meets a bag's recording. */
typedef enum
{
  TP_BAG_WINDOW_OK,             /* a camera has a color frame in it */
  TP_BAG_WINDOW_AFTER_END,      /* it starts after every camera's last frame */
  TP_BAG_WINDOW_EMPTY,          /* no camera has a color frame in it */
  TP_BAG_WINDOW_ERROR,          /* the bag or a camera cannot be read */
} TpBagWindow;

/* The time window [@start, @end) (seconds from the recording's first
 * frame: the earliest Color or Depth frame of any device; NAN: open)
 * against the cameras it is for: @camera (--camera) alone, or each device
 * of a bag of several (NULL). Not OK when none has a color frame in it,
 * with a message "S s is after the end of 'x.bag' (its last frame is at
 * T s)" or "no color frames in the time window [S, E) s of bag 'x.bag'"
 * (or the reader's); else the devices that have none are put in @skipped
 * (when not NULL): "device_1" -> "device_1 has no color frame in the
 * window [S, E) s (its color frames are from A s to B s)". */
TpBagWindow tp_bag_check_window (const gchar * path, const gchar * camera,
    gdouble start, gdouble end, GHashTable * skipped, GError ** error);

/* Before anything is written: FALSE with a message naming the row's line
 * when a --segments row's window (TpSegment, segments.h) holds no color
 * frame of any camera it is for (tp_bag_check_window), or when the bag
 * or @camera cannot be read. */
gboolean tp_bag_check_segments (const gchar * path, const gchar * camera,
    GPtrArray * segments, const gchar * where, GError ** error);

/* The trial folder name of the bag at @path: options->trial_name (a
 * --segments row), else the bag's file name without .bag. */
gchar *tp_bag_trial_name (const gchar * path, const TpOptions * options);

G_END_DECLS
