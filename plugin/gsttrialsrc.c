/* gst-trial: trialsrc, a bin that scans a trial once and streams its color
 * and depth frames from two GstTrialSrcStream children (gsttrialsrcstream.c),
 * each on its own thread, through the ghost pads "color" and "depth"; with
 * decode (trial:// URIs) through a trialconvert each, the pads added as the
 * streams start. */

/**
 * SECTION:element-trialsrc
 * @title: trialsrc
 *
 * trialsrc reads one camera of a RealSense trial folder (multi_camera
 * `cam1/color/frame_000231.png` + `cam1/depth/frame_000231.raw`, or
 * single_camera `Color/_Color_0231.png` + `Depth/_Depth_0231.raw`). On the
 * READY to PAUSED change it scans the folder once (structure, camera, the file
 * of every frame, depth format, shape and scale) and posts the element
 * message `trial-layout` (fields in docs/elements.md; `cameras` is an array
 * of strings); after that each frame costs one open, read and close
 * per file, with no name guessing.
 *
 * Each pad pushes the file bytes as they are, one buffer per frame:
 * `color` as image/png, image/jpeg or image/bmp; `depth` as
 * video/x-raw,format=GRAY16_LE (.raw), application/x-npy (.npy) or image/png
 * (16-bit .png), always with depth-scale (metres per unit) and, unless
 * the depth-scale property set it, depth-scale-dtype: the numpy dtype ("u2",
 * "f8", ...) the scale was decided on; a frame of another dtype follows its
 * own unit rule. The caps name the first frame's format: each frame's own
 * file decides how trialconvert reads it (the frame number and file name
 * travel in a GstTrialFrameMeta, libgsttrial's gst/trial/framemeta.h).
 * Caps carry width, height and framerate. GST_BUFFER_OFFSET is the frame number from the file
 * name, the PTS is the frame's index in the (start-frame, stop-frame) list
 * divided by framerate.
 *
 * A pad nobody links is no error while the other pad is linked, as with
 * demuxers (only when every pad is not linked does the source fail with
 * not-linked), and its stream reads no file: `trialsrc location=trial_1 !
 * trialconvert ! ...` converts the color stream alone.
 *
 * trialsrc handles `trial://` URIs: `trial:///abs/path/trial_1?camera=cam2&start=10&stop=99`
 * (an absolute, percent-encoded path; the query sets camera, start-frame
 * and stop-frame), so uridecodebin, playbin, gst-play-1.0 and
 * gst-discoverer-1.0 open a trial. A trialsrc made from a URI has decode
 * set: each stream goes through a trialconvert inside, so both pads carry
 * raw video (color RGB; depth GRAY16_LE millimetres, or colourised RGB for
 * a downstream that only takes RGB), and a color file that does not decode
 * (corrupt, truncated) is a GAP event and a warning like a missing one,
 * where a stock decoder would stop the pipeline with an error. With decode
 * the pads are added as a demuxer's are, once the trial is scanned and
 * each stream has its caps, color first, then no-more-pads: uridecodebin
 * exposes both (color as its first pad, the one
 * `uridecodebin ! videoconvert` links and playbin shows), Discoverer lists
 * both; a trial without any depth file has no depth pad. Without decode
 * (the default, trialsrc made by name) both pads are there from the start.
 *
 * A frame whose file is missing or unreadable becomes an empty buffer
 * flagged GAP with the same offset and PTS, and a warning (details: frame,
 * stream, reason) is posted; the stream goes on. Without decode, a trial
 * without a depth folder streams GAP buffers on `depth`. A folder that is
 * not a trial (no layout, no frames, unknown camera) fails the state change
 * with an error before any buffer.
 *
 * An application that scanned the trial itself (gst_trial_layout_scan())
 * hands the scan over in the layout property: it is streamed as it is, and
 * location, camera, start-frame, stop-frame and the depth properties are
 * then not used.
 *
 * Seeking works on both pads in TIME and in DEFAULT format, where DEFAULT is
 * the frame number: a seek to frame N starts at the first frame whose number
 * is >= N (the stop of a seek is exclusive, unlike stop-frame). A TIME seek
 * starts at the frame shown at that time. A reverse seek (rate < 0) is
 * refused before anything is flushed: playback goes on where it was. With
 * is-live the frames are paced by the clock at framerate, timestamped in
 * running time, and not seekable.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 trialsrc location=trial_1 camera=cam1 name=s \
 *   s.color ! queue ! trialconvert ! trialsink location=out/color/frame_%06d.png \
 *   s.depth ! queue ! trialconvert ! trialsink location=out/depth/frame_%06d.npy
 * ]| Converts camera cam1 of trial_1 into PNG and .npy files named by frame
 * number.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/base/gstbasesrc.h>
#include <gst/base/gstflowcombiner.h>

#include "gst/trial/error.h"
#include "gst/trial/layout.h"
#include "gsttrialsrc.h"
#include "gsttrialsrcstream.h"

GST_DEBUG_CATEGORY (gst_trial_src_debug);
#define GST_CAT_DEFAULT gst_trial_src_debug

#define N_STREAMS 2

struct _GstTrialSrc
{
  GstBin parent;

  /* children, owned by the bin, and ghost pads, with a reference of our
   * own: with decode they are pads of the bin only between READY->PAUSED
   * and PAUSED->READY; indexed by GstTrialSrcStreamKind */
  GstTrialSrcStream *streams[N_STREAMS];
  GstPad *pads[N_STREAMS];
  /* with decode: a trialconvert and a capsfilter after each stream, the
   * ghost pads' targets (NULL without decode); changed in NULL or READY
   * only */
  GstElement *decoders[N_STREAMS][2];

  /* GST_OBJECT_LOCK: properties */
  gchar *location;
  gchar *camera;
  gint64 start_frame;
  gint64 stop_frame;
  gint fps_n;
  gint fps_d;
  guint depth_width;
  guint depth_height;
  gdouble depth_scale;
  gboolean is_live;
  GstTrialLayout *given_layout; /* the application's scan, or NULL: when
                                 * set, streamed as it is */

  /* the flows of both pads, under GST_OBJECT_LOCK: only when every pad is
   * not linked is not-linked an error */
  GstFlowCombiner *flows;
  /* with decode, under GST_OBJECT_LOCK: the probes that hold each stream
   * until its turn (0 when none), on the capsfilters' source pads; the
   * pads still to add, a bit (1 << GstTrialSrcStreamKind) each */
  gulong blocks[N_STREAMS];
  guint pending_pads;
  /* with decode, the streaming thread of each pad not added yet: its sticky
   * events, put on the pad as it is added (store_held_events()) */
  GList *held_events[N_STREAMS];

  /* state-change thread: the layout of the current run */
  GstTrialLayout *layout;
};

enum
{
  PROP_0,
  PROP_LOCATION,
  PROP_CAMERA,
  PROP_START_FRAME,
  PROP_STOP_FRAME,
  PROP_FRAMERATE,
  PROP_DEPTH_WIDTH,
  PROP_DEPTH_HEIGHT,
  PROP_DEPTH_SCALE,
  PROP_IS_LIVE,
  PROP_LAYOUT,
  PROP_DECODE,
};

#define DEFAULT_FPS_N 30
#define DEFAULT_FPS_D 1

/* the file bytes, or with decode raw video as trialconvert makes it */
static GstStaticPadTemplate color_template = GST_STATIC_PAD_TEMPLATE ("color",
    GST_PAD_SRC, GST_PAD_SOMETIMES, GST_STATIC_CAPS (GST_TRIAL_SRC_COLOR_CAPS "; "
        "video/x-raw, format = (string) { RGB, BGR, RGBA, GRAY8 }, "
        GST_TRIAL_SRC_SIZE_RANGES));
static GstStaticPadTemplate depth_template = GST_STATIC_PAD_TEMPLATE ("depth",
    GST_PAD_SRC, GST_PAD_SOMETIMES, GST_STATIC_CAPS (GST_TRIAL_SRC_DEPTH_CAPS "; "
        "video/x-raw, format = (string) RGB, " GST_TRIAL_SRC_SIZE_RANGES));

/* What decode lets out of each stream's trialconvert: color as RGB (the
 * first raw format trialconvert offers), depth as GRAY16_LE millimetres,
 * the data, unless downstream only takes RGB (depth colourised). */
static const gchar *const decoded_caps[N_STREAMS] = {
  [GST_TRIAL_SRC_STREAM_COLOR] = "video/x-raw",
  [GST_TRIAL_SRC_STREAM_DEPTH] =
      "video/x-raw, format = (string) GRAY16_LE; video/x-raw",
};

static void gst_trial_src_uri_handler_init (gpointer iface,
    gpointer iface_data);

G_DEFINE_TYPE_WITH_CODE (GstTrialSrc, gst_trial_src, GST_TYPE_BIN,
    G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER,
        gst_trial_src_uri_handler_init));
GST_ELEMENT_REGISTER_DEFINE (trialsrc, "trialsrc", GST_RANK_NONE,
    GST_TYPE_TRIAL_SRC);

static GstResourceError
resource_error_for (const GError * error)
{
  if (error->domain != GST_TRIAL_ERROR)
    return GST_RESOURCE_ERROR_READ;
  switch (error->code) {
    case GST_TRIAL_ERROR_NOT_FOUND:
    case GST_TRIAL_ERROR_NO_LAYOUT:
    case GST_TRIAL_ERROR_NO_FRAMES:
      return GST_RESOURCE_ERROR_NOT_FOUND;
    case GST_TRIAL_ERROR_NOT_A_FOLDER:
      return GST_RESOURCE_ERROR_OPEN_READ;
    case GST_TRIAL_ERROR_UNKNOWN_CAMERA:
      return GST_RESOURCE_ERROR_SETTINGS;
    default:
      return GST_RESOURCE_ERROR_READ;
  }
}

static void
post_layout_message (GstTrialSrc * self, const GstTrialLayout * layout)
{
  const gchar *const *names = gst_trial_layout_get_cameras (layout);
  GValue cameras = G_VALUE_INIT;
  /* Folder names are bytes and may not be UTF-8; GstStructure strings must
   * be (an invalid one would be dropped with a warning). */
  g_autofree gchar *camera =
      g_utf8_make_valid (gst_trial_layout_get_output_camera (layout), -1);
  g_autofree gchar *path = g_utf8_make_valid (gst_trial_layout_get_path
      (layout), -1);
  GstStructure *s;

  /* cameras is an array, so that bindings read a list
   * (gst_structure_get_array ()) */
  gst_value_array_init (&cameras, 0);
  for (; names != NULL && *names != NULL; names++) {
    GValue name = G_VALUE_INIT;

    g_value_init (&name, G_TYPE_STRING);
    g_value_take_string (&name, g_utf8_make_valid (*names, -1));
    gst_value_array_append_and_take_value (&cameras, &name);
  }
  s = gst_structure_new ("trial-layout",
      "structure", G_TYPE_STRING,
      gst_trial_structure_to_string (gst_trial_layout_get_structure (layout)),
      "camera", G_TYPE_STRING, camera, NULL);
  gst_structure_take_value (s, "cameras", &cameras);
  gst_structure_set (s,
      "n-frames", G_TYPE_UINT, gst_trial_layout_get_n_frames (layout),
      "first-frame", G_TYPE_INT64, gst_trial_layout_get_first_frame (layout),
      "last-frame", G_TYPE_INT64, gst_trial_layout_get_last_frame (layout),
      "color-format", G_TYPE_STRING,
      gst_trial_color_format_to_string (gst_trial_layout_get_color_format
          (layout)),
      "depth-format", G_TYPE_STRING,
      gst_trial_depth_format_to_string (gst_trial_layout_get_depth_format
          (layout)),
      "width", G_TYPE_UINT, gst_trial_layout_get_color_width (layout),
      "height", G_TYPE_UINT, gst_trial_layout_get_color_height (layout),
      "depth-width", G_TYPE_UINT, gst_trial_layout_get_depth_width (layout),
      "depth-height", G_TYPE_UINT, gst_trial_layout_get_depth_height (layout),
      "depth-scale", G_TYPE_DOUBLE, gst_trial_layout_get_depth_scale (layout),
      "path", G_TYPE_STRING, path, NULL);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* Color files numbered beyond 63 bits are no frames: said once, so that
 * they are not left out in silence. */
static void
warn_numbers_too_large (GstTrialSrc * self, const GstTrialLayout * layout)
{
  const gchar *first = NULL;
  guint n = gst_trial_layout_get_n_numbers_too_large (layout, &first);
  g_autofree gchar *dir = NULL;
  g_autofree gchar *name = NULL;

  if (n == 0)
    return;
  dir = g_filename_display_name (gst_trial_layout_get_color_dir (layout));
  name = g_filename_display_name (first);
  GST_ELEMENT_WARNING (self, RESOURCE, READ,
      ("%u color file%s in '%s' %s a frame number larger than %"
          G_GINT64_FORMAT " and %s not converted, e.g. '%s'", n,
          n == 1 ? "" : "s", dir, n == 1 ? "has" : "have", G_MAXINT64,
          n == 1 ? "is" : "are", name), (NULL));
}

/* Scans the trial (once per start), or takes the application's scan as it
 * is, and hands the layout to both streams. FALSE after posting an error
 * message. */
static gboolean
gst_trial_src_open (GstTrialSrc * self)
{
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;
  g_autofree gchar *location = NULL;
  g_autofree gchar *camera = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GstTrialLayout) given = NULL;
  GstTrialLayout *layout;
  gint fps_n, fps_d;
  gboolean is_live;
  guint i;

  GST_OBJECT_LOCK (self);
  given = self->given_layout ? gst_trial_layout_ref (self->given_layout) :
      NULL;
  location = g_strdup (self->location);
  camera = g_strdup (self->camera);
  options.start_frame = self->start_frame;
  options.stop_frame = self->stop_frame;
  options.depth_width = self->depth_width;
  options.depth_height = self->depth_height;
  options.depth_scale = self->depth_scale;
  fps_n = self->fps_n;
  fps_d = self->fps_d;
  is_live = self->is_live;
  GST_OBJECT_UNLOCK (self);
  options.camera = camera;

  if (given) {
    GST_DEBUG_OBJECT (self, "streaming the layout the application scanned "
        "of '%s'", gst_trial_layout_get_path (given));
    layout = g_steal_pointer (&given);
  } else if (!location || !*location) {
    GST_ELEMENT_ERROR (self, RESOURCE, NOT_FOUND,
        ("No trial folder given: set the 'location' property"), (NULL));
    return FALSE;
  } else {
    layout = gst_trial_layout_scan (location, &options, &error);
  }
  if (!layout) {
    GST_ERROR_OBJECT (self, "scan of '%s' failed: %s", location,
        error->message);
    gst_element_message_full (GST_ELEMENT (self), GST_MESSAGE_ERROR,
        GST_RESOURCE_ERROR, resource_error_for (error),
        g_strdup (error->message),
        g_strdup_printf ("scanning trial '%s' (camera '%s'): %s %d", location,
            camera ? camera : "", g_quark_to_string (error->domain),
            error->code), __FILE__, GST_FUNCTION, __LINE__);
    return FALSE;
  }

  GST_INFO_OBJECT (self, "trial '%s': %u frames %" G_GINT64_FORMAT "..%"
      G_GINT64_FORMAT, location, gst_trial_layout_get_n_frames (layout),
      gst_trial_layout_get_first_frame (layout),
      gst_trial_layout_get_last_frame (layout));
  post_layout_message (self, layout);
  warn_numbers_too_large (self, layout);

  for (i = 0; i < N_STREAMS; i++)
    gst_trial_src_stream_configure (self->streams[i], layout, fps_n, fps_d,
        is_live);
  self->layout = layout;
  return TRUE;
}

static gboolean
is_decoding (GstTrialSrc * self)
{
  return self->decoders[0][0] != NULL;
}

static gboolean
has_pad (GstTrialSrc * self, guint i)
{
  return gst_object_has_as_parent (GST_OBJECT (self->pads[i]),
      GST_OBJECT (self));
}

/* gst_element_remove_pad() clears a ghost pad's target: set again before
 * each start, the last decoder's or the stream's source pad */
static void
set_target (GstTrialSrc * self, guint i)
{
  GstElement *last = self->decoders[i][1] != NULL ? self->decoders[i][1] :
      GST_ELEMENT (self->streams[i]);
  g_autoptr (GstPad) target = gst_element_get_static_pad (last, "src");

  gst_ghost_pad_set_target (GST_GHOST_PAD (self->pads[i]), target);
}

/* The stream and its decoders do not start (or, unlocked, follow the bin
 * again). */
static void
lock_stream (GstTrialSrc * self, guint i, gboolean locked)
{
  gst_element_set_locked_state (GST_ELEMENT (self->streams[i]), locked);
  gst_element_set_locked_state (self->decoders[i][0], locked);
  gst_element_set_locked_state (self->decoders[i][1], locked);
}

static GstPad *
internal_pad (GstTrialSrc * self, guint i)
{
  return GST_PAD (gst_proxy_pad_get_internal (GST_PROXY_PAD (self->pads[i])));
}

/* Activation of the internal pad of a ghost pad: only itself. With
 * decode, the internal pads are activated before their ghost pads are
 * added, so that the stream's first events reach
 * gst_trial_src_proxy_event(); the ghost pad, without a parent then, could
 * not be activated (the default would do that). */
static gboolean
gst_trial_src_internal_activate (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  (void) pad;
  (void) parent;
  (void) mode;
  (void) active;
  return TRUE;
}

/* Holds everything but the color stream's stream-start and caps, which add
 * its pad; all of the depth stream. */
static GstPadProbeReturn
hold (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstEvent *event;

  (void) pad;
  if (GPOINTER_TO_UINT (user_data) != GST_TRIAL_SRC_STREAM_COLOR
      || !(info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM))
    return GST_PAD_PROBE_OK;
  event = GST_PAD_PROBE_INFO_EVENT (info);
  return GST_EVENT_TYPE (event) == GST_EVENT_STREAM_START
      || GST_EVENT_TYPE (event) == GST_EVENT_CAPS ? GST_PAD_PROBE_PASS :
      GST_PAD_PROBE_OK;
}

/* With decode, the pads come as a demuxer's do, so that uridecodebin sees a
 * source with dynamic pads and handles each: a pad is added with its caps
 * already on it (gst_trial_src_proxy_event()), so uridecodebin finds it raw
 * and exposes it as it is, in the order the pads come. The depth stream is
 * held until the color pad is there, so color is always the first pad, the
 * one `uridecodebin ! videoconvert` links and playbin shows; the color
 * frames are held until the depth pad is there too, so that no sink sees
 * EOS before the other sink is linked. A trial without any depth file gets
 * no depth pad, and that stream does not run. */
static void
gst_trial_src_prepare_decoded_pads (GstTrialSrc * self)
{
  gboolean has_depth = gst_trial_layout_get_depth_format (self->layout) !=
      GST_TRIAL_DEPTH_NONE;
  guint i;

  if (!has_depth)
    lock_stream (self, GST_TRIAL_SRC_STREAM_DEPTH, TRUE);
  GST_OBJECT_LOCK (self);
  self->pending_pads = 1 << GST_TRIAL_SRC_STREAM_COLOR;
  if (has_depth)
    self->pending_pads |= 1 << GST_TRIAL_SRC_STREAM_DEPTH;
  for (i = 0; i < N_STREAMS && has_depth; i++) {
    g_autoptr (GstPad) held = gst_element_get_static_pad
        (self->decoders[i][1], "src");

    self->blocks[i] = gst_pad_add_probe (held,
        GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM, hold, GUINT_TO_POINTER (i), NULL);
  }
  GST_OBJECT_UNLOCK (self);
  for (i = 0; i < N_STREAMS; i++) {
    g_autoptr (GstPad) internal = internal_pad (self, i);

    set_target (self, i);
    gst_pad_activate_mode (internal, GST_PAD_MODE_PUSH, TRUE);
  }
}

/* Removes the probe that holds stream @i, if there is one. */
static void
unblock (GstTrialSrc * self, guint i)
{
  g_autoptr (GstPad) held = NULL;
  gulong id;

  GST_OBJECT_LOCK (self);
  id = self->blocks[i];
  self->blocks[i] = 0;
  GST_OBJECT_UNLOCK (self);
  if (id == 0)
    return;
  held = gst_element_get_static_pad (self->decoders[i][1], "src");
  gst_pad_remove_probe (held, id);
}

/* On the streaming thread of stream @i, once its caps are held: with
 * decode, adds its pad. */
static void
gst_trial_src_add_decoded_pad (GstTrialSrc * self, guint i)
{
  gboolean last;

  GST_OBJECT_LOCK (self);
  self->pending_pads &= ~(1 << i);
  last = self->pending_pads == 0;
  GST_OBJECT_UNLOCK (self);
  GST_DEBUG_OBJECT (self, "adding pad %s:%s",
      GST_DEBUG_PAD_NAME (self->pads[i]));
  gst_element_add_pad (GST_ELEMENT (self), self->pads[i]);
  if (last) {
    gst_element_no_more_pads (GST_ELEMENT (self));
    unblock (self, GST_TRIAL_SRC_STREAM_COLOR);
  } else if (i == GST_TRIAL_SRC_STREAM_COLOR) {
    unblock (self, GST_TRIAL_SRC_STREAM_DEPTH);
  }
}

/* The first handler of our own pad-added, connected at init: between the
 * activation of a pad and the other handlers (uridecodebin's), the sticky
 * events held for it go on it, so that they see its caps. */
static void
store_held_events (GstElement * element, GstPad * pad, gpointer user_data)
{
  GstTrialSrc *self = GST_TRIAL_SRC (element);
  guint i;
  GList *l;

  (void) user_data;
  for (i = 0; i < N_STREAMS; i++) {
    if (self->pads[i] != pad)
      continue;
    for (l = self->held_events[i]; l != NULL; l = l->next)
      gst_pad_store_sticky_event (pad, l->data);
    g_list_free_full (g_steal_pointer (&self->held_events[i]),
        (GDestroyNotify) gst_event_unref);
  }
}

static void
gst_trial_src_close (GstTrialSrc * self)
{
  guint i;

  if (is_decoding (self)) {
    for (i = 0; i < N_STREAMS; i++)
      unblock (self, i);
    GST_OBJECT_LOCK (self);
    self->pending_pads = 0;
    GST_OBJECT_UNLOCK (self);
    for (i = 0; i < N_STREAMS; i++) {
      g_autoptr (GstPad) internal = internal_pad (self, i);

      if (has_pad (self, i))
        gst_element_remove_pad (GST_ELEMENT (self), self->pads[i]);
      gst_pad_activate_mode (internal, GST_PAD_MODE_PUSH, FALSE);
      g_list_free_full (g_steal_pointer (&self->held_events[i]),
          (GDestroyNotify) gst_event_unref);
    }
    lock_stream (self, GST_TRIAL_SRC_STREAM_DEPTH, FALSE);
  }

  for (i = 0; i < N_STREAMS; i++)
    gst_trial_src_stream_configure (self->streams[i], NULL, DEFAULT_FPS_N,
        DEFAULT_FPS_D, FALSE);
  g_clear_pointer (&self->layout, gst_trial_layout_unref);
}

static GstStateChangeReturn
gst_trial_src_change_state (GstElement * element, GstStateChange transition)
{
  GstTrialSrc *self = GST_TRIAL_SRC (element);
  GstStateChangeReturn ret;

  /* scan before the children start, so both read one layout */
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    if (!gst_trial_src_open (self))
      return GST_STATE_CHANGE_FAILURE;
    GST_OBJECT_LOCK (self);
    gst_flow_combiner_reset (self->flows);
    GST_OBJECT_UNLOCK (self);
    if (is_decoding (self))
      gst_trial_src_prepare_decoded_pads (self);
  }

  ret = GST_ELEMENT_CLASS (gst_trial_src_parent_class)->change_state (element,
      transition);

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY
      || (transition == GST_STATE_CHANGE_READY_TO_PAUSED
          && ret == GST_STATE_CHANGE_FAILURE))
    gst_trial_src_close (self);

  return ret;
}

/* With @decode, each stream goes through a trialconvert and a capsfilter
 * inside the bin, so that the pads carry raw video, which uridecodebin
 * exposes as it is (gst_trial_src_prepare_decoded_pads()), and a frame that
 * fails to decode (a corrupt or truncated file) is a GAP event and a
 * warning, as in any trialconvert, where a stock decoder would stop the
 * pipeline with an error; the pads are taken away until the next start.
 * Only in NULL or READY: FALSE with @error when an element is missing. */
static gboolean
gst_trial_src_set_decode (GstTrialSrc * self, gboolean decode, GError ** error)
{
  static const gchar *const names[N_STREAMS] = {
    [GST_TRIAL_SRC_STREAM_COLOR] = "color",
    [GST_TRIAL_SRC_STREAM_DEPTH] = "depth",
  };
  guint i;

  if (is_decoding (self) == decode)
    return TRUE;

  for (i = 0; i < N_STREAMS; i++) {
    GstElement *stream = GST_ELEMENT (self->streams[i]);

    if (decode) {
      g_autofree gchar *convert_name = g_strdup_printf ("%s-decode", names[i]);
      g_autofree gchar *filter_name = g_strdup_printf ("%s-raw", names[i]);
      GstElement *convert =
          gst_element_factory_make ("trialconvert", convert_name);
      GstElement *filter = gst_element_factory_make ("capsfilter",
          filter_name);
      g_autoptr (GstCaps) caps = gst_caps_from_string (decoded_caps[i]);

      if (convert == NULL || filter == NULL) {
        g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
            "decoding needs the elements trialconvert and capsfilter");
        g_clear_object (&convert);
        g_clear_object (&filter);
        gst_trial_src_set_decode (self, FALSE, NULL);
        return FALSE;
      }
      /* removing the pad also unlinks the stream from it (the target is
       * cleared); set_target() targets the capsfilter at each start */
      if (has_pad (self, i))
        gst_element_remove_pad (GST_ELEMENT (self), self->pads[i]);
      g_object_set (filter, "caps", caps, NULL);
      gst_bin_add_many (GST_BIN (self), convert, filter, NULL);
      gst_element_link_many (stream, convert, filter, NULL);
      self->decoders[i][0] = convert;
      self->decoders[i][1] = filter;
    } else if (self->decoders[i][0] != NULL) {
      gst_bin_remove (GST_BIN (self), self->decoders[i][0]);
      gst_bin_remove (GST_BIN (self), self->decoders[i][1]);
      self->decoders[i][0] = self->decoders[i][1] = NULL;
      set_target (self, i);
      gst_element_add_pad (GST_ELEMENT (self), self->pads[i]);
    }
  }
  return TRUE;
}

static gboolean
any_pad_linked (GstTrialSrc * self)
{
  guint i;

  for (i = 0; i < N_STREAMS; i++)
    if (gst_pad_is_linked (self->pads[i]))
      return TRUE;
  return FALSE;
}

/* Chain function of the internal pad of each ghost pad: what a stream
 * pushes goes out, and its flow is combined with the other pad's, as
 * demuxers do. A pad nobody links is no error while the other pad is
 * linked: its stream goes on through the frames, reading no file
 * (gsttrialsrcstream.c), so it ends with the other. */
static GstFlowReturn
gst_trial_src_proxy_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buffer)
{
  GstPad *ghost = GST_PAD (parent);
  g_autoptr (GstObject) owner = gst_pad_get_parent (ghost);
  GstTrialSrc *self;
  GstFlowReturn ret, combined;

  ret = gst_proxy_pad_chain_default (pad, parent, buffer);
  if (owner == NULL || !GST_IS_TRIAL_SRC (owner))
    return ret;
  self = GST_TRIAL_SRC (owner);
  GST_OBJECT_LOCK (self);
  combined = gst_flow_combiner_update_pad_flow (self->flows, ghost, ret);
  GST_OBJECT_UNLOCK (self);
  /* The combiner takes a pad that already ended (EOS) for a working one; a
   * stream nobody links can end before the other pushes at all. */
  if (combined == GST_FLOW_OK && ret == GST_FLOW_NOT_LINKED
      && !any_pad_linked (self))
    combined = GST_FLOW_NOT_LINKED;
  return combined;
}

/* Event function of the internal pad of each ghost pad: with decode, the
 * sticky events of a pad not added yet are held, and its caps add it. */
static gboolean
gst_trial_src_proxy_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstTrialSrc *self = g_object_get_data (G_OBJECT (parent), "trialsrc");
  guint i = self->pads[GST_TRIAL_SRC_STREAM_COLOR] == GST_PAD (parent) ?
      GST_TRIAL_SRC_STREAM_COLOR : GST_TRIAL_SRC_STREAM_DEPTH;
  gboolean pending;

  GST_OBJECT_LOCK (self);
  pending = (self->pending_pads & (1 << i)) != 0;
  GST_OBJECT_UNLOCK (self);
  if (!pending || !GST_EVENT_IS_STICKY (event))
    return gst_pad_event_default (pad, parent, event);
  self->held_events[i] = g_list_append (self->held_events[i], event);
  if (GST_EVENT_TYPE (event) == GST_EVENT_CAPS)
    gst_trial_src_add_decoded_pad (self, i);
  return TRUE;
}

/* Whether @event is a flushing seek both streams will perform: then both
 * pads can be flushed before either stream seeks. */
static gboolean
seek_will_succeed (GstTrialSrc * self, GstEvent * event)
{
  GstElement *color = GST_ELEMENT (self->streams[GST_TRIAL_SRC_STREAM_COLOR]);
  GstSeekType start_type, stop_type;
  GstSeekFlags flags;
  GstFormat format;
  GstSegment segment;
  gint64 start, stop;
  gdouble rate;
  gboolean started;

  gst_event_parse_seek (event, &rate, &format, &flags, &start_type, &start,
      &stop_type, &stop);
  GST_OBJECT_LOCK (self);
  started = GST_STATE (self) >= GST_STATE_PAUSED;
  GST_OBJECT_UNLOCK (self);
  if (!started || !(flags & GST_SEEK_FLAG_FLUSH) || rate <= 0.0
      || gst_base_src_is_live (GST_BASE_SRC (color)))
    return FALSE;

  if (format == GST_FORMAT_DEFAULT) {
    if (start_type == GST_SEEK_TYPE_SET && !gst_element_query_convert (color,
            GST_FORMAT_DEFAULT, start, GST_FORMAT_TIME, &start))
      return FALSE;
    if (stop_type == GST_SEEK_TYPE_SET && !gst_element_query_convert (color,
            GST_FORMAT_DEFAULT, stop, GST_FORMAT_TIME, &stop))
      return FALSE;
  } else if (format != GST_FORMAT_TIME) {
    return FALSE;
  }
  gst_segment_init (&segment, GST_FORMAT_TIME);
  return gst_segment_do_seek (&segment, rate, GST_FORMAT_TIME, flags,
      start_type, start, stop_type, stop, NULL);
}

/* GstBin would hand a seek to its sink children, and we have none: each
 * stream performs it on its own pad. A flushing seek first flushes both
 * pads: if one stream flushed, sought and prerolled before the other
 * started, the pipeline could finish its lost-state change in between and
 * never restart the second branch (a seek sent to the pipeline is safe, it
 * holds the pipeline's state lock throughout). Demuxers flush all their
 * pads first for the same reason. */
static gboolean
gst_trial_src_send_event (GstElement * element, GstEvent * event)
{
  GstTrialSrc *self = GST_TRIAL_SRC (element);
  gboolean res = TRUE;
  guint i;

  if (GST_EVENT_TYPE (event) != GST_EVENT_SEEK)
    return GST_ELEMENT_CLASS (gst_trial_src_parent_class)->send_event (element,
        event);

  if (seek_will_succeed (self, event)) {
    for (i = 0; i < N_STREAMS; i++) {
      GstEvent *flush = gst_event_new_flush_start ();

      gst_event_set_seqnum (flush, gst_event_get_seqnum (event));
      gst_pad_push_event (self->pads[i], flush);
    }
  }
  for (i = 0; i < N_STREAMS; i++)
    res &= gst_element_send_event (GST_ELEMENT (self->streams[i]),
        gst_event_ref (event));
  gst_event_unref (event);
  return res;
}

/* Likewise GstBin asks its sinks about position and duration; both streams
 * share one timeline, the color stream answers. */
static gboolean
gst_trial_src_query (GstElement * element, GstQuery * query)
{
  GstTrialSrc *self = GST_TRIAL_SRC (element);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_POSITION:
    case GST_QUERY_DURATION:
    case GST_QUERY_SEEKING:
    case GST_QUERY_CONVERT:
      return gst_element_query (GST_ELEMENT (self->streams
              [GST_TRIAL_SRC_STREAM_COLOR]), query);
    default:
      return GST_ELEMENT_CLASS (gst_trial_src_parent_class)->query (element,
          query);
  }
}

static void
gst_trial_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTrialSrc *self = GST_TRIAL_SRC (object);

  /* adds and removes children, which takes the object lock */
  if (prop_id == PROP_DECODE) {
    g_autoptr (GError) error = NULL;

    if (GST_STATE (self) > GST_STATE_READY)
      g_warning ("trialsrc: decode can only be changed in the NULL or READY "
          "state");
    else if (!gst_trial_src_set_decode (self, g_value_get_boolean (value),
            &error))
      GST_ERROR_OBJECT (self, "decode: %s", error->message);
    return;
  }

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LOCATION:
      g_free (self->location);
      self->location = g_value_dup_string (value);
      break;
    case PROP_CAMERA:
      g_free (self->camera);
      self->camera = g_value_dup_string (value);
      break;
    case PROP_START_FRAME:
      self->start_frame = g_value_get_int64 (value);
      break;
    case PROP_STOP_FRAME:
      self->stop_frame = g_value_get_int64 (value);
      break;
    case PROP_FRAMERATE:
      self->fps_n = gst_value_get_fraction_numerator (value);
      self->fps_d = gst_value_get_fraction_denominator (value);
      break;
    case PROP_DEPTH_WIDTH:
      self->depth_width = g_value_get_uint (value);
      break;
    case PROP_DEPTH_HEIGHT:
      self->depth_height = g_value_get_uint (value);
      break;
    case PROP_DEPTH_SCALE:
      self->depth_scale = g_value_get_double (value);
      break;
    case PROP_IS_LIVE:
      self->is_live = g_value_get_boolean (value);
      break;
    case PROP_LAYOUT:
      g_clear_pointer (&self->given_layout, gst_trial_layout_unref);
      self->given_layout = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_trial_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstTrialSrc *self = GST_TRIAL_SRC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    case PROP_CAMERA:
      g_value_set_string (value, self->camera);
      break;
    case PROP_START_FRAME:
      g_value_set_int64 (value, self->start_frame);
      break;
    case PROP_STOP_FRAME:
      g_value_set_int64 (value, self->stop_frame);
      break;
    case PROP_FRAMERATE:
      gst_value_set_fraction (value, self->fps_n, self->fps_d);
      break;
    case PROP_DEPTH_WIDTH:
      g_value_set_uint (value, self->depth_width);
      break;
    case PROP_DEPTH_HEIGHT:
      g_value_set_uint (value, self->depth_height);
      break;
    case PROP_DEPTH_SCALE:
      g_value_set_double (value, self->depth_scale);
      break;
    case PROP_IS_LIVE:
      g_value_set_boolean (value, self->is_live);
      break;
    case PROP_LAYOUT:
      g_value_set_boxed (value, self->given_layout);
      break;
    case PROP_DECODE:
      g_value_set_boolean (value, is_decoding (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_trial_src_finalize (GObject * object)
{
  GstTrialSrc *self = GST_TRIAL_SRC (object);
  guint i;

  g_free (self->location);
  g_free (self->camera);
  g_clear_pointer (&self->layout, gst_trial_layout_unref);
  g_clear_pointer (&self->given_layout, gst_trial_layout_unref);
  gst_flow_combiner_free (self->flows);
  for (i = 0; i < N_STREAMS; i++)
    gst_object_unref (self->pads[i]);
  G_OBJECT_CLASS (gst_trial_src_parent_class)->finalize (object);
}

/* ---- GstURIHandler: trial:///abs/path?camera=cam2&start=10&stop=99 ---- */

static GstURIType
gst_trial_src_uri_get_type (GType type)
{
  (void) type;
  return GST_URI_SRC;
}

static const gchar *const *
gst_trial_src_uri_get_protocols (GType type)
{
  static const gchar *const protocols[] = { "trial", NULL };

  (void) type;
  return protocols;
}

static gchar *
gst_trial_src_uri_get_uri (GstURIHandler * handler)
{
  GstTrialSrc *self = GST_TRIAL_SRC (handler);
  g_autoptr (GString) query = g_string_new (NULL);
  g_autofree gchar *path = NULL;
  gchar *uri = NULL;

  GST_OBJECT_LOCK (self);
  if (self->location != NULL && g_path_is_absolute (self->location)) {
    path = g_strdup (self->location);
    if (self->camera != NULL && *self->camera) {
      g_string_append (query, "camera=");
      g_string_append_uri_escaped (query, self->camera, NULL, FALSE);
    }
    if (self->start_frame >= 0)
      g_string_append_printf (query, "%sstart=%" G_GINT64_FORMAT,
          query->len ? "&" : "", self->start_frame);
    if (self->stop_frame >= 0)
      g_string_append_printf (query, "%sstop=%" G_GINT64_FORMAT,
          query->len ? "&" : "", self->stop_frame);
  }
  GST_OBJECT_UNLOCK (self);
  if (path != NULL)
    uri = g_uri_join (G_URI_FLAGS_ENCODED_QUERY, "trial", NULL, "", -1, path,
        query->len ? query->str : NULL, NULL);
  return uri;
}

static gboolean
parse_frame_number (const gchar * text, gint64 * number)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL))
    return FALSE;
  *number = (gint64) value;
  return TRUE;
}

static gboolean
gst_trial_src_uri_set_uri (GstURIHandler * handler, const gchar * uri,
    GError ** error)
{
  GstTrialSrc *self = GST_TRIAL_SRC (handler);
  g_autoptr (GUri) parsed = NULL;
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GError) parse_error = NULL;
  const gchar *query, *camera = NULL, *value;
  gint64 start = -1, stop = -1;
  GHashTableIter iter;
  gpointer key;

  if (GST_STATE (self) != GST_STATE_NULL) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE,
        "Changing the URI of trialsrc while it runs is not supported");
    return FALSE;
  }
  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, &parse_error);
  if (parsed == NULL || g_strcmp0 (g_uri_get_scheme (parsed), "trial") != 0
      || !g_path_is_absolute (g_uri_get_path (parsed))
      || (g_uri_get_host (parsed) != NULL && *g_uri_get_host (parsed))) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
        "'%s' is no trial URI: expected trial:///absolute/path/of/trial"
        "[?camera=cam2&start=N&stop=N]", uri);
    return FALSE;
  }
  query = g_uri_get_query (parsed);
  if (query != NULL) {
    params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE,
        &parse_error);
    if (params == NULL) {
      g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
          "trial URI '%s': %s", uri, parse_error->message);
      return FALSE;
    }
    g_hash_table_iter_init (&iter, params);
    while (g_hash_table_iter_next (&iter, &key, (gpointer *) & value)) {
      gboolean ok = TRUE;

      if (g_str_equal (key, "camera"))
        camera = value;
      else if (g_str_equal (key, "start"))
        ok = parse_frame_number (value, &start);
      else if (g_str_equal (key, "stop"))
        ok = parse_frame_number (value, &stop);
      else
        ok = FALSE;
      if (!ok) {
        g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI,
            "trial URI '%s': '%s=%s' is not understood (expected camera=NAME,"
            " start=N, stop=N with frame numbers N >= 0)", uri,
            (const gchar *) key, value);
        return FALSE;
      }
    }
  }

  if (!gst_trial_src_set_decode (self, TRUE, error))
    return FALSE;
  g_object_set (self, "location", g_uri_get_path (parsed), "camera", camera,
      "start-frame", start, "stop-frame", stop, NULL);
  return TRUE;
}

static void
gst_trial_src_uri_handler_init (gpointer iface, gpointer iface_data)
{
  GstURIHandlerInterface *uri_iface = iface;

  (void) iface_data;
  uri_iface->get_type = gst_trial_src_uri_get_type;
  uri_iface->get_protocols = gst_trial_src_uri_get_protocols;
  uri_iface->get_uri = gst_trial_src_uri_get_uri;
  uri_iface->set_uri = gst_trial_src_uri_set_uri;
}

static void
gst_trial_src_class_init (GstTrialSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_READY;

  GST_DEBUG_CATEGORY_INIT (gst_trial_src_debug, "trialsrc", 0,
      "RealSense trial folder source");

  gobject_class->set_property = gst_trial_src_set_property;
  gobject_class->get_property = gst_trial_src_get_property;
  gobject_class->finalize = gst_trial_src_finalize;

  g_object_class_install_property (gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "Location",
          "Trial folder to read (holding cam1/, cam2/... or Color/ and Depth/)",
          NULL, flags));
  g_object_class_install_property (gobject_class, PROP_CAMERA,
      g_param_spec_string ("camera", "Camera",
          "Camera folder of a multi_camera trial, e.g. cam2 "
          "(empty = the first camera by name)", NULL, flags));
  g_object_class_install_property (gobject_class, PROP_START_FRAME,
      g_param_spec_int64 ("start-frame", "Start frame",
          "First frame number to read, inclusive (-1 = from the first frame)",
          -1, G_MAXINT64, -1, flags));
  g_object_class_install_property (gobject_class, PROP_STOP_FRAME,
      g_param_spec_int64 ("stop-frame", "Stop frame",
          "Last frame number to read, inclusive (-1 = to the last frame)",
          -1, G_MAXINT64, -1, flags));
  g_object_class_install_property (gobject_class, PROP_FRAMERATE,
      gst_param_spec_fraction ("framerate", "Framerate",
          "Frames per second: sets PTS (index / framerate), duration and the "
          "caps, and the pace when is-live is set", 1, G_MAXINT, G_MAXINT, 1,
          DEFAULT_FPS_N, DEFAULT_FPS_D, flags));
  g_object_class_install_property (gobject_class, PROP_DEPTH_WIDTH,
      g_param_spec_uint ("depth-width", "Depth width",
          "Width of the depth frames in pixels, used with depth-height "
          "(0 = from the depth files: their header, or the size of the .raw "
          "files)", 0, GST_TRIAL_MAX_DIMENSION, 0,
          flags));
  g_object_class_install_property (gobject_class, PROP_DEPTH_HEIGHT,
      g_param_spec_uint ("depth-height", "Depth height",
          "Height of the depth frames in pixels, used with depth-width "
          "(0 = from the depth files: their header, or the size of the .raw "
          "files)", 0, GST_TRIAL_MAX_DIMENSION, 0,
          flags));
  g_object_class_install_property (gobject_class, PROP_DEPTH_SCALE,
      g_param_spec_double ("depth-scale", "Depth scale",
          "Metres per depth unit for every frame (0 = decided once from the "
          "first depth file: 0.001 for millimetre sources; a frame of "
          "another dtype follows its own rule)", 0.0, 1000.0, 0.0, flags));
  g_object_class_install_property (gobject_class, PROP_IS_LIVE,
      g_param_spec_boolean ("is-live", "Is live",
          "Act as a live source: push frames at framerate by the clock "
          "(for previews); not seekable", FALSE, flags));
  g_object_class_install_property (gobject_class, PROP_LAYOUT,
      g_param_spec_boxed ("layout", "Layout",
          "A scan the application made with gst_trial_layout_scan(), "
          "streamed as it is instead of scanning: its trial, camera, frames "
          "and depth shape and scale; location, camera, start-frame, "
          "stop-frame, depth-width, depth-height and depth-scale are then "
          "not used (NULL = scan location with those properties)",
          GST_TYPE_TRIAL_LAYOUT, flags));
  g_object_class_install_property (gobject_class, PROP_DECODE,
      g_param_spec_boolean ("decode", "Decode",
          "Decode the frames to raw video inside (a trialconvert per pad): "
          "color as RGB, depth as GRAY16_LE millimetres or colourised RGB, a "
          "frame that fails as a GAP event; the pads are then added as the "
          "streams start, depth only if the trial has depth files (set by "
          "trial:// URIs, for uridecodebin, playbin and Discoverer)",
          FALSE, flags));

  gst_element_class_add_static_pad_template (element_class, &color_template);
  gst_element_class_add_static_pad_template (element_class, &depth_template);
  gst_element_class_set_static_metadata (element_class,
      "RealSense trial source", "Source/File",
      "Reads the color and depth frame files of a RealSense trial folder",
      "gst-trial");

  element_class->change_state = gst_trial_src_change_state;
  element_class->send_event = gst_trial_src_send_event;
  element_class->query = gst_trial_src_query;
}

static void
gst_trial_src_init (GstTrialSrc * self)
{
  static const gchar *const pad_names[N_STREAMS] = {
    [GST_TRIAL_SRC_STREAM_COLOR] = "color",
    [GST_TRIAL_SRC_STREAM_DEPTH] = "depth",
  };
  guint i;

  self->start_frame = -1;
  self->stop_frame = -1;
  self->fps_n = DEFAULT_FPS_N;
  self->fps_d = DEFAULT_FPS_D;
  self->flows = gst_flow_combiner_new ();
  g_signal_connect (self, "pad-added", G_CALLBACK (store_held_events), NULL);

  for (i = 0; i < N_STREAMS; i++) {
    GstElement *stream = gst_trial_src_stream_new (i);
    g_autoptr (GstPad) target = gst_element_get_static_pad (stream, "src");
    GstPadTemplate *templ =
        gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self),
        pad_names[i]);
    GstPad *internal;

    self->streams[i] = GST_TRIAL_SRC_STREAM (stream);
    gst_bin_add (GST_BIN (self), stream);
    self->pads[i] = gst_object_ref_sink (gst_ghost_pad_new_from_template
        (pad_names[i], target, templ));
    internal = GST_PAD (gst_proxy_pad_get_internal (GST_PROXY_PAD
            (self->pads[i])));
    gst_pad_set_chain_function (internal, gst_trial_src_proxy_chain);
    /* before it is added, the ghost pad has no parent to find us by */
    g_object_set_data (G_OBJECT (self->pads[i]), "trialsrc", self);
    gst_pad_set_event_function (internal, gst_trial_src_proxy_event);
    gst_pad_set_activatemode_function (internal,
        gst_trial_src_internal_activate);
    gst_object_unref (internal);
    gst_flow_combiner_add_pad (self->flows, self->pads[i]);
    gst_element_add_pad (GST_ELEMENT (self), self->pads[i]);
  }
}
