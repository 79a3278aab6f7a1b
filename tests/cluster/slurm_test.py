#!/usr/bin/env python3
"""examples/cluster on the real engines (issue 11).

Slurm: starts munged, slurmctld and slurmd on this machine from a slurm.conf
written to a temporary folder (one node: this host with the CPUs `slurmd -C`
finds), submits examples/cluster/slurm-array.sh as a 3-task job array over 6
generated trials and checks the output against a single-machine
`trial-process --all` run; then cancels a task mid-run (scancel), resubmits
the array and checks that the output completes without redoing the frames
that were finished. Every daemon and job is stopped at the end, whatever
happened.

Parallel: the same with examples/cluster/parallel.sh on this machine, killed
mid-run with SIGKILL and run again.

Run by meson with TRIAL_PROCESS, TRIAL_MAKE_SAMPLE and GST_PLUGIN_PATH_1_0
set; one TestCase class per meson test (its name is the first argument).
When the engine cannot run here (not installed, daemons that do not start)
each test is reported skipped (TAP "# SKIP" and why); under CI=true, where
scripts/setup.sh --test installs both engines, each fails instead."""
import filecmp
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tap  # noqa: E402  tests/tap.py

TRIAL_PROCESS = os.environ["TRIAL_PROCESS"]
MAKE_SAMPLE = os.environ["TRIAL_MAKE_SAMPLE"]
EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                        "examples", "cluster")
SBIN_PATH = os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin"

# Every layout the tools read. The 9 (trial, camera) jobs, in this order, go
# to shards by index mod 3: shard 1 gets jobs 0, 3, 6; shard 2 jobs 1, 4, 7;
# shard 3 jobs 2, 5, 8, the last of which (single_jpeg_long, JPEG decoded and
# PNG encoded) runs long enough to be cancelled in the middle.
TRIALS = [
    ("multi_raw", ["--cameras", "2", "--size", "160x120", "--frames", "10",
                   "--gap-every", "4", "--seed", "1"]),
    ("single_gaps", ["--layout", "single", "--size", "160x120", "--start",
                     "231", "--frames", "12", "--gap-every", "5", "--seed",
                     "2"]),
    ("multi_npy", ["--cameras", "3", "--size", "160x120", "--start", "100",
                   "--frames", "8", "--depth", "npy", "--seed", "3"]),
    ("single_swapped_npy", ["--layout", "single", "--swapped", "--size",
                            "160x120", "--frames", "10", "--depth", "npy",
                            "--seed", "4"]),
    ("multi_jpeg_long", ["--size", "640x480", "--frames", "100", "--color",
                         "jpeg", "--depth", "png", "--seed", "5"]),
    ("single_jpeg_long", ["--layout", "single", "--size", "640x480",
                          "--frames", "100", "--color", "jpeg", "--seed",
                          "6"]),
]
JOBS = ["multi_raw/cam1", "multi_raw/cam2", "single_gaps/single_camera",
        "multi_npy/cam1", "multi_npy/cam2", "multi_npy/cam3",
        "single_swapped_npy/single_camera", "multi_jpeg_long/cam1",
        "single_jpeg_long/single_camera"]
LONG_JOB = "single_jpeg_long/single_camera"   # the last job of shard 3
LONG_STARTED = 10                             # its frames written before a kill


class Unavailable(Exception):
    """The engine cannot run on this machine: the test is skipped."""


def tool(name):
    path = shutil.which(name, path=SBIN_PATH)
    if path is None:
        raise Unavailable(f"{name} is not installed (apt-get install "
                          "slurm-wlm munge; scripts/setup.sh --test does)")
    return path


def run(args, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 300)
    return subprocess.run(args, **kw)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path, lines=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as exc:
        return str(exc)


def marked_pids(marker, folder):
    """Processes whose environment holds @marker (the daemons, the jobs, GNU
    parallel), or with a file open below @folder: slurmstepd, which leaves
    the daemons' session and writes its title over its environment, holds
    slurmd's log."""
    needle = marker.encode()
    below = os.path.join(folder, "")
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as f:
                marked = needle in f.read().split(b"\0")
            fds = os.listdir(f"/proc/{name}/fd")
        except OSError:
            continue
        for fd in fds:
            if marked:
                break
            try:
                marked = os.readlink(f"/proc/{name}/fd/{fd}").startswith(below)
            except OSError:
                continue
        if marked:
            pids.append(int(name))
    return pids


def session_pids(sid):
    pids = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid:   # fields after "(comm)": state ppid pgrp session
            pids.append(int(name))
    return pids


def kill_pids(pids, sig):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def frame_files(job_dir):
    """{frame file name: folder} of a job's color and depth frames."""
    out = {}
    for stream in ("color", "depth"):
        folder = os.path.join(job_dir, stream)
        if os.path.isdir(folder):
            for name in os.listdir(folder):
                if name.startswith("frame_"):
                    out[os.path.join(stream, name)] = folder
    return out


def job_dirs(root):
    """(trial, camera) folders holding metadata.json below @root."""
    return sorted(os.path.relpath(b, root) for b, _, files in os.walk(root)
                  if "metadata.json" in files)


def leftovers(root):
    return [os.path.join(b, n) for b, _, fs in os.walk(root) for n in fs
            if ".tmp-" in n]


def start_reaper(marker, folder):
    """Starts a process, in a session of its own, that waits for this one to
    end however it ends (meson's timeout sends SIGKILL 0.5 s after SIGTERM,
    too soon to stop daemons), then kills every process marked_pids() finds
    and removes @folder. Returns the pipe whose closing (or this process's
    end) sets it off, and the process."""
    read_end, write_end = os.pipe()
    env = {k: v for k, v in os.environ.items() if f"{k}={v}" != marker}
    proc = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--reap", str(read_end),
         marker, folder, str(os.getpid())],
        pass_fds=(read_end,), start_new_session=True, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    os.close(read_end)
    return write_end, proc


def reap(read_end, marker, folder, owner):
    os.read(int(read_end), 1)   # end of file: the owner closed it or ended
    for _ in range(3):   # a daemon may have started one more process
        kill_pids([pid for pid in marked_pids(marker, folder)
                   if pid != int(owner)], signal.SIGKILL)
        time.sleep(0.3)
    shutil.rmtree(folder, ignore_errors=True)


class SlurmCluster:
    """munged, slurmctld and slurmd for this machine alone, everything in
    @root: configuration, munge key and socket, state, spool, logs."""

    def __init__(self, root):
        self.root = root
        self.conf = os.path.join(root, "slurm.conf")
        self.daemons = []          # (name, Popen, log path)
        self.env = dict(os.environ, SLURM_CONF=self.conf)

    def p(self, *parts):
        return os.path.join(self.root, *parts)

    def spawn(self, name, args):
        log = self.p("log", name + ".out")
        with open(log, "wb") as out:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, env=self.env,
                                    start_new_session=True)
        self.daemons.append((name, proc, log))

    def check_alive(self):
        for name, proc, log in self.daemons:
            if proc.poll() is not None:
                raise Unavailable(f"{name} exited with status {proc.returncode}:"
                                  f"\n{tail(log)}")

    def start(self):
        for name in ("sbatch", "squeue", "sinfo", "scancel", "scontrol"):
            tool(name)
        for name in ("log", "munge", "run", "state", "spool"):
            os.makedirs(self.p(name))
        # munged wants its key private and the folder of its socket open to
        # every user.
        os.chmod(self.root, 0o755)
        os.chmod(self.p("munge"), 0o700)
        os.chmod(self.p("run"), 0o755)
        key = self.p("munge", "munge.key")
        with open(os.open(key, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as f:
            f.write(os.urandom(1024))
        sock = self.p("run", "munge.socket")
        self.spawn("munged", [
            tool("munged"), "--foreground", f"--socket={sock}",
            f"--key-file={key}", f"--pid-file={self.p('munge', 'munged.pid')}",
            f"--log-file={self.p('log', 'munged.log')}",
            f"--seed-file={self.p('munge', 'munged.seed')}"])
        self.wait_for(lambda: os.path.exists(sock), 20, "munged's socket")
        cred = run([tool("munge"), "-n", "-S", sock], env=self.env)
        check = run([tool("unmunge"), "-S", sock], input=cred.stdout,
                    env=self.env)
        if cred.returncode or check.returncode:
            raise Unavailable(f"munge does not work: {cred.stderr}{check.stderr}")

        node = self.node_line()
        user = pwd.getpwuid(os.getuid()).pw_name
        with open(self.conf, "w") as f:
            f.write(f"""\
ClusterName=gsttrialtest
SlurmctldHost={node['NodeName']}(127.0.0.1)
SlurmUser={user}
SlurmdUser={user}
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={sock}
StateSaveLocation={self.p('state')}
SlurmdSpoolDir={self.p('spool')}
SlurmctldPidFile={self.p('run', 'slurmctld.pid')}
SlurmdPidFile={self.p('run', 'slurmd.pid')}
SlurmctldLogFile={self.p('log', 'slurmctld.log')}
SlurmdLogFile={self.p('log', 'slurmd.log')}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MailProg=/bin/true
ReturnToService=2
MinJobAge=3600
KillWait=10
InactiveLimit=0
NodeName={node['NodeName']} NodeAddr=127.0.0.1 CPUs={node['CPUs']} \
Boards={node['Boards']} SocketsPerBoard={node['SocketsPerBoard']} \
CoresPerSocket={node['CoresPerSocket']} ThreadsPerCore={node['ThreadsPerCore']} \
State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
""")
        self.spawn("slurmctld", [tool("slurmctld"), "-D", "-c", "-f", self.conf])
        self.spawn("slurmd", [tool("slurmd"), "-D", "-f", self.conf, "-N",
                              node["NodeName"]])

        def idle():
            self.check_alive()
            proc = run([tool("sinfo"), "-h", "-N", "-o", "%T"], env=self.env)
            return proc.stdout.strip() == "idle"
        self.wait_for(idle, 60, "the node to be idle")

        # A job that does nothing proves slurmd can run jobs here (as a
        # user other than root it may not).
        job = self.submit(["--wrap", "true", "-o", "/dev/null"])
        try:
            states = self.wait(job, 60)
        except AssertionError as exc:
            raise Unavailable(f"a test job did not run: {exc}")
        if states != {None: ("COMPLETED", "0:0")}:
            raise Unavailable(f"a test job did not run: {states}\n"
                              f"{tail(self.p('log', 'slurmd.log'))}")

    def node_line(self):
        proc = run([tool("slurmd"), "-C"], env=self.env)
        fields = dict(kv.split("=", 1) for kv in
                      proc.stdout.splitlines()[0].split() if "=" in kv) \
            if proc.stdout else {}
        need = ("NodeName", "CPUs", "Boards", "SocketsPerBoard",
                "CoresPerSocket", "ThreadsPerCore")
        if proc.returncode or not all(k in fields for k in need):
            raise Unavailable(f"slurmd -C failed: {proc.stdout}{proc.stderr}")
        return fields

    def wait_for(self, predicate, seconds, what):
        deadline = time.monotonic() + seconds
        while not predicate():
            if time.monotonic() > deadline:
                self.check_alive()
                raise Unavailable(f"no {what} after {seconds} s:\n" + "".join(
                    f"{name}:\n{tail(log)}" for name, _, log in self.daemons))
            time.sleep(0.2)

    def command(self, name, *args, check=True):
        proc = run([tool(name), *args], env=self.env)
        if check and proc.returncode:
            raise AssertionError(f"{name} {' '.join(args)} exited "
                                 f"{proc.returncode}: {proc.stderr}")
        return proc.stdout

    def submit(self, args):
        proc = run([tool("sbatch"), "--parsable", *args], env=self.env)
        if proc.returncode:
            raise AssertionError(f"sbatch {' '.join(args)}: {proc.stderr}")
        return proc.stdout.strip().split(";")[0]

    def wait(self, job, seconds):
        """Waits until no task of @job is pending or running; returns
        {array task id (None for a plain job): (JobState, ExitCode)}."""
        deadline = time.monotonic() + seconds
        while self.command("squeue", "-h", "-j", job, "-o", "%i").strip():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"job {job} still queued after {seconds} s:\n" +
                    self.command("squeue", "-j", job, check=False))
            time.sleep(0.3)
        states = {}
        for line in self.command("scontrol", "-o", "show", "job",
                                 job).splitlines():
            task = re.search(r"\bArrayTaskId=(\d+)", line)
            state = re.search(r"\bJobState=(\S+)", line)
            code = re.search(r"\bExitCode=(\S+)", line)
            states[int(task.group(1)) if task else None] = (
                state.group(1) if state else None, code.group(1) if code else None)
        return states

    def stop(self):
        ctld = [p for n, p, _ in self.daemons if n == "slurmctld"]
        if ctld and ctld[0].poll() is None:
            jobs = run([tool("squeue"), "-h", "-o", "%A"], env=self.env,
                       timeout=30).stdout.split()
            if jobs:
                run([tool("scancel"), *jobs], env=self.env, timeout=30)
                deadline = time.monotonic() + 30
                while (run([tool("squeue"), "-h"], env=self.env,
                           timeout=30).stdout.strip()
                       and time.monotonic() < deadline):
                    time.sleep(0.3)
        for _, proc, _ in reversed(self.daemons):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


class Engine(unittest.TestCase):
    """The trials, their list and the single-machine reference output,
    shared by the tests of a class. Every process the tests start, directly
    or through an engine, carries GST_TRIAL_CLUSTER_TEST=<temporary folder>
    in its environment, for the reaper."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="cluster-test-")
        os.environ["GST_TRIAL_CLUSTER_TEST"] = cls.tmp
        cls.reaper_pipe, cls.reaper = start_reaper(
            f"GST_TRIAL_CLUSTER_TEST={cls.tmp}", cls.tmp)
        try:
            cls.start_engine()
            cls.make_trials()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.stop_engine()
        finally:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            os.close(cls.reaper_pipe)
            cls.reaper.wait(30)

    @classmethod
    def make_trials(cls):
        cls.listing = os.path.join(cls.tmp, "trials.txt")
        paths = []
        for name, args in TRIALS:
            path = os.path.join(cls.tmp, "trials", name)
            subprocess.run([MAKE_SAMPLE, "--quiet", *args, path], check=True)
            paths.append(path)
        with open(cls.listing, "w") as f:
            f.write("# generated by slurm_test.py\n" + "\n".join(paths) + "\n")
        cls.reference = os.path.join(cls.tmp, "reference")
        proc = run([TRIAL_PROCESS, "--all", "-q", "-o", cls.reference, *paths])
        if proc.returncode:
            raise AssertionError(f"reference run: {proc.stderr}")
        cls.frames = {}   # job: its frame numbers, in order
        for job in JOBS:
            names = sorted(n for n in os.listdir(
                os.path.join(cls.reference, job, "color")))
            cls.frames[job] = [n[len("frame_"):-len(".png")] for n in names]

    @classmethod
    def start_engine(cls):
        """Starts the engine, or calls tap.missing() saying why it cannot
        run."""

    @classmethod
    def stop_engine(cls):
        """Stops whatever start_engine started, even half-started."""

    def p(self, *parts):
        return os.path.join(self.tmp, *parts)

    def metadata(self, out, job):
        with open(os.path.join(out, job, "metadata.json")) as f:
            return json.load(f)

    def summarize(self, out, *args):
        proc = run([TRIAL_PROCESS, "--summarize", out, *args])
        return proc.returncode, proc.stdout, proc.stderr

    def assert_like_reference(self, out):
        """Each (trial, camera) once, every file byte for byte the
        reference's, every metadata.json complete, totals of --summarize."""
        self.assertEqual(job_dirs(out), sorted(JOBS))
        for job in JOBS:
            ref = frame_files(os.path.join(self.reference, job))
            got = frame_files(os.path.join(out, job))
            self.assertEqual(sorted(got), sorted(ref), job)
            for name, folder in ref.items():
                base = os.path.basename(name)
                self.assertTrue(filecmp.cmp(os.path.join(folder, base),
                                            os.path.join(got[name], base),
                                            shallow=False), f"{job}/{name}")
            meta = self.metadata(out, job)
            self.assertTrue(meta["complete"], job)
            self.assertEqual(meta["failed"], 0, job)
            self.assertEqual(meta["successful"], len(self.frames[job]), job)
            self.assertEqual(meta["total_frames"], len(self.frames[job]), job)
        self.assertEqual(leftovers(out), [])
        status, text, err = self.summarize(out, "--json")
        self.assertEqual(status, 0, text + err)
        summary = json.loads(text)
        total = sum(len(f) for f in self.frames.values())
        self.assertEqual(
            {k: summary[k] for k in ("status", "trials", "jobs", "complete_jobs",
                                     "incomplete_jobs", "total_frames",
                                     "successful", "failed", "problems")},
            {"status": 0, "trials": len(TRIALS), "jobs": len(JOBS),
             "complete_jobs": len(JOBS), "incomplete_jobs": 0,
             "total_frames": total, "successful": total, "failed": 0,
             "problems": []})
        status, text, _ = self.summarize(out)
        self.assertEqual(status, 0)
        self.assertIn(f"{len(TRIALS)} trials, {len(JOBS)} jobs", text)
        self.assertIn(f"frames: {total} in all, {total} written, 0 failed", text)
        self.assertIn("every job complete, no failed frame", text)

    def wait_for_long_job(self, out, alive, seconds=300):
        """Until LONG_JOB has written LONG_STARTED color frames; @alive()
        says whether the run is still going."""
        color = os.path.join(out, LONG_JOB, "color")
        deadline = time.monotonic() + seconds
        while True:
            names = os.listdir(color) if os.path.isdir(color) else []
            if sum(n.startswith("frame_") for n in names) >= LONG_STARTED:
                return
            self.assertTrue(alive(), "the run ended before it could be "
                            "interrupted")
            self.assertLess(time.monotonic(), deadline,
                            f"{LONG_JOB} wrote no frame in {seconds} s")
            time.sleep(0.02)

    def finished_frames(self, out):
        """{path: (inode, mtime_ns)} of the frames --resume must keep: all
        of a complete job, and of an incomplete one those before its first
        frame that lacks color or depth. Also {job: kept frame count}."""
        kept, counts = {}, {}
        for job in JOBS:
            job_dir = os.path.join(out, job)
            if not os.path.isdir(job_dir):
                counts[job] = 0
                continue
            have = frame_files(job_dir)
            count = 0
            for number in self.frames[job]:
                names = [os.path.join("color", f"frame_{number}.png"),
                         os.path.join("depth", f"frame_{number}.npy")]
                if not all(n in have for n in names):
                    break
                for n in names:
                    st = os.stat(os.path.join(job_dir, n))
                    kept[os.path.join(job, n)] = (st.st_ino, st.st_mtime_ns)
                count += 1
            counts[job] = count
        return kept, counts

    def assert_kept(self, out, kept):
        changed = []
        for path, before in kept.items():
            st = os.stat(os.path.join(out, path))
            if (st.st_ino, st.st_mtime_ns) != before:
                changed.append(path)
        self.assertEqual(changed, [], "finished frames were written again")

    def assert_interrupted(self, out, states):
        """The output of a run stopped in LONG_JOB: --summarize says
        incomplete and names the job."""
        status, text, err = self.summarize(out, "--json")
        self.assertEqual(status, 3, text + err)
        summary = json.loads(text)
        self.assertGreaterEqual(summary["incomplete_jobs"], 1)
        problems = {p["job"]: p for p in summary["problems"]}
        self.assertIn(LONG_JOB, problems)
        self.assertIn(problems[LONG_JOB]["state"], states)
        self.assertLess(summary["successful"],
                        sum(len(f) for f in self.frames.values()))
        status, text, _ = self.summarize(out)
        self.assertEqual(status, 3)
        self.assertIn(f"  {LONG_JOB}: ", text)
        return problems[LONG_JOB]


class Slurm(Engine):
    """slurm-array.sh on a real Slurm: slurmctld and slurmd on localhost."""

    cluster = None

    @classmethod
    def start_engine(cls):
        # munged's socket must be reachable by every user: each folder above
        # it searchable by all.
        os.chmod(cls.tmp, 0o755)
        cls.cluster = SlurmCluster(os.path.join(cls.tmp, "slurm"))
        os.makedirs(cls.cluster.root)
        try:
            cls.cluster.start()
        except Unavailable as exc:
            tap.missing(f"a local Slurm cluster: {exc}")

    @classmethod
    def stop_engine(cls):
        if cls.cluster:
            cls.cluster.stop()

    def submit(self, array, out, logs):
        os.makedirs(logs, exist_ok=True)
        return self.cluster.submit(
            [f"--array={array}", "--cpus-per-task=1", f"--chdir={logs}",
             os.path.join(EXAMPLES, "slurm-array.sh"), self.listing, out])

    def assert_logs(self, logs, job, tasks):
        """One log per task, each naming its shard."""
        done = []
        for k, task in enumerate(tasks, 1):
            with open(os.path.join(logs, f"trial-process-{job}_{task}.log")) as f:
                text = f.read()
            self.assertIn(f"shard {k}/{len(tasks)} of {len(TRIALS)} trials", text)
            done += [line.split(": done,")[0] for line in text.splitlines()
                     if ": done," in line]
        return done

    def test_array_matches_single_machine(self):
        out, logs = self.p("array"), self.p("logs-array")
        job = self.submit("1-3", out, logs)
        states = self.cluster.wait(job, 600)
        self.assertEqual(states, {t: ("COMPLETED", "0:0") for t in (1, 2, 3)})
        # Each job ran in exactly one task.
        self.assertEqual(sorted(self.assert_logs(logs, job, [1, 2, 3])),
                         sorted(JOBS))
        self.assert_like_reference(out)
        shutil.rmtree(out)

    def test_cancel_and_resubmit(self):
        out, logs = self.p("cancel"), self.p("logs-cancel")
        job = self.submit("0-2", out, logs)

        def running():
            return bool(self.cluster.command("squeue", "-h", "-j", job,
                                             "-o", "%i").strip())
        self.wait_for_long_job(out, running)
        self.cluster.command("scancel", f"{job}_2")   # shard 3 of 3
        states = self.cluster.wait(job, 600)
        self.assertEqual(states[0], ("COMPLETED", "0:0"))
        self.assertEqual(states[1], ("COMPLETED", "0:0"))
        self.assertEqual(states[2][0], "CANCELLED")
        # scancel sends SIGTERM first: trial-process records the interruption.
        problem = self.assert_interrupted(out, ("interrupted",))
        self.assertLess(problem["successful"], problem["total_frames"])
        kept, counts = self.finished_frames(out)
        self.assertGreater(counts[LONG_JOB], 0)
        self.assertLess(counts[LONG_JOB], len(self.frames[LONG_JOB]))

        again = self.submit("0-2", out, logs)
        states = self.cluster.wait(again, 600)
        self.assertEqual(states, {t: ("COMPLETED", "0:0") for t in (0, 1, 2)})
        self.assert_logs(logs, again, [0, 1, 2])
        self.assert_like_reference(out)
        self.assert_kept(out, kept)
        for name, count in counts.items():
            self.assertEqual(self.metadata(out, name)["resumed_from_frames"],
                             count, name)


class Parallel(Engine):
    """parallel.sh with GNU parallel on this machine."""

    @classmethod
    def start_engine(cls):
        if shutil.which("parallel") is None:
            tap.missing("GNU parallel (apt install parallel)")

    def parallel(self, out, **kw):
        return subprocess.Popen(
            ["bash", os.path.join(EXAMPLES, "parallel.sh"), self.listing, out],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True, **kw)

    def joblog(self, out):
        with open(os.path.join(out, "parallel.joblog")) as f:
            rows = [line.split("\t") for line in f.read().splitlines()[1:]]
        return {row[-1].split()[-1]: int(row[6]) for row in rows}   # trial: exit

    def test_parallel_matches_single_machine(self):
        out = self.p("parallel")
        proc = self.parallel(out)
        stdout, stderr = proc.communicate(timeout=600)
        self.assertEqual(proc.returncode, 0, stderr)
        self.assertEqual(stderr, "")
        self.assertEqual(self.joblog(out), {
            os.path.join(self.tmp, "trials", name): 0 for name, _ in TRIALS})
        self.assert_like_reference(out)
        shutil.rmtree(out)

    def test_kill_and_rerun(self):
        out = self.p("killed")
        proc = self.parallel(out)
        try:
            self.wait_for_long_job(out, lambda: proc.poll() is None)
        finally:
            # GNU parallel starts each job in a process group of its own;
            # the session holds them all.
            kill_pids(session_pids(proc.pid), signal.SIGKILL)
            proc.communicate(timeout=60)
        # SIGKILL: the job had no time to write metadata.json.
        self.assert_interrupted(out, ("no-metadata",))
        kept, counts = self.finished_frames(out)
        self.assertGreater(counts[LONG_JOB], 0)
        self.assertLess(counts[LONG_JOB], len(self.frames[LONG_JOB]))
        self.assertNotIn(os.path.join(self.tmp, "trials", "single_jpeg_long"),
                         self.joblog(out))

        proc = self.parallel(out)
        stdout, stderr = proc.communicate(timeout=600)
        self.assertEqual(proc.returncode, 0, stderr)
        self.assertEqual(self.joblog(out), {
            os.path.join(self.tmp, "trials", name): 0 for name, _ in TRIALS})
        self.assert_like_reference(out)
        self.assert_kept(out, kept)
        self.assertEqual(self.metadata(out, LONG_JOB)["resumed_from_frames"],
                         counts[LONG_JOB])


if __name__ == "__main__":
    if sys.argv[1] == "--reap":
        reap(*sys.argv[2:6])
        sys.exit(0)
    tap.main(sys.argv[1:])
