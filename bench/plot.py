#!/usr/bin/python3
"""Draws fps vs threads for each contender from the main suite's summary CSV
(bench/measure.py): median as the point, min..max as the bar.

Usage: plot.py bench/results/main.csv docs/images/fps-vs-threads.png
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# The Python tool's own figure from the issue (2 workers, this machine); it
# could not be run here.
SEED_FPS_2_WORKERS = 51


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src) as f:
        rows = {r["contender"]: r for r in csv.DictReader(f)}
    frames = next(iter(rows.values()))["frames"]

    fig, ax = plt.subplots(figsize=(10, 5.2), dpi=90)

    # shift: a small sideways offset so points at the same thread count
    # stay apart on the log axis
    def series(names, label, style, color, shift=1.0):
        pts = [rows[n] for n in names if n in rows]
        if not pts:
            return
        x = [int(r["threads"]) * shift for r in pts]
        y = [float(r["fps_median"]) for r in pts]
        lo = [yy - float(r["fps_min"]) for yy, r in zip(y, pts)]
        hi = [float(r["fps_max"]) - yy for yy, r in zip(y, pts)]
        ax.errorbar(x, y, yerr=[lo, hi], fmt=style, color=color, capsize=3,
                    label=label)

    series(["tp-auto-j%d" % j for j in (1, 2, 4, 8)],
           "trial-process auto (color + depth)", "o-", "tab:blue")
    series(["tp-reencode-j%d" % j for j in (1, 2, 4, 8)],
           "trial-process reencode (color + depth)", "s-", "tab:green")
    series(["tp-color-auto-j2"], "trialsrc!trialconvert!trialsink auto "
           "(color only)", "o", "tab:cyan", 1.08)
    series(["tp-color-reencode-j2"], "trialsrc!trialconvert!trialsink "
           "reencode (color only)", "s", "tab:olive", 1.08)
    series(["stock"], "stock pngdec ! pngenc (color only)", "D", "tab:red")
    series(["ffmpeg-t1", "ffmpeg-t2"], "FFmpeg image2 (color only)", "^-",
           "tab:orange")
    series(["py-standin-p2"], "numpy/Pillow stand-in for the seed, Pool(2)",
           "v", "tab:purple", 0.92)
    ax.plot([2 * 0.92], [SEED_FPS_2_WORKERS], "*", color="black", markersize=11,
            label="seed Python tool, 2 workers (figure quoted in the issue)")
    if "cp" in rows:
        cp = float(rows["cp"]["fps_median"])
        ax.axhline(cp, color="gray", linestyle="--",
                   label="cp -r of the trial (I/O floor), %.0f fps" % cp)

    ax.set_xscale("log", base=2)
    ax.set_xticks([1, 2, 4, 8])
    ax.set_xticklabels(["1", "2", "4", "8"])
    ax.set_yscale("log")
    ax.set_xlabel("threads (-j, FFmpeg -threads, pool workers)")
    ax.set_ylabel("frames per second (log scale)")
    ax.set_title("%s frames 640x480 on a 2-core machine: median, min-max bar"
                 % frames, fontsize=11)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(dst, bbox_inches="tight")


if __name__ == "__main__":
    main()
