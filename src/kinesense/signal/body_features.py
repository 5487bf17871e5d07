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

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Final

import numpy as np

from kinesense.arrays import FloatArray
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
FEET_POINTS: Final = _points("ankle", "heel", "foot_index")
KNEES: Final = _points("knee")
READ_POINTS: Final = [*LIMB_POINTS, _I["nose"], _I["left_ear"], _I["right_ear"]]
"""Every landmark the features read."""


@contextmanager
def _all_nan_is_nan() -> Iterator[None]:
    """Silence numpy's warnings about all-NaN slices: their NaN result is the wanted answer."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)
        yield


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


def _length(points: FloatArray, a: int, b: int) -> FloatArray:
    return np.asarray(np.linalg.norm(points[:, a] - points[:, b], axis=-1), dtype=np.float64)


def _pair_mean(values: FloatArray, part: str) -> FloatArray:
    """Mean of the left and right landmark where both are seen, else the one seen."""
    pair = np.stack([values[:, _I[f"left_{part}"]], values[:, _I[f"right_{part}"]]])
    with _all_nan_is_nan():
        return np.asarray(np.nanmean(pair, axis=0), dtype=np.float64)


def body_scale(points: FloatArray) -> FloatArray:
    """(N,) body scale ``S`` in the points' unit (module docstring); NaN when nothing is seen."""
    trunk = np.linalg.norm(_pair_mean(points, "shoulder") - _pair_mean(points, "hip"), axis=-1)
    estimates = [trunk]
    for side in SIDES:
        for a, b, share in (
            ("hip", "knee", "thigh"),
            ("knee", "ankle", "shank"),
            ("shoulder", "elbow", "upper_arm"),
        ):
            length = _length(points, _I[f"{side}_{a}"], _I[f"{side}_{b}"])
            estimates.append(length / SEGMENT_SHARE[share])
    shoulders = _length(points, _I["left_shoulder"], _I["right_shoulder"])
    estimates.append(shoulders / SEGMENT_SHARE["shoulder_width"])
    with _all_nan_is_nan():
        scale = np.nanmax(np.stack(estimates), axis=0)
    return np.asarray(np.where(scale > 0, scale, np.nan), dtype=np.float64)


def body_features(
    heights: FloatArray, points: FloatArray, level: FloatArray
) -> dict[str, FloatArray]:
    """The features of the module docstring, (N,) each, in units of ``S`` (``scale`` in the
    points' unit), from :func:`heights_and_points`."""
    scale = body_scale(points)
    h = heights / scale[:, None]

    def at(side: str, part: str) -> FloatArray:
        return h[:, _I[f"{side}_{part}"]]

    with _all_nan_is_nan():
        floor = np.nanmin(h[:, LIMB_POINTS], axis=1)
        thighs = np.stack([at(s, "hip") - at(s, "knee") for s in SIDES])
        right = np.nan_to_num(thighs[1], nan=-np.inf) > np.nan_to_num(thighs[0], nan=-np.inf)
        knee = np.where(right, at("right", "knee"), at("left", "knee"))
        ankle = np.where(right, at("right", "ankle"), at("left", "ankle"))
        drops = np.stack([at(s, "shoulder") - at(s, "elbow") for s in SIDES])
        lengths = np.stack(
            [_length(points, _I[f"{s}_shoulder"], _I[f"{s}_elbow"]) / scale for s in SIDES]
        )
        vertical = drops / np.where(lengths > 0, lengths, np.nan)
        carrying = np.nan_to_num(drops * vertical, nan=-np.inf).argmax(axis=0)[None]
        hip_level = np.nanmean(
            np.stack([level[:, _I["left_hip"]], level[:, _I["right_hip"]]]), axis=0
        )
        offsets = np.linalg.norm(level - hip_level[:, None], axis=-1) / scale[:, None]
        features = {
            "legs_height": np.nanmin(h[:, LOWER_POINTS], axis=1) - floor,
            "hips_over_feet": np.nanmin(offsets[:, FEET_POINTS], axis=1),
            "hips_over_knees": np.nanmin(offsets[:, KNEES], axis=1),
        }
    shoulder, hip = _pair_mean(h, "shoulder"), _pair_mean(h, "hip")
    return {
        "scale": scale,
        "floor": floor,
        "trunk_rise": shoulder - hip,
        "thigh_drop": np.where(right, thighs[1], thighs[0]),
        "shank_drop": knee - ankle,
        "knee_height": np.where(np.isfinite(ankle), knee - floor, np.nan),
        "arm_drop": np.take_along_axis(drops, carrying, axis=0)[0],
        "arm_vertical": np.take_along_axis(vertical, carrying, axis=0)[0],
        "hip_height": hip - floor,
        "shoulder_height": shoulder - floor,
        **features,
        "shoulders_stacked": np.abs(at("left", "shoulder") - at("right", "shoulder")),
        "face_up": h[:, _I["nose"]] - _pair_mean(h, "ear"),
        "toes_up": _pair_mean(h, "foot_index") - _pair_mean(h, "heel"),
    }
