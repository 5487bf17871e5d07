"""The typed result every assessment returns, and its JSON form (frozen pydantic v2 models).

JSON form (what ``kinesense assess TEST --json`` prints and ``kinesense report`` reads)::

    {
      "format_version": 1, "test": "sway", "usable": true, "reasons": [],
      "metrics": {"path_length_mm": 512.3, ...},            # plain numbers, scripts rely on them
      "metric_info": {"path_length_mm": {"unit": "mm", "definition": "...", "reference": "..."}},
      "parameters": {"cutoff_hz": 10.0, ...},               # the settings that produced it
      "software_version": "0.1.0",                          # the kinesense that produced it
      "norms": [{"metric": ..., "value": ..., "low": ..., "high": ..., "population": ...,
                 "source": ..., "verdict": "within" | "above" | "below", "text": ...}],
      "norm": {"compared": true, "kind": "percentiles", "group": {...}, "percentile": {...},
               "metrics": [...], "reasons": [], "source": ..., "text": ...},  # when the test
                                                            # has a reference (see below)
      "interpretation": "...", "notes": ["..."], "protocol": "...",
      "quality": {...}, "source": {... provenance ...}, "conditions": {...},
      "recorded_at": "2026-11-30T07:00:00+00:00", "plot_data": {...}
    }

``norms`` lists each metric compared with a published range (the verdicts the planner and the
reports read); ``norm`` (:class:`~kinesense.assess.norm_verdicts.NormVerdict`) is the whole
comparison with the test's reference: the group, each metric's position (percentile, band), the
reference's protocol and source, or the reasons no comparison was made. It is written only when
the test has one, so results of tests without a reference keep their form.

The JSON Schema of this form is :meth:`AssessmentResult.model_json_schema` (pydantic). Results
saved before ``parameters`` and ``software_version`` existed still read: they get empty ones.
"""

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kinesense import __version__
from kinesense.assess.norm_verdicts import NormVerdict
from kinesense.clock import iso_utc

FORMAT_VERSION = 1

Verdict = Literal["within", "above", "below"]


class MetricInfo(BaseModel):
    """What a metric is: unit, definition in plain words, and the reference it follows.

    Built with keywords or, as a short form, positionally: ``MetricInfo("mm", "...", "...")``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: str
    definition: str
    reference: str

    def __init__(self, unit: str, definition: str, reference: str) -> None:
        super().__init__(unit=unit, definition=definition, reference=reference)

    def to_json(self) -> dict[str, str]:
        """JSON form: ``unit``, ``definition``, ``reference``."""
        return {name: str(value) for name, value in self.model_dump().items()}


class NormComparison(BaseModel):
    """One metric compared with a published norm.

    Attributes:
        metric: the metric's name in :attr:`AssessmentResult.metrics`.
        value: the measured value.
        low, high: the normal range (either may be None for a one-sided threshold).
        population: who the norm describes (age band, condition).
        source: the publication.
        verdict: ``"within"``, ``"below"`` or ``"above"`` the range.
        text: one sentence a person can read.

    Built with keywords or positionally in the order above.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: str
    value: float
    low: float | None
    high: float | None
    population: str
    source: str
    verdict: Verdict
    text: str

    def __init__(
        self,
        metric: str,
        value: float,
        low: float | None,
        high: float | None,
        population: str,
        source: str,
        verdict: str,
        text: str,
    ) -> None:
        super().__init__(
            metric=metric,
            value=value,
            low=low,
            high=high,
            population=population,
            source=source,
            verdict=verdict,
            text=text,
        )

    def to_json(self) -> dict[str, Any]:
        """JSON form: the fields in the order above."""
        return self.model_dump()


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


class AssessmentResult(BaseModel):
    """The outcome of one test.

    A result that cannot be judged has ``usable=False``, the ``reasons`` in plain words and no
    metrics, rather than numbers that would mislead. ``parameters`` holds the settings actually
    used (the test's parameters model, as JSON) and ``software_version`` the kinesense version.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    format_version: int = FORMAT_VERSION
    test: str
    usable: bool
    reasons: tuple[str, ...] = ()
    metrics: Mapping[str, float] = Field(default_factory=dict)
    metric_info: Mapping[str, MetricInfo] = Field(default_factory=dict)
    parameters: Mapping[str, Any] = Field(default_factory=dict)
    software_version: str = __version__
    norms: tuple[NormComparison, ...] = ()
    norm: NormVerdict | None = None
    interpretation: str = ""
    notes: tuple[str, ...] = ()
    protocol: str = ""
    quality: Mapping[str, Any] = Field(default_factory=dict)
    conditions: Mapping[str, Any] = Field(default_factory=dict)
    source: Mapping[str, Any] = Field(default_factory=dict)
    plot_data: Mapping[str, Any] = Field(default_factory=dict)
    recorded_at: str = Field(default_factory=iso_utc)

    def __init__(
        self,
        test: str,
        usable: bool,
        metrics: Mapping[str, float] | None = None,
        metric_info: Mapping[str, MetricInfo] | None = None,
        reasons: tuple[str, ...] = (),
        norms: tuple[NormComparison, ...] = (),
        interpretation: str = "",
        notes: tuple[str, ...] = (),
        protocol: str = "",
        quality: Mapping[str, Any] | None = None,
        conditions: Mapping[str, Any] | None = None,
        source: Mapping[str, Any] | None = None,
        plot_data: Mapping[str, Any] | None = None,
        recorded_at: str | None = None,
        *,
        parameters: Mapping[str, Any] | None = None,
        software_version: str = __version__,
        format_version: int = FORMAT_VERSION,
        norm: NormVerdict | None = None,
    ) -> None:
        """Keywords as the fields; the first ones also positionally, in the order above."""
        given: dict[str, Any] = {
            "metrics": metrics,
            "metric_info": metric_info,
            "parameters": parameters,
            "quality": quality,
            "conditions": conditions,
            "source": source,
            "plot_data": plot_data,
            "recorded_at": recorded_at,
        }
        super().__init__(
            test=test,
            usable=usable,
            reasons=reasons,
            norms=norms,
            norm=norm,
            interpretation=interpretation,
            notes=notes,
            protocol=protocol,
            software_version=software_version,
            format_version=format_version,
            **{name: value for name, value in given.items() if value is not None},
        )

    @model_validator(mode="after")
    def _explained(self) -> "AssessmentResult":
        missing = [name for name in self.metrics if name not in self.metric_info]
        if missing:
            raise ValueError(f"metrics without unit, definition and reference: {missing}")
        if not self.usable and not self.reasons:
            raise ValueError("an unusable result must say why (reasons)")
        return self

    @classmethod
    def unusable(cls, test: str, *reasons: str, **fields: Any) -> "AssessmentResult":
        """A result that cannot be judged, with the reasons."""
        return cls(test=test, usable=False, reasons=tuple(reasons), **fields)

    def with_provenance(self, parameters: Mapping[str, Any]) -> "AssessmentResult":
        """This result recording ``parameters`` (JSON values) and this kinesense's version."""
        return self.model_copy(
            update={"parameters": dict(parameters), "software_version": __version__}
        )

    def to_json(self) -> dict[str, Any]:
        """JSON form (see the module docstring); numpy values are left for the writer."""
        data: dict[str, Any] = {
            "format_version": self.format_version,
            "test": self.test,
            "usable": self.usable,
            "reasons": list(self.reasons),
            "metrics": dict(self.metrics),
            "metric_info": {name: info.to_json() for name, info in self.metric_info.items()},
            "parameters": dict(self.parameters),
            "software_version": self.software_version,
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
        if self.norm is not None:
            data["norm"] = self.norm.to_json()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "AssessmentResult":
        """Rebuild a result from :meth:`to_json` output (also one saved without ``parameters``
        and ``software_version``: they stay empty). Metrics written as ``null`` (NaN) are
        dropped with their description."""
        metrics = data.get("metrics", {})
        return cls(
            test=str(data["test"]),
            usable=bool(data["usable"]),
            metrics={k: float(v) for k, v in metrics.items() if v is not None},
            metric_info={
                k: MetricInfo(**v)
                for k, v in data.get("metric_info", {}).items()
                if metrics.get(k) is not None
            },
            parameters=dict(data.get("parameters", {})),
            software_version=str(data.get("software_version", "")),
            reasons=tuple(data.get("reasons", ())),
            norms=tuple(NormComparison(**n) for n in data.get("norms", ())),
            norm=NormVerdict.model_validate(data["norm"]) if data.get("norm") else None,
            interpretation=str(data.get("interpretation", "")),
            notes=tuple(data.get("notes", ())),
            protocol=str(data.get("protocol", "")),
            quality=dict(data.get("quality", {})),
            conditions=dict(data.get("conditions", {})),
            source=dict(data.get("source", {})),
            plot_data=dict(data.get("plot_data", {})),
            recorded_at=str(data.get("recorded_at", "")),
        )
