/* gst-trial tests: the synthetic trial generator (gst/trial/sample.h) and
 * the trial-make-sample tool.
 *
 * Checks that frames are deterministic, camera-like (PNG size, depth range
 * and holes), that every layout writes exactly the files TRIAL_FORMAT.md
 * names, byte for byte what the generator returns, and that the layout
 * scanner reads the result back. */
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include "gst/trial/colormap.h"
#include "gst/trial/error.h"
#include "gst/trial/jpeg.h"
#include "gst/trial/layout.h"
#include "gst/trial/npy.h"
#include "gst/trial/pngcodec.h"
#include "gst/trial/sample.h"
#include "trialtest.h"

#define SMALL_W 64
#define SMALL_H 48

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* Sorted names in @dir/@relpath joined by ",", to compare whole listings. */
static gchar *
list_folder (const gchar * dir, const gchar * relpath)
{
  g_autofree gchar *path = g_build_filename (dir, relpath, NULL);
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const gchar *name;

  fail_unless (d != NULL, "cannot list %s", path);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (gchar **) names->pdata);
}

static void
assert_listing (const gchar * dir, const gchar * relpath,
    const gchar * expected)
{
  g_autofree gchar *names = list_folder (dir, relpath);

  fail_unless (g_strcmp0 (names, expected) == 0,
      "%s/%s holds '%s', expected '%s'", dir, relpath, names, expected);
}

static GBytes *
read_rel (const gchar * dir, const gchar * relpath)
{
  g_autofree gchar *path = g_build_filename (dir, relpath, NULL);

  return trial_test_read (path);
}

static void
assert_same_image (const GstTrialImage * a, const GstTrialImage * b)
{
  assert_equals_int (a->width, b->width);
  assert_equals_int (a->height, b->height);
  assert_equals_int (a->format, b->format);
  for (guint y = 0; y < a->height; y++)
    fail_unless (memcmp (a->data + y * a->stride, b->data + y * b->stride,
            a->width * gst_trial_pixel_format_bpp (a->format)) == 0,
        "row %u differs", y);
}

/* @data holds @depth as little-endian uint16, row-major. */
static void
assert_u16le_equals (const guint8 * data, const GstTrialImage * depth)
{
  for (guint y = 0; y < depth->height; y++) {
    const guint16 *row = (const guint16 *) (depth->data + y * depth->stride);

    for (guint x = 0; x < depth->width; x++, data += 2) {
      if ((data[0] | data[1] << 8) != row[x])
        fail ("depth (%u, %u) is %u, expected %u", x, y,
            data[0] | data[1] << 8, row[x]);
    }
  }
}

static gsize
count_differing_bytes (const GstTrialImage * a, const GstTrialImage * b)
{
  gsize n = 0;

  for (gsize i = 0; i < a->stride * a->height; i++)
    n += a->data[i] != b->data[i];
  return n;
}

static GstTrialSampleOptions
small_options (void)
{
  GstTrialSampleOptions options = GST_TRIAL_SAMPLE_OPTIONS_INIT;

  options.width = SMALL_W;
  options.height = SMALL_H;
  return options;
}

GST_START_TEST (test_deterministic)
{
  GstTrialSampleOptions options = GST_TRIAL_SAMPLE_OPTIONS_INIT;
  GstTrialSampleOptions other = GST_TRIAL_SAMPLE_OPTIONS_INIT;
  g_autoptr (GstTrialImage) c1 = NULL, c2 = NULL, c3 = NULL, c4 = NULL;
  g_autoptr (GstTrialImage) c5 = NULL;
  g_autoptr (GstTrialImage) d1 = NULL, d2 = NULL, d3 = NULL, d4 = NULL;
  GError *error = NULL;

  options.seed = 42;
  other.seed = 43;
  c1 = gst_trial_sample_color (&options, 0, 231, &error);
  g_assert_no_error (error);
  c2 = gst_trial_sample_color (&options, 0, 231, &error);
  c3 = gst_trial_sample_color (&other, 0, 231, &error);
  c4 = gst_trial_sample_color (&options, 0, 232, &error);
  c5 = gst_trial_sample_color (&options, 1, 231, &error);
  g_assert_no_error (error);
  assert_equals_int (c1->format, GST_TRIAL_PIXEL_RGB8);
  assert_equals_int (c1->width, 640);
  assert_equals_int (c1->height, 480);
  assert_same_image (c1, c2);
  /* another seed is another scene; the next frame and the next camera
   * have fresh sensor noise almost everywhere */
  fail_unless (count_differing_bytes (c1, c3) > c1->stride * c1->height / 2);
  fail_unless (count_differing_bytes (c1, c4) > c1->stride * c1->height / 2);
  fail_unless (count_differing_bytes (c1, c5) > c1->stride * c1->height / 2);

  d1 = gst_trial_sample_depth (&options, 0, 231, &error);
  g_assert_no_error (error);
  d2 = gst_trial_sample_depth (&options, 0, 231, &error);
  d3 = gst_trial_sample_depth (&other, 0, 231, &error);
  d4 = gst_trial_sample_depth (&options, 0, 232, &error);
  g_assert_no_error (error);
  assert_equals_int (d1->format, GST_TRIAL_PIXEL_GRAY16);
  assert_equals_int (d1->width, 640);
  assert_equals_int (d1->height, 480);
  assert_same_image (d1, d2);
  fail_unless (count_differing_bytes (d1, d3) > d1->stride * d1->height / 2);
  fail_unless (count_differing_bytes (d1, d4) > d1->stride * d1->height / 4);
}

GST_END_TEST;

GST_START_TEST (test_color_png_size)
{
  GstTrialSampleOptions options = GST_TRIAL_SAMPLE_OPTIONS_INIT;
  const gint64 numbers[] = { 0, 37, 231 };
  GError *error = NULL;

  for (guint seed = 1; seed <= 2; seed++) {
    options.seed = seed;
    for (guint i = 0; i < G_N_ELEMENTS (numbers); i++) {
      g_autoptr (GstTrialImage) color =
          gst_trial_sample_color (&options, 0, numbers[i], &error);
      g_autoptr (GBytes) png = NULL;
      gsize size;

      g_assert_no_error (error);
      png = gst_trial_png_encode (color, 1, &error);
      g_assert_no_error (error);
      size = g_bytes_get_size (png);
      fail_unless (size >= 400 * 1024 && size <= 650 * 1024,
          "seed %u frame %" G_GINT64_FORMAT ": PNG is %" G_GSIZE_FORMAT
          " bytes, expected 400-650 KB like a camera frame", seed,
          numbers[i], size);
    }
  }
}

GST_END_TEST;

GST_START_TEST (test_depth_values)
{
  GstTrialSampleOptions options = GST_TRIAL_SAMPLE_OPTIONS_INIT;
  GError *error = NULL;

  for (guint seed = 1; seed <= 3; seed++) {
    options.seed = seed;
    for (gint64 number = 0; number < 120; number += 17) {
      g_autoptr (GstTrialImage) depth =
          gst_trial_sample_depth (&options, 0, number, &error);
      gsize n = (gsize) depth->width * depth->height;
      gsize holes = 0, clustered = 0;
      guint lo = G_MAXUINT, hi = 0;

      g_assert_no_error (error);
      for (guint y = 0; y < depth->height; y++) {
        const guint16 *row =
            (const guint16 *) (depth->data + y * depth->stride);

        for (guint x = 0; x < depth->width; x++) {
          if (row[x] == 0) {
            holes++;
            /* a hole with a hole beside it: clusters, not salt */
            if ((x > 0 && row[x - 1] == 0)
                || (x + 1 < depth->width && row[x + 1] == 0))
              clustered++;
            continue;
          }
          /* checked with if: fail_unless per pixel is too slow */
          if (row[x] < 300 || row[x] > 4000)
            fail ("seed %u frame %" G_GINT64_FORMAT ": depth %u at (%u, %u) "
                "is outside 300..4000 mm", seed, number, row[x], x, y);
          lo = MIN (lo, row[x]);
          hi = MAX (hi, row[x]);
        }
      }
      fail_unless (holes * 100 >= n && holes * 100 <= n * 15,
          "seed %u frame %" G_GINT64_FORMAT ": %" G_GSIZE_FORMAT
          " holes of %" G_GSIZE_FORMAT " pixels, expected 1-15%%", seed,
          number, holes, n);
      fail_unless (clustered * 10 >= holes * 7,
          "only %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " holes clustered",
          clustered, holes);
      /* a room: near floor and a far wall */
      fail_unless (lo < 1000 && hi > 3000, "depth spans only %u..%u", lo, hi);
    }
  }
}

GST_END_TEST;

/* The smallest and odd sizes still make a scene: no division by zero or
 * overflow, depth in range and mostly valid. */
GST_START_TEST (test_small_sizes)
{
  GstTrialSampleOptions options = GST_TRIAL_SAMPLE_OPTIONS_INIT;
  const guint sizes[][2] = { {16, 16}, {17, 33}, {200, 16} };
  GError *error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
    g_autoptr (GstTrialImage) color = NULL;
    g_autoptr (GstTrialImage) depth = NULL;
    guint valid = 0;

    options.width = sizes[i][0];
    options.height = sizes[i][1];
    color = gst_trial_sample_color (&options, 0, 5, &error);
    g_assert_no_error (error);
    assert_equals_int (color->width, sizes[i][0]);
    assert_equals_int (color->height, sizes[i][1]);
    depth = gst_trial_sample_depth (&options, 0, 5, &error);
    g_assert_no_error (error);
    for (guint y = 0; y < depth->height; y++) {
      const guint16 *row =
          (const guint16 *) (depth->data + y * depth->stride);

      for (guint x = 0; x < depth->width; x++) {
        if (row[x] != 0 && (row[x] < 300 || row[x] > 4000))
          fail ("%ux%u: depth %u at (%u, %u)", depth->width, depth->height,
              row[x], x, y);
        valid += row[x] != 0;
      }
    }
    fail_unless (valid > depth->width * depth->height / 2);
  }
}

GST_END_TEST;

GST_START_TEST (test_frame_numbers)
{
  GstTrialSampleOptions options = GST_TRIAL_SAMPLE_OPTIONS_INIT;

  options.start_frame = 231;
  assert_equals_int64 (gst_trial_sample_frame_number (&options, 0), 231);
  assert_equals_int64 (gst_trial_sample_frame_number (&options, 133), 364);

  /* gap_every 4: 231 232 233 (234) 235 236 237 (238) 239 ... */
  options.gap_every = 4;
  assert_equals_int64 (gst_trial_sample_frame_number (&options, 0), 231);
  assert_equals_int64 (gst_trial_sample_frame_number (&options, 2), 233);
  assert_equals_int64 (gst_trial_sample_frame_number (&options, 3), 235);
  assert_equals_int64 (gst_trial_sample_frame_number (&options, 5), 237);
  assert_equals_int64 (gst_trial_sample_frame_number (&options, 6), 239);

  /* gap_every 2: every other number */
  options.start_frame = 0;
  options.gap_every = 2;
  assert_equals_int64 (gst_trial_sample_frame_number (&options, 0), 0);
  assert_equals_int64 (gst_trial_sample_frame_number (&options, 1), 2);
  assert_equals_int64 (gst_trial_sample_frame_number (&options, 10), 20);
}

GST_END_TEST;

GST_START_TEST (test_write_multi_camera)
{
  GstTrialSampleOptions options = small_options ();
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  const gint64 numbers[] = { 231, 232, 233, 235, 236, 237, 239, 240, 241,
    243
  };
  GError *error = NULL;

  options.n_cameras = 2;
  options.start_frame = 231;
  options.n_frames = 10;
  options.gap_every = 4;
  options.seed = 7;
  fail_unless (gst_trial_sample_write (&options, dir, &error));
  g_assert_no_error (error);

  assert_listing (dir, ".", "cam1,cam2");
  for (guint camera = 0; camera < 2; camera++) {
    g_autofree gchar *cam = g_strdup_printf ("cam%u", camera + 1);
    g_autofree gchar *color_dir = g_build_filename (cam, "color", NULL);
    g_autofree gchar *depth_dir = g_build_filename (cam, "depth", NULL);

    assert_listing (dir, cam, "color,depth");
    assert_listing (dir, color_dir,
        "frame_000231.png,frame_000232.png,frame_000233.png,"
        "frame_000235.png,frame_000236.png,frame_000237.png,"
        "frame_000239.png,frame_000240.png,frame_000241.png,"
        "frame_000243.png");
    assert_listing (dir, depth_dir,
        "frame_000231.raw,frame_000232.raw,frame_000233.raw,"
        "frame_000235.raw,frame_000236.raw,frame_000237.raw,"
        "frame_000239.raw,frame_000240.raw,frame_000241.raw,"
        "frame_000243.raw");

    for (guint i = 0; i < G_N_ELEMENTS (numbers); i++) {
      g_autofree gchar *name =
          g_strdup_printf ("%s/color/frame_%06" G_GINT64_FORMAT ".png", cam,
          numbers[i]);
      g_autofree gchar *raw_name =
          g_strdup_printf ("%s/depth/frame_%06" G_GINT64_FORMAT ".raw", cam,
          numbers[i]);
      g_autoptr (GBytes) png = read_rel (dir, name);
      g_autoptr (GBytes) raw = read_rel (dir, raw_name);
      g_autoptr (GstTrialImage) expected =
          gst_trial_sample_color (&options, camera, numbers[i], &error);
      g_autoptr (GstTrialImage) expected_depth =
          gst_trial_sample_depth (&options, camera, numbers[i], &error);
      g_autoptr (GstTrialImage) decoded = NULL;
      GstTrialPngHeader header;
      gsize size;
      const guint8 *data = g_bytes_get_data (png, &size);
      const guint8 *raw_data;

      g_assert_no_error (error);
      fail_unless (gst_trial_png_verify (data, size,
          GST_TRIAL_PNG_VERIFY_DATA, &header, &error));
      g_assert_no_error (error);
      assert_equals_int (header.bit_depth, 8);
      assert_equals_int (header.color_type, 2);       /* RGB */
      decoded = gst_trial_png_decode (data, size, GST_TRIAL_PIXEL_RGB8,
          &error);
      g_assert_no_error (error);
      assert_same_image (decoded, expected);

      raw_data = g_bytes_get_data (raw, &size);
      assert_equals_uint64 (size, SMALL_W * SMALL_H * 2);
      assert_u16le_equals (raw_data, expected_depth);
    }
  }
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_write_npy_and_png_depth)
{
  GstTrialSampleOptions options = small_options ();
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *npy_dir = g_build_filename (dir, "npy", NULL);
  g_autofree gchar *png_dir = g_build_filename (dir, "png", NULL);
  g_autoptr (GBytes) npy = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autoptr (GstTrialImage) expected = NULL;
  g_autoptr (GstTrialImage) decoded = NULL;
  GstTrialNpyInfo info;
  GstTrialPngHeader header;
  const guint8 *data;
  gsize size;
  GError *error = NULL;

  options.start_frame = 5;
  options.n_frames = 3;
  options.depth_format = GST_TRIAL_DEPTH_NPY;
  fail_unless (gst_trial_sample_write (&options, npy_dir, &error));
  g_assert_no_error (error);
  assert_listing (npy_dir, "cam1/depth",
      "frame_000005.npy,frame_000006.npy,frame_000007.npy");

  expected = gst_trial_sample_depth (&options, 0, 6, &error);
  g_assert_no_error (error);
  npy = read_rel (npy_dir, "cam1/depth/frame_000006.npy");
  data = g_bytes_get_data (npy, &size);
  fail_unless (gst_trial_npy_parse (data, size, &info, &error));
  g_assert_no_error (error);
  assert_equals_int (info.dtype, GST_TRIAL_DTYPE_U2);
  assert_equals_int (info.big_endian, FALSE);
  assert_equals_int (info.height, SMALL_H);
  assert_equals_int (info.width, SMALL_W);
  assert_equals_uint64 (info.data_offset, 128);
  assert_equals_uint64 (size, 128 + SMALL_W * SMALL_H * 2);
  {
    static const gchar header[] = "\x93NUMPY\x01\x00\x76\x00"
        "{'descr': '<u2', 'fortran_order': False, 'shape': (48, 64), }";

    fail_unless (memcmp (data, header, sizeof (header) - 1) == 0);
  }
  assert_equals_int (data[127], '\n');
  assert_equals_int (data[126], ' ');
  assert_u16le_equals (data + 128, expected);

  options.depth_format = GST_TRIAL_DEPTH_PNG;
  fail_unless (gst_trial_sample_write (&options, png_dir, &error));
  g_assert_no_error (error);
  assert_listing (png_dir, "cam1/depth",
      "frame_000005.png,frame_000006.png,frame_000007.png");
  png = read_rel (png_dir, "cam1/depth/frame_000006.png");
  data = g_bytes_get_data (png, &size);
  fail_unless (gst_trial_png_read_header (data, size, &header, &error));
  g_assert_no_error (error);
  assert_equals_int (header.bit_depth, 16);
  assert_equals_int (header.color_type, 0);   /* gray */
  decoded = gst_trial_png_decode (data, size, GST_TRIAL_PIXEL_GRAY16, &error);
  g_assert_no_error (error);
  assert_same_image (decoded, expected);

  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* The colourised depth view of frame @number must be jet over 0.3-4 m of
 * the frame's depth, pixel for pixel. */
static void
check_depth_view (const GstTrialSampleOptions * options, GBytes * png,
    gint64 number)
{
  g_autoptr (GstTrialImage) depth = NULL;
  g_autoptr (GstTrialImage) decoded = NULL;
  g_autofree gfloat *metres = NULL;
  g_autofree guint8 *rgb = NULL;
  gsize n = (gsize) options->width * options->height, size;
  const guint8 *data = g_bytes_get_data (png, &size);
  GstTrialPngHeader header;
  GError *error = NULL;

  fail_unless (gst_trial_png_read_header (data, size, &header, &error));
  g_assert_no_error (error);
  assert_equals_int (header.bit_depth, 8);
  assert_equals_int (header.color_type, 2);
  depth = gst_trial_sample_depth (options, 0, number, &error);
  g_assert_no_error (error);
  metres = g_new (gfloat, n);
  rgb = g_malloc (n * 3);
  for (gsize i = 0; i < n; i++)
    metres[i] = ((const guint16 *) depth->data)[i] * 0.001f;
  gst_trial_colormap_apply (GST_TRIAL_COLORMAP_JET, metres, n, 0.3f, 4.0f,
      rgb);
  decoded = gst_trial_png_decode (data, size, GST_TRIAL_PIXEL_RGB8, &error);
  g_assert_no_error (error);
  fail_unless (memcmp (decoded->data, rgb, n * 3) == 0);
}

GST_START_TEST (test_write_single_camera)
{
  GstTrialSampleOptions options = small_options ();
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autoptr (GBytes) raw = NULL;
  g_autoptr (GBytes) view = NULL;
  g_autoptr (GBytes) png = NULL;
  g_autoptr (GstTrialImage) expected = NULL;
  g_autoptr (GstTrialImage) decoded = NULL;
  GError *error = NULL;

  options.structure = GST_TRIAL_STRUCTURE_SINGLE_CAMERA;
  options.n_cameras = 5;        /* ignored: single_camera has one */
  options.start_frame = 9998;
  options.n_frames = 4;
  fail_unless (gst_trial_sample_write (&options, dir, &error));
  g_assert_no_error (error);

  assert_listing (dir, ".", "Color,Depth,Depth_Color");
  /* %04d grows past 9999 as RealSense exports do */
  assert_listing (dir, "Color",
      "_Color_10000.png,_Color_10001.png,_Color_9998.png,_Color_9999.png");
  assert_listing (dir, "Depth",
      "_Depth_10000.raw,_Depth_10001.raw,_Depth_9998.raw,_Depth_9999.raw");
  assert_listing (dir, "Depth_Color",
      "_Depth_Color_10000.png,_Depth_Color_10001.png,"
      "_Depth_Color_9998.png,_Depth_Color_9999.png");

  png = read_rel (dir, "Color/_Color_9999.png");
  expected = gst_trial_sample_color (&options, 0, 9999, &error);
  g_assert_no_error (error);
  decoded = gst_trial_png_decode (g_bytes_get_data (png, NULL),
      g_bytes_get_size (png), GST_TRIAL_PIXEL_RGB8, &error);
  g_assert_no_error (error);
  assert_same_image (decoded, expected);

  raw = read_rel (dir, "Depth/_Depth_10000.raw");
  assert_equals_uint64 (g_bytes_get_size (raw), SMALL_W * SMALL_H * 2);
  view = read_rel (dir, "Depth_Color/_Depth_Color_10000.png");
  check_depth_view (&options, view, 10000);

  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_write_single_camera_swapped)
{
  GstTrialSampleOptions options = small_options ();
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autoptr (GBytes) raw = NULL;
  g_autoptr (GBytes) view = NULL;
  g_autoptr (GBytes) jpeg = NULL;
  g_autoptr (GstTrialImage) decoded = NULL;
  guint width = 0, height = 0;
  GError *error = NULL;

  options.structure = GST_TRIAL_STRUCTURE_SINGLE_CAMERA;
  options.depth_folder = GST_TRIAL_SAMPLE_DEPTH_SWAPPED;
  options.color_format = GST_TRIAL_COLOR_JPEG;
  options.start_frame = 1;
  options.n_frames = 4;
  options.gap_every = 3;
  fail_unless (gst_trial_sample_write (&options, dir, &error));
  g_assert_no_error (error);

  assert_listing (dir, ".", "Color,Depth,Depth_Color");
  assert_listing (dir, "Color",
      "_Color_0001.jpg,_Color_0002.jpg,_Color_0004.jpg,_Color_0005.jpg");
  assert_listing (dir, "Depth",
      "_Depth_0001.png,_Depth_0002.png,_Depth_0004.png,_Depth_0005.png");
  assert_listing (dir, "Depth_Color",
      "_Depth_Color_0001.raw,_Depth_Color_0002.raw,"
      "_Depth_Color_0004.raw,_Depth_Color_0005.raw");

  raw = read_rel (dir, "Depth_Color/_Depth_Color_0004.raw");
  assert_equals_uint64 (g_bytes_get_size (raw), SMALL_W * SMALL_H * 2);
  view = read_rel (dir, "Depth/_Depth_0004.png");
  check_depth_view (&options, view, 4);

  jpeg = read_rel (dir, "Color/_Color_0005.jpg");
  fail_unless (gst_trial_jpeg_read_size (g_bytes_get_data (jpeg, NULL),
          g_bytes_get_size (jpeg), &width, &height, &error));
  g_assert_no_error (error);
  assert_equals_int (width, SMALL_W);
  assert_equals_int (height, SMALL_H);
  decoded = gst_trial_jpeg_decode (g_bytes_get_data (jpeg, NULL),
      g_bytes_get_size (jpeg), GST_TRIAL_PIXEL_RGB8, &error);
  g_assert_no_error (error);

  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_write_no_depth)
{
  GstTrialSampleOptions options = small_options ();
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *single = g_build_filename (dir, "single", NULL);
  g_autofree gchar *multi = g_build_filename (dir, "multi", NULL);
  GError *error = NULL;

  options.depth_format = GST_TRIAL_DEPTH_NONE;
  options.n_frames = 2;
  fail_unless (gst_trial_sample_write (&options, multi, &error));
  g_assert_no_error (error);
  assert_listing (multi, "cam1", "color");

  options.structure = GST_TRIAL_STRUCTURE_SINGLE_CAMERA;
  fail_unless (gst_trial_sample_write (&options, single, &error));
  g_assert_no_error (error);
  assert_listing (single, ".", "Color");
  assert_listing (single, "Color",
      "_Color_0000.png,_Color_0001.png");

  trial_test_rm_rf (dir);
}

GST_END_TEST;

static void
check_rejected (const GstTrialSampleOptions * options, gint code,
    const gchar * message_part)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *trial = g_build_filename (dir, "trial", NULL);
  GError *error = NULL;

  fail_if (gst_trial_sample_write (options, trial, &error));
  g_assert_error (error, GST_TRIAL_ERROR, code);
  fail_unless (strstr (error->message, message_part) != NULL,
      "'%s' does not say '%s'", error->message, message_part);
  /* checked before anything is written */
  fail_if (g_file_test (trial, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  trial_test_rm_rf (dir);
}

GST_START_TEST (test_write_rejects_bad_options)
{
  GstTrialSampleOptions options;
  GError *error = NULL;

  options = small_options ();
  options.gap_every = 1;
  check_rejected (&options, GST_TRIAL_ERROR_UNSUPPORTED, "gap_every 1");

  options = small_options ();
  options.width = 8;
  check_rejected (&options, GST_TRIAL_ERROR_UNSUPPORTED,
      "sample size 8x48 is too small");

  options = small_options ();
  options.height = GST_TRIAL_MAX_DIMENSION + 1;
  check_rejected (&options, GST_TRIAL_ERROR_TOO_LARGE, "at most 16384");

  options = small_options ();
  options.color_format = GST_TRIAL_COLOR_BMP;
  check_rejected (&options, GST_TRIAL_ERROR_UNSUPPORTED, "png or jpeg");

  options = small_options ();
  options.n_cameras = 0;
  check_rejected (&options, GST_TRIAL_ERROR_UNSUPPORTED, "1 to 99 cameras");

  options = small_options ();
  options.start_frame = -1;
  check_rejected (&options, GST_TRIAL_ERROR_UNSUPPORTED,
      "frame numbers must lie in 0..2147483647");

  options = small_options ();
  options.start_frame = G_MAXINT32 - 5;
  options.n_frames = 7;
  check_rejected (&options, GST_TRIAL_ERROR_UNSUPPORTED,
      "start frame 2147483642 with 7 frames");

  options = small_options ();
  options.depth_format = (GstTrialDepthFormat) 17;
  check_rejected (&options, GST_TRIAL_ERROR_UNSUPPORTED,
      "none, raw, npy or png");

  /* the frame generators check the size too */
  options = small_options ();
  options.width = 0;
  fail_if (gst_trial_sample_color (&options, 0, 0, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  options.width = 100000;
  fail_if (gst_trial_sample_depth (&options, 0, 0, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_TOO_LARGE);
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_write_io_error)
{
  GstTrialSampleOptions options = small_options ();
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *trial = g_build_filename (dir, "file", "trial", NULL);
  GError *error = NULL;

  /* a regular file where a folder must go */
  trial_test_write (dir, "file", "x", 1);
  fail_if (gst_trial_sample_write (&options, trial, &error));
  g_assert_error (error, GST_TRIAL_ERROR, GST_TRIAL_ERROR_IO);
  fail_unless (strstr (error->message, "cannot create folder") != NULL,
      "%s", error->message);
  fail_unless (strstr (error->message, trial) != NULL, "%s", error->message);
  g_clear_error (&error);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* The layout scanner must read what the generator writes. */
GST_START_TEST (test_layout_reads_sample)
{
  GstTrialSampleOptions options = GST_TRIAL_SAMPLE_OPTIONS_INIT;
  GstTrialScanOptions scan = GST_TRIAL_SCAN_OPTIONS_INIT;
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *multi = g_build_filename (dir, "trial_1", NULL);
  g_autofree gchar *single = g_build_filename (dir, "1", NULL);
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autoptr (GstTrialLayout) single_layout = NULL;
  GError *error = NULL;

  options.n_cameras = 2;
  options.start_frame = 231;
  options.n_frames = 6;
  options.gap_every = 3;
  fail_unless (gst_trial_sample_write (&options, multi, &error));
  g_assert_no_error (error);
  layout = gst_trial_layout_scan (multi, &scan, &error);
  g_assert_no_error (error);
  assert_equals_int (gst_trial_layout_get_structure (layout),
      GST_TRIAL_STRUCTURE_MULTI_CAMERA);
  assert_equals_string (gst_trial_layout_get_camera (layout), "cam1");
  assert_equals_int (gst_trial_layout_get_n_frames (layout), 6);
  assert_equals_int64 (gst_trial_layout_get_first_frame (layout), 231);
  assert_equals_int64 (gst_trial_layout_get_last_frame (layout), 238);
  assert_equals_int64 (gst_trial_layout_get_frame (layout, 2)->number, 234);
  assert_equals_int (gst_trial_layout_get_depth_format (layout),
      GST_TRIAL_DEPTH_RAW);
  /* .raw shape comes from the file size: 640x480 is one it knows */
  assert_equals_int (gst_trial_layout_get_depth_width (layout), 640);
  assert_equals_int (gst_trial_layout_get_depth_height (layout), 480);
  assert_equals_int (gst_trial_layout_get_color_width (layout), 640);

  options.width = SMALL_W;
  options.height = SMALL_H;
  options.structure = GST_TRIAL_STRUCTURE_SINGLE_CAMERA;
  options.depth_folder = GST_TRIAL_SAMPLE_DEPTH_SWAPPED;
  options.depth_format = GST_TRIAL_DEPTH_NPY;
  fail_unless (gst_trial_sample_write (&options, single, &error));
  g_assert_no_error (error);
  single_layout = gst_trial_layout_scan (single, &scan, &error);
  g_assert_no_error (error);
  assert_equals_int (gst_trial_layout_get_structure (single_layout),
      GST_TRIAL_STRUCTURE_SINGLE_CAMERA);
  fail_unless (g_str_has_suffix (gst_trial_layout_get_depth_dir
          (single_layout), "Depth_Color"));
  assert_equals_int (gst_trial_layout_get_depth_format (single_layout),
      GST_TRIAL_DEPTH_NPY);
  assert_equals_int (gst_trial_layout_get_n_frames (single_layout), 6);
  assert_equals_int (gst_trial_layout_get_depth_width (single_layout),
      SMALL_W);
  assert_equals_int (gst_trial_layout_get_depth_height (single_layout),
      SMALL_H);

  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* Runs trial-make-sample with @args; returns its exit status. */
static gint
run_tool (const gchar * const *args, gchar ** out, gchar ** err)
{
  const gchar *tool = g_getenv ("TRIAL_MAKE_SAMPLE");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  gint status = -1;
  GError *error = NULL;

  fail_unless (tool != NULL, "TRIAL_MAKE_SAMPLE is not set");
  g_ptr_array_add (argv, (gpointer) tool);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  fail_unless (g_spawn_sync (NULL, (gchar **) argv->pdata, NULL,
          G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error),
      "cannot run %s: %s", tool, error ? error->message : "?");
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

GST_START_TEST (test_tool)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *trial = g_build_filename (dir, "trial", NULL);
  g_autofree gchar *quiet = g_build_filename (dir, "quiet", NULL);
  g_autofree gchar *blocked = g_build_filename (dir, "file", "t", NULL);
  g_autofree gchar *out = NULL, *err = NULL;

  {
    const gchar *args[] = { "--layout", "single", "--depth", "npy",
      "--swapped", "--start", "40", "--frames", "3", "--gap-every", "2",
      "--size", "32x24", "--seed", "9", trial, NULL
    };
    assert_equals_int (run_tool (args, &out, &err), 0);
    fail_unless (strstr (out, "3 frames (40-44)") != NULL, "%s", out);
    fail_unless (strstr (out, "single_camera, 32x24") != NULL, "%s", out);
    /* 3 color + 3 npy + 3 colourised */
    fail_unless (strstr (out, "holds 9 files") != NULL, "%s", out);
    assert_listing (trial, "Depth_Color",
        "_Depth_Color_0040.npy,_Depth_Color_0042.npy,_Depth_Color_0044.npy");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const gchar *args[] = { "-q", "--cameras", "3", "--frames", "2",
      "--color", "jpeg", "--size", "32x24", quiet, NULL
    };
    assert_equals_int (run_tool (args, &out, &err), 0);
    assert_equals_string (out, "");
    assert_listing (quiet, ".", "cam1,cam2,cam3");
    assert_listing (quiet, "cam3/color",
        "frame_000000.jpg,frame_000001.jpg");
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    /* each is a usage error: exit 2 and a message saying what is wrong;
     * @fresh does not exist, so no case is refused for a folder that is
     * not empty instead */
    g_autofree gchar *fresh = g_build_filename (dir, "fresh", NULL);
    const struct
    {
      const gchar *args[6];
      const gchar *message;
    } usage[] = {
      {{"--layout", "triple", fresh, NULL}, "--layout must be multi or single"},
      {{"--swapped", fresh, NULL}, "--swapped applies to --layout single"},
      {{"--gap-every", "1", fresh, NULL}, "--gap-every must be 0"},
      {{"--size", "64by48", fresh, NULL}, "--size must be WIDTHxHEIGHT"},
      {{"--size", "8x8", fresh, NULL}, "sample size 8x8 is too small"},
      {{"--frames", "many", fresh, NULL}, "many"},
      {{"--depth", "tiff", fresh, NULL}, "--depth must be raw, npy, png"},
      {{"--cameras", "0", fresh, NULL}, "--cameras must be 1 to 99"},
      {{"-l", "single", "-c", "2", fresh, NULL}, "--cameras applies to"},
      {{"--start", "-3", fresh, NULL}, "frame numbers must lie in"},
      {{NULL}, "missing the trial folder"},
      {{trial, quiet, NULL}, "exactly one trial folder"},
    };

    for (guint i = 0; i < G_N_ELEMENTS (usage); i++) {
      assert_equals_int (run_tool (usage[i].args, &out, &err), 2);
      fail_unless (strstr (err, usage[i].message) != NULL,
          "case %u: '%s' does not say '%s'", i, err, usage[i].message);
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
    }
  }
  {
    const gchar *args[] = { "--size", "32x24", blocked, NULL };

    trial_test_write (dir, "file", "x", 1);
    assert_equals_int (run_tool (args, &out, &err), 1);
    fail_unless (strstr (err, "cannot create folder") != NULL, "%s", err);
  }
  trial_test_rm_rf (dir);
}

GST_END_TEST;

static Suite *
sample_suite (void)
{
  Suite *s = suite_create ("sample");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_deterministic);
  tcase_add_test (tc, test_color_png_size);
  tcase_add_test (tc, test_depth_values);
  tcase_add_test (tc, test_small_sizes);
  tcase_add_test (tc, test_frame_numbers);
  tcase_add_test (tc, test_write_multi_camera);
  tcase_add_test (tc, test_write_npy_and_png_depth);
  tcase_add_test (tc, test_write_single_camera);
  tcase_add_test (tc, test_write_single_camera_swapped);
  tcase_add_test (tc, test_write_no_depth);
  tcase_add_test (tc, test_write_rejects_bad_options);
  tcase_add_test (tc, test_write_io_error);
  tcase_add_test (tc, test_layout_reads_sample);
  tcase_add_test (tc, test_tool);
  return s;
}

GST_CHECK_MAIN (sample);
