/* fault-shim: an LD_PRELOAD library for the durability tests (issues 15 and
 * 22) and the fault tests (issue 9). It acts on files whose path contains
 * $TRIAL_SHIM_MATCH, as opened by open(), open64() or openat() (GLib's
 * g_mkstemp() and g_open() use them), and on renames whose new name
 * contains it. Each behaviour is chosen by one environment variable;
 * several may be set at once:
 *
 *   TRIAL_SHIM_LOG=FILE        append one line per call on those files to
 *                              FILE, in the order they happen: "open PATH",
 *                              "write PATH BYTES", "fsync PATH",
 *                              "close PATH", "rename FROM TO"
 *   TRIAL_SHIM_KILL_AFTER=N    when N bytes in all have been written to
 *                              those files, write up to the N-th byte and
 *                              kill the process (SIGKILL) inside write()
 *   TRIAL_SHIM_ENOSPC_AFTER=N  the same point, but write() then returns a
 *                              short count and every later write() to those
 *                              files fails with ENOSPC: a full disk
 *   TRIAL_SHIM_SIGNAL_AFTER=N  raise signal $TRIAL_SHIM_SIGNAL (a number,
 *                              default SIGKILL) once, right after the N-th
 *                              successful rename onto such a name
 *   TRIAL_SHIM_READ_EIO=1      every read() of those files fails with EIO,
 *                              the way a dying disk or a broken network
 *                              share answers
 *
 * Used by tests/tools/durability_test.py, trial_process_test.py and
 * hostile_test.py, through tests/tools/faultshim.py. */
#define _GNU_SOURCE
/* open and open64 are both defined here; with 64-bit offsets the headers
 * would rename open to open64. */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FDS 4096

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Path of each matching descriptor, NULL for the others; under the lock. */
static char *paths[MAX_FDS];
/* Bytes written to matching files so far, and renames onto them. */
static unsigned long long written;
static unsigned long renames;

static ssize_t (*real_write) (int, const void *, size_t);
static int (*real_close) (int);

static void *
next (const char *name)
{
  return dlsym (RTLD_NEXT, name);
}

static const char *
match_text (void)
{
  const char *match = getenv ("TRIAL_SHIM_MATCH");

  return match && *match ? match : NULL;
}

static int
matches (const char *path)
{
  const char *match = match_text ();

  return path && match && strstr (path, match) != NULL;
}

/* -1 when @name is unset or not a number. */
static long long
env_number (const char *name)
{
  const char *text = getenv (name);
  char *end;
  long long v;

  if (text == NULL || *text == '\0')
    return -1;
  v = strtoll (text, &end, 10);
  return *end == '\0' && v >= 0 ? v : -1;
}

/* Called with the lock held. */
static void
log_line (const char *fmt, ...)
{
  static int (*real_open) (const char *, int, ...);
  const char *log = getenv ("TRIAL_SHIM_LOG");
  char line[8192];
  va_list ap;
  int fd, n;

  if (log == NULL || *log == '\0')
    return;
  va_start (ap, fmt);
  n = vsnprintf (line, sizeof line - 1, fmt, ap);
  va_end (ap);
  if (n < 0)
    return;
  if (n > (int) sizeof line - 2)
    n = sizeof line - 2;
  line[n++] = '\n';
  if (!real_open)
    real_open = (int (*)(const char *, int, ...)) next ("open");
  if (!real_write)
    real_write = (ssize_t (*)(int, const void *, size_t)) next ("write");
  if (!real_close)
    real_close = (int (*)(int)) next ("close");
  fd = real_open (log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  if (real_write (fd, line, n) != n)
    abort ();
  real_close (fd);
}

/* Also forgets a descriptor number closed behind our back (glibc's own
 * fclose() does not go through close()) and now reused for another file. */
static void
track (int fd, const char *path)
{
  int match = matches (path);

  if (fd < 0 || fd >= MAX_FDS)
    return;
  pthread_mutex_lock (&lock);
  free (paths[fd]);
  paths[fd] = match ? strdup (path) : NULL;
  if (match)
    log_line ("open %s", path);
  pthread_mutex_unlock (&lock);
}

static mode_t
mode_arg (int flags, va_list ap)
{
  return (flags & (O_CREAT | O_TMPFILE)) ? va_arg (ap, mode_t) : 0;
}

/* open() and open64(): the same wrapper around the next library's. */
#define OPEN_WRAPPER(name)                                              \
  int                                                                   \
  name (const char *path, int flags, ...)                               \
  {                                                                     \
    static int (*real) (const char *, int, ...);                        \
    va_list ap;                                                         \
    mode_t mode;                                                        \
    int fd;                                                             \
                                                                        \
    va_start (ap, flags);                                               \
    mode = mode_arg (flags, ap);                                        \
    va_end (ap);                                                        \
    if (!real)                                                          \
      real = (int (*)(const char *, int, ...)) next (#name);            \
    fd = real (path, flags, mode);                                      \
    track (fd, path);                                                   \
    return fd;                                                          \
  }

OPEN_WRAPPER (open)
OPEN_WRAPPER (open64)
#undef OPEN_WRAPPER

int
openat (int dirfd, const char *path, int flags, ...)
{
  static int (*real) (int, const char *, int, ...);
  va_list ap;
  mode_t mode;
  int fd;

  va_start (ap, flags);
  mode = mode_arg (flags, ap);
  va_end (ap);
  if (!real)
    real = (int (*)(int, const char *, int, ...)) next ("openat");
  fd = real (dirfd, path, flags, mode);
  track (fd, path);
  return fd;
}

ssize_t
write (int fd, const void *buf, size_t count)
{
  long long kill_after = env_number ("TRIAL_SHIM_KILL_AFTER");
  long long full_after = env_number ("TRIAL_SHIM_ENOSPC_AFTER");
  long long limit = kill_after >= 0 ? kill_after : full_after;
  size_t allowed = count;
  ssize_t n;

  if (!real_write)
    real_write = (ssize_t (*)(int, const void *, size_t)) next ("write");
  if (fd < 0 || fd >= MAX_FDS)
    return real_write (fd, buf, count);

  pthread_mutex_lock (&lock);
  if (paths[fd] == NULL) {
    pthread_mutex_unlock (&lock);
    return real_write (fd, buf, count);
  }
  if (limit >= 0) {
    unsigned long long left = written < (unsigned long long) limit ?
        limit - written : 0;
    if (left < count)
      allowed = left;
  }
  if (allowed == 0 && count > 0 && kill_after < 0) {
    log_line ("write %s ENOSPC", paths[fd]);
    pthread_mutex_unlock (&lock);
    errno = ENOSPC;
    return -1;
  }
  n = real_write (fd, buf, allowed);
  if (n > 0)
    written += n;
  log_line ("write %s %zd", paths[fd], n);
  if (allowed < count && kill_after >= 0) {
    log_line ("kill %s", paths[fd]);
    raise (SIGKILL);
  }
  pthread_mutex_unlock (&lock);
  return n;
}

ssize_t
read (int fd, void *buf, size_t count)
{
  static ssize_t (*real) (int, void *, size_t);
  int fail = 0;

  if (!real)
    real = (ssize_t (*)(int, void *, size_t)) next ("read");
  if (env_number ("TRIAL_SHIM_READ_EIO") == 1 && fd >= 0 && fd < MAX_FDS) {
    pthread_mutex_lock (&lock);
    fail = paths[fd] != NULL;
    pthread_mutex_unlock (&lock);
  }
  if (fail) {
    errno = EIO;
    return -1;
  }
  return real (fd, buf, count);
}

static int
sync_call (const char *name, int fd)
{
  int (*real) (int) = (int (*)(int)) next (name);
  int ret = real (fd);

  if (fd >= 0 && fd < MAX_FDS) {
    pthread_mutex_lock (&lock);
    if (paths[fd])
      log_line ("%s %s", name, paths[fd]);
    pthread_mutex_unlock (&lock);
  }
  return ret;
}

int
fsync (int fd)
{
  return sync_call ("fsync", fd);
}

int
fdatasync (int fd)
{
  return sync_call ("fdatasync", fd);
}

int
close (int fd)
{
  if (!real_close)
    real_close = (int (*)(int)) next ("close");
  if (fd >= 0 && fd < MAX_FDS) {
    pthread_mutex_lock (&lock);
    if (paths[fd]) {
      log_line ("close %s", paths[fd]);
      free (paths[fd]);
      paths[fd] = NULL;
    }
    pthread_mutex_unlock (&lock);
  }
  return real_close (fd);
}

int
rename (const char *from, const char *to)
{
  static int (*real) (const char *, const char *);
  long long after = env_number ("TRIAL_SHIM_SIGNAL_AFTER");
  long long sig = env_number ("TRIAL_SHIM_SIGNAL");
  int ret;

  if (!real)
    real = (int (*)(const char *, const char *)) next ("rename");
  if (!matches (to))
    return real (from, to);
  /* Renames onto matching names happen one at a time, and the signal is
   * raised before the lock is let go: exactly N of them happen, whatever
   * the other streaming threads do. */
  pthread_mutex_lock (&lock);
  ret = real (from, to);
  if (ret == 0) {
    log_line ("rename %s %s", from, to);
    renames++;
    if (after >= 0 && renames == (unsigned long) after) {
      log_line ("signal %lld", sig >= 0 ? sig : SIGKILL);
      raise (sig > 0 ? (int) sig : SIGKILL);
    }
  }
  pthread_mutex_unlock (&lock);
  return ret;
}
