#!/usr/bin/env python3
"""Hostile trials (issue 9): every kind of broken input users leave on disk,
generated here, with its expected outcome written down and asserted twice:
through trial-process (exit status, metadata.json failed_frames, stderr) and
through the elements from gst-launch-1.0 (exit status, files written, the
warnings). Also faults: files vanishing mid-run and a reader getting EIO.

Run by meson with TRIAL_PROCESS, TRIAL_MAKE_SAMPLE, GST_PLUGIN_PATH_1_0 and
TRIAL_FAULT_SHIM set; one TestCase class per meson test (its name is the first
argument). Expected pixels and values are computed with numpy from the bytes
written here, never with our decoders."""
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import sanitizer  # noqa: E402  tests/sanitizer.py
import tap  # noqa: E402  tests/tap.py
import faultshim  # noqa: E402  tests/tools/faultshim.py

try:
    import numpy as np
    from PIL import Image
except ImportError as exc:
    tap.skip_all(f"{exc} (apt install python3-numpy python3-pil)")

TRIAL_PROCESS = os.environ["TRIAL_PROCESS"]
MAKE_SAMPLE = os.environ["TRIAL_MAKE_SAMPLE"]
GST_LAUNCH = shutil.which("gst-launch-1.0")
TIMEOUT = 120  # a hang fails the test instead of blocking CI

COLOR = "cam1/color/frame_%06d.png"
JPEG = "cam1/color/frame_%06d.jpg"
RAW = "cam1/depth/frame_%06d.raw"
NPY = "cam1/depth/frame_%06d.npy"
SIZE = (24, 32)  # height, width of every generated frame


PRELOAD = sanitizer.PRELOAD


def element_env(extra=None):
    env = dict(os.environ, **(extra or {}))
    if PRELOAD:
        # The leak report at exit would be about gst-launch-1.0 or python
        # themselves; the C suites check the elements for leaks.
        env["LD_PRELOAD"] = " ".join(
            p for p in (PRELOAD, env.get("LD_PRELOAD", "")) if p)
        env["ASAN_OPTIONS"] = ":".join(
            p for p in (env.get("ASAN_OPTIONS", ""), "detect_leaks=0") if p)
    return env


def make_sample(path, *args):
    subprocess.run([MAKE_SAMPLE, "--quiet", "--size", "%dx%d" % SIZE[::-1],
                    "--start", "1", "--frames", "4", *args, path], check=True)


def chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data)))


def png_bytes(pixels, color_type, bit_depth=8, width=None, height=None):
    """A PNG written by hand, so headers can lie and 16-bit RGB exists."""
    h, w = pixels.shape[:2]
    if bit_depth == 16:
        pixels = pixels.astype(">u2")
    rows = b"".join(b"\0" + pixels[y].tobytes() for y in range(h))
    ihdr = struct.pack(">IIBBBBB", width or w, height or h, bit_depth,
                       color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def npy_bytes(header, data, magic=b"\x93NUMPY\x01\x00"):
    header = header.encode()
    header += b" " * ((64 - (len(magic) + 2 + len(header) + 1) % 64) % 64)
    header += b"\n"
    return magic + struct.pack("<H", len(header)) + header + data


def npy_header(descr="<u2", fortran=False, shape=SIZE):
    return "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, fortran, shape)


DEPTH_VALUES = np.arange(SIZE[0] * SIZE[1], dtype=np.uint16).reshape(SIZE) * 3


def leftovers(root):
    """Temporary files (.tmp-) anywhere under root: none may survive."""
    return [os.path.join(b, n) for b, _, fs in os.walk(root) for n in fs
            if b".tmp-" in os.fsencode(n)]


def numbers(folder, ext):
    if not os.path.isdir(folder):
        return []
    return sorted(int(os.fsdecode(n).rsplit("_", 1)[-1].split(".")[0])
                  for n in os.listdir(folder) if os.fsdecode(n).endswith(ext))


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="hostile-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def p(self, *parts):
        return os.path.join(self.tmp, *parts)

    def trial(self, *args):
        path = self.p("t")
        # a new trial each time: trial-make-sample keeps one that is there
        shutil.rmtree(path, ignore_errors=True)
        make_sample(path, *args)
        return path

    def put(self, trial, rel, data):
        path = os.path.join(trial, rel)
        if os.path.lexists(path):
            os.remove(path)
        with open(path, "wb") as f:
            f.write(data)

    def get(self, trial, rel):
        with open(os.path.join(trial, rel), "rb") as f:
            return f.read()

    # -- through trial-process ------------------------------------------
    def process(self, trial, camera="cam1", env=None, args=()):
        """Runs trial-process; returns (proc, metadata, out/<trial>/<camera>)."""
        out = self.p("out")
        shutil.rmtree(out, ignore_errors=True)
        proc = subprocess.run([TRIAL_PROCESS, trial, "-o", out, "-j", "2",
                               *args], capture_output=True, timeout=TIMEOUT,
                              env=env)
        job = os.path.join(os.fsencode(out), os.path.basename(
            os.fsencode(trial)), camera.encode())
        meta = None
        if os.path.exists(os.path.join(job, b"metadata.json")):
            with open(os.path.join(job, b"metadata.json"), "rb") as f:
                meta = json.loads(f.read().decode("utf-8"))  # strict UTF-8
        self.assertEqual(leftovers(out), [])
        return proc, meta, job

    def expect_frames(self, trial, frames, failed=None, camera="cam1",
                      env=None, args=()):
        """trial-process and the elements both convert `frames`; `failed`
        maps frame -> (stream, reason substring). Returns the job folder of
        trial-process's output."""
        failed = failed or {}
        proc, meta, job = self.process(trial, camera, env, args)
        err = proc.stderr.decode(errors="replace")
        self.assertEqual(proc.returncode, 1 if failed else 0, err)
        self.assertIsNotNone(meta, err)
        self.assertEqual(meta["total_frames"], len(frames))
        self.assertEqual(meta["frame_range"], [frames[0], frames[-1]])
        got = {}
        for f in meta["failed_frames"]:
            got.setdefault(f["frame"], []).append((f["stream"], f["reason"]))
        self.assertEqual(sorted(got), sorted(failed), meta["failed_frames"])
        for n, (stream, reason) in failed.items():
            self.assertIn(stream, [s for s, _ in got[n]], got[n])
            self.assertTrue(any(reason in r for s, r in got[n] if s == stream),
                            f"frame {n}: no '{reason}' in {got[n]}")
        self.assertEqual(meta["failed"], len(failed))
        self.assertEqual(meta["successful"], len(frames) - len(failed))
        bad = {s: {n for n, v in got.items() if s in [x for x, _ in v]}
               for s in ("color", "depth")}
        # a frame is written whole or not at all (issue 15 item 5)
        self.assertEqual(numbers(os.path.join(job, b"color"), ".png"),
                         [n for n in frames if n not in got])
        self.assertEqual(numbers(os.path.join(job, b"depth"), ".npy"),
                         [n for n in frames if n not in got])
        self.assert_whole_files(job)
        self.launch_frames(trial, frames, failed, bad, env)
        return job

    def assert_whole_files(self, root):
        for base, _, files in os.walk(os.fsencode(root)):
            for name in files:
                path = os.path.join(base, name)
                if name.endswith(b".png"):
                    with Image.open(path) as im:
                        im.load()
                        self.assertEqual(im.mode, "RGB")
                elif name.endswith(b".npy"):
                    self.assertEqual(np.load(path).shape, SIZE)

    def expect_trial_error(self, trial, message):
        """Not a trial: exit 2 naming the problem, nothing written; the
        elements fail with the same message."""
        proc, meta, _ = self.process(trial)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(message, proc.stderr.decode())
        self.assertIsNone(meta)
        self.assertEqual(os.listdir(self.p("out")) if os.path.exists(
            self.p("out")) else [], [])
        proc, out = self.launch(trial)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(message, proc.stdout + proc.stderr)
        self.assertEqual([f for _, _, fs in os.walk(out) for f in fs], [])

    # -- through the elements -------------------------------------------
    def launch(self, trial, env=None):
        """Runs the trial through the elements. Without gst-launch-1.0 the
        test has checked only its trial-process half: it is skipped (fails
        under CI=true), never passed."""
        if not GST_LAUNCH:
            tap.missing("gst-launch-1.0 for the element half "
                        "(apt install gstreamer1.0-tools)")
        out = os.fsencode(self.p("launch"))
        shutil.rmtree(out, ignore_errors=True)
        try:
            os.fsencode(trial).decode("utf-8")
        except UnicodeDecodeError:
            # gst-launch-1.0 cannot set a string property that is not UTF-8:
            # the elements get the trial through a UTF-8 symlink (the names
            # inside stay as they are)
            os.symlink(trial, self.p("utf8-trial"))
            trial = self.p("utf8-trial")
        proc = subprocess.run(
            [GST_LAUNCH, "trialsrc", b"location=" + os.fsencode(trial),
             "name=s", "s.color", "!", "trialconvert", "!", "trialsink",
             b"location=" + out + b"/c/%06d.png",
             "s.depth", "!", "trialconvert", "!", "trialsink",
             b"location=" + out + b"/d/%06d.npy"],
            capture_output=True, timeout=TIMEOUT, env=element_env(env))
        proc.stdout = proc.stdout.decode(errors="replace")
        proc.stderr = proc.stderr.decode(errors="replace")
        self.assertEqual(leftovers(out), [])
        return proc, out

    def launch_frames(self, trial, frames, failed, bad, env):
        proc, out = self.launch(trial, env)
        text = proc.stdout + proc.stderr
        self.assertEqual(proc.returncode, 0, text)
        # the element pipeline has no notion of a whole frame: each stream
        # writes what it could convert
        self.assertEqual(numbers(os.path.join(out, b"c"), ".png"),
                         [n for n in frames if n not in bad["color"]])
        self.assertEqual(numbers(os.path.join(out, b"d"), ".npy"),
                         [n for n in frames if n not in bad["depth"]])
        for n, (_, reason) in failed.items():
            self.assertIn(f"frame {n}: ", text)
            self.assertIn(reason, text)
        self.assertEqual(text.count("WARNING: from element"),
                         sum(len(v) for v in bad.values()), text)
        self.assert_whole_files(out)


class ColorFiles(Base):
    """Broken color files fail their frame; odd but valid ones convert."""

    def broken_color(self, data, reason, name=COLOR, args=()):
        trial = self.trial(*args)
        self.put(trial, name % 2, data(self.get(trial, name % 2)))
        self.expect_frames(trial, [1, 2, 3, 4], {2: ("color", reason)})

    def test_zero_bytes(self):
        self.broken_color(lambda d: b"", "frame_000002.png' is empty")

    def test_png_header_only(self):
        self.broken_color(lambda d: d[:33],
                          "ends after 33 bytes without an IEND chunk")

    def test_png_cut_mid_idat(self):
        self.broken_color(lambda d: d[:d.index(b"IDAT") + 24],
                          "chunk 'IDAT' at offset 33 claims")

    def test_png_without_iend(self):
        self.broken_color(lambda d: d[:d.index(b"IEND") - 4],
                          "without an IEND chunk")

    def test_png_bad_crc(self):
        def flip(d):
            d = bytearray(d)
            d[d.index(b"IEND") - 5] ^= 0xff  # last byte of the IDAT CRC
            return bytes(d)
        self.broken_color(flip, "chunk 'IDAT' at offset 33 has a bad CRC")

    def test_png_claiming_100000x100000(self):
        pixels = np.zeros((1, 1, 3), np.uint8)
        self.broken_color(
            lambda d: png_bytes(pixels, 2, width=100000, height=100000),
            "100000x100000 pixels, more than the limit")

    def test_garbage_named_png(self):
        rng = np.random.default_rng(7)
        self.broken_color(
            lambda d: rng.integers(0, 256, 5000, dtype=np.uint8).tobytes(),
            "not a PNG file")

    def test_jpeg_truncated(self):
        self.broken_color(lambda d: d[:len(d) // 2], "JPEG data is truncated",
                          name=JPEG, args=("--color", "jpeg"))

    def converted_color(self, data, expected):
        """Frame 2 is `data`; its output PNG must hold `expected` (RGB8) in
        both trial-process's output and the elements'."""
        trial = self.trial()
        self.put(trial, COLOR % 2, data)
        job = self.expect_frames(trial, [1, 2, 3, 4])
        for path in (os.path.join(job, b"color/frame_000002.png"),
                     self.p("launch", "c", "000002.png")):
            with Image.open(path) as im:
                self.assertEqual(im.mode, "RGB")
                np.testing.assert_array_equal(np.asarray(im), expected)

    def test_16_bit_color_keeps_the_high_byte(self):
        src = np.random.default_rng(1).integers(
            0, 65536, SIZE + (3,)).astype(np.uint16)
        self.converted_color(png_bytes(src, 2, 16), (src >> 8).astype(np.uint8))

    def test_grayscale_expanded(self):
        src = np.random.default_rng(2).integers(0, 256, SIZE, dtype=np.uint8)
        self.converted_color(png_bytes(src, 0), np.stack([src] * 3, axis=2))

    def test_rgba_alpha_dropped(self):
        src = np.random.default_rng(3).integers(0, 256, SIZE + (4,),
                                                dtype=np.uint8)
        self.converted_color(png_bytes(src, 6), src[:, :, :3])


class DepthFiles(Base):
    """Broken .raw and .npy depth fails its frame; big-endian .npy converts."""

    def broken_depth(self, data, reason, name=NPY, fmt="npy"):
        trial = self.trial("--depth", fmt)
        self.put(trial, name % 2, data)
        self.expect_frames(trial, [1, 2, 3, 4], {2: ("depth", reason)})

    def test_zero_bytes_raw(self):
        self.broken_depth(b"", "frame_000002.raw' is empty", RAW, "raw")

    def test_raw_of_wrong_size(self):
        self.broken_depth(b"\0" * 1000, "is 1000 bytes, expected 1536 (24x32",
                          RAW, "raw")

    def test_npy_bad_magic(self):
        self.broken_depth(npy_bytes(npy_header(), DEPTH_VALUES.tobytes(),
                                    magic=b"\x93NUMPX\x01\x00"),
                          "not a NumPy file")

    def test_npy_huge_header_length(self):
        self.broken_depth(b"\x93NUMPY\x01\x00\xff\xff{'descr': '<u2'",
                          "npy header is 65535 bytes, more than the limit")
        self.broken_depth(b"\x93NUMPY\x02\x00\xff\xff\xff\x7f{'descr'",
                          "npy header is 2147483647 bytes, more than the limit")

    def test_npy_header_without_shape(self):
        self.broken_depth(npy_bytes("{'descr': '<u2', 'fortran_order': False, }",
                                    DEPTH_VALUES.tobytes()),
                          "key 'shape' is missing")

    def test_npy_fortran_order(self):
        self.broken_depth(npy_bytes(npy_header(fortran=True),
                                    DEPTH_VALUES.T.tobytes()),
                          "fortran_order True is not supported")

    def test_npy_3d_shape(self):
        self.broken_depth(npy_bytes(npy_header(shape=SIZE + (1,)),
                                    DEPTH_VALUES.tobytes()),
                          "has 3 dimensions, expected 2")

    def test_npy_object_dtype(self):
        self.broken_depth(npy_bytes(npy_header(descr="|O"),
                                    b"\0" * 8 * DEPTH_VALUES.size),
                          "holds Python objects")

    def test_npy_shape_disagrees_with_data(self):
        self.broken_depth(npy_bytes(npy_header(), DEPTH_VALUES.tobytes()[:1000]),
                          "npy data is 1000 bytes, expected 1536 (24x32")

    def test_npy_big_endian_converts(self):
        trial = self.trial("--depth", "npy")
        self.put(trial, NPY % 2, npy_bytes(npy_header(">u2"),
                                           DEPTH_VALUES.astype(">u2").tobytes()))
        job = self.expect_frames(trial, [1, 2, 3, 4])
        expected = DEPTH_VALUES.astype(np.float32) / np.float32(1000.0)
        for path in (os.path.join(job, b"depth/frame_000002.npy"),
                     self.p("launch", "d", "000002.npy")):
            got = np.load(path)
            self.assertEqual(got.dtype, np.dtype("<f4"))
            np.testing.assert_array_equal(got, expected)


class Formats(Base):
    """Issue 15: depth shapes, per-frame formats and units, and the inputs
    a well-kept library decodes. Expected values come from numpy / Pillow
    applied to the bytes written here."""

    def depth_out(self, job, n):
        return np.load(os.path.join(job, b"depth", b"frame_%06d.npy" % n))

    def put_raw_depth(self, trial, frames, width, height):
        """Depth frames of width x height uint16 millimetres; returns them."""
        rng = np.random.default_rng(15)
        values = {}
        for n in frames:
            values[n] = rng.integers(0, 10000, (height, width), dtype="<u2")
            self.put(trial, RAW % n, values[n].tobytes())
        return values

    def test_realsense_848x480_depth_without_option(self):
        # color 32x24, depth at the D4xx default: no option needed
        trial = self.trial("--depth", "raw")
        values = self.put_raw_depth(trial, [1, 2, 3, 4], 848, 480)
        proc, meta, job = self.process(trial)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(meta["failed"], 0)
        for n, v in values.items():
            got = self.depth_out(job, n)
            self.assertEqual(got.shape, (480, 848))
            np.testing.assert_array_equal(
                got, v.astype(np.float32) / np.float32(1000.0))

    def test_depth_size_option(self):
        # 100x50 is no RealSense mode and no square
        trial = self.trial("--depth", "raw")
        values = self.put_raw_depth(trial, [1, 2, 3, 4], 100, 50)
        proc, meta, job = self.process(trial)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(meta["failed"], 4)
        for f in meta["failed_frames"]:
            self.assertEqual(f["stream"], "depth")
            self.assertIn("is 10000 bytes, which is the uint16 size of no "
                          "RealSense depth mode and of no square; set the "
                          "shape with trial-process --depth-size WxH",
                          f["reason"])
        proc, meta, job = self.process(trial, args=("--depth-size", "100x50"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        for n, v in values.items():
            np.testing.assert_array_equal(
                self.depth_out(job, n),
                v.astype(np.float32) / np.float32(1000.0))
        # a forced shape the files do not have fails each frame, clearly
        proc, meta, job = self.process(trial, args=("--depth-size", "50x100"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.depth_out(job, 1).shape, (100, 50))
        for bad in ("100", "100x", "x50", "0x50", "100x50x2", "-1x50",
                    "16385x1", "ax50", "100X50"):
            proc, meta, _ = self.process(trial, args=("--depth-size", bad))
            self.assertEqual(proc.returncode, 2, bad)
            self.assertIn("--depth-size must be WxH with each side 1 to "
                          "16384, not '%s'" % bad, proc.stderr.decode())
            self.assertIsNone(meta)

    def test_coincidental_square_first_raw(self):
        # frame 1's depth is 200x200 (a damaged recording), the others are
        # 848x480: the trial's shape is 848x480 and frame 1 fails
        trial = self.trial("--depth", "raw")
        values = self.put_raw_depth(trial, [2, 3, 4], 848, 480)
        self.put(trial, RAW % 1, b"\0" * (2 * 200 * 200))
        proc, meta, job = self.process(trial)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual([(f["frame"], f["stream"]) for f in
                          meta["failed_frames"]], [(1, "depth")])
        self.assertIn("is 80000 bytes, expected 814080 (480x848 uint16)",
                      meta["failed_frames"][0]["reason"])
        for n, v in values.items():
            np.testing.assert_array_equal(
                self.depth_out(job, n),
                v.astype(np.float32) / np.float32(1000.0))

    # -- item 7: each frame's own file decides how it is read --------------
    def both_outputs(self, job, stream, n):
        """trial-process's and the elements' output file of frame n."""
        ext = "png" if stream == "color" else "npy"
        return (os.path.join(job, stream.encode(), b"frame_%06d.%s" % (
            n, ext.encode())),
            self.p("launch", stream[0], "%06d.%s" % (n, ext)))

    def image_file(self, fmt, seed, **kw):
        src = np.random.default_rng(seed).integers(0, 256, SIZE + (3,),
                                                   dtype=np.uint8)
        buf = io.BytesIO()
        Image.fromarray(src).save(buf, fmt, **kw)
        return buf.getvalue()

    def assert_color_is(self, job, n, data):
        with Image.open(io.BytesIO(data)) as im:
            expected = np.asarray(im.convert("RGB"))
        for path in self.both_outputs(job, "color", n):
            with Image.open(path) as im:
                self.assertEqual(im.mode, "RGB")
                np.testing.assert_array_equal(np.asarray(im), expected)

    def test_jpeg_and_bmp_among_png_color(self):
        trial = self.trial()
        jpeg = self.image_file("JPEG", 21)
        bmp = self.image_file("BMP", 22)
        os.remove(os.path.join(trial, COLOR % 2))
        os.remove(os.path.join(trial, COLOR % 3))
        self.put(trial, JPEG % 2, jpeg)
        self.put(trial, "cam1/color/frame_%06d.bmp" % 3, bmp)
        job = self.expect_frames(trial, [1, 2, 3, 4])
        self.assert_color_is(job, 2, jpeg)
        self.assert_color_is(job, 3, bmp)

    def test_png_among_jpeg_color(self):
        trial = self.trial("--color", "jpeg")
        png = self.image_file("PNG", 23)
        os.remove(os.path.join(trial, JPEG % 3))
        self.put(trial, COLOR % 3, png)
        job = self.expect_frames(trial, [1, 2, 3, 4])
        self.assert_color_is(job, 3, png)

    def assert_depth_is(self, job, n, expected):
        for path in self.both_outputs(job, "depth", n):
            got = np.load(path)
            self.assertEqual(got.dtype, np.dtype("<f4"))
            np.testing.assert_array_equal(got, expected)

    def test_npy_among_raw_depth(self):
        trial = self.trial("--depth", "raw")
        os.remove(os.path.join(trial, RAW % 2))
        self.put(trial, NPY % 2, npy_bytes(npy_header("<u2"),
                                           DEPTH_VALUES.tobytes()))
        job = self.expect_frames(trial, [1, 2, 3, 4])
        self.assert_depth_is(job, 2, DEPTH_VALUES.astype(np.float32)
                             / np.float32(1000.0))

    def test_raw_among_npy_depth(self):
        trial = self.trial("--depth", "npy")
        os.remove(os.path.join(trial, NPY % 3))
        self.put(trial, RAW % 3, DEPTH_VALUES.astype("<u2").tobytes())
        job = self.expect_frames(trial, [1, 2, 3, 4])
        self.assert_depth_is(job, 3, DEPTH_VALUES.astype(np.float32)
                             / np.float32(1000.0))

    # -- item 9: a frame of another dtype keeps its own units --------------
    def put_npy(self, trial, n, values):
        path = os.path.join(trial, RAW % n)
        if os.path.exists(path):
            os.remove(path)
        self.put(trial, NPY % n, npy_bytes(npy_header(values.dtype.str),
                                           values.tobytes()))

    def test_float_metres_npy_among_raw_millimetres(self):
        trial = self.trial("--depth", "raw")
        metres = np.random.default_rng(31).uniform(0.2, 4.0, SIZE)
        self.put_npy(trial, 2, metres.astype("<f8"))
        job = self.expect_frames(trial, [1, 2, 3, 4])
        self.assert_depth_is(job, 2, metres.astype(np.float32))

    def test_float_millimetres_npy_among_raw(self):
        trial = self.trial("--depth", "raw")
        mm = np.random.default_rng(32).uniform(200.0, 4000.0, SIZE)
        self.put_npy(trial, 3, mm.astype("<f4"))
        job = self.expect_frames(trial, [1, 2, 3, 4])
        self.assert_depth_is(job, 3, mm.astype(np.float32)
                             / np.float32(1000.0))

    def test_uint16_npy_among_float_metres(self):
        trial = self.trial("--depth", "npy")
        rng = np.random.default_rng(33)
        metres = {n: rng.uniform(0.2, 4.0, SIZE).astype("<f4")
                  for n in (1, 2, 4)}
        for n, v in metres.items():
            self.put_npy(trial, n, v)
        self.put_npy(trial, 3, DEPTH_VALUES.astype("<u2"))
        job = self.expect_frames(trial, [1, 2, 3, 4])
        for n, v in metres.items():
            self.assert_depth_is(job, n, v)
        self.assert_depth_is(job, 3, DEPTH_VALUES.astype(np.float32)
                             / np.float32(1000.0))

    # -- item 12: inputs a well-kept library decodes -----------------------
    def test_cmyk_jpeg_and_palette_bmps(self):
        trial = self.trial()
        rng = np.random.default_rng(41)
        cmyk = io.BytesIO()
        Image.fromarray(rng.integers(0, 256, SIZE + (4,), dtype=np.uint8),
                        "CMYK").save(cmyk, "JPEG", quality=90)
        p8 = io.BytesIO()
        Image.fromarray(rng.integers(0, 256, SIZE + (3,), dtype=np.uint8)
                        ).convert("P").save(p8, "BMP")
        p1 = io.BytesIO()
        Image.fromarray(rng.integers(0, 2, SIZE, dtype=np.uint8) * 255
                        ).convert("1").save(p1, "BMP")
        files = {2: (JPEG, cmyk.getvalue()),
                 3: ("cam1/color/frame_%06d.bmp", p8.getvalue()),
                 4: ("cam1/color/frame_%06d.bmp", p1.getvalue())}
        for n, (name, data) in files.items():
            os.remove(os.path.join(trial, COLOR % n))
            self.put(trial, name % n, data)
        with Image.open(io.BytesIO(files[3][1])) as im:
            self.assertEqual((im.mode, im.info.get("compression")), ("P", 0))
        with Image.open(io.BytesIO(files[4][1])) as im:
            self.assertEqual(im.mode, "1")
        job = self.expect_frames(trial, [1, 2, 3, 4])
        for n, (_, data) in files.items():
            self.assert_color_is(job, n, data)

    def test_npy_bool_int8_uint32_int64(self):
        trial = self.trial("--depth", "npy")
        rng = np.random.default_rng(42)
        frames = {
            1: rng.integers(0, 60000, SIZE).astype("<u4"),
            2: rng.integers(-128, 128, SIZE).astype("|i1"),
            3: rng.integers(-5, 2 ** 40, SIZE).astype(">i8"),
            4: rng.integers(0, 2, SIZE).astype("|b1"),
        }
        for n, v in frames.items():
            self.put_npy(trial, n, v)
        job = self.expect_frames(trial, [1, 2, 3, 4])
        for n, v in frames.items():
            # numpy: the seed's unit rule on each dtype's first frame
            f = v.astype(np.float32)
            self.assert_depth_is(job, n, f / np.float32(1000.0)
                                 if v.max() > 100 else f)

    # -- item 10: frame numbers beyond 63 bits are reported -----------------
    def test_frame_number_beyond_63_bits_reported(self):
        trial = self.trial()
        big = "cam1/color/frame_99999999999999999999.png"
        self.put(trial, big, self.get(trial, COLOR % 1))
        message = ("1 color file in '%s' has a frame number larger than "
                   "9223372036854775807 and is not converted, e.g. "
                   "'frame_99999999999999999999.png'"
                   % os.path.join(trial, "cam1", "color"))
        proc, meta, job = self.process(trial)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("warning: " + message, proc.stderr.decode())
        self.assertEqual(meta["total_frames"], 4)
        self.assertEqual(numbers(os.path.join(job, b"color"), ".png"),
                         [1, 2, 3, 4])
        if GST_LAUNCH:
            proc, out = self.launch(trial)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn(message, proc.stdout + proc.stderr)
            self.assertEqual(numbers(os.path.join(out, b"c"), ".png"),
                             [1, 2, 3, 4])


class Layouts(Base):
    """Missing, duplicate, unreadable and looping entries in the folders."""

    def test_missing_depth_for_some_frames(self):
        trial = self.trial()
        os.remove(os.path.join(trial, RAW % 2))
        os.remove(os.path.join(trial, RAW % 4))
        self.expect_frames(trial, [1, 2, 3, 4],
                           {2: ("depth", "no depth file for frame 2"),
                            4: ("depth", "no depth file for frame 4")})

    def test_missing_color_means_no_frame(self):
        # frames come from color names: depth without color is not a frame
        trial = self.trial()
        os.remove(os.path.join(trial, COLOR % 3))
        self.expect_frames(trial, [1, 2, 4])

    def test_duplicate_frame_number_png_wins(self):
        trial = self.trial()
        Image.fromarray(np.zeros(SIZE + (3,), np.uint8)).save(
            os.path.join(trial, JPEG % 2))
        job = self.expect_frames(trial, [1, 2, 3, 4])
        with Image.open(os.path.join(trial, COLOR % 2)) as im:
            expected = np.asarray(im.convert("RGB"))
        self.assertTrue(expected.any())  # tells the black JPEG apart
        for path in (os.path.join(job, b"color/frame_000002.png"),
                     self.p("launch", "c", "000002.png")):
            with Image.open(path) as im:
                np.testing.assert_array_equal(np.asarray(im), expected)

    def test_mixed_4_and_6_digit_names(self):
        trial = self.trial()
        os.rename(os.path.join(trial, COLOR % 3),
                  os.path.join(trial, "cam1/color/frame_0003.png"))
        os.rename(os.path.join(trial, RAW % 4),
                  os.path.join(trial, "cam1/depth/frame_0004.raw"))
        self.expect_frames(trial, [1, 2, 3, 4])

    def test_unreadable_files(self):
        # We run as root, where chmod 000 does not stop a read: a dangling
        # symlink cannot be opened by anyone, and a folder named like a
        # depth file is not one (the scan lists files only).
        trial = self.trial()
        os.remove(os.path.join(trial, COLOR % 2))
        os.symlink("/nonexistent/frame.png", os.path.join(trial, COLOR % 2))
        os.remove(os.path.join(trial, RAW % 3))
        os.mkdir(os.path.join(trial, RAW % 3))
        self.expect_frames(
            trial, [1, 2, 3, 4],
            {2: ("color", "cannot open color file '%s'"
                 % os.path.join(trial, COLOR % 2)),
             3: ("depth", "no depth file for frame 3")})

    def test_folder_named_like_a_color_file_is_no_frame(self):
        trial = self.trial()
        os.remove(os.path.join(trial, COLOR % 2))
        os.mkdir(os.path.join(trial, COLOR % 2))
        self.expect_frames(trial, [1, 3, 4])

    def test_symlink_loops(self):
        trial = self.trial()
        os.remove(os.path.join(trial, COLOR % 4))
        os.symlink("frame_000004.png", os.path.join(trial, COLOR % 4))
        os.symlink("frame_b.png", os.path.join(trial, "cam1/color/frame_a.png"))
        os.symlink("frame_a.png", os.path.join(trial, "cam1/color/frame_b.png"))
        os.symlink("..", os.path.join(trial, "cam1/depth/up"))
        os.symlink(".", os.path.join(trial, "cam0"))
        self.expect_frames(
            trial, [1, 2, 3, 4],
            {4: ("color", "Too many levels of symbolic links")})

    def test_depth_folder_is_a_file(self):
        trial = self.trial()
        shutil.rmtree(os.path.join(trial, "cam1/depth"))
        self.put(trial, "cam1/depth", b"not a folder")
        self.expect_frames(trial, [1, 2, 3, 4], {
            n: ("depth", "no depth file for frame %d: the trial has no depth "
                "folder" % n) for n in (1, 2, 3, 4)})

    def test_color_folder_is_a_file(self):
        # cam1 is then no camera: cam2 is the first
        trial = self.trial("--cameras", "2")
        shutil.rmtree(os.path.join(trial, "cam1/color"))
        self.put(trial, "cam1/color", b"not a folder")
        self.expect_frames(trial, [1, 2, 3, 4], camera="cam2")

    def test_non_utf8_names(self):
        trial = os.fsencode(self.trial())
        os.rename(trial, trial + b"\xff")
        trial += b"\xff"
        with open(trial + b"/cam1/color/\xfe\xff_000009.png", "wb") as f:
            f.write(b"junk")
        os.remove(trial + b"/cam1/depth/frame_000003.raw")
        os.symlink(b"/nonexistent/\xfe", trial + b"/cam1/depth/frame_000003.raw")
        # metadata.json stays UTF-8: undecodable bytes become U+FFFD
        self.expect_frames(trial, [1, 2, 3, 4, 9], {
            3: ("depth", "/cam1/depth/frame_000003.raw': No such file"),
            9: ("color", "not a PNG file")})
        _, meta, _ = self.process(trial)
        self.assertEqual(meta["trial_name"], "t\ufffd")
        self.assertIn("t\ufffd/cam1/depth/frame_000003.raw",
                      " ".join(f["reason"] for f in meta["failed_frames"]))
        self.assertIn("no depth file for frame 9",
                      [f["reason"] for f in meta["failed_frames"]])


class Trials(Base):
    """Paths that are not trials fail as a whole, before any work."""

    def test_empty_trial(self):
        os.mkdir(self.p("t"))
        self.expect_trial_error(self.p("t"), "is not a trial folder: expected "
                                "a cam* folder holding a 'color' or 'Color'")

    def test_trial_path_is_a_file(self):
        with open(self.p("t"), "w") as f:
            f.write("not a trial")
        self.expect_trial_error(self.p("t"), "trial path '%s' is not a folder"
                                % self.p("t"))

    def test_trial_without_frames(self):
        os.makedirs(self.p("t", "cam1", "color"))
        os.makedirs(self.p("t", "cam1", "depth"))
        self.expect_trial_error(self.p("t"), "no color frames in '%s': "
                                "expected .png, .jpg, .jpeg or .bmp files"
                                % self.p("t", "cam1", "color"))


VANISH_FROM = 150  # frames whose depth files disappear mid-run
VANISH_FRAMES = 200


def vanish_pipeline(trial, out):
    """Runs in a child process (so a sanitizer build can be preloaded):
    trialsrc -> trialconvert -> trialsink for both streams, deleting the
    depth files of frames VANISH_FROM.. when frame 10 leaves trialsrc, i.e.
    after the scan listed them. Prints the sinks' counters and the warnings
    as JSON."""
    import gi
    gi.require_version("Gst", "1.0")
    from gi.repository import Gst
    Gst.init(None)
    pipeline = Gst.parse_launch(
        f"trialsrc location={trial} name=s "
        f"s.color ! trialconvert ! trialsink name=cs location={out}/c/%06d.png "
        f"s.depth ! trialconvert ! trialsink name=ds location={out}/d/%06d.npy")

    def probe(pad, info):
        if info.get_buffer().offset == 10:
            for n in range(VANISH_FROM, VANISH_FRAMES):
                os.remove(os.path.join(trial, RAW % n))
        return Gst.PadProbeReturn.OK

    pipeline.get_by_name("s").get_static_pad("depth").add_probe(
        Gst.PadProbeType.BUFFER, probe)
    pipeline.set_state(Gst.State.PLAYING)
    bus = pipeline.get_bus()
    warnings = []
    while True:
        msg = bus.timed_pop_filtered(
            TIMEOUT * Gst.SECOND,
            Gst.MessageType.EOS | Gst.MessageType.ERROR | Gst.MessageType.WARNING)
        if msg is None or msg.type != Gst.MessageType.WARNING:
            break
        details = msg.parse_warning_details()
        warnings.append([details.get_value("frame"),
                         details.get_string("stream"),
                         details.get_string("reason")])
    result = {"end": "timeout" if msg is None else msg.type.first_value_nick,
              "warnings": warnings}
    for name in ("cs", "ds"):
        sink = pipeline.get_by_name(name)
        result[name] = [sink.get_property("frames"),
                        sink.get_property("failed")]
    pipeline.set_state(Gst.State.NULL)
    print(json.dumps(result))


class Faults(Base):
    """Files that vanish mid-run and reads that fail with EIO: those frames
    fail with the system's reason, the run goes on, the rest is whole."""

    def test_reader_gets_eio(self):
        faultshim.need_shim(self)
        trial = self.trial("--frames", "6")
        self.expect_frames(
            trial, [1, 2, 3, 4, 5, 6],
            {3: ("depth", "cannot read depth file '%s': Input/output error"
                 % os.path.join(trial, RAW % 3))},
            env=faultshim.shim_env(MATCH=RAW % 3, READ_EIO=1))
        self.expect_frames(
            trial, [1, 2, 3, 4, 5, 6],
            {5: ("color", "cannot read color file '%s': Input/output error"
                 % os.path.join(trial, COLOR % 5))},
            env=faultshim.shim_env(MATCH=COLOR % 5, READ_EIO=1))

    def test_files_vanishing_mid_run(self):
        trial = self.p("t")
        subprocess.run([MAKE_SAMPLE, "--quiet", "--size", "32x24", "--frames",
                        str(VANISH_FRAMES), trial], check=True)
        out = self.p("out")
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__), "--vanish", trial, out],
            capture_output=True, text=True, timeout=TIMEOUT + 30,
            env=element_env())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        result = json.loads(proc.stdout)
        lost = list(range(VANISH_FROM, VANISH_FRAMES))
        self.assertEqual(result["end"], "eos")
        self.assertEqual(result["cs"], [VANISH_FRAMES, 0])  # written, failed
        self.assertEqual(result["ds"], [VANISH_FROM, len(lost)])  # written, failed
        self.assertEqual([w[0] for w in result["warnings"]], lost)
        for frame, stream, reason in result["warnings"]:
            self.assertEqual(stream, "depth")
            self.assertEqual(reason, "cannot open depth file '%s': No such "
                             "file or directory" % os.path.join(trial, RAW % frame))
        self.assertEqual(numbers(self.p("out", "c"), ".png"),
                         list(range(VANISH_FRAMES)))
        self.assertEqual(numbers(self.p("out", "d"), ".npy"),
                         list(range(VANISH_FROM)))
        self.assertEqual(leftovers(out), [])
        self.assert_whole_files(out)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--vanish"]:
        vanish_pipeline(*sys.argv[2:4])
    else:
        tap.main(sys.argv[1:])
