#!/bin/sh
# Times the layout scan of a generated 100,000-frame trial (bench/scan-bench.c).
# Usage: [BUILD_DIR=build] bench/scan.sh [--frames N] [--runs N]
#        [--structure multi|single] [--keep] [TRIAL]
set -eu
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
ninja -C "$build" bench/trial-scan-bench >/dev/null
exec "$build/bench/trial-scan-bench" "$@"
