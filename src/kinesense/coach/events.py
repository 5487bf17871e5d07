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
)


@dataclass(frozen=True)
class CoachFrame:
    """One frame of the followed person.

    ``image_xyz`` (33, 3) normalised image landmarks (y down) or ``None`` when nobody is seen;
    ``visibility`` (33,); ``resolution`` (width, height) in pixels, so that x and y are compared
    in one unit.
    """

    time_s: float
    image_xyz: FloatArray | None
    visibility: FloatArray | None
    world_xyz_m: FloatArray | None = None
    resolution: tuple[int, int] | None = None


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
