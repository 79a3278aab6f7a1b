#!/usr/bin/env python3
"""The documented commands run: every fenced sh block that follows a line
`<!-- docs-test: run -->` in README.md and docs/user-guide.md is run by
bash -e in a fresh temporary folder, with `build/` (and `$PWD/build/`)
replaced by this build dir. `bash scripts/...` lines (apt and a build of
their own) are left out. Then what each block made is checked.

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


def run_demo(root, build, env):
    """A folder as a checkout after scripts/demo.sh: a git repository with
    .gitignore and scripts/demo.sh committed, the demo run in it."""
    tmp = tempfile.mkdtemp(prefix="gst-trial-docs-")
    os.mkdir(os.path.join(tmp, "scripts"))
    shutil.copy(os.path.join(root, "scripts/demo.sh"),
                os.path.join(tmp, "scripts"))
    shutil.copy(os.path.join(root, ".gitignore"), tmp)
    git(tmp, "init", "-q")
    git(tmp, "add", ".")
    git(tmp, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm",
        "checkout")
    proc = subprocess.run(["bash", "scripts/demo.sh", "--no-setup"], cwd=tmp,
                          env=dict(env, BUILD=build), capture_output=True,
                          text=True, timeout=600)
    return tmp, proc


def verify_demo(tmp, proc):
    """Small, says where it writes, ends with what to look at next."""
    check(proc.returncode == 0, f"scripts/demo.sh exited {proc.returncode}")
    check(proc.stderr == "", f"scripts/demo.sh wrote on stderr: {proc.stderr}")
    check("to sample/trial_1" in proc.stdout
          and "sample/trial_input/" in proc.stdout,
          "scripts/demo.sh does not say where it writes")
    check("every job complete, no failed frame" in proc.stdout,
          "the demo's conversion is not complete")
    lines = proc.stdout.rstrip("\n").splitlines()
    check("Look next at:" in lines and "metadata.json" in proc.stdout
          and lines[-1].strip().startswith("README.md"),
          "scripts/demo.sh does not end with what to look at next")
    size = sum(os.path.getsize(os.path.join(b, n))
               for b, _, fs in os.walk(os.path.join(tmp, "sample")) for n in fs)
    check(size < 64e6, f"the demo wrote {size / 1e6:.0f} MB, expected < 64 MB")


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


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def main():
    root, build = sys.argv[1], os.path.abspath(sys.argv[2])
    env = sanitizer_env(build)
    readme = marked_blocks(os.path.join(root, "README.md"))
    guide = marked_blocks(os.path.join(root, "docs/user-guide.md"))
    check(len(readme) == 1, f"README.md: {len(readme)} marked blocks, expected 1")
    check(len(guide) == 1, f"user-guide.md: {len(guide)} marked blocks, expected 1")

    failures = 0
    for name, block, verify in (("README.md", readme[0], verify_readme),
                                ("docs/user-guide.md", guide[0], verify_guide)):
        print(f"{name}:")
        tmp, demo = run_demo(root, build, env)
        proc = None
        try:
            verify_demo(tmp, demo)
            trial = tree_digest(os.path.join(tmp, "sample/trial_1"))
            tmp, proc = run_block(block, build, env, tmp)
            check(proc.returncode == 0, f"exit status {proc.returncode}")
            verify(tmp, proc.stdout)
            check(tree_digest(os.path.join(tmp, "sample/trial_1")) == trial,
                  "the block changed the demo's sample/trial_1")
            status = git(tmp, "status", "--porcelain", "--untracked-files=all")
            check(status == "", f"git status after the demo and the block:\n"
                  f"{status}")
            print("  ok")
        except AssertionError as exc:
            failures += 1
            print(f"  FAIL: {exc}\ndemo stdout:\n{demo.stdout}\ndemo stderr:"
                  f"\n{demo.stderr}")
            if proc is not None:
                print(f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        finally:
            shutil.rmtree(tmp)
    return 1 if failures else 0


def verify_readme(tmp, stdout):
    """The gst-launch-1.0 line converts every frame of the sample."""
    color = sorted(os.listdir(os.path.join(tmp, "sample/first_try/cam1/color")))
    for stream, ext in (("color", ".png"), ("depth", ".npy")):
        folder = os.path.join(tmp, "sample/first_try_out", stream)
        got = sorted(os.listdir(folder))
        check(got == [c.replace(".png", ext) for c in color],
              f"sample/first_try_out/{stream}: {got}, expected one file per "
              "source frame")
    check("Got EOS" in stdout, "gst-launch-1.0 did not reach EOS")


def verify_guide(tmp, stdout):
    """The quick start converts the 50 frames and cat shows metadata.json."""
    meta = json.loads(stdout[stdout.index("{"):])
    check(meta["total_frames"] == 50 and meta["successful"] == 50
          and meta["failed"] == 0, f"metadata.json: {meta}")
    check(meta["trial_name"] == "my_trial", f"trial_name {meta['trial_name']}")
    out = os.path.join(tmp, "sample/trial_input/my_trial/cam1")
    check(len(os.listdir(os.path.join(out, "depth"))) == 50, "not 50 .npy files")


if __name__ == "__main__":
    sys.exit(main())
