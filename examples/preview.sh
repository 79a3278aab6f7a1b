#!/bin/sh
# gst-trial example: watch a trial, color left and colourised depth right, in
# one window (the gst-launch-1.0 version of examples/c/trial-preview.c).
#
#   examples/preview.sh TRIAL [WIDTHxHEIGHT] [SINK]
#
# WIDTHxHEIGHT is the size of each panel (default 640x480, RealSense's);
# SINK the video sink (default autovideosink). trialsrc is-live=true pushes
# the frames at its framerate (30/1), as a camera would. Needs the plugin:
# GST_PLUGIN_PATH=build/plugin, or an installed gst-trial.
set -eu

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
  echo "usage: $0 TRIAL [WIDTHxHEIGHT] [SINK]" >&2
  exit 2
fi
trial=$1
size=${2:-640x480}
sink=${3:-autovideosink}
w=${size%x*}
h=${size#*x}

# A live source needs buffering for the latency of what follows it: a queue
# on each branch (trialconvert's latency) and one before the sink (its
# processing deadline); without them GStreamer warns "please add queues".
exec gst-launch-1.0 trialsrc location="$trial" is-live=true name=s \
  compositor name=mix background=black \
    sink_0::width="$w" sink_0::height="$h" \
    sink_1::xpos="$w" sink_1::width="$w" sink_1::height="$h" \
  ! queue ! videoconvert ! "$sink" \
  s.color ! queue ! trialconvert ! videoconvert ! mix.sink_0 \
  s.depth ! queue ! trialconvert colormap=turbo ! video/x-raw,format=RGB \
    ! videoconvert ! mix.sink_1
