"""Charts of assessment results: matplotlib, drawn without pyplot (no global state, Agg).

Each chart is a :class:`Chart`: a title, a caption, a preferred size and a ``draw`` function
that fills any matplotlib figure or sub-figure, so the web page renders it alone as PNG
(:func:`png_bytes`) and the PDF stacks two on an A4 page as vector graphics.

:func:`result_charts` reads the ``plot_data`` conventions of the assessment battery:

- sway, romberg, ctsib: ``time_s``, ``ml_mm``, ``ap_mm`` (either may be None: single-direction
  video); ``ellipse`` with ``centre_mm``, ``axes_mm`` (the two semi-axes, mm, area = π·a·b) and
  ``angle_deg`` (of the first axis from the ML axis towards AP); ``spectrum`` with ``freq_hz``,
  ``ap_power``, ``ml_power`` (Welch PSD, mm²/Hz unless ``unit`` says otherwise) → stabilogram,
  sway over time (about the mean), spectrum. Romberg and CTSIB nest one such mapping per
  condition (``{"eyes_open": {...}, "eyes_closed": {...}}``, ``{"eo_firm": {...}, ...}``):
  their stabilograms are drawn side by side at one scale;
- repositioning: ``trials`` (``target_deg``, ``reproduced_deg``, ``error_deg``, ``start_s``,
  ``end_s``, optionally ``hold_start_s``/``hold_end_s``), ``time_s``, ``angle_deg`` → error
  per trial around zero with the norm's ± threshold shaded, angle trace with the holds;
- stance (or single-leg-stance): ``trials`` (``duration_s``, ``ended_by``) → trial durations
  against the norm;
- posture: ``image_path``, ``landmarks_px``, ``lines`` (``from``/``to`` as [x, y] pixels or a
  landmark name, ``label``), ``view`` → the photo (or a stick figure) with the lines;
- mobility-<movement>: ``time_s``, ``angle_deg``, ``peaks`` (``time_s``, ``angle_deg``,
  ``side``) → angle over time with the peaks.

A chart whose data is absent is skipped; data of the wrong shape is skipped with a
:class:`ChartProblem` the report prints, so a malformed file still gives a report.
"""

import io
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase
from matplotlib.patches import Ellipse

from kinesense.assess.result import AssessmentResult, NormComparison
from kinesense.report import (
    SWAY_TESTS,
    format_value,
    metric_label,
    parse_time,
    range_text,
    title_of,
)

# A calm palette: muted blue and orange for the two series, sage for normal ranges.
BLUE = "#3f6e8c"
ORANGE = "#c97b4a"
SAGE = "#8fb996"
GREY = "#6b7280"
INK = "#1f2933"
GRID = "#e5e7eb"
SIDE_COLOURS = {"left": BLUE, "right": ORANGE}

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


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


class _BadDataError(ValueError):
    pass


def png_bytes(chart: Chart, dpi: int = 110) -> bytes:
    """The chart alone as a PNG image."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = Figure(figsize=chart.size_in, layout="constrained")
    FigureCanvasAgg(figure)
    chart.draw(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def result_charts(result: AssessmentResult) -> tuple[list[Chart], list[ChartProblem]]:
    """The charts of one result (none for an unusable result or an unknown test)."""
    if not result.usable or not result.plot_data:
        return [], []
    builders = _BUILDERS.get(chart_family(result.test), ())
    charts: list[Chart] = []
    problems: list[ChartProblem] = []
    for name, builder in builders:
        try:
            chart = builder(result)
        except (_BadDataError, KeyError, TypeError, ValueError, IndexError) as exc:
            problems.append(ChartProblem(name, _problem_text(exc)))
            continue
        if chart is not None:
            charts.append(_guarded(chart))
    return charts, problems


def _guarded(chart: Chart) -> Chart:
    """``chart`` whose drawing, if the data still trips matplotlib, shows why instead of failing."""

    def draw(fig: FigureBase) -> None:
        try:
            chart.draw(fig)
        except (ValueError, RuntimeError, TypeError, IndexError, KeyError) as exc:
            fig.clear()
            fig.text(
                0.5,
                0.5,
                f"This chart could not be drawn: {_problem_text(exc)}",
                ha="center",
                va="center",
                fontsize=10,
                color=GREY,
                wrap=True,
            )

    return Chart(chart.title, chart.caption, chart.size_in, draw)


def chart_family(test: str) -> str:
    """Which charts a test gets: ``"sway"`` (sway, romberg, ctsib), ``"stance"``,
    ``"mobility"`` (``mobility-<movement>``), ``"repositioning"``, ``"posture"`` or the name."""
    if test in SWAY_TESTS:
        return "sway"
    if test in ("stance", "single-leg-stance"):
        return "stance"
    if test.startswith("mobility"):
        return "mobility"
    return test


def _problem_text(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"the plot data has no {exc.args[0]!r}"
    return str(exc) or type(exc).__name__


# --- data checks -------------------------------------------------------------------------


def _array(values: Any, name: str) -> FloatArray:
    """A 1-D float array (``None`` → NaN); :class:`_BadDataError` if not a list of numbers."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise _BadDataError(f"{name} is not a list of numbers") from None
    if array.ndim != 1 or array.size == 0:
        raise _BadDataError(f"{name} must be a non-empty list of numbers")
    return array


def _same_length(**arrays: FloatArray) -> None:
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise _BadDataError(f"lists of different lengths: {lengths}")


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _BadDataError(f"{name} must be a number")
    return float(value)


def _optional_number(value: Any) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
    )


# --- styling -----------------------------------------------------------------------------


def _style(ax: Axes, title: str, xlabel: str, ylabel: str) -> None:
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


def _legend(ax: Axes) -> None:
    ax.legend(fontsize=9, frameon=False, loc="best")


def _norm_for(
    result: AssessmentResult, keywords: Sequence[str], unit: str
) -> NormComparison | None:
    """The first norm on a metric whose name holds one of ``keywords`` or whose unit is ``unit``."""
    for norm in result.norms:
        if norm.low is None and norm.high is None:
            continue
        info = result.metric_info.get(norm.metric)
        if any(k in norm.metric for k in keywords) or (info is not None and info.unit == unit):
            return norm
    return None


def _shade_range(ax: Axes, low: float | None, high: float | None, label: str) -> None:
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


def _legend_below(fig: FigureBase, ax: Axes) -> None:
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
        arrays[key] = None if value is None else _array(value, key)
    present = {k: v for k, v in arrays.items() if v is not None}
    _same_length(**present)
    ellipse = data.get("ellipse")
    shape = None
    if ellipse:
        cx, cy = (_number(v, "ellipse centre_mm") for v in ellipse["centre_mm"])
        a, b = (_number(v, "ellipse axes_mm") for v in ellipse["axes_mm"])
        shape = (cx, cy, a, b, _number(ellipse["angle_deg"], "ellipse angle_deg"))
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
            _style(ax, title, "side to side, ML (mm)", "forward-backward, AP (mm)")
        for ax in axes[len(traces) :]:
            ax.set_visible(False)
        _legend_below(fig, axes[0])

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
            _style(ax, title, "time (s)" if i == len(panels) - 1 else "", "from mean (mm)")
            ax.title.set_fontsize(10.5)
        if not single:
            _legend_below(fig, axes[0])

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
    f = _array(spectrum["freq_hz"], "spectrum freq_hz")
    series = []
    for key, colour, name in (
        ("ap_power", BLUE, "forward-backward (AP)"),
        ("ml_power", ORANGE, "side to side (ML)"),
    ):
        if spectrum.get(key) is not None:
            power = _array(spectrum[key], f"spectrum {key}")
            _same_length(freq_hz=f, **{key: power})
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
        _style(ax, "Sway frequency content", "frequency (Hz)", f"power ({unit})")
        _legend(ax)

    return Chart(
        "Sway spectrum",
        "How much of the sway happens at each frequency; quiet-standing sway is mostly slow, well "
        "below 2 Hz.",
        (8.0, 3.6),
        draw,
    )


# --- repositioning -----------------------------------------------------------------------


def _trials(result: AssessmentResult) -> list[Mapping[str, Any]]:
    trials = result.plot_data.get("trials")
    if not trials:
        return []
    if not isinstance(trials, list) or not all(isinstance(t, Mapping) for t in trials):
        raise _BadDataError("trials must be a list of objects")
    return trials


def _repositioning_errors(result: AssessmentResult) -> Chart | None:
    trials = _trials(result)
    if not trials:
        return None
    errors = np.array([_number(t["error_deg"], "trial error_deg") for t in trials])
    norm = _norm_for(result, ("error",), "deg")
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
            _shade_range(ax, -limit, limit, label)
        _style(ax, "Repositioning error per trial", "trial", "error (°)")
        _legend_below(fig, ax)

    caption = (
        "Reproduced minus target angle for each trial: 0° is a perfect match, above zero an "
        "overshoot, below zero an undershoot."
    )
    if limit is not None:
        caption += " Bars in orange lie outside the reference threshold."
    return Chart("Repositioning error", caption, (7.0, 4.0), draw)


def _repositioning_trace(result: AssessmentResult) -> Chart | None:
    data = result.plot_data
    if "time_s" not in data or "angle_deg" not in data:
        return None
    t, angle = _array(data["time_s"], "time_s"), _array(data["angle_deg"], "angle_deg")
    _same_length(time_s=t, angle_deg=angle)
    holds = [
        (
            _number(trial.get("hold_start_s", trial["start_s"]), "trial hold start"),
            _number(trial.get("hold_end_s", trial["end_s"]), "trial hold end"),
            _optional_number(trial.get("target_deg")),
            _optional_number(trial.get("reproduced_deg")),
        )
        for trial in _trials(result)
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
        _style(ax, "Angle during the test", "time (s)", "angle (°)")
        _legend_below(fig, ax)

    return Chart(
        "Angle trace",
        "The measured angle over time; shaded spans are the holds where the position was judged.",
        (8.0, 3.8),
        draw,
    )


# --- single-leg stance -------------------------------------------------------------------


def _stance_trials(result: AssessmentResult) -> Chart | None:
    trials = _trials(result)
    if not trials:
        return None
    durations = np.array([_number(t["duration_s"], "trial duration_s") for t in trials])
    ended = [str(t.get("ended_by") or "") for t in trials]
    labels = [f"trial {i + 1}" for i in range(len(trials))]
    norm = _norm_for(result, ("stance", "duration", "time"), "s")

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
            _shade_range(ax, norm.low, norm.high, f"{reference}: {norm.population} ({norm.source})")
        _style(ax, "Time standing on one leg", "", "time (s)")
        _legend_below(fig, ax)

    return Chart(
        "Single-leg stance trials",
        "Each bar is one trial, labelled with what ended it; orange bars are below the "
        "reference value.",
        (7.0, 4.0),
        draw,
    )


# --- posture -----------------------------------------------------------------------------


def _point(value: Any, landmarks: Mapping[str, Any]) -> tuple[float, float]:
    if isinstance(value, str):
        if value not in landmarks:
            raise _BadDataError(f"line end {value!r} is not among landmarks_px")
        value = landmarks[value]
    x, y = (_number(v, "line end") for v in value)
    return x, y


def _zoom_to_person(
    ax: Axes, points: Sequence[tuple[float, float]], width: float, height: float
) -> None:
    """Show the part of the photo around the landmarks (a quarter of the body's size around)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    pad = 0.25 * max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    ax.set_xlim(max(0.0, min(xs) - pad), min(width, max(xs) + pad))
    ax.set_ylim(min(height, max(ys) + pad), max(0.0, min(ys) - pad))  # y down, as in images
    ax.set_aspect("equal", adjustable="box")


def _posture(result: AssessmentResult) -> Chart | None:
    from kinesense.landmarks import SKELETON

    data = result.plot_data
    landmarks: Mapping[str, Any] = data.get("landmarks_px") or {}
    points = {name: _point(xy, {}) for name, xy in landmarks.items()}
    lines = []
    missing: list[str] = []
    for line in data.get("lines") or []:
        ends = [line["from"], line["to"]]
        absent = [end for end in ends if isinstance(end, str) and end not in landmarks]
        if absent:  # a landmark not seen in the photo: draw the other lines
            missing += absent
            continue
        lines.append((_point(ends[0], landmarks), _point(ends[1], landmarks),
                      str(line.get("label", ""))))  # fmt: skip
    if not points and not lines:
        return None
    image = None
    image_path = data.get("image_path")
    if isinstance(image_path, str) and Path(image_path).is_file():
        from matplotlib.image import imread

        try:
            image = imread(image_path)
        except (OSError, ValueError, SyntaxError):
            image = None
    view = str(data.get("view") or "")

    def draw(fig: FigureBase) -> None:
        ax = fig.subplots()
        if image is not None:
            ax.imshow(image)
        else:
            for a, b in SKELETON:
                if a in points and b in points:
                    ax.plot(
                        *zip(points[a], points[b], strict=True),
                        color="#9ca3af",
                        linewidth=3,
                        solid_capstyle="round",
                    )
            ax.invert_yaxis()
        if points:
            xs, ys = zip(*points.values(), strict=True)
            ax.plot(
                xs, ys, "o", color=INK, markersize=4, markeredgecolor="white", markeredgewidth=0.8
            )
        for (x0, y0), (x1, y1), label in lines:
            ax.plot([x0, x1], [y0, y1], color=ORANGE, linewidth=2.2)
            if label:
                ax.annotate(
                    label,
                    ((x0 + x1) / 2, (y0 + y1) / 2),
                    xytext=(8, 0),
                    textcoords="offset points",
                    fontsize=10,
                    color=INK,
                    bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": ORANGE, "alpha": 0.9},
                )
        if image is not None and points:
            _zoom_to_person(ax, list(points.values()), image.shape[1], image.shape[0])
        else:
            ax.set_aspect("equal", adjustable="datalim")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        title = "Posture" + (f" ({view} view)" if view else "")
        ax.set_title(title, fontsize=12, color=INK, loc="left")

    caption = "The measured lines and angles drawn on "
    caption += "the photo." if image is not None else "the body's landmarks (stick figure)."
    if missing:
        names = ", ".join(sorted({m.replace("_", " ") for m in missing}))
        caption += f" Not drawn (landmark not found): {names}."
    return Chart("Posture", caption, (5.0, 6.0), draw)


# --- mobility ----------------------------------------------------------------------------


def _mobility(result: AssessmentResult) -> Chart | None:
    data = result.plot_data
    if "time_s" not in data or "angle_deg" not in data:
        return None
    t, angle = _array(data["time_s"], "time_s"), _array(data["angle_deg"], "angle_deg")
    _same_length(time_s=t, angle_deg=angle)
    peaks = [
        (
            _number(p["time_s"], "peak time_s"),
            _number(p["angle_deg"], "peak angle_deg"),
            str(p.get("side") or ""),
        )
        for p in data.get("peaks") or []
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
        _style(ax, "Movement over time", "time (s)", "angle (°)")
        _legend_below(fig, ax)

    return Chart(
        "Mobility",
        "The angle through the movement; dots mark the furthest point of each repetition.",
        (8.0, 3.8),
        draw,
    )


# --- trends ------------------------------------------------------------------------------


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
                _shade_range(ax, norm.low, norm.high, "reference range")
            shown = {"deg": "°"}.get(unit, unit)
            _style(ax, metric_label(metric), "", shown)
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


_Builder = Callable[[AssessmentResult], Chart | None]
_BUILDERS: Mapping[str, tuple[tuple[str, _Builder], ...]] = {
    "sway": (
        ("stabilogram", _stabilogram),
        ("sway over time", _sway_over_time),
        ("spectrum", _spectrum),
    ),
    "repositioning": (
        ("error per trial", _repositioning_errors),
        ("angle trace", _repositioning_trace),
    ),
    "stance": (("trials", _stance_trials),),
    "posture": (("posture", _posture),),
    "mobility": (("angle over time", _mobility),),
}
