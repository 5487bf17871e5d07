"""A real IMU recording as a phone would deliver it, for the phone tests: the samples of a UCI
file (``../shared/data/imu``, Yurtman & Barshan 2014, CC BY 4.0) cut to a protocol's duration,
as DeviceMotion rows (acceleration with gravity in m/s², ``rotationRate`` alpha/beta/gamma in
deg/s about z/x/y, time in ms), and the same cut written back in the file's own format so that
``kinesense assess ... --imu`` reads exactly those samples."""

import gzip
import math
from pathlib import Path

import numpy as np

from kinesense.capture.readers.imu_csv import UCI_RATE_HZ, read_imu_csv
from kinesense.series import MotionSeries

REPLAY = """(rows) => {
  rows.forEach((row, k) => window.setTimeout(() => window.dispatchEvent(new DeviceMotionEvent(
    "devicemotion", {
      accelerationIncludingGravity: {x: row[1], y: row[2], z: row[3]},
      rotationRate: {alpha: row[4], beta: row[5], gamma: row[6]},
      interval: row[7],
    })), row[0]));
}"""
"""Page script: one ``DeviceMotionEvent`` per row of :func:`device_motion_rows`, dispatched on
``window`` at the row's time (ms from now, on the page's clock)."""
SWAY_FILE = "imu/uci_s1/e1/u5/template_session.txt.gz"
"""The file the golden case ``sway_imu`` measures (chest sensor, subject 1, exercise 1)."""
REPOSITIONING_FILE = "imu/uci_s1/e3/u5/test.txt.gz"
"""A chest sensor through a long session of exercise 3: the repositioning test finds movements
but not the six still trials it needs (no UCI recording is a repositioning protocol), so the
result is a refusal with reasons and an angle trace, compared in full."""


def cut_uci(source: Path, target: Path, duration_s: float) -> Path:
    """The rows of a UCI file within ``duration_s`` of its first sample, in its own format."""
    with gzip.open(source, "rt") as handle:
        lines = handle.read().splitlines()
    header, rows = lines[0], [line for line in lines[1:] if line.strip()]
    first = float(rows[0].split(";")[0])
    kept = [r for r in rows if (float(r.split(";")[0]) - first) / UCI_RATE_HZ <= duration_s]
    target.write_text("\n".join([header, *kept]) + "\n")
    return target


def device_motion_rows(series: MotionSeries) -> list[list[float]]:
    """The series as the phone page's motion rows ``[t_ms, ax, ay, az, alpha, beta, gamma,
    interval_ms]``: ``alpha, beta, gamma`` = degrees of the gyroscope's z, x, y (W3C frame);
    the time of sample ``k`` is ``40 k`` ms (25 Hz), which the server divides back exactly."""
    deg = series.gyr_rad_s * (180.0 / math.pi)
    interval = 1000.0 / UCI_RATE_HZ
    rows = []
    for k, t in enumerate(series.time_s):
        alpha, beta, gamma = float(deg[k, 2]), float(deg[k, 0]), float(deg[k, 1])
        time_ms = round(float(t) * UCI_RATE_HZ) * interval
        rows.append([time_ms, *map(float, series.acc_m_s2[k]), alpha, beta, gamma, interval])
    return rows


def read_cut(path: Path) -> MotionSeries:
    """The cut file as the command line reads it."""
    return read_imu_csv(path)


def batches(rows: list[list[float]], size: int = 50) -> list[dict[str, object]]:
    """The rows as the page's ``motion`` messages."""
    return [
        {"type": "motion", "seq": i, "motion": rows[start : start + size]}
        for i, start in enumerate(range(0, len(rows), size))
    ]


def one_ulp_apart(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two float arrays differ by at most one unit in the last place, element by
    element (a value converted to degrees and back)."""
    return bool(np.all(np.abs(a - b) <= np.spacing(np.maximum(np.abs(a), np.abs(b)))))
