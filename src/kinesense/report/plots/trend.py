"""Trend chart: each chosen metric of one test against the visit date, normal range shaded."""

from collections.abc import Sequence

from matplotlib.figure import FigureBase

from kinesense.assess.registry import title_of
from kinesense.assess.result import AssessmentResult
from kinesense.report import format_value, metric_label, parse_time
from kinesense.report.plots.common import (
    BLUE,
    INK,
    Chart,
    shade_range,
    style,
)


def trend_chart(
    test: str, label: str, results: Sequence[AssessmentResult], metrics: Sequence[str]
) -> Chart:
    """Each of ``metrics`` against the date of ``results`` (oldest first), normal range shaded."""
    import matplotlib.dates as mdates

    times = [parse_time(r.recorded_at) for r in results]
    series = []
    for metric in metrics:
        points = [
            (when, r.metrics[metric])
            for when, r in zip(times, results, strict=True)
            if when is not None and metric in r.metrics
        ]
        latest = next((n for r in reversed(results) for n in r.norms if n.metric == metric), None)
        unit = next((r.metric_info[metric].unit for r in results if metric in r.metric_info), "")
        series.append((metric, unit, points, latest))

    def draw(fig: FigureBase) -> None:
        axes = fig.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
        for ax, (metric, unit, points, norm) in zip(axes, series, strict=True):
            when, values = zip(*points, strict=True)
            ax.plot(when, values, "-o", color=BLUE, linewidth=1.6, markersize=6)
            for x, y in points:
                ax.annotate(
                    format_value(y),
                    (x, y),
                    xytext=(0, 7),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8.5,
                    color=INK,
                )
            ax.margins(x=0.08, y=0.3)
            if norm is not None:
                shade_range(ax, norm.low, norm.high, "reference range")
            shown = {"deg": "°"}.get(unit, unit)
            style(ax, metric_label(metric), "", shown)
            ax.title.set_fontsize(10.5)
        visits = sorted({when for _, _, points, _ in series for when, _ in points})
        if len(visits) <= 8:
            axes[-1].set_xticks(visits, [f"{v.day} {v:%b %Y}" for v in visits])
        else:
            locator = mdates.AutoDateLocator(minticks=2, maxticks=8)  # type: ignore[no-untyped-call]
            axes[-1].xaxis.set_major_locator(locator)
            formatter = mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
            axes[-1].xaxis.set_major_formatter(formatter)
        fig.suptitle(
            f"{title_of(test)}: progress" + (f" ({label})" if label else ""),
            fontsize=12,
            color=INK,
            x=0.02,
            ha="left",
        )

    height = 1.2 + 2.0 * len(series)
    caption = "Each point is one visit; the shaded band is the reference range where known."
    return Chart(f"Trend of {title_of(test)}", caption, (8.0, height), draw)
