/* eio-shim: an LD_PRELOAD library for the fault tests (issue 9). Files
 * whose path contains $TRIAL_EIO_MATCH open normally, then every read() of
 * them fails with EIO, the way a dying disk or a broken network share
 * answers. Used by tests/tools/hostile_test.py (class Faults). */
#define _GNU_SOURCE
/* open and open64 are both defined here; with 64-bit offsets the headers
 * would rename open to open64. */
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FDS 4096

/* Which descriptors read EIO. Written by open() and close() of those fds
 * only; a descriptor is used by one thread at a time. */
static volatile unsigned char failing[MAX_FDS];

static int
matches (const char *path)
{
  const char *match = getenv ("TRIAL_EIO_MATCH");

  return path && match && *match && strstr (path, match) != NULL;
}

static void
track (int fd, const char *path)
{
  if (fd >= 0 && fd < MAX_FDS)
    failing[fd] = matches (path);
}

static mode_t
mode_arg (int flags, va_list ap)
{
  return (flags & (O_CREAT | O_TMPFILE)) ? va_arg (ap, mode_t) : 0;
}

int
open (const char *path, int flags, ...)
{
  static int (*real) (const char *, int, ...);
  va_list ap;
  mode_t mode;
  int fd;

  va_start (ap, flags);
  mode = mode_arg (flags, ap);
  va_end (ap);
  if (!real)
    real = (int (*)(const char *, int, ...)) dlsym (RTLD_NEXT, "open");
  fd = real (path, flags, mode);
  track (fd, path);
  return fd;
}

int
open64 (const char *path, int flags, ...)
{
  static int (*real) (const char *, int, ...);
  va_list ap;
  mode_t mode;
  int fd;

  va_start (ap, flags);
  mode = mode_arg (flags, ap);
  va_end (ap);
  if (!real)
    real = (int (*)(const char *, int, ...)) dlsym (RTLD_NEXT, "open64");
  fd = real (path, flags, mode);
  track (fd, path);
  return fd;
}

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
    real = (int (*)(int, const char *, int, ...)) dlsym (RTLD_NEXT, "openat");
  fd = real (dirfd, path, flags, mode);
  track (fd, path);
  return fd;
}

ssize_t
read (int fd, void *buf, size_t count)
{
  static ssize_t (*real) (int, void *, size_t);

  if (fd >= 0 && fd < MAX_FDS && failing[fd]) {
    errno = EIO;
    return -1;
  }
  if (!real)
    real = (ssize_t (*)(int, void *, size_t)) dlsym (RTLD_NEXT, "read");
  return real (fd, buf, count);
}

int
close (int fd)
{
  static int (*real) (int);

  if (fd >= 0 && fd < MAX_FDS)
    failing[fd] = 0;
  if (!real)
    real = (int (*)(int)) dlsym (RTLD_NEXT, "close");
  return real (fd);
}
