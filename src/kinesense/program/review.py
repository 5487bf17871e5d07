"""The working state of one review of a plan, shared by the progression rules
(:mod:`~kinesense.program.progression`) and clinicians' overrides
(:mod:`~kinesense.program.overrides`): the exercises by id, the paused ones, the decisions made,
and how the reviewed plan is put together again (:func:`finish`)."""

from collections.abc import Mapping, Sequence
from datetime import datetime

from kinesense.exercises import Exercise
from kinesense.program.plan import Decision, Plan, PlannedExercise, estimate_s, week_monday
from kinesense.program.planner import planned_from_step
from kinesense.program.records import ClinicianOverride
from kinesense.program.tracks import TrackBook


class Review:
    """One review in progress: the plan's exercises by id, paused ones, and the decisions."""

    def __init__(
        self, plan: Plan, library: Mapping[str, Exercise], book: TrackBook, now: datetime
    ) -> None:
        self.items: dict[str, PlannedExercise] = {e.exercise_id: e for e in plan.exercises()}
        self.paused: dict[str, PlannedExercise] = {e.exercise_id: e for e in plan.paused}
        self.library = library
        self.book = book
        self.now = now.replace(microsecond=0)
        self.decisions: list[Decision] = []
        self.touched: set[str] = set()

    def name(self, exercise_id: str) -> str:
        """The exercise's name in the library (its id when unknown)."""
        exercise = self.library.get(exercise_id)
        return exercise.name if exercise else exercise_id

    def move(self, exercise_id: str, delta: int, reason: str, rule: str, action: str) -> None:
        """Move one step; regressing from the easiest step pauses the exercise instead (or, for
        missed sessions, restarts it there)."""
        item = self.items[exercise_id]
        ladder = self.book.ladder(item.ladder) if item.ladder else None
        target = item.step + delta
        if ladder is None or not 0 <= target < len(ladder.steps):
            self._at_an_end(exercise_id, delta, reason, rule)
            return
        new = planned_from_step(
            ladder.steps[target], ladder, target, self.library, reason=reason, since=self.now,
            track=item.track,
        ).changed(clinician=item.clinician)  # fmt: skip
        self.items = {
            (new.exercise_id if key == exercise_id else key): (new if key == exercise_id else v)
            for key, v in self.items.items()
        }
        dose = f"{new.sets} x {new.reps}" + (f" x {new.hold_s:g} s" if new.hold_s else "")
        change = (
            f"{self.name(exercise_id)} -> {self.name(new.exercise_id)}, {dose}"
            if new.exercise_id != exercise_id
            else f"{self.name(exercise_id)} dose {dose}"
        )
        self.decide(exercise_id, action, new.exercise_id, f"{reason} Now: {change}.", rule)
        self.touched.add(new.exercise_id)

    def _at_an_end(self, exercise_id: str, delta: int, reason: str, rule: str) -> None:
        if delta < 0 and rule == "missed":
            self.items[exercise_id] = self.items[exercise_id].changed(since=self.now)
            text = f"{reason} It is already at its easiest step: restart there."
            self.decide(exercise_id, "keep", None, text, rule)
        elif delta < 0:
            self.pause(
                exercise_id,
                f"{reason} It is already at its easiest step, so it is paused until your "
                f"clinician resumes it (kinesense plan --override {exercise_id} --action resume).",
                rule,
            )
        else:
            text = (
                f"{reason} It is at the top of its ladder; your clinician can choose what comes "
                "next."
            )
            self.decide(exercise_id, "keep", None, text, rule)

    def pause(self, exercise_id: str, reason: str, rule: str) -> None:
        """Pause an exercise (kept in the plan's ``paused`` to be resumed)."""
        item = self.items.pop(exercise_id)
        self.paused[exercise_id] = item.changed(reason=reason)
        self.decide(exercise_id, "pause", None, reason, rule)

    def decide(
        self, exercise_id: str, action: str, new_id: str | None, reason: str, rule: str
    ) -> None:
        """Record a decision about one exercise."""
        self.decisions.append(
            Decision.model_validate(
                {"exercise_id": exercise_id, "action": action, "new_exercise_id": new_id,
                 "reason": reason, "rule": rule}
            )
        )  # fmt: skip
        self.touched.add(exercise_id)


def finish(
    plan: Plan,
    review: Review,
    decisions: Sequence[Decision],
    new_overrides: Sequence[ClinicianOverride],
) -> Plan:
    """The reviewed plan: the exercises in their old order, the paused ones, the overrides now
    applied, the decisions, and one reason summing up the review."""
    now = review.now
    order = [e.exercise_id for e in plan.exercises()]
    items = sorted(
        review.items.values(),
        key=lambda e: order.index(e.exercise_id) if e.exercise_id in order else len(order),
    )
    reasons = tuple(r for r in plan.reasons if not r.startswith("Review of "))
    summary = f"Review of {now.date().isoformat()}: " + (
        "; ".join(f"{d.exercise_id or 'plan'} {d.action}" for d in decisions) or "no change"
    )
    seconds = sum(estimate_s(e, review.library, review.book.planner.setup_s) for e in items)
    budget = plan.profile.minutes_per_session
    if seconds > 60 * budget:
        summary += (
            f". A session now takes about {seconds / 60:.0f} minutes, more than the {budget} "
            "planned: a new plan (kinesense plan --new) can refit it"
        )
    return plan.with_exercises(
        items,
        created=now,
        week_start=week_monday(now),
        status="active" if items else "paused",
        paused=tuple(review.paused.values()),
        overrides=(*plan.overrides, *new_overrides),
        decisions=tuple(decisions),
        reasons=(*reasons, summary),
    )
