"""Real landmarks for the coaching and body-position tests, and exact transforms of them.

:func:`clip_series` runs the shipped pose model once per test session on a clip of
../shared/data (skipping the test when the clip is absent); the transforms below change the
geometry of those real landmarks with exactly known effects, so the truth of every test built
on them is known without a hand label:

* :func:`rotated` turns image landmarks about a point (a standing person turned by 90 degrees
  lies; turned so the arms reach the floor, a person with arms forward is in a plank);
* :func:`mirrored` flips the image left-right (a left-side view becomes a right-side view: the
  person's left and right swap, as the pose model would label a mirrored person);
* :func:`cut` keeps a time range, restarting the clock at 0.
"""

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from kinesense.arrays import BoolArray
from kinesense.landmarks import BLAZEPOSE_LANDMARKS, LANDMARK_INDEX
from kinesense.series import PoseSeries, Provenance
from tests.conftest import SHARED_DATA

CLIPS = {
    "balancing_cam01": "video/pose2sim_balancing_cam01.mp4",
    "balancing_cam02": "video/pose2sim_balancing_cam02.mp4",
    "demo": "video/sports2d_demo.mp4",
    "walk": "video/sports2d_walk_side.mp4",
}
"""The real clips, by short name."""


@cache
def _extract(relative: str) -> PoseSeries:
    from kinesense.capture.extract import extract_video

    return extract_video(SHARED_DATA / relative, model="full").series


def clip_path(name: str) -> Path:
    """Path of a real clip; skips the test when it is absent."""
    path = SHARED_DATA / CLIPS[name]
    if not path.exists():
        pytest.skip(f"recording {CLIPS[name]} is absent from {SHARED_DATA}")
    return path


def clip_series(name: str) -> PoseSeries:
    """The landmarks the shipped full model finds in a real clip (computed once a session)."""
    clip_path(name)
    return _extract(CLIPS[name])


def pixels(series: PoseSeries) -> np.ndarray:
    """(N, 33, 2) image landmarks in pixels."""
    assert series.provenance.resolution is not None
    return series.image_xyz[..., :2] * np.asarray(series.provenance.resolution, dtype=float)


def with_pixels(series: PoseSeries, xy_px: np.ndarray) -> PoseSeries:
    """``series`` with new pixel positions (z and visibility kept)."""
    assert series.provenance.resolution is not None
    image = series.image_xyz.copy()
    image[..., :2] = xy_px / np.asarray(series.provenance.resolution, dtype=float)
    return series.replace(image_xyz=image)


def rotation(angle_ccw_deg: float) -> np.ndarray:
    """2 x 2 matrix turning pixel vectors counter-clockwise on screen (image y points down)."""
    theta = np.radians(angle_ccw_deg)
    return np.array([[np.cos(theta), np.sin(theta)], [-np.sin(theta), np.cos(theta)]])


def rotated(series: PoseSeries, angle_ccw_deg: float) -> PoseSeries:
    """Every frame's landmarks turned counter-clockwise on screen about the frame's centre."""
    assert series.provenance.resolution is not None
    centre = np.asarray(series.provenance.resolution, dtype=float) / 2
    xy = (pixels(series) - centre) @ rotation(angle_ccw_deg).T + centre
    return with_pixels(series, xy)


_SWAP = [
    LANDMARK_INDEX[
        name.replace("left_", "@").replace("right_", "left_").replace("@", "right_")
        if name.startswith(("left_", "right_"))
        else name
    ]
    for name in BLAZEPOSE_LANDMARKS
]


def mirrored(series: PoseSeries) -> PoseSeries:
    """The clip flipped left-right: x becomes 1 - x and every left landmark becomes the right
    one (a person seen from their left side becomes a person seen from their right side)."""
    image = series.image_xyz[:, _SWAP].copy()
    image[..., 0] = 1.0 - image[..., 0]
    world = series.world_xyz_m[:, _SWAP].copy()
    world[..., 0] = -world[..., 0]
    return series.replace(
        image_xyz=image, world_xyz_m=world, visibility=series.visibility[:, _SWAP]
    )


def cut(series: PoseSeries, start_s: float, end_s: float = np.inf) -> PoseSeries:
    """Frames with ``start_s <= t < end_s``, the clock restarting at 0."""
    part = detected_only(series, (series.time_s >= start_s) & (series.time_s < end_s))
    return part.replace(time_s=part.time_s - part.time_s[0])


def detected_only(series: PoseSeries, keep: BoolArray | None = None) -> PoseSeries:
    """The frames in which the person was found (or those ``keep`` selects), the clock keeping
    its times; the frame rate and provenance kept, the other metadata the defaults."""
    keep = series.detected if keep is None else keep
    return PoseSeries(
        time_s=series.time_s[keep],
        image_xyz=series.image_xyz[keep],
        world_xyz_m=series.world_xyz_m[keep],
        visibility=series.visibility[keep],
        detected=series.detected[keep],
        frame_rate_hz=series.frame_rate_hz,
        provenance=series.provenance,
    )


def from_frames(frames: list[tuple[np.ndarray, np.ndarray]], *, resolution: tuple[int, int],
                fps: float) -> PoseSeries:  # fmt: skip
    """A series from (image landmarks (33, 3), visibility (33,)) pairs at ``fps``."""
    n = len(frames)
    image = np.array([f[0] for f in frames], dtype=float)
    return PoseSeries(
        time_s=np.arange(n) / fps,
        image_xyz=image,
        world_xyz_m=np.full_like(image, np.nan),
        visibility=np.array([f[1] for f in frames], dtype=float),
        detected=np.ones(n, dtype=bool),
        frame_rate_hz=fps,
        provenance=Provenance(resolution=resolution),
    )
