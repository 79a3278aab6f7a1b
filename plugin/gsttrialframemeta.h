/* gst-trial: GstTrialFrameMeta, the file a trialsrc buffer was read from,
 * so that elements downstream can name it in their messages. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct
{
  GstMeta meta;
  gchar *path;                  /* in the file system's encoding */
} GstTrialFrameMeta;

#define GST_TRIAL_FRAME_META_API_TYPE (gst_trial_frame_meta_api_get_type ())
GType gst_trial_frame_meta_api_get_type (void);
const GstMetaInfo *gst_trial_frame_meta_get_info (void);

GstTrialFrameMeta *gst_buffer_add_trial_frame_meta (GstBuffer * buffer,
    const gchar * path);

#define gst_buffer_get_trial_frame_meta(buffer) ((GstTrialFrameMeta *) \
    gst_buffer_get_meta ((buffer), GST_TRIAL_FRAME_META_API_TYPE))

G_END_DECLS
