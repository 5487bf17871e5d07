"""SPARC against an independent continuous-spectrum computation and its published properties."""

import numpy as np
import pytest

from kinesense.arrays import FloatArray
from kinesense.assess.smoothness import sparc, speed_of_angle


def min_jerk_speed(t: FloatArray, t0: float = 0.0, duration: float = 1.0) -> FloatArray:
    """Speed of a unit minimum-jerk movement (Flash & Hogan 1985): 30 tau^2 (1 - tau)^2 / T."""
    tau = np.clip((t - t0) / duration, 0.0, 1.0)
    return np.asarray(30 * tau**2 * (1 - tau) ** 2 / duration)


def continuous_sparc_of_min_jerk() -> float:
    """SPARC of the minimum-jerk speed from its continuous Fourier transform (no FFT, no padding):
    the spectrum sampled every 0.0005 Hz by numerical integration, threshold 0.05, 10 Hz cap."""
    from scipy.integrate import quad

    def magnitude(f: float) -> float:
        w = 2 * np.pi * f
        re = quad(lambda x: 30 * x * x * (1 - x) ** 2 * np.cos(w * x), 0, 1)[0]
        im = quad(lambda x: 30 * x * x * (1 - x) ** 2 * np.sin(w * x), 0, 1)[0]
        return float(np.hypot(re, im))

    f = np.arange(0.0, 3.0, 0.0005)  # the spectrum falls below 0.05 at 1.67 Hz
    v = np.array([magnitude(x) for x in f])
    v /= v[0]
    last = int(np.flatnonzero(v >= 0.05)[-1])
    fc = f[last]
    return -float(np.sum(np.hypot(np.diff(f[: last + 1]) / fc, np.diff(v[: last + 1]))))


@pytest.fixture(scope="module")
def reference_value() -> float:
    return continuous_sparc_of_min_jerk()


@pytest.mark.parametrize("rate_hz", [30.0, 100.0, 1000.0])
@pytest.mark.parametrize("duration_s", [0.5, 1.0, 3.0])
def test_min_jerk_sparc_matches_the_continuous_value_within_1_percent(
    reference_value: float, rate_hz: float, duration_s: float
) -> None:
    # the continuous value is -1.408; Balasubramanian et al. 2015 describe a single smooth
    # (minimum-jerk) movement as the least negative SPARC, about -1.4 to -1.6
    assert reference_value == pytest.approx(-1.408, abs=0.005)
    t = np.arange(0.0, duration_s + 1e-9, 1.0 / rate_hz)
    value = sparc(min_jerk_speed(t, 0.0, duration_s) * 7.0, rate_hz)
    assert value == pytest.approx(reference_value, rel=0.01)


def test_sparc_is_independent_of_amplitude() -> None:
    t = np.arange(0.0, 1.0, 0.01)
    assert sparc(min_jerk_speed(t), 100.0) == pytest.approx(sparc(100 * min_jerk_speed(t), 100.0))


def test_sub_movements_and_noise_make_sparc_more_negative() -> None:
    rate = 100.0
    t = np.arange(0.0, 2.5, 1.0 / rate)
    single = sparc(min_jerk_speed(t, 0.0, 1.0), rate)
    overlapping = sparc(min_jerk_speed(t, 0.0, 1.0) + min_jerk_speed(t, 0.8, 1.0), rate)
    separate = sparc(min_jerk_speed(t, 0.0, 1.0) + min_jerk_speed(t, 1.3, 1.0), rate)
    assert single > overlapping > separate
    # a 4 Hz tremor of 15 % of the peak speed (white noise of that size barely shows: its
    # spectrum is spread up to 50 Hz and stays below the 0.05 threshold)
    t1 = np.arange(0.0, 1.0, 1.0 / rate)
    tremor = 0.15 * 1.875 * np.sin(2 * np.pi * 4.0 * t1)
    shaky = np.abs(min_jerk_speed(t1) + tremor)
    assert sparc(shaky, rate) < sparc(min_jerk_speed(t1), rate) - 0.2


def test_parameters_change_the_result_as_published() -> None:
    t = np.arange(0.0, 2.5, 0.01)
    two = min_jerk_speed(t, 0.0, 1.0) + min_jerk_speed(t, 1.3, 1.0)
    # a lower threshold keeps more of the spectrum: a longer arc
    assert sparc(two, 100.0, amplitude_threshold=0.01) < sparc(two, 100.0)


def test_invalid_input_is_refused() -> None:
    with pytest.raises(ValueError, match="no movement"):
        sparc(np.zeros(50), 100.0)
    with pytest.raises(ValueError, match="finite"):
        sparc(np.array([0.0, 1.0, np.nan, 1.0, 0.0]), 100.0)
    with pytest.raises(ValueError, match="at least"):
        sparc(np.array([1.0, 2.0]), 100.0)
    with pytest.raises(ValueError, match="padding_level"):
        sparc(min_jerk_speed(np.arange(0, 1, 0.01)), 100.0, padding_level=-1)


def test_speed_of_angle_is_the_absolute_derivative() -> None:
    t = np.arange(0.0, 1.0, 0.01)
    speed = speed_of_angle(-20.0 * t, 100.0)
    np.testing.assert_allclose(speed, 20.0)
