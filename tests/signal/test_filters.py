"""Zero-lag Butterworth: gain at the cut-off, zero phase, cut-off checks, NaN runs."""

import math

import numpy as np
import pytest
from scipy.signal import butter, sosfilt, sosfiltfilt

from kinesense.signal.filters import (
    butter_lowpass_zero_lag,
    corrected_cutoff_hz,
    odd_window,
    running_median,
    winter_correction_factor,
)

FS = 100.0


def _amplitude_and_phase(t: np.ndarray, y: np.ndarray, freq_hz: float) -> tuple[float, float]:
    """Least-squares fit y = a sin(wt) + b cos(wt); return amplitude and phase (rad)."""
    w = 2 * np.pi * freq_hz
    basis = np.column_stack([np.sin(w * t), np.cos(w * t)])
    (a, b), *_ = np.linalg.lstsq(basis, y, rcond=None)
    return float(np.hypot(a, b)), float(np.arctan2(b, a))


def _sine_response(
    freq_hz: float, cutoff_hz: float, order: int, correct: bool
) -> tuple[float, float]:
    t = np.arange(0, 30, 1 / FS)
    x = 3.0 * np.sin(2 * np.pi * freq_hz * t)
    y = butter_lowpass_zero_lag(x, FS, cutoff_hz, order, correct_cutoff=correct)
    middle = slice(int(5 * FS), int(25 * FS))  # away from the edge transients
    amplitude, phase = _amplitude_and_phase(t[middle], y[middle], freq_hz)
    return amplitude / 3.0, phase


@pytest.mark.parametrize("order", [2, 4])
@pytest.mark.parametrize("cutoff_hz", [6.0, 30.0])
def test_gain_at_cutoff_is_minus_3_db_with_correction(order: int, cutoff_hz: float) -> None:
    gain, phase = _sine_response(cutoff_hz, cutoff_hz, order, correct=True)
    assert gain == pytest.approx(1 / math.sqrt(2), rel=2e-3)
    assert abs(phase) < 1e-3


def test_gain_at_cutoff_is_minus_6_db_without_correction() -> None:
    gain, _ = _sine_response(6.0, 6.0, 2, correct=False)
    assert gain == pytest.approx(0.5, rel=2e-3)


def test_gain_well_below_cutoff_is_one() -> None:
    gain, phase = _sine_response(0.6, 6.0, 2, correct=True)
    assert gain == pytest.approx(1.0, abs=2e-3)
    assert abs(phase) < 1e-3


def test_zero_phase_lag_by_cross_correlation() -> None:
    t = np.arange(0, 10, 1 / FS)
    x = np.sin(2 * np.pi * 1.0 * t) + 0.5 * np.sin(2 * np.pi * 2.3 * t + 1.0)
    lags = np.arange(-10, 11)

    def best_lag(y: np.ndarray) -> int:
        core = slice(100, -100)
        scores = [np.dot(x[core], np.roll(y, -lag)[core]) for lag in lags]
        return int(lags[int(np.argmax(scores))])

    assert best_lag(butter_lowpass_zero_lag(x, FS, 3.0)) == 0
    # a single forward pass does lag: the test can tell the difference
    one_pass = sosfilt(butter(2, 3.0, output="sos", fs=FS), x)
    assert best_lag(one_pass) > 0


def test_winter_factor_for_two_passes_of_a_second_order_filter() -> None:
    # Winter's published value, (2^(1/2) - 1)^(1/4)
    assert winter_correction_factor(2, 2) == pytest.approx(0.802, abs=5e-4)
    assert winter_correction_factor(2, 1) == pytest.approx(1.0)
    assert winter_correction_factor(4, 2) == pytest.approx((math.sqrt(2) - 1) ** (1 / 8))


def test_corrected_cutoff_uses_the_prewarped_frequency() -> None:
    fc, fs = 6.0, 100.0
    expected = math.atan(math.tan(math.pi * fc / fs) / 0.8022) * fs / math.pi
    assert corrected_cutoff_hz(fc, fs) == pytest.approx(expected, rel=1e-4)
    assert corrected_cutoff_hz(fc, fs) == pytest.approx(fc / 0.8022, rel=0.01)
    # near Nyquist the corrected cut-off still stays below it
    assert corrected_cutoff_hz(49.0, fs) < fs / 2


@pytest.mark.parametrize("bad_cutoff", [50.0, 60.0, 0.0, -1.0, float("nan")])
def test_cutoff_outside_zero_to_nyquist_is_refused(bad_cutoff: float) -> None:
    with pytest.raises(ValueError, match="cutoff_hz"):
        butter_lowpass_zero_lag(np.zeros(50), FS, bad_cutoff)


def test_nyquist_message_names_the_limit() -> None:
    with pytest.raises(ValueError, match=r"Nyquist.*50 Hz"):
        butter_lowpass_zero_lag(np.zeros(50), FS, 50.0)


@pytest.mark.parametrize("bad_order", [0, 2.5, 2.0, True, "2"])
def test_order_must_be_a_whole_number(bad_order: object) -> None:
    with pytest.raises(ValueError, match="order"):
        butter_lowpass_zero_lag(np.zeros(50), FS, 6.0, bad_order)  # type: ignore[arg-type]


def test_sampling_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="sampling_rate_hz"):
        butter_lowpass_zero_lag(np.zeros(50), 0.0, 6.0)


def test_nan_stays_nan_and_each_run_is_filtered_alone() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=200)
    x[80:95] = np.nan
    y = butter_lowpass_zero_lag(x, FS, 6.0)
    np.testing.assert_array_equal(np.isnan(y), np.isnan(x))
    np.testing.assert_allclose(y[:80], butter_lowpass_zero_lag(x[:80], FS, 6.0))
    np.testing.assert_allclose(y[95:], butter_lowpass_zero_lag(x[95:], FS, 6.0))


def test_constant_signal_with_gaps_is_unchanged() -> None:
    x = np.full((120, 2), 4.2)
    x[30:33, 0] = np.nan
    x[100:, 1] = np.nan
    y = butter_lowpass_zero_lag(x, FS, 5.0)
    np.testing.assert_allclose(y, x, rtol=0, atol=1e-12, equal_nan=True)


def test_short_runs_use_reduced_padding_and_single_samples_pass_through() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=30)
    x[5] = np.nan
    x[11] = np.nan  # run x[6:11] has 5 samples, shorter than the default padding (9)
    x[13] = np.nan  # run x[12:13] is a single sample
    y = butter_lowpass_zero_lag(x, FS, 10.0)
    sos = butter(2, corrected_cutoff_hz(10.0, FS), output="sos", fs=FS)
    np.testing.assert_allclose(y[6:11], sosfiltfilt(sos, x[6:11], padlen=4))
    assert y[12] == x[12]


def test_trailing_shape_is_filtered_column_by_column() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(150, 4, 3))
    x[20:25, 1, :] = np.nan
    x[60, 2, 0] = np.nan
    y = butter_lowpass_zero_lag(x, FS, 8.0)
    assert y.shape == x.shape
    for j in range(4):
        for k in range(3):
            np.testing.assert_allclose(
                y[:, j, k], butter_lowpass_zero_lag(x[:, j, k], FS, 8.0), equal_nan=True
            )


# --- running median -------------------------------------------------------------------------


def test_running_median_keeps_a_step_exact_and_removes_a_spike() -> None:
    step = np.r_[np.zeros(10), np.ones(10)]
    assert np.array_equal(running_median(step, 5), step)
    spiky = np.zeros(20)
    spiky[7] = 5.0
    assert np.all(running_median(spiky, 5) == 0.0)


def test_running_median_by_hand_at_the_ends_with_gaps_and_columns() -> None:
    values = np.array([1.0, 9.0, 2.0, np.nan, 4.0, 100.0, 5.0])
    # window 3, shrinking at the ends and ignoring NaN; a NaN sample stays NaN
    expected = [5.0, 2.0, 5.5, np.nan, 52.0, 5.0, 52.5]
    assert np.allclose(running_median(values, 3), expected, equal_nan=True)
    both = running_median(np.column_stack([values, 2 * values]), 3)
    assert np.allclose(both[:, 1], 2 * np.asarray(expected), equal_nan=True)
    assert np.array_equal(running_median(values, 1), values, equal_nan=True)


@pytest.mark.parametrize(
    ("samples", "minimum", "window"),
    [(4.5, 1, 5), (4.4, 1, 5), (3.6, 1, 5), (9.0, 1, 9), (1.0, 1, 1), (1.0, 3, 3), (0.0, 3, 3)],
)
def test_odd_window(samples: float, minimum: int, window: int) -> None:
    assert odd_window(samples, minimum) == window
