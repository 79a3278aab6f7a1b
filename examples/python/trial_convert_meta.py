#!/usr/bin/python3
"""gst-trial example: which frame and which file each converted picture
comes from, read in Python after trialconvert and videoconvert, and which
frames failed.

    /usr/bin/python3 examples/python/trial_convert_meta.py TRIAL

Each buffer carries libgsttrial's GstTrialFrameMeta (frame number and
source path) through trialconvert and stock elements; a frame that failed
arrives as a GAP event whose field "trial-frame" is its number. Prints

    frame 0: 640x480 from /t/cam1/color/frame_000000.png
    frame 3: failed
    ...

Needs python3-gi, gir1.2-gstreamer-1.0, GstTrial-1.0.typelib and the plugin
(from a build: GI_TYPELIB_PATH=build/gst/trial
LD_LIBRARY_PATH=build/gst/trial GST_PLUGIN_PATH=build/plugin).
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstTrial", "1.0")
from gi.repository import Gst, GstTrial  # noqa: E402


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    Gst.init(None)
    pipeline = Gst.parse_launch(
        "trialsrc name=src ! trialconvert ! video/x-raw,format=RGB ! "
        "videoconvert ! video/x-raw,format=BGRx ! fakesink name=sink")
    pipeline.get_by_name("src").set_property("location", sys.argv[1])

    def on_data(pad, info):
        if info.type & Gst.PadProbeType.BUFFER:
            buffer = info.get_buffer()
            meta = GstTrial.buffer_get_trial_frame_meta(buffer)
            s = pad.get_current_caps().get_structure(0)
            size = f"{s.get_value('width')}x{s.get_value('height')}"
            print(f"frame {meta.number}: {size} from {meta.path}")
        else:
            event = info.get_event()
            if event.type == Gst.EventType.GAP:
                ok, number = event.get_structure().get_int64("trial-frame")
                if ok:
                    print(f"frame {number}: failed")
        return Gst.PadProbeReturn.OK

    pipeline.get_by_name("sink").get_static_pad("sink").add_probe(
        Gst.PadProbeType.BUFFER | Gst.PadProbeType.EVENT_DOWNSTREAM, on_data)
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    pipeline.set_state(Gst.State.NULL)
    if msg.type == Gst.MessageType.ERROR:
        print(f"error: {msg.parse_error()[0].message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
