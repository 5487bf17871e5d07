"""Sway metrics against signals whose answers are known exactly, and on real force-plate data."""

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import chi2

from kinesense.assess.sway import (
    METRIC_INFO,
    Trajectory,
    confidence_ellipse,
    plot_data,
    prediction_ellipse,
    prepare_trajectory,
    spectral_measures,
    sway_metrics,
)
from kinesense.capture.readers import read_cop_csv
from tests.conftest import shared_file

FS = 100.0


def uniform(duration_s: float, fs: float = FS) -> np.ndarray:
    return np.arange(round(duration_s * fs) + 1) / fs


def raw(t: np.ndarray, ml: np.ndarray | None, ap: np.ndarray | None) -> Trajectory:
    return Trajectory(t, ml, ap, FS)


def test_circle_path_distance_and_mean_frequency() -> None:
    r, f, cycles = 5.0, 0.5, 10
    t = uniform(cycles / f)
    m = sway_metrics(raw(t, 3 + r * np.cos(2 * np.pi * f * t), -7 + r * np.sin(2 * np.pi * f * t)))
    assert m["path_length_mm"] == pytest.approx(2 * np.pi * r * cycles, rel=1e-3)
    assert m["mean_velocity_mm_s"] == pytest.approx(2 * np.pi * r * f, rel=1e-3)
    assert m["mean_distance_mm"] == pytest.approx(r, rel=1e-3)
    assert m["rms_distance_mm"] == pytest.approx(r, rel=1e-3)
    assert m["mean_frequency_hz"] == pytest.approx(f, rel=1e-3)
    assert m["rms_ml_mm"] == pytest.approx(r / math.sqrt(2), rel=1e-3)
    assert m["range_ap_mm"] == pytest.approx(2 * r, rel=1e-3)
    assert m["duration_s"] == pytest.approx(cycles / f)


def test_sinusoid_rms_range_and_spectrum() -> None:
    a, f = 4.0, 0.4
    t = uniform(50.0)
    ap = a * np.sin(2 * np.pi * f * t)
    m = sway_metrics(raw(t, None, ap))
    assert m["rms_ap_mm"] == pytest.approx(a / math.sqrt(2), rel=1e-2)
    assert m["range_ap_mm"] == pytest.approx(2 * a, rel=1e-3)
    assert m["path_length_ap_mm"] == pytest.approx(4 * a * f * 50.0, rel=1e-3)
    # Prieto's MFREQ_AP = MVELO_AP / (4 sqrt2 MDIST_AP); for a sinusoid MDIST = 2A/pi
    assert m["mean_frequency_ap_hz"] == pytest.approx(math.pi / (2 * math.sqrt(2)) * f, rel=1e-2)
    assert m["centroidal_frequency_ap_hz"] == pytest.approx(f, rel=0.05)
    assert m["power50_frequency_ap_hz"] == pytest.approx(f, abs=0.05)
    assert m["total_power_ap_mm2"] == pytest.approx(a**2 / 2, rel=0.05)
    assert m["frequency_dispersion_ap"] < 0.3
    assert "ml" not in "".join(m)
    assert "ellipse95_area_mm2" not in m


def test_spectral_measures_of_a_flat_spectrum() -> None:
    f = np.linspace(0.0, 10.0, 1001)
    m = spectral_measures(f, np.ones_like(f), band_hz=(1.0, 3.0))
    assert m["power50_hz"] == pytest.approx(2.0, abs=0.011)
    assert m["power95_hz"] == pytest.approx(2.9, abs=0.011)
    assert m["centroid_hz"] == pytest.approx(math.sqrt(13 / 3), rel=1e-3)  # sqrt(mean f^2)
    assert m["total_power"] == pytest.approx(2.0, rel=0.01)


def test_prediction_ellipse_of_a_gaussian_cloud() -> None:
    rng = np.random.default_rng(1)
    angle = np.radians(30.0)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    sigma = rot @ np.diag([16.0, 4.0]) @ rot.T
    n = 20000
    pts = rng.multivariate_normal([2.0, -1.0], sigma, size=n)
    e = prediction_ellipse(pts[:, 0], pts[:, 1])
    expected = math.pi * chi2.ppf(0.95, 2) * math.sqrt(np.linalg.det(sigma))
    assert e.area_mm2 == pytest.approx(expected, rel=0.03)
    # same sample: the exact F quantile and the large-sample chi2 differ by O(1/n)
    sample = math.pi * chi2.ppf(0.95, 2) * math.sqrt(np.linalg.det(np.cov(pts.T)))
    assert e.area_mm2 == pytest.approx(sample, rel=1e-3)
    assert e.angle_deg == pytest.approx(30.0, abs=2.0)
    assert e.axes_mm[0] / e.axes_mm[1] == pytest.approx(2.0, rel=0.03)
    # about 95 % of the points lie inside
    d = pts - np.array(e.centre_mm)
    u = np.array([np.cos(np.radians(e.angle_deg)), np.sin(np.radians(e.angle_deg))])
    v = np.array([-u[1], u[0]])
    inside = (d @ u / e.axes_mm[0]) ** 2 + (d @ v / e.axes_mm[1]) ** 2 <= 1
    assert np.mean(inside) == pytest.approx(0.95, abs=0.01)
    # the confidence ellipse of the mean is n + 1 times smaller in area
    c = confidence_ellipse(pts[:, 0], pts[:, 1])
    assert e.area_mm2 / c.area_mm2 == pytest.approx(n + 1, rel=1e-9)


def test_prediction_ellipse_small_sample_uses_f_quantile() -> None:
    from scipy.stats import f as f_dist

    pts = np.array([[0.0, 0.0], [2.0, 1.0], [1.0, 3.0], [-1.0, 1.0], [0.5, -1.0]])
    n = len(pts)
    c = 2 * (n - 1) * (n + 1) / (n * (n - 2)) * f_dist.ppf(0.95, 2, n - 2)
    expected = math.pi * c * math.sqrt(np.linalg.det(np.cov(pts.T)))
    assert prediction_ellipse(pts[:, 0], pts[:, 1]).area_mm2 == pytest.approx(expected, rel=1e-9)


def test_ten_hz_filter_keeps_one_hz_sway_and_removes_noise() -> None:
    t = uniform(30.0, 1000.0)
    sway = 3.0 * np.sin(2 * np.pi * 1.0 * t)
    noisy = sway + 0.5 * np.sin(2 * np.pi * 60.0 * t)
    tr = prepare_trajectory(t, noisy, sway)
    core = slice(2000, -2000)
    assert np.max(np.abs(tr.ml_mm[core] - sway[core])) < 0.01 * 3.0
    assert np.std(tr.ap_mm[core]) == pytest.approx(np.std(sway[core]), rel=0.01)
    assert any("10 Hz" in p for p in tr.processing)
    off = prepare_trajectory(t, noisy, sway, filter=False)
    np.testing.assert_array_equal(off.ml_mm, noisy)


def test_irregular_times_are_resampled_before_filtering() -> None:
    rng = np.random.default_rng(2)
    t = np.cumsum(rng.uniform(0.008, 0.012, 3000))
    ml = 2.0 * np.sin(2 * np.pi * 0.5 * t)
    tr = prepare_trajectory(t, ml, ml)
    assert np.allclose(np.diff(tr.time_s), 1 / tr.sampling_rate_hz)
    assert any("resampled" in p for p in tr.processing)
    truth = 2.0 * np.sin(2 * np.pi * 0.5 * tr.time_s)
    assert np.max(np.abs(tr.ml_mm[100:-100] - truth[100:-100])) < 0.02


def test_cutoff_above_nyquist_is_lowered_and_said() -> None:
    t = uniform(20.0, 15.0)
    tr = prepare_trajectory(t, np.sin(t), np.cos(t), cutoff_hz=10.0)
    assert any("lowered" in p for p in tr.processing)


def test_nan_input_is_refused() -> None:
    t = uniform(20.0)
    ml = np.sin(t)
    ml[5] = np.nan
    with pytest.raises(ValueError, match="missing"):
        prepare_trajectory(t, ml, ml)


def test_every_metric_is_documented_and_plot_data_is_small() -> None:
    t = uniform(60.0, 1000.0)
    tr = Trajectory(t, np.sin(t), np.cos(0.7 * t), 1000.0)
    m = sway_metrics(tr)
    assert set(m) <= set(METRIC_INFO)
    for name in m:
        assert METRIC_INFO[name].reference
    data = plot_data(tr)
    assert len(data["time_s"]) <= 2000
    assert set(data["ellipse"]) >= {"centre_mm", "axes_mm", "angle_deg"}
    assert set(data["spectrum"]) >= {"freq_hz", "ap_power", "ml_power"}


@pytest.mark.parametrize("name", ["cop/eyesOpen_1.csv.gz", "cop/eyesClosed_1.csv.gz"])
def test_real_force_plate_against_a_plain_recomputation(shared_data: Path, name: str) -> None:
    path = shared_file(shared_data, name)
    cop = read_cop_csv(path)
    tr = prepare_trajectory(cop.time_s, cop.ml_m * 1000, cop.ap_m * 1000, filter=False)
    m = sway_metrics(tr)
    # independent: straight from the file's columns with numpy
    data = np.genfromtxt(path, delimiter=",", names=True)
    ml, ap = data["CoPx"] * 1000, data["CoPy"] * 1000
    path_mm = np.sum(np.hypot(np.diff(ml), np.diff(ap)))
    assert m["path_length_mm"] == pytest.approx(path_mm, rel=1e-9)
    assert m["mean_velocity_mm_s"] == pytest.approx(
        path_mm / (data["Time"][-1] - data["Time"][0]), rel=1e-9
    )
    assert m["rms_ap_mm"] == pytest.approx(np.std(ap), rel=1e-9)
    assert m["range_ml_mm"] == pytest.approx(np.ptp(ml), rel=1e-9)
    filtered = sway_metrics(prepare_trajectory(cop.time_s, cop.ml_m * 1000, cop.ap_m * 1000))
    # quiet standing lives below 10 Hz: the filter barely changes position measures,
    # and shortens the path (plate noise is removed)
    assert filtered["rms_ap_mm"] == pytest.approx(m["rms_ap_mm"], rel=0.01)
    assert filtered["path_length_mm"] < m["path_length_mm"]
    assert 0.05 < filtered["mean_frequency_hz"] < 2.0
