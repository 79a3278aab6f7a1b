#!/usr/bin/env python3
"""Writes docs/elements.md, the reference of the plugin's elements, from the
GStreamer registry: every element's description, pads with their caps,
properties with type, range, default and blurb, signals, and the bus
messages (listed here, the one thing the registry does not know).

    GST_PLUGIN_PATH_1_0=build/plugin scripts/gen-elements-doc.py > docs/elements.md

With --check it also fails (exit 1) when a property or message field has no
description. tests/tools/citizen_test.py (Registry) regenerates the file and
fails when docs/elements.md differs, so the docs cannot drift from the code."""
import re
import subprocess
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GObject, Gst  # noqa: E402

PLUGIN = "trial"

# element -> [(message, when, [(field, type, meaning)])]
MESSAGES = {
    "trialsrc": [
        ("trial-layout", "element message, once per start, before the first "
         "buffer", [
             ("structure", "string", "`multi_camera` or `single_camera`"),
             ("camera", "string", "the camera streamed"),
             ("cameras", "array of strings",
              "every camera of the trial, by name"),
             ("n-frames", "guint", "frames in the range streamed"),
             ("first-frame", "gint64", "first frame number streamed"),
             ("last-frame", "gint64", "last frame number streamed"),
             ("color-format", "string", "`png`, `jpeg` or `bmp`"),
             ("depth-format", "string", "`raw`, `npy`, `png` or `none`"),
             ("width", "guint", "color frame width"),
             ("height", "guint", "color frame height"),
             ("depth-width", "guint", "depth frame width"),
             ("depth-height", "guint", "depth frame height"),
             ("depth-scale", "gdouble", "metres per depth unit"),
             ("path", "string", "the trial folder"),
         ]),
        ("warning (RESOURCE, READ)", "a frame whose file is missing or "
         "unreadable; details:", [
             ("frame", "gint64", "the frame number"),
             ("stream", "string", "`color` or `depth`"),
             ("reason", "string", "what went wrong, naming the file"),
         ]),
    ],
    "trialconvert": [
        ("trial-stats", "element message every stats-interval ms and at EOS",
         [
             ("frames", "guint64", "buffers out, failed ones included"),
             ("failed", "guint64", "failed frames"),
             ("fps", "gdouble", "frames per second since the last message"),
             ("average-fps", "gdouble", "frames per second since the first"),
             ("elapsed", "guint64", "ns since the first buffer"),
             ("n-threads", "gint", "threads of the shared pool"),
             ("stream", "string", "`color` or `depth`"),
         ]),
        ("warning (STREAM)", "a frame that cannot be converted; details:", [
            ("frame", "gint64", "the frame number"),
            ("stream", "string", "`color` or `depth`"),
            ("reason", "string", "what went wrong, naming the file"),
        ]),
    ],
    "trialsink": [
        ("trial-progress", "element message every progress-interval ms and "
         "at EOS", [
             ("frames", "guint64", "files written or skipped"),
             ("failed", "guint64",
              "GAP buffers and trial-frame GAP events (failed upstream)"),
             ("skipped", "guint64", "frames whose file existed"),
             ("bytes", "guint64", "bytes written"),
             ("last-frame", "gint64",
              "frame number of the last buffer, -1 before the first"),
             ("stream", "string", "the stream property"),
             ("done", "gboolean", "TRUE only in the message at EOS"),
         ]),
    ],
}

# events the elements send that carry fields of ours
EVENTS = {
    "trialconvert": [
        ("GAP", "a failed frame of raw video output (PNG and .npy output: an "
         "empty buffer flagged GAP)", [
             ("timestamp", "GstClockTime", "the frame's PTS"),
             ("duration", "GstClockTime", "the frame's duration"),
             ("trial-frame", "gint64", "the frame number"),
         ]),
    ],
}


def is_enum(pspec):
    return pspec.value_type.is_a(GObject.TYPE_ENUM)


def value_text(pspec, value):
    if is_enum(pspec):
        return value.value_nick
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Gst.Fraction):
        return f"{value.num}/{value.denom}"
    return str(value)


def range_text(pspec):
    if hasattr(pspec, "minimum") and hasattr(pspec, "maximum"):
        return f"{pspec.minimum} – {pspec.maximum}"
    if is_enum(pspec):
        values = type(pspec.default_value).__enum_values__
        return ", ".join(f"`{values[k].value_nick}`" for k in sorted(values))
    return ""


def fraction_spec(element, prop):
    """(range, default) of a GstFraction property, which PyGObject cannot
    read without gst-python: as gst-inspect-1.0 prints them."""
    text = subprocess.run(["gst-inspect-1.0", element], capture_output=True,
                          text=True, check=True).stdout
    block = text.split(f"\n  {prop} ", 1)[1]
    match = re.search(r"Fraction\. Range: (\S+) - (\S+) Default: (\S+)",
                      block)
    return f"{match.group(1)} – {match.group(2)}", match.group(3)


def flags_text(pspec):
    words = []
    if pspec.flags & GObject.ParamFlags.READABLE:
        words.append("readable")
    if pspec.flags & GObject.ParamFlags.WRITABLE:
        words.append("writable")
    if pspec.flags & Gst.PARAM_MUTABLE_READY:
        words.append("changeable up to READY")
    elif pspec.flags & Gst.PARAM_MUTABLE_PLAYING:
        words.append("changeable while playing")
    return ", ".join(words)


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def element_section(factory, problems):
    name = factory.get_name()
    element = factory.create(None)
    out = [f"## {name}", "",
           f"{factory.get_metadata('long-name')} "
           f"({factory.get_metadata('klass')}): "
           f"{factory.get_metadata('description')}.", ""]

    out += ["### Pads", "", "| pad | direction | presence | caps |",
            "|---|---|---|---|"]
    for templ in sorted(factory.get_static_pad_templates(),
                        key=lambda t: t.name_template):
        caps = templ.get_caps()
        text = "ANY" if caps.is_any() else \
            "<br>".join(cell(caps.get_structure(i).to_string())
                        for i in range(caps.get_size()))
        out.append(f"| `{templ.name_template}` | "
                   f"{templ.direction.value_nick} | "
                   f"{templ.presence.value_nick} | {text} |")
    out.append("")

    out += ["### Properties", "",
            "| property | type | range | default | flags | description |",
            "|---|---|---|---|---|---|"]
    for pspec in sorted(element.list_properties(), key=lambda p: p.name):
        if pspec.owner_type in (GObject.Object.__gtype__,
                                Gst.Object.__gtype__,
                                Gst.Element.__gtype__, Gst.Bin.__gtype__) or \
                pspec.owner_type.name in ("GstBaseSink", "GstBaseSrc"):
            continue
        blurb = pspec.blurb or ""
        if not blurb or blurb == pspec.nick or blurb == pspec.name:
            problems.append(f"{name}:{pspec.name} has no description")
        if not pspec.flags & GObject.ParamFlags.READABLE:
            default = ""
        elif pspec.value_type == Gst.Fraction.__gtype__:
            default = fraction_spec(name, pspec.name)[1]
        else:
            default = value_text(pspec, pspec.default_value)
        span = fraction_spec(name, pspec.name)[0] \
            if pspec.value_type == Gst.Fraction.__gtype__ else range_text(pspec)
        out.append(f"| `{pspec.name}` | {pspec.value_type.name} | "
                   f"{cell(span)} | `{cell(default)}` | "
                   f"{flags_text(pspec)} | {cell(blurb)} |")
    out.append("")

    own = []
    gtype = element.__gtype__
    for signal_id in GObject.signal_list_ids(gtype):
        query = GObject.signal_query(signal_id)
        params = ", ".join(t.name for t in query.param_types)
        own.append(f"- `{query.signal_name}` ({params}) → "
                   f"{query.return_type.name}")
    out += ["### Signals", ""] + (own or ["None of its own."]) + [""]

    for title, table in (("Messages", MESSAGES), ("Events", EVENTS)):
        entries = table.get(name, [])
        if not entries:
            continue
        out += [f"### {title}", ""]
        for message, when, fields in entries:
            out += [f"`{message}`: {when}", "", "| field | type | meaning |",
                    "|---|---|---|"]
            for field, kind, meaning in fields:
                if not meaning:
                    problems.append(f"{name}: {message}.{field} has no "
                                    "description")
                out.append(f"| `{field}` | {kind} | {cell(meaning)} |")
            out.append("")
    return out


def main():
    Gst.init(None)
    plugin = Gst.Registry.get().find_plugin(PLUGIN)
    if plugin is None:
        sys.exit(f"plugin '{PLUGIN}' not found: set GST_PLUGIN_PATH_1_0")
    problems = []
    out = ["# Element reference", "",
           "Generated by `scripts/gen-elements-doc.py` from the GStreamer "
           "registry; do not edit (the test citizen-registry fails when this "
           "file differs from what the plugin says). The user guide "
           "(docs/user-guide.md) explains how to use the elements.", "",
           f"Plugin `{plugin.get_name()}`: {plugin.get_description()}; "
           f"licence {plugin.get_license()}; package "
           f"{plugin.get_package()}.", ""]
    features = Gst.Registry.get().get_feature_list_by_plugin(PLUGIN)
    finders = sorted((f for f in features if isinstance(f, Gst.TypeFindFactory)),
                     key=lambda f: f.get_name())
    for factory in sorted((f for f in features
                           if isinstance(f, Gst.ElementFactory)),
                          key=lambda f: f.get_name()):
        out += element_section(factory, problems)
    if finders:
        out += ["## Typefinders", "", "| name | caps | extensions |",
                "|---|---|---|"]
        for finder in finders:
            out.append(f"| `{finder.get_name()}` | "
                       f"{cell(finder.get_caps().to_string())} | "
                       f"{', '.join(finder.get_extensions() or [])} |")
        out.append("")
    sys.stdout.write("\n".join(out))
    if "--check" in sys.argv[1:] and problems:
        sys.stderr.write("\n".join(problems) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
