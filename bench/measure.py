#!/usr/bin/python3
"""Times the contenders of one benchmark suite side by side (bench/run.sh).

Each round runs every contender once, in an order rotated by one each round
(so no contender always follows the same one), after an untimed warm-up run
of each. For every run: wall time (perf_counter around spawn and wait4),
user and system CPU (rusage of the process and the children it waited for),
CPU utilisation, peak RSS (ru_maxrss) and peak PSS of the whole process tree,
sampled from /proc/PID/smaps_rollup every 10 ms by a thread of this script.
The output folder is on the trial's filesystem and removed (untimed) before
every run, followed by sync(), so no run waits for an earlier one's writeback.

Writes CSV_raw (one row per run) and CSV (min/median/max per contender).

Usage: measure.py --suite main|hd|jpeg|bag|scaling --build DIR --trial DIR
       [--trial DIR ...] --rounds N --out CSV [--raw CSV_raw]
       [--warmup/--no-warmup] [--frames N (bag)]
"""
import argparse
import csv
import os
import re
import shutil
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REAP_NAME = re.compile(r"frame_\d+\.(png|npy)$")


FRAMES = {}  # --frames of a trial that is no folder (a .bag)


def count_frames(trial):
    if trial in FRAMES:
        return None, FRAMES[trial]
    camera = sorted(d for d in os.listdir(trial)
                    if os.path.isdir(os.path.join(trial, d)))[0]
    color = os.path.join(trial, camera, "color")
    return camera, sum(1 for n in os.listdir(color)
                       if n.endswith((".png", ".jpg")))


class Contender:
    def __init__(self, name, group, threads, trial, argv, env=None,
                 stream="color+depth", reap=False):
        self.name = name
        self.group = group
        self.threads = threads
        self.trial = trial
        self.argv = argv
        self.env = env or {}
        self.stream = stream
        self.reap = reap


def tp(build, trial, mode, threads, **kw):
    return Contender(
        "tp-%s-j%d" % (mode, threads), "trial-process %s" % mode, threads,
        trial,
        [os.path.join(build, "tools", "trial-process"), trial, "-o", "{out}",
         "-j", str(threads), "--color-mode", mode, "-q"], **kw)


def tp_color(trial, mode, threads):
    """Our elements on the color stream only (depth read, not converted):
    the same work as the stock pipeline and FFmpeg do."""
    return Contender(
        "tp-color-%s-j%d" % (mode, threads), "gst-launch trial* color %s" % mode,
        threads, trial,
        ["gst-launch-1.0", "-q", "trialsrc", "location=" + trial, "name=s",
         "s.color", "!", "trialconvert", "n-threads=%d" % threads,
         "color-mode=" + mode, "!", "trialsink", "location={out}/%06d.png",
         "s.depth", "!", "fakesink"], stream="color")


def stock(trial, camera, frames):
    return Contender(
        "stock", "stock pngdec!pngenc", 1, trial,
        ["gst-launch-1.0", "-q", "multifilesrc",
         "location=%s/%s/color/frame_%%06d.png" % (trial, camera), "index=0",
         "stop-index=%d" % (frames - 1), "caps=image/png,framerate=30/1", "!",
         "pngdec", "!", "pngenc", "compression-level=1", "!", "multifilesink",
         "location={out}/%06d.png"], stream="color")


def ffmpeg(trial, camera, threads):
    return Contender(
        "ffmpeg-t%d" % threads, "ffmpeg image2", threads, trial,
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-threads", str(threads),
         "-start_number", "0", "-i",
         "%s/%s/color/frame_%%06d.png" % (trial, camera), "-threads",
         str(threads), "-compression_level", "1", "{out}/%06d.png"],
        stream="color")


def contenders(args):
    build = os.path.abspath(args.build)
    trial = os.path.abspath(args.trial[0])
    camera, frames = count_frames(trial)
    if args.suite == "main":
        out = []
        for mode in ("auto", "reencode"):
            out += [tp(build, trial, mode, j) for j in (1, 2, 4, 8)]
        out += [tp_color(trial, "auto", 2), tp_color(trial, "reencode", 2),
                stock(trial, camera, frames), ffmpeg(trial, camera, 1),
                ffmpeg(trial, camera, 2),
                Contender("cp", "cp -r", 1, trial,
                          ["cp", "-r", trial, "{out}/"]),
                Contender("cp-color", "cp -r color", 1, trial,
                          ["cp", "-r", "%s/%s/color" % (trial, camera),
                           "{out}/"], stream="color"),
                Contender("py-standin-p2", "numpy/Pillow stand-in", 2, trial,
                          ["/usr/bin/python3",
                           os.path.join(HERE, "seed_standin.py"), trial,
                           "{out}", "--workers", "2"])]
        # What the full passthrough check costs: auto with the chunk-only
        # check that does not inflate (the default, data, inflates).
        c = tp(build, trial, "auto", 2)
        c.argv += ["--verify", "chunks"]
        c.name = "tp-auto-chunks-j2"
        c.group += " (verify=chunks)"
        out.append(c)
        return out
    if args.suite == "jpeg":
        # a trial of JPEG color frames: every frame is decoded and written
        # as PNG whatever the mode (the seed's Python tool: 51 fps)
        return [tp(build, trial, "auto", 1), tp(build, trial, "auto", 2),
                Contender("cp", "cp -r", 1, trial,
                          ["cp", "-r", trial, "{out}/"])]
    if args.suite == "bag":
        # the hook for a RealSense .bag (--trial FILE --frames N), once
        # trial-process reads bags
        return [tp(build, trial, "auto", 1), tp(build, trial, "auto", 2)]
    if args.suite == "hd":
        return [tp(build, trial, "auto", 1), tp(build, trial, "auto", 2),
                tp(build, trial, "reencode", 2),
                tp_color(trial, "reencode", 2), stock(trial, camera, frames),
                ffmpeg(trial, camera, 2),
                Contender("cp", "cp -r", 1, trial,
                          ["cp", "-r", trial, "{out}/"])]
    if args.suite == "scaling":
        out = []
        for t in args.trial:
            t = os.path.abspath(t)
            n = count_frames(t)[1]
            # reencode of 32,100 frames alone would take ~9 minutes
            for mode in ("auto", "reencode") if n <= 5000 else ("auto",):
                c = tp(build, t, mode, 2, reap=True)
                c.name += "-n%d" % n
                out.append(c)
        return out
    raise SystemExit("unknown suite " + args.suite)


def tree_pids(pid):
    pids = [pid]
    i = 0
    while i < len(pids):
        p = pids[i]
        i += 1
        try:
            for tid in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, tid)) as f:
                    pids += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return pids


def pss_kb(pid):
    total = 0
    for p in tree_pids(pid):
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def reap(out, stop):
    """Deletes finished frame files while a long run goes on, so 32,100
    frames of output never reach the disk (temporary files are left alone:
    the sink renames them when complete)."""
    while not stop.wait(0.25):
        for root, _dirs, files in os.walk(out):
            for name in files:
                if REAP_NAME.match(name):
                    try:
                        os.unlink(os.path.join(root, name))
                    except OSError:
                        pass


def run_once(c, workdir, log):
    out = os.path.join(workdir, "out")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    # Nothing dirty left to write back (trial generation, other programs)
    # throttles the writes of the run.
    os.sync()
    argv = [a.replace("{out}", out) for a in c.argv]
    env = dict(os.environ, **c.env)
    peak = [0]
    stop = threading.Event()

    err = open(log, "ab")
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, env, file_actions=[
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], pss_kb(pid))
            stop.wait(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    reaper = None
    if c.reap:
        reaper = threading.Thread(target=reap, args=(out, stop))
        reaper.start()
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    if reaper:
        reaper.join()
    err.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("%s failed (exit %d), see %s: %s" % (
            c.name, os.waitstatus_to_exitcode(status), log, " ".join(argv)))
    shutil.rmtree(out, ignore_errors=True)
    return {"wall_s": wall, "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
            "peak_pss_kb": peak[0], "max_rss_kb": ru.ru_maxrss}


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--trial", action="append", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", required=True)
    ap.add_argument("--raw")
    ap.add_argument("--frames", type=int,
                    help="frames of a --trial that is a file (bag suite)")
    ap.add_argument("--workdir",
                    help="where the outputs go (default: measure-SUITE "
                    "beside the first --trial)")
    ap.add_argument("--warmup", action=argparse.BooleanOptionalAction,
                    default=True)
    args = ap.parse_args()
    if args.frames:
        FRAMES[os.path.abspath(args.trial[0])] = args.frames

    cs = contenders(args)
    workdir = args.workdir or os.path.join(
        os.path.dirname(os.path.abspath(args.trial[0])), "measure-" + args.suite)
    os.makedirs(workdir, exist_ok=True)
    log = os.path.join(workdir, "stderr.log")
    frames = {c.trial: count_frames(c.trial)[1] for c in cs}
    rows = []
    if args.warmup:
        for c in cs:
            run_once(c, workdir, log)
    for r in range(args.rounds):
        order = cs[r % len(cs):] + cs[:r % len(cs)]
        for c in order:
            load = loadavg()
            m = run_once(c, workdir, log)
            cpu = m["user_s"] + m["sys_s"]
            m.update(suite=args.suite, contender=c.name, group=c.group,
                     threads=c.threads, stream=c.stream, frames=frames[c.trial],
                     round=r + 1, load1=load, cpu_s=cpu,
                     cpu_pct=100.0 * cpu / m["wall_s"],
                     fps=frames[c.trial] / m["wall_s"],
                     ms_per_frame=1000.0 * m["wall_s"] / frames[c.trial])
            rows.append(m)
            print("  round %d %-22s %7.2f s %8.1f fps %5.0f%% CPU %6.1f MB PSS"
                  " (load %.1f)" % (r + 1, c.name, m["wall_s"], m["fps"],
                                    m["cpu_pct"], m["peak_pss_kb"] / 1024,
                                    load), flush=True)

    raw_fields = ["suite", "contender", "group", "threads", "stream", "frames",
                  "round", "load1", "wall_s", "user_s", "sys_s", "cpu_s",
                  "cpu_pct", "fps", "ms_per_frame", "peak_pss_kb",
                  "max_rss_kb"]
    if args.raw:
        with open(args.raw, "w", newline="") as f:
            w = csv.DictWriter(f, raw_fields)
            w.writeheader()
            for m in rows:
                w.writerow({k: (round(v, 4) if isinstance(v, float) else v)
                            for k, v in m.items()})

    fields = ["suite", "contender", "group", "threads", "stream", "frames",
              "runs", "wall_min_s", "wall_median_s", "wall_max_s", "fps_min",
              "fps_median", "fps_max", "ms_per_frame_median", "cpu_s_median",
              "cpu_pct_median", "peak_pss_mb_max", "max_rss_mb_max",
              "load1_median"]
    with open(args.out, "w", newline="") as f:
        w = csv.DictWriter(f, fields)
        w.writeheader()
        for c in cs:
            ms = [m for m in rows if m["contender"] == c.name]
            walls = sorted(m["wall_s"] for m in ms)
            n = frames[c.trial]
            w.writerow({
                "suite": args.suite, "contender": c.name, "group": c.group,
                "threads": c.threads, "stream": c.stream, "frames": n,
                "runs": len(ms),
                "wall_min_s": round(walls[0], 3),
                "wall_median_s": round(statistics.median(walls), 3),
                "wall_max_s": round(walls[-1], 3),
                "fps_min": round(n / walls[-1], 1),
                "fps_median": round(n / statistics.median(walls), 1),
                "fps_max": round(n / walls[0], 1),
                "ms_per_frame_median": round(
                    1000 * statistics.median(walls) / n, 3),
                "cpu_s_median": round(statistics.median(
                    m["cpu_s"] for m in ms), 3),
                "cpu_pct_median": round(statistics.median(
                    m["cpu_pct"] for m in ms), 1),
                "peak_pss_mb_max": round(max(
                    m["peak_pss_kb"] for m in ms) / 1024, 1),
                "max_rss_mb_max": round(max(
                    m["max_rss_kb"] for m in ms) / 1024, 1),
                "load1_median": round(statistics.median(
                    m["load1"] for m in ms), 2)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
