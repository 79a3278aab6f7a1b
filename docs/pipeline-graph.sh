#!/bin/sh
# gst-trial: docs/images/pipeline.png, the graph of the pipeline trial-process
# builds for one camera, as GStreamer draws it (gst_debug_bin_to_dot_data,
# what GST_DEBUG_DUMP_DOT_DIR writes) rendered by graphviz.
#
#   docs/pipeline-graph.sh [OUT.png]        (default docs/images/pipeline.png)
#
# BUILD (default build) is the build dir with the plugin and the tools.
# Needs graphviz (dot) and python3-gi.
set -eu

cd "$(dirname "$0")/.."
build=${BUILD:-build}
out=${1:-docs/images/pipeline.png}
case $out in /*) ;; *) out=$PWD/$out ;; esac
case $build in /*) ;; *) build=$PWD/$build ;; esac
export GST_PLUGIN_PATH="$build/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
command -v dot >/dev/null || { echo "$0: needs graphviz (apt install graphviz)" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/trial-graph-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
"$build/tools/trial-make-sample" --quiet --frames 10 trial_1
# Relative paths, so the graph shows what a user types.
/usr/bin/python3 - > pipeline.dot <<'EOS'
import gi
gi.require_version("Gst", "1.0")
from gi.repository import Gst

Gst.init(None)
pipeline = Gst.parse_launch(
    "trialsrc location=trial_1 name=src "
    "src.color ! trialconvert name=color_convert "
    "  ! trialsink name=color_sink location=out/color/frame_%06d.png "
    "src.depth ! trialconvert name=depth_convert "
    "  ! trialsink name=depth_sink location=out/depth/frame_%06d.npy")
pipeline.set_state(Gst.State.PAUSED)
pipeline.get_state(Gst.CLOCK_TIME_NONE)
print(Gst.debug_bin_to_dot_data(
    pipeline, Gst.DebugGraphDetails.MEDIA_TYPE
    | Gst.DebugGraphDetails.NON_DEFAULT_PARAMS))
pipeline.set_state(Gst.State.NULL)
EOS
mkdir -p "$(dirname "$out")"
# drop what changes from run to run (pointers) and says nothing here
sed 's/\\nlast-sample=(([^)]*) [^)]*)//' pipeline.dot | dot -Tpng -Gdpi=60 -o "$out"
echo "$out"
