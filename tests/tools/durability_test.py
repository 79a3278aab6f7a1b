#!/usr/bin/env python3
"""Durability of the outputs (issues 15 and 22): what trialsink and
trial-process leave on disk when a write is interrupted, fails or is
damaged afterwards. Faults are injected at a fixed point by fault-shim
(tests/tools/fault-shim.c, an LD_PRELOAD library whose path is
TRIAL_FAULT_SHIM), never by timing.

Run by meson with TRIAL_PROCESS, TRIAL_MAKE_SAMPLE, TRIAL_FAULT_SHIM and
GST_PLUGIN_PATH_1_0 set; one TestCase class per meson test (its name is the
first argument)."""
import json
import os
import shutil
import signal
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

from faultshim import need_shim, plain_env, shim_env  # noqa: E402

TRIAL_PROCESS = os.environ["TRIAL_PROCESS"]
MAKE_SAMPLE = os.environ["TRIAL_MAKE_SAMPLE"]
GST_LAUNCH = shutil.which("gst-launch-1.0")
TIMEOUT = 120  # a hang fails the test instead of blocking CI


def make_sample(path, *args):
    subprocess.run([MAKE_SAMPLE, "--quiet", "--size", "64x48", *args, path],
                   check=True)


def trial_process(*args, env=None):
    return subprocess.run([TRIAL_PROCESS, *args], capture_output=True,
                          text=True, timeout=TIMEOUT, env=env)


def files_in(folder):
    """Names of the files in @folder, temporaries included, sorted."""
    if not os.path.isdir(folder):
        return []
    return sorted(os.listdir(folder))


def leftovers(root):
    return sorted(os.path.join(b, n) for b, _, fs in os.walk(root)
                  for n in fs if ".tmp-" in n)


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


def assert_whole(test, path):
    """@path is a complete output: numpy loads a .npy, Pillow decodes a
    .png to its last row."""
    if path.endswith(".npy"):
        a = np.load(path)
        test.assertEqual(a.dtype, np.dtype("<f4"), path)
    else:
        with Image.open(path) as im:
            im.load()


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="durability-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def p(self, *parts):
        return os.path.join(self.tmp, *parts)

    def need_shim(self):
        need_shim(self)

    def need_launch(self):
        if GST_LAUNCH:
            return
        tap.missing("gst-launch-1.0 (apt install gstreamer1.0-tools)")

    def assert_all_whole(self, root):
        for base, _, files in os.walk(root):
            for name in files:
                if name.endswith((".png", ".npy")) and ".tmp-" not in name:
                    assert_whole(self, os.path.join(base, name))

    def metadata(self, job):
        with open(os.path.join(job, "metadata.json")) as f:
            return json.load(f)


class SinkWrites(Base):
    """trialsink on its own (gst-launch-1.0): fsync order, a write killed
    at a fixed byte, a disk that fills at a fixed byte."""

    def launch(self, trial, out, env, fsync=False, resume=False):
        extra = []
        if fsync:
            extra.append("fsync=true")
        if resume:
            extra.append("skip-existing=true")
        return subprocess.run(
            [GST_LAUNCH, "-q", "trialsrc", "location=" + trial, "name=s",
             "s.color", "!", "trialconvert", "!", "trialsink",
             "location=" + os.path.join(out, "c", "%06d.png"), *extra,
             "s.depth", "!", "trialconvert", "!", "trialsink",
             "location=" + os.path.join(out, "d", "%06d.npy"), *extra],
            capture_output=True, text=True, timeout=TIMEOUT, env=env)

    def setUp(self):
        super().setUp()
        self.need_shim()
        self.need_launch()
        self.trial = self.p("t")
        make_sample(self.trial, "--frames", "6")
        self.clean = self.p("clean")
        proc = self.launch(self.trial, self.clean, plain_env())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(files_in(os.path.join(self.clean, "d")),
                         ["%06d.npy" % n for n in range(6)])

    def read_log(self, path):
        with open(path) as f:
            return [line.rstrip("\n").split(" ") for line in f]

    def test_fsync_before_rename_folder_after(self):
        out = self.p("out")
        log = self.p("calls.log")
        proc = self.launch(self.trial, out, shim_env(MATCH=out, LOG=log),
                           fsync=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        calls = self.read_log(log)
        renames = [i for i, c in enumerate(calls) if c[0] == "rename"]
        self.assertEqual(len(renames), 12)
        for i in renames:
            tmp, final = calls[i][1], calls[i][2]
            folder = os.path.dirname(final)
            self.assertEqual(os.path.dirname(tmp), folder)
            self.assertTrue(os.path.basename(tmp).startswith(
                "." + os.path.basename(final) + ".tmp-"), tmp)
            mine = [(j, c[0]) for j, c in enumerate(calls)
                    if c[0] != "rename" and c[1] == tmp]
            # written, flushed, closed, then renamed
            self.assertEqual([k for _, k in mine][0], "open")
            self.assertEqual([k for _, k in mine][-2:], ["fsync", "close"],
                             "%s: %s" % (tmp, mine))
            self.assertLess(mine[-1][0], i)
            self.assertTrue(all(k == "write" for _, k in mine[1:-2]), mine)
            # then the folder is flushed, before the next rename into it
            later = [(j, c[0]) for j, c in enumerate(calls)
                     if j > i and ((c[0] == "fsync" and c[1] == folder)
                                   or (c[0] == "rename"
                                       and os.path.dirname(c[2]) == folder))]
            self.assertTrue(later and later[0][1] == "fsync",
                            "%s: folder not flushed after the rename: %s"
                            % (final, later[:2]))
        self.assertEqual(tree_bytes(out), tree_bytes(self.clean))

    def test_no_fsync_by_default(self):
        out = self.p("out")
        log = self.p("calls.log")
        proc = self.launch(self.trial, out, shim_env(MATCH=out, LOG=log))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        calls = self.read_log(log)
        self.assertEqual(len([c for c in calls if c[0] == "rename"]), 12)
        self.assertEqual([c for c in calls if c[0] == "fsync"], [])

    def test_killed_inside_write_then_resume(self):
        out = self.p("out")
        # frame 3's depth is 128 + 64 * 48 * 4 bytes: killed after 100
        proc = self.launch(self.trial, out, shim_env(
            MATCH="000003.npy", KILL_AFTER=100))
        self.assertEqual(proc.returncode, -signal.SIGKILL, proc.stderr)
        depth = os.path.join(out, "d")
        names = files_in(depth)
        self.assertNotIn("000003.npy", names)
        temps = [n for n in names if n.startswith(".000003.npy.tmp-")]
        self.assertEqual(len(temps), 1, names)
        self.assertEqual(os.path.getsize(os.path.join(depth, temps[0])), 100)
        self.assertEqual([n for n in names if not n.startswith(".")],
                         ["%06d.npy" % n for n in range(3)])
        self.assert_all_whole(out)

        proc = self.launch(self.trial, out, plain_env(), resume=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # trialsink removes no file it did not make (another writer may
        # own it): the killed run's temporary stays, hidden, beside the
        # rewritten frame; trial-process removes it under its job lock.
        left = leftovers(out)
        self.assertIn(os.path.join(depth, temps[0]), left)
        for path in left:
            self.assertTrue(os.path.basename(path).startswith("."), path)
            os.unlink(path)
        self.assertEqual(tree_bytes(out), tree_bytes(self.clean))

    def test_disk_full_at_a_fixed_byte(self):
        out = self.p("out")
        frame = os.path.getsize(os.path.join(self.clean, "d", "000000.npy"))
        proc = self.launch(self.trial, out, shim_env(
            MATCH=os.path.join(out, "d", ""), ENOSPC_AFTER=2 * frame + 50))
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Could not write frame 2 to '%s': No space left on "
                      "device" % os.path.join(out, "d", "000002.npy"),
                      proc.stdout + proc.stderr)
        self.assertEqual(files_in(os.path.join(out, "d")),
                         ["000000.npy", "000001.npy"])
        self.assert_all_whole(out)


class ProcessWrites(Base):
    """trial-process under the same faults: no partial output under a
    final name, a clear error, and --resume finishes the job."""

    def setUp(self):
        super().setUp()
        self.need_shim()
        self.trial = self.p("t")
        make_sample(self.trial, "--frames", "8")
        self.clean = self.p("clean")
        proc = trial_process(self.trial, "-o", self.clean, env=plain_env())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.job = os.path.join(self.p("out"), "t", "cam1")

    def resume_and_compare(self):
        out = self.p("out")
        proc = trial_process(self.trial, "-o", out, "--resume",
                             env=plain_env())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(leftovers(out), [])
        self.assertEqual(tree_bytes(out), tree_bytes(self.clean))
        meta = self.metadata(self.job)
        self.assertTrue(meta["complete"])
        self.assertEqual((meta["successful"], meta["failed"]), (8, 0))

    def test_killed_inside_write_then_resume(self):
        out = self.p("out")
        proc = trial_process(self.trial, "-o", out, env=shim_env(
            MATCH="frame_000005.png", KILL_AFTER=200))
        self.assertEqual(proc.returncode, -signal.SIGKILL, proc.stderr)
        color = os.path.join(self.job, "color")
        names = files_in(color)
        self.assertNotIn("frame_000005.png", names)
        temps = [n for n in names if n.startswith(".frame_000005.png.tmp-")]
        self.assertEqual(len(temps), 1, names)
        self.assertEqual(os.path.getsize(os.path.join(color, temps[0])), 200)
        self.assertEqual([n for n in names if not n.startswith(".")],
                         ["frame_%06d.png" % n for n in range(5)])
        self.assertFalse(os.path.exists(os.path.join(self.job,
                                                     "metadata.json")))
        self.assert_all_whole(out)
        self.resume_and_compare()

    def test_disk_full_at_a_fixed_byte(self):
        out = self.p("out")
        frame = os.path.getsize(os.path.join(self.clean, "t", "cam1", "depth",
                                             "frame_000000.npy"))
        proc = trial_process(self.trial, "-o", out, env=shim_env(
            MATCH=os.path.join(self.job, "depth", ""),
            ENOSPC_AFTER=3 * frame + 10))
        self.assertEqual(proc.returncode, 3, proc.stderr)
        self.assertIn("sink-depth: Could not write frame 3 to '%s': No space "
                      "left on device" % os.path.join(
                          self.job, "depth", "frame_000003.npy"),
                      proc.stdout)
        # depth wrote frames 0-2 before it failed; color may be behind when
        # the pipeline stops, and a frame is kept only whole
        meta = self.metadata(self.job)
        whole = meta["successful"]
        self.assertLessEqual(whole, 3)
        self.assertEqual(meta["failed"], 0)
        for stream, ext in (("color", "png"), ("depth", "npy")):
            self.assertEqual(files_in(os.path.join(self.job, stream)),
                             ["frame_%06d.%s" % (n, ext) for n in range(whole)])
        self.assertEqual(leftovers(out), [])
        self.assert_all_whole(out)
        self.assertFalse(meta["complete"])
        self.assertEqual(meta["error"], "sink-depth: Could not write frame 3 "
                         "to '%s': No space left on device" % os.path.join(
                             self.job, "depth", "frame_000003.npy"))
        self.resume_and_compare()


class DamagedOutputs(Base):
    """--resume checks each existing output (a .npy's header and exact
    size; a .png's signature, chunk CRCs and IEND) and converts the damaged
    ones again; --summarize reports them."""

    def setUp(self):
        super().setUp()
        self.trial = self.p("t")
        make_sample(self.trial, "--frames", "8")
        self.clean = self.p("clean")
        proc = trial_process(self.trial, "-o", self.clean, env=plain_env())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.out = self.p("out")
        shutil.copytree(self.clean, self.out)
        self.job = os.path.join(self.out, "t", "cam1")

    def damage(self):
        """Damages four outputs, at the first, a middle and the last frame;
        returns their paths and what --summarize says of each."""
        depth = os.path.join(self.job, "depth")
        color = os.path.join(self.job, "color")
        empty = os.path.join(depth, "frame_000000.npy")
        open(empty, "wb").close()
        short = os.path.join(depth, "frame_000004.npy")
        with open(short, "r+b") as f:
            f.truncate(os.path.getsize(short) - 1)
        cut = os.path.join(color, "frame_000007.png")
        with open(cut, "r+b") as f:
            f.truncate(os.path.getsize(cut) // 2)
        flipped = os.path.join(color, "frame_000003.png")
        with open(flipped, "r+b") as f:
            f.seek(60)
            byte = f.read(1)
            f.seek(60)
            f.write(bytes([byte[0] ^ 1]))
        return {
            empty: "'%s' is empty" % empty,
            short: "'%s' is damaged: npy data is 12287 bytes, expected 12288 "
                   "(48x64 '<f4')" % short,
            cut: "'%s' is damaged: PNG data is truncated: chunk 'IDAT' at "
                 "offset 33 claims" % cut,
            flipped: "'%s' is damaged: PNG chunk 'IDAT' at offset 33 has a "
                     "bad CRC" % flipped,
        }

    def test_summarize_reports_damaged_outputs(self):
        damaged = self.damage()
        proc = trial_process("--summarize", self.out, env=plain_env())
        self.assertEqual(proc.returncode, 3, proc.stdout + proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertIn("  damaged output files: 4 (--resume converts their "
                      "frames again)", lines)
        self.assertIn("  t/cam1: damaged: 4 output files are damaged, 8 of 8 "
                      "frames written, 0 failed", lines)
        listed = [line[4:] for line in lines if line.startswith("    '")]
        self.assertEqual(len(listed), 4, proc.stdout)
        # color before depth, by name
        order = sorted(damaged, key=lambda p: ("depth" in p, p))
        for line, path in zip(listed, order):
            self.assertTrue(line.startswith(damaged[path]), (line, path))
        proc = trial_process("--summarize", self.out, "--json",
                             env=plain_env())
        self.assertEqual(proc.returncode, 3)
        summary = json.loads(proc.stdout)
        self.assertEqual(summary["damaged_outputs"], 4)
        [job] = summary["problems"]
        self.assertEqual((job["job"], job["state"], job["reason"]),
                         ("t/cam1", "damaged", "4 output files are damaged"))
        self.assertEqual(job["damaged_outputs"], listed)
        self.assertEqual(job["damaged_outputs_not_shown"], 0)

    def test_resume_converts_damaged_outputs_again(self):
        damaged = self.damage()
        proc = trial_process(self.trial, "-o", self.out, "--resume",
                             env=plain_env())
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        for path in damaged:
            self.assertIn("trial-process: " + damaged[path], proc.stderr)
        again = sorted(int(line.split("converting frame ")[1].split()[0])
                       for line in proc.stderr.splitlines()
                       if "converting frame " in line)
        self.assertEqual(again, [0, 3, 4, 7])
        meta = self.metadata(self.job)
        self.assertTrue(meta["complete"])
        self.assertEqual((meta["successful"], meta["failed"],
                          meta["resumed_from_frames"]), (8, 0, 0))
        self.assertEqual(tree_bytes(self.out), tree_bytes(self.clean))
        self.assertEqual(leftovers(self.out), [])
        proc = trial_process("--summarize", self.out, env=plain_env())
        self.assertEqual(proc.returncode, 0, proc.stdout)

    def test_damaged_output_that_cannot_be_removed(self):
        """A folder named like an output is not whole and cannot be
        unlinked: the job stops instead of keeping it."""
        path = os.path.join(self.job, "depth", "frame_000003.npy")
        os.remove(path)
        os.mkdir(path)
        with open(os.path.join(path, "x"), "w") as f:
            f.write("x")
        proc = trial_process(self.trial, "-o", self.out, "--resume",
                             env=plain_env())
        self.assertEqual(proc.returncode, 3, proc.stdout + proc.stderr)
        self.assertEqual(proc.stderr, "trial-process: '%s' is not a regular "
                         "file, and cannot be removed to convert frame 3 "
                         "again: Is a directory\n" % path)
        self.assertFalse(os.path.exists(os.path.join(self.job,
                                                     "metadata.json")))

    def test_whole_outputs_kept(self):
        before = {p: os.stat(os.path.join(self.job, p)).st_mtime_ns
                  for p in tree_bytes(self.job)}
        proc = trial_process(self.trial, "-o", self.out, "--resume",
                             env=plain_env())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertNotIn("damaged", proc.stderr)
        self.assertEqual(self.metadata(self.job)["resumed_from_frames"], 8)
        self.assertEqual({p: os.stat(os.path.join(self.job, p)).st_mtime_ns
                          for p in tree_bytes(self.job)}, before)


class WholeFrames(Base):
    """A frame is written whole or not at all: when one stream fails it, the
    other stream's file is removed and metadata.json lists it as failed."""

    FRAMES = 8

    def setUp(self):
        super().setUp()
        self.trial = self.p("t")
        make_sample(self.trial, "--frames", str(self.FRAMES))
        self.clean = self.p("clean")
        proc = trial_process(self.trial, "-o", self.clean, env=plain_env())
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.out = self.p("out")
        self.job = os.path.join(self.out, "t", "cam1")

    def break_input(self, stream, frame):
        """Makes @stream of @frame unreadable; returns the reason expected in
        metadata.json."""
        if stream == "depth":
            path = os.path.join(self.trial, "cam1/depth/frame_%06d.raw" % frame)
            with open(path, "wb") as f:
                f.write(b"\0" * 1000)
            return "depth file '%s' is 1000 bytes, expected 6144 " % path
        path = os.path.join(self.trial, "cam1/color/frame_%06d.png" % frame)
        with open(path, "r+b") as f:
            f.seek(60)  # inside the first IDAT: trialconvert fails it
            f.write(b"\xff\xff\xff\xff")
        return "color file '%s': PNG chunk 'IDAT' at offset 33 has a bad " \
            "CRC" % path

    def assert_whole_frames(self, frames, failed):
        """Exactly @frames are on disk, both files, identical to a clean
        run's, no temporary; metadata.json counts @failed {frame: (stream,
        reason start)} as failed and the rest as successful."""
        self.assertEqual(files_in(os.path.join(self.job, "color")),
                         ["frame_%06d.png" % n for n in frames])
        self.assertEqual(files_in(os.path.join(self.job, "depth")),
                         ["frame_%06d.npy" % n for n in frames])
        clean = tree_bytes(self.clean)
        for name, data in tree_bytes(self.out).items():
            self.assertEqual(data, clean[name], name)
        meta = self.metadata(self.job)
        self.assertTrue(meta["complete"])
        self.assertEqual((meta["successful"], meta["failed"]),
                         (len(frames), len(failed)))
        self.assertEqual(sorted(f["frame"] for f in meta["failed_frames"]),
                         sorted(failed))
        for f in meta["failed_frames"]:
            stream, reason = failed[f["frame"]]
            self.assertEqual(f["stream"], stream)
            self.assertTrue(f["reason"].startswith(reason), f["reason"])

    def check_stream(self, stream):
        failed = {n: (stream, self.break_input(stream, n))
                  for n in (0, 4, self.FRAMES - 1)}
        proc = trial_process(self.trial, "-o", self.out, env=plain_env())
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assert_whole_frames([n for n in range(self.FRAMES)
                                  if n not in failed], failed)

    def test_depth_fails_first_middle_last(self):
        self.check_stream("depth")

    def test_color_fails_first_middle_last(self):
        self.check_stream("color")

    def test_names_that_only_look_like_outputs(self):
        """--resume after frame 4's color output was lost: files a user
        keeps beside the outputs whose names only look like frame 4's
        (another number of digits, another ending) do not stand in for it,
        frame 4 is converted again, and they are neither removed nor
        checked as outputs."""
        shutil.copytree(self.clean, self.out)
        color = os.path.join(self.job, "color")
        os.remove(os.path.join(color, "frame_000004.png"))
        strays = ["frame_0000004.png", "frame_4.png", "frame_000004.png.bak",
                  "frame_000004.npy"]
        for name in strays:
            with open(os.path.join(color, name), "wb") as f:
                f.write(b"kept")
        proc = trial_process(self.trial, "-o", self.out, "--resume",
                             env=plain_env())
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        clean = tree_bytes(self.clean)
        for name, data in tree_bytes(self.out).items():
            if name in (os.path.join("t", "cam1", "color", n)
                        for n in strays):
                self.assertEqual(data, b"kept", name)
            else:
                self.assertEqual(data, clean[name], name)
        self.assertEqual(files_in(color), sorted(
            ["frame_%06d.png" % n for n in range(self.FRAMES)] + strays))
        meta = self.metadata(self.job)
        self.assertEqual((meta["successful"], meta["failed"]),
                         (self.FRAMES, 0))
        self.assertEqual(meta["resumed_from_frames"], 4)

    def test_resume_removes_an_earlier_half(self):
        """An earlier run wrote frame 5 whole; its depth input broke since
        and its depth output is gone: --resume fails frame 5 and removes
        the color file the earlier run left."""
        shutil.copytree(self.clean, self.out)
        os.remove(os.path.join(self.job, "depth", "frame_000005.npy"))
        failed = {5: ("depth", self.break_input("depth", 5))}
        proc = trial_process(self.trial, "-o", self.out, "--resume",
                             env=plain_env())
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assert_whole_frames([0, 1, 2, 3, 4, 6, 7], failed)
        self.assertEqual(self.metadata(self.job)["resumed_from_frames"], 5)

    def test_killed_then_resumed_with_a_failed_frame(self):
        self.need_shim()
        failed = {6: ("color", self.break_input("color", 6))}
        proc = trial_process(self.trial, "-o", self.out, env=shim_env(
            MATCH=os.path.join(self.job, "depth", ""), SIGNAL_AFTER=3,
            SIGNAL=int(signal.SIGKILL)))
        self.assertEqual(proc.returncode, -signal.SIGKILL, proc.stderr)
        self.assertEqual(files_in(os.path.join(self.job, "depth")),
                         ["frame_%06d.npy" % n for n in range(3)])
        proc = trial_process(self.trial, "-o", self.out, "--resume",
                             env=plain_env())
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assert_whole_frames([0, 1, 2, 3, 4, 5, 7], failed)


if __name__ == "__main__":
    tap.main(sys.argv[1:])
