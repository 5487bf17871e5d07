"""Screening answers: stated or asked, never assumed; asked again at most three times."""

from collections.abc import Iterator

import pytest

from kinesense.errors import InvalidValueError, NotFoundError, SafetyError
from kinesense.services.people import add_person
from kinesense.services.screening import (
    MAX_REASKS,
    ScreeningQuestion,
    ask_answers,
    parse_reply,
    questions,
    run_screening,
    stated_answers,
)
from kinesense.store import Store

QUESTIONS = questions()


def test_stated_answers() -> None:
    assert stated_answers([], none=False) is None  # nothing stated: the questions must be asked
    assert stated_answers([], none=True) == {}  # every answer is "no"
    assert stated_answers(["night_pain"], none=False) == {"night_pain": True}
    with pytest.raises(InvalidValueError, match="cannot be given with --yes"):
        stated_answers(["night_pain"], none=True)
    with pytest.raises(InvalidValueError, match="unknown screening question id 'backache'"):
        stated_answers(["backache"], none=False)


@pytest.mark.parametrize(
    ("reply", "answer"),
    [("y", True), ("YES\n", True), (" n ", False), ("No", False), ("maybe", None), ("", None)],
)
def test_replies(reply: str, answer: bool | None) -> None:
    assert parse_reply(reply) is answer


def replies(*lines: str | None) -> Iterator[str | None]:
    yield from lines
    while True:
        yield None


def test_every_question_is_asked_in_order() -> None:
    asked: list[tuple[str, int]] = []
    source = replies(*(["n"] * (len(QUESTIONS) - 1)), "y")

    def ask(question: ScreeningQuestion, number: int) -> str | None:
        asked.append((question.id, number))
        return next(source)

    answers = ask_answers(ask)
    assert asked == [(q.id, i) for i, q in enumerate(QUESTIONS, start=1)]
    assert answers[QUESTIONS[-1].id] is True
    assert sum(answers.values()) == 1


def test_an_invalid_reply_is_asked_again_at_most_three_times() -> None:
    calls: list[int] = []
    again: list[str] = []

    def ask(question: ScreeningQuestion, number: int) -> str | None:
        calls.append(number)
        return "maybe"

    with pytest.raises(SafetyError, match="not answered y or n after 4 tries; nothing was decided"):
        ask_answers(ask, lambda q: again.append(q.id))
    assert calls == [1] * (MAX_REASKS + 1)
    assert again == [QUESTIONS[0].id] * MAX_REASKS


def test_a_reply_on_the_last_try_counts() -> None:
    source = replies("?", "??", "???", "y", *(["n"] * len(QUESTIONS)))
    answers = ask_answers(lambda q, n: next(source))
    assert answers[QUESTIONS[0].id] is True


def test_a_closed_input_decides_nothing() -> None:
    source = replies("n", "n")
    with pytest.raises(SafetyError, match="stopped before every question was answered"):
        ask_answers(lambda q, n: next(source))


def test_the_person_is_found_before_any_question_is_asked(store: Store) -> None:
    asked: list[int] = []

    def answers() -> dict[str, bool]:
        asked.append(1)
        return {}

    with pytest.raises(NotFoundError, match="Nobody"):
        run_screening(answers, store=store, person="Nobody")
    assert asked == []


def test_a_screening_is_saved_for_the_person(store: Store) -> None:
    ann = add_person(store, "Ann").person
    outcome = run_screening({"night_pain": True}, store=store, person=str(ann.id))
    assert outcome.person == ann
    assert outcome.result.referred
    with store.transaction(write=False) as unit:
        assert unit.latest_screening(ann.id) == outcome.result
    alone = run_screening({})
    assert alone.person is None
    assert alone.record_id is None
