"""Whether a recording can be a measurement: checks per series kind, as findings.

A finding either **refuses** the recording (it cannot come from a person in front of a sensor:
infinite or overflowing values) or **flags** it (it reads, but a result from it may mislead: a
constant signal, a hole in time, landmarks collapsed to a point, coordinates in the wrong
unit). Readers call :func:`refuse_or_flag`, which raises
:class:`~kinesense.errors.ImplausibleRecordingError` for a refusal and otherwise records the
flags in ``provenance.details["quality_flags"]`` (a list of ``{"check", "message"}``; the key
is absent when nothing was found) for the results to show. Assessments decide which flags make
their own result unusable (the sway test refuses a constant centre of pressure, for example).

Thresholds are physical bounds, not tuned on data; each is stated with the margin it leaves to
the real recordings in ../shared/data (force plate: CoP ranges of 10-20 mm over 32 s; UCI IMUs:
per-axis ranges of at least 0.16 m/s² and 0.046 rad/s; Pose2Sim keypoints: a body 1.7 m tall).
"""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from kinesense.arrays import BoolArray, FloatArray
from kinesense.errors import ImplausibleRecordingError
from kinesense.series.cop import CopSeries
from kinesense.series.motion import MotionSeries
from kinesense.series.pose import PoseSeries

QUALITY_FLAGS_KEY = "quality_flags"

HOLE_FACTOR = 5.0
"""A step between samples more than this many times the median step is a hole in time."""
MIN_HOLE_S = 0.2
"""... and only when it lasts at least this long (the gap the sway tests already interpolate)."""
MAX_COP_M = 20.0
"""A centre of pressure farther than this from the plate's origin cannot be one (no plate, nor a
laboratory walkway of plates, is that large): refused."""
MAX_COP_RANGE_M = 1.0
"""A CoP moving over more than this while standing is flagged: probably cm or mm read as m."""
MIN_COP_RANGE_M = 1e-4
"""A CoP axis moving less than 0.1 mm over the whole recording is constant: the plate was not
loaded or the channel is stuck (a standing person moves it 10-20 mm in 30 s; a plate resolves
about 0.1 mm)."""
MAX_FORCE_N = 1e5
"""A vertical force above 100 kN (10 tonnes) cannot come from a person: refused."""
MAX_ACC_M_S2 = 1e4
"""Accelerations above about 1000 g cannot come from a body-worn sensor: refused."""
MAX_GYR_RAD_S = 1e3
"""Angular rates above 1000 rad/s (57,000 deg/s) cannot come from a body-worn sensor: refused."""
MIN_ACC_RANGE_M_S2 = 1e-3
"""An accelerometer whose three axes each move less than this is stuck (sensor noise alone is
about 0.01 m/s²)."""
MIN_GYR_RANGE_RAD_S = 1e-4
"""A gyroscope whose three axes each move less than this is stuck."""
MAX_IMAGE_COORD = 1e3
"""Image landmarks are in frame widths; beyond a thousand frame widths they overflow: refused."""
MAX_WORLD_M = 1e3
"""World landmarks beyond 1 km overflow (or are in mm declared as m): refused."""
MAX_BODY_EXTENT_M = 5.0
"""A body spanning more than 5 m in one frame is flagged: probably cm or mm read as m."""
MIN_IMAGE_EXTENT = 0.01
"""Landmarks spanning less than 1 % of the frame (a 10-pixel person in a 1080-pixel frame)
are collapsed to a point."""
MIN_WORLD_EXTENT_M = 0.05
"""World landmarks spanning less than 5 cm are collapsed to a point (a body spans over 1 m)."""


@dataclass(frozen=True)
class Finding:
    """One problem found in a recording.

    Attributes:
        check: short name of the check (``"time_hole"``, ``"constant"``, ``"overflow"``...).
        message: one sentence saying what was found and what to do.
        refuse: whether the recording cannot be a measurement at all.
        subject: what the finding is about when it concerns one part (``"medio-lateral"``,
            ``"accelerometer"``), else ``""``.
    """

    check: str
    message: str
    refuse: bool = False
    subject: str = ""

    def to_json(self) -> dict[str, str]:
        """JSON form (as stored in ``provenance.details["quality_flags"]``)."""
        return {"check": self.check, "message": self.message}


AnyKind = TypeVar("AnyKind", bound=CopSeries | MotionSeries | PoseSeries)


def time_holes(time_s: FloatArray) -> list[tuple[float, float]]:
    """``(start_s, length_s)`` of every hole in a time column (see :data:`HOLE_FACTOR`)."""
    t = np.asarray(time_s, dtype=np.float64)
    if t.size < 3:
        return []
    steps = np.diff(t)
    limit = max(HOLE_FACTOR * float(np.median(steps)), MIN_HOLE_S)
    return [(float(t[i]), float(steps[i])) for i in np.flatnonzero(steps > limit)]


def check_time(time_s: FloatArray) -> list[Finding]:
    """A flag for the holes in the time column, naming the longest."""
    holes = time_holes(time_s)
    if not holes:
        return []
    start, length = max(holes, key=lambda h: h[1])
    origin = float(time_s[0])
    return [
        Finding(
            "time_hole",
            f"{len(holes)} hole(s) in time, the longest {length:.2f} s at "
            f"{start - origin:.2f} s: samples are missing there (record again, or analyse "
            "the parts before and after it)",
        )
    ]


def _overflow(name: str, values: FloatArray, limit: float, unit: str) -> list[Finding]:
    finite = np.isfinite(values)
    if np.any(np.isinf(values)):
        return [Finding("overflow", f"{name} holds infinite values: the file is damaged", True)]
    largest = float(np.max(np.abs(values[finite]))) if finite.any() else 0.0
    if largest > limit:
        return [
            Finding(
                "overflow",
                f"values of {name} reach {largest:.3g} {unit}, beyond any real measurement "
                f"({limit:g} {unit}): the file is damaged or its unit is wrong",
                True,
            )
        ]
    return []


def _ranges(values: FloatArray) -> FloatArray:
    """Per-column max - min over the finite samples (NaN for a column without any)."""
    out = np.full(values.shape[1], np.nan)
    for j in range(values.shape[1]):
        column = values[:, j][np.isfinite(values[:, j])]
        if column.size:
            out[j] = float(np.max(column) - np.min(column))
    return out


def check_cop(cop: CopSeries) -> list[Finding]:
    """Overflowing CoP or force (refused), constant or far-ranging CoP and time holes (flags).

    An axis with no value at all (a one-axis plate) is not flagged."""
    findings = _overflow("the centre of pressure", cop.cop_m, MAX_COP_M, "m")
    findings += _overflow("the vertical force", cop.force_n, MAX_FORCE_N, "N")
    if any(f.refuse for f in findings):
        return findings
    ranges = _ranges(cop.cop_m)
    for axis, width in zip(("medio-lateral", "antero-posterior"), ranges, strict=True):
        if np.isfinite(width) and width < MIN_COP_RANGE_M and len(cop) > 1:
            findings.append(
                Finding(
                    "constant",
                    f"the {axis} centre of pressure is constant (it moves {width * 1000:.3g} mm, "
                    f"less than {MIN_COP_RANGE_M * 1000:g} mm): nobody stood on the plate or "
                    "the channel is stuck",
                    subject=axis,
                )
            )
        elif np.isfinite(width) and width > MAX_COP_RANGE_M:
            findings.append(
                Finding(
                    "units",
                    f"the {axis} centre of pressure moves over {width:.3g} m, more than a "
                    "person standing can: check the CoP unit (cm or mm read as m?)",
                    subject=axis,
                )
            )
    return findings + check_time(cop.time_s)


def check_motion(motion: MotionSeries) -> list[Finding]:
    """Overflowing acceleration or angular rate (refused), stuck sensors and holes (flags)."""
    findings = _overflow("the acceleration", motion.acc_m_s2, MAX_ACC_M_S2, "m/s²")
    findings += _overflow("the angular rate", motion.gyr_rad_s, MAX_GYR_RAD_S, "rad/s")
    if motion.mag is not None and np.any(np.isinf(motion.mag)):
        findings.append(Finding("overflow", "the magnetometer holds infinite values", True))
    if any(f.refuse for f in findings):
        return findings
    for name, values, floor, unit in (
        ("accelerometer", motion.acc_m_s2, MIN_ACC_RANGE_M_S2, "m/s²"),
        ("gyroscope", motion.gyr_rad_s, MIN_GYR_RANGE_RAD_S, "rad/s"),
    ):
        ranges = _ranges(values)
        if len(motion) > 1 and np.all(np.nan_to_num(ranges, nan=0.0) < floor):
            findings.append(
                Finding(
                    "constant",
                    f"the {name} is constant (each axis moves less than {floor:g} {unit}): the "
                    "sensor is stuck or was not recording",
                    subject=name,
                )
            )
    return findings + check_time(motion.time_s)


def _present(pose: PoseSeries, coords: FloatArray) -> BoolArray:
    present = (pose.visibility > 0) & np.all(np.isfinite(coords), axis=2)
    return np.asarray(present, dtype=np.bool_)


def _extent(coords: FloatArray, present: BoolArray) -> FloatArray:
    """(N,) largest per-axis spread of the present landmarks of each frame (NaN below 3)."""
    masked = np.where(present[:, :, None], coords, np.nan)
    enough = present.sum(axis=1) >= 3
    out = np.full(coords.shape[0], np.nan)
    if enough.any():
        spread = np.nanmax(masked[enough], axis=1) - np.nanmin(masked[enough], axis=1)
        out[enough] = np.max(spread, axis=1)
    return out


def collapsed_frames(pose: PoseSeries, space: str = "auto") -> BoolArray:
    """(N,) frames whose landmarks are collapsed to (nearly) one point.

    Args:
        pose: the landmarks.
        space: ``"image"``, ``"world"``, or ``"auto"``: the image landmarks where a frame has
            them, else its world landmarks.

    A frame is collapsed when at least 3 of its landmarks are present (visibility above 0,
    finite coordinates, person detected) and they span less than :data:`MIN_IMAGE_EXTENT` of
    the frame in the image, or less than :data:`MIN_WORLD_EXTENT_M` in world coordinates.
    Such frames give angles of 0° or NaN and must not be measured; assessments call this to
    leave them out.
    """
    image = pose.image_xyz[:, :, :2]
    image_extent = _extent(image, _present(pose, image) & pose.detected[:, None])
    world_extent = _extent(
        pose.world_xyz_m, _present(pose, pose.world_xyz_m) & pose.detected[:, None]
    )
    image_collapsed = np.nan_to_num(image_extent, nan=np.inf) < MIN_IMAGE_EXTENT
    world_collapsed = np.nan_to_num(world_extent, nan=np.inf) < MIN_WORLD_EXTENT_M
    if space == "image":
        collapsed = image_collapsed
    elif space == "world":
        collapsed = world_collapsed
    else:
        collapsed = np.where(np.isfinite(image_extent), image_collapsed, world_collapsed)
    return np.asarray(collapsed, dtype=np.bool_)


def check_pose(pose: PoseSeries) -> list[Finding]:
    """Overflowing coordinates (refused); collapsed, frozen or far-spread landmarks and holes
    in time (flags)."""
    findings = _overflow("the image landmarks", pose.image_xyz, MAX_IMAGE_COORD, "frame widths")
    findings += _overflow("the world landmarks", pose.world_xyz_m, MAX_WORLD_M, "m")
    if any(f.refuse for f in findings):
        return findings
    collapsed = collapsed_frames(pose, "image") | collapsed_frames(pose, "world")
    if collapsed.any():
        findings.append(
            Finding(
                "collapsed_landmarks",
                f"in {int(collapsed.sum())} of {len(pose)} frames the landmarks are collapsed "
                "to one point: those frames cannot be measured",
            )
        )
    world_extent = _extent(pose.world_xyz_m, _present(pose, pose.world_xyz_m))
    if np.any(np.nan_to_num(world_extent, nan=0.0) > MAX_BODY_EXTENT_M):
        findings.append(
            Finding(
                "units",
                f"the landmarks of one frame span up to {np.nanmax(world_extent):.3g} m, more "
                "than a body: check the unit of the coordinates (mm read as m?)",
            )
        )
    if pose.n_detected > 1:
        judged = [_frozen(c[pose.detected]) for c in (pose.image_xyz, pose.world_xyz_m)]
        if True in judged and False not in judged:
            findings.append(
                Finding(
                    "constant",
                    "the landmarks do not move at all from frame to frame: the recording is "
                    "a still image or frozen",
                )
            )
    return findings + check_time(pose.time_s)


def _frozen(coords: FloatArray) -> bool | None:
    """Whether every landmark present has exactly the same coordinates in every frame (None
    when no coordinate is present)."""
    flat = coords.reshape(coords.shape[0], -1)
    finite = np.isfinite(flat)
    if not finite.any():
        return None
    first = np.where(finite, flat, 0.0)[0]
    same = np.where(finite, flat == first, True)
    return bool(np.all(same) and np.all(finite == finite[0]))


def check_series(series: CopSeries | MotionSeries | PoseSeries) -> list[Finding]:
    """The checks of ``series``' kind."""
    if isinstance(series, CopSeries):
        return check_cop(series)
    if isinstance(series, MotionSeries):
        return check_motion(series)
    return check_pose(series)


def refuse_or_flag(series: AnyKind, findings: Sequence[Finding]) -> AnyKind:
    """Raise :class:`ImplausibleRecordingError` for the first refusing finding; otherwise
    return ``series`` with the flags in ``provenance.details["quality_flags"]`` (unchanged
    when there are none)."""
    source = series.provenance.source or "the recording"
    for finding in findings:
        if finding.refuse:
            raise ImplausibleRecordingError(f"{source}: {finding.message}")
    if not findings:
        return series
    flags: list[dict[str, Any]] = [f.to_json() for f in findings]
    provenance = series.provenance.with_details(**{QUALITY_FLAGS_KEY: flags})
    flagged: AnyKind = dataclasses.replace(series, provenance=provenance)
    return flagged


def quality_flags(series: CopSeries | MotionSeries | PoseSeries) -> list[dict[str, Any]]:
    """The flags a reader recorded on ``series`` (empty when none)."""
    return list(series.provenance.details.get(QUALITY_FLAGS_KEY, []))
