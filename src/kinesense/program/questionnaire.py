"""Questionnaires a clinic supplies in its own file, scored by the rule the file states.

kinesense ships no licensed questionnaire text (the Oswestry Disability Index, for example, is
copyrighted): a clinic that holds a licence writes the items, their response options and scores,
and the scoring rule into a JSON file, and :func:`load_questionnaire` validates and loads it::

    {
      "format": "kinesense-questionnaire/1",
      "id": "odi", "title": "...", "source": "citation of the instrument", "licence": "...",
      "items": [
        {"id": "q1", "text": "...", "options": [{"text": "...", "score": 0}, ...]},
        ...
      ],
      "scoring": {"method": "percent_of_max", "min_answered": 8},
      "higher_is": "worse",
      "mid": 10, "mid_percent": 30, "mid_source": "Ostelo RWJG et al. 2008, Spine 33(1):90-94"
    }

Scoring methods (each over the answered items only; skipped items are listed):

* ``sum``: the sum of the chosen options' scores.
* ``mean``: their mean.
* ``percent_of_max``: ``100 * (sum - sum of item minima) / (sum of item maxima - sum of item
  minima)``, the items' minima and maxima taken over the answered items. With item scores 0-5
  this is the Oswestry index rule (Fairbank JCT, Pynsent PB 2000, Spine 25(22):2940-2952: the
  total divided by 5 times the number of sections answered, times 100).

Fewer than ``min_answered`` answers (default: all items) gives no score, with the reason.
``mid`` is in the score's units; ``mid_percent`` (optional) counts an improvement of that
percentage of the baseline as meaningful too. Answers are the 0-based index of the chosen option.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import Field, StrictInt, field_validator, model_validator

from kinesense.errors import DataFileError, InputFileError, InvalidValueError
from kinesense.program.model import DataFile, Number, load_data_file
from kinesense.safe_json import read_data_file

if TYPE_CHECKING:
    from kinesense.program.outcomes import Change

FORMAT = "kinesense-questionnaire/1"
METHODS = ("sum", "mean", "percent_of_max")
POLARITIES = ("worse", "better")
Text = Annotated[str, Field(min_length=1)]


class QuestionnaireError(DataFileError):
    """A questionnaire file is malformed; the message names the file and the field."""


class AnswerError(QuestionnaireError, InvalidValueError):
    """Answers to a questionnaire are invalid (an unknown item, an option that does not
    exist)."""


class ResponseOption(DataFile):
    """One answer a person can choose and the score it carries."""

    text: str
    score: Number

    @field_validator("score")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("'score' must be finite")
        return float(value)


class QuestionnaireItem(DataFile):
    """One question with its response options (at least two, not all with the same score).
    Text is stripped of surrounding spaces and must not be empty (:class:`DataFile`,
    :data:`Text`)."""

    id: Text
    text: Text
    options: Annotated[tuple[ResponseOption, ...], Field(min_length=2)]

    @model_validator(mode="after")
    def _options_differ(self) -> Self:
        if self.min_score == self.max_score:
            raise ValueError(f"{self.id}: options must not all carry the same score")
        return self

    @property
    def min_score(self) -> float:
        """The lowest score an answer to this item can carry."""
        return min(option.score for option in self.options)

    @property
    def max_score(self) -> float:
        """The highest score an answer to this item can carry."""
        return max(option.score for option in self.options)


class Scoring(DataFile):
    """The scoring rule: ``method`` and the fewest answers that give a score."""

    method: Literal["sum", "mean", "percent_of_max"]
    min_answered: StrictInt | None = None


@dataclass(frozen=True)
class QuestionnaireScore:
    """A scored questionnaire: ``score`` is ``None`` when too few items were answered."""

    questionnaire_id: str
    score: float | None
    method: str
    answered: int
    skipped: tuple[str, ...]
    reason: str

    @property
    def usable(self) -> bool:
        """Whether enough items were answered to give a score."""
        return self.score is not None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON object, as the check-in records keep it."""
        return {
            "questionnaire_id": self.questionnaire_id,
            "score": self.score,
            "method": self.method,
            "answered": self.answered,
            "skipped": list(self.skipped),
            "reason": self.reason,
        }


class Questionnaire(DataFile):
    """A clinic-supplied questionnaire: its items, scoring rule and minimal important difference
    (the file's content, format in the module docstring)."""

    format: Literal["kinesense-questionnaire/1"]
    id: Text
    title: Text
    source: Text
    licence: str = ""
    items: Annotated[tuple[QuestionnaireItem, ...], Field(min_length=1)]
    scoring: Scoring
    higher_is: Literal["worse", "better"]
    mid: Annotated[Number, Field(gt=0, lt=1e9)]
    mid_percent: Annotated[Number, Field(gt=0, lt=1e9)] | None = None
    mid_source: str = ""

    @model_validator(mode="after")
    def _items(self) -> Self:
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item ids must be unique")
        wanted = self.scoring.min_answered
        if wanted is not None and not 1 <= wanted <= len(self.items):
            raise ValueError(
                f"'scoring.min_answered' must be from 1 to {len(self.items)}; got {wanted}"
            )
        return self

    @property
    def method(self) -> str:
        """The scoring method."""
        return self.scoring.method

    @property
    def min_answered(self) -> int:
        """The fewest answered items that give a score (all of them unless the file says)."""
        return self.scoring.min_answered or len(self.items)

    def score(self, answers: Mapping[str, int | None]) -> QuestionnaireScore:
        """Score ``answers`` ({item id: chosen option index or ``None`` if skipped}).

        Raises :class:`QuestionnaireError` for an unknown item id or an option index out of
        range; a missing or ``None`` answer counts as skipped.
        """
        known = {item.id for item in self.items}
        unknown = sorted(set(answers) - known)
        if unknown:
            raise AnswerError(
                f"{self.id}: unknown item id(s) {unknown}; valid: {[i.id for i in self.items]}"
            )
        chosen: list[tuple[QuestionnaireItem, float]] = []
        skipped: list[str] = []
        for item in self.items:
            index = answers.get(item.id)
            if index is None:
                skipped.append(item.id)
                continue
            if isinstance(index, bool) or not isinstance(index, int):
                raise AnswerError(f"{self.id} {item.id}: answer must be an option number")
            if not 0 <= index < len(item.options):
                raise AnswerError(
                    f"{self.id} {item.id}: option {index} does not exist "
                    f"(choose 0 to {len(item.options) - 1})"
                )
            chosen.append((item, item.options[index].score))
        if len(chosen) < self.min_answered:
            reason = (
                f"only {len(chosen)} of {len(self.items)} items answered; "
                f"{self.min_answered} are needed for a score"
            )
            return QuestionnaireScore(
                self.id, None, self.method, len(chosen), tuple(skipped), reason
            )
        total = sum(score for _, score in chosen)
        if self.method == "sum":
            value = total
        elif self.method == "mean":
            value = total / len(chosen)
        else:
            low = sum(item.min_score for item, _ in chosen)
            high = sum(item.max_score for item, _ in chosen)
            value = 100.0 * (total - low) / (high - low)
        reason = f"{self.method} of {len(chosen)} answered item(s)" + (
            f"; skipped: {', '.join(skipped)}" if skipped else ""
        )
        return QuestionnaireScore(self.id, value, self.method, len(chosen), tuple(skipped), reason)

    def change(self, baseline: float, current: float) -> "Change":
        """Change between two scores, judged against this questionnaire's MID."""
        from kinesense.program.outcomes import score_change

        return score_change(
            self.id,
            baseline,
            current,
            mid=self.mid,
            higher_is_better=self.higher_is == "better",
            mid_percent=self.mid_percent,
            reference=self.mid_source,
        )


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Load and validate a clinic's questionnaire file (format in the module docstring).

    Raises :class:`QuestionnaireError` (a :class:`~kinesense.errors.DataFileError`) naming the
    file and the field.
    """
    file = Path(path).expanduser()
    if not file.is_file():
        raise InputFileError(f"questionnaire file not found: {file}")
    data = read_data_file(file, "questionnaire file", QuestionnaireError)
    return parse_questionnaire(data, where=str(file))


def parse_questionnaire(data: Any, *, where: str = "questionnaire") -> Questionnaire:
    """Validate a questionnaire's parsed JSON content; errors name ``where`` and the field."""
    return load_data_file(Questionnaire, data, where, QuestionnaireError)
