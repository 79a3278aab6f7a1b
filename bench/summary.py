#!/usr/bin/python3
"""Prints the tables and target checks of docs/performance.md (Markdown) from
the CSVs bench/run.sh wrote, so every figure in the report comes from a file.

Usage: summary.py RESULTS_DIR
"""
import csv
import os
import sys

# The figures for the Python tool (not runnable here).
SEED_FPS_2 = 51.0
SEED_PSS_MB_2 = 162.0


def load(path):
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {r["contender"]: r for r in csv.DictReader(f)}


def fps(rows, name):
    return float(rows[name]["fps_median"])


def verdict(ok):
    return "**met**" if ok else "**missed**"


def table(rows, columns):
    head = [c[0] for c in columns]
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    for r in rows.values():
        out.append("| " + " | ".join(str(c[1](r)) for c in columns) + " |")
    return "\n".join(out)


def main():
    res = sys.argv[1]
    main_rows = load(os.path.join(res, "main.csv"))
    hd = load(os.path.join(res, "hd.csv"))
    jpeg = load(os.path.join(res, "jpeg.csv"))
    bag = load(os.path.join(res, "bag.csv"))
    scaling = load(os.path.join(res, "scaling.csv"))
    cg = load(os.path.join(res, "callgrind.csv"))

    timing_cols = [
        ("contender", lambda r: "`%s`" % r["contender"]),
        ("does", lambda r: r["stream"]),
        ("threads", lambda r: r["threads"]),
        ("runs", lambda r: r["runs"]),
        ("wall s min / median / max", lambda r: "%s / %s / %s" % (
            r["wall_min_s"], r["wall_median_s"], r["wall_max_s"])),
        ("fps (median)", lambda r: r["fps_median"]),
        ("CPU s (user+sys)", lambda r: r["cpu_s_median"]),
        ("CPU %", lambda r: r["cpu_pct_median"]),
        ("peak PSS MB", lambda r: r["peak_pss_mb_max"]),
        ("peak RSS MB", lambda r: r["max_rss_mb_max"]),
    ]
    for title, rows in (("640x480, 321 frames", main_rows),
                        ("1280x720, 321 frames", hd),
                        ("JPEG color, 640x480, 321 frames", jpeg),
                        ("RealSense .bag", bag),
                        ("scaling (auto/reencode, -j 2)", scaling)):
        if rows:
            print("### %s\n" % title)
            print(table(rows, timing_cols))
            print()

    if cg:
        print("### Instructions per frame (callgrind, single-threaded)\n")
        stock_ir = float(cg["stock"]["ir_per_frame"]) if "stock" in cg else 0
        print("| contender | frames A / B | instructions per frame | "
              "stock / this | of which gst_trial_png_verify |")
        print("|---|---|---|---|---|")
        for r in cg.values():
            ir = float(r["ir_per_frame"])
            print("| `%s` | %s / %s | %.1f M | %s | %s |" % (
                r["contender"], r["frames_a"], r["frames_b"], ir / 1e6,
                "%.2fx" % (stock_ir / ir) if stock_ir and ir else "-",
                "%.1f M" % (float(r["verify_ir_per_frame"]) / 1e6)
                if float(r["verify_ir_per_frame"]) else "-"))
        print()

    if not main_rows:
        return 0
    print("### Targets (issue 19; 640x480, 321 frames, 2 threads)\n")
    print("Each ratio twice: from the median runs, and from the best (least "
          "disturbed) run of each contender.\n")
    print("| target | median runs | best runs | verdict (median / best) |")
    print("|---|---|---|---|")

    def ratio(a, b, what, limit, larger=True, rows=main_rows):
        """a / b from medians and from best runs; what: fps or wall; b may
        be a number of fps (a quoted figure)."""
        if isinstance(b, float):
            med = (fps(rows, a), b)
            best = (float(rows[a]["fps_max"]), b)
            fmt = "%.0f / %.0f fps = %.2fx"
        elif what == "fps":
            med = (fps(rows, a), fps(rows, b))
            best = (float(rows[a]["fps_max"]), float(rows[b]["fps_max"]))
            fmt = "%.0f / %.0f fps = %.2fx"
        else:
            med = (float(rows[a]["wall_median_s"]),
                   float(rows[b]["wall_median_s"]))
            best = (float(rows[a]["wall_min_s"]), float(rows[b]["wall_min_s"]))
            fmt = "%.2f s / %.2f s = %.1fx"
        cells = []
        oks = []
        for x, y in (med, best):
            cells.append(fmt % (x, y, x / y))
            oks.append(x / y >= limit if larger else x / y <= limit)
        return cells + [" / ".join(verdict(o) for o in oks)]

    lines = [
        ["reencode >= 6x stock fps"] + ratio("tp-reencode-j2", "stock",
                                            "fps", 6),
        ["reencode >= 3x FFmpeg (2 threads)"] + ratio(
            "tp-reencode-j2", "ffmpeg-t2", "fps", 3),
        ["auto (full verification) >= 15x stock fps"] + ratio(
            "tp-auto-j2", "stock", "fps", 15),
        ["auto time <= 1.5x `cp -r`"] + ratio("tp-auto-j2", "cp", "wall", 1.5,
                                             larger=False),
        ["reencode 2 threads >= 1.8x 1 thread"] + ratio(
            "tp-reencode-j2", "tp-reencode-j1", "fps", 1.8),
    ]
    if hd:
        lines.append(["auto at 1280x720 time <= 3x `cp -r`"] + ratio(
            "tp-auto-j2", "cp", "wall", 3, larger=False, rows=hd))
    if jpeg:
        lines.append(["JPEG color trial >= 5x the seed's 51 fps"] + ratio(
            "tp-auto-j2", SEED_FPS_2, "fps", 5, rows=jpeg))
    auto2 = fps(main_rows, "tp-auto-j2")
    re2 = fps(main_rows, "tp-reencode-j2")
    pss = {k: float(v["peak_pss_mb_max"]) for k, v in main_rows.items()}
    m = "%.1f / %.1f MB (auto / reencode)" % (pss["tp-auto-j2"],
                                              pss["tp-reencode-j2"])
    lines.append(["peak PSS < 40 MB (-j 2)", m, m, verdict(
        max(pss["tp-auto-j2"], pss["tp-reencode-j2"]) < 40)])
    small = [r for r in scaling.values() if r["contender"].startswith(
        "tp-auto") and int(r["frames"]) < 1000]
    big = [r for r in scaling.values() if r["contender"].startswith(
        "tp-auto") and int(r["frames"]) > 30000]
    if small and big:
        a = float(small[0]["peak_pss_mb_max"])
        b = float(big[0]["peak_pss_mb_max"])
        m = "%.1f -> %.1f MB (%+.1f%%)" % (a, b, 100 * (b - a) / a)
        lines.append(["peak PSS within +10%% from %s to %s frames" % (
            small[0]["frames"], big[0]["frames"]), m, m,
            verdict(b <= a * 1.1)])
    for cells in lines:
        print("| " + " | ".join(cells) + " |")
    print()
    cpu = {k: 1000 * float(main_rows[k]["cpu_s_median"]) /
           int(main_rows[k]["frames"])
           for k in ("tp-reencode-j1", "tp-reencode-j2")}
    print("CPU time per frame, reencode: %.1f ms with 1 thread, %.1f ms with "
          "2 (%+.0f%%); CPU use with 2 threads: median %s%% of the 200%% two "
          "cores give." % (cpu["tp-reencode-j1"], cpu["tp-reencode-j2"],
                           100 * (cpu["tp-reencode-j2"] /
                                  cpu["tp-reencode-j1"] - 1),
                           main_rows["tp-reencode-j2"]["cpu_pct_median"]))
    print()
    print("Against the Python tool's quoted figures (51 fps, 162 MB PSS with "
          "2 workers): auto %.1fx, reencode %.1fx faster; PSS %.1fx / %.1fx "
          "smaller." % (auto2 / SEED_FPS_2, re2 / SEED_FPS_2,
                        SEED_PSS_MB_2 / pss["tp-auto-j2"],
                        SEED_PSS_MB_2 / pss["tp-reencode-j2"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
