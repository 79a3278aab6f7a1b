/* gst-trial: GstTrialPool, the worker pool trialconvert elements share
 * through a GstContext (see pool.h). It is in the library, not the plugin,
 * so that applications and tests name its type (GST_TYPE_TRIAL_POOL,
 * GstTrial.Pool) instead of looking it up by name after the plugin loads.
 *
 * Why not core GstSharedTaskPool (1.20+, shared through the same context
 * the way video-converter.c shares a GstTaskPool with its
 * GstParallelizedTaskRunner)? Its contract does not fit how trialconvert
 * hands work over (checked against gsttaskpool.c of GStreamer 1.22):
 *
 * - Before gst_task_pool_prepare() and after gst_task_pool_cleanup(),
 *   gst_task_pool_push() on a GstSharedTaskPool returns NULL without an
 *   error and never runs the function. trialconvert counts every frame it
 *   hands over and waits for that count to reach zero before it stops, so
 *   a frame dropped in silence hangs the state change. Pools in the
 *   context are shared by elements, pipelines and applications that start
 *   and stop independently; nobody owns prepare and cleanup. GstTrialPool
 *   is ready when it exists and lives as long as a reference to it.
 * - Each push allocates a SharedTaskData with its own GMutex and GCond for
 *   gst_task_pool_join(), and the handle must be disposed of
 *   (gst_task_pool_dispose_handle) or joined. trialconvert never joins a
 *   frame: results come back through its ordered queue
 *   (gsttrialorderedqueue.c), which needs only the one queue lock.
 * - Its GThreadPool is not exclusive: threads are started on demand and
 *   returned to GLib's global set, and gst_shared_task_pool_set_max_threads
 *   may change the count while running. n-threads here is the count of
 *   threads started with the pool and reported in trial-stats, which
 *   latency and max-in-flight (2 * n-threads + 2) are sized on.
 * Ordered output, max-in-flight and the per-element work are not the pool's
 * business either way; they live in the element and its queue. */
#include "gst/trial/pool.h"
#include "gst/trial/tsan.h"

GST_DEBUG_CATEGORY_STATIC (gst_trial_pool_debug);
#define GST_CAT_DEFAULT gst_trial_pool_debug

struct _GstTrialPool
{
  GstObject parent;

  guint n_threads;              /* construct-only */
  GThreadPool *threads;         /* created in constructed(), then immutable */
};

enum
{
  PROP_0,
  PROP_N_THREADS,
};

G_DEFINE_TYPE_WITH_CODE (GstTrialPool, gst_trial_pool, GST_TYPE_OBJECT,
    GST_DEBUG_CATEGORY_INIT (gst_trial_pool_debug, "trialpool", 0,
        "gst-trial shared worker pool"));

static void
gst_trial_pool_run (gpointer data, gpointer user_data)
{
  GstTrialPoolJob *job = data;
  GstTrialPool *self = user_data;

  /* Logged before the job runs: once an element sees its job finished,
   * the log already has it (tests count these). */
  GST_LOG_OBJECT (self, "running a job");
  GST_TRIAL_TSAN_ACQUIRE (job);
  job->func (job);
}

static void
gst_trial_pool_constructed (GObject * object)
{
  GstTrialPool *self = GST_TRIAL_POOL (object);
  GError *error = NULL;

  G_OBJECT_CLASS (gst_trial_pool_parent_class)->constructed (object);

  if (self->n_threads == 0)
    self->n_threads = g_get_num_processors ();

  self->threads = g_thread_pool_new (gst_trial_pool_run, self,
      (gint) self->n_threads, TRUE, &error);
  if (error != NULL) {
    /* Some threads could not be started: an exclusive pool would never
     * start them later, a shared one does on demand. */
    GST_WARNING_OBJECT (self, "cannot start %u threads (%s), starting them "
        "on demand", self->n_threads, error->message);
    g_clear_error (&error);
    g_thread_pool_free (self->threads, FALSE, TRUE);
    self->threads = g_thread_pool_new (gst_trial_pool_run, self,
        (gint) self->n_threads, FALSE, NULL);
  }
  GST_DEBUG_OBJECT (self, "pool of %u threads", self->n_threads);
}

static void
gst_trial_pool_finalize (GObject * object)
{
  GstTrialPool *self = GST_TRIAL_POOL (object);

  /* Elements wait for their own jobs before they let go of the pool, so
   * nothing is queued here; waiting only joins idle threads. */
  g_thread_pool_free (self->threads, FALSE, TRUE);

  G_OBJECT_CLASS (gst_trial_pool_parent_class)->finalize (object);
}

static void
gst_trial_pool_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstTrialPool *self = GST_TRIAL_POOL (object);

  switch (prop_id) {
    case PROP_N_THREADS:
      self->n_threads = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_trial_pool_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstTrialPool *self = GST_TRIAL_POOL (object);

  switch (prop_id) {
    case PROP_N_THREADS:
      g_value_set_uint (value, self->n_threads);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_trial_pool_class_init (GstTrialPoolClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->constructed = gst_trial_pool_constructed;
  gobject_class->finalize = gst_trial_pool_finalize;
  gobject_class->set_property = gst_trial_pool_set_property;
  gobject_class->get_property = gst_trial_pool_get_property;

  g_object_class_install_property (gobject_class, PROP_N_THREADS,
      g_param_spec_uint ("n-threads", "Threads",
          "Number of worker threads (0 = number of processors)", 0, 1024, 0,
          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
          G_PARAM_STATIC_STRINGS));
}

static void
gst_trial_pool_init (GstTrialPool * self)
{
  (void) self;
}

/**
 * gst_trial_pool_new:
 * @n_threads: worker threads, 0 for g_get_num_processors()
 *
 * Returns: (transfer full): a new pool, its threads started
 */
GstTrialPool *
gst_trial_pool_new (guint n_threads)
{
  GstTrialPool *pool = g_object_new (GST_TYPE_TRIAL_POOL, "n-threads",
      n_threads, NULL);

  return gst_object_ref_sink (pool);
}

/**
 * gst_trial_pool_get_n_threads:
 * @pool: a #GstTrialPool
 *
 * Returns: the threads the pool was started with
 */
guint
gst_trial_pool_get_n_threads (GstTrialPool * pool)
{
  g_return_val_if_fail (GST_IS_TRIAL_POOL (pool), 0);

  return pool->n_threads;
}

/**
 * gst_trial_pool_push: (skip)
 * @pool: a #GstTrialPool
 * @job: a job whose func is set, embedded at the start of the caller's
 *   struct; it must stay alive until its func has run
 *
 * Queues @job; its func runs once in one of the pool's threads.
 */
void
gst_trial_pool_push (GstTrialPool * pool, GstTrialPoolJob * job)
{
  g_return_if_fail (GST_IS_TRIAL_POOL (pool));
  g_return_if_fail (job != NULL && job->func != NULL);

  /* Cannot fail: the pool's threads exist (or start on demand) and a
   * failure to start one more only leaves the job to the running ones. */
  GST_TRIAL_TSAN_RELEASE (job);
  g_thread_pool_push (pool->threads, job, NULL);
}

/**
 * gst_trial_pool_push_urgent: (skip)
 * @pool: a #GstTrialPool
 * @job: as for gst_trial_pool_push()
 *
 * Queues @job ahead of every job not yet started, so it runs in the next
 * free thread. For short jobs that an element's streaming thread waits for
 * (trialsink's file writes): behind a queue of conversions, the stream
 * would stall while the pool works through them.
 */
void
gst_trial_pool_push_urgent (GstTrialPool * pool, GstTrialPoolJob * job)
{
  g_return_if_fail (GST_IS_TRIAL_POOL (pool));
  g_return_if_fail (job != NULL && job->func != NULL);

  GST_TRIAL_TSAN_RELEASE (job);
  g_thread_pool_push (pool->threads, job, NULL);
  /* FALSE when a thread has taken it already: nothing to move */
  g_thread_pool_move_to_front (pool->threads, job);
}

/**
 * gst_trial_pool_context_new:
 * @pool: a #GstTrialPool
 *
 * Returns: (transfer full): a persistent context of type
 *   %GST_TRIAL_POOL_CONTEXT_TYPE holding @pool, to set on pipelines with
 *   gst_element_set_context() before they start
 */
GstContext *
gst_trial_pool_context_new (GstTrialPool * pool)
{
  GstContext *context;

  g_return_val_if_fail (GST_IS_TRIAL_POOL (pool), NULL);

  context = gst_context_new (GST_TRIAL_POOL_CONTEXT_TYPE, TRUE);
  gst_structure_set (gst_context_writable_structure (context),
      "pool", GST_TYPE_TRIAL_POOL, pool,
      "n-threads", G_TYPE_UINT, pool->n_threads, NULL);
  return context;
}

/**
 * gst_trial_pool_from_context:
 * @context: a #GstContext
 *
 * Returns: (transfer full) (nullable): the pool @context holds, or %NULL
 *   when it is of another type or holds none
 */
GstTrialPool *
gst_trial_pool_from_context (GstContext * context)
{
  const GstStructure *s;
  const GValue *value;
  GObject *object;

  g_return_val_if_fail (GST_IS_CONTEXT (context), NULL);

  if (g_strcmp0 (gst_context_get_context_type (context),
          GST_TRIAL_POOL_CONTEXT_TYPE) != 0)
    return NULL;

  s = gst_context_get_structure (context);
  value = gst_structure_get_value (s, "pool");
  /* Applications may store the pool as any object type (they did before
   * the type was in the library). */
  if (value == NULL || !G_VALUE_HOLDS_OBJECT (value))
    return NULL;
  object = g_value_get_object (value);
  if (!GST_IS_TRIAL_POOL (object))
    return NULL;
  return gst_object_ref (GST_TRIAL_POOL (object));
}
