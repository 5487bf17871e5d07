"""Postural-sway metrics of a 2-D trajectory (centre of pressure or centre of mass), in mm.

Definitions follow Prieto TE, Myklebust JB, Hoffmann RG, Lovett EG, Myklebust BM (1996),
"Measures of postural steadiness: differences between healthy young and elderly adults",
IEEE Trans Biomed Eng 43(9):956-966 (section II):

* the AP and ML series are referenced to their mean: ``AP[n] = AP0[n] - mean(AP0)``;
* resultant distance ``RD[n] = sqrt(AP[n]^2 + ML[n]^2)``; mean distance ``MDIST = mean(RD)``;
  RMS distance ``RDIST = sqrt(mean(RD^2))``; per direction ``RDIST_AP = sqrt(mean(AP^2))``
  (the RMS of the mean-referenced series, i.e. its population standard deviation);
* total excursion (path length) ``TOTEX = sum sqrt(dAP^2 + dML^2)``; per direction
  ``TOTEX_AP = sum |dAP|``; mean velocity ``MVELO = TOTEX / T`` with T the duration;
* range per direction ``max - min``;
* mean frequency ``MFREQ = MVELO / (2 pi MDIST)`` (the frequency of a circle of radius MDIST
  travelled at MVELO); per direction ``MFREQ_AP = MVELO_AP / (4 sqrt(2) MDIST_AP)`` (a sinusoid
  of mean absolute amplitude MDIST_AP travelled at MVELO_AP);
* frequency-domain measures on the power spectral density of AP, ML and RD between 0.15 and 5 Hz:
  total power ``mu0``, the 50 % and 95 % power frequencies, centroidal frequency
  ``sqrt(mu2 / mu0)`` and frequency dispersion ``sqrt(1 - mu1^2 / (mu0 mu2))`` (0 for a pure
  tone, larger for a broad spectrum), with ``mu_k = sum f^k G(f)``. The spectrum is estimated
  here with Welch's method (Hann windows of 20 s or the whole record, 50 % overlap,
  ``scipy.signal.welch``) rather than Prieto's averaged FFT; the definitions are the same.

Sway area: the 95 % *prediction* ellipse, recommended by Schubert P & Kirchner M (2014),
"Ellipse area calculations and their applicability in posturography", Gait Posture
39(1):518-522, because it describes where 95 % of the sway points lie (a *confidence* ellipse
describes where the mean lies and shrinks with the number of samples). With S the 2x2 sample
covariance (n - 1 denominator) of n points, the exact prediction region for a new point of a
bivariate normal sample is ``d^T S^-1 d <= c`` with
``c = 2 (n - 1)(n + 1) / (n (n - 2)) F(0.95; 2, n - 2)`` (Chew V 1966, "Confidence, prediction
and tolerance regions for the multivariate normal distribution", J Am Stat Assoc
61(315):605-617; Duarte M 2015, "Comments on 'Ellipse area calculations and their applicability
in posturography'", Gait Posture 41(1):44-45), so the area is ``pi c sqrt(det S)``. Schubert &
Kirchner's own code uses the large-sample limit ``c = chi2(0.95; 2) = 5.991``, and the form
``2 pi F (n - 1)/(n - 2) sqrt(det S)`` drops the factor ``(n + 1)/n``; all three agree within
1/n (0.01 % for 30 s at 100 Hz). The 95 % *confidence* ellipse of the mean
(``c = 2 (n - 1) / (n (n - 2)) F``) is given only under its own, clearly different, name.

Units: positions in mm, time in s, velocities in mm/s, areas in mm², frequencies in Hz, power in
mm² (the integral of the PSD over the band).
"""

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from kinesense._checks import check_positive
from kinesense.arrays import FloatArray
from kinesense.assess.result import MetricInfo
from kinesense.signal.filters import butter_lowpass_zero_lag
from kinesense.signal.resample import resample_uniform

DEFAULT_CUTOFF_HZ = 10.0
"""Default low-pass cut-off: a 2nd-order zero-lag Butterworth at 10 Hz keeps the whole band of
quiet-standing sway (Prieto 1996 analyse 0.15-5 Hz) and removes plate and tracking noise."""
SPECTRAL_BAND_HZ = (0.15, 5.0)
"""Band of the frequency-domain measures (Prieto 1996, section II-B)."""
WELCH_SEGMENT_S = 20.0
"""Length of the Welch segments: long enough to resolve 0.05 Hz, shorter than a 30-s trial."""
ELLIPSE_PROBABILITY = 0.95

PRIETO = "Prieto TE et al. 1996, IEEE Trans Biomed Eng 43(9):956-966"
SCHUBERT = (
    "Schubert P, Kirchner M 2014, Gait Posture 39(1):518-522; exact F quantile: Chew V 1966, "
    "J Am Stat Assoc 61(315):605-617"
)


@dataclass(frozen=True)
class Trajectory:
    """A uniformly sampled sway trajectory in mm, as analysed (after resampling and filtering).

    Attributes:
        time_s: (N,) times in seconds, uniform.
        ml_mm: (N,) medio-lateral position in mm (positive to the right), or None when the
            recording shows only the AP direction.
        ap_mm: (N,) antero-posterior position in mm (positive forward), or None.
        sampling_rate_hz: the uniform rate.
        processing: what was done to the input (resampling, filter), in words.
    """

    time_s: FloatArray
    ml_mm: FloatArray | None
    ap_mm: FloatArray | None
    sampling_rate_hz: float
    processing: tuple[str, ...] = ()

    @property
    def duration_s(self) -> float:
        """Duration from the first to the last sample, in seconds."""
        return float(self.time_s[-1] - self.time_s[0]) if len(self.time_s) else 0.0


@dataclass(frozen=True)
class Ellipse:
    """An ellipse in the ML-AP plane (mm): centre, semi-axes (major first), orientation.

    ``angle_deg`` is the angle of the major axis from the ML axis towards AP, in (-90, 90].
    """

    centre_mm: tuple[float, float]
    axes_mm: tuple[float, float]
    angle_deg: float

    @property
    def area_mm2(self) -> float:
        """Area in mm²."""
        return math.pi * self.axes_mm[0] * self.axes_mm[1]


def prepare_trajectory(
    time_s: ArrayLike,
    ml_mm: ArrayLike | None,
    ap_mm: ArrayLike | None,
    *,
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,
    filter: bool = True,
    rate_hz: float | None = None,
) -> Trajectory:
    """Resample an (irregular) trajectory to a uniform rate and low-pass filter it.

    Args:
        time_s: (N,) sample times in seconds, strictly increasing.
        ml_mm, ap_mm: (N,) positions in mm; one of them may be None (single-direction video).
        cutoff_hz: cut-off of the zero-lag 2nd-order Butterworth low-pass
            (:func:`kinesense.signal.filters.butter_lowpass_zero_lag`, -3 dB at ``cutoff_hz``).
            Ignored when ``filter`` is False. A cut-off at or above the Nyquist frequency of the
            recording is lowered to 0.4 x the sampling rate, and the processing notes say so.
        filter: False analyses the samples as recorded (after resampling).
        rate_hz: uniform rate; default: the median rate of the input, so uniform inputs are
            kept sample for sample.

    Raises:
        ValueError: fewer than 3 samples, both directions missing, or NaN in the input (fill or
            reject gaps first).
    """
    t = np.asarray(time_s, dtype=np.float64)
    if ml_mm is None and ap_mm is None:
        raise ValueError("a trajectory needs at least one of ml_mm and ap_mm")
    if t.ndim != 1 or len(t) < 3:
        raise ValueError("a trajectory needs at least 3 samples")
    columns = [np.asarray(v, dtype=np.float64) for v in (ml_mm, ap_mm) if v is not None]
    values = np.column_stack(columns)
    if not np.all(np.isfinite(values)):
        raise ValueError("the trajectory has missing samples (NaN); fill or reject gaps first")
    steps = np.diff(t)
    fs = float(rate_hz) if rate_hz is not None else float(1.0 / np.median(steps))
    check_positive("rate_hz", fs)
    notes: list[str] = []
    uniform = np.allclose(steps, 1.0 / fs, rtol=1e-3, atol=1e-9)
    if not uniform:
        t, values = resample_uniform(t, values, fs)
        notes.append(f"resampled to a uniform {fs:g} Hz by linear interpolation")
    if filter:
        fc = float(cutoff_hz)
        if fc >= fs / 2:
            fc = 0.4 * fs
            notes.append(
                f"cut-off lowered from {cutoff_hz:g} Hz to {fc:g} Hz (below the Nyquist "
                f"frequency of a {fs:g} Hz recording)"
            )
        values = butter_lowpass_zero_lag(values, fs, fc)
        notes.append(f"low-pass filtered: zero-lag 2nd-order Butterworth, -3 dB at {fc:g} Hz")
    else:
        notes.append("not filtered (filter=False)")
    it = iter(values.T)
    ml = next(it).copy() if ml_mm is not None else None
    ap = next(it).copy() if ap_mm is not None else None
    return Trajectory(t, ml, ap, fs, tuple(notes))


def prediction_ellipse(
    ml_mm: ArrayLike, ap_mm: ArrayLike, probability: float = ELLIPSE_PROBABILITY
) -> Ellipse:
    """The ``probability`` prediction ellipse of the points (see the module docstring)."""
    return _ellipse(ml_mm, ap_mm, probability, prediction=True)


def confidence_ellipse(
    ml_mm: ArrayLike, ap_mm: ArrayLike, probability: float = ELLIPSE_PROBABILITY
) -> Ellipse:
    """The ``probability`` confidence ellipse of the MEAN of the points (not of the sway)."""
    return _ellipse(ml_mm, ap_mm, probability, prediction=False)


def _ellipse(
    ml_mm: ArrayLike, ap_mm: ArrayLike, probability: float, *, prediction: bool
) -> Ellipse:
    from scipy.stats import f as f_dist

    points = np.column_stack([np.asarray(ml_mm, float), np.asarray(ap_mm, float)])
    n = points.shape[0]
    if n < 4:
        raise ValueError("an ellipse needs at least 4 points")
    cov = np.cov(points, rowvar=False, ddof=1)
    quantile = float(f_dist.ppf(probability, 2, n - 2))
    scale = 2.0 * (n - 1) / (n * (n - 2)) * quantile
    if prediction:
        scale *= n + 1
    eigenvalues, eigenvectors = np.linalg.eigh(cov)  # ascending
    eigenvalues = np.clip(eigenvalues, 0.0, None)
    major = eigenvectors[:, 1]
    angle = math.degrees(math.atan2(major[1], major[0]))
    if angle <= -90.0:
        angle += 180.0
    elif angle > 90.0:
        angle -= 180.0
    centre = points.mean(axis=0)
    return Ellipse(
        (float(centre[0]), float(centre[1])),
        (float(math.sqrt(scale * eigenvalues[1])), float(math.sqrt(scale * eigenvalues[0]))),
        angle,
    )


def power_spectrum(values: ArrayLike, sampling_rate_hz: float) -> tuple[FloatArray, FloatArray]:
    """One-sided power spectral density (mm²/Hz) by Welch's method; returns (freq_hz, psd)."""
    from scipy.signal import welch

    v = np.asarray(values, dtype=np.float64)
    v = v - v.mean()
    nperseg = min(len(v), round(WELCH_SEGMENT_S * sampling_rate_hz))
    freq, psd = welch(v, fs=sampling_rate_hz, window="hann", nperseg=nperseg, detrend=False)
    return np.asarray(freq, np.float64), np.asarray(psd, np.float64)


def spectral_measures(
    freq_hz: ArrayLike, psd: ArrayLike, band_hz: tuple[float, float] = SPECTRAL_BAND_HZ
) -> dict[str, float]:
    """Prieto 1996 frequency measures of a PSD within ``band_hz``.

    Returns ``total_power`` (mm², PSD summed times the bin width), ``power50_hz``,
    ``power95_hz`` (lowest frequency below which 50 % / 95 % of the band's power lies),
    ``centroid_hz`` (``sqrt(mu2/mu0)``) and ``dispersion`` (``sqrt(1 - mu1²/(mu0 mu2))``,
    unitless). NaN when the band holds no power.
    """
    f = np.asarray(freq_hz, dtype=np.float64)
    g = np.asarray(psd, dtype=np.float64)
    keep = (f >= band_hz[0]) & (f <= band_hz[1])
    f, g = f[keep], g[keep]
    nan = {k: math.nan for k in ("total_power", "power50_hz", "power95_hz", "centroid_hz")}
    if len(f) < 2 or not np.sum(g) > 0:
        return nan | {"dispersion": math.nan}
    df = float(f[1] - f[0])
    mu0, mu1, mu2 = (float(np.sum(f**k * g)) for k in (0, 1, 2))
    cumulative = np.cumsum(g) / np.sum(g)
    return {
        "total_power": mu0 * df,
        "power50_hz": round(float(f[np.searchsorted(cumulative, 0.5)]), 9),
        "power95_hz": round(float(f[np.searchsorted(cumulative, 0.95)]), 9),
        "centroid_hz": math.sqrt(mu2 / mu0),
        "dispersion": math.sqrt(max(0.0, 1.0 - mu1**2 / (mu0 * mu2))),
    }


BOTH_AXES_METRICS = (
    "path_length_mm",
    "mean_velocity_mm_s",
    "mean_distance_mm",
    "rms_distance_mm",
    "mean_frequency_hz",
    "ellipse95_area_mm2",
    "confidence_ellipse95_area_mm2",
)
"""Metrics of the sway in the ML-AP plane: they need both directions (the spectral measures of
the resultant distance, ``*_rd_*``, too)."""


def not_measured(trajectory: Trajectory) -> dict[str, str]:
    """The metrics of :data:`BOTH_AXES_METRICS` a one-direction trajectory cannot give, each
    with the reason (empty with both directions)."""
    if trajectory.ml_mm is not None and trajectory.ap_mm is not None:
        return {}
    seen = "antero-posterior" if trajectory.ml_mm is None else "medio-lateral"
    reason = f"needs both sway directions; only {seen} sway was recorded"
    return dict.fromkeys(BOTH_AXES_METRICS, reason)


def sway_metrics(trajectory: Trajectory) -> dict[str, float]:
    """All metrics of :data:`METRIC_INFO` that the trajectory's directions allow.

    With only one direction (a one-axis force plate; a video from the front gives ML, from the
    side AP) only that direction's measures are given: the path, distances, ellipse and
    spectrum of the ML-AP plane need both (:func:`not_measured` says so).
    """
    fs = trajectory.sampling_rate_hz
    duration = trajectory.duration_s
    if duration <= 0:
        raise ValueError("the trajectory has no duration")
    axes = {
        name: np.asarray(v) - np.mean(v)
        for name, v in (("ml", trajectory.ml_mm), ("ap", trajectory.ap_mm))
        if v is not None
    }
    out: dict[str, float] = {"duration_s": duration}
    series = dict(axes)
    if len(axes) == 2:
        stacked = np.column_stack(list(axes.values()))
        rd = np.sqrt(np.sum(stacked**2, axis=1))
        path = float(np.sum(np.sqrt(np.sum(np.diff(stacked, axis=0) ** 2, axis=1))))
        mean_distance = float(np.mean(rd))
        velocity = path / duration
        out |= {
            "path_length_mm": path,
            "mean_velocity_mm_s": velocity,
            "mean_distance_mm": mean_distance,
            "rms_distance_mm": float(np.sqrt(np.mean(rd**2))),
            "mean_frequency_hz": velocity / (2 * math.pi * mean_distance)
            if mean_distance
            else math.nan,
        }
    for name, v in axes.items():
        path_axis = float(np.sum(np.abs(np.diff(v))))
        mdist = float(np.mean(np.abs(v)))
        out[f"path_length_{name}_mm"] = path_axis
        out[f"mean_velocity_{name}_mm_s"] = path_axis / duration
        out[f"rms_{name}_mm"] = float(np.sqrt(np.mean(v**2)))
        out[f"range_{name}_mm"] = float(np.max(v) - np.min(v))
        out[f"mean_frequency_{name}_hz"] = (
            path_axis / duration / (4 * math.sqrt(2) * mdist) if mdist else math.nan
        )
    if len(axes) == 2:
        series["rd"] = rd
        out["ellipse95_area_mm2"] = prediction_ellipse(axes["ml"], axes["ap"]).area_mm2
        out["confidence_ellipse95_area_mm2"] = confidence_ellipse(axes["ml"], axes["ap"]).area_mm2
    for name, v in series.items():
        freq, psd = power_spectrum(v, fs)
        spectral = spectral_measures(freq, psd)
        out[f"total_power_{name}_mm2"] = spectral["total_power"]
        out[f"power50_frequency_{name}_hz"] = spectral["power50_hz"]
        out[f"power95_frequency_{name}_hz"] = spectral["power95_hz"]
        out[f"centroidal_frequency_{name}_hz"] = spectral["centroid_hz"]
        out[f"frequency_dispersion_{name}"] = spectral["dispersion"]
    return {k: v for k, v in out.items() if math.isfinite(v)}


def _info() -> dict[str, MetricInfo]:
    info = {
        "duration_s": MetricInfo("s", "duration of the analysed recording", PRIETO),
        "path_length_mm": MetricInfo(
            "mm", "total excursion: length of the sway path in the ML-AP plane", PRIETO
        ),
        "mean_velocity_mm_s": MetricInfo("mm/s", "path length / duration", PRIETO),
        "mean_distance_mm": MetricInfo(
            "mm", "mean distance from the mean position (resultant distance)", PRIETO
        ),
        "rms_distance_mm": MetricInfo("mm", "RMS distance from the mean position", PRIETO),
        "mean_frequency_hz": MetricInfo(
            "Hz", "mean velocity / (2 pi x mean distance): the rotation rate of a circle of radius"
            " mean distance travelled at mean velocity", PRIETO,
        ),
        "ellipse95_area_mm2": MetricInfo(
            "mm²", "area of the 95 % prediction ellipse: holds 95 % of the sway positions "
            "(exact F quantile)", SCHUBERT,
        ),
        "confidence_ellipse95_area_mm2": MetricInfo(
            "mm²", "area of the 95 % CONFIDENCE ellipse of the MEAN position; shrinks with the "
            "number of samples; not a measure of sway, given for comparison only", SCHUBERT,
        ),
    }  # fmt: skip
    words = {"ml": "medio-lateral", "ap": "antero-posterior", "rd": "resultant distance"}
    for name, label in words.items():
        if name != "rd":
            info |= {
                f"path_length_{name}_mm": MetricInfo("mm", f"{label} path length", PRIETO),
                f"mean_velocity_{name}_mm_s": MetricInfo(
                    "mm/s", f"{label} path length / duration", PRIETO
                ),
                f"rms_{name}_mm": MetricInfo(
                    "mm", f"RMS of the mean-referenced {label} position", PRIETO
                ),
                f"range_{name}_mm": MetricInfo("mm", f"{label} range (max - min)", PRIETO),
                f"mean_frequency_{name}_hz": MetricInfo(
                    "Hz", f"{label} mean velocity / (4 sqrt(2) x mean absolute distance)", PRIETO
                ),
            }
        band = f"{SPECTRAL_BAND_HZ[0]:g}-{SPECTRAL_BAND_HZ[1]:g} Hz, Welch PSD"
        info |= {
            f"total_power_{name}_mm2": MetricInfo(
                "mm²", f"power of the {label} in {band}", PRIETO
            ),
            f"power50_frequency_{name}_hz": MetricInfo(
                "Hz", f"frequency below which 50 % of the {label} power lies ({band})", PRIETO
            ),
            f"power95_frequency_{name}_hz": MetricInfo(
                "Hz", f"frequency below which 95 % of the {label} power lies ({band})", PRIETO
            ),
            f"centroidal_frequency_{name}_hz": MetricInfo(
                "Hz", f"sqrt(mu2/mu0) of the {label} spectrum ({band})", PRIETO
            ),
            f"frequency_dispersion_{name}": MetricInfo(
                "1", f"sqrt(1 - mu1^2/(mu0 mu2)) of the {label} spectrum: 0 for a pure tone, "
                f"larger for a broad spectrum ({band})", PRIETO,
            ),
        }  # fmt: skip
    return info


METRIC_INFO: dict[str, MetricInfo] = _info()
"""Unit, definition and reference of every metric :func:`sway_metrics` can return."""


def plot_data(trajectory: Trajectory, max_points: int = 2000) -> dict[str, Any]:
    """Trajectory (downsampled to at most ``max_points``), ellipse and spectra for reports."""
    n = len(trajectory.time_s)
    step = max(1, math.ceil(n / max_points))

    def thin(v: FloatArray | None) -> list[float] | None:
        return None if v is None else [round(float(x), 4) for x in v[::step]]

    data: dict[str, Any] = {
        "time_s": thin(trajectory.time_s),
        "ml_mm": thin(trajectory.ml_mm),
        "ap_mm": thin(trajectory.ap_mm),
    }
    spectrum: dict[str, Any] = {}
    for name, v in (("ml", trajectory.ml_mm), ("ap", trajectory.ap_mm)):
        if v is None:
            spectrum[f"{name}_power"] = None
            continue
        freq, psd = power_spectrum(v, trajectory.sampling_rate_hz)
        keep = freq <= SPECTRAL_BAND_HZ[1]
        spectrum["freq_hz"] = [round(float(x), 4) for x in freq[keep]]
        spectrum[f"{name}_power"] = [float(x) for x in psd[keep]]
    data["spectrum"] = spectrum
    if trajectory.ml_mm is not None and trajectory.ap_mm is not None:
        e = prediction_ellipse(trajectory.ml_mm, trajectory.ap_mm)
        data["ellipse"] = {
            "centre_mm": list(e.centre_mm),
            "axes_mm": list(e.axes_mm),
            "angle_deg": e.angle_deg,
            "kind": "95 % prediction ellipse",
        }
    return data
