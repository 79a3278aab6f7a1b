"""A sanitizer build's plugin and library (build-asan/) need the sanitizer
runtimes loaded first, which uninstrumented programs (python3,
gst-launch-1.0, gst-discoverer-1.0) do not do by themselves: the tests
preload them, as tests/check/trialsrc-launch.sh does. Nothing to do for a
plain build."""
import os
import subprocess
import sys

PLUGIN_DIR = os.environ.get("GST_PLUGIN_PATH_1_0", "")


def _preload():
    proc = subprocess.run(["ldd", os.path.join(PLUGIN_DIR, "libgsttrial.so")],
                          capture_output=True, text=True)
    libs = []
    for line in proc.stdout.splitlines():
        path = [w for w in line.split() if w.startswith("/")]
        if path and ("libasan.so" in line or "libubsan.so" in line) \
                and path[0] not in libs:
            libs.append(path[0])
    return " ".join(libs)


# the runtimes to preload, "" for a plain build
PRELOAD = _preload()


def uninstrumented_env(env=None, preload=PRELOAD):
    """@env (default: this process's) for an uninstrumented program that
    loads the build's plugin: @preload (the runtimes, maybe with more
    libraries after them) first in LD_PRELOAD, and no leak report at exit,
    which would be about that program."""
    env = dict(os.environ if env is None else env)
    if preload:
        env["LD_PRELOAD"] = preload
    if PRELOAD:
        env["ASAN_OPTIONS"] = ":".join(
            filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    return env


def instrumented_env(env=None):
    """@env (default: this process's) for one of the build's own programs
    (trial-process, trial-make-sample) started from a test that
    reexec_with_runtimes() restarted: leaks reported again, since they are
    that program's own."""
    env = dict(os.environ if env is None else env)
    if PRELOAD:
        env["ASAN_OPTIONS"] = ":".join(
            filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=1"]))
    return env


def reexec_with_runtimes():
    """For a test that loads the plugin into python3 itself: starts this
    script again with the runtimes preloaded, once."""
    if PRELOAD and os.environ.get("LD_PRELOAD") != PRELOAD:
        os.execve(sys.executable, [sys.executable, *sys.argv],
                  uninstrumented_env())
