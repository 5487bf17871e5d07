"""The tracked quantities of an exercise, computed from one frame of landmarks and smoothed.

Each quantity of an exercise's ``tracked`` list is computed from the frame's image landmarks,
converted to pixels with the frame's resolution so that x and y share one unit (without a
resolution the normalised coordinates are used as they are, which is exact only for a square
frame). Units, per kind:

- ``joint_angle``: the included angle at the middle point, degrees in [0, 180] (180 = straight);
  :func:`kinesense.signal.geometry.joint_angle_deg`.
- ``segment_inclination``: signed tilt of the segment first point -> second point from the image
  vertical, degrees, positive when the second point leans to the image right;
  :func:`kinesense.signal.geometry.signed_inclination_2d_deg`.
- ``distance``: distance between two points divided by the torso length (mid-shoulder to
  mid-hip in the same frame), dimensionless.
- ``height_difference``: how far the first point is *above* the second, divided by the torso
  length (positive when the first point is higher in the image).
- ``landmark_visible``: the fraction of the listed points seen with visibility >= 0.5.
- ``head_angle``: the head's yaw, pitch or roll in degrees from the face model's pose matrix
  (:mod:`kinesense.signal.head_pose`: yaw > 0 turned to the person's left, pitch > 0 down,
  roll > 0 tilted to the right, unmirrored camera), given with the frame (``head_deg``); it
  needs no body landmark and is never mirrored.

A quantity is ``None`` on a frame where one of its points (or, for lengths, a torso point) is
missing or has visibility below :data:`MIN_VISIBILITY`. Values are smoothed live with the 1-euro
filter (Casiez et al. 2012, :mod:`kinesense.signal.one_euro`), which keeps its state through
dropouts of up to 0.5 s and restarts after longer ones.

Exercises are written for the left side of the body. ``side="right"`` swaps every ``left_`` and
``right_`` landmark and negates signed inclinations, so the same thresholds apply to the right
side; ``side="both"`` averages the left and right values of each quantity computed on one side
of the body (the value of whichever side is seen when only one is), and keeps the others as
written (quantities that compare the two sides, and signed inclinations).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kinesense.arrays import FloatArray
from kinesense.exercises.schema import HEAD_AXES, VIRTUAL_POINTS, Exercise, Tracked
from kinesense.landmarks import LANDMARK_INDEX, MIN_VISIBILITY, N_LANDMARKS
from kinesense.signal.geometry import joint_angle_deg, signed_inclination_2d_deg
from kinesense.signal.one_euro import OneEuroFilter

DEFAULT_BETA = {
    "joint_angle": 0.02,
    "segment_inclination": 0.02,
    "distance": 2.0,
    "height_difference": 2.0,
    "landmark_visible": 0.0,
    "head_angle": 0.02,
}
"""1-euro speed coefficient per kind, in Hz per (unit/s): an angle moving at 100 deg/s raises
the cut-off by 2 Hz; a length moving one torso length per second by 2 Hz. A practical tuning
(the filter's authors advise tuning beta by eye), overridable per quantity."""

_VIRTUAL = tuple(VIRTUAL_POINTS)
_POINT_INDEX = {**LANDMARK_INDEX, **{name: N_LANDMARKS + i for i, name in enumerate(_VIRTUAL)}}
_VIRTUAL_PAIRS = np.array(
    [[LANDMARK_INDEX[a], LANDMARK_INDEX[b]] for a, b in VIRTUAL_POINTS.values()], dtype=np.intp
)
_SHOULDERS = (_POINT_INDEX["mid_shoulder"],)
_HIPS = (_POINT_INDEX["mid_hip"],)


def mirror_name(name: str) -> str:
    """``left_knee`` -> ``right_knee`` and back; other names unchanged."""
    if name.startswith("left_"):
        return "right_" + name[5:]
    if name.startswith("right_"):
        return "left_" + name[6:]
    return name


@dataclass(frozen=True)
class _Group:
    kind: str
    names: tuple[str, ...]
    points: NDArray[np.intp]  # (K, P) point indices
    sign: float
    absolute: NDArray[np.bool_]  # (K,) take the absolute value
    smoother: tuple[float, float] | None  # (min_cutoff_hz, beta) or None
    axes: NDArray[np.intp]  # (K,) head_angle: 0 yaw, 1 pitch, 2 roll


def points_of_frame(
    image_xyz: FloatArray, visibility: FloatArray, resolution: tuple[int, int] | None
) -> tuple[FloatArray, FloatArray]:
    """(38, 2) point positions (pixels if ``resolution``) and (38,) visibility, with the
    virtual midpoints (``mid_shoulder``...) appended after the 33 landmarks."""
    xy = np.asarray(image_xyz, dtype=np.float64)[:, :2]
    if resolution is not None:
        xy = xy * np.array([float(resolution[0]), float(resolution[1])])
    vis = np.asarray(visibility, dtype=np.float64)
    mids = (xy[_VIRTUAL_PAIRS[:, 0]] + xy[_VIRTUAL_PAIRS[:, 1]]) / 2.0
    mid_vis = np.minimum(vis[_VIRTUAL_PAIRS[:, 0]], vis[_VIRTUAL_PAIRS[:, 1]])
    return np.concatenate([xy, mids]), np.concatenate([vis, mid_vis])


def compute_quantities(
    tracked: Sequence[Tracked],
    image_xyz: FloatArray,
    visibility: FloatArray,
    resolution: tuple[int, int] | None = None,
    *,
    mirrored: bool = False,
) -> dict[str, float | None]:
    """Raw (unsmoothed) values of ``tracked`` on one frame; see the module docstring."""
    groups = _groups(tracked, mirrored, smooth=False)
    raw = _compute(groups, *points_of_frame(image_xyz, visibility, resolution))
    return {name: _scalar(value) for name, value in raw.items()}


def one_sided(item: Tracked) -> bool:
    """Whether a quantity reads one side of the body only (left points, or left and central
    ones), so that its right-side value means the same (see ``side="both"``)."""
    sides = {p.split("_", 1)[0] for p in item.points if p.startswith(("left_", "right_"))}
    signed = item.kind == "segment_inclination" and not item.absolute
    return sides == {"left"} and not signed


class SignalTracker:
    """Live computation and 1-euro smoothing of an exercise's tracked quantities.

    Args:
        exercise: the exercise whose ``tracked`` list is computed.
        mirrored: compute for the right side (same as ``side="right"``).
        side: ``"left"`` (as written), ``"right"`` or ``"both"`` (see the module docstring).

    After :meth:`update`, ``raw`` and ``values`` hold the unsmoothed and smoothed quantities,
    and ``visibility`` the lowest visibility of each quantity's points (of the better side for
    ``both``), ``None`` when nobody is seen. :meth:`set_side` changes the side watched and keeps
    the smoothing state (the coach changes sides only at rest).
    """

    def __init__(
        self, exercise: Exercise, *, mirrored: bool = False, side: str | None = None
    ) -> None:
        self.exercise = exercise
        self.set_side(side if side is not None else ("right" if mirrored else "left"))
        self._filters = [
            None
            if group.smoother is None
            else OneEuroFilter(group.smoother[0], group.smoother[1], reset_after_s=0.5)
            for group in self._groups
        ]
        self.raw: dict[str, float | None] = {t.name: None for t in exercise.tracked}
        self.values: dict[str, float | None] = dict(self.raw)
        self.visibility: dict[str, float | None] = dict(self.raw)

    def set_side(self, side: str) -> None:
        """Watch ``side`` (``left``, ``right`` or ``both``) from the next frame on."""
        if side not in ("left", "right", "both"):
            raise ValueError(f"side must be left, right or both; got {side!r}")
        tracked = self.exercise.tracked
        self.side = side
        self.mirrored = side == "right"
        self._groups = _groups(tracked, self.mirrored, smooth=True)
        self._other = _groups(tracked, True, smooth=False) if side == "both" else None
        averaged = {t.name for t in tracked if one_sided(t)}
        self._averaged = [
            np.array([name in averaged for name in g.names], dtype=bool) for g in self._groups
        ]

    def update(
        self,
        time_s: float,
        image_xyz: FloatArray | None,
        visibility: FloatArray | None,
        resolution: tuple[int, int] | None = None,
        head_deg: FloatArray | None = None,
    ) -> Mapping[str, float | None]:
        """Compute and smooth the quantities at ``time_s``; ``None`` for missing ones.
        ``head_deg``: the head's (yaw, pitch, roll) in degrees, or None (no face seen)."""
        if image_xyz is None or visibility is None:
            raw_by_group = [np.full(len(g.names), np.nan) for g in self._groups]
            seen_by_group = [np.full(len(g.names), np.nan) for g in self._groups]
        else:
            points, vis = points_of_frame(image_xyz, visibility, resolution)
            raw_by_group = [_group_values(g, points, vis) for g in self._groups]
            seen_by_group = [vis[g.points].min(axis=1) for g in self._groups]
            if self._other is not None:
                for k, other in enumerate(self._other):
                    mirror = _group_values(other, points, vis)
                    pair = np.stack([raw_by_group[k], mirror])
                    count = np.isfinite(pair).sum(axis=0)
                    both = np.where(count > 0, np.nansum(pair, axis=0) / np.maximum(count, 1),
                                    np.nan)  # fmt: skip
                    raw_by_group[k] = np.where(self._averaged[k], both, raw_by_group[k])
                    seen = np.maximum(seen_by_group[k], vis[other.points].min(axis=1))
                    seen_by_group[k] = np.where(self._averaged[k], seen, seen_by_group[k])
        for k, group in enumerate(self._groups):
            if group.kind == "head_angle":
                raw_by_group[k] = _head_values(group, head_deg)
                seen_by_group[k] = np.where(np.isfinite(raw_by_group[k]), 1.0, np.nan)
        for group, flt, values, seen in zip(
            self._groups, self._filters, raw_by_group, seen_by_group, strict=True
        ):
            smooth = values if flt is None else flt.update(time_s, values)
            for i, name in enumerate(group.names):
                self.raw[name] = _scalar(values[i])
                self.values[name] = _scalar(smooth[i])
                self.visibility[name] = _scalar(seen[i])
        return self.values


def _scalar(value: float) -> float | None:
    number = float(value)
    return None if number != number else number


def _groups(tracked: Sequence[Tracked], mirrored: bool, *, smooth: bool) -> list[_Group]:
    # One group per (kind, smoothing parameters), so each group is a single vector computation.
    keyed: dict[tuple[str, float, float], list[Tracked]] = {}
    for item in tracked:
        beta = DEFAULT_BETA[item.kind] if item.beta is None else item.beta
        keyed.setdefault((item.kind, item.min_cutoff_hz, beta), []).append(item)
    groups = []
    for (kind, cutoff, beta), items in keyed.items():
        width = max(1, max(len(t.points) for t in items))
        index = np.zeros((len(items), width), dtype=np.intp)
        for row, item in enumerate(items):
            names = [mirror_name(p) if mirrored else p for p in item.points] or ["nose"]
            names += [names[-1]] * (width - len(names))  # pad visible lists with repeats
            index[row] = [_POINT_INDEX[p] for p in names]
        no_smoothing = not smooth or kind == "landmark_visible"
        groups.append(
            _Group(
                kind=kind,
                names=tuple(t.name for t in items),
                points=index,
                absolute=np.array([t.absolute for t in items], dtype=bool),
                axes=np.array([HEAD_AXES.index(t.axis) if t.axis else 0 for t in items]),
                sign=-1.0 if (mirrored and kind == "segment_inclination") else 1.0,
                smoother=None if no_smoothing else (cutoff, beta),
            )
        )
    return groups


def _compute(groups: Sequence[_Group], points: FloatArray, vis: FloatArray) -> dict[str, float]:
    out: dict[str, float] = {}
    for group in groups:
        values = _group_values(group, points, vis)
        out.update(zip(group.names, (float(v) for v in values), strict=True))
    return out


def _head_values(group: _Group, head_deg: FloatArray | None) -> FloatArray:
    if head_deg is None:
        return np.full(len(group.names), np.nan)
    values = np.asarray(head_deg, dtype=np.float64)[group.axes]
    return np.asarray(np.where(group.absolute, np.abs(values), values), dtype=np.float64)


def _group_values(group: _Group, points: FloatArray, vis: FloatArray) -> FloatArray:
    if group.kind == "head_angle":
        return np.full(len(group.names), np.nan)  # from the face model, not the landmarks
    idx = group.points
    seen = vis[idx] >= MIN_VISIBILITY
    if group.kind == "landmark_visible":
        return np.asarray(seen.mean(axis=1), dtype=np.float64)
    p = points[idx]  # (K, P, 2)
    if group.kind == "joint_angle":
        values = joint_angle_deg(p[:, 0], p[:, 1], p[:, 2])
    elif group.kind == "segment_inclination":
        values = group.sign * signed_inclination_2d_deg(p[:, 0], p[:, 1])
    else:
        torso = float(np.linalg.norm(points[_SHOULDERS[0]] - points[_HIPS[0]]))
        torso_seen = min(vis[_SHOULDERS[0]], vis[_HIPS[0]]) >= MIN_VISIBILITY
        if not torso_seen or torso <= 0:
            return np.full(len(idx), np.nan)
        if group.kind == "distance":
            values = np.linalg.norm(p[:, 0] - p[:, 1], axis=-1) / torso
        else:  # height_difference, image y points down
            values = (p[:, 1, 1] - p[:, 0, 1]) / torso
    values = np.where(group.absolute, np.abs(values), values)
    return np.asarray(np.where(seen.all(axis=1), values, np.nan), dtype=np.float64)


__all__ = [
    "MIN_VISIBILITY",
    "SignalTracker",
    "compute_quantities",
    "mirror_name",
    "points_of_frame",
]
