#!/bin/sh
# Depth-to-color alignment alone (docs/align.md, Performance): frames/s
# at 640x480 with 1 and 2 threads, then instructions per frame under
# callgrind (independent of the machine's load).
#
#   bench/align.sh [BUILD_DIR=build] [FRAMES=2000]
set -eu
build=${1:-build}
frames=${2:-2000}
bench=$build/bench/trial-align-bench
ninja -C "$build" bench/trial-align-bench >/dev/null
"$bench" "$frames" 1 2
if command -v valgrind >/dev/null; then
  out=$(mktemp)
  # 1 warm-up + 10 and 1 warm-up + 20 frames: the difference is 10 frames
  for n in 10 20; do
    valgrind --tool=callgrind --callgrind-out-file="$out.$n" "$bench" "$n" 1 \
      >/dev/null 2>&1
  done
  a=$(callgrind_annotate "$out.10" | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
  b=$(callgrind_annotate "$out.20" | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
  echo "align 640x480: $(((b - a) / 10)) instructions/frame (callgrind, 1 thread)"
  rm -f "$out" "$out.10" "$out.20"
fi
