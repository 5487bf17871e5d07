"""Single-leg stance chart: each trial's time, labelled with what ended it, against the norm."""

import numpy as np
from matplotlib.figure import FigureBase

from kinesense.assess.result import AssessmentResult
from kinesense.report import range_text
from kinesense.report.plots.common import (
    BLUE,
    GREY,
    ORANGE,
    Builder,
    Chart,
    legend_below,
    norm_for,
    number,
    shade_range,
    style,
    trials_of,
)


def _stance_trials(result: AssessmentResult) -> Chart | None:
    trials = trials_of(result)
    if not trials:
        return None
    durations = np.array([number(t["duration_s"], "trial duration_s") for t in trials])
    ended = [str(t.get("ended_by") or "") for t in trials]
    labels = [f"trial {i + 1}" for i in range(len(trials))]
    norm = norm_for(result, ("stance", "duration", "time"), "s")

    def draw(fig: FigureBase) -> None:
        ax = fig.subplots()
        low = norm.low if norm is not None else None
        colours = [ORANGE if low is not None and d < low else BLUE for d in durations]
        bars = ax.bar(labels, durations, color=colours, width=0.55)
        for bar, reason in zip(bars, ended, strict=True):
            if reason:
                ax.annotate(
                    reason.replace("_", " "),
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    xytext=(0, 4),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8,
                    color=GREY,
                )
        top = max(float(np.nanmax(durations)), (norm.high or norm.low or 0) if norm else 0.0)
        ax.set_ylim(0, top * 1.2 + 1)
        if norm is not None:
            reference = range_text(norm.low, norm.high, "s")
            shade_range(ax, norm.low, norm.high, f"{reference}: {norm.population} ({norm.source})")
        style(ax, "Time standing on one leg", "", "time (s)")
        legend_below(fig, ax)

    return Chart(
        "Single-leg stance trials",
        "Each bar is one trial, labelled with what ended it; orange bars are below the "
        "reference value.",
        (7.0, 4.0),
        draw,
    )


BUILDERS: tuple[tuple[str, Builder], ...] = (("trials", _stance_trials),)
