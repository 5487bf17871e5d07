"""The record of one coached exercise session: repetitions, holds, faults, sets, tracking.

Built by :meth:`kinesense.coach.engine.Coach.summary`; ``to_json`` / ``from_json`` round-trip it
exactly, for the store and the reports (records saved before a field existed read with its
default). Times are seconds on the frames' clock; ranges are in the unit of the counted quantity
(``deg`` for angles, ``torso`` for lengths divided by the torso length).
"""

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class RepRecord:
    """One counted repetition.

    ``range`` is how far the quantity travelled from its rest value to the peak of the
    repetition; ``form_score`` the fraction of the repetition's frames with no form rule's
    condition on (1 = clean throughout). ``began_before_recording``: the recording started
    during it (its start and range are from the first frame).
    """

    rep: int
    set: int
    side: str
    start_s: float
    end_s: float
    duration_s: float
    range: float
    peak: float
    unit: str
    form_score: float
    began_before_recording: bool = False


@dataclass(frozen=True)
class RejectedRep:
    """A movement that was not counted, with why: ``too_fast``, ``too_slow``, ``incomplete``,
    ``not_in_position`` (the person was not in the exercise's body position when it began) or
    ``recording_end`` (under way when the recording ended)."""

    set: int
    side: str
    start_s: float
    end_s: float
    reason: str
    peak: float


@dataclass(frozen=True)
class HoldRecord:
    """One hold, from the start of the position to the last moment it was held.

    ``ended_by``: ``target`` (completed), ``break`` (a break outlasted the grace),
    ``tracking_lost`` or ``recording_end`` (still held when the recording ended).
    """

    set: int
    side: str
    start_s: float
    end_s: float
    duration_s: float
    completed: bool
    form_score: float
    ended_by: str = ""


@dataclass(frozen=True)
class FaultCount:
    """How often a rule's fault became active (``episodes``) and how often its cue was given.

    ``status`` says whether the rule could be judged: ``checked``, ``partly_checked``,
    ``not_checked`` (wrong camera view, landmarks not seen well enough: ``not_checked_reason``)
    or ``not_applicable`` (its phases never came); ``checked_fraction`` is the share of the
    frames it applied to on which it was judged.
    """

    rule: str
    cue: str
    episodes: int
    cues: int
    status: str = "checked"
    checked_fraction: float = 1.0
    not_checked_reason: str = ""


@dataclass(frozen=True)
class TrackingQuality:
    """Frames seen with the exercise's quantities available, and the losses of tracking."""

    frames: int
    tracked_frames: int
    tracked_fraction: float
    lost_episodes: int
    lost_s: float


@dataclass(frozen=True)
class SessionSummary:
    """The summary of one exercise session (see the module docstring)."""

    exercise_id: str
    exercise_name: str
    mode: str
    sets_total: int
    sets_completed: int
    reps_target: int
    done: bool
    duration_s: float
    reps: list[RepRecord] = field(default_factory=list)
    rejected: list[RejectedRep] = field(default_factory=list)
    holds: list[HoldRecord] = field(default_factory=list)
    faults: list[FaultCount] = field(default_factory=list)
    tracking: TrackingQuality = TrackingQuality(0, 0, 0.0, 0, 0.0)
    side_choice: str = ""
    watched_sides: list[str] = field(default_factory=list)
    camera_view: str = ""
    body_position: dict[str, object] = field(default_factory=dict)
    feedback: dict[str, Any] = field(default_factory=dict)
    """``side_choice``: how the side watched was chosen (``given``, ``facing`` the camera, the
    ``working`` side); ``watched_sides``: the side watched in each set, in order;
    ``camera_view``: the last view seen; ``body_position``: the positions required, and the
    frames seen confidently in each position."""

    @property
    def rep_count(self) -> int:
        """Number of counted repetitions over all sets."""
        return len(self.reps)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of plain values."""
        return asdict(self)

    def to_json(self) -> str:
        """JSON text of :meth:`to_dict`."""
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, text: str) -> "SessionSummary":
        """Inverse of :meth:`to_json`."""
        data = json.loads(text)
        return cls(
            **{
                **data,
                "reps": [RepRecord(**r) for r in data["reps"]],
                "rejected": [RejectedRep(**r) for r in data["rejected"]],
                "holds": [HoldRecord(**h) for h in data["holds"]],
                "faults": [FaultCount(**f) for f in data["faults"]],
                "tracking": TrackingQuality(**data["tracking"]),
            }
        )
