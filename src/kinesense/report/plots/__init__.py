"""Charts of assessment results: matplotlib, drawn without pyplot (no global state, Agg); one
module per chart family (:func:`kinesense.assess.registry.family_of`) and a common module.

Each chart is a :class:`Chart`: a title, a caption, a preferred size and a ``draw`` function
that fills any matplotlib figure or sub-figure, so the web page renders it alone as PNG
(:func:`png_bytes`) and the PDF stacks two on an A4 page as vector graphics.

:func:`result_charts` reads the ``plot_data`` conventions of the assessment battery, by the
result's chart family:

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
- stance: ``trials`` (``duration_s``, ``ended_by``) → trial durations
  against the norm;
- posture: ``image_path``, ``landmarks_px``, ``lines`` (``from``/``to`` as [x, y] pixels or a
  landmark name, ``label``), ``view`` → the photo (or a stick figure) with the lines;
- mobility and forward-bend (``mobility-<movement>``): ``time_s``, ``angle_deg``, ``peaks``
  (``time_s``, ``angle_deg``, ``side``) → angle over time with the peaks.

A chart whose data is absent is skipped; data of the wrong shape is skipped with a
:class:`ChartProblem` the report prints, so a malformed file still gives a report.
"""

from collections.abc import Mapping

from kinesense.assess.registry import family_of
from kinesense.assess.result import AssessmentResult
from kinesense.assess.spec import Family
from kinesense.report.plots import mobility, posture, repositioning, stance, sway
from kinesense.report.plots.common import (
    BLUE,
    GREY,
    INK,
    BadDataError,
    Builder,
    Chart,
    ChartProblem,
    guarded,
    png_bytes,
    problem_text,
)
from kinesense.report.plots.trend import trend_chart

__all__ = [
    "BLUE",
    "GREY",
    "INK",
    "Chart",
    "ChartProblem",
    "png_bytes",
    "result_charts",
    "trend_chart",
]

BUILDERS: Mapping[Family, tuple[tuple[str, Builder], ...]] = {
    "sway": sway.BUILDERS,
    "repositioning": repositioning.BUILDERS,
    "stance": stance.BUILDERS,
    "posture": posture.BUILDERS,
    "mobility": mobility.BUILDERS,
    "forward-bend": mobility.BUILDERS,
}
"""The charts of each chart family."""


def result_charts(result: AssessmentResult) -> tuple[list[Chart], list[ChartProblem]]:
    """The charts of one result (none for an unusable result or a test no family draws)."""
    if not result.usable or not result.plot_data:
        return [], []
    family = family_of(result.test)
    builders = BUILDERS.get(family, ()) if family is not None else ()
    charts: list[Chart] = []
    problems: list[ChartProblem] = []
    for name, builder in builders:
        try:
            chart = builder(result)
        except (BadDataError, KeyError, TypeError, ValueError, IndexError) as exc:
            problems.append(ChartProblem(name, problem_text(exc)))
            continue
        if chart is not None:
            charts.append(guarded(chart))
    return charts, problems
