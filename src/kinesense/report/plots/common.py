"""What every chart shares: the :class:`Chart` type, PNG output, the palette and styling, and
the checks that turn malformed ``plot_data`` into a :class:`ChartProblem` instead of an error.
"""

import io
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase

from kinesense.arrays import FloatArray
from kinesense.assess.result import AssessmentResult, NormComparison

# A calm palette: muted blue and orange for the two series, sage for normal ranges.
BLUE = "#3f6e8c"
ORANGE = "#c97b4a"
SAGE = "#8fb996"
GREY = "#6b7280"
INK = "#1f2933"
GRID = "#e5e7eb"
SIDE_COLOURS = {"left": BLUE, "right": ORANGE}


@dataclass(frozen=True)
class Chart:
    """One chart: ``draw(figure)`` fills a figure or sub-figure of about ``size_in`` inches."""

    title: str
    caption: str
    size_in: tuple[float, float]
    draw: Callable[[FigureBase], None]


@dataclass(frozen=True)
class ChartProblem:
    """A chart that could not be drawn from a result's ``plot_data``, and why."""

    chart: str
    reason: str


class BadDataError(ValueError):
    """``plot_data`` of the wrong shape for a chart."""


def png_bytes(chart: Chart, dpi: int = 110) -> bytes:
    """The chart alone as a PNG image."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = Figure(figsize=chart.size_in, layout="constrained")
    FigureCanvasAgg(figure)
    chart.draw(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def guarded(chart: Chart) -> Chart:
    """``chart`` whose drawing, if the data still trips matplotlib, shows why instead of failing."""

    def draw(fig: FigureBase) -> None:
        try:
            chart.draw(fig)
        except (ValueError, RuntimeError, TypeError, IndexError, KeyError) as exc:
            fig.clear()
            fig.text(
                0.5,
                0.5,
                f"This chart could not be drawn: {problem_text(exc)}",
                ha="center",
                va="center",
                fontsize=10,
                color=GREY,
                wrap=True,
            )

    return Chart(chart.title, chart.caption, chart.size_in, draw)


def problem_text(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"the plot data has no {exc.args[0]!r}"
    return str(exc) or type(exc).__name__


# --- data checks -------------------------------------------------------------------------


def as_array(values: Any, name: str) -> FloatArray:
    """A 1-D float array (``None`` → NaN); :class:`BadDataError` if not a list of numbers."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise BadDataError(f"{name} is not a list of numbers") from None
    if array.ndim != 1 or array.size == 0:
        raise BadDataError(f"{name} must be a non-empty list of numbers")
    return array


def same_length(**arrays: FloatArray) -> None:
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise BadDataError(f"lists of different lengths: {lengths}")


def angle_over_time(result: AssessmentResult) -> tuple[FloatArray, FloatArray] | None:
    """``(time_s, angle_deg)`` of a result's plot data, checked to be lists of numbers of the
    same length; None when the result has no angle curve."""
    data = result.plot_data
    if "time_s" not in data or "angle_deg" not in data:
        return None
    t, angle = as_array(data["time_s"], "time_s"), as_array(data["angle_deg"], "angle_deg")
    same_length(time_s=t, angle_deg=angle)
    return t, angle


def number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadDataError(f"{name} must be a number")
    return float(value)


def optional_number(value: Any) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
    )


# --- styling -----------------------------------------------------------------------------


def style(ax: Axes, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=12, color=INK, loc="left", pad=8)
    ax.set_xlabel(xlabel, fontsize=10, color=INK)
    ax.set_ylabel(ylabel, fontsize=10, color=INK)
    ax.tick_params(labelsize=9, colors=GREY)
    ax.grid(True, color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#9ca3af")


def legend(ax: Axes) -> None:
    ax.legend(fontsize=9, frameon=False, loc="best")


def norm_for(result: AssessmentResult, keywords: Sequence[str], unit: str) -> NormComparison | None:
    """The first norm on a metric whose name holds one of ``keywords`` or whose unit is ``unit``."""
    for norm in result.norms:
        if norm.low is None and norm.high is None:
            continue
        info = result.metric_info.get(norm.metric)
        if any(k in norm.metric for k in keywords) or (info is not None and info.unit == unit):
            return norm
    return None


def shade_range(ax: Axes, low: float | None, high: float | None, label: str) -> None:
    """Shade the normal range ``[low, high]`` across the axes; call after plotting the data.

    A one-sided range (only ``low`` or only ``high``) is shaded to the edge of the axes.
    """
    if low is None and high is None:
        return
    bottom, top = ax.get_ylim()
    bounds = [b for b in (low, high) if b is not None]
    pad = 0.08 * (max(top, *bounds) - min(bottom, *bounds))
    bottom, top = min(bottom, min(bounds) - pad), max(top, max(bounds) + pad)
    if bottom < 0 <= min(ax.dataLim.y0, *bounds):
        bottom = 0.0  # durations and areas cannot be negative: keep the zero baseline
    lower = low if low is not None else min(bottom, high if high is not None else bottom)
    upper = high if high is not None else max(top, lower)
    ax.axhspan(lower, upper, color=SAGE, alpha=0.25, label=label, zorder=0, linewidth=0)
    for bound in (low, high):
        if bound is not None:
            ax.axhline(bound, color="#4d7c57", linewidth=1, linestyle="--", zorder=1)
    ax.set_ylim(bottom, top)


def legend_below(fig: FigureBase, ax: Axes) -> None:
    """The legend under the plot, where it hides no data."""
    handles, labels = ax.get_legend_handles_labels()
    labels = ["\n".join(textwrap.wrap(label, 90)) for label in labels]
    if handles:
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncol=min(len(labels), 4),
            fontsize=9,
            frameon=False,
        )


def trials_of(result: AssessmentResult) -> list[Mapping[str, Any]]:
    trials = result.plot_data.get("trials")
    if not trials:
        return []
    if not isinstance(trials, list) or not all(isinstance(t, Mapping) for t in trials):
        raise BadDataError("trials must be a list of objects")
    return trials


Builder = Callable[[AssessmentResult], Chart | None]
"""Builds one chart from a result, or None when its data is absent."""
