#!/usr/bin/python3
"""gst-trial example: a trial's cameras and frame files with GstTrial, the
GObject introspection of libgsttrial, and each buffer trialsrc pushes mapped
back to its frame number and source file through its GstTrialFrameMeta.

    /usr/bin/python3 examples/python/trial_files.py [--camera camN] TRIAL

The layout the script scans is the one trialsrc streams (its `layout`
property): one scan, one GstTrialLayout type shared by the application and
the plugin. Prints

    cameras: cam1 cam2
    frame 100: color /t/cam1/color/frame_000100.png depth /t/cam1/depth/frame_000100.raw
    ...
    color buffer 100: /t/cam1/color/frame_000100.png
    depth buffer 104: no file (GAP)

Needs python3-gi and gir1.2-gstreamer-1.0 (apt), GstTrial-1.0.typelib and
libgsttrial-1.0.so (an installed gst-trial, or from a build:
GI_TYPELIB_PATH=build/gst/trial LD_LIBRARY_PATH=build/gst/trial) and the
plugin (GST_PLUGIN_PATH=build/plugin, or installed).
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstTrial", "1.0")
from gi.repository import GLib, Gst, GstTrial  # noqa: E402

STREAMS = ("color", "depth")


def frame_files(layout):
    """(number, color path, depth path or None) of every frame of @layout."""
    for i in range(layout.get_n_frames()):
        yield (layout.get_frame(i).number, layout.dup_color_path(i),
               layout.dup_depth_path(i))


def buffer_sources(layout):
    """Streams @layout with trialsrc and returns, per stream, the (frame
    number, source path or None) of each buffer, from its GstTrialFrameMeta
    (a GAP buffer, a frame whose file could not be read, has none)."""
    Gst.init(None)
    pipeline = Gst.Pipeline.new("files")
    src = Gst.ElementFactory.make("trialsrc", "src")
    if src is None:
        raise RuntimeError("no trialsrc: set GST_PLUGIN_PATH to the plugin")
    src.set_property("layout", layout)
    pipeline.add(src)
    seen = {stream: [] for stream in STREAMS}

    def on_buffer(_pad, info, stream):
        buffer = info.get_buffer()
        meta = GstTrial.buffer_get_trial_frame_meta(buffer)
        if meta is None:
            seen[stream].append((buffer.offset, None))
        else:
            seen[stream].append((meta.number, meta.path))
        return Gst.PadProbeReturn.OK

    for stream in STREAMS:
        sink = Gst.ElementFactory.make("fakesink", None)
        sink.set_property("sync", False)
        pipeline.add(sink)
        src.link_pads(stream, sink, "sink")
        src.get_static_pad(stream).add_probe(Gst.PadProbeType.BUFFER,
                                             on_buffer, stream)
    try:
        pipeline.set_state(Gst.State.PLAYING)
        msg = pipeline.get_bus().timed_pop_filtered(
            Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
        if msg.type == Gst.MessageType.ERROR:
            error, _ = msg.parse_error()
            raise RuntimeError(f"{msg.src.get_name()}: {error.message}")
    finally:
        pipeline.set_state(Gst.State.NULL)
    return seen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("trial")
    parser.add_argument("--camera", help="camera of a multi_camera trial")
    args = parser.parse_args()

    try:
        layout = GstTrial.Layout.scan_camera(args.trial, args.camera, -1, -1)
    except GLib.Error as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print("cameras: " + " ".join(layout.get_cameras()))
    for number, color, depth in frame_files(layout):
        print(f"frame {number}: color {color} depth {depth or '-'}")
    try:
        seen = buffer_sources(layout)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for stream in STREAMS:
        for number, path in seen[stream]:
            print(f"{stream} buffer {number}: {path or 'no file (GAP)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
