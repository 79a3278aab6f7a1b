#!/usr/bin/python3
"""A numpy/Pillow stand-in for the seed's per-frame work, for the benchmark.

The Python tool gst-trial replaces (process_trial.py) is not available here
and needs OpenCV, which Debian's python3 lacks; this does the same work per
frame with the same process layout: a multiprocessing.Pool of N workers, each
frame decoded and written as PNG (zlib level 1) and its .raw depth converted
to float32 metres in an .npy file, as TRIAL_FORMAT.md describes. It is not the
seed: its figures are labelled "numpy/Pillow stand-in" wherever they appear.

Usage: seed_standin.py TRIAL OUTPUT [--workers N]  (multi-camera layout, first
camera, .png color and .raw depth, as trial-make-sample writes them)
"""
import argparse
import multiprocessing
import os
import re

import numpy as np
from PIL import Image


def frames(folder, ext):
    pattern = re.compile(r"frame_(\d+)\." + ext + "$")
    found = {}
    for name in os.listdir(folder):
        m = pattern.match(name)
        if m:
            found[int(m.group(1))] = os.path.join(folder, name)
    return found


def convert(job):
    number, color, depth, out, shape = job
    with Image.open(color) as img:
        pixels = np.asarray(img.convert("RGB"))
    Image.fromarray(pixels).save(
        os.path.join(out, "color", "frame_%06d.png" % number), compress_level=1)
    mm = np.fromfile(depth, dtype="<u2").reshape(shape)
    np.save(os.path.join(out, "depth", "frame_%06d.npy" % number),
            mm.astype(np.float32) / np.float32(1000.0))
    return number


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("trial")
    parser.add_argument("output")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    camera = sorted(d for d in os.listdir(args.trial)
                    if os.path.isdir(os.path.join(args.trial, d)))[0]
    base = os.path.join(args.trial, camera)
    color = frames(os.path.join(base, "color"), "png")
    depth = frames(os.path.join(base, "depth"), "raw")
    out = os.path.join(args.output, os.path.basename(args.trial.rstrip("/")),
                       camera)
    os.makedirs(os.path.join(out, "color"), exist_ok=True)
    os.makedirs(os.path.join(out, "depth"), exist_ok=True)
    with Image.open(color[min(color)]) as first:
        shape = (first.height, first.width)
    jobs = [(n, color[n], depth[n], out, shape)
            for n in sorted(color) if n in depth]
    with multiprocessing.Pool(args.workers) as pool:
        done = sum(1 for _ in pool.imap_unordered(convert, jobs, chunksize=4))
    if done != len(jobs):
        raise SystemExit("converted %d of %d frames" % (done, len(jobs)))


if __name__ == "__main__":
    main()
