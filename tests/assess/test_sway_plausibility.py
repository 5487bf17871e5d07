"""Sway, Romberg and mCTSIB on recordings that cannot be judged as they are: constant or
near-zero CoP, holes in time, implausible quotients; one-axis plates and plates without force;
the BDS trials against their authors' own results."""

import csv
import gzip
from pathlib import Path

import numpy as np
import pytest

from kinesense.assess.balance_tests import (
    MAX_QUOTIENT,
    Conditions,
    assess_sway,
    ctsib,
    romberg,
)
from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.assess.sway import BOTH_AXES_METRICS
from kinesense.assess.sway_sources import from_cop, from_imu, from_pose
from kinesense.capture.readers import read_cop_csv, read_imu_csv
from kinesense.series import CopSeries, MotionSeries
from tests.assess.test_sway_sources import pose_series
from tests.conftest import shared_file

EO = "cop/eyesOpen_1.csv.gz"
EC = "cop/eyesClosed_1.csv.gz"


def real(shared_data: Path, name: str = EO) -> CopSeries:
    return read_cop_csv(shared_file(shared_data, name))


def with_cop(series: CopSeries, cop_m: np.ndarray) -> CopSeries:
    return series.replace(cop_m=cop_m)


def sway(series: CopSeries, eyes: str = "open") -> AssessmentResult:
    return assess_sway(from_cop(series), Conditions(eyes=eyes))


def test_constant_cop_is_refused_with_the_reason(shared_data: Path) -> None:
    eo = real(shared_data)
    flat = with_cop(eo, np.tile(eo.cop_m.mean(axis=0), (len(eo), 1)))
    result = sway(flat)
    assert not result.usable
    assert any("does not move" in r for r in result.reasons)
    assert "moved 0 mm" not in result.interpretation


def test_near_zero_cop_makes_romberg_unusable_not_a_key_error(shared_data: Path) -> None:
    eo, ec = real(shared_data, EO), real(shared_data, EC)
    tiny = with_cop(eo, (eo.cop_m - eo.cop_m.mean(axis=0)) * 1e-9)
    result = romberg(sway(tiny), sway(ec, "closed"))
    assert not result.usable
    assert result.reasons[0].startswith("eyes open: the centre of pressure does not move")


def test_an_implausible_romberg_quotient_is_refused(shared_data: Path) -> None:
    eo, ec = sway(real(shared_data, EO)), sway(real(shared_data, EC), "closed")
    assert romberg(eo, ec).usable
    info = {"mean_velocity_mm_s": MetricInfo("mm/s", "v", "r")}
    tiny = AssessmentResult(
        "sway", True, {"mean_velocity_mm_s": 1e-9}, info, conditions=dict(eo.conditions)
    )
    huge = AssessmentResult(
        "sway", True, {"mean_velocity_mm_s": 1.09e3}, info, conditions=dict(ec.conditions)
    )
    refused = romberg(tiny, huge)
    assert not refused.usable
    assert "1.09e+12 is implausible" in refused.reasons[0]
    # a quotient just inside the bound is kept
    near = AssessmentResult(
        "sway", True, {"mean_velocity_mm_s": MAX_QUOTIENT * 0.99}, info,
        conditions=dict(ec.conditions),
    )  # fmt: skip
    one = AssessmentResult(
        "sway", True, {"mean_velocity_mm_s": 1.0}, info, conditions=dict(eo.conditions)
    )
    assert romberg(one, near).metrics["romberg_quotient"] == pytest.approx(MAX_QUOTIENT * 0.99)


def test_a_five_second_hole_is_refused(shared_data: Path) -> None:
    eo = real(shared_data)
    holed = eo.take(np.flatnonzero((eo.time_s < 10.0) | (eo.time_s >= 15.0)))
    result = sway(holed)
    assert not result.usable
    assert any("hole of 5.00 s in time at 10.00 s" in r for r in result.reasons)


def test_one_axis_plate_keeps_its_axis_and_says_what_is_not_measured(shared_data: Path) -> None:
    eo = real(shared_data)
    both = sway(eo)
    ap_only = eo.replace(cop_m=np.column_stack([np.full(len(eo), np.nan), eo.ap_m]))
    result = sway(ap_only)
    assert result.usable
    for name in ("path_length_ap_mm", "mean_velocity_ap_mm_s", "rms_ap_mm", "range_ap_mm"):
        assert result.metrics[name] == pytest.approx(both.metrics[name], rel=1e-12)
    for name in BOTH_AXES_METRICS:
        assert name not in result.metrics
        assert "only antero-posterior sway was recorded" in result.quality["not_measured"][name]
    assert not any(name.endswith(("_ml_mm", "_rd_mm2")) for name in result.metrics)
    assert "mm²" not in result.interpretation
    assert "moved forwards and backwards" in result.interpretation
    # a plate writing zeros for the axis it lacks: the same, with the reason in the notes
    zeros = eo.replace(cop_m=np.column_stack([np.zeros(len(eo)), eo.ap_m]))
    zero_result = sway(zeros)
    assert zero_result.metrics == result.metrics
    assert any("medio-lateral centre of pressure is constant" in n for n in zero_result.notes)


def test_one_axis_romberg_and_ctsib(shared_data: Path) -> None:
    def ap_only(series: CopSeries) -> CopSeries:
        return series.replace(cop_m=np.column_stack([np.full(len(series), np.nan), series.ap_m]))

    eo = sway(ap_only(real(shared_data, EO)))
    ec = sway(ap_only(real(shared_data, EC)), "closed")
    result = romberg(eo, ec)
    assert result.usable
    q = result.metrics["romberg_quotient_mean_velocity_ap"]
    assert q == pytest.approx(
        ec.metrics["mean_velocity_ap_mm_s"] / eo.metrics["mean_velocity_ap_mm_s"]
    )
    assert "romberg_quotient" not in result.metrics
    assert "forward-backward" in result.interpretation

    def on_foam(name: str, eyes: str) -> AssessmentResult:
        trace = from_cop(ap_only(real(shared_data, name)))
        return assess_sway(trace, Conditions(eyes, surface="foam"))

    trials = {"eo_firm": eo, "ec_firm": ec}
    trials |= {"eo_foam": on_foam(EO, "open"), "ec_foam": on_foam(EC, "closed")}
    combined = ctsib(trials)
    assert combined.usable
    assert combined.metrics["romberg_quotient_firm"] == pytest.approx(q)
    assert "composite_mean_velocity_ap_mm_s" in combined.metrics


def test_a_plate_without_force_gives_the_same_sway_with_a_note(shared_data: Path) -> None:
    eo = real(shared_data)
    without = eo.replace(force_n=np.full(len(eo), np.nan))
    result, reference = sway(without), sway(eo)
    assert result.usable
    assert result.metrics == reference.metrics
    assert any("a step off the plate cannot be detected" in n for n in result.notes)


def test_overflowing_cop_built_in_code_is_refused(shared_data: Path) -> None:
    eo = real(shared_data)
    result = sway(with_cop(eo, eo.cop_m * 1e150))
    assert not result.usable
    assert any("beyond any real measurement" in r for r in result.reasons)


def test_bds_trials_match_their_authors_results(shared_data: Path) -> None:
    """Santos & Duarte's own per-trial results (BDSinfoCOP.txt: 95 % ellipse area in cm², mean
    velocity in cm/s) against kinesense on the raw trials, read as BDS and not filtered again
    (the authors' data are already low-pass filtered at 10 Hz)."""
    info_path = shared_file(shared_data, "bds/BDSinfoCOP.txt.gz")
    with gzip.open(info_path, "rt") as handle:
        published = {row["Trial"]: row for row in csv.DictReader(handle, delimiter="\t")}
    checked = 0
    for number in range(1, 25):
        trial = f"BDS{number:05d}"
        path = shared_data / "bds" / f"{trial}.txt.gz"
        if not path.exists():
            continue
        result = assess_sway(from_cop(read_cop_csv(path)), duration_s=60.0, filter=False)
        assert result.usable, (trial, result.reasons)
        area_cm2 = result.metrics["ellipse95_area_mm2"] / 100
        velocity_cm_s = result.metrics["mean_velocity_mm_s"] / 10
        assert area_cm2 == pytest.approx(float(published[trial]["COParea"]), rel=1e-3), trial
        assert velocity_cm_s == pytest.approx(float(published[trial]["COPvelo"]), rel=2e-3), trial
        checked += 1
    assert checked == 24


def test_a_stuck_imu_is_refused(shared_data: Path) -> None:
    motion = read_imu_csv(shared_file(shared_data, "imu/uci_s1/e1/u5/template_session.txt.gz"))
    stuck = MotionSeries(
        motion.time_s, np.tile(motion.acc_m_s2[0], (len(motion), 1)), motion.gyr_rad_s
    )
    trace = from_imu(stuck)
    assert any("accelerometer is constant" in p for p in trace.problems)


def test_collapsed_frames_are_left_out_of_video_sway() -> None:
    shift = 8.0 * np.sin(2 * np.pi * 0.3 * np.arange(900) / 30.0)
    pose = pose_series(shift)
    clean = from_pose(pose, height_cm=175.0)
    image = np.array(pose.image_xyz)
    image[100:200, :, :2] = 0.5  # 100 frames with every landmark on one point
    collapsed = from_pose(pose.replace(image_xyz=image), height_cm=175.0)
    assert clean.quality["low_visibility_fraction"] == 0.0
    assert collapsed.quality["low_visibility_fraction"] == pytest.approx(100 / 900)
    assert any("not clearly in view in 11%" in p for p in collapsed.problems)
