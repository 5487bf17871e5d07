"""The typed result every assessment returns, and its JSON form.

JSON form (what ``kinesense assess TEST --json`` prints and ``kinesense report`` reads)::

    {
      "test": "sway", "usable": true, "reasons": [],
      "metrics": {"path_length_mm": 512.3, ...},            # plain numbers, scripts rely on them
      "metric_info": {"path_length_mm": {"unit": "mm", "definition": "...", "reference": "..."}},
      "norms": [{"metric": ..., "value": ..., "low": ..., "high": ..., "population": ...,
                 "source": ..., "verdict": "within" | "above" | "below", "text": ...}],
      "interpretation": "...", "notes": ["..."], "protocol": "...",
      "quality": {...}, "source": {... provenance ...}, "conditions": {...},
      "recorded_at": "2026-11-30T07:00:00+00:00", "plot_data": {...}
    }
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

FORMAT_VERSION = 1


@dataclass(frozen=True)
class MetricInfo:
    """What a metric is: unit, definition in plain words, and the reference it follows."""

    unit: str
    definition: str
    reference: str

    def to_json(self) -> dict[str, str]:
        """JSON form."""
        return {"unit": self.unit, "definition": self.definition, "reference": self.reference}


@dataclass(frozen=True)
class NormComparison:
    """One metric compared with a published norm.

    Attributes:
        metric: the metric's name in :attr:`AssessmentResult.metrics`.
        value: the measured value.
        low, high: the normal range (either may be None for a one-sided threshold).
        population: who the norm describes (age band, condition).
        source: the publication.
        verdict: ``"within"``, ``"below"`` or ``"above"`` the range.
        text: one sentence a person can read.
    """

    metric: str
    value: float
    low: float | None
    high: float | None
    population: str
    source: str
    verdict: str
    text: str

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "metric": self.metric,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "population": self.population,
            "source": self.source,
            "verdict": self.verdict,
            "text": self.text,
        }


def compare_with_norm(
    metric: str,
    value: float,
    *,
    low: float | None,
    high: float | None,
    population: str,
    source: str,
    unit: str = "",
) -> NormComparison:
    """Compare ``value`` with the range ``[low, high]`` and word the verdict."""
    if low is not None and value < low:
        verdict = "below"
    elif high is not None and value > high:
        verdict = "above"
    else:
        verdict = "within"
    bounds = (
        f"{low:g} to {high:g}"
        if low is not None and high is not None
        else (f"at least {low:g}" if low is not None else f"at most {high:g}")
    )
    suffix = f" {unit}" if unit else ""
    text = (
        f"{metric.replace('_', ' ')} {value:.3g}{suffix} is {verdict} the reference "
        f"({bounds}{suffix}; {population}; {source})"
    )
    return NormComparison(metric, value, low, high, population, source, verdict, text)


@dataclass(frozen=True)
class AssessmentResult:
    """The outcome of one test.

    A result that cannot be judged has ``usable=False``, the ``reasons`` in plain words and no
    metrics, rather than numbers that would mislead.
    """

    test: str
    usable: bool
    metrics: Mapping[str, float] = field(default_factory=dict)
    metric_info: Mapping[str, MetricInfo] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    norms: tuple[NormComparison, ...] = ()
    interpretation: str = ""
    notes: tuple[str, ...] = ()
    protocol: str = ""
    quality: Mapping[str, Any] = field(default_factory=dict)
    conditions: Mapping[str, Any] = field(default_factory=dict)
    source: Mapping[str, Any] = field(default_factory=dict)
    plot_data: Mapping[str, Any] = field(default_factory=dict)
    recorded_at: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds")
    )

    def __post_init__(self) -> None:
        missing = [name for name in self.metrics if name not in self.metric_info]
        if missing:
            raise ValueError(f"metrics without unit, definition and reference: {missing}")
        if not self.usable and not self.reasons:
            raise ValueError("an unusable result must say why (reasons)")

    @classmethod
    def unusable(cls, test: str, *reasons: str, **fields: Any) -> "AssessmentResult":
        """A result that cannot be judged, with the reasons."""
        return cls(test=test, usable=False, reasons=tuple(reasons), **fields)

    def to_json(self) -> dict[str, Any]:
        """JSON form (see the module docstring)."""
        return {
            "format_version": FORMAT_VERSION,
            "test": self.test,
            "usable": self.usable,
            "reasons": list(self.reasons),
            "metrics": dict(self.metrics),
            "metric_info": {name: info.to_json() for name, info in self.metric_info.items()},
            "norms": [norm.to_json() for norm in self.norms],
            "interpretation": self.interpretation,
            "notes": list(self.notes),
            "protocol": self.protocol,
            "quality": dict(self.quality),
            "conditions": dict(self.conditions),
            "source": dict(self.source),
            "plot_data": dict(self.plot_data),
            "recorded_at": self.recorded_at,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "AssessmentResult":
        """Rebuild a result from :meth:`to_json` output."""
        return cls(
            test=str(data["test"]),
            usable=bool(data["usable"]),
            metrics={k: float(v) for k, v in data.get("metrics", {}).items() if v is not None},
            metric_info={
                k: MetricInfo(**v)
                for k, v in data.get("metric_info", {}).items()
                if data.get("metrics", {}).get(k) is not None
            },
            reasons=tuple(data.get("reasons", ())),
            norms=tuple(NormComparison(**n) for n in data.get("norms", ())),
            interpretation=str(data.get("interpretation", "")),
            notes=tuple(data.get("notes", ())),
            protocol=str(data.get("protocol", "")),
            quality=dict(data.get("quality", {})),
            conditions=dict(data.get("conditions", {})),
            source=dict(data.get("source", {})),
            plot_data=dict(data.get("plot_data", {})),
            recorded_at=str(data.get("recorded_at", "")),
        )
