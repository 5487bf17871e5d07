"""What the coach is fed and what it says: frames of the followed person, events, the state the
overlay shows."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kinesense.arrays import FloatArray

EVENT_KINDS = (
    "rep",
    "hold_start",
    "hold_end",
    "hold_broken",
    "form_fault",
    "form_ok",
    "set_done",
    "rest_start",
    "rest_end",
    "exercise_done",
    "tracking_lost",
    "tracking_back",
    "position",
    "recording_end",
    "trial",
    "practice_summary",
)


@dataclass(frozen=True)
class CoachFrame:
    """One frame of the followed person.

    ``image_xyz`` (33, 3) normalised image landmarks (y down) or ``None`` when nobody is seen;
    ``visibility`` (33,); ``resolution`` (width, height) in pixels, so that x and y are compared
    in one unit. ``face_matrix``: the face model's 4x4 head pose matrix, row-major, or ``None``
    (no face, or no face model run); the browser's ``@mediapipe/tasks-vision`` sends the same
    matrix as 16 numbers column-major
    (:func:`kinesense.signal.head_pose.matrix_from_column_major`).
    """

    time_s: float
    image_xyz: FloatArray | None
    visibility: FloatArray | None
    world_xyz_m: FloatArray | None = None
    resolution: tuple[int, int] | None = None
    face_matrix: FloatArray | None = None

    @property
    def head_deg(self) -> FloatArray | None:
        """The head's (yaw, pitch, roll) in degrees from :attr:`face_matrix`, or None."""
        if self.face_matrix is None:
            return None
        from kinesense.signal.head_pose import head_angles_deg

        return head_angles_deg(self.face_matrix)


@dataclass(frozen=True)
class CoachEvent:
    """Something to tell the person: ``kind`` (one of :data:`EVENT_KINDS`), plain-words
    ``message`` (empty: nothing to say) and details in ``data``."""

    kind: str
    time_s: float
    message: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CoachState:
    """What the overlay shows (``set_index`` counts from 1; ``side`` the side watched)."""

    exercise_id: str
    exercise_name: str
    mode: str
    side: str
    set_index: int
    sets_total: int
    reps_in_set: int
    reps_target: int
    hold_elapsed_s: float
    hold_target_s: float
    resting: bool
    rest_remaining_s: float
    phase: str
    active_cues: list[str]
    values: dict[str, float | None]
    tracking: bool
    done: bool
