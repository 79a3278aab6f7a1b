#!/usr/bin/python3
"""gst-trial tests: npy.c and depth.c checked against numpy itself.

The .npy files our library writes must be byte for byte what np.save writes,
and the metres in them bit for bit what the seed computed with
`raw.astype(np.float32) / 1000.0`. Usage: check_npy.py PATH/TO/npy-tool
(meson passes it). Without numpy every test is skipped (TAP "1..0 # SKIP";
under CI=true it fails instead).
"""
import io
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
except ImportError:
    tap.skip_all(f"numpy is not available to {sys.executable}"
                 " (apt install python3-numpy)")

TOOL = None


def npy_bytes(array):
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def bits(array):
    """The float32 values as integers, so -0.0, 0.0 and NaN payloads count."""
    return np.ascontiguousarray(array, dtype=np.float32).view(np.uint32)


class NpyAgainstNumpy(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gst-trial-npy-")
        self.rng = np.random.default_rng(20240601)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def tool(self, *args, ok=True):
        proc = subprocess.run([TOOL] + [str(a) for a in args],
                              capture_output=True, text=True)
        if ok:
            self.assertEqual(proc.returncode, 0, proc.stderr)
        else:
            self.assertEqual(proc.returncode, 1,
                             "accepted: %r" % (args,))
        return proc.stderr

    def assert_same_file(self, path, expected):
        """np.load reads it, and it is exactly np.save's file."""
        loaded = np.load(path)
        self.assertEqual(loaded.dtype, np.dtype("<f4"))
        self.assertEqual(loaded.shape, expected.shape)
        self.assertTrue(np.array_equal(bits(loaded), bits(expected)))
        with open(path, "rb") as f:
            self.assertEqual(f.read(), npy_bytes(expected))

    def test_raw_every_uint16_bit_exact(self):
        raw = np.arange(65536, dtype="<u2").reshape(256, 256)
        raw.tofile(self.path("all.raw"))
        self.tool("raw2npy", self.path("all.raw"), self.path("all.npy"),
                  256, 256, "0.001")
        # the seed: np.fromfile(...).reshape(h, w).astype(np.float32) / 1000.0
        expected = raw.astype(np.float32) / 1000.0
        self.assertEqual(expected.dtype, np.float32)
        self.assert_same_file(self.path("all.npy"), expected)
        # multiplying by 0.001 would not have matched
        self.assertFalse(np.array_equal(
            bits(expected), bits(raw.astype(np.float32) * np.float32(0.001))))

    def test_raw_realsense_frame(self):
        raw = self.rng.integers(0, 65536, size=(480, 640), dtype=np.uint16)
        raw.astype("<u2").tofile(self.path("f.raw"))
        self.tool("raw2npy", self.path("f.raw"), self.path("f.npy"),
                  640, 480, "0.001")
        self.assert_same_file(self.path("f.npy"),
                              raw.astype(np.float32) / 1000.0)

    def test_raw_wrong_size_fails(self):
        np.zeros(500, dtype="<u2").tofile(self.path("short.raw"))
        err = self.tool("raw2npy", self.path("short.raw"), self.path("x.npy"),
                        640, 480, "0.001", ok=False)
        self.assertIn("is 1000 bytes, expected 614400 (480x640 uint16)", err)
        self.assertFalse(os.path.exists(self.path("x.npy")))

    def test_header_matches_numpy(self):
        for h, w in [(1, 1), (2, 3), (480, 640), (720, 1280), (1080, 1920),
                     (3, 100000)]:
            self.tool("header", w, h, self.path("h"))
            with open(self.path("h"), "rb") as f:
                ours = f.read()
            theirs = npy_bytes(np.zeros((h, w), dtype="<f4"))
            self.assertEqual(ours, theirs[:len(ours)], (h, w))
            self.assertEqual(len(theirs) - len(ours), h * w * 4, (h, w))
        for h, w in [(16384, 16384), (4294967295, 4294967295)]:
            self.tool("header", w, h, self.path("h"))
            buf = io.BytesIO()
            np.lib.format.write_array_header_1_0(
                buf, {"descr": "<f4", "fortran_order": False, "shape": (h, w)})
            with open(self.path("h"), "rb") as f:
                self.assertEqual(f.read(), buf.getvalue(), (h, w))

    def sample(self, dtype):
        dt = np.dtype(dtype)
        if dt.kind in "ui":
            info = np.iinfo(dt)
            a = self.rng.integers(info.min, info.max, size=(7, 5),
                                  dtype=dt.newbyteorder("="), endpoint=True)
            a.flat[0], a.flat[1] = info.min, info.max
        else:
            a = self.rng.normal(0.0, 3000.0, size=(7, 5))
            a.flat[0], a.flat[1], a.flat[2] = -0.0, 0.1, 1e-40
        return a.astype(dt)

    def test_npy_inputs(self):
        dtypes = ["|u1", "<u2", ">u2", "<i2", ">i2", "<i4", ">i4",
                  "<f4", ">f4", "<f8", ">f8",
                  # issue 15 item 12
                  "|i1", "<u4", ">u4", "<i8", ">i8", "|b1"]
        for version in [(1, 0), (2, 0), (3, 0)]:
            for dtype in dtypes:
                arr = self.sample(dtype)
                with open(self.path("in.npy"), "wb") as f:
                    np.lib.format.write_array(f, arr, version=version)
                what = "%s v%d.%d" % (dtype, *version)
                with self.subTest(what):
                    self.tool("npy2npy", self.path("in.npy"),
                              self.path("out.npy"), "0.001")
                    self.assert_same_file(self.path("out.npy"),
                                          arr.astype(np.float32) / 1000.0)
                    self.tool("npy2npy", self.path("in.npy"),
                              self.path("out.npy"), "1")
                    self.assert_same_file(self.path("out.npy"),
                                          arr.astype(np.float32))

    def test_npy_units_decided_like_the_seed(self):
        metres = self.rng.uniform(0.2, 9.0, size=(4, 6)).astype("<f4")
        millimetres = (metres * 1000).astype("<f8")
        for arr in (metres, millimetres):
            np.save(self.path("in.npy"), arr)
            self.tool("npy2npy", self.path("in.npy"), self.path("out.npy"),
                      "auto")
            # the seed, applied to the first frame
            depth = np.load(self.path("in.npy")).astype(np.float32)
            if depth.max() > 100:
                depth = depth / 1000.0
            self.assert_same_file(self.path("out.npy"), depth)
        # uint16 is millimetres even when every value is small (the seed
        # would have kept a dark frame in millimetres)
        np.save(self.path("in.npy"), np.full((2, 2), 50, dtype="<u2"))
        self.tool("npy2npy", self.path("in.npy"), self.path("out.npy"), "auto")
        self.assert_same_file(self.path("out.npy"),
                              np.full((2, 2), 50, np.float32) / 1000.0)

    def test_npy_rejections(self):
        cases = [
            (np.asfortranarray(np.zeros((3, 4), "<u2")),
             "fortran_order True is not supported"),
            (np.zeros((2, 3, 4), "<u2"), "has 3 dimensions, expected 2"),
            (np.zeros(5, "<u2"), "shape (5,) has 1 dimension"),
            (np.zeros((2, 2), "<c8"), "dtype '<c8' is not supported"),
            (np.zeros((2, 2), "<u8"), "dtype '<u8' is not supported"),
            (np.zeros((2, 2), "<f2"), "dtype '<f2' is not supported"),
            (np.array([[1, None]], dtype=object), "holds Python objects"),
            (np.zeros((2, 2), dtype=[("x", "<f4")]),
             "structured dtypes are not supported"),
            (np.zeros((0, 4), "<u2"), "shape (0, 4) is out of range"),
        ]
        for arr, message in cases:
            with self.subTest(message):
                np.save(self.path("bad.npy"), arr, allow_pickle=True)
                err = self.tool("npy2npy", self.path("bad.npy"),
                                self.path("out.npy"), "1", ok=False)
                self.assertIn("depth file '%s': npy header: "
                              % self.path("bad.npy"), err)
                self.assertIn(message, err)


if __name__ == "__main__":
    TOOL = sys.argv.pop(1)
    tap.main(sys.argv[1:])
