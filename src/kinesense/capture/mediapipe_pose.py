"""BlazePose through MediaPipe's Tasks API (``mediapipe==1.2.2``, ``PoseLandmarker``).

The model bundle comes from :mod:`kinesense.capture.models`; this module never downloads one.
"""

import numpy as np
from numpy.typing import NDArray

from kinesense._checks import check_option
from kinesense.capture.closing import MediaPipeTask
from kinesense.capture.estimator import PoseDetection
from kinesense.capture.models import DEFAULT_MODEL, model_file, model_label


def preload() -> None:
    """Import MediaPipe and load its native library in this process, creating no model.

    Worker processes forked afterwards inherit both, instead of each paying about half a
    second for them (measured here: 0.42 s to import, plus loading the library). Loading the
    library goes through MediaPipe's own loader, an internal function; if a future MediaPipe
    moves it, only this warm-up is skipped.
    """
    from mediapipe.tasks.python import vision  # noqa: F401

    try:
        from mediapipe.tasks.python.core import mediapipe_c_bindings

        mediapipe_c_bindings.load_raw_library()
    except (ImportError, AttributeError, OSError):
        return


class MediaPipePoseEstimator(MediaPipeTask):
    """BlazePose GHUM 33-landmark model, one instance per stream.

    Args:
        model: ``"full"`` (default, for measurement), ``"lite"`` (faster) or a ``.task`` path.
        mode: ``"video"`` (tracks between frames; timestamps must increase) or ``"image"``
            (each frame on its own).
        num_poses: most people returned per frame.
        min_detection_confidence, min_presence_confidence, min_tracking_confidence: thresholds
            of MediaPipe's detector, landmark presence and tracking, in [0, 1].
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        mode: str = "video",
        num_poses: int = 1,
        min_detection_confidence: float = 0.5,
        min_presence_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        check_option("mode", mode, ("video", "image"))
        if num_poses < 1:
            raise ValueError(f"num_poses must be at least 1; got {num_poses}")
        from mediapipe.tasks.python import BaseOptions, vision

        self.name = model_label(model)
        self.mode = mode
        running_mode = vision.RunningMode.VIDEO if mode == "video" else vision.RunningMode.IMAGE
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_file(model))),
            running_mode=running_mode,
            num_poses=num_poses,
            min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        self._landmarker = vision.PoseLandmarker.create_from_options(options)

    def estimate(self, rgb: NDArray[np.uint8], timestamp_ms: int) -> list[PoseDetection]:
        """Landmarks of the people in an RGB frame.

        In video mode a timestamp not after the previous one is moved 1 ms past it, so that
        frames with equal time stamps (seen in variable-frame-rate files) are still accepted.
        """

        image = self._image(rgb)
        if self.mode == "image":
            result = self._landmarker.detect(image)
        else:
            result = self._landmarker.detect_for_video(image, self._timestamp(timestamp_ms))
        detections = []
        worlds = result.pose_world_landmarks or [None] * len(result.pose_landmarks)
        for landmarks, world in zip(result.pose_landmarks, worlds, strict=True):
            image_xyz = np.array([(p.x, p.y, p.z) for p in landmarks], dtype=np.float64)
            visibility = np.array([p.visibility or 0.0 for p in landmarks], dtype=np.float64)
            if world is None:
                world_xyz = np.full_like(image_xyz, np.nan)
            else:
                world_xyz = np.array([(p.x, p.y, p.z) for p in world], dtype=np.float64)
            detections.append(PoseDetection(image_xyz, world_xyz, np.clip(visibility, 0.0, 1.0)))
        return detections
