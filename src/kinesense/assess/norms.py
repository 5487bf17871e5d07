"""Published norms as data files (``assess/norms/*.json``), validated when loaded.

A file holds one table::

    {
      "id": "springer_2007_single_leg_stance",
      "title": "...", "source": "Springer BA et al. 2007, J Geriatr Phys Ther 30(1):8-15",
      "metric": "stance_time_s", "unit": "s", "notes": "...",
      "rows": [
        {"match": {"age_min": 18, "age_max": 39, "eyes": "open"},
         "mean": 43.5, "sd": 1.1, "low": null, "high": null, "n": 14},
        ...
      ]
    }

``match`` keys ``age_min``/``age_max`` bound the age (years, inclusive); any other key must
equal the condition given to :meth:`NormTable.lookup`. ``low``/``high`` give the normal range
when the source states one; otherwise callers may use ``mean`` and ``sd``. The models
(:class:`NormTable`, :class:`NormRow`) are the format: :meth:`NormTable.model_json_schema` is its
JSON Schema.
"""

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kinesense.errors import DataFileError
from kinesense.safe_json import NOT_JSON_TABLE, read_data_file
from kinesense.validation_errors import validated

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class NormDataError(DataFileError):
    """A norms file is malformed; the message names the file and the field."""


class NormRow(BaseModel):
    """One line of a norms table: the conditions it applies to and its figures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    match: Mapping[str, str | int | float]
    mean: Number | None = None
    sd: Annotated[Number, Field(ge=0.0)] | None = None
    low: Number | None = None
    high: Number | None = None
    n: Annotated[int, Field(strict=True, ge=0)] | None = None

    @model_validator(mode="after")
    def _gives_a_figure(self) -> "NormRow":
        if self.mean is None and self.low is None and self.high is None:
            raise ValueError("the row gives neither a mean nor a range")
        return self

    def applies(self, conditions: Mapping[str, Any]) -> bool:
        """Whether this row describes a person or test with ``conditions``."""
        for key, wanted in self.match.items():
            if key == "age_min":
                if conditions.get("age") is None or conditions["age"] < wanted:
                    return False
            elif key == "age_max":
                if conditions.get("age") is None or conditions["age"] > wanted:
                    return False
            elif conditions.get(key) != wanted:
                return False
        return True


class NormTable(BaseModel):
    """A validated norms table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Text
    title: Text
    source: Text
    metric: Text
    unit: Text
    notes: str = ""
    rows: Annotated[tuple[NormRow, ...], Field(min_length=1)]

    def lookup(self, **conditions: Any) -> NormRow | None:
        """The first row that applies to ``conditions`` (e.g. ``age=45, eyes="closed"``)."""
        return next((row for row in self.rows if row.applies(conditions)), None)


def parse_norm_table(data: Any, origin: str) -> NormTable:
    """Validate the JSON content of a norms file; :class:`NormDataError` names what is wrong."""
    return validated(NormTable, data, origin, NormDataError)


@cache
def load_norms(table_id: str) -> NormTable:
    """The norms table ``assess/norms/<table_id>.json``, validated."""
    resource = resources.files("kinesense.assess") / "norms" / f"{table_id}.json"
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
