#!/usr/bin/env bash
# Sets up (scripts/setup.sh), generates a sample trial with two cameras and
# converts it with trial-process into sample/trial_input/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export GST_PLUGIN_PATH="$PWD/build/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"

rm -rf sample
build/tools/trial-make-sample --layout multi --cameras 2 --start 231 --frames 134 sample/trial_1
build/tools/trial-process --all -o sample/trial_input sample/trial_1
echo "Output: $(find sample/trial_input -name '*.png' | wc -l) PNG, $(find sample/trial_input -name '*.npy' | wc -l) .npy files;" \
  "metadata: sample/trial_input/trial_1/cam1/metadata.json"
