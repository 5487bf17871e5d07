"""A head recording from a client's live frames: the face model's pose matrix and quality
figures of each frame (``fm``, ``fb``, ``luma``, ``bg`` of
:class:`~kinesense.live.protocol.FrameMessage`) to the same
:class:`~kinesense.series.HeadSeries` the video path builds
(:func:`kinesense.capture.head_extract.analyse_face_frames`): times in seconds, yaw, pitch and
roll in degrees with the convention of :mod:`kinesense.signal.head_pose`, the face box in
pixels of the frame's resolution, the frame's mean luma and the background change outside the
face box, NaN where the face model found no face.

The browser computes luma and background change on a grey copy of the frame sampled every
:data:`~kinesense.capture.head_extract.GREY_STEP`-th pixel, as the video path does, so that the
thresholds of :mod:`kinesense.signal.head_quality` apply unchanged.
"""

from collections.abc import Sequence

import numpy as np

from kinesense.capture.face import FACE_MODEL_NAME
from kinesense.errors import InvalidValueError
from kinesense.live.protocol import FrameMessage
from kinesense.series import HeadSeries, Provenance
from kinesense.signal.head_pose import head_angles_deg, matrix_from_column_major

SOURCE = "browser:live"
"""The ``source`` of a live head recording's provenance."""
MAX_FRAMES = 60 * 60 * 5
"""Most frames in one recording: five minutes at 60 frames a second (a repositioning test
lasts about a minute)."""
MIN_FRAMES = 2


def head_series_from_frames(
    frames: Sequence[FrameMessage], resolution: tuple[int, int]
) -> HeadSeries:
    """The :class:`HeadSeries` of live frames of a ``(width, height)`` camera, in the order
    sent; ``frame_rate_hz`` is the median rate of the frames (a live camera has no nominal one).

    Raises:
        InvalidValueError: fewer than 2 or more than :data:`MAX_FRAMES` frames, times that do
            not increase, a frame without ``luma`` (the face model path sends it on every
            frame), or a resolution out of range.
    """
    width, height = resolution
    if not (16 <= width <= 8192 and 16 <= height <= 8192):
        raise InvalidValueError(f"resolution {width} x {height} px: each side must be 16-8192")
    if not MIN_FRAMES <= len(frames) <= MAX_FRAMES:
        raise InvalidValueError(
            f"{len(frames)} frames: a head recording has {MIN_FRAMES} to {MAX_FRAMES}"
        )
    n = len(frames)
    time_s = np.array([f.t for f in frames], dtype=np.float64) / 1000.0
    if np.any(np.diff(time_s) <= 0):
        at = int(np.flatnonzero(np.diff(time_s) <= 0)[0]) + 1
        raise InvalidValueError(f"frame {frames[at].seq}: its time does not follow the previous")
    missing = [f.seq for f in frames if f.luma is None]
    if missing:
        raise InvalidValueError(f"frame {missing[0]}: no luma (sent with the face model)")
    detected = np.array([f.fm is not None for f in frames], dtype=bool)
    matrices = np.full((n, 4, 4), np.nan)
    boxes = np.full((n, 4), np.nan)
    scale = np.array([width, height, width, height], dtype=np.float64)
    for i, frame in enumerate(frames):
        if frame.fm is not None and frame.fb is not None:
            matrices[i] = matrix_from_column_major(frame.fm)
            boxes[i] = np.asarray(frame.fb, dtype=np.float64) * scale
    angles = np.full((n, 3), np.nan)
    if detected.any():
        angles[detected] = head_angles_deg(matrices[detected])
    change = np.array([np.nan if f.bg is None else f.bg for f in frames], dtype=np.float64)
    change[0] = np.nan  # the first frame has no previous one, as in the video path
    provenance = Provenance(
        source=SOURCE,
        reader="live",
        model=FACE_MODEL_NAME,
        resolution=(width, height),
        camera_view="front",
    )
    return HeadSeries(
        time_s=time_s,
        angles_deg=angles,
        detected=detected,
        face_box_px=boxes,
        luma=np.array([f.luma for f in frames], dtype=np.float64),
        background_change=change,
        frame_rate_hz=float(1.0 / np.median(np.diff(time_s))),
        provenance=provenance,
    )
