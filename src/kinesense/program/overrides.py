"""Clinicians' overrides of the progression rules, applied to a plan.

An override wins over every rule and is kept in the plan: ``hold`` (keep this exercise as it is
until ``resume``), ``dose`` (set sets/reps/hold_s from ``value`` and hold it), ``progress`` /
``regress`` (one step, once), ``pause``, ``resume``. :func:`apply_overrides` applies the ones
not yet applied to a plan; :func:`carry_overrides` re-applies the ones that still stand to a
freshly built plan. The clearance after a referral (``*``) is not an override of an exercise:
the planner reads it (:func:`kinesense.program.planner.build_plan`).
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from kinesense.exercises import Exercise
from kinesense.program.plan import Decision, Plan, as_datetime
from kinesense.program.records import CLEARANCE, ClinicianOverride
from kinesense.program.review import Review, finish
from kinesense.program.tracks import TrackBook, load_tracks

STANDING = ("hold", "dose", "pause")
"""Override actions that stand until a ``resume``."""


def override_reason(override: ClinicianOverride) -> str:
    """The words every decision of an override starts with."""
    return (
        f"Clinician override by {override.clinician} ({override.made_at.isoformat()}): "
        f"{override.reason}"
    )


def apply_override(review: Review, override: ClinicianOverride) -> None:
    """Apply one override to the review in progress."""
    action = override.action
    exercise_id = override.exercise_id
    why = override_reason(override)
    if action == "resume" and exercise_id in review.paused:
        item = review.paused.pop(exercise_id)
        review.items[exercise_id] = item.changed(clinician="", since=review.now, reason=why)
        review.decide(exercise_id, "override", exercise_id, f"{why}. Resumed.", "override")
        return
    if exercise_id not in review.items:
        text = f"{why}. Not in the plan: nothing to do."
        review.decide(exercise_id, "override", None, text, "override")
        return
    item = review.items[exercise_id]
    if action == "resume":
        review.items[exercise_id] = item.changed(clinician="")
        text = f"{why}. The rules apply again."
        review.decide(exercise_id, "override", exercise_id, text, "override")
    elif action == "hold":
        review.items[exercise_id] = item.changed(clinician=override.clinician)
        review.decide(exercise_id, "override", exercise_id, f"{why}. Held as it is.", "override")
    elif action == "dose":
        value = override.value
        assert value is not None  # a dose override always has one (ClinicianOverride checks)
        review.items[exercise_id] = item.changed(
            sets=value.sets if value.sets is not None else item.sets,
            reps=value.reps if value.reps is not None else (item.reps or 1),
            hold_s=float(value.hold_s) if value.hold_s is not None else item.hold_s,
            clinician=override.clinician,
            since=review.now,
        )
        text = f"{why}. Dose set and held."
        review.decide(exercise_id, "override", exercise_id, text, "override")
    elif action == "pause":
        review.pause(exercise_id, f"{why}. Paused.", "override")
    else:
        step = 1 if action == "progress" else -1
        review.move(exercise_id, step, f"{why}.", "override", "override")
    review.touched.add(exercise_id)


def new_overrides(plan: Plan, overrides: Sequence[ClinicianOverride]) -> list[ClinicianOverride]:
    """The overrides of exercises not yet applied to ``plan``, oldest first."""
    applied = {o.key() for o in plan.overrides}
    return [
        o
        for o in sorted(overrides, key=lambda o: o.made_at)
        if o.key() not in applied and o.exercise_id != CLEARANCE
    ]


def _applied(
    plan: Plan,
    chosen: Sequence[ClinicianOverride],
    library: Mapping[str, Exercise],
    today: date | datetime,
    book: TrackBook | None,
) -> Review:
    """The review of ``plan`` with the ``chosen`` overrides applied, in their order."""
    review = Review(plan, library, book or load_tracks(library), as_datetime(today))
    for override in chosen:
        apply_override(review, override)
    return review


def apply_overrides(
    plan: Plan,
    overrides: Sequence[ClinicianOverride],
    library: Mapping[str, Exercise],
    *,
    today: date | datetime,
    book: TrackBook | None = None,
) -> tuple[Plan, tuple[Decision, ...]]:
    """``plan`` with only the clinician overrides not yet applied to it (no other rule runs)."""
    if plan.status == "referred":
        return plan, ()
    fresh = new_overrides(plan, overrides)
    review = _applied(plan, fresh, library, today, book)
    return finish(plan, review, review.decisions, fresh), tuple(review.decisions)


def carry_overrides(
    plan: Plan,
    overrides: Sequence[ClinicianOverride],
    library: Mapping[str, Exercise],
    *,
    today: date | datetime,
    book: TrackBook | None = None,
) -> tuple[Plan, tuple[Decision, ...]]:
    """A freshly built ``plan`` with the clinician overrides that still stand re-applied.

    For each exercise the latest override counts: ``hold``, ``dose`` and ``pause`` stand until a
    ``resume``; one-off ``progress``/``regress`` are history and are not applied again. Every
    override is recorded in the plan as applied.
    """
    latest: dict[str, ClinicianOverride] = {}
    for override in sorted(overrides, key=lambda o: o.made_at):
        if override.exercise_id != CLEARANCE:
            latest[override.exercise_id] = override
    standing = [o for o in latest.values() if o.action in STANDING]
    if plan.status == "referred":
        return plan, ()
    review = _applied(plan, standing, library, today, book)
    carried = plan.model_copy(update={"overrides": ()})
    rebuilt = finish(carried, review, review.decisions, list(overrides))
    updated = rebuilt.model_copy(update={"created": plan.created, "reasons": plan.reasons})
    return updated, tuple(review.decisions)
