/* trial-process: the rules that keep jobs from harming each other's files
 * and their own inputs, checked before any work:
 *   - every trial has its own output folder (no two trials share a name);
 *   - no output folder is, or is inside, a folder of input files, and no
 *     input folder is inside an output folder;
 *   - one writer per job: a lock held while the job runs. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TP_GUARD_ERROR (tp_guard_error_quark ())
GQuark tp_guard_error_quark (void);

typedef enum
{
  TP_GUARD_ERROR_OVERLAP,       /* outputs would mix or touch an input */
  TP_GUARD_ERROR_LOCKED,        /* another process writes the job */
} TpGuardError;

/* Name of the lock file in a job's output folder. */
#define TP_LOCK_NAME ".trial-process.lock"

/* FALSE, naming both, when two of @trials would be written to the same
 * @output_base/<trial name> folder. */
gboolean tp_guard_distinct_names (const gchar * const *trials,
    const gchar * output_base, GError ** error);

/* The folder each of @trials is written to: @output_base/<trial name>. */
gchar *tp_guard_trial_output (const gchar * trial, const gchar * output_base);

/* FALSE when one of @job_outputs is, or is inside, one of @inputs (folders
 * of input files), or one of @inputs is inside one of @trial_outputs (the
 * <output base>/<trial name> folders). Folders are compared by device and
 * inode along the real path, so symbolic links and bind mounts are seen
 * through. All NULL-terminated; @owners[i] is the trial @inputs[i] belongs
 * to, for the message. */
gboolean tp_guard_apart (const gchar * const *inputs,
    const gchar * const *owners, const gchar * const *job_outputs,
    const gchar * const *trial_outputs, GError ** error);

typedef struct _TpLock TpLock;

/* Creates @dir and locks @dir/TP_LOCK_NAME (a POSIX record lock, released
 * by the kernel when the process ends however it ends). When another
 * process holds it: NULL with TP_GUARD_ERROR_LOCKED naming that process, having
 * changed nothing in @dir. */
TpLock *tp_lock_acquire (const gchar * dir, GError ** error);

/* Removes the lock file and releases the lock. */
void tp_lock_release (TpLock * lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TpLock, tp_lock_release)

G_END_DECLS
