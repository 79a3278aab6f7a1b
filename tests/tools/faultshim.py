"""Running a command under fault-shim (tests/tools/fault-shim.c), shared by
durability_test.py, trial_process_test.py and hostile_test.py."""
import os

import sanitizer  # tests/sanitizer.py, on sys.path of every test file
import tap  # tests/tap.py

SHIM = os.environ.get("TRIAL_FAULT_SHIM", "")


PRELOAD = sanitizer.PRELOAD


def _env(preload):
    env = dict(os.environ)
    if preload:
        env["LD_PRELOAD"] = preload
    if PRELOAD:
        # a leak report at exit would be about gst-launch-1.0 or python
        env["ASAN_OPTIONS"] = ":".join(
            p for p in (env.get("ASAN_OPTIONS", ""), "detect_leaks=0") if p)
    return env


def shim_env(**shim):
    """The environment of a command run under fault-shim with the
    TRIAL_SHIM_* variables @shim (named without the prefix)."""
    env = _env(" ".join(p for p in (PRELOAD, SHIM) if p))
    for key, value in shim.items():
        env["TRIAL_SHIM_" + key] = str(value)
    return env


def plain_env():
    """The same without the shim."""
    return _env(PRELOAD)


def need_shim(test):
    """Skips @test (a TestCase) when the shim is not built; fails instead
    under CI=true (tap.missing)."""
    if SHIM and os.path.exists(SHIM):
        return
    tap.missing("fault-shim (TRIAL_FAULT_SHIM=%r): run the tests through "
                "meson" % SHIM)
