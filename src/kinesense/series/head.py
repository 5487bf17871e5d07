"""HeadSeries: the head's orientation relative to the camera, frame by frame, from a face model."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from kinesense.arrays import BoolArray, FloatArray
from kinesense.errors import SeriesError
from kinesense.series.base import TimeSeriesBase, frozen_array
from kinesense.series.provenance import Provenance


@dataclass(frozen=True, eq=False)
class HeadSeries(TimeSeriesBase):
    """Head orientation and the quality of each frame it was read from.

    Attributes:
        time_s: (N,) frame times in seconds, strictly increasing.
        angles_deg: (N, 3) yaw, pitch, roll in degrees relative to the camera, with the
            convention of :mod:`kinesense.signal.head_pose` (R = Ry(yaw)·Rx(pitch)·Rz(roll);
            yaw > 0: face turned to the person's left, pitch > 0: down, roll > 0: tilted to
            the person's right, in an unmirrored camera); NaN where no face was found.
        detected: (N,) True where a face was found.
        face_box_px: (N, 4) the face landmarks' box ``x0, y0, x1, y1`` in pixels (NaN where
            no face).
        luma: (N,) mean luma of the frame (BT.601, 0-255).
        background_change: (N,) mean absolute grey-level change from the previous frame
            outside the face box (0-255; NaN on the first frame): the camera or the scene moving.
        frame_rate_hz: the video's nominal frame rate (0 if unknown).
        provenance: where it came from (``resolution`` is needed for the face size checks).
    """

    time_s: FloatArray
    angles_deg: FloatArray
    detected: BoolArray
    face_box_px: FloatArray
    luma: FloatArray
    background_change: FloatArray
    frame_rate_hz: float = 0.0
    provenance: Provenance = field(default_factory=Provenance)

    SAMPLE_FIELDS: ClassVar[tuple[str, ...]] = (
        "time_s",
        "angles_deg",
        "detected",
        "face_box_px",
        "luma",
        "background_change",
    )
    KIND: ClassVar[str] = "head"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "time_s", frozen_array(self.time_s, np.float64, "time_s"))
        n = self.time_s.shape[0] if self.time_s.ndim == 1 else -1
        shapes = {"angles_deg": (n, 3), "face_box_px": (n, 4), "luma": (n,),
                  "background_change": (n,), "detected": (n,)}  # fmt: skip
        for name, shape in shapes.items():
            dtype: type = bool if name == "detected" else np.float64
            array = frozen_array(getattr(self, name), dtype, name)
            if array.shape != shape:
                raise SeriesError(f"{name} must have shape {shape}; got {array.shape}")
            set_(self, name, array)
        set_(self, "frame_rate_hz", float(self.frame_rate_hz))
        self._check_time()

    @property
    def yaw_deg(self) -> FloatArray:
        """(N,) yaw (rotation), degrees."""
        return self.angles_deg[:, 0]

    @property
    def pitch_deg(self) -> FloatArray:
        """(N,) pitch (flexion), degrees."""
        return self.angles_deg[:, 1]

    @property
    def roll_deg(self) -> FloatArray:
        """(N,) roll (lateral flexion), degrees."""
        return self.angles_deg[:, 2]

    @property
    def n_detected(self) -> int:
        """Frames with a face."""
        return int(np.count_nonzero(self.detected))

    @property
    def face_width_px(self) -> FloatArray:
        """(N,) width of the face box, pixels."""
        return self.face_box_px[:, 2] - self.face_box_px[:, 0]

    @property
    def face_centre_px(self) -> FloatArray:
        """(N, 2) centre of the face box, pixels."""
        box = self.face_box_px
        return np.column_stack([(box[:, 0] + box[:, 2]) / 2, (box[:, 1] + box[:, 3]) / 2])

    def metadata_json(self) -> dict[str, Any]:
        return {"frame_rate_hz": self.frame_rate_hz, "provenance": self.provenance.to_json()}

    @classmethod
    def from_parts(cls, arrays: Mapping[str, NDArray[Any]], metadata: Mapping[str, Any]) -> Self:
        return cls(
            time_s=arrays["time_s"],
            angles_deg=arrays["angles_deg"],
            detected=arrays["detected"],
            face_box_px=arrays["face_box_px"],
            luma=arrays["luma"],
            background_change=arrays["background_change"],
            frame_rate_hz=float(metadata["frame_rate_hz"]),
            provenance=Provenance.from_json(metadata["provenance"]),
        )

    def csv_columns(self) -> tuple[list[str], FloatArray]:
        names = ["time_s", "yaw_deg", "pitch_deg", "roll_deg", "detected", "face_x0_px",
                 "face_y0_px", "face_x1_px", "face_y1_px", "luma", "background_change"]  # fmt: skip
        table = np.column_stack(
            [
                self.time_s,
                self.angles_deg,
                self.detected.astype(np.float64),
                self.face_box_px,
                self.luma,
                self.background_change,
            ]
        )
        return names, table
