#!/usr/bin/python3
"""gst-trial example: read a trial's frames as numpy arrays with PyGObject.

    trialsrc ─ color ─ trialconvert ─ video/x-raw,format=RGB ─ appsink
             └ depth ─ trialconvert ─ application/x-npy      ─ appsink

Color frames come out as HxWx3 uint8 arrays, depth frames as HxW float32
arrays in metres (each application/x-npy buffer is a whole .npy file). The
conversion progress is read from the trial-stats messages trialconvert posts
on the bus.

    /usr/bin/python3 examples/python/trial_frames.py [--camera camN] TRIAL

Needs python3-gi, gir1.2-gstreamer-1.0 and python3-numpy (apt), and the
plugin: GST_PLUGIN_PATH=build/plugin, or an installed gst-trial. As a module:

    for stream, frame, array in trial_frames.read_trial("trial_1"):
        ...
"""
import argparse
import collections
import io
import sys

import gi
import numpy as np

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

PIPELINE = (
    "trialsrc name=src "
    "src.color ! trialconvert stats-interval=500 "
    "  ! video/x-raw,format=RGB ! appsink name=color sync=false max-buffers=4 "
    "src.depth ! trialconvert stats-interval=500 "
    "  ! application/x-npy ! appsink name=depth sync=false max-buffers=4")


class TrialError(Exception):
    """An error posted on the bus: the trial cannot be read."""


def _rgb_array(buffer, structure):
    width = structure.get_value("width")
    height = structure.get_value("height")
    ok, info = buffer.map(Gst.MapFlags.READ)
    if not ok:
        raise TrialError("cannot map a color buffer")
    try:
        data = np.frombuffer(info.data, dtype=np.uint8)
        # rows may be padded (GStreamer aligns RGB rows to 4 bytes)
        stride = data.size // height if height else 0
        if stride < width * 3 or stride * height != data.size:
            raise TrialError(f"color buffer of {data.size} bytes is not "
                             f"{height} rows of {width} RGB pixels")
        rows = data.reshape(height, stride)[:, :width * 3]
        return rows.reshape(height, width, 3).copy()
    finally:
        buffer.unmap(info)


def _npy_array(buffer):
    ok, info = buffer.map(Gst.MapFlags.READ)
    if not ok:
        raise TrialError("cannot map a depth buffer")
    try:
        return np.load(io.BytesIO(bytes(info.data)), allow_pickle=False)
    finally:
        buffer.unmap(info)


def _to_array(sample):
    """The frame number and the array of an appsink sample; None for a
    frame that could not be read (a GAP buffer, its reason is a warning)."""
    buffer = sample.get_buffer()
    structure = sample.get_caps().get_structure(0)
    if buffer.has_flags(Gst.BufferFlags.GAP):
        return buffer.offset, None
    if structure.get_name() == "application/x-npy":
        return buffer.offset, _npy_array(buffer)
    return buffer.offset, _rgb_array(buffer, structure)


def _handle_message(msg, on_stats, on_warning):
    if msg.type == Gst.MessageType.ERROR:
        error, _ = msg.parse_error()
        raise TrialError(f"{msg.src.get_name()}: {error.message}")
    if msg.type == Gst.MessageType.WARNING:
        error, _ = msg.parse_warning()
        on_warning(f"{msg.src.get_name()}: {error.message}")
    elif msg.type == Gst.MessageType.ELEMENT:
        s = msg.get_structure()
        if s is not None and s.get_name() == "trial-stats":
            on_stats({k: s.get_value(k) for k in
                      ("stream", "frames", "failed", "fps", "average-fps")})


def read_trial(trial, camera=None, on_stats=print, on_warning=print):
    """Yields (stream, frame_number, array) for every frame of both streams
    of @trial; array is None for a frame that failed. Raises TrialError on
    the first error posted on the bus."""
    Gst.init(None)
    pipeline = Gst.parse_launch(PIPELINE)
    src = pipeline.get_by_name("src")
    src.set_property("location", trial)
    if camera:
        src.set_property("camera", camera)
    sinks = {name: pipeline.get_by_name(name) for name in ("color", "depth")}
    # A failed frame of raw video is a GAP event, its number in the field
    # "trial-frame" (appsink hands out samples only): seen at the sink pad,
    # in stream order, before any later frame can be pulled.
    failed = {name: collections.deque() for name in sinks}

    def on_gap(_pad, info, name):
        event = info.get_event()
        if event.type == Gst.EventType.GAP:
            ok, number = event.get_structure().get_int64("trial-frame")
            if ok:
                failed[name].append(number)
        return Gst.PadProbeReturn.OK

    for name, sink in sinks.items():
        sink.get_static_pad("sink").add_probe(
            Gst.PadProbeType.EVENT_DOWNSTREAM, on_gap, name)
    bus = pipeline.get_bus()
    types = (Gst.MessageType.ERROR | Gst.MessageType.WARNING
             | Gst.MessageType.ELEMENT)
    try:
        if pipeline.set_state(Gst.State.PLAYING) == \
                Gst.StateChangeReturn.FAILURE:
            msg = bus.pop_filtered(Gst.MessageType.ERROR)
            if msg is not None:
                _handle_message(msg, on_stats, on_warning)
            raise TrialError(f"cannot start the pipeline for {trial}")
        while sinks:
            # both sinks in turn, each for at most 50 ms, and the bus
            for name, sink in list(sinks.items()):
                sample = sink.emit("try-pull-sample", 50 * Gst.MSECOND)
                if sample is not None:
                    number, array = _to_array(sample)
                    while failed[name] and failed[name][0] < number:
                        yield name, failed[name].popleft(), None
                    yield name, number, array
                elif sink.get_property("eos"):
                    while failed[name]:
                        yield name, failed[name].popleft(), None
                    del sinks[name]
            while (msg := bus.pop_filtered(types)) is not None:
                _handle_message(msg, on_stats, on_warning)
        while (msg := bus.pop_filtered(types)) is not None:
            _handle_message(msg, on_stats, on_warning)
    finally:
        pipeline.set_state(Gst.State.NULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("trial")
    parser.add_argument("--camera", help="camera of a multi_camera trial")
    args = parser.parse_args()

    def stats(s):
        print(f"progress {s['stream']}: {s['frames']} frames, "
              f"{s['failed']} failed, {s['average-fps']:.1f} fps")

    def warning(text):
        print(f"warning: {text}", file=sys.stderr)

    try:
        for stream, frame, array in read_trial(args.trial, args.camera,
                                               stats, warning):
            if array is None:
                print(f"{stream} frame {frame}: missing")
            elif stream == "color":
                print(f"color frame {frame}: {array.shape} {array.dtype}, "
                      f"mean pixel {array.mean():.3f}")
            else:
                valid = array[array > 0]
                mean = valid.mean() if valid.size else 0.0
                print(f"depth frame {frame}: {array.shape} {array.dtype}, "
                      f"mean depth {mean:.4f} m over {valid.size} valid pixels")
    except TrialError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
