#!/usr/bin/env bash
# Instructions per frame of each contender, single-threaded, counted by
# valgrind --tool=callgrind: every contender converts the first A and then the
# first B frames of a trial, and (Ir(B) - Ir(A)) / (B - A) is the cost of one
# frame without start-up. Same binary + same input = the same count, so these
# ratios do not depend on the load of the machine.
#
# Usage: bench/callgrind.sh BUILD_DIR TRIAL OUT_CSV [A B]
# JPEG_TRIAL (a trial of JPEG color frames) and HD_TRIAL (1280x720) add the
# contenders tp-jpeg and tp-auto-720p / tp-reencode-720p.
# Writes OUT_CSV (contender,frames_a,frames_b,ir_a,ir_b,ir_per_frame,
# verify_ir_per_frame) and keeps the callgrind files next to TRIAL, in
# callgrind/, for callgrind_annotate.
set -euo pipefail

build=$(realpath "$1")
trial=$(realpath "$2")
csv=$3
a=${4:-5}
b=${5:-25}

: "${GST_REGISTRY:?set GST_REGISTRY to a private registry file (bench/run.sh does)}"
export GST_PLUGIN_PATH="$build/plugin"
cgdir="$(dirname "$trial")/callgrind"
mkdir -p "$cgdir"
work=$(mktemp -d "$(dirname "$trial")/cg-out.XXXXXX")
trap 'rm -rf "$work"' EXIT

# FFmpeg loads libhwy (through libjxl), whose start-up timer probe executes
# rdtscp, which valgrind cannot run on this kind of VM (SIGILL). The probe
# runs once before main(); replacing it changes no per-frame work.
hwy_stub="$cgdir/hwy-timer-stub.so"
cat >"$cgdir/hwy-timer-stub.c" <<'EOF'
double hwy_timer_resolution (void) __asm__ ("_ZN3hwy8platform15TimerResolutionEv");
double hwy_timer_resolution (void) { return 1e-9; }
EOF
cc -O2 -shared -fPIC -o "$hwy_stub" "$cgdir/hwy-timer-stub.c"

camera=$(basename "$(find "$trial" -mindepth 1 -maxdepth 1 -type d | sort | head -n 1)")
color="$trial/$camera/color"

# The command of contender $1 for the first $2 frames, writing into $work/out.
command_for() {
  local name=$1 n=$2 last=$(($2 - 1))
  case $name in
    tp-auto | tp-reencode)
      echo "$build/tools/trial-process $trial -o $work/out -j 1 -q --start 0 --stop $last --color-mode ${name#tp-}" ;;
    tp-jpeg)
      echo "$build/tools/trial-process ${JPEG_TRIAL:?} -o $work/out -j 1 -q --start 0 --stop $last" ;;
    tp-auto-720p | tp-reencode-720p)
      local mode=${name#tp-}
      echo "$build/tools/trial-process ${HD_TRIAL:?} -o $work/out -j 1 -q --start 0 --stop $last --color-mode ${mode%-720p}" ;;
    tp-auto-chunks)
      echo "$build/tools/trial-process $trial -o $work/out -j 1 -q --start 0 --stop $last --verify chunks" ;;
    tp-color-auto | tp-color-reencode)
      echo "gst-launch-1.0 -q trialsrc location=$trial start-frame=0 stop-frame=$last name=s s.color ! trialconvert n-threads=1 color-mode=${name#tp-color-} ! trialsink location=$work/out/%06d.png s.depth ! fakesink" ;;
    stock)
      echo "gst-launch-1.0 -q multifilesrc location=$color/frame_%06d.png index=0 stop-index=$last caps=image/png,framerate=30/1 ! pngdec ! pngenc compression-level=1 ! multifilesink location=$work/out/%06d.png" ;;
    ffmpeg)
      echo "ffmpeg -nostdin -loglevel error -y -threads 1 -start_number 0 -i $color/frame_%06d.png -frames:v $n -threads 1 -compression_level 1 $work/out/%06d.png" ;;
    *) echo "unknown contender $name" >&2; return 1 ;;
  esac
}

# Total instructions of one run; the callgrind file is kept.
count() {
  local name=$1 n=$2 file="$cgdir/$1-$2.out"
  rm -rf "$work/out"
  mkdir -p "$work/out"
  local preload=
  [ "$name" = ffmpeg ] && preload=$hwy_stub
  # shellcheck disable=SC2046
  LD_PRELOAD=$preload valgrind --tool=callgrind --callgrind-out-file="$file" \
    $(command_for "$name" "$n") >/dev/null 2>"$cgdir/$name-$n.log"
  awk '/^(summary|totals):/ { print $2; exit }' "$file"
}

# Inclusive instructions in gst_trial_png_verify or _verify_prefix (what
# trialconvert calls); 0 where neither is called.
verify_ir() {
  callgrind_annotate --inclusive=yes --threshold=100 "$cgdir/$1-$2.out" 2>/dev/null |
    awk '/:gst_trial_png_verify(_prefix)? / && !found { gsub(",", "", $1); v = $1; found = 1 }
         END { print found ? v : 0 }'
}

echo "contender,frames_a,frames_b,ir_a,ir_b,ir_per_frame,verify_ir_per_frame" >"$csv"
default="tp-auto tp-auto-chunks tp-reencode tp-color-auto tp-color-reencode stock ffmpeg"
[ -n "${JPEG_TRIAL:-}" ] && default="$default tp-jpeg"
[ -n "${HD_TRIAL:-}" ] && default="$default tp-auto-720p tp-reencode-720p"
for name in ${CONTENDERS:-$default}; do
  ir_a=$(count "$name" "$a")
  ir_b=$(count "$name" "$b")
  v_a=$(verify_ir "$name" "$a")
  v_b=$(verify_ir "$name" "$b")
  per=$(((ir_b - ir_a) / (b - a)))
  vper=$(((v_b - v_a) / (b - a)))
  echo "$name,$a,$b,$ir_a,$ir_b,$per,$vper" >>"$csv"
  printf '  %-18s %14s instructions/frame\n' "$name" "$per"
done
