"""Repetitions of an exercise from one body-worn IMU: out-and-back rotations about the axis the
limb turns about. One method for every exercise, with no per-exercise setting.

**Method.**

1. The angular rate (gyroscope, rad/s) is low-passed at :data:`CUTOFF_HZ` (zero-lag
   Butterworth, :func:`kinesense.signal.filters.butter_lowpass_zero_lag`) and projected onto its
   first principal direction (uncentred principal component analysis of the three axes): the
   axis the segment carrying the sensor turns about. Projecting a repetitive exercise onto the
   first principal component follows RecoFit (Morris D, Saponas TS, Guillory A, Kelner I.
   RecoFit: using a wearable sensor to find, recognize, and count repetitive exercises. CHI
   2014), applied here to the gyroscope, whose integral is a rotation in degrees whatever the
   sensor's orientation, and which needs no gravity (a leg swung in a horizontal plane turns a
   sensor without tilting it).
2. The signed rate is cut into *lobes* at its sign changes; a lobe's rotation is its integral.
   Lobes that turn less than :data:`MIN_FRACTION` of the session's large rotations (the 90th
   percentile of the lobes over 2 degrees), or less than :data:`MIN_ROTATION_DEG`, are tremor
   and sensor noise, and are dropped (the hysteresis of the method: a movement must turn that
   far before it counts, which also bridges jitter at the turning points).
3. Consecutive kept lobes of one sign less than :data:`MAX_PAUSE_S` apart are one movement
   that paused on the way.
4. The person starts at rest, so the direction of the first movement is *out*; a repetition is
   an out-movement followed by the next back-movement. Unpaired movements are left out. A hold
   at the far position stays inside its repetition.
5. A repetition starts where the out-movement's rate first reaches :data:`ONSET_FRACTION` of its
   peak and ends where the back-movement's rate is last at that fraction.

**Chosen on UCI subject 1** (Yurtman A, Barshan B. Automated evaluation of physical therapy
exercises using multi-template dynamic time warping on wearable sensor signals. Comput Methods
Programs Biomed 2014; data CC BY 4.0), the only subject here: :data:`MIN_FRACTION`. Pooled
precision/recall over the eight exercises: 0.87/0.87 at 0.2, 0.97/0.97 at 0.25 and 0.3,
0.97/0.95 at 0.35, 0.96/0.91 at 0.4 (see
``benchmarks/validity.py``). The others are physical choices, not fitted: the 2 Hz cut-off keeps
the fastest repetitions (about 1 s out and back) and removes tremor; a pause longer than 1 s
ends a movement (it is a hold); 10 % of the peak rate is a common onset criterion in movement
timing.

**Limits.** The sensor must turn with the movement (a sensor on a segment that only translates
sees nothing); when the first movement of a recording is not a repetition's out-movement (the
person gets into position first), repetitions are paired the wrong way round, back then out;
two exercises in one recording share one axis.
"""

from dataclasses import dataclass
from itertools import pairwise
from typing import Final

import numpy as np

from kinesense._checks import check_positive
from kinesense.arrays import FloatArray
from kinesense.errors import ImplausibleRecordingError
from kinesense.series import MotionSeries
from kinesense.signal.filters import butter_lowpass_zero_lag

CUTOFF_HZ: Final = 2.0
MIN_FRACTION: Final = 0.3
MIN_ROTATION_DEG: Final = 5.0
MAX_PAUSE_S: Final = 1.0
ONSET_FRACTION: Final = 0.1
_LARGE_LOBE_DEG = 2.0


@dataclass(frozen=True)
class ImuRepetition:
    """One repetition: ``start_s``, ``end_s`` (seconds on the series' clock) and the rotation of
    its out- and back-movements about the dominant axis, in degrees (both positive)."""

    start_s: float
    end_s: float
    out_deg: float
    back_deg: float


@dataclass(frozen=True)
class _Movement:
    first: int  # sample indices, end exclusive
    last: int
    rotation_deg: float


def dominant_rate(
    series: MotionSeries, cutoff_hz: float = CUTOFF_HZ
) -> tuple[FloatArray, FloatArray, float]:
    """The angular rate about the first principal axis: ``(rate_rad_s (N,), axis (3,),
    sampling_rate_hz)``. Irregularly sampled series are resampled to their median rate first.

    Raises:
        ImplausibleRecordingError: fewer than 10 samples, or a gyroscope that never turns.
    """
    if len(series) < 10:
        raise ImplausibleRecordingError(
            f"{series.provenance.source or 'the recording'} is too short to find repetitions "
            f"({len(series)} samples)"
        )
    rate_hz = series.sampling_rate_hz
    steps = np.diff(series.time_s)
    if np.ptp(steps) > 0.01 / rate_hz:
        series = series.resample(rate_hz)
    gyro = np.nan_to_num(series.gyr_rad_s)
    smooth = butter_lowpass_zero_lag(gyro, rate_hz, min(cutoff_hz, 0.45 * rate_hz))
    values, vectors = np.linalg.eigh(smooth.T @ smooth)
    if values[-1] <= 0:
        raise ImplausibleRecordingError(
            f"{series.provenance.source or 'the recording'}: the gyroscope never turns"
        )
    axis = vectors[:, -1]
    return np.asarray(smooth @ axis, dtype=np.float64), axis, rate_hz


def _lobes(rate: FloatArray, rate_hz: float) -> list[_Movement]:
    sign = np.where(rate >= 0, 1, -1)
    cuts = np.flatnonzero(np.diff(sign)) + 1
    bounds = np.concatenate([[0], cuts, [rate.size]])
    return [
        _Movement(int(a), int(b), float(np.degrees(rate[a:b].sum() / rate_hz)))
        for a, b in pairwise(bounds)
    ]


def movements(
    rate: FloatArray,
    rate_hz: float,
    *,
    min_fraction: float = MIN_FRACTION,
    min_rotation_deg: float = MIN_ROTATION_DEG,
    max_pause_s: float = MAX_PAUSE_S,
) -> list[_Movement]:
    """Steps 2 and 3 of the method: the movements of a signed rate (rad/s), in order."""
    lobes = _lobes(rate, rate_hz)
    sizes = np.array([abs(lobe.rotation_deg) for lobe in lobes])
    large = sizes[sizes > _LARGE_LOBE_DEG]
    reference = float(np.percentile(large, 90)) if large.size else 0.0
    threshold = max(min_fraction * reference, min_rotation_deg)
    merged: list[_Movement] = []
    for lobe in (lobe for lobe, size in zip(lobes, sizes, strict=True) if size >= threshold):
        if merged:
            last = merged[-1]
            same = np.sign(last.rotation_deg) == np.sign(lobe.rotation_deg)
            if same and (lobe.first - last.last) / rate_hz <= max_pause_s:
                rotation = last.rotation_deg + lobe.rotation_deg
                merged[-1] = _Movement(last.first, lobe.last, rotation)
                continue
        merged.append(lobe)
    return merged


def _onset(speed: FloatArray, fraction: float, *, first: bool) -> int:
    above = np.flatnonzero(speed >= fraction * speed.max())
    return int(above[0] if first else above[-1])


def segment_repetitions(
    series: MotionSeries,
    *,
    min_fraction: float = MIN_FRACTION,
    min_rotation_deg: float = MIN_ROTATION_DEG,
    max_pause_s: float = MAX_PAUSE_S,
    onset_fraction: float = ONSET_FRACTION,
    cutoff_hz: float = CUTOFF_HZ,
) -> list[ImuRepetition]:
    """The repetitions in one IMU recording (see the module docstring for the method)."""
    for name, value in (
        ("min_fraction", min_fraction),
        ("min_rotation_deg", min_rotation_deg),
        ("max_pause_s", max_pause_s),
        ("onset_fraction", onset_fraction),
    ):
        check_positive(name, value)
    rate, _, rate_hz = dominant_rate(series, cutoff_hz)
    found = movements(
        rate,
        rate_hz,
        min_fraction=min_fraction,
        min_rotation_deg=min_rotation_deg,
        max_pause_s=max_pause_s,
    )
    if not found:
        return []
    out_sign = np.sign(found[0].rotation_deg)
    t0 = float(series.time_s[0])
    repetitions = []
    i = 0
    while i < len(found) - 1:
        out, back = found[i], found[i + 1]
        if np.sign(out.rotation_deg) != out_sign or np.sign(back.rotation_deg) == out_sign:
            i += 1
            continue
        speed_out = np.abs(rate[out.first : out.last])
        speed_back = np.abs(rate[back.first : back.last])
        start = out.first + _onset(speed_out, onset_fraction, first=True)
        end = back.first + _onset(speed_back, onset_fraction, first=False)
        repetitions.append(
            ImuRepetition(
                start_s=t0 + start / rate_hz,
                end_s=t0 + end / rate_hz,
                out_deg=abs(out.rotation_deg),
                back_deg=abs(back.rotation_deg),
            )
        )
        i += 2
    return repetitions


def most_active(recordings: list[MotionSeries]) -> int:
    """Index of the recording whose gyroscope turns most (root mean square rate): the sensor on
    the exercised segment, when several were worn."""
    if not recordings:
        raise ValueError("most_active needs at least one recording")
    rms = [float(np.sqrt(np.nanmean(np.sum(r.gyr_rad_s**2, axis=1)))) for r in recordings]
    return int(np.argmax(rms))
