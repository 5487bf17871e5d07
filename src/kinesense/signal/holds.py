"""Holds: stretches during which a joint angle stays still, and the angle held.

A *hold* is a stretch of at least ``min_hold_s`` during which the angle, low-pass filtered at
``cutoff_hz`` (zero lag), changes slower than ``max_speed_deg_s`` and stays within ``band_deg``
of where it stopped (the mean of the filtered angle over the first ``anchor_s`` of the
stretch), so that a slow creep after the stop is not part of it. The angle held is the mean of
the raw angle over the core of the hold (:func:`hold_angle`).

The settings are a :class:`HoldRules` model; the defaults are those of the joint repositioning
test (:mod:`kinesense.assess.repositioning`), which documents why each was chosen.
"""

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.parameters import Parameters, Positive
from kinesense.signal.filters import butter_lowpass_zero_lag
from kinesense.signal.runs import true_runs


class HoldRules(Parameters):
    """What counts as a hold (degrees, seconds, hertz)."""

    hold_max_speed_deg_s: Positive = 5.0
    """Angular speed of the low-passed angle below which the segment is still, deg/s."""
    hold_band_deg: Positive = 1.0
    """A hold stays within this distance of where it began, degrees."""
    hold_anchor_s: Positive = 0.25
    """Length of the start of a hold that anchors the band, s."""
    min_hold_s: Positive = 0.5
    """Shortest hold, s."""
    smoothing_cutoff_hz: Positive = 2.0
    """Low-pass cut-off before holds are found, Hz (lowered to 0.4 x the rate if needed)."""


def smoothed_angle_and_speed(
    time_s: FloatArray, angle_deg: FloatArray, cutoff_hz: float = 2.0
) -> tuple[FloatArray, FloatArray]:
    """The angle low-passed at ``cutoff_hz`` (zero lag; at most 0.4 x the sampling rate) and its
    absolute rate of change, in deg and deg/s."""
    rate_hz = 1.0 / float(np.median(np.diff(time_s)))
    cutoff = min(cutoff_hz, 0.4 * rate_hz)
    smooth = butter_lowpass_zero_lag(angle_deg, rate_hz, cutoff)
    return smooth, np.abs(np.gradient(smooth, time_s))


DEFAULT_RULES = HoldRules()


def find_holds(
    time_s: FloatArray, angle_deg: FloatArray, rules: HoldRules = DEFAULT_RULES
) -> list[tuple[int, int]]:
    """Still stretches ``[start, end)`` (sample indices) lasting at least ``rules.min_hold_s``.

    Still: the low-passed angle moves slower than ``rules.hold_max_speed_deg_s`` and stays
    within ``rules.hold_band_deg`` of where the stretch began (a still run that slowly creeps is
    split where it leaves the band).
    """
    smooth, speed = smoothed_angle_and_speed(time_s, angle_deg, rules.smoothing_cutoff_hz)
    anchor_n = max(1, int(np.searchsorted(time_s, time_s[0] + rules.hold_anchor_s)))
    pieces: list[tuple[int, int]] = []
    for a, b in true_runs(speed < rules.hold_max_speed_deg_s):
        start = a
        while start < b:
            anchor = float(np.mean(smooth[start : min(start + anchor_n, b)]))
            outside = np.flatnonzero(np.abs(smooth[start:b] - anchor) > rules.hold_band_deg)
            end = start + int(outside[0]) if outside.size else b
            end = max(end, start + 1)
            pieces.append((start, end))
            start = end
    return [(a, b) for a, b in pieces if time_s[b - 1] - time_s[a] >= rules.min_hold_s]


def hold_angle(raw: FloatArray, smooth: FloatArray, band_deg: float) -> float:
    """Mean angle of a hold, over the samples whose low-passed angle is within half of
    ``band_deg`` of the hold's median (the edges, where the segment already creeps towards or
    away from the position, are left out)."""
    core = np.abs(smooth - np.median(smooth)) <= band_deg / 2
    return float(np.mean(raw[core])) if np.any(core) else float(np.mean(raw))
