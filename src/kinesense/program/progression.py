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
from datetime import date, datetime, timedelta

from kinesense.exercises import Exercise
from kinesense.program.overrides import apply_override, new_overrides
from kinesense.program.plan import Decision, Plan, PlannedExercise, as_datetime
from kinesense.program.records import CheckIn, ClinicianOverride, CoachedSession
from kinesense.program.review import Review, finish
from kinesense.program.tracks import Rules, TrackBook, load_tracks

PAIN_SOURCE = "Ostelo et al. 2008, Spine 33(1):90-94"


def session_outcome(
    item: PlannedExercise, session: CoachedSession, rules: Rules
) -> tuple[bool, bool, str]:
    """(success, failed form, reason) of one coached session of ``item`` at its planned dose.

    ``session.summary`` holds ``reps`` (each with ``form_score``) and ``holds`` (``duration_s``,
    ``form_score``) as the coach writes them; ``both`` sides double the planned sets.
    """
    summary = session.summary
    sides = 2 if item.side == "both" else 1
    wanted = item.sets * (item.reps or 1) * sides
    if item.hold_s is not None:
        records = list(summary.get("holds", session.holds))
        done = sum(1 for h in records if float(h.get("duration_s", 0.0)) >= item.hold_s - 0.5)
        what = f"{done} of {wanted} holds of {item.hold_s:g} s"
    else:
        records = list(summary.get("reps", []))
        done = len(records) if records else int(session.reps or 0)
        what = f"{done} of {wanted} repetitions"
    scores = [float(r["form_score"]) for r in records if r.get("form_score") is not None]
    form = sum(scores) / len(scores) if scores else None
    failed_form = form is not None and form < rules.failed_form_score
    pain_rise = session_pain_rise(session)
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


def session_pain_rise(session: CoachedSession) -> float | None:
    """Pain after minus pain before the session (0-10 points), when both were given."""
    if session.pain_before is None or session.pain_after is None:
        return None
    return float(session.pain_after - session.pain_before)


def pain_rise(
    checkins: Sequence[CheckIn], after: datetime, rules: Rules
) -> tuple[float, float] | None:
    """(previous, latest) pain if the latest check-in is after ``after`` and rose by the MID."""
    rated = sorted((c for c in checkins if c.pain_now is not None), key=lambda c: c.checked_at)
    if len(rated) < 2 or rated[-1].checked_at <= after:
        return None
    previous, latest = float(rated[-2].pain_now or 0), float(rated[-1].pain_now or 0)
    if latest - previous >= rules.pain_rise_points:
        return previous, latest
    return None


REFERRED = Decision(
    exercise_id="",
    action="keep",
    new_exercise_id=None,
    reason="The plan is on hold after a red flag: no exercise until a clinician has cleared you.",
    rule="red_flag",
)


def review_plan(
    plan: Plan,
    sessions: Sequence[CoachedSession],
    checkins: Sequence[CheckIn],
    overrides: Sequence[ClinicianOverride],
    library: Mapping[str, Exercise],
    *,
    today: date | datetime,
    book: TrackBook | None = None,
) -> tuple[Plan, tuple[Decision, ...]]:
    """The next plan and the decisions that made it (rules in the module docstring).

    ``sessions`` may carry ``pain_before``/``pain_after`` (0-10); ``checkins`` are read for
    ``pain_now``; ``overrides`` are every override of the person. The input plan is not changed.
    """
    book = book or load_tracks(library)
    rules = book.rules
    now = as_datetime(today)
    created = plan.created
    if plan.status == "referred":
        return plan, (REFERRED,)
    review = Review(plan, library, book, now)
    fresh = new_overrides(plan, overrides)
    for override in fresh:
        apply_override(review, override)
    _held_by_clinicians(review)
    _pain_rule(review, checkins, created, rules)
    by_exercise: dict[str, list[CoachedSession]] = {}
    for session in sorted(sessions, key=lambda s: s.started_at):
        if session.started_at <= now:
            by_exercise.setdefault(session.exercise, []).append(session)
    for key in [k for k in review.items if k not in review.touched]:
        _exercise_rules(review, key, by_exercise.get(key, []), created, rules)
    decisions = list(review.decisions)
    if plan.reassess_after is not None and now >= as_datetime(plan.reassess_after):
        decisions.append(
            Decision(
                exercise_id="",
                action="reassess",
                new_exercise_id=None,
                reason=f"It is {rules.reassess_weeks} weeks or more since the plan was made "
                f"(re-assess after {plan.reassess_after.isoformat()}): repeat your assessments "
                "so the plan can be rebuilt on new measurements.",
                rule="reassess",
            )
        )
    return finish(plan, review, decisions, fresh), tuple(decisions)


def _held_by_clinicians(review: Review) -> None:
    held = {key for key, item in review.items.items() if item.clinician}
    for key in sorted(held - review.touched, key=list(review.items).index):
        text = f"Held by {review.items[key].clinician}'s override; the rules leave it as it is."
        review.decide(key, "keep", None, text, "override")


def _pain_rule(
    review: Review, checkins: Sequence[CheckIn], created: datetime, rules: Rules
) -> None:
    rise = pain_rise(checkins, created, rules)
    if rise is None:
        return
    previous, latest = rise
    reason = (
        f"Pain rose from {previous:g} to {latest:g} out of 10, {latest - previous:g} points, "
        f"at least the {rules.pain_rise_points:g}-point minimal important change "
        f"({PAIN_SOURCE}): one step easier."
    )
    for key in [k for k in review.items if k not in review.touched]:
        review.move(key, -1, reason, "pain_rise", "regress")


def _exercise_rules(
    review: Review,
    key: str,
    done: Sequence[CoachedSession],
    created: datetime,
    rules: Rules,
) -> None:
    item = review.items[key]
    since = item.since or created
    at_step = [s for s in done if s.started_at >= since]
    latest = at_step[-1] if at_step else None
    if (
        latest is not None
        and latest.started_at > created
        and _regressed(review, key, latest, rules)
    ):
        return
    last_any = max([since, *(s.started_at for s in done)])
    if review.now - last_any >= timedelta(days=rules.missed_days):
        review.move(
            key,
            -1,
            f"No session of {review.name(key)} since {last_any.date().isoformat()} "
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


def _regressed(review: Review, key: str, latest: CoachedSession, rules: Rules) -> bool:
    """One step easier after the latest session's poor form or pain rise; whether it moved."""
    _, failed, text = session_outcome(review.items[key], latest, rules)
    if failed:
        reason = f"Form was poor in the last session ({text}): one step easier."
        review.move(key, -1, reason, "failed_form", "regress")
        return True
    rise = session_pain_rise(latest)
    if rise is not None and rise >= rules.pain_rise_points:
        reason = (
            f"Pain rose by {rise:g} points during the last session ({PAIN_SOURCE}): one step "
            "easier."
        )
        review.move(key, -1, reason, "pain_rise", "regress")
        return True
    return False
