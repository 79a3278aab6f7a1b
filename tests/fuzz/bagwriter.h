/* gst-trial tests: a small ROS bag 2.0 writer for the seeds of fuzz-bag
 * and the unit tests of bag.c (tests/check/bag.c). The Python tests write
 * their bags with python3-rosbag instead; this one exists so the fuzzer
 * and the C tests need no Python, and can place chunks beyond 4 GB. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const gchar *compression;     /* "none", "lz4" or "bz2" */
  guint n_frames;               /* depth frames; color has one less */
  guint frames_per_chunk;       /* image messages per chunk */
  gboolean trailer;             /* librealsense's 4-byte depth scale */
  gboolean interrupted;         /* index_pos 0, no index section */
  guint64 gap;                  /* bytes of hole after the bag header */
} FuzzBagSpec;

#define FUZZ_BAG_SPEC_INIT { "none", 3, 2, TRUE, FALSE, 0 }

/* A RealSense bag (BAG_FORMAT.md): static topics at (0, 1), then depth
 * frames (4x2 mono16, seq 10 + i, value 1000 * i + pixel) at 1 s + i * 33
 * ms and color frames (4x2 rgb8, seq 50 + i, byte value 7 * i + byte) 4 ms
 * after each depth frame but the last. With @gap, the chunks and the index
 * are placed @gap bytes further than the bag header's end, and the returned
 * bytes leave that hole out: the file is bytes[0, 4117) then @gap zero
 * bytes then the rest (see fuzz_bag_write()). */
GBytes *fuzz_make_bag (const FuzzBagSpec * spec);

/* Writes @bag made with @gap to @path as a sparse file. */
gboolean fuzz_bag_write (const gchar * path, GBytes * bag, guint64 gap,
    GError ** error);

/* The file offset of the first chunk (4117 + gap). */
#define FUZZ_BAG_FIRST_CHUNK 4117

G_END_DECLS
