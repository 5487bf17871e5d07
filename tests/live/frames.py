"""Frame messages from coach frames, packed as the live page packs them (landmarks rounded to
5 decimals, visibility to 4), so that the server sees what a browser would send; and the frames
of a face video with the face model's matrix and quality figures (:func:`head_messages`)."""

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kinesense.capture.face import FaceDetection, MediaPipeFaceEstimator
from kinesense.capture.head_extract import extract_head
from kinesense.coach.events import CoachFrame
from kinesense.live.protocol import FrameMessage
from kinesense.series import HeadSeries


def packed(frame: CoachFrame) -> list[float] | None:
    """The ``lm`` list of a frame: 33 x (x, y, z, visibility), rounded as the page rounds."""
    if frame.image_xyz is None or frame.visibility is None:
        return None
    xyz = np.round(np.asarray(frame.image_xyz, dtype=float), 5)
    vis = np.round(np.asarray(frame.visibility, dtype=float), 4)
    return [float(v) for v in np.column_stack([xyz, vis]).ravel()]


def message(seq: int, frame: CoachFrame) -> FrameMessage:
    """The frame message of ``frame``, its time in whole milliseconds."""
    return FrameMessage(type="frame", seq=seq, t=round(frame.time_s * 1000), lm=packed(frame))


def text(seq: int, frame: CoachFrame) -> str:
    """The same message as the JSON text sent over the socket."""
    return json.dumps({"type": "frame", "seq": seq, "t": round(frame.time_s * 1000),
                       "lm": packed(frame)})  # fmt: skip


def as_received(frame: CoachFrame) -> CoachFrame:
    """``frame`` as the server rebuilds it from its message (rounded, millisecond time)."""
    lm = packed(frame)
    t = round(frame.time_s * 1000) / 1000.0
    if lm is None:
        return CoachFrame(t, None, None, resolution=frame.resolution)
    grid = np.asarray(lm).reshape(33, 4)
    return CoachFrame(t, grid[:, :3], grid[:, 3], resolution=frame.resolution)


def face_message(
    seq: int,
    time_s: float,
    face: FaceDetection | None,
    resolution: tuple[int, int],
    luma: float,
    background: float,
) -> FrameMessage:
    """The frame message the live page sends with the face model on: the matrix column-major
    (6 decimals), the face box normalised (5 decimals), luma (1 decimal) and the background
    change (2 decimals; null on the first frame), as ``pose-worker.js`` rounds them."""
    fm = fb = None
    if face is not None:
        fm = [round(float(v), 6) for v in np.asarray(face.matrix).T.ravel()]
        box = np.asarray(face.box_px(resolution)) / np.array(resolution * 2, dtype=float)
        fb = [round(float(v), 5) for v in box]
    bg = None if not np.isfinite(background) else round(float(background), 2)
    return FrameMessage(type="frame", seq=seq, t=round(time_s * 1000), lm=None, luma=round(luma, 1),
                        fm=fm, fb=fb, bg=bg)  # fmt: skip


class RecordingFaceModel(MediaPipeFaceEstimator):
    """The shipped face model, keeping what it found on each frame (time in ms, faces) so that
    the frames the browser would send can be built from the very same detections."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, list[FaceDetection]]] = []

    def estimate(self, rgb: Any, timestamp_ms: int) -> list[FaceDetection]:
        faces = super().estimate(rgb, timestamp_ms)
        self.found.append((timestamp_ms, faces))
        return faces


def head_messages(path: Path) -> tuple[HeadSeries, list[FrameMessage]]:
    """A face video's head series by the video path (:func:`extract_head`) and the frame
    messages the live page would send for the same frames (same face detections)."""
    models: list[RecordingFaceModel] = []

    def factory() -> RecordingFaceModel:
        models.append(RecordingFaceModel())
        return models[0]

    video = extract_head(path, make_estimator=factory).series
    resolution = video.provenance.resolution
    assert resolution is not None
    messages = [
        face_message(i, video.time_s[i], faces[0] if faces else None, resolution,
                     float(video.luma[i]), float(video.background_change[i]))
        for i, (_, faces) in enumerate(models[0].found)
    ]  # fmt: skip
    return video, messages


def real_squats(shared_data: Path, subject: int = 1) -> tuple[list[CoachFrame], tuple[int, int]]:
    """Ten real deep squats (UI-PRMD subject ``subject``, :mod:`~kinesense.capture.readers.
    uiprmd_clips`) filmed from the left side (:func:`kinesense.signal.projection.film`): the
    frames and their resolution. The landmarks Kinect does not track (the face, the hands) are
    sent as a browser sends a landmark it cannot see: at (0, 0, 0) with visibility 0 (the
    protocol takes finite numbers only). Skips the test when UI-PRMD is absent."""
    from kinesense.capture.readers.uiprmd_clips import load_clip
    from kinesense.coach.offline import frames_from_series
    from kinesense.signal.projection import film

    root = shared_data / "ui-prmd"
    if not root.is_dir():
        pytest.skip("UI-PRMD recordings are absent from ../shared/data")
    filmed = film(load_clip(root, 1, subject).pose, "left-side")
    assert filmed.provenance.resolution is not None
    frames = []
    for frame in frames_from_series(filmed):
        if frame.image_xyz is not None and frame.visibility is not None:
            unseen = ~np.isfinite(frame.image_xyz).all(axis=1)
            xyz = np.where(unseen[:, None], 0.0, frame.image_xyz)
            vis = np.where(unseen | ~np.isfinite(frame.visibility), 0.0, frame.visibility)
            frame = CoachFrame(frame.time_s, xyz, vis, resolution=frame.resolution)
        frames.append(frame)
    return frames, filmed.provenance.resolution
