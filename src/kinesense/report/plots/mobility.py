"""Mobility chart (trunk ranges of motion, forward bending): the angle through the movement,
with the furthest point of each repetition marked and coloured by side."""

from matplotlib.figure import FigureBase

from kinesense.assess.result import AssessmentResult
from kinesense.report import format_value
from kinesense.report.plots.common import (
    GREY,
    INK,
    SIDE_COLOURS,
    Builder,
    Chart,
    angle_over_time,
    legend_below,
    number,
    style,
)


def _mobility(result: AssessmentResult) -> Chart | None:
    curve = angle_over_time(result)
    if curve is None:
        return None
    t, angle = curve
    peaks = [
        (
            number(p["time_s"], "peak time_s"),
            number(p["angle_deg"], "peak angle_deg"),
            str(p.get("side") or ""),
        )
        for p in result.plot_data.get("peaks") or []
    ]

    def draw(fig: FigureBase) -> None:
        ax = fig.subplots()
        ax.plot(t, angle, color=GREY, linewidth=1.2, label="angle")
        seen: set[str] = set()
        for time, value, side in peaks:
            colour = SIDE_COLOURS.get(side, INK)
            label = f"peak ({side})" if side else "peak"
            ax.plot(
                time,
                value,
                "o",
                color=colour,
                markersize=7,
                label=label if label not in seen else "_nolegend_",
            )
            seen.add(label)
            ax.annotate(
                f"{format_value(value)}°",
                (time, value),
                xytext=(0, 7 if value >= 0 else -7),
                textcoords="offset points",
                ha="center",
                va="bottom" if value >= 0 else "top",
                fontsize=8,
                color=colour,
            )
        ax.axhline(0, color="#9ca3af", linewidth=0.8)
        ax.margins(y=0.15)
        style(ax, "Movement over time", "time (s)", "angle (°)")
        legend_below(fig, ax)

    return Chart(
        "Mobility",
        "The angle through the movement; dots mark the furthest point of each repetition.",
        (8.0, 3.8),
        draw,
    )


BUILDERS: tuple[tuple[str, Builder], ...] = (("angle over time", _mobility),)
