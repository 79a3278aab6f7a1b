/* gst-trial: a worker pool that several trialconvert elements can share.
 *
 * GstTrialPool wraps one GThreadPool with a fixed number of exclusive
 * threads. Elements hand it small jobs (one frame each); jobs from every
 * element sharing the pool go through one FIFO, so a color and a depth
 * stream on N cores use N threads in all and neither starves the other.
 *
 * Sharing goes through a GstContext of type GST_TRIAL_POOL_CONTEXT_TYPE
 * whose structure holds the pool in the field "pool" (and, for information,
 * "n-threads"). trialconvert does the usual context dance on READY->PAUSED,
 * so all trialconverts in one pipeline share one pool by default. An
 * application that runs several pipelines in one process shares one pool
 * between them by setting one context on each of them:
 *
 *   g_autoptr (GstTrialPool) pool = gst_trial_pool_new (4);
 *   GstContext *c = gst_trial_pool_context_new (pool);
 *   gst_element_set_context (pipeline, c);
 *
 * (Python: GstTrial.Pool.new(4), GstTrial.Pool.context_new(pool)), or
 * takes the one the first pipeline made:
 *
 *   GstContext *c = gst_element_get_context (first_trialconvert, "gst-trial.pool");
 *   gst_element_set_context (other_pipeline, c);
 *
 * Set it before the pipeline starts: elements pick their pool on
 * READY->PAUSED. The pool logs "running a job" (category trialpool, LOG
 * level) before each job, whichever element it came from.
 *
 * A job never holds a reference to the pool or to its element: elements
 * wait for their jobs before they stop, so the last reference to a pool is
 * never dropped by one of its own threads. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TRIAL_POOL_CONTEXT_TYPE "gst-trial.pool"

#define GST_TYPE_TRIAL_POOL (gst_trial_pool_get_type ())
G_DECLARE_FINAL_TYPE (GstTrialPool, gst_trial_pool, GST, TRIAL_POOL,
    GstObject)

typedef struct _GstTrialPoolJob GstTrialPoolJob;

/* Runs in a pool thread. */
typedef void (*GstTrialPoolJobFunc) (GstTrialPoolJob * job);

/* Embed as the first member of a job struct. */
struct _GstTrialPoolJob
{
  GstTrialPoolJobFunc func;
};

GstTrialPool *gst_trial_pool_new (guint n_threads);

guint gst_trial_pool_get_n_threads (GstTrialPool * pool);

void gst_trial_pool_push (GstTrialPool * pool, GstTrialPoolJob * job);

void gst_trial_pool_push_urgent (GstTrialPool * pool, GstTrialPoolJob * job);

GstContext *gst_trial_pool_context_new (GstTrialPool * pool);

GstTrialPool *gst_trial_pool_from_context (GstContext * context);

G_END_DECLS
