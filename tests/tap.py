"""Runs unittest.TestCase classes and reports each test case in TAP, so
meson (protocol: 'tap') shows every pass, failure and skip on its own.

Every Python test file ends with

    if __name__ == "__main__":
        tap.main(sys.argv[1:])      # names of TestCase classes or tests

and reports a missing prerequisite with tap.missing() (in a test or
setUpClass) or tap.skip_all() (before any test runs, e.g. no numpy).

The TAP stream is written to the file descriptor stdout had at start;
everything else written to stdout (print, subprocesses) goes to stderr, so
no test output can be taken for a TAP line.

Under CI=true everything scripts/setup.sh --test installs must be there: a
missing one fails the test, naming what is missing, instead of skipping."""
import os
import sys
import traceback
import unittest

CI = os.environ.get("CI") == "true"


def missing(what):
    """A prerequisite is missing: fails the test under CI=true (where
    scripts/setup.sh --test has installed it), skips it otherwise."""
    if CI:
        raise AssertionError(f"missing under CI=true: {what}")
    raise unittest.SkipTest(what)


def skip_all(reason, required=True):
    """Ends the program before any test: every test of the file is skipped
    ("1..0 # SKIP"), or, under CI=true when @required, a bail-out naming what
    is missing."""
    if CI and required:
        print(f"Bail out! missing under CI=true: {reason}", flush=True)
        sys.exit(1)
    print(f"1..0 # SKIP {reason}", flush=True)
    sys.exit(0)


def _one_line(text):
    return " ".join(str(text).split())


class _TapResult(unittest.TestResult):
    """Writes one TAP line per test case (and per failed subtest)."""

    def __init__(self, out):
        super().__init__()
        self.out = out
        self.number = 0
        self.reported = set()
        self.class_names = set()
        self.class_outcome = {}  # class -> (ok, directive, detail)

    def _line(self, test, ok, name=None, directive="", detail=None):
        self.number += 1
        self.reported.add(test.id())
        name = (name or test.id()).removeprefix("__main__.")
        line = f"{'ok' if ok else 'not ok'} {self.number} {name}"
        if directive:
            line += f" # {directive}"
        self.out.write(line + "\n")
        if detail:
            sys.stderr.write(f"--- {name}\n{detail}\n")
            for part in detail.rstrip().splitlines()[-3:]:
                self.out.write(f"#   {part}\n")
        self.out.flush()

    def _holder(self, test, ok, directive, detail):
        """setUpClass/tearDownClass/module-level outcome: applies to every
        test of the class not reported yet ("setUpClass (module.Class)")."""
        description = test.description
        cls_name = description.rpartition(" (")[2].rstrip(")")
        if description.startswith("setUpClass ") and \
                cls_name in self.class_names:
            self.class_outcome[cls_name] = (ok, directive, detail)
        else:
            self._line(test, ok, description, directive, detail)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._report_error(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._report_error(test, err)

    def _report_error(self, test, err):
        detail = "".join(traceback.format_exception(*err))
        if isinstance(test, unittest.TestCase):
            self._line(test, False, detail=detail)
        else:
            self._holder(test, False, "", detail)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        directive = f"SKIP {_one_line(reason)}"
        if isinstance(test, unittest.TestCase):
            self._line(test, True, directive=directive)
        else:
            self._holder(test, True, directive, None)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._line(test, True, directive="TODO expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._line(test, False, detail="unexpected success")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            detail = "".join(traceback.format_exception(*err))
            self._line(test, False, subtest.id(), detail=detail)


def _cases(suite):
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from _cases(item)
        else:
            yield item


def main(names, module="__main__"):
    """Runs the tests @names (TestCase classes or Class.test_method of
    @module; all of its tests when @names is empty) and exits: 0 when
    nothing failed, 1 otherwise."""
    tap = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    if isinstance(module, str):
        module = sys.modules[module]
    loader = unittest.defaultTestLoader
    suite = (loader.loadTestsFromNames(names, module) if names
             else loader.loadTestsFromModule(module))
    cases = list(_cases(suite))
    result = _TapResult(tap)
    result.class_names = {f"{type(c).__module__}.{type(c).__qualname__}"
                           for c in cases}
    tap.write("TAP version 13\n")
    suite.run(result)
    # Tests that never ran because setUpClass skipped or failed: each is
    # reported with that outcome.
    failed = bool(result.failures or result.errors
                  or result.unexpectedSuccesses)
    for case in cases:
        if case.id() in result.reported:
            continue
        cls_name = f"{type(case).__module__}.{type(case).__qualname__}"
        ok, directive, detail = result.class_outcome.get(
            cls_name, (False, "", "did not run"))
        result._line(case, ok, directive=directive, detail=detail)
        failed = failed or not ok
    tap.write(f"1..{result.number}\n")
    tap.close()
    sys.exit(1 if failed else 0)


_xvfb_calls = 0


def xvfb_run(screen):
    """The command prefix that runs a program on a virtual X display of
    @screen ("WxHxDEPTH"). Not xvfb-run -a: two of those started at once
    (meson runs tests side by side) can pick the same display, and the one
    whose server fails to start waits for it forever. The display number
    comes from this process's, so tests running together differ."""
    import shutil
    global _xvfb_calls
    if shutil.which("xvfb-run") is None:
        missing("xvfb-run (apt install xvfb xauth)")
    # Xvfb refuses display numbers above a few tens of thousands; a new
    # number for each call, since the last server's lock may linger
    _xvfb_calls += 1
    return ["xvfb-run", "-n",
            str(100 + (os.getpid() * 16 + _xvfb_calls) % 9000),
            "-s", f"-screen 0 {screen}"]
