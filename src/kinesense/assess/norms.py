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
when the source states one; otherwise callers may use ``mean`` and ``sd``.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from kinesense.errors import KinesenseError


class NormDataError(KinesenseError):
    """A norms file is malformed; the message names the file and the field."""


@dataclass(frozen=True)
class NormRow:
    """One line of a norms table: the conditions it applies to and its figures."""

    match: Mapping[str, Any]
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None
    n: int | None

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


@dataclass(frozen=True)
class NormTable:
    """A validated norms table."""

    id: str
    title: str
    source: str
    metric: str
    unit: str
    notes: str
    rows: tuple[NormRow, ...]

    def lookup(self, **conditions: Any) -> NormRow | None:
        """The first row that applies to ``conditions`` (e.g. ``age=45, eyes="closed"``)."""
        return next((row for row in self.rows if row.applies(conditions)), None)


def _number(value: Any, where: str, *, integer: bool = False) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NormDataError(f"{where} must be a number or null; got {value!r}")
    return int(value) if integer else float(value)


def parse_norm_table(data: Any, origin: str) -> NormTable:
    """Validate the JSON content of a norms file; :class:`NormDataError` names what is wrong."""
    if not isinstance(data, dict):
        raise NormDataError(f"{origin}: the file must hold one JSON object")
    for key in ("id", "title", "source", "metric", "unit", "rows"):
        if key not in data:
            raise NormDataError(f"{origin}: missing field {key!r}")
    for key in ("id", "title", "source", "metric", "unit"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise NormDataError(f"{origin}: field {key!r} must be a non-empty string")
    if not isinstance(data["rows"], list) or not data["rows"]:
        raise NormDataError(f"{origin}: 'rows' must be a non-empty list")
    rows = []
    for i, row in enumerate(data["rows"]):
        where = f"{origin}: rows[{i}]"
        if not isinstance(row, dict) or not isinstance(row.get("match"), dict):
            raise NormDataError(f"{where} must be an object with a 'match' object")
        unknown = set(row) - {"match", "mean", "sd", "low", "high", "n"}
        if unknown:
            raise NormDataError(f"{where} has unknown fields {sorted(unknown)}")
        parsed = NormRow(
            match=dict(row["match"]),
            mean=_number(row.get("mean"), f"{where}.mean"),
            sd=_number(row.get("sd"), f"{where}.sd"),
            low=_number(row.get("low"), f"{where}.low"),
            high=_number(row.get("high"), f"{where}.high"),
            n=_number(row.get("n"), f"{where}.n", integer=True),
        )
        if parsed.mean is None and parsed.low is None and parsed.high is None:
            raise NormDataError(f"{where} gives neither a mean nor a range")
        if parsed.sd is not None and parsed.sd < 0:
            raise NormDataError(f"{where}.sd must not be negative")
        rows.append(parsed)
    return NormTable(
        id=data["id"],
        title=data["title"],
        source=data["source"],
        metric=data["metric"],
        unit=data["unit"],
        notes=str(data.get("notes", "")),
        rows=tuple(rows),
    )


@cache
def load_norms(table_id: str) -> NormTable:
    """The norms table ``assess/norms/<table_id>.json``, validated."""
    resource = resources.files("kinesense.assess") / "norms" / f"{table_id}.json"
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NormDataError(f"no norms table named {table_id!r}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NormDataError(f"norms/{table_id}.json is not valid JSON: {exc}") from exc
    table = parse_norm_table(data, f"norms/{table_id}.json")
    if table.id != table_id:
        raise NormDataError(f"norms/{table_id}.json declares id {table.id!r}")
    return table
