"""Zero-lag low-pass filtering for offline analysis (a Butterworth filter run forwards and back).

Running a Butterworth low-pass filter forwards and then backwards cancels its phase lag, but
squares its amplitude response: at the design cut-off the gain is 1/2 instead of 1/sqrt(2), so
the -3 dB point of the pair falls below the cut-off asked for. Winter corrects this by designing
each pass at a higher cut-off (Winter DA, 2009, *Biomechanics and Motor Control of Human
Movement*, 4th ed., Wiley, ch. 3, "cutoff frequency adjustment for multiple passes", p. 69):

    C = (2 ** (1 / n_passes) - 1) ** (1 / 4),    omega_design = omega_c / C,

where omega = tan(pi * f / f_s) is the pre-warped cut-off of the bilinear transform and the 1/4
belongs to the second-order filter Winter uses. The general form follows from the squared
magnitude of a digital Butterworth filter of order n, ``|H|^2 = 1 / (1 + (omega / omega_d)^(2n))``
(Robertson DGE & Dowling JJ, 2003, "Design and responses of Butterworth and critically damped
digital filters", J Electromyogr Kinesiol 13(6):569-573, give the same factor for order 2):
for ``n_passes`` passes to be at -3 dB at omega_c we need ``|H|^(2 n_passes) = 1/2``, hence

    C = (2 ** (1 / n_passes) - 1) ** (1 / (2 * order)).

For ``order=2`` this is exactly Winter's factor, about 0.802 for two passes. Because the
correction is applied to the pre-warped frequency the corrected design cut-off is always below
the Nyquist frequency, and the -3 dB point of the forward-backward pair is at ``cutoff_hz``
exactly (not only for cut-offs far below the sampling rate).

A running median (:func:`running_median`) removes isolated one- or two-sample jumps (landmark
glitches) that a low-pass filter would only spread, while keeping a step's timing exact.

Units: frequencies in Hz, sampling rate in Hz; values in any unit (returned in the same unit).
"""

import math
import warnings

import numpy as np
from numpy.typing import ArrayLike

from kinesense._checks import check_positive
from kinesense.arrays import FloatArray
from kinesense.signal.runs import true_runs

N_PASSES = 2
"""Passes of :func:`butter_lowpass_zero_lag` over the data: one forwards, one backwards."""


def check_cutoff_hz(cutoff_hz: float, sampling_rate_hz: float, name: str = "cutoff_hz") -> float:
    """Return ``cutoff_hz`` if it lies strictly between 0 and the Nyquist frequency."""
    fs = check_positive("sampling_rate_hz", sampling_rate_hz)
    fc = check_positive(name, cutoff_hz)
    nyquist = fs / 2.0
    if fc >= nyquist:
        raise ValueError(
            f"{name} must be below the Nyquist frequency, half the sampling rate "
            f"({nyquist:g} Hz for sampling_rate_hz={fs:g}); got {cutoff_hz!r}. "
            f"Lower the cut-off or record at a higher rate."
        )
    return fc


def check_order(order: int) -> int:
    """Return ``order`` if it is a whole number of at least 1 (never rounds or truncates)."""
    if isinstance(order, bool) or not isinstance(order, int | np.integer) or order < 1:
        raise ValueError(f"order must be a whole number of at least 1; got {order!r}")
    return int(order)


def winter_correction_factor(order: int = 2, n_passes: int = N_PASSES) -> float:
    """Winter's cut-off correction factor ``C = (2^(1/n_passes) - 1)^(1/(2*order))``.

    ``order=2`` gives Winter's published ``(2^(1/n_passes) - 1)^(1/4)`` (0.802 for 2 passes);
    see the module docstring for the references and the general order.
    """
    n = check_order(order)
    if isinstance(n_passes, bool) or not isinstance(n_passes, int) or n_passes < 1:
        raise ValueError(f"n_passes must be a whole number of at least 1; got {n_passes!r}")
    return float((2.0 ** (1.0 / n_passes) - 1.0) ** (1.0 / (2 * n)))


def corrected_cutoff_hz(
    cutoff_hz: float, sampling_rate_hz: float, order: int = 2, n_passes: int = N_PASSES
) -> float:
    """Design cut-off (Hz) of each pass so that ``n_passes`` passes are at -3 dB at ``cutoff_hz``.

    Applies :func:`winter_correction_factor` to the pre-warped angular frequency
    ``tan(pi f / f_s)``; the result is always below the Nyquist frequency.
    """
    fc = check_cutoff_hz(cutoff_hz, sampling_rate_hz)
    fs = float(sampling_rate_hz)
    warped = math.tan(math.pi * fc / fs) / winter_correction_factor(order, n_passes)
    return math.atan(warped) * fs / math.pi


def butter_lowpass_zero_lag(
    values: ArrayLike,
    sampling_rate_hz: float,
    cutoff_hz: float,
    order: int = 2,
    *,
    correct_cutoff: bool = True,
) -> FloatArray:
    """Low-pass filter with a Butterworth filter run forwards and backwards (no phase lag).

    Uses ``scipy.signal.butter(order, ..., output="sos")`` and ``scipy.signal.sosfiltfilt`` with
    odd-extension padding. The effective filter has order ``2 * order`` and zero phase.

    Args:
        values: (N, ...) uniformly sampled values, time on axis 0, NaN where missing.
        sampling_rate_hz: sampling rate in Hz (resample irregular series first).
        cutoff_hz: cut-off frequency in Hz, strictly between 0 and the Nyquist frequency.
        order: order of each pass (2 is the biomechanics convention, Winter 2009).
        correct_cutoff: when True (default) the -3 dB point of the forward-backward pair is at
            ``cutoff_hz`` (Winter's correction, see the module docstring); when False each pass
            is designed at ``cutoff_hz`` and the pair has a gain of 1/2 (-6 dB) there.

    Returns:
        A new float array of the shape of ``values``.

    Missing values: every column (trailing element) is split into runs of finite samples and
    each run is filtered on its own, so NaN never spreads and stays NaN. A run longer than
    sosfiltfilt's default padding (``3 * (2 * n_sections + 1)`` samples, 9 for order 2) gets the
    default padding; a shorter run of at least 2 samples is filtered with the longest padding it
    allows (``len(run) - 1`` samples), so its ends carry more edge transient; a run of a single
    sample is returned unfiltered.
    """
    from scipy.signal import butter

    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 0:
        raise ValueError("values must have time on axis 0; got a scalar")
    if np.any(np.isinf(v)):
        raise ValueError("values must be finite or NaN (missing); found infinite values")
    n = check_order(order)
    fc = check_cutoff_hz(cutoff_hz, sampling_rate_hz)
    fs = float(sampling_rate_hz)
    design_hz = corrected_cutoff_hz(fc, fs, n) if correct_cutoff else fc
    sos = butter(n, design_hz, btype="lowpass", output="sos", fs=fs)
    out = v.copy()
    if v.shape[0] == 0:
        return out
    columns = out.reshape(v.shape[0], -1)
    finite = np.isfinite(columns)
    # Columns that share a pattern of missing samples (x, y, z of one landmark) are filtered
    # together, one call per run.
    patterns, inverse = np.unique(finite, axis=1, return_inverse=True)
    for k in range(patterns.shape[1]):
        cols = np.flatnonzero(inverse.ravel() == k)
        for start, end in true_runs(patterns[:, k]):
            columns[start:end, cols] = _filter_run(sos, columns[start:end, cols])
    return out


def _default_padlen(sos: FloatArray) -> int:
    """sosfiltfilt's default padding length for ``sos`` (scipy.signal.sosfiltfilt)."""
    ntaps = 2 * int(sos.shape[0]) + 1
    ntaps -= min(int((sos[:, 2] == 0).sum()), int((sos[:, 5] == 0).sum()))
    return 3 * ntaps


def _filter_run(sos: FloatArray, block: FloatArray) -> FloatArray:
    from scipy.signal import sosfiltfilt

    length = block.shape[0]
    if length < 2:
        return block
    padlen = min(_default_padlen(sos), length - 1)
    return np.asarray(sosfiltfilt(sos, block, axis=0, padtype="odd", padlen=padlen))


def odd_window(samples: float, minimum: int = 1) -> int:
    """An odd window length of about ``samples`` samples (rounded, at least ``minimum``; an even
    count is made odd by adding one), for :func:`running_median`."""
    frames = max(minimum, round(samples))
    return frames if frames % 2 == 1 else frames + 1


def running_median(values: ArrayLike, window: int) -> FloatArray:
    """Centred running median over ``window`` (odd) samples along axis 0, ignoring NaN.

    The window shrinks at the ends (the samples beyond them count as missing); a sample that is
    NaN stays NaN. A window of 1 returns a copy.
    """
    v = np.asarray(values, dtype=np.float64)
    if window <= 1 or v.shape[0] == 0:
        return v.copy()
    half = window // 2
    pad = [(half, half)] + [(0, 0)] * (v.ndim - 1)
    padded = np.pad(v, pad, mode="constant", constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, window, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows give NaN
        out: FloatArray = np.nanmedian(windows, axis=-1)
    out[np.isnan(v)] = np.nan
    return out
