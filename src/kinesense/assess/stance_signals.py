"""Landmarks to the foot, wrist and visibility signals of the single-leg stance test.

How the video is read (image coordinates in pixels, y down; see :mod:`kinesense.assess.stance`):

* reference length ``L``: the median nose-to-lower-ankle height over the frames, in pixels (about
  0.88 of stature: 1.5 m for a 1.7 m adult), so that every threshold is a fraction of ``L``;
* foot level: the mean image height of the ankle and heel of each foot (a foot is known only
  when both are); the height of the left foot over the right ``d = (y_right - y_left) / L``;
* each signal is cleaned first: landmarks with visibility below
  :data:`kinesense.landmarks.MIN_VISIBILITY` or outside the frame are missing, gaps up to
  :data:`MAX_GAP_S` are bridged linearly, then a running median of :data:`MEDIAN_WINDOW_S`
  removes isolated jumps while keeping a step's timing exact;
* a frame is *lost* when the person is not detected or a foot, hip (or, with hands on hips, a
  wrist) is missing beyond the bridged gaps.
"""

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.landmarks import MIN_VISIBILITY
from kinesense.series import PoseSeries
from kinesense.signal.filters import odd_window, running_median
from kinesense.signal.gaps import fill_gaps
from kinesense.signal.stance_trials import StanceSignals

MAX_GAP_S = 0.25
"""Landmark dropouts up to a quarter of a second are bridged; longer ones mean out of view."""
MEDIAN_WINDOW_S = 0.15
"""Running median of the foot and wrist signals, s (removes one- or two-frame jumps)."""
MIN_BODY_SHARE = 0.2
"""The nose-to-ankle height must span at least a fifth of the frame height."""

_FEET = ("ankle", "heel")


def _pixels(series: PoseSeries) -> tuple[FloatArray, FloatArray]:
    """(N, 33, 2) pixel coordinates with invalid landmarks NaN, and the frame height."""
    if series.provenance.resolution is not None:
        width, height = series.provenance.resolution
    else:
        width, height = 1, 1
    xy = series.image_xyz[:, :, :2] * np.array([width, height], dtype=np.float64)
    norm = series.image_xyz[:, :, :2]
    inside = np.all((norm >= 0.0) & (norm <= 1.0), axis=-1)
    ok = inside & (series.visibility >= MIN_VISIBILITY) & series.detected[:, None]
    xy = np.where(ok[..., None], xy, np.nan)
    return xy, np.asarray(height, dtype=np.float64)


def stance_signals(
    series: PoseSeries,
    *,
    hands_on_hips: bool = False,
    max_gap_s: float = MAX_GAP_S,
    median_window_s: float = MEDIAN_WINDOW_S,
    min_body_share: float = MIN_BODY_SHARE,
) -> StanceSignals | str:
    """The cleaned foot, wrist and visibility signals; a reason string when impossible.

    ``max_gap_s``, ``median_window_s`` and ``min_body_share`` as the module's constants.
    """
    xy, frame_height = _pixels(series)
    t = series.time_s
    period = float(np.median(np.diff(t))) if len(t) > 1 else 1.0 / 30.0

    def point(name: str) -> FloatArray:
        filled: FloatArray = fill_gaps(t, xy[:, series.index_of(name)], max_gap_s)
        return filled

    # A foot is known only when both its ankle and heel are (a lost heel must not pass
    # unnoticed behind the ankle).
    feet: dict[str, FloatArray] = {}
    for side in ("left", "right"):
        parts = np.stack([point(f"{side}_{part}") for part in _FEET])
        known = np.all(np.isfinite(parts), axis=(0, 2))
        feet[side] = np.where(known[:, None], parts.mean(axis=0), np.nan)
    nose = point("nose")
    hips = {side: point(f"{side}_hip") for side in ("left", "right")}
    lower_foot = np.fmax(feet["left"][:, 1], feet["right"][:, 1])
    heights = lower_foot - nose[:, 1]
    heights = heights[np.isfinite(heights) & (heights > 0)]
    if heights.size == 0:
        return "the nose and both feet are never visible together, so body size is unknown"
    reference = float(np.median(heights))
    if series.provenance.resolution is not None and reference < min_body_share * frame_height:
        return (
            f"the person is too small in the frame (nose to ankle {reference:.0f} px, under "
            f"{min_body_share:.0%} of the frame height); move the camera closer"
        )
    window = odd_window(median_window_s / period)
    left = running_median(feet["left"] / reference, window)
    right = running_median(feet["right"] / reference, window)
    needed = [left, right, hips["left"], hips["right"]]
    wrist_hip = np.zeros(len(t))
    if hands_on_hips:
        distances = []
        for side in ("left", "right"):
            wrist = point(f"{side}_wrist")
            needed.append(wrist)
            distances.append(np.linalg.norm(wrist - hips[side], axis=1) / reference)
        wrist_hip = running_median(np.fmax(distances[0], distances[1]), window)
    lost = ~series.detected.copy()
    for signal in needed:
        lost |= ~np.all(np.isfinite(signal), axis=1)
    return StanceSignals(
        time_s=t,
        reference_px=reference,
        left_height=right[:, 1] - left[:, 1],
        left_foot=left,
        right_foot=right,
        wrist_hip=wrist_hip,
        lost=lost,
    )
