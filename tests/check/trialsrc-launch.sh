#!/bin/sh
# gst-trial test: trialsrc driven by gst-launch-1.0, the way users first try
# it. A small hand-written trial (two cameras, one frame without depth) must
# run to EOS with every frame on both pads, bytes as in the files, the
# missing depth as a GAP buffer with a warning; a missing trial must fail with a clear error.
#
# Usage: trialsrc-launch.sh /path/to/gst-launch-1.0
set -u

gst_launch=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/trialsrc-launch-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trial=$tmp/trial_1
status=0

fail () {
  echo "FAIL: $*"
  status=1
}

expect () {
  # expect TEXT DESCRIPTION: TEXT must occur in $out
  case $out in
    *"$1"*) ;;
    *) fail "$2: no '$1' in the output" ;;
  esac
}

# A sanitizer build's plugin needs the sanitizer runtimes loaded first, which
# the uninstrumented gst-launch-1.0 does not do. Its leak report at exit would
# be about gst-launch-1.0 itself (the C suite checks the element for leaks),
# so only memory errors are checked then.
preload=$(ldd "${GST_PLUGIN_PATH_1_0:-.}/libgsttrial.so" 2>/dev/null \
  | awk '/lib(a|ub)san\.so/ { printf "%s ", $3 }')

launch () {
  if [ -n "$preload" ]; then
    LD_PRELOAD="$preload" \
      ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
      "$gst_launch" "$@"
  else
    "$gst_launch" "$@"
  fi
}

mkdir -p "$trial/cam1/color" "$trial/cam1/depth" "$trial/cam2/color" || exit 1
for n in 5 6 8; do
  f=$(printf 'frame_%06d' "$n")
  printf 'color of frame %d' "$n" > "$trial/cam1/color/$f.png"
  # 2x2 little-endian uint16 millimetres
  printf '\001\000\002\000\003\000\004\000' > "$trial/cam1/depth/$f.raw"
  printf 'other camera' > "$trial/cam2/color/$f.png"
done
rm "$trial/cam1/depth/frame_000008.raw"

# Each pad into a trialsink: the files it writes are named by the buffer
# offsets and hold the buffers' bytes (reading fakesink's last-message from
# gst-launch -v instead races with the streaming threads).
out=$(launch -m trialsrc location="$trial" name=s \
    s.color ! trialsink location="$tmp/out/color/%d.bin" \
    s.depth ! trialsink location="$tmp/out/depth/%d.bin" 2>&1)
rc=$?
[ $rc -eq 0 ] || fail "gst-launch-1.0 exited with $rc"
expect "Got EOS from element" "end of stream"
expect "trial-layout, structure=(string)multi_camera, camera=(string)cam1, cameras=(string)< cam1, cam2 >" "trial-layout message"
expect "frame 8: no depth file for frame 8" "warning for the missing depth"
[ "$(ls "$tmp/out/color" 2>/dev/null | tr '\n' ' ')" = "5.bin 6.bin 8.bin " ] ||
  fail "color: files $(ls "$tmp/out/color" | tr '\n' ' '), expected 5 6 8"
[ "$(ls "$tmp/out/depth" 2>/dev/null | tr '\n' ' ')" = "5.bin 6.bin " ] ||
  fail "depth: files $(ls "$tmp/out/depth" | tr '\n' ' '), expected 5 6 (8 is a GAP)"
for n in 5 6 8; do
  f=$(printf 'frame_%06d' "$n")
  cmp -s "$trial/cam1/color/$f.png" "$tmp/out/color/$n.bin" ||
    fail "color: frame $n bytes differ from the file"
done
for n in 5 6; do
  f=$(printf 'frame_%06d' "$n")
  cmp -s "$trial/cam1/depth/$f.raw" "$tmp/out/depth/$n.bin" ||
    fail "depth: frame $n bytes differ from the file"
done
expect "trial-progress, frames=(guint64)2, failed=(guint64)1" "depth sink counted the GAP"
[ $status -eq 0 ] || printf '%s\n' "$out"

out=$(launch trialsrc location="$tmp/missing" name=s \
    s.color ! fakesink s.depth ! fakesink 2>&1)
rc=$?
[ $rc -ne 0 ] || fail "a missing trial exited with 0"
expect "trial folder '$tmp/missing' does not exist" "error for a missing trial"
[ $status -eq 0 ] || printf '%s\n' "$out"

exit $status
