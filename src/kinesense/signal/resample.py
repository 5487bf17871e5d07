"""Resample an irregularly timed series onto a uniform time grid by linear interpolation.

Camera frames arrive at irregular times (dropped frames, variable frame rate); filters and
spectral measures need a uniform rate. Each new sample is interpolated linearly between the two
original samples that bracket it. It is NaN when either of them is NaN (this function never
bridges missing values: fill short gaps first with :func:`kinesense.signal.gaps.fill_gaps`),
when the two are further apart in time than ``max_gap_s`` (frames lost without a trace), or
when it lies outside the original time span (no extrapolation). A new sample that falls on an
original sample time (within 1 ns) takes that sample's value.
"""

import math

import numpy as np
from numpy.typing import ArrayLike

from kinesense._checks import check_positive
from kinesense.arrays import FloatArray
from kinesense.signal.gaps import TIME_TOLERANCE_S, check_time_s, check_values


def uniform_time_grid(start_s: float, end_s: float, rate_hz: float) -> FloatArray:
    """Times ``start_s + k / rate_hz`` for k = 0, 1, ... up to ``end_s`` (included within 1 ns)."""
    rate = check_positive("rate_hz", rate_hz)
    start, end = float(start_s), float(end_s)
    if not (math.isfinite(start) and math.isfinite(end)):
        raise ValueError(f"start_s and end_s must be finite seconds; got {start_s!r}, {end_s!r}")
    if end < start:
        raise ValueError(f"end_s ({end!r}) must not be before start_s ({start!r})")
    count = math.floor((end - start + TIME_TOLERANCE_S) * rate) + 1
    return start + np.arange(count, dtype=np.float64) / rate


def resample_uniform(
    time_s: ArrayLike,
    values: ArrayLike,
    rate_hz: float,
    *,
    max_gap_s: float | None = None,
    start_s: float | None = None,
    end_s: float | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Linearly interpolate ``values`` onto a uniform grid of ``rate_hz`` samples per second.

    Args:
        time_s: (N,) original sample times in seconds, strictly increasing, N >= 1.
        values: (N, ...) original values, time on axis 0, NaN where missing.
        rate_hz: new sampling rate in Hz.
        max_gap_s: a new sample whose two bracketing original samples are more than this many
            seconds apart is NaN; ``None`` bridges any spacing.
        start_s: time of the first new sample (default: the first original time).
        end_s: latest time of the last new sample (default: the last original time).

    Returns:
        ``(new_time_s, new_values)``: (M,) times ``start_s + k / rate_hz`` and (M, ...) values.
    """
    t = check_time_s(time_s)
    if t.size == 0:
        raise ValueError("time_s must hold at least one sample to resample")
    v = check_values(values, t.size)
    limit = None if max_gap_s is None else check_positive("max_gap_s", max_gap_s)
    grid = uniform_time_grid(
        t[0] if start_s is None else start_s, t[-1] if end_s is None else end_s, rate_hz
    )
    columns = v.reshape(t.size, -1)
    out = np.full((grid.size, columns.shape[1]), np.nan)

    # i: last original sample at or before each new time (-1 when before the start).
    i = np.searchsorted(t, grid + TIME_TOLERANCE_S, side="right") - 1
    on_sample = (i >= 0) & (np.abs(grid - t[np.clip(i, 0, None)]) <= TIME_TOLERANCE_S)
    out[on_sample] = columns[i[on_sample]]

    between = ~on_sample & (i >= 0) & (i < t.size - 1)
    lo = i[between]
    span = t[lo + 1] - t[lo]
    weight = ((grid[between] - t[lo]) / span)[:, None]
    interpolated = (1.0 - weight) * columns[lo] + weight * columns[lo + 1]
    if limit is not None:
        interpolated[span > limit + TIME_TOLERANCE_S] = np.nan
    out[between] = interpolated
    return grid, out.reshape((grid.size, *v.shape[1:]))
