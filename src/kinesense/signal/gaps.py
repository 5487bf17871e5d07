"""Find and fill runs of missing samples (NaN) in series sampled at known times.

A *gap* is a run of consecutive missing samples. Its *duration* is the time between the last
valid sample before it and the first valid sample after it, in seconds, so a single missing
frame at 30 Hz is a gap of 2/30 s. Gaps that touch the start or the end of the recording have
no sample on one side: they are never filled (no extrapolation).

Values are arrays with time on axis 0 and any trailing shape, e.g. (N,), (N, 3) or (N, 33, 3);
each trailing element (column) is treated on its own. NaN marks a missing value; infinite values
are refused, because they are a bug upstream rather than a missing measurement.
"""

from typing import Any, Final, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from kinesense._checks import check_option, check_positive
from kinesense.arrays import BoolArray, FloatArray
from kinesense.signal.runs import true_runs

FILL_METHODS: Final[tuple[str, ...]] = ("linear", "cubic", "pchip")
"""Interpolation methods of :func:`fill_gaps`."""

TIME_TOLERANCE_S: Final[float] = 1e-9
"""Two durations closer than this (1 ns) are treated as equal, so that a gap of exactly
``max_gap_s`` is filled despite floating-point rounding of the time stamps."""


class Gap(NamedTuple):
    """A run of missing samples: ``values[start:end]`` are missing (``end`` is exclusive)."""

    start: int
    end: int


def check_time_s(time_s: ArrayLike, name: str = "time_s") -> FloatArray:
    """Return ``time_s`` as a 1-D float array of finite, strictly increasing seconds."""
    t = np.asarray(time_s, dtype=np.float64)
    if t.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (N,); got shape {t.shape}")
    if not np.all(np.isfinite(t)):
        raise ValueError(f"{name} must hold finite seconds only")
    if t.size > 1 and np.any(np.diff(t) <= 0):
        raise ValueError(f"{name} must be strictly increasing")
    return t


def check_values(values: ArrayLike, n_samples: int, name: str = "values") -> FloatArray:
    """Return ``values`` as a float array with ``n_samples`` rows; NaN allowed, infinity not."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 0 or v.shape[0] != n_samples:
        shape = v.shape
        raise ValueError(f"{name} must have {n_samples} samples on axis 0; got shape {shape}")
    if np.any(np.isinf(v)):
        raise ValueError(f"{name} must be finite or NaN (missing); found infinite values")
    return v


def find_gaps(time_s: ArrayLike, valid: ArrayLike) -> list[Gap]:
    """Return the runs of invalid samples as ``[(start_idx, end_idx), ...]``, in time order.

    Args:
        time_s: (N,) sample times in seconds, strictly increasing (checked against ``valid``).
        valid: (N,) booleans, True where the sample is usable.

    Returns:
        One :class:`Gap` per run of False in ``valid``; ``valid[start:end]`` is all False
        (``end`` exclusive). A gap with ``start == 0`` or ``end == N`` touches an end of the
        recording.
    """
    t = check_time_s(time_s)
    ok = np.asarray(valid)
    if ok.dtype != np.bool_:
        raise ValueError(f"valid must be an array of booleans; got dtype {ok.dtype}")
    if ok.shape != t.shape:
        raise ValueError(f"valid must have the shape of time_s {t.shape}; got {ok.shape}")
    return _runs(~ok)


def gap_durations_s(time_s: ArrayLike, gaps: list[Gap]) -> FloatArray:
    """Duration of each gap in seconds: time from the last valid sample before it to the first
    valid sample after it; ``inf`` for a gap that touches the start or the end."""
    t = check_time_s(time_s)
    return _durations(t, gaps)


def fill_gaps(
    time_s: ArrayLike,
    values: ArrayLike,
    max_gap_s: float,
    method: str = "linear",
) -> FloatArray:
    """Interpolate over runs of NaN no longer than ``max_gap_s``; leave longer runs NaN.

    Each column (trailing element) is filled on its own. A gap is filled only when it has a
    valid sample on both sides and its duration (last valid sample before it to first valid
    after it, see the module docstring) is at most ``max_gap_s`` seconds (within 1 ns). The
    ends are never extrapolated. Valid samples are returned unchanged.

    Args:
        time_s: (N,) sample times in seconds, strictly increasing.
        values: (N, ...) values with NaN where missing.
        max_gap_s: longest gap to bridge, in seconds (0 fills nothing).
        method: ``"linear"`` (straight line between the two neighbours), ``"cubic"`` (cubic
            spline through all valid samples of the column, ``scipy.interpolate.CubicSpline``
            with not-a-knot ends) or ``"pchip"`` (shape-preserving piecewise cubic Hermite
            through all valid samples, Fritsch & Carlson 1980, SIAM J Numer Anal 17(2):238-246,
            via ``scipy.interpolate.PchipInterpolator``; it never overshoots the neighbours).

    Returns:
        A new float array of the shape of ``values``.
    """
    t = check_time_s(time_s)
    v = check_values(values, t.size)
    limit = check_positive("max_gap_s", max_gap_s, allow_zero=True)
    check_option("method", method, FILL_METHODS)
    out = v.copy()
    if t.size < 2:
        return out
    columns = out.reshape(t.size, -1)
    missing = np.isnan(columns)
    for j in np.flatnonzero(missing.any(axis=0)):
        gaps = _runs(missing[:, j])
        durations = _durations(t, gaps)
        to_fill = [g for g, d in zip(gaps, durations, strict=True) if d <= limit + TIME_TOLERANCE_S]
        if not to_fill:
            continue
        known = ~missing[:, j]
        rows = np.concatenate([np.arange(g.start, g.end) for g in to_fill])
        columns[rows, j] = _interpolate(t[known], columns[known, j], t[rows], method)
    return out


def _runs(flags: BoolArray) -> list[Gap]:
    """Runs of True in a 1-D boolean array, as half-open index ranges."""
    return [Gap(start, end) for start, end in true_runs(flags)]


def _durations(t: FloatArray, gaps: list[Gap]) -> FloatArray:
    n = t.size
    return np.array(
        [t[g.end] - t[g.start - 1] if g.start > 0 and g.end < n else np.inf for g in gaps],
        dtype=np.float64,
    )


def _interpolate(t_known: FloatArray, v_known: FloatArray, t_new: FloatArray, method: str) -> Any:
    if method == "linear":
        return np.interp(t_new, t_known, v_known)
    from scipy.interpolate import CubicSpline, PchipInterpolator

    if method == "cubic":
        return CubicSpline(t_known, v_known)(t_new)
    return PchipInterpolator(t_known, v_known)(t_new)
