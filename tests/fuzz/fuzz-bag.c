/* gst-trial fuzzing: the .bag reader (bag.c) and the RealSense scheme
 * (rsbag.c) on arbitrary bytes.
 *
 * Opens the input as a bag in memory; when it opens, reads every message
 * of the index (checking the index is in time order and each message lies
 * in its chunk), then reads the RealSense scheme and parses every image of
 * its streams, checking the pixels lie inside the message. */
#include "tests/fuzz/fuzz.h"
#include "gst/trial/rsbag.h"

static void
read_images (GstTrialRsBag * rs)
{
  guint n = gst_trial_rs_bag_get_n_streams (rs), i;
  g_autofree const GstTrialRsStream **streams = g_new (const GstTrialRsStream
      *, MAX (n, 1));
  g_autoptr (GstTrialBagIter) iter = NULL;
  GstTrialBagMessage m;
  GError *error = NULL;

  fuzz_check (n > 0);
  for (i = 0; i < n; i++)
    streams[i] = gst_trial_rs_bag_get_stream (rs, i);
  iter = gst_trial_rs_bag_iter_new (rs, streams, n);
  while (gst_trial_bag_iter_next (iter, &m, &error)) {
    GstTrialRsImage image;

    if (!gst_trial_rs_image_parse (m.data, m.size, "fuzz", &image, &error)) {
      fuzz_check_error (error);
      error = NULL;
      continue;
    }
    fuzz_check (image.data >= m.data);
    fuzz_check (image.data + image.size <= m.data + m.size);
    fuzz_check ((guint64) image.step * image.height == image.size);
    fuzz_check (image.step >= (guint64) image.width * image.bytes_per_pixel);
    for (i = 0; i < n; i++) {
      if (streams[i]->image_conn == m.conn)
        fuzz_check (gst_trial_rs_depth_scale (streams[i], &image) > 0);
    }
  }
  if (error != NULL)
    fuzz_check_error (error);
}

void
fuzz_bag_one (const guint8 * data, gsize size)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (data, size);
  GError *error = NULL;
  GstTrialBag *bag = gst_trial_bag_open_bytes (bytes, "fuzz.bag", &error);
  GstTrialRsBag *rs;
  const GstTrialBagEntry *entries;
  gsize n, i;

  if (bag == NULL) {
    fuzz_check_error (error);
    return;
  }
  entries = gst_trial_bag_get_entries (bag, &n);
  for (i = 0; i < n; i++) {
    GstTrialBagMessage m;

    fuzz_check (i == 0 || entries[i - 1].time <= entries[i].time);
    if (gst_trial_bag_read (bag, &entries[i], &m, &error)) {
      fuzz_check (m.conn == entries[i].conn);
      fuzz_check (m.size < size * 4096 + 1);
    } else {
      fuzz_check_error (error);
      error = NULL;
    }
  }
  fuzz_check (gst_trial_bag_lower_bound (bag, 0) == 0);
  fuzz_check (gst_trial_bag_lower_bound (bag, G_MAXUINT64) <= n);

  rs = gst_trial_rs_bag_new (bag, &error);
  if (rs == NULL) {
    fuzz_check_error (error);
    return;
  }
  read_images (rs);
  gst_trial_rs_bag_free (rs);
}

FUZZ_TARGET (fuzz_bag_one)
