"""Quality of a head-orientation recording, frame by frame and over the recording.

Flags per frame (:class:`HeadQuality`):

* ``face_visible``: the face model found a face;
* ``camera_still``: the picture outside the (widened) face box changed by at most
  ``max_background_change`` grey levels from the previous frame. A camera that moves, or a
  scene that moves behind the person, shows here. Threshold 4 grey levels (mean absolute
  change, 0-255), tuned here on real videos: the static cameras of ``../shared/data/video``
  (people moving in them, compression noise included, whole frame compared) gave a median of
  0.6-1.5 and a 95th percentile of 0.9-3.2 per recording; shifting one of their frames sideways
  by 4 px (a slow pan) gave 5.6-12.6 in the three textured scenes, but 2.4 in the plain gym
  of ``sports2d_walk_side.mp4`` (16 px: 4.0), so a slow pan over a plain wall can go unseen;
* ``face_large_enough``: the face box is at least ``min_face_px`` wide (60 px, kinesense's
  choice: the landmark model reads a 192-pixel crop of the face, and smaller faces are
  up-sampled more than 3-fold);
* ``light_ok``: the frame's mean luma is at least ``min_luma`` (50 of 255, the value the
  coaching set-up check uses, :data:`kinesense.coach.setup_check.MIN_LUMA`).

Over the recording: the fraction of frames with each flag, the median face width, the mean luma
and the frame-to-frame jitter of yaw, pitch and roll while the head is still
(:func:`kinesense.signal.head_pose.frame_jitter_deg`; still: the 2-Hz low-passed angle moves
slower than ``still_speed_deg_s`` on all three axes).
"""

from dataclasses import dataclass
from typing import Any

import numpy as np

from kinesense.arrays import BoolArray
from kinesense.series.head import HeadSeries
from kinesense.signal.gaps import fill_gaps
from kinesense.signal.head_pose import ANGLE_NAMES, frame_jitter_deg
from kinesense.signal.holds import smoothed_angle_and_speed

MAX_BACKGROUND_CHANGE = 4.0
"""Largest mean grey-level change outside the face for a still camera (see the module
docstring)."""
MIN_FACE_PX = 60.0
"""Smallest face box width, pixels (see the module docstring)."""
MIN_LUMA = 50.0
"""Darkest mean frame luma accepted (0-255), as the coaching set-up check."""
STILL_SPEED_DEG_S = 5.0
"""Speed of the low-passed angles below which the head is taken as still for the jitter."""


@dataclass(frozen=True)
class HeadQuality:
    """Per-frame quality flags of a :class:`HeadSeries` (see the module docstring)."""

    face_visible: BoolArray
    camera_still: BoolArray
    face_large_enough: BoolArray
    light_ok: BoolArray
    head_still: BoolArray
    summary: dict[str, Any]


def still_frames(head: HeadSeries, speed_deg_s: float = STILL_SPEED_DEG_S) -> BoolArray:
    """Frames at which the head is still: all three angles, gaps up to 0.25 s bridged and
    low-passed at 2 Hz, move slower than ``speed_deg_s``."""
    still = head.detected.copy()
    if len(head) < 4 or head.n_detected < 4:
        return np.zeros(len(head), dtype=bool)
    for column in range(3):
        filled = fill_gaps(head.time_s, head.angles_deg[:, column], 0.25)
        ok = np.isfinite(filled)
        if np.count_nonzero(ok) < 4:
            return np.zeros(len(head), dtype=bool)
        _, speed = smoothed_angle_and_speed(head.time_s[ok], filled[ok])
        moving = np.ones(len(head), dtype=bool)
        moving[ok] = speed >= speed_deg_s
        still &= ~moving
    return still


def head_quality(
    head: HeadSeries,
    *,
    max_background_change: float = MAX_BACKGROUND_CHANGE,
    min_face_px: float = MIN_FACE_PX,
    min_luma: float = MIN_LUMA,
) -> HeadQuality:
    """The flags of every frame and their summary (JSON values; NaN where not measurable)."""
    visible = head.detected & np.all(np.isfinite(head.angles_deg), axis=1)
    change = head.background_change
    camera_still = ~(np.isfinite(change) & (change > max_background_change))
    width = head.face_width_px
    large = visible & (np.nan_to_num(width) >= min_face_px)
    light = head.luma >= min_luma
    still = still_frames(head)
    n = max(len(head), 1)
    summary: dict[str, Any] = {
        "frames": len(head),
        "face_visible_fraction": float(np.count_nonzero(visible) / n),
        "camera_still_fraction": float(np.count_nonzero(camera_still) / n),
        "face_large_enough_fraction": float(np.count_nonzero(large) / n),
        "light_ok_fraction": float(np.count_nonzero(light) / n),
        "median_face_width_px": float(np.median(width[visible])) if visible.any() else None,
        "mean_luma": float(np.mean(head.luma)) if len(head) else None,
        "median_background_change": (
            float(np.nanmedian(change)) if np.any(np.isfinite(change)) else None
        ),
        "still_fraction": float(np.count_nonzero(still) / n),
    }
    for column, name in enumerate(ANGLE_NAMES):
        jitter = frame_jitter_deg(head.angles_deg[:, column], still)
        summary[f"jitter_{name}"] = jitter if np.isfinite(jitter) else None
    return HeadQuality(visible, camera_still, large, light, still, summary)
