"""From a video file (or any frames) to a :class:`~kinesense.series.HeadSeries`: the face model
on every frame, the head's yaw, pitch and roll, and what each frame says about its quality.

Per frame: whether a face was found, its landmarks' box (face size and position, in pixels),
the frame's mean luma (light) and how much the picture changed outside the face box since the
previous frame (``background_change``: a camera that moves, or a scene that does). Frame times
are the decoder's (real time stamps, repaired where a file repeats them), as for the pose
extraction (:mod:`kinesense.capture.extract`).
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kinesense.capture.face import FACE_MODEL_NAME, FaceEstimator, MediaPipeFaceEstimator
from kinesense.capture.prefetch import prefetch
from kinesense.capture.video import Frame, FrameCounter, ProgressCallback, VideoFile, probe_video
from kinesense.errors import NoPersonError
from kinesense.series import HeadSeries, Provenance
from kinesense.signal.head_pose import head_angles_deg

GREY_STEP = 4
"""Background change and luma are computed on every 4th pixel in each direction (a 1080p frame
becomes 480 x 270): the means they give change by far less than the thresholds that use them."""
FACE_BOX_MARGIN = 0.5
"""The face box is widened by this share of its size on each side before the background is
compared (hair, ears and the neck move with the head)."""
_LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114], dtype=np.float32)


@dataclass(frozen=True)
class HeadExtraction:
    """A video's head series and how long it took (seconds, model loading included)."""

    series: HeadSeries
    processing_s: float


def grey_sample(rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Luma (ITU-R BT.601 weights, 0-255) of every :data:`GREY_STEP`-th pixel."""
    return np.asarray(rgb[::GREY_STEP, ::GREY_STEP].astype(np.float32) @ _LUMA_WEIGHTS)


def background_change(
    previous: NDArray[np.float32], current: NDArray[np.float32], box_px: NDArray[np.float64]
) -> float:
    """Mean absolute change of grey level between two sampled frames, outside the face box
    (widened by :data:`FACE_BOX_MARGIN`; the whole frame when ``box_px`` is NaN)."""
    outside = np.ones(current.shape, dtype=bool)
    if np.all(np.isfinite(box_px)):
        x0, y0, x1, y1 = box_px
        mx, my = FACE_BOX_MARGIN * (x1 - x0), FACE_BOX_MARGIN * (y1 - y0)
        c0, c1 = int(max(0, (x0 - mx) // GREY_STEP)), int((x1 + mx) // GREY_STEP + 1)
        r0, r1 = int(max(0, (y0 - my) // GREY_STEP)), int((y1 + my) // GREY_STEP + 1)
        outside[r0:r1, c0:c1] = False
    if not np.any(outside):
        return float("nan")
    return float(np.mean(np.abs(current[outside] - previous[outside])))


def analyse_face_frames(
    frames: Iterable[Frame],
    estimator: FaceEstimator,
    resolution: tuple[int, int],
    report: Callable[[int], None] | None = None,
) -> dict[str, NDArray[Any]]:
    """Run ``estimator`` on ``frames`` (in time order); the per-frame arrays of a
    :class:`HeadSeries` (``time_s``, ``angles_deg``, ``detected``, ``face_box_px``, ``luma``,
    ``background_change``). ``report`` is called with 1 after each frame."""
    times, angles, detected, boxes, luma, change = [], [], [], [], [], []
    previous: NDArray[np.float32] | None = None
    for frame in frames:
        faces = estimator.estimate(frame.rgb, round(frame.time_s * 1000))
        grey = grey_sample(frame.rgb)
        if faces:
            box = np.array(faces[0].box_px(resolution), dtype=np.float64)
            angles.append(head_angles_deg(faces[0].matrix))
        else:
            box = np.full(4, np.nan)
            angles.append(np.full(3, np.nan))
        times.append(frame.time_s)
        detected.append(bool(faces))
        boxes.append(box)
        luma.append(float(np.mean(grey)))
        change.append(float("nan") if previous is None else background_change(previous, grey, box))
        previous = grey
        if report is not None:
            report(1)
    n = len(times)
    return {
        "time_s": np.asarray(times, dtype=np.float64),
        "angles_deg": np.asarray(angles, dtype=np.float64).reshape(n, 3),
        "detected": np.asarray(detected, dtype=bool),
        "face_box_px": np.asarray(boxes, dtype=np.float64).reshape(n, 4),
        "luma": np.asarray(luma, dtype=np.float64),
        "background_change": np.asarray(change, dtype=np.float64),
    }


def extract_head(
    path: str | Path,
    *,
    progress: ProgressCallback | None = None,
    make_estimator: Callable[[], FaceEstimator] | None = None,
) -> HeadExtraction:
    """The head orientation of the person facing the camera in a video file.

    Args:
        path: the video.
        progress: called with (frames done, frames expected).
        make_estimator: the face model (default: the shipped MediaPipe face landmarker).

    Raises:
        InputFileError: missing, unreadable or corrupt video.
        NoPersonError: no face in any frame.
    """
    started = time.perf_counter()
    info = probe_video(path)
    report = FrameCounter(info.frame_count, progress)

    resolution = (info.width, info.height)
    factory = make_estimator or MediaPipeFaceEstimator
    with VideoFile(info.path) as video, factory() as estimator:
        arrays = analyse_face_frames(prefetch(video.frames()), estimator, resolution, report)
        repaired = video.repaired_timestamps
    provenance = Provenance(
        source=str(info.path),
        reader="video",
        model=getattr(estimator, "name", FACE_MODEL_NAME),
        resolution=resolution,
        camera_view="front",
        details={
            "rotation_deg": info.rotation_deg,
            "codec": info.codec,
            "video_fps": info.fps,
            "repaired_timestamps": repaired,
        },
    )
    series = HeadSeries(**arrays, frame_rate_hz=info.fps, provenance=provenance)
    if series.n_detected == 0:
        raise NoPersonError(f"no face found in {info.path} ({len(series)} frames analysed)")
    return HeadExtraction(series, time.perf_counter() - started)
