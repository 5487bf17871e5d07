"""The weekly plan: from the screening, assessment results, reported outcomes, goals, time and
equipment to exercises of the library with their doses, every choice with its reason.

Rules (each choice is written into the plan in plain words):

* A red flag in the screening stops everything: the plan is ``"referred"`` and has no exercise
  (NICE NG59, 2016, recommends assessing and referring for serious spinal pathology first).
* Balance worse than the published norm (sway tests ``sway``/``romberg``/``ctsib`` above the
  range, or ``stance`` time below it) -> the balance track.
* Repositioning error above the norm (``repositioning``: neck against the cervical threshold;
  trunk, where no validated cut-off exists, when the absolute error is nearer the published
  back-pain mean than the control mean of PMC3230646, i.e. above
  :data:`TRUNK_REPOSITIONING_FLAG_DEG`; said to be a kinesense heuristic) -> the proprioceptive
  re-education track.
* A failed waiter's bow or hip target (``mobility-waiters-bow``) -> the trunk control track with
  hip-hinge practice (Luomajoki et al. 2007, BMC Musculoskelet Disord 8:90).
* Goals add the track they name (balance, falls, walking -> balance; lifting, bending, core ->
  trunk control; posture, position sense -> proprioception); age 65 or more adds balance
  (Sherrington et al. 2019, Cochrane CD012424: exercise reduces falls in older people).
* With no usable assessment or no deficit, a gentle default mix, and the plan says so.
* Every exercise starts at the first step of its ladder; steps needing equipment the person does
  not have are left out; exercises are added, deficits first, until the minutes per session are
  used (at least one exercise).

Exercise for low back pain: NICE NG59 (2016, 1.2.1) recommends considering exercise programmes,
taking people's needs, preferences and capabilities into account. The plan never diagnoses.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from kinesense.assess.result import AssessmentResult
from kinesense.exercises import Exercise
from kinesense.program.screening import DISCLAIMER, ScreeningResult
from kinesense.program.tracks import Ladder, Step, TrackBook, load_tracks

NICE_NG59 = (
    "NICE NG59 (2016, updated 2020), Low back pain and sciatica in over 16s, recommendation "
    "1.2.1: consider exercise programmes, taking the person's needs, preferences and "
    "capabilities into account"
)
TRUNK_REPOSITIONING_FLAG_DEG = 5.0  # midway between 2.8 deg (controls) and 7.1-7.5 (back pain)
SETUP_S = 60.0  # placing the camera and getting into position, per exercise
DEFAULT_EQUIPMENT = frozenset({"mat", "chair", "counter"})
BALANCE_TESTS = ("sway", "romberg", "ctsib")
GOAL_WORDS: Mapping[str, tuple[str, ...]] = {
    "balance": ("balance", "fall", "steady", "walk", "stairs", "unsteady"),
    "core": ("lift", "bend", "carry", "garden", "core", "strength", "sit", "stand", "trunk"),
    "proprioception": ("posture", "position", "awareness", "control", "neck"),
}
TRACK_ORDER = ("balance", "proprioception", "core", "gentle")


class PlanError(ValueError):
    """A plan file or profile is inconsistent (a programming error, not a user's)."""


@dataclass(frozen=True)
class Profile:
    """What the person brings: age (years), goals in their own words, minutes per session,
    sessions per week and the equipment they have (names of ``tracks.json``)."""

    age: int | None = None
    goals: tuple[str, ...] = ()
    minutes_per_session: int = 20
    sessions_per_week: int = 3
    equipment: frozenset[str] = DEFAULT_EQUIPMENT

    def __post_init__(self) -> None:
        if not 5 <= self.minutes_per_session <= 180:
            raise PlanError("minutes per session must be 5-180")
        if not 1 <= self.sessions_per_week <= 7:
            raise PlanError("sessions per week must be 1-7")

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "age": self.age,
            "goals": list(self.goals),
            "minutes_per_session": self.minutes_per_session,
            "sessions_per_week": self.sessions_per_week,
            "equipment": sorted(self.equipment),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Profile":
        """Inverse of :meth:`to_json`."""
        return cls(
            age=data.get("age"),
            goals=tuple(data.get("goals", ())),
            minutes_per_session=int(data.get("minutes_per_session", 20)),
            sessions_per_week=int(data.get("sessions_per_week", 3)),
            equipment=frozenset(data.get("equipment", DEFAULT_EQUIPMENT)),
        )


@dataclass(frozen=True)
class PlannedExercise:
    """One exercise of a session and its dose.

    ``reps`` is repetitions (or holds) per set, ``hold_s`` each hold's target in seconds,
    ``rest_s`` the rest between sets in seconds, ``side`` as in the library's dose. ``ladder`` and
    ``step`` place it on its ladder; ``since`` is when it reached this step (ISO time; sessions
    before it do not count towards progression); ``clinician`` names the clinician whose override
    holds it (the rules then leave it alone).
    """

    exercise_id: str
    sets: int
    reps: int | None
    hold_s: float | None
    rest_s: float
    side: str
    reason: str
    track: str
    ladder: str = ""
    step: int = 0
    since: str = ""
    clinician: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "PlannedExercise":
        """Inverse of :meth:`to_json`."""
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True)
class Track:
    """A track chosen for the plan and why."""

    id: str
    name: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """A weekly plan (see the module docstring).

    ``sessions`` holds the exercises of each planned session of the week; ``paused`` exercises
    stopped by a rule or a clinician (kept to be resumed); ``overrides`` every clinician override
    applied to this plan or its predecessors; ``decisions`` the progression decisions that made it
    from the previous plan. Times are ISO 8601.
    """

    person_id: int | None
    created: str
    week_start: str
    tracks: tuple[Track, ...]
    sessions: tuple[tuple[PlannedExercise, ...], ...]
    reassess_after: str
    reasons: tuple[str, ...]
    status: str
    profile: Profile = field(default_factory=Profile)
    paused: tuple[PlannedExercise, ...] = ()
    overrides: tuple[Mapping[str, Any], ...] = ()
    decisions: tuple[Mapping[str, Any], ...] = ()
    disclaimer: str = DISCLAIMER

    def exercises(self) -> tuple[PlannedExercise, ...]:
        """The distinct exercises of the week, in session order."""
        seen: dict[str, PlannedExercise] = {}
        for session in self.sessions:
            for item in session:
                seen.setdefault(item.exercise_id, item)
        return tuple(seen.values())

    def minutes_per_session(self, library: Mapping[str, Exercise]) -> float:
        """Estimated minutes of the longest session."""
        if not self.sessions:
            return 0.0
        return max(sum(estimate_s(e, library) for e in s) for s in self.sessions) / 60.0

    def to_json(self) -> dict[str, Any]:
        """JSON form (the object ``kinesense plan --json`` prints and the store keeps)."""
        return {
            "person_id": self.person_id,
            "created": self.created,
            "week_start": self.week_start,
            "status": self.status,
            "tracks": [asdict(t) for t in self.tracks],
            "sessions": [[e.to_json() for e in s] for s in self.sessions],
            "reassess_after": self.reassess_after,
            "reasons": list(self.reasons),
            "profile": self.profile.to_json(),
            "paused": [e.to_json() for e in self.paused],
            "overrides": [dict(o) for o in self.overrides],
            "decisions": [dict(d) for d in self.decisions],
            "disclaimer": self.disclaimer,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Plan":
        """Inverse of :meth:`to_json`."""
        return cls(
            person_id=data.get("person_id"),
            created=str(data["created"]),
            week_start=str(data["week_start"]),
            tracks=tuple(Track(**t) for t in data.get("tracks", ())),
            sessions=tuple(
                tuple(PlannedExercise.from_json(e) for e in s) for s in data.get("sessions", ())
            ),
            reassess_after=str(data.get("reassess_after", "")),
            reasons=tuple(data.get("reasons", ())),
            status=str(data["status"]),
            profile=Profile.from_json(data.get("profile", {})),
            paused=tuple(PlannedExercise.from_json(e) for e in data.get("paused", ())),
            overrides=tuple(dict(o) for o in data.get("overrides", ())),
            decisions=tuple(dict(d) for d in data.get("decisions", ())),
            disclaimer=str(data.get("disclaimer", DISCLAIMER)),
        )


def as_datetime(value: date | datetime | str) -> datetime:
    """A naive datetime from a date (midnight), a datetime or an ISO text (offset dropped)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime(value.year, value.month, value.day)


def iso(value: datetime) -> str:
    """ISO text to the second."""
    return value.replace(microsecond=0).isoformat()


def week_monday(day: datetime) -> date:
    """The Monday of ``day``'s week."""
    return (day - timedelta(days=day.weekday())).date()


def estimate_s(item: PlannedExercise, library: Mapping[str, Exercise]) -> float:
    """Estimated seconds for one exercise: setup, the work of every set, and rests.

    A repetition is taken as twice the exercise's shortest valid repetition, at least 4 s; a
    hold as its target plus 3 s to get into position. ``both`` doubles the sets.
    """
    exercise = library.get(item.exercise_id)
    sides = 2 if item.side == "both" else 1
    reps = item.reps or 1
    if item.hold_s is not None:
        work = reps * (item.hold_s + 3.0)
    else:
        shortest = exercise.repetition.min_duration_s if exercise and exercise.repetition else 2.0
        work = reps * max(4.0, 2.0 * shortest)
    sets = item.sets * sides
    return SETUP_S + sets * work + max(0, sets - 1) * item.rest_s


def planned_from_step(
    step: Step,
    ladder: Ladder,
    index: int,
    library: Mapping[str, Exercise],
    *,
    reason: str,
    since: str,
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


def _latest_usable(results: Sequence[AssessmentResult]) -> dict[str, AssessmentResult]:
    latest: dict[str, AssessmentResult] = {}
    for result in sorted(results, key=lambda r: r.recorded_at):
        if result.usable:
            latest[result.test] = result
    return latest


def find_deficits(results: Sequence[AssessmentResult]) -> tuple[dict[str, str], list[str], bool]:
    """Deficits against norms: ({track or ``hinge``/``neck``: reason}, notes, any usable result).

    The latest usable result of each test is used; unusable ones are noted with their reasons.
    """
    deficits: dict[str, str] = {}
    notes = [
        f"The {r.test} assessment of {r.recorded_at[:10]} could not be used "
        f"({'; '.join(r.reasons) or 'no reason given'}), so it was not used."
        for r in results
        if not r.usable
    ]
    latest = _latest_usable(results)
    balance: list[str] = []
    for test in BALANCE_TESTS:
        if test in latest:
            balance += [
                f"{test}: {n.text} ({n.source})" for n in latest[test].norms if n.verdict == "above"
            ]
    if "stance" in latest:
        balance += [
            f"single-leg stance: {n.text} ({n.source})"
            for n in latest["stance"].norms
            if n.verdict == "below"
        ]
    if balance:
        deficits["balance"] = "Your balance measured worse than the published norm: " + "; ".join(
            balance
        )
    if "repositioning" in latest:
        result = latest["repositioning"]
        joint = str(result.conditions.get("joint", ""))
        above = [n for n in result.norms if n.verdict == "above"]
        error = result.metrics.get("absolute_error_deg", math.nan)
        if above:
            deficits["proprioception"] = (
                f"Your {joint or 'joint'} repositioning error was above the norm: "
                f"{above[0].text} ({above[0].source})."
            )
            if joint == "neck":
                deficits["neck"] = "neck"
        elif joint != "neck" and error > TRUNK_REPOSITIONING_FLAG_DEG:
            deficits["proprioception"] = (
                f"Your trunk repositioning error was {error:.1f} deg, nearer the published mean "
                "of people with back pain (7.1-7.5 deg) than of people without (2.8 deg; "
                "PMC3230646). No validated cut-off exists: this is kinesense's rule of thumb."
            )
    if "mobility-waiters-bow" in latest:
        metrics = latest["mobility-waiters-bow"].metrics
        if (
            metrics.get("waiters_bow_pass", 1.0) < 0.5
            or metrics.get("hip_target_reached", 1.0) < 0.5
        ):
            deficits["core"] = (
                "In the waiter's bow the bend came more from the lower back than the hips, a "
                "sign of reduced movement control (Luomajoki et al. 2007, BMC Musculoskelet "
                "Disord 8:90)."
            )
            deficits["hinge"] = "hinge"
    return deficits, notes, bool(latest)


def _goal_tracks(profile: Profile) -> dict[str, str]:
    found: dict[str, str] = {}
    for goal in profile.goals:
        words = goal.lower()
        for track, keys in GOAL_WORDS.items():
            if any(key in words for key in keys) and track not in found:
                found[track] = f"Your goal '{goal}'"
    if profile.age is not None and profile.age >= 65 and "balance" not in found:
        found["balance"] = (
            f"At {profile.age}, balance training reduces the risk of falls (Sherrington et al. "
            "2019, Cochrane CD012424)"
        )
    return found


def _ladders_for(track_id: str, book: TrackBook, deficits: Mapping[str, str]) -> list[Ladder]:
    ladders = list(book.tracks[track_id].ladders)
    if track_id == "proprioception":
        wanted = "neck" in deficits
        ladders = [ladder for ladder in ladders if ladder.neck_only == wanted]
    if track_id == "core":
        ladders = [ladder for ladder in ladders if not ladder.hinge or "hinge" in deficits]
        ladders.sort(key=lambda ladder: not ladder.hinge)
    return ladders


def _gentle_ladders(book: TrackBook) -> list[Ladder]:
    return [book.ladder(name) for name in ("mobility", "bridge", "static_balance")]


def _sessions(
    candidates: Sequence[PlannedExercise], profile: Profile, library: Mapping[str, Exercise]
) -> tuple[tuple[PlannedExercise, ...], list[str]]:
    budget = profile.minutes_per_session * 60.0
    chosen: list[PlannedExercise] = []
    left: list[str] = []
    used = 0.0
    for item in candidates:
        seconds = estimate_s(item, library)
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


def build_plan(
    profile: Profile,
    screening: ScreeningResult,
    results: Sequence[AssessmentResult],
    checkins: Sequence[Mapping[str, Any]],
    library: Mapping[str, Exercise],
    *,
    today: date | datetime,
    person_id: int | None = None,
    book: TrackBook | None = None,
    cleared_by: Mapping[str, Any] | None = None,
    previous: "Plan | None" = None,
) -> Plan:
    """A new weekly plan (see the module docstring for the rules).

    ``cleared_by`` is a clinician's clearance after a referral (an override record with
    ``clinician``, ``reason`` and ``made_at`` later than ``screening.screened_at``): with it a
    referring screening no longer blocks the plan, and the plan says who cleared it.
    ``previous`` is the plan being replaced: an exercise on a ladder it already used keeps the
    step, dose and progress it had reached (and stays paused if it was paused), so a new plan
    (new time, goals or assessment) does not throw away the progression.
    """
    book = book or load_tracks(library)
    now = as_datetime(today)
    created = iso(now)
    reassess = (now + timedelta(weeks=book.rules.reassess_weeks)).date().isoformat()
    common: dict[str, Any] = {
        "person_id": person_id,
        "created": created,
        "week_start": week_monday(now).isoformat(),
        "reassess_after": reassess,
        "profile": profile,
    }
    cleared = (
        cleared_by is not None
        and screening.decision == "refer"
        and as_datetime(str(cleared_by.get("made_at") or created))
        >= as_datetime(screening.screened_at or created)
    )
    if screening.decision == "refer" and not cleared:
        return Plan(
            tracks=(),
            sessions=(),
            reasons=(
                screening.message,
                "No exercise is offered until a clinician has seen you and cleared you to "
                "exercise (NICE NG59: assess for and refer on red flags of serious spinal "
                "pathology).",
            ),
            status="referred",
            **common,
        )
    deficits, notes, any_usable = find_deficits(results)
    goals = _goal_tracks(profile)
    reasons: list[str] = [f"Exercise is the core of self-management of low back pain: {NICE_NG59}."]
    reasons += notes
    if cleared and cleared_by is not None:
        reasons.append(
            f"Red flag(s) {', '.join(screening.red_flags)} were seen by "
            f"{cleared_by.get('clinician', 'a clinician')}, who cleared you to exercise on "
            f"{str(cleared_by.get('made_at', ''))[:10]}: {cleared_by.get('reason', '')}"
        )
    tracks: list[Track] = []
    ladder_plan: list[tuple[Ladder, str, str]] = []  # (ladder, reason, track)
    chosen = [t for t in TRACK_ORDER if t in deficits or t in goals]
    for track_id in chosen:
        spec = book.tracks[track_id]
        why = deficits.get(track_id) or f"{goals[track_id]}."
        if track_id in deficits and track_id in goals:
            why += f" {goals[track_id]} also points here."
        tracks.append(Track(track_id, spec.name, f"{why} {spec.reason}"))
        for ladder in _ladders_for(track_id, book, deficits):
            ladder_plan.append((ladder, f"{spec.name}: {why}", track_id))
    if not chosen:
        spec = book.tracks["gentle"]
        if any_usable:
            why = "None of your measured results was worse than a published norm (not every "
            why += "test has one), so the plan starts with a gentle mix."
        else:
            why = "There is no usable assessment yet, so the plan starts with a gentle default "
            why += "mix; an assessment would let it target what you need."
        reasons.append(why)
        tracks.append(Track("gentle", spec.name, f"{why} {spec.reason}"))
        ladder_plan = [
            (ladder, f"{spec.name}: {why}", "gentle") for ladder in _gentle_ladders(book)
        ]
    pain = _latest_pain(checkins)
    if pain is not None and pain >= 7:
        reasons.append(
            f"Your pain is {pain:g}/10 now: new exercises start at their easiest step; stop one "
            "that makes the pain clearly worse and tell your clinician."
        )
    candidates: list[PlannedExercise] = []
    missing: list[str] = []
    earlier = {e.ladder: e for e in previous.exercises()} if previous else {}
    was_paused = {e.ladder: e for e in previous.paused} if previous else {}
    paused: list[PlannedExercise] = []
    # round robin over ladders so each track gets its first exercise before the second ones
    for ladder, why, track_id in ladder_plan:
        if ladder.id in was_paused:
            paused.append(was_paused[ladder.id])
            continue
        kept = earlier.get(ladder.id)
        index = kept.step if kept is not None and 0 <= kept.step < len(ladder.steps) else 0
        step = ladder.steps[index]
        lacking = step.equipment - profile.equipment
        if kept is not None and not lacking:
            candidates.append(
                replace(kept, track=track_id, reason=f"{why} Kept at the step reached so far.")
            )
            continue
        if lacking:
            missing.append(f"{library[step.exercise_id].name} (needs {', '.join(sorted(lacking))})")
            continue
        candidates.append(
            planned_from_step(
                step,
                ladder,
                0,
                library,
                reason=f"{why} Starts at the easiest step of its ladder.",
                since=created,
                track=track_id,
            )
        )
    order = {t.id: i for i, t in enumerate(tracks)}
    per_track: dict[str, list[PlannedExercise]] = {}
    for item in candidates:
        per_track.setdefault(item.track, []).append(item)
    interleaved: list[PlannedExercise] = []
    for rank in range(max((len(v) for v in per_track.values()), default=0)):
        for track_id in sorted(per_track, key=lambda t: order.get(t, 99)):
            if rank < len(per_track[track_id]):
                interleaved.append(per_track[track_id][rank])
    if missing:
        reasons.append(f"Left out for lack of equipment: {'; '.join(missing)}.")
    session, fit_notes = _sessions(interleaved, profile, library)
    reasons += fit_notes
    if any(library[e.exercise_id].category == "balance" for e in session):
        reasons.append("Do balance exercises beside a counter or sturdy chair you can hold.")
    reasons.append(
        f"Re-assess on or after {reassess} ({book.rules.reassess_weeks} weeks) to update the plan."
    )
    if paused:
        common["paused"] = tuple(paused)
    if not session:
        return Plan(
            tracks=tuple(tracks),
            sessions=(),
            reasons=(*reasons, "No exercise fits the equipment available."),
            status="paused",
            **common,
        )
    return Plan(
        tracks=tuple(tracks),
        sessions=tuple(session for _ in range(profile.sessions_per_week)),
        reasons=tuple(reasons),
        status="active",
        **common,
    )


def _latest_pain(checkins: Sequence[Mapping[str, Any]]) -> float | None:
    rated = [c for c in checkins if c.get("pain_now") is not None]
    if not rated:
        return None
    latest = max(rated, key=lambda c: str(c.get("checked_at", "")))
    return float(latest["pain_now"])


def with_exercises(plan: Plan, exercises: Sequence[PlannedExercise], **changes: Any) -> Plan:
    """``plan`` with every session holding ``exercises`` (the planner's sessions are alike)."""
    sessions = tuple(tuple(exercises) for _ in range(plan.profile.sessions_per_week))
    return replace(plan, sessions=sessions if exercises else (), **changes)
