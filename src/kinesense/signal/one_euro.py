"""The 1-euro filter: an adaptive low-pass filter for live landmarks (low jitter, low lag).

Casiez G, Roussel N, Vogel D (2012). "1 € Filter: A Simple Speed-based Low-pass Filter for Noisy
Input in Interactive Systems". Proc. CHI '12, ACM, pp. 2527-2530, doi:10.1145/2207676.2208639.

Each sample ``x_i`` at time ``t_i`` (sampling period ``T_e = t_i - t_(i-1)``, from the time
stamps, so irregular frame times are handled) goes through:

    alpha(f_c) = 1 / (1 + tau / T_e),  tau = 1 / (2 pi f_c)     (exponential smoothing factor)
    dx_i      = (x_i - xhat_(i-1)) / T_e                         (speed, from the last output)
    dxhat_i   = dxhat_(i-1) + alpha(d_cutoff) (dx_i - dxhat_(i-1))
    f_c       = min_cutoff + beta |dxhat_i|
    xhat_i    = xhat_(i-1) + alpha(f_c) (x_i - xhat_(i-1))

The first sample is returned as is, with ``dxhat = 0``. The speed uses the previous *filtered*
value, as in the paper's algorithm and the authors' reference ground truth
(github.com/casiez/OneEuroFilter, groundTruth.csv, which the tests reproduce).

An array is filtered element by element (each coordinate of each landmark has its own cut-off).
A NaN input element gives a NaN output for that element and leaves its state untouched; when it
comes back after more than ``reset_after_s`` seconds its state restarts from the new value, so a
person who leaves the frame and returns is not smeared towards where they were. The same filter
runs live (:meth:`OneEuroFilter.update`, one frame at a time) and offline
(:func:`one_euro_offline`, a loop over the same method), so both give identical numbers.
"""

import math
from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kinesense._checks import check_positive
from kinesense.arrays import FloatArray
from kinesense.signal.gaps import check_time_s, check_values

DEFAULT_RESET_AFTER_S = 0.5
"""Default pause (s) after which an element's state restarts: a practical choice (15 frames at
30 Hz), not a published value."""


class OneEuroFilter:
    """Stateful 1-euro filter (Casiez, Roussel & Vogel 2012) for scalars or arrays.

    Args:
        min_cutoff_hz: cut-off in Hz when the signal is still (lower = less jitter, more lag).
        beta: speed coefficient, in Hz per (unit of x per second): the cut-off rises by
            ``beta * |speed|``; 0 makes a fixed-cut-off exponential filter.
        d_cutoff_hz: cut-off in Hz of the low-pass filter on the speed estimate.
        reset_after_s: an element missing (NaN) for longer than this many seconds restarts
            from its next valid value; ``None`` never restarts.
    """

    def __init__(
        self,
        min_cutoff_hz: float = 1.0,
        beta: float = 0.0,
        d_cutoff_hz: float = 1.0,
        *,
        reset_after_s: float | None = DEFAULT_RESET_AFTER_S,
    ) -> None:
        self.min_cutoff_hz = check_positive("min_cutoff_hz", min_cutoff_hz)
        self.beta = check_positive("beta", beta, allow_zero=True)
        self.d_cutoff_hz = check_positive("d_cutoff_hz", d_cutoff_hz)
        self.reset_after_s = (
            None if reset_after_s is None else check_positive("reset_after_s", reset_after_s)
        )
        self._shape: tuple[int, ...] | None = None
        self._last_t: float | None = None
        self._x_hat: list[float] = []
        self._dx_hat: list[float] = []
        self._t_prev: list[float] = []

    def reset(self) -> None:
        """Forget all state: the next update starts afresh and may have any shape."""
        self._shape = None
        self._last_t = None
        self._x_hat, self._dx_hat, self._t_prev = [], [], []

    @overload
    def update(self, t_s: float, x: float) -> float: ...

    @overload
    def update(self, t_s: float, x: NDArray[np.floating] | list[float]) -> FloatArray: ...

    def update(self, t_s: float, x: ArrayLike) -> float | FloatArray:
        """Filter one sample ``x`` taken at ``t_s`` seconds; return the filtered sample.

        ``x`` is a scalar or an array whose shape stays the same from call to call; NaN marks
        missing elements. ``t_s`` must increase strictly from call to call (``ValueError``
        otherwise). Returns a float for a scalar input, else a new array of ``x``'s shape.
        """
        t = float(t_s)
        if not math.isfinite(t):
            raise ValueError(f"t_s must be a finite number of seconds; got {t_s!r}")
        if self._last_t is not None and t <= self._last_t:
            raise ValueError(
                f"t_s must increase from one update to the next; got {t!r} after {self._last_t!r}"
            )
        value = np.asarray(x, dtype=np.float64)
        if np.isinf(value).any():
            raise ValueError("x must be finite or NaN (missing); found infinite values")
        if self._shape is None:
            self._start(value.shape)
        elif value.shape != self._shape:
            raise ValueError(
                f"x must keep the shape {self._shape} between updates; got {value.shape} "
                f"(call reset() to change it)"
            )
        self._last_t = t
        out = self._step(t, value.reshape(-1)).reshape(value.shape)
        return float(out) if out.ndim == 0 else out

    def _start(self, shape: tuple[int, ...]) -> None:
        size = math.prod(shape)
        self._shape = shape
        self._x_hat = [math.nan] * size
        self._dx_hat = [0.0] * size
        self._t_prev = [math.nan] * size

    def _step(self, t: float, x: FloatArray) -> FloatArray:
        # Element by element on plain floats: the arrays filtered live are a few values, for
        # which a loop costs less than numpy's per-call overhead (same arithmetic, same bits).
        out = x.tolist()
        x_hat, dx_hat, t_prev = self._x_hat, self._dx_hat, self._t_prev
        for i, x_now in enumerate(out):
            if x_now != x_now:  # missing: state untouched
                continue
            last = t_prev[i]
            started = last == last
            if started and self.reset_after_s is not None and t - last > self.reset_after_s:
                started = False
            if not started:
                x_hat[i], dx_hat[i], t_prev[i] = x_now, 0.0, t
                continue
            period = t - last
            speed = (x_now - x_hat[i]) / period
            dx_hat[i] += _alpha(self.d_cutoff_hz, period) * (speed - dx_hat[i])
            cutoff = self.min_cutoff_hz + self.beta * abs(dx_hat[i])
            x_hat[i] += _alpha(cutoff, period) * (x_now - x_hat[i])
            out[i], t_prev[i] = x_hat[i], t
        return np.array(out, dtype=np.float64)


def _alpha(cutoff_hz: float, period_s: float) -> float:
    """Smoothing factor of a first-order low-pass filter: 1 / (1 + tau / T_e)."""
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / period_s)


def one_euro_offline(
    time_s: ArrayLike,
    values: ArrayLike,
    min_cutoff_hz: float = 1.0,
    beta: float = 0.0,
    d_cutoff_hz: float = 1.0,
    *,
    reset_after_s: float | None = DEFAULT_RESET_AFTER_S,
) -> FloatArray:
    """Run a fresh :class:`OneEuroFilter` over a recorded series, sample by sample.

    Args:
        time_s: (N,) sample times in seconds, strictly increasing.
        values: (N, ...) values, time on axis 0, NaN where missing.
        min_cutoff_hz, beta, d_cutoff_hz, reset_after_s: as for :class:`OneEuroFilter`.

    Returns:
        (N, ...) filtered values, identical to feeding each sample to ``update`` live.
    """
    t = check_time_s(time_s)
    v = check_values(values, t.size)
    live = OneEuroFilter(min_cutoff_hz, beta, d_cutoff_hz, reset_after_s=reset_after_s)
    out = np.empty_like(v)
    for i in range(t.size):
        out[i] = live.update(float(t[i]), v[i])
    return out
