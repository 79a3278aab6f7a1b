#!/usr/bin/env python3
"""trialalign and trial-process's aligned .bag conversion against the numpy
implementation of ALIGN.md in check_align.py (reference_align), bit for bit.

Bags are written here with python3-rosbag in the RealSense scheme, with the
real D435's calibration (check_align.D435_*), or taken from tests/data (the
real D435 recording). gst-launch-1.0 runs
`filesrc ! rsbagdemux ! trialalign ! ...` as a user would; trial-process
converts bags with its default alignment and with --align none. One meson
test per TestCase class; skipped without numpy or python3-rosbag (failed
instead under CI=true, tests/tap.py)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import sanitizer  # noqa: E402  tests/sanitizer.py
import tap  # noqa: E402  tests/tap.py

# gst-launch-1.0 and trial-process load the build's plugin: in build-asan
# the runtimes must come first
sanitizer.reexec_with_runtimes()

os.environ.setdefault("TRIAL_BAG_TOOL", "unused")
import check_align as al  # noqa: E402  (skips all itself without numpy)
import check_rsbag as rs  # noqa: E402  (skips all itself without rosbag)

np = al.np
TIMEOUT = 120  # a hang fails the test
TRIAL_PROCESS = os.environ.get("TRIAL_PROCESS")
GST_LAUNCH = shutil.which("gst-launch-1.0")
DEPTH, COLOR = rs.DEPTH, rs.COLOR


def camera_info(cam):
    return rs.camera_info(cam["width"], cam["height"], cam["fx"], cam["fy"],
                          cam["ppx"], cam["ppy"], cam["coeffs"])


def scene(rng, width=640, height=480):
    """A wall, a floor, boxes, noise and holes, in millimetres."""
    ys, xs = np.mgrid[0:height, 0:width]
    z = 2500.0 + 600.0 * np.sin(xs / 97.0) + 0.8 * ys
    floor = ys > height * 0.6
    z[floor] = 900.0 + 4000.0 * (height - ys[floor]) / height
    for _ in range(8):
        x0, y0 = rng.integers(0, width), rng.integers(0, height)
        w, h = rng.integers(5, 120, size=2)
        z[y0:y0 + h, x0:x0 + w] = rng.uniform(300, 6000)
    z += rng.normal(0, 4.0, z.shape)
    depth = np.clip(z, 1, 65535).astype("<u2")
    depth[rng.random(depth.shape) < 0.1] = 0
    return depth


def write_d435_bag(path, n=4, color_tf=True, color=True, seed=23):
    """n depth frames (and n color frames 4 ms later) of a D435 with the
    real recording's calibration; returns the depth frames. color_tf=False
    leaves the color stream's transform out (no extrinsics)."""
    rng = np.random.default_rng(seed)
    bag = rs.rosbag.Bag(path, "w", compression="lz4")
    frames = []
    try:
        bag.write("/file_version", rs.UInt32(4), rs.STATIC)
        bag.write("/device_0/info",
                  rs.KeyValue("Name", "Intel RealSense D435"), rs.STATIC)
        bag.write(DEPTH + "/info", rs.StreamInfo(30, "mono16", True),
                  rs.STATIC)
        bag.write(DEPTH + "/info/camera_info", camera_info(al.D435_DEPTH),
                  rs.STATIC)
        tf = rs.Transform()
        tf.rotation.w = 1.0
        bag.write(DEPTH + "/tf/0", tf, rs.STATIC)
        if color:
            bag.write(COLOR + "/info", rs.StreamInfo(30, "rgb8", True),
                      rs.STATIC)
            bag.write(COLOR + "/info/camera_info",
                      camera_info(al.D435_COLOR), rs.STATIC)
        if color and color_tf:
            tf = rs.Transform()
            (tf.translation.x, tf.translation.y,
             tf.translation.z) = al.D435_TRANSLATION
            (tf.rotation.x, tf.rotation.y, tf.rotation.z,
             tf.rotation.w) = al.D435_QUATERNION
            bag.write(COLOR + "/tf/0", tf, rs.STATIC)
        bag.write("/device_0/sensor_0/option/Depth Units/value",
                  rs.Float32(al.D435_SCALE), rs.STATIC)
        for i in range(n):
            t = rs.genpy.Time(1, 0) + rs.genpy.Duration(0, i * 33333333)
            depth = scene(rng)
            frames.append(depth)
            bag.write(DEPTH + "/image/data",
                      rs.image_raw(i, t, 640, 480, "mono16", depth.tobytes(),
                                   "0", None), t, raw=True)
            if not color:
                continue
            tc = t + rs.genpy.Duration(0, 4000000)
            pixels = rng.integers(0, 256, size=640 * 480 * 3, dtype="u1")
            bag.write(COLOR + "/image/data",
                      rs.image_raw(i, tc, 640, 480, "rgb8", pixels.tobytes(),
                                   "0", None), tc, raw=True)
    finally:
        bag.close()
    return frames


def reference(depth):
    return al.reference_align(depth, al.D435_DEPTH, al.D435_COLOR,
                              al.quat2rot(al.D435_QUATERNION),
                              al.D435_TRANSLATION, al.D435_SCALE)


def real_depth_frames():
    """The real recording's depth frames, in time order, as rosbag reads
    them."""
    out = []
    with rs.rosbag.Bag(rs.REAL_BAG) as bag:
        for topic, msg, _ in bag.read_messages(topics=[DEPTH + "/image/data"]):
            out.append(np.frombuffer(msg.data, dtype="<u2")[
                :msg.height * msg.width].reshape(msg.height, msg.width))
    return out


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gst-trial-trialalign-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def p(self, *parts):
        return os.path.join(self.tmp, *parts)

    def launch(self, *pipeline):
        if GST_LAUNCH is None:
            tap.missing("gst-launch-1.0 (apt install gstreamer1.0-tools)")
        proc = subprocess.run([GST_LAUNCH, "-q", *pipeline],
                              capture_output=True, text=True,
                              timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return proc

    def aligned_raw(self, bag, *align_props):
        """Every aligned depth frame of @bag, through gst-launch."""
        out = self.p("raw")
        os.makedirs(out, exist_ok=True)
        self.launch("filesrc", f"location={bag}", "!", "rsbagdemux",
                    "name=d", "d.depth", "!", "queue", "!", "trialalign",
                    *align_props,
                    "!", "multifilesink", f"location={out}/%03d.raw",
                    "d.color", "!", "queue", "!", "fakesink")
        return [np.fromfile(os.path.join(out, name), dtype="<u2")
                for name in sorted(os.listdir(out))]

    def assert_same(self, got, expected, what):
        self.assertEqual(got.size, expected.size, what)
        diff = np.count_nonzero(got.reshape(expected.shape) != expected)
        self.assertEqual(diff, 0, f"{what}: {diff} pixels differ")


class LaunchAlign(Base):
    """gst-launch-1.0 filesrc ! rsbagdemux ! trialalign ! ...: the aligned
    bytes equal the numpy reference, on generated bags with the D435's
    calibration and on the real recording."""

    def test_generated_raw(self):
        bag = self.p("rec.bag")
        frames = write_d435_bag(bag)
        for threads in ("1", "2"):
            got = self.aligned_raw(bag, f"n-threads={threads}")
            self.assertEqual(len(got), len(frames))
            for i, depth in enumerate(frames):
                self.assert_same(got[i], reference(depth),
                                 f"frame {i}, {threads} threads")
            shutil.rmtree(self.p("raw"))

    def test_generated_npy(self):
        """trialalign ! trialconvert: float32 metres of the aligned depth,
        with the bag's scale."""
        bag = self.p("rec.bag")
        frames = write_d435_bag(bag, n=2)
        os.makedirs(self.p("npy"))
        self.launch("filesrc", f"location={bag}", "!", "rsbagdemux",
                    "name=d", "d.depth", "!", "queue", "!", "trialalign",
                    "!",
                    "trialconvert", "!", "trialsink",
                    f"location={self.p('npy')}/frame_%06d.npy",
                    "d.color", "!", "queue", "!", "fakesink")
        names = sorted(os.listdir(self.p("npy")))
        self.assertEqual(len(names), 2, names)
        inverse = np.float32(round(1.0 / al.D435_SCALE))
        for name, depth in zip(names, frames):
            got = np.load(self.p("npy", name))
            self.assertEqual(got.dtype, np.float32)
            self.assert_same(got, reference(depth).astype(np.float32)
                             / inverse, name)

    def test_real_recording(self):
        depths = real_depth_frames()
        got = self.aligned_raw(rs.REAL_BAG)
        self.assertEqual(len(got), len(depths))
        for i, depth in enumerate(depths):
            self.assert_same(got[i], reference(depth), f"depth frame {i}")
        # frame 170, the last: the count ALIGN.md gives
        self.assertEqual(np.count_nonzero(got[-1]), 300814)

    def test_align_to_none(self):
        depths = real_depth_frames()
        got = self.aligned_raw(rs.REAL_BAG, "align-to=none")
        for i, depth in enumerate(depths):
            self.assert_same(got[i], depth, f"depth frame {i}")


class TpBase(Base):
    """Runs trial-process and reads what it wrote."""

    def run_tp(self, *args):
        if TRIAL_PROCESS is None:
            tap.missing("TRIAL_PROCESS (run by meson)")
        return subprocess.run([TRIAL_PROCESS, *args], capture_output=True,
                              text=True, timeout=TIMEOUT,
                              env=sanitizer.instrumented_env())

    def convert(self, bag, *args, status=0):
        proc = self.run_tp(bag, "-o", self.p("out"), *args)
        self.assertEqual(proc.returncode, status, proc.stderr)
        name = os.path.basename(bag)[:-4]
        cam = self.p("out", name, "single_camera")
        with open(os.path.join(cam, "metadata.json")) as f:
            return proc, cam, json.load(f)

    def depth(self, cam, i):
        return np.load(os.path.join(cam, "depth", f"frame_{i:06d}.npy"))

    def metres(self, values):
        return values.astype(np.float32) / np.float32(
            round(1.0 / al.D435_SCALE))


class TrialProcessAlign(TpBase):
    """trial-process REC.bag aligns depth to color by default and says so
    in metadata.json; --align none keeps the depth camera's geometry; a
    recording without extrinsics or color stream is converted unaligned
    with a warning."""

    def test_aligned_by_default(self):
        bag = self.p("rec.bag")
        frames = write_d435_bag(bag)
        proc, cam, meta = self.convert(bag)
        self.assertNotIn("warning", proc.stderr)
        self.assertEqual(meta["depth_aligned_to"], "color")
        self.assertIsNone(meta["depth_not_aligned_reason"])
        ex = meta["depth_to_color"]
        self.assertEqual([np.float32(v) for v in ex["rotation"]],
                         list(al.quat2rot(al.D435_QUATERNION)))
        self.assertEqual(ex["translation"], list(al.D435_TRANSLATION))
        self.assertEqual(meta["depth"]["depth_scale"], al.D435_SCALE)
        self.assertEqual(meta["depth"]["intrinsics"]["fx"],
                         al.D435_DEPTH["fx"])
        self.assertEqual(meta["color"]["intrinsics"]["fx"],
                         al.D435_COLOR["fx"])
        self.assertEqual(meta["successful"], len(frames))
        for i, depth in enumerate(frames):
            self.assert_same(self.depth(cam, i),
                             self.metres(reference(depth)), f"frame {i}")

    def test_align_none(self):
        bag = self.p("rec.bag")
        frames = write_d435_bag(bag, n=2)
        proc, cam, meta = self.convert(bag, "--align", "none")
        self.assertNotIn("warning", proc.stderr)
        self.assertEqual(meta["depth_aligned_to"], "none")
        self.assertEqual(meta["depth_not_aligned_reason"], "--align none")
        self.assertIsNotNone(meta["depth_to_color"])
        for i, depth in enumerate(frames):
            self.assert_same(self.depth(cam, i), self.metres(depth),
                             f"frame {i}")

    def test_bad_align_value(self):
        proc = self.run_tp(rs.REAL_BAG, "-o", self.p("out"), "--align",
                           "depth")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr, "trial-process: --align must be color "
                         "or none, not 'depth'\n")
        self.assertFalse(os.path.exists(self.p("out")))

    def test_no_extrinsics(self):
        bag = self.p("rec.bag")
        frames = write_d435_bag(bag, n=2, color_tf=False)
        proc, cam, meta = self.convert(bag)
        self.assertEqual(proc.stderr, f"trial-process: warning: {bag}: the "
                         "recording has no depth-to-color extrinsics; its "
                         "depth is converted unaligned, in the depth "
                         "camera's geometry\n")
        self.assertEqual(meta["depth_aligned_to"], "none")
        self.assertEqual(meta["depth_not_aligned_reason"],
                         "the recording has no depth-to-color extrinsics")
        self.assertIsNone(meta["depth_to_color"])
        for i, depth in enumerate(frames):
            self.assert_same(self.depth(cam, i), self.metres(depth),
                             f"frame {i}")

    def test_real_recording(self):
        """Its one color frame, paired with the depth frame nearest in
        time, aligned."""
        depths = real_depth_frames()
        proc, cam, meta = self.convert(rs.REAL_BAG)
        self.assertEqual(meta["depth_aligned_to"], "color")
        self.assertEqual((meta["total_frames"], meta["successful"],
                          meta["unpaired_depth_frames"]), (1, 1, 1))
        got = self.depth(cam, 0)
        matches = [i for i, d in enumerate(depths) if np.array_equal(
            got, self.metres(reference(d)))]
        self.assertEqual(len(matches), 1, "no depth frame aligns to it")


def reference_portable(depth):
    return al.reference_align_portable(depth, al.D435_DEPTH, al.D435_COLOR,
                                       al.quat2rot(al.D435_QUATERNION),
                                       al.D435_TRANSLATION, al.D435_SCALE)


class PortableRule(TpBase):
    """trialalign rule=portable and trial-process --align-rule portable:
    check_align.py's numpy reference of the portable rule, bit for bit;
    each frame also differs from the x86 rule's, so the comparison cannot
    pass by accident."""

    def test_launch(self):
        bag = self.p("rec.bag")
        frames = write_d435_bag(bag, n=3)
        for threads in ("1", "2"):
            got = self.aligned_raw(bag, "rule=portable",
                                   f"n-threads={threads}")
            self.assertEqual(len(got), len(frames))
            for i, depth in enumerate(frames):
                expected = reference_portable(depth)
                self.assert_same(got[i], expected,
                                 f"frame {i}, {threads} threads")
                self.assertGreater(np.count_nonzero(
                    reference(depth) != expected), 1000)
            shutil.rmtree(self.p("raw"))

    def test_launch_real_recording(self):
        depths = real_depth_frames()
        got = self.aligned_raw(rs.REAL_BAG, "rule=portable")
        self.assertEqual(len(got), len(depths))
        for i, depth in enumerate(depths):
            self.assert_same(got[i], reference_portable(depth),
                             f"depth frame {i}")
        # frame 170: 300,533 pixels, against the x86 rule's 300,814, and
        # 106,933 pixels hold another value
        self.assertEqual(np.count_nonzero(got[-1]), 300533)
        self.assertEqual(np.count_nonzero(
            got[-1] != reference(depths[-1]).ravel()), 106933)

    def test_trial_process(self):
        bag = self.p("rec.bag")
        frames = write_d435_bag(bag, n=2)
        proc, cam, meta = self.convert(bag, "--align-rule", "portable")
        self.assertEqual(proc.stderr, "")
        self.assertEqual((meta["depth_aligned_to"], meta["align_rule"]),
                         ("color", "portable"))
        for i, depth in enumerate(frames):
            self.assert_same(self.depth(cam, i),
                             self.metres(reference_portable(depth)),
                             f"frame {i}")
        shutil.rmtree(self.p("out"))
        proc, cam, meta = self.convert(bag)
        self.assertEqual(meta["align_rule"], "librealsense-x86")
        self.assert_same(self.depth(cam, 0), self.metres(reference(frames[0])),
                         "frame 0, default rule")
        shutil.rmtree(self.p("out"))
        proc, cam, meta = self.convert(bag, "--align", "none",
                                       "--align-rule", "portable")
        self.assertIsNone(meta["align_rule"])

    def test_bad_rule(self):
        proc = self.run_tp(rs.REAL_BAG, "-o", self.p("out"), "--align-rule",
                           "arm")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr, "trial-process: --align-rule must be "
                         "librealsense-x86 or portable, not 'arm'\n")
        self.assertFalse(os.path.exists(self.p("out")))


class TimeWindow(TpBase):
    """--start-time S / --end-time E: the color frames at S <= t < E seconds
    from the recording's first frame, numbered as in the whole recording.
    Frames here: depth at i * 33.3 ms, color 4 ms after each."""

    def colors(self, cam):
        return sorted(os.listdir(os.path.join(cam, "color")))

    def test_window(self):
        bag = self.p("rec.bag")
        frames = write_d435_bag(bag, n=6)
        proc, cam, meta = self.convert(bag, "--start-time", "0.05",
                                       "--end-time", "0.1")
        self.assertEqual(self.colors(cam), ["frame_000002.png"])
        self.assertEqual(sorted(os.listdir(os.path.join(cam, "depth"))),
                         ["frame_000002.npy"])
        self.assertEqual(meta["frame_range"], [2, 2])
        self.assertEqual(meta["time_window"], [0.05, 0.1])
        self.assertEqual((meta["total_frames"], meta["successful"]), (1, 1))
        self.assert_same(self.depth(cam, 2), self.metres(reference(frames[2])),
                         "frame 2")

    def test_edges(self):
        """From 0 to past the end: every frame; from the last color frame's
        time on: that frame alone."""
        bag = self.p("rec.bag")
        write_d435_bag(bag, n=3)
        proc, cam, meta = self.convert(bag, "--start-time", "0",
                                       "--end-time", "100")
        self.assertEqual(self.colors(cam), [f"frame_{i:06d}.png"
                                            for i in range(3)])
        self.assertEqual(meta["time_window"], [0.0, 100.0])
        shutil.rmtree(self.p("out"))
        proc, cam, meta = self.convert(bag, "--start-time", "0.0706")
        self.assertEqual(self.colors(cam), ["frame_000002.png"])
        self.assertEqual(meta["time_window"], [0.0706, None])

    def test_empty_and_outside(self):
        """A window between two frames, or after the recording: exit 2,
        nothing written."""
        bag = self.p("rec.bag")
        write_d435_bag(bag, n=3)
        proc = self.run_tp(bag, "-o", self.p("out"), "--start-time", "0.01",
                           "--end-time", "0.02")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr, "trial-process: no color frames in the "
                         f"time window [0.01, 0.02) s of bag '{bag}'\n")
        # before the first color frame (4 ms)
        proc = self.run_tp(bag, "-o", self.p("out"), "--end-time", "0.002")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr, "trial-process: no color frames in the "
                         f"time window [0, 0.002) s of bag '{bag}'\n")
        proc = self.run_tp(bag, "-o", self.p("out"), "--start-time", "5")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr, "trial-process: --start-time 5 s is "
                         f"after the end of '{bag}' (its last frame is at "
                         "0.071 s)\n")
        self.assertFalse(os.path.exists(self.p("out")))

    def test_bad_values(self):
        for args in (("--start-time", "0.2", "--end-time", "0.1"),
                     ("--start-time", "-1"), ("--end-time", "0"),
                     ("--end-time", "inf")):
            proc = self.run_tp(rs.REAL_BAG, "-o", self.p("out"), *args)
            self.assertEqual(proc.returncode, 2, args)
            self.assertEqual(proc.stderr, "trial-process: --start-time and "
                             "--end-time must be seconds with 0 <= start < "
                             "end\n", args)


class Segments(TpBase):
    """--segments trials.csv: one aligned trial per row,
    OUT/<name>/single_camera; a bad file refused before anything is
    written (exit 2, the line number). Frames here: depth at i * 33.3 ms,
    color 4 ms after each."""

    def csv(self, text):
        path = self.p("trials.csv")
        with open(path, "w") as f:
            f.write(text)
        return path

    def trial(self, name):
        return self.p("out", name, "single_camera")

    def colors(self, name):
        return sorted(os.listdir(os.path.join(self.trial(name), "color")))

    def test_real_recording(self):
        """The done-when command on the real D435 file: the trial's depth
        is one of its depth frames aligned, bit for bit."""
        csv = self.csv("name,start,end\nwhole,0,1\n")
        proc = self.run_tp(rs.REAL_BAG, "-o", self.p("out"), "--segments",
                           csv)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        got = self.depth(self.trial("whole"), 0)
        self.assertTrue(any(np.array_equal(got, self.metres(reference(d)))
                            for d in real_depth_frames()))
        with open(os.path.join(self.trial("whole"), "metadata.json")) as f:
            meta = json.load(f)
        self.assertEqual((meta["trial_name"], meta["trial_path"],
                          meta["time_window"], meta["depth_aligned_to"]),
                         ("whole", rs.REAL_BAG, [0.0, 1.0], "color"))

    def test_overlapping_and_edges(self):
        bag = self.p("rec.bag")
        frames = write_d435_bag(bag, n=6)
        csv = self.csv("name,start,end\r\nfirst,0,0.05\r\n"
                       "second, 0.03 , 0.1\r\n\nlast,0.1,100\r\n")
        proc = self.run_tp(bag, "-o", self.p("out"), "--segments", csv,
                           "--json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        metas = [json.loads(line) for line in proc.stdout.splitlines()]
        self.assertEqual([m["trial_name"] for m in metas],
                         ["first", "second", "last"])
        expect = {"first": ([0, 1], [0.0, 0.05]),
                  "second": ([1, 2], [0.03, 0.1]),
                  "last": ([3, 4, 5], [0.1, 100.0])}
        for meta in metas:
            name = meta["trial_name"]
            numbers, window = expect[name]
            self.assertEqual(self.colors(name),
                             [f"frame_{i:06d}.png" for i in numbers])
            self.assertEqual((meta["time_window"], meta["trial_path"],
                              meta["frame_range"]),
                             (window, bag, [numbers[0], numbers[-1]]))
            for i in numbers:
                self.assert_same(self.depth(self.trial(name), i),
                                 self.metres(reference(frames[i])),
                                 f"{name} frame {i}")

    def test_shards_and_resume(self):
        bag = self.p("rec.bag")
        write_d435_bag(bag, n=6)
        csv = self.csv("start,end,name,note\n0,0.05,a,x\n0.03,0.1,b,y\n"
                       "0.1,100,c,z\n")
        proc = self.run_tp(bag, "-o", self.p("out"), "--segments", csv,
                           "--shard", "2/2")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(os.listdir(self.p("out")), ["b"])
        os.unlink(os.path.join(self.trial("b"), "depth", "frame_000002.npy"))
        before = os.stat(os.path.join(self.trial("b"), "depth",
                                      "frame_000001.npy")).st_mtime_ns
        proc = self.run_tp(bag, "-o", self.p("out"), "--segments", csv,
                           "--shard", "2/2", "--resume")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(self.trial("b"),
                                                        "depth"))),
                         ["frame_000001.npy", "frame_000002.npy"])
        self.assertEqual(os.stat(os.path.join(
            self.trial("b"), "depth", "frame_000001.npy")).st_mtime_ns,
            before)

    def test_refused(self):
        bag = self.p("rec.bag")
        write_d435_bag(bag, n=6)
        cases = [
            ("name,start\nx,0\n", "line 1: no 'end' column (the header "
             "must name the columns name,start,end)"),
            ("name,start,end\na,0,1\nb,2,2\n", "line 3: end 2 <= start 2"),
            ("name,start,end\na,0,1\nb,0,x\n", "line 3: start '0' and end "
             "'x' must be seconds >= 0"),
            ("name,start,end\na,0,1\nb,0\n", "line 3: 2 fields, the header "
             "has 3"),
            ("name,start,end\na,5,6\n", "line 2: the window starts outside "
             f"the recording: 5 s is after the end of '{bag}' (its last "
             "frame is at 0.171 s)"),
            ("name,start,end\n../x,0,1\n", "line 2: name '../x' is not a "
             "safe folder name (letters, digits, '.', '_' and '-', at most "
             "255, not starting with '.')"),
            ("name,start,end\na,0,1\n\na,0,2\n", "line 4: name 'a' used "
             "twice (first on line 2)"),
            ("name,start,end\nok,0,1\na,0.01,0.02\n", "line 3: no color "
             f"frame in the window [0.01, 0.02) s of '{bag}'"),
            ("name,start,end\n", "no trials (a header name,start,end and "
             "one row per trial)"),
        ]
        for text, message in cases:
            csv = self.csv(text)
            proc = self.run_tp(bag, "-o", self.p("out"), "--segments", csv)
            self.assertEqual(proc.returncode, 2, text)
            if message.startswith("no trials"):
                self.assertEqual(proc.stderr,
                                 f"trial-process: {csv}: {message}\n")
            else:
                self.assertEqual(proc.stderr,
                                 f"trial-process: {csv}: {message}\n")
            self.assertFalse(os.path.exists(self.p("out")), text)


class BagPreview(TpBase):
    """--preview on a .bag (issue 20) shows the frames being converted, as
    for folders (frame number drawn by textoverlay), and changes nothing on
    disk."""

    def test_preview(self):
        if shutil.which("xvfb-run") is None:
            tap.missing("xvfb-run (apt install xvfb xauth)")
        bag = self.p("rec.bag")
        write_d435_bag(bag, n=12)
        proc = self.run_tp(bag, "-o", self.p("plain"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        env = dict(os.environ, GST_DEBUG="basetextoverlay:5",
                   GST_DEBUG_NO_COLOR="1")
        proc = subprocess.run(
            [*tap.xvfb_run("1024x480x24"), TRIAL_PROCESS,
             bag, "-o", self.p("shown"), "--preview", "-j", "1"],
            capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        self.assertNotIn("not available", proc.stderr)
        shown = re.findall(r"Rendering '([^']*)'", proc.stderr)
        self.assertGreater(len(shown), 0, proc.stderr[-2000:])
        for text in shown:
            m = re.fullmatch(r"frame (\d+)  -- fps", text)
            self.assertIsNotNone(m, text)
            self.assertLess(int(m.group(1)), 12)
        for sub in ("color", "depth"):
            plain = os.path.join(self.p("plain"), "rec", "single_camera", sub)
            for name in sorted(os.listdir(plain)):
                with open(os.path.join(plain, name), "rb") as a, \
                        open(os.path.join(self.p("shown"), "rec",
                                          "single_camera", sub, name),
                             "rb") as b:
                    self.assertEqual(a.read(), b.read(), f"{sub}/{name}")


if __name__ == "__main__":
    tap.main(sys.argv[1:])
