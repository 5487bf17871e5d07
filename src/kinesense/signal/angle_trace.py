"""A joint or segment angle made ready for event detection: uniform, gap-filled, de-spiked and
low-passed, and its neutral value while the person stood still.

Order of the steps (:func:`prepare_angle`): gaps up to ``max_gap_s`` are bridged linearly
(:func:`kinesense.signal.gaps.fill_gaps`), the samples are put on a uniform grid
(:func:`kinesense.signal.resample.resample_uniform`), a running median removes one- or
two-frame landmark jumps that a low-pass would only spread
(:func:`kinesense.signal.filters.running_median`), then a zero-lag Butterworth low-pass
(:func:`kinesense.signal.filters.butter_lowpass_zero_lag`) removes the remaining noise.
"""

from dataclasses import dataclass

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.signal.filters import butter_lowpass_zero_lag, odd_window, running_median
from kinesense.signal.gaps import fill_gaps
from kinesense.signal.resample import resample_uniform


@dataclass(frozen=True)
class AngleTrace:
    """A uniformly sampled, filtered angle: time (s), angle (deg, NaN where missing), rate (Hz)."""

    time_s: FloatArray
    angle_deg: FloatArray
    sampling_rate_hz: float


def prepare_angle(
    time_s: FloatArray,
    angle_deg: FloatArray,
    rate_hz: float,
    *,
    max_gap_s: float,
    spike_window_s: float,
    cutoff_hz: float,
) -> AngleTrace:
    """Resample to ``rate_hz``, fill gaps up to ``max_gap_s``, remove spikes (running median
    over ``spike_window_s``, an odd count of at least 3 samples), low-pass (zero lag) at
    ``cutoff_hz``."""
    filled = fill_gaps(time_s, angle_deg, max_gap_s)
    grid, uniform = resample_uniform(time_s, filled, rate_hz, max_gap_s=max_gap_s)
    window = odd_window(spike_window_s * rate_hz, minimum=3)
    smooth = butter_lowpass_zero_lag(running_median(uniform, window), rate_hz, cutoff_hz)
    return AngleTrace(grid, smooth, rate_hz)


def neutral_angle_deg(trace: AngleTrace, window_s: float, search_s: float) -> tuple[float, float]:
    """Median and range (deg) of the angle over the stillest ``window_s`` window that starts
    within the first ``search_s`` of data (a protocol's seconds of standing still; searching
    skips the pose model's unsteady first frames). NaN and NaN when the angle is never known."""
    valid = np.flatnonzero(np.isfinite(trace.angle_deg))
    if valid.size == 0:
        return float("nan"), float("nan")
    t, a = trace.time_s, trace.angle_deg
    first = t[valid[0]]
    best: tuple[float, float] = (float("nan"), float("inf"))
    for i in valid[t[valid] <= first + search_s]:
        window = valid[(t[valid] >= t[i]) & (t[valid] <= t[i] + window_s)]
        if t[window[-1]] - t[i] < 0.9 * window_s and i != valid[0]:
            continue
        spread = float(a[window].max() - a[window].min())
        if spread < best[1]:
            best = (float(np.median(a[window])), spread)
    return best
