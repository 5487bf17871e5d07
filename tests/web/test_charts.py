"""The progress charts' SVG: scales, positions of known values, no script and no inline style
(the Content-Security-Policy forbids both), every value reachable as text."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from kinesense.services.progress import Line, Point, ProgressChart
from kinesense.web.charts import (
    BOTTOM,
    HEIGHT,
    LEFT,
    RIGHT,
    TOP,
    WIDTH,
    line_chart,
    nice_step,
    value_range,
)

DAY = datetime(2026, 3, 2, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"


def chart(*lines: Line, low: float | None = 0.0, high: float | None = 10.0) -> ProgressChart:
    return ProgressChart("pain", "Pain", "0-10", "lower", lines, "a reference", low, high)


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


@pytest.mark.parametrize(
    ("span", "step"), [(10, 2), (1, 0.2), (7.3, 2), (100, 20), (0.05, 0.01), (0, 1), (3, 1)]
)
def test_nice_steps(span: float, step: float) -> None:
    assert nice_step(span) == pytest.approx(step)


def test_value_range_rounds_out_to_the_step_from_zero() -> None:
    free = ProgressChart("sway", "Sway", "mm/s", "lower",
                         (Line("", (Point(DAY, 7.2), Point(DAY, 13.9))),), "r")  # fmt: skip
    assert value_range(free) == (0.0, 15.0)  # step 5 (raw 2.78)
    assert value_range(chart(Line("", (Point(DAY, 3.0),)))) == (0.0, 10.0)  # fixed scale


def test_points_sit_where_their_values_say() -> None:
    points = (
        Point(DAY, 0.0),
        Point(DAY + timedelta(days=10), 10.0),
        Point(DAY + timedelta(days=20), 5.0),
    )
    svg = parse(str(line_chart(chart(Line("now", points)), "c")))
    dots = svg.findall(f"{SVG}circle")
    xs = [float(d.get("cx", "nan")) for d in dots]
    ys = [float(d.get("cy", "nan")) for d in dots]
    assert xs == pytest.approx([LEFT, (LEFT + WIDTH - RIGHT) / 2, WIDTH - RIGHT], abs=0.1)
    bottom, top = HEIGHT - BOTTOM, TOP
    assert ys == pytest.approx([bottom, top, (bottom + top) / 2], abs=0.1)
    assert [d.find(f"{SVG}title").text for d in dots] == [  # type: ignore[union-attr]
        "2 Mar 2026: 0", "12 Mar 2026: 10", "22 Mar 2026: 5",
    ]  # fmt: skip
    assert len(svg.findall(f"{SVG}polyline")) == 1


def test_one_value_is_a_dot_in_the_middle_and_an_empty_chart_draws_nothing() -> None:
    svg = parse(str(line_chart(chart(Line("", (Point(DAY, 4.0),))), "c")))
    (dot,) = svg.findall(f"{SVG}circle")
    assert float(dot.get("cx", "nan")) == pytest.approx(LEFT + (WIDTH - LEFT - RIGHT) / 2)
    assert svg.findall(f"{SVG}polyline") == []
    assert str(line_chart(chart(Line("", ())), "c")) == ""


def test_several_lines_have_distinct_classes() -> None:
    now = Line("now", (Point(DAY, 6.0), Point(DAY + timedelta(days=7), 3.0)))
    week = Line("over the last week", (Point(DAY, 7.0), Point(DAY + timedelta(days=7), 4.0)))
    markup = str(line_chart(chart(now, week), "pain-chart"))
    svg = parse(markup)
    classes = {p.get("class") for p in svg.findall(f"{SVG}polyline")}
    assert classes == {"series series-0", "series series-1"}
    assert svg.get("aria-labelledby") == "pain-chart-title"


def test_no_script_no_inline_style_and_text_escaped() -> None:
    hostile = Line(
        "<script>alert(1)</script>", (Point(DAY, 1.0), Point(DAY + timedelta(days=1), 2.0))
    )
    other = Line("x", (Point(DAY, 3.0),))
    markup = str(line_chart(chart(hostile, other), 'c" onload="x'))
    assert "<script" not in markup
    assert not re.search(r"\sstyle=", markup)
    assert not re.search(r'\son\w+="', markup)  # the quote in the id is escaped
    parse(markup)  # well formed


def test_values_of_one_day_are_drawn_above_one_another() -> None:
    """Two trials measured minutes apart (eyes open, then closed) share one date."""
    first = Line("eyes open", (Point(DAY, 7.2),))
    second = Line("eyes closed", (Point(DAY + timedelta(minutes=3), 11.6),))
    svg = parse(str(line_chart(chart(first, second, low=None, high=None), "c")))
    xs = {float(d.get("cx", "nan")) for d in svg.findall(f"{SVG}circle")}
    assert xs == {LEFT + (WIDTH - LEFT - RIGHT) / 2}
    dates = [
        t.text
        for t in svg.findall(f"{SVG}text")
        if t.get("class") == "tick" and "2026" in (t.text or "")
    ]
    assert dates == ["2 Mar 2026"]
