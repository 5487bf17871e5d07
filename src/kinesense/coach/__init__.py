"""Live coaching: the per-frame state machine (reps, holds, form rules), its signals and summary.

``Coach(exercise).update(frame) -> list[CoachEvent]`` is pure (no camera, no pose model, no I/O);
offline analysis of a recording feeds every frame to the same :class:`Coach`.
"""

from kinesense.coach.counters import HoldTimer, RepCounter, RepOutcome
from kinesense.coach.engine import Coach
from kinesense.coach.events import EVENT_KINDS, CoachEvent, CoachFrame, CoachState
from kinesense.coach.offline import coach_series, frames_from_series
from kinesense.coach.summary import SessionSummary

__all__ = [
    "EVENT_KINDS",
    "Coach",
    "CoachEvent",
    "CoachFrame",
    "CoachState",
    "HoldTimer",
    "RepCounter",
    "RepOutcome",
    "SessionSummary",
    "coach_series",
    "frames_from_series",
]
