"""One measurement's charts, drawn as the reports draw them (:mod:`kinesense.report.plots`),
for a page that shows them one image at a time."""

from dataclasses import dataclass

from kinesense.assess.result import AssessmentResult
from kinesense.errors import NotFoundError


@dataclass(frozen=True)
class ResultChart:
    """One chart of a result: its position (for the image's address), title and caption."""

    index: int
    title: str
    caption: str


def result_charts_of(result: AssessmentResult) -> list[ResultChart]:
    """The charts a result has (none for a result that could not be judged)."""
    from kinesense.report.plots import result_charts

    charts, _problems = result_charts(result)
    return [ResultChart(i, c.title, c.caption) for i, c in enumerate(charts)]


def result_chart_png(result: AssessmentResult, index: int, dpi: int = 110) -> bytes:
    """Chart ``index`` of the result as a PNG image (:class:`NotFoundError` when there is no
    such chart)."""
    from kinesense.report.plots import png_bytes, result_charts

    charts, _problems = result_charts(result)
    if not 0 <= index < len(charts):
        raise NotFoundError(f"this result has no chart {index}")
    return png_bytes(charts[index], dpi=dpi)
