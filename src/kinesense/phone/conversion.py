"""A phone's DeviceMotion samples to a :class:`~kinesense.series.MotionSeries`.

The W3C frame ("DeviceOrientation Event Specification", W3C Working Draft, sections 4.1 and
4.3, https://www.w3.org/TR/orientation-event/): the device's axes are x to the right of the
screen and y towards its top, both in the plane of the screen, and z out of the screen towards
the person looking at it (right-handed).

* ``accelerationIncludingGravity`` (m/s²) is the acceleration of the device plus the reaction to
  gravity: a phone lying still, screen up, reads (0, 0, +9.81). That is the specific force a
  :class:`MotionSeries` holds (``acc_m_s2``, what an IMU and the IMU CSV reader give), so it is
  taken as it is, axis for axis.
* ``rotationRate`` (degrees per second) gives ``alpha`` about z, ``beta`` about x and ``gamma``
  about y, each positive counter-clockwise seen from the axis's tip (right-handed). So the
  gyroscope's (x, y, z) in rad/s is ``radians(beta, gamma, alpha)`` (:func:`numpy.radians`).
* Time is when the page received each sample, ``performance.now()`` in ms; the series' time is
  ``(t - t_first) / 1000`` s, as the UCI reader counts from the first sample.

The series is then made and checked exactly as :func:`kinesense.capture.readers.read_imu_csv`
makes one from a file: the time column through the readers' :func:`clean_time` (repeated time
stamps dropped, time going backwards refused) and the plausibility checks of
:mod:`kinesense.series.plausibility` (overflowing values refused, a stuck sensor or a hole in
time flagged). No magnetometer: DeviceMotion has none.

Safari before iOS 13 reported ``accelerationIncludingGravity`` with the opposite sign; such old
browsers are not supported (they also lack ``DeviceMotionEvent.requestPermission``). A browser
that sends no gravity at all is refused (:func:`missing_gravity`).
"""

from collections.abc import Sequence
from typing import Any

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.capture.readers._tabular import clean_time
from kinesense.errors import InputFileError
from kinesense.phone.messages import MotionRow, OrientationRow
from kinesense.series import MotionSeries, Provenance
from kinesense.series.plausibility import check_motion, refuse_or_flag

READER = "phone"
MIN_SAMPLES = 2
GRAVITY_M_S2 = 9.80665
ACC_COLUMNS = slice(1, 4)
RATE_COLUMNS = [5, 6, 4]
"""``beta, gamma, alpha`` (about x, y, z) in a motion row."""


def motion_rows(rows: Sequence[MotionRow]) -> FloatArray:
    """(N, 8) float array of motion rows (empty (0, 8) when none)."""
    return np.asarray(rows, np.float64).reshape(-1, 8)


def gyroscope_rad_s(rows: FloatArray) -> FloatArray:
    """(N, 3) angular rate about the device's x, y, z in rad/s from ``rotationRate``
    (``beta, gamma, alpha`` in deg/s)."""
    rates: FloatArray = np.radians(rows[:, RATE_COLUMNS])
    return rates


def cut_to_duration(rows: FloatArray, duration_s: float) -> FloatArray:
    """The rows within ``duration_s`` of the first one (inclusive), in the order received."""
    if rows.shape[0] == 0:
        return rows
    kept: FloatArray = rows[(rows[:, 0] - rows[0, 0]) <= duration_s * 1000.0]
    return kept


def motion_series(
    rows: FloatArray,
    *,
    placement: str,
    source: str,
    details: dict[str, Any] | None = None,
) -> MotionSeries:
    """The checked :class:`MotionSeries` of motion rows (see the module docstring).

    Raises:
        InputFileError: fewer than two samples, time going backwards, values that overflow
            (the readers' refusals, worded for the phone).
    """
    if rows.shape[0] < MIN_SAMPLES:
        raise InputFileError(
            f"{source}: the phone sent {rows.shape[0]} motion samples; at least {MIN_SAMPLES} "
            "are needed (does this browser give motion sensor readings?)"
        )
    time_s = (rows[:, 0] - rows[0, 0]) / 1000.0
    cleaned = clean_time(time_s, source)
    rows = rows[cleaned.keep]
    intervals = rows[:, 7]
    series = MotionSeries(
        time_s=time_s[cleaned.keep],
        acc_m_s2=rows[:, ACC_COLUMNS],
        gyr_rad_s=gyroscope_rad_s(rows),
        placement=placement,
        provenance=Provenance(
            source=source,
            reader=READER,
            details={
                "format": "w3c-devicemotion",
                "time_from": "performance.now() when the page received each sample",
                "frame": "W3C device frame: x right, y up the screen, z out of the screen",
                "reported_interval_ms": float(np.median(intervals)),
                **{f"time_{k}": v for k, v in cleaned.notes.items()},
                **(details or {}),
            },
        ),
    )
    return refuse_or_flag(series, check_motion(series))


def orientation_summary(rows: Sequence[OrientationRow]) -> dict[str, Any]:
    """The DeviceOrientation samples in short, for the provenance: how many, and the median
    ``beta`` and ``gamma`` (degrees; how the phone was held) over the recording."""
    if not rows:
        return {"orientation_samples": 0}
    values = np.array([[np.nan if v is None else v for v in row] for row in rows], np.float64)
    summary: dict[str, Any] = {"orientation_samples": len(rows)}
    for name, column in (("beta", 2), ("gamma", 3)):
        finite = values[:, column][np.isfinite(values[:, column])]
        if finite.size:
            summary[f"orientation_median_{name}_deg"] = round(float(np.median(finite)), 1)
    return summary


def missing_gravity(rows: FloatArray) -> str | None:
    """A message when the mean acceleration is far below g (the browser sent ``acceleration``,
    without gravity, where ``accelerationIncludingGravity`` is needed), else None."""
    if rows.shape[0] == 0:
        return None
    mean = rows[:, ACC_COLUMNS].mean(axis=0)
    if float(np.linalg.norm(mean)) < 0.5 * GRAVITY_M_S2:
        return (
            "the phone's acceleration does not include gravity (about 9.8 m/s²): this browser "
            "gives no accelerationIncludingGravity, which the test needs"
        )
    return None
