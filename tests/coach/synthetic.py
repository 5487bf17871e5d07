"""Synthetic landmark sequences with exactly known quantities, for the coaching-engine tests.

Poses are built in pixels on a 1280x720 frame (y down) from a standing figure, then individual
joint angles, segment inclinations and heights are set exactly by rotating or moving landmarks;
:func:`frames` converts them to :class:`CoachFrame` objects with normalised coordinates.
"""

import math
from collections.abc import Sequence

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.coach.events import CoachFrame
from kinesense.landmarks import LANDMARK_INDEX as IDX

RESOLUTION = (1280, 720)

_STANDING = {
    # a figure ~620 px tall facing the camera; the person's left is the image right
    "nose": (640, 110),
    "left_eye_inner": (646, 102),
    "left_eye": (651, 102),
    "left_eye_outer": (656, 102),
    "right_eye_inner": (634, 102),
    "right_eye": (629, 102),
    "right_eye_outer": (624, 102),
    "left_ear": (664, 108),
    "right_ear": (616, 108),
    "mouth_left": (648, 124),
    "mouth_right": (632, 124),
    "left_shoulder": (700, 170),
    "right_shoulder": (580, 170),
    "left_elbow": (715, 270),
    "right_elbow": (565, 270),
    "left_wrist": (720, 360),
    "right_wrist": (560, 360),
    "left_pinky": (722, 380),
    "right_pinky": (558, 380),
    "left_index": (720, 385),
    "right_index": (560, 385),
    "left_thumb": (714, 375),
    "right_thumb": (566, 375),
    "left_hip": (680, 370),
    "right_hip": (600, 370),
    "left_knee": (680, 530),
    "right_knee": (600, 530),
    "left_ankle": (680, 690),
    "right_ankle": (600, 690),
    "left_heel": (676, 705),
    "right_heel": (604, 705),
    "left_foot_index": (690, 712),
    "right_foot_index": (590, 712),
}


def standing() -> FloatArray:
    """(33, 2) pixel positions of the standing figure (torso length 200 px)."""
    out = np.zeros((33, 2))
    for name, xy in _STANDING.items():
        out[IDX[name]] = xy
    return out


def seated() -> FloatArray:
    """(33, 2) the figure sitting facing the camera: thighs level towards the camera (their
    image length 10 px), lower legs hanging (knees 160 px above the ankles)."""
    out = standing()
    for side in ("left", "right"):
        hip = out[IDX[f"{side}_hip"]]
        lift = out[IDX[f"{side}_knee"], 1] - (hip[1] + 10.0)
        for part in ("knee", "ankle", "heel", "foot_index"):
            out[IDX[f"{side}_{part}"], 1] -= lift
    return out


def side_on(points: FloatArray, near: str = "left") -> tuple[FloatArray, FloatArray]:
    """(N, 33, 3) image points in pixels (z in pixels too) and (33,) visibility of the figure
    turned side-on with its ``near`` side facing the camera: each far landmark sits where its
    near counterpart is, 4 px behind and 60 px further away (z); the far limbs and face are
    hidden (visibility 0.3), the far shoulder and hip seen (0.9), as BlazePose gives them on
    the real side views of ../shared/data."""
    far = "right" if near == "left" else "left"
    out = np.zeros((*points.shape[:-1], 3))
    out[..., :2] = points
    visibility = np.full(33, 0.99)
    for name, i in IDX.items():
        if name.startswith(f"{far}_"):
            j = IDX[near + name[len(far) :]]
            out[..., i, :2] = points[..., j, :] + np.array([-4.0, 0.0])
            out[..., i, 2] = 60.0
            visibility[i] = 0.9 if name.endswith(("_shoulder", "_hip")) else 0.3
        elif name.startswith(f"{near}_"):
            out[..., i, 2] = -60.0
    return out, visibility


def torso_px(points: FloatArray) -> float:
    """Mid-shoulder to mid-hip distance in pixels."""
    shoulders = (points[IDX["left_shoulder"]] + points[IDX["right_shoulder"]]) / 2
    hips = (points[IDX["left_hip"]] + points[IDX["right_hip"]]) / 2
    return float(np.linalg.norm(shoulders - hips))


def set_joint_angle(
    points: FloatArray, a: str, b: str, c: str, angle_deg: float, moving: Sequence[str] = ()
) -> None:
    """Rotate ``c`` (and the ``moving`` points, rigidly) about ``b`` so that the angle a-b-c
    is ``angle_deg``; c goes round to the image right of the b->a direction."""
    pb = points[IDX[b]]
    ref = points[IDX[a]] - pb
    ref_angle = math.atan2(ref[1], ref[0])
    current = points[IDX[c]] - pb
    target = ref_angle + math.radians(angle_deg)  # y down: positive = clockwise on screen
    turn = target - math.atan2(current[1], current[0])
    _rotate(points, [c, *moving], pb, turn)


def set_inclination(
    points: FloatArray, lower: str, upper: str, angle_deg: float, moving: Sequence[str] = ()
) -> None:
    """Rotate ``upper`` (and ``moving``) about ``lower`` so that the signed image inclination
    lower->upper from vertical is ``angle_deg`` (positive = leaning to the image right)."""
    pl = points[IDX[lower]]
    current = points[IDX[upper]] - pl
    now = math.atan2(current[0], -current[1])
    _rotate(points, [upper, *moving], pl, math.radians(angle_deg) - now)


def tilt_trunk(points: FloatArray, angle_deg: float) -> None:
    """Lean the upper body (shoulders, arms, head) about the mid-hip so that the mid-hip ->
    mid-shoulder inclination is ``angle_deg``."""
    hips = (points[IDX["left_hip"]] + points[IDX["right_hip"]]) / 2
    shoulders = (points[IDX["left_shoulder"]] + points[IDX["right_shoulder"]]) / 2
    v = shoulders - hips
    now = math.atan2(v[0], -v[1])
    upper = [n for n in _STANDING if IDX[n] <= IDX["right_thumb"]]
    _rotate(points, upper, hips, math.radians(angle_deg) - now)


def _rotate(points: FloatArray, names: Sequence[str], centre: FloatArray, turn: float) -> None:
    c, s = math.cos(turn), math.sin(turn)
    rot = np.array([[c, -s], [s, c]])
    centre = centre.copy()
    for name in dict.fromkeys(names):
        i = IDX[name]
        points[i] = centre + rot @ (points[i] - centre)


def rep_profile(
    n_reps: int,
    *,
    rest_value: float,
    peak_value: float,
    move_s: float = 1.5,
    dwell_s: float = 0.5,
    rest_s: float = 1.0,
    rate_hz: float = 30.0,
    lead_s: float = 1.0,
) -> tuple[FloatArray, FloatArray, list[tuple[float, float]]]:
    """A quantity going rest -> peak -> rest ``n_reps`` times (raised-cosine moves of
    ``move_s``, ``dwell_s`` at the peak, ``rest_s`` between reps, ``lead_s`` of rest first).

    Returns times (s), values, and each rep's (start_s, end_s) of movement.
    """
    segments: list[tuple[float, float, float]] = [(lead_s, rest_value, rest_value)]
    windows = []
    t = lead_s
    for _ in range(n_reps):
        segments += [
            (move_s, rest_value, peak_value),
            (dwell_s, peak_value, peak_value),
            (move_s, peak_value, rest_value),
            (rest_s, rest_value, rest_value),
        ]
        windows.append((t, t + 2 * move_s + dwell_s))
        t += 2 * move_s + dwell_s + rest_s
    total = sum(s[0] for s in segments)
    time = np.arange(0.0, total, 1.0 / rate_hz)
    values = np.empty_like(time)
    start = 0.0
    for duration, v0, v1 in segments:
        mask = (time >= start) & (time < start + duration)
        phase = (time[mask] - start) / duration
        values[mask] = v0 + (v1 - v0) * (1 - np.cos(np.pi * phase)) / 2
        start += duration
    return time, values, windows


def squat_points(knee_angles_deg: FloatArray) -> FloatArray:
    """(N, 33, 2): both knees at the given included angles (shanks swing to the image right)."""
    out = np.empty((len(knee_angles_deg), 33, 2))
    base = standing()
    for i, angle in enumerate(knee_angles_deg):
        p = base.copy()
        for side in ("left", "right"):
            ankle = p[IDX[f"{side}_ankle"]].copy()
            set_joint_angle(p, f"{side}_hip", f"{side}_knee", f"{side}_ankle", 360.0 - angle)
            for foot in (f"{side}_heel", f"{side}_foot_index"):  # feet stay flat
                p[IDX[foot]] += p[IDX[f"{side}_ankle"]] - ankle
        out[i] = p
    return out


def frames(
    time_s: FloatArray,
    points_px: FloatArray,
    *,
    noise_px: float = 0.0,
    seed: int = 0,
    missing: Sequence[tuple[float, float]] = (),
    visibility: float | FloatArray = 0.99,
) -> list[CoachFrame]:
    """CoachFrames from pixel poses ((N, 33, 2), or (N, 33, 3) with z in pixels, as
    :func:`side_on` makes them); Gaussian noise of ``noise_px`` on every image coordinate; no
    person during each (start_s, end_s) of ``missing``."""
    rng = np.random.default_rng(seed)
    pts = np.array(points_px, dtype=np.float64)
    if noise_px:
        pts[..., :2] += rng.normal(0.0, noise_px, pts[..., :2].shape)
    scale = np.array(RESOLUTION, dtype=np.float64)
    out = []
    vis = np.broadcast_to(np.asarray(visibility, dtype=np.float64), (33,)).copy()
    for t, p in zip(time_s, pts, strict=True):
        if any(a <= t < b for a, b in missing):
            out.append(CoachFrame(float(t), None, None, resolution=RESOLUTION))
            continue
        xyz = np.zeros((33, 3))
        xyz[:, :2] = p[:, :2] / scale
        if p.shape[-1] == 3:
            xyz[:, 2] = p[:, 2] / scale[0]
        out.append(CoachFrame(float(t), xyz, vis, resolution=RESOLUTION))
    return out
