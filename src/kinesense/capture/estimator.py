"""The pose-estimator protocol: any model that turns an RGB frame into body landmarks."""

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from kinesense.capture.closing import ClosableModel


@dataclass(frozen=True)
class PoseDetection:
    """One person found in one frame.

    Attributes:
        image_xyz: (33, 3) x, y normalised to [0, 1] by frame width and height, z relative depth.
        world_xyz_m: (33, 3) metres, origin between the hips (NaN if the model has none).
        visibility: (33,) probability that each landmark is visible, in [0, 1].
    """

    image_xyz: NDArray[np.float64]
    world_xyz_m: NDArray[np.float64]
    visibility: NDArray[np.float64]


@runtime_checkable
class PoseEstimator(ClosableModel, Protocol):
    """A pose model fed with frames in time order.

    ``name`` identifies the model and its variant (e.g. ``"blazepose-full"``): world coordinates
    of different models have different scales and must never be mixed in one analysis.
    """

    name: str

    def estimate(self, rgb: NDArray[np.uint8], timestamp_ms: int) -> list[PoseDetection]:
        """Landmarks of the people found in an RGB frame (H x W x 3, uint8); timestamps increase."""
        ...
