#!/usr/bin/env python3
"""The documented commands run: every fenced sh block that follows a line
`<!-- docs-test: run -->` in README.md and docs/user-guide.md is run by
bash -e in a fresh temporary folder, with `build/` (and `$PWD/build/`)
replaced by this build dir. `bash scripts/...` lines (apt and a build of
their own) are left out. Then what each block made is checked: the files
it names and their pixels and values, read with Pillow and numpy.

As a user follows them, each block runs after scripts/demo.sh (run with
--no-setup on this build dir, in the same folder, a git repository holding
the checkout's .gitignore): the block must leave the demo's trial as it was,
and `git status` must show nothing the demo or the block wrote (issue 18).

    docs_test.py SOURCE_ROOT BUILD_DIR"""
import hashlib
import json
import os
import re
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

ROOT = BUILD = None
MARK = "<!-- docs-test: run -->"


def marked_blocks(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    blocks = []
    for i, line in enumerate(lines):
        if line.strip() != MARK:
            continue
        if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
            raise SystemExit(f"{path}:{i + 1}: {MARK} not followed by a fence")
        end = lines.index("```", i + 2)
        blocks.append(lines[i + 2:end])
    return blocks


def sanitizer_env(build):
    """A sanitizer build's plugin in the uninstrumented gst-launch-1.0 needs
    the runtimes preloaded (as tests/check/trialsrc-launch.sh does)."""
    env = dict(os.environ)
    out = subprocess.run(["ldd", os.path.join(build, "plugin/libgsttrial.so")],
                         capture_output=True, text=True).stdout
    preload = " ".join(re.findall(r"=> (\S*lib(?:a|ub)san\.so\S*)", out))
    if preload:
        env["LD_PRELOAD"] = preload
        env["ASAN_OPTIONS"] = ":".join(
            filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    return env


def tree_digest(root):
    out = {}
    for base, _, files in os.walk(root):
        for name in files:
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = hashlib.sha256(
                    f.read()).hexdigest()
    return out


def git(tmp, *args):
    return subprocess.run(["git", "-C", tmp, *args], capture_output=True,
                          text=True, check=True).stdout


def run_demo(build, env):
    """A folder as a checkout after scripts/demo.sh: a git repository with
    .gitignore and scripts/demo.sh committed, the demo run in it."""
    tmp = tempfile.mkdtemp(prefix="gst-trial-docs-")
    os.mkdir(os.path.join(tmp, "scripts"))
    shutil.copy(os.path.join(ROOT, "scripts/demo.sh"),
                os.path.join(tmp, "scripts"))
    shutil.copy(os.path.join(ROOT, ".gitignore"), tmp)
    git(tmp, "init", "-q")
    git(tmp, "add", ".")
    git(tmp, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm",
        "checkout")
    proc = subprocess.run(["bash", "scripts/demo.sh", "--no-setup"], cwd=tmp,
                          env=dict(env, BUILD=build), capture_output=True,
                          text=True, timeout=600)
    return tmp, proc


def run_block(block, build, env, tmp):
    script = ["set -e"]
    for line in block:
        if line.startswith("bash scripts/demo.sh"):
            print("  (run before the block: scripts/demo.sh --no-setup)")
            continue
        if line.startswith("bash scripts/"):
            print(f"  (not run: {line.split('#')[0].strip()})")
            continue
        script.append(re.sub(r"(?<![\w/.])(\$PWD/)?build/", build + "/", line))
    text = "\n".join(script) + "\n"
    print("  running:\n    " + text.replace("\n", "\n    "))
    proc = subprocess.run(["bash", "-c", text], cwd=tmp, env=env,
                          capture_output=True, text=True, timeout=600)
    return tmp, proc


class QuickStart(unittest.TestCase):
    """Each marked block exits 0 and makes what the docs say it makes."""

    def run_marked(self, name, verify):
        blocks = marked_blocks(os.path.join(ROOT, name))
        self.assertEqual(len(blocks), 1, f"{name}: marked blocks")
        env = sanitizer_env(BUILD)
        tmp, demo = run_demo(BUILD, env)
        try:
            verify_demo(self, tmp, demo)
            trial = tree_digest(os.path.join(tmp, "sample/trial_1"))
            tmp, proc = run_block(blocks[0], BUILD, env, tmp)
            self.assertEqual(proc.returncode, 0,
                             f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
            verify(self, tmp, proc.stdout)
            self.assertEqual(tree_digest(os.path.join(tmp, "sample/trial_1")),
                             trial, "the block changed the demo's trial")
            self.assertEqual(
                git(tmp, "status", "--porcelain", "--untracked-files=all"),
                "", "git status after the demo and the block")
        finally:
            shutil.rmtree(tmp)

    def test_readme(self):
        self.run_marked("README.md", verify_readme)

    def test_user_guide(self):
        self.run_marked("docs/user-guide.md", verify_guide)


def verify_demo(test, tmp, proc):
    """Small, says where it writes, ends with what to look at next."""
    test.assertEqual(proc.returncode, 0,
                     f"scripts/demo.sh:\n{proc.stdout}\n{proc.stderr}")
    test.assertEqual(proc.stderr, "", "scripts/demo.sh wrote on stderr")
    test.assertIn("to sample/trial_1", proc.stdout)
    test.assertIn("sample/trial_input/", proc.stdout)
    test.assertIn("every job complete, no failed frame", proc.stdout)
    lines = proc.stdout.rstrip("\n").splitlines()
    test.assertIn("Look next at:", lines)
    test.assertIn("metadata.json", proc.stdout)
    test.assertTrue(lines[-1].strip().startswith("README.md"), lines[-1])
    size = sum(os.path.getsize(os.path.join(b, n))
               for b, _, fs in os.walk(os.path.join(tmp, "sample")) for n in fs)
    test.assertLess(size, 64e6, "bytes the demo wrote")


def verify_readme(test, tmp, stdout):
    """The gst-launch-1.0 line converts every frame of the sample: each PNG
    has the source's pixels (read by Pillow), each .npy the source's
    millimetres / 1000 as float32 (numpy)."""
    src = os.path.join(tmp, "sample/first_try/cam1")
    out = os.path.join(tmp, "sample/first_try_out")
    color = sorted(os.listdir(os.path.join(src, "color")))
    test.assertEqual(len(color), 30)
    for stream, ext in (("color", ".png"), ("depth", ".npy")):
        got = sorted(os.listdir(os.path.join(out, stream)))
        test.assertEqual(got, [c.replace(".png", ext) for c in color],
                         f"{out}/{stream}: one file per source frame")
    for name in color:
        with Image.open(os.path.join(src, "color", name)) as im:
            want = np.asarray(im.convert("RGB"))
        with Image.open(os.path.join(out, "color", name)) as im:
            test.assertEqual(im.mode, "RGB", name)
            np.testing.assert_array_equal(np.asarray(im), want, name)
        raw = np.fromfile(os.path.join(src, "depth", name[:-4] + ".raw"),
                          "<u2").reshape(want.shape[:2])
        got = np.load(os.path.join(out, "depth", name[:-4] + ".npy"))
        test.assertEqual(got.dtype, np.dtype("<f4"), name)
        np.testing.assert_array_equal(
            got, raw.astype(np.float32) / np.float32(1000), name)
    test.assertIn("Got EOS", stdout, "gst-launch-1.0 did not reach EOS")


def verify_guide(test, tmp, stdout):
    """The quick start converts the 50 frames and cat shows their
    metadata.json; the converted files are the trial's frames 0-49."""
    meta = json.loads(stdout[stdout.index("{"):])
    test.assertEqual((meta["total_frames"], meta["successful"],
                      meta["failed"], meta["frame_range"]),
                     (50, 50, 0, [0, 49]), f"metadata.json: {meta}")
    test.assertEqual(meta["trial_name"], "my_trial")
    out = os.path.join(tmp, "sample/trial_input/my_trial/cam1")
    names = [f"frame_{n:06d}" for n in range(50)]
    test.assertEqual(sorted(os.listdir(os.path.join(out, "color"))),
                     [n + ".png" for n in names])
    test.assertEqual(sorted(os.listdir(os.path.join(out, "depth"))),
                     [n + ".npy" for n in names])
    src = os.path.join(tmp, "sample/my_trial/cam1")
    for n in names:
        with Image.open(os.path.join(src, "color", n + ".png")) as im:
            want = np.asarray(im.convert("RGB"))
        with Image.open(os.path.join(out, "color", n + ".png")) as im:
            np.testing.assert_array_equal(np.asarray(im), want, n)
        raw = np.fromfile(os.path.join(src, "depth", n + ".raw"),
                          "<u2").reshape(want.shape[:2])
        np.testing.assert_array_equal(
            np.load(os.path.join(out, "depth", n + ".npy")),
            raw.astype(np.float32) / np.float32(1000), n)


if __name__ == "__main__":
    ROOT, BUILD = sys.argv[1], os.path.abspath(sys.argv[2])
    tap.main(sys.argv[3:])
