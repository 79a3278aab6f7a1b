/* gst-trial: GstTrialFrameMeta (see gsttrialframemeta.h). The path follows
 * the buffer through copies; it says nothing about the data, so any
 * transform may keep it. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttrialframemeta.h"

GType
gst_trial_frame_meta_api_get_type (void)
{
  static GType type = 0;
  static const gchar *tags[] = { NULL };

  if (g_once_init_enter (&type)) {
    GType t = gst_meta_api_type_register ("GstTrialFrameMetaAPI", tags);
    g_once_init_leave (&type, t);
  }
  return type;
}

static gboolean
frame_meta_init (GstMeta * meta, gpointer params, GstBuffer * buffer)
{
  (void) params;
  (void) buffer;
  ((GstTrialFrameMeta *) meta)->path = NULL;
  return TRUE;
}

static void
frame_meta_free (GstMeta * meta, GstBuffer * buffer)
{
  (void) buffer;
  g_clear_pointer (&((GstTrialFrameMeta *) meta)->path, g_free);
}

static gboolean
frame_meta_transform (GstBuffer * dest, GstMeta * meta, GstBuffer * buffer,
    GQuark type, gpointer data)
{
  const gchar *path = ((GstTrialFrameMeta *) meta)->path;

  (void) buffer;
  (void) type;
  (void) data;
  /* a meta someone else added without a path has nothing to copy */
  return path == NULL || gst_buffer_add_trial_frame_meta (dest, path) != NULL;
}

const GstMetaInfo *
gst_trial_frame_meta_get_info (void)
{
  static const GstMetaInfo *info = NULL;

  if (g_once_init_enter ((GstMetaInfo **) & info)) {
    const GstMetaInfo *i = gst_meta_register (GST_TRIAL_FRAME_META_API_TYPE,
        "GstTrialFrameMeta", sizeof (GstTrialFrameMeta), frame_meta_init,
        frame_meta_free, frame_meta_transform);
    g_once_init_leave ((GstMetaInfo **) & info, (GstMetaInfo *) i);
  }
  return info;
}

GstTrialFrameMeta *
gst_buffer_add_trial_frame_meta (GstBuffer * buffer, const gchar * path)
{
  GstTrialFrameMeta *meta;

  g_return_val_if_fail (GST_IS_BUFFER (buffer) && path != NULL, NULL);

  meta = (GstTrialFrameMeta *) gst_buffer_add_meta (buffer,
      gst_trial_frame_meta_get_info (), NULL);
  if (meta != NULL)
    meta->path = g_strdup (path);
  return meta;
}
