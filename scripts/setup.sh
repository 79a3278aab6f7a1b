#!/usr/bin/env bash
# Installs what gst-trial needs on Debian 12 (apt) and builds it into build/.
#   scripts/setup.sh          runtime + build dependencies, then build/
#   scripts/setup.sh --test   also what the test suite uses (valgrind, clang for fuzzing,
#                             GNU parallel, slurm-wlm + munge for a local Slurm cluster)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(meson ninja-build pkg-config gcc libc6-dev
  libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libpng-dev libjpeg62-turbo-dev zlib1g-dev libdeflate-dev libisal-dev libjson-glib-dev
  liblz4-dev libbz2-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-x
  python3 python3-numpy python3-gi gir1.2-gstreamer-1.0
  gobject-introspection libgirepository1.0-dev)
if [ "${1:-}" = "--test" ]; then
  # gstreamer1.0-x: ximagesink for the preview tests under Xvfb; python3-opencv
  # reads back the PNGs we write (tests/tools); ffmpeg is a bench contender
  packages+=(valgrind clang libclang-rt-14-dev python3-pil xvfb xauth
    gstreamer1.0-x gstreamer1.0-plugins-base-apps parallel slurm-wlm munge
    python3-rosbag python3-sensor-msgs python3-diagnostic-msgs python3-opencv
    ffmpeg)
  # the citizen tests (issue 17): x264enc, glimagesink
  packages+=(gstreamer1.0-plugins-ugly gstreamer1.0-gl)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing: ${missing[*]}"
  # slurm-wlm and munge start their daemons on installation, and slurmd
  # fails without a slurm.conf, failing the install; the Slurm test starts
  # its own. Keep services from starting meanwhile, as Docker images do.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    trap '$sudo rm -f "$policy"' EXIT
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Quietly: meson's and ninja's output only when the build fails.
log=$(mktemp)
if ! { [ -f build/build.ninja ] || meson setup build; } >"$log" 2>&1 \
    || ! meson compile -C build >>"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "scripts/setup.sh: the build failed (meson's output above)" >&2
  exit 1
fi
rm -f "$log"
echo "Built: build/plugin/libgsttrial.so, build/gst/trial/libgsttrial-1.0.so (+ GstTrial-1.0.typelib), build/tools/"
