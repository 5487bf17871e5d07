"""A measurement's charts, one image at a time, as the report draws them."""

from datetime import UTC, datetime

import pytest

from kinesense.errors import NotFoundError
from kinesense.report.plots import result_charts
from kinesense.services.results import result_chart_png, result_charts_of
from tests.services.journey_data import real_result

AT = datetime(2026, 3, 2, 10, tzinfo=UTC)


def test_the_charts_of_a_real_sway_result() -> None:
    result = real_result("sway_cop_eo", AT)
    listed = result_charts_of(result)
    drawn, _ = result_charts(result)
    assert [c.title for c in listed] == [c.title for c in drawn]
    assert [c.index for c in listed] == list(range(len(drawn)))
    assert len(listed) >= 2  # stabilogram and sway over time at least
    png = result_chart_png(result, 0, dpi=40)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(NotFoundError, match="no chart 99"):
        result_chart_png(result, 99)
    with pytest.raises(NotFoundError):
        result_chart_png(result, -1)


def test_a_result_that_could_not_be_judged_has_no_chart() -> None:
    assert result_charts_of(real_result("stance_trc", AT)) == []
