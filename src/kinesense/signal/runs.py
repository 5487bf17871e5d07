"""Runs of consecutive samples: where a condition holds, with hysteresis, and for how long.

A *run* is a half-open index range ``[start, end)`` of consecutive samples; events (a hold, a
lifted foot, a movement away from neutral) are runs of a per-sample condition.
"""

import numpy as np

from kinesense.arrays import BoolArray, FloatArray


def true_runs(mask: BoolArray) -> list[tuple[int, int]]:
    """Index ranges ``[start, end)`` of the runs of True in a 1-D boolean array."""
    padded = np.concatenate([[False], np.asarray(mask, dtype=bool), [False]]).astype(np.int8)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]


def hysteresis_runs(values: FloatArray, enter: float, leave: float) -> list[tuple[int, int]]:
    """Runs ``[start, end)`` that begin where ``values >= enter`` and end where it drops below
    ``leave`` (so that noise around one threshold does not split one movement into several)."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, value in enumerate(values):
        if start is None and value >= enter:
            start = i
        elif start is not None and value < leave:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(values)))
    return runs


def first_lasting_run(
    mask: BoolArray, start: int, hold_s: float, time_s: FloatArray, period_s: float
) -> int:
    """First index >= ``start`` beginning a run of True that lasts ``hold_s`` seconds (a run of
    k samples lasts ``t[last] - t[first] + period_s``), or that reaches the end of the
    recording with at least two samples; -1 if there is none."""
    n = mask.size
    k = start
    while k < n:
        if not mask[k]:
            k += 1
            continue
        m = k
        while m + 1 < n and mask[m + 1]:
            m += 1
        lasts = time_s[m] - time_s[k] + period_s >= hold_s - 1e-9
        if lasts or (m == n - 1 and m > k):
            return k
        k = m + 1
    return -1
