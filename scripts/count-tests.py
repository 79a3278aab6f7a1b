#!/usr/bin/env python3
"""Counts test results and prints the closing line
"N passed, N failed, N skipped", after one line per failed or skipped test
(with its reason). Exit status 1 when any test failed, when nothing passed,
or, under CI=true, when anything was skipped (CI installs everything the
suite needs: a skip there means a test did not run).

    count-tests.py TESTLOG.json [--expect TEST]... ... [--fuzz LOG STATUS "TARGET..."]

--expect TEST: the meson test TEST must be in the TESTLOG.json before it
(a test that means something only in that build must not silently drop out).

A meson test that speaks TAP (the Python tests, tests/tap.py) counts once
per test case: "ok", "not ok" and "ok # SKIP" lines; a whole file skipped
("1..0 # SKIP") counts as one skip; a TAP test that meson did not find OK
without any "not ok" line (crash, timeout, bail-out) counts one failure
more. Any other meson test (gst-check suites, shell tests) counts once, by
meson's result (exit 77 is SKIP).

--fuzz: tests/fuzz/run.sh's output LOG, its exit STATUS and the fuzz
targets expected (space-separated). Each target counts once: passed with a
"fuzz-NAME: N runs, 0 crashes" line and N > 0, failed with crashes, with 0
runs or with no line at all (a set-up or build failure prints none). A
non-zero STATUS with every target passed counts one failure. LOG "-" means
the stage did not run (no clang): each target is skipped."""
import json
import os
import re
import sys

TAP_TEST = re.compile(r"(not ok|ok)\b\s*(\d+)?\s*([^#]*)(?:#\s*(\S+)\s*(.*))?$")
TAP_PLAN = re.compile(r"1\.\.(\d+)\s*(?:#\s*[Ss][Kk][Ii][Pp]\S*\s*(.*))?$")

passed = 0
failed = []   # (name, reason)
skipped = []  # (name, reason)


def count_tap(entry, lines):
    """Counts one TAP test's cases; a failure's reason is the last of the
    "#" diagnostic lines that follow its "not ok" line."""
    global passed
    name = entry["name"]
    bad = last_was_failure = False
    tests = 0
    for line in lines:
        if line.startswith("#"):
            if failed and failed[-1][0].startswith(name + ": ") and \
                    last_was_failure:
                failed[-1] = (failed[-1][0], line.lstrip("# ").strip())
            continue
        last_was_failure = False
        plan = TAP_PLAN.match(line)
        if plan and plan.group(1) == "0" and not tests:
            skipped.append((name, plan.group(2) or "no tests"))
            continue
        m = TAP_TEST.match(line)
        if not m:
            continue
        tests += 1
        ok, _, case, directive, reason = m.groups()
        case = f"{name}: {case.strip()}"
        directive = (directive or "").upper()
        if directive.startswith("SKIP"):
            skipped.append((case, reason.strip()))
        elif directive == "TODO" or ok == "ok":
            passed += 1
        else:
            bad = last_was_failure = True
            failed.append((case, "not ok"))
    if entry["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and not bad:
        failed.append((name, f"meson result {entry['result']}"
                       f" (exit status {entry.get('returncode')})"))


def count_meson(path):
    """Counts one testlog.json; returns the names of the tests in it."""
    global passed
    names = set()
    with open(path, encoding="utf-8") as log:
        for line in log:
            if not line.strip():
                continue
            entry = json.loads(line)
            names.add(entry["name"].rpartition(" / ")[2])
            lines = (entry.get("stdout") or "").splitlines()
            if any(TAP_PLAN.match(l) or l.startswith("TAP version")
                   for l in lines):
                count_tap(entry, lines)
            elif entry["result"] in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif entry["result"] == "SKIP":
                why = re.findall(r"^SKIP: (.*)$", entry.get("stderr") or "",
                                 re.M)
                skipped.append((entry["name"], why[-1] if why
                                else "exit status 77"))
            else:
                failed.append((entry["name"], f"meson result {entry['result']}"))
    return names


def count_fuzz(path, status, targets):
    global passed
    if not targets:
        failed.append(("fuzz", "no fuzz target given"))
        return
    if path == "-":
        skipped.extend((f"fuzz-{t}", "clang is not installed") for t in targets)
        return
    results = {}
    before = len(failed)
    with open(path, encoding="utf-8") as log:
        for line in log:
            m = re.match(r"fuzz-(\S+): (\d+) runs, (\d+) crashes$", line.strip())
            if m:
                results[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    for t in targets:
        runs, crashes = results.get(t, (None, None))
        if runs is None:
            failed.append((f"fuzz-{t}", "no result line"))
        elif crashes:
            failed.append((f"fuzz-{t}", f"{crashes} crashes"))
        elif runs == 0:
            failed.append((f"fuzz-{t}", "0 runs"))
        else:
            passed += 1
    for t in sorted(set(results) - set(targets)):
        failed.append((f"fuzz-{t}", "not an expected target"))
    if status != 0 and len(failed) == before:
        failed.append(("fuzz", f"tests/fuzz/run.sh exited {status}"))


args = sys.argv[1:]
log, names = None, set()
while args:
    arg = args.pop(0)
    if arg == "--fuzz":
        fuzz_log, status, targets = args[:3]
        del args[:3]
        count_fuzz(fuzz_log, int(status), targets.split())
    elif arg == "--expect":
        name = args.pop(0)
        if name not in names:
            failed.append((f"{log}: {name}", "did not run"))
    else:
        log, names = arg, count_meson(arg)

for name, reason in failed:
    print(f"FAILED: {name}: {reason}")
for name, reason in skipped:
    print(f"SKIPPED: {name}: {reason}")
ci_skips = os.environ.get("CI") == "true" and skipped
if ci_skips:
    print(f"CI=true: {len(skipped)} skipped; CI installs everything the suite"
          " needs (scripts/setup.sh --test), so every test must run")
print(f"{passed} passed, {len(failed)} failed, {len(skipped)} skipped")
sys.exit(1 if failed or passed == 0 or ci_skips else 0)
