"""A base for objects that hold a resource (a decoder, a camera, a model) until closed, the
protocol of such an object, and the base of the MediaPipe tasks (pose and face landmarkers)."""

from types import TracebackType
from typing import Any, Protocol, Self

import numpy as np


class Closing:
    """Use as a context manager: ``close()`` runs when the ``with`` block ends."""

    def close(self) -> None:
        """Release the resource; safe to call more than once."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class ClosableModel(Protocol):
    """A model that holds its resources until closed, usable as a context manager; ``name``
    identifies the model and its variant."""

    name: str

    def close(self) -> None:
        """Release the model."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class MediaPipeTask(Closing):
    """A MediaPipe Tasks landmarker (``self._landmarker``, created by the subclass) fed with
    frames in time order."""

    _landmarker: Any = None
    _last_timestamp_ms: int = -1

    @staticmethod
    def _image(rgb: Any) -> Any:
        """An RGB frame (H x W x 3, uint8) as a MediaPipe image."""
        import mediapipe as mp

        return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))

    def _timestamp(self, timestamp_ms: int) -> int:
        """``timestamp_ms``, or 1 ms past the previous one when it is not after it
        (variable-frame-rate files repeat time stamps; MediaPipe's video mode refuses them)."""
        timestamp_ms = max(int(timestamp_ms), self._last_timestamp_ms + 1)
        self._last_timestamp_ms = timestamp_ms
        return timestamp_ms

    def close(self) -> None:
        """Release the model (safe to call twice)."""
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None
