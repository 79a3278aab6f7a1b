/* gst-trial: the layout scan (TRIAL_FORMAT.md §1).
 *
 * Owns deciding, once per trial, the structure, the camera, the color and
 * depth folders and the files of every frame; the sizes, depth format and
 * scale read from the first files are probe.c's. Every folder involved is
 * listed exactly once with readdir(); the per-frame work is string matching
 * against those listings, so a scan costs no stat(), glob or listing per
 * frame. All frame paths live in one GStringChunk and all frames in one
 * GArray, so 100,000 frames take a few MB. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "gst/trial/layout.h"
#include "gst/trial/error.h"
#include "gst/trial/framename.h"
#include "gst/trial/probe.h"

/* A frame's file name is usually its folder's first name with another
 * number: prefix + the number printed with at least width digits + suffix
 * (e.g. "frame_" %06d ".png"). Only names that are not are stored, so the
 * frame index takes ~32 bytes a frame instead of two full paths. A form
 * whose prefix is NULL has not been learnt yet. */
typedef GstTrialFrameName NameForm;

/* One frame: the public part first, so that it can be handed out. */
typedef struct
{
  GstTrialFrame frame;
  const gchar *color_name;      /* in names, or NULL: the usual name */
  const gchar *depth_name;      /* likewise (depth_format NONE: no file) */
} FrameEntry;

/* NULL when @name is the usual one for @number (learning the form from
 * the first name), else @name kept in @chunk. */
static const gchar *
name_form_keep (NameForm * form, GStringChunk * chunk, const gchar * name,
    gint64 number)
{
  g_autofree gchar *usual = NULL;

  if (form->prefix == NULL && !gst_trial_frame_name_learn (form, name, number))
    return g_string_chunk_insert (chunk, name);
  usual = gst_trial_frame_name_format (form, number);
  return strcmp (usual, name) == 0 ? NULL :
      g_string_chunk_insert (chunk, name);
}

static gchar *
frame_file_path (const gchar * dir, const NameForm * form, const gchar * name,
    gint64 number)
{
  g_autofree gchar *usual = NULL;

  if (name == NULL)
    name = usual = gst_trial_frame_name_format (form, number);
  return g_build_filename (dir, name, NULL);
}

struct _GstTrialLayout
{
  gchar *path;
  gchar *trial_name;
  GstTrialStructure structure;
  gchar *camera;                /* NULL for single_camera */
  gchar **cameras;
  gchar *color_dir;
  gchar *depth_dir;             /* NULL when there is no depth folder */
  NameForm color_form;          /* the usual file name in color_dir */
  NameForm depth_form;          /* ... and in depth_dir */
  GStringChunk *names;          /* file names that are not the usual one */
  GArray *frames;               /* FrameEntry, sorted by number, unique */
  GstTrialColorFormat color_format;
  guint color_width;
  guint color_height;
  GstTrialDepthFormat depth_format;
  guint depth_width;
  guint depth_height;
  gdouble depth_scale;
  guint n_too_large;            /* color files numbered beyond 63 bits */
  gchar *too_large_name;        /* the first of them by name */
  gboolean depth_scale_forced;  /* given in the options: for every frame */
  GstTrialDtype depth_scale_dtype;      /* else: decided on this dtype */
  gboolean timestamp_named;     /* rs-convert 2.35+ names, paired by time */
  guint n_unpaired_depth;       /* depth files paired with no color frame */
};


static const struct
{
  const gchar *ext;
  GstTrialColorFormat format;
} color_exts[] = {
  /* The order decides between files of the same frame number. */
  {".png", GST_TRIAL_COLOR_PNG},
  {".jpg", GST_TRIAL_COLOR_JPEG},
  {".jpeg", GST_TRIAL_COLOR_JPEG},
  {".bmp", GST_TRIAL_COLOR_BMP},
};

static const struct
{
  const gchar *ext;
  GstTrialDepthFormat format;
} depth_exts[] = {
  /* .raw is true depth, .npy may be, .png is the last resort. */
  {".raw", GST_TRIAL_DEPTH_RAW},
  {".npy", GST_TRIAL_DEPTH_NPY},
  {".png", GST_TRIAL_DEPTH_PNG},
};

/* The name forms a folder's files are tried in, such as "frame_" %06d:
 * the text up to and including the last '_' and the digits, zero-padded;
 * the extension is not part of them. */
#define MAX_PATTERNS 8

typedef struct
{
  GstTrialFrameName p[MAX_PATTERNS];
  guint n;
} NamePatterns;

static void
name_patterns_add (NamePatterns * patterns, const gchar * prefix, guint width)
{
  g_assert (patterns->n < MAX_PATTERNS);
  gst_trial_frame_name_init (&patterns->p[patterns->n++], prefix, width, "");
}

static void
name_patterns_clear (NamePatterns * patterns)
{
  guint i;

  for (i = 0; i < patterns->n; i++)
    gst_trial_frame_name_clear (&patterns->p[i]);
  patterns->n = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NamePatterns, name_patterns_clear);

/* The first pattern whose form @name's prefix and digits are, or
 * patterns->n. */
static guint
name_patterns_rank (const NamePatterns * patterns, const gchar * name,
    gsize prefix_len, gsize n_digits)
{
  guint i;

  for (i = 0; i < patterns->n; i++) {
    if (gst_trial_frame_name_spells (&patterns->p[i], name,
            prefix_len + n_digits))
      return i;
  }
  return patterns->n;
}

/* ---- listing folders ---- */

typedef void (*EntryFunc) (const gchar * name, gsize len, gpointer user_data);

/* d_type spares a stat() per entry. Symlinks and DT_UNKNOWN (filesystems
 * that do not fill d_type) are accepted: a wrong guess only means that
 * reading that file fails later, like any unreadable frame. */
static gboolean
entry_is_wanted (const struct dirent *ent, gboolean want_dirs)
{
#ifdef _DIRENT_HAVE_D_TYPE
  switch (ent->d_type) {
    case DT_UNKNOWN:
    case DT_LNK:
      return TRUE;
    case DT_DIR:
      return want_dirs;
    case DT_REG:
      return !want_dirs;
    default:
      return FALSE;
  }
#else
  (void) ent;
  (void) want_dirs;
  return TRUE;
#endif
}

static void
set_io_error (GError ** error, const gchar * what, const gchar * path,
    int errsv)
{
  g_autofree gchar *display = g_filename_display_name (path);

  g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
      "cannot %s '%s': %s", what, display, g_strerror (errsv));
}

/* Calls @func for every entry of @dir that is (or may be) a folder when
 * @want_dirs, else a file. GDir cannot tell, hence readdir(). */
static gboolean
list_folder (const gchar * dir, gboolean want_dirs, EntryFunc func,
    gpointer user_data, GError ** error)
{
  DIR *d;
  struct dirent *ent;
  int errsv;

  d = opendir (dir);
  if (d == NULL) {
    set_io_error (error, "list folder", dir, errno);
    return FALSE;
  }
  for (;;) {
    errno = 0;
    ent = readdir (d);
    if (ent == NULL)
      break;
    if (ent->d_name[0] == '.' && (ent->d_name[1] == '\0'
            || (ent->d_name[1] == '.' && ent->d_name[2] == '\0')))
      continue;
    if (entry_is_wanted (ent, want_dirs))
      func (ent->d_name, strlen (ent->d_name), user_data);
  }
  errsv = errno;
  closedir (d);
  if (errsv != 0) {
    set_io_error (error, "list folder", dir, errsv);
    return FALSE;
  }
  return TRUE;
}

static void
collect_camera (const gchar * name, gsize len, gpointer user_data)
{
  GPtrArray *names = user_data;

  if (len >= 3 && memcmp (name, "cam", 3) == 0)
    g_ptr_array_add (names, g_strndup (name, len));
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* @a followed by @b, kept in @chunk. */
static const gchar *
chunk_concat (GStringChunk * chunk, const gchar * a, const gchar * b)
{
  g_autofree gchar *s = g_strconcat (a, b, NULL);

  return g_string_chunk_insert (chunk, s);
}

/* @parent/@first if it is a folder, else @parent/@second if that is one. */
static gchar *
pick_folder (const gchar * parent, const gchar * first, const gchar * second)
{
  gchar *dir = g_build_filename (parent, first, NULL);

  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    return dir;
  g_free (dir);
  dir = g_build_filename (parent, second, NULL);
  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    return dir;
  g_free (dir);
  return NULL;
}

/* ---- color frames ---- */

typedef struct
{
  gint64 number;
  const gchar *name;            /* in ColorListing.names */
  guint ext;                    /* index in color_exts */
  guint pattern;                /* rank in the name patterns */
} ColorFile;

typedef struct
{
  const NamePatterns *patterns;
  gint64 start;                 /* -1 = open */
  gint64 stop;                  /* -1 = open */
  GStringChunk *names;
  GArray *files;                /* ColorFile in [start, stop] */
  guint n_numbered;             /* numbered files, in the range or not */
  gint64 min;
  gint64 max;
  guint n_too_large;            /* numbered beyond G_MAXINT64 */
  gchar *too_large_name;        /* the first of them by strcmp */
} ColorListing;

/* A color frame is "<anything>_<digits><color extension>" whose number
 * fits in 63 bits (leading zeros do not count); the extension is
 * case-sensitive, as the seed's glob was. Returns the index in color_exts,
 * -1 when the name is no frame's, -2 when its number is too large. */
static gint
parse_color_name (const gchar * name, gsize len, gint64 * number,
    gsize * prefix_len, gsize * n_digits)
{
  guint i;
  gsize dot, start, k;
  gint64 value = 0;

  for (i = 0; i < G_N_ELEMENTS (color_exts); i++) {
    gsize ext_len = strlen (color_exts[i].ext);

    if (len > ext_len && memcmp (name + len - ext_len, color_exts[i].ext,
            ext_len) == 0)
      break;
  }
  if (i == G_N_ELEMENTS (color_exts))
    return -1;

  dot = len - strlen (color_exts[i].ext);
  start = dot;
  while (start > 0 && g_ascii_isdigit (name[start - 1]))
    start--;
  if (start == dot || start == 0 || name[start - 1] != '_')
    return -1;
  for (k = start; k < dot; k++) {
    gint digit = name[k] - '0';

    if (value > (G_MAXINT64 - digit) / 10)
      return -2;
    value = value * 10 + digit;
  }

  *number = value;
  *prefix_len = start;
  *n_digits = dot - start;
  return i;
}

static void
collect_color_file (const gchar * name, gsize len, gpointer user_data)
{
  ColorListing *listing = user_data;
  ColorFile file;
  gsize prefix_len, n_digits;
  gint ext;

  ext = parse_color_name (name, len, &file.number, &prefix_len, &n_digits);
  if (ext == -2) {
    listing->n_too_large++;
    if (listing->too_large_name == NULL
        || strcmp (name, listing->too_large_name) < 0) {
      g_free (listing->too_large_name);
      listing->too_large_name = g_strndup (name, len);
    }
    return;
  }
  if (ext < 0)
    return;

  if (listing->n_numbered == 0 || file.number < listing->min)
    listing->min = file.number;
  if (listing->n_numbered == 0 || file.number > listing->max)
    listing->max = file.number;
  listing->n_numbered++;

  if ((listing->start >= 0 && file.number < listing->start)
      || (listing->stop >= 0 && file.number > listing->stop))
    return;

  file.name = g_string_chunk_insert_len (listing->names, name, len);
  file.ext = ext;
  file.pattern = name_patterns_rank (listing->patterns, name, prefix_len,
      n_digits);
  g_array_append_val (listing->files, file);
}

/* By number; within a number the file that wins sorts first: extension
 * order, then name form order, then strcmp, so the choice never depends on
 * the order readdir() returned. */
static gint
compare_color_files (gconstpointer pa, gconstpointer pb)
{
  const ColorFile *a = pa, *b = pb;

  if (a->number != b->number)
    return a->number < b->number ? -1 : 1;
  if (a->ext != b->ext)
    return a->ext < b->ext ? -1 : 1;
  if (a->pattern != b->pattern)
    return a->pattern < b->pattern ? -1 : 1;
  return strcmp (a->name, b->name);
}

/* ---- depth folders ---- */

typedef struct
{
  gchar *dir;
  GStringChunk *chunk;
  GHashTable *names;            /* set of the depth file names of dir */
  gboolean has_raw;
  gboolean has_npy;
} DepthListing;

static void
depth_listing_free (DepthListing * listing)
{
  g_free (listing->dir);
  g_clear_pointer (&listing->names, g_hash_table_unref);
  g_clear_pointer (&listing->chunk, g_string_chunk_free);
  g_free (listing);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DepthListing, depth_listing_free)

static void
collect_depth_file (const gchar * name, gsize len, gpointer user_data)
{
  DepthListing *listing = user_data;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (depth_exts); i++) {
    if (len > 4 && memcmp (name + len - 4, depth_exts[i].ext, 4) == 0)
      break;
  }
  if (i == G_N_ELEMENTS (depth_exts))
    return;
  if (depth_exts[i].format == GST_TRIAL_DEPTH_RAW)
    listing->has_raw = TRUE;
  else if (depth_exts[i].format == GST_TRIAL_DEPTH_NPY)
    listing->has_npy = TRUE;
  g_hash_table_add (listing->names,
      g_string_chunk_insert_len (listing->chunk, name, len));
}

/* Takes @dir. */
static DepthListing *
depth_listing_new (gchar * dir, GError ** error)
{
  g_autoptr (DepthListing) listing = g_new0 (DepthListing, 1);

  listing->dir = dir;
  listing->chunk = g_string_chunk_new (64 * 1024);
  listing->names = g_hash_table_new (g_str_hash, g_str_equal);
  if (!list_folder (dir, FALSE, collect_depth_file, listing, error))
    return NULL;
  return g_steal_pointer (&listing);
}

/* The name of frame @number in form @p with extension @ext, in @buf;
 * FALSE if it does not fit (then no such file can exist: names are shorter
 * than NAME_MAX). */
static gboolean
compose_name (gchar * buf, gsize size, const GstTrialFrameName * p,
    gint64 number, const gchar * ext)
{
  gsize len = gst_trial_frame_name_format_to (p, number, buf, size);

  return len > 0 && g_strlcpy (buf + len, ext, size - len) < size - len;
}

/* The depth file of frame @number: the first name of the candidates, in
 * pattern-major order (for each name form, each extension) or, when
 * @ext_major, extension-major order, that the folder holds. */
static const gchar *
find_depth_name (const DepthListing * listing, const NamePatterns * patterns,
    gboolean ext_major, gint64 number, GstTrialDepthFormat * format)
{
  gchar buf[512];
  guint n_exts = G_N_ELEMENTS (depth_exts);
  guint k;

  for (k = 0; k < patterns->n * n_exts; k++) {
    guint pi = ext_major ? k % patterns->n : k / n_exts;
    guint ei = ext_major ? k / patterns->n : k % n_exts;
    const gchar *found;

    if (!compose_name (buf, sizeof buf, &patterns->p[pi], number,
            depth_exts[ei].ext))
      continue;
    found = g_hash_table_lookup (listing->names, buf);
    if (found != NULL) {
      *format = depth_exts[ei].format;
      return found;
    }
  }
  return NULL;
}

/* ---- the scan ---- */

/* Sizes, depth format and scale from the first files (probe.c). */
static void
probe_first_files (GstTrialLayout * layout,
    const GstTrialScanOptions * options)
{
  GstTrialProbe probe;

  gst_trial_probe_first_files (layout, options, &probe);
  layout->color_width = probe.color_width;
  layout->color_height = probe.color_height;
  layout->depth_format = probe.depth_format;
  layout->depth_width = probe.depth_width;
  layout->depth_height = probe.depth_height;
  layout->depth_scale = probe.depth_scale;
  layout->depth_scale_forced = probe.depth_scale_forced;
  layout->depth_scale_dtype = probe.depth_scale_dtype;
}

static void
gst_trial_layout_clear (gpointer data)
{
  GstTrialLayout *layout = data;

  g_free (layout->path);
  g_free (layout->trial_name);
  g_free (layout->camera);
  g_strfreev (layout->cameras);
  g_free (layout->color_dir);
  g_free (layout->depth_dir);
  g_free (layout->too_large_name);
  g_clear_pointer (&layout->frames, g_array_unref);
  g_clear_pointer (&layout->names, g_string_chunk_free);
  gst_trial_frame_name_clear (&layout->color_form);
  gst_trial_frame_name_clear (&layout->depth_form);
}

/* @path without trailing separators (but "/" stays "/"). */
static gchar *
strip_trailing_separators (const gchar * path)
{
  gsize len = strlen (path);

  while (len > 1 && G_IS_DIR_SEPARATOR (path[len - 1]))
    len--;
  return g_strndup (path, len);
}

static gchar *
join_display_names (gchar ** names)
{
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; names[i] != NULL; i++) {
    g_autofree gchar *display = g_filename_display_name (names[i]);

    if (i > 0)
      g_string_append (s, ", ");
    g_string_append (s, display);
  }
  return g_string_free (s, FALSE);
}

/* Finds the cam* folders with a color folder; FALSE only on I/O errors. */
static gboolean
find_cameras (GstTrialLayout * layout, GError ** error)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *cameras;
  guint i;

  if (!list_folder (layout->path, TRUE, collect_camera, names, error))
    return FALSE;
  g_ptr_array_sort (names, compare_strings);

  cameras = g_ptr_array_new ();
  for (i = 0; i < names->len; i++) {
    g_autofree gchar *cam_dir = g_build_filename (layout->path,
        (const gchar *) names->pdata[i], NULL);
    g_autofree gchar *color_dir = pick_folder (cam_dir, "color", "Color");

    if (color_dir != NULL)
      g_ptr_array_add (cameras, g_steal_pointer (&names->pdata[i]));
  }
  g_ptr_array_add (cameras, NULL);
  layout->cameras = (gchar **) g_ptr_array_free (cameras, FALSE);
  return TRUE;
}

static gboolean
choose_camera (GstTrialLayout * layout, const gchar * wanted, GError ** error)
{
  g_autofree gchar *list = NULL;
  g_autofree gchar *display = NULL;
  g_autofree gchar *wanted_display = NULL;

  if (wanted == NULL || wanted[0] == '\0') {
    layout->camera = g_strdup (layout->cameras[0]);
    return TRUE;
  }
  if (g_strv_contains ((const gchar * const *) layout->cameras, wanted)) {
    layout->camera = g_strdup (wanted);
    return TRUE;
  }

  list = join_display_names (layout->cameras);
  display = g_filename_display_name (layout->path);
  wanted_display = g_utf8_make_valid (wanted, -1);
  g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNKNOWN_CAMERA,
      "camera '%s' not found in trial '%s'; its cameras are: %s",
      wanted_display, display, list);
  return FALSE;
}

/* multi_camera: color before Color; depth before Depth. Depth names are
 * tried per extension (.raw, .npy, .png), and for each the seed's %06d forms
 * first, then the same forms with %04d, which the seed did not know but
 * some exports write. */
static gboolean
setup_multi_camera (GstTrialLayout * layout, GStringChunk * scratch,
    const gchar * camera, NamePatterns * color_patterns,
    NamePatterns * depth_patterns, DepthListing ** depth, GError ** error)
{
  g_autofree gchar *cam_dir = NULL;
  g_autofree gchar *depth_dir = NULL;
  const gchar *cam_prefix;

  layout->structure = GST_TRIAL_STRUCTURE_MULTI_CAMERA;
  if (!choose_camera (layout, camera, error))
    return FALSE;

  cam_dir = g_build_filename (layout->path, layout->camera, NULL);
  layout->color_dir = pick_folder (cam_dir, "color", "Color");
  if (layout->color_dir == NULL) {
    g_autofree gchar *display = g_filename_display_name (cam_dir);

    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO,
        "folder '%s' has no 'color' or 'Color' folder any more", display);
    return FALSE;
  }

  cam_prefix = chunk_concat (scratch, layout->camera, "_");

  name_patterns_add (color_patterns, "frame_", 6);
  name_patterns_add (color_patterns, "Color_", 6);
  name_patterns_add (color_patterns, cam_prefix, 6);
  name_patterns_add (color_patterns, "frame_", 4);
  name_patterns_add (color_patterns, "Color_", 4);
  name_patterns_add (color_patterns, cam_prefix, 4);

  name_patterns_add (depth_patterns, "frame_", 6);
  name_patterns_add (depth_patterns, "Depth_", 6);
  name_patterns_add (depth_patterns, cam_prefix, 6);
  name_patterns_add (depth_patterns, "frame_", 4);
  name_patterns_add (depth_patterns, "Depth_", 4);
  name_patterns_add (depth_patterns, cam_prefix, 4);

  depth_dir = pick_folder (cam_dir, "depth", "Depth");
  if (depth_dir != NULL) {
    layout->depth_dir = g_strdup (depth_dir);
    *depth = depth_listing_new (g_steal_pointer (&depth_dir), error);
    if (*depth == NULL)
      return FALSE;
  }
  return TRUE;
}

/* single_camera (RealSense Viewer / rs-convert exports): "Color" is
 * preferred over "color" (the order TRIAL_FORMAT.md names them in). The
 * depth folder is the first of Depth, depth, Depth_Color, depth_color that
 * holds a .raw file, else the first holding a .npy, else the first there
 * is: exports sometimes swap Depth and Depth_Color, and the .raw files are
 * the true depth. Each of those folders is listed at most once. */
static gboolean
setup_single_camera (GstTrialLayout * layout, GStringChunk * scratch,
    const gchar * camera, NamePatterns * color_patterns,
    NamePatterns * depth_patterns, DepthListing ** depth, GError ** error)
{
  static const gchar *const depth_folders[] = {
    "Depth", "depth", "Depth_Color", "depth_color"
  };
  g_autoptr (GPtrArray) listings =
      g_ptr_array_new_with_free_func ((GDestroyNotify) depth_listing_free);
  DepthListing *chosen = NULL, *with_npy = NULL, *first = NULL;
  g_autofree gchar *base = NULL;
  const gchar *folder_prefix;
  guint i;

  layout->structure = GST_TRIAL_STRUCTURE_SINGLE_CAMERA;
  if (camera != NULL && camera[0] != '\0'
      && strcmp (camera, GST_TRIAL_SINGLE_CAMERA) != 0) {
    g_autofree gchar *display = g_filename_display_name (layout->path);
    g_autofree gchar *camera_display = g_utf8_make_valid (camera, -1);

    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNKNOWN_CAMERA,
        "camera '%s' not found in trial '%s'; it is a single_camera trial, "
        "its cameras are: " GST_TRIAL_SINGLE_CAMERA, camera_display, display);
    return FALSE;
  }

  for (i = 0; i < G_N_ELEMENTS (depth_folders) && chosen == NULL; i++) {
    gchar *dir = g_build_filename (layout->path, depth_folders[i], NULL);
    DepthListing *listing;

    if (!g_file_test (dir, G_FILE_TEST_IS_DIR)) {
      g_free (dir);
      continue;
    }
    listing = depth_listing_new (dir, error);
    if (listing == NULL)
      return FALSE;
    g_ptr_array_add (listings, listing);
    if (listing->has_raw)
      chosen = listing;
    if (listing->has_npy && with_npy == NULL)
      with_npy = listing;
    if (first == NULL)
      first = listing;
  }
  if (chosen == NULL)
    chosen = with_npy != NULL ? with_npy : first;

  name_patterns_add (color_patterns, "_Color_", 4);
  name_patterns_add (color_patterns, "_Color_", 6);
  name_patterns_add (color_patterns, "frame_", 6);
  name_patterns_add (color_patterns, "frame_", 4);
  name_patterns_add (color_patterns, "Color_", 6);
  name_patterns_add (color_patterns, "Color_", 4);

  if (chosen != NULL) {
    base = g_path_get_basename (chosen->dir);
    folder_prefix = chunk_concat (scratch, "_", base);
    folder_prefix = chunk_concat (scratch, folder_prefix, "_");
    name_patterns_add (depth_patterns, folder_prefix, 4);
    name_patterns_add (depth_patterns, folder_prefix, 6);
    name_patterns_add (depth_patterns, "_Depth_", 4);
    name_patterns_add (depth_patterns, "_Depth_", 6);
    name_patterns_add (depth_patterns, "frame_", 6);
    name_patterns_add (depth_patterns, "frame_", 4);
    name_patterns_add (depth_patterns, "Depth_", 6);
    name_patterns_add (depth_patterns, "Depth_", 4);

    layout->depth_dir = g_strdup (chosen->dir);
    g_ptr_array_find (listings, chosen, &i);
    *depth = g_ptr_array_steal_index_fast (listings, i);
  }
  return TRUE;
}

static void
set_no_frames_error (const ColorListing * colors, const gchar * color_dir,
    GError ** error)
{
  g_autofree gchar *display = g_filename_display_name (color_dir);
  g_autofree gchar *from = NULL;
  g_autofree gchar *to = NULL;

  if (colors->n_numbered == 0 && colors->n_too_large > 0) {
    g_autofree gchar *name =
        g_filename_display_name (colors->too_large_name);

    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES,
        "no color frames in '%s': %u color file%s a frame number larger "
        "than %" G_GINT64_FORMAT ", e.g. '%s'", display, colors->n_too_large,
        colors->n_too_large == 1 ? " has" : "s have", G_MAXINT64, name);
    return;
  }
  if (colors->n_numbered == 0) {
    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES,
        "no color frames in '%s': expected .png, .jpg, .jpeg or .bmp files "
        "named <name>_<frame number>, e.g. frame_000231.png", display);
    return;
  }
  from = colors->start >= 0 ?
      g_strdup_printf ("%" G_GINT64_FORMAT, colors->start) : g_strdup ("first");
  to = colors->stop >= 0 ?
      g_strdup_printf ("%" G_GINT64_FORMAT, colors->stop) : g_strdup ("last");
  g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES,
      "no color frames in the range [%s, %s] in '%s': its frames run from %"
      G_GINT64_FORMAT " to %" G_GINT64_FORMAT, from, to, display, colors->min,
      colors->max);
}

/* ---- timestamp-named exports (rs-convert 2.35+) ---- */

/* One file named <anything>_<ms>.<fraction><ext>, e.g.
 * _Color_360713.52299999998650.png: @time in ns (fraction cut to ns). */
typedef struct
{
  gint64 time;
  const gchar *name;
  guint ext;                    /* index in color_exts or depth_exts */
} StampFile;

/* The time in ns of a name "<anything>_<digits>.<digits>" ending at @end;
 * FALSE when the name is not of that form or the time is beyond 63 bits. */
static gboolean
parse_stamp (const gchar * name, gsize end, gint64 * time)
{
  gsize dot, start, k;
  gint64 ms = 0, frac = 0;
  guint n_frac = 0;

  dot = end;
  while (dot > 0 && g_ascii_isdigit (name[dot - 1]))
    dot--;
  if (dot == end || dot == 0 || name[dot - 1] != '.')
    return FALSE;
  start = dot - 1;
  while (start > 0 && g_ascii_isdigit (name[start - 1]))
    start--;
  if (start == dot - 1 || start == 0 || name[start - 1] != '_')
    return FALSE;
  for (k = start; k < dot - 1; k++) {
    if (ms > (G_MAXINT64 / 1000000 - 9) / 10)
      return FALSE;
    ms = ms * 10 + (name[k] - '0');
  }
  for (k = dot; k < end && n_frac < 6; k++, n_frac++)
    frac = frac * 10 + (name[k] - '0');
  for (; n_frac < 6; n_frac++)
    frac *= 10;
  *time = ms * 1000000 + frac;
  return TRUE;
}

typedef struct
{
  GStringChunk *names;
  GArray *files;                /* StampFile */
  gboolean depth;
} StampListing;

static void
collect_stamp_file (const gchar * name, gsize len, gpointer user_data)
{
  StampListing *listing = user_data;
  StampFile file;
  guint i, n = listing->depth ? G_N_ELEMENTS (depth_exts) :
      G_N_ELEMENTS (color_exts);

  for (i = 0; i < n; i++) {
    const gchar *ext = listing->depth ? depth_exts[i].ext : color_exts[i].ext;
    gsize ext_len = strlen (ext);

    if (len > ext_len && memcmp (name + len - ext_len, ext, ext_len) == 0
        && parse_stamp (name, len - ext_len, &file.time))
      break;
  }
  if (i == n)
    return;
  file.name = g_string_chunk_insert_len (listing->names, name, len);
  file.ext = i;
  g_array_append_val (listing->files, file);
}

/* By time; within a time the preferred extension, then the name. */
static gint
compare_stamp_files (gconstpointer pa, gconstpointer pb)
{
  const StampFile *a = pa, *b = pb;

  if (a->time != b->time)
    return a->time < b->time ? -1 : 1;
  if (a->ext != b->ext)
    return a->ext < b->ext ? -1 : 1;
  return strcmp (a->name, b->name);
}

/* Sorted by time, one file per time (the first of each). */
static gboolean
list_stamp_files (const gchar * dir, gboolean depth, GStringChunk * names,
    GArray * files, GError ** error)
{
  StampListing listing = { names, files, depth };
  guint i, kept = 0;

  if (!list_folder (dir, FALSE, collect_stamp_file, &listing, error))
    return FALSE;
  g_array_sort (files, compare_stamp_files);
  for (i = 0; i < files->len; i++)
    if (kept == 0 || g_array_index (files, StampFile, i).time !=
        g_array_index (files, StampFile, kept - 1).time)
      g_array_index (files, StampFile, kept++) =
          g_array_index (files, StampFile, i);
  g_array_set_size (files, kept);
  return TRUE;
}

static gint
compare_gint64 (gconstpointer pa, gconstpointer pb)
{
  gint64 a = *(const gint64 *) pa, b = *(const gint64 *) pb;

  return a < b ? -1 : a > b;
}

/* The frame period of @times (sorted): the median of the differences
 * between consecutive times; 0 when there are fewer than two. */
static gint64
median_period (const gint64 * times, guint n)
{
  g_autofree gint64 *deltas = NULL;
  guint i;

  if (n < 2)
    return 0;
  deltas = g_new (gint64, n - 1);
  for (i = 1; i < n; i++)
    deltas[i - 1] = times[i] - times[i - 1];
  qsort (deltas, n - 1, sizeof (gint64), compare_gint64);
  return deltas[(n - 1) / 2];
}

gint64
gst_trial_pair_by_time (const gint64 * color, guint n_color,
    const gint64 * depth, guint n_depth, gint * pairs, guint * n_unpaired)
{
  gint64 period = median_period (color, n_color);
  gint64 half;
  guint i, j, c = 0, paired = 0;

  if (period == 0)
    period = median_period (depth, n_depth);
  half = period > 0 ? period / 2 : G_MAXINT64;
  for (i = 0; i < n_color; i++)
    pairs[i] = -1;
  for (j = 0; j < n_depth; j++) {
    gint64 d = depth[j], dist;

    /* the nearest color time: c moves forward with the depth times */
    while (c + 1 < n_color && ABS (color[c + 1] - d) < ABS (color[c] - d))
      c++;
    if (n_color == 0)
      break;
    dist = ABS (color[c] - d);
    if (dist > half)
      continue;
    if (pairs[c] >= 0 && ABS (color[c] - depth[pairs[c]]) <= dist)
      continue;
    if (pairs[c] < 0)
      paired++;
    pairs[c] = j;
  }
  *n_unpaired = n_depth - paired;
  return period;
}

/* A single_camera folder of rs-convert 2.35+ exports: color frames
 * numbered 0, 1, ... in time order, each with the depth file nearest in
 * time within half a frame period (gst_trial_pair_by_time). */
static gboolean
build_stamp_frames (GstTrialLayout * layout, const gchar * depth_dir,
    const GstTrialScanOptions * options, GError ** error)
{
  g_autoptr (GStringChunk) scratch = g_string_chunk_new (64 * 1024);
  g_autoptr (GArray) colors = g_array_new (FALSE, FALSE, sizeof (StampFile));
  g_autoptr (GArray) depths = g_array_new (FALSE, FALSE, sizeof (StampFile));
  g_autofree gint64 *ct = NULL, *dt = NULL;
  g_autofree gint *pairs = NULL;
  guint i;

  if (!list_stamp_files (layout->color_dir, FALSE, scratch, colors, error))
    return FALSE;
  if (colors->len == 0)
    return TRUE;
  if (depth_dir != NULL
      && !list_stamp_files (depth_dir, TRUE, scratch, depths, error))
    return FALSE;
  ct = g_new (gint64, colors->len);
  dt = g_new (gint64, depths->len + 1);
  pairs = g_new (gint, colors->len);
  for (i = 0; i < colors->len; i++)
    ct[i] = g_array_index (colors, StampFile, i).time;
  for (i = 0; i < depths->len; i++)
    dt[i] = g_array_index (depths, StampFile, i).time;
  gst_trial_pair_by_time (ct, colors->len, dt, depths->len, pairs,
      &layout->n_unpaired_depth);

  layout->timestamp_named = TRUE;
  layout->names = g_string_chunk_new (4096);
  layout->frames = g_array_new (FALSE, FALSE, sizeof (FrameEntry));
  for (i = 0; i < colors->len; i++) {
    const StampFile *file = &g_array_index (colors, StampFile, i);
    FrameEntry entry = { {0}, NULL, NULL };

    if ((options->start_frame >= 0 && i < options->start_frame)
        || (options->stop_frame >= 0 && i > options->stop_frame))
      continue;
    entry.frame.number = i;
    entry.frame.color_format = color_exts[file->ext].format;
    entry.color_name = name_form_keep (&layout->color_form, layout->names,
        file->name, i);
    entry.frame.depth_format = GST_TRIAL_DEPTH_NONE;
    if (pairs[i] >= 0) {
      const StampFile *d = &g_array_index (depths, StampFile, pairs[i]);

      entry.frame.depth_format = depth_exts[d->ext].format;
      entry.depth_name = name_form_keep (&layout->depth_form, layout->names,
          d->name, i);
    }
    g_array_append_val (layout->frames, entry);
  }
  if (layout->frames->len == 0) {
    g_autofree gchar *display = g_filename_display_name (layout->color_dir);

    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_FRAMES,
        "no color frames in the range [%" G_GINT64_FORMAT ", %"
        G_GINT64_FORMAT "] in '%s': its %u timestamp-named frames are "
        "numbered 0 to %u in time order", options->start_frame,
        options->stop_frame, display, colors->len, colors->len - 1);
    return FALSE;
  }
  return TRUE;
}

static void
build_frames (GstTrialLayout * layout, GArray * files,
    const DepthListing * depth, const NamePatterns * depth_patterns)
{
  gboolean ext_major =
      layout->structure == GST_TRIAL_STRUCTURE_MULTI_CAMERA;
  guint i;

  layout->names = g_string_chunk_new (4096);
  layout->frames = g_array_sized_new (FALSE, FALSE, sizeof (FrameEntry),
      files->len);

  for (i = 0; i < files->len; i++) {
    const ColorFile *file = &g_array_index (files, ColorFile, i);
    FrameEntry entry = { {0}, NULL, NULL };
    const gchar *depth_name = NULL;

    /* files is sorted so that the winner of a number comes first */
    if (i > 0 && file->number == g_array_index (files, ColorFile, i - 1).number)
      continue;

    entry.frame.number = file->number;
    entry.frame.color_format = color_exts[file->ext].format;
    entry.color_name = name_form_keep (&layout->color_form, layout->names,
        file->name, file->number);
    entry.frame.depth_format = GST_TRIAL_DEPTH_NONE;
    if (depth != NULL)
      depth_name = find_depth_name (depth, depth_patterns, ext_major,
          file->number, &entry.frame.depth_format);
    if (depth_name != NULL)
      entry.depth_name = name_form_keep (&layout->depth_form, layout->names,
          depth_name, file->number);
    g_array_append_val (layout->frames, entry);
  }
}

GstTrialLayout *
gst_trial_layout_scan (const gchar * path, const GstTrialScanOptions * options,
    GError ** error)
{
  static const GstTrialScanOptions defaults = GST_TRIAL_SCAN_OPTIONS_INIT;
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autoptr (GStringChunk) scratch = NULL;
  g_autoptr (DepthListing) depth = NULL;
  g_autoptr (GArray) files = NULL;
  g_autofree gchar *canonical = NULL;
  g_auto (NamePatterns) color_patterns = { 0 };
  g_auto (NamePatterns) depth_patterns = { 0 };
  ColorListing colors = { 0 };
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &defaults;

  if (g_stat (path, &st) != 0) {
    int errsv = errno;
    g_autofree gchar *display = g_filename_display_name (path);

    if (errsv == ENOENT || errsv == ENOTDIR)
      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NOT_FOUND,
          "trial folder '%s' does not exist", display);
    else
      set_io_error (error, "read trial folder", path, errsv);
    return NULL;
  }
  if (!S_ISDIR (st.st_mode)) {
    g_autofree gchar *display = g_filename_display_name (path);

    g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NOT_A_FOLDER,
        "trial path '%s' is not a folder; a trial is a folder holding "
        "cam*/color/ (multi_camera) or Color/ (single_camera)", display);
    return NULL;
  }

  layout = g_atomic_rc_box_new0 (GstTrialLayout);
  layout->path = strip_trailing_separators (path);
  canonical = g_canonicalize_filename (layout->path, NULL);
  layout->trial_name = g_path_get_basename (canonical);
  scratch = g_string_chunk_new (256 * 1024);

  if (!find_cameras (layout, error))
    return NULL;
  if (layout->cameras[0] != NULL) {
    if (!setup_multi_camera (layout, scratch, options->camera,
            &color_patterns, &depth_patterns, &depth, error))
      return NULL;
  } else {
    layout->color_dir = pick_folder (layout->path, "Color", "color");
    if (layout->color_dir == NULL) {
      g_autofree gchar *display = g_filename_display_name (layout->path);

      g_set_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_NO_LAYOUT,
          "'%s' is not a trial folder: expected a cam* folder holding a "
          "'color' or 'Color' folder (multi_camera), or a 'Color' or 'color' "
          "folder (single_camera); found neither", display);
      return NULL;
    }
    g_strfreev (layout->cameras);
    layout->cameras = g_new0 (gchar *, 2);
    layout->cameras[0] = g_strdup (GST_TRIAL_SINGLE_CAMERA);
    if (!setup_single_camera (layout, scratch, options->camera,
            &color_patterns, &depth_patterns, &depth, error))
      return NULL;
  }

  files = g_array_new (FALSE, FALSE, sizeof (ColorFile));
  colors.patterns = &color_patterns;
  colors.start = MAX (options->start_frame, -1);
  colors.stop = MAX (options->stop_frame, -1);
  colors.names = scratch;
  colors.files = files;
  if (!list_folder (layout->color_dir, FALSE, collect_color_file, &colors,
          error)) {
    g_free (colors.too_large_name);
    return NULL;
  }
  g_array_sort (files, compare_color_files);
  layout->n_too_large = colors.n_too_large;
  layout->too_large_name = colors.too_large_name;

  if (layout->structure == GST_TRIAL_STRUCTURE_SINGLE_CAMERA
      && colors.n_numbered == 0 && colors.n_too_large == 0) {
    if (!build_stamp_frames (layout, depth != NULL ? depth->dir : NULL,
            options, error))
      return NULL;
  }
  if (layout->frames == NULL)
    build_frames (layout, files, depth, &depth_patterns);
  if (layout->frames->len == 0) {
    set_no_frames_error (&colors, layout->color_dir, error);
    return NULL;
  }

  layout->color_format =
      gst_trial_layout_get_frame (layout, 0)->color_format;
  probe_first_files (layout, options);

  return g_steal_pointer (&layout);
}

GstTrialLayout *
gst_trial_layout_scan_camera (const gchar * path, const gchar * camera,
    gint64 start_frame, gint64 stop_frame, GError ** error)
{
  GstTrialScanOptions options = GST_TRIAL_SCAN_OPTIONS_INIT;

  options.camera = camera;
  options.start_frame = start_frame;
  options.stop_frame = stop_frame;
  return gst_trial_layout_scan (path, &options, error);
}

G_DEFINE_BOXED_TYPE (GstTrialLayout, gst_trial_layout, gst_trial_layout_ref,
    gst_trial_layout_unref);

GstTrialLayout *
gst_trial_layout_ref (GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, NULL);

  return g_atomic_rc_box_acquire (layout);
}

void
gst_trial_layout_unref (GstTrialLayout * layout)
{
  g_return_if_fail (layout != NULL);

  g_atomic_rc_box_release_full (layout, gst_trial_layout_clear);
}

const gchar *
gst_trial_layout_get_path (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, NULL);

  return layout->path;
}

const gchar *
gst_trial_layout_get_trial_name (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, NULL);

  return layout->trial_name;
}

GstTrialStructure
gst_trial_layout_get_structure (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, GST_TRIAL_STRUCTURE_MULTI_CAMERA);

  return layout->structure;
}

const gchar *
gst_trial_structure_to_string (GstTrialStructure structure)
{
  switch (structure) {
    case GST_TRIAL_STRUCTURE_MULTI_CAMERA:
      return "multi_camera";
    case GST_TRIAL_STRUCTURE_SINGLE_CAMERA:
      return "single_camera";
  }
  g_return_val_if_reached (NULL);
}

const gchar *
gst_trial_layout_get_camera (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, NULL);

  return layout->camera;
}

const gchar *
gst_trial_layout_get_output_camera (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, NULL);

  return layout->camera != NULL ? layout->camera : GST_TRIAL_SINGLE_CAMERA;
}

const gchar *const *
gst_trial_layout_get_cameras (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, NULL);

  return (const gchar * const *) layout->cameras;
}

const gchar *
gst_trial_layout_get_color_dir (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, NULL);

  return layout->color_dir;
}

const gchar *
gst_trial_layout_get_depth_dir (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, NULL);

  return layout->depth_dir;
}

guint
gst_trial_layout_get_n_frames (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, 0);

  return layout->frames->len;
}

const GstTrialFrame *
gst_trial_layout_get_frame (const GstTrialLayout * layout, guint index)
{
  g_return_val_if_fail (layout != NULL, NULL);
  g_return_val_if_fail (index < layout->frames->len, NULL);

  return &g_array_index (layout->frames, FrameEntry, index).frame;
}

gchar *
gst_trial_layout_dup_color_path (const GstTrialLayout * layout, guint index)
{
  const FrameEntry *entry;

  g_return_val_if_fail (layout != NULL, NULL);
  g_return_val_if_fail (index < layout->frames->len, NULL);

  entry = &g_array_index (layout->frames, FrameEntry, index);
  return frame_file_path (layout->color_dir, &layout->color_form,
      entry->color_name, entry->frame.number);
}

gchar *
gst_trial_layout_dup_depth_path (const GstTrialLayout * layout, guint index)
{
  const FrameEntry *entry;

  g_return_val_if_fail (layout != NULL, NULL);
  g_return_val_if_fail (index < layout->frames->len, NULL);

  entry = &g_array_index (layout->frames, FrameEntry, index);
  if (entry->frame.depth_format == GST_TRIAL_DEPTH_NONE)
    return NULL;
  return frame_file_path (layout->depth_dir, &layout->depth_form,
      entry->depth_name, entry->frame.number);
}

guint
gst_trial_layout_find_frame (const GstTrialLayout * layout, gint64 number)
{
  guint lo = 0, hi;

  g_return_val_if_fail (layout != NULL, 0);

  hi = layout->frames->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;

    if (gst_trial_layout_get_frame (layout, mid)->number < number)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

gint64
gst_trial_layout_get_first_frame (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, -1);

  return gst_trial_layout_get_frame (layout, 0)->number;
}

gint64
gst_trial_layout_get_last_frame (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, -1);

  return gst_trial_layout_get_frame (layout, layout->frames->len - 1)->number;
}

GstTrialColorFormat
gst_trial_layout_get_color_format (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, GST_TRIAL_COLOR_PNG);

  return layout->color_format;
}

const gchar *
gst_trial_color_format_to_string (GstTrialColorFormat format)
{
  switch (format) {
    case GST_TRIAL_COLOR_PNG:
      return "png";
    case GST_TRIAL_COLOR_JPEG:
      return "jpeg";
    case GST_TRIAL_COLOR_BMP:
      return "bmp";
  }
  g_return_val_if_reached (NULL);
}

guint
gst_trial_layout_get_color_width (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, 0);

  return layout->color_width;
}

guint
gst_trial_layout_get_color_height (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, 0);

  return layout->color_height;
}

GstTrialDepthFormat
gst_trial_layout_get_depth_format (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, GST_TRIAL_DEPTH_NONE);

  return layout->depth_format;
}

guint
gst_trial_layout_get_depth_width (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, 0);

  return layout->depth_width;
}

guint
gst_trial_layout_get_depth_height (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, 0);

  return layout->depth_height;
}

gdouble
gst_trial_layout_get_depth_scale (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, 0.0);

  return layout->depth_scale;
}

guint
gst_trial_layout_get_n_numbers_too_large (const GstTrialLayout * layout,
    const gchar ** first_name)
{
  g_return_val_if_fail (layout != NULL, 0);

  if (first_name != NULL)
    *first_name = layout->too_large_name;
  return layout->n_too_large;
}

gboolean
gst_trial_layout_is_timestamp_named (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, FALSE);

  return layout->timestamp_named;
}

guint
gst_trial_layout_get_n_unpaired_depth (const GstTrialLayout * layout)
{
  g_return_val_if_fail (layout != NULL, 0);

  return layout->n_unpaired_depth;
}

gboolean
gst_trial_layout_get_depth_scale_dtype (const GstTrialLayout * layout,
    GstTrialDtype * dtype)
{
  g_return_val_if_fail (layout != NULL && dtype != NULL, FALSE);

  if (layout->depth_scale_forced)
    return FALSE;
  *dtype = layout->depth_scale_dtype;
  return TRUE;
}

gboolean
gst_trial_color_format_from_name (const gchar * name,
    GstTrialColorFormat * format)
{
  gsize len, ext_len;
  guint i;

  g_return_val_if_fail (name != NULL && format != NULL, FALSE);

  len = strlen (name);
  for (i = 0; i < G_N_ELEMENTS (color_exts); i++) {
    ext_len = strlen (color_exts[i].ext);
    if (len > ext_len && strcmp (name + len - ext_len,
            color_exts[i].ext) == 0) {
      *format = color_exts[i].format;
      return TRUE;
    }
  }
  return FALSE;
}

GstTrialDepthFormat
gst_trial_depth_format_from_name (const gchar * name)
{
  gsize len, ext_len;
  guint i;

  g_return_val_if_fail (name != NULL, GST_TRIAL_DEPTH_NONE);

  len = strlen (name);
  for (i = 0; i < G_N_ELEMENTS (depth_exts); i++) {
    ext_len = strlen (depth_exts[i].ext);
    if (len > ext_len && strcmp (name + len - ext_len,
            depth_exts[i].ext) == 0)
      return depth_exts[i].format;
  }
  return GST_TRIAL_DEPTH_NONE;
}
