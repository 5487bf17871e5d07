"""Norms tables: validation messages and look-up by age and condition."""

from importlib import resources

import pytest

from kinesense.assess.norms import NormDataError, load_norms, parse_norm_table

TABLE = {
    "id": "demo",
    "title": "Demo table",
    "source": "Someone 2000",
    "metric": "stance_time_s",
    "unit": "s",
    "rows": [
        {"match": {"age_min": 18, "age_max": 39, "eyes": "open"}, "mean": 43.0, "sd": 1.0},
        {"match": {"age_min": 18, "age_max": 39, "eyes": "closed"}, "mean": 9.0, "sd": 3.0},
        {"match": {"age_min": 40, "age_max": 49, "eyes": "open"}, "mean": 40.0, "sd": 3.0},
    ],
}


def test_lookup_by_age_band_and_condition() -> None:
    table = parse_norm_table(TABLE, "demo.json")
    row = table.lookup(age=39, eyes="closed")
    assert row is not None
    assert row.mean == 9.0
    row = table.lookup(age=40, eyes="open")
    assert row is not None
    assert row.mean == 40.0
    assert table.lookup(age=60, eyes="open") is None
    assert table.lookup(eyes="open") is None  # an age band needs an age


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rows": []}, "non-empty list"),
        ({"source": ""}, "'source' must be a non-empty string"),
        ({"rows": [{"match": {}, "sd": 1.0}]}, "neither a mean nor a range"),
        ({"rows": [{"match": {}, "mean": "x"}]}, r"rows\[0\].mean must be a number"),
        ({"rows": [{"match": {}, "mean": 1.0, "sd": -1.0}]}, "must not be negative"),
        ({"rows": [{"match": {}, "mean": 1.0, "median": 2.0}]}, "unknown fields"),
    ],
)
def test_malformed_tables_name_the_problem(change: dict, message: str) -> None:
    with pytest.raises(NormDataError, match=message):
        parse_norm_table(TABLE | change, "demo.json")
    missing = {k: v for k, v in TABLE.items() if k != "metric"}
    with pytest.raises(NormDataError, match="missing field 'metric'"):
        parse_norm_table(missing, "demo.json")


def test_unknown_table() -> None:
    with pytest.raises(NormDataError, match="no norms table named 'nope'"):
        load_norms("nope")


def test_every_shipped_table_loads() -> None:
    folder = resources.files("kinesense.assess") / "norms"
    names = [p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json")]
    for name in names:
        assert load_norms(name).id == name
