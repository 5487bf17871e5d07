"""Progression and regression of a plan after sessions and check-ins, with clinician overrides.

:func:`review_plan` applies these rules to each exercise of the active plan, in this order, and
writes each outcome as a :class:`Decision` with its reason and rule name:

1. ``override`` - a clinician's override wins over every rule below and is kept in the plan:
   ``hold`` (keep this exercise as it is until ``resume``), ``dose`` (set sets/reps/hold_s from
   ``value`` and hold it), ``progress`` / ``regress`` (one step, once), ``pause``, ``resume``.
2. ``pain_rise`` - pain now (0-10 numeric rating scale) 2 points or more above the previous
   check-in: every exercise not held by a clinician goes one step easier, or is paused at the
   easiest step (a clinician resumes it). Two points is the minimal important change of the
   pain rating scale (Ostelo et al. 2008, Spine 33(1):90-94; Farrar et al. 2001, Pain
   94(2):149-158). The same applies to
   one exercise whose session recorded ``pain_after`` 2 points above ``pain_before``.
3. ``failed_form`` - the latest session of an exercise had a mean form score (fraction of clean
   frames per repetition or hold, from the coach's summary) below 0.6: one step easier.
4. ``missed`` - no session of an exercise for 14 days or more: one step easier to restart
   (kept at the easiest step if it is there already).
5. ``progress`` - the success criteria met in two consecutive sessions at this step (every
   planned repetition or hold done, holds at least as long as planned, mean form score 0.8 or
   more, pain not worse): one step up its ladder, to a higher dose or the harder exercise.
6. ``reassess`` - once the re-assessment date has passed, the decision asks for it.

The two-consecutive-sessions rule and the form thresholds are kinesense's choices for a
therapist to review (``data/tracks.json``); the thresholds are not validated cut-offs.
"""

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from kinesense.exercises import Exercise
from kinesense.program.planner import (
    Plan,
    PlannedExercise,
    as_datetime,
    estimate_s,
    iso,
    planned_from_step,
    week_monday,
    with_exercises,
)
from kinesense.program.tracks import Rules, TrackBook, load_tracks

ACTIONS = ("progress", "regress", "pause", "keep", "reassess", "override")
OVERRIDE_ACTIONS = ("hold", "progress", "regress", "pause", "resume", "dose")
PAIN_SOURCE = "Ostelo et al. 2008, Spine 33(1):90-94"


@dataclass(frozen=True)
class Decision:
    """What a rule decided for one exercise (``exercise_id`` empty for the whole plan)."""

    exercise_id: str
    action: str
    new_exercise_id: str | None
    reason: str
    rule: str

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)


def override_key(override: Mapping[str, Any]) -> str:
    """Identity of an override (so a one-off one is applied once)."""
    return f"{override.get('made_at', '')}|{override.get('exercise_id', '')}|{override['action']}"


def _time(record: Mapping[str, Any], key: str) -> datetime | None:
    value = record.get(key)
    return as_datetime(str(value)) if value else None


def session_outcome(
    item: PlannedExercise, session: Mapping[str, Any], rules: Rules
) -> tuple[bool, bool, str]:
    """(success, failed form, reason) of one coached session of ``item`` at its planned dose.

    ``session`` is the ``kinesense coach --json`` object: ``summary.reps`` (each with
    ``form_score``) and ``summary.holds`` (``duration_s``, ``form_score``); ``both`` sides
    double the planned sets.
    """
    summary = session.get("summary") or {}
    sides = 2 if item.side == "both" else 1
    wanted = item.sets * (item.reps or 1) * sides
    if item.hold_s is not None:
        records = [h for h in summary.get("holds", session.get("holds", []))]
        done = sum(1 for h in records if float(h.get("duration_s", 0.0)) >= item.hold_s - 0.5)
        what = f"{done} of {wanted} holds of {item.hold_s:g} s"
    else:
        records = list(summary.get("reps", []))
        done = len(records) if records else int(session.get("reps", 0) or 0)
        what = f"{done} of {wanted} repetitions"
    scores = [float(r["form_score"]) for r in records if r.get("form_score") is not None]
    form = sum(scores) / len(scores) if scores else None
    failed_form = form is not None and form < rules.failed_form_score
    pain_rise = _session_pain_rise(session)
    problems = []
    if done < wanted:
        problems.append("not every planned repetition or hold was done")
    if form is None or form < rules.min_form_score:
        problems.append(
            "form was not recorded"
            if form is None
            else f"form score {form:.2f} below {rules.min_form_score:g}"
        )
    if pain_rise is not None and pain_rise >= rules.pain_rise_points:
        problems.append(f"pain rose by {pain_rise:g} points")
    form_text = "" if form is None else f", form score {form:.2f}"
    reason = f"{what}{form_text}" + (f" ({'; '.join(problems)})" if problems else "")
    return not problems, failed_form, reason


def _session_pain_rise(session: Mapping[str, Any]) -> float | None:
    before, after = session.get("pain_before"), session.get("pain_after")
    if before is None or after is None:
        return None
    return float(after) - float(before)


def _pain_rise(
    checkins: Sequence[Mapping[str, Any]], after: datetime, rules: Rules
) -> tuple[float, float] | None:
    """(previous, latest) pain if the latest check-in is after ``after`` and rose by the MID."""
    rated = sorted(
        (c for c in checkins if c.get("pain_now") is not None and c.get("checked_at")),
        key=lambda c: as_datetime(str(c["checked_at"])),
    )
    if len(rated) < 2 or as_datetime(str(rated[-1]["checked_at"])) <= after:
        return None
    previous, latest = float(rated[-2]["pain_now"]), float(rated[-1]["pain_now"])
    if latest - previous >= rules.pain_rise_points:
        return previous, latest
    return None


class _Review:
    """Working state of one review: the exercises by id, paused ones, and the decisions."""

    def __init__(
        self, plan: Plan, library: Mapping[str, Exercise], book: TrackBook, now: datetime
    ) -> None:
        self.items: dict[str, PlannedExercise] = {e.exercise_id: e for e in plan.exercises()}
        self.paused: dict[str, PlannedExercise] = {e.exercise_id: e for e in plan.paused}
        self.library = library
        self.book = book
        self.now = now
        self.decisions: list[Decision] = []
        self.touched: set[str] = set()

    def name(self, exercise_id: str) -> str:
        exercise = self.library.get(exercise_id)
        return exercise.name if exercise else exercise_id

    def move(self, exercise_id: str, delta: int, reason: str, rule: str, action: str) -> None:
        """Move one step; regressing from the easiest step pauses the exercise instead."""
        item = self.items[exercise_id]
        ladder = self.book.ladder(item.ladder) if item.ladder else None
        target = item.step + delta
        if ladder is None or not 0 <= target < len(ladder.steps):
            if delta < 0 and rule == "missed":
                self.items[exercise_id] = replace(item, since=iso(self.now))
                self.decide(
                    exercise_id,
                    "keep",
                    None,
                    f"{reason} It is already at its easiest step: restart there.",
                    rule,
                )
            elif delta < 0:
                self.pause(
                    exercise_id,
                    f"{reason} It is already at its easiest step, so it is "
                    "paused until your clinician resumes it (kinesense plan --override "
                    f"{exercise_id} --action resume).",
                    rule,
                )
            else:
                self.decide(
                    exercise_id,
                    "keep",
                    None,
                    f"{reason} It is at the top of its "
                    "ladder; your clinician can choose what comes next.",
                    rule,
                )
            return
        step = ladder.steps[target]
        new = planned_from_step(
            step,
            ladder,
            target,
            self.library,
            reason=reason,
            since=iso(self.now),
            track=item.track,
        )
        new = replace(new, clinician=item.clinician)
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

    def pause(self, exercise_id: str, reason: str, rule: str) -> None:
        item = self.items.pop(exercise_id)
        self.paused[exercise_id] = replace(item, reason=reason)
        self.decide(exercise_id, "pause", None, reason, rule)

    def decide(
        self, exercise_id: str, action: str, new_id: str | None, reason: str, rule: str
    ) -> None:
        self.decisions.append(Decision(exercise_id, action, new_id, reason, rule))
        self.touched.add(exercise_id)


def _apply_override(review: _Review, override: Mapping[str, Any]) -> None:
    action = str(override["action"])
    exercise_id = str(override.get("exercise_id", ""))
    who = str(override.get("clinician", "a clinician"))
    why = (
        f"Clinician override by {who} ({override.get('made_at', '')}): {override.get('reason', '')}"
    )
    if action not in OVERRIDE_ACTIONS:
        raise ValueError(f"unknown override action {action!r}")
    if action == "resume" and exercise_id in review.paused:
        item = review.paused.pop(exercise_id)
        review.items[exercise_id] = replace(item, clinician="", since=iso(review.now), reason=why)
        review.decide(exercise_id, "override", exercise_id, f"{why}. Resumed.", "override")
        return
    if exercise_id not in review.items:
        review.decide(
            exercise_id, "override", None, f"{why}. Not in the plan: nothing to do.", "override"
        )
        return
    item = review.items[exercise_id]
    if action == "resume":
        review.items[exercise_id] = replace(item, clinician="")
        review.decide(
            exercise_id, "override", exercise_id, f"{why}. The rules apply again.", "override"
        )
    elif action == "hold":
        review.items[exercise_id] = replace(item, clinician=who)
        review.decide(exercise_id, "override", exercise_id, f"{why}. Held as it is.", "override")
    elif action == "dose":
        value = override.get("value") or {}
        if not isinstance(value, Mapping):
            raise ValueError("a dose override needs a value object with sets, reps, hold_s")
        review.items[exercise_id] = replace(
            item,
            sets=int(value.get("sets", item.sets)),
            reps=int(value.get("reps", item.reps or 1)),
            hold_s=float(value["hold_s"]) if value.get("hold_s") is not None else item.hold_s,
            clinician=who,
            since=iso(review.now),
        )
        review.decide(
            exercise_id, "override", exercise_id, f"{why}. Dose set and held.", "override"
        )
    elif action == "pause":
        review.pause(exercise_id, f"{why}. Paused.", "override")
    else:
        review.move(
            exercise_id, 1 if action == "progress" else -1, f"{why}.", "override", "override"
        )
    review.touched.add(exercise_id)


def apply_overrides(
    plan: Plan,
    overrides: Sequence[Mapping[str, Any]],
    library: Mapping[str, Exercise],
    *,
    today: date | datetime,
    book: TrackBook | None = None,
) -> tuple[Plan, tuple[Decision, ...]]:
    """``plan`` with only the clinician overrides not yet applied to it (no other rule runs)."""
    if plan.status == "referred":
        return plan, ()
    review = _Review(plan, library, book or load_tracks(library), as_datetime(today))
    new_overrides = _new_overrides(plan, overrides)
    for override in new_overrides:
        _apply_override(review, override)
    return _finish(plan, review, list(review.decisions), new_overrides), tuple(review.decisions)


def _new_overrides(plan: Plan, overrides: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    applied = {override_key(o) for o in plan.overrides}
    return [
        o
        for o in sorted(overrides, key=lambda o: str(o.get("made_at", "")))
        if override_key(o) not in applied and o.get("exercise_id") != "*"
    ]


def _finish(
    plan: Plan,
    review: "_Review",
    decisions: list[Decision],
    new_overrides: Sequence[Mapping[str, Any]],
) -> Plan:
    now = review.now
    order = [e.exercise_id for e in plan.exercises()]
    items = sorted(
        review.items.values(),
        key=lambda e: order.index(e.exercise_id) if e.exercise_id in order else len(order),
    )
    reasons = tuple(r for r in plan.reasons if not r.startswith("Review of "))
    summary = f"Review of {iso(now)[:10]}: " + (
        "; ".join(f"{d.exercise_id or 'plan'} {d.action}" for d in decisions) or "no change"
    )
    seconds = sum(estimate_s(e, review.library) for e in items)
    budget = plan.profile.minutes_per_session
    if seconds > 60 * budget:
        summary += (
            f". A session now takes about {seconds / 60:.0f} minutes, more than the {budget} "
            "planned: a new plan (kinesense plan --new) can refit it"
        )
    return with_exercises(
        plan,
        items,
        created=iso(now),
        week_start=week_monday(now).isoformat(),
        status="active" if items else "paused",
        paused=tuple(review.paused.values()),
        overrides=(*plan.overrides, *(dict(o) for o in new_overrides)),
        decisions=tuple(d.to_json() for d in decisions),
        reasons=(*reasons, summary),
    )


def review_plan(
    plan: Plan,
    sessions: Sequence[Mapping[str, Any]],
    checkins: Sequence[Mapping[str, Any]],
    overrides: Sequence[Mapping[str, Any]],
    library: Mapping[str, Exercise],
    *,
    today: date | datetime,
    book: TrackBook | None = None,
) -> tuple[Plan, tuple[Decision, ...]]:
    """The next plan and the decisions that made it (rules in the module docstring).

    ``sessions`` are ``kinesense coach --json`` objects with ``started_at`` (and optionally
    ``pain_before``/``pain_after``, 0-10); ``checkins`` have ``pain_now`` and ``checked_at``;
    ``overrides`` are the store's override records. The input plan is not changed.
    """
    book = book or load_tracks(library)
    rules = book.rules
    now = as_datetime(today)
    created = as_datetime(plan.created)
    if plan.status == "referred":
        decision = Decision(
            "",
            "keep",
            None,
            "The plan is on hold after a red flag: no exercise until a clinician has cleared you.",
            "red_flag",
        )
        return plan, (decision,)
    review = _Review(plan, library, book, now)
    new_overrides = _new_overrides(plan, overrides)
    for override in new_overrides:
        _apply_override(review, override)
    held = {key for key, item in review.items.items() if item.clinician}
    for key in held - review.touched:
        review.decide(
            key,
            "keep",
            None,
            f"Held by {review.items[key].clinician}'s override; the rules leave it as it is.",
            "override",
        )
    rise = _pain_rise(checkins, created, rules)
    if rise is not None:
        previous, latest = rise
        reason = (
            f"Pain rose from {previous:g} to {latest:g} out of 10, {latest - previous:g} points, "
            f"at least the {rules.pain_rise_points:g}-point minimal important change "
            f"({PAIN_SOURCE}): one step easier."
        )
        for key in [k for k in review.items if k not in review.touched]:
            review.move(key, -1, reason, "pain_rise", "regress")
    by_exercise: dict[str, list[Mapping[str, Any]]] = {}
    for session in sorted(sessions, key=lambda s: str(s.get("started_at", ""))):
        when = _time(session, "started_at")
        if when is not None and when <= now:
            by_exercise.setdefault(str(session.get("exercise", "")), []).append(session)
    for key in [k for k in review.items if k not in review.touched]:
        _exercise_rules(review, key, by_exercise.get(key, []), created, rules)
    decisions = list(review.decisions)
    reassess_at = as_datetime(plan.reassess_after) if plan.reassess_after else None
    if reassess_at is not None and now >= reassess_at:
        decisions.append(
            Decision(
                "",
                "reassess",
                None,
                f"It is {rules.reassess_weeks} weeks or more since the plan was made "
                f"(re-assess after {plan.reassess_after}): repeat your assessments so the plan "
                "can be rebuilt on new measurements.",
                "reassess",
            )
        )
    new_plan = _finish(plan, review, decisions, new_overrides)
    return new_plan, tuple(decisions)


def _exercise_rules(
    review: _Review,
    key: str,
    done: Sequence[Mapping[str, Any]],
    created: datetime,
    rules: Rules,
) -> None:
    item = review.items[key]
    since = as_datetime(item.since) if item.since else created
    at_step = [s for s in done if (_time(s, "started_at") or since) >= since]
    latest = at_step[-1] if at_step else None
    if latest is not None and (_time(latest, "started_at") or since) > created:
        _, failed, text = session_outcome(item, latest, rules)
        if failed:
            review.move(
                key,
                -1,
                f"Form was poor in the last session ({text}): one step easier.",
                "failed_form",
                "regress",
            )
            return
        rise = _session_pain_rise(latest)
        if rise is not None and rise >= rules.pain_rise_points:
            review.move(
                key,
                -1,
                f"Pain rose by {rise:g} points during the last session "
                f"({PAIN_SOURCE}): one step easier.",
                "pain_rise",
                "regress",
            )
            return
    last_any = max([since] + [t for s in done if (t := _time(s, "started_at")) is not None])
    if review.now - last_any >= timedelta(days=rules.missed_days):
        review.move(
            key,
            -1,
            f"No session of {review.name(key)} since {iso(last_any)[:10]} "
            f"({(review.now - last_any).days} days): restart one step easier.",
            "missed",
            "regress",
        )
        return
    need = rules.consecutive_sessions
    recent = at_step[-need:]
    outcomes = [session_outcome(item, s, rules) for s in recent]
    if len(recent) == need and all(ok for ok, _, _ in outcomes):
        review.move(
            key,
            1,
            f"Success criteria met in {need} consecutive sessions "
            f"({'; '.join(t for _, _, t in outcomes)}): one step up.",
            "progress",
            "progress",
        )
        return
    if outcomes:
        ok_count = sum(1 for ok, _, _ in outcomes if ok)
        text = f"Last session: {outcomes[-1][2]}. {ok_count} of the last {len(outcomes)} "
        text += f"session(s) met the criteria; {need} in a row are needed to progress."
    else:
        text = "No session at this step yet."
    review.decide(key, "keep", None, text, "keep")


STANDING = ("hold", "dose", "pause")


def carry_overrides(
    plan: Plan,
    overrides: Sequence[Mapping[str, Any]],
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
    latest: dict[str, Mapping[str, Any]] = {}
    for override in sorted(overrides, key=lambda o: str(o.get("made_at", ""))):
        if override.get("exercise_id") != "*":
            latest[str(override.get("exercise_id"))] = override
    standing = [o for o in latest.values() if o["action"] in STANDING]
    if plan.status == "referred":
        return plan, ()
    review = _Review(plan, library, book or load_tracks(library), as_datetime(today))
    for override in standing:
        _apply_override(review, override)
    carried = replace(plan, overrides=())
    new_plan = _finish(carried, review, list(review.decisions), list(overrides))
    return replace(new_plan, created=plan.created, reasons=plan.reasons), tuple(review.decisions)
