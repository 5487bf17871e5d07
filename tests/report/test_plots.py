"""Charts: the drawn artists carry the data they were given (checked against the inputs)."""

import math
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse, Rectangle

from kinesense.assess.registry import family_of
from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.report.plots import BUILDERS, Chart, png_bytes, result_charts, trend_chart
from tests.conftest import shared_file
from tests.report import (
    CHI2_95_2DOF,
    REPOSITIONING_ERRORS_DEG,
    STANCE_DURATIONS_S,
    mobility_result,
    posture_result,
    repositioning_result,
    romberg_result,
    stance_result,
    sway_result,
    unknown_result,
    unusable_result,
)


def drawn(chart: Chart) -> Figure:
    figure = Figure(figsize=chart.size_in, layout="constrained")
    chart.draw(figure)
    figure.canvas.draw()  # type: ignore[no-untyped-call]
    return figure


def by_title(charts: list[Chart], title: str) -> Chart:
    return next(chart for chart in charts if chart.title == title)


def bars(figure: Figure) -> list[Rectangle]:
    return [bar for ax in figure.axes for container in ax.containers for bar in container]


def spans(figure: Figure) -> list[Rectangle]:
    """Shaded spans (axhspan, axvspan): rectangles that are not bars."""
    drawn_bars = {id(bar) for bar in bars(figure)}
    return [
        p for p in figure.axes[0].patches if isinstance(p, Rectangle) and id(p) not in drawn_bars
    ]


def y_range(span: Rectangle) -> tuple[float, float]:
    ys = span.get_corners()[:, 1]
    return float(ys.min()), float(ys.max())


def test_chart_family_of_every_test_name() -> None:
    assert [family_of(t) for t in ("sway", "romberg", "ctsib")] == ["sway"] * 3
    assert family_of("stance") == family_of("single-leg-stance") == "stance"
    assert family_of("mobility-flexion") == "mobility"
    assert family_of("mobility-waiters-bow") == "forward-bend"
    assert family_of("breathing_rate") is None


def test_every_registered_result_has_charts() -> None:
    from kinesense.assess.registry import result_names

    for name in result_names():
        family = family_of(name)
        assert family is not None
        assert BUILDERS[family], f"{name} ({family}) has no charts"


def test_sway_charts_and_ellipse_geometry() -> None:
    result = sway_result()
    charts, problems = result_charts(result)
    assert problems == []
    assert [c.title for c in charts] == ["Stabilogram", "Sway over time", "Sway spectrum"]
    figure = drawn(by_title(charts, "Stabilogram"))
    (ellipse,) = [p for p in figure.axes[0].patches if isinstance(p, Ellipse)]
    a, b = result.plot_data["ellipse"]["axes_mm"]
    # Ellipse width/height are full axes: twice the semi-axes.
    assert ellipse.width == pytest.approx(2 * a)
    assert ellipse.height == pytest.approx(2 * b)
    assert ellipse.angle == pytest.approx(result.plot_data["ellipse"]["angle_deg"])
    ax = figure.axes[0]
    assert ax.get_aspect() == 1.0  # equal axes
    line = ax.get_lines()[0]
    assert np.allclose(line.get_xdata(), result.plot_data["ml_mm"])
    assert np.allclose(line.get_ydata(), result.plot_data["ap_mm"])
    assert "mm" in ax.get_xlabel()
    assert "mm" in ax.get_ylabel()
    # The caption's area is pi * a * b (the semi-axes).
    area = math.pi * a * b
    assert 10 < area < 100
    assert f"(area {area:.1f} mm²)" in by_title(charts, "Stabilogram").caption


def test_synthetic_sway_ellipse_is_the_chi_square_prediction_ellipse() -> None:
    # 4 mm and 2 mm sines: variances 8 and 2 mm², uncorrelated over whole periods.
    a, b = sway_result().plot_data["ellipse"]["axes_mm"]
    assert a == pytest.approx(math.sqrt(CHI2_95_2DOF * 8.0), rel=0.01)
    assert b == pytest.approx(math.sqrt(CHI2_95_2DOF * 2.0), rel=0.01)


def test_sway_over_time_is_about_the_mean_and_spectrum_has_both_axes() -> None:
    result = sway_result(scale=1.0)
    charts, _ = result_charts(result)
    over_time = drawn(by_title(charts, "Sway over time"))
    ap_line = over_time.axes[0].get_lines()[0]
    ap = np.asarray(result.plot_data["ap_mm"])
    assert np.allclose(ap_line.get_ydata(), ap - ap.mean())
    assert over_time.axes[-1].get_xlabel() == "time (s)"
    spectrum = drawn(by_title(charts, "Sway spectrum"))
    assert len(spectrum.axes[0].get_lines()) == 2
    assert spectrum.axes[0].get_xlabel() == "frequency (Hz)"


def test_video_sway_with_one_direction_only() -> None:
    base = sway_result()
    data = dict(base.plot_data)
    data["ml_mm"] = None
    data.pop("ellipse")
    data["spectrum"] = {**data["spectrum"], "ml_power": None}
    result = AssessmentResult(**{**base.__dict__, "plot_data": data})
    charts, problems = result_charts(result)
    assert problems == []
    assert [c.title for c in charts] == ["Sway over time", "Sway spectrum"]
    assert len(drawn(charts[0]).axes) == 1  # AP only


def test_romberg_conditions_share_one_scale() -> None:
    charts, problems = result_charts(romberg_result())
    assert problems == []
    figure = drawn(by_title(charts, "Stabilogram"))
    visible = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in visible] == ["Eyes open", "Eyes closed"]
    spans = [np.ptp(ax.get_xlim()) for ax in visible] + [np.ptp(ax.get_ylim()) for ax in visible]
    assert max(spans) == pytest.approx(min(spans))


def test_repositioning_error_bars_and_threshold() -> None:
    charts, problems = result_charts(repositioning_result())
    assert problems == []
    figure = drawn(by_title(charts, "Repositioning error"))
    heights = [bar.get_height() for bar in bars(figure)]
    assert heights == pytest.approx(REPOSITIONING_ERRORS_DEG)
    # The reference band is shaded from -4.5 to +4.5 degrees.
    (band,) = spans(figure)
    assert y_range(band) == pytest.approx((-4.5, 4.5))
    # Trials beyond the threshold are coloured differently from those within it.
    colours = {
        abs(e) > 4.5: bar.get_facecolor()
        for e, bar in zip(REPOSITIONING_ERRORS_DEG, bars(figure), strict=True)
    }
    assert colours[True] != colours[False]


def test_repositioning_trace_marks_holds() -> None:
    result = repositioning_result()
    figure = drawn(by_title(result_charts(result)[0], "Angle trace"))
    starts = sorted(float(p.get_corners()[:, 0].min()) for p in spans(figure))
    assert starts == pytest.approx([t["start_s"] for t in result.plot_data["trials"]])


def test_repositioning_holds_come_from_hold_times_when_given() -> None:
    base = repositioning_result()
    trials = [
        {**t, "hold_start_s": t["start_s"] + 0.5, "hold_end_s": t["end_s"] - 0.25}
        for t in base.plot_data["trials"]
    ]
    result = AssessmentResult(
        **{**base.__dict__, "plot_data": {**base.plot_data, "trials": trials}}
    )
    figure = drawn(by_title(result_charts(result)[0], "Angle trace"))
    holds = sorted(
        (float(p.get_corners()[:, 0].min()), float(p.get_corners()[:, 0].max()))
        for p in spans(figure)
    )
    expected = [(t["hold_start_s"], t["hold_end_s"]) for t in trials]
    assert np.allclose(holds, expected)


def test_stance_bars_against_the_norm() -> None:
    charts, _ = result_charts(stance_result())
    figure = drawn(charts[0])
    assert [b.get_height() for b in bars(figure)] == pytest.approx(STANCE_DURATIONS_S)
    (band,) = spans(figure)
    low, high = y_range(band)
    assert low == pytest.approx(25.0)  # "at least 25 s" is shaded upwards
    assert high >= max(STANCE_DURATIONS_S)
    assert figure.axes[0].get_ylabel() == "time (s)"


def test_posture_stick_figure_and_photo(tmp_path: Path) -> None:
    stick = drawn(result_charts(posture_result())[0][0])
    labels = [t.get_text() for t in stick.axes[0].texts]
    assert "CVA 52°" in labels
    assert stick.axes[0].yaxis_inverted()  # image coordinates, y down
    photo = tmp_path / "photo.png"
    Figure(figsize=(4, 9)).savefig(photo, dpi=100)
    chart = result_charts(posture_result(str(photo)))[0][0]
    assert "photo" in chart.caption
    ax = drawn(chart).axes[0]
    assert ax.get_images()
    # Zoomed on the person (landmarks x 285-420, y 140-895) within the 400 x 900 px photo.
    left, right = ax.get_xlim()
    bottom, top = ax.get_ylim()
    assert 0 < left < 285
    assert right == 400  # clipped to the photo
    assert bottom == 900  # clipped to the photo, y down
    assert 0 <= top < 140


def test_posture_line_to_an_unseen_landmark_is_left_out_and_said() -> None:
    base = posture_result()
    unseen = {"from": "right_ear", "to": "right_eye", "label": "head tilt 3°"}
    data = {**base.plot_data, "lines": [*base.plot_data["lines"], unseen]}
    charts, problems = result_charts(AssessmentResult(**{**base.__dict__, "plot_data": data}))
    assert problems == []
    assert "Not drawn (landmark not found): right eye." in charts[0].caption
    labels = [t.get_text() for t in drawn(charts[0]).axes[0].texts]
    assert "CVA 52°" in labels
    assert "head tilt 3°" not in labels


def test_posture_line_with_bad_coordinates_is_a_problem_not_a_crash() -> None:
    base = posture_result()
    data = {**base.plot_data, "lines": [{"from": "right_ear", "to": ["a", "b"], "label": "x"}]}
    charts, problems = result_charts(AssessmentResult(**{**base.__dict__, "plot_data": data}))
    assert charts == []
    assert "line end must be a number" in problems[0].reason


def test_mobility_peaks() -> None:
    result = mobility_result()
    figure = drawn(result_charts(result)[0][0])
    markers = [line for line in figure.axes[0].get_lines() if line.get_marker() == "o"]
    assert sorted(float(m.get_xdata()[0]) for m in markers) == [1, 3, 5, 7, 9, 11]


def test_unknown_and_unusable_results_have_no_charts() -> None:
    assert result_charts(unknown_result()) == ([], [])
    assert result_charts(unusable_result()) == ([], [])


def test_malformed_plot_data_is_reported() -> None:
    base = sway_result()
    data = {**base.plot_data, "ml_mm": [1.0, 2.0]}  # shorter than ap_mm
    charts, problems = result_charts(AssessmentResult(**{**base.__dict__, "plot_data": data}))
    assert {p.chart for p in problems} >= {"stabilogram", "sway over time"}
    assert "different lengths" in problems[0].reason
    assert [c.title for c in charts] == ["Sway spectrum"]


def test_trend_chart_plots_each_visit() -> None:
    results = [sway_result(f"2026-1{m}-01T09:00:00+00:00", scale=s) for m, s in ((0, 2), (1, 1))]
    chart = trend_chart("sway", "eyes: open", results, ["mean_velocity_mm_s", "path_length_mm"])
    figure = drawn(chart)
    assert len(figure.axes) == 2
    values = figure.axes[1].get_lines()[0].get_ydata()
    assert list(values) == pytest.approx([r.metrics["path_length_mm"] for r in results])
    assert [t.get_text() for t in figure.axes[-1].get_xticklabels()] == ["1 Oct 2026", "1 Nov 2026"]


def test_png_bytes_is_a_png() -> None:
    assert png_bytes(result_charts(stance_result())[0][0]).startswith(b"\x89PNG\r\n\x1a\n")


def test_real_force_plate_recording(shared_data: Path) -> None:
    """Stabilogram of the real eyes-open recording: the trace spans the recording's range."""
    from kinesense.capture.readers import read_cop_csv

    cop = read_cop_csv(shared_file(shared_data, "cop/eyesOpen_1.csv.gz"))
    step = 10  # 1000 Hz -> 100 Hz is plenty for a picture
    ml, ap = cop.ml_m[::step] * 1000, cop.ap_m[::step] * 1000
    result = AssessmentResult(
        test="sway",
        usable=True,
        metrics={"range_ap_mm": float(np.ptp(ap))},
        metric_info={"range_ap_mm": MetricInfo("mm", "AP range", "max - min")},
        plot_data={
            "time_s": cop.time_s[::step].tolist(),
            "ml_mm": ml.tolist(),
            "ap_mm": ap.tolist(),
        },
    )
    charts, problems = result_charts(result)
    assert problems == []
    figure = drawn(by_title(charts, "Stabilogram"))
    bottom, top = figure.axes[0].get_ylim()
    assert bottom <= ap.min()
    assert top >= ap.max()
    assert 5 < np.ptp(ap) < 50  # quiet standing: centimetres, not metres
