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

#define GST_TRIAL_TYPE_LAYOUT (gst_trial_layout_get_type ())
GType gst_trial_layout_get_type (void);

/* Errors: NOT_FOUND (no such path), NOT_A_FOLDER, NO_LAYOUT (names what was
 * looked for: a cam* folder holding color or Color, or a Color or color
 * folder), UNKNOWN_CAMERA (lists the
 * cameras there are), NO_FRAMES (no color file with a frame number, or none
 * in [start, stop]), IO (a folder cannot be listed). */
GstTrialLayout *gst_trial_layout_scan (const gchar * path,
    const GstTrialScanOptions * options, GError ** error);

/* TRUE when @layout is what gst_trial_layout_scan (@path, @options) was
 * called to make: the same path string and the same options. (Whether the
 * folder has changed since is not checked.) */
gboolean gst_trial_layout_matches_scan (const GstTrialLayout * layout,
    const gchar * path, const GstTrialScanOptions * options);

GstTrialLayout *gst_trial_layout_ref (GstTrialLayout * layout);
void gst_trial_layout_unref (GstTrialLayout * layout);

const gchar *gst_trial_layout_get_path (const GstTrialLayout * layout);
/* Base name of the trial folder, e.g. "trial_1". */
const gchar *gst_trial_layout_get_trial_name (const GstTrialLayout * layout);
GstTrialStructure gst_trial_layout_get_structure (const GstTrialLayout * layout);
const gchar *gst_trial_structure_to_string (GstTrialStructure structure);
/* The chosen camera ("cam1"); NULL for single_camera trials. */
const gchar *gst_trial_layout_get_camera (const GstTrialLayout * layout);
/* Folder name outputs go to: the camera, or GST_TRIAL_SINGLE_CAMERA. */
const gchar *gst_trial_layout_get_output_camera (const GstTrialLayout * layout);
/* Every camera of the trial, sorted, NULL-terminated ({"single_camera"} for
 * single_camera trials). */
const gchar *const *gst_trial_layout_get_cameras (const GstTrialLayout * layout);
const gchar *gst_trial_layout_get_color_dir (const GstTrialLayout * layout);
/* NULL when the camera has no depth folder. */
const gchar *gst_trial_layout_get_depth_dir (const GstTrialLayout * layout);

guint gst_trial_layout_get_n_frames (const GstTrialLayout * layout);
const GstTrialFrame *gst_trial_layout_get_frame (const GstTrialLayout * layout,
    guint index);
/* Full path of the color file of frame @index (free with g_free()). */
gchar *gst_trial_layout_dup_color_path (const GstTrialLayout * layout,
    guint index);
/* Full path of the depth file of frame @index, NULL when it has none. */
gchar *gst_trial_layout_dup_depth_path (const GstTrialLayout * layout,
    guint index);
/* Color files whose frame number is larger than G_MAXINT64: they are no
 * frames, and are reported rather than skipped in silence. @first_name (may
 * be NULL) is set to the first of them by name (a file name in the file
 * system's encoding, owned by @layout), NULL when there is none. */
guint gst_trial_layout_get_n_numbers_too_large (const GstTrialLayout * layout,
    const gchar ** first_name);

/* Index of the first frame whose number is >= @number (n_frames if none). */
guint gst_trial_layout_find_frame (const GstTrialLayout * layout,
    gint64 number);
gint64 gst_trial_layout_get_first_frame (const GstTrialLayout * layout);
gint64 gst_trial_layout_get_last_frame (const GstTrialLayout * layout);

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
/* The dtype the scale was decided on (U2 when no depth file was readable:
 * RealSense millimetres); FALSE when the scale was given in the options and
 * holds for every frame. Frames of another dtype follow their own rule:
 * gst_trial_depth_frame_scale(). */
gboolean gst_trial_layout_get_depth_scale_dtype (const GstTrialLayout * layout,
    GstTrialDtype * dtype);

/* The format of a file by its name's extension, as the scan reads it
 * (case-sensitive): each frame's own file decides how it is read. */
gboolean gst_trial_color_format_from_name (const gchar * name,
    GstTrialColorFormat * format);
/* NONE for a name that is no depth file. */
GstTrialDepthFormat gst_trial_depth_format_from_name (const gchar * name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstTrialLayout, gst_trial_layout_unref)

G_END_DECLS
