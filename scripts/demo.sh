#!/usr/bin/env bash
# The demo: installs and builds (scripts/setup.sh), generates a small
# two-camera trial and converts it with trial-process. Everything it writes
# goes to sample/ in this checkout (ignored by git); a second run replaces it.
#   scripts/demo.sh              the demo
#   scripts/demo.sh --no-setup   without scripts/setup.sh: uses the build dir
#                                $BUILD (default build/) as it is
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}

[ "${1:-}" = "--no-setup" ] || scripts/setup.sh
export GST_PLUGIN_PATH="$PWD/$build/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"

echo "Writing a generated trial (2 cameras x 30 frames, 320x240) to sample/trial_1"
echo "and its conversion to sample/trial_input/ (sample/ is ignored by git)."
rm -rf sample
"$build/tools/trial-make-sample" --quiet --layout multi --cameras 2 --start 231 \
  --frames 30 --size 320x240 sample/trial_1
"$build/tools/trial-process" --quiet sample/trial_1 --all -o sample/trial_input
"$build/tools/trial-process" --summarize sample/trial_input
echo "sample/ holds $(du -sh sample | cut -f1)."
cat <<'NEXT'

Look next at:
  sample/trial_input/trial_1/cam1/color/frame_000231.png   the first color frame
  sample/trial_input/trial_1/cam1/metadata.json            what the run recorded
  export GST_PLUGIN_PATH=$PWD/build/plugin
  build/tools/trial-process --help                          every option
  examples/preview.sh sample/trial_1                        the trial in a window
  README.md, "First try with GStreamer"                     the elements by hand
NEXT
