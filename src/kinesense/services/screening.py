"""Screening: the safety questions answered, decided, and saved in a person's history.

Answers are given in one of two ways, and nothing else decides a screening:

* stated: each "yes" by its question id, and "none" when every answer is "no"
  (:func:`stated_answers`); a stated screening with no "yes" and no "none" answers nothing and
  is refused;
* asked, one question at a time (:func:`ask_answers`), through a front end's ``ask`` callback.
  A reply that is not yes or no is asked again, at most :data:`MAX_REASKS` times; a closed input
  (no reply) stops the screening. Either way nothing is decided and nothing is saved.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from kinesense.errors import InvalidValueError, SafetyError
from kinesense.program.records import Person
from kinesense.program.screening import (
    DISCLAIMER,
    ScreeningQuestion,
    ScreeningResult,
    check_ids,
    load_questions,
    screen,
)
from kinesense.store import Store

__all__ = [
    "DISCLAIMER",
    "MAX_REASKS",
    "Answers",
    "Ask",
    "ScreeningOutcome",
    "ScreeningQuestion",
    "ScreeningResult",
    "ask_answers",
    "parse_reply",
    "questions",
    "resolve_answers",
    "run_screening",
    "stated_answers",
]

MAX_REASKS = 3
"""How many times a question is asked again after a reply that is neither yes nor no."""
YES = frozenset({"y", "yes"})
NO = frozenset({"n", "no"})
ANSWER_HINT = (
    "give every 'yes' as --yes ID (see kinesense screen --list), or --none when every answer is "
    "'no', or answer the questions on the terminal"
)

Ask = Callable[[ScreeningQuestion, int], str | None]
"""Ask one question (its 1-based number given) and return the reply, or None when the input is
closed."""
Answers = Mapping[str, bool] | Callable[[], Mapping[str, bool]]
"""The answers, stated (question id -> yes), or a callable that asks for them."""


def questions() -> tuple[ScreeningQuestion, ...]:
    """The questions, in the order they are asked."""
    return load_questions()


def stated_answers(yes: Iterable[str], *, none: bool) -> dict[str, bool] | None:
    """The answers stated as options: every id in ``yes`` is "yes", the rest "no"; ``none``
    states that every answer is "no". ``None`` when nothing was stated (the questions must then
    be asked). Unknown ids, or "none" together with a "yes", are refused."""
    given = list(yes)
    check_ids(given)
    if none and given:
        raise InvalidValueError(
            f"--none says every answer is 'no': it cannot be given with --yes {', '.join(given)}"
        )
    if none or given:
        return dict.fromkeys(given, True)
    return None


def parse_reply(reply: str) -> bool | None:
    """``True`` for y/yes, ``False`` for n/no (any case, spaces ignored), else None."""
    word = reply.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    return None


def ask_answers(
    ask: Ask, on_invalid: Callable[[ScreeningQuestion], None] | None = None
) -> dict[str, bool]:
    """Every question asked through ``ask``; see the module docstring for invalid replies and
    a closed input (:class:`~kinesense.errors.SafetyError`: nothing is decided)."""
    answers: dict[str, bool] = {}
    for number, question in enumerate(questions(), start=1):
        for attempt in range(MAX_REASKS + 1):
            reply = ask(question, number)
            if reply is None:
                raise SafetyError(
                    "the screening stopped before every question was answered; nothing was "
                    f"decided ({ANSWER_HINT})"
                )
            answer = parse_reply(reply)
            if answer is not None:
                answers[question.id] = answer
                break
            if attempt == MAX_REASKS:
                raise SafetyError(
                    f"question {number} ({question.id}) was not answered y or n after "
                    f"{MAX_REASKS + 1} tries; nothing was decided"
                )
            if on_invalid is not None:
                on_invalid(question)
    return answers


def resolve_answers(answers: Answers) -> Mapping[str, bool]:
    """Stated answers as they are; asked ones asked now."""
    return answers() if callable(answers) else answers


@dataclass(frozen=True)
class ScreeningOutcome:
    """A screening decided, and where it was saved (``person`` and ``record_id`` when saved)."""

    result: ScreeningResult
    person: Person | None = None
    record_id: int | None = None


def run_screening(
    answers: Answers,
    *,
    store: Store | None = None,
    person: str | None = None,
    at: datetime | None = None,
) -> ScreeningOutcome:
    """Decide a screening from ``answers`` and, when ``person`` is given, save it in their
    history (the person is looked up before any question is asked)."""
    if person is not None and store is None:
        raise ValueError("saving a screening for a person needs a store")
    found = None
    if person is not None and store is not None:
        with store.transaction(write=False) as unit:
            found = unit.person(person)
    result = screen(resolve_answers(answers), at=at)
    if found is None or store is None:
        return ScreeningOutcome(result)
    with store.transaction() as unit:
        unit.lock_person(found.id)
        record_id = unit.save_screening(found.id, result)
    return ScreeningOutcome(result, found, record_id)
