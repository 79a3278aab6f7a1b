#!/usr/bin/env python3
"""End-to-end tests of trial-process on generated trials.

Run by meson with TRIAL_PROCESS, TRIAL_MAKE_SAMPLE and GST_PLUGIN_PATH_1_0 set;
one TestCase class per meson test (its name is the first argument). Outputs
are checked against the inputs with independent readers: numpy for .raw/.npy,
Pillow for PNG/JPEG."""
import json
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tap  # noqa: E402  tests/tap.py

try:
    import numpy as np
    from PIL import Image
except ImportError as exc:
    tap.skip_all(f"{exc} (apt install python3-numpy python3-pil)")

TRIAL_PROCESS = os.environ["TRIAL_PROCESS"]
MAKE_SAMPLE = os.environ["TRIAL_MAKE_SAMPLE"]

from faultshim import need_shim, plain_env, shim_env  # noqa: E402

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

    def test_one_scan_per_job(self):
        """trialsrc streams the layout trial-process scanned (its `layout`
        property) and scans nothing itself: its debug log says so once per
        job, and the range and camera of that scan are what is written."""
        trial = self.p("t")
        make_sample(trial, "--cameras", "2", "--size", "32x24", "--frames",
                    "5")
        env = dict(os.environ, GST_DEBUG="trialsrc:5", GST_DEBUG_NO_COLOR="1")
        proc = run(trial, "--all", "--start", "1", "--stop", "3", "-o",
                   self.p("out"), "-q", env=env, check_status=0)
        streamed = [l for l in proc.stderr.splitlines()
                    if "streaming the layout the application scanned" in l]
        self.assertEqual(len(streamed), 2, proc.stderr[-2000:])
        for cam in ("cam1", "cam2"):
            self.assertEqual(frame_numbers(self.p("out", "t", cam, "color"),
                                           ".png"), [1, 2, 3])

    def test_json_is_utf8_in_any_locale(self):
        trial = self.p("tête")
        make_sample(trial, "--size", "32x24", "--frames", "2")
        env = dict(os.environ, LC_ALL="C", LANG="C")
        proc = subprocess.run([TRIAL_PROCESS, trial, "-o", self.p("out"),
                               "--json", "-q"], env=env, capture_output=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        meta = json.loads(proc.stdout.decode("utf-8"))
        self.assertEqual(meta["trial_name"], "tête")


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

    def test_verify_levels(self):
        """A PNG whose adler32 is wrong behind valid CRCs (a faulty encoder):
        --verify data (the default) fails it, --verify chunks copies it as it
        is."""
        trial = self.p("t")
        make_sample(trial, "--size", "64x48", "--start", "1", "--frames", "3")
        path = os.path.join(trial, "cam1/color/frame_000002.png")
        with open(path, "rb") as f:
            data = bytearray(f.read())
        # last IDAT: its data ends with the zlib adler32, then its CRC, IEND
        pos, last = 8, None
        while pos < len(data):
            length = int.from_bytes(data[pos:pos + 4], "big")
            if data[pos + 4:pos + 8] == b"IDAT":
                last = pos
            pos += 12 + length
        length = int.from_bytes(data[last:last + 4], "big")
        end = last + 8 + length
        self.assertEqual(data[end + 4:end + 12], b"\0\0\0\0IEND")
        data[end - 1] ^= 0x5A
        data[end:end + 4] = zlib.crc32(bytes(data[last + 4:end])).to_bytes(
            4, "big")
        with open(path, "wb") as f:
            f.write(data)

        out = self.p("chunks")
        run(trial, "-o", out, "--verify", "chunks", check_status=0)
        meta = self.metadata(out, "t", "cam1")
        self.assertEqual(meta["verify"], "chunks")
        self.assertEqual(meta["failed"], 0)
        with open(os.path.join(out, "t/cam1/color/frame_000002.png"), "rb") as f:
            self.assertEqual(f.read(), bytes(data))

        out = self.p("data")
        run(trial, "-o", out, check_status=1)
        meta = self.metadata(out, "t", "cam1")
        self.assertEqual(meta["verify"], "data")
        self.assertEqual([(f["frame"], f["stream"]) for f in meta["failed_frames"]],
                         [(2, "color")])
        self.assertIn("incorrect data check", meta["failed_frames"][0]["reason"])
        self.assertFalse(os.path.exists(
            os.path.join(out, "t/cam1/color/frame_000002.png")))

        proc = run(trial, "-o", out, "--verify", "pixels", check_status=2)
        self.assertIn("--verify must be chunks or data, not 'pixels'",
                      proc.stderr)

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
            tap.missing("mounting a small tmpfs (needs root)")
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

    def stream_files(self, job):
        """The final names in color/ and depth/ as frame numbers; each is
        whole (Pillow decodes it, numpy loads it)."""
        got = {}
        for stream, ext in (("color", "png"), ("depth", "npy")):
            folder = os.path.join(job, stream)
            got[stream] = frame_numbers(folder, "." + ext)
            for n in got[stream]:
                path = os.path.join(folder, "frame_%06d.%s" % (n, ext))
                if ext == "npy":
                    np.load(path)
                else:
                    rgb_pixels(path)
        return got

    def test_kill_and_resume(self):
        """SIGKILL right after both files of frame 19 are renamed, then a
        --resume killed after its 10th file, then a last --resume."""
        need_shim(self)
        trial = self.p("t")
        make_sample(trial, "--size", "64x48", "--frames", "60")
        clean = self.p("clean")
        run(trial, "-o", clean, "-j", "1", check_status=0)
        out = self.p("out")
        job = os.path.join(out, "t", "cam1")
        proc = run(trial, "-o", out, "-j", "1", "--resume", "-q",
                   env=shim_env(MATCH="frame_000019.", SIGNAL_AFTER=2,
                                SIGNAL=int(signal.SIGKILL)))
        self.assertEqual(proc.returncode, -signal.SIGKILL, proc.stderr)
        got = self.stream_files(job)
        # each stream writes in order: one stopped at frame 19, the other
        # may have gone on
        self.assertEqual(min(len(got["color"]), len(got["depth"])), 20)
        for stream in got:
            self.assertEqual(got[stream], list(range(len(got[stream]))))
        self.assertFalse(os.path.exists(os.path.join(job, "metadata.json")))

        # killed after its 10th file of either stream: at least 40 are
        # left to write (one stream stopped at frame 19), however far the
        # other had gone
        before = len(got["color"]) + len(got["depth"])
        proc = run(trial, "-o", out, "-j", "1", "--resume", "-q",
                   env=shim_env(MATCH=os.path.join(job, ""),
                                SIGNAL_AFTER=10, SIGNAL=int(signal.SIGKILL)))
        self.assertEqual(proc.returncode, -signal.SIGKILL, proc.stderr)
        got = self.stream_files(job)
        for stream in got:
            self.assertEqual(got[stream], list(range(len(got[stream]))))
        self.assertEqual(len(got["color"]) + len(got["depth"]), before + 10)
        self.assertFalse(os.path.exists(os.path.join(job, "metadata.json")))

        run(trial, "-o", out, "--resume", check_status=0, env=plain_env())
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
        """SIGINT right after both files of frame 29 are renamed: frames
        0-29 at least are whole, the frames written until the pipeline
        stopped are whole or removed, and metadata.json counts exactly the
        whole frames on disk."""
        need_shim(self)
        trial = self.p("t")
        make_sample(trial, "--size", "64x48", "--frames", "200")
        out = self.p("out")
        proc = run(trial, "-o", out, "-j", "1",
                   env=shim_env(MATCH="frame_000029.", SIGNAL_AFTER=2,
                                SIGNAL=int(signal.SIGINT)), timeout=60)
        self.assertEqual(proc.returncode, 130, proc.stderr)
        meta = self.metadata(out, "t", "cam1")
        self.assertFalse(meta["complete"])
        self.assertTrue(meta["interrupted"])
        self.assertEqual(meta["failed"], 0)
        # no upper bound: on a loaded machine the tiny frames can all be
        # written before the pipeline stops; what holds either way is that
        # the record counts exactly the whole frames on disk
        written = meta["successful"]
        self.assertGreaterEqual(written, 30)
        got = self.stream_files(os.path.join(out, "t", "cam1"))
        self.assertEqual(got, {"color": list(range(written)),
                               "depth": list(range(written))})
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
            tap.missing("xvfb-run (apt install xvfb xauth)")
        trial = self.p("t")
        make_sample(trial, "--size", "160x120", "--frames", "40")
        run(trial, "-o", self.p("plain"), check_status=0)
        proc = subprocess.run(
            [*tap.xvfb_run("1024x480x24"), TRIAL_PROCESS,
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
            tap.missing("GNU parallel (apt install parallel)")
        listing = self.make_trials()
        out = self.p("out")
        proc = subprocess.run(
            ["bash", os.path.join(EXAMPLES, "parallel.sh"), listing, out],
            capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.expected_outputs(out)
        with open(os.path.join(out, "parallel.joblog")) as f:
            self.assertEqual(len(f.read().splitlines()), 4)


class Summary(Base):
    """--summarize: totals, incomplete jobs and failed frames, text and
    JSON, exit status; a broken metadata.json is reported, not trusted."""

    def summarize(self, root, *args):
        return run("--summarize", root, *args, timeout=60)

    def json_summary(self, root, status):
        proc = self.summarize(root, "--json")
        self.assertEqual(proc.returncode, status, proc.stdout + proc.stderr)
        self.assertEqual(proc.stderr, "")
        return json.loads(proc.stdout)

    def convert(self, name, *sample_args, status=0):
        trial = self.p(name)
        make_sample(trial, "--size", "32x24", *sample_args)
        run(trial, "--all", "-o", self.p("out"), check_status=status)

    def all_metadata(self, root):
        return [json.load(open(os.path.join(b, "metadata.json")))
                for b, _, fs in sorted(os.walk(root)) if "metadata.json" in fs]

    def test_rerun_killed_is_not_complete(self):
        """A rerun killed before it wrote metadata.json does not leave the
        earlier run's 'complete' behind."""
        need_shim(self)
        trial = self.p("big")
        make_sample(trial, "--size", "64x48", "--frames", "200")
        out = self.p("out")
        run(trial, "-o", out, "--stop", "2", check_status=0)
        self.assertEqual(self.json_summary(out, 0)["complete_jobs"], 1)
        # killed right after its 10th color file
        proc = run(trial, "-o", out, "-j", "1", "-q", timeout=60,
                   env=shim_env(MATCH=os.path.join(out, "big", "cam1",
                                                   "color", ""),
                                SIGNAL_AFTER=10, SIGNAL=int(signal.SIGKILL)))
        self.assertEqual(proc.returncode, -signal.SIGKILL, proc.stderr)
        summary = self.json_summary(out, 3)
        self.assertEqual([(p["job"], p["state"]) for p in summary["problems"]],
                         [("big/cam1", "no-metadata")])

    def test_complete(self):
        self.convert("multi", "--cameras", "2", "--frames", "5")
        self.convert("single", "--layout", "single", "--start", "231",
                     "--frames", "7", "--gap-every", "3")
        out = self.p("out")
        summary = self.json_summary(out, 0)
        metas = self.all_metadata(out)
        seconds = sum(m["processing_time_seconds"] for m in metas)
        converted = sum(m["converted_frames"] for m in metas)
        self.assertEqual(
            {k: v for k, v in summary.items() if "processing" not in k},
            {"root": out, "status": 0, "trials": 2, "jobs": 3,
             "complete_jobs": 3, "incomplete_jobs": 0,
             "jobs_with_failed_frames": 0, "total_frames": 17,
             "successful": 17, "failed": 0, "damaged_outputs": 0,
             "converted_frames": 17, "problems": [],
             "unreadable_folders": []})
        self.assertAlmostEqual(summary["processing_time_seconds"], seconds)
        # rounded to 2 decimals; jobs of a few tiny frames can each record
        # 0.00 s on a fast machine, and then there is no rate (0)
        fps = converted / seconds if seconds > 0 else 0.0
        self.assertAlmostEqual(summary["processing_fps"], fps, delta=0.00501)
        proc = self.summarize(out)
        self.assertEqual(proc.returncode, 0)
        self.assertEqual(proc.stdout.splitlines(), [
            f"{out}: 2 trials, 3 jobs (one per camera)",
            "  jobs: 3 complete, 0 incomplete, 0 with failed frames",
            "  frames: 17 in all, 17 written, 0 failed",
            f"  speed: 17 frames converted in {seconds:.2f} s of job time, "
            f"{fps:.1f} fps",
            "every job complete, no failed frame"])
        # A trial folder or one job folder is a root too.
        self.assertEqual(self.json_summary(os.path.join(out, "multi"),
                                           0)["jobs"], 2)
        self.assertEqual(self.json_summary(os.path.join(out, "multi", "cam2"),
                                           0)["total_frames"], 5)
        # Run again with --resume: nothing converted, still complete.
        run(self.p("multi"), self.p("single"), "--all", "--resume", "-o", out,
            check_status=0)
        summary = self.json_summary(out, 0)
        self.assertEqual((summary["successful"], summary["converted_frames"],
                          summary["processing_fps"]), (17, 0, 0))

    def test_failed_frames(self):
        self.convert("good", "--frames", "4")
        trial = self.p("t")
        make_sample(trial, "--size", "64x48", "--start", "1", "--frames", "6")
        with open(os.path.join(trial, "cam1/depth/frame_000002.raw"), "wb") as f:
            f.write(b"\0" * 1000)
        os.remove(os.path.join(trial, "cam1/depth/frame_000004.raw"))
        out = self.p("out")
        run(trial, "-o", out, check_status=1)
        listed = self.metadata(out, "t", "cam1")["failed_frames"]
        reasons = {f["frame"]: f["reason"] for f in listed}
        self.assertEqual(sorted(reasons), [2, 4])
        listed.sort(key=lambda f: f["frame"])   # listed by frame number
        summary = self.json_summary(out, 1)
        self.assertEqual(
            (summary["jobs"], summary["complete_jobs"],
             summary["jobs_with_failed_frames"], summary["total_frames"],
             summary["successful"], summary["failed"]), (2, 2, 1, 10, 8, 2))
        self.assertEqual(summary["problems"], [{
            "job": "t/cam1", "path": os.path.join(out, "t", "cam1"),
            "state": "complete", "reason": None, "total_frames": 6,
            "successful": 4, "failed": 2,
            "failed_frames": [{k: f[k] for k in ("frame", "stream", "reason")}
                              for f in listed],
            "failed_frames_not_shown": 0, "damaged_outputs": [],
            "damaged_outputs_not_shown": 0}])
        self.assertIn("is 1000 bytes", reasons[2])
        proc = self.summarize(out)
        self.assertEqual(proc.returncode, 1)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[-5:], [
            "incomplete jobs and failed frames:",
            "  t/cam1: complete, 4 of 6 frames written, 2 failed",
            *(f"    frame {f['frame']} depth: {f['reason']}" for f in listed),
            "every job complete; 2 frames failed, reasons above"])

    def test_many_failed_frames_shown_in_part(self):
        self.convert("nodepth", "--frames", "14", "--depth", "none", status=1)
        out = self.p("out")
        # Listed by frame number, whatever the order in metadata.json.
        path = os.path.join(out, "nodepth", "cam1", "metadata.json")
        meta = json.load(open(path))
        meta["failed_frames"].sort(key=lambda f: -f["frame"])
        with open(path, "w") as f:
            json.dump(meta, f)
        summary = self.json_summary(out, 1)
        problem = summary["problems"][0]
        self.assertEqual([f["frame"] for f in problem["failed_frames"]],
                         list(range(10)))
        self.assertEqual(problem["failed_frames"][3]["reason"],
                         "no depth file for frame 3: the trial has no depth "
                         "folder")
        self.assertEqual(problem["failed_frames_not_shown"], 4)
        text = self.summarize(out).stdout
        self.assertIn("    frame 9 depth: no depth file for frame 9", text)
        self.assertNotIn("frame 10 depth", text)
        self.assertIn("    ... 4 more in %s\n" % os.path.join(
            out, "nodepth", "cam1", "metadata.json"), text)

    def test_incomplete_jobs(self):
        self.convert("done", "--cameras", "3", "--frames", "4")
        out = self.p("out")
        # Killed before it wrote metadata.json (or still running).
        os.remove(os.path.join(out, "done", "cam2", "metadata.json"))
        # Stopped on an error, as a full disk does.
        path = os.path.join(out, "done", "cam3", "metadata.json")
        meta = json.load(open(path))
        meta.update(complete=False, successful=1,
                    error="trialsink1: No space left on device")
        with open(path, "w") as f:
            json.dump(meta, f)
        # Interrupted by a signal, right after both files of frame 29.
        need_shim(self)
        trial = self.p("big")
        make_sample(trial, "--size", "64x48", "--frames", "200")
        proc = run(trial, "-o", out, "-j", "1", "-q",
                   env=shim_env(MATCH="frame_000029.", SIGNAL_AFTER=2,
                                SIGNAL=int(signal.SIGINT)), timeout=60)
        self.assertEqual(proc.returncode, 130, proc.stderr)
        written = self.metadata(out, "big", "cam1")["successful"]
        self.assertGreaterEqual(written, 30)
        self.assertEqual(
            [frame_numbers(os.path.join(out, "big", "cam1", stream), ext)
             for stream, ext in (("color", ".png"), ("depth", ".npy"))],
            [list(range(written))] * 2)

        summary = self.json_summary(out, 3)
        self.assertEqual(
            (summary["trials"], summary["jobs"], summary["complete_jobs"],
             summary["incomplete_jobs"], summary["total_frames"],
             summary["successful"]), (2, 4, 1, 3, 4 + 4 + 200, 4 + 1 + written))
        problems = {p["job"]: p for p in summary["problems"]}
        self.assertEqual(sorted(problems), ["big/cam1", "done/cam2",
                                            "done/cam3"])
        self.assertEqual(
            (problems["big/cam1"]["state"], problems["big/cam1"]["reason"],
             problems["big/cam1"]["total_frames"]),
            ("interrupted", None, 200))
        self.assertEqual(
            (problems["done/cam2"]["state"], problems["done/cam2"]["reason"],
             problems["done/cam2"]["total_frames"]),
            ("no-metadata", None, None))
        self.assertEqual(
            (problems["done/cam3"]["state"], problems["done/cam3"]["reason"],
             problems["done/cam3"]["successful"]),
            ("stopped", "trialsink1: No space left on device", 1))
        proc = self.summarize(out)
        self.assertEqual(proc.returncode, 3)
        self.assertEqual(proc.stdout.splitlines()[-5:], [
            "incomplete jobs and failed frames:",
            f"  big/cam1: interrupted, {written} of 200 frames written, "
            "0 failed",
            "  done/cam2: no metadata.json: killed before it ended, or still "
            "running",
            "  done/cam3: stopped: trialsink1: No space left on device, 1 of "
            "4 frames written, 0 failed",
            "not complete: run the same command again (with --resume) to "
            "finish 3 incomplete jobs"])

    def test_broken_metadata(self):
        self.convert("t", "--cameras", "2", "--frames", "3")
        out = self.p("out")
        good = open(os.path.join(out, "t", "cam1", "metadata.json")).read()
        meta = json.loads(good)
        cases = {
            "empty": ("", "holds nothing, expected an object"),
            "cut": (good[:len(good) // 2], "is not JSON"),
            "array": ("[1, 2]", "holds an array, expected an object"),
            "no_complete": (json.dumps({k: v for k, v in meta.items()
                                        if k != "complete"}),
                            "field 'complete' is missing"),
            "text_count": (json.dumps(dict(meta, total_frames="3")),
                           "field 'total_frames' is a string, expected an "
                           "integer"),
            "negative": (json.dumps(dict(meta, failed=-1)),
                         "field 'failed' is -1, expected 0 to 4294967295"),
            "huge": (json.dumps(dict(meta, successful=2 ** 40)),
                     "field 'successful' is 1099511627776, expected 0 to "
                     "4294967295"),
            "too_many": (json.dumps(dict(meta, failed=2)),
                         "successful (3) + failed (2) is more than "
                         "total_frames (3)"),
            # -1 before the digits: a job of 0.00 s would give -0.0,
            # which is not negative
            "negative_time": (good.replace('"processing_time_seconds" : ',
                                      '"processing_time_seconds" : -1'),
                         "field 'processing_time_seconds' is -"),
            "bad_list": (json.dumps(dict(meta, failed_frames={"frame": 1})),
                         "field 'failed_frames' is an object, expected an "
                         "array"),
            "bad_entry": (json.dumps(dict(meta, failed_frames=[{"x": 1}])),
                          "failed_frames[0] has no integer 'frame'"),
        }
        for name, (text, _) in cases.items():
            job = os.path.join(out, "broken", name)
            os.makedirs(job)
            with open(os.path.join(job, "metadata.json"), "w") as f:
                f.write(text)
        # Not regular files: must not block or be read.
        os.makedirs(os.path.join(out, "broken", "fifo"))
        os.mkfifo(os.path.join(out, "broken", "fifo", "metadata.json"))
        os.makedirs(os.path.join(out, "broken", "folder", "metadata.json"))
        cases["fifo"] = ("", "is not a regular file")
        cases["folder"] = ("", "is not a regular file")
        # Not followed: a link loop, a link to the good job.
        os.symlink(out, os.path.join(out, "loop"))
        os.symlink(os.path.join(out, "t"), os.path.join(out, "t_link"))

        summary = self.json_summary(out, 3)
        problems = {p["job"]: p for p in summary["problems"]}
        self.assertEqual(sorted(problems),
                         sorted("broken/" + n for n in cases))
        for name, (_, reason) in cases.items():
            problem = problems["broken/" + name]
            self.assertEqual(problem["state"], "bad-metadata", name)
            path = os.path.join(out, "broken", name, "metadata.json")
            self.assertTrue(problem["reason"].startswith(f"'{path}'"),
                            (name, problem["reason"]))
            self.assertIn(reason, problem["reason"], name)
            self.assertEqual((problem["total_frames"], problem["failed"],
                              problem["failed_frames"]), (None, None, []))
        # Broken jobs count as jobs, not as frames.
        self.assertEqual(
            (summary["trials"], summary["jobs"], summary["complete_jobs"],
             summary["total_frames"], summary["successful"]),
            (2, 2 + len(cases), 2, 6, 6))
        proc = self.summarize(out)
        self.assertEqual(proc.returncode, 3)
        self.assertIn("  broken/array: bad metadata.json: '%s' holds an array, "
                      "expected an object\n" % os.path.join(
                          out, "broken", "array", "metadata.json"),
                      proc.stdout)

    def test_names_not_utf8(self):
        self.convert("t", "--frames", "2")
        out = self.p("out")
        os.rename(os.path.join(out, "t").encode(),
                  os.path.join(out, "t").encode() + b"\xff")
        os.remove(os.path.join(out, "t").encode() + b"\xff/cam1/metadata.json")
        proc = subprocess.run([TRIAL_PROCESS, "--summarize", out, "--json"],
                              capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 3)
        summary = json.loads(proc.stdout.decode("utf-8"))
        self.assertEqual(summary["problems"][0]["job"], "t\ufffd/cam1")

    def test_not_an_output(self):
        proc = self.summarize(self.p("missing"))
        self.assertEqual((proc.returncode, proc.stdout), (2, ""))
        self.assertIn("cannot read '%s': No such file or directory"
                      % self.p("missing"), proc.stderr)
        with open(self.p("file"), "w") as f:
            f.write("x")
        proc = self.summarize(self.p("file"), "--json")
        self.assertEqual((proc.returncode, proc.stdout), (2, ""))
        self.assertIn("'%s' is not a folder" % self.p("file"), proc.stderr)
        os.makedirs(self.p("empty", "sub"))
        proc = self.summarize(self.p("empty"))
        self.assertEqual((proc.returncode, proc.stdout), (2, ""))
        self.assertIn("no job below '%s'" % self.p("empty"), proc.stderr)
        proc = run("--summarize", self.p("empty"), self.p("trial"))
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--summarize DIR takes no TRIAL", proc.stderr)



def file_bytes(root):
    """Every file below @root (metadata.json too) with its bytes."""
    out = {}
    for base, _, files in os.walk(root):
        for name in files:
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


class Apart(Base):
    """Each job gets its own output folder, and no output is ever written
    over or into the folders of the input files (issue 15 items 1, 2)."""

    def refused(self, args, message, cwd=None):
        """trial-process refuses with exit 2 and @message, writing nothing:
        every file under the test folder keeps its bytes."""
        before = file_bytes(self.tmp)
        proc = run(*args, cwd=cwd)
        self.assertEqual((proc.returncode, proc.stdout), (2, ""), proc.stderr)
        self.assertEqual(proc.stderr, f"trial-process: {message}\n")
        self.assertEqual(file_bytes(self.tmp), before)

    def test_same_trial_name_refused(self):
        for s in ("s1", "s2"):
            make_sample(self.p(s, "trial_1"), "--size", "32x24", "--frames",
                        "2", "--seed", s[1])
        out = self.p("out")
        a, b = self.p("s1", "trial_1"), self.p("s2", "trial_1")
        self.refused(
            [a, b + "/", "-o", out],
            f"'{a}' and '{b}/' are both named 'trial_1': their outputs would "
            f"mix in '{out}/trial_1'; convert them with different -o")
        self.assertFalse(os.path.exists(out))
        # Every shard refuses, not only the one holding both.
        for shard in ("1/2", "2/2"):
            proc = run(a, b, "-o", out, "--shard", shard)
            self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertFalse(os.path.exists(out))
        # The same trial twice is one output folder too.
        self.refused(
            [a, a, "-o", out],
            f"'{a}' and '{a}' are both named 'trial_1': their outputs would "
            f"mix in '{out}/trial_1'; convert them with different -o")
        # Apart, both convert, each as itself.
        run(a, "-o", out, check_status=0)
        run(b, "-o", self.p("out2"), check_status=0)
        self.assertEqual(self.metadata(out, "trial_1", "cam1")["trial_path"], a)

    def test_default_output_inside_the_trial(self):
        """The issue's case: trial_input/trial_1 converted from its parent
        with the default -o trial_input writes into the trial itself."""
        trial = self.p("trial_input", "trial_1")
        make_sample(trial, "--size", "32x24", "--frames", "2", "--depth", "npy")
        self.refused(
            ["trial_input/trial_1"],
            "output folder 'trial_input/trial_1/cam1' is inside "
            "'trial_input/trial_1', a folder of the input files of "
            "'trial_input/trial_1'; choose another -o", cwd=self.tmp)
        src = np.load(os.path.join(trial, "cam1", "depth", "frame_000000.npy"))
        self.assertEqual(src.dtype, np.dtype("<u2"))

    def test_single_camera_16bit_png_kept(self):
        trial = self.p("trial_input", "trial_1")
        make_sample(trial, "--layout", "single", "--size", "32x24", "--frames",
                    "2", "--depth", "png")
        # -o the trial's parent through a symbolic link
        os.symlink(self.p("trial_input"), self.p("link"))
        self.refused(
            [trial, "-o", self.p("link")],
            f"output folder '{self.p('link')}/trial_1/single_camera' is "
            f"inside '{trial}', a folder of the input files of '{trial}'; "
            "choose another -o")

    def test_dot_dot_after_a_link(self):
        """'link/..' is the parent of the link's target, not the folder
        holding the link: -o 'l/..' with l -> trial/cam1 is the trial."""
        trial = self.p("trial_input", "trial_1")
        make_sample(trial, "--size", "32x24", "--frames", "2")
        os.symlink(os.path.join(trial, "cam1"), self.p("l"))
        self.refused(
            [trial, "-o", self.p("l", "..")],
            f"output folder '{self.p('l', '..')}/trial_1/cam1' is inside "
            f"'{trial}', a folder of the input files of '{trial}'; choose "
            "another -o")

    def test_input_inside_the_output(self):
        """A trial stored inside the output folder of a job."""
        out = self.p("out")
        trial = os.path.join(out, "t", "cam1", "t")
        make_sample(trial, "--size", "32x24", "--frames", "2")
        self.refused(
            [trial, "-o", out],
            f"'{trial}', a folder of the input files of '{trial}', is inside "
            f"the output folder '{out}/t'; choose another -o")

    def test_stream_folder_linked_elsewhere(self):
        """A trial whose depth folder is a link to another disk's folder:
        -o inside that folder is refused too."""
        trial = self.p("t")
        make_sample(trial, "--size", "32x24", "--frames", "2")
        shutil.move(os.path.join(trial, "cam1", "depth"), self.p("disk2"))
        os.symlink(self.p("disk2"), os.path.join(trial, "cam1", "depth"))
        self.refused(
            [trial, "-o", self.p("disk2", "out")],
            f"output folder '{self.p('disk2', 'out')}/t/cam1' is inside "
            f"'{trial}/cam1/depth', a folder of the input files of '{trial}'; "
            "choose another -o")

    def test_bind_mount(self):
        """The same folder under a second name by a bind mount (root only):
        the device and inode give it away."""
        trial = self.p("t")
        make_sample(trial, "--size", "32x24", "--frames", "2")
        os.makedirs(self.p("bind"))
        if subprocess.run(["mount", "--bind", self.tmp, self.p("bind")],
                          stderr=subprocess.DEVNULL).returncode != 0:
            self.skipTest("mount --bind needs root")
        try:
            self.refused(
                [trial, "-o", self.p("bind", "t")],
                f"output folder '{self.p('bind', 't')}/t/cam1' is inside "
                f"'{trial}', a folder of the input files of '{trial}'; "
                "choose another -o")
        finally:
            subprocess.run(["umount", self.p("bind")], check=True)


class Lock(Base):
    """One writer per job: a second trial-process on the same output is
    refused at once and touches nothing (issue 15 item 3)."""

    LOCK = ".trial-process.lock"

    def hold_lock(self, job):
        """A process holding the lock of @job, as another trial-process
        does (a POSIX record lock); it lets go when its stdin closes. Not
        this process: closing any descriptor of the file here, even to read
        it, would release the lock."""
        holder = subprocess.Popen(
            [sys.executable, "-c",
             "import fcntl, sys\n"
             "f = open(sys.argv[1], 'a')\n"
             "fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
             "print('locked', flush=True)\n"
             "sys.stdin.read()\n", os.path.join(job, self.LOCK)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.assertEqual(holder.stdout.readline(), "locked\n")
        self.addCleanup(holder.stdout.close)
        self.addCleanup(holder.wait, 60)
        self.addCleanup(holder.stdin.close)
        return holder

    def test_held_lock_refused_names_the_holder(self):
        trial = self.p("t")
        make_sample(trial, "--size", "32x24", "--frames", "3")
        out = self.p("out")
        job = os.path.join(out, "t", "cam1")
        os.makedirs(os.path.join(job, "color"))
        # Another writer's state: its temporary file and metadata.json.
        for name, data in (("color/.frame_000001.png.tmp-ab12CD", "partial"),
                           ("metadata.json", "{}")):
            with open(os.path.join(job, name), "w") as f:
                f.write(data)
        holder = self.hold_lock(job)
        before = file_bytes(self.tmp)
        for args in ([], ["--resume"]):
            proc = run(trial, "-o", out, *args)
            self.assertEqual((proc.returncode, proc.stdout), (2, ""))
            self.assertEqual(
                proc.stderr,
                f"trial-process: '{job}' is being written by process "
                f"{holder.pid} (it holds '{job}/{self.LOCK}'); this job "
                "is left alone\n")
            self.assertEqual(file_bytes(self.tmp), before)
        holder.stdin.close()
        holder.wait(60)
        # Released: the stale temporary goes, the lock file is not an output.
        run(trial, "-o", out, check_status=0)
        self.assertEqual(sorted(os.listdir(job)),
                         ["color", "depth", "metadata.json"])
        self.assertEqual(leftovers(out), [])
        self.assertEqual(run("--summarize", out).returncode, 0)

    def test_other_jobs_still_run(self):
        for name in ("a", "b"):
            make_sample(self.p(name), "--size", "32x24", "--frames", "2")
        out = self.p("out")
        job = os.path.join(out, "a", "cam1")
        os.makedirs(job)
        holder = self.hold_lock(job)
        proc = run(self.p("a"), self.p("b"), "-o", out, "-q")
        holder.stdin.close()
        holder.wait(60)
        self.assertEqual(proc.returncode, 2, proc.stderr)
        self.assertEqual(os.listdir(job), [self.LOCK])
        self.assertTrue(self.metadata(out, "b", "cam1")["complete"])

    def test_second_instance_while_first_writes(self):
        """The issue's case: --resume started while another run writes the
        same job. The first is paused (SIGSTOP) after frame 5 is on disk."""
        trial = self.p("t")
        make_sample(trial, "--size", "640x480", "--frames", "60")
        out = self.p("out")
        color = os.path.join(out, "t", "cam1", "color")
        first = subprocess.Popen([TRIAL_PROCESS, trial, "-o", out, "-j", "1",
                                  "--color-mode", "reencode", "-q"])
        try:
            deadline = time.monotonic() + 60
            while not os.path.exists(os.path.join(color, "frame_000005.png")):
                self.assertIsNone(first.poll(), "the first run ended early")
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.01)
            first.send_signal(signal.SIGSTOP)
            self.assertIsNone(first.poll(), "the first run ended early")
            before = file_bytes(out)
            proc = run(trial, "-o", out, "--resume", timeout=60)
            self.assertEqual(proc.returncode, 2, proc.stderr)
            self.assertIn(f"is being written by process {first.pid} ",
                          proc.stderr)
            self.assertEqual(file_bytes(out), before)
        finally:
            first.send_signal(signal.SIGCONT)
        self.assertEqual(first.wait(60), 0)
        meta = self.metadata(out, "t", "cam1")
        self.assertEqual((meta["complete"], meta["successful"]), (True, 60))
        self.assertEqual(frame_numbers(color, "png"), list(range(60)))
        self.assertEqual(leftovers(out), [])

    def test_stale_lock_file_taken_over(self):
        """A run killed with -9 leaves its lock file; it holds no lock."""
        trial = self.p("t")
        make_sample(trial, "--size", "32x24", "--frames", "2")
        out = self.p("out")
        job = os.path.join(out, "t", "cam1")
        os.makedirs(job)
        with open(os.path.join(job, self.LOCK), "w") as f:
            f.write("12345\n")
        run(trial, "-o", out, check_status=0)
        self.assertFalse(os.path.exists(os.path.join(job, self.LOCK)))


class Limits(Base):
    """Options out of range are usage errors; every way of stopping a run
    leaves a metadata.json that says so (issue 15 item 10)."""

    def usage_error(self, args, message):
        proc = run(*args)
        self.assertEqual((proc.returncode, proc.stdout, proc.stderr),
                         (2, "", f"trial-process: {message}\n"))
        self.assertFalse(os.path.exists(self.p("out")))

    def test_out_of_range_options(self):
        trial = self.p("t")
        make_sample(trial, "--size", "32x24", "--frames", "2")
        out = self.p("out")
        self.usage_error([trial, "-o", out, "--threads", "100000"],
                         "--threads must be 0-1024 (0: one per processor), "
                         "not 100000")
        self.usage_error([trial, "-o", out, "--start", "-3"],
                         "--start must be a frame number >= 0, not -3")
        self.usage_error([trial, "-o", out, "--start", "-1"],
                         "--start must be a frame number >= 0, not -1")
        self.usage_error([trial, "-o", out, "--stop", "-3"],
                         "--stop must be a frame number >= 0, not -3")
        run(trial, "-o", out, "-j", "1024", "--start", "0", "--stop", "0",
            check_status=0)
        self.assertEqual(self.metadata(out, "t", "cam1")["num_workers"], 1024)

    def test_output_is_a_file(self):
        trial = self.p("t")
        make_sample(trial, "--size", "32x24", "--frames", "2")
        with open(self.p("file"), "w") as f:
            f.write("keep")
        proc = run(trial, "-o", self.p("file"))
        self.assertEqual((proc.returncode, proc.stdout, proc.stderr),
                         (2, "", f"trial-process: -o '{self.p('file')}' is a "
                          "file, expected a folder\n"))
        with open(self.p("file")) as f:
            self.assertEqual(f.read(), "keep")

    def wait_delivered(self, proc, sig):
        """Until @sig is no longer pending for @proc (its handler has run),
        or @proc has ended: signals sent together would merge into one."""
        deadline = time.monotonic() + 60
        while True:
            try:
                with open(f"/proc/{proc.pid}/status") as f:
                    fields = dict(line.split(":\t", 1) for line in f)
            except (FileNotFoundError, ProcessLookupError):
                return
            pending = int(fields["ShdPnd"], 16) | int(fields["SigPnd"], 16)
            if fields["State"].startswith("Z") \
                    or not pending & (1 << (sig - 1)):
                return
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.001)

    def interrupt(self, *signals):
        """Sends @signals one after the other (each once the one before it
        was delivered) once frame 5 is on disk; the exit status and
        metadata.json."""
        trial = self.p("t")
        make_sample(trial, "--size", "640x480", "--frames", "200")
        out = self.p("out")
        color = os.path.join(out, "t", "cam1", "color")
        proc = subprocess.Popen([TRIAL_PROCESS, trial, "-o", out, "-j", "1",
                                 "--color-mode", "reencode", "-q"])
        deadline = time.monotonic() + 60
        while not os.path.exists(os.path.join(color, "frame_000005.png")):
            self.assertIsNone(proc.poll(), "trial-process ended early")
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)
        for sig in signals:
            proc.send_signal(sig)
            self.wait_delivered(proc, sig)
        status = proc.wait(60)
        meta = self.metadata(out, "t", "cam1")
        written = min(len(frame_numbers(os.path.join(out, "t/cam1", stream),
                                        ext))
                      for stream, ext in (("color", "png"), ("depth", "npy")))
        self.assertLessEqual(meta["successful"], written)
        self.assertGreaterEqual(meta["successful"], 0)
        return status, meta

    def test_sighup_marks_interrupted(self):
        status, meta = self.interrupt(signal.SIGHUP)
        self.assertEqual(status, 130)
        self.assertEqual((meta["complete"], meta["interrupted"]),
                         (False, True))

    def test_second_ctrl_c_leaves_metadata(self):
        status, meta = self.interrupt(signal.SIGINT, signal.SIGINT)
        self.assertEqual(status, 130)
        self.assertEqual((meta["complete"], meta["interrupted"]),
                         (False, True))
        self.assertEqual(run("--summarize", self.p("out")).returncode, 3)


class SeedCommands(Base):
    """process_trial.py's command lines: TRIAL, TRIAL CAMERA, TRIAL --all
    (issue 18); a positional that is neither a trial nor a camera of the
    trial before it is refused before anything is written."""

    def setUp(self):
        super().setUp()
        make_sample(self.p("trial_1"), "--layout", "multi", "--cameras", "2",
                    "--size", "64x48", "--frames", "4")
        make_sample(self.p("trial_2"), "--layout", "multi", "--cameras", "2",
                    "--size", "32x24", "--frames", "3")

    def jobs(self):
        out = self.p("trial_input")
        if not os.path.isdir(out):
            return []
        return sorted(os.path.join(t, c) for t in os.listdir(out)
                      for c in os.listdir(os.path.join(out, t)))

    def seed(self, *args, status=0):
        return run(*args, cwd=self.tmp, check_status=status)

    def test_trial_alone_is_the_first_camera(self):
        self.seed("trial_1")
        self.assertEqual(self.jobs(), ["trial_1/cam1"])

    def test_trial_camera(self):
        proc = self.seed("trial_1", "cam2")
        self.assertEqual(self.jobs(), ["trial_1/cam2"])
        meta = self.metadata(self.p("trial_input"), "trial_1", "cam2")
        self.assertEqual((meta["camera_id"], meta["successful"]), ("cam2", 4))
        np.testing.assert_array_equal(
            rgb_pixels(self.p("trial_input", "trial_1", "cam2", "color",
                              "frame_000000.png")),
            rgb_pixels(self.p("trial_1", "cam2", "color", "frame_000000.png")))
        self.assertIn("trial_1/cam2: done, 4/4 frames ok", proc.stdout)

    def test_trial_all(self):
        self.seed("trial_1", "--all")
        self.assertEqual(self.jobs(), ["trial_1/cam1", "trial_1/cam2"])

    def test_cameras_follow_their_trial(self):
        self.seed("trial_1", "cam2", "cam1", "trial_2", "cam2")
        self.assertEqual(self.jobs(), ["trial_1/cam1", "trial_1/cam2",
                                       "trial_2/cam2"])
        proc = run("trial_1", "trial_2", "-o", "two", cwd=self.tmp,
                   check_status=0)
        self.assertEqual(len(proc.stdout.splitlines()), 2)

    def test_unknown_camera_refused_before_work(self):
        proc = self.seed("trial_1", "trial_2", "cam3", status=2)
        self.assertEqual(proc.stderr,
                         "trial-process: 'cam3' is neither a trial folder nor "
                         "a camera of 'trial_2' (its cameras: cam1, cam2)\n")
        self.assertEqual(proc.stdout, "")
        self.assertEqual(self.jobs(), [])

    def test_missing_trial_refused_before_work(self):
        proc = self.seed("nothing", "trial_1", status=2)
        self.assertEqual(proc.stderr, "trial-process: trial folder 'nothing' "
                         "does not exist\n")
        self.assertEqual(self.jobs(), [])

    def test_folder_named_like_a_camera_is_ambiguous(self):
        os.mkdir(self.p("cam2"))
        proc = self.seed("trial_1", "cam2", status=2)
        self.assertEqual(
            proc.stderr, "trial-process: 'cam2' is both a folder here and a "
            "camera of the trial 'trial_1' before it; did you mean --camera "
            "cam2 (or ./cam2 to convert the folder as a trial)?\n")
        self.assertEqual(self.jobs(), [])

    def test_camera_with_all_or_camera_refused(self):
        proc = self.seed("trial_1", "cam2", "--all", status=2)
        self.assertEqual(proc.stderr, "trial-process: a CAMERA after TRIAL "
                         "and --all exclude each other\n")
        proc = self.seed("trial_1", "cam2", "--camera", "cam1", status=2)
        self.assertEqual(proc.stderr, "trial-process: a CAMERA after TRIAL "
                         "and --camera exclude each other\n")
        self.assertEqual(self.jobs(), [])


class FirstHour(Base):
    """What a new user meets first (issue 18): trial-make-sample keeps an
    existing trial, --help, the bar's first frame, metadata.json numbers,
    the exit status of a missing plugin."""

    def test_make_sample_refuses_a_folder_that_is_not_empty(self):
        trial = self.p("trial_1")
        make_sample(trial, "--size", "32x24", "--frames", "3")
        before = tree_bytes(trial)
        proc = subprocess.run([MAKE_SAMPLE, "--start", "231", trial],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr.splitlines()[0],
                         "trial-make-sample: '%s' is not empty; give a new "
                         "folder, or --force to write into it" % trial)
        self.assertEqual(tree_bytes(trial), before)
        os.mkdir(self.p("empty"))
        make_sample(self.p("empty"), "--size", "32x24", "--frames", "2")
        self.assertEqual(frame_numbers(self.p("empty", "cam1", "color"),
                                       ".png"), [0, 1])
        make_sample(trial, "--force", "--size", "32x24", "--frames", "2",
                    "--start", "5")
        self.assertEqual(frame_numbers(self.p("trial_1", "cam1", "color"),
                                       ".png"), [0, 1, 2, 5, 6])

    def test_help(self):
        proc = run("--help", check_status=0, env=dict(os.environ, LC_ALL="C"))
        self.assertEqual(proc.stderr, "")
        self.assertEqual(run("-h").stdout, proc.stdout)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[:2], [
            "Usage:",
            "  trial-process [OPTION...] TRIAL [CAMERA...] [TRIAL "
            "[CAMERA...]...]"])
        self.assertEqual([n for n in lines if len(n) > 80], [])
        options = lines[lines.index("Options:") + 1:lines.index("Exit status:") - 1]
        names = [o.split()[1 if o.split()[0].endswith(",") else 0].split("=")[0]
                 for o in options]
        self.assertEqual(names, [
            "--camera", "--all", "--output", "--threads", "--start", "--stop",
            "--color-mode", "--verify", "--compression-level", "--depth-size",
            "--start-time", "--end-time", "--segments", "--align",
            "--align-rule", "--resume",
            "--preview", "--preview-sink", "--shard", "--quiet", "--json",
            "--summarize", "--version", "--help"])
        for line in options:  # one line each: name, then its description
            self.assertRegex(line, r"^  (-\w, )?--[a-z-]+(=\S+)? {2,}\S")
        for code in ("0", "1", "2", "3", "4", "130"):
            self.assertTrue(any(n.startswith("  %-5s" % code) for n in lines),
                            f"exit status {code} not in --help")
        self.assertIn("  4    installation problem: a GStreamer element or "
                      "plugin is missing", lines)
        examples = lines[lines.index("Examples:") + 1:]
        self.assertGreaterEqual(len(examples), 4)
        for line in examples:
            self.assertTrue(line.startswith("  trial-process "), line)
        self.assertIn("  trial-process trial_1 cam2            camera cam2 "
                      "(or --camera cam2)", examples)

    def test_progress_bar_starts_with_an_unknown_eta(self):
        make_sample(self.p("t"), "--size", "64x48", "--frames", "12")
        primary, secondary = pty.openpty()
        proc = subprocess.Popen([TRIAL_PROCESS, self.p("t"), "-o",
                                 self.p("out")], stdout=subprocess.PIPE,
                                stderr=secondary)
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
        proc.communicate(timeout=60)
        os.close(primary)
        self.assertEqual(proc.returncode, 0)
        frames = shown.decode().split("\r")
        self.assertEqual(frames[0], "")
        self.assertEqual(frames[1], "t/cam1 [..............................] "
                         "0/12 frames    0.0 fps ETA --:-- ")
        # the terminal writes the final "\n" as "\r\n"
        self.assertEqual(frames[-1], "\n")
        self.assertRegex(frames[-2], r"^t/cam1 \[#{30}\] 12/12 frames +"
                         r"\d+\.\d fps ETA 0:00 $")
        for frame in frames[2:-1]:
            self.assertRegex(frame, r"ETA (--:--|\d+:\d\d) ")
            if "ETA --:--" in frame:
                self.assertIn(" 0/12 frames", frame)

    def test_numbers_in_metadata_and_json(self):
        make_sample(self.p("t"), "--layout", "multi", "--cameras", "2",
                    "--size", "64x48", "--frames", "9")
        proc = run(self.p("t"), "--all", "-o", self.p("out"), "--json",
                   check_status=0)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 2)
        two_decimals = r"^\d+\.\d{1,2}$"
        rates = ("processing_time_seconds", "processing_fps")
        for line, cam in zip(lines, ("cam1", "cam2")):
            path = self.p("out", "t", cam, "metadata.json")
            with open(path) as f:
                text = f.read()
            meta = json.loads(text)
            self.assertEqual(json.loads(line), meta)
            for name in rates:
                value = re.search(r'\n  "%s" : ([^,\n]*),\n' % name, text)
                self.assertRegex(value.group(1), two_decimals)
                self.assertIsInstance(meta[name], float)
            for stream in ("color", "depth"):
                value = re.search(r'\n    "%s" : ([^,\n]*),?\n' % stream, text)
                self.assertRegex(value.group(1), two_decimals)
            self.assertIn('\n  "depth_scale" : 0.001,\n', text)
            for name in ("total_frames", "successful", "failed", "num_workers",
                         "converted_frames", "bytes_written"):
                self.assertIsInstance(meta[name], int)
            self.assertIn('\n  "total_frames" : 9,\n', text)
            self.assertIn('\n  "converted_frames" : 9,\n', text)
            self.assertIn('\n  "frame_range" : [\n    0,\n    8\n  ],\n', text)
            self.assertIn('\n  "failed_frames" : [],\n', text)
        proc = run("--summarize", self.p("out"), "--json", check_status=0)
        summary = json.loads(proc.stdout)
        self.assertEqual(summary["converted_frames"], 18)
        for name in rates:
            value = re.search(r'\n  "%s" : ([^,\n]*),\n' % name, proc.stdout)
            self.assertRegex(value.group(1), two_decimals)

    def test_preview_shows_frame_and_fps(self):
        self.need_xvfb()
        make_sample(self.p("t"), "--size", "320x240", "--frames", "300",
                    "--start", "231")
        env = dict(os.environ, GST_DEBUG="basetextoverlay:5",
                   GST_DEBUG_NO_COLOR="1")
        proc = subprocess.run(
            [*tap.xvfb_run("1024x480x24"), TRIAL_PROCESS,
             self.p("t"), "-o", self.p("out"), "--preview", "-j", "1"],
            capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        # textoverlay logs each text it draws on a frame of the window
        shown = re.findall(r"Rendering '([^']*)'", proc.stderr)
        self.assertGreater(len(shown), 0, proc.stderr[-2000:])
        frames = []
        for text in shown:
            m = re.fullmatch(r"frame (\d+)  (--|\d+\.\d) fps", text)
            self.assertIsNotNone(m, text)
            frames.append(int(m.group(1)))
            if m.group(2) != "--":
                self.assertGreater(float(m.group(2)), 0)
        self.assertEqual(frames, sorted(frames))
        self.assertTrue(all(231 <= f < 531 for f in frames), frames)
        self.assertEqual(self.metadata(self.p("out"), "t", "cam1")
                         ["successful"], 300)

    def need_xvfb(self):
        if shutil.which("xvfb-run") is None:
            tap.missing("xvfb-run (apt install xvfb xauth)")

    def test_example_previews(self):
        """examples/preview.sh and trial-preview, live under Xvfb: no
        GStreamer warning; trial-preview writes each color frame's number
        on the window."""
        self.need_xvfb()
        source = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "..", "..")
        build = os.path.dirname(os.path.dirname(TRIAL_PROCESS))
        make_sample(self.p("t"), "--size", "160x120", "--frames", "20",
                    "--start", "231")
        # plain_env: gst-launch-1.0 loads a sanitizer build's plugin only
        # with the sanitizer runtimes preloaded
        env = dict(plain_env(), GST_DEBUG="basetextoverlay:5",
                   GST_DEBUG_NO_COLOR="1")
        for command in (
                ["sh", os.path.join(source, "examples", "preview.sh"),
                 self.p("t"), "160x120", "ximagesink"],
                [os.path.join(build, "examples", "trial-preview"), "--live",
                 "--sink", "ximagesink", self.p("t")]):
            proc = subprocess.run([*tap.xvfb_run("640x480x24"), *command],
                                  capture_output=True, text=True,
                                  timeout=300, env=env)
            output = proc.stdout + proc.stderr
            self.assertEqual(proc.returncode, 0, output[-2000:])
            # gst-launch-1.0's "WARNING: from element", trial-preview's
            # "warning from"
            for warning in ("WARNING: from element", "warning from"):
                self.assertNotIn(warning, output, output[-3000:])
        shown = re.findall(r"Rendering '([^']*)'", proc.stderr)
        frames = [int(re.fullmatch(r"frame (\d+)  (--|\d+\.\d) fps",
                                   text).group(1)) for text in shown]
        self.assertEqual(frames, sorted(frames))
        self.assertGreaterEqual(frames[0], 231)
        # the text of the last frame stays on the window to the end
        self.assertEqual(frames[-1], 250)

    def isolated_env(self, plugin_path):
        """GStreamer finding only the plugins in plugin_path."""
        env = dict(os.environ)
        for var in ("GST_PLUGIN_PATH", "GST_PLUGIN_PATH_1_0"):
            env[var] = plugin_path
        for var in ("GST_PLUGIN_SYSTEM_PATH", "GST_PLUGIN_SYSTEM_PATH_1_0"):
            env[var] = ""
        for var in ("GST_REGISTRY", "GST_REGISTRY_1_0"):
            env[var] = self.p("registry.bin")
        return env

    def test_missing_plugin_exits_4(self):
        make_sample(self.p("t"), "--size", "32x24", "--frames", "2")
        os.mkdir(self.p("no-plugins"))
        proc = run(self.p("t"), "-o", self.p("out"),
                   env=self.isolated_env(self.p("no-plugins")), check_status=4)
        self.assertEqual(
            proc.stderr, "trial-process: GStreamer element 'trialsrc' not "
            "found: it is in the trial plugin, libgsttrial.so; set "
            "GST_PLUGIN_PATH to the folder holding it (build/plugin in a "
            "build dir), or install gst-trial\n")
        self.assertFalse(os.path.exists(self.p("out")))

    def test_missing_preview_element_names_its_package(self):
        make_sample(self.p("t"), "--size", "32x24", "--frames", "2")
        plugin = os.environ["GST_PLUGIN_PATH_1_0"]
        env = dict(self.isolated_env(plugin), DISPLAY=":99")
        proc = run(self.p("t"), "-o", self.p("out"), "--preview", env=env,
                   check_status=4)
        self.assertEqual(proc.stderr, "trial-process: GStreamer element 'tee' "
                         "not found: it is in GStreamer's core plugin (Debian: "
                         "libgstreamer1.0-0)\n")
        proc = run(self.p("t"), "-o", self.p("out"), "--preview-sink",
                   "nosuchsink", env=dict(os.environ, DISPLAY=":99"),
                   check_status=4)
        self.assertEqual(proc.stderr, "trial-process: GStreamer element "
                         "'nosuchsink' not found: no installed plugin has it "
                         "(gst-inspect-1.0 lists the elements there are)\n")
        self.assertFalse(os.path.exists(self.p("out")))


def user_locale_env(lang, locpath=None):
    """The environment of a user whose locale is @lang: LANG only, no
    LC_* variable overriding it; @locpath: a folder of compiled locales."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env["LANG"] = lang
    if locpath:
        env["LOCPATH"] = locpath
    return env


def comma_locale(folder):
    """de_DE.UTF-8, whose decimal separator is a comma, compiled into
    @folder with localedef (nothing installed); None where glibc's locale
    sources are not there."""
    if not os.path.exists("/usr/share/i18n/locales/de_DE") or \
            shutil.which("localedef") is None:
        return None
    os.makedirs(folder)
    proc = subprocess.run(["localedef", "-i", "de_DE", "-f", "UTF-8",
                           os.path.join(folder, "de_DE.UTF-8")],
                          capture_output=True)
    # 1: compiled, with warnings
    return folder if proc.returncode in (0, 1) else None


class Messages(Base):
    """The messages a new user's tryout found wanting (docs/testing.md,
    "Messages"): GLib's own messages in the user's locale with numbers
    still '.'-based, plurals in summary lines, -o naming a dangling
    symbolic link."""

    def test_glib_messages_in_the_users_locale(self):
        """Under LANG=C.UTF-8 GOption's errors and trial-make-sample's
        --help have their real quotes and ellipsis, not '?'; the help's
        lines fit 80 columns."""
        make_sample(self.p("t"), "--size", "32x24", "--frames", "1")
        env = user_locale_env("C.UTF-8")
        proc = run(self.p("t"), "--start-time", "abc", env=env,
                   check_status=2)
        self.assertEqual(proc.stderr, "trial-process: Cannot parse double "
                         "value \u201cabc\u201d for --start-time\n")
        proc = subprocess.run([MAKE_SAMPLE, "--frames", "abc", self.p("x")],
                              capture_output=True, text=True, env=env)
        self.assertEqual((proc.returncode, proc.stderr.splitlines()[0]), (
            2, "trial-make-sample: Cannot parse integer value \u201cabc\u201d "
            "for --frames"))
        proc = subprocess.run([MAKE_SAMPLE, "--help"], capture_output=True,
                              text=True, env=env)
        self.assertEqual(proc.stdout.splitlines()[1], "  trial-make-sample "
                         "[OPTION\u2026] DIR - write a synthetic RealSense trial")
        self.assertEqual([n for n in proc.stdout.splitlines() if len(n) > 80],
                         [])
        self.assertFalse(os.path.exists(self.p("x")))

    def test_numbers_keep_a_point_in_the_users_locale(self):
        """The summary line, --json, metadata.json and --summarize write
        '.' decimals under C.UTF-8 and de_DE.UTF-8 (its separator is ',';
        compiled for the test where glibc's locale sources are)."""
        make_sample(self.p("t"), "--size", "32x24", "--frames", "3")
        envs = [user_locale_env("C.UTF-8")]
        locpath = comma_locale(self.p("locales"))
        if locpath:
            envs.append(user_locale_env("de_DE.UTF-8", locpath))
        for n, env in enumerate(envs):
            out = self.p(f"out{n}")
            proc = run(self.p("t"), "-o", out, "--json", env=env,
                       check_status=0)
            self.assertRegex(proc.stderr, r"^t/cam1: done, 3/3 frames ok, "
                             r"0 failed, \d+\.\d\d s, \d+\.\d fps, -> ")
            line = json.loads(proc.stdout)
            with open(os.path.join(out, "t", "cam1", "metadata.json")) as f:
                text = f.read()
            meta = json.loads(text)
            self.assertEqual(meta, line)
            self.assertIsInstance(meta["processing_fps"], float)
            self.assertRegex(text, r'"processing_fps" : \d+(\.\d+)?,')
            proc = run("--summarize", out, env=env, check_status=0)
            self.assertRegex(proc.stdout, r"frames converted in \d+\.\d\d s "
                             r"of job time, \d+\.\d fps")

    def test_plurals(self):
        """One frame, one trial, one job are singular; the others plural."""
        make_sample(self.p("t"), "--size", "32x24", "--frames", "1")
        proc = run(self.p("t"), "-o", self.p("out"), check_status=0)
        self.assertRegex(proc.stdout, r"^t/cam1: done, 1/1 frame ok, 0 failed, ")
        proc = run("--summarize", self.p("out"), check_status=0)
        self.assertEqual(proc.stdout.splitlines()[:3], [
            f"{self.p('out')}: 1 trial, 1 job (one per camera)",
            "  jobs: 1 complete, 0 incomplete, 0 with failed frames",
            "  frames: 1 in all, 1 written, 0 failed"])
        make_sample(self.p("t2"), "--size", "32x24", "--frames", "2")
        proc = run(self.p("t2"), "-o", self.p("out"), check_status=0)
        self.assertRegex(proc.stdout, r"^t2/cam1: done, 2/2 frames ok, ")
        proc = run("--summarize", self.p("out"), check_status=0)
        self.assertEqual(proc.stdout.splitlines()[0],
                         f"{self.p('out')}: 2 trials, 2 jobs (one per camera)")

    def test_output_a_dangling_symlink(self):
        """-o naming a symbolic link to a missing target, or a folder below
        one: exit 2, the link and its target named, nothing written."""
        make_sample(self.p("t"), "--size", "32x24", "--frames", "1")
        os.symlink("missing/target", self.p("dangling"))
        proc = run(self.p("t"), "-o", self.p("dangling"), check_status=2)
        self.assertEqual(proc.stderr, f"trial-process: -o '{self.p('dangling')}'"
                         " is a symbolic link to 'missing/target', which does "
                         "not exist\n")
        proc = run(self.p("t"), "-o", self.p("dangling", "sub"),
                   check_status=2)
        self.assertEqual(proc.stderr, "trial-process: -o "
                         f"'{self.p('dangling', 'sub')}': '{self.p('dangling')}'"
                         " is a symbolic link to 'missing/target', which does "
                         "not exist\n")
        self.assertFalse(os.path.exists(self.p("missing")))


if __name__ == "__main__":
    tap.main(sys.argv[1:])
