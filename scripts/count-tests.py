#!/usr/bin/env python3
"""Counts test results and prints the closing line
"N passed, N failed[, N skipped]". Exit status 1 when any test failed.

Arguments: meson testlog.json files; "--fuzz LOG" adds one test per
"fuzz-NAME: N runs, N crashes" line of tests/fuzz/run.sh's output (passed
with 0 crashes)."""
import json
import re
import sys

passed = failed = skipped = 0
args = sys.argv[1:]
while args:
    path = args.pop(0)
    if path == "--fuzz":
        with open(args.pop(0), encoding="utf-8") as log:
            for line in log:
                m = re.match(r"fuzz-\S+: \d+ runs, (\d+) crashes$", line.strip())
                if m:
                    if int(m.group(1)) == 0:
                        passed += 1
                    else:
                        failed += 1
        continue
    with open(path, encoding="utf-8") as log:
        for line in log:
            if not line.strip():
                continue
            result = json.loads(line)["result"]
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
summary = f"{passed} passed, {failed} failed"
if skipped:
    summary += f", {skipped} skipped"
print(summary)
sys.exit(1 if failed or passed == 0 else 0)
