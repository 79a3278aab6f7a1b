/* trial-process: one job = one (trial, camera) converted by one pipeline.
 *
 * TpJob holds what a job was asked to do and, after tp_job_run(), what
 * happened: counts, failed frames with their reasons, timings. metadata.c
 * writes it out; trial-process.c makes and runs the jobs. */
#pragma once

#include <signal.h>
#include <gst/gst.h>
#include "gst/trial/align.h"
#include "gst/trial/layout.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 frame;
  gchar *stream;                /* "color" or "depth" */
  gchar *reason;
} TpFailure;

typedef struct
{
  const gchar *output_base;     /* -o */
  guint threads;                /* -j: threads shared by both streams */
  gint64 start_frame;           /* -1 = first */
  gint64 stop_frame;            /* -1 = last */
  const gchar *color_mode;      /* "auto" or "reencode" */
  const gchar *verify;          /* "chunks" or "data": trialconvert's verify */
  gint compression_level;
  gboolean resume;
  gboolean preview;
  const gchar *preview_sink;    /* video sink factory for --preview */
  gboolean progress_bar;        /* draw a bar on stderr */
  guint depth_width;            /* --depth-size, 0 = from the files */
  guint depth_height;
  gboolean align_none;          /* --align none: .bag depth not aligned */
  GstTrialAlignRule align_rule; /* --align-rule, trialalign's rule */
  gdouble start_time;           /* --start-time, s from a bag's first frame;
                                 * NAN = none */
  gdouble end_time;             /* --end-time (exclusive); NAN = none */
  const gchar *trial_name;      /* a bag's output folder (a --segments row),
                                 * NULL = the bag's name */
  gboolean quiet;               /* -q: errors only, no warning */
  GHashTable *warned;           /* warnings printed so far, each printed once
                                 * a run (a bag's segments share them) */
} TpOptions;

typedef struct
{
  gchar *trial_path;
  gchar *camera;                /* NULL: the first (or only) one */
  GstTrialLayout *layout;
  gchar *output_dir;            /* <base>/<trial_name>/<camera> */

  /* Results */
  guint total_frames;
  guint successful;
  guint failed;
  GArray *failures;             /* TpFailure, in the order reported */
  GHashTable *failed_set;       /* frame numbers (gint64 *) that failed */
  guint resumed_from;           /* frames already complete when resuming */
  guint converted;              /* frames this run converted (failed ones
                                 * included when complete) */
  gdouble processing_time;      /* seconds */
  gdouble processing_fps;
  gdouble stream_fps[2];        /* average-fps of color, depth converters */
  guint64 bytes_written;
  gboolean complete;            /* every frame accounted for, no error */
  gboolean interrupted;         /* stopped by SIGINT/SIGTERM */
  gchar *error;                 /* pipeline error, or NULL */
} TpJob;

TpJob *tp_job_new (const gchar * trial_path, const gchar * camera,
    GstTrialLayout * layout, const gchar * output_base);
void tp_job_free (TpJob * job);

/* Shared with trial-process's signal handler. */
typedef struct
{
  volatile sig_atomic_t signals;        /* SIGINT, SIGTERM, SIGHUP received */
  /* A second signal may end the process at once: no job is between
   * removing the earlier run's metadata.json and writing its own. */
  volatile sig_atomic_t may_exit;
} TpInterrupt;

/* Runs the pipeline to EOS, an error or an interruption (a signal counted
 * in @interrupt). On the first signal it writes metadata.json marked
 * interrupted before it stops the pipeline, so that a second signal, which
 * may end the process while the pipeline stops, leaves a record. FALSE
 * only when the pipeline could not be built, or (--resume) a damaged output
 * cannot be removed. The caller holds the lock of
 * the job's output folder (tp_lock_acquire). */
gboolean tp_job_run (TpJob * job, const TpOptions * options,
    TpInterrupt * interrupt, GError ** error);

/* FALSE, with a GST_CORE_ERROR_MISSING_PLUGIN error naming the first
 * element a job with @options needs that is not installed and where it
 * comes from. */
gboolean tp_job_check_elements (const TpOptions * options, GError ** error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TpJob, tp_job_free)

/* --preview, shared by folder and .bag jobs: what the throttling probe of
 * one stream's branch keeps. */
typedef struct
{
  gint64 last;                  /* when it last let a frame through */
  GstElement *overlay;          /* the window's textoverlay (color only) */
  gint *fps_tenths;             /* the conversion's fps x 10, -1: unknown */
} PreviewBranch;

/* The window: compositor -> 10 fps -> textoverlay "preview-text" ->
 * videoconvert -> options->preview_sink, in @bin; returns the compositor. */
GstElement *tp_preview_add_window (GstBin * bin, const TpOptions * options,
    GError ** error);
/* One stream's branch into @compositor (stream 0 color, 1 depth); returns
 * its tee, to link the stream's source pad to. */
GstElement *tp_preview_add_branch (GstBin * bin, GstElement * compositor,
    guint stream, guint threads, PreviewBranch * branch, GError ** error);

G_END_DECLS
