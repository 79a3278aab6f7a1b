/* gst-trial: a recycling buffer source for frames of varying size.
 *
 * One GstBufferPool holds buffers of the largest size asked for so far,
 * rounded up; a request gets a pooled buffer trimmed to its size (the pool
 * restores the full size when the buffer comes back). A larger request
 * replaces the pool: the old one is deactivated, so its buffers are freed
 * as they come back. Requests beyond POOLED_MAX are allocated on their own,
 * so that one huge frame does not make every later buffer huge. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttrialbuffers.h"
#include "gst/trial/tsan.h"

/* Pool sizes are multiples of this, so that frames a little larger than the
 * ones before do not replace the pool every time. */
#define POOLED_STEP (64 * 1024)
/* More than any frame up to 1920x1080 RGBA or float32 depth. */
#define POOLED_MAX (32 * 1024 * 1024)
/* Memory aligned to 64 bytes: the float32 data of a .npy starts 128 bytes
 * in, so vector code can use aligned loads and stores. */
#define ALIGN_MASK 63

static void
allocation_params (GstAllocationParams * params)
{
  gst_allocation_params_init (params);
  params->align = ALIGN_MASK;
}

struct _GstTrialBuffers
{
  GMutex lock;
  GstBufferPool *pool;          /* active, or NULL before the first request */
  gsize pool_size;
};

GstTrialBuffers *
gst_trial_buffers_new (void)
{
  GstTrialBuffers *buffers = g_new0 (GstTrialBuffers, 1);

  g_mutex_init (&buffers->lock);
  return buffers;
}

void
gst_trial_buffers_free (GstTrialBuffers * buffers)
{
  if (buffers == NULL)
    return;
  if (buffers->pool) {
    gst_buffer_pool_set_active (buffers->pool, FALSE);
    gst_object_unref (buffers->pool);
  }
  g_mutex_clear (&buffers->lock);
  g_free (buffers);
}

/* GstBufferPool hands a buffer released on one thread to the next thread
 * that acquires it through a lock-free queue inside libgstreamer, which
 * ThreadSanitizer does not see (gst/trial/tsan.h): the new owner's writes
 * would look like a race with the old owner's. This subclass marks exactly
 * that hand-over; it changes nothing else. */
typedef struct
{
  GstBufferPool parent;
} GstTrialBufferPool;

typedef struct
{
  GstBufferPoolClass parent_class;
} GstTrialBufferPoolClass;

G_DEFINE_TYPE (GstTrialBufferPool, gst_trial_buffer_pool, GST_TYPE_BUFFER_POOL);

static GstFlowReturn
gst_trial_buffer_pool_acquire_buffer (GstBufferPool * pool,
    GstBuffer ** buffer, GstBufferPoolAcquireParams * params)
{
  GstFlowReturn ret =
      GST_BUFFER_POOL_CLASS (gst_trial_buffer_pool_parent_class)->
      acquire_buffer (pool, buffer, params);

  if (ret == GST_FLOW_OK)
    GST_TRIAL_TSAN_ACQUIRE (*buffer);
  return ret;
}

static void
gst_trial_buffer_pool_release_buffer (GstBufferPool * pool,
    GstBuffer * buffer)
{
  GST_TRIAL_TSAN_RELEASE (buffer);
  GST_BUFFER_POOL_CLASS (gst_trial_buffer_pool_parent_class)->release_buffer
      (pool, buffer);
}

static void
gst_trial_buffer_pool_class_init (GstTrialBufferPoolClass * klass)
{
  GstBufferPoolClass *pool_class = GST_BUFFER_POOL_CLASS (klass);

  pool_class->acquire_buffer = gst_trial_buffer_pool_acquire_buffer;
  pool_class->release_buffer = gst_trial_buffer_pool_release_buffer;
}

static void
gst_trial_buffer_pool_init (GstTrialBufferPool * self)
{
  (void) self;
}

static GstBufferPool *
make_pool (gsize size)
{
  GstBufferPool *pool =
      gst_object_ref_sink (g_object_new (gst_trial_buffer_pool_get_type (),
          NULL));
  GstStructure *config = gst_buffer_pool_get_config (pool);
  GstAllocationParams params;

  allocation_params (&params);
  gst_buffer_pool_config_set_params (config, NULL, size, 0, 0);
  gst_buffer_pool_config_set_allocator (config, NULL, &params);
  if (!gst_buffer_pool_set_config (pool, config)
      || !gst_buffer_pool_set_active (pool, TRUE)) {
    gst_object_unref (pool);
    return NULL;
  }
  return pool;
}

/* The pool to take a @size buffer from, with a reference for the caller. */
static GstBufferPool *
pool_for (GstTrialBuffers * buffers, gsize size)
{
  GstBufferPool *pool;

  g_mutex_lock (&buffers->lock);
  GST_TRIAL_TSAN_ACQUIRE (&buffers->lock);
  if (buffers->pool == NULL || size > buffers->pool_size) {
    gsize pool_size = (size + POOLED_STEP - 1) / POOLED_STEP * POOLED_STEP;
    GstBufferPool *larger = make_pool (pool_size);

    if (larger) {
      if (buffers->pool) {
        gst_buffer_pool_set_active (buffers->pool, FALSE);
        gst_object_unref (buffers->pool);
      }
      buffers->pool = larger;
      buffers->pool_size = pool_size;
    }
  }
  pool = buffers->pool && size <= buffers->pool_size ?
      gst_object_ref (buffers->pool) : NULL;
  GST_TRIAL_TSAN_RELEASE (&buffers->lock);
  g_mutex_unlock (&buffers->lock);
  return pool;
}

GstBuffer *
gst_trial_buffers_acquire (GstTrialBuffers * buffers, gsize size)
{
  GstAllocationParams params;
  GstBufferPool *pool;
  GstBuffer *buffer = NULL;

  g_return_val_if_fail (buffers != NULL && size > 0, NULL);

  allocation_params (&params);
  if (size > POOLED_MAX || (pool = pool_for (buffers, size)) == NULL)
    return gst_buffer_new_allocate (NULL, size, &params);

  /* FLUSHING only if another thread has just replaced this pool */
  if (gst_buffer_pool_acquire_buffer (pool, &buffer, NULL) == GST_FLOW_OK)
    gst_buffer_set_size (buffer, size);
  else
    buffer = gst_buffer_new_allocate (NULL, size, &params);
  gst_object_unref (pool);
  return buffer;
}
