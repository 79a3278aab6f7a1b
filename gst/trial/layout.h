/* gst-trial: one scan of a trial folder -> an immutable description.
 *
 * gst_trial_layout_scan() applies the rules of docs/trial-format.md once:
 * structure, camera, color and depth folders, the file of every frame (each
 * folder is listed exactly once), the depth format, shape (.raw: from the
 * sizes of several files) and scale (from the first readable depth file).
 * After it returns nothing is listed, globbed or
 * stat()ed per frame. The result is refcounted and never changes, so any
 * thread may read it. */
#pragma once

#include <glib-object.h>
#include "gst/trial/depth.h"

G_BEGIN_DECLS

typedef enum
{
  GST_TRIAL_STRUCTURE_MULTI_CAMERA,
  GST_TRIAL_STRUCTURE_SINGLE_CAMERA,
} GstTrialStructure;

typedef enum
{
  GST_TRIAL_COLOR_PNG,
  GST_TRIAL_COLOR_JPEG,
  GST_TRIAL_COLOR_BMP,
} GstTrialColorFormat;

/* The camera name single_camera trials are written under. */
#define GST_TRIAL_SINGLE_CAMERA "single_camera"

typedef struct
{
  const gchar *camera;          /* NULL or "" = first camera; a single_camera
                                 * trial takes only GST_TRIAL_SINGLE_CAMERA */
  gint64 start_frame;           /* inclusive, -1 = from the first */
  gint64 stop_frame;            /* inclusive, -1 = to the last */
  guint depth_width;            /* 0 = decided from the depth files; */
  guint depth_height;           /* used only when both are set */
  gdouble depth_scale;          /* metres per unit, 0 = decided (depth.h) */
} GstTrialScanOptions;

#define GST_TRIAL_SCAN_OPTIONS_INIT { NULL, -1, -1, 0, 0, 0.0 }

/* One frame; its files' paths come from gst_trial_layout_dup_color_path()
 * and gst_trial_layout_dup_depth_path(). */
typedef struct
{
  gint64 number;                /* frame number from the file name */
  GstTrialColorFormat color_format;
  GstTrialDepthFormat depth_format;     /* NONE when it has no depth file */
} GstTrialFrame;

typedef struct _GstTrialLayout GstTrialLayout;

/* A boxed type: copying a GstTrialLayout takes a reference. */
#define GST_TYPE_TRIAL_LAYOUT (gst_trial_layout_get_type ())
GType gst_trial_layout_get_type (void);

/**
 * gst_trial_layout_scan: (skip)
 * @path: (type filename): the trial folder
 * @options: (nullable): what to scan; NULL: the first camera, every frame,
 *   depth shape and scale decided from the files
 * @error: where to put the reason when the folder is no trial
 *
 * Errors: NOT_FOUND (no such path), NOT_A_FOLDER, NO_LAYOUT (names what was
 * looked for: a cam* folder holding color or Color, or a Color or color
 * folder), UNKNOWN_CAMERA (lists the
 * cameras there are), NO_FRAMES (no color file with a frame number, or none
 * in [start, stop]), IO (a folder cannot be listed).
 *
 * Returns: (transfer full): the layout, NULL on error
 */
GstTrialLayout *gst_trial_layout_scan (const gchar * path,
    const GstTrialScanOptions * options, GError ** error);

/**
 * gst_trial_layout_scan_camera:
 * @path: (type filename): the trial folder
 * @camera: (type filename) (nullable): the camera; NULL or "": the first
 * @start_frame: the first frame number, inclusive (-1: from the first)
 * @stop_frame: the last frame number, inclusive (-1: to the last)
 * @error: where to put the reason when the folder is no trial
 *
 * gst_trial_layout_scan() with these options and the depth shape and scale
 * decided from the files. This is the scan language bindings see (they
 * cannot keep the string a #GstTrialScanOptions points to alive); from
 * Python: `GstTrial.Layout.scan_camera ("trial_1", "cam2", -1, -1)`.
 *
 * Returns: (transfer full): the layout, NULL on error
 */
GstTrialLayout *gst_trial_layout_scan_camera (const gchar * path,
    const gchar * camera, gint64 start_frame, gint64 stop_frame,
    GError ** error);

/**
 * gst_trial_layout_ref: (skip)
 */
GstTrialLayout *gst_trial_layout_ref (GstTrialLayout * layout);
/**
 * gst_trial_layout_unref: (skip)
 */
void gst_trial_layout_unref (GstTrialLayout * layout);

/**
 * gst_trial_layout_get_path:
 *
 * Returns: (type filename): the trial folder, as given to the scan without
 *   trailing separators
 */
const gchar *gst_trial_layout_get_path (const GstTrialLayout * layout);
/**
 * gst_trial_layout_get_trial_name:
 *
 * Returns: (type filename): the base name of the trial folder, e.g.
 *   "trial_1"
 */
const gchar *gst_trial_layout_get_trial_name (const GstTrialLayout * layout);
GstTrialStructure gst_trial_layout_get_structure (const GstTrialLayout * layout);
const gchar *gst_trial_structure_to_string (GstTrialStructure structure);
/**
 * gst_trial_layout_get_camera:
 *
 * Returns: (type filename) (nullable): the chosen camera ("cam1"); NULL for
 *   single_camera trials
 */
const gchar *gst_trial_layout_get_camera (const GstTrialLayout * layout);
/**
 * gst_trial_layout_get_output_camera:
 *
 * Returns: (type filename): the folder name outputs go to: the camera, or
 *   GST_TRIAL_SINGLE_CAMERA
 */
const gchar *gst_trial_layout_get_output_camera (const GstTrialLayout * layout);
/**
 * gst_trial_layout_get_cameras:
 *
 * Returns: (transfer none) (array zero-terminated=1) (element-type filename):
 *   every camera of the trial, sorted ({"single_camera"} for single_camera
 *   trials)
 */
const gchar *const *gst_trial_layout_get_cameras (const GstTrialLayout * layout);
/**
 * gst_trial_layout_get_color_dir:
 *
 * Returns: (type filename): the folder of the color files
 */
const gchar *gst_trial_layout_get_color_dir (const GstTrialLayout * layout);
/**
 * gst_trial_layout_get_depth_dir:
 *
 * Returns: (type filename) (nullable): the folder of the depth files, NULL
 *   when the camera has none
 */
const gchar *gst_trial_layout_get_depth_dir (const GstTrialLayout * layout);

guint gst_trial_layout_get_n_frames (const GstTrialLayout * layout);
/**
 * gst_trial_layout_get_frame:
 * @index: 0 .. gst_trial_layout_get_n_frames() - 1
 *
 * Returns: (transfer none): frame @index, valid as long as @layout
 */
const GstTrialFrame *gst_trial_layout_get_frame (const GstTrialLayout * layout,
    guint index);
/**
 * gst_trial_layout_dup_color_path:
 * @index: 0 .. gst_trial_layout_get_n_frames() - 1
 *
 * Returns: (transfer full) (type filename): the full path of the color file
 *   of frame @index
 */
gchar *gst_trial_layout_dup_color_path (const GstTrialLayout * layout,
    guint index);
/**
 * gst_trial_layout_dup_depth_path:
 * @index: 0 .. gst_trial_layout_get_n_frames() - 1
 *
 * Returns: (transfer full) (type filename) (nullable): the full path of the
 *   depth file of frame @index, NULL when it has none
 */
gchar *gst_trial_layout_dup_depth_path (const GstTrialLayout * layout,
    guint index);
/**
 * gst_trial_layout_get_n_numbers_too_large:
 * @first_name: (out) (optional) (nullable) (transfer none) (type filename):
 *   the first of them by name (a file name owned by @layout), NULL when
 *   there is none
 *
 * Color files whose frame number is larger than G_MAXINT64: they are no
 * frames, and are reported rather than skipped in silence.
 *
 * Returns: how many there are
 */
guint gst_trial_layout_get_n_numbers_too_large (const GstTrialLayout * layout,
    const gchar ** first_name);

/* Index of the first frame whose number is >= @number (n_frames if none). */
guint gst_trial_layout_find_frame (const GstTrialLayout * layout,
    gint64 number);
gint64 gst_trial_layout_get_first_frame (const GstTrialLayout * layout);
gint64 gst_trial_layout_get_last_frame (const GstTrialLayout * layout);

/* TRUE for a single_camera folder of rs-convert 2.35+ exports, whose files
 * are named by timestamp (_Color_360713.52299999998650.png,
 * _Depth_360713.49499999999534.raw) rather than frame number: its frames
 * are numbered 0, 1, ... in color time order, each with the depth file
 * nearest in time within half a frame period (gst_trial_pair_by_time()).
 * --start/--stop frame numbers are these. */
gboolean gst_trial_layout_is_timestamp_named (const GstTrialLayout * layout);
/* Depth files of such a folder that were paired with no color frame
 * (0 for frame-numbered trials). */
guint gst_trial_layout_get_n_unpaired_depth (const GstTrialLayout * layout);

/* The pairing rule of timestamp-named exports and .bag recordings, whose
 * color and depth have their own clocks and counters. @color and @depth
 * are sorted times (any unit); the frame period is the median difference
 * of consecutive color times (of depth times with fewer than two color
 * frames; unbounded with neither). Each depth time goes to the nearest
 * color time if it is within half a period (a tie goes to the earlier
 * color time); a color time claimed by several keeps the nearest (the
 * earliest of equals). @pairs[i] is the depth index of color i, or -1;
 * @n_unpaired the depth times left over. Returns the period. */
gint64 gst_trial_pair_by_time (const gint64 * color, guint n_color,
    const gint64 * depth, guint n_depth, gint * pairs, guint * n_unpaired);

/* Format of the first frame's color file and its size (0 x 0 when its header
 * could not be read). */
GstTrialColorFormat gst_trial_layout_get_color_format (const GstTrialLayout * layout);
const gchar *gst_trial_color_format_to_string (GstTrialColorFormat format);
guint gst_trial_layout_get_color_width (const GstTrialLayout * layout);
guint gst_trial_layout_get_color_height (const GstTrialLayout * layout);

/* Format of the first frame that has depth (NONE if no frame has), the
 * decided shape (0 x 0 when no depth file was readable) and scale. */
GstTrialDepthFormat gst_trial_layout_get_depth_format (const GstTrialLayout * layout);
guint gst_trial_layout_get_depth_width (const GstTrialLayout * layout);
guint gst_trial_layout_get_depth_height (const GstTrialLayout * layout);
gdouble gst_trial_layout_get_depth_scale (const GstTrialLayout * layout);
/**
 * gst_trial_layout_get_depth_scale_dtype:
 * @dtype: (out): the dtype the scale was decided on (U2 when no depth file
 *   was readable: RealSense millimetres)
 *
 * Frames of another dtype follow their own rule:
 * gst_trial_depth_frame_scale().
 *
 * Returns: FALSE when the scale was given in the options and holds for
 *   every frame
 */
gboolean gst_trial_layout_get_depth_scale_dtype (const GstTrialLayout * layout,
    GstTrialDtype * dtype);

/**
 * gst_trial_color_format_from_name:
 * @name: (type filename): a file name
 * @format: (out): its format
 *
 * The format of a file by its name's extension, as the scan reads it
 * (case-sensitive): each frame's own file decides how it is read.
 *
 * Returns: FALSE for a name that is no color file
 */
gboolean gst_trial_color_format_from_name (const gchar * name,
    GstTrialColorFormat * format);
/**
 * gst_trial_depth_format_from_name:
 * @name: (type filename): a file name
 *
 * Returns: the depth format by the name's extension, NONE for a name that
 *   is no depth file
 */
GstTrialDepthFormat gst_trial_depth_format_from_name (const gchar * name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstTrialLayout, gst_trial_layout_unref)

G_END_DECLS
