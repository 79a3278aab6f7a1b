/* gst-trial: a reader of ROS bag 2.0 files (the container of RealSense
 * .bag recordings).
 *
 * Opening a bag reads its connections and its message index: from the
 * chunk-info and index-data records at the end of the file, or, when the
 * recording was interrupted before the bag header was rewritten
 * (index_pos == 0), by scanning the chunks up to the last complete message.
 * Messages are then read one at a time in time order; only one decompressed
 * chunk is held at a time (chunks are `none`, `lz4` or `bz2`), so memory
 * stays bounded by the index (24 bytes a message) plus one chunk, whatever
 * the size of the file. Every length and offset read from the file is
 * checked; failures are GErrors of GST_TRIAL_ERROR naming the file and the
 * offset. The RealSense topics on top of this are in rsbag.h. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest chunk (uncompressed or compressed) and index data accepted, and
 * largest record header and connection or chunk-info record data. */
#define GST_TRIAL_BAG_MAX_CHUNK (256u * 1024 * 1024)
#define GST_TRIAL_BAG_MAX_HEADER (1024u * 1024)

typedef struct _GstTrialBag GstTrialBag;

/* One connection (topic) of the bag; strings owned by the bag. */
typedef struct
{
  guint32 id;                   /* `conn` of its records */
  const gchar *topic;
  const gchar *type;            /* e.g. "sensor_msgs/Image" */
  const gchar *md5sum;
} GstTrialBagConnection;

/* One message in the index. Times are nanoseconds since the epoch (bag time,
 * sec * 10^9 + nsec). */
typedef struct
{
  guint64 time;
  guint32 conn;
  guint32 chunk;                /* index into the bag's chunks */
  guint32 offset;               /* of the message record in the chunk */
} GstTrialBagEntry;

/* A message read from the bag: @data points into the bag's chunk buffer and
 * stays valid until the next read from the same bag, or as long as a
 * reference to @chunk (the decompressed chunk, owned by the bag) is held:
 * a demuxer wraps frames in it instead of copying them. */
typedef struct
{
  guint64 time;
  guint32 conn;
  const guint8 *data;
  gsize size;
  GBytes *chunk;
} GstTrialBagMessage;

GstTrialBag *gst_trial_bag_open (const gchar * path, GError ** error);
/* The same from bytes in memory; @name is used in error messages. */
GstTrialBag *gst_trial_bag_open_bytes (GBytes * bytes, const gchar * name,
    GError ** error);

/* Reads exactly @len bytes at @offset (within the size given at open) into
 * @out, or fails with @error set. */
typedef gboolean (*GstTrialBagReadFunc) (gpointer user_data, guint64 offset,
    guint8 * out, gsize len, GError ** error);
/* The same from a file of @size bytes read through @read (e.g. a
 * demuxer's gst_pad_pull_range()); @destroy frees @user_data with the
 * bag. On failure @destroy has been called too. */
GstTrialBag *gst_trial_bag_open_reader (GstTrialBagReadFunc read,
    gpointer user_data, GDestroyNotify destroy, guint64 size,
    const gchar * name, GError ** error);
void gst_trial_bag_free (GstTrialBag * bag);
/* The path (or name) the bag was opened with. */
const gchar *gst_trial_bag_get_name (GstTrialBag * bag);

/* NULL for a complete bag; for a bag whose recording was interrupted, a
 * message for users saying so and how much was recovered (the caller shows
 * it as a warning). */
const gchar *gst_trial_bag_get_warning (GstTrialBag * bag);

guint gst_trial_bag_get_n_connections (GstTrialBag * bag);
const GstTrialBagConnection *gst_trial_bag_get_connection (GstTrialBag * bag,
    guint i);
/* The connection with topic @topic, NULL if none. */
const GstTrialBagConnection *gst_trial_bag_find_topic (GstTrialBag * bag,
    const gchar * topic);

/* All messages, sorted by time (equal times in file order). */
const GstTrialBagEntry *gst_trial_bag_get_entries (GstTrialBag * bag,
    gsize * n_entries);
/* Index of the first entry with time >= @time (n_entries if none). */
gsize gst_trial_bag_lower_bound (GstTrialBag * bag, guint64 time);

/* Reads the message of @entry (one of gst_trial_bag_get_entries()). */
gboolean gst_trial_bag_read (GstTrialBag * bag,
    const GstTrialBagEntry * entry, GstTrialBagMessage * message,
    GError ** error);

/* Iterates, in time order, over the messages of the connections @conns
 * (all of them when @n_conns is 0). */
typedef struct _GstTrialBagIter GstTrialBagIter;

GstTrialBagIter *gst_trial_bag_iter_new (GstTrialBag * bag,
    const guint32 * conns, guint n_conns);
void gst_trial_bag_iter_free (GstTrialBagIter * iter);
/* The next message goes to @message: FALSE at the end (with @error unset)
 * or on an error. On an error @message's time and conn say which message
 * could not be read (data NULL) and the iterator is past it: after a
 * GST_TRIAL_ERROR_CORRUPT (a damaged chunk or record) the next call reads
 * the next message, so a reader may skip what is damaged. */
gboolean gst_trial_bag_iter_next (GstTrialBagIter * iter,
    GstTrialBagMessage * message, GError ** error);
/* The next message will be the first at or after @time. */
void gst_trial_bag_iter_seek (GstTrialBagIter * iter, guint64 time);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstTrialBag, gst_trial_bag_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstTrialBagIter, gst_trial_bag_iter_free)

G_END_DECLS
