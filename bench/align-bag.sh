#!/bin/sh
# trial-process on a .bag with depth aligned to color against --align none
# (issue 23: at most 1.15x), one run: a 321-frame 640x480 color + depth lz4
# bag with the real D435's calibration (bench/make_bag.py --d435), -j 2,
# the two modes alternated three times; wall and CPU (user + sys) seconds.
#   bench/align-bag.sh [BUILD_DIR]     (default build/; results/align-bag.txt)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/align-bag-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GST_PLUGIN_PATH_1_0="$build/plugin" GST_REGISTRY_1_0="$work/registry.bin"
out="$here/results/align-bag.txt"

"$build/tools/trial-make-sample" --quiet --layout=single --frames=321 \
  --size=640x480 "$work/trial"
/usr/bin/python3 "$here/make_bag.py" "$work/trial" "$work/rec.bag" --d435
"$build/tools/trial-process" -q "$work/rec.bag" -o "$work/warm" -j 2

{
  echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  for run in 1 2 3; do
    for align in none color; do
      rm -rf "$work/o"
      /usr/bin/time -f "%e %U %S" -o "$work/t" \
        "$build/tools/trial-process" -q "$work/rec.bag" -o "$work/o" -j 2 \
        --align "$align"
      grep -q "\"depth_aligned_to\" : \"$align\"" \
        "$work/o/rec/single_camera/metadata.json"
      awk -v a="$align" '{printf "--align %-5s %.2f s wall, %.2f s CPU, %.1f frames/s\n", a, $1, $2 + $3, 321 / $1}' "$work/t"
    done
  done
} | tee "$out"
awk '/--align none/ { w0 += $3; c0 += $6 } /--align color/ { w1 += $3; c1 += $6 }
  END { printf "color / none: %.2fx wall, %.2fx CPU (sums of the 3 runs)\n", w1 / w0, c1 / c0 }' "$out" | tee -a "$out"
