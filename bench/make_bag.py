#!/usr/bin/env python3
"""Writes a RealSense-scheme .bag (lz4) from a single_camera trial made by
trial-make-sample: each Color PNG as rgb8, each Depth .raw as mono16 with
the depth-scale trailer, 30 fps, color 4 ms after depth.

    /usr/bin/python3 bench/make_bag.py TRIAL OUT.bag [REPEAT]

REPEAT writes the frames REPEAT times over (for the memory check)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "python"))
os.environ.setdefault("TRIAL_BAG_TOOL", "")
import check_rsbag as rs  # noqa: E402
import genpy  # noqa: E402
import numpy as np  # noqa: E402
import rosbag  # noqa: E402
from PIL import Image  # noqa: E402


def main(trial, out, repeat=1):
    colors = sorted(os.listdir(os.path.join(trial, "Color")))
    depths = sorted(os.listdir(os.path.join(trial, "Depth")))
    with Image.open(os.path.join(trial, "Color", colors[0])) as im:
        w, h = im.size
    bag = rosbag.Bag(out, "w", compression="lz4")
    try:
        bag.write("/file_version", rs.UInt32(4), rs.STATIC)
        bag.write("/device_0/info", rs.KeyValue("Name", "Intel RealSense D435"),
                  rs.STATIC)
        bag.write(rs.DEPTH + "/info", rs.StreamInfo(30, "mono16", True),
                  rs.STATIC)
        bag.write(rs.COLOR + "/info", rs.StreamInfo(30, "rgb8", True),
                  rs.STATIC)
        n = 0
        for _ in range(repeat):
            for c, d in zip(colors, depths):
                t = genpy.Time(1, 0) + genpy.Duration(0, n * 33333333)
                tc = t + genpy.Duration(0, 4000000)
                depth = np.fromfile(os.path.join(trial, "Depth", d), "<u2")
                bag.write(rs.DEPTH + "/image/data",
                          rs.image_raw(n, t, w, h, "mono16", depth.tobytes(),
                                       "1", 0.001), t, raw=True)
                with Image.open(os.path.join(trial, "Color", c)) as im:
                    rgb = np.asarray(im.convert("RGB")).tobytes()
                bag.write(rs.COLOR + "/image/data",
                          rs.image_raw(n, tc, w, h, "rgb8", rgb, "1", 0.0),
                          tc, raw=True)
                n += 1
    finally:
        bag.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1)
