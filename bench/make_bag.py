#!/usr/bin/env python3
"""Writes a RealSense-scheme .bag (lz4) from a single_camera trial made by
trial-make-sample: each Color PNG as rgb8, each Depth .raw as mono16 with
the depth-scale trailer, 30 fps, color 4 ms after depth.

    /usr/bin/python3 bench/make_bag.py TRIAL OUT.bag [REPEAT]

REPEAT writes the frames REPEAT times over (for the memory check).
--d435 (last) adds the real D435's calibration (intrinsics, depth -> color
extrinsics, depth units), so that trial-process aligns the depth."""
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


def write_d435_calibration(bag):
    import check_align as al
    for topic, cam in ((rs.DEPTH, al.D435_DEPTH), (rs.COLOR, al.D435_COLOR)):
        bag.write(topic + "/info/camera_info",
                  rs.camera_info(cam["width"], cam["height"], cam["fx"],
                                 cam["fy"], cam["ppx"], cam["ppy"],
                                 cam["coeffs"]), rs.STATIC)
    tf = rs.Transform()
    tf.rotation.w = 1.0
    bag.write(rs.DEPTH + "/tf/0", tf, rs.STATIC)
    tf = rs.Transform()
    tf.translation.x, tf.translation.y, tf.translation.z = al.D435_TRANSLATION
    (tf.rotation.x, tf.rotation.y, tf.rotation.z,
     tf.rotation.w) = al.D435_QUATERNION
    bag.write(rs.COLOR + "/tf/0", tf, rs.STATIC)


def main(trial, out, repeat=1, d435=False):
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
        if d435:
            write_d435_calibration(bag)
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
    d435 = sys.argv[-1] == "--d435"
    args = sys.argv[1:-1] if d435 else sys.argv[1:]
    main(args[0], args[1], int(args[2]) if len(args) > 2 else 1, d435)
