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

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from kinesense.errors import KinesenseError

QUESTIONS_FILE = "screening_questions.json"
FORMAT = "kinesense-screening/1"
URGENCIES = ("emergency", "urgent", "soon")  # most urgent first
DECISIONS = ("refer", "proceed")

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


class ScreeningError(KinesenseError):
    """Screening questions or answers are invalid; the message names the problem and the fix."""


@dataclass(frozen=True)
class ScreeningQuestion:
    """One yes/no question. ``urgency`` is set for red flags only (see the module docstring)."""

    id: str
    text: str
    red_flag: bool
    urgency: str | None
    category: str
    source: str

    def to_json(self) -> dict[str, Any]:
        """Plain JSON object with every field."""
        return {
            "id": self.id,
            "text": self.text,
            "red_flag": self.red_flag,
            "urgency": self.urgency,
            "category": self.category,
            "source": self.source,
        }


@cache
def load_questions() -> tuple[ScreeningQuestion, ...]:
    """The screening questions shipped with kinesense, in the order they are asked."""
    resource = resources.files("kinesense.program") / "data" / QUESTIONS_FILE
    return parse_questions(json.loads(resource.read_text("utf-8")))


def parse_questions(data: Any) -> tuple[ScreeningQuestion, ...]:
    """Validate a screening file's content and return its questions.

    Raises :class:`ScreeningError` naming the offending field.
    """
    where = QUESTIONS_FILE
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ScreeningError(f"{where}: expected an object with 'format': {FORMAT!r}")
    sources = data.get("sources")
    items = data.get("questions")
    if not isinstance(sources, dict) or not isinstance(items, list) or not items:
        raise ScreeningError(f"{where}: needs a 'sources' object and a non-empty 'questions' list")
    questions: list[ScreeningQuestion] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        questions.append(_parse_question(item, sources, f"{where} question {index + 1}"))
        if questions[-1].id in seen:
            raise ScreeningError(f"{where}: question id {questions[-1].id!r} is repeated")
        seen.add(questions[-1].id)
    return tuple(questions)


def _parse_question(item: Any, sources: Mapping[str, Any], where: str) -> ScreeningQuestion:
    if not isinstance(item, dict):
        raise ScreeningError(f"{where}: must be an object")
    expected = {"id", "text", "red_flag", "urgency", "category", "source"}
    if set(item) != expected:
        raise ScreeningError(f"{where}: fields must be exactly {sorted(expected)}")
    qid, text, red_flag, urgency = item["id"], item["text"], item["red_flag"], item["urgency"]
    if not isinstance(qid, str) or not qid.isidentifier() or qid.lower() != qid:
        raise ScreeningError(f"{where}: id must be snake_case; got {qid!r}")
    if not isinstance(text, str) or not text.strip():
        raise ScreeningError(f"{where} ({qid}): text must be a non-empty string")
    if not isinstance(red_flag, bool):
        raise ScreeningError(f"{where} ({qid}): red_flag must be true or false")
    if red_flag and urgency not in URGENCIES:
        raise ScreeningError(f"{where} ({qid}): a red flag needs urgency, one of {URGENCIES}")
    if not red_flag and urgency is not None:
        raise ScreeningError(f"{where} ({qid}): urgency must be null when red_flag is false")
    keys = [key.strip() for key in str(item["source"]).split(";") if key.strip()]
    missing = [key for key in keys if key not in sources]
    if not keys or missing:
        raise ScreeningError(f"{where} ({qid}): unknown or missing source keys {missing}")
    return ScreeningQuestion(
        id=qid,
        text=text.strip(),
        red_flag=red_flag,
        urgency=urgency,
        category=str(item["category"]),
        source="; ".join(str(sources[key]) for key in keys),
    )


@dataclass(frozen=True)
class ScreeningResult:
    """The outcome of one screening: ``refer`` when any red flag fired, else ``proceed``.

    ``answers`` holds every question id with ``True`` for "yes"; ``screened_at`` is an ISO 8601
    time in UTC; ``urgency`` is the most urgent of the fired flags (``None`` when proceeding).
    """

    decision: str
    red_flags: tuple[str, ...]
    urgency: str | None
    message: str
    answers: Mapping[str, bool] = field(default_factory=dict)
    screened_at: str = ""

    @property
    def referred(self) -> bool:
        """Whether the person must see a clinician before any exercise."""
        return self.decision == "refer"

    def yes_answers(self) -> tuple[str, ...]:
        """Ids answered "yes" (red flags and ordinary questions), in question order."""
        return tuple(qid for qid, yes in self.answers.items() if yes)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON object; :meth:`from_json` reads it back."""
        return {
            "decision": self.decision,
            "red_flags": list(self.red_flags),
            "urgency": self.urgency,
            "message": self.message,
            "answers": dict(self.answers),
            "screened_at": self.screened_at,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ScreeningResult":
        """Read back a result written by :meth:`to_json` (extra keys are ignored)."""
        try:
            decision = data["decision"]
            red_flags = tuple(str(flag) for flag in data["red_flags"])
            answers = {str(k): bool(v) for k, v in dict(data.get("answers", {})).items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise ScreeningError(f"not a screening result: {exc}") from exc
        if decision not in DECISIONS:
            raise ScreeningError(f"screening decision must be one of {DECISIONS}; got {decision!r}")
        if (decision == "refer") != bool(red_flags):
            raise ScreeningError("a screening result refers if and only if a red flag fired")
        return cls(
            decision=decision,
            red_flags=red_flags,
            urgency=data.get("urgency"),
            message=str(data.get("message", "")),
            answers=answers,
            screened_at=str(data.get("screened_at", "")),
        )


def question_ids() -> tuple[str, ...]:
    """Every stable question id, in the order asked."""
    return tuple(question.id for question in load_questions())


def check_ids(ids: Mapping[str, Any] | tuple[str, ...] | list[str]) -> None:
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
    when = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    if not fired:
        return ScreeningResult("proceed", (), None, PROCEED_MESSAGE, full, when)
    urgency = most_urgent(q.urgency for q in questions if q.id in fired)
    message = f"{URGENCY_MESSAGES[urgency]} {NO_EXERCISE}"
    return ScreeningResult("refer", fired, urgency, message, full, when)


def most_urgent(urgencies: Any) -> str:
    """The most urgent of ``urgencies`` (emergency > urgent > soon)."""
    ranks = [URGENCIES.index(u) for u in urgencies if u in URGENCIES]
    if not ranks:
        raise ScreeningError("no red-flag urgency given")
    return URGENCIES[min(ranks)]
