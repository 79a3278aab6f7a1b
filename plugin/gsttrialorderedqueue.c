/* gst-trial: GstTrialOrderedQueue, trialconvert's in-order queue and its src
 * pad task (see gsttrialorderedqueue.h).
 *
 * Owns the items between the sink pad and the src pad, the hand-over of
 * each buffer to the pool, the max-in-flight bound that keeps memory flat,
 * the src-pad GstTask that pushes finished items in input order, and
 * flushing, EOS and flow-error handling, modelled on core gstqueue.c: one
 * GMutex, GConds with predicate loops, waiters woken on FLUSH_START and
 * deactivation. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsttrialorderedqueue.h"
#include "gst/trial/tsan.h"

GST_DEBUG_CATEGORY_STATIC (gst_trial_ordered_queue_debug);
#define GST_CAT_DEFAULT gst_trial_ordered_queue_debug

struct _GstTrialOrderedQueue
{
  /* immutable */
  GstElement *element;
  GstPad *srcpad;
  gsize item_size;
  GstTrialOrderedConvertFunc convert;
  GstTrialOrderedPushFunc push;
  GstTrialOrderedClearFunc clear;
  gpointer user_data;

  /* lock protects everything below */
  GMutex lock;
  GCond item_cond;              /* an item was queued or finished, or
                                   flushing */
  GCond space_cond;             /* the queue shrank, or flushing */
  GQueue items;                 /* of GstTrialOrderedItem, in input order */
  guint running;                /* items handed to the pool, not finished */
  gboolean flushing;
  gboolean src_active;
  gboolean eos;                 /* EOS is queued or pushed */
  GstFlowReturn srcresult;      /* last downstream flow result */
  GstTrialPool *pool;
  guint pool_threads;
  guint max_in_flight;          /* trialconvert's max-in-flight */
  gint64 start_time;            /* monotonic µs of the first buffer or 0 */
};

/* queue->lock, with the edges ThreadSanitizer cannot see inside GLib */
static inline void
queue_lock (GstTrialOrderedQueue * queue)
{
  g_mutex_lock (&queue->lock);
  GST_TRIAL_TSAN_ACQUIRE (&queue->lock);
}

static inline void
queue_unlock (GstTrialOrderedQueue * queue)
{
  GST_TRIAL_TSAN_RELEASE (&queue->lock);
  g_mutex_unlock (&queue->lock);
}

static inline void
queue_wait (GstTrialOrderedQueue * queue, GCond * cond)
{
  GST_TRIAL_TSAN_RELEASE (&queue->lock);
  g_cond_wait (cond, &queue->lock);
  GST_TRIAL_TSAN_ACQUIRE (&queue->lock);
}

/* ---- items ---- */

static void
item_free (GstTrialOrderedClearFunc clear, GstTrialOrderedItem * item)
{
  clear (item);
  gst_clear_buffer (&item->input);
  gst_clear_event (&item->event);
  g_free (item);
}

static void
gst_trial_ordered_queue_run (GstTrialPoolJob * job)
{
  GstTrialOrderedItem *item = (GstTrialOrderedItem *) job;
  GstTrialOrderedQueue *queue = item->queue;
  /* once running drops to 0 the queue may be freed: a cancelled item is
   * freed without it */
  GstTrialOrderedClearFunc clear = queue->clear;
  gboolean cancelled, converted;

  /* a flush or a stop may have dropped it while it waited in the pool */
  queue_lock (queue);
  converted = !item->cancelled;
  queue_unlock (queue);
  if (converted)
    queue->convert (item, queue->user_data);

  queue_lock (queue);
  queue->running--;
  cancelled = item->cancelled;
  item->done = TRUE;
  g_cond_broadcast (&queue->item_cond);
  queue_unlock (queue);

  if (cancelled)
    item_free (clear, item);
}

GstTrialOrderedItem *
gst_trial_ordered_queue_new_item (GstTrialOrderedQueue * queue,
    GstBuffer * input)
{
  GstTrialOrderedItem *item = g_malloc0 (queue->item_size);

  item->parent.func = gst_trial_ordered_queue_run;
  item->queue = queue;
  item->input = input;
  return item;
}

void
gst_trial_ordered_queue_free_item (GstTrialOrderedItem * item)
{
  item_free (item->queue->clear, item);
}

/* Empties the queue. Finished items are freed; running ones are marked so
 * that their worker frees them and their result never comes out. With
 * @keep_sticky, sticky events that were not pushed yet (caps, tags,
 * stream-start) are stored on the src pad so they still go out before the
 * next buffer, as gstqueue does. */
static void
drop_items_locked (GstTrialOrderedQueue * queue, gboolean keep_sticky)
{
  GstTrialOrderedItem *item;

  while ((item = g_queue_pop_head (&queue->items)) != NULL) {
    if (keep_sticky && item->event != NULL
        && GST_EVENT_IS_STICKY (item->event)
        && GST_EVENT_TYPE (item->event) != GST_EVENT_SEGMENT
        && GST_EVENT_TYPE (item->event) != GST_EVENT_EOS)
      gst_pad_store_sticky_event (queue->srcpad, item->event);
    if (item->done)
      gst_trial_ordered_queue_free_item (item);
    else
      item->cancelled = TRUE;
  }
  g_cond_broadcast (&queue->space_cond);
}

static gboolean
head_ready_locked (GstTrialOrderedQueue * queue)
{
  GstTrialOrderedItem *head = g_queue_peek_head (&queue->items);

  return queue->srcresult == GST_FLOW_OK && head != NULL && head->done;
}

/* ---- the src pad task: pushes finished items in input order ---- */

static void
gst_trial_ordered_queue_loop_once (GstTrialOrderedQueue * queue)
{
  GstFlowReturn ret;
  gboolean post_error;
  GstTrialOrderedItem *item;
  gint64 start;

  queue_lock (queue);
  while (!queue->flushing && !head_ready_locked (queue))
    queue_wait (queue, &queue->item_cond);
  if (queue->flushing) {
    queue_unlock (queue);
    gst_pad_pause_task (queue->srcpad);
    return;
  }
  item = g_queue_pop_head (&queue->items);
  start = queue->start_time;
  g_cond_broadcast (&queue->space_cond);
  queue_unlock (queue);

  ret = queue->push (item, start, queue->user_data);
  gst_trial_ordered_queue_free_item (item);
  if (ret == GST_FLOW_OK)
    return;

  queue_lock (queue);
  /* FLUSHING while we flush is ours; the flush resets everything. */
  if (queue->flushing) {
    queue_unlock (queue);
    return;
  }
  GST_DEBUG_OBJECT (queue->element, "downstream returned %s",
      gst_flow_get_name (ret));
  queue->srcresult = ret;
  g_cond_broadcast (&queue->space_cond);
  /* Upstream learns about the flow from chain() and reports it; after EOS
   * nothing comes from upstream any more, so report it ourselves. */
  post_error = queue->eos && (ret == GST_FLOW_NOT_LINKED
      || ret < GST_FLOW_EOS);
  queue_unlock (queue);

  if (post_error) {
    GST_ELEMENT_FLOW_ERROR (queue->element, ret);
    gst_pad_push_event (queue->srcpad, gst_event_new_eos ());
  }
}

static void
gst_trial_ordered_queue_loop (gpointer user_data)
{
  GstTrialOrderedQueue *queue = user_data;

  gst_trial_ordered_queue_loop_once (queue);
  /* GstTask joins this thread with GLib primitives ThreadSanitizer cannot
   * see; the deactivation that stops the task acquires this */
  GST_TRIAL_TSAN_RELEASE (&queue->srcpad);
}

/* ---- the sink side ---- */

GstFlowReturn
gst_trial_ordered_queue_push_buffer (GstTrialOrderedQueue * queue,
    GstTrialOrderedItem * item)
{
  gboolean gap = GST_BUFFER_FLAG_IS_SET (item->input, GST_BUFFER_FLAG_GAP);
  GstFlowReturn ret;

  queue_lock (queue);
  if (queue->flushing || queue->srcresult != GST_FLOW_OK || queue->eos) {
    ret = queue->flushing ? GST_FLOW_FLUSHING :
        queue->srcresult != GST_FLOW_OK ? queue->srcresult : GST_FLOW_EOS;
    queue_unlock (queue);
    GST_DEBUG_OBJECT (queue->element, "refusing buffer: %s",
        gst_flow_get_name (ret));
    gst_trial_ordered_queue_free_item (item);
    return ret;
  }

  if (queue->start_time == 0)
    queue->start_time = g_get_monotonic_time ();
  g_queue_push_tail (&queue->items, item);
  if (gap) {
    item->done = TRUE;
    g_cond_broadcast (&queue->item_cond);
  } else {
    queue->running++;
    gst_trial_pool_push (queue->pool, &item->parent);
  }

  while (!queue->flushing && queue->srcresult == GST_FLOW_OK
      && queue->items.length >= queue->max_in_flight)
    queue_wait (queue, &queue->space_cond);
  ret = queue->flushing ? GST_FLOW_FLUSHING : queue->srcresult;
  queue_unlock (queue);

  return ret;
}

/* The same rules for a failed downstream as gstqueue. */
gboolean
gst_trial_ordered_queue_push_event (GstTrialOrderedQueue * queue,
    GstEvent * event)
{
  GstEventType type = GST_EVENT_TYPE (event);
  gboolean post_error = FALSE;
  GstTrialOrderedItem *item;

  queue_lock (queue);
  if (queue->flushing)
    goto refuse;

  /* STREAM_START and SEGMENT start data flow again after an EOS. */
  if ((type == GST_EVENT_STREAM_START || type == GST_EVENT_SEGMENT)
      && queue->srcresult == GST_FLOW_EOS) {
    queue->srcresult = GST_FLOW_OK;
    queue->eos = FALSE;
  }
  if (queue->srcresult != GST_FLOW_OK) {
    /* Sticky events wait in the queue for a flush; EOS tells the
     * application, since nobody upstream will. */
    if (type == GST_EVENT_EOS) {
      post_error = queue->srcresult == GST_FLOW_NOT_LINKED
          || queue->srcresult < GST_FLOW_EOS;
      goto refuse;
    }
    if (!GST_EVENT_IS_STICKY (event))
      goto refuse;
  }

  if (type == GST_EVENT_EOS)
    queue->eos = TRUE;
  item = gst_trial_ordered_queue_new_item (queue, NULL);
  item->event = event;
  item->done = TRUE;
  g_queue_push_tail (&queue->items, item);
  g_cond_broadcast (&queue->item_cond);
  queue_unlock (queue);
  return TRUE;

refuse:
  {
    GstFlowReturn ret = queue->flushing ? GST_FLOW_FLUSHING :
        queue->srcresult;

    queue_unlock (queue);
    GST_DEBUG_OBJECT (queue->element, "refusing %s event: %s",
        GST_EVENT_TYPE_NAME (event), gst_flow_get_name (ret));
    if (post_error)
      GST_ELEMENT_FLOW_ERROR (queue->element, ret);
    gst_event_unref (event);
    return FALSE;
  }
}

void
gst_trial_ordered_queue_flush_start (GstTrialOrderedQueue * queue)
{
  queue_lock (queue);
  queue->flushing = TRUE;
  g_cond_broadcast (&queue->item_cond);
  g_cond_broadcast (&queue->space_cond);
  queue_unlock (queue);
  gst_pad_pause_task (queue->srcpad);
}

void
gst_trial_ordered_queue_flush_stop (GstTrialOrderedQueue * queue)
{
  queue_lock (queue);
  drop_items_locked (queue, TRUE);
  queue->eos = FALSE;
  queue->srcresult = GST_FLOW_OK;
  if (queue->src_active) {
    queue->flushing = FALSE;
    gst_pad_start_task (queue->srcpad, gst_trial_ordered_queue_loop, queue,
        NULL);
  }
  queue_unlock (queue);
}

gboolean
gst_trial_ordered_queue_activate (GstTrialOrderedQueue * queue,
    gboolean active)
{
  gboolean res;

  if (active) {
    queue_lock (queue);
    queue->flushing = FALSE;
    queue->src_active = TRUE;
    queue->srcresult = GST_FLOW_OK;
    queue->eos = FALSE;
    queue_unlock (queue);
    return gst_pad_start_task (queue->srcpad, gst_trial_ordered_queue_loop,
        queue, NULL);
  }

  queue_lock (queue);
  queue->flushing = TRUE;
  queue->src_active = FALSE;
  g_cond_broadcast (&queue->item_cond);
  g_cond_broadcast (&queue->space_cond);
  queue_unlock (queue);

  res = gst_pad_stop_task (queue->srcpad);
  GST_TRIAL_TSAN_ACQUIRE (&queue->srcpad);

  /* Items still in the pool are cancelled (their workers skip the work and
   * free them); a worker must never find its item freed, so wait for them. */
  queue_lock (queue);
  drop_items_locked (queue, FALSE);
  while (queue->running > 0)
    queue_wait (queue, &queue->item_cond);
  queue_unlock (queue);
  return res;
}

/* ---- set-up ---- */

void
gst_trial_ordered_queue_set_pool (GstTrialOrderedQueue * queue,
    GstTrialPool * pool, guint max_in_flight)
{
  queue_lock (queue);
  gst_object_replace ((GstObject **) & queue->pool, GST_OBJECT (pool));
  queue->pool_threads = gst_trial_pool_get_n_threads (pool);
  queue->max_in_flight = max_in_flight;
  queue_unlock (queue);
}

GstTrialPool *
gst_trial_ordered_queue_take_pool (GstTrialOrderedQueue * queue)
{
  GstTrialPool *pool;

  queue_lock (queue);
  pool = g_steal_pointer (&queue->pool);
  queue_unlock (queue);
  return pool;
}

guint
gst_trial_ordered_queue_get_max_in_flight (GstTrialOrderedQueue * queue)
{
  guint max_in_flight;

  queue_lock (queue);
  max_in_flight = queue->max_in_flight;
  queue_unlock (queue);
  return max_in_flight;
}

guint
gst_trial_ordered_queue_get_pool_threads (GstTrialOrderedQueue * queue)
{
  guint threads;

  queue_lock (queue);
  threads = queue->pool_threads;
  queue_unlock (queue);
  return threads;
}

void
gst_trial_ordered_queue_reset (GstTrialOrderedQueue * queue)
{
  queue_lock (queue);
  queue->start_time = 0;
  queue_unlock (queue);
}

GstTrialOrderedQueue *
gst_trial_ordered_queue_new (GstElement * element, GstPad * srcpad,
    gsize item_size, GstTrialOrderedConvertFunc convert,
    GstTrialOrderedPushFunc push, GstTrialOrderedClearFunc clear,
    gpointer user_data)
{
  GstTrialOrderedQueue *queue;

  g_return_val_if_fail (item_size >= sizeof (GstTrialOrderedItem), NULL);

  queue = g_new0 (GstTrialOrderedQueue, 1);
  GST_DEBUG_CATEGORY_INIT (gst_trial_ordered_queue_debug, "trialorderedqueue",
      0, "gst-trial trialconvert's in-order queue");
  queue->element = element;
  queue->srcpad = srcpad;
  queue->item_size = item_size;
  queue->convert = convert;
  queue->push = push;
  queue->clear = clear;
  queue->user_data = user_data;
  g_mutex_init (&queue->lock);
  g_cond_init (&queue->item_cond);
  g_cond_init (&queue->space_cond);
  g_queue_init (&queue->items);
  queue->flushing = TRUE;
  queue->srcresult = GST_FLOW_FLUSHING;
  return queue;
}

void
gst_trial_ordered_queue_free (GstTrialOrderedQueue * queue)
{
  /* Deactivation emptied the queue and waited for every item. */
  gst_clear_object (&queue->pool);
  g_cond_clear (&queue->space_cond);
  g_cond_clear (&queue->item_cond);
  g_mutex_clear (&queue->lock);
  g_free (queue);
}
