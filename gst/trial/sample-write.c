/* gst-trial: the synthetic trial generator (sample.h), writing the folder.
 *
 * Owns laying a whole trial out on disk as RealSense exports name it: the
 * folders, the file names, the encoding of each frame drawn by
 * sample-scene.c, and the thread pool that writes the frames. Files appear
 * whole (a temporary name, then a rename). */

#include <errno.h>
#include <string.h>

#include "gst/trial/sample.h"
#include "gst/trial/colormap.h"
#include "gst/trial/error.h"
#include "gst/trial/jpeg.h"
#include "gst/trial/npy.h"
#include "gst/trial/pngcodec.h"

#define SAMPLE_MAX_CAMERAS 99
#define SAMPLE_MAX_NUMBER G_MAXINT32

/* OpenCV's imwrite (which RealSense exports use) writes PNG at zlib level 1. */
#define SAMPLE_PNG_LEVEL 1
#define SAMPLE_JPEG_QUALITY 95

/* The colourised depth views map this range onto the jet colormap. */
#define SAMPLE_VIEW_MIN_M 0.3f
#define SAMPLE_VIEW_MAX_M 4.0f

typedef enum
{
  SAMPLE_FILE_COLOR,
  SAMPLE_FILE_DEPTH,
  SAMPLE_FILE_DEPTH_VIEW,       /* single_camera: colourised depth */
} SampleFile;

static const gchar *
sample_depth_extension (GstTrialDepthFormat format)
{
  switch (format) {
    case GST_TRIAL_DEPTH_NPY:
      return "npy";
    case GST_TRIAL_DEPTH_PNG:
      return "png";
    default:
      return "raw";
  }
}

/* Folder of @file relative to the trial, as sample.h lays it out. */
static gchar *
sample_folder (const GstTrialSampleOptions * options, guint camera_index,
    SampleFile file)
{
  gboolean swapped = options->depth_folder == GST_TRIAL_SAMPLE_DEPTH_SWAPPED;

  if (options->structure == GST_TRIAL_STRUCTURE_MULTI_CAMERA)
    return g_strdup_printf ("cam%u/%s", camera_index + 1,
        file == SAMPLE_FILE_COLOR ? "color" : "depth");
  switch (file) {
    case SAMPLE_FILE_COLOR:
      return g_strdup ("Color");
    case SAMPLE_FILE_DEPTH:
      return g_strdup (swapped ? "Depth_Color" : "Depth");
    default:
      return g_strdup (swapped ? "Depth" : "Depth_Color");
  }
}

static gchar *
sample_path (const GstTrialSampleOptions * options, const gchar * dir,
    guint camera_index, SampleFile file, gint64 number)
{
  g_autofree gchar *folder = sample_folder (options, camera_index, file);
  g_autofree gchar *name = NULL;
  const gchar *ext;

  if (file == SAMPLE_FILE_COLOR)
    ext = options->color_format == GST_TRIAL_COLOR_JPEG ? "jpg" : "png";
  else if (file == SAMPLE_FILE_DEPTH)
    ext = sample_depth_extension (options->depth_format);
  else
    ext = "png";

  if (options->structure == GST_TRIAL_STRUCTURE_MULTI_CAMERA)
    name = g_strdup_printf ("frame_%06" G_GINT64_FORMAT ".%s", number, ext);
  else
    /* single_camera names repeat the folder: Depth_Color/_Depth_Color_0231 */
    name = g_strdup_printf ("_%s_%04" G_GINT64_FORMAT ".%s", folder, number,
        ext);
  return g_build_filename (dir, folder, name, NULL);
}

static gboolean
sample_check_write_options (const GstTrialSampleOptions * options,
    GError ** error)
{
  const gchar *problem = NULL;

  if (!gst_trial_sample_check_size (options, error))
    return FALSE;

  if (options->structure != GST_TRIAL_STRUCTURE_MULTI_CAMERA
      && options->structure != GST_TRIAL_STRUCTURE_SINGLE_CAMERA)
    problem = "the structure must be multi_camera or single_camera";
  else if (options->structure == GST_TRIAL_STRUCTURE_MULTI_CAMERA
      && (options->n_cameras < 1 || options->n_cameras > SAMPLE_MAX_CAMERAS))
    problem = "a multi_camera trial needs 1 to 99 cameras";
  else if (options->color_format != GST_TRIAL_COLOR_PNG
      && options->color_format != GST_TRIAL_COLOR_JPEG)
    problem = "color files can only be written as png or jpeg";
  else if (options->depth_format != GST_TRIAL_DEPTH_NONE
      && options->depth_format != GST_TRIAL_DEPTH_RAW
      && options->depth_format != GST_TRIAL_DEPTH_NPY
      && options->depth_format != GST_TRIAL_DEPTH_PNG)
    problem = "the depth format must be none, raw, npy or png";
  else if (options->depth_folder != GST_TRIAL_SAMPLE_DEPTH_IN_DEPTH
      && options->depth_folder != GST_TRIAL_SAMPLE_DEPTH_SWAPPED)
    problem = "the depth folder must be in-depth or swapped";
  else if (options->gap_every == 1)
    problem = "gap_every 1 would skip every frame number: "
        "use 0 (no gaps) or 2 or more";

  if (problem != NULL) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "cannot write a sample trial: %s (structure %d, %u cameras, "
        "color format %d, depth format %d, depth folder %d, gap_every %u)",
        problem, (gint) options->structure, options->n_cameras,
        (gint) options->color_format, (gint) options->depth_format,
        (gint) options->depth_folder, options->gap_every);
    return FALSE;
  }

  if (options->start_frame < 0 || options->start_frame > SAMPLE_MAX_NUMBER
      || (options->n_frames > 0
          && gst_trial_sample_frame_number (options,
              options->n_frames - 1) > SAMPLE_MAX_NUMBER)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED,
        "cannot write a sample trial: frame numbers must lie in 0..%d, "
        "start frame %" G_GINT64_FORMAT " with %u frames does not",
        SAMPLE_MAX_NUMBER, options->start_frame, options->n_frames);
    return FALSE;
  }
  return TRUE;
}

static gboolean
sample_save (const gchar * path, GBytes * bytes, gint64 number,
    GError ** error)
{
  GError *local = NULL;
  gsize size;
  const gchar *data = g_bytes_get_data (bytes, &size);

  /* g_file_set_contents() writes a temporary file and renames it, so a
   * reader never sees half a frame */
  if (!g_file_set_contents (path, data, (gssize) size, &local)) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "frame %" G_GINT64_FORMAT ": cannot write '%s': %s", number, path,
        local->message);
    g_error_free (local);
    return FALSE;
  }
  return TRUE;
}

/* @depth as little-endian uint16, row-major: the .raw layout. @dest is
 * 2-byte aligned (g_malloc'd, or after a 64-byte npy header). */
static void
sample_depth_to_u16le (const GstTrialImage * depth, guint8 * dest)
{
  guint16 *out = (guint16 *) dest;

  for (guint y = 0; y < depth->height; y++) {
    const guint16 *src =
        (const guint16 *) (depth->data + (gsize) y * depth->stride);

    for (guint x = 0; x < depth->width; x++)
      *out++ = GUINT16_TO_LE (src[x]);
  }
}

/* A NumPy v1.0 file holding @depth as '<u2' millimetres, the way RealSense
 * exports save depth with numpy: the header dict padded with spaces and a
 * final newline so the data starts at a multiple of 64 bytes. */
static GBytes *
sample_depth_npy (const GstTrialImage * depth)
{
  static const guint8 magic[8] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0 };
  g_autofree gchar *dict =
      g_strdup_printf ("{'descr': '<u2', 'fortran_order': False, "
      "'shape': (%u, %u), }", depth->height, depth->width);
  gsize dict_len = strlen (dict);
  gsize header = (sizeof (magic) + 2 + dict_len + 1 + 63) / 64 * 64;
  gsize data_size = (gsize) depth->width * depth->height * 2;
  guint8 *out = g_malloc (header + data_size);

  memcpy (out, magic, sizeof (magic));
  out[8] = (header - 10) & 0xff;
  out[9] = (header - 10) >> 8;
  memcpy (out + 10, dict, dict_len);
  memset (out + 10 + dict_len, ' ', header - 10 - dict_len - 1);
  out[header - 1] = '\n';
  sample_depth_to_u16le (depth, out + header);
  return g_bytes_new_take (out, header + data_size);
}

/* The colourised depth RealSense exports for viewing: jet over 0.3-4 m,
 * holes black, as an 8-bit RGB PNG. */
static GBytes *
sample_depth_view (const GstTrialImage * depth, GError ** error)
{
  gsize n = (gsize) depth->width * depth->height;
  g_autoptr (GstTrialImage) view = NULL;
  g_autofree gfloat *metres = NULL;
  gsize i = 0;

  view = gst_trial_image_new (GST_TRIAL_PIXEL_RGB8, depth->width,
      depth->height, error);
  if (view == NULL)
    return NULL;
  metres = g_new (gfloat, n);
  for (guint y = 0; y < depth->height; y++) {
    const guint16 *src =
        (const guint16 *) (depth->data + (gsize) y * depth->stride);

    for (guint x = 0; x < depth->width; x++)
      metres[i++] = src[x] * 0.001f;
  }
  gst_trial_colormap_apply (GST_TRIAL_COLORMAP_JET, metres, n,
      SAMPLE_VIEW_MIN_M, SAMPLE_VIEW_MAX_M, view->data);
  return gst_trial_png_encode (view, SAMPLE_PNG_LEVEL, error);
}

static gboolean
sample_write_color (const GstTrialSampleOptions * options, const gchar * dir,
    guint camera_index, gint64 number, GError ** error)
{
  g_autoptr (GstTrialImage) image = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree gchar *path = NULL;

  image = gst_trial_sample_color (options, camera_index, number, error);
  if (image == NULL)
    return FALSE;
  if (options->color_format == GST_TRIAL_COLOR_JPEG)
    bytes = gst_trial_jpeg_encode (image, SAMPLE_JPEG_QUALITY, error);
  else
    bytes = gst_trial_png_encode (image, SAMPLE_PNG_LEVEL, error);
  if (bytes == NULL)
    return FALSE;
  path = sample_path (options, dir, camera_index, SAMPLE_FILE_COLOR, number);
  return sample_save (path, bytes, number, error);
}

static gboolean
sample_write_depth (const GstTrialSampleOptions * options, const gchar * dir,
    guint camera_index, gint64 number, GError ** error)
{
  g_autoptr (GstTrialImage) depth = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) view = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *view_path = NULL;

  depth = gst_trial_sample_depth (options, camera_index, number, error);
  if (depth == NULL)
    return FALSE;
  switch (options->depth_format) {
    case GST_TRIAL_DEPTH_NPY:
      bytes = sample_depth_npy (depth);
      break;
    case GST_TRIAL_DEPTH_PNG:
      bytes = gst_trial_png_encode (depth, SAMPLE_PNG_LEVEL, error);
      break;
    default:{
      gsize size = (gsize) depth->width * depth->height * 2;
      guint8 *raw = g_malloc (size);

      sample_depth_to_u16le (depth, raw);
      bytes = g_bytes_new_take (raw, size);
      break;
    }
  }
  if (bytes == NULL)
    return FALSE;
  path = sample_path (options, dir, camera_index, SAMPLE_FILE_DEPTH, number);
  if (!sample_save (path, bytes, number, error))
    return FALSE;

  if (options->structure != GST_TRIAL_STRUCTURE_SINGLE_CAMERA)
    return TRUE;
  view = sample_depth_view (depth, error);
  if (view == NULL)
    return FALSE;
  view_path = sample_path (options, dir, camera_index, SAMPLE_FILE_DEPTH_VIEW,
      number);
  return sample_save (view_path, view, number, error);
}

static guint
sample_n_cameras (const GstTrialSampleOptions * options)
{
  return options->structure == GST_TRIAL_STRUCTURE_MULTI_CAMERA ?
      options->n_cameras : 1;
}

static gboolean
sample_write_frame (const GstTrialSampleOptions * options, const gchar * dir,
    guint index, GError ** error)
{
  gint64 number = gst_trial_sample_frame_number (options, index);

  for (guint camera = 0; camera < sample_n_cameras (options); camera++) {
    if (!sample_write_color (options, dir, camera, number, error))
      return FALSE;
    if (options->depth_format != GST_TRIAL_DEPTH_NONE
        && !sample_write_depth (options, dir, camera, number, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
sample_make_folder (const GstTrialSampleOptions * options, const gchar * dir,
    guint camera_index, SampleFile file, GError ** error)
{
  g_autofree gchar *folder = sample_folder (options, camera_index, file);
  g_autofree gchar *path = g_build_filename (dir, folder, NULL);

  if (g_mkdir_with_parents (path, 0755) != 0) {
    gint saved_errno = errno;

    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "cannot create folder '%s': %s", path, g_strerror (saved_errno));
    return FALSE;
  }
  return TRUE;
}

typedef struct
{
  const GstTrialSampleOptions *options;
  const gchar *dir;
  gint failed;                  /* atomic: once set, queued frames skip */
  GMutex lock;                  /* protects error */
  GError *error;                /* the first failure */
} SampleWriter;

static void
sample_write_worker (gpointer data, gpointer user_data)
{
  SampleWriter *writer = user_data;
  guint index = GPOINTER_TO_UINT (data) - 1;
  GError *error = NULL;

  if (g_atomic_int_get (&writer->failed))
    return;
  if (!sample_write_frame (writer->options, writer->dir, index, &error)) {
    g_mutex_lock (&writer->lock);
    if (writer->error == NULL)
      writer->error = error;
    else
      g_error_free (error);
    g_atomic_int_set (&writer->failed, 1);
    g_mutex_unlock (&writer->lock);
  }
}

gboolean
gst_trial_sample_write (const GstTrialSampleOptions * options,
    const gchar * dir, GError ** error)
{
  SampleWriter writer = { options, dir, 0, {0}, NULL };
  GThreadPool *pool;
  guint n_threads;

  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (!sample_check_write_options (options, error))
    return FALSE;

  for (guint camera = 0; camera < sample_n_cameras (options); camera++) {
    if (!sample_make_folder (options, dir, camera, SAMPLE_FILE_COLOR, error))
      return FALSE;
    if (options->depth_format == GST_TRIAL_DEPTH_NONE)
      continue;
    if (!sample_make_folder (options, dir, camera, SAMPLE_FILE_DEPTH, error))
      return FALSE;
    if (options->structure == GST_TRIAL_STRUCTURE_SINGLE_CAMERA
        && !sample_make_folder (options, dir, camera, SAMPLE_FILE_DEPTH_VIEW,
            error))
      return FALSE;
  }
  if (options->n_frames == 0)
    return TRUE;

  /* Frames are independent: one job per frame, one thread per core. */
  n_threads = MIN (g_get_num_processors (), options->n_frames);
  g_mutex_init (&writer.lock);
  pool = g_thread_pool_new (sample_write_worker, &writer, (gint) n_threads,
      FALSE, NULL);
  for (guint i = 0; i < options->n_frames; i++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (i + 1), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  g_mutex_clear (&writer.lock);

  if (writer.error != NULL) {
    g_propagate_error (error, writer.error);
    return FALSE;
  }
  return TRUE;
}
