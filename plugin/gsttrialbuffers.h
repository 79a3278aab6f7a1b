/* gst-trial: buffers for frames whose size varies a little from one to the
 * next (files read by trialsrc, outputs of trialconvert), recycled through a
 * GstBufferPool so that each frame reuses memory a finished one released
 * instead of a fresh allocation the kernel has to fault in page by page. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstTrialBuffers GstTrialBuffers;

GstTrialBuffers *gst_trial_buffers_new (void);

/* Frees the idle buffers; buffers still in use are freed when released. */
void gst_trial_buffers_free (GstTrialBuffers * buffers);

/* A writable buffer of exactly @size bytes (> 0), or NULL when the memory
 * cannot be had. Thread-safe. */
GstBuffer *gst_trial_buffers_acquire (GstTrialBuffers * buffers, gsize size);

G_END_DECLS
