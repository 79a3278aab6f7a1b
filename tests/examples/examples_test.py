#!/usr/bin/env python3
"""Tests of examples/ (the C and Python apps, the preview) and of the
documented quick start, on generated trials.

Run by meson with TRIAL_MAKE_SAMPLE and GST_PLUGIN_PATH_1_0 set as
`examples_test.py CASE BUILD_DIR`: one TestCase class per meson test. Frame values are checked against the source files with
independent readers: numpy for .raw, Pillow for PNG."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import sanitizer  # noqa: E402  tests/sanitizer.py
import tap  # noqa: E402  tests/tap.py

try:
    import numpy as np
    from PIL import Image
except ImportError as exc:
    tap.skip_all(f"{exc} (apt install python3-numpy python3-pil)")

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
MAKE_SAMPLE = os.environ["TRIAL_MAKE_SAMPLE"]
BUILD_DIR = sys.argv.pop(2)
EXAMPLES = os.path.join(BUILD_DIR, "examples")
SIZE = (33, 21)  # odd: RGB rows of 99 bytes, padded to 100 in video/x-raw


def uninstrumented_env():
    return sanitizer.uninstrumented_env()


def frame_files(trial, stream, ext):
    folder = os.path.join(trial, "cam1", stream)
    return {int(n[6:12]): os.path.join(folder, n)
            for n in os.listdir(folder) if n.endswith(ext)}


def source_rgb(path):
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def source_mm(path):
    return np.fromfile(path, dtype="<u2").reshape(SIZE[1], SIZE[0])


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gst-trial-examples-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def make_trial(self):
        """Frames 100, 101, 102, 104, 105, 106 (103 is a gap); depth of 104
        missing, color of 105 truncated: two failed frames."""
        trial = os.path.join(self.tmp, "trial_1")
        subprocess.run([MAKE_SAMPLE, "--quiet", "--frames", "6", "--start",
                        "100", "--gap-every", "4", "--size",
                        f"{SIZE[0]}x{SIZE[1]}", trial], check=True)
        os.remove(os.path.join(trial, "cam1/depth/frame_000104.raw"))
        with open(os.path.join(trial, "cam1/color/frame_000105.png"),
                  "r+b") as f:
            f.truncate(100)
        return trial


class Frames(Base):
    """examples/c/trial-frames.c: one line per frame of each stream, in
    order, with means equal to those of the source files."""

    def run_frames(self, *args):
        return subprocess.run([os.path.join(EXAMPLES, "trial-frames"), *args],
                              capture_output=True, text=True, timeout=120)

    def test_frames_and_means(self):
        trial = self.make_trial()
        proc = self.run_frames(trial)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        color = [l for l in lines if l.startswith("color frame ")]
        depth = [l for l in lines if l.startswith("depth frame ")]
        self.assertEqual([int(l.split()[2][:-1]) for l in color],
                         [100, 101, 102, 104, 105, 106])
        self.assertEqual([int(l.split()[2][:-1]) for l in depth],
                         [100, 101, 102, 104, 105, 106])
        self.assertIn("color frame 105: missing", color)
        self.assertIn("depth frame 104: missing", depth)
        self.assertIn("color: 6 frames, 1 missing", lines)
        self.assertIn("depth: 6 frames, 1 missing", lines)
        self.assertIn("frame 104: no depth file for frame 104", proc.stderr)
        self.assertIn("frame 105", proc.stderr)

        pngs = frame_files(trial, "color", ".png")
        for line in color:
            m = re.fullmatch(r"color frame (\d+): 33x21, mean pixel ([\d.]+)",
                             line)
            if line.endswith("missing"):
                continue
            self.assertIsNotNone(m, line)
            expected = source_rgb(pngs[int(m.group(1))]).mean()
            self.assertAlmostEqual(float(m.group(2)), expected, delta=6e-4)
        raws = frame_files(trial, "depth", ".raw")
        for line in depth:
            if line.endswith("missing"):
                continue
            m = re.fullmatch(r"depth frame (\d+): 33x21, mean depth ([\d.]+) "
                             r"mm over (\d+) valid pixels", line)
            self.assertIsNotNone(m, line)
            mm = source_mm(raws[int(m.group(1))])
            self.assertEqual(int(m.group(3)), np.count_nonzero(mm))
            self.assertAlmostEqual(float(m.group(2)), mm[mm > 0].mean(),
                                   delta=6e-4)

    def test_not_a_trial(self):
        missing = os.path.join(self.tmp, "missing")
        proc = self.run_frames(missing)
        self.assertEqual(proc.returncode, 1)
        self.assertIn(f"trial folder '{missing}' does not exist", proc.stderr)
        self.assertNotIn("color frame", proc.stdout)

    def test_usage(self):
        self.assertEqual(self.run_frames().returncode, 2)


CHECK_PYTHON_EXAMPLE = r"""
import sys
import numpy as np
from PIL import Image
sys.path.insert(0, sys.argv[1])
import trial_frames

trial, w, h = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
stats = []
got = {}
for stream, frame, array in trial_frames.read_trial(
        trial, on_stats=stats.append, on_warning=lambda t: None):
    got.setdefault(stream, []).append((frame, array))
for frame, array in got["color"]:
    path = f"{trial}/cam1/color/frame_{frame:06d}.png"
    if array is None:
        print(f"color {frame} missing")
        continue
    with Image.open(path) as im:
        expected = np.asarray(im.convert("RGB"))
    assert array.dtype == np.uint8 and array.shape == (h, w, 3), array.shape
    np.testing.assert_array_equal(array, expected)
    print(f"color {frame} equal")
for frame, array in got["depth"]:
    if array is None:
        print(f"depth {frame} missing")
        continue
    raw = np.fromfile(f"{trial}/cam1/depth/frame_{frame:06d}.raw", "<u2")
    expected = raw.reshape(h, w).astype(np.float32) / np.float32(1000.0)
    assert array.dtype == np.float32 and array.shape == (h, w), array.shape
    np.testing.assert_array_equal(array, expected)
    print(f"depth {frame} equal")
final = {s["stream"]: s for s in stats}
for stream in ("color", "depth"):
    print(f"stats {stream} frames={final[stream]['frames']} "
          f"failed={final[stream]['failed']}")
try:
    list(trial_frames.read_trial(trial + "-missing"))
except trial_frames.TrialError as exc:
    print(f"error {exc}")
"""


class PythonFrames(Base):
    """examples/python/trial_frames.py: numpy arrays equal to the source
    (color via Pillow, depth raw / 1000), progress from trial-stats, errors
    as TrialError; the script's own output."""

    def setUp(self):
        super().setUp()
        try:
            import gi
            gi.require_version("Gst", "1.0")
        except (ImportError, ValueError) as exc:
            tap.missing(f"PyGObject for GStreamer: {exc} "
                        "(apt install python3-gi gir1.2-gstreamer-1.0)")

    def test_arrays_equal_source(self):
        trial = self.make_trial()
        proc = subprocess.run(
            [sys.executable, "-c", CHECK_PYTHON_EXAMPLE,
             os.path.join(SOURCE_ROOT, "examples/python"), trial,
             str(SIZE[0]), str(SIZE[1])],
            capture_output=True, text=True, timeout=120,
            env=uninstrumented_env())
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual([l for l in lines if l.startswith("color ")],
                         ["color 100 equal", "color 101 equal",
                          "color 102 equal", "color 104 equal",
                          "color 105 missing", "color 106 equal"])
        self.assertEqual([l for l in lines if l.startswith("depth ")],
                         ["depth 100 equal", "depth 101 equal",
                          "depth 102 equal", "depth 104 missing",
                          "depth 105 equal", "depth 106 equal"])
        self.assertIn("stats color frames=6 failed=1", lines)
        self.assertIn("stats depth frames=6 failed=1", lines)
        self.assertIn(f"error src: trial folder '{trial}-missing' does not "
                      "exist", lines)

    def test_script_output(self):
        trial = self.make_trial()
        proc = subprocess.run(
            [sys.executable,
             os.path.join(SOURCE_ROOT, "examples/python/trial_frames.py"),
             trial], capture_output=True, text=True, timeout=120,
            env=uninstrumented_env())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertIn("color frame 100: (21, 33, 3) uint8, mean pixel "
                      f"{source_rgb(frame_files(trial, 'color', '.png')[100]).mean():.3f}",
                      lines)
        self.assertIn("depth frame 104: missing", lines)
        self.assertTrue(any(re.fullmatch(
            r"progress depth: 6 frames, 1 failed, [\d.]+ fps", l)
            for l in lines), proc.stdout)
        self.assertIn("warning: src: frame 104: no depth file for frame 104",
                      proc.stderr)


class PythonFiles(Base):
    """examples/python/trial_files.py through GstTrial (the typelib of
    libgsttrial, from the build dir): the cameras and every frame's files
    from the layout it scans, then every buffer's frame number and source
    file from its GstTrialFrameMeta, exactly."""

    def setUp(self):
        super().setUp()
        try:
            import gi
            gi.require_version("Gst", "1.0")
        except (ImportError, ValueError) as exc:
            tap.missing(f"PyGObject for GStreamer: {exc} "
                        "(apt install python3-gi gir1.2-gstreamer-1.0)")
        self.lib_dir = os.path.join(BUILD_DIR, "gst", "trial")
        if not os.path.exists(os.path.join(self.lib_dir,
                                           "GstTrial-1.0.typelib")):
            tap.missing("GstTrial-1.0.typelib: the build has no GObject "
                        "introspection (apt install gobject-introspection "
                        "libgirepository1.0-dev)")

    def run_files(self, *args):
        env = uninstrumented_env()
        env["GI_TYPELIB_PATH"] = self.lib_dir
        env["LD_LIBRARY_PATH"] = ":".join(
            filter(None, [self.lib_dir, env.get("LD_LIBRARY_PATH")]))
        return subprocess.run(
            [sys.executable,
             os.path.join(SOURCE_ROOT, "examples/python/trial_files.py"),
             *args], capture_output=True, text=True, timeout=120, env=env)

    def test_frames_and_meta(self):
        trial = self.make_trial()
        proc = self.run_files(trial)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        numbers = [100, 101, 102, 104, 105, 106]
        color = {n: f"{trial}/cam1/color/frame_{n:06d}.png" for n in numbers}
        depth = {n: f"{trial}/cam1/depth/frame_{n:06d}.raw" for n in numbers
                 if n != 104}
        expected = ["cameras: cam1"]
        expected += [f"frame {n}: color {color[n]} depth {depth.get(n, '-')}"
                     for n in numbers]
        expected += [f"color buffer {n}: {color[n]}" for n in numbers]
        expected += [f"depth buffer {n}: {depth.get(n, 'no file (GAP)')}"
                     for n in numbers]
        self.assertEqual(proc.stdout.splitlines(), expected)

    def test_camera(self):
        trial = os.path.join(self.tmp, "trial_2")
        subprocess.run([MAKE_SAMPLE, "--quiet", "--frames", "2", "--start",
                        "7", "--cameras", "2", "--size", "16x16", trial],
                       check=True)
        proc = self.run_files("--camera", "cam2", trial)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        paths = {s: [f"{trial}/cam2/{s}/frame_{n:06d}.{e}" for n in (7, 8)]
                 for s, e in (("color", "png"), ("depth", "raw"))}
        self.assertEqual(proc.stdout.splitlines(), [
            "cameras: cam1 cam2",
            f"frame 7: color {paths['color'][0]} depth {paths['depth'][0]}",
            f"frame 8: color {paths['color'][1]} depth {paths['depth'][1]}",
            f"color buffer 7: {paths['color'][0]}",
            f"color buffer 8: {paths['color'][1]}",
            f"depth buffer 7: {paths['depth'][0]}",
            f"depth buffer 8: {paths['depth'][1]}"])

    def test_pool_from_python(self):
        """A GstTrial.Pool made by the application, set through its context,
        is the pool trialconvert converts in: no lookup of the type by
        name."""
        trial = os.path.join(self.tmp, "trial_3")
        subprocess.run([MAKE_SAMPLE, "--quiet", "--frames", "3", "--size",
                        "16x16", trial], check=True)
        script = """
import sys, gi
gi.require_version("Gst", "1.0")
gi.require_version("GstTrial", "1.0")
from gi.repository import Gst, GstTrial
Gst.init(None)
pool = GstTrial.Pool.new(3)
pipeline = Gst.parse_launch(
    "trialsrc location=%s name=s s.color ! trialconvert name=c ! fakesink "
    "s.depth ! fakesink" % sys.argv[1])
pipeline.set_context(pool.context_new())
pipeline.set_state(Gst.State.PLAYING)
bus = pipeline.get_bus()
threads = []
while True:
    msg = bus.timed_pop_filtered(Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS
                                 | Gst.MessageType.ERROR
                                 | Gst.MessageType.ELEMENT)
    if msg.type == Gst.MessageType.ELEMENT:
        s = msg.get_structure()
        if s.get_name() == "trial-stats":
            threads.append(s.get_value("n-threads"))
        continue
    if msg.type == Gst.MessageType.ERROR:
        sys.exit(msg.parse_error()[0].message)
    break
used = GstTrial.Pool.from_context(
    pipeline.get_by_name("c").get_context("gst-trial.pool"))
pipeline.set_state(Gst.State.NULL)
print(used == pool, pool.get_n_threads(), threads[-1])
"""
        env = uninstrumented_env()
        env["GI_TYPELIB_PATH"] = self.lib_dir
        env["LD_LIBRARY_PATH"] = ":".join(
            filter(None, [self.lib_dir, env.get("LD_LIBRARY_PATH")]))
        proc = subprocess.run([sys.executable, "-c", script, trial],
                              capture_output=True, text=True, timeout=120,
                              env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stdout.split(), ["True", "3", "3"])

    def test_not_a_trial(self):
        missing = os.path.join(self.tmp, "missing")
        proc = self.run_files(missing)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stderr.strip(),
                         f"error: trial folder '{missing}' does not exist")
        self.assertEqual(proc.stdout, "")


class Preview(Base):
    """examples/c/trial-preview.c under Xvfb, through examples/screenshot.sh
    (which makes docs/images/preview.png): it runs, and what it shows is
    color on the left and colourised depth on the right."""

    def test_screenshot(self):
        if shutil.which("xvfb-run") is None:
            tap.missing("xvfb-run (apt install xvfb xauth)")
        out = os.path.join(self.tmp, "preview.png")
        env = dict(os.environ, BUILD=BUILD_DIR)
        proc = subprocess.run(
            ["sh", os.path.join(SOURCE_ROOT, "examples/screenshot.sh"), out],
            capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertGreater(os.path.getsize(out), 0)
        with Image.open(out) as im:
            shot = np.asarray(im.convert("RGB")).astype(np.int32)
        self.assertEqual(shot.shape, (240, 640, 3))
        left, right = shot[:, :320], shot[:, 320:]
        # not black: both panels show a picture
        self.assertGreater(left.mean(), 40)
        self.assertGreater(right.mean(), 40)
        # the color panel is the sample's greyish scene, the depth panel a
        # saturated colormap: its channels differ much more
        spread = lambda p: (p.max(axis=2) - p.min(axis=2)).mean()
        self.assertGreater(spread(right), 2 * spread(left))

    def test_not_a_trial(self):
        proc = subprocess.run(
            [os.path.join(EXAMPLES, "trial-preview"), "--sink", "fakesink",
             os.path.join(self.tmp, "missing")],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("does not exist", proc.stderr)


if __name__ == "__main__":
    tap.main(sys.argv[1:])
