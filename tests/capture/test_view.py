"""Camera-view classification on synthetic stick figures with known orientation."""

import numpy as np
import pytest

from kinesense.capture.view import classify_view
from kinesense.landmarks import LANDMARK_INDEX

RESOLUTION = (1000, 1000)


def figure(yaw_deg: float, n: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Shoulders and hips of a person turned by ``yaw_deg`` (0 = facing the camera).

    Proportions of an adult: shoulder width 0.8 and hip width 0.55 of the trunk length, so the
    width ratio is 0.675 facing the camera, below 0.45 (front/back limit) past 48 degrees and
    below 0.25 (side limit) past 68 degrees. The person's left is +x in their own frame;
    facing the camera, their left appears on the image right. Depth z grows away from the
    camera (MediaPipe convention).
    """
    image = np.full((n, 33, 3), np.nan)
    yaw = np.radians(yaw_deg)
    for side, lateral in (("left", 1.0), ("right", -1.0)):
        for joint, y, half_width in (("shoulder", 300.0, 120.0), ("hip", 600.0, 82.5)):
            x = 500 + lateral * half_width * np.cos(yaw)
            z = -lateral * half_width * np.sin(yaw) / 1000
            image[:, LANDMARK_INDEX[f"{side}_{joint}"]] = (x / 1000, y / 1000, z)
        for joint, y in (("knee", 800.0), ("ankle", 950.0)):
            x = 500 + lateral * 80 * np.cos(yaw)
            z = -lateral * 80 * np.sin(yaw) / 1000
            image[:, LANDMARK_INDEX[f"{side}_{joint}"]] = (x / 1000, y / 1000, z)
    visibility = np.where(np.isfinite(image[..., 0]), 0.9, 0.0)
    return image, visibility


@pytest.mark.parametrize(
    ("yaw_deg", "view"),
    [
        (0, "front"),
        (10, "front"),
        (180, "back"),
        (90, "left-side"),
        (-90, "right-side"),
        (80, "left-side"),
        (58, "oblique"),
        (-58, "oblique"),
        (40, "front"),
    ],
)
def test_view_of_a_turned_figure(yaw_deg: float, view: str) -> None:
    image, visibility = figure(yaw_deg)
    assert classify_view(image, visibility, RESOLUTION) == view


def test_no_trunk_no_view() -> None:
    image = np.full((3, 33, 3), np.nan)
    assert classify_view(image, np.zeros((3, 33)), RESOLUTION) == "unknown"


def test_series_view_keeps_a_known_view_and_classifies_an_unknown_one() -> None:
    from kinesense.capture.view import series_view
    from kinesense.series import PoseSeries, Provenance

    image, visibility = figure(90)
    n = len(image)
    series = PoseSeries(
        time_s=np.arange(n) / 30.0,
        image_xyz=image,
        world_xyz_m=np.full_like(image, np.nan),
        visibility=visibility,
        detected=np.ones(n, dtype=bool),
        provenance=Provenance(resolution=RESOLUTION),
    )
    assert series_view(series) == "left-side"
    labelled = series.replace(provenance=Provenance(resolution=RESOLUTION, camera_view="front"))
    assert series_view(labelled) == "front"
    no_size = series.replace(provenance=Provenance())
    assert series_view(no_size) == "unknown"
