"""Face landmarks and the head's pose from an RGB frame: MediaPipe ``FaceLandmarker``
(``mediapipe==1.2.2`` Tasks API), behind a small protocol like the pose estimator's.

The model bundle is the one shipped in :mod:`kinesense.capture.models`
(``face_landmarker.task``, checksum-pinned); nothing is downloaded. With
``output_facial_transformation_matrixes=True`` the model returns, for each face, a 4x4 matrix
that carries MediaPipe's canonical face model into the camera's metric space (centimetres; the
camera looks down its -z axis, x to the image right, y up): its rotation part is the head's
orientation relative to the camera, read as yaw, pitch and roll by
:func:`kinesense.signal.head_pose.head_angles_deg`. The browser's ``@mediapipe/tasks-vision``
returns the same matrix as 16 numbers in column-major order
(:func:`kinesense.signal.head_pose.matrix_from_column_major`).
"""

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.capture.closing import ClosableModel, MediaPipeTask
from kinesense.capture.models import face_model_file

FACE_MODEL_NAME = "mediapipe-face-landmarker"
"""Provenance name of the shipped face model."""


@dataclass(frozen=True)
class FaceDetection:
    """One face found in one frame.

    Attributes:
        image_xyz: (478, 3) landmarks; x, y normalised to [0, 1] by frame width and height
            (y down), z relative depth.
        matrix: (4, 4) facial transformation matrix, row-major (rotation and translation in
            cm from the canonical face model to the camera frame).
    """

    image_xyz: FloatArray
    matrix: FloatArray

    def box_px(self, resolution: tuple[int, int]) -> tuple[float, float, float, float]:
        """The landmarks' bounding box ``(x0, y0, x1, y1)`` in pixels of a ``(width, height)``
        frame."""
        xy = self.image_xyz[:, :2] * np.array(resolution, dtype=np.float64)
        x0, y0 = np.min(xy, axis=0)
        x1, y1 = np.max(xy, axis=0)
        return float(x0), float(y0), float(x1), float(y1)


@runtime_checkable
class FaceEstimator(ClosableModel, Protocol):
    """A face model fed with frames in time order (one instance per stream)."""

    def estimate(self, rgb: Any, timestamp_ms: int) -> list[FaceDetection]:
        """The faces in an RGB frame (H x W x 3, uint8); timestamps increase."""
        ...


class MediaPipeFaceEstimator(MediaPipeTask):
    """MediaPipe ``FaceLandmarker`` in VIDEO mode with the head-pose matrix, one face.

    Args:
        min_detection_confidence, min_presence_confidence, min_tracking_confidence:
            MediaPipe's thresholds for the face detector, landmark presence and tracking, in
            [0, 1] (MediaPipe's defaults, 0.5).
    """

    name = FACE_MODEL_NAME

    def __init__(
        self,
        *,
        min_detection_confidence: float = 0.5,
        min_presence_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        from mediapipe.tasks.python import BaseOptions, vision

        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(face_model_file())),
            running_mode=vision.RunningMode.VIDEO,
            num_faces=1,
            min_face_detection_confidence=min_detection_confidence,
            min_face_presence_confidence=min_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
            output_face_blendshapes=False,
            output_facial_transformation_matrixes=True,
        )
        self._landmarker = vision.FaceLandmarker.create_from_options(options)

    def estimate(self, rgb: Any, timestamp_ms: int) -> list[FaceDetection]:
        """The face in an RGB frame (at most one). A timestamp not after the previous one is
        moved 1 ms past it (variable-frame-rate files repeat time stamps)."""

        result = self._landmarker.detect_for_video(self._image(rgb), self._timestamp(timestamp_ms))
        matrices = result.facial_transformation_matrixes or []
        faces = []
        for landmarks, matrix in zip(result.face_landmarks, matrices, strict=False):
            points = np.array([(p.x, p.y, p.z) for p in landmarks], dtype=np.float64)
            faces.append(FaceDetection(points, np.asarray(matrix, dtype=np.float64)))
        return faces
