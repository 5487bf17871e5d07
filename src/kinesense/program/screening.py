"""Safety screening for serious spinal pathology ("red flags") before any exercise is offered.

The questions live in ``program/data/screening_questions.json`` (validated when loaded; their
ids are stable and listed in ``program/data/README.md``). Each question is either a red flag,
with the urgency of the care it calls for, or an ordinary question the planner uses (for example
pain spreading below the knee).

Decision rule: any red flag answered "yes" gives ``decision == "refer"``; the message asks the
person to seek care as soon as the most urgent flag demands (``emergency``: now, at an emergency
department; ``urgent``: a doctor today, within 24 hours; ``soon``: a GP or physiotherapist within
a few days) and says that no exercise is offered until a clinician clears them. Otherwise the
decision is ``"proceed"``. A red flag raises the suspicion of a serious condition; it does not
diagnose one, and its absence does not rule one out.

Sources: NICE guideline NG59, Low back pain and sciatica in over 16s (2016, updated 2020); NICE
Clinical Knowledge Summaries on low back pain and sciatica (red flags); Finucane LM et al. 2020,
International framework for red flags for potential serious spinal pathologies, J Orthop Sports
Phys Ther 50(7):350-372.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, StrictBool, model_validator

from kinesense.clock import as_utc, utc_now
from kinesense.errors import InvalidValueError
from kinesense.program.model import (
    DataFile,
    Record,
    UtcTime,
    load_data_file,
)
from kinesense.safe_json import read_data_file

QUESTIONS_FILE = "screening_questions.json"
FORMAT = "kinesense-screening/1"
URGENCIES = ("emergency", "urgent", "soon")  # most urgent first
DECISIONS = ("refer", "proceed")
Urgency = Literal["emergency", "urgent", "soon"]
Decision = Literal["refer", "proceed"]
QuestionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
NonEmpty = Annotated[str, Field(min_length=1)]

DISCLAIMER = (
    "kinesense does not replace a doctor or physiotherapist. It does not diagnose; it asks about "
    "warning signs and, if one is present, tells you to get checked. If your symptoms change or "
    "worsen, or you are worried, contact a health professional."
)

URGENCY_MESSAGES = {
    "emergency": (
        "Seek medical care now: go to an emergency department (or call your local emergency "
        "number). These symptoms need to be checked by a doctor straight away, without waiting "
        "for them to settle."
    ),
    "urgent": (
        "Contact a doctor today, within 24 hours (your GP, an urgent care service or your local "
        "urgent medical help line), and tell them about the answers below."
    ),
    "soon": (
        "Make an appointment with your GP or physiotherapist within the next few days, and tell "
        "them about the answers below before you start an exercise programme."
    ),
}
NO_EXERCISE = (
    "kinesense will not offer any exercise until a clinician has checked you and cleared you "
    "to exercise."
)
PROCEED_MESSAGE = (
    "None of the warning signs asked about was reported, so you can go on to the assessment and "
    "your exercise plan. Answer these questions again if anything changes."
)


class ScreeningError(InvalidValueError):
    """Screening answers are invalid; the message names the problem and the fix."""


class QuestionEntry(DataFile):
    """One question as written in the file: ``source`` lists keys of the file's ``sources``
    separated by ``;``; a red flag needs an urgency, an ordinary question must have none."""

    id: QuestionId
    text: NonEmpty
    red_flag: StrictBool
    urgency: Urgency | None
    category: NonEmpty
    source: NonEmpty

    @model_validator(mode="after")
    def _urgency_matches_flag(self) -> Self:
        if self.red_flag and self.urgency is None:
            raise ValueError(f"{self.id}: a red flag needs urgency, one of {URGENCIES}")
        if not self.red_flag and self.urgency is not None:
            raise ValueError(f"{self.id}: urgency must be null when red_flag is false")
        return self

    def source_keys(self) -> tuple[str, ...]:
        """The keys of the file's ``sources`` this question cites."""
        return tuple(key.strip() for key in self.source.split(";") if key.strip())


class ScreeningFile(DataFile):
    """The content of ``screening_questions.json`` (format ``kinesense-screening/1``)."""

    format: Literal["kinesense-screening/1"]
    sources: dict[str, NonEmpty]
    questions: Annotated[list[QuestionEntry], Field(min_length=1)]

    @model_validator(mode="after")
    def _ids_and_sources(self) -> Self:
        seen: set[str] = set()
        for entry in self.questions:
            if entry.id in seen:
                raise ValueError(f"question id {entry.id!r} is repeated")
            seen.add(entry.id)
            missing = [key for key in entry.source_keys() if key not in self.sources]
            if missing or not entry.source_keys():
                raise ValueError(f"{entry.id}: unknown or missing source keys {missing}")
        return self


class ScreeningQuestion(Record):
    """One yes/no question, its source cited in full. ``urgency`` is set for red flags only
    (see the module docstring)."""

    id: QuestionId
    text: NonEmpty
    red_flag: bool
    urgency: Urgency | None
    category: str
    source: str


@cache
def load_questions() -> tuple[ScreeningQuestion, ...]:
    """The screening questions shipped with kinesense, in the order they are asked."""
    resource = resources.files("kinesense.program") / "data" / QUESTIONS_FILE
    path = Path(str(resource))
    return parse_questions(read_data_file(path, "screening file"), where=QUESTIONS_FILE)


def parse_questions(data: object, *, where: str = QUESTIONS_FILE) -> tuple[ScreeningQuestion, ...]:
    """Validate a screening file's content and return its questions.

    Raises :class:`~kinesense.errors.DataFileError` naming the file and the field.
    """
    parsed = load_data_file(ScreeningFile, data, where)
    return tuple(
        ScreeningQuestion(
            id=entry.id,
            text=entry.text.strip(),
            red_flag=entry.red_flag,
            urgency=entry.urgency,
            category=entry.category,
            source="; ".join(parsed.sources[key] for key in entry.source_keys()),
        )
        for entry in parsed.questions
    )


class ScreeningResult(Record):
    """The outcome of one screening: ``refer`` when any red flag fired, else ``proceed``.

    ``answers`` holds every question id with ``True`` for "yes"; ``screened_at`` is when it was
    answered (UTC); ``urgency`` is the most urgent of the fired flags (``None`` when
    proceeding). Stored results may carry fields of other versions: they are ignored.
    """

    model_config = Record.model_config | {"extra": "ignore"}

    decision: Decision
    red_flags: tuple[str, ...]
    urgency: Urgency | None = None
    message: str = ""
    answers: dict[str, StrictBool] = Field(default_factory=dict)
    screened_at: UtcTime = Field(default_factory=utc_now)

    @model_validator(mode="after")
    def _refers_iff_a_flag_fired(self) -> Self:
        if (self.decision == "refer") != bool(self.red_flags):
            raise ValueError("a screening result refers if and only if a red flag fired")
        return self

    @property
    def referred(self) -> bool:
        """Whether the person must see a clinician before any exercise."""
        return self.decision == "refer"

    def yes_answers(self) -> tuple[str, ...]:
        """Ids answered "yes" (red flags and ordinary questions), in question order."""
        return tuple(qid for qid, yes in self.answers.items() if yes)


def question_ids() -> tuple[str, ...]:
    """Every stable question id, in the order asked."""
    return tuple(question.id for question in load_questions())


def check_ids(ids: Iterable[str]) -> None:
    """Raise :class:`ScreeningError` listing the valid ids if any of ``ids`` is unknown."""
    valid = question_ids()
    unknown = [qid for qid in ids if qid not in valid]
    if unknown:
        raise ScreeningError(
            f"unknown screening question id {', '.join(map(repr, unknown))}; "
            f"valid ids: {', '.join(valid)}"
        )


def screen(answers: Mapping[str, bool], *, at: datetime | None = None) -> ScreeningResult:
    """Decide ``refer`` or ``proceed`` from yes/no ``answers`` keyed by question id.

    A question left out counts as answered "no" (the command line asks every question unless
    the user gives the "yes" answers as options). ``at`` defaults to now (UTC).
    """
    check_ids(tuple(answers))
    for qid, value in answers.items():
        if not isinstance(value, bool):
            raise ScreeningError(f"answer to {qid!r} must be true or false; got {value!r}")
    questions = load_questions()
    full = {question.id: answers.get(question.id, False) for question in questions}
    fired = tuple(q.id for q in questions if q.red_flag and full[q.id])
    when = as_utc(at or utc_now()).replace(microsecond=0)
    if not fired:
        return ScreeningResult(
            decision="proceed", red_flags=(), urgency=None, message=PROCEED_MESSAGE,
            answers=full, screened_at=when,
        )  # fmt: skip
    urgency = most_urgent(q.urgency for q in questions if q.id in fired)
    message = f"{URGENCY_MESSAGES[urgency]} {NO_EXERCISE}"
    return ScreeningResult(
        decision="refer", red_flags=fired, urgency=urgency, message=message, answers=full,
        screened_at=when,
    )  # fmt: skip


def most_urgent(urgencies: Iterable[str | None]) -> Urgency:
    """The most urgent of ``urgencies`` (emergency > urgent > soon)."""
    ranks = [URGENCIES.index(u) for u in urgencies if u in URGENCIES]
    if not ranks:
        raise ScreeningError("no red-flag urgency given")
    chosen: Urgency = ("emergency", "urgent", "soon")[min(ranks)]
    return chosen
