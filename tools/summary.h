/* trial-process --summarize: the totals and the problems of every job below
 * an output folder, read back from the jobs' metadata.json. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses of --summarize, in line with trial-process's own. */
typedef enum
{
  TP_SUMMARY_COMPLETE = 0,      /* every job complete, no failed frame */
  TP_SUMMARY_FRAMES_FAILED = 1, /* every job complete, some frames failed */
  TP_SUMMARY_NO_OUTPUT = 2,     /* the root is not a folder or holds no job */
  TP_SUMMARY_INCOMPLETE = 3,    /* a job is incomplete or cannot be read */
} TpSummaryStatus;

/* Reads every job below @root and prints the summary on stdout, as text or
 * as one JSON object; errors about @root itself go to stderr. */
TpSummaryStatus tp_summarize (const gchar * root, gboolean json);

G_END_DECLS
