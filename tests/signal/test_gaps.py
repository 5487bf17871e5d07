"""Gap finding and filling: exact limits, no extrapolation, per-column independence."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinesense.signal.gaps import Gap, fill_gaps, find_gaps, gap_durations_s

RATE_HZ = 30.0


def _time(n: int) -> np.ndarray:
    return np.arange(n) / RATE_HZ


def test_find_gaps_returns_half_open_runs_in_order() -> None:
    valid = np.array([True, False, False, True, False, True, False])
    gaps = find_gaps(_time(7), valid)
    assert gaps == [Gap(1, 3), Gap(4, 5), Gap(6, 7)]
    assert all(not valid[g.start : g.end].any() for g in gaps)


def test_find_gaps_none_and_all() -> None:
    assert find_gaps(_time(4), np.ones(4, bool)) == []
    assert find_gaps(_time(4), np.zeros(4, bool)) == [Gap(0, 4)]


def test_find_gaps_rejects_non_boolean_and_wrong_shape() -> None:
    with pytest.raises(ValueError, match="booleans"):
        find_gaps(_time(3), np.array([1, 0, 1]))
    with pytest.raises(ValueError, match="shape"):
        find_gaps(_time(3), np.ones(4, bool))


def test_gap_duration_spans_last_valid_to_first_valid() -> None:
    t = np.array([0.0, 0.1, 0.25, 0.4, 0.5])
    gaps = [Gap(0, 1), Gap(2, 4)]
    durations = gap_durations_s(t, gaps)
    assert durations[0] == np.inf  # touches the start
    assert durations[1] == pytest.approx(0.5 - 0.1)


@pytest.mark.parametrize("method", ["linear", "cubic", "pchip"])
def test_gap_of_exactly_max_gap_is_filled_and_just_over_is_not(method: str) -> None:
    t = _time(20)
    x = np.sin(t)
    x[5:7] = np.nan  # last valid t[4], first valid t[7]: duration 3 / 30 s = 0.1 s
    filled = fill_gaps(t, x, max_gap_s=0.1, method=method)
    assert np.all(np.isfinite(filled))
    kept = fill_gaps(t, x, max_gap_s=0.1 - 1e-6, method=method)
    assert np.all(np.isnan(kept[5:7]))
    np.testing.assert_array_equal(np.isnan(kept), np.isnan(x))


def test_exact_limit_survives_rounding_of_decimal_time_stamps() -> None:
    t = np.arange(50) * 0.1  # 0.1 is not exact in binary floating point
    x = np.arange(50, dtype=float)
    x[11:13] = np.nan  # duration t[13] - t[10], nominally 0.3 s
    assert t[13] - t[10] != 0.3  # the rounding this test is about
    assert np.all(np.isfinite(fill_gaps(t, x, max_gap_s=0.3)))


def test_linear_fill_reproduces_a_ramp_and_cubic_a_cubic() -> None:
    t = _time(40)
    ramp = 2.0 * t + 1.0
    cubic = t**3 - 2 * t**2 + t
    gappy_ramp, gappy_cubic = ramp.copy(), cubic.copy()
    for arr in (gappy_ramp, gappy_cubic):
        arr[10:14] = np.nan
        arr[25] = np.nan
    np.testing.assert_allclose(fill_gaps(t, gappy_ramp, 1.0, "linear"), ramp, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fill_gaps(t, gappy_cubic, 1.0, "cubic"), cubic, rtol=0, atol=1e-12)


def test_pchip_does_not_overshoot_a_step() -> None:
    t = _time(30)
    x = np.where(np.arange(30) < 10, 0.0, 1.0)
    x[11:14] = np.nan  # just after the step
    filled = fill_gaps(t, x, 1.0, "pchip")
    np.testing.assert_array_equal(filled[11:14], 1.0)
    cubic = fill_gaps(t, x, 1.0, "cubic")
    assert cubic[11:14].max() > 1.1  # the cubic spline does overshoot


def test_ends_are_never_extrapolated() -> None:
    t = _time(10)
    x = np.arange(10, dtype=float)
    x[:2] = np.nan
    x[-3:] = np.nan
    filled = fill_gaps(t, x, max_gap_s=100.0)
    np.testing.assert_array_equal(np.isnan(filled), np.isnan(x))


def test_columns_are_filled_independently_and_valid_values_untouched() -> None:
    t = _time(12)
    x = np.random.default_rng(0).normal(size=(12, 2, 3))
    x[3, 0, 0] = np.nan  # short gap: filled
    x[3:9, 1, 2] = np.nan  # long gap: kept
    filled = fill_gaps(t, x, max_gap_s=0.1)
    assert filled.shape == x.shape
    assert np.isfinite(filled[3, 0, 0])
    assert filled[3, 0, 0] == pytest.approx((x[2, 0, 0] + x[4, 0, 0]) / 2)
    assert np.all(np.isnan(filled[3:9, 1, 2]))
    valid = ~np.isnan(x)
    np.testing.assert_array_equal(filled[valid], x[valid])
    assert np.isnan(x[3, 0, 0])  # the input is not modified


def test_fill_gaps_rejects_bad_arguments() -> None:
    t = _time(5)
    with pytest.raises(ValueError, match="max_gap_s"):
        fill_gaps(t, np.zeros(5), max_gap_s=-1.0)
    with pytest.raises(ValueError, match="method must be one of"):
        fill_gaps(t, np.zeros(5), 0.1, method="spline")
    with pytest.raises(ValueError, match="infinite"):
        fill_gaps(t, np.array([0, np.inf, 0, 0, 0]), 0.1)
    with pytest.raises(ValueError, match="strictly increasing"):
        fill_gaps(np.array([0, 1, 1, 2, 3.0]), np.zeros(5), 0.1)
    with pytest.raises(ValueError, match="5 samples"):
        fill_gaps(t, np.zeros(4), 0.1)


@settings(max_examples=60, deadline=None)
@given(
    mask=st.lists(st.booleans(), min_size=2, max_size=40),
    max_gap_frames=st.integers(min_value=0, max_value=10),
)
def test_fill_only_bridges_interior_gaps_within_the_limit(
    mask: list[bool], max_gap_frames: int
) -> None:
    valid = np.array(mask)
    t = _time(valid.size)
    x = np.where(valid, np.arange(valid.size, dtype=float), np.nan)
    filled = fill_gaps(t, x, max_gap_s=max_gap_frames / RATE_HZ)
    np.testing.assert_array_equal(filled[valid], x[valid])
    for gap in find_gaps(t, valid):
        interior = gap.start > 0 and gap.end < valid.size
        frames_spanned = gap.end - gap.start + 1
        should_fill = interior and frames_spanned <= max_gap_frames
        segment = filled[gap.start : gap.end]
        if should_fill:
            # linear between neighbours of an index ramp gives the index back
            np.testing.assert_allclose(segment, np.arange(gap.start, gap.end), atol=1e-9)
        else:
            assert np.all(np.isnan(segment))
