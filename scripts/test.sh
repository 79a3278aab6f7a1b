#!/usr/bin/env bash
# Sets up (scripts/setup.sh --test) and runs the whole test suite twice: in
# build/ and in build-asan/ (address + undefined behaviour sanitizers, leaks
# fatal). Ends with the line "N passed, N failed[, N skipped]"; exits non-zero
# when any test failed.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test || exit 1
[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 1
meson compile -C build-asan >/dev/null || exit 1

export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

meson test -C build --print-errorlogs
meson test -C build-asan --no-suite launch --print-errorlogs

/usr/bin/python3 scripts/count-tests.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json
