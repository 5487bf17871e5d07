"""Decoding video files and cameras with OpenCV, the way measurements need them.

* Rotation metadata (phones store portrait video as landscape plus a rotation tag) is applied
  by kinesense itself, so frames are upright whatever OpenCV's own default is.
* Each frame carries its presentation time stamp from the container, so variable-frame-rate
  recordings (most phones) keep their true timing. A missing or non-increasing stamp is
  repaired from the nominal frame rate and counted (:attr:`VideoFile.repaired_timestamps`).
* Frames are decoded one at a time: a long video never sits in memory.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kinesense._checks import check_input_file
from kinesense.capture.closing import Closing
from kinesense.errors import InputFileError

_ROTATIONS = {90: "ROTATE_90_CLOCKWISE", 180: "ROTATE_180", 270: "ROTATE_90_COUNTERCLOCKWISE"}


ProgressCallback = Callable[[int, int], None]
"""Called with (frames done, frames expected) while a video is analysed."""


class FrameCounter:
    """Counts the frames analysed and tells ``progress`` (frames done, frames expected; the
    expected count grows when a file holds more frames than it announces)."""

    def __init__(self, expected: int, progress: ProgressCallback | None) -> None:
        self.expected = max(expected, 1)
        self.progress = progress
        self.done = 0

    def __call__(self, count: int) -> None:
        """``count`` more frames analysed."""
        self.done += count
        if self.progress is not None:
            self.progress(self.done, max(self.expected, self.done))


@dataclass(frozen=True)
class VideoInfo:
    """What a video file holds.

    Attributes:
        path: the file.
        width, height: frame size in pixels after rotation (as analysed).
        fps: nominal frame rate in Hz from the container.
        frame_count: number of frames the container announces (may be approximate).
        rotation_deg: clockwise rotation applied to decoded frames (0, 90, 180 or 270).
        codec: the four-character code of the video stream.
    """

    path: Path
    width: int
    height: int
    fps: float
    frame_count: int
    rotation_deg: int
    codec: str

    @property
    def duration_s(self) -> float:
        """Announced duration in seconds (frame count / fps)."""
        return self.frame_count / self.fps if self.fps > 0 else 0.0


@dataclass(frozen=True)
class Frame:
    """One decoded frame: index in the file, time stamp in seconds, RGB pixels (H x W x 3)."""

    index: int
    time_s: float
    rgb: NDArray[np.uint8]


FFMPEG_QUIET = "-8"
"""FFmpeg's ``AV_LOG_QUIET``: OpenCV passes ``OPENCV_FFMPEG_LOGLEVEL`` to ``av_log_set_level``
when its FFmpeg backend starts, so that a file FFmpeg cannot open prints nothing of its own
before kinesense's one-line error (a user's own setting of the variable is kept)."""


def _open_capture(source: Any) -> Any:
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", FFMPEG_QUIET)
    import cv2

    capture = cv2.VideoCapture(source)
    # kinesense rotates frames itself (see module docstring); ask OpenCV not to.
    capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
    return capture


def _fourcc(capture: Any) -> str:
    import cv2

    code = int(capture.get(cv2.CAP_PROP_FOURCC))
    text = "".join(chr((code >> (8 * i)) & 0xFF) for i in range(4))
    return text if text.isprintable() and text.strip() else "unknown"


class VideoFile(Closing):
    """A video file opened for decoding; use as a context manager.

    Raises :class:`InputFileError` when the file is missing, is not a video OpenCV can decode,
    or holds no frame.
    """

    def __init__(self, path: str | Path) -> None:
        import cv2

        self.path = check_input_file(path, "video")
        self._capture = _open_capture(str(self.path))
        if not self._capture.isOpened():
            self._capture.release()
            raise InputFileError(
                f"cannot open {self.path} as a video (not a video file, or a codec OpenCV lacks)"
            )
        rotation = round(self._capture.get(cv2.CAP_PROP_ORIENTATION_META)) % 360
        width = int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        if width <= 0 or height <= 0:
            self._capture.release()
            raise InputFileError(f"{self.path} has no video stream")
        if rotation in (90, 270):
            width, height = height, width
        self.info = VideoInfo(
            path=self.path,
            width=width,
            height=height,
            fps=float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0),
            frame_count=max(0, int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT))),
            rotation_deg=rotation if rotation in _ROTATIONS else 0,
            codec=_fourcc(self._capture),
        )
        self._rotate_code = (
            getattr(cv2, _ROTATIONS[self.info.rotation_deg]) if self.info.rotation_deg else None
        )
        self._next_index = 0
        self._last_time_s = -np.inf
        self.repaired_timestamps = 0

    def seek(self, frame_index: int, *, exact: bool = False) -> None:
        """Position the decoder so that the next frame read is ``frame_index``.

        By default the container's index is used (fast; accurate for ordinary files, but at
        the joins of concatenated files FFmpeg may land a frame off). With ``exact``, frames
        are decoded and dropped from the current position instead (always right, slower; a
        backward move restarts from the first frame).
        """
        import cv2

        if frame_index == self._next_index:
            return
        if not exact:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, frame_index)
            self._next_index = frame_index
            self._last_time_s = -np.inf
            return
        if frame_index < self._next_index:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self._next_index = 0
            self._last_time_s = -np.inf
        while self._next_index < frame_index and self._capture.grab():
            self._next_index += 1
            self._frame_time_s(self._next_index - 1)

    def read(self) -> Frame | None:
        """Decode the next frame, or return ``None`` at the end of the file."""
        import cv2

        ok, bgr = self._capture.read()
        if not ok or bgr is None:
            return None
        index = self._next_index
        self._next_index += 1
        time_s = self._frame_time_s(index)
        if self._rotate_code is not None:
            bgr = cv2.rotate(bgr, self._rotate_code)
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        return Frame(index=index, time_s=time_s, rgb=rgb)

    def _frame_time_s(self, index: int) -> float:
        """Time stamp of the frame just read; repaired when the container's is unusable.

        A stamp that is not finite or does not increase is replaced by the previous one plus
        one nominal frame interval, and counted in :attr:`repaired_timestamps`.
        """
        import cv2

        time_s = float(self._capture.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
        if not np.isfinite(time_s) or time_s <= self._last_time_s or (index > 0 and time_s == 0):
            interval = 1.0 / self.info.fps if self.info.fps > 0 else 1.0 / 30.0
            time_s = (
                index * interval if self._last_time_s == -np.inf else self._last_time_s + interval
            )
            self.repaired_timestamps += 1
        self._last_time_s = time_s
        return time_s

    def frames(
        self, start: int = 0, stop: int | None = None, *, exact_seek: bool = False
    ) -> Iterator[Frame]:
        """Frames ``start <= index < stop`` (to the end when ``stop`` is None), in order.

        ``exact_seek`` reaches ``start`` by decoding rather than through the index
        (see :meth:`seek`).
        """
        self.seek(start, exact=exact_seek)
        while stop is None or self._next_index < stop:
            frame = self.read()
            if frame is None:
                return
            yield frame

    def close(self) -> None:
        """Release the decoder."""
        self._capture.release()


def probe_video(path: str | Path) -> VideoInfo:
    """Open a video, check that its first frame decodes, and return its :class:`VideoInfo`."""
    with VideoFile(path) as video:
        if video.read() is None:
            raise InputFileError(f"{video.path} holds no decodable frame (empty or corrupt video)")
        return video.info
