"""Repositioning charts: the error of each trial around zero with the norm's threshold shaded,
and the angle over time with the holds where the position was judged."""

import math

import numpy as np
from matplotlib.figure import FigureBase

from kinesense.assess.result import AssessmentResult
from kinesense.report import format_value
from kinesense.report.plots.common import (
    BLUE,
    INK,
    ORANGE,
    SAGE,
    Builder,
    Chart,
    angle_over_time,
    legend_below,
    norm_for,
    number,
    optional_number,
    shade_range,
    style,
    trials_of,
)


def _repositioning_errors(result: AssessmentResult) -> Chart | None:
    trials = trials_of(result)
    if not trials:
        return None
    errors = np.array([number(t["error_deg"], "trial error_deg") for t in trials])
    norm = norm_for(result, ("error",), "deg")
    limit = norm.high if norm is not None else None
    colours = [ORANGE if limit is not None and abs(e) > limit else BLUE for e in errors]
    labels = [str(i + 1) for i in range(len(errors))]

    def draw(fig: FigureBase) -> None:
        ax = fig.subplots()
        ax.bar(labels, errors, color=colours, width=0.6)
        ax.axhline(0, color=INK, linewidth=1)
        reach = max(float(np.nanmax(np.abs(errors))), limit or 0.0, 1.0) * 1.25
        ax.set_ylim(-reach, reach)
        if limit is not None and norm is not None:
            label = f"within ±{format_value(limit)}°: {norm.population} ({norm.source})"
            shade_range(ax, -limit, limit, label)
        style(ax, "Repositioning error per trial", "trial", "error (°)")
        legend_below(fig, ax)

    caption = (
        "Reproduced minus target angle for each trial: 0° is a perfect match, above zero an "
        "overshoot, below zero an undershoot."
    )
    if limit is not None:
        caption += " Bars in orange lie outside the reference threshold."
    return Chart("Repositioning error", caption, (7.0, 4.0), draw)


def _repositioning_trace(result: AssessmentResult) -> Chart | None:
    curve = angle_over_time(result)
    if curve is None:
        return None
    t, angle = curve
    holds = [
        (
            number(trial.get("hold_start_s", trial["start_s"]), "trial hold start"),
            number(trial.get("hold_end_s", trial["end_s"]), "trial hold end"),
            optional_number(trial.get("target_deg")),
            optional_number(trial.get("reproduced_deg")),
        )
        for trial in trials_of(result)
    ]

    def draw(fig: FigureBase) -> None:
        ax = fig.subplots()
        ax.plot(t, angle, color=BLUE, linewidth=1.2, label="angle")
        for i, (start, end, target, reproduced) in enumerate(holds):
            first = i == 0
            ax.axvspan(start, end, color=SAGE, alpha=0.25, label="hold" if first else "_nolegend_")
            if math.isfinite(target):
                ax.hlines(
                    target,
                    start,
                    end,
                    color=INK,
                    linestyle="--",
                    linewidth=1.2,
                    label="target" if first else "_nolegend_",
                )
            if math.isfinite(reproduced):
                ax.plot(
                    (start + end) / 2,
                    reproduced,
                    "o",
                    color=ORANGE,
                    markersize=6,
                    label="reproduced" if first else "_nolegend_",
                )
        style(ax, "Angle during the test", "time (s)", "angle (°)")
        legend_below(fig, ax)

    return Chart(
        "Angle trace",
        "The measured angle over time; shaded spans are the holds where the position was judged.",
        (8.0, 3.8),
        draw,
    )


BUILDERS: tuple[tuple[str, Builder], ...] = (
    ("error per trial", _repositioning_errors),
    ("angle trace", _repositioning_trace),
)
