/* gst-trial fuzzing: the layout scanner (layout.c) on trial folders built
 * from the input.
 *
 * The input describes files, folders and symlinks whose path components
 * come from a list of names that matter to the layout rules (corpus.h has
 * the encoding), with literal or template contents. The folder is built in
 * a per-process temporary folder, scanned with three option sets, every
 * frame of each result is read and decoded as trialsrc and trialconvert
 * would, and the folder is removed again. The result of each scan is
 * checked against layout.h: frames sorted and unique, paths inside the
 * chosen folders, formats matching paths, options honoured. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/corpus.h"
#include "gst/trial/bmp.h"
#include "gst/trial/depth.h"
#include "gst/trial/jpeg.h"
#include "gst/trial/layout.h"
#include "gst/trial/pngcodec.h"

/* Bounds that keep one input within a few milliseconds. */
#define MAX_ENTRIES 64
#define MAX_DEPTH_PIXELS (64 * 64)

static void
remove_tree (const gchar * path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode)) {
    GDir *dir = g_dir_open (path, 0, NULL);
    const gchar *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
      g_autofree gchar *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
    if (dir != NULL)
      g_dir_close (dir);
    g_rmdir (path);
  } else {
    g_unlink (path);
  }
}

static gchar *process_root;

static void
remove_process_root (void)
{
  remove_tree (process_root);
}

/* One folder per process, removed at exit, so parallel fuzzing jobs and
 * test runs never meet. */
static const gchar *
get_process_root (void)
{
  if (process_root == NULL) {
    GError *error = NULL;

    process_root = g_dir_make_tmp ("gst-trial-fuzz-layout-XXXXXX", &error);
    if (process_root == NULL)
      g_error ("cannot make a temporary folder: %s", error->message);
    atexit (remove_process_root);
  }
  return process_root;
}

static void
write_file (const gchar * path, const guint8 * data, gsize size,
    gboolean unreadable)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
      O_CLOEXEC, unreadable ? 0 : 0644);
  gsize done = 0;

  /* a path through a file or onto a folder or link is part of the game */
  if (fd < 0)
    return;
  while (done < size) {
    gssize n = write (fd, data + done, size - done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    done += n;
  }
  close (fd);
}

gchar *
fuzz_layout_build (const guint8 * data, gsize size, const gchar * dir)
{
  guint8 flags = size > 0 ? data[0] : 0;
  g_autofree gchar *first = NULL;
  gsize pos = 1;
  guint entries;

  for (entries = 0; pos < size && entries < MAX_ENTRIES; entries++) {
    guint n = (data[pos] & 3) + 1, kind = (data[pos] >> 2) & 3, i;
    g_autoptr (GString) rel = g_string_new (NULL);
    g_autofree gchar *path = NULL;
    g_autofree gchar *parent = NULL;

    pos++;
    if (size - pos < n)
      break;
    for (i = 0; i < n; i++) {
      if (i > 0)
        g_string_append_c (rel, G_DIR_SEPARATOR);
      g_string_append (rel,
          fuzz_layout_names[data[pos++] % fuzz_layout_n_names]);
    }
    path = g_build_filename (dir, rel->str, NULL);
    parent = g_path_get_dirname (path);
    g_mkdir_with_parents (parent, 0755);

    switch (kind) {
      case FUZZ_LAYOUT_FOLDER:
        g_mkdir (path, 0755);
        break;
      case FUZZ_LAYOUT_LINK:
        if (pos < size)
          (void) symlink (fuzz_layout_names[data[pos++] % fuzz_layout_n_names],
              path);
        break;
      default:{
        guint len = pos < size ? data[pos++] : 0;

        if (len >= FUZZ_LAYOUT_TEMPLATE) {
          GBytes *t = fuzz_layout_template (len - FUZZ_LAYOUT_TEMPLATE);
          gsize t_size;
          const guint8 *t_data = g_bytes_get_data (t, &t_size);

          write_file (path, t_data, t_size, kind == FUZZ_LAYOUT_UNREADABLE);
        } else {
          len = MIN (len, size - pos);
          write_file (path, data + pos, len, kind == FUZZ_LAYOUT_UNREADABLE);
          pos += len;
        }
        break;
      }
    }
    if (first == NULL)
      first = g_steal_pointer (&path);
  }

  if ((flags & 1) && first != NULL)
    return g_strconcat (first, (flags & 2) ? G_DIR_SEPARATOR_S : "", NULL);
  return g_strconcat (dir, (flags & 2) ? G_DIR_SEPARATOR_S : "", NULL);
}

/* Reads and decodes one frame as trialsrc + trialconvert would. */
static void
read_frame (const GstTrialLayout * layout, guint index)
{
  const GstTrialFrame *frame = gst_trial_layout_get_frame (layout, index);
  g_autofree gchar *color_path = gst_trial_layout_dup_color_path (layout,
      index);
  g_autofree gchar *depth_path = gst_trial_layout_dup_depth_path (layout,
      index);
  guint width = gst_trial_layout_get_depth_width (layout);
  guint height = gst_trial_layout_get_depth_height (layout);
  g_autofree gchar *contents = NULL;
  g_autofree gfloat *metres = NULL;
  GstTrialImage *image = NULL;
  GError *error = NULL;
  gsize size;

  if (g_file_get_contents (color_path, &contents, &size, NULL)) {
    switch (frame->color_format) {
      case GST_TRIAL_COLOR_PNG:
        image = gst_trial_png_decode ((const guint8 *) contents, size,
            GST_TRIAL_PIXEL_RGB8, &error);
        break;
      case GST_TRIAL_COLOR_JPEG:
        image = gst_trial_jpeg_decode ((const guint8 *) contents, size,
            GST_TRIAL_PIXEL_RGB8, &error);
        break;
      case GST_TRIAL_COLOR_BMP:
        image = gst_trial_bmp_decode ((const guint8 *) contents, size,
            GST_TRIAL_PIXEL_RGB8, &error);
        break;
    }
    if (image != NULL)
      gst_trial_image_free (image);
    else
      fuzz_check_error (error);
    g_clear_pointer (&contents, g_free);
  }

  if (depth_path == NULL || width == 0 || height == 0
      || (guint64) width * height > MAX_DEPTH_PIXELS
      || !g_file_get_contents (depth_path, &contents, &size, NULL))
    return;
  metres = g_new (gfloat, (gsize) width * height);
  error = NULL;
  if (!gst_trial_depth_to_f32 (frame->depth_format, (const guint8 *) contents,
          size, depth_path, width, height,
          gst_trial_layout_get_depth_scale (layout), metres, &error))
    fuzz_check_error (error);
}

static gboolean
has_folder_prefix (const gchar * path, const gchar * folder)
{
  gsize len = strlen (folder);

  return strncmp (path, folder, len) == 0 && path[len] == G_DIR_SEPARATOR;
}

static void
check_layout (const GstTrialLayout * layout,
    const GstTrialScanOptions * options)
{
  const gchar *const *cameras = gst_trial_layout_get_cameras (layout);
  const gchar *camera = gst_trial_layout_get_camera (layout);
  const gchar *color_dir = gst_trial_layout_get_color_dir (layout);
  const gchar *depth_dir = gst_trial_layout_get_depth_dir (layout);
  guint n = gst_trial_layout_get_n_frames (layout), i;
  GstTrialDepthFormat depth_format = GST_TRIAL_DEPTH_NONE;
  gdouble scale = gst_trial_layout_get_depth_scale (layout);
  guint depth_width = gst_trial_layout_get_depth_width (layout);
  guint depth_height = gst_trial_layout_get_depth_height (layout);
  guint color_width = gst_trial_layout_get_color_width (layout);
  guint color_height = gst_trial_layout_get_color_height (layout);

  fuzz_check (gst_trial_layout_get_path (layout) != NULL);
  fuzz_check (gst_trial_layout_get_trial_name (layout) != NULL);
  fuzz_check (cameras != NULL && cameras[0] != NULL);
  for (i = 1; cameras[i] != NULL; i++)
    fuzz_check (strcmp (cameras[i - 1], cameras[i]) < 0);

  switch (gst_trial_layout_get_structure (layout)) {
    case GST_TRIAL_STRUCTURE_SINGLE_CAMERA:
      fuzz_check (camera == NULL);
      fuzz_check (cameras[1] == NULL
          && strcmp (cameras[0], GST_TRIAL_SINGLE_CAMERA) == 0);
      fuzz_check (strcmp (gst_trial_layout_get_output_camera (layout),
              GST_TRIAL_SINGLE_CAMERA) == 0);
      break;
    case GST_TRIAL_STRUCTURE_MULTI_CAMERA:
      fuzz_check (camera != NULL && g_str_has_prefix (camera, "cam"));
      fuzz_check (g_strv_contains (cameras, camera));
      fuzz_check (strcmp (gst_trial_layout_get_output_camera (layout),
              camera) == 0);
      if (options->camera != NULL && options->camera[0] != '\0')
        fuzz_check (strcmp (camera, options->camera) == 0);
      else
        fuzz_check (strcmp (camera, cameras[0]) == 0);
      break;
    default:
      g_error ("unknown structure %d",
          gst_trial_layout_get_structure (layout));
  }

  fuzz_check (color_dir != NULL);
  fuzz_check (n >= 1);
  fuzz_check ((color_width == 0) == (color_height == 0));
  for (i = 0; i < n; i++) {
    const GstTrialFrame *frame = gst_trial_layout_get_frame (layout, i);
    g_autofree gchar *color_path = gst_trial_layout_dup_color_path (layout,
        i);
    g_autofree gchar *depth_path = gst_trial_layout_dup_depth_path (layout,
        i);
    GStatBuf st;

    fuzz_check (frame->number >= 0);
    fuzz_check (i == 0
        || frame->number > gst_trial_layout_get_frame (layout, i - 1)->number);
    fuzz_check (options->start_frame < 0
        || frame->number >= options->start_frame);
    fuzz_check (options->stop_frame < 0
        || frame->number <= options->stop_frame);
    fuzz_check (gst_trial_layout_find_frame (layout, frame->number) == i);
    fuzz_check (gst_trial_layout_find_frame (layout, frame->number + 1) ==
        i + 1);
    /* a path names a file the scan listed, whether stored or rebuilt */
    fuzz_check (color_path != NULL
        && has_folder_prefix (color_path, color_dir)
        && g_lstat (color_path, &st) == 0);
    fuzz_check ((depth_path == NULL) ==
        (frame->depth_format == GST_TRIAL_DEPTH_NONE));
    if (depth_path != NULL) {
      fuzz_check (depth_dir != NULL
          && has_folder_prefix (depth_path, depth_dir)
          && g_lstat (depth_path, &st) == 0);
      if (depth_format == GST_TRIAL_DEPTH_NONE)
        depth_format = frame->depth_format;
    }
  }
  fuzz_check (gst_trial_layout_find_frame (layout, G_MININT64) == 0);
  fuzz_check (gst_trial_layout_get_first_frame (layout) ==
      gst_trial_layout_get_frame (layout, 0)->number);
  fuzz_check (gst_trial_layout_get_last_frame (layout) ==
      gst_trial_layout_get_frame (layout, n - 1)->number);
  fuzz_check (gst_trial_layout_get_frame (layout, 0)->color_format ==
      gst_trial_layout_get_color_format (layout));

  /* depth: the first frame's format, a shape that is whole or unknown,
   * forced values kept */
  fuzz_check (gst_trial_layout_get_depth_format (layout) == depth_format);
  fuzz_check ((depth_width == 0) == (depth_height == 0));
  if (options->depth_width > 0 && options->depth_height > 0)
    fuzz_check (depth_width == options->depth_width
        && depth_height == options->depth_height);
  if (options->depth_scale > 0.0)
    fuzz_check (scale == options->depth_scale);
  else
    fuzz_check (scale == 0.001 || scale == 1.0);

  for (i = 0; i < n; i++)
    read_frame (layout, i);
}

static void
scan (const gchar * path, const GstTrialScanOptions * options)
{
  GstTrialLayout *layout;
  GError *error = NULL;

  layout = gst_trial_layout_scan (path, options, &error);
  if (layout == NULL) {
    fuzz_check_error (error);
    return;
  }
  check_layout (layout, options);
  gst_trial_layout_unref (layout);
}

void
fuzz_layout_one (const guint8 * data, gsize size)
{
  static const gint64 ranges[4][2] = { {-1, -1}, {1, 1}, {2, 31}, {31, 1} };
  static const guint shapes[4][2] = { {0, 0}, {2, 2}, {2, 0}, {640, 480} };
  static const gchar *const cameras[4] = { NULL, "cam2", "",
    GST_TRIAL_SINGLE_CAMERA
  };
  guint8 flags = size > 0 ? data[0] : 0;
  g_autofree gchar *trial = g_build_filename (get_process_root (), "trial",
      NULL);
  g_autofree gchar *path = NULL;
  GstTrialScanOptions defaults = GST_TRIAL_SCAN_OPTIONS_INIT;
  GstTrialScanOptions ranged = GST_TRIAL_SCAN_OPTIONS_INIT;
  GstTrialScanOptions forced = GST_TRIAL_SCAN_OPTIONS_INIT;

  fuzz_check (g_mkdir (trial, 0755) == 0);
  path = fuzz_layout_build (data, size, trial);

  ranged.camera = cameras[flags >> 6];
  ranged.start_frame = ranges[(flags >> 2) & 3][0];
  ranged.stop_frame = ranges[(flags >> 2) & 3][1];
  forced.depth_width = shapes[(flags >> 4) & 3][0];
  forced.depth_height = shapes[(flags >> 4) & 3][1];
  forced.depth_scale = 1.0;

  scan (path, &defaults);
  scan (path, &ranged);
  scan (path, &forced);

  remove_tree (trial);
}

FUZZ_TARGET (fuzz_layout_one)
