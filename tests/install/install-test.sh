#!/bin/sh
# gst-trial test: `meson install` into a temporary DESTDIR puts everything
# where its users look: the plugin in the GStreamer plugin dir (gst-inspect
# finds the three elements there), trial-process and trial-make-sample in
# bin/, and libgsttrial with its headers and gst-trial-1.0.pc, with which a
# small program compiles, links and writes a trial.
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
[ -f "$dest$libdir/libgsttrial-1.0.a" ] || fail "libgsttrial-1.0.a not installed"
for h in align depth error image layout npy png raw sample; do
  [ -f "$root/include/gst-trial-1.0/gst/trial/$h.h" ] || fail "header $h.h not installed"
done
pc=$dest$libdir/pkgconfig/gst-trial-1.0.pc
[ -f "$pc" ] || fail "gst-trial-1.0.pc not installed"

# The installed plugin, and only it, has the elements.
out=$(env -u GST_PLUGIN_PATH_1_0 -u GST_PLUGIN_LOADING_WHITELIST GST_PLUGIN_PATH="$dest$libdir/gstreamer-1.0" \
  GST_REGISTRY_1_0="$tmp/registry.bin" gst-inspect-1.0 trial 2>&1)
for e in trialsrc trialconvert trialsink; do
  case $out in *"$e:"*) ;; *) fail "gst-inspect-1.0 trial: no $e in: $out" ;; esac
done

cat > "$tmp/use.c" <<'EOS'
#include <gst/trial/sample.h>

int
main (int argc, char **argv)
{
  GstTrialSampleOptions options = GST_TRIAL_SAMPLE_OPTIONS_INIT;
  g_autoptr (GError) error = NULL;

  options.n_frames = 3;
  options.width = 16;
  options.height = 16;
  if (argc != 2)
    return 2;
  if (!gst_trial_sample_write (&options, argv[1], &error)) {
    g_printerr ("%s\n", error->message);
    return 1;
  }
  g_print ("%" G_GINT64_FORMAT "\n", gst_trial_sample_frame_number (&options, 2));
  return 0;
}
EOS
# the .pc as a package manager would have put it, at its prefix
mkdir -p "$tmp/pc"
sed "s|^prefix=.*|prefix=$root|" "$pc" > "$tmp/pc/gst-trial-1.0.pc"
flags=$(PKG_CONFIG_PATH="$tmp/pc" pkg-config --cflags --libs gst-trial-1.0) || fail "pkg-config gst-trial-1.0"
# shellcheck disable=SC2086
"$cc" -o "$tmp/use" "$tmp/use.c" $flags || fail "a program using gst-trial-1.0.pc does not build"
out=$("$tmp/use" "$tmp/trial") || fail "the program failed"
[ "$out" = 2 ] || fail "frame number '$out', expected 2"
[ -f "$tmp/trial/cam1/depth/frame_000002.raw" ] || fail "the program wrote no trial"

exit $status
