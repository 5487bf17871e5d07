"""Which way the person faces the camera, from 2D landmarks.

The shoulder and hip widths seen in the image, relative to the trunk length, are wide in a front
or back view and narrow in a side view (a geometric rule, in the spirit of the view checks of
markerless tools; thresholds chosen on the recordings in ../shared/data and stated below):

* width ratio = mean(shoulder width, hip width) / trunk length, in pixels: the horizontal
  widths while the trunk is within :data:`UPRIGHT_MAX_DEG` of the image vertical, else the
  widths across the trunk (perpendicular to the mid-hip -> mid-shoulder line: the vertical
  widths of a person lying in the picture);
* ratio >= 0.45: front or back; the person's left shoulder on the image right means front;
* ratio <= 0.25: side; the side whose landmarks are nearer the camera (smaller MediaPipe z,
  or higher visibility when z is absent) faces it;
* in between: oblique.
"""

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from kinesense.landmarks import LANDMARK_INDEX

if TYPE_CHECKING:
    from kinesense.series import PoseSeries

FRONT_BACK_MIN_RATIO = 0.45
SIDE_MAX_RATIO = 0.25
UPRIGHT_MAX_DEG = 45.0
"""Trunk angle from the image vertical up to which widths are measured horizontally."""

_LS, _RS = LANDMARK_INDEX["left_shoulder"], LANDMARK_INDEX["right_shoulder"]
_LH, _RH = LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]
_LEFT = [LANDMARK_INDEX[n] for n in ("left_shoulder", "left_hip", "left_knee", "left_ankle")]
_RIGHT = [LANDMARK_INDEX[n] for n in ("right_shoulder", "right_hip", "right_knee", "right_ankle")]


def width_ratio(image_xy_px: NDArray[np.float64]) -> NDArray[np.float64]:
    """(N,) apparent shoulder/hip width across the trunk over the trunk length, from (N, 33, 2)
    pixel coordinates."""
    axis, across = _trunk_axes(image_xy_px)
    trunk = np.linalg.norm(axis, axis=1)
    shoulder = np.abs(np.sum((image_xy_px[:, _LS] - image_xy_px[:, _RS]) * across, axis=1))
    hip = np.abs(np.sum((image_xy_px[:, _LH] - image_xy_px[:, _RH]) * across, axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio: NDArray[np.float64] = (shoulder + hip) / 2 / trunk
    return ratio


def _trunk_axes(xy: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(N, 2) mid-hip -> mid-shoulder vectors and (N, 2) unit vectors across the trunk (to the
    image right of an upright trunk): the image x axis for an upright trunk."""
    axis = (xy[:, _LS] + xy[:, _RS] - xy[:, _LH] - xy[:, _RH]) / 2
    length = np.linalg.norm(axis, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        upright = np.degrees(np.arccos(np.clip(-axis[:, 1] / length, -1, 1))) <= UPRIGHT_MAX_DEG
        across = np.stack([-axis[:, 1], axis[:, 0]], axis=1) / length[:, None]
    across = np.where(upright[:, None], np.array([1.0, 0.0]), across)
    return axis, across


def classify_view(
    image_xyz: NDArray[np.float64],
    visibility: NDArray[np.float64],
    resolution: tuple[int, int],
) -> str:
    """Camera view of a recording: ``front``, ``back``, ``left-side``, ``right-side``,
    ``oblique`` or ``unknown`` (no frame with both shoulders and hips).

    Args:
        image_xyz: (N, 33, 3) normalised image landmarks (NaN when missing).
        visibility: (N, 33) landmark visibility.
        resolution: (width, height) in pixels, to compare x and y distances in the same unit.
    """
    width, height = resolution
    xy = image_xyz[:, :, :2] * np.array([width, height], dtype=np.float64)
    ratio = width_ratio(xy)
    usable = np.isfinite(ratio)
    if not np.any(usable):
        return "unknown"
    median_ratio = float(np.median(ratio[usable]))
    frames = np.flatnonzero(usable)
    if median_ratio >= FRONT_BACK_MIN_RATIO:
        # Facing the camera, the person's left shoulder is on the image right of their trunk.
        _, across = _trunk_axes(xy[frames])
        left_on_right = np.sum((xy[frames, _LS] - xy[frames, _RS]) * across, axis=1)
        return "front" if np.median(left_on_right) > 0 else "back"
    if median_ratio > SIDE_MAX_RATIO:
        return "oblique"
    z = image_xyz[frames, :, 2]
    if np.all(np.isfinite(z[:, _LEFT + _RIGHT])):
        left_nearer = np.median(z[:, _LEFT].mean(axis=1) - z[:, _RIGHT].mean(axis=1)) < 0
    else:
        vis = visibility[frames]
        left_nearer = np.median(vis[:, _LEFT].mean(axis=1) - vis[:, _RIGHT].mean(axis=1)) > 0
    return "left-side" if left_nearer else "right-side"


def series_view(series: "PoseSeries") -> str:
    """A recording's camera view: its provenance's, or classified from its landmarks.

    Series read from other tools' files carry ``"unknown"``; they are classified here when
    their image size is known (``"unknown"`` otherwise).
    """
    view = series.provenance.camera_view
    if view != "unknown" or series.provenance.resolution is None or not series.n_detected:
        return view
    detected = series.detected
    return classify_view(
        series.image_xyz[detected], series.visibility[detected], series.provenance.resolution
    )
