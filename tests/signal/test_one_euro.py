"""1-euro filter: the published algorithm by hand, the authors' ground truth, NaN and resets."""

import math

import numpy as np
import pytest

from kinesense.signal.one_euro import OneEuroFilter, one_euro_offline

# First rows of groundTruth.csv in the authors' repository (github.com/casiez/OneEuroFilter,
# BSD licence): a noisy sine at 120 Hz filtered with mincutoff 1 Hz, beta 0.1, dcutoff 1 Hz.
GROUND_TRUTH = np.array(
    [
        # timestamp, noisy, filtered
        [0.0, -0.0385099, -0.0385099],
        [0.00833333, -0.0280664, -0.0379872],
        [0.0166667, 0.048622, -0.0334427],
        [0.025, 0.111498, -0.0252696],
        [0.0333333, 0.053026, -0.0207099],
        [0.0416667, 0.120548, -0.0119912],
        [0.05, 0.00972308, -0.0106507],
        [0.0583333, 0.074193, -0.00526521],
        [0.0666667, -0.0236801, -0.00641239],
        [0.075, 0.0462396, -0.00308863],
        [0.0833333, 0.0892027, 0.00291027],
        [0.0916667, 0.158329, 0.0135545],
    ]
)


def test_first_steps_match_the_published_algorithm_by_hand() -> None:
    # min_cutoff 1 Hz, beta 1, d_cutoff 1 Hz, T_e = 0.1 s; inputs 0, 1, 1.
    # alpha(f) = 1 / (1 + 1 / (2 pi f T_e)); alpha(1 Hz) = 1 / (1 + 1.591549) = 0.3858695
    # step 1: speed = (1 - 0) / 0.1 = 10; dxhat = 0.3858695 * 10 = 3.858695
    #         cutoff = 1 + 3.858695 = 4.858695; alpha = 1 / (1 + 1 / 3.052806) = 0.7532575
    #         xhat = 0 + 0.7532575 * (1 - 0) = 0.7532575
    # step 2: speed = (1 - 0.7532575) / 0.1 = 2.467425
    #         dxhat = 3.858695 + 0.3858695 * (2.467425 - 3.858695) = 3.321846
    #         cutoff = 4.321846; alpha = 1 / (1 + 1 / 2.715513) = 0.7308569
    #         xhat = 0.7532575 + 0.7308569 * 0.2467425 = 0.9335910
    f = OneEuroFilter(min_cutoff_hz=1.0, beta=1.0, d_cutoff_hz=1.0)
    assert f.update(0.0, 0.0) == 0.0
    assert f.update(0.1, 1.0) == pytest.approx(0.7532575, abs=1e-7)
    assert f.update(0.2, 1.0) == pytest.approx(0.9335910, abs=1e-7)


def test_beta_zero_is_an_exponential_filter_with_the_min_cutoff() -> None:
    f = OneEuroFilter(min_cutoff_hz=2.0, beta=0.0)
    alpha = 1 / (1 + 1 / (2 * math.pi * 2.0 * 0.05))
    f.update(0.0, 0.0)
    assert f.update(0.05, 10.0) == pytest.approx(10 * alpha)


def test_reproduces_the_authors_ground_truth() -> None:
    t, noisy, expected = GROUND_TRUTH.T
    filtered = one_euro_offline(t, noisy, min_cutoff_hz=1.0, beta=0.1, d_cutoff_hz=1.0)
    np.testing.assert_allclose(filtered, expected, rtol=0, atol=2e-6)


def test_offline_equals_live_frame_by_frame() -> None:
    rng = np.random.default_rng(4)
    t = np.cumsum(rng.uniform(0.02, 0.05, size=80))
    x = rng.normal(size=(80, 3, 2))
    x[30:33, 1, 0] = np.nan
    offline = one_euro_offline(t, x, 1.5, 0.3, 1.0)
    live = OneEuroFilter(1.5, 0.3, 1.0)
    for i in range(t.size):
        np.testing.assert_array_equal(live.update(t[i], x[i]), offline[i])


def test_array_elements_are_filtered_independently() -> None:
    rng = np.random.default_rng(5)
    t = np.arange(30) / 30
    x = rng.normal(size=(30, 2))
    together = one_euro_offline(t, x, 1.0, 0.5)
    for j in range(2):
        np.testing.assert_allclose(together[:, j], one_euro_offline(t, x[:, j], 1.0, 0.5))


def test_nan_gives_nan_and_keeps_the_state() -> None:
    t = np.arange(10) / 30
    x = np.linspace(0, 1, 10) ** 2
    with_nan = x.copy()
    with_nan[4] = np.nan
    out = one_euro_offline(t, with_nan, 1.0, 0.2)
    assert np.isnan(out[4])
    # the sample after the hole is what the filter gives when frame 4 never existed
    keep = np.arange(10) != 4
    without = one_euro_offline(t[keep], x[keep], 1.0, 0.2)
    np.testing.assert_allclose(out[keep], without)


def test_long_gap_restarts_from_the_new_value() -> None:
    f = OneEuroFilter(1.0, 0.0, reset_after_s=0.5)
    f.update(0.0, 0.0)
    f.update(0.1, 0.0)
    assert math.isnan(f.update(0.2, math.nan))
    assert f.update(0.75, 5.0) == 5.0  # 0.65 s since the last valid sample: fresh start
    g = OneEuroFilter(1.0, 0.0, reset_after_s=None)
    g.update(0.0, 0.0)
    assert g.update(0.75, 5.0) < 5.0  # never resets


def test_time_must_increase() -> None:
    f = OneEuroFilter()
    f.update(1.0, 0.0)
    with pytest.raises(ValueError, match="increase"):
        f.update(1.0, 0.0)
    with pytest.raises(ValueError, match="increase"):
        f.update(0.5, 0.0)


def test_shape_must_stay_until_reset() -> None:
    f = OneEuroFilter()
    f.update(0.0, np.zeros(3))
    with pytest.raises(ValueError, match="shape"):
        f.update(0.1, np.zeros(4))
    f.reset()
    out = f.update(0.0, np.ones(4))  # after reset, time and shape start afresh
    np.testing.assert_array_equal(out, np.ones(4))


def test_scalar_in_float_out_and_array_in_array_out() -> None:
    f = OneEuroFilter()
    assert isinstance(f.update(0.0, 1.0), float)
    g = OneEuroFilter()
    assert isinstance(g.update(0.0, np.zeros((2, 3))), np.ndarray)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"min_cutoff_hz": 0.0}, "min_cutoff_hz"),
        ({"beta": -0.1}, "beta"),
        ({"d_cutoff_hz": -1.0}, "d_cutoff_hz"),
        ({"reset_after_s": 0.0}, "reset_after_s"),
    ],
)
def test_parameters_are_checked(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        OneEuroFilter(**kwargs)
