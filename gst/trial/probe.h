/* gst-trial: what the layout scan learns from a trial's first files
 * (probe.c). Internal to libgsttrial: not installed, not in the GIR; the
 * results are read through GstTrialLayout's getters. */
#pragma once

#include "gst/trial/layout.h"

G_BEGIN_DECLS

typedef struct
{
  guint color_width;            /* 0: the first color file told nothing */
  guint color_height;
  GstTrialDepthFormat depth_format;     /* of the first frame with depth */
  guint depth_width;            /* 0: undecided */
  guint depth_height;
  gdouble depth_scale;
  gboolean depth_scale_forced;  /* given in the options: for every frame */
  GstTrialDtype depth_scale_dtype;      /* else: decided on this dtype */
} GstTrialProbe;

/* Probes the first files of @layout, whose frames are listed but whose
 * sizes and depth are not yet known; what @options gives is taken as it
 * is. */
G_GNUC_INTERNAL
void gst_trial_probe_first_files (const GstTrialLayout * layout,
    const GstTrialScanOptions * options, GstTrialProbe * probe);

G_END_DECLS
