"""Live frames from a webcam, time-stamped with a monotonic clock."""

import time
from collections.abc import Iterator
from typing import Any

from kinesense.capture.closing import Closing
from kinesense.capture.video import Frame, _open_capture
from kinesense.errors import InputFileError


class Camera(Closing):
    """A webcam opened with OpenCV; use as a context manager.

    Args:
        index: the camera number (0 is the first camera), or a stream address or file that
            OpenCV opens like a camera (frames are then timed by the clock too).
        width, height: requested frame size in pixels (the camera may choose another).

    Frame times are seconds since the camera was opened, from :func:`time.monotonic`, so they
    keep increasing even if the wall clock changes.
    """

    def __init__(self, index: int | str = 0, *, width: int = 1280, height: int = 720) -> None:
        import cv2

        self.index = index
        self._capture: Any = _open_capture(index)
        if not self._capture.isOpened():
            self._capture.release()
            raise InputFileError(
                f"cannot open camera {index}: no such camera, or it is used by another program"
            )
        self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self.width = int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        self.height = int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        self._start = time.monotonic()
        self._index = 0

    def read(self) -> Frame | None:
        """The next frame, or ``None`` when the camera stops delivering."""
        import cv2

        ok, bgr = self._capture.read()
        if not ok or bgr is None:
            return None
        frame = Frame(
            index=self._index,
            time_s=time.monotonic() - self._start,
            rgb=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB),
        )
        self._index += 1
        return frame

    def frames(self) -> Iterator[Frame]:
        """Frames until the camera stops or the caller stops iterating."""
        while (frame := self.read()) is not None:
            yield frame

    def close(self) -> None:
        """Release the camera."""
        self._capture.release()
