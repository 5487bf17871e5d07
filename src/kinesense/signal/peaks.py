"""Repetition peaks of an angle: the furthest point of each movement away from neutral, per side.

A peak of side ``name`` is a maximum of ``sign * excursion`` (``scipy.signal.find_peaks``) with
height and prominence of at least ``min_peak_deg`` (the movement went that far and came back
that far), at least ``separation_s`` from the next one, and no missing sample within
``clearance_s`` (the true peak may lie in a gap, so such a peak is not counted).
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from kinesense.arrays import FloatArray


@dataclass(frozen=True)
class Peak:
    """One repetition's furthest point: time (s), excursion from neutral (deg, >0), side."""

    index: int
    time_s: float
    angle_deg: float
    side: str


def find_peaks_per_side(
    time_s: FloatArray,
    excursion_deg: FloatArray,
    sampling_rate_hz: float,
    sides: Mapping[str, float],
    *,
    min_peak_deg: float,
    separation_s: float,
    clearance_s: float,
) -> list[Peak]:
    """Repetition peaks of ``excursion_deg`` (uniformly sampled) for each side
    ``{name: sign}``, in time order (see the module docstring)."""
    from scipy.signal import find_peaks

    distance = max(1, round(separation_s * sampling_rate_hz))
    margin = max(1, round(clearance_s * sampling_rate_hz))
    missing = ~np.isfinite(excursion_deg)
    peaks: list[Peak] = []
    for side, sign in sides.items():
        values = np.nan_to_num(sign * excursion_deg, nan=0.0)
        found, _ = find_peaks(
            values, height=min_peak_deg, prominence=min_peak_deg, distance=distance
        )
        peaks += [
            Peak(int(i), float(time_s[i]), float(values[i]), side)
            for i in found
            if not missing[max(0, i - margin) : i + margin + 1].any()
        ]
    return sorted(peaks, key=lambda p: p.index)
