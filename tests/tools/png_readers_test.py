#!/usr/bin/env python3
"""The PNGs we write (issue 19: igzip at levels 1-3, zlib at the others)
read the same in other people's decoders: OpenCV (libpng inside) and Pillow
(its own decoder on zlib) give byte-identical pixels, for the color PNGs
trial-process writes and the 16-bit depth PNGs trial-make-sample writes.

Run by meson with TRIAL_PROCESS and TRIAL_MAKE_SAMPLE set; one TestCase
class per meson test (its name is the first argument)."""
import os
import shutil
import struct
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
try:
    import cv2
except ImportError as exc:
    tap.skip_all(f"{exc} (apt install python3-opencv)")

TRIAL_PROCESS = os.environ["TRIAL_PROCESS"]
MAKE_SAMPLE = os.environ["TRIAL_MAKE_SAMPLE"]
TIMEOUT = 300  # a hang fails the test


def chunk_types(path):
    """The chunk types of a PNG file, in order."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    types, pos = [], 8
    while pos < len(data):
        length, = struct.unpack(">I", data[pos:pos + 4])
        types.append(data[pos + 4:pos + 8].decode("ascii"))
        pos += 12 + length
    return types


def pillow_rgb(path):
    with Image.open(path) as im:
        im.load()
        return np.asarray(im.convert("RGB"))


def opencv_rgb(path):
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    assert bgr is not None, f"OpenCV cannot read {path}"
    return bgr[:, :, ::-1]


class Readers(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="png-readers-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def p(self, *parts):
        return os.path.join(self.tmp, *parts)

    def make_sample(self, *args):
        subprocess.run([MAKE_SAMPLE, "--quiet", *args, self.p("t")],
                       check=True, timeout=TIMEOUT)

    def test_reencoded_color_reads_alike_at_every_level(self):
        # 641 wide: rows that are no multiple of any SIMD width
        self.make_sample("--size", "641x37", "--frames", "3")
        color_in = self.p("t", "cam1", "color")
        inputs = sorted(os.listdir(color_in))
        self.assertEqual(len(inputs), 3)
        for level in (1, 2, 3, 0, 6, 9):
            with self.subTest(level=level):
                out = self.p(f"out{level}")
                proc = subprocess.run(
                    [TRIAL_PROCESS, self.p("t"), "-o", out, "-q",
                     "--color-mode", "reencode", "--compression-level",
                     str(level)], capture_output=True, text=True,
                    timeout=TIMEOUT)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                color_out = os.path.join(out, "t", "cam1", "color")
                outputs = sorted(os.listdir(color_out))
                self.assertEqual(len(outputs), 3)
                for src, dst in zip(inputs, outputs):
                    src = os.path.join(color_in, src)
                    dst = os.path.join(color_out, dst)
                    expected = pillow_rgb(src)
                    self.assertEqual(expected.shape, (37, 641, 3))
                    np.testing.assert_array_equal(opencv_rgb(src), expected)
                    np.testing.assert_array_equal(pillow_rgb(dst), expected)
                    np.testing.assert_array_equal(opencv_rgb(dst), expected)
                    types = chunk_types(dst)
                    if 1 <= level <= 3:
                        # igzip: the whole image in one IDAT
                        self.assertEqual(types, ["IHDR", "IDAT", "IEND"])
                    else:
                        self.assertEqual(types[0], "IHDR")
                        self.assertEqual(types[-1], "IEND")

    def test_depth_png_reads_alike(self):
        # trial-make-sample writes its 16-bit depth PNGs at level 1 (igzip);
        # trial-process turns them into metres: all three agree
        self.make_sample("--size", "97x31", "--frames", "2", "--depth", "png")
        depth_in = self.p("t", "cam1", "depth")
        out = self.p("out")
        proc = subprocess.run([TRIAL_PROCESS, self.p("t"), "-o", out, "-q"],
                              capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        names = sorted(os.listdir(depth_in))
        self.assertEqual(len(names), 2)
        for name in names:
            path = os.path.join(depth_in, name)
            self.assertEqual(chunk_types(path), ["IHDR", "IDAT", "IEND"])
            cv = cv2.imread(path, cv2.IMREAD_UNCHANGED)
            self.assertEqual(cv.dtype, np.uint16)
            self.assertEqual(cv.shape, (31, 97))
            with Image.open(path) as im:
                pil = np.asarray(im, dtype=np.uint16)
            np.testing.assert_array_equal(pil, cv)
            self.assertGreater(int(cv.max()), 255)  # both bytes matter
            npy = np.load(os.path.join(out, "t", "cam1", "depth",
                                       name[:-4] + ".npy"))
            np.testing.assert_array_equal(
                npy, cv.astype(np.float32) / np.float32(1000.0))


if __name__ == "__main__":
    tap.main(sys.argv[1:])
