/* gst-trial tests: the ROS bag reader (bag.c) and the RealSense scheme
 * (rsbag.c) on bags written by tests/fuzz/bagwriter.c: every chunk
 * compression, interrupted recordings cut at every byte, chunks beyond
 * 4 GB in a sparse file, and the exact errors for damaged files. The
 * comparison with python3-rosbag and the real D435 recording is in
 * tests/python/check_rsbag.py. */
#include <fcntl.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include "tests/check/trialtest.h"
#include "tests/fuzz/bagwriter.h"
#include "gst/trial/error.h"
#include "gst/trial/rsbag.h"

#define N_STATIC 7              /* static messages of fuzz_make_bag() */

static GstTrialRsBag *
open_bytes (GBytes * bytes)
{
  GError *error = NULL;
  GstTrialBag *bag = gst_trial_bag_open_bytes (bytes, "t.bag", &error);
  GstTrialRsBag *rs;

  fail_unless (bag != NULL, "%s", error ? error->message : "");
  rs = gst_trial_rs_bag_new (bag, &error);
  fail_unless (rs != NULL, "%s", error ? error->message : "");
  return rs;
}

/* every frame of @spec's bag is there with its pixels, in time order */
static void
assert_frames (GstTrialRsBag * rs, guint n_frames, gboolean trailer)
{
  const GstTrialRsStream *depth =
      gst_trial_rs_bag_find_stream (rs, GST_TRIAL_RS_STREAM_DEPTH);
  const GstTrialRsStream *color =
      gst_trial_rs_bag_find_stream (rs, GST_TRIAL_RS_STREAM_COLOR);
  const GstTrialRsStream *both[2] = { depth, color };
  g_autoptr (GstTrialBagIter) iter = gst_trial_rs_bag_iter_new (rs, both, 2);
  GstTrialBagMessage m;
  GError *error = NULL;
  guint n = 0, k;
  guint64 last = 0;

  fail_unless (depth != NULL && color != NULL);
  fail_unless (gst_trial_rs_bag_find_conn (rs, G_MAXUINT32) == NULL);
  while (gst_trial_bag_iter_next (iter, &m, &error)) {
    GstTrialRsImage image;
    gboolean is_depth = gst_trial_rs_bag_find_conn (rs, m.conn) == depth;
    guint i = n / 2;

    fail_unless (gst_trial_rs_image_parse (m.data, m.size, "t", &image,
            &error), "%s", error ? error->message : "");
    fail_unless (m.time >= last);
    last = m.time;
    /* depth i, then color i 4 ms later */
    assert_equals_int (is_depth, n % 2 == 0);
    assert_equals_uint64 (m.time, 1000000000 + i * 33000000 +
        (is_depth ? 0 : 4000000));
    assert_equals_uint64 (image.stamp, m.time);
    assert_equals_int (image.seq, (is_depth ? 10 : 50) + i);
    assert_equals_int (image.width, 4);
    assert_equals_int (image.height, 2);
    assert_equals_int (image.has_depth_scale, trailer);
    assert_equals_string (image.frame_id, trailer ? "1" : "0");
    if (is_depth) {
      assert_equals_int (image.encoding, GST_TRIAL_RS_ENCODING_MONO16);
      for (k = 0; k < 8; k++)
        assert_equals_int (GUINT16_FROM_LE (((const guint16 *) image.data)[k]),
            1000 * i + k);
      fail_unless (gst_trial_rs_depth_scale (depth, &image) ==
          (trailer ? 0.00025f : 0.0001f));
    } else {
      assert_equals_int (image.encoding, GST_TRIAL_RS_ENCODING_RGB8);
      for (k = 0; k < 24; k++)
        assert_equals_int (image.data[k], (7 * i + k) & 0xff);
    }
    n++;
  }
  fail_unless (error == NULL, "%s", error ? error->message : "");
  assert_equals_int (n, 2 * n_frames - 1);
}

GST_START_TEST (test_compressions)
{
  static const gchar *compressions[] = { "none", "lz4", "bz2" };
  guint c, t;

  for (c = 0; c < G_N_ELEMENTS (compressions); c++) {
    for (t = 0; t < 2; t++) {
      FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GstTrialRsBag) rs = NULL;
      const GstTrialRsStream *depth, *color;
      gsize n_entries;

      spec.compression = compressions[c];
      spec.trailer = t;
      spec.n_frames = 5;
      bytes = fuzz_make_bag (&spec);
      rs = open_bytes (bytes);
      fail_unless (gst_trial_bag_get_warning (gst_trial_rs_bag_get_bag (rs))
          == NULL);
      gst_trial_bag_get_entries (gst_trial_rs_bag_get_bag (rs), &n_entries);
      assert_equals_int (n_entries, N_STATIC + 9);
      assert_equals_int (gst_trial_rs_bag_get_n_streams (rs), 2);
      assert_equals_int (gst_trial_rs_bag_get_file_version (rs), 4);
      assert_equals_string (gst_trial_rs_bag_get_device_info (rs, 0,
              "Serial Number"), "012345678901");
      fail_unless (gst_trial_rs_bag_get_device_info (rs, 1, "Name") == NULL);
      depth = gst_trial_rs_bag_get_stream (rs, 0);
      color = gst_trial_rs_bag_get_stream (rs, 1);
      assert_equals_string (depth->name, "Depth_0");
      assert_equals_string (color->name, "Color_0");
      assert_equals_int (depth->sensor, 0);
      assert_equals_int (color->sensor, 1);
      assert_equals_uint64 (depth->n_frames, 5);
      assert_equals_uint64 (color->n_frames, 4);
      fail_unless (depth->has_info && depth->fps == 30);
      assert_equals_string (depth->encoding, "mono16");
      fail_unless (depth->has_intrinsics);
      assert_equals_int (depth->intrinsics.n_d, 5);
      fail_unless (depth->intrinsics.d[4] == 0.5);
      fail_unless (depth->intrinsics.fx == 390.4314575195312);
      fail_unless (depth->intrinsics.ppy == 242.1873474121094);
      assert_equals_string (depth->intrinsics.distortion_model,
          "Brown Conrady");
      fail_unless (depth->has_depth_units && depth->depth_units == 0.0001f);
      fail_if (color->has_intrinsics);
      fail_unless (color->has_extrinsics);
      fail_unless (color->extrinsics.translation[0] == 0.01431131362915039);
      fail_unless (color->extrinsics.quaternion[3] == 0.9999658465385437);
      assert_frames (rs, 5, t);
    }
  }
}

GST_END_TEST;

GST_START_TEST (test_seek)
{
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GstTrialRsBag) rs = NULL;
  g_autoptr (GstTrialBagIter) iter = NULL;
  const GstTrialRsStream *depth;
  GstTrialBagMessage m;
  GError *error = NULL;

  spec.n_frames = 6;
  spec.compression = "lz4";
  bytes = fuzz_make_bag (&spec);
  rs = open_bytes (bytes);
  depth = gst_trial_rs_bag_find_stream (rs, GST_TRIAL_RS_STREAM_DEPTH);
  iter = gst_trial_rs_bag_iter_new (rs, &depth, 1);
  gst_trial_bag_iter_seek (iter, 1000000000 + 2 * 33000000 + 1);
  fail_unless (gst_trial_bag_iter_next (iter, &m, &error));
  assert_equals_uint64 (m.time, 1000000000 + 3 * 33000000);
  gst_trial_bag_iter_seek (iter, 1000000000 + 1 * 33000000);
  fail_unless (gst_trial_bag_iter_next (iter, &m, &error));
  assert_equals_uint64 (m.time, 1000000000 + 1 * 33000000);
  gst_trial_bag_iter_seek (iter, G_MAXUINT64);
  fail_if (gst_trial_bag_iter_next (iter, &m, &error));
  fail_unless (error == NULL);
}

GST_END_TEST;

static void
assert_open_error (GBytes * bytes, GstTrialError code, const gchar * message)
{
  GError *error = NULL;
  GstTrialBag *bag = gst_trial_bag_open_bytes (bytes, "t.bag", &error);

  fail_unless (bag == NULL);
  fail_unless (error != NULL);
  assert_equals_string (error->message, message);
  assert_equals_int (error->code, code);
  g_error_free (error);
}

/* a copy of @bytes with @n bytes at @offset replaced by @with */
static GBytes *
patched (GBytes * bytes, gsize offset, const void *with, gsize n)
{
  gsize size;
  guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (bytes), &size);

  memcpy (copy + offset, with, n);
  return g_bytes_new_take (copy, size);
}

/* where the @nth occurrence of @n bytes @what at or after @from is */
static gsize
find_bytes (GBytes * bytes, const gchar * what, gsize n, gsize from,
    guint nth)
{
  gsize size, i;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  for (i = from; i + n <= size; i++) {
    if (memcmp (data + i, what, n) == 0 && nth-- == 0)
      return i;
  }
  fail ("'%s' not found", what);
  return 0;
}

static gsize
find (GBytes * bytes, const gchar * what, guint nth)
{
  return find_bytes (bytes, what, strlen (what), 0, nth);
}

/* the bag header's index_pos */
static guint64
index_pos_of (GBytes * bytes)
{
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  gsize at = find (bytes, "index_pos=", 0) + 10;
  guint64 index_pos = 0;
  gint i;

  for (i = 7; i >= 0; i--)
    index_pos = index_pos << 8 | data[at + i];
  return index_pos;
}

/* An interrupted recording cut at every byte: never an error, always the
 * messages whose records are complete, never one more. */
GST_START_TEST (test_interrupted_every_cut)
{
  static const gchar *compressions[] = { "none", "lz4", "bz2" };
  guint c;

  for (c = 0; c < G_N_ELEMENTS (compressions); c++) {
    FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
    g_autoptr (GBytes) bytes = NULL;
    gsize size, cut, last_n = 0;
    const guint8 *data;

    spec.compression = compressions[c];
    spec.interrupted = TRUE;
    spec.n_frames = 4;
    bytes = fuzz_make_bag (&spec);
    data = g_bytes_get_data (bytes, &size);
    for (cut = FUZZ_BAG_FIRST_CHUNK; cut <= size; cut++) {
      g_autoptr (GBytes) part = g_bytes_new_static (data, cut);
      GError *error = NULL;
      g_autoptr (GstTrialBag) bag = gst_trial_bag_open_bytes (part, "t.bag",
          &error);
      const GstTrialBagEntry *entries;
      gsize n, i;

      fail_unless (bag != NULL, "%s cut at %" G_GSIZE_FORMAT ": %s",
          compressions[c], cut, error ? error->message : "");
      fail_unless (gst_trial_bag_get_warning (bag) != NULL);
      entries = gst_trial_bag_get_entries (bag, &n);
      fail_unless (n >= last_n, "%s cut at %" G_GSIZE_FORMAT ": %"
          G_GSIZE_FORMAT " messages, %" G_GSIZE_FORMAT " before",
          compressions[c], cut, n, last_n);
      last_n = n;
      for (i = 0; i < n; i++) {
        GstTrialBagMessage m;

        fail_unless (gst_trial_bag_read (bag, &entries[i], &m, &error),
            "%s cut at %" G_GSIZE_FORMAT ": %s", compressions[c], cut,
            error ? error->message : "");
      }
      if (cut == size) {
        g_autofree gchar *expected = g_strdup_printf ("bag 't.bag' is an "
            "interrupted recording (index_pos is 0): read %u messages from "
            "4 chunks, up to offset %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT,
            N_STATIC + 7, size, size);

        assert_equals_int (n, N_STATIC + 7);
        assert_equals_string (gst_trial_bag_get_warning (bag), expected);
      }
    }
    /* uncompressed chunks give back each message as soon as it is whole */
    if (c == 0)
      assert_equals_int (last_n, N_STATIC + 7);
  }
}

GST_END_TEST;

/* A complete bag copied short (head -c, a failed download) at every byte
 * from its first chunk on, through its index: never an error, always a
 * warning, the messages whose records are complete and never one more;
 * cut anywhere after its chunks, every message. */
GST_START_TEST (test_cut_copy_every_cut)
{
  static const gchar *compressions[] = { "none", "lz4", "bz2" };
  guint c;

  for (c = 0; c < G_N_ELEMENTS (compressions); c++) {
    FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
    g_autoptr (GBytes) bytes = NULL;
    gsize size, cut, last_n = 0, chunks_end;
    const guint8 *data;

    spec.compression = compressions[c];
    spec.n_frames = 4;
    bytes = fuzz_make_bag (&spec);
    data = g_bytes_get_data (bytes, &size);
    /* the end of the last chunk: where its first index record starts */
    chunks_end = find_bytes (bytes, "\x04\0\0\0op=\x04", 8,
        find_bytes (bytes, "compression=", 12, 0, 3), 0) - 4;
    for (cut = FUZZ_BAG_FIRST_CHUNK; cut < size; cut++) {
      g_autoptr (GBytes) part = g_bytes_new_static (data, cut);
      GError *error = NULL;
      g_autoptr (GstTrialBag) bag = gst_trial_bag_open_bytes (part, "t.bag",
          &error);
      const GstTrialBagEntry *entries;
      gsize n, i;

      fail_unless (bag != NULL, "%s cut at %" G_GSIZE_FORMAT ": %s",
          compressions[c], cut, error ? error->message : "");
      fail_unless (g_str_has_prefix (gst_trial_bag_get_warning (bag),
              "bag 't.bag' is cut short (an incomplete copy?): it ends at "
              "byte "), "%s", gst_trial_bag_get_warning (bag));
      entries = gst_trial_bag_get_entries (bag, &n);
      fail_unless (n >= last_n, "%s cut at %" G_GSIZE_FORMAT ": %"
          G_GSIZE_FORMAT " messages, %" G_GSIZE_FORMAT " before",
          compressions[c], cut, n, last_n);
      last_n = n;
      for (i = 0; i < n; i++) {
        GstTrialBagMessage m;

        fail_unless (gst_trial_bag_read (bag, &entries[i], &m, &error),
            "%s cut at %" G_GSIZE_FORMAT ": %s", compressions[c], cut,
            error ? error->message : "");
      }
      if (cut >= chunks_end)
        assert_equals_int (n, N_STATIC + 7);
    }
  }
}

GST_END_TEST;

GST_START_TEST (test_interrupted_warning)
{
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) part = NULL;
  g_autoptr (GstTrialBag) bag = NULL;
  gsize size, n;

  spec.interrupted = TRUE;
  spec.n_frames = 4;
  bytes = fuzz_make_bag (&spec);
  /* the end of the last chunk: where its first index record starts */
  size = find_bytes (bytes, "\x04\0\0\0op=\x04", 8,
      find (bytes, "compression=", 3), 0) - 4 - 10;
  part = g_bytes_new_from_bytes (bytes, 0, size);
  bag = gst_trial_bag_open_bytes (part, "t.bag", NULL);
  fail_unless (bag != NULL);
  gst_trial_bag_get_entries (bag, &n);
  /* the last color frame's record is cut: everything else is there */
  assert_equals_int (n, N_STATIC + 6);
  {
    g_autofree gchar *expected = g_strdup_printf ("bag 't.bag' is an "
        "interrupted recording (index_pos is 0): read %d messages from "
        "4 chunks, up to offset %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
        "; the last chunk is cut short", N_STATIC + 6, size, size);

    assert_equals_string (gst_trial_bag_get_warning (bag), expected);
  }
}

GST_END_TEST;

/* Chunks and index beyond 4 GB (64-bit chunk_pos and index_pos), through
 * pread on a sparse file. */
GST_START_TEST (test_above_4gb)
{
  const guint64 gap = G_GUINT64_CONSTANT (5) << 30;
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *path = g_build_filename (dir, "big.bag", NULL);
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GstTrialRsBag) rs = NULL;
  GError *error = NULL;
  GStatBuf st;
  gint i;

  spec.compression = "lz4";
  spec.gap = gap;
  spec.n_frames = 4;
  bytes = fuzz_make_bag (&spec);
  /* every Linux file system of the tests has sparse files */
  fail_unless (fuzz_bag_write (path, bytes, gap, &error), "%s",
      error ? error->message : "");
  fail_unless (g_stat (path, &st) == 0);
  fail_unless ((guint64) st.st_size > gap);
  rs = gst_trial_rs_bag_open (path, &error);
  fail_unless (rs != NULL, "%s", error ? error->message : "");
  assert_frames (rs, 4, TRUE);

  /* the same offsets, the file cut just before the index (an incomplete
   * copy): every frame, found by the chunk scan, and the warning names
   * index_pos, above 4 GB, in full. The scan walks record by record, so
   * the hole becomes two index data records (op 0x04) it steps over, as
   * it steps over a recording's gigabytes of chunks. */
  g_clear_pointer (&rs, gst_trial_rs_bag_free);
  {
    const guint32 filler[2] = { 3u << 30, gap - 32 - (3u << 30) };
    gint fd = g_open (path, O_WRONLY | O_CLOEXEC, 0);
    guint64 at = FUZZ_BAG_FIRST_CHUNK;

    fail_unless (fd >= 0);
    for (i = 0; i < 2; i++) {
      guint8 record[16] = { 8, 0, 0, 0, 4, 0, 0, 0, 'o', 'p', '=', 0x04 };

      record[12] = filler[i] & 0xff;
      record[13] = filler[i] >> 8 & 0xff;
      record[14] = filler[i] >> 16 & 0xff;
      record[15] = filler[i] >> 24;
      fail_unless (pwrite (fd, record, 16, at) == 16);
      at += 16 + (guint64) filler[i];
    }
    assert_equals_uint64 (at, FUZZ_BAG_FIRST_CHUNK + gap);
    close (fd);
  }
  {
    const guint8 *data = g_bytes_get_data (bytes, NULL);
    gsize at = find (bytes, "index_pos=", 0) + 10;
    guint64 index_pos = 0;
    g_autofree gchar *expected = NULL;

    for (i = 7; i >= 0; i--)
      index_pos = index_pos << 8 | data[at + i];
    fail_unless (index_pos > gap);
    fail_unless (truncate (path, index_pos - 1) == 0);
    rs = gst_trial_rs_bag_open (path, &error);
    fail_unless (rs != NULL, "%s", error ? error->message : "");
    assert_frames (rs, 4, TRUE);
    expected = g_strdup_printf ("bag '%s' is cut short (an incomplete "
        "copy?): it ends at byte %" G_GUINT64_FORMAT ", before byte %"
        G_GUINT64_FORMAT " where its header puts the index; read %u "
        "messages from 4 chunks, up to offset %" G_GUINT64_FORMAT "; the "
        "last record is cut short; the frames after the cut are missing",
        path, index_pos - 1, index_pos, N_STATIC + 7, index_pos - 1);
    assert_equals_string (gst_trial_bag_get_warning (gst_trial_rs_bag_get_bag
            (rs)), expected);
  }
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_errors)
{
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree gchar *message = NULL;
  GBytes *bad;
  gsize size, at;
  guint64 big = G_GUINT64_CONSTANT (0x100000010);
  guint8 le[8];
  guint i;

  bytes = fuzz_make_bag (&spec);
  g_bytes_get_data (bytes, &size);

  bad = patched (bytes, 0, "#ROSBAG V1.2", 12);
  assert_open_error (bad, GST_TRIAL_ERROR_CORRUPT, "bag 't.bag', offset 0: "
      "not a ROS bag 2.0 file (expected it to start with '#ROSBAG V2.0')");
  g_bytes_unref (bad);

  /* index_pos above 4 GB, past the end: read as a copy cut short, the
   * full 64-bit value named */
  for (i = 0; i < 8; i++)
    le[i] = big >> (8 * i);
  bad = patched (bytes, find (bytes, "index_pos=", 0) + 10, le, 8);
  {
    g_autoptr (GstTrialRsBag) rs = open_bytes (bad);

    assert_frames (rs, 3, TRUE);
    message = g_strdup_printf ("bag 't.bag' is cut short (an incomplete "
        "copy?): it ends at byte %" G_GSIZE_FORMAT ", before byte "
        "4294967312 where its header puts the index; read %u messages from "
        "3 chunks, up to offset %" G_GSIZE_FORMAT "; the frames after the "
        "cut are missing", size, N_STATIC + 5, size);
    assert_equals_string (gst_trial_bag_get_warning (gst_trial_rs_bag_get_bag
            (rs)), message);
    g_clear_pointer (&message, g_free);
  }
  g_bytes_unref (bad);

  /* index_pos inside the bag header: damage, not a cut */
  le[0] = 100;
  memset (le + 1, 0, 7);
  bad = patched (bytes, find (bytes, "index_pos=", 0) + 10, le, 8);
  assert_open_error (bad, GST_TRIAL_ERROR_CORRUPT, "bag 't.bag', offset 13: "
      "index_pos 100 is inside the bag header (which ends at 4117): the "
      "header is damaged");
  g_bytes_unref (bad);

  /* more connection or chunk info records than the header counts: damage,
   * not a cut (a cut loses records, it does not add any) */
  {
    gsize count_at = find (bytes, "conn_count=", 0) + 11;
    const guint8 *data = g_bytes_get_data (bytes, NULL);
    guint8 fewer = data[count_at] - 1;

    bad = patched (bytes, count_at, &fewer, 1);
    message = g_strdup_printf ("bag 't.bag', offset %u: %u connection "
        "records, the bag header says %u", (guint) index_pos_of (bytes),
        fewer + 1u, (guint) fewer);
    assert_open_error (bad, GST_TRIAL_ERROR_CORRUPT, message);
    g_bytes_unref (bad);
    g_clear_pointer (&message, g_free);
    count_at = find (bytes, "chunk_count=", 0) + 12;
    fewer = data[count_at] - 1;
    bad = patched (bytes, count_at, &fewer, 1);
    message = g_strdup_printf ("bag 't.bag', offset %u: %u chunk info "
        "records, the bag header says %u", (guint) index_pos_of (bytes),
        fewer + 1u, (guint) fewer);
    assert_open_error (bad, GST_TRIAL_ERROR_CORRUPT, message);
    g_bytes_unref (bad);
    g_clear_pointer (&message, g_free);
  }

  /* an index_pos field of 7 bytes: damage, not a cut */
  bad = patched (bytes, find (bytes, "index_pos=", 0) - 4, "\x11", 1);
  assert_open_error (bad, GST_TRIAL_ERROR_CORRUPT, "bag 't.bag', offset 13: "
      "header field 'index_pos' is 7 bytes, expected 8");
  g_bytes_unref (bad);

  bad = patched (bytes, find (bytes, "compression=none", 0) + 12, "zstd", 4);
  assert_open_error (bad, GST_TRIAL_ERROR_UNSUPPORTED, "bag 't.bag', offset "
      "4117: chunk compression 'zstd', expected none, lz4 or bz2");
  g_bytes_unref (bad);

  /* chunk_pos of the first chunk info moved onto the bag header */
  at = find (bytes, "chunk_pos=", 0) + 10;
  le[0] = 13;
  memset (le + 1, 0, 7);
  bad = patched (bytes, at, le, 8);
  assert_open_error (bad, GST_TRIAL_ERROR_CORRUPT, "bag 't.bag', offset 13: "
      "record op 0x03, expected a chunk (0x05) as chunk info 0 says");
  g_bytes_unref (bad);

  /* the first index entry's offset beyond its chunk */
  {
    const guint8 *data = g_bytes_get_data (bytes, NULL);
    gsize record = find_bytes (bytes, "\x04\0\0\0op=\x04", 8, 0, 0) - 4;
    guint32 hlen = data[record] | data[record + 1] << 8;
    const guint8 *size = data + find (bytes, "size=", 0) + 5;

    memset (le, 0x7f, 4);
    bad = patched (bytes, record + 4 + hlen + 4 + 8, le, 4);
    g_free (message);
    message = g_strdup_printf ("bag 't.bag', offset %" G_GSIZE_FORMAT ": "
        "message offset 2139062143 is outside its chunk of %u bytes", record,
        size[0] | size[1] << 8 | size[2] << 16 | (guint) size[3] << 24);
    assert_open_error (bad, GST_TRIAL_ERROR_CORRUPT, message);
    g_bytes_unref (bad);
    g_clear_pointer (&message, g_free);
  }

  /* a connection record of the index section with 2 MB of data */
  {
    gsize index_pos = 0, n;
    guint8 *grown = g_malloc0 (size + (2u << 20));
    guint32 hlen, dlen = 2u << 20;

    memcpy (grown, g_bytes_get_data (bytes, NULL), size);
    at = find (bytes, "index_pos=", 0) + 10;
    for (i = 0; i < 4; i++)
      index_pos |= (gsize) grown[at + i] << (8 * i);
    hlen = grown[index_pos] | grown[index_pos + 1] << 8;
    for (i = 0; i < 4; i++)
      grown[index_pos + 4 + hlen + i] = dlen >> (8 * i);
    n = size + (2u << 20);
    bad = g_bytes_new_take (grown, n);
    g_free (message);
    message = g_strdup_printf ("bag 't.bag', offset %" G_GSIZE_FORMAT ": "
        "index section record data of 2097152 bytes, expected at most "
        "1048576", index_pos);
    assert_open_error (bad, GST_TRIAL_ERROR_TOO_LARGE, message);
    g_bytes_unref (bad);
  }

  /* a field of the wrong size after a string field (once leaked it) */
  le[0] = 8;
  bad = patched (bytes, find (bytes, "size=", 0) - 4, le, 1);
  assert_open_error (bad, GST_TRIAL_ERROR_CORRUPT, "bag 't.bag', offset "
      "4117: header field 'size' is 3 bytes, expected 4");
  g_bytes_unref (bad);

  /* a record header length beyond the file */
  le[0] = le[1] = le[2] = 0xff;
  le[3] = 0x00;
  bad = patched (bytes, FUZZ_BAG_FIRST_CHUNK, le, 4);
  assert_open_error (bad, GST_TRIAL_ERROR_TOO_LARGE, "bag 't.bag', offset "
      "4117: record header of 16777215 bytes, expected at most 1048576");
  g_bytes_unref (bad);
}

GST_END_TEST;

/* a chunk whose contents are damaged: the error comes when reading it */
GST_START_TEST (test_corrupt_chunk)
{
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) bad = NULL;
  g_autoptr (GstTrialBag) bag = NULL;
  g_autoptr (GstTrialBagIter) iter = NULL;
  GstTrialBagMessage m;
  GError *error = NULL;
  guint n = 0;

  spec.compression = "lz4";
  bytes = fuzz_make_bag (&spec);
  /* the first data bytes of the first chunk's lz4 frame, past its header */
  bad = patched (bytes, find (bytes, "\x04\x22\x4d\x18", 0) + 12,
      "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
  bag = gst_trial_bag_open_bytes (bad, "t.bag", &error);
  fail_unless (bag != NULL, "%s", error ? error->message : "");
  iter = gst_trial_bag_iter_new (bag, NULL, 0);
  while (gst_trial_bag_iter_next (iter, &m, &error))
    n++;
  assert_equals_int (n, 0);
  fail_unless (error != NULL);
  fail_unless (g_str_has_prefix (error->message,
          "bag 't.bag', offset 4117: lz4 chunk: ERROR_"), "%s",
      error->message);
  g_error_free (error);
}

GST_END_TEST;

/* a copy of @bytes with every @from replaced by @to (of the same length) */
static GBytes *
replaced (GBytes * bytes, const gchar * from, const gchar * to)
{
  gsize size, i, n = strlen (from);
  guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (bytes), &size);

  for (i = 0; i + n <= size; i++)
    if (memcmp (copy + i, from, n) == 0)
      memcpy (copy + i, to, n);
  return g_bytes_new_take (copy, size);
}

static void
assert_rs_error (GBytes * bytes, GstTrialError code, const gchar * message)
{
  GError *error = NULL;
  GstTrialBag *bag = gst_trial_bag_open_bytes (bytes, "t.bag", &error);

  fail_unless (bag != NULL, "%s", error ? error->message : "");
  fail_if (gst_trial_rs_bag_new (bag, &error));
  assert_equals_string (error->message, message);
  assert_equals_int (error->code, code);
  g_error_free (error);
}

GST_START_TEST (test_scheme_errors)
{
  FuzzBagSpec spec = FUZZ_BAG_SPEC_INIT;
  g_autoptr (GBytes) bytes = fuzz_make_bag (&spec);
  GBytes *bad, *worse;

  bad = replaced (bytes, "type=sensor_msgs/Image", "type=sensor_msgs/Imagf");
  assert_rs_error (bad, GST_TRIAL_ERROR_CORRUPT, "bag 't.bag': topic "
      "'/device_0/sensor_0/Depth_0/image/data' has type 'sensor_msgs/Imagf', "
      "expected 'sensor_msgs/Image'");
  g_bytes_unref (bad);

  bad = replaced (bytes, "/Depth_0/image", "/Zepth_0/image");
  worse = replaced (bad, "/Color_0/image", "/Zolor_0/image");
  assert_rs_error (worse, GST_TRIAL_ERROR_NO_FRAMES, "bag 't.bag': no "
      "RealSense Depth or Color image stream in the bag (expected a topic "
      "/device_<d>/sensor_<s>/Depth_<i>/image/data or Color_<i>)");
  g_bytes_unref (worse);
  /* the color stream alone */
  {
    GError *error = NULL;
    g_autoptr (GstTrialRsBag) rs = gst_trial_rs_bag_new
        (gst_trial_bag_open_bytes (bad, "t.bag", NULL), &error);

    fail_unless (rs != NULL, "%s", error ? error->message : "");
    assert_equals_int (gst_trial_rs_bag_get_n_streams (rs), 1);
    fail_unless (gst_trial_rs_bag_find_stream (rs,
            GST_TRIAL_RS_STREAM_DEPTH) == NULL);
  }
  g_bytes_unref (bad);

  /* the camera_info cut short (its length in the message record) */
  bad = replaced (bytes, "/Depth_0/info/camera_info",
      "/Depth_0/info/camera_infX");
  {
    GError *error = NULL;
    g_autoptr (GstTrialRsBag) rs = gst_trial_rs_bag_new
        (gst_trial_bag_open_bytes (bad, "t.bag", NULL), &error);

    fail_unless (rs != NULL, "%s", error ? error->message : "");
    fail_if (gst_trial_rs_bag_get_stream (rs, 0)->has_intrinsics);
  }
  g_bytes_unref (bad);
}

GST_END_TEST;

static GByteArray *
image_message (const gchar * encoding, guint32 width, guint32 height,
    guint32 step, guint32 n, guint extra)
{
  GByteArray *m = g_byte_array_new ();
  guint32 v[3] = { 1, 2, 3 };
  guint32 len;
  guint8 zero = 0;
  guint i;

  g_byte_array_append (m, (guint8 *) v, 12);
  len = 1;
  g_byte_array_append (m, (guint8 *) & len, 4);
  g_byte_array_append (m, (guint8 *) "1", 1);
  g_byte_array_append (m, (guint8 *) & height, 4);
  g_byte_array_append (m, (guint8 *) & width, 4);
  len = strlen (encoding);
  g_byte_array_append (m, (guint8 *) & len, 4);
  g_byte_array_append (m, (guint8 *) encoding, len);
  g_byte_array_append (m, &zero, 1);
  g_byte_array_append (m, (guint8 *) & step, 4);
  g_byte_array_append (m, (guint8 *) & n, 4);
  for (i = 0; i < n + extra; i++)
    g_byte_array_append (m, &zero, 1);
  return m;
}

static gchar *
parse_error (GByteArray * m)
{
  GstTrialRsImage image;
  GError *error = NULL;
  gchar *message;

  fail_if (gst_trial_rs_image_parse (m->data, m->len, "frame 3", &image,
          &error));
  message = g_strdup (error->message);
  g_error_free (error);
  g_byte_array_free (m, TRUE);
  return message;
}

GST_START_TEST (test_image_parse)
{
  static const struct
  {
    const gchar *name;
    GstTrialRsEncoding encoding;
    guint bpp;
  } ok[] = {
    {"mono16", GST_TRIAL_RS_ENCODING_MONO16, 2},
    {"rgb8", GST_TRIAL_RS_ENCODING_RGB8, 3},
    {"bgr8", GST_TRIAL_RS_ENCODING_BGR8, 3},
    {"rgba8", GST_TRIAL_RS_ENCODING_RGBA8, 4},
    {"bgra8", GST_TRIAL_RS_ENCODING_BGRA8, 4},
    {"yuv422", GST_TRIAL_RS_ENCODING_UYVY, 2},
    {"YUYV", GST_TRIAL_RS_ENCODING_YUYV, 2},
  };
  guint i, extra;
  gchar *msg;

  for (i = 0; i < G_N_ELEMENTS (ok); i++) {
    for (extra = 0; extra <= 4; extra += 4) {
      g_autoptr (GByteArray) m = image_message (ok[i].name, 6, 2,
          6 * ok[i].bpp + 2, (6 * ok[i].bpp + 2) * 2, extra);
      GstTrialRsImage image;
      GError *error = NULL;

      fail_unless (gst_trial_rs_image_parse (m->data, m->len, "f", &image,
              &error), "%s: %s", ok[i].name, error ? error->message : "");
      assert_equals_int (image.encoding, ok[i].encoding);
      assert_equals_int (image.bytes_per_pixel, ok[i].bpp);
      assert_equals_int (image.step, 6 * ok[i].bpp + 2);
      assert_equals_int (image.size, image.step * 2);
      fail_unless (image.data == m->data + m->len - extra - image.size);
      assert_equals_int (image.has_depth_scale, extra == 4);
      assert_equals_int (image.seq, 1);
      assert_equals_uint64 (image.stamp, 2000000003);
      {
        /* rows without the 2 bytes of padding, into a wider stride */
        guint row = 6 * ok[i].bpp, y;
        g_autofree guint8 *copy = g_malloc (2 * (row + 1));

        for (y = 0; y < 2; y++)
          memset ((guint8 *) image.data + y * image.step, 'a' + y, row);
        memset (copy, 'z', 2 * (row + 1));
        gst_trial_rs_image_copy (&image, copy, row + 1);
        for (y = 0; y < 2 * (row + 1); y++)
          assert_equals_int (copy[y], y % (row + 1) == row ? 'z' :
              'a' + y / (row + 1));
      }
    }
  }

  msg = parse_error (image_message ("16UC1", 4, 2, 8, 16, 0));
  assert_equals_string (msg, "frame 3: image encoding '16UC1' is not "
      "supported (expected mono16, rgb8, bgr8, rgba8, bgra8, yuv422 or YUYV)");
  g_free (msg);
  msg = parse_error (image_message ("rgb8", 4, 2, 8, 16, 0));
  assert_equals_string (msg, "frame 3: rgb8 image of 4x2 with step 8 and 16 "
      "data bytes, expected step >= 12 and step x height data bytes");
  g_free (msg);
  msg = parse_error (image_message ("mono16", 4, 2, 8, 16, 3));
  assert_equals_string (msg, "frame 3: 3 bytes after the image data, "
      "expected none or a 4-byte depth scale");
  g_free (msg);
  msg = parse_error (g_byte_array_set_size (image_message ("mono16", 4, 2, 8,
              16, 0), 40));
  assert_equals_string (msg, "frame 3: the sensor_msgs/Image message is cut "
      "short");
  g_free (msg);
  msg = parse_error (image_message ("YUYV", 3, 2, 6, 12, 0));
  assert_equals_string (msg, "frame 3: YUYV image of odd width 3, expected "
      "an even width");
  g_free (msg);
  msg = parse_error (image_message ("mono16", 0, 2, 8, 16, 0));
  assert_equals_string (msg, "frame 3: image of 0x2, expected 1 to 16384 "
      "pixels each way");
  g_free (msg);
}

GST_END_TEST;

static Suite *
bag_suite (void)
{
  Suite *s = suite_create ("bag");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_compressions);
  tcase_add_test (tc, test_seek);
  tcase_add_test (tc, test_interrupted_every_cut);
  tcase_add_test (tc, test_cut_copy_every_cut);
  tcase_add_test (tc, test_interrupted_warning);
  tcase_add_test (tc, test_above_4gb);
  tcase_add_test (tc, test_errors);
  tcase_add_test (tc, test_corrupt_chunk);
  tcase_add_test (tc, test_scheme_errors);
  tcase_add_test (tc, test_image_parse);
  return s;
}

GST_CHECK_MAIN (bag);
