/* gst-trial: GstTrialFrameMeta (see framemeta.h): its API type, its
 * registration (once per process, by this library) and its accessors. */
#include "gst/trial/framemeta.h"

/**
 * gst_trial_frame_meta_api_get_type:
 *
 * Returns: the API type of #GstTrialFrameMeta, for gst_buffer_get_meta()
 *   and allocation queries
 */
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
  GstTrialFrameMeta *frame = (GstTrialFrameMeta *) meta;

  (void) params;
  (void) buffer;
  frame->number = -1;
  frame->path = NULL;
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
  const GstTrialFrameMeta *frame = (const GstTrialFrameMeta *) meta;

  (void) buffer;
  (void) type;
  (void) data;
  /* a meta someone else added without a path has nothing to copy */
  return frame->path == NULL
      || gst_buffer_add_trial_frame_meta (dest, frame->number,
      frame->path) != NULL;
}

/**
 * gst_trial_frame_meta_get_info: (skip)
 *
 * Returns: the #GstMetaInfo of #GstTrialFrameMeta, registered on the first
 *   call
 */
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

/**
 * gst_buffer_add_trial_frame_meta:
 * @buffer: a writable #GstBuffer
 * @number: the frame number
 * @path: (type filename): the file @buffer was read from
 *
 * Returns: (transfer none) (nullable): the #GstTrialFrameMeta added to
 *   @buffer
 */
GstTrialFrameMeta *
gst_buffer_add_trial_frame_meta (GstBuffer * buffer, gint64 number,
    const gchar * path)
{
  GstTrialFrameMeta *meta;

  g_return_val_if_fail (GST_IS_BUFFER (buffer) && path != NULL, NULL);

  meta = (GstTrialFrameMeta *) gst_buffer_add_meta (buffer,
      GST_TRIAL_FRAME_META_INFO, NULL);
  if (meta != NULL) {
    meta->number = number;
    meta->path = g_strdup (path);
  }
  return meta;
}

/**
 * gst_buffer_get_trial_frame_meta:
 * @buffer: a #GstBuffer
 *
 * Returns: (transfer none) (nullable): the #GstTrialFrameMeta of @buffer,
 *   NULL when it has none (a GAP buffer for a frame that could not be
 *   read, or a buffer trialsrc did not make)
 */
GstTrialFrameMeta *
gst_buffer_get_trial_frame_meta (GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);

  return (GstTrialFrameMeta *) gst_buffer_get_meta (buffer,
      GST_TRIAL_FRAME_META_API_TYPE);
}
