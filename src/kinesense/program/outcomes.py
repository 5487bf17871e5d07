"""Outcomes the person reports: pain (0-10 NRS) and the Patient-Specific Functional Scale.

Change between two reports is judged against a minimal important difference (MID):

* **Pain, 0-10 numeric rating scale** (0 = no pain, 10 = worst imaginable; lower is better).
  An improvement is meaningful when pain falls by at least 2 points *or* by at least 30 % of the
  baseline: Farrar JT et al. 2001, Pain 94(2):149-158 (about 2 points or 30 % on the 11-point
  scale, chronic pain trials); Ostelo RWJG et al. 2008, Spine 33(1):90-94 (consensus minimal
  important change 2 points on the NRS for low back pain, and 30 % from baseline). Both
  thresholds were derived for improvement; a rise is treated as meaningful at 2 points or more
  (the absolute threshold), which is also the pain rise that pauses or regresses an exercise.
* **PSFS** (Stratford P et al. 1995, Physiother Can 47(4):258-263): the person names up to five
  activities they find hard (three to five usually) and rates each 0 (unable) to 10 (able as
  before the problem); the score is the mean. Higher is better. Stratford et al. report that a
  change of 2 points in the mean score (3 points for a single activity) exceeds measurement
  error; kinesense uses these as the MID.

Clinic-supplied questionnaires (for example the Oswestry index) are loaded with
:func:`load_questionnaire` (see :mod:`kinesense.program.questionnaire`).

Every threshold is compared with a tolerance of 1e-9 so that 3 of 10 points counts as 30 %.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kinesense.errors import InvalidValueError
from kinesense.program.questionnaire import Questionnaire, QuestionnaireScore, load_questionnaire
from kinesense.program.records import PsfsItem

__all__ = [
    "Change",
    "OutcomeError",
    "PainRating",
    "PsfsItem",
    "Questionnaire",
    "QuestionnaireScore",
    "load_questionnaire",
    "pain_change",
    "psfs_change",
    "psfs_mean",
    "score_change",
]

NRS_MAX = 10
PAIN_MID_POINTS = 2.0
PAIN_MID_PERCENT = 30.0
PSFS_MID_MEAN = 2.0
PSFS_MID_ITEM = 3.0
PSFS_MAX_ACTIVITIES = 5
TOLERANCE = 1e-9

PAIN_REFERENCE = (
    "Farrar JT et al. 2001, Pain 94(2):149-158; Ostelo RWJG et al. 2008, Spine 33(1):90-94"
)
PSFS_REFERENCE = "Stratford P et al. 1995, Physiother Can 47(4):258-263"


class OutcomeError(InvalidValueError):
    """A reported outcome is out of range or malformed."""


def _score(name: str, value: Any, *, integer: bool) -> float:
    """``value`` checked to lie in 0-10 (a whole number when ``integer``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OutcomeError(f"{name} must be a number from 0 to {NRS_MAX}; got {value!r}")
    if value != value or not 0 <= value <= NRS_MAX:
        raise OutcomeError(f"{name} must be from 0 to {NRS_MAX}; got {value!r}")
    if integer and value != int(value):
        raise OutcomeError(f"{name} must be a whole number from 0 to {NRS_MAX}; got {value!r}")
    return float(value)


@dataclass(frozen=True)
class PainRating:
    """Pain on the 0-10 numeric rating scale: now, and the average over the last 7 days."""

    now: int
    week_average: int

    def __post_init__(self) -> None:
        _score("pain now", self.now, integer=True)
        _score("average pain over the last week", self.week_average, integer=True)

    def to_json(self) -> dict[str, int]:
        """``{"pain_now": ..., "pain_week": ...}`` as the check-in records store them."""
        return {"pain_now": int(self.now), "pain_week": int(self.week_average)}


def psfs_mean(items: Sequence[PsfsItem]) -> float:
    """The PSFS score: the mean of the activity scores (0-10, higher is better).

    Needs one to five activities with distinct names (Stratford et al. 1995).
    """
    if not 1 <= len(items) <= PSFS_MAX_ACTIVITIES:
        raise OutcomeError(
            f"the PSFS takes 1 to {PSFS_MAX_ACTIVITIES} activities (3 to 5 usually); "
            f"got {len(items)}"
        )
    names = [item.activity.strip().lower() for item in items]
    if len(set(names)) != len(names):
        raise OutcomeError("each PSFS activity may be named only once")
    return sum(item.score for item in items) / len(items)


@dataclass(frozen=True)
class Change:
    """A change between two reports and whether it reaches the minimal important difference.

    ``difference`` is current minus baseline in the metric's units; ``percent`` is that
    difference as a percentage of the baseline (``None`` when the baseline is 0); ``direction``
    says whether the person is better, worse or the same, whatever the metric's polarity.
    """

    metric: str
    baseline: float
    current: float
    difference: float
    percent: float | None
    direction: str
    meaningful: bool
    reason: str

    def to_json(self) -> dict[str, Any]:
        """Plain JSON object with every field."""
        return {
            "metric": self.metric,
            "baseline": self.baseline,
            "current": self.current,
            "difference": self.difference,
            "percent": self.percent,
            "direction": self.direction,
            "meaningful": self.meaningful,
            "reason": self.reason,
        }


def _direction(difference: float, *, higher_is_better: bool) -> str:
    if abs(difference) <= TOLERANCE:
        return "same"
    return "better" if (difference > 0) == higher_is_better else "worse"


def _percent(baseline: float, difference: float) -> float | None:
    return None if baseline == 0 else 100.0 * difference / baseline


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def pain_change(baseline: float, current: float) -> Change:
    """Change in 0-10 NRS pain, judged against the MID (module docstring).

    Better and meaningful: a fall of >= 2 points or >= 30 % of ``baseline``. Worse and
    meaningful: a rise of >= 2 points. Values may be averages (not whole numbers).
    """
    base = _score("baseline pain", baseline, integer=False)
    now = _score("current pain", current, integer=False)
    difference = now - base
    percent = _percent(base, difference)
    direction = _direction(difference, higher_is_better=False)
    size = f"{_fmt(abs(difference))} point(s)"
    if percent is not None:
        size += f" ({_fmt(abs(percent))} % of {_fmt(base)})"
    if direction == "same":
        return Change("pain_nrs", base, now, 0.0, percent, "same", False, "pain is unchanged")
    if direction == "better":
        meaningful = -difference >= PAIN_MID_POINTS - TOLERANCE or (
            percent is not None and -percent >= PAIN_MID_PERCENT - TOLERANCE
        )
        threshold = "at least 2 points or 30 %"
        verb = "fell"
    else:
        meaningful = difference >= PAIN_MID_POINTS - TOLERANCE
        threshold = "at least 2 points"
        verb = "rose"
    judged = "a meaningful" if meaningful else "less than a meaningful"
    reason = (
        f"pain {verb} by {size}: {judged} change (the minimal important difference is "
        f"{threshold}; {PAIN_REFERENCE})"
    )
    return Change("pain_nrs", base, now, difference, percent, direction, meaningful, reason)


def psfs_change(baseline: float, current: float, *, single_activity: bool = False) -> Change:
    """Change in the PSFS (0-10, higher is better), meaningful at >= 2 points for the mean
    score or >= 3 points for one activity (``single_activity=True``), either way."""
    base = _score("baseline PSFS", baseline, integer=False)
    now = _score("current PSFS", current, integer=False)
    mid = PSFS_MID_ITEM if single_activity else PSFS_MID_MEAN
    metric = "psfs_activity" if single_activity else "psfs_mean"
    difference = now - base
    percent = _percent(base, difference)
    direction = _direction(difference, higher_is_better=True)
    if direction == "same":
        return Change(metric, base, now, 0.0, percent, "same", False, "PSFS is unchanged")
    meaningful = abs(difference) >= mid - TOLERANCE
    what = "the activity's score" if single_activity else "the PSFS mean score"
    verb = "rose" if difference > 0 else "fell"
    judged = "a meaningful" if meaningful else "less than a meaningful"
    reason = (
        f"{what} {verb} by {_fmt(abs(difference))} point(s): {judged} change (the minimal "
        f"important difference is {_fmt(mid)} points; {PSFS_REFERENCE})"
    )
    return Change(metric, base, now, difference, percent, direction, meaningful, reason)


def score_change(
    metric: str,
    baseline: float,
    current: float,
    *,
    mid: float,
    higher_is_better: bool,
    mid_percent: float | None = None,
    reference: str = "",
) -> Change:
    """Change in any score judged against ``mid`` (same units as the score) and, for an
    improvement only, ``mid_percent`` of the baseline when given (as Ostelo et al. 2008
    propose for back pain questionnaires). Used for clinic-supplied questionnaires."""
    difference = float(current) - float(baseline)
    percent = _percent(float(baseline), difference)
    direction = _direction(difference, higher_is_better=higher_is_better)
    if direction == "same":
        return Change(metric, baseline, current, 0.0, percent, "same", False, f"{metric} unchanged")
    meaningful = abs(difference) >= mid - TOLERANCE
    if direction == "better" and mid_percent is not None and percent is not None:
        meaningful = meaningful or abs(percent) >= mid_percent - TOLERANCE
    threshold = _fmt(mid) + (f" or {_fmt(mid_percent)} %" if mid_percent is not None else "")
    judged = "a meaningful" if meaningful else "less than a meaningful"
    reason = (
        f"{metric} is {direction} by {_fmt(abs(difference))}: {judged} change (minimal important "
        f"difference {threshold}{'; ' + reference if reference else ''})"
    )
    return Change(
        metric, float(baseline), float(current), difference, percent, direction, meaningful, reason
    )
