"""What a result means against its reference: the ``norm`` object of a result, and its wording.

Every test that has (or could have) a reference attaches one :class:`NormVerdict` to its usable
results. It is either a comparison (``compared`` true: the reference group, each metric's
position in it, the protocol and the source) or the reasons no comparison is made (no age
given, a protocol that differs from the reference's, no comparable published table). A verdict
is given only when the test's protocol matches the reference's
(:meth:`kinesense.assess.norms.NormTable.protocol_problems`).

How a value is placed, by the kind of table (:mod:`kinesense.assess.norms`):

* ``percentiles``: :func:`percentile_position` - between which tabulated percentiles the value
  lies, and a percentile interpolated linearly between them (kept within the tabulated range:
  below the lowest it reads as that lowest percentile, and the band says "below");
* ``mean`` without an SD: :func:`mean_band` - the value as a share of the group mean, in bands
  of 25 % (kinesense's bands, not a published limit: without an SD no limit of normal exists);
* ``cut-off``: above or below the threshold;
* ``reference``: typical values, shown for orientation only; never a verdict.

The wording never diagnoses: it says where a value lies among the people of a study, and in
which study.
"""

from collections.abc import Mapping
from itertools import pairwise
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kinesense.assess.norms import NormTable, sorted_percentiles

VerdictKind = Literal["percentiles", "mean", "cut-off", "reference", "none"]


class NormGroup(BaseModel):
    """The reference group a result is compared with.

    Attributes:
        age_group: age band in years (``"60-85"``), when the reference is by age.
        sex: ``"female"`` or ``"male"``, when the reference is by sex.
        vision: ``"open"`` or ``"closed"`` (eyes), when it matters.
        surface: ``"firm"`` or ``"foam"``, when it matters.
        n: number of people in the group.
        trials: number of trials behind the figures (several a person).
        description: the group in words.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    age_group: str | None = None
    sex: str | None = None
    vision: str | None = None
    surface: str | None = None
    n: int | None = None
    trials: int | None = None
    description: str


class MetricVerdict(BaseModel):
    """Where one metric lies against the reference.

    Attributes:
        metric: the metric's name in the result.
        value: the measured value, in ``unit``.
        unit: the unit of ``value`` and of ``reference``.
        percentile: the interpolated percentile (percentile tables only).
        band: where the value lies in words (``"between the 90th and 95th percentiles"``,
            ``"50-75 % of the group mean"``, ``"above the cut-off"``).
        reference: the reference figures used (``{"5": ..., "95": ...}``, ``{"mean": ...}``,
            ``{"cut_off": 4.5}``, ``{"low": 2, "high": 3}``).
        text: one sentence a person can read.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: str
    value: float
    unit: str
    percentile: float | None = None
    band: str
    reference: Mapping[str, float] = Field(default_factory=dict)
    text: str


class NormVerdict(BaseModel):
    """The ``norm`` object of a result: its comparison with a reference, or why there is none.

    Attributes:
        compared: whether any metric was compared.
        kind: how the reference judges (see the module docstring); ``none`` when no table can be
            used at all.
        table: the id of the norms table (empty when there is none).
        group: the reference group (when one was chosen).
        person: the person's details the comparison used (``age``, ``sex``).
        percentile: each compared metric's percentile (percentile tables).
        metrics: each compared metric's verdict.
        not_compared: metrics left out of a comparison that was otherwise made, with why.
        reasons: why no metric was compared (empty when ``compared``).
        protocol: the reference's protocol in words.
        source: the publication (and data set licence).
        text: one or two sentences a person can read.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    compared: bool
    kind: VerdictKind
    table: str = ""
    group: NormGroup | None = None
    person: Mapping[str, Any] = Field(default_factory=dict)
    percentile: Mapping[str, float] = Field(default_factory=dict)
    metrics: tuple[MetricVerdict, ...] = ()
    not_compared: Mapping[str, str] = Field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    protocol: str = ""
    source: str = ""
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return self.model_dump(mode="json")


def protocol_words(table: NormTable) -> str:
    """The reference's protocol in words, from its rules (``"device: a force plate; ..."``)."""
    return "; ".join(f"{rule.label}: {rule.reference}" for rule in table.protocol)


def source_words(table: NormTable) -> str:
    """The table's source, with the data set's licence when it has one."""
    return f"{table.source} ({table.licence})" if table.licence else table.source


def not_compared(
    kind: VerdictKind,
    reasons: list[str] | tuple[str, ...],
    table: NormTable | None = None,
    person: Mapping[str, Any] | None = None,
    table_ids: str | None = None,
) -> NormVerdict:
    """A verdict that compares nothing, with the ``reasons`` (at least one); ``table_ids``
    names the tables when there are several (default: ``table``'s id)."""
    if not reasons:
        raise ValueError("a result that is not compared must say why")
    unique = tuple(dict.fromkeys(reasons))
    return NormVerdict(
        compared=False,
        kind=kind,
        table=table_ids if table_ids is not None else (table.id if table is not None else ""),
        person={k: v for k, v in (person or {}).items() if v is not None},
        reasons=unique,
        protocol=protocol_words(table) if table is not None else "",
        source=source_words(table) if table is not None else "",
        text="Not compared with a reference: " + "; ".join(unique) + ".",
    )


def _level(percentile: float) -> str:
    whole = round(percentile)
    suffix = "th" if 10 <= whole % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(whole % 10, "th")
    return f"{whole:g}{suffix}"


def percentile_position(value: float, percentiles: Mapping[str, float]) -> tuple[float, str]:
    """``(percentile, band)`` of ``value`` in a table of percentiles.

    The band says between which tabulated percentiles the value lies: ``"below the 5th
    percentile"``, ``"between the 5th and 10th percentiles"`` (from the 5th's value, included, to
    the 10th's, excluded), ..., ``"at or above the 95th percentile"``. The percentile is
    interpolated linearly between the two tabulated points around the value and kept within the
    tabulated range.
    """
    points = sorted_percentiles(percentiles)
    first_level, first_value = points[0]
    last_level, last_value = points[-1]
    if value < first_value:
        return first_level, f"below the {_level(first_level)} percentile"
    if value >= last_value:
        return last_level, f"at or above the {_level(last_level)} percentile"
    for (low_level, low_value), (high_level, high_value) in pairwise(points):
        if low_value <= value < high_value:
            share = (value - low_value) / (high_value - low_value)
            percentile = low_level + share * (high_level - low_level)
            band = f"between the {_level(low_level)} and {_level(high_level)} percentiles"
            return percentile, band
    raise AssertionError("unreachable: the value lies within the tabulated range")


def share_words(value: float, percentiles: Mapping[str, float], group: str) -> str:
    """Where ``value`` lies among ``group`` in exact words from the table: ``"higher than 90 %
    of {group}"`` at or above the median, ``"lower than 75 % of {group}"`` below it."""
    points = sorted_percentiles(percentiles)
    median = next((v for level, v in points if level == 50.0), None)
    if median is not None and value >= median:
        level = max(level for level, v in points if v <= value)
        share = "half" if level == 50.0 else f"{level:g} %"
        return f"higher than {share} of {group}"
    above = [level for level, v in points if v > value]
    level = min(above) if above else points[-1][0]
    share = "half" if level == 50.0 else f"{100 - level:g} %"
    return f"lower than {share} of {group}"


MEAN_BANDS = (
    (1.0, "at or above the group mean"),
    (0.75, "75-100 % of the group mean"),
    (0.5, "50-75 % of the group mean"),
    (0.0, "below half of the group mean"),
)
"""Bands of a value relative to a group mean, lower bound first: kinesense's choice (quarters of
the mean), used where a source publishes means without SDs, so no limit of normal exists."""


def mean_band(value: float, mean: float) -> tuple[float, str]:
    """``(share, band)``: ``value / mean`` and its band of :data:`MEAN_BANDS` (a share exactly at
    a bound belongs to the band above it)."""
    if not mean > 0:
        raise ValueError("a mean band needs a positive group mean")
    share = value / mean
    band = next(words for bound, words in MEAN_BANDS if share >= bound)
    return share, band


def cut_off_band(value: float, *, low: float | None, high: float | None) -> str:
    """``"above the cut-off"``, ``"below the cut-off"`` or ``"within the cut-off"`` (a value
    exactly at the threshold is within it)."""
    if high is not None and value > high:
        return "above the cut-off"
    if low is not None and value < low:
        return "below the cut-off"
    return "within the cut-off"
