"""Movement smoothness: the spectral arc length (SPARC) of a speed profile.

SPARC (Balasubramanian S, Melendez-Calderon A, Roby-Brami A, Burdet E, 2015, "On the analysis
of movement smoothness", J NeuroEng Rehabil 12:112, doi:10.1186/s12984-015-0090-9; first
proposed as the spectral arc length by Balasubramanian S, Melendez-Calderon A, Burdet E, 2012,
IEEE Trans Biomed Eng 59(8):2126-2136) is the negative arc length of the normalised Fourier
magnitude spectrum of the movement's speed profile ``v(t)``::

    SPARC = - integral_0^wc sqrt( (1 / wc)^2 + (dV^/dw)^2 ) dw,      V^(w) = |V(w)| / |V(0)|

    wc = min( wc_max, min{ w : V^(r) < V_bar for all r > w } )

with the published parameters ``V_bar = 0.05`` (amplitude threshold), ``wc_max = 2 pi * 10 Hz``
(cut-off) and the spectrum computed with zero padding to ``2^(ceil(log2 N) + 4)`` points
(padding level 4), as in the paper and its authors' reference code. A smooth, single-peaked
speed profile has a short, monotonic spectrum and a SPARC near -1.4 to -1.6; every
sub-movement, pause or tremor adds spectral bumps and makes SPARC more negative. The value has
no unit and does not depend on the movement's amplitude or duration.

The integral is evaluated as the length of the polyline through the spectrum samples in the
plane (f / fc, V^): ``sum sqrt((df / fc)^2 + dV^^2)``, which is the same quantity in frequency
units of Hz (the ratio ``dw / wc`` has no unit).

For repeated movements (:func:`phase_sparcs`) each outward and each return movement is scored
on its own, from onset to offset at :data:`PHASE_SPEED_SHARE` of that phase's peak speed.
"""

import math
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from numpy.typing import ArrayLike

from kinesense._checks import check_positive
from kinesense.arrays import FloatArray
from kinesense.signal.peaks import Peak

SPARC_AMPLITUDE_THRESHOLD = 0.05
"""V_bar: spectrum magnitudes below this share of the peak are ignored (Balasubramanian 2015)."""

SPARC_MAX_CUTOFF_HZ = 10.0
"""wc_max / 2 pi: the highest frequency considered, Hz (Balasubramanian 2015)."""

SPARC_PADDING_LEVEL = 4
"""Zero padding: the FFT has ``2^(ceil(log2 N) + 4)`` points (Balasubramanian 2015)."""

MIN_SAMPLES = 4
"""Fewer speed samples than this have no meaningful spectrum."""

PHASE_SPEED_SHARE = 0.05
"""Movement onset and offset: angular speed below 5 % of the phase's peak speed."""


def sparc(
    speed: ArrayLike,
    sampling_rate_hz: float,
    *,
    amplitude_threshold: float = SPARC_AMPLITUDE_THRESHOLD,
    max_cutoff_hz: float = SPARC_MAX_CUTOFF_HZ,
    padding_level: int = SPARC_PADDING_LEVEL,
) -> float:
    """Spectral arc length (SPARC, no unit, negative; closer to 0 is smoother).

    Args:
        speed: (N,) speed profile of one discrete movement (any unit: m/s, deg/s), uniformly
            sampled, no NaN; from movement onset to offset.
        sampling_rate_hz: sampling rate in Hz.
        amplitude_threshold: V_bar, 0.05 in the paper.
        max_cutoff_hz: wc_max in Hz, 10 Hz in the paper.
        padding_level: zero-padding level, 4 in the paper.

    Raises:
        ValueError: fewer than :data:`MIN_SAMPLES` samples, NaN, or a speed that is zero
            throughout (no movement: smoothness is undefined).

    Reference: Balasubramanian et al. 2015, J NeuroEng Rehabil 12:112 (see the module).
    """
    v = np.asarray(speed, dtype=np.float64)
    if v.ndim != 1 or v.size < MIN_SAMPLES:
        raise ValueError(f"speed must be 1-D with at least {MIN_SAMPLES} samples; got {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError("speed must be finite (fill or cut missing samples first)")
    fs = check_positive("sampling_rate_hz", sampling_rate_hz)
    threshold = check_positive("amplitude_threshold", amplitude_threshold)
    fc_max = check_positive("max_cutoff_hz", max_cutoff_hz)
    if isinstance(padding_level, bool) or not isinstance(padding_level, int) or padding_level < 0:
        raise ValueError(f"padding_level must be a whole number >= 0; got {padding_level!r}")
    n_fft = 2 ** (math.ceil(math.log2(v.size)) + padding_level)
    magnitude = np.abs(np.fft.rfft(v, n_fft))
    peak = float(magnitude.max())
    if peak == 0.0:
        raise ValueError("speed is zero throughout: there is no movement to judge")
    normalised = magnitude / peak
    freq_hz = np.fft.rfftfreq(n_fft, d=1.0 / fs)
    in_band = freq_hz <= fc_max
    f_band, v_band = freq_hz[in_band], normalised[in_band]
    above = np.flatnonzero(v_band >= threshold)
    last = int(above[-1])  # adaptive cut-off: the last frequency still above the threshold
    if last == 0:
        return 0.0  # all energy at 0 Hz within the resolution: a flat (constant) speed
    f_sel, v_sel = f_band[: last + 1], v_band[: last + 1]
    cutoff = float(f_sel[-1] - f_sel[0])
    length = np.sum(np.hypot(np.diff(f_sel) / cutoff, np.diff(v_sel)))
    return -float(length)


def speed_of_angle(angle_deg: ArrayLike, sampling_rate_hz: float) -> FloatArray:
    """(N,) angular speed ``|d angle / dt|`` in degrees per second (central differences).

    The speed profile SPARC needs for a single rotation (Balasubramanian 2015, Table 3: use the
    speed, the norm of the first derivative of position, here of the angle).
    """
    a = np.asarray(angle_deg, dtype=np.float64)
    fs = check_positive("sampling_rate_hz", sampling_rate_hz)
    if a.size < 2:
        return np.zeros_like(a)
    return np.asarray(np.abs(np.gradient(a, 1.0 / fs)), dtype=np.float64)


def phase_sparcs(
    excursion_deg: FloatArray,
    sampling_rate_hz: float,
    peaks: Sequence[Peak],
    speed_share: float = PHASE_SPEED_SHARE,
) -> list[float]:
    """SPARC of each outward and return movement around the ``peaks`` of a uniformly sampled
    angle (degrees from neutral).

    Phases are cut at the samples nearest neutral between consecutive peaks (and at the ends);
    each phase is trimmed to where its angular speed exceeds ``speed_share`` of its peak speed.
    Phases too short to score (fewer than :data:`MIN_SAMPLES` samples) are left out.
    """
    values = excursion_deg
    bounds = [0]
    for a, b in pairwise(peaks):
        segment = np.abs(values[a.index : b.index + 1])
        bounds.append(a.index + int(np.nanargmin(segment)))
    bounds.append(len(values) - 1)
    results: list[float] = []
    for k, peak in enumerate(peaks):
        for lo, hi in ((bounds[k], peak.index), (peak.index, bounds[k + 1])):
            speed = speed_of_angle(values[lo : hi + 1], sampling_rate_hz)
            value = _phase_sparc(speed, sampling_rate_hz, speed_share)
            if value is not None:
                results.append(value)
    return results


def _phase_sparc(speed: FloatArray, rate_hz: float, speed_share: float) -> float | None:
    if speed.size < MIN_SAMPLES or not np.all(np.isfinite(speed)) or speed.max() <= 0:
        return None
    top = int(np.argmax(speed))
    slow = speed < speed_share * speed[top]
    before = np.flatnonzero(slow[:top])
    after = np.flatnonzero(slow[top:])
    start = int(before[-1]) if before.size else 0
    end = top + int(after[0]) if after.size else speed.size - 1
    if end - start + 1 < MIN_SAMPLES:
        return None
    return sparc(speed[start : end + 1], rate_hz)
