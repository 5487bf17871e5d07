"""Norms tables: validation messages, look-up by age and condition, protocol rules."""

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
        (
            {"rows": [{"match": {}, "sd": 1.0}]},
            r"rows\[0\]: the row gives neither a mean, a range nor",
        ),
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


@pytest.mark.parametrize(
    ("age", "band"),
    [(17.99, None), (18.0, 18), (39.0, 18), (39.99, 18), (40.0, 40), (49.99, 40), (50.0, None)],
)
def test_age_bands_count_completed_years(age: float, band: int | None) -> None:
    """A band 18-39 holds everyone from their 18th to their 40th birthday (39.99 years too)."""
    row = parse_norm_table(TABLE, "demo.json").lookup(age=age, eyes="open")
    assert (row.match["age_min"] if row is not None else None) == band


@pytest.mark.parametrize(
    ("percentiles", "message"),
    [
        ({"5": 1.0}, "give at least two"),
        ({"5": 2.0, "95": 1.0}, "must not decrease"),
        ({"0": 1.0, "50": 2.0}, "'0' is not between 0 and 100"),
        ({"p5": 1.0, "50": 2.0}, "'p5' is not a percentile"),
    ],
)
def test_malformed_percentiles_are_refused(percentiles: dict, message: str) -> None:
    rows = [{"match": {}, "percentiles": percentiles}]
    with pytest.raises(NormDataError, match=rf"demo\.json: rows\[0\]: .*{message}"):
        parse_norm_table(TABLE | {"kind": "percentiles", "rows": rows}, "demo.json")


def test_a_table_of_one_kind_needs_its_figures_in_every_row() -> None:
    with pytest.raises(NormDataError, match=r"rows\[0\]: a percentiles table needs percentiles"):
        parse_norm_table(TABLE | {"kind": "percentiles"}, "demo.json")
    rows = [{"match": {}, "high": 4.5}, {"match": {"x": "y"}, "mean": 3.0}]
    with pytest.raises(NormDataError, match=r"rows\[1\]: a cut-off table needs low or high"):
        parse_norm_table(TABLE | {"kind": "cut-off", "rows": rows}, "demo.json")


RULES = [
    {"condition": "source", "label": "device", "one_of": ["cop"], "reference": "a force plate",
     "words": {"imu": "a motion sensor"}},
    {"condition": "duration_s", "label": "trial length", "min": 58, "max": 62, "unit": " s",
     "reference": "60 s", "metrics": ["area"], "why": "areas grow with time"},
]  # fmt: skip


def test_protocol_rules_say_what_differs_from_the_reference() -> None:
    table = parse_norm_table(TABLE | {"protocol": RULES}, "demo.json")
    assert table.protocol_problems({"source": "cop", "duration_s": 60.0}) == []
    assert table.protocol_problems({"source": "cop", "duration_s": 62.0}) == []  # bounds held
    assert table.protocol_problems({"source": "imu", "duration_s": 60.0}) == [
        "device: a motion sensor here; the reference: a force plate"
    ]
    short = {"source": "cop", "duration_s": 30.0}
    assert table.protocol_problems(short, "area") == [
        "trial length: 30 s here; the reference: 60 s (areas grow with time)"
    ]
    assert table.protocol_problems(short, "velocity") == []  # the rule concerns the area only
    assert table.protocol_problems({"source": "cop"}) == [
        "trial length: not known for this test; the reference: 60 s"
    ]
    assert table.protocol_problems({"source": "cop", "duration_s": "none"}) == [
        "trial length: none here; the reference: 60 s (areas grow with time)"
    ]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"one_of": ["a"], "min": 1.0}, "give either one_of"),
        ({}, "give either one_of"),
    ],
)
def test_a_protocol_rule_is_either_categorical_or_numeric(rule: dict, message: str) -> None:
    bad = {"condition": "x", "label": "x", "reference": "x"} | rule
    with pytest.raises(NormDataError, match=rf"protocol\[0\]: .*{message}"):
        parse_norm_table(TABLE | {"protocol": [bad]}, "demo.json")
