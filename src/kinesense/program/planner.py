"""The weekly plan: from the screening, assessment results, reported outcomes, goals, time and
equipment to exercises of the library with their doses, every choice with its reason.

:func:`build_plan` works in steps, each a function below:

1. **Safety** - a red flag in the screening stops everything unless a clinician cleared it
   after the screening: the plan is ``"referred"`` and has no exercise (NICE NG59, 2016,
   recommends assessing and referring for serious spinal pathology first).
2. **Tracks** - deficits against published norms and the person's goals and age choose the
   tracks (:mod:`~kinesense.program.deficits`); with no usable assessment or no deficit, a
   gentle default mix, and the plan says so.
3. **Candidates** - each chosen ladder gives one exercise: the step the previous plan reached
   (kept, or still paused), else the first step of the ladder; steps needing equipment the
   person does not have are left out.
4. **Order** - round robin over the tracks, deficits first, so each track gets its first
   exercise before the second ones.
5. **Fit** - exercises are added in that order until the minutes per session are used (at least
   one exercise; :func:`~kinesense.program.plan.estimate_s`).

Exercise for low back pain: NICE NG59 (2016, 1.2.1) recommends considering exercise programmes,
taking people's needs, preferences and capabilities into account. The plan never diagnoses.
Thresholds live in ``tracks.json`` (``planner``).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from kinesense.assess.result import AssessmentResult
from kinesense.exercises import Exercise
from kinesense.program.deficits import find_deficits, goal_tracks
from kinesense.program.plan import (
    Plan,
    PlannedExercise,
    Profile,
    Track,
    as_datetime,
    estimate_s,
    to_second,
    week_monday,
)
from kinesense.program.records import CheckIn, ClinicianOverride
from kinesense.program.screening import ScreeningResult
from kinesense.program.tracks import Ladder, Step, TrackBook, load_tracks

NICE_NG59 = (
    "NICE NG59 (2016, updated 2020), Low back pain and sciatica in over 16s, recommendation "
    "1.2.1: consider exercise programmes, taking the person's needs, preferences and "
    "capabilities into account"
)
TRACK_ORDER = ("balance", "proprioception", "core", "gentle")
GENTLE_LADDERS = ("mobility", "bridge", "static_balance")
REFERRED_REASON = (
    "No exercise is offered until a clinician has seen you and cleared you to exercise (NICE "
    "NG59: assess for and refer on red flags of serious spinal pathology)."
)


def planned_from_step(
    step: Step,
    ladder: Ladder,
    index: int,
    library: Mapping[str, Exercise],
    *,
    reason: str,
    since: datetime,
    track: str | None = None,
) -> PlannedExercise:
    """The planned exercise for step ``index`` of ``ladder``."""
    exercise = library[step.exercise_id]
    return PlannedExercise(
        exercise_id=step.exercise_id,
        sets=step.sets,
        reps=step.reps,
        hold_s=step.hold_s,
        rest_s=float(exercise.dose.rest_s),
        side=exercise.dose.side,
        reason=reason,
        track=track or ladder.track,
        ladder=ladder.id,
        step=index,
        since=since,
    )


def is_cleared(screening: ScreeningResult, clearance: ClinicianOverride | None) -> bool:
    """Whether a referring ``screening`` was cleared by ``clearance`` (made at or after it)."""
    return (
        clearance is not None
        and screening.referred
        and clearance.is_clearance
        and clearance.made_at >= screening.screened_at
    )


@dataclass
class _Draft:
    """The plan being built: its tracks, the ladders to draw from and the reasons so far."""

    tracks: list[Track] = field(default_factory=list)
    ladders: list[tuple[Ladder, str, str]] = field(default_factory=list)  # ladder, why, track
    reasons: list[str] = field(default_factory=list)


def _ladders_for(track_id: str, book: TrackBook, deficits: Mapping[str, str]) -> list[Ladder]:
    ladders = list(book.tracks[track_id].ladders)
    if track_id == "proprioception":
        wanted = "neck" in deficits
        ladders = [ladder for ladder in ladders if ladder.neck_only == wanted]
    if track_id == "core":
        ladders = [ladder for ladder in ladders if not ladder.hinge or "hinge" in deficits]
        ladders.sort(key=lambda ladder: not ladder.hinge)
    return ladders


def choose_tracks(
    profile: Profile,
    results: Sequence[AssessmentResult],
    book: TrackBook,
    preface: Sequence[str] = (),
) -> _Draft:
    """Step 2: the tracks and their ladders, with the reasons (see the module docstring);
    ``preface`` comes after the notes on unusable results."""
    deficits, notes, any_usable = find_deficits(results, book.planner)
    goals = goal_tracks(profile, book.planner)
    draft = _Draft(
        reasons=[f"Exercise is the core of self-management of low back pain: {NICE_NG59}."]
    )
    draft.reasons += [*notes, *preface]
    chosen = [t for t in TRACK_ORDER if t in deficits or t in goals]
    for track_id in chosen:
        spec = book.tracks[track_id]
        why = deficits.get(track_id) or f"{goals[track_id]}."
        if track_id in deficits and track_id in goals:
            why += f" {goals[track_id]} also points here."
        draft.tracks.append(Track(id=track_id, name=spec.name, reason=f"{why} {spec.reason}"))
        for ladder in _ladders_for(track_id, book, deficits):
            draft.ladders.append((ladder, f"{spec.name}: {why}", track_id))
    if not chosen:
        spec = book.tracks["gentle"]
        if any_usable:
            why = "None of your measured results was worse than a published norm (not every "
            why += "test has one), so the plan starts with a gentle mix."
        else:
            why = "There is no usable assessment yet, so the plan starts with a gentle default "
            why += "mix; an assessment would let it target what you need."
        draft.reasons.append(why)
        draft.tracks.append(Track(id="gentle", name=spec.name, reason=f"{why} {spec.reason}"))
        draft.ladders = [
            (book.ladder(name), f"{spec.name}: {why}", "gentle") for name in GENTLE_LADDERS
        ]
    return draft


def candidates(
    draft: _Draft,
    profile: Profile,
    library: Mapping[str, Exercise],
    previous: Plan | None,
    since: datetime,
) -> tuple[list[PlannedExercise], list[PlannedExercise], list[str]]:
    """Step 3: one exercise per ladder: (candidates, still paused, left out for lack of
    equipment)."""
    earlier = {e.ladder: e for e in previous.exercises()} if previous else {}
    was_paused = {e.ladder: e for e in previous.paused} if previous else {}
    chosen: list[PlannedExercise] = []
    paused: list[PlannedExercise] = []
    missing: list[str] = []
    for ladder, why, track_id in draft.ladders:
        if ladder.id in was_paused:
            paused.append(was_paused[ladder.id])
            continue
        kept = earlier.get(ladder.id)
        index = kept.step if kept is not None and 0 <= kept.step < len(ladder.steps) else 0
        step = ladder.steps[index]
        lacking = step.equipment - profile.equipment
        if kept is not None and not lacking:
            chosen.append(
                kept.changed(track=track_id, reason=f"{why} Kept at the step reached so far.")
            )
            continue
        if lacking:
            missing.append(f"{library[step.exercise_id].name} (needs {', '.join(sorted(lacking))})")
            continue
        reason = f"{why} Starts at the easiest step of its ladder."
        chosen.append(
            planned_from_step(step, ladder, 0, library, reason=reason, since=since, track=track_id)
        )
    return chosen, paused, missing


def interleave(items: Sequence[PlannedExercise], tracks: Sequence[Track]) -> list[PlannedExercise]:
    """Step 4: round robin over the tracks in the order they were chosen."""
    order = {t.id: i for i, t in enumerate(tracks)}
    per_track: dict[str, list[PlannedExercise]] = {}
    for item in items:
        per_track.setdefault(item.track, []).append(item)
    ordered: list[PlannedExercise] = []
    for rank in range(max((len(v) for v in per_track.values()), default=0)):
        for track_id in sorted(per_track, key=lambda t: order.get(t, 99)):
            if rank < len(per_track[track_id]):
                ordered.append(per_track[track_id][rank])
    return ordered


def fit_session(
    items: Sequence[PlannedExercise],
    profile: Profile,
    library: Mapping[str, Exercise],
    setup_s: float,
) -> tuple[tuple[PlannedExercise, ...], list[str]]:
    """Step 5: the exercises that fit the minutes per session (at least one), with notes."""
    budget = profile.minutes_per_session * 60.0
    chosen: list[PlannedExercise] = []
    left: list[str] = []
    used = 0.0
    for item in items:
        seconds = estimate_s(item, library, setup_s)
        if chosen and used + seconds > budget:
            left.append(library[item.exercise_id].name)
            continue
        chosen.append(item)
        used += seconds
    notes = []
    if left:
        notes.append(
            f"Left out to fit {profile.minutes_per_session} minutes per session: "
            f"{', '.join(left)}. More time would let the plan add them."
        )
    if used > budget:
        notes.append(
            f"The one exercise chosen takes about {used / 60:.0f} minutes, more than the "
            f"{profile.minutes_per_session} available: do fewer sets if needed."
        )
    return tuple(chosen), notes


def latest_pain(checkins: Sequence[CheckIn]) -> int | None:
    """Pain now (0-10) of the latest check-in that rated it."""
    rated = [c for c in checkins if c.pain_now is not None]
    if not rated:
        return None
    return max(rated, key=lambda c: c.checked_at).pain_now


def build_plan(
    profile: Profile,
    screening: ScreeningResult,
    results: Sequence[AssessmentResult],
    checkins: Sequence[CheckIn],
    library: Mapping[str, Exercise],
    *,
    today: date | datetime,
    person_id: int | None = None,
    book: TrackBook | None = None,
    cleared_by: ClinicianOverride | None = None,
    previous: Plan | None = None,
) -> Plan:
    """A new weekly plan (see the module docstring for the steps and rules).

    ``cleared_by`` is a clinician's clearance after a referral: made at or after the referring
    ``screening``, it lifts the referral, and the plan says who cleared it. ``previous`` is the
    plan being replaced: an exercise on a ladder it already used keeps the step, dose and
    progress it had reached (and stays paused if it was paused), so a new plan (new time, goals
    or assessment) does not throw away the progression.
    """
    book = book or load_tracks(library)
    now = to_second(as_datetime(today))
    reassess = (now + timedelta(weeks=book.rules.reassess_weeks)).date()
    common: dict[str, Any] = {
        "person_id": person_id,
        "created": now,
        "week_start": week_monday(now),
        "reassess_after": reassess,
        "profile": profile,
    }
    cleared = is_cleared(screening, cleared_by)
    if screening.referred and not cleared:
        return Plan(
            tracks=(),
            sessions=(),
            reasons=(screening.message, REFERRED_REASON),
            status="referred",
            **common,
        )
    preface = []
    if cleared and cleared_by is not None:
        preface.append(
            f"Red flag(s) {', '.join(screening.red_flags)} were seen by {cleared_by.clinician}, "
            f"who cleared you to exercise on {cleared_by.made_at.date().isoformat()}: "
            f"{cleared_by.reason}"
        )
    draft = choose_tracks(profile, results, book, preface)
    pain = latest_pain(checkins)
    if pain is not None and pain >= book.planner.high_pain_points:
        draft.reasons.append(
            f"Your pain is {pain:g}/10 now: new exercises start at their easiest step; stop one "
            "that makes the pain clearly worse and tell your clinician."
        )
    chosen, paused, missing = candidates(draft, profile, library, previous, now)
    reasons = draft.reasons
    if missing:
        reasons.append(f"Left out for lack of equipment: {'; '.join(missing)}.")
    session, fit_notes = fit_session(
        interleave(chosen, draft.tracks), profile, library, book.planner.setup_s
    )
    reasons += fit_notes
    if any(library[e.exercise_id].category == "balance" for e in session):
        reasons.append("Do balance exercises beside a counter or sturdy chair you can hold.")
    reasons.append(
        f"Re-assess on or after {reassess.isoformat()} ({book.rules.reassess_weeks} weeks) to "
        "update the plan."
    )
    if paused:
        common["paused"] = tuple(paused)
    tracks = tuple(draft.tracks)
    if not session:
        reasons.append("No exercise fits the equipment available.")
        return Plan(tracks=tracks, sessions=(), reasons=tuple(reasons), status="paused", **common)
    sessions = tuple(session for _ in range(profile.sessions_per_week))
    return Plan(tracks=tracks, sessions=sessions, reasons=tuple(reasons), status="active", **common)
