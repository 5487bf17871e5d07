"""Synthetic :class:`~kinesense.series.PoseSeries` with known landmark positions, for tests.

Build a stick figure in *pixels* (x to the image right, y down), change the landmarks you need
frame by frame, then turn the frames into a series whose exact geometry is known:

    frames = repeat(standing_front(), 90)           # (90, 33, 2) pixels
    frames[30:, LANDMARK_INDEX["left_ankle"], 1] -= 80   # lift the left foot at frame 30
    series = pose_series(frames, frame_rate_hz=30.0, camera_view="front")

Image coordinates are normalised by ``resolution``; world coordinates are the pixels scaled to
metres (``metres_per_px``) about the mid-hip, with y down as MediaPipe's. A NaN pixel is a missing
landmark (visibility 0). Proportions are those of an adult about 1.7 m tall seen 850 px tall.
"""

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from kinesense.arrays import FloatArray
from kinesense.landmarks import BLAZEPOSE_LANDMARKS, LANDMARK_INDEX
from kinesense.series import PoseSeries
from kinesense.series.provenance import Provenance

RESOLUTION = (1000, 1000)
"""Default frame size (width, height) in pixels: square, so normalised angles equal pixel ones."""


def _figure(points: Mapping[str, tuple[float, float]]) -> FloatArray:
    out = np.full((len(BLAZEPOSE_LANDMARKS), 2), np.nan)
    for name, xy in points.items():
        out[LANDMARK_INDEX[name]] = xy
    return out


def standing_front(
    centre_x: float = 500.0, floor_y: float = 950.0, scale: float = 1.0
) -> FloatArray:
    """(33, 2) pixels of a person standing upright facing the camera, hands on the hips.

    The person's left side is on the image right. Feet on ``floor_y``; about 850 px tall at
    ``scale`` 1 (nose 800 px above the ankles). Every landmark is defined.
    """

    def p(dx: float, height: float) -> tuple[float, float]:
        return (centre_x + dx * scale, floor_y - height * scale)

    points: dict[str, tuple[float, float]] = {"nose": p(0, 800)}
    for side, sign in (("left", 1.0), ("right", -1.0)):
        points.update(
            {
                f"{side}_eye_inner": p(sign * 8, 815),
                f"{side}_eye": p(sign * 16, 815),
                f"{side}_eye_outer": p(sign * 24, 815),
                f"{side}_ear": p(sign * 40, 805),
                f"mouth_{side}": p(sign * 12, 780),
                f"{side}_shoulder": p(sign * 100, 700),
                f"{side}_elbow": p(sign * 170, 560),
                f"{side}_wrist": p(sign * 100, 470),
                f"{side}_pinky": p(sign * 95, 455),
                f"{side}_index": p(sign * 90, 450),
                f"{side}_thumb": p(sign * 92, 465),
                f"{side}_hip": p(sign * 70, 450),
                f"{side}_knee": p(sign * 70, 240),
                f"{side}_ankle": p(sign * 70, 30),
                f"{side}_heel": p(sign * 70, 10),
                f"{side}_foot_index": p(sign * 75, 0),
            }
        )
    return _figure(points)


def standing_side(
    facing: str = "right",
    centre_x: float = 500.0,
    floor_y: float = 950.0,
    scale: float = 1.0,
) -> FloatArray:
    """(33, 2) pixels of a person standing upright seen from the side.

    ``facing`` is the image direction the person faces (``"right"`` or ``"left"``). Left and
    right landmarks are drawn at the same place, as a perfect side view shows them. Hip, knee,
    ankle, shoulder and ear are stacked on one vertical line (ideal plumb-line posture); the
    eyes are 40-50 px ahead of the ear, level with it.
    """
    f = 1.0 if facing == "right" else -1.0

    def p(ahead: float, height: float) -> tuple[float, float]:
        return (centre_x + f * ahead * scale, floor_y - height * scale)

    points: dict[str, tuple[float, float]] = {"nose": p(60, 800)}
    for side in ("left", "right"):
        points.update(
            {
                f"{side}_eye_inner": p(50, 815),
                f"{side}_eye": p(45, 815),
                f"{side}_eye_outer": p(40, 815),
                f"{side}_ear": p(0, 805),
                f"mouth_{side}": p(50, 780),
                f"{side}_shoulder": p(0, 700),
                f"{side}_elbow": p(0, 560),
                f"{side}_wrist": p(10, 430),
                f"{side}_pinky": p(12, 410),
                f"{side}_index": p(14, 405),
                f"{side}_thumb": p(16, 415),
                f"{side}_hip": p(0, 450),
                f"{side}_knee": p(0, 240),
                f"{side}_ankle": p(0, 30),
                f"{side}_heel": p(-20, 10),
                f"{side}_foot_index": p(50, 0),
            }
        )
    return _figure(points)


def repeat(figure: FloatArray, n_frames: int) -> FloatArray:
    """(n_frames, 33, 2) copies of one (33, 2) figure, ready to be edited frame by frame."""
    return np.repeat(np.asarray(figure, dtype=np.float64)[None], n_frames, axis=0)


def pose_series(
    frames_px: FloatArray,
    *,
    frame_rate_hz: float = 30.0,
    resolution: tuple[int, int] = RESOLUTION,
    camera_view: str = "unknown",
    visibility: FloatArray | float = 0.95,
    detected: NDArray[np.bool_] | None = None,
    metres_per_px: float = 0.002,
    start_s: float = 0.0,
) -> PoseSeries:
    """A :class:`PoseSeries` whose landmarks are ``frames_px`` (N, 33, 2) pixels.

    Args:
        frames_px: pixel coordinates, NaN where a landmark is missing.
        frame_rate_hz: frames per second; frame i is at ``start_s + i / frame_rate_hz``.
        resolution: (width, height) used to normalise x and y.
        camera_view: recorded in the provenance.
        visibility: (N, 33) or one value for every present landmark (missing ones get 0).
        detected: (N,) whether the person was found; default: any landmark present.
        metres_per_px: scale of the world coordinates (origin at the mid-hip, y down, z = 0).
    """
    px = np.asarray(frames_px, dtype=np.float64)
    n = px.shape[0]
    width, height = resolution
    present = np.all(np.isfinite(px), axis=-1)
    image = np.zeros((n, px.shape[1], 3))
    image[..., 0] = px[..., 0] / width
    image[..., 1] = px[..., 1] / height
    image[~present] = np.nan
    mid_hip = (px[:, LANDMARK_INDEX["left_hip"]] + px[:, LANDMARK_INDEX["right_hip"]]) / 2
    world = np.zeros_like(image)
    world[..., :2] = (px - mid_hip[:, None, :]) * metres_per_px
    world[~present] = np.nan
    vis = np.broadcast_to(np.asarray(visibility, dtype=np.float64), present.shape).copy()
    vis[~present] = 0.0
    if detected is None:
        detected = np.any(present, axis=1)
    time_s = start_s + np.arange(n) / frame_rate_hz
    return PoseSeries(
        time_s=time_s,
        image_xyz=image,
        world_xyz_m=world,
        visibility=vis,
        detected=np.asarray(detected, dtype=bool),
        frame_rate_hz=frame_rate_hz,
        provenance=Provenance(
            source="synthetic",
            reader="synthetic",
            model="synthetic",
            resolution=resolution,
            camera_view=camera_view,
        ),
    )
