/* gst-trial: the in-order queue between trialconvert's sink pad and its src
 * pad task (see gsttrialorderedqueue.c).
 *
 * Buffers go into a pool to be converted in parallel and come out of the
 * src pad in the order they came in, with the serialized events between
 * the same buffers; at most max-in-flight of them are queued at once. The
 * element says what converting and pushing one item means. */
#pragma once

#include <gst/gst.h>
#include "gst/trial/pool.h"

G_BEGIN_DECLS

typedef struct _GstTrialOrderedQueue GstTrialOrderedQueue;

/* One entry: a buffer to convert (or a GAP, not converted), or a serialized
 * event. Elements allocate their own larger struct with this first
 * (gst_trial_ordered_queue_new's @item_size). */
typedef struct
{
  GstTrialPoolJob parent;
  GstTrialOrderedQueue *queue;
  GstBuffer *input;
  GstEvent *event;

  /* under the queue's lock */
  gboolean done;
  gboolean cancelled;           /* dropped by a flush while running: the
                                   worker frees it */
} GstTrialOrderedItem;

/* Runs in a pool thread: converts @item->input into the element's part of
 * @item. Touches no element state. */
typedef void (*GstTrialOrderedConvertFunc) (GstTrialOrderedItem * item,
    gpointer user_data);

/* Runs in the src pad task, in input order: pushes @item (its buffer or
 * its event) downstream. @start_time is the monotonic µs of the first
 * buffer queued since gst_trial_ordered_queue_reset (0: none yet). */
typedef GstFlowReturn (*GstTrialOrderedPushFunc) (GstTrialOrderedItem * item,
    gint64 start_time, gpointer user_data);

/* Frees the element's part of an item (the queue frees the rest). */
typedef void (*GstTrialOrderedClearFunc) (GstTrialOrderedItem * item);

/* @element posts the flow errors nobody upstream will; @srcpad runs the
 * task. Neither is referenced: the element owns the queue. */
GstTrialOrderedQueue *gst_trial_ordered_queue_new (GstElement * element,
    GstPad * srcpad, gsize item_size, GstTrialOrderedConvertFunc convert,
    GstTrialOrderedPushFunc push, GstTrialOrderedClearFunc clear,
    gpointer user_data);
/* After the src pad was deactivated. */
void gst_trial_ordered_queue_free (GstTrialOrderedQueue * queue);

/* A zeroed item of the element's size for @input (owned by the item). */
GstTrialOrderedItem *gst_trial_ordered_queue_new_item
    (GstTrialOrderedQueue * queue, GstBuffer * input);
void gst_trial_ordered_queue_free_item (GstTrialOrderedItem * item);

/* The pool items are converted in and @max_in_flight, the most items
 * queued at once; set before the src pad is activated. */
void gst_trial_ordered_queue_set_pool (GstTrialOrderedQueue * queue,
    GstTrialPool * pool, guint max_in_flight);
/* Takes the pool back once the src pad is inactive. */
GstTrialPool *gst_trial_ordered_queue_take_pool (GstTrialOrderedQueue *
    queue);
guint gst_trial_ordered_queue_get_max_in_flight (GstTrialOrderedQueue *
    queue);
guint gst_trial_ordered_queue_get_pool_threads (GstTrialOrderedQueue *
    queue);
/* Forgets the time of the first buffer. */
void gst_trial_ordered_queue_reset (GstTrialOrderedQueue * queue);

/* From chain(): queues @item (a GAP input is done at once, anything else
 * goes to the pool) and waits while max-in-flight items are queued. The
 * flow to return upstream; @item is freed when it is refused. */
GstFlowReturn gst_trial_ordered_queue_push_buffer (GstTrialOrderedQueue *
    queue, GstTrialOrderedItem * item);
/* Queues a serialized event behind the buffers before it; FALSE (and
 * @event unreffed) when it is refused. */
gboolean gst_trial_ordered_queue_push_event (GstTrialOrderedQueue * queue,
    GstEvent * event);

/* FLUSH_START (after it was pushed downstream) and FLUSH_STOP. */
void gst_trial_ordered_queue_flush_start (GstTrialOrderedQueue * queue);
void gst_trial_ordered_queue_flush_stop (GstTrialOrderedQueue * queue);

/* The src pad's activatemode function for push mode: starts the task, or
 * stops it, drops every item and waits for those still in the pool. */
gboolean gst_trial_ordered_queue_activate (GstTrialOrderedQueue * queue,
    gboolean active);

G_END_DECLS
