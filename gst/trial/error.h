/* gst-trial: the error domain of libgsttrial.
 *
 * Every failure a library unit reports is a GError in GST_TRIAL_ERROR whose
 * message is written for users: it names the file and says what was
 * expected and what was found. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GST_TRIAL_ERROR (gst_trial_error_quark ())

typedef enum
{
  GST_TRIAL_ERROR_NOT_FOUND,      /* a path or file does not exist */
  GST_TRIAL_ERROR_NOT_A_FOLDER,   /* the trial path is not a directory */
  GST_TRIAL_ERROR_NO_LAYOUT,      /* neither multi_camera nor single_camera */
  GST_TRIAL_ERROR_NO_FRAMES,      /* no color frame (in range) */
  GST_TRIAL_ERROR_UNKNOWN_CAMERA, /* the requested camera is not in the trial */
  GST_TRIAL_ERROR_IO,             /* reading or writing failed (errno text in message) */
  GST_TRIAL_ERROR_CORRUPT,        /* content is malformed (bad magic, CRC, truncated) */
  GST_TRIAL_ERROR_SIZE_MISMATCH,  /* size or shape differs from what was decided */
  GST_TRIAL_ERROR_UNSUPPORTED,    /* well-formed but not supported (fortran order, 3-D, dtype) */
  GST_TRIAL_ERROR_TOO_LARGE,      /* dimensions or header beyond the limits below */
} GstTrialError;

/* Limits applied to every untrusted input. */
#define GST_TRIAL_MAX_DIMENSION 16384               /* width or height, pixels */
#define GST_TRIAL_MAX_IMAGE_BYTES (512u * 1024 * 1024) /* one decoded frame */

GQuark gst_trial_error_quark (void);

G_END_DECLS
