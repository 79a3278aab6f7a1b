/* gst-trial: the layout scan's first-frame probing (probe.h).
 *
 * Owns reading the first files of a scanned trial to learn what their
 * names cannot tell: the color size from the header of the first color
 * file that has one,
 * the depth shape from the sizes of the first .raw files or the first
 * depth file's header, the depth scale and dtype from the first depth file
 * that reads. A file that cannot be read or probed is skipped, never an
 * error: its frame fails later, when it is converted. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gst/trial/probe.h"
#include "gst/trial/bmp.h"
#include "gst/trial/depth.h"
#include "gst/trial/error.h"
#include "gst/trial/jpeg.h"
#include "gst/trial/pngverify.h"
#include "gst/trial/raw.h"

/* How many depth files are tried before the shape is left undecided. */
#define MAX_DEPTH_PROBES 8
/* How many color files are tried before the size is left undecided. */
#define MAX_COLOR_PROBES 8

/* What is read of the first color file to learn its size: the PNG
 * signature and IHDR take 33 bytes; JPEG and BMP are read whole (JPEG's SOF
 * may follow large EXIF/ICC segments) up to a bound against hostile files. */
#define PNG_HEAD_BYTES 64
#define COLOR_FILE_MAX_BYTES (64u * 1024 * 1024)

/* Used when no depth file tells: RealSense depth is uint16 millimetres. */
#define DEFAULT_DEPTH_SCALE 0.001

/* Up to @limit bytes from the start of the regular file @path; @whole says
 * whether that is all of it. NULL when it cannot be read. */
static guint8 *
read_head (const gchar * path, gsize limit, gsize * size, gboolean * whole)
{
  struct stat st;
  guint8 *data;
  gsize want, got = 0;
  int fd;

  /* O_NONBLOCK: a FIFO would block the scan until a writer comes; it is
   * refused below as not a regular file. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    close (fd);
    return NULL;
  }
  want = (guint64) st.st_size < limit ? (gsize) st.st_size : limit;
  data = g_malloc (want > 0 ? want : 1);
  while (got < want) {
    gssize n = read (fd, data + got, want - got);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += n;
  }
  close (fd);
  *size = got;
  *whole = (guint64) got == (guint64) st.st_size;
  return data;
}

static gboolean
read_color_size (const GstTrialLayout * layout, guint index,
    GstTrialProbe * probe)
{
  const GstTrialFrame *frame = gst_trial_layout_get_frame (layout, index);
  g_autofree gchar *path = gst_trial_layout_dup_color_path (layout, index);
  g_autofree guint8 *data = NULL;
  gsize size = 0;
  gboolean whole;
  guint width = 0, height = 0;
  gboolean ok = FALSE;

  data = read_head (path, frame->color_format ==
      GST_TRIAL_COLOR_PNG ? PNG_HEAD_BYTES : COLOR_FILE_MAX_BYTES, &size,
      &whole);
  if (data == NULL)
    return FALSE;

  switch (frame->color_format) {
    case GST_TRIAL_COLOR_PNG:{
      GstTrialPngHeader header;

      ok = gst_trial_png_read_header (data, size, &header, NULL);
      width = header.width;
      height = header.height;
      break;
    }
    case GST_TRIAL_COLOR_JPEG:
      ok = gst_trial_jpeg_read_size (data, size, &width, &height, NULL);
      break;
    case GST_TRIAL_COLOR_BMP:
      ok = gst_trial_bmp_read_size (data, size, &width, &height, NULL);
      break;
  }
  if (ok) {
    probe->color_width = width;
    probe->color_height = height;
  }
  return ok;
}

/* The shape of a .raw of @size bytes: the color frames' when it is theirs
 * (depth registered to color; the fixed list would miss uncommon sizes and
 * read 480x640 portrait frames as landscape), else by its size alone.
 * @square says the size names no known shape and was taken as a square. */
static gboolean
raw_shape_for_size (const GstTrialProbe * probe, guint64 size,
    guint * width, guint * height, gboolean * square)
{
  *square = FALSE;
  if (probe->color_width > 0
      && size == (guint64) probe->color_width * probe->color_height * 2) {
    *width = probe->color_width;
    *height = probe->color_height;
    return TRUE;
  }
  if (size > G_MAXSIZE || !gst_trial_raw_guess_shape (size, width, height))
    return FALSE;
  /* no known shape is square: guess_shape found none and took a square */
  *square = *width == *height;
  return TRUE;
}

/* .raw files have no header: their shape comes from their size. The sizes
 * of up to MAX_DEPTH_PROBES .raw files vote (one stat each, no read), so one
 * odd file, such as a truncated frame whose size happens to be a square,
 * does not decide the shape of the whole trial. At equal votes a known
 * shape beats a square, then the earlier file wins. */
static void
decide_raw_shape (const GstTrialLayout * layout, GstTrialProbe * probe)
{
  guint64 sizes[MAX_DEPTH_PROBES];
  guint votes[MAX_DEPTH_PROBES];
  gboolean squares[MAX_DEPTH_PROBES];
  guint i, j, n = 0, tried = 0, best = G_MAXUINT;
  guint n_frames = gst_trial_layout_get_n_frames (layout);
  guint width, height;

  for (i = 0; i < n_frames && tried < MAX_DEPTH_PROBES; i++) {
    const GstTrialFrame *frame = gst_trial_layout_get_frame (layout, i);
    g_autofree gchar *path = NULL;
    GStatBuf st;
    gboolean square;

    if (frame->depth_format != GST_TRIAL_DEPTH_RAW)
      continue;
    tried++;
    path = gst_trial_layout_dup_depth_path (layout, i);
    if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode)
        || !raw_shape_for_size (probe, st.st_size, &width, &height, &square))
      continue;
    for (j = 0; j < n && sizes[j] != (guint64) st.st_size; j++);
    if (j == n) {
      sizes[n] = st.st_size;
      squares[n] = square;
      votes[n++] = 0;
    }
    votes[j]++;
  }
  for (j = 0; j < n; j++) {
    if (best == G_MAXUINT || votes[j] > votes[best]
        || (votes[j] == votes[best] && squares[best] && !squares[j]))
      best = j;
  }
  if (best != G_MAXUINT) {
    gboolean square;

    raw_shape_for_size (probe, sizes[best], &width, &height, &square);
    probe->depth_width = width;
    probe->depth_height = height;
  }
}

/* Shape and scale from the first depth file that reads and probes; one
 * file read when it does (.raw shapes: decide_raw_shape). Needs the color
 * size read first. */
static void
decide_depth (const GstTrialLayout * layout,
    const GstTrialScanOptions * options, GstTrialProbe * probe)
{
  gboolean need_shape = options->depth_width == 0
      || options->depth_height == 0;
  gboolean need_scale = !(options->depth_scale > 0.0
      && isfinite (options->depth_scale));
  guint n_frames = gst_trial_layout_get_n_frames (layout);
  guint i, tried = 0;

  probe->depth_width = need_shape ? 0 : options->depth_width;
  probe->depth_height = need_shape ? 0 : options->depth_height;
  probe->depth_scale = need_scale ? DEFAULT_DEPTH_SCALE :
      options->depth_scale;
  probe->depth_scale_forced = !need_scale;
  probe->depth_scale_dtype = GST_TRIAL_DTYPE_U2;

  for (i = 0; i < n_frames; i++) {
    const GstTrialFrame *frame = gst_trial_layout_get_frame (layout, i);
    if (frame->depth_format != GST_TRIAL_DEPTH_NONE) {
      probe->depth_format = frame->depth_format;
      break;
    }
  }

  if (need_shape && probe->depth_format == GST_TRIAL_DEPTH_RAW) {
    decide_raw_shape (layout, probe);
    need_shape = FALSE;
  }

  for (i = 0; i < n_frames && tried < MAX_DEPTH_PROBES
      && (need_shape || need_scale); i++) {
    const GstTrialFrame *frame = gst_trial_layout_get_frame (layout, i);
    g_autofree gchar *path = NULL;
    g_autofree guint8 *data = NULL;
    gsize size = 0;
    gboolean whole = FALSE;
    guint width = 0, height = 0;
    gdouble scale = 0.0;
    GstTrialDtype dtype = GST_TRIAL_DTYPE_U2;

    if (frame->depth_format == GST_TRIAL_DEPTH_NONE)
      continue;
    tried++;
    path = gst_trial_layout_dup_depth_path (layout, i);
    data = read_head (path, GST_TRIAL_MAX_IMAGE_BYTES, &size,
        &whole);
    if (data == NULL || !whole)
      continue;
    if (need_shape && !gst_trial_depth_probe_shape (frame->depth_format,
            data, size, path, &width, &height, NULL))
      continue;
    if (need_scale && (!gst_trial_depth_decide_scale (frame->depth_format,
                data, size, path, &scale, NULL)
            || !gst_trial_depth_probe_dtype (frame->depth_format, data, size,
                path, &dtype, NULL)))
      continue;
    if (need_shape) {
      probe->depth_width = width;
      probe->depth_height = height;
    }
    if (need_scale) {
      probe->depth_scale = scale;
      probe->depth_scale_dtype = dtype;
    }
    break;
  }
}

void
gst_trial_probe_first_files (const GstTrialLayout * layout,
    const GstTrialScanOptions * options, GstTrialProbe * probe)
{
  guint i, n = MIN (gst_trial_layout_get_n_frames (layout), MAX_COLOR_PROBES);

  memset (probe, 0, sizeof (*probe));
  /* a missing or damaged first frame fails on its own, later; the size
   * (caps for raw video) comes from the next frame that has one */
  for (i = 0; i < n; i++) {
    if (read_color_size (layout, i, probe))
      break;
  }
  decide_depth (layout, options, probe);
}
