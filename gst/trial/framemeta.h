/* gst-trial: GstTrialFrameMeta, which frame of a trial a buffer holds and
 * the file it was read from. trialsrc adds it to every buffer it reads;
 * elements downstream name the file in their messages, applications map a
 * buffer back to its source (as GstVideoMeta, it lives in the library, so
 * the plugin and applications share one registered type). */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * GstTrialFrameMeta:
 * @meta: the parent #GstMeta
 * @number: the frame number, from the file name
 * @path: (type filename): the file the buffer was read from, in the file
 *   system's encoding
 *
 * The trial frame a buffer was read from. It follows the buffer through
 * copies: it says nothing about the data, so any transform may keep it.
 */
typedef struct
{
  GstMeta meta;
  gint64 number;
  gchar *path;
} GstTrialFrameMeta;

#define GST_TRIAL_FRAME_META_API_TYPE (gst_trial_frame_meta_api_get_type ())
#define GST_TRIAL_FRAME_META_INFO (gst_trial_frame_meta_get_info ())

GType gst_trial_frame_meta_api_get_type (void);
const GstMetaInfo *gst_trial_frame_meta_get_info (void);

GstTrialFrameMeta *gst_buffer_add_trial_frame_meta (GstBuffer * buffer,
    gint64 number, const gchar * path);
GstTrialFrameMeta *gst_buffer_get_trial_frame_meta (GstBuffer * buffer);

G_END_DECLS
