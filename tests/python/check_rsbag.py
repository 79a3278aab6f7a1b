#!/usr/bin/env python3
"""The RealSense .bag reader of libgsttrial (gst/trial/bag.c, rsbag.c)
against python3-rosbag, one meson test per TestCase class.

Bags are written here with rosbag in the RealSense scheme (BAG_FORMAT.md)
or taken from tests/data (a real D435 recording); what bag-tool prints and
the pixel bytes it writes are compared with what rosbag itself decodes from
the same file. Run by meson with TRIAL_BAG_TOOL set; every case skipped when
/usr/bin/python3 has no rosbag, failed instead under CI=true (tests/tap.py)."""
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tap  # noqa: E402  tests/tap.py

try:
    import genpy
    import genpy.dynamic
    import numpy as np
    import rosbag
    from diagnostic_msgs.msg import KeyValue
    from geometry_msgs.msg import Transform
    from sensor_msgs.msg import CameraInfo, Image
    from std_msgs.msg import Float32, UInt32
except ImportError as exc:
    tap.skip_all(f"{exc} (apt install python3-rosbag python3-sensor-msgs "
                 "python3-diagnostic-msgs)")

BAG_TOOL = os.environ["TRIAL_BAG_TOOL"]
REAL_BAG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                        "data", "single_depth_color_640x480.bag")
TIMEOUT = 120  # a hang fails the test
STATIC = genpy.Time(0, 1)
StreamInfo = genpy.dynamic.generate_dynamic(
    "realsense_msgs/StreamInfo",
    "uint32 fps\nstring encoding\nbool is_recommended\n"
)["realsense_msgs/StreamInfo"]

DEPTH = "/device_0/sensor_0/Depth_0"
COLOR = "/device_0/sensor_1/Color_0"


def run_tool(bag, out, seek=None):
    args = [BAG_TOOL, bag, out] + ([str(seek)] if seek is not None else [])
    return subprocess.run(args, capture_output=True, text=True,
                          timeout=TIMEOUT)


def camera_info(width, height, fx, fy, ppx, ppy, coeffs):
    info = CameraInfo()
    info.width, info.height = width, height
    info.distortion_model = "Brown Conrady"
    info.D = list(coeffs)
    info.K = [fx, 0.0, ppx, 0.0, fy, ppy, 0.0, 0.0, 1.0]
    return info


def image_raw(seq, t, width, height, encoding, pixels, frame_id, trailer):
    """A serialized sensor_msgs/Image, with librealsense's 4-byte depth
    scale after it when trailer is not None."""
    msg = Image()
    msg.header.seq = seq
    msg.header.stamp = t
    msg.header.frame_id = frame_id
    msg.width, msg.height, msg.encoding = width, height, encoding
    msg.step = len(pixels) // height
    msg.data = pixels
    buf = io.BytesIO()
    msg.serialize(buf)
    data = buf.getvalue()
    if trailer is not None:
        data += struct.pack("<f", trailer)
    return ("sensor_msgs/Image", data, Image._md5sum, None, Image)


class Spec:
    """What a written bag holds: frames at explicit times, color dropped at
    DROPPED, the two sensors' counters and clocks apart."""
    def __init__(self, compression="lz4", trailer=True, depth_size=(848, 480),
                 color_size=(640, 480), n_depth=6, dropped=(2, 3),
                 color_encoding="rgb8", units_topic="Depth_Units",
                 chunk_threshold=200 * 1024):
        self.compression = compression
        self.trailer = trailer
        self.depth_size = depth_size
        self.color_size = color_size
        self.n_depth = n_depth
        self.dropped = dropped
        self.color_encoding = color_encoding
        self.units_topic = units_topic
        self.chunk_threshold = chunk_threshold


BPP = {"rgb8": 3, "bgr8": 3, "rgba8": 4, "bgra8": 4, "yuv422": 2,
       "YUYV": 2, "mono16": 2, "8UC3": 3}


def write_bag(path, spec):
    rng = np.random.default_rng(20)
    bag = rosbag.Bag(path, "w", compression=spec.compression,
                     chunk_threshold=spec.chunk_threshold)
    try:
        bag.write("/file_version", UInt32(4), STATIC)
        for key, value in [("Name", "Intel RealSense D435"),
                           ("Serial Number", "012345678901"),
                           ("Product Id", "0B07")]:
            bag.write("/device_0/info", KeyValue(key, value), STATIC)
        bag.write("/device_0/sensor_0/info", KeyValue("Name", "Stereo Module"),
                  STATIC)
        bag.write("/device_0/sensor_1/info", KeyValue("Name", "RGB Camera"),
                  STATIC)
        dw, dh = spec.depth_size
        cw, ch = spec.color_size
        bag.write(DEPTH + "/info", StreamInfo(30, "mono16", True), STATIC)
        bag.write(DEPTH + "/info/camera_info",
                  camera_info(dw, dh, 421.5678901234567, 421.25, 425.125,
                              239.0625, [0.0] * 5), STATIC)
        bag.write(COLOR + "/info", StreamInfo(30, spec.color_encoding, True),
                  STATIC)
        bag.write(COLOR + "/info/camera_info",
                  camera_info(cw, ch, 613.2019653320312, 613.4163818359375,
                              319.9423828125, 239.1849212646484,
                              [0.125, -0.25, 0.001, 0.002, 0.0625]), STATIC)
        tf = Transform()
        tf.rotation.w = 1.0
        bag.write(DEPTH + "/tf/0", tf, STATIC)
        tf = Transform()
        tf.translation.x, tf.translation.y, tf.translation.z = (
            0.01431131362915039, 0.000602306448854506, 0.000610804301686585)
        (tf.rotation.x, tf.rotation.y, tf.rotation.z, tf.rotation.w) = (
            -5.319880231421298e-05, 0.0064634308469817235,
            0.005154853722821664, 0.9999658465385437)
        bag.write(COLOR + "/tf/0", tf, STATIC)
        bag.write("/device_0/sensor_0/option/%s/value" % spec.units_topic,
                  Float32(0.0001), STATIC)
        frame_id = "1" if spec.trailer else "0"
        for i in range(spec.n_depth):
            t = genpy.Time(1, 0) + genpy.Duration(0, i * 33333333)
            depth = rng.integers(0, 65536, size=(dh, dw), dtype="<u2")
            bag.write(DEPTH + "/image/data",
                      image_raw(7 + i, t, dw, dh, "mono16", depth.tobytes(),
                                frame_id, 0.00025 if spec.trailer else None),
                      t, raw=True)
            if i in spec.dropped:
                continue
            # its own clock: 4.2 ms after depth, or for odd frames 2.1 ms
            # before it while written after it (file order is not time order)
            tc = t + genpy.Duration(0, 4200000 if i % 2 == 0 else -2100000)
            color = rng.integers(0, 256, size=ch * cw * BPP[spec.color_encoding],
                                 dtype="u1")
            bag.write(COLOR + "/image/data",
                      image_raw(100 + 2 * i, tc, cw, ch, spec.color_encoding,
                                color.tobytes(), frame_id,
                                0.0 if spec.trailer else None),
                      tc, raw=True)
    finally:
        bag.close()


def expected_frames(path):
    """The image messages as rosbag reads them, in time order."""
    out = []
    with rosbag.Bag(path) as bag:
        for topic, raw, t in bag.read_messages(
                topics=[DEPTH + "/image/data", COLOR + "/image/data"],
                raw=True):
            data = raw[1]
            msg = Image()
            msg.deserialize(data)
            body = io.BytesIO()
            msg.serialize(body)
            extra = data[len(body.getvalue()):]
            out.append({
                "stream": topic.split("/")[3], "time": t.to_nsec(),
                "seq": msg.header.seq, "stamp": msg.header.stamp.to_nsec(),
                "frame_id": msg.header.frame_id, "width": msg.width,
                "height": msg.height, "step": msg.step,
                "encoding": msg.encoding, "pixels": bytes(msg.data),
                "trailer": struct.unpack("<f", extra)[0] if extra else None,
            })
    out.sort(key=lambda f: f["time"])
    return out


def write_multi_bag(path, streams, n_frames=4, compression="lz4",
                    first_slot=None, drop=()):
    """A bag holding several devices or several streams of a kind: streams
    is a list of (device, sensor, "Color_1" or "Depth_0", width, height);
    each device gets a Name and a Serial Number "SN<device>", each stream
    StreamInfo (30 fps) and n_frames frames of random pixels (rgb8 color,
    mono16 depth with the 0.001 trailer); device d's frames are 33.33 ms
    apart from 1 s + d x 1 ms, color 4 ms after depth. first_slot: {device:
    k}, a device that starts recording k frames late (its frames are the
    slots k to n_frames - 1). drop: (device, "Depth_0", slot) frames left
    out."""
    first_slot = first_slot or {}
    rng = np.random.default_rng(21)
    bag = rosbag.Bag(path, "w", compression=compression)
    try:
        bag.write("/file_version", UInt32(4), STATIC)
        for d in sorted({s[0] for s in streams}):
            for key, value in [("Name", "Intel RealSense D435"),
                               ("Serial Number", "SN%d" % d)]:
                bag.write("/device_%d/info" % d, KeyValue(key, value), STATIC)
        for d, sensor, name, w, h in streams:
            enc = "mono16" if name.startswith("Depth") else "rgb8"
            bag.write("/device_%d/sensor_%d/%s/info" % (d, sensor, name),
                      StreamInfo(30, enc, True), STATIC)
        for i in range(n_frames):
            for d, sensor, name, w, h in streams:
                if i < first_slot.get(d, 0) or (d, name, i) in drop:
                    continue
                depth = name.startswith("Depth")
                t = (genpy.Time(1, 0) +
                     genpy.Duration(0, i * 33333333 + d * 1000000 +
                                    (0 if depth else 4000000)))
                if depth:
                    px = rng.integers(0, 65536, size=(h, w), dtype="<u2")
                else:
                    px = rng.integers(0, 256, size=(h, w, 3), dtype="u1")
                topic = "/device_%d/sensor_%d/%s/image/data" % (d, sensor,
                                                                name)
                bag.write(topic, image_raw(i, t, w, h,
                                           "mono16" if depth else "rgb8",
                                           px.tobytes(), "1",
                                           0.001 if depth else 0.0),
                          t, raw=True)
    finally:
        bag.close()


def frames_by_stream(path):
    """{"device_<d>/<Stream>_<i>": [decoded image messages in time order]}
    as rosbag reads them."""
    out = {}
    with rosbag.Bag(path) as bag:
        for topic, msg, t in bag.read_messages(raw=True):
            parts = topic.split("/")
            if len(parts) != 6 or parts[4:] != ["image", "data"]:
                continue
            img = Image()
            img.deserialize(msg[1])
            out.setdefault(parts[1] + "/" + parts[3], []).append(
                (t.to_nsec(), img))
    return {k: [img for _, img in sorted(v, key=lambda f: f[0])]
            for k, v in out.items()}


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rsbag-test-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def p(self, *parts):
        return os.path.join(self.tmp, *parts)

    def read(self, bag, seek=None):
        out = tempfile.mkdtemp(dir=self.tmp)
        proc = run_tool(bag, out, seek)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(os.path.join(out, "info.json")) as f:
            info = json.load(f)
        for frame in info["frames"]:
            with open(os.path.join(out, frame["file"]), "rb") as f:
                frame["pixels"] = f.read()
        return info

    def fail_read(self, bag):
        proc = run_tool(bag, self.tmp)
        self.assertEqual(proc.returncode, 1, proc.stdout)
        return proc.stderr.strip()

    def assert_frames(self, got, expected):
        self.assertEqual(len(got), len(expected))
        for g, e in zip(got, expected):
            for key in ("stream", "time", "seq", "stamp", "frame_id", "width",
                        "height", "step", "encoding"):
                self.assertEqual(g[key], e[key], key)
            self.assertTrue(g["pixels"] == e["pixels"],
                            "%s frame %d: pixels differ" % (g["stream"],
                                                             g["seq"]))
            self.assertEqual(g["has_depth_scale"], e["trailer"] is not None)
            if e["trailer"] is not None:
                self.assertEqual(g["depth_scale"], e["trailer"])

    def stream(self, info, name):
        return [s for s in info["streams"] if s["name"] == name][0]


class RealFile(Base):
    """The D435 recording of librealsense's unit tests (file version 3,
    lz4, no trailer, 'Depth Units' with a space)."""
    def test_streams_and_calibration(self):
        info = self.read(REAL_BAG)
        self.assertIsNone(info["warning"])
        self.assertEqual(info["file_version"], 3)
        self.assertEqual([s["name"] for s in info["streams"]],
                         ["Depth_0", "Color_0"])
        depth, color = info["streams"]
        self.assertEqual((depth["n_frames"], color["n_frames"]), (2, 1))
        self.assertEqual((depth["encoding"], color["encoding"]),
                         ("mono16", "rgb8"))
        with rosbag.Bag(REAL_BAG) as bag:
            msgs = {t: m for t, m, _ in bag.read_messages()}
        for s in (depth, color):
            prefix = s["topic"][:-len("/image/data")]
            ci = msgs[prefix + "/info/camera_info"]
            self.assertEqual(s["intrinsics"]["K"], list(ci.K))
            self.assertEqual(s["intrinsics"]["D"], list(ci.D))
            self.assertEqual(s["intrinsics"]["model"], ci.distortion_model)
            self.assertEqual((s["intrinsics"]["width"],
                              s["intrinsics"]["height"]), (ci.width, ci.height))
            self.assertEqual(s["fps"], msgs[prefix + "/info"].fps)
            tf = msgs[prefix + "/tf/0"]
            self.assertEqual(s["extrinsics"]["translation"],
                             [tf.translation.x, tf.translation.y,
                              tf.translation.z])
            self.assertEqual(s["extrinsics"]["quaternion"],
                             [tf.rotation.x, tf.rotation.y, tf.rotation.z,
                              tf.rotation.w])
        # the values BAG_FORMAT.md states
        self.assertEqual([round(v, 2) for v in depth["intrinsics"]
                          ["fx_fy_ppx_ppy"]], [390.43, 390.43, 331.39, 242.19])
        self.assertEqual([round(v, 2) for v in color["intrinsics"]
                          ["fx_fy_ppx_ppy"]], [613.20, 613.42, 319.94, 239.18])
        self.assertEqual(depth["intrinsics"]["model"], "Brown Conrady")
        self.assertEqual(depth["intrinsics"]["D"], [0.0] * 5)
        self.assertEqual([round(v, 4) for v in color["extrinsics"]
                          ["translation"]], [0.0143, 0.0006, 0.0006])
        # librealsense's quat2rot, column-major
        x, y, z, w = color["extrinsics"]["quaternion"]
        self.assertEqual(color["extrinsics"]["rotation"], [
            1 - 2 * y * y - 2 * z * z, 2 * x * y + 2 * z * w,
            2 * x * z - 2 * y * w, 2 * x * y - 2 * z * w,
            1 - 2 * x * x - 2 * z * z, 2 * y * z + 2 * x * w,
            2 * x * z + 2 * y * w, 2 * y * z - 2 * x * w,
            1 - 2 * x * x - 2 * y * y])
        units = msgs["/device_0/sensor_0/option/Depth Units/value"].data
        self.assertEqual(depth["depth_units"], units)
        with rosbag.Bag(REAL_BAG) as bag:
            kv = [m for _, m, _ in bag.read_messages(topics=["/device_0/info"])]
        self.assertEqual(info["device_info"], {m.key: m.value for m in kv})

    def test_frames(self):
        info = self.read(REAL_BAG)
        expected = expected_frames(REAL_BAG)
        self.assert_frames(info["frames"], expected)
        self.assertEqual([f["stream"] for f in info["frames"]],
                         [e["stream"] for e in expected])
        depth = [f for f in info["frames"] if f["stream"] == "Depth_0"]
        # depth values as numpy reads rosbag's bytes, scale from the option
        values = np.frombuffer(depth[0]["pixels"], "<u2").reshape(480, 640)
        ref = np.frombuffer(expected[[e["stream"] for e in expected]
                                     .index("Depth_0")]["pixels"],
                            "<u2").reshape(480, 640)
        self.assertTrue((values == ref).all())
        self.assertGreater(int(values.max()), 0)
        self.assertEqual([f["scale"] for f in depth],
                         [self.stream(info, "Depth_0")["depth_units"]] * 2)
        self.assertEqual([f["frame_id"] for f in info["frames"]], ["0"] * 3)


class Written(Base):
    """Bags written by rosbag: every chunk compression, with and without
    the trailer, depth 848x480 and color 640x480, dropped color frames."""
    def check(self, spec):
        path = self.p("rec.bag")
        write_bag(path, spec)
        info = self.read(path)
        self.assertIsNone(info["warning"])
        expected = expected_frames(path)
        n_color = spec.n_depth - len(spec.dropped)
        self.assertEqual(len(expected), spec.n_depth + n_color)
        self.assert_frames(info["frames"], expected)
        depth = self.stream(info, "Depth_0")
        color = self.stream(info, "Color_0")
        self.assertEqual((depth["n_frames"], color["n_frames"]),
                         (spec.n_depth, n_color))
        self.assertEqual((depth["intrinsics"]["width"],
                          depth["intrinsics"]["height"]), spec.depth_size)
        self.assertEqual(depth["intrinsics"]["fx_fy_ppx_ppy"],
                         [421.5678901234567, 421.25, 425.125, 239.0625])
        self.assertEqual(color["intrinsics"]["D"],
                         [0.125, -0.25, 0.001, 0.002, 0.0625])
        self.assertEqual(depth["extrinsics"]["translation"], [0.0, 0.0, 0.0])
        self.assertEqual(color["extrinsics"]["translation"],
                         [0.01431131362915039, 0.000602306448854506,
                          0.000610804301686585])
        self.assertEqual(depth["depth_units"],
                         float(np.float32(0.0001)))
        self.assertEqual(info["device_info"],
                         {"Name": "Intel RealSense D435",
                          "Serial Number": "012345678901",
                          "Product Id": "0B07"})
        self.assertEqual(info["file_version"], 4)
        frames = info["frames"]
        # counters apart, stamps 4.2 ms apart, color 2 and 3 missing
        self.assertEqual([f["seq"] for f in frames if f["stream"] == "Color_0"],
                         [100 + 2 * i for i in range(spec.n_depth)
                          if i not in spec.dropped])
        self.assertEqual([f["seq"] for f in frames if f["stream"] == "Depth_0"],
                         list(range(7, 7 + spec.n_depth)))
        self.assertEqual(frames[1]["stamp"] - frames[0]["stamp"], 4200000)
        # color 1 is written after depth 1 but comes first
        self.assertEqual([f["stream"] for f in frames[2:4]],
                         ["Color_0", "Depth_0"])
        self.assertEqual(frames[3]["stamp"] - frames[2]["stamp"], 2100000)
        dscale = [f["scale"] for f in frames if f["stream"] == "Depth_0"]
        self.assertEqual(dscale, [float(np.float32(0.00025)) if spec.trailer
                                  else float(np.float32(0.0001))]
                         * spec.n_depth)
        return path, info

    def test_lz4_trailer(self):
        self.check(Spec("lz4", trailer=True))

    def test_none_no_trailer(self):
        self.check(Spec("none", trailer=False))

    def test_bz2(self):
        self.check(Spec("bz2", trailer=True, units_topic="Depth Units"))

    def test_color_encodings(self):
        for enc in ("bgr8", "rgba8", "bgra8", "yuv422", "YUYV"):
            with self.subTest(enc):
                self.check(Spec("none", color_encoding=enc, n_depth=2,
                                dropped=()))

    def test_unsupported_encoding(self):
        path = self.p("rec.bag")
        write_bag(path, Spec("lz4", color_encoding="8UC3", n_depth=2,
                             dropped=()))
        self.assertEqual(self.fail_read(path),
                         "Color_0 frame at 1004200000 ns: image encoding "
                         "'8UC3' is not supported (expected mono16, rgb8, "
                         "bgr8, rgba8, bgra8, yuv422 or YUYV)")

    def test_seek(self):
        path = self.p("rec.bag")
        write_bag(path, Spec("lz4"))
        expected = expected_frames(path)
        t = expected[5]["time"]
        info = self.read(path, seek=t)
        self.assert_frames(info["frames"], expected[5:])
        info = self.read(path, seek=t + 1)
        self.assert_frames(info["frames"], expected[6:])


def chunk_layout(path):
    """Per chunk (file order): its record position, the position of its
    data and the offsets of its messages, from rosbag's own index."""
    with rosbag.Bag(path) as bag:
        chunks = sorted(c.pos for c in bag._chunks)
        offsets = {pos: [] for pos in chunks}
        for entries in bag._connection_indexes.values():
            for e in entries:
                offsets[e.chunk_pos].append(e.offset)
    layout = []
    with open(path, "rb") as f:
        for pos in chunks:
            f.seek(pos)
            hlen = struct.unpack("<I", f.read(4))[0]
            layout.append((pos, pos + 4 + hlen + 4, sorted(offsets[pos])))
    return layout


def interrupt(path, cut):
    """What an interrupted recording leaves: the header's index_pos still
    0 and the file ending at cut."""
    with open(path, "r+b") as f:
        head = f.read(4096)
        at = head.index(b"index_pos=") + len(b"index_pos=")
        f.seek(at)
        f.write(b"\0" * 8)
        f.truncate(cut)


def cut_copy(path, spec, where):
    """A complete bag written with spec, then copied short: a dict of
    path, frames (expected), all_frames (of the whole file), messages (the number kept, every
    topic), index_pos, cut and chunks (those that start before the
    cut). where(layout, index_pos) gives the cut; the
    expected frames are rosbag's decode of the uncut file, kept when
    their whole record lies before the cut (in the file for
    uncompressed chunks, their chunk whole for compressed ones)."""
    write_bag(path, spec)
    expected = expected_frames(path)
    layout = chunk_layout(path)
    with open(path, "rb") as f:
        data = f.read()
    at = data.index(b"index_pos=") + len(b"index_pos=")
    index_pos = struct.unpack("<Q", data[at:at + 8])[0]
    cut = where(layout, index_pos)
    kept_times = set()
    messages = 0
    with rosbag.Bag(path) as bag:
        chunk_ends = {}
        for pos, data_pos, _ in layout:
            size = struct.unpack("<I", data[data_pos - 4:data_pos])[0]
            chunk_ends[pos] = (data_pos, data_pos + size)
        for entries in bag._connection_indexes.values():
            for e in entries:
                data_pos, end = chunk_ends[e.chunk_pos]
                if spec.compression == "none":
                    rec = data_pos + e.offset
                    hlen = struct.unpack("<I", data[rec:rec + 4])[0]
                    dlen = struct.unpack(
                        "<I", data[rec + 4 + hlen:rec + 8 + hlen])[0]
                    end = rec + 8 + hlen + dlen
                if end <= cut:
                    kept_times.add(e.time.to_nsec())
                    messages += 1
        chunks = sum(1 for pos, _, _ in layout if pos < cut)
    with open(path, "r+b") as f:
        f.truncate(cut)
    return {"path": path, "all_frames": expected,
            "frames": [e for e in expected if e["time"] in kept_times],
            "messages": messages, "index_pos": index_pos, "cut": cut,
            "chunks": chunks}


class Damaged(Base):
    """Interrupted recordings, corrupt chunks, truncated indexed files."""
    def test_interrupted_none(self):
        path = self.p("rec.bag")
        write_bag(path, Spec("none", chunk_threshold=3 << 20))
        expected = expected_frames(path)
        layout = chunk_layout(path)
        # cut inside the third message of the last chunk with four or more
        k = max(i for i, c in enumerate(layout) if len(c[2]) >= 4)
        pos, data_pos, offsets = layout[k]
        cut = data_pos + offsets[2] + 3
        with rosbag.Bag(path) as bag:
            kept = [(e.time.to_nsec(), e.chunk_pos, e.offset)
                    for entries in bag._connection_indexes.values()
                    for e in entries
                    if e.chunk_pos < pos or (e.chunk_pos == pos
                                             and e.offset < offsets[2])]
        interrupt(path, cut)
        info = self.read(path)
        with rosbag.Bag(path, allow_unindexed=True) as bag:
            self.assertEqual(bag._index_data_pos, 0)
        times = sorted(t for t, _, _ in kept)
        self.assert_frames(info["frames"],
                           [e for e in expected if e["time"] in times])
        self.assertLess(len(info["frames"]), len(expected))
        self.assertEqual(info["warning"], (
            "bag '%s' is an interrupted recording (index_pos is 0): read %d "
            "messages from %d chunks, up to offset %d of %d; the last chunk "
            "is cut short") % (path, len(kept), k + 1, cut, cut))

    def test_interrupted_lz4(self):
        path = self.p("rec.bag")
        write_bag(path, Spec("lz4"))
        expected = expected_frames(path)
        layout = chunk_layout(path)
        pos, data_pos, offsets = layout[-1]
        self.assertGreater(len(offsets), 0)
        with rosbag.Bag(path) as bag:
            kept = sorted(e.time.to_nsec()
                          for entries in bag._connection_indexes.values()
                          for e in entries if e.chunk_pos < pos)
        interrupt(path, data_pos + 1000)
        info = self.read(path)
        # an lz4 block is decoded whole: nothing of the last chunk survives
        self.assert_frames(info["frames"],
                           [e for e in expected if e["time"] in kept])
        self.assertLess(len(info["frames"]), len(expected))
        self.assertTrue(info["warning"].endswith(
            "the last chunk is cut short"), info["warning"])

    def test_corrupt_lz4_chunk(self):
        path = self.p("rec.bag")
        write_bag(path, Spec("lz4"))
        pos, data_pos, _ = chunk_layout(path)[1]
        with open(path, "r+b") as f:
            f.seek(data_pos + 5000)
            f.write(b"\xff" * 64)
        msg = self.fail_read(path)
        self.assertTrue(msg.startswith(
            "bag '%s', offset %d: lz4 chunk: ERROR_" % (path, pos)), msg)

    def test_corrupt_bz2_chunk(self):
        path = self.p("rec.bag")
        write_bag(path, Spec("bz2"))
        pos, data_pos, _ = chunk_layout(path)[1]
        with open(path, "r+b") as f:
            f.seek(data_pos + 5000)
            f.write(b"\x55" * 64)
        msg = self.fail_read(path)
        self.assertTrue(msg.startswith(
            "bag '%s', offset %d: bz2 chunk: " % (path, pos)), msg)

    def cut_copy(self, compression, where):
        return cut_copy(self.p("rec.bag"),
                        Spec(compression, chunk_threshold=3 << 20), where)

    def test_cut_inside_a_chunk(self):
        """head -c of an indexed bag, the cut inside an uncompressed chunk:
        every message whose record is whole, a warning naming the cut."""
        def inside_third_message(layout, index_pos):
            k = max(i for i, c in enumerate(layout) if len(c[2]) >= 4)
            return layout[k][1] + layout[k][2][2] + 3
        c = self.cut_copy("none", inside_third_message)
        info = self.read(c["path"])
        self.assertGreater(len(c["frames"]), 0)
        self.assertLess(len(c["frames"]), len(c["all_frames"]))
        self.assert_frames(info["frames"], c["frames"])
        self.assertEqual(info["warning"], (
            "bag '%s' is cut short (an incomplete copy?): it ends at byte %d, "
            "before byte %d where its header puts the index; read %d messages "
            "from %d chunks, up to offset %d; the last chunk is cut short; the "
            "frames after the cut are missing") % (
                c["path"], c["cut"], c["index_pos"], c["messages"],
                c["chunks"], c["cut"]))

    def test_cut_lz4(self):
        """The cut inside the last lz4 chunk: the chunks before it whole,
        nothing of the cut one (an lz4 block decodes whole)."""
        c = self.cut_copy("lz4", lambda layout, index_pos: layout[-1][1] + 1000)
        info = self.read(c["path"])
        self.assertGreater(len(c["frames"]), 0)
        self.assertLess(len(c["frames"]), len(c["all_frames"]))
        self.assert_frames(info["frames"], c["frames"])
        self.assertTrue(info["warning"].endswith(
            "the last chunk is cut short; the frames after the cut are "
            "missing"), info["warning"])

    def test_indexed_but_truncated(self):
        """Cut 10 bytes before the index: every frame."""
        c = self.cut_copy("none", lambda layout, index_pos: index_pos - 10)
        info = self.read(c["path"])
        self.assertEqual(len(c["frames"]), len(c["all_frames"]))
        self.assert_frames(info["frames"], c["frames"])
        self.assertEqual(info["warning"], (
            "bag '%s' is cut short (an incomplete copy?): it ends at byte %d, "
            "before byte %d where its header puts the index; read %d messages "
            "from %d chunks, up to offset %d; the last record is cut short; "
            "the frames after the cut are missing") % (
                c["path"], c["cut"], c["index_pos"], c["messages"],
                c["chunks"], c["cut"]))

    def test_cut_inside_the_index(self):
        """Cut inside the index section (a connection or chunk info record
        missing or cut short): every frame, found by scanning the chunks."""
        c = self.cut_copy("bz2", lambda layout, index_pos: index_pos + 100)
        info = self.read(c["path"])
        self.assertEqual(len(c["frames"]), len(c["all_frames"]))
        self.assert_frames(info["frames"], c["frames"])
        self.assertEqual(info["warning"], (
            "bag '%s' is cut short (an incomplete copy?): it ends at byte %d, "
            "inside its index (at byte %d); read %d messages from %d chunks "
            "without it, up to offset %d; the last record is cut short") % (
                c["path"], c["cut"], c["index_pos"], c["messages"],
                c["chunks"], c["cut"]))

    def test_not_a_bag(self):
        path = self.p("rec.bag")
        with open(path, "wb") as f:
            f.write(b"#ROSBAG V1.2\n" + b"\0" * 100)
        self.assertEqual(self.fail_read(path), (
            "bag '%s', offset 0: not a ROS bag 2.0 file (expected it to start "
            "with '#ROSBAG V2.0')" % path))


if __name__ == "__main__":
    tap.main(sys.argv[1:])
