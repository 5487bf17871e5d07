"""Synthetic assessment results of every test type, with plot data of known shape.

The figures are made up for the report tests (sources say "synthetic"); the shapes follow the
``plot_data`` conventions documented in :mod:`kinesense.report.plots`.
"""

import math

import numpy as np

from kinesense.assess.result import AssessmentResult, MetricInfo, compare_with_norm

SYNTHETIC = "synthetic test norm (not a publication)"
CHI2_95_2DOF = 5.991464547107979  # chi-square 0.95 quantile, 2 degrees of freedom


def _info(unit: str, definition: str, reference: str = "synthetic reference") -> MetricInfo:
    return MetricInfo(unit, definition, reference)


def sway_result(
    recorded_at: str = "2026-11-02T09:00:00+00:00",
    scale: float = 1.0,
    test: str = "sway",
    eyes: str = "open",
) -> AssessmentResult:
    """30 s of sway at 50 Hz: AP 4 mm at 0.3 Hz and ML 2 mm at 0.5 Hz, times ``scale``."""
    t = np.arange(0, 30, 0.02)
    ap = scale * 4.0 * np.sin(2 * math.pi * 0.3 * t)
    ml = scale * 2.0 * np.sin(2 * math.pi * 0.5 * t + 0.4)
    cov = np.cov(np.vstack([ml, ap]))
    eigenvalues, vectors = np.linalg.eigh(cov)
    a, b = np.sqrt(CHI2_95_2DOF * eigenvalues[::-1])
    angle = math.degrees(math.atan2(vectors[1, -1], vectors[0, -1]))
    path = float(np.sum(np.hypot(np.diff(ml), np.diff(ap))))
    freq = np.linspace(0, 5, 101)
    spectrum_ap = np.exp(-(((freq - 0.3) / 0.05) ** 2))
    spectrum_ml = 0.4 * np.exp(-(((freq - 0.5) / 0.05) ** 2))
    velocity = path / 30.0
    metrics = {
        "path_length_mm": path,
        "mean_velocity_mm_s": velocity,
        "ellipse_area_mm2": math.pi * a * b,
    }
    info = {
        "path_length_mm": _info("mm", "Total distance travelled by the centre of pressure."),
        "mean_velocity_mm_s": _info("mm/s", "Path length divided by the duration."),
        "ellipse_area_mm2": _info("mm²", "Area of the 95% confidence ellipse."),
    }
    norm = compare_with_norm(
        "mean_velocity_mm_s",
        velocity,
        low=None,
        high=15.0,
        population="adults 20-60",
        source=SYNTHETIC,
        unit="mm/s",
    )
    return AssessmentResult(
        test=test,
        usable=True,
        metrics=metrics,
        metric_info=info,
        norms=(norm,),
        interpretation="Sway is small and mostly forward and backward.",
        notes=("Sway measured from video is less precise than from a force plate.",),
        protocol="Stand still, feet together, arms by the sides, for 30 seconds.",
        quality={"duration_s": 30.0, "sampling_rate_hz": 50.0, "gaps": 0},
        conditions={"eyes": eyes, "surface": "firm", "age": 44},
        source={"kind": "cop_csv", "path": "eyesOpen_1.csv.gz"},
        plot_data={
            "time_s": t.tolist(),
            "ml_mm": ml.tolist(),
            "ap_mm": ap.tolist(),
            "ellipse": {"centre_mm": [0.0, 0.0], "axes_mm": [a, b], "angle_deg": angle},
            "spectrum": {
                "freq_hz": freq.tolist(),
                "ap_power": spectrum_ap.tolist(),
                "ml_power": spectrum_ml.tolist(),
            },
        },
        recorded_at=recorded_at,
    )


REPOSITIONING_ERRORS_DEG = (2.1, -3.4, 6.2, 1.0, -0.8, 5.1)


def repositioning_result() -> AssessmentResult:
    """Six returns to a 0° neutral head position after rotation; errors REPOSITIONING_ERRORS_DEG."""
    trials = []
    time, angle = [], []
    for i, error in enumerate(REPOSITIONING_ERRORS_DEG):
        start = 4.0 * i
        seg_t = np.linspace(start, start + 4.0, 80, endpoint=False)
        seg = np.where(seg_t - start < 1.5, 50 * np.sin(math.pi * (seg_t - start) / 1.5), error)
        time += seg_t.tolist()
        angle += seg.tolist()
        trials.append(
            {
                "target_deg": 0.0,
                "reproduced_deg": error,
                "error_deg": error,
                "start_s": start + 2.0,
                "end_s": start + 3.5,
            }
        )
    mean_abs = float(np.mean(np.abs(REPOSITIONING_ERRORS_DEG)))
    norm = compare_with_norm(
        "absolute_error_deg",
        mean_abs,
        low=None,
        high=4.5,
        population="adults without neck pain",
        source=SYNTHETIC,
        unit="deg",
    )
    return AssessmentResult(
        test="repositioning",
        usable=True,
        metrics={"absolute_error_deg": mean_abs, "constant_error_deg": 1.7},
        metric_info={
            "absolute_error_deg": _info("deg", "Mean of the absolute repositioning errors."),
            "constant_error_deg": _info("deg", "Mean signed error (overshoot positive)."),
        },
        norms=(norm,),
        interpretation="Your head returns close to its starting position.",
        protocol="Eyes closed, turn the head fully to one side and return to the start.",
        quality={"mean_visibility": 0.93},
        conditions={"joint": "cervical", "movement": "rotation"},
        plot_data={"trials": trials, "time_s": time, "angle_deg": angle},
        recorded_at="2026-11-20T10:00:00+00:00",
    )


STANCE_DURATIONS_S = (22.4, 30.0, 18.1)


def stance_result() -> AssessmentResult:
    """Three single-leg stance trials of STANCE_DURATIONS_S seconds."""
    ends = ("foot_down", "time_up", "hop")
    trials = [
        {"start_s": 40.0 * i, "end_s": 40.0 * i + d, "duration_s": d, "ended_by": e}
        for i, (d, e) in enumerate(zip(STANCE_DURATIONS_S, ends, strict=True))
    ]
    best = max(STANCE_DURATIONS_S)
    norm = compare_with_norm(
        "best_stance_time_s",
        best,
        low=25.0,
        high=None,
        population="adults 40-49, eyes open",
        source=SYNTHETIC,
        unit="s",
    )
    return AssessmentResult(
        test="stance",
        usable=True,
        metrics={"best_stance_time_s": best, "mean_stance_time_s": 23.5},
        metric_info={
            "best_stance_time_s": _info("s", "Longest of the trials."),
            "mean_stance_time_s": _info("s", "Mean of the trials."),
        },
        norms=(norm,),
        interpretation="You stood on one leg for as long as most people your age.",
        protocol="Stand on the right leg, eyes open, hands on hips, for up to 30 s; 3 trials.",
        quality={"mean_visibility": 0.88},
        conditions={"eyes": "open", "side": "right"},
        plot_data={"trials": trials},
        recorded_at="2026-11-20T10:10:00+00:00",
    )


def posture_result(image_path: str | None = None) -> AssessmentResult:
    """A side-view standing posture with a craniovertebral angle of 52°."""
    landmarks = {
        "right_ear": [330, 140],
        "right_shoulder": [300, 250],
        "right_hip": [305, 480],
        "right_knee": [310, 680],
        "right_ankle": [305, 870],
        "right_heel": [285, 890],
        "right_foot_index": [360, 895],
        "nose": [375, 150],
    }
    return AssessmentResult(
        test="posture",
        usable=True,
        metrics={"craniovertebral_angle_deg": 52.0},
        metric_info={
            "craniovertebral_angle_deg": _info(
                "deg", "Angle between the horizontal and the line from C7 to the ear tragus."
            )
        },
        protocol="Stand relaxed, side on to the camera, looking ahead.",
        conditions={"view": "side"},
        plot_data={
            "image_path": image_path,
            "landmarks_px": landmarks,
            "lines": [
                {"from": "right_shoulder", "to": "right_ear", "label": "CVA 52°"},
                {"from": [300, 250], "to": [420, 250], "label": ""},
            ],
            "view": "side",
        },
        recorded_at="2026-11-20T10:20:00+00:00",
    )


def mobility_result() -> AssessmentResult:
    """Trunk rotation: ±40° at 0.25 Hz over 12 s, peaks alternating right and left."""
    t = np.linspace(0, 12, 361)
    angle = 40 * np.sin(2 * math.pi * 0.25 * t)
    peaks = [
        {
            "time_s": 1 + 2 * k,
            "angle_deg": 40.0 if k % 2 == 0 else -40.0,
            "side": "right" if k % 2 == 0 else "left",
        }
        for k in range(6)
    ]
    return AssessmentResult(
        test="mobility-rotation",
        usable=True,
        metrics={"range_right_deg": 40.0, "range_left_deg": 40.0},
        metric_info={
            "range_right_deg": _info("deg", "Largest rotation to the right."),
            "range_left_deg": _info("deg", "Largest rotation to the left."),
        },
        protocol="Seated, arms crossed, turn the trunk to each side as far as comfortable.",
        plot_data={"time_s": t.tolist(), "angle_deg": angle.tolist(), "peaks": peaks},
        recorded_at="2026-11-20T10:30:00+00:00",
    )


UNUSABLE_REASON = "the recording lasts 8.0 s; the test needs at least 20 s"


def unusable_result() -> AssessmentResult:
    """A CTSIB condition that was too short to judge."""
    return AssessmentResult.unusable(
        "ctsib",
        UNUSABLE_REASON,
        "the person left the frame at 6.2 s",
        protocol="Stand on foam, eyes closed, for 30 seconds.",
        quality={"duration_s": 8.0},
        conditions={"eyes": "closed", "surface": "foam"},
        recorded_at="2026-11-20T10:40:00+00:00",
    )


def romberg_result() -> AssessmentResult:
    """A Romberg result nesting two sway traces, as kinesense.assess.balance_tests writes it."""
    eo, ec = sway_result(eyes="open"), sway_result(eyes="closed", scale=1.6)
    return AssessmentResult(
        test="romberg",
        usable=True,
        metrics={"romberg_quotient": 1.6},
        metric_info={"romberg_quotient": _info("1", "Eyes-closed over eyes-open sway velocity.")},
        conditions={"eyes_open": dict(eo.conditions), "eyes_closed": dict(ec.conditions)},
        plot_data={"eyes_open": dict(eo.plot_data), "eyes_closed": dict(ec.plot_data)},
        recorded_at="2026-11-20T09:05:00+00:00",
    )


def unknown_result() -> AssessmentResult:
    """A test the report has no chart for."""
    return AssessmentResult(
        test="breathing_rate",
        usable=True,
        metrics={"breaths_per_min": 14.0},
        metric_info={"breaths_per_min": _info("1/min", "Breaths per minute at rest.")},
        plot_data={"whatever": [1, 2, 3]},
        recorded_at="2026-11-20T10:50:00+00:00",
    )


def all_results() -> list[AssessmentResult]:
    """Every test type, sway recorded on three dates (a trend), and one unusable result."""
    return [
        sway_result("2026-10-05T09:00:00+00:00", scale=1.6),
        sway_result("2026-10-26T09:00:00+00:00", scale=1.3),
        sway_result("2026-11-20T09:00:00+00:00", scale=1.0),
        romberg_result(),
        repositioning_result(),
        stance_result(),
        posture_result(),
        mobility_result(),
        unusable_result(),
        unknown_result(),
    ]
