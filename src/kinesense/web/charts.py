"""Progress charts as small SVG drawn in Python: no script, no inline style (the page's
Content-Security-Policy forbids both), colours from ``static/css/site.css`` by class.

:func:`line_chart` draws a :class:`~kinesense.services.progress.ProgressChart`: time along the
bottom (the first and last day labelled; values of one day drawn above one another), the value
up the side with about five ticks (the unit is in the page's text above the chart), and one line
with dots per series (a dot alone when there is one value). The legend of several lines is the
page's (HTML text, readable at the phone's own size), with the same ``series-N`` classes. Every
value also appears in the table the page shows under the chart, for screen readers and for
reading exact numbers.
"""

import math
from datetime import datetime

from markupsafe import Markup, escape

from kinesense.services.progress import Line, ProgressChart

WIDTH = 480
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 48
TICKS = 5
MAX_SERIES_CLASSES = 4


def nice_step(span: float, ticks: int = TICKS) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about ``ticks`` intervals over
    ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


def value_range(chart: ProgressChart) -> tuple[float, float]:
    """The value axis: the chart's fixed scale, else the data's range rounded to the step
    (starting at zero for measures that cannot be negative)."""
    if chart.low is not None and chart.high is not None:
        return chart.low, chart.high
    values = [p.value for line in chart.lines for p in line.points]
    low, high = min(values), max(values)
    low = min(0.0, low)
    if high - low <= 0:
        high = low + 1.0
    step = nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step


def _label(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


SAME_DAY_S = 86_400.0
"""Values less than a day apart are drawn above one another, in the middle."""


def _x_scale(start: float, end: float) -> tuple[float, float]:
    width = WIDTH - LEFT - RIGHT
    if end - start < SAME_DAY_S:
        return LEFT + width / 2, 0.0
    return LEFT, width / (end - start)


def _grid(low: float, high: float) -> list[str]:
    parts = []
    step = nice_step(high - low)
    tick = low
    while tick <= high + step / 1000:
        y = _y(tick, low, high)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
                     f'y2="{y:.1f}"/>')  # fmt: skip
        parts.append(f'<text class="tick" x="{LEFT - 8}" y="{y + 5:.1f}" '
                     f'text-anchor="end">{escape(_label(tick))}</text>')  # fmt: skip
        tick += step
    return parts


def _y(value: float, low: float, high: float) -> float:
    height = HEIGHT - TOP - BOTTOM
    return TOP + height * (1 - (value - low) / (high - low))


def _dates(start: datetime, end: datetime, origin: float, scale: float) -> list[str]:
    same_day = scale == 0.0
    marks = [(start, "start")] if same_day else [(start, "start"), (end, "end")]
    parts = []
    for moment, where in marks:
        x = origin + (moment.timestamp() - start.timestamp()) * scale
        anchor = {"start": "start", "middle": "middle", "end": "end"}[where]
        if same_day:
            anchor = "middle"
        parts.append(f'<text class="tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 30}" '
                     f'text-anchor="{anchor}">{escape(_day(moment))}</text>')  # fmt: skip
    return parts


def _series(
    line: Line, index: int, origin: float, scale: float, start: float, low: float, high: float
) -> list[str]:
    css = f"series series-{index % MAX_SERIES_CLASSES}"
    points = [
        (origin + (p.at.timestamp() - start) * scale, _y(p.value, low, high)) for p in line.points
    ]
    parts = []
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline class="{css}" points="{path}"/>')
    radius = 5 if len(points) < 40 else 3
    for (x, y), point in zip(points, line.points, strict=True):
        title = f"{_day(point.at)}: {_label(point.value)}"
        parts.append(f'<circle class="{css} dot" cx="{x:.1f}" cy="{y:.1f}" r="{radius}">'
                     f"<title>{escape(title)}</title></circle>")  # fmt: skip
    return parts


def line_chart(chart: ProgressChart, element_id: str) -> Markup:
    """The chart as an ``<svg>`` element (empty markup when there is nothing to draw)."""
    if chart.empty:
        return Markup("")
    low, high = value_range(chart)
    times = [p.at for line in chart.lines for p in line.points]
    start, end = min(times), max(times)
    origin, scale = _x_scale(start.timestamp(), end.timestamp())
    better = "lower is better" if chart.better == "lower" else "higher is better"
    parts = [
        f'<svg class="chart" id="{escape(element_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{escape(element_id)}-title">',
        f'<title id="{escape(element_id)}-title">{escape(chart.title)} ({escape(chart.unit)}, '
        f"{better}), {_day(start)} to {_day(end)}</title>",
        *_grid(low, high),
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" '
        f'y2="{HEIGHT - BOTTOM}"/>',
        *_dates(start, end, origin, scale),
    ]
    for index, line in enumerate(chart.lines):
        parts += _series(line, index, origin, scale, start.timestamp(), low, high)
    parts.append("</svg>")
    return Markup("\n".join(parts))
