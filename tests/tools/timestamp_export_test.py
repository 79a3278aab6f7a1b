#!/usr/bin/env python3
"""trial-process on a single_camera folder of rs-convert 2.35+ exports,
whose files are named by timestamp (_Color_1033.35000000000002.png,
_Depth_1031.45000000000005.raw): frames numbered 0, 1, ... in color time
order, depth paired by nearest time within half a frame period, unpaired
depth counted in metadata.json (issue 20 item 6). The folder is made with
trial-make-sample, then renamed. Run by meson with TRIAL_PROCESS and
TRIAL_MAKE_SAMPLE set."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tap  # noqa: E402  tests/tap.py

try:
    import numpy as np
    from PIL import Image
except ImportError as exc:
    tap.skip_all(f"{exc} (apt install python3-numpy python3-pil)")

TRIAL_PROCESS = os.environ["TRIAL_PROCESS"]
MAKE_SAMPLE = os.environ["TRIAL_MAKE_SAMPLE"]
TIMEOUT = 120  # a hang fails the test


class TimestampExport(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="timestamp-export-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def p(self, *parts):
        return os.path.join(self.tmp, *parts)

    def make(self):
        """Sample frames 0..7 renamed: color n at 1000 + 33.35 n ms, with
        color 3 dropped; depth n on its own clock 1.9 ms earlier, but depth
        5 moved 20 ms away from every color frame. Returns {output frame:
        (sample number of its color, sample number of its depth or None)}."""
        trial = self.p("rec")
        subprocess.run([MAKE_SAMPLE, "--quiet", "--layout=single",
                        "--frames=8", "--size=64x48", trial], check=True)
        for n in range(8):
            t = 1000 + 33.35 * n
            color = os.path.join(trial, "Color", f"_Color_{n:04d}.png")
            depth = os.path.join(trial, "Depth", f"_Depth_{n:04d}.raw")
            if n == 3:
                os.unlink(color)
            else:
                os.rename(color, os.path.join(
                    trial, "Color", f"_Color_{t:.14f}.png"))
            td = t - 1.9 if n != 5 else t + 20
            os.rename(depth, os.path.join(trial, "Depth",
                                          f"_Depth_{td:.14f}.raw"))
        # time order of the remaining color frames; depth 3 has no color
        # left within half a period (its color was dropped, 31.45 ms from
        # the neighbours), depth 5 is 20 ms from color 5
        return trial, {0: (0, 0), 1: (1, 1), 2: (2, 2), 3: (4, 4),
                       4: (5, None), 5: (6, 6), 6: (7, 7)}

    def test_convert(self):
        trial, want = self.make()
        src = self.p("src")
        shutil.copytree(trial, src)
        # the renamed source files, by sample number
        colors = sorted(os.listdir(os.path.join(src, "Color")),
                        key=lambda n: float(n[7:-4]))
        depths = sorted(os.listdir(os.path.join(src, "Depth")),
                        key=lambda n: float(n[7:-4]))
        out = self.p("out")
        proc = subprocess.run([TRIAL_PROCESS, trial, "-o", out],
                              capture_output=True, text=True,
                              timeout=TIMEOUT)
        cam = os.path.join(out, "rec", "single_camera")
        with open(os.path.join(cam, "metadata.json")) as f:
            meta = json.load(f)
        self.assertTrue(meta["timestamp_named"])
        self.assertEqual(meta["unpaired_depth_frames"], 2)
        self.assertEqual(meta["total_frames"], 7)
        self.assertEqual(meta["frame_range"], [0, 6])
        # frame 4 has no depth: a failed frame, counted, and (frames are
        # written whole) neither of its files is written
        self.assertEqual(sorted(os.listdir(os.path.join(cam, "color"))),
                         [f"frame_{i:06d}.png" for i in range(7) if i != 4])
        self.assertEqual(sorted(os.listdir(os.path.join(cam, "depth"))),
                         [f"frame_{i:06d}.npy" for i in range(7) if i != 4])
        self.assertEqual([(f["frame"], f["stream"])
                          for f in meta["failed_frames"]], [(4, "depth")])
        self.assertEqual(proc.returncode, 1, proc.stderr)
        color_by_sample = {0: 0, 1: 1, 2: 2, 4: 3, 5: 4, 6: 5, 7: 6}
        for frame, (c, d) in want.items():
            if d is None:
                continue
            with Image.open(os.path.join(cam, "color",
                                         f"frame_{frame:06d}.png")) as a, \
                    Image.open(os.path.join(
                        src, "Color", colors[color_by_sample[c]])) as b:
                self.assertTrue(np.array_equal(np.asarray(a), np.asarray(b)),
                                f"frame {frame} color")
            got = np.load(os.path.join(cam, "depth", f"frame_{frame:06d}.npy"))
            raw = np.fromfile(os.path.join(src, "Depth", depths[d]),
                              dtype="<u2").reshape(48, 64)
            self.assertTrue(np.array_equal(
                got, raw.astype(np.float32) / np.float32(1000.0)),
                f"frame {frame} depth")

    def test_start_stop(self):
        trial, _ = self.make()
        out = self.p("out")
        subprocess.run([TRIAL_PROCESS, trial, "-o", out, "--start", "2",
                        "--stop", "3"], capture_output=True, timeout=TIMEOUT,
                       check=True)
        cam = os.path.join(out, "rec", "single_camera")
        self.assertEqual(sorted(os.listdir(os.path.join(cam, "color"))),
                         ["frame_000002.png", "frame_000003.png"])
        self.assertEqual(sorted(os.listdir(os.path.join(cam, "depth"))),
                         ["frame_000002.npy", "frame_000003.npy"])


if __name__ == "__main__":
    tap.main(sys.argv[1:])
