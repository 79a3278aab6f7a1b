#!/usr/bin/env python3
"""What a new user trying trial-process on .bag recordings ran into
(docs/testing.md, "Tryout"): a segments file saved with a UTF-8 byte order
mark, a bag conversion interrupted with Ctrl-C, the timings a bag job
records. Bags are written with python3-rosbag (tests/python/check_rsbag.py);
skipped without it, failed under CI=true."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "python"))
import sanitizer  # noqa: E402  tests/sanitizer.py
import tap  # noqa: E402  tests/tap.py

os.environ.setdefault("TRIAL_BAG_TOOL", "")
import check_rsbag as rs  # noqa: E402  (skips all itself without rosbag)
from faultshim import need_shim, shim_env  # noqa: E402

TRIAL_PROCESS = os.environ["TRIAL_PROCESS"]
TIMEOUT = 120


class Tryout(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="trial-process-tryout-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def p(self, *parts):
        return os.path.join(self.tmp, *parts)

    def bag(self, n, size=(64, 48)):
        path = self.p("rec.bag")
        w, h = size
        rs.write_multi_bag(path, [(0, 1, "Depth_0", w, h),
                                  (0, 1, "Color_0", w, h)], n_frames=n,
                           compression="none")
        return path

    def run_tp(self, *args, env=None):
        return subprocess.run([TRIAL_PROCESS, *args], capture_output=True,
                              text=True, timeout=TIMEOUT,
                              env=env or sanitizer.instrumented_env())

    def files(self, job):
        return {s: sorted(os.listdir(os.path.join(job, s)))
                for s in ("color", "depth")}

    def test_missing_bag_named_as_bag(self):
        """A .bag path that does not exist is named a bag file, not a
        trial folder; nothing is written."""
        proc = self.run_tp(self.p("nosuch.bag"), "-o", self.p("out"))
        self.assertEqual((proc.returncode, proc.stderr), (2, (
            f"trial-process: bag file '{self.p('nosuch.bag')}' does not "
            "exist\n")))
        self.assertFalse(os.path.exists(self.p("out")))

    def test_segments_file_unreadable(self):
        """--segments naming a missing file or a folder: exit 2, a line
        naming the option and the path, nothing written."""
        bag = self.bag(2)
        for path, why in ((self.p("nosuch.csv"), "No such file or directory"),
                          (self.tmp, "not a file (a CSV file: a header "
                           "name,start,end and one row per trial)")):
            proc = self.run_tp(bag, "-o", self.p("out"), "--segments", path)
            self.assertEqual((proc.returncode, proc.stderr), (2, (
                f"trial-process: --segments '{path}': {why}\n")))
        self.assertFalse(os.path.exists(self.p("out")))

    def test_start_after_the_last_frame(self):
        """--start past a bag's last frame, with and without --stop: exit
        2, the range as given (no "-1" for a --stop not given)."""
        bag = self.bag(2)
        for args, range_ in ((("--start", "5"), "from frame 5 on"),
                             (("--start", "5", "--stop", "7"),
                              "in the range [5, 7]")):
            proc = self.run_tp(bag, "-o", self.p("out"), *args)
            # after the warning that this bag has no calibration to align
            self.assertEqual((proc.returncode, proc.stderr.splitlines()[-1]),
                             (2, f"trial-process: no color frames {range_} in "
                              f"bag '{bag}': its 2 color frames are numbered "
                              "0 to 1 in time order"))
        self.assertFalse(os.path.exists(self.p("out")))

    def test_segments_with_byte_order_mark(self):
        """A trials.csv saved as Excel's "CSV UTF-8" (a byte order mark,
        CRLF) converts exactly as the same file without them."""
        bag = self.bag(6)
        plain = self.p("plain.csv")
        with open(plain, "w") as f:
            f.write("name,start,end\nwalk_1,0,0.1\n")
        marked = self.p("marked.csv")
        with open(marked, "wb") as f:
            f.write(b"\xef\xbb\xbfname,start,end\r\nwalk_1,0,0.1\r\n")
        trees = []
        for csv, out in ((plain, "a"), (marked, "b")):
            proc = self.run_tp(bag, "-o", self.p(out), "--segments", csv)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            job = self.p(out, "walk_1", "single_camera")
            tree = {}
            for stream, names in self.files(job).items():
                for name in names:
                    with open(os.path.join(job, stream, name), "rb") as f:
                        tree[stream, name] = f.read()
            trees.append(tree)
        self.assertEqual(sorted(n for s, n in trees[1] if s == "color"),
                         ["frame_000000.png", "frame_000001.png",
                          "frame_000002.png"])
        self.assertEqual(trees[0], trees[1])

    def test_interrupted_bag_fails_no_frame(self):
        """SIGINT right after both files of frame 9 are renamed: exit 130,
        the job is interrupted, the frames it did not reach are not failed
        frames (as for trial folders), successful counts the whole frames
        on disk and the summary line says "interrupted"."""
        need_shim(self)
        bag = self.bag(150, (320, 240))
        out = self.p("out")
        proc = self.run_tp(bag, "-o", out, "-j", "1",
                           env=shim_env(MATCH="frame_000009.",
                                        SIGNAL_AFTER=2,
                                        SIGNAL=int(signal.SIGINT)))
        self.assertEqual(proc.returncode, 130, proc.stderr)
        job = os.path.join(out, "rec", "single_camera")
        with open(os.path.join(job, "metadata.json")) as f:
            meta = json.load(f)
        self.assertEqual((meta["complete"], meta["interrupted"]),
                         (False, True))
        written = meta["successful"]
        self.assertGreaterEqual(written, 10)
        self.assertLess(written, 150, "the run was not interrupted")
        self.assertEqual((meta["failed"], meta["failed_frames"]), (0, []))
        self.assertEqual(self.files(job), {
            "color": [f"frame_{i:06d}.png" for i in range(written)],
            "depth": [f"frame_{i:06d}.npy" for i in range(written)]})
        self.assertTrue(proc.stdout.startswith(
            f"rec/single_camera: interrupted, {written}/150 frames ok, "
            "0 failed, "), proc.stdout)
        proc = self.run_tp(bag, "-o", out, "--resume")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(os.path.join(job, "metadata.json")) as f:
            meta = json.load(f)
        self.assertEqual((meta["successful"], meta["failed"],
                          meta["resumed_from_frames"],
                          meta["converted_frames"]),
                         (150, 0, written, 150 - written))

    def test_interrupted_bag_resumes_identical(self):
        """SIGINT after frame 9 as above, then --resume: the bag is read
        from the first frame not written on (rsbagdemux's per-frame log
        lines), exactly the frames not written are converted
        (trialconvert's), and the outputs are byte-identical to an
        uninterrupted run's (docs/testing.md, "Bag resume")."""
        need_shim(self)
        bag = self.bag(150, (320, 240))
        full = self.p("full")
        self.assertEqual(self.run_tp(bag, "-o", full).returncode, 0)
        out = self.p("out")
        proc = self.run_tp(bag, "-o", out, "-j", "1",
                           env=shim_env(MATCH="frame_000009.",
                                        SIGNAL_AFTER=2,
                                        SIGNAL=int(signal.SIGINT)))
        self.assertEqual(proc.returncode, 130, proc.stderr)
        job = os.path.join(out, "rec", "single_camera")
        written = len(self.files(job)["color"])
        self.assertTrue(10 <= written < 150, written)
        log = self.p("gst.log")
        env = sanitizer.instrumented_env()
        env.update(GST_DEBUG="trialconvert:6,rsbagdemux:6",
                   GST_DEBUG_FILE=log, GST_DEBUG_NO_COLOR="1")
        proc = self.run_tp(bag, "-o", out, "--resume", env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(log) as f:
            text = f.read()
        self.assertEqual(
            {pad: len(re.findall(rf":<demux:{pad}> pushing the frame at ",
                                 text)) for pad in ("color", "depth")},
            {"color": 150 - written, "depth": 150 - written})
        self.assertEqual(
            sorted(int(n) for n in re.findall(
                r":<trialconvert\d+> converted frame (\d+)$", text, re.M)),
            sorted(list(range(written, 150)) * 2))
        trees = []
        for root in (full, out):
            tree = {}
            cam = os.path.join(root, "rec", "single_camera")
            for stream, names in self.files(cam).items():
                for name in names:
                    with open(os.path.join(cam, stream, name), "rb") as f:
                        tree[stream, name] = f.read()
            trees.append(tree)
        self.assertEqual(len(trees[0]), 300)
        self.assertTrue(trees[0] == trees[1], "outputs differ")

    def test_bag_timings_as_for_folders(self):
        """metadata.json of a bag job: processing_time_seconds and
        processing_fps rounded to 2 decimals as the seed did, and
        resumed_from_frames / converted_frames as for folders (1 after a
        --resume redoing one)."""
        bag = self.bag(8)
        out = self.p("out")
        job = os.path.join(out, "rec", "single_camera")
        self.assertEqual(self.run_tp(bag, "-o", out).returncode, 0)
        os.unlink(os.path.join(job, "depth", "frame_000007.npy"))
        proc = self.run_tp(bag, "-o", out, "--resume", "--json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(os.path.join(job, "metadata.json")) as f:
            text = f.read()
        for field in ("processing_time_seconds", "processing_fps"):
            value = re.search(rf'"{field}" : ([0-9.e+-]+)', text).group(1)
            self.assertRegex(value, r"^[0-9]+(\.[0-9]{1,2})?$", field)
        meta = json.loads(text)
        self.assertEqual(json.loads(proc.stdout), meta)
        self.assertEqual((meta["successful"], meta["resumed_from_frames"],
                          meta["converted_frames"]), (8, 7, 1))
        if meta["processing_time_seconds"] >= 0.1:
            self.assertLessEqual(meta["processing_fps"],
                                 1 / meta["processing_time_seconds"] * 1.1)


class BagMessages(unittest.TestCase):
    """A bag job's messages (docs/testing.md, "Messages"): the "not
    aligned" warning once per device, naming it, and not under -q; the
    summary line shaped as a folder job's."""

    setUp, tearDown, p, bag, run_tp = (Tryout.setUp, Tryout.tearDown,
                                       Tryout.p, Tryout.bag, Tryout.run_tp)

    def test_not_aligned_warning_once_per_device(self):
        """Two devices without calibration, two segments: one warning per
        device (not one per device per segment), none under -q."""
        bag = self.p("two.bag")
        rs.write_multi_bag(bag, [(d, 1, n, 32, 24) for d in (0, 1)
                                 for n in ("Depth_0", "Color_0")],
                           n_frames=4, compression="none")
        csv = self.p("trials.csv")
        with open(csv, "w") as f:
            f.write("name,start,end\na,0,0.05\nb,0.05,1\n")
        proc = self.run_tp(bag, "-o", self.p("out"), "--segments", csv)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "".join(
            f"trial-process: warning: {bag}: device_{d}: the recording has "
            "no depth intrinsics; its depth is converted unaligned, in the "
            "depth camera's geometry\n" for d in (0, 1)))
        self.assertEqual(len(proc.stdout.splitlines()), 4, proc.stdout)
        proc = self.run_tp(bag, "-o", self.p("quiet"), "--segments", csv, "-q")
        self.assertEqual((proc.returncode, proc.stdout, proc.stderr),
                         (0, "", ""))
        for trial in ("a", "b"):
            for d in (0, 1):
                with open(self.p("quiet", trial, f"device_{d}",
                                 "metadata.json")) as f:
                    meta = json.load(f)
                self.assertEqual((meta["depth_aligned_to"],
                                  meta["depth_not_aligned_reason"]),
                                 ("none", "the recording has no depth "
                                  "intrinsics"))

    def test_summary_line_as_for_folders(self):
        """One frame: "1/1 frame ok", and the line ends "-> OUTPUT" as a
        folder job's does."""
        bag = self.bag(1)
        out = self.p("out")
        proc = self.run_tp(bag, "-o", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertRegex(proc.stdout, "^rec/single_camera: done, 1/1 frame "
                         r"ok, 0 failed, 0 depth frames unpaired, \d+\.\d\d "
                         r"s, \d+\.\d fps, -> " + re.escape(
                             os.path.join(out, "rec", "single_camera")) +
                         "\n$")


if __name__ == "__main__":
    tap.main(sys.argv[1:])
