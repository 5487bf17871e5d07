"""The wording shared by the HTML and PDF reports, reading result files, choosing trends."""

import pytest

from kinesense.errors import InputFileError
from kinesense.report import (
    conditions_text,
    describe_value,
    format_date,
    format_value,
    metric_label,
    parse_results,
    range_text,
    title_of,
    trend_groups,
    with_unit,
)
from tests.report import all_results, repositioning_result, sway_result


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (512.34, "512"),
        (1234.5, "1234"),  # never an exponent
        (43.25, "43.2"),  # round half to even, as Python formats
        (7.2114, "7.21"),
        (0.04567, "0.046"),
        (0.0, "0"),
        (-3.4, "-3.40"),
        (-0.0001, "0"),
        (None, "—"),
        (float("nan"), "—"),
        (float("inf"), "—"),
    ],
)
def test_format_value(value: float | None, text: str) -> None:
    assert format_value(value) == text


def test_units() -> None:
    assert with_unit(3.1, "deg") == "3.10°"
    assert with_unit(12.0, "%") == "12.0%"
    assert with_unit(7.21, "mm/s") == "7.21 mm/s"
    assert with_unit(0.571, "1") == "0.571"
    assert with_unit(None, "mm") == "—"
    assert range_text(2.0, 4.5, "mm") == "2.00 to 4.50 mm"
    assert range_text(None, 4.5, "deg") == "at most 4.50°"
    assert range_text(25.0, None, "s") == "at least 25.0 s"


def test_names_in_words() -> None:
    assert metric_label("path_length_mm") == "Path length"
    assert metric_label("mean_velocity_mm_s") == "Mean velocity"
    assert metric_label("ellipse95_area_mm2") == "Ellipse95 area"
    assert metric_label("romberg_quotient") == "Romberg quotient"
    assert metric_label("s") == "S"
    assert title_of("stance") == "Single-leg stance"
    assert title_of("mobility-forward-bend") == "Mobility (range of motion): forward bend"
    assert title_of("breathing_rate") == "Breathing rate"


def test_dates() -> None:
    assert format_date("2026-11-30T07:00:00+00:00") == "30 Nov 2026, 07:00 UTC"
    assert format_date("2026-11-30T07:00:00Z") == "30 Nov 2026, 07:00 UTC"
    assert format_date("2026-11-30T07:00:00") == "30 Nov 2026, 07:00 UTC"  # naive = UTC
    assert format_date("") == "date not recorded"
    assert format_date("yesterday") == "yesterday"


def test_conditions_and_values() -> None:
    assert conditions_text({"eyes": "closed", "surface": "foam"}) == "eyes: closed · surface: foam"
    nested = {
        "eyes_open": {"eyes": "open", "surface": "firm"},
        "eyes_closed": {"eyes": "closed", "surface": "firm"},
    }
    assert conditions_text(nested) == "surface: firm · trials: eyes open, eyes closed"
    assert describe_value(True) == "yes"
    assert describe_value([1, 2.5]) == "1, 2.50"
    assert describe_value([{"a": 1}] * 5) == "5 entries (listed in the result file)"


def test_trend_groups() -> None:
    results = all_results()
    (group,) = trend_groups(results)
    assert group.test == "sway"
    assert group.label == "eyes: open · surface: firm"  # the age (a number) does not split
    assert [r.recorded_at[:10] for r in group.results] == ["2026-10-05", "2026-10-26",
                                                           "2026-11-20"]  # fmt: skip
    assert group.metrics[0] == "mean_velocity_mm_s"  # the metric with a norm first
    assert set(group.metrics) == {"mean_velocity_mm_s", "path_length_mm", "ellipse_area_mm2"}
    # Oldest first even when given newest first.
    assert trend_groups(results[::-1])[0].results == group.results


def test_parse_one_object_or_a_list() -> None:
    one = sway_result().to_json()
    assert len(parse_results(one, "a.json")) == 1
    two = parse_results([one, repositioning_result().to_json()], "b.json")
    assert [r.test for r in two] == ["sway", "repositioning"]
    again = two[0]
    assert again.metrics == pytest.approx(dict(sway_result().metrics))


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ([], "empty list"),
        ({"hello": 1}, "is not an assessment result"),
        ([{"test": "sway", "usable": True}, 3], "item 2 is not an assessment result"),
        ({"test": "sway", "usable": True, "format_version": 99}, "update kinesense"),
        ({"test": "sway", "usable": True, "metrics": {"x": 1}}, "not a valid assessment result"),
        ({"test": "sway", "usable": False}, "must say why"),
    ],
)
def test_parse_rejects(data: object, fragment: str) -> None:
    with pytest.raises(InputFileError, match=fragment):
        parse_results(data, "x.json")
