"""Uniform resampling: exact on lines, NaN never bridged, long spacings refused, ends kept."""

import numpy as np
import pytest

from kinesense.signal.resample import resample_uniform, uniform_time_grid


def test_grid_is_start_plus_k_over_rate_and_includes_the_end() -> None:
    grid = uniform_time_grid(1.0, 2.0, 10.0)
    np.testing.assert_allclose(grid, 1.0 + np.arange(11) / 10.0)
    assert uniform_time_grid(0.0, 0.95, 10.0).size == 10


def test_linear_signal_is_reproduced_exactly_on_an_irregular_base() -> None:
    rng = np.random.default_rng(6)
    t = np.cumsum(rng.uniform(0.01, 0.05, size=100))
    x = np.column_stack([3 * t - 1, -t])
    new_t, new_x = resample_uniform(t, x, 50.0)
    assert new_t[0] == t[0]
    assert new_t[-1] <= t[-1]
    np.testing.assert_allclose(np.diff(new_t), 1 / 50.0)
    np.testing.assert_allclose(new_x, np.column_stack([3 * new_t - 1, -new_t]), atol=1e-12)


def test_same_rate_returns_the_same_samples_including_nan() -> None:
    t = np.arange(30) / 30
    x = np.sin(t)
    x[7] = np.nan
    new_t, new_x = resample_uniform(t, x, 30.0)
    np.testing.assert_allclose(new_t, t)
    np.testing.assert_array_equal(new_x, x)


def test_samples_touching_nan_are_nan() -> None:
    t = np.arange(5, dtype=float)  # 1 Hz
    x = np.array([0.0, 1.0, np.nan, 3.0, 4.0])
    new_t, new_x = resample_uniform(t, x, 4.0)
    touching = (new_t > 1.0) & (new_t < 3.0)
    assert np.all(np.isnan(new_x[touching]))
    assert np.all(np.isfinite(new_x[~touching]))
    assert new_x[new_t == 1.0] == 1.0
    assert new_x[new_t == 3.0] == 3.0


def test_spacing_longer_than_max_gap_gives_nan() -> None:
    t = np.array([0.0, 0.1, 0.2, 0.5, 0.6])  # 0.3 s without a frame
    x = t * 10
    _, bridged = resample_uniform(t, x, 10.0)
    np.testing.assert_allclose(bridged, np.arange(7.0), atol=1e-12)
    new_t, guarded = resample_uniform(t, x, 10.0, max_gap_s=0.15)
    inside = (new_t > 0.2 + 1e-9) & (new_t < 0.5 - 1e-9)
    assert inside.sum() == 2
    assert np.all(np.isnan(guarded[inside]))
    np.testing.assert_allclose(guarded[~inside], new_t[~inside] * 10, atol=1e-12)


def test_no_extrapolation_outside_the_recording() -> None:
    t = np.array([1.0, 2.0, 3.0])
    new_t, new_x = resample_uniform(t, t, 2.0, start_s=0.0, end_s=4.0)
    np.testing.assert_allclose(new_t, np.arange(9) / 2.0)
    outside = (new_t < 1.0) | (new_t > 3.0)
    assert np.all(np.isnan(new_x[outside]))
    np.testing.assert_allclose(new_x[~outside], new_t[~outside])


def test_trailing_shape_is_kept() -> None:
    t = np.arange(10) / 10
    x = np.random.default_rng(7).normal(size=(10, 33, 3))
    new_t, new_x = resample_uniform(t, x, 20.0)
    assert new_x.shape == (new_t.size, 33, 3)
    np.testing.assert_allclose(new_x[1], (x[0] + x[1]) / 2)


def test_bad_arguments() -> None:
    t = np.arange(5) / 5
    with pytest.raises(ValueError, match="rate_hz"):
        resample_uniform(t, t, 0.0)
    with pytest.raises(ValueError, match="end_s"):
        resample_uniform(t, t, 5.0, start_s=1.0, end_s=0.5)
    with pytest.raises(ValueError, match="at least one sample"):
        resample_uniform(np.array([]), np.array([]), 5.0)
    with pytest.raises(ValueError, match="strictly increasing"):
        resample_uniform(t[::-1], t, 5.0)
