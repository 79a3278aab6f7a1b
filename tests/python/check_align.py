#!/usr/bin/python3
"""gst-trial tests: align.c against a numpy implementation of ALIGN.md.

`reference_align` below is written from /work/shared/ALIGN.md (the rule
librealsense's x86 build follows, docs/align.md) with numpy's float32
arithmetic, independently of the C code; the C side runs through
tests/python/align-tool. Every comparison is of the aligned frame's bytes.

Usage: check_align.py PATH/TO/align-tool [TestCase]. Reports each case in
TAP (tests/tap.py): skipped without numpy or python3-rosbag (the real
recording's test), failed instead under CI=true. The recording is
tests/data/single_depth_color_640x480.bag.
"""
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tap  # noqa: E402  tests/tap.py

try:
    import numpy as np
except ImportError as exc:
    tap.skip_all(f"{exc} (apt install python3-numpy)")

TOOL = None
BAG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                   "single_depth_color_640x480.bag")
F = np.float32

# The D435 of the real recording, exactly as its .bag stores it.
D435_DEPTH = dict(width=640, height=480, fx=390.43145751953125,
                  fy=390.43145751953125, ppx=331.38787841796875,
                  ppy=242.18734741210938, model="Brown Conrady",
                  coeffs=[0.0] * 5)
D435_COLOR = dict(width=640, height=480, fx=613.2036743164062,
                  fy=613.4193115234375, ppx=319.9388427734375,
                  ppy=239.18299865722656, model="Brown Conrady",
                  coeffs=[0.0] * 5)
D435_QUATERNION = (-5.319880231421298e-05, 0.0064634308469817235,
                   0.005154853722821664, 0.9999658465385437)
D435_TRANSLATION = (0.01431131362915039, 0.000602306448854506,
                    0.000610804301686585)
D435_SCALE = 0.0010000000474974513


# ---- the reference, from ALIGN.md ----

def quat2rot(q):
    """R column-major from (x, y, z, w), in double, then float32."""
    x, y, z, w = q
    r = [0.0] * 9
    r[0] = 1 - 2 * y * y - 2 * z * z
    r[3] = 2 * x * y - 2 * z * w
    r[6] = 2 * x * z + 2 * y * w
    r[1] = 2 * x * y + 2 * z * w
    r[4] = 1 - 2 * x * x - 2 * z * z
    r[7] = 2 * y * z - 2 * x * w
    r[2] = 2 * x * z - 2 * y * w
    r[5] = 2 * y * z + 2 * x * w
    r[8] = 1 - 2 * x * x - 2 * y * y
    return np.array(r, dtype=F)


def ray_map(cam, off):
    """Step 1: float32 (height, width) arrays mx, my for one corner."""
    off = F(off)
    xs = np.arange(cam["width"], dtype=F) + off
    ys = np.arange(cam["height"], dtype=F) + off
    mx = (xs - F(cam["ppx"])) / F(cam["fx"])
    my = (ys - F(cam["ppy"])) / F(cam["fy"])
    mx, my = np.broadcast_to(mx[None, :], (cam["height"], cam["width"])), \
        np.broadcast_to(my[:, None], (cam["height"], cam["width"]))
    if cam["model"] == "Inverse Brown Conrady":
        c0, c1, c2, c3, c4 = (F(c) for c in cam["coeffs"])
        two, one = F(2), F(1)
        r2 = mx * mx + my * my
        f = one + c0 * r2 + c1 * r2 * r2 + c4 * r2 * r2 * r2
        ux = mx * f + two * c2 * mx * my + c3 * (r2 + two * mx * mx)
        uy = my * f + two * c3 * mx * my + c2 * (r2 + two * my * my)
        mx, my = ux, uy
    return np.ascontiguousarray(mx), np.ascontiguousarray(my)


def corner_pixels(depth, mx, my, r, t, scale, color):
    """Steps 2-5: rounded color pixel (int64) of one corner of every
    depth pixel, and whether it lands anywhere (Z > 0, finite, int32)."""
    z = depth.astype(F) * F(scale)
    px = z * mx
    py = z * my
    X = r[0] * px + (r[3] * py + (r[6] * z + t[0]))
    Y = r[1] * px + (r[4] * py + (r[7] * z + t[1]))
    Z = r[2] * px + (r[5] * py + (r[8] * z + t[2]))
    a = X / Z
    b = Y / Z
    if color["model"] in ("Modified Brown Conrady", "Inverse Brown Conrady"):
        c0, c1, c2, c3, c4 = (F(c) for c in color["coeffs"])
        one, two = F(1), F(2)
        r2 = a * a + b * b
        f = one + (c0 * r2 + (c1 * (r2 * r2) + c4 * (r2 * (r2 * r2))))
        af = a * f
        bf = b * f
        q = c3 * (r2 + two * (af * af))
        a = af + (two * (c2 * (af * bf)) + q)
        b = bf + (two * (c3 * (af * bf)) + q)
    u = a * F(color["fx"]) + F(color["ppx"])
    w = b * F(color["fy"]) + F(color["ppy"])
    ru = u + F(0.5)
    rw = w + F(0.5)
    limit = F(2.0 ** 31)
    ok = (Z > 0) & (np.abs(ru) < limit) & (np.abs(rw) < limit)
    ix = np.where(ok, np.rint(np.where(ok, ru, 0)), 0).astype(np.int64)
    iy = np.where(ok, np.rint(np.where(ok, rw, 0)), 0).astype(np.int64)
    return ix, iy, ok


def fov_ppd(size, pp, f):
    fov = math.degrees(math.atan2(pp + 0.5, f)
                       + math.atan2(size - (pp + 0.5), f))
    return size / fov


def uses_rectangles(d, c):
    if (d["width"], d["height"], c["width"], c["height"]) in \
            ((640, 240, 320, 180), (640, 480, 640, 360)):
        return True
    return (fov_ppd(d["width"], F(d["ppx"]), F(d["fx"]))
            < fov_ppd(c["width"], F(c["ppx"]), F(c["fx"]))
            or fov_ppd(d["height"], F(d["ppy"]), F(d["fy"]))
            < fov_ppd(c["height"], F(c["ppy"]), F(c["fy"])))


def reference_align(depth, dcam, ccam, rotation, translation, scale):
    """ALIGN.md steps 1-8 on a (dh, dw) uint16 frame."""
    r = [F(v) for v in rotation]
    t = [F(v) for v in translation]
    cw, ch = ccam["width"], ccam["height"]
    rect = uses_rectangles(dcam, ccam)
    with np.errstate(all="ignore"):
        x0, y0, ok0 = corner_pixels(depth, *ray_map(dcam, -0.5), r, t, scale,
                                    ccam)
        if rect:
            x1, y1, ok1 = corner_pixels(depth, *ray_map(dcam, 0.5), r, t,
                                        scale, ccam)
    has = (depth != 0) & ok0
    if rect:
        # a corner that lands nowhere writes nothing (docs/align.md)
        has &= ok1
        left, top = np.maximum(x0, 0), np.maximum(y0, 0)
        right, bottom = np.minimum(x1, cw - 1), np.minimum(y1, ch - 1)
    else:
        left, top, right, bottom = x0, y0, x0, y0
    keep = has & (left <= right) & (top <= bottom) & (left < cw) \
        & (top < ch) & (right >= 0) & (bottom >= 0)
    left, top, right, bottom = (a[keep] for a in (left, top, right, bottom))
    values = depth[keep].astype(np.int64)
    out = np.full(ch * cw, 1 << 20, dtype=np.int64)
    if values.size:
        for dy in range(int((bottom - top).max()) + 1):
            for dx in range(int((right - left).max()) + 1):
                m = (left + dx <= right) & (top + dy <= bottom)
                np.minimum.at(out, (top[m] + dy) * cw + left[m] + dx,
                              values[m])
    out[out == 1 << 20] = 0
    return out.astype(np.uint16).reshape(ch, cw)


# ---- the portable rule, from ALIGN.md "Versions, and the portable rule" ----
# librealsense's plain C++ path. Where ALIGN.md leaves a detail open, this
# follows rsutil.h as librealsense's align_images() calls it: each corner
# deprojected by rs2_deproject_pixel_to_point (Brown-Conrady and Inverse
# Brown-Conrady undone by 10 fixed-point iterations), moved by
# rs2_transform_point_to_point (sums from left to right) and projected by
# rs2_project_point_to_pixel; C evaluates a * b * c as (a * b) * c, and so
# does numpy here. (int) on x86 (cvttss2si) truncates toward zero and gives
# INT_MIN for NaN and beyond the int32 range.

INT_MIN = -(1 << 31)


def ray_map_portable(cam, off):
    """rs2_deproject_pixel_to_point for depth 1: float32 (h, w) x, y."""
    off = F(off)
    xs = np.arange(cam["width"], dtype=F) + off
    ys = np.arange(cam["height"], dtype=F) + off
    x = np.ascontiguousarray(np.broadcast_to(
        ((xs - F(cam["ppx"])) / F(cam["fx"]))[None, :],
        (cam["height"], cam["width"])))
    y = np.ascontiguousarray(np.broadcast_to(
        ((ys - F(cam["ppy"])) / F(cam["fy"]))[:, None],
        (cam["height"], cam["width"])))
    model = cam["model"]
    if model in ("Inverse Brown Conrady", "Brown Conrady"):
        c0, c1, c2, c3, c4 = (F(c) for c in cam["coeffs"])
        one, two = F(1), F(2)
        x0, y0 = x, y
        for _ in range(10):
            r2 = x * x + y * y
            icdist = one / (one + ((c4 * r2 + c1) * r2 + c0) * r2)
            if model == "Inverse Brown Conrady":
                xq, yq = x / icdist, y / icdist
            else:
                xq, yq = x, y
            delta_x = two * c2 * xq * yq + c3 * (r2 + two * xq * xq)
            delta_y = two * c3 * xq * yq + c2 * (r2 + two * yq * yq)
            x = (x0 - delta_x) * icdist
            y = (y0 - delta_y) * icdist
    elif model in ("Ftheta", "Kannala Brandt4"):
        raise ValueError("the portable rule refuses " + model)
    return x, y


def truncate_x86(v):
    """(int) v as x86 computes it: int64 array."""
    limit = F(2.0 ** 31)
    ok = np.isfinite(v) & (v < limit) & (v > -limit)
    return np.where(ok, np.trunc(np.where(ok, v, 0)), INT_MIN).astype(
        np.int64)


def corner_pixels_portable(depth, mx, my, r, t, scale, color):
    """(int)(pixel + 0.5f) of one corner of every depth pixel."""
    z = depth.astype(F) * F(scale)
    px = z * mx
    py = z * my
    X = r[0] * px + r[3] * py + r[6] * z + t[0]
    Y = r[1] * px + r[4] * py + r[7] * z + t[1]
    Z = r[2] * px + r[5] * py + r[8] * z + t[2]
    x = X / Z
    y = Y / Z
    model = color["model"]
    if model in ("Modified Brown Conrady", "Inverse Brown Conrady",
                 "Brown Conrady"):
        c0, c1, c2, c3, c4 = (F(c) for c in color["coeffs"])
        one, two = F(1), F(2)
        r2 = x * x + y * y
        f = one + c0 * r2 + c1 * r2 * r2 + c4 * r2 * r2 * r2
        if model == "Brown Conrady":
            dx = x * f + two * c2 * x * y + c3 * (r2 + two * x * x)
            dy = y * f + two * c3 * x * y + c2 * (r2 + two * y * y)
        else:
            x = x * f
            y = y * f
            dx = x + two * c2 * x * y + c3 * (r2 + two * x * x)
            dy = y + two * c3 * x * y + c2 * (r2 + two * y * y)
        x, y = dx, dy
    elif model in ("Ftheta", "Kannala Brandt4"):
        raise ValueError("the portable rule refuses " + model)
    u = x * F(color["fx"]) + F(color["ppx"])
    w = y * F(color["fy"]) + F(color["ppy"])
    return truncate_x86(u + F(0.5)), truncate_x86(w + F(0.5))


def reference_align_portable(depth, dcam, ccam, rotation, translation,
                             scale):
    """The portable rule on a (dh, dw) uint16 frame."""
    r = [F(v) for v in rotation]
    t = [F(v) for v in translation]
    cw, ch = ccam["width"], ccam["height"]
    with np.errstate(all="ignore"):
        x0, y0 = corner_pixels_portable(depth, *ray_map_portable(dcam, -0.5),
                                        r, t, scale, ccam)
        x1, y1 = corner_pixels_portable(depth, *ray_map_portable(dcam, 0.5),
                                        r, t, scale, ccam)
    # the whole depth pixel is skipped when a corner is outside the image
    keep = (depth != 0) & (x0 >= 0) & (y0 >= 0) & (x1 < cw) & (y1 < ch) \
        & (x0 <= x1) & (y0 <= y1)
    left, top, right, bottom = (a[keep] for a in (x0, y0, x1, y1))
    values = depth[keep].astype(np.int64)
    out = np.full(ch * cw, 1 << 20, dtype=np.int64)
    if values.size:
        for dy in range(int((bottom - top).max()) + 1):
            for dx in range(int((right - left).max()) + 1):
                m = (left + dx <= right) & (top + dy <= bottom)
                np.minimum.at(out, (top[m] + dy) * cw + left[m] + dx,
                              values[m])
    out[out == 1 << 20] = 0
    return out.astype(np.uint16).reshape(ch, cw)


# ---- running the C side ----

def fmt(v):
    return repr(float(v))


def write_calibration(path, dcam, ccam, scale, translation, quaternion=None,
                      rotation=None, rule=None):
    lines = []
    for group, cam in (("depth", dcam), ("color", ccam)):
        lines.append("[%s]" % group)
        for key in ("width", "height"):
            lines.append("%s=%d" % (key, cam[key]))
        for key in ("fx", "fy", "ppx", "ppy"):
            lines.append("%s=%s" % (key, fmt(cam[key])))
        lines.append("model=%s" % cam["model"])
        lines.append("coeffs=%s" % ";".join(fmt(c) for c in cam["coeffs"]))
        if group == "depth":
            lines.append("scale=%s" % fmt(scale))
    lines.append("[extrinsics]")
    lines.append("translation=%s" % ";".join(fmt(v) for v in translation))
    if quaternion is not None:
        lines.append("quaternion=%s" % ";".join(fmt(v) for v in quaternion))
    else:
        lines.append("rotation=%s" % ";".join(fmt(v) for v in rotation))
    if rule is not None:
        lines.append("[align]")
        lines.append("rule=%s" % rule)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


IDENTITY = (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)


class AlignCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gst-trial-align-")
        self.rng = np.random.default_rng(20261204)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def c_align(self, depth, dcam, ccam, scale, translation, quaternion=None,
                rotation=None, threads=1, ok=True, rule=None):
        """align-tool's output frame (ok) or its error text (not ok)."""
        calib = self.path("calibration.ini")
        write_calibration(calib, dcam, ccam, scale, translation, quaternion,
                          rotation, rule)
        raw_in, raw_out = self.path("in.raw"), self.path("out.raw")
        with open(raw_in, "wb") as f:
            f.write(np.ascontiguousarray(depth, dtype="<u2").tobytes())
        if os.path.exists(raw_out):
            os.unlink(raw_out)
        proc = subprocess.run([TOOL, "align", calib, raw_in, raw_out,
                               str(threads)], capture_output=True, text=True)
        if not ok:
            self.assertEqual(proc.returncode, 1, "accepted: " + proc.stdout)
            self.assertFalse(os.path.exists(raw_out))
            return proc.stderr.strip()
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.rectangles = proc.stdout.strip() == "rectangles=1"
        out = np.fromfile(raw_out, dtype="<u2")
        self.assertEqual(out.size, ccam["width"] * ccam["height"])
        return out.reshape(ccam["height"], ccam["width"])

    def check_same(self, depth, dcam, ccam, scale, translation,
                   quaternion=None, rotation=IDENTITY, threads=(1, 2, 3)):
        """C (at every thread count) == numpy, byte for byte."""
        if quaternion is not None:
            rotation = quat2rot(quaternion)
        expected = reference_align(depth, dcam, ccam, rotation, translation,
                                   scale)
        for n in threads:
            out = self.c_align(depth, dcam, ccam, scale, translation,
                               quaternion,
                               None if quaternion is not None else rotation,
                               threads=n)
            diff = np.count_nonzero(out != expected)
            self.assertEqual(diff, 0, "%d of %d pixels differ with %d threads"
                             % (diff, out.size, n))
            self.assertEqual(self.rectangles, uses_rectangles(dcam, ccam))
        return expected

    def scene(self, width=640, height=480, holes=0.1):
        """A room: a back wall, a tilted floor, boxes, sensor noise, holes."""
        ys, xs = np.mgrid[0:height, 0:width]
        z = 2500.0 + 600.0 * np.sin(xs / 97.0) + 0.8 * ys
        floor = ys > height * 0.6
        z[floor] = 900.0 + 4000.0 * (height - ys[floor]) / height
        for _ in range(12):
            x0, y0 = self.rng.integers(0, width), self.rng.integers(0, height)
            w, h = self.rng.integers(5, 120, size=2)
            z[y0:y0 + h, x0:x0 + w] = self.rng.uniform(300, 6000)
        z += self.rng.normal(0, 4.0, z.shape)
        depth = np.clip(z, 1, 65535).astype(np.uint16)
        depth[self.rng.random(depth.shape) < holes] = 0
        return depth


class RealRecording(AlignCase):
    """The D435 recording's frame 170, with the file's own calibration."""

    def read_bag(self):
        try:
            import rosbag
        except ImportError as exc:
            tap.missing("python3-rosbag (%s)" % exc)
        calib = {}
        frame = None
        with rosbag.Bag(BAG) as bag:
            for topic, msg, _ in bag.read_messages():
                if topic.endswith("Depth_0/info/camera_info"):
                    calib["depth"] = msg
                elif topic.endswith("Color_0/info/camera_info"):
                    calib["color"] = msg
                elif topic.endswith("Color_0/tf/0"):
                    calib["tf"] = msg
                elif topic.endswith("option/Depth Units/value"):
                    calib["scale"] = msg.data
                elif topic.endswith("Depth_0/image/data") \
                        and msg.header.seq == 170:
                    frame = np.frombuffer(msg.data, dtype="<u2").reshape(
                        msg.height, msg.width)
        self.assertIsNotNone(frame, "no depth frame 170 in " + BAG)

        def cam(info):
            return dict(width=info.width, height=info.height, fx=info.K[0],
                        fy=info.K[4], ppx=info.K[2], ppy=info.K[5],
                        model=info.distortion_model, coeffs=list(info.D))
        tf = calib["tf"]
        q = (tf.rotation.x, tf.rotation.y, tf.rotation.z, tf.rotation.w)
        t = (tf.translation.x, tf.translation.y, tf.translation.z)
        return (frame, cam(calib["depth"]), cam(calib["color"]), q, t,
                calib["scale"])

    def test_frame_170(self):
        frame, dcam, ccam, q, t, scale = self.read_bag()
        self.assertEqual((dcam, ccam, q, t, scale),
                         (D435_DEPTH, D435_COLOR, D435_QUATERNION,
                          D435_TRANSLATION, D435_SCALE))
        self.assertEqual(np.count_nonzero(frame), 286603)
        expected = self.check_same(frame, dcam, ccam, scale, t, q)
        self.assertEqual(np.count_nonzero(expected), 300814)


class Generated(AlignCase):
    """Generated 640x480 frames and calibrations, C against numpy."""

    def test_rotation_from_quaternion(self):
        calib, out = self.path("c.ini"), self.path("rt.raw")
        for q in (D435_QUATERNION, (0.0, 0.0, 0.0, 1.0),
                  (0.5, -0.5, 0.5, 0.5), (0.0, 0.70710678118654757,
                                          0.0, 0.70710678118654757)):
            write_calibration(calib, D435_DEPTH, D435_COLOR, D435_SCALE,
                              D435_TRANSLATION, quaternion=q)
            subprocess.run([TOOL, "rotation", calib, out], check=True)
            got = np.fromfile(out, dtype=F)
            want = np.concatenate([quat2rot(q),
                                   np.array(D435_TRANSLATION, dtype=F)])
            self.assertEqual(got.view(np.uint32).tolist(),
                             want.view(np.uint32).tolist())

    def test_d435_scenes(self):
        for _ in range(3):
            self.check_same(self.scene(), D435_DEPTH, D435_COLOR, D435_SCALE,
                            D435_TRANSLATION, D435_QUATERNION)

    def test_d435_every_value(self):
        """Every uint16 value, near and far: rounding at all distances."""
        depth = self.rng.integers(0, 65536, size=(480, 640)).astype(np.uint16)
        self.check_same(depth, D435_DEPTH, D435_COLOR, D435_SCALE,
                        D435_TRANSLATION, D435_QUATERNION)

    def test_distortion_models(self):
        inverse = dict(D435_DEPTH, model="Inverse Brown Conrady",
                       coeffs=[0.11, -0.21, 0.0031, -0.0024, 0.05])
        for model in ("Modified Brown Conrady", "Inverse Brown Conrady"):
            depth = self.scene()
            color = dict(D435_COLOR, model=model,
                         coeffs=[0.14, -0.45, 0.0012, 0.0021, 0.41])
            expected = self.check_same(depth, inverse, color,
                                       D435_SCALE, D435_TRANSLATION,
                                       D435_QUATERNION)
            # the distortion moved pixels: the branch ran
            plain = reference_align(depth, D435_DEPTH, D435_COLOR,
                                    quat2rot(D435_QUATERNION),
                                    D435_TRANSLATION, D435_SCALE)
            self.assertNotEqual(np.count_nonzero(expected != plain), 0)

    def test_models_that_change_nothing(self):
        depth = self.scene()
        for dmodel, cmodel in (("None", "Brown Conrady"),
                               ("Ftheta", "Kannala Brandt4"),
                               ("Brown Conrady", "None")):
            d = dict(D435_DEPTH, model=dmodel, coeffs=[0.3, 0.1, 0.01, 0.02,
                                                       0.2])
            c = dict(D435_COLOR, model=cmodel, coeffs=[0.3, 0.1, 0.01, 0.02,
                                                       0.2])
            got = self.check_same(depth, d, c, D435_SCALE, D435_TRANSLATION,
                                  D435_QUATERNION, threads=(2,))
            plain = reference_align(depth, D435_DEPTH, D435_COLOR,
                                    quat2rot(D435_QUATERNION),
                                    D435_TRANSLATION, D435_SCALE)
            self.assertTrue(np.array_equal(got, plain))

    def test_top_left_only(self):
        """Depth with more pixels per degree than color: one pixel each."""
        depth_cam = dict(D435_DEPTH, fx=900.25, fy=899.5)
        self.assertFalse(uses_rectangles(depth_cam, D435_COLOR))
        self.check_same(self.scene(), depth_cam, D435_COLOR, D435_SCALE,
                        D435_TRANSLATION, D435_QUATERNION)
        self.assertFalse(self.rectangles)

    def test_special_sizes(self):
        """640x480 depth to 640x360 color: rectangles whatever the fov."""
        color = dict(D435_COLOR, height=360, fx=300.0, fy=300.0, ppy=179.5)
        depth_cam = dict(D435_DEPTH, fx=600.0, fy=600.0)
        self.assertTrue(uses_rectangles(depth_cam, color))
        self.assertFalse(uses_rectangles(
            depth_cam, dict(color, height=361)))
        self.check_same(self.scene(), depth_cam, color, D435_SCALE,
                        D435_TRANSLATION, D435_QUATERNION)
        self.assertTrue(self.rectangles)
        small = dict(D435_DEPTH, height=240, ppy=121.1)
        self.check_same(self.scene(height=240), small,
                        dict(color, width=320, height=180, ppx=160.2,
                             ppy=90.3), D435_SCALE, D435_TRANSLATION,
                        D435_QUATERNION)

    def test_other_sizes(self):
        """Depth and color of different sizes, odd widths, 7 threads."""
        dcam = dict(D435_DEPTH, width=333, height=201, ppx=166.2, ppy=99.7)
        ccam = dict(D435_COLOR, width=1280, height=720, fx=920.5, fy=921.0,
                    ppx=641.3, ppy=359.9)
        self.check_same(self.scene(333, 201), dcam, ccam, D435_SCALE,
                        D435_TRANSLATION, D435_QUATERNION, threads=(1, 7))

    def test_behind_the_camera(self):
        """Points with Z <= 0 are never written."""
        depth = self.scene()
        near = np.count_nonzero((depth > 0) & (depth < 1900))
        self.assertGreater(near, 10000)
        for t in ((0.0143, 0.0, -2.0), (0.0, 0.0, -0.9)):
            out = self.check_same(depth, D435_DEPTH, D435_COLOR, D435_SCALE,
                                  t, rotation=IDENTITY)
            seen = out[out > 0]
            self.assertGreater(seen.size, 1000)
            self.assertGreater(int(seen.min()), -t[2] * 1000)

    def test_rotated(self):
        """A camera turned 20 degrees about y and 5 about x."""
        a, b = math.radians(20) / 2, math.radians(5) / 2
        qy = (0.0, math.sin(a), 0.0, math.cos(a))
        qx = (math.sin(b), 0.0, 0.0, math.cos(b))
        # q = qy * qx
        x = qy[3] * qx[0] + qy[0] * qx[3] + qy[1] * qx[2] - qy[2] * qx[1]
        y = qy[3] * qx[1] - qy[0] * qx[2] + qy[1] * qx[3] + qy[2] * qx[0]
        z = qy[3] * qx[2] + qy[0] * qx[1] - qy[1] * qx[0] + qy[2] * qx[3]
        w = qy[3] * qx[3] - qy[0] * qx[0] - qy[1] * qx[1] - qy[2] * qx[2]
        self.check_same(self.scene(), D435_DEPTH, D435_COLOR, D435_SCALE,
                        (0.05, -0.02, 0.01), (x, y, z, w))


class Portable(AlignCase):
    """The portable rule (rule=portable): C against its own numpy
    reference, on calibrations where it differs from the x86 rule."""

    def check_portable(self, depth, dcam, ccam, translation, quaternion=None,
                       rotation=IDENTITY, threads=(1, 2, 3), written=0.5):
        """C == numpy's portable rule at every thread count; returns the
        number of pixels where the x86 rule's numpy frame differs."""
        if quaternion is not None:
            rotation = quat2rot(quaternion)
        expected = reference_align_portable(depth, dcam, ccam, rotation,
                                            translation, D435_SCALE)
        for n in threads:
            out = self.c_align(depth, dcam, ccam, D435_SCALE, translation,
                               quaternion,
                               None if quaternion is not None else rotation,
                               threads=n, rule="portable")
            diff = np.count_nonzero(out != expected)
            self.assertEqual(diff, 0, "%d of %d pixels differ with %d threads"
                             % (diff, out.size, n))
            self.assertTrue(self.rectangles)
        x86 = reference_align(depth, dcam, ccam, rotation, translation,
                              D435_SCALE)
        self.assertGreater(np.count_nonzero(expected), depth.size * written)
        return np.count_nonzero(x86 != expected)

    def test_d435_scenes(self):
        """Truncation and skipping at the borders change pixels."""
        for _ in range(2):
            differ = self.check_portable(self.scene(), D435_DEPTH,
                                         D435_COLOR, D435_TRANSLATION,
                                         D435_QUATERNION)
            self.assertGreater(differ, 1000)

    def test_d435_every_value(self):
        depth = self.rng.integers(0, 65536, size=(480, 640)).astype(np.uint16)
        self.assertGreater(self.check_portable(
            depth, D435_DEPTH, D435_COLOR, D435_TRANSLATION, D435_QUATERNION,
            threads=(2,)), 1000)

    def test_distortion_models(self):
        """rsutil.h's undistortion (iterated) and distortion (no b' quirk):
        Inverse and plain Brown-Conrady depth, each distorting color
        model, tangential coefficients non-zero."""
        coeffs = [-0.3, 0.2, 0.02, 0.03, 0.1]
        for dmodel, cmodel in (("Inverse Brown Conrady",
                                "Modified Brown Conrady"),
                               ("Inverse Brown Conrady",
                                "Inverse Brown Conrady"),
                               ("Brown Conrady", "Brown Conrady")):
            depth = self.scene()
            dcam = dict(D435_DEPTH, model=dmodel, coeffs=coeffs)
            ccam = dict(D435_COLOR, model=cmodel,
                        coeffs=[0.14, -0.45, 0.0012, 0.0021, 0.41])
            self.assertGreater(self.check_portable(
                depth, dcam, ccam, D435_TRANSLATION, D435_QUATERNION,
                threads=(1, 2)), 1000)
            # the models moved pixels: each branch ran
            plain = reference_align_portable(
                depth, D435_DEPTH, dict(D435_COLOR, model="None"),
                quat2rot(D435_QUATERNION), D435_TRANSLATION, D435_SCALE)
            expected = reference_align_portable(
                depth, dcam, ccam, quat2rot(D435_QUATERNION),
                D435_TRANSLATION, D435_SCALE)
            self.assertNotEqual(np.count_nonzero(expected != plain), 0)
        # Modified Brown-Conrady depth: rsutil.h asserts, release builds
        # deproject as without a model
        depth = self.scene()
        dcam = dict(D435_DEPTH, model="Modified Brown Conrady", coeffs=coeffs)
        ccam = dict(D435_COLOR, model="None")
        self.check_portable(depth, dcam, ccam, D435_TRANSLATION,
                            D435_QUATERNION, threads=(1,))
        self.assertTrue(np.array_equal(
            reference_align_portable(depth, dcam, ccam,
                                     quat2rot(D435_QUATERNION),
                                     D435_TRANSLATION, D435_SCALE),
            reference_align_portable(depth, D435_DEPTH, ccam,
                                     quat2rot(D435_QUATERNION),
                                     D435_TRANSLATION, D435_SCALE)))

    def test_skips_pixels_that_cross_the_border(self):
        """A wall shifted 8.8 pixels right: x86 clips the rectangles at
        the right edge, the portable rule skips those depth pixels."""
        wall = np.full((480, 640), 1000, dtype=np.uint16)
        self.check_portable(wall, D435_DEPTH, D435_COLOR,
                            (0.0143, 0.0, 0.0))
        out = self.c_align(wall, D435_DEPTH, D435_COLOR, D435_SCALE,
                           (0.0143, 0.0, 0.0), rotation=IDENTITY,
                           rule="portable")
        x86 = self.c_align(wall, D435_DEPTH, D435_COLOR, D435_SCALE,
                           (0.0143, 0.0, 0.0), rotation=IDENTITY)
        self.assertGreater(np.count_nonzero(x86[:, -1]), 400)
        self.assertEqual(np.count_nonzero(out[:, -1]), 0)

    def test_more_pixels_per_degree(self):
        """Depth with more pixels per degree: x86 writes one pixel per
        depth pixel, the portable rule still the rectangle."""
        depth_cam = dict(D435_DEPTH, fx=900.25, fy=899.5)
        self.assertFalse(uses_rectangles(depth_cam, D435_COLOR))
        self.assertGreater(self.check_portable(
            self.scene(), depth_cam, D435_COLOR, D435_TRANSLATION,
            D435_QUATERNION, written=0.4), 1000)

    def test_behind_the_camera(self):
        """No test of Z, as librealsense's plain path: a point behind the
        color camera is projected like any other (mirrored, so its
        rectangle comes out empty: bottom-right left of top-left)."""
        depth = self.scene()
        for t in ((0.0143, 0.0, -2.0), (0.0, 0.0, -0.9)):
            self.check_portable(depth, D435_DEPTH, D435_COLOR, t,
                                threads=(1, 2), written=0.2)

    def test_refused_models(self):
        for group, model in (("depth", "Ftheta"),
                             ("color", "Kannala Brandt4")):
            dcam = dict(D435_DEPTH, model=model) if group == "depth" \
                else D435_DEPTH
            ccam = dict(D435_COLOR, model=model) if group == "color" \
                else D435_COLOR
            self.assertEqual(
                self.c_align(self.scene(), dcam, ccam, D435_SCALE,
                             D435_TRANSLATION, D435_QUATERNION, ok=False,
                             rule="portable"),
                "%s intrinsics: the portable rule does not support the '%s' "
                "model (use the librealsense-x86 rule)" % (group, model))
        self.assertEqual(
            self.c_align(self.scene(), D435_DEPTH, D435_COLOR, D435_SCALE,
                         D435_TRANSLATION, D435_QUATERNION, ok=False,
                         rule="arm"),
            "alignment rule 'arm' is not one of 'librealsense-x86', "
            "'portable'")


class Geometry(AlignCase):
    """Checks that need no reference: identity, a wall shifted by Fx·tx/z."""

    def test_identity_is_the_input(self):
        depth = self.scene()
        out = self.c_align(depth, D435_COLOR, D435_COLOR, D435_SCALE,
                           (0.0, 0.0, 0.0), rotation=IDENTITY, threads=2)
        self.assertTrue(np.array_equal(out, depth))

    def test_wall_shifts_by_fx_tx_over_z(self):
        wall = np.full((480, 640), 1000, dtype=np.uint16)
        shift = D435_COLOR["fx"] * 0.0143 / 1.0
        self.assertEqual(round(shift), 9)
        out = self.c_align(wall, D435_COLOR, D435_COLOR, D435_SCALE,
                           (0.0143, 0.0, 0.0), rotation=IDENTITY)
        self.assertTrue(np.all(out[:, :9] == 0))
        self.assertTrue(np.all(out[:, 9:] == 1000))

    def test_wall_with_d435_calibration(self):
        """A wall seen by the middle depth columns: each row's covered span
        moves right by 8.8 color pixels, without holes."""
        wall = np.zeros((480, 640), dtype=np.uint16)
        wall[:, 200:440] = 1000
        spans = []
        for tx in (0.0, 0.0143):
            out = self.c_align(wall, D435_DEPTH, D435_COLOR, D435_SCALE,
                               (tx, 0.0, 0.0), rotation=IDENTITY)
            rows = []
            for y in range(20, 460):
                cols = np.flatnonzero(out[y])
                self.assertEqual(cols[-1] - cols[0] + 1, cols.size,
                                 "hole inside row %d" % y)
                rows.append((cols[0], cols[-1]))
            spans.append(np.array(rows))
        moved = spans[1] - spans[0]
        self.assertTrue(np.all((moved == 8) | (moved == 9)), moved)
        self.assertGreater(np.count_nonzero(moved == 9), 100)


class Hostile(AlignCase):
    """Hostile calibrations and frames: a clear error, no output file."""

    def error(self, depth_cam=D435_DEPTH, color_cam=D435_COLOR,
              scale=D435_SCALE, translation=D435_TRANSLATION,
              quaternion=None, rotation=IDENTITY, frame=None):
        if frame is None:
            frame = np.ones((depth_cam["height"] or 1, depth_cam["width"] or 1),
                            dtype=np.uint16)
        return self.c_align(frame, depth_cam, color_cam, scale, translation,
                            quaternion,
                            None if quaternion is not None else rotation,
                            ok=False)

    def test_focal_length_zero(self):
        self.assertEqual(
            self.error(depth_cam=dict(D435_DEPTH, fx=0.0)),
            "depth intrinsics: focal length is fx 0, fy 390.431, expected "
            "both positive")
        self.assertEqual(
            self.error(color_cam=dict(D435_COLOR, fy=-613.0)),
            "color intrinsics: focal length is fx 613.204, fy -613, expected "
            "both positive")

    def test_not_finite(self):
        self.assertEqual(
            self.error(color_cam=dict(D435_COLOR, ppx=float("nan"))),
            "color intrinsics: ppx is nan, expected a finite number")
        self.assertEqual(
            self.error(depth_cam=dict(D435_DEPTH,
                                      coeffs=[0, 0, 0, float("inf"), 0])),
            "depth intrinsics: coefficient 3 is inf, expected a finite number")
        self.assertEqual(
            self.error(translation=(0.0143, float("-inf"), 0)),
            "extrinsics: translation[1] is -inf, expected a finite number")
        self.assertEqual(
            self.error(quaternion=(0.0, float("nan"), 0.0, 1.0)),
            "extrinsics: rotation quaternion (0, nan, 0, 1) has a value that "
            "is not finite")
        self.assertEqual(
            self.error(scale=float("inf")),
            "depth scale is inf, expected a positive number of metres per unit")
        self.assertEqual(
            self.error(scale=0.0),
            "depth scale is 0, expected a positive number of metres per unit")

    def test_not_a_rotation(self):
        self.assertEqual(
            self.error(rotation=(2, 0, 0, 0, 2, 0, 0, 0, 2)),
            "extrinsics: the rotation is not a rotation (R times its "
            "transpose differs from the identity by 3, determinant 8, "
            "expected 0 and 1 within 0.001)")
        # a mirror: orthonormal, determinant -1
        self.assertEqual(
            self.error(rotation=(-1, 0, 0, 0, 1, 0, 0, 0, 1)),
            "extrinsics: the rotation is not a rotation (R times its "
            "transpose differs from the identity by 0, determinant -1, "
            "expected 0 and 1 within 0.001)")
        self.assertEqual(
            self.error(quaternion=(0.0, 0.0, 0.0, 2.0)),
            "extrinsics: rotation quaternion (0, 0, 0, 2) has norm 2, "
            "expected 1")

    def test_sizes(self):
        self.assertEqual(
            self.error(depth_cam=dict(D435_DEPTH, width=0)),
            "depth intrinsics: size is 0x480, expected at least 1x1")
        self.assertEqual(
            self.error(color_cam=dict(D435_COLOR, width=20000)),
            "color intrinsics: size is 20000x480, at most 16384x16384 "
            "supported")
        frame = np.ones((480, 639), dtype=np.uint16)
        self.assertEqual(
            self.error(frame=frame),
            "%s: depth frame is 613440 bytes, expected 614400 (640x480 "
            "uint16, the depth calibration's size)" % self.path("in.raw"))

    def test_out_of_memory(self):
        """1 GiB of ray maps with 512 MiB of address space: an error, not
        an abort."""
        libs = subprocess.run(["ldd", TOOL], capture_output=True,
                              text=True).stdout
        env = dict(os.environ)
        if "libasan" in libs:
            # ASan reserves terabytes of address space, so no RLIMIT_AS:
            # its allocator refuses each 256 MiB ray map instead
            env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + \
                ":allocator_may_return_null=1:max_allocation_size_mb=200"
        dcam = dict(D435_DEPTH, width=8192, height=8192)
        ccam = dict(D435_COLOR, width=4096, height=4096)
        calib = self.path("calibration.ini")
        write_calibration(calib, dcam, ccam, D435_SCALE, D435_TRANSLATION,
                          D435_QUATERNION)
        raw_in = self.path("in.raw")
        open(raw_in, "wb").close()

        def limit():
            if "libasan" not in libs:
                resource.setrlimit(resource.RLIMIT_AS, (512 << 20, 512 << 20))
        proc = subprocess.run([TOOL, "align", calib, raw_in,
                               self.path("out.raw"), "1"],
                              capture_output=True, text=True,
                              preexec_fn=limit, env=env)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        # ASan says on its own line that it refused the allocation
        stderr = "\n".join(
            line for line in proc.stderr.splitlines()
            if not line.endswith("WARNING: AddressSanitizer failed to "
                                 "allocate 0x10000000 bytes"))
        self.assertEqual(stderr.strip(),
                         "not enough memory to align 8192x8192 depth to "
                         "4096x4096 color (1056 MiB)")
        self.assertFalse(os.path.exists(self.path("out.raw")))

    def test_unknown_model(self):
        self.assertEqual(
            self.error(color_cam=dict(D435_COLOR, model="Fisheye")),
            "distortion model 'Fisheye' is not one of 'None', "
            "'Brown Conrady', 'Inverse Brown Conrady', "
            "'Modified Brown Conrady', 'Ftheta', 'Kannala Brandt4'")


if __name__ == "__main__":
    TOOL = sys.argv[1]
    tap.main(sys.argv[2:])
