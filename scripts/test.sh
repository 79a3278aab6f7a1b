#!/usr/bin/env bash
# Sets up (scripts/setup.sh --test) and runs the whole test suite:
#  1. every suite in build/ (gcc, -Werror);
#  2. every suite again in build-asan/ (address + undefined behaviour
#     sanitizers, leaks fatal);
#  3. the thread-pool suite (trialconvert) in build-tsan/ (thread
#     sanitizer);
#  4. each libFuzzer target for FUZZ_SECONDS (default 30) when clang is
#     installed (tests/fuzz/run.sh).
# Ends with the line "N passed, N failed, N skipped" (scripts/count-tests.py:
# each TAP test case, each other meson test and each fuzz target counts
# once), after a line for each failure and skip; exits non-zero when any
# failed, when the fuzz stage failed or left a target without its result
# line, or, under CI=true, when anything was skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
# every gst-check test runs (tests/check/meson.build sets these per test)
unset GST_CHECKS GST_CHECKS_IGNORE

scripts/setup.sh --test || exit 1
for dir in build-asan build-tsan; do
  options=(-Db_sanitize=address,undefined -Db_lundef=false)
  [ "$dir" = build-tsan ] && options=(-Db_sanitize=thread -Db_lundef=false)
  log=$dir.log
  if ! { [ -f "$dir/build.ninja" ] || meson setup "$dir" "${options[@]}"; } \
      >"$log" 2>&1 || ! meson compile -C "$dir" >>"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "scripts/test.sh: building $dir failed (the end of $log above)" >&2
    exit 1
  fi
done

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

meson test -C build --print-errorlogs
meson test -C build-asan --print-errorlogs
# TSan: a fresh registry loads every installed plugin in-process, and some
# trip TSan inside their own (uninstrumented) start-up code. So the registry
# is built first with reports off; then the suites run with reports on.
# tests/tsan.supp: GLib and GStreamer are not instrumented, TSan cannot see
# their locks.
tsan_suites=(element-trialconvert element-trialsink)
TSAN_OPTIONS=report_bugs=0 GST_CHECKS=none \
  meson test -C build-tsan "${tsan_suites[0]}" >/dev/null 2>&1
TSAN_OPTIONS="halt_on_error=1:suppressions=$PWD/tests/tsan.supp" \
  meson test -C build-tsan --print-errorlogs "${tsan_suites[@]}"

# element-trialconvert's test_state_change_stress means something only under
# the sanitizers: it must have run in build-asan and build-tsan.
logs=(build/meson-logs/testlog.json
  build-asan/meson-logs/testlog.json --expect element-trialconvert
  build-tsan/meson-logs/testlog.json --expect element-trialconvert)
# Every tests/fuzz/fuzz-*.c is a target that must print its result line:
# a fuzz stage that cannot set up or build prints none and fails the run.
fuzz_targets=$(cd tests/fuzz && ls fuzz-*.c | sed 's/^fuzz-//; s/\.c$//')
if command -v clang >/dev/null; then
  tests/fuzz/run.sh "${FUZZ_SECONDS:-30}" build-fuzz | tee build/fuzz.log
  logs+=(--fuzz build/fuzz.log "${PIPESTATUS[0]}" "$fuzz_targets")
else
  logs+=(--fuzz - 0 "$fuzz_targets")
fi

/usr/bin/python3 scripts/count-tests.py "${logs[@]}"
