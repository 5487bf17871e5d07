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

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kinesense.errors import InputFileError

if TYPE_CHECKING:
    from kinesense.program.outcomes import Change

FORMAT = "kinesense-questionnaire/1"
METHODS = ("sum", "mean", "percent_of_max")
POLARITIES = ("worse", "better")


class QuestionnaireError(InputFileError):
    """A questionnaire file (or a set of answers) is malformed; the message says where."""


@dataclass(frozen=True)
class ResponseOption:
    """One answer a person can choose and the score it carries."""

    text: str
    score: float


@dataclass(frozen=True)
class QuestionnaireItem:
    """One question with its response options (at least two)."""

    id: str
    text: str
    options: tuple[ResponseOption, ...]

    @property
    def min_score(self) -> float:
        """The lowest score an answer to this item can carry."""
        return min(option.score for option in self.options)

    @property
    def max_score(self) -> float:
        """The highest score an answer to this item can carry."""
        return max(option.score for option in self.options)


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


@dataclass(frozen=True)
class Questionnaire:
    """A clinic-supplied questionnaire: its items, scoring rule and minimal important difference."""

    id: str
    title: str
    source: str
    items: tuple[QuestionnaireItem, ...]
    method: str
    min_answered: int
    higher_is: str
    mid: float
    mid_percent: float | None
    mid_source: str

    def score(self, answers: Mapping[str, int | None]) -> QuestionnaireScore:
        """Score ``answers`` ({item id: chosen option index or ``None`` if skipped}).

        Raises :class:`QuestionnaireError` for an unknown item id or an option index out of
        range; a missing or ``None`` answer counts as skipped.
        """
        known = {item.id for item in self.items}
        unknown = sorted(set(answers) - known)
        if unknown:
            raise QuestionnaireError(
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
                raise QuestionnaireError(f"{self.id} {item.id}: answer must be an option number")
            if not 0 <= index < len(item.options):
                raise QuestionnaireError(
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
    """Load and validate a clinic's questionnaire file (format in the module docstring)."""
    file = Path(path).expanduser()
    try:
        data = json.loads(file.read_text("utf-8"))
    except FileNotFoundError:
        raise QuestionnaireError(f"questionnaire file not found: {file}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError(f"cannot read questionnaire file {file}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise QuestionnaireError(
            f"{file} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return parse_questionnaire(data, where=str(file))


def parse_questionnaire(data: Any, *, where: str = "questionnaire") -> Questionnaire:
    """Validate a questionnaire's parsed JSON content; errors name ``where`` and the field."""

    def fail(message: str) -> QuestionnaireError:
        return QuestionnaireError(f"{where}: {message}")

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise fail(f'expected a JSON object with "format": "{FORMAT}"')
    for key in ("id", "title", "source"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise fail(f"'{key}' must be a non-empty string")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise fail("'items' must be a non-empty list")
    items = tuple(_parse_item(raw, index, fail) for index, raw in enumerate(raw_items))
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise fail("item ids must be unique")
    scoring = data.get("scoring")
    if not isinstance(scoring, dict) or scoring.get("method") not in METHODS:
        raise fail(f"'scoring' must be an object with 'method' one of {list(METHODS)}")
    min_answered = scoring.get("min_answered", len(items))
    if isinstance(min_answered, bool) or not isinstance(min_answered, int):
        raise fail("'scoring.min_answered' must be a whole number")
    if not 1 <= min_answered <= len(items):
        raise fail(f"'scoring.min_answered' must be from 1 to {len(items)}; got {min_answered}")
    if data.get("higher_is") not in POLARITIES:
        raise fail(f"'higher_is' must be one of {list(POLARITIES)} (what a higher score means)")
    mid = _positive(data.get("mid"), "'mid'", fail)
    mid_percent = data.get("mid_percent")
    if mid_percent is not None:
        mid_percent = _positive(mid_percent, "'mid_percent'", fail)
    return Questionnaire(
        id=data["id"].strip(),
        title=data["title"].strip(),
        source=data["source"].strip(),
        items=items,
        method=scoring["method"],
        min_answered=min_answered,
        higher_is=data["higher_is"],
        mid=mid,
        mid_percent=mid_percent,
        mid_source=str(data.get("mid_source", "")),
    )


def _positive(value: Any, name: str, fail: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1e9:
        raise fail(f"{name} must be a positive number; got {value!r}")
    return float(value)


def _parse_item(raw: Any, index: int, fail: Any) -> QuestionnaireItem:
    label = f"item {index + 1}"
    if not isinstance(raw, dict):
        raise fail(f"{label} must be an object")
    item_id, text, options = raw.get("id"), raw.get("text"), raw.get("options")
    if not isinstance(item_id, str) or not item_id.strip():
        raise fail(f"{label}: 'id' must be a non-empty string")
    if not isinstance(text, str) or not text.strip():
        raise fail(f"{label} ({item_id}): 'text' must be a non-empty string")
    if not isinstance(options, list) or len(options) < 2:
        raise fail(f"{label} ({item_id}): 'options' must list at least two answers")
    parsed: list[ResponseOption] = []
    for number, option in enumerate(options):
        where = f"{label} ({item_id}) option {number}"
        if not isinstance(option, dict) or not isinstance(option.get("text"), str):
            raise fail(f"{where}: must be an object with 'text' and 'score'")
        score = option.get("score")
        if isinstance(score, bool) or not isinstance(score, int | float) or score != score:
            raise fail(f"{where}: 'score' must be a number; got {score!r}")
        if abs(score) == float("inf"):
            raise fail(f"{where}: 'score' must be finite")
        parsed.append(ResponseOption(option["text"], float(score)))
    if min(o.score for o in parsed) == max(o.score for o in parsed):
        raise fail(f"{label} ({item_id}): options must not all carry the same score")
    return QuestionnaireItem(item_id.strip(), text.strip(), tuple(parsed))
