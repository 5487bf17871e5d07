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

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.exercises.schema import HEAD_AXES, VIRTUAL_POINTS, Exercise, Tracked
from kinesense.landmarks import LANDMARK_INDEX, MIN_VISIBILITY, N_LANDMARKS
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
_VIRTUAL_PAIRS = tuple((LANDMARK_INDEX[a], LANDMARK_INDEX[b]) for a, b in VIRTUAL_POINTS.values())
_SHOULDERS = _POINT_INDEX["mid_shoulder"]
_HIPS = _POINT_INDEX["mid_hip"]
_NAN = float("nan")


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
    points: tuple[tuple[int, ...], ...]  # per quantity, its point indices (padded to one width)
    sign: float
    absolute: tuple[bool, ...]  # per quantity: take the absolute value
    smoother: tuple[float, float] | None  # (min_cutoff_hz, beta) or None
    axes: tuple[int, ...]  # head_angle: 0 yaw, 1 pitch, 2 roll


@dataclass(frozen=True)
class _FramePoints:
    """One frame's 38 points (33 landmarks, then the virtual midpoints) as plain floats: the
    per-frame geometry of a few quantities costs less on floats than on tiny numpy arrays."""

    x: list[float]
    y: list[float]
    vis: list[float]
    vis_nan: bool  # a visibility is NaN (min and max must then give NaN, as numpy's do)


def _frame_points(
    image_xyz: FloatArray, visibility: FloatArray, resolution: tuple[int, int] | None
) -> _FramePoints:
    xy = np.asarray(image_xyz, dtype=np.float64)[:, :2]
    if resolution is not None:
        xy = xy * np.array([float(resolution[0]), float(resolution[1])])
    x, y = xy.T.tolist()
    vis = np.asarray(visibility, dtype=np.float64).tolist()
    for a, b in _VIRTUAL_PAIRS:
        x.append((x[a] + x[b]) / 2.0)
        y.append((y[a] + y[b]) / 2.0)
        vis.append(_least((vis[a], vis[b])))
    return _FramePoints(x, y, vis, any(v != v for v in vis))


def points_of_frame(
    image_xyz: FloatArray, visibility: FloatArray, resolution: tuple[int, int] | None
) -> tuple[FloatArray, FloatArray]:
    """(38, 2) point positions (pixels if ``resolution``) and (38,) visibility, with the
    virtual midpoints (``mid_shoulder``...) appended after the 33 landmarks."""
    frame = _frame_points(image_xyz, visibility, resolution)
    return np.column_stack([frame.x, frame.y]), np.array(frame.vis)


def compute_quantities(
    tracked: Sequence[Tracked],
    image_xyz: FloatArray,
    visibility: FloatArray,
    resolution: tuple[int, int] | None = None,
    *,
    mirrored: bool = False,
) -> dict[str, float | None]:
    """Raw (unsmoothed) values of ``tracked`` on one frame; see the module docstring."""
    frame = _frame_points(image_xyz, visibility, resolution)
    return {
        name: _scalar(value)
        for group in _groups(tracked, mirrored, smooth=False)
        for name, value in zip(group.names, _group_values(group, frame)[0], strict=True)
    }


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
        self._averaged = [tuple(name in averaged for name in g.names) for g in self._groups]

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
            raw_by_group = [[_NAN] * len(g.names) for g in self._groups]
            seen_by_group = [[_NAN] * len(g.names) for g in self._groups]
        else:
            frame = _frame_points(image_xyz, visibility, resolution)
            raw_by_group, seen_by_group = map(
                list, zip(*(_group_values(g, frame) for g in self._groups), strict=True)
            )
            if self._other is not None:
                for k, other in enumerate(self._other):
                    averaged = self._averaged[k]
                    mirror, mirror_seen = _group_values(other, frame)
                    raw_by_group[k] = [
                        _mean_of_seen(a, b) if both else a
                        for a, b, both in zip(raw_by_group[k], mirror, averaged, strict=True)
                    ]
                    seen_by_group[k] = [
                        _most((a, b)) if both else a
                        for a, b, both in zip(seen_by_group[k], mirror_seen, averaged, strict=True)
                    ]
        for k, group in enumerate(self._groups):
            if group.kind == "head_angle":
                raw_by_group[k] = _head_values(group, head_deg)
                seen_by_group[k] = [1.0 if math.isfinite(v) else _NAN for v in raw_by_group[k]]
        for group, flt, values, seen in zip(
            self._groups, self._filters, raw_by_group, seen_by_group, strict=True
        ):
            smooth = values if flt is None else flt.update(time_s, values).tolist()
            for i, name in enumerate(group.names):
                self.raw[name] = _scalar(values[i])
                self.values[name] = _scalar(smooth[i])
                self.visibility[name] = _scalar(seen[i])
        return self.values


def _scalar(value: float) -> float | None:
    number = float(value)
    return None if number != number else number


def _least(values: Iterable[float]) -> float:
    """The smallest of ``values``, NaN if one is NaN (as ``numpy.min``)."""
    listed = list(values)
    return _NAN if any(v != v for v in listed) else min(listed)


def _most(values: Iterable[float]) -> float:
    """The largest of ``values``, NaN if one is NaN (as ``numpy.max``)."""
    listed = list(values)
    return _NAN if any(v != v for v in listed) else max(listed)


def _mean_of_seen(a: float, b: float) -> float:
    """The mean of the finite ones of ``a`` and ``b`` (NaN when neither is), summed as
    ``numpy.nansum`` sums them."""
    count = math.isfinite(a) + math.isfinite(b)
    if count == 0:
        return _NAN
    return ((a if a == a else 0.0) + (b if b == b else 0.0)) / count


def _groups(tracked: Sequence[Tracked], mirrored: bool, *, smooth: bool) -> list[_Group]:
    # One group per (kind, smoothing parameters), so each group has a single filter.
    keyed: dict[tuple[str, float, float], list[Tracked]] = {}
    for item in tracked:
        beta = DEFAULT_BETA[item.kind] if item.beta is None else item.beta
        keyed.setdefault((item.kind, item.min_cutoff_hz, beta), []).append(item)
    groups = []
    for (kind, cutoff, beta), items in keyed.items():
        width = max(1, max(len(t.points) for t in items))
        index = []
        for item in items:
            names = [mirror_name(p) if mirrored else p for p in item.points] or ["nose"]
            names += [names[-1]] * (width - len(names))  # pad visible lists with repeats
            index.append(tuple(_POINT_INDEX[p] for p in names))
        no_smoothing = not smooth or kind == "landmark_visible"
        groups.append(
            _Group(
                kind=kind,
                names=tuple(t.name for t in items),
                points=tuple(index),
                absolute=tuple(t.absolute for t in items),
                axes=tuple(HEAD_AXES.index(t.axis) if t.axis else 0 for t in items),
                sign=-1.0 if (mirrored and kind == "segment_inclination") else 1.0,
                smoother=None if no_smoothing else (cutoff, beta),
            )
        )
    return groups


def _head_values(group: _Group, head_deg: FloatArray | None) -> list[float]:
    if head_deg is None:
        return [_NAN] * len(group.names)
    head = np.asarray(head_deg, dtype=np.float64).tolist()
    return [
        abs(head[axis]) if absolute else head[axis]
        for axis, absolute in zip(group.axes, group.absolute, strict=True)
    ]


def _group_seen(group: _Group, frame: _FramePoints) -> list[float]:
    """The lowest visibility of each quantity's points."""
    vis = frame.vis
    if frame.vis_nan:
        return [_least([vis[i] for i in points]) for points in group.points]
    return [min(map(vis.__getitem__, points)) for points in group.points]


def _group_values(group: _Group, frame: _FramePoints) -> tuple[list[float], list[float]]:
    """The raw values of a group's quantities on one frame, NaN where a point is not seen, and
    the lowest visibility of each one's points.

    The arithmetic is that of :mod:`kinesense.signal.geometry` term by term (so the values are
    the same to the last bit), and the arc tangents are taken by numpy in one call (its
    ``arctan2`` may differ from ``math.atan2`` in the last bit)."""
    kind, x, y, vis = group.kind, frame.x, frame.y, frame.vis
    seen = _group_seen(group, frame)
    if kind == "head_angle":
        return [_NAN] * len(group.names), seen  # from the face model, not the landmarks
    if kind == "landmark_visible":
        return [sum(vis[i] >= MIN_VISIBILITY for i in p) / len(p) for p in group.points], seen
    if kind == "joint_angle":
        values = _joint_angles(group.points, x, y)
    elif kind == "segment_inclination":
        values = [group.sign * v for v in _inclinations(group.points, x, y)]
    else:
        dx, dy = x[_SHOULDERS] - x[_HIPS], y[_SHOULDERS] - y[_HIPS]
        torso = float(np.linalg.norm(np.array([dx, dy])))  # numpy's own rounding, as before
        torso_seen = min(vis[_SHOULDERS], vis[_HIPS]) >= MIN_VISIBILITY
        if not torso_seen or torso <= 0:
            return [_NAN] * len(group.names), seen
        if kind == "distance":
            values = [_length(x[a] - x[b], y[a] - y[b]) / torso for a, b, *_ in group.points]
        else:  # height_difference, image y points down
            values = [(y[b] - y[a]) / torso for a, b, *_ in group.points]
    # every point seen: its lowest visibility is (a NaN one is not)
    values = [
        (abs(v) if absolute else v) if least >= MIN_VISIBILITY else _NAN
        for v, absolute, least in zip(values, group.absolute, seen, strict=True)
    ]
    return values, seen


def _length(dx: float, dy: float) -> float:
    """The length of (dx, dy), rounded as ``numpy.linalg.norm(..., axis=-1)`` rounds it."""
    return math.sqrt(dx * dx + dy * dy)


def _degrees_atan2(sines: list[float], cosines: list[float]) -> list[float]:
    angles: list[float] = np.degrees(np.arctan2(np.array(sines), np.array(cosines))).tolist()
    return angles


def _joint_angles(points: Sequence[Sequence[int]], x: list[float], y: list[float]) -> list[float]:
    """:func:`~kinesense.signal.geometry.joint_angle_deg` at the middle point of each triple."""
    crosses, dots, degenerate = [], [], []
    for a, b, c, *_ in points:
        ux, uy, vx, vy = x[a] - x[b], y[a] - y[b], x[c] - x[b], y[c] - y[b]
        crosses.append(abs(ux * vy - uy * vx))
        dots.append(ux * vx + uy * vy)
        degenerate.append(ux * ux + uy * uy == 0 or vx * vx + vy * vy == 0)
    angles = _degrees_atan2(crosses, dots)
    return [_NAN if bad else v for v, bad in zip(angles, degenerate, strict=True)]


def _inclinations(points: Sequence[Sequence[int]], x: list[float], y: list[float]) -> list[float]:
    """:func:`~kinesense.signal.geometry.signed_inclination_2d_deg` of each pair lower->upper."""
    dxs = [x[hi] - x[lo] for lo, hi, *_ in points]
    dys = [y[hi] - y[lo] for lo, hi, *_ in points]
    angles = _degrees_atan2(dxs, [-dy for dy in dys])
    return [
        _NAN if dx == 0 and dy == 0 else (180.0 if v == -180.0 else v)
        for v, dx, dy in zip(angles, dxs, dys, strict=True)
    ]


__all__ = [
    "MIN_VISIBILITY",
    "SignalTracker",
    "compute_quantities",
    "mirror_name",
    "points_of_frame",
]
