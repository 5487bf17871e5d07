"""``kinesense screen``: the safety questions (red flags) to answer before any exercise."""

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from kinesense.cli_support import JsonOption, print_json, say, user_errors
from kinesense.commands._answers import NoneOption, YesOption, answers_from_options
from kinesense.services.database import open_store
from kinesense.services.screening import (
    DISCLAIMER,
    ScreeningOutcome,
    ScreeningQuestion,
    questions,
    run_screening,
)
from kinesense.text import printable

HELP = """Answer the safety questions that come before any exercise.

Asks, one by one, about warning signs of a serious cause of back pain (red flags, after NICE
guideline NG59 and the international framework of Finucane et al. 2020). If any is present,
kinesense tells you how soon to seek care and offers no exercise until a clinician clears you.

Without options the questions are asked on the terminal (answer y or n). To answer without
prompts, give every "yes" as --yes ID (repeatable; any question not named is "no"), or --none
when every answer is "no". With --json the answers must be given as options: nothing is ever
decided without an answer. --list shows the questions and their ids.

Examples: kinesense screen; kinesense screen --list --json;
kinesense screen --yes night_pain --json; kinesense screen --none --person "Alex"
"""


@user_errors
def screen_command(
    yes: YesOption = None,
    none: NoneOption = False,
    no_input: Annotated[
        bool,
        typer.Option(
            "--no-input",
            help="Do not ask: every question not given with --yes is answered 'no' (with no "
            "--yes, the same as --none).",
        ),
    ] = False,
    list_questions: Annotated[
        bool, typer.Option("--list", help="Show the questions and their ids, then stop.")
    ] = False,
    person: Annotated[
        str | None,
        typer.Option(
            "--person",
            help="Save the screening in this person's history (id, or name; kinesense person).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    if list_questions:
        _show_questions(questions(), as_json)
        return
    answers = answers_from_options(yes, none or (no_input and not yes), as_json=as_json)
    if person is None:
        outcome = run_screening(answers)
    else:
        with open_store() as store:
            outcome = run_screening(answers, store=store, person=person)
    if outcome.person is not None:
        say(
            f"screening saved in the history of {outcome.person.name} (id {outcome.person.id})",
            console=Console(stderr=True),
        )
    if as_json:
        print_json(_json_output(outcome))
        return
    _show_result(outcome)


def _json_output(outcome: ScreeningOutcome) -> dict[str, object]:
    data: dict[str, object] = outcome.result.to_json() | {"disclaimer": DISCLAIMER}
    if outcome.person is not None:
        data["saved"] = {"person_id": outcome.person.id, "record_id": outcome.record_id}
    return data


def _show_questions(listed: tuple[ScreeningQuestion, ...], as_json: bool) -> None:
    if as_json:
        print_json([question.to_json() for question in listed])
        return
    table = Table(title="Screening questions", show_lines=False)
    for column in ("id", "red flag", "if yes", "question"):
        table.add_column(column, overflow="fold")
    for q in listed:
        table.add_row(
            printable(q.id), "yes" if q.red_flag else "no", q.urgency or "-", printable(q.text)
        )
    Console().print(table)


def _show_result(outcome: ScreeningOutcome) -> None:
    result = outcome.result
    console = Console(highlight=False)
    texts = {q.id: q.text for q in questions()}
    if result.referred:
        say(f"See a clinician ({result.urgency})", console=console, style="bold red")
        say(result.message, console=console)
        say("You answered yes to:", console=console)
        for flag in result.red_flags:
            say(f"  - {texts[flag]}", console=console)
        say("", console=console)
        say(DISCLAIMER, console=console)
        return
    say("No warning signs reported: you can go on.", console=console, style="bold green")
    say(result.message, console=console)
    others = [qid for qid in result.yes_answers() if qid not in result.red_flags]
    if others:
        say("Noted for your plan: " + "; ".join(texts[qid] for qid in others), console=console)


def register(app: typer.Typer) -> None:
    """Add ``kinesense screen``."""
    app.command("screen", help=HELP)(screen_command)
