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
        ({"rows": []}, r"demo.json: rows: .*at least 1 item"),
        ({"source": ""}, "demo.json: source: String should have at least 1 character"),
        ({"source": "   "}, "demo.json: source: String should have at least 1 character"),
        ({"rows": [{"match": {}, "sd": 1.0}]}, r"rows\[0\]: the row gives neither a mean nor a"),
        ({"rows": [{"match": {}, "mean": "x"}]}, r"rows\[0\].mean: Input should be a valid number"),
        ({"rows": [{"match": {}, "mean": "1.5"}]}, r"rows\[0\].mean: .*valid number"),
        ({"rows": [{"match": {}, "mean": True}]}, r"rows\[0\].mean: .*valid number"),
        ({"rows": [{"match": {}, "mean": 1.0, "sd": -1.0}]}, r"rows\[0\].sd: .*greater than or"),
        ({"rows": [{"match": {}, "mean": 1.0, "median": 2.0}]}, r"rows\[0\].median: Extra"),
        ({"rows": [{"match": {}, "mean": 1.0, "n": 2.5}]}, r"rows\[0\].n: .*valid integer"),
    ],
)
def test_malformed_tables_name_the_file_and_the_field(change: dict, message: str) -> None:
    with pytest.raises(NormDataError, match=message):
        parse_norm_table(TABLE | change, "demo.json")
    missing = {k: v for k, v in TABLE.items() if k != "metric"}
    with pytest.raises(NormDataError, match=r"demo\.json: metric: Field required"):
        parse_norm_table(missing, "demo.json")


def test_norm_errors_are_data_file_errors_and_the_format_has_a_schema() -> None:
    from kinesense.assess.norms import NormTable
    from kinesense.errors import DataFileError

    assert issubclass(NormDataError, DataFileError)
    with pytest.raises(DataFileError, match=r"demo\.json: Input should be a valid dictionary"):
        parse_norm_table([TABLE], "demo.json")
    schema = NormTable.model_json_schema()
    assert set(schema["required"]) == {"id", "title", "source", "metric", "unit", "rows"}


def test_unknown_table() -> None:
    with pytest.raises(NormDataError, match="no norms table named 'nope'"):
        load_norms("nope")


def test_every_shipped_table_loads() -> None:
    folder = resources.files("kinesense.assess") / "norms"
    names = [p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json")]
    for name in names:
        assert load_norms(name).id == name
