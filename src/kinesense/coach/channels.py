"""Which side of the body the coach watches, and the counters that run on each side.

An exercise is written for the left side of the body. A :class:`Channel` computes its
quantities on one side (``left`` as written, ``right`` mirrored, or ``both`` averaged, see
:mod:`kinesense.coach.signals`) and runs its own repetition counter or hold timer and form rules.
:class:`SidePlan` decides which channels count, in one of three ways:

* ``given``: a side was asked for (``--side``) or the dose names one: that side only;
* ``facing`` (two-sided exercises, dose ``none``): one channel that watches the side facing the
  camera in a side view, so a far leg hidden behind the body is never watched, and both sides
  averaged in a front, back or oblique view. The choice follows the camera view while the person
  is at rest before the first repetition or hold of a set, and is kept from then until the set
  ends or tracking is lost (checked at the start and at each set);
* ``working`` (one-sided exercises, dose ``both`` or ``alternate``): the side that works. Both
  sides run; with ``both`` the first repetition or hold of a set decides the set's side (the
  lifted foot, the moving leg), with ``alternate`` every repetition or hold counts for the side
  that made it.
"""

from dataclasses import dataclass, field

from kinesense.coach.counters import HoldTimer, RepCounter
from kinesense.coach.rules import FormChecker
from kinesense.coach.signals import SignalTracker
from kinesense.exercises.schema import Exercise

IDLE_PHASES = ("unarmed", "rest", "waiting")
"""Counter phases with no repetition or hold under way."""


@dataclass
class Channel:
    """One side's quantities, counter and form rules."""

    side: str
    tracker: SignalTracker
    reps: RepCounter | None
    hold: HoldTimer | None
    rules: FormChecker
    move_frames: int = 0
    move_faulty: int = 0

    @classmethod
    def of(cls, exercise: Exercise, side: str) -> "Channel":
        """A channel for ``exercise`` on ``side`` (``left``, ``right`` or ``both``)."""
        rep, hold = exercise.repetition, exercise.hold
        return cls(
            side=side,
            tracker=SignalTracker(exercise, side=side),
            reps=RepCounter(rep) if rep is not None else None,
            hold=HoldTimer(hold) if hold is not None else None,
            rules=FormChecker(exercise.form_rules),
        )

    @property
    def phase(self) -> str:
        """The counter's phase."""
        if self.reps is not None:
            return self.reps.phase
        assert self.hold is not None
        return self.hold.phase

    @property
    def idle(self) -> bool:
        """No repetition or hold under way."""
        return self.phase in IDLE_PHASES

    def form_score(self) -> float:
        """Share of the frames since the last reset with no rule's fault on (1 = clean)."""
        score = 1.0 - self.move_faulty / self.move_frames if self.move_frames else 1.0
        self.move_frames = self.move_faulty = 0
        return score

    def abandon(self) -> None:
        """Forget the repetition under way and every rule's state (not a hold: see the coach)."""
        self.rules.reset()
        self.move_frames = self.move_faulty = 0
        if self.reps is not None:
            self.reps.abandon()


@dataclass
class SidePlan:
    """Which channels count (see the module docstring).

    Attributes:
        mode: ``given``, ``facing`` or ``working``.
        channels: every channel, by name (the side; ``facing`` has one, ``watched``).
        active: the side watched now; None while a ``working`` set's side is not known (every
            channel counts until one makes a unit).
        locked: the choice is kept until the set ends or tracking is lost.
        chosen: the side kept for each set (or after each loss of tracking), in order.
    """

    mode: str
    channels: dict[str, Channel]
    alternate: bool = False
    active: str | None = None
    locked: bool = False
    chosen: list[str] = field(default_factory=list)

    @classmethod
    def for_exercise(cls, exercise: Exercise, side: str | None) -> "SidePlan":
        """The plan for ``exercise`` with ``side`` asked for (or None)."""
        dose_side = exercise.dose.side
        if side is None and dose_side in ("left", "right"):
            side = dose_side
        if side is not None:
            return cls("given", {side: Channel.of(exercise, side)}, active=side, locked=True)
        if dose_side == "none":
            return cls("facing", {"watched": Channel.of(exercise, "both")}, active="both")
        return cls(
            "working",
            {n: Channel.of(exercise, n) for n in ("left", "right")},
            alternate=dose_side == "alternate",
        )

    def counting(self) -> list[Channel]:
        """The channels whose repetitions and holds count now."""
        if self.mode == "facing":
            return [self.channels["watched"]]
        if self.active is not None:
            return [self.channels[self.active]]
        return list(self.channels.values())

    def follow_view(self, view_group: str | None, near_side: str | None) -> None:
        """``facing``: choose the side from the camera view unless the choice is kept."""
        if self.mode != "facing" or self.locked or view_group is None:
            return
        side = near_side if view_group == "side" and near_side is not None else "both"
        if side != self.active:
            self.active = side
            self.channels["watched"].tracker.set_side(side)

    def engaged(self) -> Channel | None:
        """The counting channel with a repetition or hold under way (the most advanced one)."""
        busy = [c for c in self.counting() if not c.idle]
        if not busy:
            return None
        return max(busy, key=lambda c: c.reps.progress if c.reps is not None else 1.0)

    def keep(self, side: str | None = None) -> None:
        """Keep the current choice (a unit started or was made), or choose ``side`` and keep it
        (the first unit of a ``working`` set; with ``alternate``, the coach then expects the
        other side)."""
        if side is not None:
            self.active = side
        if not self.locked and self.active is not None:
            self.chosen.append(self.active)
        self.locked = True

    def release(self) -> None:
        """The set ended or tracking was lost: choose again."""
        if self.mode == "given":
            return
        self.locked = False
        if self.mode == "working":
            self.active = None
