"""What the camera sees of the person, live: the camera view and the body position.

Both are read from the frames as they come, so the coach can choose the side of the body to
track, judge form rules only in the views they can be seen in, and count only while the person
is in the exercise's body position.

* :class:`ViewTracker`: the camera view (:func:`kinesense.capture.view.classify_view`) of the
  last :data:`VIEW_WINDOW_S` seconds of frames with the person, refreshed every
  :data:`VIEW_EVERY_S`; grouped as the exercise format names views (``front`` for a front or back
  view, ``side``, ``oblique``).
* :class:`PositionTracker`: the body position (:mod:`kinesense.signal.body_position`) of each
  frame, made steady: the position changes only once a new one has been seen with at least
  :data:`~kinesense.signal.body_position.MIN_CONFIDENCE` for :data:`POSITION_SETTLE_S`; frames
  seen with less confidence leave it as it is. A frame is classified every
  :data:`POSITION_EVERY_S`.
"""

from collections import deque
from typing import Final

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.capture.view import classify_view
from kinesense.exercises.schema import VIEWS_OF
from kinesense.signal.body_position import (
    DESCRIPTIONS,
    MIN_CONFIDENCE,
    UNKNOWN,
    classify_positions,
)

VIEW_WINDOW_S: Final = 1.5
"""Seconds of frames the live camera view is read from (the set-up check's window)."""

VIEW_EVERY_S: Final = 0.25
"""Seconds between two readings of the view."""

POSITION_SETTLE_S: Final = 0.3
"""Seconds a new body position must be seen before the person is taken to be in it."""

POSITION_EVERY_S: Final = 0.1
"""Seconds between two classifications of the body position (a position changes more slowly
than the frame rate; classifying every frame would cost more than the rest of the coach)."""

GROUP_OF_VIEW: Final = {view: group for group, views in VIEWS_OF.items() for view in views}
"""``left-side`` -> ``side``, ``back`` -> ``front``..."""


class ViewTracker:
    """The camera view of the last frames (see the module docstring)."""

    def __init__(self, window_s: float = VIEW_WINDOW_S, every_s: float = VIEW_EVERY_S) -> None:
        self.window_s = window_s
        self.every_s = every_s
        self.view = "unknown"
        self._frames: deque[tuple[float, FloatArray, FloatArray]] = deque()
        self._read_at: float | None = None
        self._resolution: tuple[int, int] = (1, 1)

    @property
    def group(self) -> str | None:
        """``front``, ``side``, ``oblique`` or None while the view is unknown."""
        return GROUP_OF_VIEW.get(self.view)

    @property
    def near_side(self) -> str | None:
        """The side of the body facing the camera in a side view (``left``/``right``)."""
        return self.view.split("-", 1)[0] if self.view.endswith("-side") else None

    def update(
        self,
        time_s: float,
        image_xyz: FloatArray | None,
        visibility: FloatArray | None,
        resolution: tuple[int, int] | None,
        *,
        now: bool = False,
    ) -> str:
        """Add a frame (ignored without the person); read the view when due or ``now``."""
        if image_xyz is not None and visibility is not None:
            self._frames.append((time_s, image_xyz, visibility))
            self._resolution = resolution or (1, 1)
        while self._frames and self._frames[0][0] < time_s - self.window_s:
            self._frames.popleft()
        due = self._read_at is None or time_s - self._read_at >= self.every_s
        if self._frames and (due or now or self.view == "unknown"):
            self.view = classify_view(
                np.array([f[1] for f in self._frames]),
                np.array([f[2] for f in self._frames]),
                self._resolution,
            )
            self._read_at = time_s
        return self.view


class PositionTracker:
    """The person's steady body position, and whether it is one the exercise is done in.

    Args:
        required: the exercise's body positions.
        settle_s: seconds a new position must be seen before it is taken.
        every_s: seconds between two classifications.
    """

    def __init__(
        self,
        required: tuple[str, ...],
        settle_s: float = POSITION_SETTLE_S,
        every_s: float = POSITION_EVERY_S,
    ) -> None:
        self.required = required
        self.settle_s = settle_s
        self.every_s = every_s
        self._read_at: float | None = None
        self.label = UNKNOWN
        self.changes: list[tuple[float, str]] = []
        self.frames: dict[str, int] = {}
        self._candidate: tuple[str, float] | None = None

    @property
    def in_position(self) -> bool | None:
        """True in a required position, False in another one, None while not known."""
        return None if self.label == UNKNOWN else self.label in self.required

    def update(
        self,
        time_s: float,
        image_xyz: FloatArray | None,
        visibility: FloatArray | None,
        resolution: tuple[int, int] | None,
    ) -> str:
        """Classify one frame and update the steady position; returns it."""
        if image_xyz is None or visibility is None:
            return self.label
        if self._read_at is not None and time_s - self._read_at < self.every_s - 1e-9:
            return self.label
        self._read_at = time_s
        found = classify_positions(
            np.asarray(image_xyz, dtype=np.float64)[None],
            np.asarray(visibility, dtype=np.float64)[None],
            resolution=resolution,
        )
        label, confidence = found.labels[0], float(found.confidence[0])
        if label == UNKNOWN or confidence < MIN_CONFIDENCE:
            self._candidate = None
            return self.label
        self.frames[label] = self.frames.get(label, 0) + 1
        if label == self.label:
            self._candidate = None
        elif self._candidate is None or self._candidate[0] != label:
            self._candidate = (label, time_s)
        if self._candidate is not None and time_s - self._candidate[1] >= self.settle_s:
            self.label = label
            self.changes.append((self._candidate[1], label))
            self._candidate = None
        return self.label

    def label_at(self, time_s: float) -> str:
        """The steady position at ``time_s`` (``unknown`` before the first one)."""
        label = UNKNOWN
        for since, changed_to in self.changes:
            if since > time_s:
                break
            label = changed_to
        return label

    def was_in_position(self, time_s: float) -> bool | None:
        """:attr:`in_position` as it was at ``time_s``."""
        label = self.label_at(time_s)
        return None if label == UNKNOWN else label in self.required

    def describe(self, label: str | None = None) -> str:
        """Plain words for a position (the current one by default)."""
        return DESCRIPTIONS[label if label is not None else self.label]
