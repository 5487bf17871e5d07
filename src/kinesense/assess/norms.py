"""Published norms as data files (``assess/norms/*.json``), validated when loaded.

A file holds one table: what was measured, on whom, how (its protocol) and by whom::

    {
      "id": "springer_2007_single_leg_stance",
      "title": "...", "source": "Springer BA et al. 2007, J Geriatr Phys Ther 30(1):8-15",
      "metric": "stance_time_s", "unit": "s", "kind": "mean", "notes": "...",
      "population": "549 healthy adults aged 18-99", "licence": "", "confirmed": "...",
      "protocol": [
        {"condition": "max_time_s", "label": "trial ceiling", "min": 45, "max": 45,
         "unit": " s", "reference": "45 s"}
      ],
      "rows": [
        {"match": {"age_min": 18, "age_max": 39, "eyes": "open"},
         "mean": 43.5, "sd": 1.1, "low": null, "high": null, "n": 14},
        ...
      ]
    }

``kind`` says how a value is judged against a row (:mod:`kinesense.assess.norm_verdicts`):

* ``mean``: a group mean (and its SD when the source gives one);
* ``cut-off``: a one-sided threshold (``high``: above it is outside; ``low``: below it);
* ``reference``: typical values (``low``-``high`` or ``mean``) shown for orientation only, never
  as a verdict;
* ``percentiles``: the distribution of the reference group, ``percentiles`` mapping the
  percentile (``"5"``, ``"50"``...) to the value.

``match`` keys ``age_min``/``age_max`` bound the age in completed years (inclusive: a person of
39.9 years is 39, inside a ``18``-``39`` band); any other key must equal the condition given to
:meth:`NormTable.lookup`. ``protocol`` lists the conditions under which the reference was
measured (:class:`ProtocolRule`): a test done otherwise is not compared, and
:meth:`NormTable.protocol_problems` says why. ``confirmed`` records what of the table was checked
against the primary source. The models (:class:`NormTable`, :class:`NormRow`) are the format:
:meth:`NormTable.model_json_schema` is its JSON Schema.
"""

import math
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kinesense.errors import DataFileError
from kinesense.safe_json import NOT_JSON_TABLE, read_data_file
from kinesense.validation_errors import validated

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Kind = Literal["mean", "cut-off", "reference", "percentiles"]


class NormDataError(DataFileError):
    """A norms file is malformed; the message names the file and the field."""


def completed_years(age: float) -> int:
    """Age in completed years (``39.9`` -> ``39``), as age bands count it."""
    return math.floor(age)


class NormRow(BaseModel):
    """One line of a norms table: the conditions it applies to and its figures.

    ``percentiles`` maps a percentile (``"5"``, ``"50"``, ``"95"``) to the value below which that
    share of the group lies; ``n`` is the number of people, ``trials`` the number of trials
    behind the figures when several were taken from each person.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    match: Mapping[str, str | int | float]
    mean: Number | None = None
    sd: Annotated[Number, Field(ge=0.0)] | None = None
    low: Number | None = None
    high: Number | None = None
    percentiles: Mapping[str, Number] | None = None
    n: Annotated[int, Field(strict=True, ge=0)] | None = None
    trials: Annotated[int, Field(strict=True, ge=0)] | None = None

    @model_validator(mode="after")
    def _gives_a_figure(self) -> "NormRow":
        if self.mean is None and self.low is None and self.high is None and not self.percentiles:
            raise ValueError("the row gives neither a mean, a range nor percentiles")
        if self.percentiles is not None:
            points = sorted_percentiles(self.percentiles)
            values = [value for _, value in points]
            if len(points) < 2:
                raise ValueError("percentiles: give at least two")
            if values != sorted(values):
                raise ValueError(
                    "percentiles: the values must not decrease as the percentile grows"
                )
        return self

    def applies(self, conditions: Mapping[str, Any]) -> bool:
        """Whether this row describes a person or test with ``conditions``."""
        for key, wanted in self.match.items():
            if key in ("age_min", "age_max"):
                if not self.covers_age(conditions.get("age")):
                    return False
            elif conditions.get(key) != wanted:
                return False
        return True

    def covers_age(self, age: float | None) -> bool:
        """Whether the row's age band (if any) holds ``age`` (years; None holds in no band)."""
        bounds = {k: v for k, v in self.match.items() if k in ("age_min", "age_max")}
        if not bounds:
            return True
        if age is None:
            return False
        years = completed_years(age)
        low, high = bounds.get("age_min", years), bounds.get("age_max", years)
        if isinstance(low, str) or isinstance(high, str):
            return False
        return low <= years <= high

    def age_band(self) -> str | None:
        """The row's age band in words (``"18-39"``), or None when it has no age bound."""
        if "age_min" not in self.match and "age_max" not in self.match:
            return None
        return f"{self.match.get('age_min', '')}-{self.match.get('age_max', '')}"


def sorted_percentiles(percentiles: Mapping[str, float]) -> list[tuple[float, float]]:
    """``(percentile, value)`` pairs in increasing percentile; :class:`ValueError` for a key that
    is not a number strictly between 0 and 100."""
    points = []
    for key, value in percentiles.items():
        try:
            level = float(key)
        except ValueError:
            raise ValueError(f"percentiles: {key!r} is not a percentile (a number)") from None
        if not 0.0 < level < 100.0:
            raise ValueError(f"percentiles: {key!r} is not between 0 and 100")
        points.append((level, float(value)))
    return sorted(points)


class ProtocolRule(BaseModel):
    """One condition under which a reference was measured, and how a test must match it.

    Attributes:
        condition: the key of the test's conditions it reads (``"source"``, ``"duration_s"``).
        label: the condition in words (``"trial length"``).
        one_of: accepted values (categorical conditions), or
        min, max: accepted range (numeric conditions, inclusive; either may be left out).
        unit: shown after a number (``" s"``, ``" Hz"``).
        words: how to show a categorical value (``{"imu": "a motion sensor"}``).
        reference: the reference's own value in words (``"60-s trials"``).
        metrics: the metrics the rule concerns; empty for all of them.
        why: what differs when the condition differs (a measured figure where there is one).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    condition: Text
    label: Text
    one_of: tuple[str, ...] | None = None
    min: Number | None = None
    max: Number | None = None
    unit: str = ""
    words: Mapping[str, str] = Field(default_factory=dict)
    reference: Text
    metrics: tuple[str, ...] = ()
    why: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> "ProtocolRule":
        numeric = self.min is not None or self.max is not None
        if (self.one_of is None) == (not numeric):
            raise ValueError("give either one_of (categorical) or min/max (numeric), not both")
        return self

    def concerns(self, metric: str | None) -> bool:
        """Whether the rule applies to ``metric`` (None: to the test as a whole)."""
        return not self.metrics or metric is None or metric in self.metrics

    def _shown(self, value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, int | float):
            return f"{round(value, 1):g}{self.unit}"
        return self.words.get(str(value), str(value))

    def problem(self, conditions: Mapping[str, Any]) -> str | None:
        """Why a test with ``conditions`` does not match this rule, or None when it does."""
        value = conditions.get(self.condition)
        if value is None:
            return f"{self.label}: not known for this test; the reference: {self.reference}"
        if self.one_of is not None:
            matches = str(value) in self.one_of
        elif isinstance(value, bool) or not isinstance(value, int | float):
            matches = False
        else:
            matches = (self.min is None or value >= self.min) and (
                self.max is None or value <= self.max
            )
        if matches:
            return None
        text = f"{self.label}: {self._shown(value)} here; the reference: {self.reference}"
        return f"{text} ({self.why})" if self.why else text


class NormTable(BaseModel):
    """A validated norms table (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Text
    title: Text
    source: Text
    metric: Text
    unit: Text
    kind: Kind = "mean"
    notes: str = ""
    population: str = ""
    licence: str = ""
    confirmed: str = ""
    protocol: tuple[ProtocolRule, ...] = ()
    rows: Annotated[tuple[NormRow, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _rows_fit_the_kind(self) -> "NormTable":
        for i, row in enumerate(self.rows):
            if self.kind == "percentiles" and not row.percentiles:
                raise ValueError(f"rows[{i}]: a percentiles table needs percentiles in every row")
            if self.kind == "cut-off" and row.low is None and row.high is None:
                raise ValueError(f"rows[{i}]: a cut-off table needs low or high in every row")
        return self

    def lookup(self, **conditions: Any) -> NormRow | None:
        """The first row that applies to ``conditions`` (e.g. ``age=45, eyes="closed"``)."""
        return next((row for row in self.rows if row.applies(conditions)), None)

    def protocol_problems(
        self, conditions: Mapping[str, Any], metric: str | None = None
    ) -> list[str]:
        """Why a test done under ``conditions`` cannot be compared with this table (for
        ``metric``, or as a whole); empty when its protocol matches the reference's."""
        found = (rule.problem(conditions) for rule in self.protocol if rule.concerns(metric))
        return [problem for problem in found if problem is not None]

    def age_bands(self) -> list[str]:
        """The distinct age bands of the rows, in order (``["18-39", "60-85"]``)."""
        bands = (row.age_band() for row in self.rows)
        return list(dict.fromkeys(band for band in bands if band is not None))


def parse_norm_table(data: Any, origin: str) -> NormTable:
    """Validate the JSON content of a norms file; :class:`NormDataError` names what is wrong."""
    return validated(NormTable, data, origin, NormDataError)


def norms_folder() -> Any:
    """The folder of the shipped tables (an importlib resource)."""
    return resources.files("kinesense.assess") / "norms"


@cache
def load_norms(table_id: str) -> NormTable:
    """The norms table ``assess/norms/<table_id>.json``, validated."""
    resource = norms_folder() / f"{table_id}.json"
    if not resource.is_file():
        raise NormDataError(f"no norms table named {table_id!r}")
    origin = f"norms/{table_id}.json"
    data = read_data_file(
        resource, "norms table", NormDataError, source=origin, not_json=NOT_JSON_TABLE
    )
    table = parse_norm_table(data, origin)
    if table.id != table_id:
        raise NormDataError(f"{origin}: id: declares {table.id!r}, not {table_id!r}")
    return table
