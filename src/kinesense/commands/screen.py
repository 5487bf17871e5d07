"""``kinesense screen``: the safety questions (red flags) to answer before any exercise."""

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kinesense.cli_support import JsonOption, print_json, user_errors
from kinesense.errors import KinesenseError

if TYPE_CHECKING:
    from kinesense.program.screening import ScreeningQuestion, ScreeningResult

HELP = """Answer the safety questions that come before any exercise.

Asks, one by one, about warning signs of a serious cause of back pain (red flags, after NICE
guideline NG59 and the international framework of Finucane et al. 2020). If any is present,
kinesense tells you how soon to seek care and offers no exercise until a clinician clears you.

Without options the questions are asked on the terminal (answer y or n). To answer without
prompts, give every "yes" as --yes ID (repeatable); any question not named counts as "no".
--list shows the questions and their ids.

Examples: kinesense screen; kinesense screen --list --json;
kinesense screen --yes night_pain --json; kinesense screen --no-input --person "Alex"
"""

YES = {"y", "yes"}
NO = {"n", "no"}


@user_errors
def screen_command(
    yes: Annotated[
        list[str] | None,
        typer.Option(
            "--yes",
            "-y",
            help="Id of a question answered 'yes' (repeatable); see --list. Skips the prompts.",
            show_default=False,
        ),
    ] = None,
    no_input: Annotated[
        bool,
        typer.Option("--no-input", help="Do not ask: questions not given with --yes are 'no'."),
    ] = False,
    list_questions: Annotated[
        bool, typer.Option("--list", help="Show the questions and their ids, then stop.")
    ] = False,
    person: Annotated[
        str | None,
        typer.Option(
            "--person",
            help="Save the screening in this person's history (name or id; kinesense person).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    from kinesense.program.screening import check_ids, load_questions, screen

    questions = load_questions()
    if list_questions:
        _show_questions(questions, as_json)
        return
    given = list(yes or [])
    check_ids(given)
    prompt = not (given or no_input or as_json)
    answers = _ask(questions) if prompt else dict.fromkeys(given, True)
    result = screen(answers)
    saved = _save(person, result) if person is not None else None
    if as_json:
        print_json(_json_output(result, saved))
        return
    _show_result(result, questions)


def _json_output(result: "ScreeningResult", saved: dict[str, Any] | None) -> dict[str, Any]:
    from kinesense.program.screening import DISCLAIMER

    data = result.to_json() | {"disclaimer": DISCLAIMER}
    if saved is not None:
        data["saved"] = saved
    return data


def _ask(questions: "tuple[ScreeningQuestion, ...]") -> dict[str, bool]:
    """Ask every question on the terminal; stdin may be a pipe (one answer per line)."""
    from kinesense.program.screening import DISCLAIMER

    console = Console(highlight=False)
    console.print(f"[bold]Before you exercise[/]\n{DISCLAIMER}")
    console.print(f"Answer y (yes) or n (no) to each of {len(questions)} questions.\n")
    answers: dict[str, bool] = {}
    for number, question in enumerate(questions, start=1):
        while True:
            sys.stdout.write(f"{number}. {question.text} [y/n] ")
            sys.stdout.flush()
            line = sys.stdin.readline()
            if not line:
                raise KinesenseError(
                    "the screening stopped before every question was answered; nothing was "
                    "decided (answer them all, or use --yes ID)"
                )
            reply = line.strip().lower()
            if reply in YES or reply in NO:
                answers[question.id] = reply in YES
                break
            sys.stdout.write("Please answer y or n.\n")
    sys.stdout.write("\n")
    return answers


def _save(person: str, result: "ScreeningResult") -> dict[str, Any]:
    from kinesense.store import Store

    with Store() as store:
        found = store.person(person)
        record_id = store.save_screening(found.id, result.to_json())
    Console(stderr=True).print(
        f"screening saved in the history of {found.name} (id {found.id})", highlight=False
    )
    return {"person_id": found.id, "record_id": record_id}


def _show_questions(questions: "tuple[ScreeningQuestion, ...]", as_json: bool) -> None:
    if as_json:
        print_json([question.to_json() for question in questions])
        return
    table = Table(title="Screening questions", show_lines=False)
    for column in ("id", "red flag", "if yes", "question"):
        table.add_column(column, overflow="fold")
    for q in questions:
        table.add_row(q.id, "yes" if q.red_flag else "no", q.urgency or "-", q.text)
    Console().print(table)


def _show_result(result: "ScreeningResult", questions: "tuple[ScreeningQuestion, ...]") -> None:
    from kinesense.program.screening import DISCLAIMER

    console = Console(highlight=False)
    texts = {q.id: q.text for q in questions}
    if result.referred:
        console.print(f"[bold red]See a clinician ({result.urgency})[/]")
        console.print(result.message)
        console.print("You answered yes to:")
        for flag in result.red_flags:
            console.print(f"  - {texts[flag]}")
        console.print(f"\n{DISCLAIMER}")
        return
    console.print("[bold green]No warning signs reported: you can go on.[/]")
    console.print(result.message)
    others = [qid for qid in result.yes_answers() if qid not in result.red_flags]
    if others:
        console.print("Noted for your plan: " + "; ".join(texts[qid] for qid in others))


def register(app: typer.Typer) -> None:
    """Add ``kinesense screen``."""
    app.command("screen", help=HELP)(screen_command)
