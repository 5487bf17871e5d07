"""Progress over time, as the series a chart draws: pain, PSFS, sway, single-leg stance, joint
position error and adherence, each with its unit, scale, direction and reference.

Built from a :class:`~kinesense.services.journey.Journey` (one read of the history), in pure
functions. A measurement is charted only from usable results (a result that could not be judged
has no numbers), one line per set of conditions, because a trial is comparable only with trials
made the same way (eyes open or closed, stance, surface; joint and task).

Which metric stands for each test:

* sway - mean CoP velocity (mm/s): the most reliable of the usual sway measures (Prieto TE et
  al. 1996, IEEE Trans Biomed Eng 43(9):956-966; Raymakers JA et al. 2005, Gait Posture
  21(1):48-58);
* single-leg stance - the best trial's time (s), compared with Springer BA et al. 2007, J Geriatr
  Phys Ther 30(1):8-15;
* joint position error - absolute repositioning error (degrees), the usual summary of joint
  position sense tests (Schmidt & Lee, Motor Control and Learning; in back pain, Brumagne S et
  al. 2000, Spine 25(8):989-994);
* pain - 0-10 numeric rating scale now and over the last week (Farrar et al. 2001); PSFS - mean of
  the activity scores (Stratford et al. 1995); adherence - share of planned sessions done each
  finished week (:mod:`kinesense.program.adherence`).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from kinesense.assess.result import AssessmentResult
from kinesense.program.outcomes import PAIN_REFERENCE, PSFS_REFERENCE
from kinesense.services.journey import AssessmentEntry, Journey

Better = Literal["lower", "higher"]


@dataclass(frozen=True)
class Point:
    """One value at one time (UTC)."""

    at: datetime
    value: float


@dataclass(frozen=True)
class Line:
    """One series of points, oldest first, under a label (empty when the chart has one line)."""

    label: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class ProgressChart:
    """One chart: what it shows, in which unit, which way is better, the scale (``low`` and
    ``high`` fix the axis when the scale is bounded, else None) and the reference."""

    key: str
    title: str
    unit: str
    better: Better
    lines: tuple[Line, ...]
    reference: str
    low: float | None = None
    high: float | None = None

    @property
    def empty(self) -> bool:
        """Whether there is nothing to draw yet."""
        return not any(line.points for line in self.lines)

    def to_json(self) -> dict[str, Any]:
        """JSON form (times as ISO 8601 UTC)."""
        return {
            "key": self.key,
            "title": self.title,
            "unit": self.unit,
            "better": self.better,
            "reference": self.reference,
            "low": self.low,
            "high": self.high,
            "lines": [
                {
                    "label": line.label,
                    "points": [{"at": p.at.isoformat(), "value": p.value} for p in line.points],
                }
                for line in self.lines
            ],
        }


@dataclass(frozen=True)
class MeasureSpec:
    """How one test becomes a chart: its metric and the conditions that separate its lines."""

    key: str
    title: str
    tests: tuple[str, ...]
    metric: str
    unit: str
    better: Better
    split_by: tuple[str, ...]
    reference: str


MEASURES = (
    MeasureSpec("sway", "Sway (how much you move standing still)", ("sway",),
                "mean_velocity_mm_s", "mm/s", "lower", ("eyes", "stance", "surface"),
                "Prieto et al. 1996, IEEE Trans Biomed Eng 43(9):956-966"),
    MeasureSpec("stance", "Standing on one leg", ("stance", "single-leg-stance"),
                "stance_time_s", "s", "higher", ("eyes",),
                "Springer et al. 2007, J Geriatr Phys Ther 30(1):8-15"),
    MeasureSpec("position_error", "Joint position error", ("repositioning",),
                "absolute_error_deg", "deg", "lower", ("joint", "task"),
                "Brumagne et al. 2000, Spine 25(8):989-994"),
)  # fmt: skip
"""The measured charts (see the module docstring)."""


def _label(conditions: Mapping[str, Any], keys: Sequence[str]) -> str:
    parts = []
    for key in keys:
        value = conditions.get(key)
        if isinstance(value, str) and value:
            parts.append(f"eyes {value}" if key == "eyes" else value.replace("-", " "))
    return ", ".join(parts)


def _result_time(entry: AssessmentEntry) -> datetime:
    text = entry.result.recorded_at
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return entry.at
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def measured_chart(spec: MeasureSpec, entries: Sequence[AssessmentEntry]) -> ProgressChart:
    """The chart of one test's metric, a line per set of conditions (usable results only)."""
    lines: dict[str, list[Point]] = {}
    for entry in entries:
        result: AssessmentResult = entry.result
        if result.test not in spec.tests or not result.usable:
            continue
        value = result.metrics.get(spec.metric)
        if value is None:
            continue
        label = _label(result.conditions, spec.split_by)
        lines.setdefault(label, []).append(Point(_result_time(entry), float(value)))
    return ProgressChart(
        key=spec.key, title=spec.title, unit=spec.unit, better=spec.better,
        lines=tuple(Line(k, tuple(sorted(v, key=lambda p: p.at))) for k, v in lines.items()),
        reference=spec.reference,
    )  # fmt: skip


def _line(label: str, points: list[Point]) -> Line:
    return Line(label, tuple(points))


def pain_chart(journey: Journey) -> ProgressChart:
    """Pain now and over the last week, 0-10, at each check-in that rated it."""
    now = [
        Point(c.checked_at, float(c.pain_now)) for c in journey.checkins if c.pain_now is not None
    ]
    week = [
        Point(c.checked_at, float(c.pain_week)) for c in journey.checkins if c.pain_week is not None
    ]
    return ProgressChart(
        key="pain", title="Pain", unit="0-10", better="lower",
        lines=(_line("now", now), _line("over the last week", week)),
        reference=PAIN_REFERENCE, low=0.0, high=10.0,
    )  # fmt: skip


def psfs_chart(journey: Journey) -> ProgressChart:
    """The PSFS mean score (0-10) at each check-in that rated activities."""
    points = [
        Point(c.checked_at, sum(i.score for i in c.psfs) / len(c.psfs))
        for c in journey.checkins
        if c.psfs
    ]
    return ProgressChart(
        key="psfs", title="Everyday activities (PSFS)", unit="0-10", better="higher",
        lines=(_line("", points),), reference=PSFS_REFERENCE, low=0.0, high=10.0,
    )  # fmt: skip


def adherence_chart(journey: Journey) -> ProgressChart:
    """The share of planned sessions done (0-100 %) in each finished week with a plan."""
    points = []
    for week in journey.adherence.weeks:
        if week.planned > 0:
            monday = date.fromisoformat(week.start)
            moment = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
            points.append(Point(moment, 100.0 * min(week.done, week.planned) / week.planned))
    return ProgressChart(
        key="adherence", title="Sessions done", unit="%", better="higher",
        lines=(_line("", points),), reference="planned sessions of each week (kinesense)",
        low=0.0, high=100.0,
    )  # fmt: skip


CHARTS: tuple[Callable[[Journey], ProgressChart], ...] = (pain_chart, psfs_chart)


def progress_charts(journey: Journey) -> tuple[ProgressChart, ...]:
    """Every progress chart of a person, in the order shown: pain, PSFS, sway, single-leg
    stance, joint position error, adherence."""
    measured = tuple(measured_chart(spec, journey.assessments) for spec in MEASURES)
    return (*(make(journey) for make in CHARTS), *measured, adherence_chart(journey))
