"""The sample analysis behind ``make run``: the bundled recording, from video to clean numbers.

The recording (``sample_data/single_leg_balance.mp4``) is camera 1 of the Pose2Sim
"BalancingTrial" demo: a barefoot man balancing on one leg in a lab, 1.67 s at 60 frames/s
(perfanalytics/pose2sim, BSD-3-Clause; see ``sample_data/README.md``).

Steps: extract landmarks with the shipped BlazePose model, fill gaps of up to 0.1 s, resample
onto a uniform time grid, low-pass
the image landmarks at 6 Hz with a zero-lag Butterworth filter (a usual cut-off for body
landmarks during slow movement; Winter 2009, Biomechanics and Motor Control of Human Movement,
4th ed.), then compute trunk inclination, knee flexion and the centre of mass (de Leva 1996).
"""

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kinesense.outputs import atomic_path
from kinesense.series import PoseSeries
from kinesense.signal.com import centre_of_mass
from kinesense.signal.filters import butter_lowpass_zero_lag
from kinesense.signal.gaps import fill_gaps
from kinesense.signal.geometry import joint_angle_deg, midpoint, signed_inclination_2d_deg
from kinesense.signal.resample import resample_uniform

SAMPLE_VIDEO = "single_leg_balance.mp4"
MAX_GAP_S = 0.1
CUTOFF_HZ = 6.0


def sample_video_path() -> Path:
    """Path of the bundled sample video."""
    return Path(str(resources.files("kinesense") / "sample_data" / SAMPLE_VIDEO))


def clean_image_landmarks(series: PoseSeries) -> NDArray[np.float64]:
    """(M, 33, 2) image landmarks in pixels on a uniform time grid, cleaned for analysis.

    Gaps up to :data:`MAX_GAP_S` are filled, the frames are resampled onto a uniform grid at
    the nominal frame rate (video frame times may be irregular), and the result is low-passed
    at :data:`CUTOFF_HZ` with a zero-lag Butterworth filter.
    """
    width, height = series.provenance.resolution or (1, 1)
    xy = series.image_xyz[:, :, :2] * np.array([width, height], dtype=np.float64)
    filled = fill_gaps(series.time_s, xy, MAX_GAP_S)
    rate = series.frame_rate_hz or series.sampling_rate_hz
    if len(series) < 2 or rate <= 0:
        return filled
    _, uniform = resample_uniform(series.time_s, filled, rate)
    if rate / 2 <= CUTOFF_HZ:
        return uniform
    return butter_lowpass_zero_lag(uniform, rate, CUTOFF_HZ)


def _stats(values: NDArray[np.float64]) -> dict[str, float | None]:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {"mean": None, "sd": None, "min": None, "max": None}
    return {
        "mean": round(float(finite.mean()), 2),
        "sd": round(float(finite.std(ddof=1)) if finite.size > 1 else 0.0, 2),
        "min": round(float(finite.min()), 2),
        "max": round(float(finite.max()), 2),
    }


def analyse_pose(series: PoseSeries) -> dict[str, Any]:
    """Trunk inclination, knee flexion, lifted foot and centre-of-mass travel of a pose series.

    All angles in degrees from image landmarks (2D, so they depend on the camera view):
    trunk inclination is the signed tilt of mid-hip -> mid-shoulder from the image vertical
    (positive towards the image right); knee flexion is 180 minus the hip-knee-ankle angle.
    Centre-of-mass travel is the range of the de Leva (1996) whole-body CoM, in % of the
    person's height in the image (nose to lower ankle, median over frames).
    """
    xy = clean_image_landmarks(series)
    names = series.landmark_names

    def point(name: str) -> NDArray[np.float64]:
        return xy[:, names.index(name)]

    mid_hip = midpoint(point("left_hip"), point("right_hip"))
    mid_shoulder = midpoint(point("left_shoulder"), point("right_shoulder"))
    trunk = signed_inclination_2d_deg(mid_hip, mid_shoulder)
    knees = {
        side: 180.0
        - joint_angle_deg(point(f"{side}_hip"), point(f"{side}_knee"), point(f"{side}_ankle"))
        for side in ("left", "right")
    }
    # Image y grows downwards: the lifted foot is the ankle higher up (smaller y).
    ankle_dy = point("left_ankle")[:, 1] - point("right_ankle")[:, 1]
    known = np.isfinite(ankle_dy)
    left_share = float(np.mean(ankle_dy[known] < 0)) if known.any() else None
    lifted_foot = None if left_share is None else ("left" if left_share >= 0.5 else "right")
    stature = np.nanmedian(
        np.maximum(point("left_ankle")[:, 1], point("right_ankle")[:, 1]) - point("nose")[:, 1]
    )
    com = centre_of_mass(xy)
    com_range = (
        np.nanmax(com, axis=0) - np.nanmin(com, axis=0) if np.isfinite(com).any() else [np.nan] * 2
    )
    return {
        "trunk_inclination_deg": _stats(trunk),
        "left_knee_flexion_deg": _stats(knees["left"]),
        "right_knee_flexion_deg": _stats(knees["right"]),
        "lifted_foot": lifted_foot,
        "lifted_foot_share": (
            None if left_share is None else round(max(left_share, 1.0 - left_share), 3)
        ),
        "com_travel_pct_height": {
            "medio_lateral_image_x": round(float(100 * com_range[0] / stature), 2),
            "vertical_image_y": round(float(100 * com_range[1] / stature), 2),
        },
    }


def run_sample(
    *,
    model: str = "full",
    workers: int = 1,
    output_dir: Path = Path("out"),
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Extract and analyse the sample video; save its landmarks (``.npz`` and ``.csv``, each
    replaced whole) in ``output_dir``; return the report as a dict."""
    from kinesense.capture.extract import extract_video

    video = sample_video_path()
    result = extract_video(video, model=model, workers=workers, progress=progress)
    output_dir.mkdir(parents=True, exist_ok=True)
    saved = result.series.save(output_dir / "sample_pose.npz")
    csv = output_dir / "sample_pose.csv"
    with atomic_path(csv) as temporary:
        result.series.to_csv(temporary)
    return {
        "recording": "Pose2Sim demo, single-leg balancing, camera 1 (BSD-3-Clause)",
        "extraction": result.summary(),
        "analysis": analyse_pose(result.series),
        "saved": [str(saved), str(csv)],
    }
