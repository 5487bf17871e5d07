"""Sway trials with conditions, Romberg quotient and modified CTSIB."""

import json
from pathlib import Path

import numpy as np
import pytest

from kinesense.assess.balance_tests import Conditions, assess_sway, ctsib, romberg
from kinesense.assess.result import AssessmentResult
from kinesense.assess.sway_sources import SwayTrace, from_cop
from kinesense.capture.readers import read_cop_csv
from tests.conftest import shared_file

FS = 100.0


def circle_trace(radius_mm: float, freq_hz: float = 0.5, duration_s: float = 30.0) -> SwayTrace:
    t = np.arange(round(duration_s * FS) + 1) / FS
    w = 2 * np.pi * freq_hz * t
    return SwayTrace("cop", t, radius_mm * np.cos(w), radius_mm * np.sin(w))


def test_usable_trial_metrics_conditions_and_plot_data() -> None:
    result = assess_sway(circle_trace(4.0), Conditions("closed", "tandem", "foam"), filter=False)
    assert result.usable
    assert result.metrics["mean_velocity_mm_s"] == pytest.approx(2 * np.pi * 4.0 * 0.5, rel=1e-3)
    assert result.conditions["eyes"] == "closed"
    assert result.conditions["surface"] == "foam"
    assert result.conditions["stance"] == "tandem"
    for key in ("time_s", "ml_mm", "ap_mm", "ellipse", "spectrum"):
        assert key in result.plot_data
    again = AssessmentResult.from_json(json.loads(json.dumps(result.to_json())))
    assert again.metrics == pytest.approx(dict(result.metrics))


def test_too_short_is_unusable() -> None:
    result = assess_sway(circle_trace(4.0, duration_s=20.0))
    assert not result.usable
    assert not result.metrics
    assert "too short" in result.reasons[0]
    assert "28 s" in result.reasons[0]
    # a shorter protocol still needs 10 s
    short = assess_sway(circle_trace(4.0, duration_s=8.0), duration_s=10.0)
    assert not short.usable
    assert "10 s" in short.reasons[0]
    assert assess_sway(circle_trace(4.0, duration_s=10.0), duration_s=10.0).usable


def test_source_problems_become_reasons() -> None:
    trace = circle_trace(4.0)
    bad = SwayTrace("cop", trace.time_s, trace.ml_mm, trace.ap_mm, problems=("stepped off",))
    result = assess_sway(bad)
    assert not result.usable
    assert result.reasons == ("stepped off",)


def test_bad_conditions_are_refused() -> None:
    with pytest.raises(ValueError, match="eyes"):
        Conditions(eyes="half")
    with pytest.raises(ValueError, match="stance"):
        Conditions(stance="one foot")


def test_romberg_quotient_of_known_velocities() -> None:
    eo = assess_sway(circle_trace(2.0), Conditions("open"), filter=False)
    ec = assess_sway(circle_trace(3.0), Conditions("closed"), filter=False)
    result = romberg(eo, ec)
    assert result.usable
    assert result.test == "romberg"
    assert result.metrics["romberg_quotient"] == pytest.approx(1.5, rel=1e-6)
    assert result.metrics["romberg_quotient_ellipse95_area"] == pytest.approx(2.25, rel=1e-6)
    assert result.metrics["eo_mean_velocity_mm_s"] == eo.metrics["mean_velocity_mm_s"]


def test_romberg_refuses_unlike_or_unusable_trials() -> None:
    eo = assess_sway(circle_trace(2.0), Conditions("open", surface="firm"))
    ec = assess_sway(circle_trace(3.0), Conditions("closed", surface="foam"))
    assert any("surface" in r for r in romberg(eo, ec).reasons)
    short = assess_sway(circle_trace(3.0, duration_s=5.0), Conditions("closed"))
    result = romberg(eo, short)
    assert not result.usable
    assert result.reasons[0].startswith("eyes closed: ")


def test_ctsib_composite_and_quotients() -> None:
    radii = {"eo_firm": 1.0, "ec_firm": 2.0, "eo_foam": 3.0, "ec_foam": 6.0}
    results = {
        name: assess_sway(
            circle_trace(r),
            Conditions("open" if name.startswith("eo") else "closed", surface=name[3:]),
            filter=False,
        )
        for name, r in radii.items()
    }
    result = ctsib(results)
    assert result.usable
    v = {k: 2 * np.pi * r * 0.5 for k, r in radii.items()}
    assert result.metrics["composite_mean_velocity_mm_s"] == pytest.approx(
        sum(v.values()) / 4, rel=1e-3
    )
    assert result.metrics["romberg_quotient_firm"] == pytest.approx(2.0, rel=1e-6)
    assert result.metrics["romberg_quotient_foam"] == pytest.approx(2.0, rel=1e-6)
    assert result.metrics["foam_quotient_eyes_open"] == pytest.approx(3.0, rel=1e-6)
    assert result.metrics["foam_quotient_eyes_closed"] == pytest.approx(3.0, rel=1e-6)
    assert "eyes closed on foam" in result.interpretation
    # conditions swapped by mistake
    swapped = dict(results, eo_foam=results["ec_foam"])
    assert not ctsib(swapped).usable
    with pytest.raises(ValueError, match="missing"):
        ctsib({k: results[k] for k in ("eo_firm", "ec_firm")})


@pytest.fixture(scope="module")
def real_results(shared_data: Path) -> dict[str, AssessmentResult]:
    out = {}
    for eyes, name in (("open", "eyesOpen_1"), ("closed", "eyesClosed_1")):
        cop = read_cop_csv(shared_file(shared_data, f"cop/{name}.csv.gz"))
        out[eyes] = assess_sway(from_cop(cop), Conditions(eyes))
    return out


def test_real_force_plate_trials_and_romberg(real_results: dict[str, AssessmentResult]) -> None:
    eo, ec = real_results["open"], real_results["closed"]
    assert eo.usable
    assert ec.usable
    for m in (eo.metrics, ec.metrics):
        assert m["duration_s"] == pytest.approx(32.0, abs=0.01)
        assert m["path_length_mm"] / m["duration_s"] == pytest.approx(m["mean_velocity_mm_s"])
        assert 0 < m["rms_ml_mm"] <= m["range_ml_mm"] / 2
    result = romberg(eo, ec)
    assert result.metrics["romberg_quotient"] == pytest.approx(
        ec.metrics["mean_velocity_mm_s"] / eo.metrics["mean_velocity_mm_s"], rel=1e-12
    )
