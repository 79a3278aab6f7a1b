#!/bin/sh
# Makes docs/images/aligned-overlay.png from the real D435 recording with
# our own tools: trial-process writes the color frame, gst-launch-1.0
# colourises depth frame 170 (the one the color frame is paired with) with
# trialconvert's preview colormap (jet, 0.3-4 m), aligned (trialalign) and
# unaligned; Pillow lays each over the color frame, side by side (columns
# 60-379, where the edge of the wall is).
#   GST_PLUGIN_PATH=build/plugin docs/images/make-aligned-overlay.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
bag=$here/../../tests/data/single_depth_color_640x480.bag
work=$(mktemp -d "${TMPDIR:-/tmp}/aligned-overlay.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$build/tools/trial-process" -q "$bag" -o "$work/out"
for mode in aligned unaligned; do
  mkdir "$work/$mode"
  if [ $mode = aligned ]; then align="trialalign !"; else align=""; fi
  gst-launch-1.0 -q filesrc location="$bag" ! rsbagdemux name=d \
    d.depth ! queue ! $align trialconvert colormap=jet ! \
    video/x-raw,format=RGB ! pngenc ! \
    multifilesink location="$work/$mode/%d.png" d.color ! queue ! fakesink
done
/usr/bin/python3 - "$work" "$here/aligned-overlay.png" <<'PY'
import sys
import numpy as np
from PIL import Image, ImageDraw
work, out = sys.argv[1:]
color = np.asarray(Image.open(
    f"{work}/out/single_depth_color_640x480/single_camera/color/"
    "frame_000000.png").convert("RGB")).astype(np.float32)
panels = []
for mode in ("aligned", "unaligned"):
    depth = np.asarray(Image.open(f"{work}/{mode}/1.png").convert("RGB"))
    mixed = 0.45 * color + 0.55 * depth.astype(np.float32)
    # the left half, where the wall's edge is, at full resolution
    im = Image.fromarray(mixed.clip(0, 255).astype(np.uint8)[:, 60:380])
    ImageDraw.Draw(im).text((8, 8), f"color + {mode} depth", fill=(255,) * 3)
    panels.append(im)
w, h = panels[0].size
sheet = Image.new("RGB", (2 * w, h))
for i, p in enumerate(panels):
    sheet.paste(p, (i * w, 0))
sheet.quantize(256).save(out, optimize=True)
PY
echo "$here/aligned-overlay.png"
