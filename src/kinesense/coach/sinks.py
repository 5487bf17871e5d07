"""Where annotated coaching frames go: an MP4 file, or a window on the screen."""

import os
import sys
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from kinesense.errors import KinesenseError, OutputFileError

WINDOW_MAX_PX = (1280, 900)
"""Largest size of the live window (width, height) in pixels."""


class FrameSink(Protocol):
    """Receives each annotated BGR frame; returns a key pressed (live windows) or None."""

    def show(self, bgr: NDArray[np.uint8]) -> str | None: ...

    def close(self) -> None: ...


class AnnotatedVideo:
    """Writes annotated frames to an MP4 file (OpenCV ``VideoWriter``, fourcc ``mp4v``)."""

    def __init__(self, path: Path, fps: float, resolution: tuple[int, int]) -> None:
        import cv2

        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fourcc = cv2.VideoWriter.fourcc(*"mp4v")
        self._writer = cv2.VideoWriter(str(path), fourcc, fps, resolution)
        if not self._writer.isOpened():
            raise OutputFileError(f"cannot write an annotated video to {path}")

    def show(self, bgr: NDArray[np.uint8]) -> str | None:
        self._writer.write(bgr)
        return None

    def close(self) -> None:
        self._writer.release()


def has_display() -> bool:
    """Whether a window can be opened (a desktop session, or any non-Linux system)."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class LiveWindow:
    """An OpenCV window showing the annotated frames; keys: ``q`` quits, ``s`` skips set-up."""

    TITLE = "kinesense coach (q: quit, s: skip set-up)"

    def __init__(self) -> None:
        if not has_display():
            raise KinesenseError(
                "no display to show the camera window (DISPLAY is not set): run on a desktop, "
                "or use --no-window to coach by voice and text only"
            )
        import cv2

        try:
            cv2.namedWindow(self.TITLE, cv2.WINDOW_NORMAL)
        except cv2.error as error:
            raise KinesenseError(f"cannot open a window: {error}") from None
        self._sized = False

    def show(self, bgr: NDArray[np.uint8]) -> str | None:
        import cv2

        if not self._sized:
            # Frame size, made smaller (same shape) to fit WINDOW_MAX_PX.
            height, width = bgr.shape[:2]
            scale = min(1.0, WINDOW_MAX_PX[0] / width, WINDOW_MAX_PX[1] / height)
            cv2.resizeWindow(self.TITLE, round(width * scale), round(height * scale))
            self._sized = True
        cv2.imshow(self.TITLE, bgr)
        key = cv2.waitKey(1) & 0xFF
        return chr(key).lower() if key != 0xFF else None

    def close(self) -> None:
        import cv2

        cv2.destroyWindow(self.TITLE)
