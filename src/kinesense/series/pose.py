"""PoseSeries: body landmarks over time, from a video, a camera or an imported keypoint file."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from kinesense.arrays import BoolArray, FloatArray
from kinesense.errors import SeriesError
from kinesense.landmarks import BLAZEPOSE_LANDMARKS
from kinesense.series.base import TimeSeriesBase, frozen_array
from kinesense.series.provenance import Provenance

MEDIAPIPE_WORLD_UP: tuple[float, float, float] = (0.0, -1.0, 0.0)
"""Up in MediaPipe world coordinates (origin between the hips, x to the image right, y down)."""


@dataclass(frozen=True, eq=False)
class PoseSeries(TimeSeriesBase):
    """Landmarks of one person over time.

    Attributes:
        time_s: (N,) time of each frame in seconds, strictly increasing.
        image_xyz: (N, L, 3) image landmarks: x and y normalised to [0, 1] by the frame width and
            height (origin top left, y down); z is the model's relative depth, on the scale of x.
            NaN where a landmark is missing.
        world_xyz_m: (N, L, 3) world landmarks in metres (MediaPipe: origin between the hips,
            x to the image right, y down, z away from the camera; imported 3D: the file's frame).
            NaN where missing or not available.
        visibility: (N, L) probability in [0, 1] that the landmark is visible; 0 where missing.
        detected: (N,) whether the person was found in the frame.
        landmark_names: the L landmark names (BlazePose's 33 by default).
        frame_rate_hz: nominal frame rate of the source, in Hz.
        world_up: unit vector pointing up in the world frame.
        provenance: where it came from.
    """

    time_s: FloatArray
    image_xyz: FloatArray
    world_xyz_m: FloatArray
    visibility: FloatArray
    detected: BoolArray
    landmark_names: tuple[str, ...] = BLAZEPOSE_LANDMARKS
    frame_rate_hz: float = 0.0
    world_up: tuple[float, float, float] = MEDIAPIPE_WORLD_UP
    provenance: Provenance = field(default_factory=Provenance)

    SAMPLE_FIELDS: ClassVar[tuple[str, ...]] = (
        "time_s",
        "image_xyz",
        "world_xyz_m",
        "visibility",
        "detected",
    )
    KIND: ClassVar[str] = "pose"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "time_s", frozen_array(self.time_s, np.float64, "time_s"))
        set_(self, "image_xyz", frozen_array(self.image_xyz, np.float64, "image_xyz"))
        set_(self, "world_xyz_m", frozen_array(self.world_xyz_m, np.float64, "world_xyz_m"))
        set_(self, "visibility", frozen_array(self.visibility, np.float64, "visibility"))
        set_(self, "detected", frozen_array(self.detected, np.bool_, "detected"))
        set_(self, "landmark_names", tuple(str(n) for n in self.landmark_names))
        set_(self, "frame_rate_hz", float(self.frame_rate_hz))
        up = np.asarray(self.world_up, dtype=np.float64)
        if up.shape != (3,) or not np.isclose(np.linalg.norm(up), 1.0):
            raise SeriesError(f"world_up must be a unit 3-vector; got {self.world_up!r}")
        set_(self, "world_up", (float(up[0]), float(up[1]), float(up[2])))
        n_landmarks = len(self.landmark_names)
        n = self.time_s.shape[0] if self.time_s.ndim == 1 else -1
        for name, shape in (
            ("image_xyz", (n, n_landmarks, 3)),
            ("world_xyz_m", (n, n_landmarks, 3)),
            ("visibility", (n, n_landmarks)),
            ("detected", (n,)),
        ):
            actual = getattr(self, name).shape
            if actual != shape:
                raise SeriesError(f"{name} must have shape {shape}; got {actual}")
        self._check_time()

    @classmethod
    def empty_frames(
        cls,
        time_s: NDArray[Any],
        *,
        landmark_names: tuple[str, ...] = BLAZEPOSE_LANDMARKS,
        **metadata: Any,
    ) -> Self:
        """A series of ``len(time_s)`` frames in which nobody was detected (all landmarks NaN)."""
        n, n_landmarks = len(time_s), len(landmark_names)
        return cls(
            time_s=np.asarray(time_s, dtype=np.float64),
            image_xyz=np.full((n, n_landmarks, 3), np.nan),
            world_xyz_m=np.full((n, n_landmarks, 3), np.nan),
            visibility=np.zeros((n, n_landmarks)),
            detected=np.zeros(n, dtype=bool),
            landmark_names=landmark_names,
            **metadata,
        )

    @property
    def n_detected(self) -> int:
        """Number of frames in which the person was found."""
        return int(np.count_nonzero(self.detected))

    @property
    def mean_visibility(self) -> FloatArray:
        """(N,) mean landmark visibility of each frame, 0 for frames without a detection."""
        return np.where(self.detected, self.visibility.mean(axis=1), 0.0)

    def index_of(self, name: str) -> int:
        """Index of landmark ``name`` in this series; ``KeyError`` listing the names otherwise."""
        try:
            return self.landmark_names.index(name)
        except ValueError:
            raise KeyError(
                f"no landmark {name!r} in this series; it has: {', '.join(self.landmark_names)}"
            ) from None

    def image_point(self, name: str) -> FloatArray:
        """(N, 3) image coordinates of one landmark (normalised x, y, relative z)."""
        return self.image_xyz[:, self.index_of(name), :]

    def world_point(self, name: str) -> FloatArray:
        """(N, 3) world coordinates of one landmark, in metres."""
        return self.world_xyz_m[:, self.index_of(name), :]

    def image_point_px(self, name: str) -> FloatArray:
        """(N, 2) image coordinates of one landmark in pixels; needs ``provenance.resolution``."""
        if self.provenance.resolution is None:
            raise SeriesError("this series has no image resolution; pixel coordinates are unknown")
        width, height = self.provenance.resolution
        return self.image_point(name)[:, :2] * np.array([width, height], dtype=np.float64)

    def metadata_json(self) -> dict[str, Any]:
        return {
            "landmark_names": list(self.landmark_names),
            "frame_rate_hz": self.frame_rate_hz,
            "world_up": list(self.world_up),
            "provenance": self.provenance.to_json(),
        }

    @classmethod
    def from_parts(cls, arrays: Mapping[str, NDArray[Any]], metadata: Mapping[str, Any]) -> Self:
        return cls(
            time_s=arrays["time_s"],
            image_xyz=arrays["image_xyz"],
            world_xyz_m=arrays["world_xyz_m"],
            visibility=arrays["visibility"],
            detected=arrays["detected"],
            landmark_names=tuple(metadata["landmark_names"]),
            frame_rate_hz=float(metadata["frame_rate_hz"]),
            world_up=tuple(metadata["world_up"]),
            provenance=Provenance.from_json(metadata["provenance"]),
        )

    def csv_columns(self) -> tuple[list[str], FloatArray]:
        names = ["time_s", "detected"]
        blocks: list[NDArray[Any]] = [self.time_s[:, None], self.detected[:, None]]
        for i, landmark in enumerate(self.landmark_names):
            names += [f"{landmark}_x", f"{landmark}_y", f"{landmark}_z"]
            names += [f"{landmark}_world_x_m", f"{landmark}_world_y_m", f"{landmark}_world_z_m"]
            names.append(f"{landmark}_visibility")
            blocks += [
                self.image_xyz[:, i, :],
                self.world_xyz_m[:, i, :],
                self.visibility[:, i, None],
            ]
        return names, np.hstack(blocks).astype(np.float64)
