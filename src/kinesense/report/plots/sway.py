"""Sway charts (sway, Romberg, mCTSIB): the stabilogram with its 95 % ellipse, sway over time
and the spectrum; Romberg and mCTSIB draw one panel per trial at one scale."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import FigureBase
from matplotlib.patches import Ellipse

from kinesense.arrays import FloatArray
from kinesense.assess.result import AssessmentResult
from kinesense.report import format_value
from kinesense.report.plots.common import (
    BLUE,
    ORANGE,
    SAGE,
    Builder,
    Chart,
    as_array,
    legend,
    legend_below,
    number,
    same_length,
    style,
)

# --- sway --------------------------------------------------------------------------------

_CONDITION_WORDS = {"eo": "eyes open", "ec": "eyes closed", "eyes": "eyes"}


def _condition_label(key: str) -> str:
    """``"eo_foam"`` → ``"eyes open, foam"``; ``"eyes_closed"`` → ``"eyes closed"``."""
    if key.startswith(("eyes_", "eyes-")):
        return "eyes " + key[5:].replace("_", " ")
    head, _, rest = key.partition("_")
    if head in ("eo", "ec"):
        return _CONDITION_WORDS[head] + (f", {rest.replace('_', ' ')}" if rest else "")
    return key.replace("_", " ")


@dataclass(frozen=True)
class _SwayTrace:
    label: str
    time_s: FloatArray | None
    ml_mm: FloatArray | None
    ap_mm: FloatArray | None
    ellipse: tuple[float, float, float, float, float] | None


def _sway_trace(label: str, data: Mapping[str, Any]) -> _SwayTrace:
    arrays: dict[str, FloatArray | None] = {}
    for key in ("time_s", "ml_mm", "ap_mm"):
        value = data.get(key)
        arrays[key] = None if value is None else as_array(value, key)
    present = {k: v for k, v in arrays.items() if v is not None}
    same_length(**present)
    ellipse = data.get("ellipse")
    shape = None
    if ellipse:
        cx, cy = (number(v, "ellipse centre_mm") for v in ellipse["centre_mm"])
        a, b = (number(v, "ellipse axes_mm") for v in ellipse["axes_mm"])
        shape = (cx, cy, a, b, number(ellipse["angle_deg"], "ellipse angle_deg"))
    return _SwayTrace(label, arrays["time_s"], arrays["ml_mm"], arrays["ap_mm"], shape)


def _sway_traces(result: AssessmentResult) -> list[_SwayTrace]:
    """One trace, or one per condition when ``plot_data`` nests them (Romberg, CTSIB)."""
    data = result.plot_data
    if any(key in data for key in ("time_s", "ml_mm", "ap_mm")):
        return [_sway_trace("", data)]
    return [
        _sway_trace(_condition_label(str(key)), value)
        for key, value in data.items()
        if isinstance(value, Mapping) and any(k in value for k in ("ml_mm", "ap_mm"))
    ]


def _panel_limits(traces: Sequence[_SwayTrace]) -> list[tuple[tuple[float, float], ...]]:
    """ML and AP limits (mm) of each panel: centred on its own trace and ellipse, with one span
    for all panels, so that the conditions compare at the same scale wherever the person stood."""
    boxes = []
    for trace in traces:
        assert trace.ml_mm is not None
        assert trace.ap_mm is not None
        xs = [float(np.nanmin(trace.ml_mm)), float(np.nanmax(trace.ml_mm))]
        ys = [float(np.nanmin(trace.ap_mm)), float(np.nanmax(trace.ap_mm))]
        if trace.ellipse is not None:
            cx, cy, a, b, _ = trace.ellipse
            xs += [cx - max(a, b), cx + max(a, b)]
            ys += [cy - max(a, b), cy + max(a, b)]
        boxes.append((min(xs), max(xs), min(ys), max(ys)))
    span = 1.15 * max(max(x1 - x0, y1 - y0) for x0, x1, y0, y1 in boxes) + 1.0
    return [
        (((x0 + x1 - span) / 2, (x0 + x1 + span) / 2), ((y0 + y1 - span) / 2, (y0 + y1 + span) / 2))
        for x0, x1, y0, y1 in boxes
    ]


def _stabilogram(result: AssessmentResult) -> Chart | None:
    traces = [t for t in _sway_traces(result) if t.ml_mm is not None and t.ap_mm is not None]
    if not traces:
        return None
    columns = min(len(traces), 2)
    rows = math.ceil(len(traces) / columns)
    limits = _panel_limits(traces)

    def draw(fig: FigureBase) -> None:
        axes = fig.subplots(rows, columns, squeeze=False).ravel()
        for ax, trace, (x_limits, y_limits) in zip(axes, traces, limits, strict=False):
            ax.plot(
                trace.ml_mm,
                trace.ap_mm,
                color=BLUE,
                linewidth=0.8,
                alpha=0.85,
                label="centre of pressure",
            )
            if trace.ellipse is not None:
                cx, cy, a, b, angle = trace.ellipse
                ax.add_patch(
                    Ellipse(
                        (cx, cy),
                        2 * a,
                        2 * b,
                        angle=angle,
                        facecolor=SAGE,
                        alpha=0.3,
                        edgecolor="#4d7c57",
                        linewidth=1.5,
                        label="95% ellipse",
                    )
                )
            if len(traces) == 1:
                ax.set_aspect("equal", adjustable="datalim")
            else:  # one scale for every condition, so that they compare at a glance
                ax.set_xlim(*x_limits)
                ax.set_ylim(*y_limits)
                ax.set_aspect("equal", adjustable="box")
            title = trace.label.capitalize() if trace.label else "Stabilogram: where the sway went"
            style(ax, title, "side to side, ML (mm)", "forward-backward, AP (mm)")
        for ax in axes[len(traces) :]:
            ax.set_visible(False)
        legend_below(fig, axes[0])

    caption = "Path of the centre of pressure seen from above, axes to the same scale"
    caption += " in every panel." if len(traces) > 1 else "."
    areas = [
        (f"{t.label}: " if t.label else "") + f"{format_value(math.pi * e[2] * e[3])} mm²"
        for t in traces
        if (e := t.ellipse) is not None
    ]
    if areas:
        caption += " The shaded ellipse holds 95% of it (area " + "; ".join(areas) + ")."
    size = (6.0, 5.0) if len(traces) == 1 else (8.0, 3.6 * rows + 0.6)
    return Chart("Stabilogram", caption, size, draw)


def _sway_over_time(result: AssessmentResult) -> Chart | None:
    traces = [t for t in _sway_traces(result) if t.time_s is not None]
    if not traces:
        return None
    single = len(traces) == 1
    panels: list[tuple[str, list[tuple[FloatArray, FloatArray, str, str]]]] = []
    for trace in traces:
        assert trace.time_s is not None
        lines = [
            (trace.time_s, values - np.nanmean(values), colour, name)
            for values, colour, name in (
                (trace.ap_mm, BLUE, "forward-backward (AP)"),
                (trace.ml_mm, ORANGE, "side to side (ML)"),
            )
            if values is not None
        ]
        if single:
            panels += [(name, [line]) for line in lines for name in [line[3]]]
        else:
            panels.append((trace.label.capitalize(), lines))

    def draw(fig: FigureBase) -> None:
        axes = fig.subplots(len(panels), 1, sharex=True, sharey=not single, squeeze=False)[:, 0]
        for i, (ax, (title, lines)) in enumerate(zip(axes, panels, strict=True)):
            for t, values, colour, name in lines:
                ax.plot(t, values, color=colour, linewidth=0.9, label=name)
            style(ax, title, "time (s)" if i == len(panels) - 1 else "", "from mean (mm)")
            ax.title.set_fontsize(10.5)
        if not single:
            legend_below(fig, axes[0])

    return Chart(
        "Sway over time",
        "Forward-backward (AP) and side-to-side (ML) position of the centre of pressure, "
        "from its mean position.",
        (8.0, 1.2 + 1.9 * len(panels)),
        draw,
    )


def _spectrum(result: AssessmentResult) -> Chart | None:
    spectrum = result.plot_data.get("spectrum")
    if not spectrum or not spectrum.get("freq_hz"):
        return None
    f = as_array(spectrum["freq_hz"], "spectrum freq_hz")
    series = []
    for key, colour, name in (
        ("ap_power", BLUE, "forward-backward (AP)"),
        ("ml_power", ORANGE, "side to side (ML)"),
    ):
        if spectrum.get(key) is not None:
            power = as_array(spectrum[key], f"spectrum {key}")
            same_length(freq_hz=f, **{key: power})
            series.append((power, colour, name))
    if not series:
        return None
    unit = str(spectrum.get("unit", "mm²/Hz"))
    total = np.nancumsum(np.sum([np.nan_to_num(p) for p, _, _ in series], axis=0))
    f_99 = float(f[np.searchsorted(total, 0.99 * total[-1])]) if total[-1] > 0 else float(f[-1])
    x_max = min(float(np.nanmax(f)), max(2.0, 1.25 * f_99))

    def draw(fig: FigureBase) -> None:
        ax = fig.subplots()
        for power, colour, name in series:
            ax.plot(f, power, color=colour, linewidth=1.4, label=name)
        ax.set_xlim(0, x_max)
        style(ax, "Sway frequency content", "frequency (Hz)", f"power ({unit})")
        legend(ax)

    return Chart(
        "Sway spectrum",
        "How much of the sway happens at each frequency; quiet-standing sway is mostly slow, well "
        "below 2 Hz.",
        (8.0, 3.6),
        draw,
    )


BUILDERS: tuple[tuple[str, Builder], ...] = (
    ("stabilogram", _stabilogram),
    ("sway over time", _sway_over_time),
    ("spectrum", _spectrum),
)
