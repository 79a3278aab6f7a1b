#!/usr/bin/env python3
"""Writes a RealSense-scheme .bag (lz4) from a single_camera trial made by
trial-make-sample: each Color PNG as rgb8, each Depth .raw as mono16 with
the depth-scale trailer, 30 fps, color 4 ms after depth.

    /usr/bin/python3 bench/make_bag.py TRIAL OUT.bag [REPEAT]

REPEAT writes the frames REPEAT times over (for the memory check).
--d435 (last) adds the real D435's calibration (intrinsics, depth -> color
extrinsics, depth units), so that trial-process aligns the depth."""
import argparse
import os
import sys


def parse_args():
    ap = argparse.ArgumentParser(
        description="Writes a RealSense-scheme .bag (lz4, 30 fps) from a "
        "single_camera trial made by trial-make-sample (--layout single). "
        "Needs python3-rosbag: run it with /usr/bin/python3.")
    ap.add_argument("trial", help="the single_camera trial (Color/, Depth/)")
    ap.add_argument("out", help="the .bag to write")
    ap.add_argument("repeat", nargs="?", type=int, default=1,
                    help="write the frames this many times over (default 1)")
    ap.add_argument("--d435", action="store_true",
                    help="add the real D435's calibration, so that "
                    "trial-process aligns the depth")
    return ap.parse_args()


def import_rosbag():
    """The rosbag modules, or exit 2 saying what to install."""
    global genpy, Image, np, rosbag, rs
    try:
        import genpy
        import numpy as np
        import rosbag
        from PIL import Image
    except ImportError as exc:
        sys.exit(f"make_bag.py: {exc}: run it with /usr/bin/python3, with "
                 "python3-rosbag python3-sensor-msgs python3-diagnostic-msgs "
                 "python3-numpy python3-pil installed")
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..", "tests", "python"))
    os.environ.setdefault("TRIAL_BAG_TOOL", "")
    import check_rsbag as rs


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
    args = parse_args()
    if not os.path.isdir(os.path.join(args.trial, "Color")):
        sys.exit(f"make_bag.py: '{args.trial}' has no Color folder: make a "
                 "single_camera trial with trial-make-sample --layout single")
    import_rosbag()
    main(args.trial, args.out, args.repeat, args.d435)
