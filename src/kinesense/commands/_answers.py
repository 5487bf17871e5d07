"""The screening's answers on the command line, shared by ``screen`` and ``checkin``: each "yes"
as ``--yes ID``, ``--none`` when every answer is "no", else the questions asked on the terminal
(or read from a pipe, one answer a line). With ``--json`` the questions are never asked: the
answers must be stated."""

import sys
from typing import Annotated

import typer
from rich.console import Console

from kinesense.cli_support import say
from kinesense.errors import SafetyError
from kinesense.services.screening import (
    ANSWER_HINT,
    DISCLAIMER,
    Answers,
    ScreeningQuestion,
    ask_answers,
    questions,
    stated_answers,
)
from kinesense.text import printable

YesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--yes",
        "-y",
        help="Id of a safety question answered 'yes' (repeatable; see kinesense screen --list); "
        "every question not named is answered 'no'.",
        show_default=False,
    ),
]
NoneOption = Annotated[
    bool,
    typer.Option("--none", help="Every safety question is answered 'no' (no red flag, nothing)."),
]


def _ask_on_terminal(console: Console) -> Answers:
    def ask_all() -> dict[str, bool]:
        say("Before you exercise", console=console, style="bold")
        say(DISCLAIMER, console=console)
        say(f"Answer y (yes) or n (no) to each of {len(questions())} questions.", console=console)

        def ask(question: ScreeningQuestion, number: int) -> str | None:
            sys.stdout.write(f"{number}. {printable(question.text)} [y/n] ")
            sys.stdout.flush()
            line = sys.stdin.readline()
            return line if line else None

        def again(_: ScreeningQuestion) -> None:
            sys.stdout.write("Please answer y or n.\n")

        answers = ask_answers(ask, again)
        sys.stdout.write("\n")
        return answers

    return ask_all


def answers_from_options(
    yes: list[str] | None, none: bool, *, as_json: bool, console: Console | None = None
) -> Answers:
    """The answers the options state, else the questions asked on the terminal; refused with
    ``--json`` (one JSON object on stdout leaves no room for questions)."""
    stated = stated_answers(yes or [], none=none)
    if stated is not None:
        return stated
    if as_json:
        raise SafetyError(f"with --json the safety questions are not asked: {ANSWER_HINT}")
    return _ask_on_terminal(console or Console(highlight=False))
