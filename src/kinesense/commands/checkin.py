"""``kinesense checkin PERSON``: the regular check-in - safety questions again, pain and function,
then the plan reviewed with the progression rules and saved with its decisions."""

from typing import Annotated

import typer
from rich.console import Console

from kinesense.cli_support import JsonOption, print_json, say, user_errors
from kinesense.commands._answers import NoneOption, YesOption, answers_from_options
from kinesense.commands.plan import show_plan
from kinesense.services.checkin import CheckInRequest, check_in
from kinesense.services.database import open_store

HELP = (
    "Check in: safety questions, pain and function, then the plan is reviewed."
    "\n\n"
    "The safety questions are asked again, on the terminal, or answered with options: each "
    '"yes" as --yes ID (see kinesense screen --list), or --none when every answer is "no"; '
    "with --json they must be given as options. A red flag stops the plan until a clinician "
    'clears you. Pain is rated 0-10 now and on average over the last week; --psfs "activity='
    'score" (0 = unable, 10 = as before the problem) records the Patient-Specific Functional '
    "Scale (repeatable). Then each exercise of the plan is reviewed, clinician overrides first: "
    "one step up after two consecutive sessions meeting the targets with good form; one step "
    "easier (or paused at the easiest step) after a pain rise of 2 points or more or a session "
    "with poor form; one step easier after 14 days without a session; re-assessment asked "
    "after 4 weeks. The new plan is saved with the reasons, all in one transaction."
    "\n\n"
    'Examples: kinesense checkin Alex --none --pain-now 3 --pain-week 4 --psfs "gardening=5"; '
    "kinesense checkin Alex --yes saddle_numbness --json"
)


@user_errors
def checkin_command(
    person: Annotated[str, typer.Argument(help="The person's id or name (kinesense person).")],
    pain_now: Annotated[
        int | None, typer.Option("--pain-now", help="Pain now, 0 (none) to 10 (worst).")
    ] = None,
    pain_week: Annotated[
        int | None, typer.Option("--pain-week", help="Average pain over the last week, 0-10.")
    ] = None,
    psfs: Annotated[
        list[str] | None, typer.Option("--psfs", help="'activity=score' (0-10), repeatable.")
    ] = None,
    yes: YesOption = None,
    none: NoneOption = False,
    notes: Annotated[str, typer.Option("--notes", help="Free notes kept with the check-in.")] = "",
    as_json: JsonOption = False,
) -> None:
    answers = answers_from_options(yes, none, as_json=as_json)
    request = CheckInRequest(answers, pain_now, pain_week, tuple(psfs or ()), notes)
    with open_store() as store:
        outcome = check_in(store, person, request)
    if as_json:
        print_json(outcome.to_json())
        return
    console = Console()
    if outcome.screening.referred:
        say(outcome.screening.message, console=console, style="bold red")
    if outcome.pain_change is not None:
        say(f"Pain since your first check-in: {outcome.pain_change.reason}", console=console)
    show_plan(outcome.plan_view, console)


def register(app: typer.Typer) -> None:
    """Add ``kinesense checkin``."""
    app.command("checkin", help=HELP)(checkin_command)
