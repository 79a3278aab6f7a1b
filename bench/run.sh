#!/usr/bin/env bash
# The whole benchmark in one command: installs the tools it needs (apt),
# builds, generates the trials, times every contender side by side, counts
# instructions per frame, checks memory over trial lengths, times the layout
# scan, writes CSVs and draws the chart. See bench/README.md.
#
# Usage: bench/run.sh [--quick] [--build DIR] [--data DIR] [--results DIR]
#   --quick    2 rounds instead of 5, 1 instead of 3 at 1280x720, fewer
#              callgrind frames, no 32,100-frame trial (about 8 minutes)
#   --build    build folder (default build-bench, buildtype debugoptimized,
#              the project's default)
#   --data     where the trials go; must have ~6 GB free (default
#              BUILD/bench-data, on the same filesystem as the outputs)
#   --results  CSV folder (default bench/results; bench-results-quick in
#              the build folder with --quick)
#   --bag FILE:N  also time trial-process on a RealSense .bag of N frames
#              (the bag suite; once trial-process reads bags)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
build="build-bench"
data=
results=
bag=
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=1 ;;
    --build) build=$2; shift ;;
    --data) data=$2; shift ;;
    --results) results=$2; shift ;;
    --bag) bag=$2; shift ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
data=${data:-$build/bench-data}
if [ -z "$results" ]; then
  if [ $quick = 1 ]; then results=$build/bench-results-quick; else results=bench/results; fi
fi
if [ $quick = 1 ]; then
  rounds=2 hd_rounds=1 cg_a=3 cg_b=13
else
  rounds=5 hd_rounds=3 cg_a=5 cg_b=25
fi

step() { printf '\n== %s (load %s)\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)"; }

step "tools"
packages=(ffmpeg valgrind python3-matplotlib python3-pil python3-numpy
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

step "build ($build)"
[ -f "$build/build.ninja" ] || meson setup "$build" -Dbuildtype=debugoptimized >/dev/null
ninja -C "$build" tools/trial-process tools/trial-make-sample plugin/libgsttrial.so \
  bench/trial-scan-bench >/dev/null
mkdir -p "$data" "$results"
data=$(realpath "$data")
results=$(realpath "$results")
build_abs=$(realpath "$build")
# A registry of our own: other GST_PLUGIN_PATHs sharing the default one would
# make GStreamer rescan plugins inside timed runs.
export GST_REGISTRY="$data/registry.bin" GST_PLUGIN_PATH="$build_abs/plugin"
gst-inspect-1.0 trialsrc >/dev/null

step "trials ($data)"
make_trial() { # NAME FRAMES SIZE [trial-make-sample options]
  local dir="$data/$1" stamp="$data/$1.done" n=$2 size=$3
  shift 3
  # the stamp names the generator too: trials are re-made when it changes
  local what
  what="$n $size $* $(sha1sum "$build/tools/trial-make-sample" | cut -c1-12)"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$what" ] && return 0
  rm -rf "$dir" "$stamp"
  echo "generating ${dir##*/}: $n frames $size $*"
  "$build/tools/trial-make-sample" -q -n "$n" --size "$size" "$@" "$dir"
  echo "$what" >"$stamp"
}
# 32,100 frames of real files would be ~37 GB of input and ~56 GB of output:
# this trial is 321 distinct frames hard-linked under 32,100 numbers (every
# frame is still its own directory entry, opened and read), and the scaling
# runs delete finished outputs as they go (measure.py --suite scaling).
link_trial() { # NAME FRAMES FROM
  local dir="$data/$1" stamp="$data/$1.done"
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$2 links $3" ] && return 0
  rm -rf "$dir" "$stamp"
  echo "linking $1: $2 frames from the files of $3"
  /usr/bin/python3 - "$data/$3" "$dir" "$2" <<'PY'
import os, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for kind in ("color", "depth"):
    files = sorted(os.listdir(os.path.join(src, "cam1", kind)))
    os.makedirs(os.path.join(dst, "cam1", kind))
    for i in range(n):
        name = files[i % len(files)]
        os.link(os.path.join(src, "cam1", kind, name),
                os.path.join(dst, "cam1", kind,
                             "frame_%06d%s" % (i, os.path.splitext(name)[1])))
PY
  echo "$2 links $3" >"$stamp"
}
avail_gb=$(df -BG --output=avail "$data" | tail -n 1 | tr -dc 0-9)
make_trial t321 321 640x480
make_trial t321-720p 321 1280x720
make_trial t321-jpeg 321 640x480 --color jpeg
scaling=("$data/t321")
if [ "$avail_gb" -ge 12 ]; then
  make_trial t3210 3210 640x480
  scaling+=("$data/t3210")
else
  echo "only ${avail_gb} GB free: no 3,210-frame trial (needs ~4 GB + outputs)"
fi
if [ $quick = 0 ]; then
  link_trial t32100 32100 t321
  scaling+=("$data/t32100")
fi
# Inputs come from the page cache in every run, for every contender.
cat "$data"/t321/cam1/*/* "$data"/t321-720p/cam1/*/* "$data"/t321-jpeg/cam1/*/* >/dev/null

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
  echo "memory: $(free -g | awk '/Mem:/ { print $2 }') GB"
  echo "kernel: $(uname -r)"
  echo "filesystem: $(findmnt -n -o FSTYPE --target "$data")"
  echo "build: $build, buildtype $(meson introspect --buildoptions "$build" |
    /usr/bin/python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"][0])')"
  echo "gstreamer: $(gst-launch-1.0 --version | sed -n 2p)"
  echo "ffmpeg: $(ffmpeg -version | head -n 1)"
  echo "valgrind: $(valgrind --version)"
  echo "libdeflate: $(pkg-config --modversion libdeflate), zlib: $(pkg-config --modversion zlib), libpng: $(pkg-config --modversion libpng), isa-l: $(pkg-config --modversion libisal)"
  echo "load at start: $(cat /proc/loadavg)"
} >"$results/machine.txt"

step "side by side, 640x480, $rounds rounds"
/usr/bin/python3 bench/measure.py --suite main --build "$build" --trial "$data/t321" \
  --rounds "$rounds" --out "$results/main.csv" --raw "$results/main-runs.csv"

step "side by side, 1280x720, $hd_rounds rounds"
/usr/bin/python3 bench/measure.py --suite hd --build "$build" --trial "$data/t321-720p" \
  --rounds "$hd_rounds" --out "$results/hd.csv" --raw "$results/hd-runs.csv"

step "JPEG color trial, 640x480, $rounds rounds"
/usr/bin/python3 bench/measure.py --suite jpeg --build "$build" --trial "$data/t321-jpeg" \
  --rounds "$rounds" --out "$results/jpeg.csv" --raw "$results/jpeg-runs.csv"

if [ -n "$bag" ]; then
  step "RealSense .bag ${bag%:*}, $rounds rounds"
  /usr/bin/python3 bench/measure.py --suite bag --build "$build" --trial "${bag%:*}" \
    --frames "${bag##*:}" --rounds "$rounds" --out "$results/bag.csv" --raw "$results/bag-runs.csv" \
    --workdir "$data/measure-bag"
fi

step "scaling: time per frame and memory over trial lengths"
trial_args=()
for t in "${scaling[@]}"; do trial_args+=(--trial "$t"); done
/usr/bin/python3 bench/measure.py --suite scaling --build "$build" "${trial_args[@]}" \
  --rounds 1 --no-warmup --out "$results/scaling.csv" --raw "$results/scaling-runs.csv"

step "instructions per frame (callgrind, frames $cg_a and $cg_b)"
JPEG_TRIAL="$data/t321-jpeg" HD_TRIAL="$data/t321-720p" \
  bench/callgrind.sh "$build" "$data/t321" "$results/callgrind.csv" "$cg_a" "$cg_b"

step "layout scan of 100,000 frames"
BUILD_DIR=$build bench/scan.sh --frames 100000 --runs 5 | tee "$results/scan.txt"

echo "load at end: $(cat /proc/loadavg)" >>"$results/machine.txt"
step "chart"
if [ $quick = 1 ]; then chart=$results/fps-vs-threads.png; else chart=docs/images/fps-vs-threads.png; fi
mkdir -p "$(dirname "$chart")"
/usr/bin/python3 bench/plot.py "$results/main.csv" "$chart"
/usr/bin/python3 bench/summary.py "$results" | tee "$results/summary.md"
echo "results in $results, chart in $chart"
