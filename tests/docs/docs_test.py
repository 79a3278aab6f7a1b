#!/usr/bin/env python3
"""The documented commands run: every fenced sh block that follows a line
`<!-- docs-test: run -->` in README.md and docs/user-guide.md is run by
bash -e in a fresh temporary folder, with `build/` (and `$PWD/build/`)
replaced by this build dir. `bash scripts/...` lines (apt and a build of
their own) are left out. Then what each block made is checked: the files
it names and their pixels and values, read with Pillow and numpy.

    docs_test.py SOURCE_ROOT BUILD_DIR"""
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


def run_block(block, build, env):
    tmp = tempfile.mkdtemp(prefix="gst-trial-docs-")
    script = ["set -e"]
    for line in block:
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
        tmp, proc = run_block(blocks[0], BUILD, sanitizer_env(BUILD))
        try:
            self.assertEqual(proc.returncode, 0,
                             f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
            verify(self, tmp, proc.stdout)
        finally:
            shutil.rmtree(tmp)

    def test_readme(self):
        self.run_marked("README.md", verify_readme)

    def test_user_guide(self):
        self.run_marked("docs/user-guide.md", verify_guide)


def verify_readme(test, tmp, stdout):
    """The gst-launch-1.0 line converts every frame of the sample: each PNG
    has the source's pixels (read by Pillow), each .npy the source's
    millimetres / 1000 as float32 (numpy)."""
    src = os.path.join(tmp, "sample/trial_1/cam1")
    color = sorted(os.listdir(os.path.join(src, "color")))
    test.assertEqual(len(color), 30)
    for stream, ext in (("color", ".png"), ("depth", ".npy")):
        got = sorted(os.listdir(os.path.join(tmp, "out", stream)))
        test.assertEqual(got, [c.replace(".png", ext) for c in color],
                         f"out/{stream}: one file per source frame")
    for name in color:
        with Image.open(os.path.join(src, "color", name)) as im:
            want = np.asarray(im.convert("RGB"))
        with Image.open(os.path.join(tmp, "out/color", name)) as im:
            test.assertEqual(im.mode, "RGB", name)
            np.testing.assert_array_equal(np.asarray(im), want, name)
        raw = np.fromfile(os.path.join(src, "depth", name[:-4] + ".raw"),
                          "<u2").reshape(want.shape[:2])
        got = np.load(os.path.join(tmp, "out/depth", name[:-4] + ".npy"))
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
    out = os.path.join(tmp, "trial_input/my_trial/cam1")
    names = [f"frame_{n:06d}" for n in range(50)]
    test.assertEqual(sorted(os.listdir(os.path.join(out, "color"))),
                     [n + ".png" for n in names])
    test.assertEqual(sorted(os.listdir(os.path.join(out, "depth"))),
                     [n + ".npy" for n in names])
    src = os.path.join(tmp, "my_trial/cam1")
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
