"""``kinesense plan PERSON``: create or show a person's weekly exercise plan, write it as a
calendar, or record a clinician's override of the progression rules."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from kinesense.cli_support import JsonOption, print_json, user_errors
from kinesense.errors import KinesenseError

if TYPE_CHECKING:
    from kinesense.exercises import Exercise
    from kinesense.program.planner import Plan, Profile
    from kinesense.store import PersonRecord, Store

HELP = (
    "Create or show a person's weekly exercise plan."
    "\n\n"
    "The plan is built from the person's latest safety screening (a red flag means no exercise "
    "until a clinician clears them), their assessment results, check-ins and goals, the minutes "
    "and sessions per week they have and their equipment. Every choice carries its reason. "
    "Without --new an existing plan is shown; --new (or a first call) builds one, keeping the "
    "steps already reached."
    "\n\n"
    "A clinician can override the progression rules for one exercise, and the override is kept: "
    "--override EXERCISE_ID --action hold|progress|regress|pause|resume|dose --clinician NAME "
    '--reason TEXT (dose takes --value \'{"sets": 2, "reps": 8}\'). After a referral, '
    "--override '*' --action resume records the clinician's clearance and rebuilds the plan."
    "\n\n"
    "Examples: kinesense plan Alex --minutes 15 --goal 'walk without fear of falling'; "
    "kinesense plan Alex --json; kinesense plan Alex --ical plan.ics; kinesense plan Alex "
    "--override bird_dog --action hold --clinician 'J. Smith' --reason 'wait for review'"
)

ACTIONS = ("hold", "progress", "regress", "pause", "resume", "dose")


def now_utc() -> datetime:
    """Now, UTC, naive (plans write it to the second)."""
    return datetime.now(UTC).replace(tzinfo=None)


def library() -> "dict[str, Exercise]":
    """The exercise library."""
    from kinesense.exercises import load_library

    return load_library()


def profile_for(
    person: "PersonRecord",
    previous: "Plan | None",
    *,
    minutes: int | None = None,
    sessions_per_week: int | None = None,
    goals: list[str] | None = None,
    equipment: str | None = None,
    today: datetime,
) -> "Profile":
    """The profile from the options, else the previous plan's, else the defaults."""
    from kinesense.program.planner import PlanError, Profile

    base = previous.profile if previous is not None else Profile()
    kit = base.equipment
    if equipment is not None:
        kit = frozenset(e.strip() for e in equipment.split(",") if e.strip())
        from kinesense.program.tracks import load_tracks

        unknown = kit - set(load_tracks().equipment)
        if unknown:
            names = ", ".join(sorted(load_tracks().equipment))
            raise KinesenseError(f"unknown equipment {', '.join(sorted(unknown))}; use {names}")
    try:
        return Profile(
            age=today.year - person.birth_year if person.birth_year else None,
            goals=tuple(goals) if goals else base.goals,
            minutes_per_session=minutes or base.minutes_per_session,
            sessions_per_week=sessions_per_week or base.sessions_per_week,
            equipment=kit,
        )
    except PlanError as exc:
        raise KinesenseError(str(exc)) from None


def clearance(store: "Store", person_id: int) -> dict[str, Any] | None:
    """The latest clinician clearance (an override of ``*`` with action ``resume``)."""
    found = [
        o
        for o in store.overrides(person_id)
        if o.get("exercise_id") == "*" and o["action"] == "resume"
    ]
    return found[-1] if found else None


def new_plan(
    store: "Store",
    person: "PersonRecord",
    profile: "Profile",
    *,
    today: datetime,
    previous: "Plan | None" = None,
) -> "Plan":
    """Build a plan from the stored screening, assessments and check-ins (not saved)."""
    from kinesense.assess.result import AssessmentResult
    from kinesense.program.planner import build_plan
    from kinesense.program.screening import ScreeningResult

    screening = store.latest_screening(person.id)
    if screening is None:
        raise KinesenseError(
            f"{person.name} has not been screened yet: run kinesense screen --person "
            f"{person.id} first (safety questions come before any exercise)"
        )
    # a referral stands until a clinician clears it, whatever later screenings say
    referrals = [
        h["data"]
        for h in store.history(person.id)
        if h["kind"] == "screening" and h["data"].get("decision") == "refer"
    ]
    if referrals:
        screening = referrals[-1]
    results = [AssessmentResult.from_json(r) for r in store.assessments(person.id)]
    return build_plan(
        profile,
        ScreeningResult.from_json(screening),
        results,
        store.checkins(person.id),
        library(),
        today=today,
        person_id=person.id,
        cleared_by=clearance(store, person.id),
        previous=previous if previous is not None and previous.status == "active" else None,
    )


def plan_adherence(store: "Store", person_id: int, today: datetime) -> dict[str, Any]:
    """Adherence over every stored plan and session, as JSON."""
    from kinesense.program.adherence import adherence
    from kinesense.program.planner import Plan

    plans = [Plan.from_json(p) for p in store.plans(person_id)]
    return adherence(plans, store.sessions(person_id), until=today).to_json()


def show_plan(plan: "Plan", console: Console, adherence: dict[str, Any] | None = None) -> None:
    """The plan in plain words."""
    lib = library()
    console.print(
        f"Plan of {plan.created[:10]} (week from {plan.week_start}): {plan.status}",
        highlight=False,
        markup=False,
    )
    for track in plan.tracks:
        console.print(f"{track.name}: {track.reason}", highlight=False, markup=False)
    if plan.sessions:
        console.print(
            f"{len(plan.sessions)} session(s) a week, about "
            f"{plan.minutes_per_session(lib):.0f} minutes each:",
            highlight=False,
            markup=False,
        )
        for item in plan.sessions[0]:
            name = lib[item.exercise_id].name if item.exercise_id in lib else item.exercise_id
            dose = f"{item.sets} x {item.reps}" + (f" x {item.hold_s:g} s" if item.hold_s else "")
            held = f" (held by {item.clinician})" if item.clinician else ""
            console.print(
                f"  - {name} ({item.exercise_id}): {dose}, side {item.side}, rest "
                f"{item.rest_s:g} s{held}",
                highlight=False,
                markup=False,
            )
            console.print(f"    why: {item.reason}", highlight=False, markup=False)
    for item in plan.paused:
        console.print(f"  paused: {item.exercise_id}: {item.reason}", highlight=False, markup=False)
    for decision in plan.decisions:
        console.print(
            f"  decision: {decision.get('exercise_id') or 'plan'} "
            f"{decision['action']}: {decision['reason']}",
            highlight=False,
            markup=False,
        )
    for reason in plan.reasons:
        console.print(f"* {reason}", highlight=False, markup=False)
    if adherence and adherence.get("planned"):
        rate = adherence["rate"]
        console.print(
            f"Adherence: {adherence['done']} of {adherence['planned']} planned sessions "
            f"({rate:.0%}); streak {adherence['current_streak_days']} day(s), "
            f"{adherence['current_streak_weeks']} full week(s).",
            highlight=False,
            markup=False,
        )
    console.print(plan.disclaimer, highlight=False, markup=False)


@user_errors
def plan_command(
    person: Annotated[str, typer.Argument(help="The person's name or id (kinesense person).")],
    new: Annotated[bool, typer.Option("--new", help="Build a new plan now.")] = False,
    minutes: Annotated[
        int | None, typer.Option("--minutes", min=5, max=180, help="Minutes per session.")
    ] = None,
    sessions_per_week: Annotated[
        int | None, typer.Option("--sessions-per-week", min=1, max=7, help="Sessions a week.")
    ] = None,
    goal: Annotated[
        list[str] | None, typer.Option("--goal", help="A goal in your words (repeatable).")
    ] = None,
    equipment: Annotated[
        str | None,
        typer.Option("--equipment", help="Comma-separated: mat, chair, counter (default all)."),
    ] = None,
    ical: Annotated[
        Path | None, typer.Option("--ical", help="Write the plan's sessions to this .ics file.")
    ] = None,
    weeks: Annotated[int, typer.Option("--weeks", min=1, max=104, help="Weeks in --ical.")] = 4,
    hour: Annotated[int, typer.Option("--hour", min=0, max=23, help="Hour in --ical.")] = 18,
    override: Annotated[
        str | None, typer.Option("--override", help="Exercise id to override ('*': clearance).")
    ] = None,
    action: Annotated[str | None, typer.Option("--action", help="|".join(ACTIONS))] = None,
    clinician: Annotated[str | None, typer.Option("--clinician", help="Who decides.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (kept).")] = None,
    value: Annotated[
        str | None, typer.Option("--value", help='For dose: JSON like {"sets": 2, "reps": 8}.')
    ] = None,
    as_json: JsonOption = False,
) -> None:
    from kinesense.program.calendar import plan_to_ical
    from kinesense.program.planner import Plan
    from kinesense.program.progression import apply_overrides, carry_overrides
    from kinesense.store import Store

    today = now_utc()
    console = Console()
    with Store() as store:
        found = store.person(person)
        stored = store.active_plan(found.id)
        current = Plan.from_json(stored) if stored else None
        if override is not None:
            record = _override_record(override, action, clinician, reason, value, today)
            store.save_override(found.id, record)
            if override == "*" or current is None or current.status == "referred":
                current = new_plan(
                    store, found, profile_for(found, current, today=today), today=today
                )
                store.save_plan(found.id, current.to_json(), reason=f"override by {clinician}")
            else:
                current, _ = apply_overrides(
                    current, store.overrides(found.id), library(), today=today
                )
                store.save_plan(found.id, current.to_json(), reason=f"override by {clinician}")
        elif (
            new
            or current is None
            or any(v is not None for v in (minutes, sessions_per_week, goal, equipment))
        ):
            profile = profile_for(
                found,
                current,
                minutes=minutes,
                sessions_per_week=sessions_per_week,
                goals=goal,
                equipment=equipment,
                today=today,
            )
            current = new_plan(store, found, profile, today=today, previous=current)
            current, _ = carry_overrides(current, store.overrides(found.id), library(), today=today)
            store.save_plan(found.id, current.to_json(), reason="new plan")
        adherence = plan_adherence(store, found.id, today)
    if ical is not None:
        text = plan_to_ical(current, start=today.date(), weeks=weeks, hour=hour, library=library())
        try:
            ical.write_bytes(text.encode("utf-8"))
        except OSError as exc:
            raise KinesenseError(f"cannot write {ical}: {exc.strerror}") from None
    if as_json:
        print_json(current.to_json() | {"adherence": adherence, "person": found.to_json()})
        return
    show_plan(current, console, adherence)
    if ical is not None:
        console.print(f"calendar written to {ical}", highlight=False, markup=False)


def _override_record(
    exercise_id: str,
    action: str | None,
    clinician: str | None,
    reason: str | None,
    value: str | None,
    today: datetime,
) -> dict[str, Any]:
    if action not in ACTIONS:
        raise KinesenseError(f"--override needs --action, one of {', '.join(ACTIONS)}")
    if not clinician or not reason:
        raise KinesenseError("an override needs --clinician NAME and --reason TEXT (both kept)")
    if exercise_id == "*" and action != "resume":
        raise KinesenseError("--override '*' (clearance after a referral) takes --action resume")
    if exercise_id != "*" and exercise_id not in library():
        raise KinesenseError(f"unknown exercise {exercise_id!r} (see kinesense coach --list)")
    parsed: Any = None
    if action == "dose":
        try:
            parsed = json.loads(value or "")
        except json.JSONDecodeError:
            raise KinesenseError(
                '--action dose needs --value like {"sets": 2, "reps": 8}'
            ) from None
        if not isinstance(parsed, dict) or not set(parsed) <= {"sets", "reps", "hold_s"}:
            raise KinesenseError("--value takes an object with sets, reps and/or hold_s")
    return {
        "exercise_id": exercise_id,
        "action": action,
        "value": parsed,
        "clinician": clinician,
        "reason": reason,
        "made_at": today.isoformat(),
    }


def register(app: typer.Typer) -> None:
    """Add ``kinesense plan``."""
    app.command("plan", help=HELP)(plan_command)
