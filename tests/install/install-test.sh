#!/bin/sh
# gst-trial test: `meson install` into a temporary DESTDIR puts everything
# where its users look: the plugin in the GStreamer plugin dir (gst-inspect
# finds the three elements there), trial-process and trial-make-sample in
# bin/, the shared libgsttrial-1.0.so.0 (which the plugin and the tools
# link) with its headers and gst-trial-1.0.pc, with which a small program
# compiles, links, writes and scans a trial and reads a GstTrialFrameMeta,
# and GstTrial-1.0.gir/.typelib, through which Python scans that trial.
#
# Usage: install-test.sh BUILD_DIR CC
set -u

build=$1
cc=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gst-trial-install-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
fail () {
  echo "FAIL: $*"
  status=1
}

dest=$tmp/dest
meson install -C "$build" --no-rebuild --quiet --destdir "$dest" \
  > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; fail "meson install"; exit 1; }
prefix=$(meson introspect "$build" --buildoptions \
  | /usr/bin/python3 -c 'import json, sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}["prefix"])')
libdir=$(meson introspect "$build" --buildoptions \
  | /usr/bin/python3 -c 'import json, sys; print({o["name"]: o["value"] for o in json.load(sys.stdin)}["libdir"])')
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
root=$dest$prefix

for f in "bin/trial-process" "bin/trial-make-sample"; do
  [ -x "$root/$f" ] || fail "$f not installed"
done
plugin=$dest$libdir/gstreamer-1.0/libgsttrial.so
[ -f "$plugin" ] || fail "plugin not installed as $plugin"
lib=$dest$libdir/libgsttrial-1.0.so
[ -f "$lib.0" ] || fail "libgsttrial-1.0.so.0 not installed"
[ "$(readlink "$lib")" = libgsttrial-1.0.so.0 ] || fail "libgsttrial-1.0.so is not a link to libgsttrial-1.0.so.0"
[ -z "$(find "$dest" -name 'libgsttrial-1.0.a')" ] || fail "a static libgsttrial-1.0.a is installed"
# one copy of the library per process: the plugin and the tools link it
for f in "$plugin" "$root/bin/trial-process" "$root/bin/trial-make-sample"; do
  objdump -p "$f" 2>/dev/null | grep -q 'NEEDED *libgsttrial-1.0.so.0$' \
    || fail "$f does not link libgsttrial-1.0.so.0"
done
for h in align bag bmp colormap depth error framemeta framename image jpeg layout npy output pngcodec pngverify pool raw rsbag; do
  [ -f "$root/include/gstreamer-1.0/gst/trial/$h.h" ] || fail "header $h.h not installed"
done
# the sample generator is for the tools and tests, not applications
[ ! -e "$root/include/gstreamer-1.0/gst/trial/sample.h" ] || fail "sample.h is installed"
[ ! -e "$root/include/gstreamer-1.0/gst/trial/pngprivate.h" ] || fail "the library's private pngprivate.h is installed"
pc=$dest$libdir/pkgconfig/gst-trial-1.0.pc
[ -f "$pc" ] || fail "gst-trial-1.0.pc not installed"
# from here on, what is installed runs from the DESTDIR
export LD_LIBRARY_PATH="$dest$libdir"

# The installed plugin, and only it, has the elements.
out=$(env -u GST_PLUGIN_PATH_1_0 -u GST_PLUGIN_LOADING_WHITELIST GST_PLUGIN_PATH="$dest$libdir/gstreamer-1.0" \
  GST_REGISTRY_1_0="$tmp/registry.bin" gst-inspect-1.0 trial 2>&1)
for e in trialsrc trialconvert trialsink; do
  case $out in *"$e:"*) ;; *) fail "gst-inspect-1.0 trial: no $e in: $out" ;; esac
done

cat > "$tmp/use.c" <<'EOS'
#include <png.h>
#include <gst/trial/framemeta.h>
#include <gst/trial/layout.h>
#include <gst/trial/pngcodec.h>

/* libpng's <png.h> and ours side by side (no header of ours is png.h) */
G_STATIC_ASSERT (PNG_LIBPNG_VER_MAJOR == 1);
G_STATIC_ASSERT (sizeof (GstTrialPngHeader) > 0);

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstTrialLayout) layout = NULL;
  g_autoptr (GstBuffer) buffer = NULL;
  g_autofree gchar *path = NULL;
  GstTrialFrameMeta *meta;

  gst_init (NULL, NULL);
  if (argc != 2)
    return 2;
  if (!(layout = gst_trial_layout_scan (argv[1], NULL, &error))) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  path = gst_trial_layout_dup_color_path (layout, 2);
  buffer = gst_buffer_new ();
  gst_buffer_add_trial_frame_meta (buffer,
      gst_trial_layout_get_frame (layout, 2)->number, path);
  meta = gst_buffer_get_trial_frame_meta (buffer);
  g_print ("%" G_GINT64_FORMAT " %s\n", meta->number, meta->path);
  return 0;
}
EOS
# the .pc as a package manager would have put it, at its prefix
mkdir -p "$tmp/pc"
sed "s|^prefix=.*|prefix=$root|" "$pc" > "$tmp/pc/gst-trial-1.0.pc"
flags=$(PKG_CONFIG_PATH="$tmp/pc" pkg-config --cflags --libs gst-trial-1.0) || fail "pkg-config gst-trial-1.0"
# shellcheck disable=SC2086
"$cc" -o "$tmp/use" "$tmp/use.c" $flags || fail "a program using gst-trial-1.0.pc does not build"
"$root/bin/trial-make-sample" -q -n 3 --size 16x16 "$tmp/trial" || fail "the installed trial-make-sample failed"
out=$("$tmp/use" "$tmp/trial") || fail "the program failed"
[ "$out" = "2 $tmp/trial/cam1/color/frame_000002.png" ] || fail "the program printed '$out', expected '2 $tmp/trial/cam1/color/frame_000002.png'"

# GObject introspection: the .gir for bindings' tools, the .typelib that
# Python loads from the installed libgsttrial.
missing () {
  if [ "${CI:-}" = true ]; then
    fail "missing under CI=true: $*"
  else
    echo "SKIP: $*"
  fi
}
if [ -f "$build/gst/trial/GstTrial-1.0.typelib" ]; then
  typelib=$dest$libdir/girepository-1.0/GstTrial-1.0.typelib
  [ -f "$typelib" ] || fail "GstTrial-1.0.typelib not installed in $libdir/girepository-1.0"
  [ -f "$root/share/gir-1.0/GstTrial-1.0.gir" ] || fail "GstTrial-1.0.gir not installed in share/gir-1.0"
  if /usr/bin/python3 -c 'import gi' 2>/dev/null; then
    out=$(GI_TYPELIB_PATH="$dest$libdir/girepository-1.0" /usr/bin/python3 -c '
import sys, gi
gi.require_version("GstTrial", "1.0")
from gi.repository import GstTrial
layout = GstTrial.Layout.scan_camera(sys.argv[1], None, -1, -1)
print(layout.get_n_frames(), layout.get_frame(2).number, layout.dup_color_path(2))
' "$tmp/trial" 2>&1) || fail "Python cannot use the installed GstTrial: $out"
    [ "$out" = "3 2 $tmp/trial/cam1/color/frame_000002.png" ] || fail "Python printed '$out'"
  else
    missing "python3-gi: the installed typelib is not loaded from Python (apt install python3-gi)"
  fi
else
  missing "the build has no GstTrial-1.0.typelib (apt install gobject-introspection libgirepository1.0-dev)"
fi

exit $status
