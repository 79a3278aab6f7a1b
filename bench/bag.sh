#!/bin/sh
# trial-process on a RealSense .bag (issue 20): a 321-frame 640x480 color +
# depth lz4 bag made from a trial-make-sample trial, converted to PNG + .npy
# at -j 2; against the stock pngenc on the same raw color frames
# (filesrc ! rsbagdemux ! pngenc compression-level=1 ! multifilesink), and
# peak RSS for 321 and 3,210 frames (flat in the length of the recording).
#   bench/bag.sh [BUILD_DIR]     (default build/; results/bag.txt)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/bag-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GST_PLUGIN_PATH_1_0="$build/plugin" GST_REGISTRY_1_0="$work/registry.bin"
out="$here/results/bag.txt"

"$build/tools/trial-make-sample" --quiet --layout=single --frames=321 \
  --size=640x480 "$work/trial"
/usr/bin/python3 "$here/make_bag.py" "$work/trial" "$work/rec.bag"
/usr/bin/python3 "$here/make_bag.py" "$work/trial" "$work/rec10.bag" 10

# one warm-up run (page cache, registry), then the measured ones
"$build/tools/trial-process" -q "$work/rec.bag" -o "$work/warm" -j 2
{
  echo "# $(date -u +%FT%TZ) $(nproc) cores; bag $(du -h "$work/rec.bag" | cut -f1)"
  for run in 1 2 3; do
    rm -rf "$work/o"
    /usr/bin/time -f "%e s %M kB" -o "$work/t" \
      "$build/tools/trial-process" -q "$work/rec.bag" -o "$work/o" -j 2
    echo "trial-process rec.bag -j 2 (321 frames, PNG + .npy): $(awk '{printf "%.2f s, %.1f frames/s, peak RSS %d kB", $1, 321 / $1, $3}' "$work/t")"
  done
  for run in 1 2 3; do
    rm -rf "$work/p"; mkdir "$work/p"
    /usr/bin/time -f "%e s %M kB" -o "$work/t" gst-launch-1.0 -q \
      filesrc location="$work/rec.bag" ! rsbagdemux name=d \
      d.color ! queue ! pngenc compression-level=1 ! \
      multifilesink location="$work/p/%06d.png" d.depth ! queue ! fakesink
    echo "stock pngenc compression-level=1 on the same raw color (color only): $(awk '{printf "%.2f s, %.1f frames/s, peak RSS %d kB", $1, 321 / $1, $3}' "$work/t")"
  done
  rm -rf "$work/o"
  /usr/bin/time -f "%e s %M kB" -o "$work/t" \
    "$build/tools/trial-process" -q "$work/rec10.bag" -o "$work/o" -j 2
  echo "trial-process rec10.bag -j 2 (3,210 frames): $(awk '{printf "%.2f s, %.1f frames/s, peak RSS %d kB", $1, 3210 / $1, $3}' "$work/t")"
  echo "rs-convert (measured in issue 20, not in Debian): PNG export ~11 frames/s, raw export ~80 frames/s"
} | tee "$out"
