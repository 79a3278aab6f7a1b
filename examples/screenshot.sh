#!/bin/sh
# gst-trial: a screenshot of the live preview (examples/c/trial-preview.c) on
# a virtual X display, for docs/images/preview.png and the preview test.
#
#   examples/screenshot.sh [OUT.png]        (default docs/images/preview.png)
#
# BUILD (default build) is the build dir with the plugin, the tools and the
# examples. Makes a 320x240 sample trial of 300 frames (10 s at 30 fps),
# shows it in ximagesink under xvfb-run and grabs the screen with ximagesrc
# once the preview has shown 10 pictures (trial-preview --report-shown), not
# after a guessed time. Exits non-zero when the preview or the grab failed,
# or the preview had stopped before the grab.
set -eu

cd "$(dirname "$0")/.."
build=${BUILD:-build}
out=${1:-docs/images/preview.png}
case $out in /*) ;; *) out=$PWD/$out ;; esac
case $build in /*) ;; *) build=$PWD/$build ;; esac
export GST_PLUGIN_PATH="$build/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/trial-screenshot-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$build/tools/trial-make-sample" --quiet --frames 300 --size 320x240 "$tmp/trial_1"

# The grab is a second, uninstrumented gst-launch-1.0: it must not load the
# build's plugin (a sanitizer build's cannot be loaded by it) nor rewrite the
# registry of the tests, so it gets a registry and plugin path of its own.
# Its registry is made first so that the grab itself is quick.
grab_env="env -u GST_PLUGIN_PATH -u GST_PLUGIN_PATH_1_0 GST_REGISTRY_1_0=$tmp/registry.bin"
$grab_env gst-inspect-1.0 ximagesrc >/dev/null
cat > "$tmp/run.sh" <<EOS
"$build/examples/trial-preview" --sink ximagesink --report-shown "$tmp/trial_1" >"$tmp/shown" &
pid=\$!
# wait (at most 60 s, a hang) until 10 pictures reached the window
tries=0
until grep -qx "shown 10" "$tmp/shown"; do
  kill -0 \$pid 2>/dev/null || { echo "the preview stopped before it showed 10 pictures" >&2; exit 1; }
  tries=\$((tries + 1))
  [ \$tries -le 600 ] || { echo "the preview showed no 10 pictures within 60 s" >&2; kill \$pid; exit 1; }
  sleep 0.1
done
$grab_env gst-launch-1.0 -q ximagesrc num-buffers=1 use-damage=false show-pointer=false \
  ! videoconvert ! pngenc compression-level=9 ! filesink location="$tmp/shot.png"
grab=\$?
kill -0 \$pid 2>/dev/null || { echo "the preview had stopped before the grab" >&2; exit 1; }
wait \$pid || { echo "the preview failed" >&2; exit 1; }
exit \$grab
EOS
xvfb-run -a -s "-screen 0 640x240x24" sh "$tmp/run.sh"
mkdir -p "$(dirname "$out")"
mv "$tmp/shot.png" "$out"
echo "$out"
