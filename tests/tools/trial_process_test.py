#!/usr/bin/env python3
"""End-to-end tests of trial-process on generated trials.

Run by meson with TRIAL_PROCESS, TRIAL_MAKE_SAMPLE and GST_PLUGIN_PATH_1_0 set;
one TestCase class per meson test (its name is the first argument). Outputs
are checked against the inputs with independent readers: numpy for .raw/.npy,
Pillow for PNG/JPEG."""
import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

try:
    import numpy as np
    from PIL import Image
except ImportError as exc:  # meson reads 77 as "skipped"
    print(f"skipped: {exc}")
    sys.exit(77)

TRIAL_PROCESS = os.environ["TRIAL_PROCESS"]
MAKE_SAMPLE = os.environ["TRIAL_MAKE_SAMPLE"]

SEED_FIELDS = {
    "trial_path": str, "trial_name": str, "structure": str,
    "total_frames": int, "successful": int, "failed": int,
    "frame_range": list, "processing_time_seconds": float,
    "processing_fps": float, "num_workers": int,
}


def make_sample(path, *args):
    subprocess.run([MAKE_SAMPLE, "--quiet", *args, path], check=True)


def run(*args, check_status=None, **kw):
    proc = subprocess.run([TRIAL_PROCESS, *args], capture_output=True,
                          text=True, **kw)
    if check_status is not None and proc.returncode != check_status:
        raise AssertionError(
            f"trial-process {' '.join(args)} exited {proc.returncode}, "
            f"expected {check_status}\nstdout:\n{proc.stdout}\n"
            f"stderr:\n{proc.stderr}")
    return proc


def frame_numbers(folder, ext):
    names = sorted(n for n in os.listdir(folder) if n.endswith(ext))
    return [int(n.rsplit("_", 1)[1].split(".")[0]) for n in names]


def rgb_pixels(path):
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def tree_bytes(root):
    out = {}
    for base, _, files in os.walk(root):
        for name in files:
            if name == "metadata.json":
                continue
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


def leftovers(root):
    return [os.path.join(b, n) for b, _, fs in os.walk(root) for n in fs
            if ".tmp-" in n]


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="trial-process-test-")

    def tearDown(self):
        subprocess.run(["umount", "-q", os.path.join(self.tmp, "full")],
                       stderr=subprocess.DEVNULL, check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def p(self, *parts):
        return os.path.join(self.tmp, *parts)

    def metadata(self, out, trial, camera):
        with open(os.path.join(out, trial, camera, "metadata.json")) as f:
            return json.load(f)

    def check_depth(self, npy_path, src_path, fmt, shape):
        got = np.load(npy_path)
        self.assertEqual(got.dtype, np.dtype("<f4"))
        self.assertEqual(got.shape, shape)
        if fmt == "raw":
            src = np.fromfile(src_path, dtype="<u2").reshape(shape)
        elif fmt == "npy":
            src = np.load(src_path)
        else:
            with Image.open(src_path) as im:
                src = np.asarray(im, dtype=np.uint16)
        expected = src.astype(np.float32) / np.float32(1000.0)
        np.testing.assert_array_equal(got, expected)


class Outputs(Base):
    """Every layout and format: pixels, depth values and metadata."""

    def convert_and_check(self, trial_args, structure, camera, color_dir,
                          color_name, color_ext, depth_dir, depth_name, fmt,
                          extra=()):
        trial = self.p("trial_x")
        make_sample(trial, *trial_args)
        out = self.p("out")
        run(trial, "-o", out, "-j", "2", *extra, check_status=0)
        meta = self.metadata(out, "trial_x", camera)
        for field, kind in SEED_FIELDS.items():
            self.assertIsInstance(meta[field], kind, field)
        self.assertEqual(meta["structure"], structure)
        self.assertEqual(meta["camera_id"],
                         None if camera == "single_camera" else camera)
        self.assertEqual(meta["failed"], 0)
        self.assertTrue(meta["complete"])
        numbers = frame_numbers(os.path.join(out, "trial_x", camera, "color"),
                                ".png")
        self.assertEqual(meta["total_frames"], len(numbers))
        self.assertEqual(meta["successful"], len(numbers))
        self.assertEqual(meta["frame_range"], [numbers[0], numbers[-1]])
        self.assertEqual(
            numbers,
            frame_numbers(os.path.join(out, "trial_x", camera, "depth"), ".npy"))
        for n in numbers:
            src = os.path.join(trial, color_dir, color_name % n + color_ext)
            dst = os.path.join(out, "trial_x", camera, "color",
                               "frame_%06d.png" % n)
            with Image.open(dst) as im:
                self.assertEqual(im.mode, "RGB")
            np.testing.assert_array_equal(rgb_pixels(dst), rgb_pixels(src))
            self.check_depth(
                os.path.join(out, "trial_x", camera, "depth",
                             "frame_%06d.npy" % n),
                os.path.join(trial, depth_dir, depth_name % n + "." + fmt),
                fmt, (48, 64))
        self.assertEqual(leftovers(out), [])
        return numbers

    def test_multi_camera_raw(self):
        self.convert_and_check(
            ["--layout", "multi", "--cameras", "2", "--size", "64x48",
             "--frames", "6"],
            "multi_camera", "cam1", "cam1/color", "frame_%06d", ".png",
            "cam1/depth", "frame_%06d", "raw")

    def test_multi_camera_second_camera_npy(self):
        self.convert_and_check(
            ["--layout", "multi", "--cameras", "2", "--size", "64x48",
             "--frames", "5", "--depth", "npy"],
            "multi_camera", "cam2", "cam2/color", "frame_%06d", ".png",
            "cam2/depth", "frame_%06d", "npy", extra=["--camera", "cam2"])

    def test_depth_png_and_jpeg_color(self):
        self.convert_and_check(
            ["--layout", "multi", "--size", "64x48", "--frames", "5",
             "--depth", "png", "--color", "jpeg"],
            "multi_camera", "cam1", "cam1/color", "frame_%06d", ".jpg",
            "cam1/depth", "frame_%06d", "png")

    def test_single_camera_swapped_folders(self):
        self.convert_and_check(
            ["--layout", "single", "--swapped", "--size", "64x48",
             "--frames", "5"],
            "single_camera", "single_camera", "Color", "_Color_%04d", ".png",
            "Depth_Color", "_Depth_Color_%04d", "raw")

    def test_gaps_and_offsets_keep_numbers(self):
        numbers = self.convert_and_check(
            ["--layout", "single", "--size", "64x48", "--start", "231",
             "--frames", "8", "--gap-every", "3"],
            "single_camera", "single_camera", "Color", "_Color_%04d", ".png",
            "Depth", "_Depth_%04d", "raw")
        self.assertEqual(numbers[0], 231)
        self.assertEqual(len(numbers), 8)
        steps = {b - a for a, b in zip(numbers, numbers[1:])}
        self.assertIn(2, steps, "gaps must keep their numbers")

    def test_reencode_and_range(self):
        trial = self.p("t")
        make_sample(trial, "--size", "64x48", "--start", "10", "--frames", "10")
        out = self.p("out")
        run(trial, "-o", out, "--color-mode", "reencode", "--start", "12",
            "--stop", "15", check_status=0)
        meta = self.metadata(out, "t", "cam1")
        self.assertEqual(meta["frame_range"], [12, 15])
        self.assertEqual(meta["total_frames"], 4)
        self.assertEqual(
            frame_numbers(os.path.join(out, "t", "cam1", "color"), ".png"),
            [12, 13, 14, 15])

    def test_all_cameras_and_json(self):
        trial = self.p("t")
        make_sample(trial, "--cameras", "3", "--size", "32x24", "--frames", "3")
        out = self.p("out")
        proc = run(trial, "--all", "-o", out, "--json", check_status=0)
        lines = [json.loads(l) for l in proc.stdout.splitlines()]
        self.assertEqual([m["camera_id"] for m in lines],
                         ["cam1", "cam2", "cam3"])
        for cam in ("cam1", "cam2", "cam3"):
            self.assertEqual(self.metadata(out, "t", cam)["successful"], 3)


class Terminal(Base):
    """A progress bar on a terminal, one summary line elsewhere."""

    def test_progress_bar_on_a_terminal(self):
        trial = self.p("t")
        make_sample(trial, "--size", "64x48", "--frames", "12")
        primary, secondary = pty.openpty()
        proc = subprocess.Popen([TRIAL_PROCESS, trial, "-o", self.p("out")],
                                stdout=subprocess.PIPE, stderr=secondary)
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the terminal closes when the process exits
                break
            if not chunk:
                break
            shown += chunk
        out, _ = proc.communicate(timeout=60)
        os.close(primary)
        self.assertEqual(proc.returncode, 0)
        text = shown.decode()
        self.assertIn("t/cam1 [##############################] 12/12 frames", text)
        self.assertIn("ETA", text)
        self.assertIn("fps", text)
        self.assertIn("t/cam1: done, 12/12 frames ok, 0 failed", out.decode())

    def test_no_bar_when_not_a_terminal(self):
        trial = self.p("t")
        make_sample(trial, "--size", "64x48", "--frames", "3")
        proc = run(trial, "-o", self.p("out"), check_status=0)
        self.assertEqual(proc.stderr, "")
        self.assertEqual(len(proc.stdout.splitlines()), 1)
        proc = run(trial, "-o", self.p("out"), "-q", check_status=0)
        self.assertEqual(proc.stdout + proc.stderr, "")


class Failures(Base):
    """Failed frames are counted with reasons; bad trials are usage errors."""

    def test_broken_frames_counted(self):
        trial = self.p("t")
        make_sample(trial, "--size", "64x48", "--start", "1", "--frames", "6")
        with open(os.path.join(trial, "cam1/depth/frame_000002.raw"), "wb") as f:
            f.write(b"\0" * 1000)
        os.remove(os.path.join(trial, "cam1/depth/frame_000004.raw"))
        with open(os.path.join(trial, "cam1/color/frame_000005.png"), "r+b") as f:
            f.seek(100)
            f.write(b"\xff\xff\xff\xff")
        out = self.p("out")
        proc = run(trial, "-o", out, check_status=1)
        meta = self.metadata(out, "t", "cam1")
        self.assertEqual(meta["total_frames"], 6)
        self.assertEqual(meta["failed"], 3)
        self.assertEqual(meta["successful"], 3)
        failed = {f["frame"]: f for f in meta["failed_frames"]}
        self.assertEqual(sorted(failed), [2, 4, 5])
        self.assertIn("1000 bytes", failed[2]["reason"])
        self.assertEqual(failed[2]["stream"], "depth")
        self.assertEqual(failed[4]["stream"], "depth")
        self.assertEqual(failed[5]["stream"], "color")
        self.assertEqual(failed[2]["file"],
                         os.path.join(trial, "cam1/depth/frame_000002.raw"))
        self.assertIsNone(failed[4]["file"])  # no depth file at all
        self.assertEqual(failed[5]["file"],
                         os.path.join(trial, "cam1/color/frame_000005.png"))
        self.assertIn("3 failed", proc.stdout)
        self.assertFalse(os.path.exists(
            os.path.join(out, "t/cam1/depth/frame_000002.npy")))
        self.assertFalse(os.path.exists(
            os.path.join(out, "t/cam1/color/frame_000005.png")))
        self.assertEqual(leftovers(out), [])

    def test_fifo_frame_fails_without_blocking(self):
        trial = self.p("t")
        make_sample(trial, "--size", "64x48", "--start", "1", "--frames", "3")
        color = os.path.join(trial, "cam1/color/frame_000002.png")
        os.remove(color)
        os.mkfifo(self.p("pipe"))
        os.symlink(self.p("pipe"), color)
        proc = run(trial, "-o", self.p("out"), check_status=1, timeout=60)
        meta = self.metadata(self.p("out"), "t", "cam1")
        self.assertEqual([f["frame"] for f in meta["failed_frames"]], [2])
        self.assertIn("not a regular file", meta["failed_frames"][0]["reason"])
        self.assertIn("1 failed", proc.stdout)

    def test_not_a_trial(self):
        empty = self.p("empty")
        os.mkdir(empty)
        proc = run(empty, "-o", self.p("out"), check_status=2)
        self.assertIn("color", proc.stderr)
        proc = run(self.p("missing"), check_status=2)
        self.assertIn("missing", proc.stderr)
        trial = self.p("t")
        make_sample(trial, "--size", "32x24", "--frames", "2")
        proc = run(trial, "--camera", "cam9", "-o", self.p("out"),
                   check_status=2)
        self.assertIn("cam9", proc.stderr)
        self.assertIn("cam1", proc.stderr)

    def test_usage_errors(self):
        for args in (["--shard", "0/3", "x"], ["--shard", "4/3", "x"],
                     ["--color-mode", "fast", "x"], [],
                     ["--camera", "cam1", "--all", "x"],
                     ["--start", "9", "--stop", "3", "x"]):
            proc = run(*args, check_status=2)
            self.assertTrue(proc.stderr.strip(), args)

    def test_disk_full(self):
        full = self.p("full")
        os.mkdir(full)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs",
                           full], stderr=subprocess.DEVNULL).returncode != 0:
            self.skipTest("cannot mount a small tmpfs here")
        trial = self.p("t")
        make_sample(trial, "--frames", "8")
        proc = run(trial, "-o", full, check_status=3)
        self.assertIn("No space left", proc.stdout + proc.stderr)
        self.assertEqual(leftovers(full), [])
        for base, _, files in os.walk(full):
            for name in files:
                if name.endswith(".png"):
                    with Image.open(os.path.join(base, name)) as im:
                        im.load()  # every file present is whole


class Resume(Base):
    """Interrupted runs complete with --resume, identical to a clean run."""

    def test_kill_and_resume(self):
        trial = self.p("t")
        make_sample(trial, "--size", "320x240", "--frames", "60")
        clean = self.p("clean")
        run(trial, "-o", clean, "-j", "1", check_status=0)
        out = self.p("out")
        for delay in (0.3, 0.6):
            proc = subprocess.Popen([TRIAL_PROCESS, trial, "-o", out, "-j", "1",
                                     "--resume", "-q"])
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        run(trial, "-o", out, "--resume", check_status=0)
        self.assertEqual(tree_bytes(out), tree_bytes(clean))
        self.assertEqual(leftovers(out), [])
        meta = self.metadata(out, "t", "cam1")
        self.assertTrue(meta["complete"])
        self.assertEqual(meta["successful"], 60)

    def test_stale_temporaries_removed_others_kept(self):
        trial = self.p("t")
        make_sample(trial, "--size", "64x48", "--frames", "3")
        out = self.p("out")
        color = os.path.join(out, "t", "cam1", "color")
        os.makedirs(color)
        for name in (".frame_000001.png.tmp-ab12CD", ".notes.txt.tmp-abcdef",
                     ".frame_000001.npy.tmp-ab12CD"):
            with open(os.path.join(color, name), "w") as f:
                f.write("x")
        run(trial, "-o", out, check_status=0)
        self.assertEqual(sorted(n for n in os.listdir(color) if n[0] == "."),
                         [".frame_000001.npy.tmp-ab12CD",
                          ".notes.txt.tmp-abcdef"])

    def test_resume_skips_finished_frames(self):
        trial = self.p("t")
        make_sample(trial, "--size", "64x48", "--frames", "10")
        out = self.p("out")
        run(trial, "-o", out, check_status=0)
        for n in (7, 8):
            os.remove(os.path.join(out, "t/cam1/depth/frame_%06d.npy" % n))
        run(trial, "-o", out, "--resume", check_status=0)
        meta = self.metadata(out, "t", "cam1")
        self.assertEqual(meta["resumed_from_frames"], 7)
        self.assertEqual(meta["successful"], 10)
        self.assertTrue(os.path.exists(
            os.path.join(out, "t/cam1/depth/frame_000008.npy")))

    def test_sigint_marks_incomplete(self):
        trial = self.p("t")
        make_sample(trial, "--size", "640x480", "--frames", "200")
        out = self.p("out")
        proc = subprocess.Popen([TRIAL_PROCESS, trial, "-o", out, "-j", "1",
                                 "--color-mode", "reencode"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130)
        meta = self.metadata(out, "t", "cam1")
        self.assertFalse(meta["complete"])
        self.assertTrue(meta["interrupted"])
        self.assertLess(meta["successful"], 200)
        self.assertEqual(leftovers(out), [])


class Shards(Base):
    """--shard K/N splits the (trial, camera) jobs exactly."""

    def test_shards_cover_every_job_once(self):
        trials = []
        for i in range(3):
            t = self.p(f"trial_{i}")
            make_sample(t, "--cameras", "2", "--size", "32x24", "--frames", "2",
                        "--seed", str(i + 1))
            trials.append(t)
        seen = []
        for k in (1, 2, 3):
            proc = run(*trials, "--all", "--shard", f"{k}/3", "--json",
                       "-o", self.p("out"), check_status=0)
            jobs = [(m["trial_name"], m["camera_id"])
                    for m in map(json.loads, proc.stdout.splitlines())]
            self.assertEqual(len(jobs), 2)
            seen += jobs
        self.assertEqual(sorted(seen), sorted(
            (f"trial_{i}", c) for i in range(3) for c in ("cam1", "cam2")))


class Preview(Base):
    """--preview shows frames in a window and changes nothing on disk."""

    def test_preview_needs_a_display(self):
        env = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        proc = run("--preview", "x", env=env, check_status=2)
        self.assertIn("display", proc.stderr)

    def test_preview_output_identical(self):
        if shutil.which("xvfb-run") is None:
            self.skipTest("xvfb-run is not installed")
        trial = self.p("t")
        make_sample(trial, "--size", "160x120", "--frames", "40")
        run(trial, "-o", self.p("plain"), check_status=0)
        proc = subprocess.run(
            ["xvfb-run", "-a", "-s", "-screen 0 1024x480x24", TRIAL_PROCESS,
             trial, "-o", self.p("shown"), "--preview"],
            capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(tree_bytes(self.p("shown")), tree_bytes(self.p("plain")))
        self.assertEqual(self.metadata(self.p("shown"), "t", "cam1")["successful"],
                         40)


EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "..", "examples", "cluster")


class ClusterScripts(Base):
    """examples/cluster scripts split and convert every (trial, camera) job.
    (Slurm itself is exercised by the cluster test; here the array task
    environment is given by hand.)"""

    def make_trials(self):
        listing = self.p("trials.txt")
        with open(listing, "w") as f:
            f.write("# trials\n")
            for i in range(3):
                t = self.p(f"trial_{i}")
                make_sample(t, "--cameras", "2", "--size", "32x24",
                            "--frames", "2", "--seed", str(i + 1))
                f.write(t + "\n\n")
        return listing

    def expected_outputs(self, out):
        for i in range(3):
            for cam in ("cam1", "cam2"):
                meta = self.metadata(out, f"trial_{i}", cam)
                self.assertTrue(meta["complete"])
                self.assertEqual(meta["successful"], 2)

    def test_slurm_array_tasks(self):
        listing = self.make_trials()
        out = self.p("out")
        seen = []
        for first in (0, 1):
            shutil.rmtree(out, ignore_errors=True)
            for task in range(first, first + 3):
                env = dict(os.environ, SLURM_ARRAY_TASK_MIN=str(first),
                           SLURM_ARRAY_TASK_ID=str(task),
                           SLURM_ARRAY_TASK_COUNT="3", SLURM_CPUS_PER_TASK="1")
                proc = subprocess.run(
                    ["bash", os.path.join(EXAMPLES, "slurm-array.sh"), listing,
                     out], env=env, capture_output=True, text=True)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertIn(f"shard {task - first + 1}/3 of 3 trials",
                              proc.stdout)
                seen += [l.split(":")[0] for l in proc.stdout.splitlines()
                         if ": done," in l]
            self.expected_outputs(out)
        jobs = [f"trial_{i}/{c}" for i in range(3) for c in ("cam1", "cam2")]
        self.assertEqual(sorted(seen), sorted(2 * jobs))  # once per numbering

    def test_gnu_parallel(self):
        if shutil.which("parallel") is None:
            self.skipTest("GNU parallel is not installed")
        listing = self.make_trials()
        out = self.p("out")
        proc = subprocess.run(
            ["bash", os.path.join(EXAMPLES, "parallel.sh"), listing, out],
            capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.expected_outputs(out)
        with open(os.path.join(out, "parallel.joblog")) as f:
            self.assertEqual(len(f.read().splitlines()), 4)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], *sys.argv[1:]], verbosity=2)
