#!/usr/bin/env python3
"""rsbagdemux (plugin/gstrsbagdemux.c) against python3-rosbag, one meson
test per TestCase class: every frame filesrc ! rsbagdemux gives (bytes,
GST_BUFFER_OFFSET, PTS, caps) equals what rosbag decodes from the same
file, on the real D435 recording (tests/data) and on bags written here by
check_rsbag.write_bag (848x480 depth, 640x480 color, dropped color frames,
lz4/none/bz2, with and without the depth-scale trailer); and
gst-discoverer-1.0 reports both streams. Skipped without rosbag or
PyGObject, failed instead under CI=true (tests/tap.py)."""
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)
import sanitizer  # noqa: E402  tests/sanitizer.py
import tap  # noqa: E402  tests/tap.py

# check_rsbag reads this at import; its bag-tool is not used here
os.environ.setdefault("TRIAL_BAG_TOOL", "")
import check_rsbag as rs  # noqa: E402  (skips all itself without rosbag)

sanitizer.reexec_with_runtimes()

try:
    import gi
    gi.require_version("Gst", "1.0")
    gi.require_version("GstApp", "1.0")
    from gi.repository import Gst, GstApp  # noqa: F401
except (ImportError, ValueError) as exc:
    tap.skip_all(f"{exc} (apt install python3-gi gir1.2-gstreamer-1.0)")

Gst.init(None)
TIMEOUT = 120  # a hang fails the test


def demux(path, **props):
    """{pad name: {"caps": Gst.Structure, "frames": [(offset, pts, bytes)],
    "gaps": [(pts, duration) of GAP events]}, "streams": the demuxer's
    streams property, "warnings": [texts]} for a run of filesrc !
    rsbagdemux (with @props set on it) to the end; raises on an error."""
    pipeline = Gst.parse_launch(
        "filesrc name=src ! rsbagdemux name=d "
        "appsink name=depth sync=false emit-signals=false "
        "appsink name=color sync=false emit-signals=false")
    pipeline.get_by_name("src").set_property("location", path)
    for key, value in props.items():
        pipeline.get_by_name("d").set_property(key.replace("_", "-"), value)
    out = {}
    gaps = {"depth": [], "color": []}

    def on_gap(pad, info):
        event = info.get_event()
        if event.type == Gst.EventType.GAP:
            gaps[pad.get_name()].append(event.parse_gap())
        return Gst.PadProbeReturn.OK

    def pad_added(_demux, pad):
        pad.add_probe(Gst.PadProbeType.EVENT_DOWNSTREAM, on_gap)
        sink = pipeline.get_by_name(pad.get_name())
        # one thread pushes both pads: a queue per pad, as for any demuxer
        queue = Gst.ElementFactory.make("queue")
        pipeline.add(queue)
        queue.sync_state_with_parent()
        pad.link(queue.get_static_pad("sink"))
        queue.link(sink)

    pipeline.get_by_name("d").connect("pad-added", pad_added)
    bus = pipeline.get_bus()
    warnings = []

    def on_message(_bus, msg):
        # the pops below drop the types they do not ask for
        if msg.type == Gst.MessageType.WARNING:
            warnings.append(msg.parse_warning()[0].message)
        return Gst.BusSyncReply.PASS

    bus.set_sync_handler(on_message)
    pipeline.set_state(Gst.State.PLAYING)
    try:
        for name in ("depth", "color"):
            sink = pipeline.get_by_name(name)
            frames = []
            caps = None
            deadline = time.monotonic() + TIMEOUT
            while True:
                # an error before the pads exist leaves the sinks waiting:
                # look at the bus between samples
                sample = sink.try_pull_sample(Gst.SECOND)
                if sample is None:
                    if sink.is_eos() or time.monotonic() > deadline:
                        break
                    msg = bus.pop_filtered(Gst.MessageType.ERROR)
                    if msg is not None:
                        raise AssertionError(msg.parse_error()[0].message)
                    continue
                caps = sample.get_caps().get_structure(0)
                buf = sample.get_buffer()
                frames.append((buf.offset, buf.pts,
                               buf.extract_dup(0, buf.get_size())))
            out[name] = {"caps": caps, "frames": frames,
                         "gaps": gaps[name]}
        msg = bus.timed_pop_filtered(TIMEOUT * Gst.SECOND,
                                     Gst.MessageType.EOS |
                                     Gst.MessageType.ERROR)
        if msg is None:
            raise AssertionError("no EOS")
        if msg.type == Gst.MessageType.ERROR:
            raise AssertionError(msg.parse_error()[0].message)
        out["streams"] = pipeline.get_by_name("d").get_property("streams")
        out["warnings"] = warnings
    finally:
        pipeline.set_state(Gst.State.NULL)
    return out


class Base(rs.Base):
    def check(self, path, depth_scale):
        expected = rs.expected_frames(path)
        got = demux(path)
        base = expected[0]["time"]
        for name, stream in (("depth", "Depth_0"), ("color", "Color_0")):
            want = [f for f in expected if f["stream"] == stream]
            frames = got[name]["frames"]
            self.assertEqual(len(frames), len(want), name)
            for (offset, pts, pixels), e in zip(frames, want):
                self.assertEqual(offset, e["seq"], name)
                self.assertEqual(pts, e["time"] - base, name)
                row = e["width"] * rs.BPP[e["encoding"]]
                rows = b"".join(e["pixels"][y * e["step"]:y * e["step"] + row]
                                for y in range(e["height"]))
                # GStreamer's default strides: rows padded to 4 bytes
                stride = (row + 3) // 4 * 4
                self.assertEqual(len(pixels), stride * e["height"], name)
                unpadded = b"".join(pixels[y * stride:y * stride + row]
                                    for y in range(e["height"]))
                self.assertTrue(unpadded == rows,
                                f"{name} frame {e['seq']}: pixels differ")
            caps = got[name]["caps"]
            self.assertEqual(caps.get_value("width"), want[0]["width"])
            self.assertEqual(caps.get_value("height"), want[0]["height"])
        caps = got["depth"]["caps"]
        self.assertEqual(caps.get_value("format"), "GRAY16_LE")
        self.assertEqual(caps.get_value("depth-scale"), depth_scale)
        return got


class RealFileDemux(Base):
    """The real D435 recording."""

    def test_frames_and_caps(self):
        expected = rs.expected_frames(rs.REAL_BAG)
        trailer = [f["trailer"] for f in expected
                   if f["stream"] == "Depth_0"][0]
        # the trailer's scale if the file has one, else Depth_Units (0.001)
        scale = trailer if trailer else rs.np.float32(0.001).item()
        got = self.check(rs.REAL_BAG, scale)
        self.assertEqual(got["color"]["caps"].get_value("format"), "RGB")
        fx = got["color"]["caps"].get_value("intrinsics").get_value("fx")
        self.assertAlmostEqual(fx, 613.20367431640625)


class WrittenDemux(Base):
    """Bags written with rosbag: 848x480 depth, 640x480 color, color
    frames 2 and 3 dropped, the color clock a few ms off depth's."""

    def test_lz4_trailer(self):
        path = self.p("lz4.bag")
        rs.write_bag(path, rs.Spec())
        self.check(path, rs.np.float32(0.00025).item())

    def test_none_without_trailer(self):
        path = self.p("none.bag")
        rs.write_bag(path, rs.Spec(compression="none", trailer=False,
                                   units_topic="Depth Units"))
        self.check(path, rs.np.float32(0.0001).item())

    def test_rows_padded_or_not(self):
        """Frames whose rows GStreamer pads (RGB 33 wide: stride 100, step
        99) are copied row by row; the others are the chunk's own bytes
        (rsbagdemux wraps them): the same pixels either way."""
        for size in ((33, 24), (64, 24)):
            with self.subTest(size=size):
                path = self.p("w%d.bag" % size[0])
                rs.write_bag(path, rs.Spec(color_size=size,
                                           depth_size=(35, 20)))
                self.check(path, rs.np.float32(0.00025).item())

    def test_bz2_bgra(self):
        path = self.p("bz2.bag")
        rs.write_bag(path, rs.Spec(compression="bz2", color_encoding="bgra8"))
        got = self.check(path, rs.np.float32(0.00025).item())
        self.assertEqual(got["color"]["caps"].get_value("format"), "BGRA")


class DamagedDemux(Base):
    """A damaged chunk: GAP events for its frames (at their PTS), one
    warning naming the chunk, every other frame as rosbag decodes it."""

    def test_corrupt_chunk(self):
        path = self.p("rec.bag")
        rs.write_bag(path, rs.Spec(n_depth=12, dropped=(),
                                   chunk_threshold=3 << 20))
        expected = rs.expected_frames(path)
        base = expected[0]["time"]
        pos, failed = damage_middle_chunk(path)
        got = demux(path)
        self.assertEqual(len(got["warnings"]), 1, got["warnings"])
        self.assertTrue(got["warnings"][0].startswith(
            f"bag '{path}', offset {pos}: lz4 chunk: ERROR_"),
            got["warnings"][0])
        self.assertTrue(got["warnings"][0].endswith(
            "; the frames in this chunk are skipped"), got["warnings"][0])
        for name, stream in (("depth", "Depth_0"), ("color", "Color_0")):
            want = [f for f in expected if f["stream"] == stream]
            self.assertEqual(
                got[name]["gaps"],
                [(want[i]["time"] - base, Gst.SECOND // 30)
                 for i in sorted(failed[name])], name)
            keep = [f for i, f in enumerate(want) if i not in failed[name]]
            self.assertEqual([f[0] for f in got[name]["frames"]],
                             [f["seq"] for f in keep], name)
            self.assertTrue(all(g[2] == e["pixels"] for g, e in
                                zip(got[name]["frames"], keep)), name)


class CutCopyDemux(Base):
    """A complete bag copied short (head -c, a failed download): the
    frames before the cut, one warning naming the cut, then EOS."""

    def cut(self):
        # inside the 3rd message of the last chunk of 4: depth 7
        return rs.cut_copy(
            self.p("cut.bag"), rs.Spec("none", n_depth=8, dropped=(),
                                       chunk_threshold=3 << 20),
            lambda layout, index_pos: layout[-1][1] + layout[-1][2][2] + 3)

    def warning(self, c):
        return (
            f"bag '{c['path']}' is cut short (an incomplete copy?): it ends "
            f"at byte {c['cut']}, before byte {c['index_pos']} where its "
            f"header puts the index; read {c['messages']} messages from "
            f"{c['chunks']} chunks, up to offset {c['cut']}; the last chunk "
            "is cut short; the frames after the cut are missing")

    def test_frames_warning_eos(self):
        c = self.cut()
        got = demux(c["path"])
        self.assertEqual(got["warnings"], [self.warning(c)])
        base = c["all_frames"][0]["time"]
        for name, stream in (("depth", "Depth_0"), ("color", "Color_0")):
            want = [f for f in c["frames"] if f["stream"] == stream]
            # depth 0-6 and color 0-6: the cut took depth 7 and color 7
            self.assertEqual([f[0] for f in got[name]["frames"]],
                             [f["seq"] for f in want], name)
            self.assertEqual(len(want), 7, name)
            self.assertEqual([f[1] for f in got[name]["frames"]],
                             [f["time"] - base for f in want], name)
            self.assertTrue(all(g[2] == e["pixels"] for g, e in
                                zip(got[name]["frames"], want)), name)
            self.assertEqual(got[name]["gaps"], [], name)

    def test_gst_launch(self):
        """gst-launch-1.0 as users run it: exit 0 at EOS, the warning on
        the bus (-m), the color frames before the cut written out."""
        c = self.cut()
        out = self.p("color.raw")
        proc = subprocess.run(
            ["gst-launch-1.0", "-m", "filesrc", f"location={c['path']}", "!",
             "rsbagdemux", "name=d", "d.color", "!", "queue", "!",
             "filesink", f"location={out}"],
            capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("Got EOS from element", proc.stdout)
        self.assertIn(self.warning(c), proc.stdout + proc.stderr)
        want = [f for f in c["frames"] if f["stream"] == "Color_0"]
        with open(out, "rb") as f:
            self.assertTrue(f.read() == b"".join(f["pixels"] for f in want))


def convert(path, out):
    """filesrc ! rsbagdemux ! trialconvert ! trialsink on both pads, from
    gst-launch-1.0 as users run it; files named by frame number (OFFSET)."""
    os.makedirs(out)
    return subprocess.run(
        ["gst-launch-1.0", "-q", "filesrc", f"location={path}", "!",
         "rsbagdemux", "name=d",
         "d.color", "!", "queue", "!", "trialconvert", "!", "trialsink",
         f"location={out}/c_%06d.png",
         "d.depth", "!", "queue", "!", "trialconvert", "!", "trialsink",
         f"location={out}/d_%06d.npy"],
        capture_output=True, text=True, timeout=TIMEOUT)


def yuv422_to_rgb(px, uyvy):
    """BT.601 limited range in integers, as converter.c documents it:
    R = (298 (Y - 16) + 409 (V - 128) + 128) >> 8, ..."""
    q = px.reshape(px.shape[0], -1, 4).astype(rs.np.int32)
    if uyvy:
        u, y0, v, y1 = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    else:
        y0, u, y1, v = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    out = rs.np.empty((px.shape[0], q.shape[1] * 2, 3), rs.np.int32)
    for k, y in ((0, y0), (1, y1)):
        c, d, e = 298 * (y - 16) + 128, u - 128, v - 128
        out[:, k::2, 0] = (c + 409 * e) >> 8
        out[:, k::2, 1] = (c - 100 * d - 208 * e) >> 8
        out[:, k::2, 2] = (c + 516 * d) >> 8
    return rs.np.clip(out, 0, 255).astype(rs.np.uint8)


class ConvertDemux(rs.Base):
    """Item 4: trialconvert takes rsbagdemux's raw color (PNG of the same
    RGB pixels) and GRAY16_LE depth with the bag's depth-scale (.npy float32
    metres = raw x the bag's scale, not a guessed 0.001)."""

    def check(self, path, scale):
        from PIL import Image
        out = self.p("out")
        proc = convert(path, out)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        expected = rs.expected_frames(path)
        names = sorted(os.listdir(out))
        want = sorted([f"c_{f['seq']:06d}.png" for f in expected
                       if f["stream"] == "Color_0"] +
                      [f"d_{f['seq']:06d}.npy" for f in expected
                       if f["stream"] == "Depth_0"])
        self.assertEqual(names, want)
        for f in expected:
            w, h, step = f["width"], f["height"], f["step"]
            if f["stream"] == "Depth_0":
                raw = rs.np.frombuffer(f["pixels"], "<u2").reshape(
                    h, step // 2)[:, :w]
                got = rs.np.load(os.path.join(out, f"d_{f['seq']:06d}.npy"))
                self.assertEqual(got.dtype, rs.np.float32)
                # metres = raw x scale in float32; a scale whose inverse is
                # whole divides by it, as numpy's depth / 1000.0 (npy.h)
                inverse = round(1.0 / scale)
                self.assertAlmostEqual(1.0 / scale, inverse, delta=1e-3)
                self.assertTrue(rs.np.array_equal(
                    got, raw.astype(rs.np.float32) / rs.np.float32(inverse)),
                    f"depth {f['seq']}")
            else:
                bpp = rs.BPP[f["encoding"]]
                px = rs.np.frombuffer(f["pixels"], "u1").reshape(
                    h, step)[:, :w * bpp].reshape(h, w, bpp)
                if f["encoding"] in ("yuv422", "YUYV"):
                    rgb = yuv422_to_rgb(px, f["encoding"] == "yuv422")
                else:
                    rgb = {"rgb8": px, "bgr8": px[:, :, ::-1],
                           "rgba8": px[:, :, :3],
                           "bgra8": px[:, :, 2::-1]}[f["encoding"]]
                with Image.open(os.path.join(out,
                                             f"c_{f['seq']:06d}.png")) as im:
                    self.assertEqual(im.mode, "RGB")
                    got = rs.np.asarray(im)
                self.assertTrue(rs.np.array_equal(got, rgb),
                                f"color {f['seq']}")

    def setUp(self):
        super().setUp()
        try:
            import PIL  # noqa: F401
        except ImportError:
            tap.missing("PIL (apt install python3-pil)")

    def test_real_file(self):
        self.check(rs.REAL_BAG, rs.np.float32(0.001).item())

    def test_written_trailer(self):
        path = self.p("lz4.bag")
        rs.write_bag(path, rs.Spec())
        self.check(path, rs.np.float32(0.00025).item())

    def test_written_depth_units_bgr(self):
        path = self.p("none.bag")
        rs.write_bag(path, rs.Spec(compression="none", trailer=False,
                                   color_encoding="bgr8"))
        self.check(path, rs.np.float32(0.0001).item())

    def test_written_yuv(self):
        for encoding in ("yuv422", "YUYV"):
            with self.subTest(encoding=encoding):
                path = self.p(f"{encoding}.bag")
                rs.write_bag(path, rs.Spec(color_encoding=encoding))
                self.check(path, rs.np.float32(0.00025).item())
                shutil.rmtree(self.p("out"))

    def test_written_bgra(self):
        path = self.p("bgra.bag")
        rs.write_bag(path, rs.Spec(color_encoding="bgra8"))
        self.check(path, rs.np.float32(0.00025).item())


TRIAL_PROCESS = os.environ.get("TRIAL_PROCESS")




def damage_middle_chunk(path):
    """Overwrites 64 bytes of the compressed data of the bag's middle chunk;
    returns the chunk's position and {"color": {i}, "depth": {i}}: the
    time-order indices of each stream's frames whose messages it held."""
    layout = rs.chunk_layout(path)
    pos, data_pos, _ = layout[len(layout) // 2]
    times = {"color": [], "depth": []}
    inside = {"color": set(), "depth": set()}
    with rs.rosbag.Bag(path) as bag:
        for conn, entries in bag._connection_indexes.items():
            topic = bag._connections[conn].topic
            stream = ("color" if topic == rs.COLOR + "/image/data" else
                      "depth" if topic == rs.DEPTH + "/image/data" else None)
            if stream is None:
                continue
            for e in entries:
                times[stream].append(e.time.to_nsec())
                if e.chunk_pos == pos:
                    inside[stream].add(e.time.to_nsec())
    with open(path, "r+b") as f:
        f.seek(data_pos + 5000)
        f.write(b"\xff" * 64)
    return pos, {s: {i for i, t in enumerate(sorted(times[s]))
                     if t in inside[s]} for s in times}


class TrialProcessBag(rs.Base):
    """Item 5: trial-process REC.bag writes
    OUT/REC/single_camera/{color,depth}/frame_%06d.* and metadata.json:
    frame i = the i-th color frame in time order, with the depth frame
    nearest in time within half a frame period; pixels and metres checked
    against rosbag's decoding. Depth in the depth camera's geometry
    (--align none); aligned depth is check_trialalign.py's."""

    def setUp(self):
        super().setUp()
        try:
            import PIL  # noqa: F401
        except ImportError:
            tap.missing("PIL (apt install python3-pil)")

    def run_tp(self, *args):
        return subprocess.run([TRIAL_PROCESS, *args], capture_output=True,
                              text=True, timeout=TIMEOUT,
                              env=sanitizer.instrumented_env())

    def expected_pairs(self, path, frames=None):
        """[(color frame, depth frame or None)] by the documented rule,
        computed here from rosbag's times (of frames, else of path's)."""
        frames = rs.expected_frames(path) if frames is None else frames
        colors = [f for f in frames if f["stream"] == "Color_0"]
        depths = [f for f in frames if f["stream"] == "Depth_0"]
        ct = [f["time"] for f in colors]
        times = ct if len(ct) > 1 else [f["time"] for f in depths]
        deltas = sorted(b - a for a, b in zip(times, times[1:]))
        half = deltas[(len(deltas) - 1) // 2] // 2 if deltas else None
        best = {}
        for j, d in enumerate(depths):
            i = min(range(len(ct)), key=lambda k: (abs(ct[k] - d["time"]), k))
            dist = abs(ct[i] - d["time"])
            if half is not None and dist > half:
                continue
            if i not in best or dist < best[i][0]:
                best[i] = (dist, j)
        pairs = [(c, depths[best[i][1]] if i in best else None)
                 for i, c in enumerate(colors)]
        return pairs, len(depths) - len(best)

    def check_output(self, cam, pairs, scale, frames):
        from PIL import Image
        inverse = round(1.0 / scale)
        for i in frames:
            c, d = pairs[i]
            w, h = c["width"], c["height"]
            rgb = rs.np.frombuffer(c["pixels"], "u1").reshape(
                h, c["step"])[:, :w * 3].reshape(h, w, 3)
            with Image.open(os.path.join(cam, "color",
                                         f"frame_{i:06d}.png")) as im:
                self.assertTrue(rs.np.array_equal(rs.np.asarray(im), rgb),
                                f"frame {i} color")
            raw = rs.np.frombuffer(d["pixels"], "<u2").reshape(
                d["height"], d["step"] // 2)[:, :d["width"]]
            got = rs.np.load(os.path.join(cam, "depth", f"frame_{i:06d}.npy"))
            self.assertTrue(rs.np.array_equal(
                got, raw.astype(rs.np.float32) / rs.np.float32(inverse)),
                f"frame {i} depth")

    def metadata(self, cam):
        with open(os.path.join(cam, "metadata.json")) as f:
            return json.load(f)

    def test_written(self):
        path = self.p("rec.bag")
        rs.write_bag(path, rs.Spec())
        pairs, unpaired = self.expected_pairs(path)
        # color 2 and 3 dropped: 4 color frames, depth 2 and 3 unpaired
        self.assertEqual(len(pairs), 4)
        self.assertEqual(unpaired, 2)
        out = self.p("out")
        proc = self.run_tp(path, "-o", out, "--json", "--align", "none")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        cam = os.path.join(out, "rec", "single_camera")
        meta = self.metadata(cam)
        self.assertEqual(json.loads(proc.stdout), meta)
        self.assertEqual(sorted(os.listdir(os.path.join(cam, "color"))),
                         [f"frame_{i:06d}.png" for i in range(4)])
        self.assertEqual(sorted(os.listdir(os.path.join(cam, "depth"))),
                         [f"frame_{i:06d}.npy" for i in range(4)])
        self.check_output(cam, pairs, 0.00025, range(4))
        self.assertEqual((meta["total_frames"], meta["successful"],
                          meta["failed"], meta["unpaired_depth_frames"]),
                         (4, 4, 0, 2))
        self.assertEqual(meta["structure"], "bag")
        self.assertEqual(meta["device"], {"name": "Intel RealSense D435",
                                          "serial": "012345678901"})
        self.assertEqual((meta["depth"]["width"], meta["depth"]["height"],
                          meta["color"]["width"], meta["color"]["height"]),
                         (848, 480, 640, 480))
        self.assertEqual(meta["depth"]["depth_scale"],
                         rs.np.float32(0.00025).item())
        self.assertEqual(meta["color"]["intrinsics"]["coeffs"],
                         [0.125, -0.25, 0.001, 0.002, 0.0625])
        self.assertEqual(meta["color"]["fps"], 30)

    def test_real_file(self):
        pairs, unpaired = self.expected_pairs(rs.REAL_BAG)
        out = self.p("out")
        proc = self.run_tp(rs.REAL_BAG, "-o", out, "--align", "none")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        cam = os.path.join(out, "single_depth_color_640x480", "single_camera")
        meta = self.metadata(cam)
        self.assertEqual(meta["total_frames"], len(pairs))
        self.assertEqual(meta["unpaired_depth_frames"], unpaired)
        self.assertEqual(meta["device"]["name"], "Intel RealSense D435")
        self.check_output(cam, pairs, 0.001, range(len(pairs)))

    def test_start_stop_resume(self):
        path = self.p("rec.bag")
        rs.write_bag(path, rs.Spec(compression="none", trailer=False))
        pairs, _ = self.expected_pairs(path)
        out = self.p("out")
        proc = self.run_tp(path, "-o", out, "--start", "1", "--stop", "2",
                           "--align", "none")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        cam = os.path.join(out, "rec", "single_camera")
        self.assertEqual(sorted(os.listdir(os.path.join(cam, "color"))),
                         ["frame_000001.png", "frame_000002.png"])
        self.assertEqual(self.metadata(cam)["frame_range"], [1, 2])
        self.check_output(cam, pairs, 0.0001, [1, 2])
        # --resume keeps what is there and writes what is missing
        os.unlink(os.path.join(cam, "depth", "frame_000002.npy"))
        proc = self.run_tp(path, "-o", out, "--resume", "--align", "none")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(cam, "depth"))),
                         [f"frame_{i:06d}.npy" for i in range(4)])
        self.check_output(cam, pairs, 0.0001, range(4))

    def test_resume_redoes_damaged_outputs(self):
        """--resume on a bag checks what it keeps, as for trial folders: an
        empty .npy and a PNG cut short are converted again; stale
        temporaries go; an unpaired frame's half is never kept."""
        path = self.p("rec.bag")
        rs.write_bag(path, rs.Spec(compression="none", trailer=False))
        pairs, _ = self.expected_pairs(path)
        out = self.p("out")
        proc = self.run_tp(path, "-o", out, "--align", "none")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        cam = os.path.join(out, "rec", "single_camera")
        clean = {}
        for stream in ("color", "depth"):
            for name in os.listdir(os.path.join(cam, stream)):
                with open(os.path.join(cam, stream, name), "rb") as f:
                    clean[stream, name] = f.read()
        open(os.path.join(cam, "depth", "frame_000001.npy"), "wb").close()
        png = os.path.join(cam, "color", "frame_000002.png")
        with open(png, "r+b") as f:
            f.truncate(len(clean["color", "frame_000002.png"]) // 2)
        stale = os.path.join(cam, "color", ".frame_000003.png.tmp-ab12CD")
        with open(stale, "wb") as f:
            f.write(b"x")
        proc = self.run_tp(path, "-o", out, "--resume", "--align", "none")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("converting frame 1 again", proc.stderr)
        self.assertIn("converting frame 2 again", proc.stderr)
        self.assertFalse(os.path.exists(stale))
        for (stream, name), data in clean.items():
            with open(os.path.join(cam, stream, name), "rb") as f:
                self.assertEqual(f.read(), data, name)
        self.check_output(cam, pairs, 0.0001, range(4))

    def test_corrupt_chunk(self):
        """A damaged lz4 chunk mid-recording: its frames are counted failed
        frames, named by number, and the rest of the recording converts
        (exit 1, as for a trial folder with failed frames)."""
        path = self.p("rec.bag")
        rs.write_bag(path, rs.Spec(n_depth=12, dropped=(),
                                   chunk_threshold=3 << 20))
        pairs, _ = self.expected_pairs(path)
        pos, failed = damage_middle_chunk(path)
        # color i pairs with depth i here: a frame fails when either of its
        # messages is in the chunk; the chunk holds 2 to 4 messages
        self.assertTrue(2 <= len(failed["color"] | failed["depth"]) <= 4,
                        failed)
        out = self.p("out")
        proc = self.run_tp(path, "-o", out, "--json", "--align", "none")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        cam = os.path.join(out, "rec", "single_camera")
        meta = self.metadata(cam)
        self.assertEqual(json.loads(proc.stdout), meta)
        self.assertTrue(meta["complete"])
        self.assertIsNone(meta["error"])
        bad = sorted(failed["color"] | failed["depth"])
        self.assertEqual([f["frame"] for f in meta["failed_frames"]], bad)
        for f in meta["failed_frames"]:
            stream = "color" if f["frame"] in failed["color"] else "depth"
            self.assertEqual(
                (f["stream"], f["reason"]),
                (stream, f"its {stream} frame is in a damaged chunk of the "
                 "bag"))
        self.assertEqual((meta["total_frames"], meta["successful"],
                          meta["failed"]), (12, 12 - len(bad), len(bad)))
        self.assertIn(f"trial-process: warning: bag '{path}', offset {pos}: "
                      "lz4 chunk: ERROR_", proc.stderr)
        good = [i for i in range(12) if i not in bad]
        for stream, ext in (("color", "png"), ("depth", "npy")):
            self.assertEqual(sorted(os.listdir(os.path.join(cam, stream))),
                             [f"frame_{i:06d}.{ext}" for i in good])
        self.check_output(cam, pairs, 0.00025, good)

    def test_cut_copy(self):
        """A complete bag copied short inside its last color frame: the
        frames before the cut convert, exit 0 as for an interrupted
        recording; the cut color frame is no frame at all (not a failed
        one), its depth frame is unpaired; the warning says so."""
        c = rs.cut_copy(
            self.p("cut.bag"), rs.Spec("none", n_depth=8, dropped=(),
                                       chunk_threshold=3 << 20),
            lambda layout, index_pos: layout[-1][1] + layout[-1][2][3] + 100)
        pairs, unpaired = self.expected_pairs(c["path"], c["frames"])
        self.assertEqual((len(pairs), unpaired), (7, 1))
        out = self.p("out")
        proc = self.run_tp(c["path"], "-o", out, "--json", "--align", "none")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(
            f"trial-process: warning: bag '{c['path']}' is cut short (an "
            f"incomplete copy?): it ends at byte {c['cut']}, before byte "
            f"{c['index_pos']} where its header puts the index; read "
            f"{c['messages']} messages from {c['chunks']} chunks, up to "
            f"offset {c['cut']}; the last chunk is cut short; the frames "
            "after the cut are missing\n", proc.stderr)
        # once: not again from rsbagdemux when the pipeline opens the bag
        self.assertEqual(proc.stderr.count(" is cut short (an incomplete"),
                         1, proc.stderr)
        quiet = self.run_tp(c["path"], "-o", self.p("quiet"), "-q",
                            "--align", "none")
        self.assertEqual((quiet.returncode, quiet.stderr), (0, ""))
        cam = os.path.join(out, "cut", "single_camera")
        meta = self.metadata(cam)
        self.assertEqual(json.loads(proc.stdout), meta)
        self.assertEqual((meta["total_frames"], meta["successful"],
                          meta["failed"], meta["failed_frames"],
                          meta["unpaired_depth_frames"], meta["complete"],
                          meta["error"]), (7, 7, 0, [], 1, True, None))
        for stream, ext in (("color", "png"), ("depth", "npy")):
            self.assertEqual(sorted(os.listdir(os.path.join(cam, stream))),
                             [f"frame_{i:06d}.{ext}" for i in range(7)])
        self.check_output(cam, pairs, 0.00025, range(7))

    def test_held_lock(self):
        """Another trial-process writing the same output: refused (exit 2),
        naming it, nothing written."""
        path = self.p("rec.bag")
        rs.write_bag(path, rs.Spec(n_depth=2, dropped=()))
        job = os.path.join(self.p("out"), "rec", "single_camera")
        os.makedirs(job)
        holder = subprocess.Popen(
            [sys.executable, "-c",
             "import fcntl, sys\n"
             "f = open(sys.argv[1], 'a')\n"
             "fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
             "print('locked', flush=True)\n"
             "sys.stdin.read()\n", os.path.join(job, ".trial-process.lock")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.assertEqual(holder.stdout.readline(), "locked\n")
        proc = self.run_tp(path, "-o", self.p("out"))
        holder.stdin.close()
        holder.wait(60)
        holder.stdout.close()
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(
            proc.stderr, f"trial-process: '{job}' is being written by "
            f"process {holder.pid} (it holds '{job}/.trial-process.lock'); "
            "this job is left alone\n")
        self.assertEqual(os.listdir(job), [".trial-process.lock"])
        # released: converts, and the lock file is not an output
        proc = self.run_tp(path, "-o", self.p("out"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(sorted(os.listdir(job)),
                         ["color", "depth", "metadata.json"])

    def test_unreadable_bag(self):
        path = self.p("bad.bag")
        with open(path, "wb") as f:
            f.write(b"#ROSBAG V2.0\n\xff\xff\xff\xff")
        proc = self.run_tp(path, "-o", self.p("out"))
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr.strip(),
                         f"trial-process: bag '{path}', offset 13: record "
                         "header of 4294967295 bytes, expected at most 1048576")


# (device, sensor, stream, width, height) of the bags of several streams
TWO_DEVICES = [(0, 0, "Depth_0", 48, 32), (0, 1, "Color_0", 64, 48),
               (1, 0, "Depth_0", 40, 30), (1, 1, "Color_0", 56, 42)]
TWO_COLORS = [(0, 0, "Depth_0", 48, 32), (0, 1, "Color_0", 64, 48),
              (0, 1, "Color_1", 32, 24)]


def pixels(img):
    """The rows of a sensor_msgs/Image without their padding."""
    row = img.width * (2 if img.encoding == "mono16" else 3)
    return b"".join(bytes(img.data[y * img.step:y * img.step + row])
                    for y in range(img.height))


class BagResume(rs.Base):
    """--resume on a .bag skips the work of the frames already whole on
    disk: their buffers are dropped after pairing, before trialalign and
    trialconvert, so a resume with nothing to do aligns and encodes
    nothing, and one with frames 5 and 17 missing or damaged aligns and
    encodes exactly those. The work is counted from the elements' per-frame
    log lines ("aligned depth frame N", "converted frame N"); the outputs
    are byte-identical to an uninterrupted run and metadata.json counts as
    before (docs/testing.md, "Bag resume")."""

    N = 20

    def setUp(self):
        super().setUp()
        self.bag = self.p("rec.bag")
        self.out = self.p("out")
        self.cam = os.path.join(self.out, "rec", "single_camera")

    def write_d435(self):
        """N frames with the D435's calibration: the depth is aligned."""
        import check_trialalign as ta
        ta.write_d435_bag(self.bag, n=self.N)

    def run_tp(self, *args, out=None):
        """(process, frames trialconvert converted, frames trialalign
        aligned), both sorted lists of frame numbers; self.demuxed: how
        many frames rsbagdemux pushed on each pad."""
        log = self.p("gst.log")
        env = sanitizer.instrumented_env()
        env.update(GST_DEBUG="trialconvert:6,trialalign:6,rsbagdemux:6",
                   GST_DEBUG_FILE=log, GST_DEBUG_NO_COLOR="1")
        proc = subprocess.run([TRIAL_PROCESS, self.bag, "-o",
                               out or self.out, *args], capture_output=True,
                              text=True, timeout=TIMEOUT, env=env)
        with open(log) as f:
            text = f.read()
        os.unlink(log)
        converted = sorted(int(n) for n in re.findall(
            r":<trialconvert\d+> converted frame (\d+)$", text, re.M))
        aligned = sorted(int(n) for n in re.findall(
            r":<trialalign\d+> aligned depth frame (\d+)$", text,
            re.M))
        self.demuxed = {pad: len(re.findall(
            rf":<demux:{pad}> pushing the frame at ", text))
            for pad in ("color", "depth")}
        return proc, converted, aligned

    def outputs(self):
        tree = {}
        for stream in ("color", "depth"):
            for name in os.listdir(os.path.join(self.cam, stream)):
                with open(os.path.join(self.cam, stream, name), "rb") as f:
                    tree[stream, name] = f.read()
        return tree

    def full_metadata(self, cam):
        with open(os.path.join(cam, "metadata.json")) as f:
            return json.load(f)

    def metadata(self):
        meta = self.full_metadata(self.cam)
        return (meta["total_frames"], meta["successful"], meta["failed"],
                meta["resumed_from_frames"], meta["converted_frames"],
                meta["depth_aligned_to"])

    def convert_all(self):
        proc, converted, aligned = self.run_tp()
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.demuxed, {"color": self.N, "depth": self.N})
        # both streams of every frame: the log lines counted below exist
        self.assertEqual(converted, sorted(list(range(self.N)) * 2))
        self.assertEqual(aligned, list(range(self.N)))
        return self.outputs()

    def test_all_done_converts_nothing(self):
        self.write_d435()
        clean = self.convert_all()
        self.assertEqual(len(clean), 2 * self.N)
        proc, converted, aligned = self.run_tp("--resume")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual((converted, aligned), ([], []))
        # the demuxer starts at the bag's last message, frame 19's color
        self.assertEqual(self.demuxed, {"color": 1, "depth": 0})
        self.assertEqual(self.metadata(),
                         (self.N, self.N, 0, self.N, 0, "color"))
        self.assertEqual(self.outputs(), clean)

    def test_redoes_exactly_the_missing_frames(self):
        self.write_d435()
        clean = self.convert_all()
        os.unlink(os.path.join(self.cam, "color", "frame_000005.png"))
        npy = os.path.join(self.cam, "depth", "frame_000017.npy")
        with open(npy, "r+b") as f:
            f.truncate(len(clean["depth", "frame_000017.npy"]) - 1)
        proc, converted, aligned = self.run_tp("--resume")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("converting frame 17 again", proc.stderr)
        self.assertEqual(converted, [5, 5, 17, 17])
        self.assertEqual(aligned, [5, 17])
        # read from frame 5's depth (4 ms before its color) on
        self.assertEqual(self.demuxed, {"color": self.N - 5,
                                        "depth": self.N - 5})
        # as before: resumed from the first frame missing, the rest counted
        self.assertEqual(self.metadata(),
                         (self.N, self.N, 0, 5, self.N - 5, "color"))
        self.assertEqual(self.outputs(), clean)

    def test_interrupted_then_resumed(self):
        """A run that stopped after frame 13 (the frames after it removed,
        a half frame 14 left): the resume reads the bag from frame 14 on,
        converts 14 to 19, and the outputs are those of a full run."""
        self.write_d435()
        clean = self.convert_all()
        for i in range(14, self.N):
            os.unlink(os.path.join(self.cam, "depth", f"frame_{i:06d}.npy"))
            if i > 14:
                os.unlink(os.path.join(self.cam, "color",
                                       f"frame_{i:06d}.png"))
        proc, converted, aligned = self.run_tp("--resume")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.demuxed, {"color": 6, "depth": 6})
        self.assertEqual(converted, sorted(list(range(14, self.N)) * 2))
        self.assertEqual(aligned, list(range(14, self.N)))
        self.assertEqual(self.metadata(),
                         (self.N, self.N, 0, 14, self.N - 14, "color"))
        self.assertEqual(self.outputs(), clean)

    def test_start_reads_from_its_frame(self):
        """--start 12 reads the bag from frame 12 (its depth) on."""
        self.write_d435()
        proc, converted, _ = self.run_tp("--start", "12")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(self.demuxed, {"color": self.N - 12,
                                        "depth": self.N - 12})
        self.assertEqual(converted, sorted(list(range(12, self.N)) * 2))

    def test_dropped_color_frames_keep_pairing(self):
        """Color frames 2 and 3 of 12 dropped: output frame 5 is color 5
        with depth 7. Deleting frame 5 redoes that pair, the same bytes."""
        rs.write_bag(self.bag, rs.Spec(compression="none", trailer=False,
                                       n_depth=12, dropped=(2, 3)))
        proc, converted, _ = self.run_tp("--align", "none")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(converted, sorted(list(range(10)) * 2))
        clean = self.outputs()
        for name in ("color/frame_000005.png", "depth/frame_000005.npy"):
            os.unlink(os.path.join(self.cam, name))
        proc, converted, _ = self.run_tp("--align", "none", "--resume")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(converted, [5, 5])
        self.assertEqual(self.outputs(), clean)
        meta = self.full_metadata(self.cam)
        self.assertEqual((meta["successful"], meta["unpaired_depth_frames"],
                          meta["resumed_from_frames"],
                          meta["converted_frames"]), (10, 2, 5, 5))

    def test_bag_damaged_since(self):
        """A resume on a bag damaged since the first run, from a frame
        before the damage (frame 0 removed): the frames of the damaged chunk
        are failed and their outputs removed, whole on disk or not, as a
        full run on the damaged bag says. (Damage before the first frame to
        convert is not read: those frames are whole on disk.)"""
        rs.write_bag(self.bag, rs.Spec(n_depth=12, dropped=(),
                                       chunk_threshold=3 << 20))
        proc, _, _ = self.run_tp("--align", "none")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        _, failed = damage_middle_chunk(self.bag)
        bad = sorted(failed["color"] | failed["depth"])
        self.assertTrue(2 <= len(bad) <= 4 and 0 not in bad, bad)
        os.unlink(os.path.join(self.cam, "color", "frame_000000.png"))
        proc, converted, _ = self.run_tp("--align", "none", "--resume")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertEqual(converted, [0, 0])
        resumed = self.outputs()
        meta = self.full_metadata(self.cam)
        fresh_out = self.p("fresh")
        proc, _, _ = self.run_tp("--align", "none", out=fresh_out)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.cam = os.path.join(fresh_out, "rec", "single_camera")
        self.assertEqual(resumed, self.outputs())
        fresh = self.full_metadata(self.cam)
        self.assertEqual([f["frame"] for f in meta["failed_frames"]], bad)
        for key in ("processing_time_seconds", "processing_fps",
                    "resumed_from_frames", "converted_frames"):
            del meta[key], fresh[key]
        self.assertEqual(meta, fresh)


class MultiStreamDemux(rs.Base):
    """Issue 20 item 5: a bag of several devices or several Color/Depth
    streams; rsbagdemux's color-stream and depth-stream properties pick
    the streams by the names the bag gives them, checked against rosbag's
    decoding of the same messages."""

    def check_pad(self, got, pad, frames):
        self.assertEqual([f[2] for f in got[pad]["frames"]],
                         [pixels(img) for img in frames], pad)
        self.assertEqual(got[pad]["caps"].get_value("width"),
                         frames[0].width, pad)

    def test_default_is_first_device(self):
        path = self.p("two.bag")
        rs.write_multi_bag(path, TWO_DEVICES)
        want = rs.frames_by_stream(path)
        got = demux(path)
        self.assertEqual(got["streams"],
                         "depth=device_0/Depth_0,color=device_0/Color_0")
        self.check_pad(got, "color", want["device_0/Color_0"])
        self.check_pad(got, "depth", want["device_0/Depth_0"])

    def test_color_stream_picks_device(self):
        """color-stream names device 1's stream; depth follows it."""
        path = self.p("two.bag")
        rs.write_multi_bag(path, TWO_DEVICES)
        want = rs.frames_by_stream(path)
        got = demux(path, color_stream="device_1/Color_0")
        self.assertEqual(got["streams"],
                         "depth=device_1/Depth_0,color=device_1/Color_0")
        self.check_pad(got, "color", want["device_1/Color_0"])
        self.check_pad(got, "depth", want["device_1/Depth_0"])

    def test_depth_stream_picks_device(self):
        path = self.p("two.bag")
        rs.write_multi_bag(path, TWO_DEVICES)
        want = rs.frames_by_stream(path)
        got = demux(path, depth_stream="device_1/Depth_0")
        self.check_pad(got, "color", want["device_1/Color_0"])
        self.check_pad(got, "depth", want["device_1/Depth_0"])

    def test_second_color_stream(self):
        path = self.p("colors.bag")
        rs.write_multi_bag(path, TWO_COLORS)
        want = rs.frames_by_stream(path)
        got = demux(path, color_stream="Color_1")
        self.assertEqual(got["streams"], "depth=Depth_0,color=Color_1")
        self.check_pad(got, "color", want["device_0/Color_1"])
        self.check_pad(got, "depth", want["device_0/Depth_0"])

    def test_unknown_stream(self):
        path = self.p("two.bag")
        rs.write_multi_bag(path, TWO_DEVICES)
        cases = [
            ("color_stream", "Color_0", "Color"),   # which device's?
            ("color_stream", "device_1/Depth_0", "Color"),
            ("depth_stream", "device_2/Depth_0", "Depth"),
        ]
        for prop, name, kind in cases:
            with self.subTest(name=name):
                with self.assertRaises(AssertionError) as cm:
                    demux(path, **{prop: name})
                self.assertEqual(
                    str(cm.exception),
                    f"bag '{path}' has no {kind} stream '{name}' (its "
                    "streams: device_0/Depth_0, device_1/Depth_0, "
                    "device_0/Color_0, device_1/Color_0)")

    def test_gst_launch(self):
        """The property from gst-launch-1.0, as users write it."""
        path = self.p("colors.bag")
        rs.write_multi_bag(path, TWO_COLORS)
        want = rs.frames_by_stream(path)
        out = self.p("color.raw")
        proc = subprocess.run(
            ["gst-launch-1.0", "-q", "filesrc", f"location={path}", "!",
             "rsbagdemux", "color-stream=Color_1", "name=d", "d.color", "!",
             "queue", "!", "filesink", f"location={out}"],
            capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        with open(out, "rb") as f:
            self.assertTrue(f.read() == b"".join(
                pixels(img) for img in want["device_0/Color_1"]))
        proc = subprocess.run(
            ["gst-launch-1.0", "-q", "filesrc", f"location={path}", "!",
             "rsbagdemux", "color-stream=Color_9", "name=d", "d.color", "!",
             "queue", "!", "fakesink"],
            capture_output=True, text=True, timeout=TIMEOUT)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(f"bag '{path}' has no Color stream 'Color_9' (its "
                      "streams: Depth_0, Color_0, Color_1)",
                      proc.stdout + proc.stderr)


class MultiStreamTrialProcess(rs.Base):
    """Issue 20 item 5: trial-process on a bag of several devices converts
    each device as its own camera folder (device_<d>); --camera picks a
    device or a stream; a second Color stream of one device is converted
    on request into <camera>_<stream>. Pixels and metres against rosbag."""

    def setUp(self):
        super().setUp()
        try:
            import PIL  # noqa: F401
        except ImportError:
            tap.missing("PIL (apt install python3-pil)")

    def run_tp(self, *args):
        return subprocess.run([TRIAL_PROCESS, *args, "--align", "none"],
                              capture_output=True, text=True,
                              timeout=TIMEOUT,
                              env=sanitizer.instrumented_env())

    def check_camera(self, cam, color, depth):
        from PIL import Image
        self.assertEqual(sorted(os.listdir(os.path.join(cam, "color"))),
                         [f"frame_{i:06d}.png" for i in range(len(color))])
        for i, (c, d) in enumerate(zip(color, depth)):
            with Image.open(os.path.join(cam, "color",
                                         f"frame_{i:06d}.png")) as im:
                self.assertTrue(rs.np.asarray(im).tobytes() == pixels(c),
                                f"{cam} frame {i} color")
            raw = rs.np.frombuffer(pixels(d), "<u2").reshape(d.height,
                                                            d.width)
            got = rs.np.load(os.path.join(cam, "depth", f"frame_{i:06d}.npy"))
            self.assertTrue(rs.np.array_equal(
                got, raw.astype(rs.np.float32) / rs.np.float32(1000)),
                f"{cam} frame {i} depth")
        with open(os.path.join(cam, "metadata.json")) as f:
            return json.load(f)

    def test_two_devices(self):
        path = self.p("rec.bag")
        rs.write_multi_bag(path, TWO_DEVICES)
        want = rs.frames_by_stream(path)
        out = self.p("out")
        proc = self.run_tp(path, "-o", out, "--json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(out, "rec"))),
                         ["device_0", "device_1"])
        lines = [json.loads(line) for line in proc.stdout.splitlines()]
        for d in (0, 1):
            meta = self.check_camera(os.path.join(out, "rec", f"device_{d}"),
                                     want[f"device_{d}/Color_0"],
                                     want[f"device_{d}/Depth_0"])
            self.assertEqual(lines[d], meta)
            self.assertEqual(meta["output_camera"], f"device_{d}")
            self.assertEqual(meta["color"]["stream"], f"device_{d}/Color_0")
            self.assertEqual(meta["depth"]["stream"], f"device_{d}/Depth_0")
            self.assertEqual(meta["device"]["serial"], f"SN{d}")
            self.assertEqual((meta["total_frames"], meta["failed"]), (4, 0))

    def test_camera_picks_device(self):
        path = self.p("rec.bag")
        rs.write_multi_bag(path, TWO_DEVICES)
        want = rs.frames_by_stream(path)
        out = self.p("out")
        proc = self.run_tp(path, "-o", out, "--camera", "device_1")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(os.listdir(os.path.join(out, "rec")), ["device_1"])
        self.check_camera(os.path.join(out, "rec", "device_1"),
                          want["device_1/Color_0"], want["device_1/Depth_0"])
        # the seed's form, TRIAL CAMERA, as for trial folders
        shutil.rmtree(out)
        proc = self.run_tp(path, "device_0", "-o", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(os.listdir(os.path.join(out, "rec")), ["device_0"])
        self.check_camera(os.path.join(out, "rec", "device_0"),
                          want["device_0/Color_0"], want["device_0/Depth_0"])
        proc = self.run_tp(path, "device_5", "-o", out)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr, "trial-process: 'device_5' is neither a "
                         f"trial folder nor a camera of '{path}' (its "
                         "cameras: device_0, device_1)\n")

    def test_second_color_stream(self):
        path = self.p("rec.bag")
        rs.write_multi_bag(path, TWO_COLORS)
        want = rs.frames_by_stream(path)
        out = self.p("out")
        proc = self.run_tp(path, "-o", out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(f"trial-process: bag '{path}' has the streams Depth_0, "
                      "Color_0, Color_1; converting Color_0 and Depth_0 into "
                      "single_camera (choose others with --camera, e.g. "
                      "--camera Color_1)\n", proc.stderr)
        meta = self.check_camera(os.path.join(out, "rec", "single_camera"),
                                 want["device_0/Color_0"],
                                 want["device_0/Depth_0"])
        self.assertEqual(meta["color"]["stream"], "Color_0")
        proc = self.run_tp(path, "-o", out, "--camera", "Color_1")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(sorted(os.listdir(os.path.join(out, "rec"))),
                         ["single_camera", "single_camera_Color_1"])
        meta = self.check_camera(
            os.path.join(out, "rec", "single_camera_Color_1"),
            want["device_0/Color_1"], want["device_0/Depth_0"])
        self.assertEqual(meta["color"]["stream"], "Color_1")
        self.assertEqual(meta["depth"]["stream"], "Depth_0")
        self.assertEqual(meta["output_camera"], "single_camera_Color_1")

    def test_unknown_camera(self):
        path = self.p("rec.bag")
        rs.write_multi_bag(path, TWO_DEVICES)
        out = self.p("out")
        for name in ("Color_0", "device_7", "device_0/Color_3"):
            with self.subTest(name=name):
                proc = self.run_tp(path, "-o", out, "--camera", name)
                self.assertEqual(proc.returncode, 2)
                self.assertEqual(
                    proc.stderr,
                    f"trial-process: bag '{path}' has no device or stream "
                    f"'{name}' (its devices: device_0, device_1; its "
                    "streams: device_0/Depth_0, device_1/Depth_0, "
                    "device_0/Color_0, device_1/Color_0)\n")
                self.assertFalse(os.path.exists(out))


class MultiDeviceWindows(rs.Base):
    """Issue 20: --segments and --start-time/--end-time on a bag of two
    devices that start recording at different times. A time is seconds
    from the bag's first frame (any device), so one row is the same
    moment for every device; a device with no color frame in a window is
    left out with a line saying so, a window no device covers is refused.
    Frames (bag_t0 = device_0's first depth frame): device_0 color at
    0.004 + i/30 s (i = 0..7), device_1 color at 0.005 + i/30 s (i = 4..7,
    its frames 0..3), pixels and metres against rosbag."""

    def setUp(self):
        super().setUp()
        try:
            import PIL  # noqa: F401
        except ImportError:
            tap.missing("PIL (apt install python3-pil)")
        self.bag = self.p("rec.bag")
        rs.write_multi_bag(self.bag, TWO_DEVICES, n_frames=8,
                           first_slot={1: 4})
        self.want = rs.frames_by_stream(self.bag)
        self.out = self.p("out")

    def run_tp(self, *args):
        return subprocess.run([TRIAL_PROCESS, *args, "-o", self.out,
                               "--align", "none"],
                              capture_output=True, text=True,
                              timeout=TIMEOUT,
                              env=sanitizer.instrumented_env())

    def csv(self, text):
        path = self.p("trials.csv")
        with open(path, "w") as f:
            f.write(text)
        return path

    def check_frames(self, trial, device, numbers):
        """trial/device_<d> holds exactly the frames numbers (the device's
        i-th color frame and its depth), as rosbag decodes them."""
        return self.check_frames_of(self.bag, trial, device, numbers,
                                    self.want)

    def check_frames_of(self, bag, trial, device, numbers, want=None):
        from PIL import Image
        want = want or rs.frames_by_stream(bag)
        cam = os.path.join(self.out, trial, f"device_{device}")
        color = want[f"device_{device}/Color_0"]
        depth = want[f"device_{device}/Depth_0"]
        names = [f"frame_{i:06d}" for i in numbers]
        self.assertEqual(sorted(os.listdir(os.path.join(cam, "color"))),
                         [n + ".png" for n in names])
        self.assertEqual(sorted(os.listdir(os.path.join(cam, "depth"))),
                         [n + ".npy" for n in names])
        for i, name in zip(numbers, names):
            with Image.open(os.path.join(cam, "color", name + ".png")) as im:
                self.assertTrue(rs.np.asarray(im).tobytes() ==
                                pixels(color[i]), f"{cam} frame {i} color")
            d = depth[i]
            raw = rs.np.frombuffer(pixels(d), "<u2").reshape(d.height,
                                                            d.width)
            got = rs.np.load(os.path.join(cam, "depth", name + ".npy"))
            self.assertTrue(rs.np.array_equal(
                got, raw.astype(rs.np.float32) / rs.np.float32(1000)),
                f"{cam} frame {i} depth")
        with open(os.path.join(cam, "metadata.json")) as f:
            meta = json.load(f)
        self.assertEqual(meta["frame_range"], [numbers[0], numbers[-1]])
        self.assertEqual((meta["total_frames"], meta["failed"]),
                         (len(numbers), 0))
        return meta

    def not_written(self, trial, device, start, end, first, last):
        return (f"trial-process: {self.bag}: device_{device} has no color "
                f"frame in the window [{start}, {end}) s (its color frames "
                f"are from {first} s to {last} s), so {trial}/device_"
                f"{device} is not written\n")

    def test_segments_same_moment_for_every_device(self):
        csv = self.csv("name,start,end\nearly,0,0.1\nboth,0.12,0.21\n"
                       "late,0.2,5\n")
        proc = self.run_tp(self.bag, "--segments", csv)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, self.not_written(
            "early", 1, 0, 0.1, "0.138", "0.238"))
        self.assertEqual(os.listdir(os.path.join(self.out, "early")),
                         ["device_0"])
        self.check_frames("early", 0, [0, 1, 2])
        self.check_frames("both", 0, [4, 5, 6])
        self.check_frames("both", 1, [0, 1, 2])
        self.check_frames("late", 0, [6, 7])
        meta = self.check_frames("late", 1, [2, 3])
        self.assertEqual(meta["time_window"], [0.2, 5])
        self.assertEqual(meta["trial_name"], "late")

    def test_segments_camera(self):
        """--camera (or a CAMERA after the bag) picks the device each row
        converts; a row that device does not cover is refused."""
        csv = self.csv("name,start,end\nboth,0.12,0.21\n")
        for args in (["--camera", "device_1"], ["device_1"]):
            with self.subTest(args=args):
                shutil.rmtree(self.out, ignore_errors=True)
                proc = self.run_tp(self.bag, *args, "--segments", csv)
                self.assertEqual(proc.returncode, 0, proc.stderr)
                self.assertEqual(os.listdir(os.path.join(self.out, "both")),
                                 ["device_1"])
                self.check_frames("both", 1, [0, 1, 2])
        shutil.rmtree(self.out)
        csv = self.csv("name,start,end\nboth,0.12,0.21\nearly,0,0.1\n")
        proc = self.run_tp(self.bag, "--camera", "device_1", "--segments",
                           csv)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr, f"trial-process: {csv}: line 3: no "
                         "color frame in the window [0, 0.1) s of "
                         f"'{self.bag}'\n")
        self.assertFalse(os.path.exists(self.out))
        proc = self.run_tp(self.bag, "device_0", "device_1", "--segments",
                           csv)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr, "trial-process: --segments takes one "
                         "camera of the bag\n")

    def test_segments_refused(self):
        """A window no device covers: refused with its line, nothing
        written, whichever row it is."""
        for row, why in [
                ("gone,0.3,0.4", "the window starts outside the recording: "
                 f"0.3 s is after the end of '{self.bag}' (its last frame "
                 "is at 0.238 s)"),
                ("gap,0.105,0.13", "no color frame in the window [0.105, "
                 f"0.13) s of '{self.bag}'")]:
            with self.subTest(row=row):
                csv = self.csv(f"name,start,end\nok,0,1\n{row}\n")
                proc = self.run_tp(self.bag, "--segments", csv)
                self.assertEqual(proc.returncode, 2)
                self.assertEqual(proc.stderr,
                                 f"trial-process: {csv}: line 3: {why}\n")
                self.assertFalse(os.path.exists(self.out))

    def test_time_window(self):
        proc = self.run_tp(self.bag, "--start-time", "0.12", "--end-time",
                           "0.21")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")
        self.check_frames("rec", 0, [4, 5, 6])
        self.check_frames("rec", 1, [0, 1, 2])
        shutil.rmtree(self.out)
        proc = self.run_tp(self.bag, "--end-time", "0.1")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, self.not_written(
            "rec", 1, 0, 0.1, "0.138", "0.238"))
        self.assertEqual(os.listdir(os.path.join(self.out, "rec")),
                         ["device_0"])
        self.check_frames("rec", 0, [0, 1, 2])
        shutil.rmtree(self.out)
        for args, why in [
                (["--start-time", "0.3"], "--start-time 0.3 s is after the "
                 f"end of '{self.bag}' (its last frame is at 0.238 s)"),
                (["--start-time", "0.105", "--end-time", "0.13"],
                 "no color frames in the time window [0.105, 0.13) s of "
                 f"bag '{self.bag}'"),
                (["--camera", "device_1", "--end-time", "0.1"],
                 "no color frames in the time window [0, 0.1) s of bag "
                 f"'{self.bag}'")]:
            with self.subTest(args=args):
                proc = self.run_tp(self.bag, *args)
                self.assertEqual(proc.returncode, 2)
                self.assertEqual(proc.stderr, f"trial-process: {why}\n")
                self.assertFalse(os.path.exists(self.out))

    def test_unpaired_frame_time(self):
        """The time a failed frame's reason gives counts from the same
        first frame as the windows: device_1's color frame 1 (slot 5,
        0.172 s) has lost its depth frame."""
        bag = self.p("drop.bag")
        rs.write_multi_bag(bag, TWO_DEVICES, n_frames=8, first_slot={1: 4},
                           drop={(1, "Depth_0", 5)})
        proc = self.run_tp(bag, "--camera", "device_1", "--start-time",
                           "0.17", "--end-time", "0.18")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        cam = os.path.join(self.out, "drop", "device_1")
        with open(os.path.join(cam, "metadata.json")) as f:
            meta = json.load(f)
        self.assertEqual(meta["failed_frames"], [{
            "frame": 1, "stream": "depth",
            "reason": "no depth frame within half a frame period (16.7 ms) "
                      "of the color frame at 0.172 s"}])
        self.assertEqual(meta["frame_range"], [1, 1])
        self.assertEqual(os.listdir(cam), ["metadata.json"])

    def test_device_without_depth(self):
        """A device that cannot be converted (no Depth stream) fails on
        its own with or without a window, naming itself; the other device
        converts; a window is still checked against the device that can."""
        bag = self.p("nodepth.bag")
        rs.write_multi_bag(bag, TWO_DEVICES[:2] + TWO_DEVICES[3:],
                           n_frames=8, first_slot={1: 4})
        why = f"trial-process: bag '{bag}' has no Depth frames on device_1\n"
        for args, frames in [((), range(8)), (("--end-time", "0.1"),
                                              [0, 1, 2])]:
            with self.subTest(args=args):
                shutil.rmtree(self.out, ignore_errors=True)
                proc = self.run_tp(bag, *args)
                self.assertEqual(proc.returncode, 2)
                self.assertEqual(proc.stderr, why)
                self.assertEqual(os.listdir(os.path.join(self.out,
                                                         "nodepth")),
                                 ["device_0"])
                self.check_frames_of(bag, "nodepth", 0, list(frames))
        shutil.rmtree(self.out, ignore_errors=True)
        proc = self.run_tp(bag, "--start-time", "0.3")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr, "trial-process: --start-time 0.3 s is "
                         f"after the end of '{bag}' (its last frame is at "
                         "0.237 s)\n")
        self.assertFalse(os.path.exists(self.out))


class BagHelp(unittest.TestCase):
    """Issue 20: trial-process --help says what --camera does on a bag
    (every device by default), in 80 columns."""

    def test_camera_line(self):
        proc = subprocess.run([TRIAL_PROCESS, "--help"], capture_output=True,
                              text=True, timeout=TIMEOUT,
                              env=dict(os.environ, LC_ALL="C"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        line = [n for n in proc.stdout.splitlines()
                if n.startswith("  -c, --camera")]
        self.assertEqual(line, ["  -c, --camera=NAME              Camera to "
                                "convert (default: first; .bag: all)"])
        self.assertLessEqual(len(line[0]), 80)


class Discoverer(rs.Base):
    """gst-discoverer-1.0 opens a .bag by itself (typefinder + demuxer)."""

    def discover(self, path):
        proc = subprocess.run(["gst-discoverer-1.0", path],
                              capture_output=True, text=True,
                              timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return proc.stdout

    def setUp(self):
        super().setUp()
        if subprocess.run(["sh", "-c", "command -v gst-discoverer-1.0"],
                          capture_output=True).returncode != 0:
            tap.missing("gst-discoverer-1.0 "
                        "(apt install gstreamer1.0-plugins-base-apps)")

    def test_real_file(self):
        out = self.discover(rs.REAL_BAG)
        self.assertIn("container #0: application/x-rosbag", out)
        self.assertRegex(out, r"video #[12]: Uncompressed 8-bit RGB")
        self.assertRegex(out, r"video #[12]: Uncompressed gray")
        self.assertEqual(out.count("Width: 640"), 2, out)
        self.assertIn("Seekable: yes", out)

    def test_written(self):
        path = self.p("rec.bag")
        rs.write_bag(path, rs.Spec())
        out = self.discover(path)
        self.assertIn("container #0: application/x-rosbag", out)
        self.assertIn("Width: 848", out)
        self.assertIn("Width: 640", out)
        self.assertIn("Frame rate: 30/1", out)
        # last depth frame at 5 x 33.33 ms, plus one frame period
        self.assertIn("Duration: 0:00:00.199999998", out)


if __name__ == "__main__":
    tap.main(sys.argv[1:])
