/* gst-trial: telling ThreadSanitizer about synchronisation it cannot see.
 *
 * GLib's GMutex, GCond and GAsyncQueue (under GThreadPool) are built on
 * futexes and atomics inside libglib. Unless GLib itself is instrumented,
 * ThreadSanitizer sees none of the happens-before edges they create and
 * reports every access they protect as a race. The TSan build marks those
 * edges where our code relies on them; in other builds these are no-ops. */
#pragma once

#include <glib.h>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define GST_TRIAL_TSAN_ACQUIRE(addr) __tsan_acquire ((void *) (addr))
#define GST_TRIAL_TSAN_RELEASE(addr) __tsan_release ((void *) (addr))
#else
#define GST_TRIAL_TSAN_ACQUIRE(addr) G_STMT_START { (void) (addr); } G_STMT_END
#define GST_TRIAL_TSAN_RELEASE(addr) G_STMT_START { (void) (addr); } G_STMT_END
#endif
