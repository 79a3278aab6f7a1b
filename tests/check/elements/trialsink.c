/* gst-trial tests: trialsink. File names from GST_BUFFER_OFFSET, the location
 * pattern (accepted, rejected, expanded exactly as printf would), atomic
 * writes that never leave temporary or partial files, write errors naming the
 * file, skip-existing, and the trial-progress messages. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE             /* unshare() for the disk-full test */
#endif
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include "gst/trial/pool.h"
#include "../trialtest.h"

/* The files and folders below @root, relative, sorted, folders ending in
 * '/', joined by '|': hidden (temporary) files included. */
static void
list_into (GPtrArray * names, const gchar * root, const gchar * rel)
{
  g_autofree gchar *path = rel ? g_build_filename (root, rel, NULL)
      : g_strdup (root);
  GDir *dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  fail_unless (dir != NULL, "cannot list %s", path);
  while ((name = g_dir_read_name (dir)) != NULL) {
    gchar *child = rel ? g_build_filename (rel, name, NULL) : g_strdup (name);
    g_autofree gchar *full = g_build_filename (root, child, NULL);

    if (g_file_test (full, G_FILE_TEST_IS_DIR)
        && !g_file_test (full, G_FILE_TEST_IS_SYMLINK)) {
      g_ptr_array_add (names, g_strconcat (child, "/", NULL));
      list_into (names, root, child);
      g_free (child);
    } else {
      g_ptr_array_add (names, child);
    }
  }
  g_dir_close (dir);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar **) a, *(const gchar **) b);
}

static gchar *
list_tree (const gchar * root)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  list_into (names, root, NULL);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv ("|", (gchar **) names->pdata);
}

static void
assert_tree (const gchar * root, const gchar * expected)
{
  g_autofree gchar *found = list_tree (root);

  fail_unless_equals_string (found, expected);
}

static void
assert_file (const gchar * dir, const gchar * rel, const void *data, gsize size)
{
  g_autofree gchar *path = g_build_filename (dir, rel, NULL);
  g_autoptr (GBytes) bytes = trial_test_read (path);
  gsize n = 0;
  const void *got = g_bytes_get_data (bytes, &n);

  fail_unless_equals_uint64 (n, size);
  fail_unless (memcmp (got, data, size) == 0, "%s differs", path);
}

static GstElement *
make_sink (const gchar * dir, const gchar * pattern)
{
  GstElement *sink = gst_element_factory_make ("trialsink", NULL);
  g_autofree gchar *location = g_build_filename (dir, pattern, NULL);

  fail_unless (sink != NULL, "no trialsink element");
  g_object_set (sink, "location", location, NULL);
  return sink;
}

/* Starts @sink (configured by the caller) in a harness; its messages go to
 * the returned @bus. Takes @sink. */
static GstHarness *
start_harness (GstElement * sink, GstBus ** bus)
{
  GstHarness *h;

  *bus = gst_bus_new ();
  gst_element_set_bus (sink, *bus);
  h = gst_harness_new_with_element (sink, "sink", NULL);
  gst_object_unref (sink);
  gst_harness_set_src_caps_str (h, "application/octet-stream");
  return h;
}

static GstBuffer *
frame_buffer (guint64 offset, const void *data, gsize size)
{
  GstBuffer *buf = size ? gst_buffer_new_memdup (data, size)
      : gst_buffer_new ();

  GST_BUFFER_OFFSET (buf) = offset;
  GST_BUFFER_OFFSET_END (buf) = offset + 1;
  return buf;
}

static guint64
get_counter (GstHarness * h, const gchar * name)
{
  guint64 value = 0;

  g_object_get (h->element, name, &value, NULL);
  return value;
}

/* Pops the next error from @bus and checks its domain, code and that its
 * message contains every string of @needles (NULL-terminated). */
static void
assert_error (GstBus * bus, GQuark domain, gint code, const gchar * needles[])
{
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  GError *error = NULL;
  gchar *debug = NULL;

  fail_unless (msg != NULL, "no error message");
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (error->domain == domain && error->code == code,
      "got error %s %d: %s", g_quark_to_string (error->domain), error->code,
      error->message);
  for (; *needles != NULL; needles++)
    fail_unless (strstr (error->message, *needles) != NULL,
        "'%s' not in error message: %s", *needles, error->message);
  g_error_free (error);
  g_free (debug);
  gst_message_unref (msg);
}

static void
assert_no_error (GstBus * bus)
{
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

  fail_unless (msg == NULL, "unexpected error message");
}

GST_START_TEST (test_files_named_by_offset)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  const gchar a[] = "frame two-three-one", b[] = "233", c[] = "three hundred";
  GstBuffer *buf;
  GstBus *bus;
  GstHarness *h;
  struct stat st;
  g_autofree gchar *path = NULL;
  mode_t mask = umask (022);

  umask (mask);
  h = start_harness (make_sink (dir, "out/color/frame_%06d.png"), &bus);

  fail_unless_equals_int (gst_harness_push (h, frame_buffer (231, a,
              sizeof a)), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (233, b,
              sizeof b)), GST_FLOW_OK);
  /* a buffer of two memories is written as their concatenation */
  buf = frame_buffer (300, c, 5);
  gst_buffer_append_memory (buf,
      gst_memory_new_wrapped (GST_MEMORY_FLAG_READONLY, (gpointer) (c + 5),
          sizeof c - 5, 0, sizeof c - 5, NULL, NULL));
  fail_unless_equals_int (gst_harness_push (h, buf), GST_FLOW_OK);

  fail_unless_equals_uint64 (get_counter (h, "frames"), 3);
  fail_unless_equals_uint64 (get_counter (h, "failed"), 0);
  fail_unless_equals_uint64 (get_counter (h, "skipped"), 0);
  fail_unless_equals_uint64 (get_counter (h, "bytes"),
      sizeof a + sizeof b + sizeof c);
  assert_no_error (bus);
  gst_harness_teardown (h);

  assert_tree (dir, "out/|out/color/|out/color/frame_000231.png|"
      "out/color/frame_000233.png|out/color/frame_000300.png");
  assert_file (dir, "out/color/frame_000231.png", a, sizeof a);
  assert_file (dir, "out/color/frame_000233.png", b, sizeof b);
  assert_file (dir, "out/color/frame_000300.png", c, sizeof c);

  /* created like any new file: 0666 less the umask */
  path = g_build_filename (dir, "out/color/frame_000231.png", NULL);
  fail_unless (g_stat (path, &st) == 0);
  fail_unless_equals_int (st.st_mode & 0777, 0666 & ~mask);

  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_gap_counted_failed)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  GstBuffer *gap_with_data;
  GstBus *bus;
  GstHarness *h;

  h = start_harness (make_sink (dir, "frame_%d.npy"), &bus);

  fail_unless_equals_int (gst_harness_push (h, frame_buffer (5, NULL, 0)),
      GST_FLOW_OK);
  GST_BUFFER_FLAG_SET (gap_with_data = frame_buffer (6, "xyz", 3),
      GST_BUFFER_FLAG_GAP);
  fail_unless_equals_int (gst_harness_push (h, gap_with_data), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (7, "ok", 2)),
      GST_FLOW_OK);

  fail_unless_equals_uint64 (get_counter (h, "frames"), 1);
  fail_unless_equals_uint64 (get_counter (h, "failed"), 2);
  fail_unless_equals_uint64 (get_counter (h, "bytes"), 2);
  assert_no_error (bus);
  gst_harness_teardown (h);

  assert_tree (dir, "frame_7.npy");
  assert_file (dir, "frame_7.npy", "ok", 2);
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_buffer_without_offset)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  const gchar *needles[] = { "without a frame number", NULL };
  GstBus *bus;
  GstHarness *h;

  h = start_harness (make_sink (dir, "frame_%d.png"), &bus);
  fail_unless_equals_int (gst_harness_push (h,
          gst_buffer_new_memdup ("abc", 3)), GST_FLOW_ERROR);
  assert_error (bus, GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT, needles);
  gst_harness_teardown (h);

  assert_tree (dir, "");
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_skip_existing)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  GstElement *sink;
  GstBus *bus;
  GstHarness *h;

  trial_test_write (dir, "out/frame_0002.png", "old", 3);
  /* left by a killed run, or by another writer at work: the sink removes
   * no file it did not make (trial-process does, holding its lock) */
  trial_test_write (dir, "out/.frame_0009.png.tmp-ab12CD", "partial", 7);
  trial_test_write (dir, "out/.notes.txt.tmp-abcdef", "keep", 4);
  trial_test_write (dir, "out/.frame_0009.jpg.tmp-ab12CD", "keep", 4);
  trial_test_write (dir, "out/.frame_x.png.tmp-ab12CD", "keep", 4);

  sink = make_sink (dir, "out/frame_%04d.png");
  g_object_set (sink, "skip-existing", TRUE, NULL);
  h = start_harness (sink, &bus);
  assert_tree (dir, "out/|out/.frame_0009.jpg.tmp-ab12CD|"
      "out/.frame_0009.png.tmp-ab12CD|"
      "out/.frame_x.png.tmp-ab12CD|out/.notes.txt.tmp-abcdef|"
      "out/frame_0002.png");

  fail_unless_equals_int (gst_harness_push (h, frame_buffer (1, "one", 3)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (2, "new", 3)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (3, "three", 5)),
      GST_FLOW_OK);
  fail_unless_equals_uint64 (get_counter (h, "frames"), 3);
  fail_unless_equals_uint64 (get_counter (h, "skipped"), 1);
  fail_unless_equals_uint64 (get_counter (h, "bytes"), 8);
  assert_no_error (bus);
  gst_harness_teardown (h);

  assert_file (dir, "out/frame_0001.png", "one", 3);
  assert_file (dir, "out/frame_0002.png", "old", 3);
  assert_file (dir, "out/frame_0003.png", "three", 5);
  assert_tree (dir, "out/|out/.frame_0009.jpg.tmp-ab12CD|"
      "out/.frame_0009.png.tmp-ab12CD|"
      "out/.frame_x.png.tmp-ab12CD|out/.notes.txt.tmp-abcdef|"
      "out/frame_0001.png|out/frame_0002.png|out/frame_0003.png");
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_replaces_existing)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  GstBus *bus;
  GstHarness *h;

  trial_test_write (dir, "frame_2.png", "old content", 11);
  trial_test_write (dir, ".frame_9.png.tmp-ab12CD", "partial", 7);

  h = start_harness (make_sink (dir, "frame_%d.png"), &bus);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (2, "new", 3)),
      GST_FLOW_OK);
  fail_unless_equals_uint64 (get_counter (h, "skipped"), 0);
  gst_harness_teardown (h);

  assert_file (dir, "frame_2.png", "new", 3);
  /* without skip-existing the sink does not touch other files */
  assert_tree (dir, ".frame_9.png.tmp-ab12CD|frame_2.png");
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

static const struct
{
  const gchar *pattern;
  const gchar *found;           /* part of the description of the problem */
} bad_patterns[] = {
  {"frame_%s.png", "'%s' at position 6, which is not an integer conversion"},
  {"frame_%n.png", "'%n' at position 6, which is not an integer conversion"},
  {"frame_%x.png", "'%x' at position 6, which is not an integer conversion"},
  {"frame_%#x.png", "'%#x' at position 6, which is not an integer conversion"},
  {"frame_%c.png", "not an integer conversion"},
  {"frame_%f.png", "not an integer conversion"},
  {"frame_%p.png", "not an integer conversion"},
  {"frame_%*d.png", "'%*d' at position 6, which is not an integer"},
  {"frame_%-s.png", "'%-s' at position 6"},
  {"frame_%d%d.png", "a second conversion '%d' at position 8"},
  {"%06d/frame_%06d.png", "a second conversion '%06d' at position 11"},
  {"frame.png", "no conversion"},
  {"frame_%%d.png", "no conversion"},
  {"frame_%.3d.png", "'%.3d' at position 6, which has a precision"},
  {"frame_%5.3d.png", "'%5.3d' at position 6, which has a precision"},
  {"frame_%lld.png", "'%lld' at position 6, which has a length modifier"},
  {"frame_%ld.png", "length modifier"},
  {"frame_%hhd.png", "length modifier"},
  {"frame_%zu.png", "length modifier"},
  {"frame_%jd.png", "length modifier"},
  {"frame_%", "an incomplete conversion '%' at position 6"},
  {"frame_%06", "an incomplete conversion '%06' at position 6"},
  {"frame_%256d.png", "'%256d' at position 6, whose width is larger than 255"},
  {"frame_%99999999999999999999d.png", "whose width is larger than 255"},
  {"frame_%1$d.png", "'%1$' at position 6, which is not an integer"},
  {"frame_%I64d.png", "not an integer conversion"},
};

/* Positions in the messages count from the start of the location, so the
 * patterns are used as they are: nothing is written when they are rejected. */
GST_START_TEST (test_bad_patterns_rejected)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad_patterns); i++) {
    GstElement *sink = gst_element_factory_make ("trialsink", NULL);
    g_autofree gchar *quoted = g_strdup_printf ("'%s'",
        bad_patterns[i].pattern);
    GstBus *bus = gst_bus_new ();
    const gchar *needles[] = { quoted, bad_patterns[i].found,
      "expected exactly one frame number conversion", NULL
    };

    fail_unless (sink != NULL, "no trialsink element");
    g_object_set (sink, "location", bad_patterns[i].pattern, NULL);
    gst_element_set_bus (sink, bus);
    fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PLAYING),
        GST_STATE_CHANGE_FAILURE);
    assert_error (bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        needles);
    fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    gst_object_unref (sink);
    gst_object_unref (bus);
  }
}

GST_END_TEST;

GST_START_TEST (test_no_location)
{
  const gchar *locations[] = { NULL, "" };
  const gchar *needles[] = { "No location set", NULL };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (locations); i++) {
    GstElement *sink = gst_element_factory_make ("trialsink", NULL);
    GstBus *bus = gst_bus_new ();

    fail_unless (sink != NULL, "no trialsink element");
    g_object_set (sink, "location", locations[i], NULL);
    gst_element_set_bus (sink, bus);
    fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PAUSED),
        GST_STATE_CHANGE_FAILURE);
    assert_error (bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        needles);
    gst_element_set_state (sink, GST_STATE_NULL);
    gst_object_unref (sink);
    gst_object_unref (bus);
  }
}

GST_END_TEST;

/* Patterns accepted, with the printf format giving the same text when the
 * frame number is passed as a long long. */
static const struct
{
  const gchar *pattern;
  const gchar *printf_format;
} good_patterns[] = {
  {"v=%d.bin", "v=%lld.bin"},
  {"v=%i.bin", "v=%lli.bin"},
  {"v=%u.bin", "v=%llu.bin"},
  {"v=%1d.bin", "v=%1lld.bin"},
  {"v=%5d.bin", "v=%5lld.bin"},
  {"v=%-5d.bin", "v=%-5lld.bin"},
  {"v=%05d.bin", "v=%05lld.bin"},
  {"v=%06i.bin", "v=%06lli.bin"},
  {"v=%+d.bin", "v=%+lld.bin"},
  {"v=% d.bin", "v=% lld.bin"},
  {"v=%+05d.bin", "v=%+05lld.bin"},
  {"v=% 05d.bin", "v=% 05lld.bin"},
  {"v=% +5d.bin", "v=% +5lld.bin"},
  {"v=%-+6d.bin", "v=%-+6lld.bin"},
  {"v=%0-6d.bin", "v=%0-6lld.bin"},
  {"v=%-06d.bin", "v=%-06lld.bin"},
  {"v=%00006d.bin", "v=%00006lld.bin"},
  {"v=%06u.bin", "v=%06llu.bin"},
  {"v=%+u.bin", "v=%+llu.bin"},
  {"v=% 4u.bin", "v=% 4llu.bin"},
  {"v=%-21u.bin", "v=%-21llu.bin"},
  {"v=%020d.bin", "v=%020lld.bin"},
  {"v=%25d.bin", "v=%25lld.bin"},
  {"100%%_%d%%.bin", "100%%_%lld%%.bin"},
  {"%%d_%03d", "%%d_%03lld"},
};

static const gint64 good_values[] = {
  0, 1, 7, 42, 231, 99999, 123456789, -2, -5, -123456,
  G_MAXINT64, G_MININT64, G_MININT64 + 1,
};

GST_START_TEST (test_patterns_expand_like_printf)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (good_patterns); i++) {
    g_autofree gchar *sub = g_strdup_printf ("%u", i);
    g_autofree gchar *subdir = g_build_filename (dir, sub, NULL);
    g_autoptr (GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
    g_autofree gchar *expected_list = NULL;
    gboolean is_unsigned = strstr (good_patterns[i].printf_format, "llu")
        != NULL;
    GstBus *bus;
    GstHarness *h;

    h = start_harness (make_sink (subdir, good_patterns[i].pattern), &bus);
    for (j = 0; j < G_N_ELEMENTS (good_values); j++) {
      fail_unless_equals_int (gst_harness_push (h,
              frame_buffer ((guint64) good_values[j], "x", 1)), GST_FLOW_OK);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      g_ptr_array_add (expected, is_unsigned ?
          g_strdup_printf (good_patterns[i].printf_format,
              (unsigned long long) good_values[j]) :
          g_strdup_printf (good_patterns[i].printf_format,
              (long long) good_values[j]));
#pragma GCC diagnostic pop
    }
    assert_no_error (bus);
    gst_harness_teardown (h);
    gst_object_unref (bus);

    g_ptr_array_sort (expected, compare_names);
    g_ptr_array_add (expected, NULL);
    expected_list = g_strjoinv ("|", (gchar **) expected->pdata);
    assert_tree (subdir, expected_list);
  }
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_frame_number_in_folder)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  GstElement *sink;
  GstBus *bus;
  GstHarness *h;

  sink = make_sink (dir, "out/%03d/color.png");
  g_object_set (sink, "skip-existing", TRUE, NULL);
  h = start_harness (sink, &bus);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (5, "five", 4)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (7, "seven", 5)),
      GST_FLOW_OK);
  assert_no_error (bus);
  gst_harness_teardown (h);

  assert_tree (dir, "out/|out/005/|out/005/color.png|out/007/|"
      "out/007/color.png");
  assert_file (dir, "out/005/color.png", "five", 4);
  assert_file (dir, "out/007/color.png", "seven", 5);
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_parent_is_a_file)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *final = g_build_filename (dir, "afile", "frame_7.png",
      NULL);
  const gchar *needles[] = { "Could not write frame 7", final,
    "Not a directory", NULL
  };
  GstBus *bus;
  GstHarness *h;

  /* root ignores permissions, so a folder that is a file stands in for an
   * unwritable one */
  trial_test_write (dir, "afile", "I am a file", 11);
  h = start_harness (make_sink (dir, "afile/frame_%d.png"), &bus);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (7, "data", 4)),
      GST_FLOW_ERROR);
  assert_error (bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_WRITE,
      needles);
  fail_unless_equals_uint64 (get_counter (h, "frames"), 0);
  gst_harness_teardown (h);

  assert_tree (dir, "afile");
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_final_name_is_a_folder)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *final = g_build_filename (dir, "frame_3.png", NULL);
  g_autofree gchar *inside = g_build_filename (final, "keep", NULL);
  const gchar *needles[] = { "Could not write frame 3", final,
    "Is a directory", NULL
  };
  GstBus *bus;
  GstHarness *h;

  /* the rename fails after the data was written: the temporary file goes */
  trial_test_write (dir, "frame_3.png/keep", "k", 1);
  h = start_harness (make_sink (dir, "frame_%d.png"), &bus);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (2, "two", 3)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (3, "three", 5)),
      GST_FLOW_ERROR);
  assert_error (bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE, needles);
  fail_unless_equals_uint64 (get_counter (h, "frames"), 1);
  fail_unless_equals_uint64 (get_counter (h, "bytes"), 3);
  gst_harness_teardown (h);

  assert_tree (dir, "frame_2.png|frame_3.png/|frame_3.png/keep");
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* A file size limit makes write() stop part-way (a short write, then EFBIG),
 * the same path as a disk that fills during a write, without a mount. */
GST_START_TEST (test_write_fails_midway)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *final = g_build_filename (dir, "out", "frame_002.bin",
      NULL);
  const gchar *needles[] = { "Could not write frame 2", final,
    "File too large", NULL
  };
  struct rlimit old_limit, limit;
  void (*old_handler) (int);
  guint8 *big = g_malloc0 (200000);
  GstBus *bus;
  GstHarness *h;

  h = start_harness (make_sink (dir, "out/frame_%03d.bin"), &bus);

  fail_unless (getrlimit (RLIMIT_FSIZE, &old_limit) == 0);
  limit = old_limit;
  limit.rlim_cur = 65536;
  fail_unless (setrlimit (RLIMIT_FSIZE, &limit) == 0);
  old_handler = signal (SIGXFSZ, SIG_IGN);

  fail_unless_equals_int (gst_harness_push (h, frame_buffer (1, big, 60000)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (2, big, 200000)),
      GST_FLOW_ERROR);

  signal (SIGXFSZ, old_handler);
  fail_unless (setrlimit (RLIMIT_FSIZE, &old_limit) == 0);

  assert_error (bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE, needles);
  gst_harness_teardown (h);

  assert_tree (dir, "out/|out/frame_001.bin");
  assert_file (dir, "out/frame_001.bin", big, 60000);
  g_free (big);
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* A small tmpfs fills up: ENOSPC gives an error naming the file, no partial
 * or temporary file; then read-only gives EROFS. The mount lives in a mount
 * namespace of this test process, so it goes away with it. Runs as the
 * meson test element-trialsink-disk-full, where it can skip (not root). */
GST_START_TEST (test_disk_full)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *final = g_build_filename (dir, "out", "frame_002.bin",
      NULL);
  g_autofree gchar *final3 = g_build_filename (dir, "out", "frame_003.bin",
      NULL);
  const gchar *full_needles[] = { "Could not write frame 2", final,
    "No space left on device", NULL
  };
  const gchar *ro_needles[] = { "Could not write frame 3", final3,
    "Read-only file system", NULL
  };
  guint8 *data = g_malloc (1024 * 1024);
  GstBus *bus;
  GstHarness *h;

  if (unshare (CLONE_NEWNS) != 0
      || mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0
      || mount ("tmpfs", dir, "tmpfs", 0, "size=64k") != 0) {
    g_autofree gchar *why = g_strdup_printf ("mounting a tmpfs (needs root "
        "or CAP_SYS_ADMIN): %s", g_strerror (errno));

    g_free (data);
    trial_test_rm_rf (dir);
    trial_test_missing (why);
  }
  memset (data, 0xa5, 1024 * 1024);

  h = start_harness (make_sink (dir, "out/frame_%03d.bin"), &bus);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (1, data, 16384)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (2, data,
              1024 * 1024)), GST_FLOW_ERROR);
  assert_error (bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT,
      full_needles);
  gst_harness_teardown (h);
  gst_object_unref (bus);
  assert_tree (dir, "out/|out/frame_001.bin");
  assert_file (dir, "out/frame_001.bin", data, 16384);

  fail_unless (mount ("tmpfs", dir, "tmpfs", MS_REMOUNT | MS_RDONLY,
          "size=64k") == 0, "remount read-only: %s", g_strerror (errno));
  h = start_harness (make_sink (dir, "out/frame_%03d.bin"), &bus);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (3, data, 10)),
      GST_FLOW_ERROR);
  assert_error (bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_WRITE,
      ro_needles);
  gst_harness_teardown (h);
  gst_object_unref (bus);
  assert_tree (dir, "out/|out/frame_001.bin");

  fail_unless (umount (dir) == 0, "umount: %s", g_strerror (errno));
  g_free (data);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_fsync)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  GstElement *sink;
  GstBus *bus;
  GstHarness *h;
  gboolean fsync = TRUE;

  sink = make_sink (dir, "frame_%d.npy");
  g_object_get (sink, "fsync", &fsync, NULL);
  fail_unless (!fsync);
  g_object_set (sink, "fsync", TRUE, NULL);
  h = start_harness (sink, &bus);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (4, "four", 4)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (9, "nine", 4)),
      GST_FLOW_OK);
  assert_no_error (bus);
  gst_harness_teardown (h);

  assert_tree (dir, "frame_4.npy|frame_9.npy");
  assert_file (dir, "frame_4.npy", "four", 4);
  assert_file (dir, "frame_9.npy", "nine", 4);
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

typedef struct
{
  guint64 frames, failed, skipped, bytes;
  gint64 last_frame;
  gboolean done;
} Progress;

static void
assert_progress (GstMessage * msg, const gchar * stream, const Progress * want)
{
  const GstStructure *s;
  Progress got = { 0, };

  fail_unless (msg != NULL, "missing trial-progress message");
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ELEMENT);
  s = gst_message_get_structure (msg);
  fail_unless (gst_structure_has_name (s, "trial-progress"));
  fail_unless (gst_structure_get (s, "frames", G_TYPE_UINT64, &got.frames,
          "failed", G_TYPE_UINT64, &got.failed,
          "skipped", G_TYPE_UINT64, &got.skipped,
          "bytes", G_TYPE_UINT64, &got.bytes,
          "last-frame", G_TYPE_INT64, &got.last_frame,
          "done", G_TYPE_BOOLEAN, &got.done, NULL));
  fail_unless_equals_string (gst_structure_get_string (s, "stream"), stream);
  fail_unless_equals_uint64 (got.frames, want->frames);
  fail_unless_equals_uint64 (got.failed, want->failed);
  fail_unless_equals_uint64 (got.skipped, want->skipped);
  fail_unless_equals_uint64 (got.bytes, want->bytes);
  fail_unless_equals_int64 (got.last_frame, want->last_frame);
  fail_unless_equals_int (got.done, want->done);
  gst_message_unref (msg);
}

static GstMessage *
pop_element_or_eos (GstBus * bus)
{
  return gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT | GST_MESSAGE_EOS);
}

GST_START_TEST (test_progress_each_buffer)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  const Progress want[] = {
    {1, 0, 0, 3, 10, FALSE},
    {1, 1, 0, 3, 11, FALSE},
    {2, 1, 0, 8, 12, FALSE},
    {3, 1, 1, 8, 13, FALSE},
    {3, 1, 1, 8, 13, TRUE},
  };
  GstElement *sink;
  GstBuffer *gap;
  GstMessage *msg;
  GstBus *bus;
  GstHarness *h;
  guint i;

  trial_test_write (dir, "d/13.npy", "exists", 6);
  sink = make_sink (dir, "d/%d.npy");
  g_object_set (sink, "progress-interval", 0, "stream", "depth",
      "skip-existing", TRUE, NULL);
  h = start_harness (sink, &bus);

  fail_unless_equals_int (gst_harness_push (h, frame_buffer (10, "abc", 3)),
      GST_FLOW_OK);
  GST_BUFFER_FLAG_SET (gap = frame_buffer (11, NULL, 0), GST_BUFFER_FLAG_GAP);
  fail_unless_equals_int (gst_harness_push (h, gap), GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (12, "defgh", 5)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (13, "new", 3)),
      GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));

  for (i = 0; i < G_N_ELEMENTS (want); i++)
    assert_progress (pop_element_or_eos (bus), "depth", &want[i]);
  /* the totals come before EOS, and nothing after */
  msg = pop_element_or_eos (bus);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless (pop_element_or_eos (bus) == NULL);

  assert_no_error (bus);
  gst_harness_teardown (h);
  assert_tree (dir, "d/|d/10.npy|d/12.npy|d/13.npy");
  assert_file (dir, "d/13.npy", "exists", 6);
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

GST_START_TEST (test_progress_interval)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  const Progress total = { 20, 0, 0, 40, 119, TRUE };
  GstElement *sink;
  GstBus *bus;
  GstHarness *h;
  guint interval = 0;
  gchar *stream = NULL;
  guint i;

  sink = make_sink (dir, "%d");
  g_object_get (sink, "progress-interval", &interval, "stream", &stream,
      NULL);
  fail_unless_equals_int (interval, 500);
  fail_unless_equals_string (stream, "");
  g_free (stream);

  /* an hour: no message while running, one at EOS with the totals */
  g_object_set (sink, "progress-interval", 3600 * 1000, NULL);
  h = start_harness (sink, &bus);
  for (i = 100; i < 120; i++)
    fail_unless_equals_int (gst_harness_push (h, frame_buffer (i, "ab", 2)),
        GST_FLOW_OK);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT) == NULL);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  assert_progress (gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT), "",
      &total);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT) == NULL);
  gst_harness_teardown (h);
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* ---- writes in the shared pool ---- */

/* Like start_harness, with @pool set on @sink as the gst-trial.pool
 * context (what trialconvert answers upstream in a pipeline). */
static GstHarness *
start_pooled_harness (GstElement * sink, GstTrialPool * pool, GstBus ** bus)
{
  GstContext *context = gst_trial_pool_context_new (pool);

  gst_element_set_context (sink, context);
  gst_context_unref (context);
  return start_harness (sink, bus);
}

/* A pool job that holds its thread until released. */
typedef struct
{
  GstTrialPoolJob job;
  GMutex lock;
  GCond cond;
  gint running, release;        /* atomic: TSan cannot see GMutex */
} Blocker;

static void
blocker_run (GstTrialPoolJob * job)
{
  Blocker *b = (Blocker *) job;

  g_mutex_lock (&b->lock);
  g_atomic_int_set (&b->running, TRUE);
  g_cond_broadcast (&b->cond);
  while (!g_atomic_int_get (&b->release))
    g_cond_wait (&b->cond, &b->lock);
  g_mutex_unlock (&b->lock);
}

/* Occupies the only thread of @pool until blocker_release(). */
static void
blocker_start (Blocker * b, GstTrialPool * pool)
{
  memset (b, 0, sizeof (*b));
  g_mutex_init (&b->lock);
  g_cond_init (&b->cond);
  b->job.func = blocker_run;
  gst_trial_pool_push (pool, &b->job);
  g_mutex_lock (&b->lock);
  while (!g_atomic_int_get (&b->running))
    g_cond_wait (&b->cond, &b->lock);
  g_mutex_unlock (&b->lock);
}

static void
blocker_release (Blocker * b)
{
  g_mutex_lock (&b->lock);
  g_atomic_int_set (&b->release, TRUE);
  g_cond_broadcast (&b->cond);
  g_mutex_unlock (&b->lock);
}

/* With a pool, the file is written by a pool thread, not in render: while
 * the pool's only thread is busy, a rendered frame is neither on disk nor
 * counted; EOS waits for the write, then reports the totals. */
GST_START_TEST (test_pool_writes_counted_at_eos)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  GstTrialPool *pool = gst_trial_pool_new (1);
  Progress total = { 1, 0, 0, 5, 7, TRUE };
  Blocker blocker;
  GstBus *bus;
  GstHarness *h;

  h = start_pooled_harness (make_sink (dir, "out/frame_%d.npy"), pool, &bus);
  blocker_start (&blocker, pool);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (7, "seven", 5)),
      GST_FLOW_OK);
  fail_unless_equals_uint64 (get_counter (h, "frames"), 0);
  assert_tree (dir, "out/");
  blocker_release (&blocker);

  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  assert_progress (gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT), "",
      &total);
  fail_unless_equals_uint64 (get_counter (h, "frames"), 1);
  fail_unless_equals_uint64 (get_counter (h, "bytes"), 5);
  assert_tree (dir, "out/|out/frame_7.npy");
  assert_file (dir, "out/frame_7.npy", "seven", 5);
  assert_no_error (bus);
  gst_harness_teardown (h);

  g_mutex_clear (&blocker.lock);
  g_cond_clear (&blocker.cond);
  gst_object_unref (pool);
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* Many frames through a two-thread pool: every file whole, in the order
 * and with the counts of render's own writes, fsync included. */
GST_START_TEST (test_pool_writes_every_frame)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  GstTrialPool *pool = gst_trial_pool_new (2);
  GString *expected = g_string_new (NULL);
  Progress total = { 40, 0, 0, 0, 139, TRUE };
  GstElement *sink = make_sink (dir, "frame_%03d.bin");
  guint8 data[4096];
  GstBus *bus;
  GstHarness *h;
  guint i;

  g_object_set (sink, "fsync", TRUE, NULL);
  h = start_pooled_harness (sink, pool, &bus);
  for (i = 100; i < 140; i++) {
    memset (data, i, sizeof (data));
    fail_unless_equals_int (gst_harness_push (h, frame_buffer (i, data,
                1000 + i)), GST_FLOW_OK);
    total.bytes += 1000 + i;
    g_string_append_printf (expected, "%sframe_%03u.bin", i > 100 ? "|" : "",
        i);
  }
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  assert_progress (gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT), "",
      &total);
  assert_no_error (bus);
  gst_harness_teardown (h);

  assert_tree (dir, expected->str);
  for (i = 100; i < 140; i++) {
    g_autofree gchar *name = g_strdup_printf ("frame_%03u.bin", i);

    memset (data, i, sizeof (data));
    assert_file (dir, name, data, 1000 + i);
  }
  g_string_free (expected, TRUE);
  gst_object_unref (pool);
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

/* A write that fails in the pool: its error names the frame and the file,
 * as render's would; the next frame is refused and not written, EOS is
 * refused (no EOS message, no final progress), no temporary file is
 * left. */
GST_START_TEST (test_pool_write_error_reported)
{
  g_autofree gchar *dir = trial_test_make_tmpdir ();
  g_autofree gchar *final = g_build_filename (dir, "frame_3.png", NULL);
  const gchar *needles[] = { "Could not write frame 3", final,
    "Is a directory", NULL
  };
  GstTrialPool *pool = gst_trial_pool_new (1);
  GstBus *bus;
  GstHarness *h;

  trial_test_write (dir, "frame_3.png/keep", "k", 1);
  h = start_pooled_harness (make_sink (dir, "frame_%d.png"), pool, &bus);
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (2, "two", 3)),
      GST_FLOW_OK);
  /* queued: the rename fails later, in the pool */
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (3, "three", 5)),
      GST_FLOW_OK);
  /* the next frame waits for that write, and is refused */
  fail_unless_equals_int (gst_harness_push (h, frame_buffer (4, "four", 4)),
      GST_FLOW_ERROR);
  assert_error (bus, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE, needles);
  fail_if (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT |
          GST_MESSAGE_EOS) == NULL, "EOS or progress after a failed write");
  assert_no_error (bus);
  fail_unless_equals_uint64 (get_counter (h, "frames"), 1);
  fail_unless_equals_uint64 (get_counter (h, "bytes"), 3);
  gst_harness_teardown (h);

  assert_tree (dir, "frame_2.png|frame_3.png/|frame_3.png/keep");
  assert_file (dir, "frame_2.png", "two", 3);
  gst_object_unref (pool);
  gst_object_unref (bus);
  trial_test_rm_rf (dir);
}

GST_END_TEST;

static Suite *
trialsink_suite (void)
{
  Suite *s = suite_create ("trialsink");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_files_named_by_offset);
  tcase_add_test (tc, test_gap_counted_failed);
  tcase_add_test (tc, test_buffer_without_offset);
  tcase_add_test (tc, test_skip_existing);
  tcase_add_test (tc, test_replaces_existing);
  tcase_add_test (tc, test_bad_patterns_rejected);
  tcase_add_test (tc, test_no_location);
  tcase_add_test (tc, test_patterns_expand_like_printf);
  tcase_add_test (tc, test_frame_number_in_folder);
  tcase_add_test (tc, test_parent_is_a_file);
  tcase_add_test (tc, test_final_name_is_a_folder);
  tcase_add_test (tc, test_write_fails_midway);
  tcase_add_test (tc, test_disk_full);
  tcase_add_test (tc, test_fsync);
  tcase_add_test (tc, test_progress_each_buffer);
  tcase_add_test (tc, test_progress_interval);
  tcase_add_test (tc, test_pool_writes_counted_at_eos);
  tcase_add_test (tc, test_pool_writes_every_frame);
  tcase_add_test (tc, test_pool_write_error_reported);
  return s;
}

GST_CHECK_MAIN (trialsink);
