"""``kinesense plan PERSON``: create or show a person's weekly exercise plan, write it as a
calendar, or record a clinician's override of the progression rules."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from kinesense.cli_support import JsonOption, print_json, say, user_errors
from kinesense.services.database import open_store
from kinesense.services.plans import (
    CalendarRequest,
    OverrideRequest,
    PlanRequest,
    PlanView,
    make_or_show_plan,
    override_plan,
)

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
    '--reason TEXT (dose takes --value \'{"sets": 2, "reps": 8}\', within the limits of the '
    "exercise format). After a referral, --override '*' --action resume records the "
    "clinician's clearance and rebuilds the plan."
    "\n\n"
    "Examples: kinesense plan Alex --minutes 15 --goal 'walk without fear of falling'; "
    "kinesense plan Alex --json; kinesense plan Alex --ical plan.ics; kinesense plan Alex "
    "--override bird_dog --action hold --clinician 'J. Smith' --reason 'wait for review'"
)

ACTIONS = ("hold", "progress", "regress", "pause", "resume", "dose")


def show_plan(view: PlanView, console: Console) -> None:
    """The plan in plain words (text from people and files escaped)."""
    plan, lib = view.plan, view.library

    def line(text: str) -> None:
        say(text, console=console)

    line(f"Plan of {plan.created.date().isoformat()} (week from {plan.week_start}): {plan.status}")
    for track in plan.tracks:
        line(f"{track.name}: {track.reason}")
    if plan.sessions:
        line(
            f"{len(plan.sessions)} session(s) a week, about "
            f"{plan.minutes_per_session(lib):.0f} minutes each:"
        )
        for item in plan.sessions[0]:
            name = lib[item.exercise_id].name if item.exercise_id in lib else item.exercise_id
            dose = f"{item.sets} x {item.reps}" + (f" x {item.hold_s:g} s" if item.hold_s else "")
            held = f" (held by {item.clinician})" if item.clinician else ""
            line(
                f"  - {name} ({item.exercise_id}): {dose}, side {item.side}, rest "
                f"{item.rest_s:g} s{held}"
            )
            line(f"    why: {item.reason}")
    for item in plan.paused:
        line(f"  paused: {item.exercise_id}: {item.reason}")
    for decision in plan.decisions:
        line(f"  decision: {decision.exercise_id or 'plan'} {decision.action}: {decision.reason}")
    for reason in plan.reasons:
        line(f"* {reason}")
    adherence = view.adherence
    if adherence.planned and adherence.rate is not None:
        line(
            f"Adherence: {adherence.done} of {adherence.planned} planned sessions "
            f"({adherence.rate:.0%}); streak {adherence.current_streak_days} day(s), "
            f"{adherence.current_streak_weeks} full week(s)."
        )
    line(plan.disclaimer)


@user_errors
def plan_command(
    person: Annotated[str, typer.Argument(help="The person's id or name (kinesense person).")],
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
    calendar = CalendarRequest(ical, weeks=weeks, hour=hour) if ical is not None else None
    with open_store() as store:
        if override is not None:
            request = OverrideRequest(override, action, clinician, reason, value)
            view = override_plan(store, person, request, calendar=calendar)
        else:
            asked = PlanRequest(new, minutes, sessions_per_week, tuple(goal or ()), equipment)
            view = make_or_show_plan(store, person, asked, calendar=calendar)
    if as_json:
        print_json(view.to_json())
        return
    console = Console()
    show_plan(view, console)
    if view.calendar is not None:
        say(f"calendar written to {view.calendar}", console=console)


def register(app: typer.Typer) -> None:
    """Add ``kinesense plan``."""
    app.command("plan", help=HELP)(plan_command)
