#!/bin/sh
# Runs every libFuzzer target of tests/fuzz for a fixed time.
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET=30] [BUILD_DIR=build-fuzz]
#
# Sets up BUILD_DIR as a clang fuzzing build when it has none, builds the
# targets, writes fresh seed corpora, runs each target on its corpus (kept
# in BUILD_DIR/tests/fuzz/work/corpus/, so later runs start where earlier
# ones stopped) and prints one line per target. A crash, leak, timeout or
# out-of-memory input is kept in BUILD_DIR/tests/fuzz/work/crashes/ and
# printed in hex with its stack: add it to tests/fuzz/regressions.c.
# Extra libFuzzer flags can be given in FUZZ_FLAGS (e.g. -max_len=65536).
# Exit status: 0 when no target found anything, 1 otherwise, 2 on a
# setup error.
set -u

seconds=${1:-30}
build_dir=${2:-build-fuzz}
targets="npy png raw-depth jpeg-bmp layout bag align png-fast"
targets="$targets segments"
src_dir=$(cd "$(dirname "$0")/../.." && pwd)

case $seconds in
  '' | *[!0-9]*) echo "run.sh: SECONDS_PER_TARGET must be a number" >&2; exit 2 ;;
esac

cd "$src_dir" || exit 2
if [ ! -f "$build_dir/build.ninja" ]; then
  CC=clang meson setup "$build_dir" -Dfuzzing=true -Db_lundef=false \
    -Dtests=disabled >"$build_dir.setup.log" 2>&1 || {
    cat "$build_dir.setup.log" >&2
    exit 2
  }
  rm -f "$build_dir.setup.log"
fi
ninja_targets=tests/fuzz/fuzz-make-corpus
for t in $targets; do
  ninja_targets="$ninja_targets tests/fuzz/fuzz-$t"
done
# shellcheck disable=SC2086 # one word per target
ninja -C "$build_dir" $ninja_targets >/dev/null || {
  echo "run.sh: building the fuzz targets failed (is $build_dir a" \
    "-Dfuzzing=true clang build?)" >&2
  ninja -C "$build_dir" $ninja_targets 2>&1 | tail -30 >&2
  exit 2
}

fuzz_dir=$src_dir/$build_dir/tests/fuzz
work=$fuzz_dir/work
rm -rf "$work/seeds" "$work/logs"
mkdir -p "$work/seeds" "$work/logs" "$work/crashes" || exit 2
"$fuzz_dir/fuzz-make-corpus" "$work/seeds" || exit 2

# The layout target builds folders for every input: in memory if possible.
if [ -w /dev/shm ]; then
  TMPDIR=/dev/shm
  export TMPDIR
fi
ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS UBSAN_OPTIONS

status=0
for t in $targets; do
  mkdir -p "$work/corpus/$t" "$work/crashes/$t"
  log=$work/logs/$t.log
  before=$(find "$work/crashes/$t" -type f | wc -l)
  dict=
  if [ -f "$src_dir/tests/fuzz/$t.dict" ]; then
    dict=-dict=$src_dir/tests/fuzz/$t.dict
  fi
  # shellcheck disable=SC2086 # $dict and $FUZZ_FLAGS are words
  "$fuzz_dir/fuzz-$t" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 $dict ${FUZZ_FLAGS:-} \
    -artifact_prefix="$work/crashes/$t/" \
    "$work/corpus/$t" "$work/seeds/$t" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  found=$(($(find "$work/crashes/$t" -type f | wc -l) - before))
  if [ "$rc" -ne 0 ] && [ "$found" -eq 0 ]; then
    # died without an artifact: count it, the log says why
    found=1
  fi
  echo "fuzz-$t: ${runs:-0} runs, $found crashes"
  if [ "$found" -ne 0 ]; then
    status=1
    # newest first; libFuzzer names its artifacts <kind>-<sha1>
    # shellcheck disable=SC2012
    for f in $(ls -t "$work/crashes/$t" | head -n "$found"); do
      echo "  input $work/crashes/$t/$f:"
      od -An -v -tx1 "$work/crashes/$t/$f" | tr -d ' \n' | fold -w 64 |
        sed 's/^/    /'
      echo
    done
    echo "  log $log:"
    # the report, the GLib error and the frames that have a source line
    grep -E '^(==|SUMMARY)|ERROR|contract broken|\.[ch]:[0-9]+' "$log" |
      head -40 | sed 's/^/    /'
  fi
done
exit $status
