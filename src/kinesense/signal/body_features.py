"""The geometric features that tell body positions apart, from landmarks: heights above the
floor and vertical drops of segments, in units of the body's own scale.

Heights stay true whichever way the camera looks at the person, as long as the camera is upright
(its image vertical is the room's vertical) and roughly level: a segment pointing at the camera
(a thigh seen from the front, a trunk seen head-on in a plank) is short in the image, but its
vertical drop is the same from every side. Used by :mod:`kinesense.signal.body_position`.

Scale ``S`` (one trunk length, mid-hip to mid-shoulder): the largest of the trunk length and of
the thigh, shank, upper-arm and shoulder-width lengths divided by their share of the trunk
length (:data:`SEGMENT_SHARE`). A segment seen end-on is short, but not all of them at once.

Features (heights up; lengths in ``S``; NaN where a landmark needed is not seen):

* ``trunk_rise``: mid-shoulder height minus mid-hip height (1 upright, 0 horizontal);
* ``thigh_drop``, ``shank_drop``: hip above knee, knee above ankle, on the *support leg* (the
  thigh pointing down most: the standing leg of a single-leg stance, the kneeling leg of a
  bird-dog); ``knee_height``: its knee above the floor (only when its ankle is seen, else the
  floor may be the knee itself);
* ``arm_drop``, ``arm_vertical``: the shoulder above the elbow, and that drop over the upper
  arm's length (the cosine of its angle from the vertical), for the arm that carries most;
* ``floor``: the lowest seen point of the limbs and trunk; ``hip_height``, ``shoulder_height``
  above it; ``legs_height``: the lowest knee or foot point above it (0 when the lower body is
  on the floor);
* ``hips_over_feet``, ``hips_over_knees``: horizontal distance from the mid-hip to the nearest
  foot point, knee (small when the hips are carried by them);
* ``shoulders_stacked``: height difference of the two shoulders (one above the other: lying on
  one side);
* ``face_up`` (nose above the mid-ear) and ``toes_up`` (toes above heels).
"""

from collections.abc import Sequence
from functools import cache
from typing import Final

import numpy as np

from kinesense.arrays import FloatArray, IntArray
from kinesense.landmarks import LANDMARK_INDEX, MIN_VISIBILITY

SEGMENT_SHARE: Final = {"thigh": 0.86, "shank": 0.86, "upper_arm": 0.65, "shoulder_width": 0.70}
"""Length of each segment as a share of the trunk length (mid-hip to mid-shoulder) in adults:
thigh and shank 0.245 H, upper arm 0.186 H and trunk 0.286 H (de Leva 1996, joint centres);
shoulder width between BlazePose's shoulder landmarks about 0.2 H."""

_I = LANDMARK_INDEX
SIDES: Final = ("left", "right")


def _points(*parts: str) -> list[int]:
    return [_I[f"{side}_{part}"] for side in SIDES for part in parts]


LIMB_POINTS: Final = _points(
    "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index"
)
"""Landmarks that may touch the floor."""
LOWER_POINTS: Final = _points("knee", "ankle", "heel", "foot_index")
ARM_POINTS: Final = _points("elbow", "wrist")
FEET_POINTS: Final = _points("ankle", "heel", "foot_index")
KNEES: Final = _points("knee")
READ_POINTS: Final = [*LIMB_POINTS, _I["nose"], _I["left_ear"], _I["right_ear"]]
"""Every landmark the features read."""


def heights_and_points(
    image_xyz: FloatArray | None,
    visibility: FloatArray,
    resolution: tuple[int, int] | None,
    world_xyz_m: FloatArray | None = None,
    world_up: Sequence[float] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(N, 33) heights (up positive), (N, 33, D) points and (N, 33, D) their horizontal part.

    From the image landmarks in pixels (y down, so up is -y) when there are any, else from the
    world landmarks and their up vector (imported 3D keypoints). Landmarks seen with visibility
    below :data:`~kinesense.landmarks.MIN_VISIBILITY` are NaN.
    """
    seen = np.asarray(visibility, dtype=np.float64) >= MIN_VISIBILITY
    image = None if image_xyz is None else np.asarray(image_xyz, dtype=np.float64)
    world = None if world_xyz_m is None else np.asarray(world_xyz_m, dtype=np.float64)
    use_world = world is not None and world_up is not None and np.any(np.isfinite(world))
    if image is not None and (np.any(np.isfinite(image[..., :2])) or not use_world):
        size = np.array(resolution if resolution is not None else (1, 1), dtype=np.float64)
        points = image[..., :2] * size
        up = np.array([0.0, -1.0])
    elif use_world:
        assert world is not None
        assert world_up is not None
        points = world
        up = np.asarray(world_up, dtype=np.float64)
        up = up / np.linalg.norm(up)
    else:
        raise ValueError("landmarks needed: image coordinates, or world ones with an up vector")
    points = np.where(seen[..., None], points, np.nan)
    heights = points @ up
    level = points - heights[..., None] * up
    return heights, points, level


def fill(values: FloatArray, value: float) -> FloatArray:
    """``values`` with NaN replaced by ``value``."""
    return np.where(np.isnan(values), value, values)


@cache
def _side_index(*parts: str) -> dict[str, IntArray]:
    """Landmark index of each part on the left and on the right side."""
    return {side: _index([_I[f"{side}_{part}"] for part in parts]) for side in SIDES}


def _index(landmarks: list[int]) -> IntArray:
    """An index array (numpy converts a list at every use)."""
    return np.array(landmarks, dtype=np.int64)


_LIMBS, _LOWER, _ARMS = _index(LIMB_POINTS), _index(LOWER_POINTS), _index(ARM_POINTS)
_FEET, _KNEES = _index(FEET_POINTS), _index(KNEES)


_SEGMENTS: Final = (("hip", "knee", "thigh"), ("knee", "ankle", "shank"),
                    ("shoulder", "elbow", "upper_arm"))  # fmt: skip
_SEGMENT_ENDS: Final = (
    _index([_I[f"{side}_{a}"] for side in SIDES for a, _, _ in _SEGMENTS] + [_I["left_shoulder"]]),
    _index([_I[f"{side}_{b}"] for side in SIDES for _, b, _ in _SEGMENTS] + [_I["right_shoulder"]]),
)
"""The two ends of each segment whose length estimates the scale: both sides' thigh, shank and
upper arm, and the shoulder width."""
_SEGMENT_SHARES: Final = np.array(
    [SEGMENT_SHARE[share] for _ in SIDES for _, _, share in _SEGMENTS]
    + [SEGMENT_SHARE["shoulder_width"]]
)
_BY_SIDE: Final = {
    part: _index([_I[f"{side}_{part}"] for side in SIDES])
    for part in ("hip", "knee", "shoulder", "elbow")
}
"""(left, right) landmark index of the joints read on both sides."""


def _norm(vectors: FloatArray) -> FloatArray:
    """Euclidean length along the last axis, as ``numpy.linalg.norm(vectors, axis=-1)``
    computes it (without its checks, which cost more than the sum on a few points)."""
    return np.asarray(np.sqrt(np.add.reduce(vectors * vectors, axis=-1)), dtype=np.float64)


def _length(points: FloatArray, a: IntArray, b: IntArray) -> FloatArray:
    """(N, K) distances between the points ``a`` and ``b`` (K indices each)."""
    return _norm(points[:, a] - points[:, b])


def _pair_mean(values: FloatArray, *parts: str) -> FloatArray:
    """(N, K[, D]): for each part, the mean of the left and right landmark where both are seen,
    else the one seen."""
    index = _side_index(*parts)
    left, right = values[:, index["left"]], values[:, index["right"]]
    if left.ndim > 2:  # (N, K, D) points: a point is missing when any coordinate is
        left_missing = np.isnan(left).any(axis=-1, keepdims=True)
        right_missing = np.isnan(right).any(axis=-1, keepdims=True)
    else:
        left_missing, right_missing = np.isnan(left), np.isnan(right)
    both = np.where(right_missing, left, (left + right) / 2)
    return np.asarray(np.where(left_missing, right, both), dtype=np.float64)


def body_scale(points: FloatArray) -> FloatArray:
    """(N,) body scale ``S`` in the points' unit (module docstring); NaN when nothing is seen."""
    shoulder_hip = _pair_mean(points, "shoulder", "hip")
    trunk = _norm(shoulder_hip[:, 0] - shoulder_hip[:, 1])
    segments = _length(points, *_SEGMENT_ENDS) / _SEGMENT_SHARES
    scale = np.fmax.reduce(np.column_stack([trunk, segments]), axis=1)
    return np.asarray(np.where(scale > 0, scale, np.nan), dtype=np.float64)


def body_features(
    heights: FloatArray, points: FloatArray, level: FloatArray
) -> dict[str, FloatArray]:
    """The features of the module docstring, (N,) each, in units of ``S`` (``scale`` in the
    points' unit), from :func:`heights_and_points`. Each step reads both sides (columns left,
    right) at once."""
    scale = body_scale(points)
    h = heights / scale[:, None]
    floor = np.fmin.reduce(h[:, _LIMBS], axis=1)
    thighs = h[:, _BY_SIDE["hip"]] - h[:, _BY_SIDE["knee"]]
    right = fill(thighs[:, 1], -np.inf) > fill(thighs[:, 0], -np.inf)
    knee = np.where(right, h[:, _I["right_knee"]], h[:, _I["left_knee"]])
    ankle = np.where(right, h[:, _I["right_ankle"]], h[:, _I["left_ankle"]])
    drops = h[:, _BY_SIDE["shoulder"]] - h[:, _BY_SIDE["elbow"]]
    lengths = _length(points, _BY_SIDE["shoulder"], _BY_SIDE["elbow"]) / scale[:, None]
    vertical = drops / np.where(lengths > 0, lengths, np.nan)
    right_arm = fill(drops * vertical, -np.inf).argmax(axis=1) == 1  # the arm that carries most
    hip_level = _pair_mean(level, "hip")[:, 0]
    offsets = _norm(level - hip_level[:, None]) / scale[:, None]
    features = {
        "legs_height": np.fmin.reduce(h[:, _LOWER], axis=1) - floor,
        "hands_height": np.fmin.reduce(h[:, _ARMS], axis=1) - floor,
        "hips_over_feet": np.fmin.reduce(offsets[:, _FEET], axis=1),
        "hips_over_knees": np.fmin.reduce(offsets[:, _KNEES], axis=1),
    }
    shoulder, hip, ear, toes, heel = _pair_mean(h, "shoulder", "hip", "ear", "foot_index",
                                                "heel").T  # fmt: skip
    return {
        "scale": scale,
        "floor": floor,
        "trunk_rise": shoulder - hip,
        "thigh_drop": np.where(right, thighs[:, 1], thighs[:, 0]),
        "shank_drop": knee - ankle,
        "knee_height": np.where(np.isfinite(ankle), knee - floor, np.nan),
        "arm_drop": np.where(right_arm, drops[:, 1], drops[:, 0]),
        "arm_vertical": np.where(right_arm, vertical[:, 1], vertical[:, 0]),
        "hip_height": hip - floor,
        "shoulder_height": shoulder - floor,
        **features,
        "shoulders_stacked": np.abs(h[:, _I["left_shoulder"]] - h[:, _I["right_shoulder"]]),
        "face_up": h[:, _I["nose"]] - ear,
        "toes_up": toes - heel,
    }
