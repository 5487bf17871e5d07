"""``kinesense checkin PERSON``: the regular check-in - safety questions again, pain and function,
then the plan reviewed with the progression rules and saved with its decisions."""

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from kinesense.cli_support import JsonOption, print_json, user_errors
from kinesense.commands.plan import (
    clearance,
    library,
    new_plan,
    now_utc,
    plan_adherence,
    profile_for,
    show_plan,
)
from kinesense.errors import KinesenseError

if TYPE_CHECKING:
    from kinesense.program.outcomes import PsfsItem

HELP = (
    "Check in: safety questions, pain and function, then the plan is reviewed."
    "\n\n"
    'The safety questions are asked again (give each "yes" as --yes ID; see kinesense screen '
    "--list): a red flag stops the plan until a clinician clears you. Pain is rated 0-10 now "
    'and on average over the last week; --psfs "activity=score" (0 = unable, 10 = as before '
    "the problem) records the Patient-Specific Functional Scale (repeatable). Then each "
    "exercise of the plan is reviewed, clinician overrides first: one step up after two "
    "consecutive sessions meeting the targets with good form; one step easier (or paused at "
    "the easiest step) after a pain rise of 2 points or more or a session with poor form; one "
    "step easier after 14 days without a session; re-assessment asked after 4 weeks. The new "
    "plan is saved with the reasons."
    "\n\n"
    'Examples: kinesense checkin Alex --pain-now 3 --pain-week 4 --psfs "gardening=5"; '
    "kinesense checkin Alex --yes saddle_numbness --json"
)


def parse_psfs(values: list[str]) -> "list[PsfsItem]":
    """``activity=score`` texts as PSFS items (one-line errors when malformed)."""
    from kinesense.program.outcomes import PsfsItem

    items = []
    for text in values:
        activity, sep, score = text.rpartition("=")
        if not sep or not activity.strip() or not score.strip().isdigit():
            raise KinesenseError(f"--psfs takes 'activity=score' with a score 0-10; got {text!r}")
        items.append(PsfsItem(activity.strip(), int(score)))
    return items


@user_errors
def checkin_command(
    person: Annotated[str, typer.Argument(help="The person's name or id (kinesense person).")],
    pain_now: Annotated[
        int | None, typer.Option("--pain-now", help="Pain now, 0 (none) to 10 (worst).")
    ] = None,
    pain_week: Annotated[
        int | None, typer.Option("--pain-week", help="Average pain over the last week, 0-10.")
    ] = None,
    psfs: Annotated[
        list[str] | None, typer.Option("--psfs", help="'activity=score' (0-10), repeatable.")
    ] = None,
    yes: Annotated[
        list[str] | None,
        typer.Option("--yes", "-y", help="Id of a safety question answered 'yes' (repeatable)."),
    ] = None,
    notes: Annotated[str, typer.Option("--notes", help="Free notes kept with the check-in.")] = "",
    as_json: JsonOption = False,
) -> None:
    from kinesense.program.outcomes import PainRating, pain_change
    from kinesense.program.planner import Plan
    from kinesense.program.progression import review_plan
    from kinesense.program.screening import DISCLAIMER, check_ids, screen
    from kinesense.store import Store

    given = list(yes or [])
    check_ids(given)
    if (pain_now is None) != (pain_week is None):
        raise KinesenseError("give both --pain-now and --pain-week, or neither")
    pain = (
        PainRating(pain_now, pain_week) if pain_now is not None and pain_week is not None else None
    )
    items = parse_psfs(list(psfs or []))
    today = now_utc()
    screening = screen(dict.fromkeys(given, True), at=today)
    checkin: dict[str, Any] = {
        "pain_now": pain.now if pain else None,
        "pain_week": pain.week_average if pain else None,
        "psfs": [item.to_json() for item in items],
        "questionnaires": {},
        "notes": notes,
        "checked_at": today.isoformat(),
    }
    decisions: list[dict[str, Any]] = []
    with Store() as store:
        found = store.person(person)
        earlier = [c for c in store.checkins(found.id) if c.get("pain_now") is not None]
        store.save_screening(found.id, screening.to_json())
        store.save_checkin(found.id, checkin)
        stored = store.active_plan(found.id)
        current = Plan.from_json(stored) if stored else None
        if screening.decision == "refer":
            plan = new_plan(store, found, profile_for(found, current, today=today), today=today)
            store.save_plan(found.id, plan.to_json(), reason="red flag at check-in")
        elif current is None or (
            current.status == "referred" and clearance(store, found.id) is not None
        ):
            plan = new_plan(store, found, profile_for(found, current, today=today), today=today)
            store.save_plan(found.id, plan.to_json(), reason="check-in: new plan")
        else:
            plan, made = review_plan(
                current,
                store.sessions(found.id),
                store.checkins(found.id),
                store.overrides(found.id),
                library(),
                today=today,
            )
            decisions = [d.to_json() for d in made]
            if plan is not current:
                summary = "; ".join(f"{d.exercise_id or 'plan'} {d.action}" for d in made)
                store.save_plan(found.id, plan.to_json(), reason=f"check-in: {summary}")
        adherence = plan_adherence(store, found.id, today)
    change = None
    if pain is not None and earlier:
        change = pain_change(float(earlier[0]["pain_now"]), float(pain.now))
    if as_json:
        print_json(
            {
                "person": found.to_json(),
                "screening": screening.to_json(),
                "checkin": checkin,
                "pain_change": None if change is None else change.to_json(),
                "decisions": decisions,
                "plan": plan.to_json(),
                "adherence": adherence,
                "disclaimer": DISCLAIMER,
            }
        )
        return
    console = Console()
    if screening.decision == "refer":
        console.print(screening.message, style="bold red", highlight=False, markup=False)
    if change is not None:
        console.print(
            f"Pain since your first check-in: {change.reason}", highlight=False, markup=False
        )
    show_plan(plan, console, adherence)


def register(app: typer.Typer) -> None:
    """Add ``kinesense checkin``."""
    app.command("checkin", help=HELP)(checkin_command)
