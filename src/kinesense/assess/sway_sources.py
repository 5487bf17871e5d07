"""Recordings to a sway trajectory in mm, with the quality problems that make them unusable.

Three sources, one output (:class:`SwayTrace`: time, ML and AP in mm, problems, notes):

* **force plate** (:func:`from_cop`): the centre of pressure (CoP) in metres, times 1000. A
  vertical force below :data:`MIN_FORCE_FRACTION` of the median force means the person stepped
  (partly) off the plate.
* **video** (:func:`from_pose`): the whole-body centre of mass (CoM) of the landmarks
  (:func:`kinesense.signal.com.centre_of_mass`, de Leva 1996) in image pixels, scaled to mm by
  the person's height in the image and a stated standing height (default
  :data:`DEFAULT_HEIGHT_CM`). The height in pixels is the eye-to-heel distance divided by 0.936,
  the eye height as a fraction of stature in Drillis R & Contini R (1966), "Body segment
  parameters", Report 1166-03, New York University (as drawn in Winter DA 2009, *Biomechanics
  and Motor Control of Human Movement*, 4th ed., Fig. 4.1). A front (or back) view gives the ML
  direction, a side view the AP direction; the other direction is not measured. Camera sway has
  errors of about a centimetre: it tracks one person over time and is not comparable with
  force-plate norms.
* **IMU or phone** (:func:`from_imu`) at the lower back or sternum: orientation from the
  accelerometer and gyroscope with Madgwick's filter (``ahrs.filters.Madgwick``; Madgwick SOH,
  Harrison AJL, Vaidyanathan R 2011, "Estimation of IMU and MARG orientation using a gradient
  descent algorithm", IEEE ICORR 2011:1-7); the tilt of the sensor from its mean orientation,
  then the single inverted-pendulum approximation of quiet standing (Winter DA 1995, "Human
  balance and posture control during standing and walking", Gait Posture 3(4):193-214): the
  sensor, ``h`` above the ankles, moves ``h sin(tilt)`` horizontally. This ignores hip and trunk
  motion (valid for ankle-strategy sway only), assumes the sensor is rigidly attached, and its
  AP/ML split needs the sensor's forward axis.
"""

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kinesense._checks import check_option, check_positive
from kinesense.arrays import BoolArray, FloatArray
from kinesense.assess.orientation import MADGWICK_GAIN_IMU, quaternion_to_matrix
from kinesense.landmarks import MIN_VISIBILITY
from kinesense.series import CopSeries, MotionSeries, PoseSeries
from kinesense.series.plausibility import check_cop, check_motion, collapsed_frames, time_holes
from kinesense.signal.com import centre_of_mass, landmark_weights
from kinesense.signal.gaps import fill_gaps

MIN_FORCE_FRACTION = 0.5
"""Vertical force below this fraction of the median force: a foot left the plate."""
MIN_BODY_FORCE_N = 100.0
"""A median vertical force below this (about 10 kg) means nobody stood on the plate."""
MAX_GAP_S = 0.2
"""Gaps (missing samples) up to this long are interpolated; longer ones make a trace unusable."""
MAX_LOW_VISIBILITY_FRACTION = 0.1
"""Video: more than this fraction of frames without a reliable CoM makes the trace unusable."""
DEFAULT_HEIGHT_CM = 170.0
"""Standing height assumed for video scaling when none is given (an adult average, stated)."""
EYE_HEIGHT_FRACTION = 0.936
"""Eye height / stature (Drillis & Contini 1966, via Winter 2009 Fig. 4.1)."""
DEFAULT_SENSOR_HEIGHT_CM = 100.0
"""Sensor height above the ankles assumed for IMU sway when none is given (lower back, stated)."""
MAX_IMU_TILT_DEG = 10.0
"""IMU: a tilt beyond this from the mean orientation is movement, not quiet-standing sway."""
MAX_ACC_DEVIATION = 0.15
"""IMU: |acc| farther than this fraction from g in more than 5 % of samples: moving or noisy."""
GRAVITY_M_S2 = 9.80665
AXES = ("+x", "-x", "+y", "-y", "+z", "-z")

VIDEO_NOTE = (
    "Video sway has errors of about a centimetre (camera, lens and pose model): use it to follow "
    "one person over time with the same set-up, not to compare with force-plate norms."
)
IMU_NOTE = (
    "IMU sway is the sensor's tilt turned into displacement with a single inverted pendulum "
    "(Winter 1995): displacement = h x sin(tilt), h = {h:g} cm above the ankles. It assumes "
    "ankle-strategy sway (no hip or trunk bending), a rigidly attached sensor and forward axis "
    "{axis}; its values are not interchangeable with force-plate CoP figures."
)


@dataclass(frozen=True)
class SwayTrace:
    """A sway trajectory in mm before filtering, with what was wrong with the recording.

    Attributes:
        kind: ``"cop"``, ``"video"`` or ``"imu"``.
        time_s: (N,) times in seconds.
        ml_mm, ap_mm: (N,) positions in mm (ML positive right, AP positive forward), or None
            for a direction the recording does not show.
        problems: reasons the recording cannot be judged (empty when usable).
        notes: what a reader must know about the method and its limits.
        quality: figures behind the quality checks.
        source: provenance of the input series (JSON form).
    """

    kind: str
    time_s: FloatArray
    ml_mm: FloatArray | None
    ap_mm: FloatArray | None
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    quality: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)


def from_cop(cop: CopSeries) -> SwayTrace:
    """Force-plate CoP (metres) to a trace in mm, checking the vertical force, gaps, holes in
    time and the plausibility of the CoP (:mod:`kinesense.series.plausibility`).

    An axis without any value (a one-axis plate) or a constant one (a plate that writes zeros
    for the axis it lacks, or a stuck channel) is not measured (``None``), with a note; a
    trace left with no moving axis is unusable ("nobody stood on the plate"). Without a force
    column, stepping off the plate cannot be detected and a note says so.
    """
    problems: list[str] = []
    notes = [f"force plate CoP; axes: {cop.axes[0]}; {cop.axes[1]}"]
    findings = check_cop(cop)
    problems += [f.message for f in findings if f.refuse or f.check == "units"]
    problems += _hole_problems(cop.time_s)
    quality: dict[str, Any] = {}
    force = cop.force_n
    finite_force = force[np.isfinite(force)]
    if finite_force.size == 0:
        notes.append(
            "no vertical force was recorded: a step off the plate cannot be detected; watch the "
            "person during the trial"
        )
    else:
        problems += _force_problems(cop, finite_force, quality)
    measured: list[int] = []
    constant = {f.subject: f.message for f in findings if f.check == "constant"}
    for j, name in enumerate(("medio-lateral", "antero-posterior")):
        if np.all(np.isnan(cop.cop_m[:, j])):
            notes.append(f"{name} CoP not recorded (one-axis plate): {name} sway not measured")
        elif name in constant:
            notes.append(f"{constant[name]}; {name} sway not measured")
        else:
            measured.append(j)
    if not measured and not any(f.refuse for f in findings):
        problems.append(
            "the centre of pressure does not move (constant or not recorded on both axes): "
            "nobody stood on the plate, or the plate's channels are stuck; record again"
        )
    finite_cop = np.where(np.isinf(cop.cop_m), np.nan, cop.cop_m) * 1000.0
    cop_mm = np.full_like(finite_cop, np.nan)
    columns = measured or [0, 1]
    cop_mm[:, columns] = _filled(cop.time_s, finite_cop[:, columns], problems, "CoP")
    axes = [cop_mm[:, j] if j in measured else None for j in (0, 1)]
    return SwayTrace(
        kind="cop",
        time_s=np.asarray(cop.time_s, np.float64),
        ml_mm=axes[0] if axes[0] is not None or axes[1] is not None else cop_mm[:, 0],
        ap_mm=axes[1],
        problems=tuple(problems),
        notes=tuple(notes),
        quality=quality,
        source=cop.provenance.to_json(),
    )


def _force_problems(cop: CopSeries, finite_force: FloatArray, quality: dict[str, Any]) -> list[str]:
    """Nobody on the plate, or a step off it, from the vertical force."""
    force = cop.force_n
    median_force = float(np.median(finite_force))
    quality["median_force_n"] = median_force
    if not median_force >= MIN_BODY_FORCE_N:
        return [
            f"the vertical force (median {median_force:.0f} N) is below {MIN_BODY_FORCE_N:g} N:"
            " nobody seems to stand on the plate (or the force column is wrong)"
        ]
    low = ~(force >= MIN_FORCE_FRACTION * median_force)
    low_s = float(np.count_nonzero(low)) / max(len(force), 1) * _duration(cop.time_s)
    quality["low_force_s"] = low_s
    if not np.any(low):
        return []
    first = float(cop.time_s[np.flatnonzero(low)[0]] - cop.time_s[0])
    return [
        f"the vertical force fell below {MIN_FORCE_FRACTION:.0%} of body weight at "
        f"{first:.2f} s (for {low_s:.2f} s in all): the person stepped off the plate"
    ]


def from_pose(
    pose: PoseSeries,
    *,
    height_cm: float | None = None,
    direction: str = "auto",
) -> SwayTrace:
    """Video landmarks to a one-direction CoM trace in mm (see the module docstring).

    Args:
        pose: landmarks with ``provenance.resolution`` and ``provenance.camera_view``.
        height_cm: the person's standing height; default :data:`DEFAULT_HEIGHT_CM` (stated in
            the notes).
        direction: ``"ml"`` (needs a front or back view), ``"ap"`` (needs a side view) or
            ``"auto"`` (whichever the view gives).
    """
    check_option("direction", direction, ("auto", "ml", "ap"))
    stated = height_cm is None
    height = check_positive("height_cm", DEFAULT_HEIGHT_CM if height_cm is None else height_cm)
    view = pose.provenance.camera_view
    problems: list[str] = []
    quality: dict[str, Any] = {"camera_view": view}
    notes = [VIDEO_NOTE]
    gives = {"front": "ml", "back": "ml", "left-side": "ap", "right-side": "ap"}.get(view)
    if gives is None:
        problems.append(
            f"the camera view is {view}: film the person from the front (side-to-side sway) or"
            " exactly from the side (forward-backward sway)"
        )
    elif direction != "auto" and direction != gives:
        problems.append(
            f"{direction.upper()} sway needs a {'front' if direction == 'ml' else 'side'} view;"
            f" this video is a {view} view"
        )
    resolution = pose.provenance.resolution
    n = len(pose.time_s)
    empty = np.full(n, np.nan)
    if resolution is None:
        problems.append("the recording has no image size: pixel distances are unknown")
        return SwayTrace("video", pose.time_s, empty, None, tuple(problems), tuple(notes), quality)
    scale_px = np.array(resolution, dtype=np.float64)
    xy_px = pose.image_xyz[:, :, :2] * scale_px
    names = list(landmark_weights())
    idx = [pose.index_of(name) for name in names]
    vis = pose.visibility[:, idx]
    inside = np.all((pose.image_xyz[:, idx, :2] >= 0) & (pose.image_xyz[:, idx, :2] <= 1), axis=2)
    present = np.all(np.isfinite(pose.image_xyz[:, idx, :2]), axis=(1, 2))
    # the MEAN visibility of the 22 CoM landmarks, not each one: in a side view the far limbs
    # are hidden but still estimated
    good = pose.detected & present & (vis.mean(axis=1) >= MIN_VISIBILITY) & np.all(inside, axis=1)
    good &= ~collapsed_frames(pose)
    problems += _hole_problems(pose.time_s)
    bad_fraction = 1.0 - float(np.mean(good)) if n else 1.0
    quality["low_visibility_fraction"] = bad_fraction
    if bad_fraction > MAX_LOW_VISIBILITY_FRACTION:
        problems.append(
            f"the whole body was not clearly in view in {bad_fraction:.0%} of the frames (more "
            f"than {MAX_LOW_VISIBILITY_FRACTION:.0%}): keep the whole body, head to feet, in the"
            " frame and well lit"
        )
    com_px = centre_of_mass(
        np.where(good[:, None, None], xy_px, np.nan), landmark_names=pose.landmark_names
    )
    height_px = _height_px(pose, scale_px, good)
    quality["height_px"] = height_px
    if not height_px > 0:
        problems.append("the person's height in the image could not be measured (eyes, heels)")
        height_px = math.nan
    mm_per_px = height * 10.0 / height_px
    quality["mm_per_px"] = mm_per_px
    if stated:
        notes.append(
            f"pixels scaled to mm assuming a standing height of {DEFAULT_HEIGHT_CM:g} cm "
            "(give the real height for correct millimetres)"
        )
    else:
        notes.append(f"pixels scaled to mm with a standing height of {height:g} cm")
    x_mm = (com_px[:, 0] - np.nanmean(com_px[:, 0])) * mm_per_px if np.any(good) else empty
    sign = {"front": -1.0, "back": 1.0, "left-side": -1.0, "right-side": 1.0}.get(view, 1.0)
    filled = _filled(pose.time_s, (sign * x_mm)[:, None], problems, "centre of mass")[:, 0]
    axis = gives or (direction if direction != "auto" else "ml")
    if gives is not None:
        words = "medio-lateral" if axis == "ml" else "antero-posterior"
        notes.append(f"{view} view: only {words} sway is measured")
    return SwayTrace(
        kind="video",
        time_s=np.asarray(pose.time_s, np.float64),
        ml_mm=filled if axis == "ml" else None,
        ap_mm=filled if axis == "ap" else None,
        problems=tuple(problems),
        notes=tuple(notes),
        quality=quality,
        source=pose.provenance.to_json(),
    )


def _hole_problems(time_s: FloatArray) -> list[str]:
    """A problem naming the longest hole in time (see
    :func:`kinesense.series.plausibility.time_holes`): sway across it would be invented."""
    holes = time_holes(time_s)
    if not holes:
        return []
    start, length = max(holes, key=lambda h: h[1])
    return [
        f"the recording has a hole of {length:.2f} s in time at {start - float(time_s[0]):.2f} s "
        f"({len(holes)} hole(s) in all): samples are missing; record again"
    ]


def _height_px(pose: PoseSeries, scale_px: FloatArray, good: BoolArray) -> float:
    """Median stature in pixels: eye-to-heel vertical distance / :data:`EYE_HEIGHT_FRACTION`."""
    if not np.any(good):
        return math.nan
    eyes = (pose.image_point("left_eye")[:, 1] + pose.image_point("right_eye")[:, 1]) / 2
    heels = (pose.image_point("left_heel")[:, 1] + pose.image_point("right_heel")[:, 1]) / 2
    eye_to_heel = (heels - eyes)[good] * scale_px[1]
    return float(np.median(eye_to_heel)) / EYE_HEIGHT_FRACTION


def from_imu(
    motion: MotionSeries,
    *,
    sensor_height_cm: float | None = None,
    forward_axis: str = "+z",
) -> SwayTrace:
    """IMU tilt to sway displacement with the inverted pendulum (see the module docstring).

    Args:
        motion: accelerometer (with gravity) and gyroscope samples.
        sensor_height_cm: sensor height above the ankles; default
            :data:`DEFAULT_SENSOR_HEIGHT_CM` (stated in the notes).
        forward_axis: the sensor axis that points forward out of the body (``"+z"`` for a phone
            on the sternum with its screen facing out; ``"-z"`` for a phone on the lower back
            with its screen facing out, backwards).
    """
    check_option("forward_axis", forward_axis, AXES)
    h_cm = check_positive(
        "sensor_height_cm",
        DEFAULT_SENSOR_HEIGHT_CM if sensor_height_cm is None else sensor_height_cm,
    )
    problems = [f.message for f in check_motion(motion) if f.refuse or f.check == "constant"]
    t = np.asarray(motion.time_s, np.float64)
    quality: dict[str, Any] = {"placement": motion.placement}
    steps = np.diff(t)
    if len(steps) == 0:
        problems.append("the recording has fewer than 2 samples")
        return SwayTrace(
            "imu", t, np.full(len(t), np.nan), np.full(len(t), np.nan), tuple(problems)
        )
    fs = float(1.0 / np.median(steps))
    quality["sampling_rate_hz"] = fs
    longest_gap = float(np.max(steps))
    quality["longest_gap_s"] = longest_gap
    if longest_gap > max(MAX_GAP_S, 2.5 / fs):
        problems.append(f"the recording has a gap of {longest_gap:.2f} s (samples missing)")
    acc = np.asarray(motion.acc_m_s2, np.float64)
    gyr = np.asarray(motion.gyr_rad_s, np.float64)
    if not (np.all(np.isfinite(acc)) and np.all(np.isfinite(gyr))):
        problems.append("the sensor recording has missing (NaN) samples")
        acc = np.nan_to_num(acc)
        gyr = np.nan_to_num(gyr)
    deviation = np.abs(np.linalg.norm(acc, axis=1) / GRAVITY_M_S2 - 1.0)
    moving_fraction = float(np.mean(deviation > MAX_ACC_DEVIATION))
    quality["acc_off_gravity_fraction"] = moving_fraction
    if moving_fraction > 0.05:
        problems.append(
            f"the acceleration differs from gravity by more than {MAX_ACC_DEVIATION:.0%} in "
            f"{moving_fraction:.0%} of samples: the person moved (or the sensor is noisy or "
            "loose); quiet standing is needed"
        )
    up = gravity_direction(acc, gyr, fs)
    mean_up = up.mean(axis=0)
    mean_up /= np.linalg.norm(mean_up)
    tilt_deg = np.degrees(np.arccos(np.clip(up @ mean_up, -1.0, 1.0)))
    quality["max_tilt_deg"] = float(np.max(tilt_deg))
    if np.max(tilt_deg) > MAX_IMU_TILT_DEG:
        problems.append(
            f"the sensor tilted up to {np.max(tilt_deg):.0f}° from its mean orientation (more "
            f"than {MAX_IMU_TILT_DEG:g}°): this is movement, not quiet-standing sway"
        )
    forward = np.zeros(3)
    forward["xyz".index(forward_axis[1])] = 1.0 if forward_axis[0] == "+" else -1.0
    forward = forward - (forward @ mean_up) * mean_up
    if np.linalg.norm(forward) < 0.5:
        problems.append(
            f"the forward axis {forward_axis} is close to vertical: give the sensor axis that "
            "points forward"
        )
    forward /= max(float(np.linalg.norm(forward)), 1e-12)
    right = np.cross(forward, mean_up)
    h_mm = h_cm * 10.0
    # the body (and sensor) leaning forward makes world-up lean backwards in the sensor frame
    ap_mm = -h_mm * (up @ forward)
    ml_mm = -h_mm * (up @ right)
    return SwayTrace(
        kind="imu",
        time_s=t,
        ml_mm=ml_mm - ml_mm.mean(),
        ap_mm=ap_mm - ap_mm.mean(),
        problems=tuple(problems),
        notes=(IMU_NOTE.format(h=h_cm, axis=forward_axis),)
        + (
            (f"sensor height above the ankles assumed: {DEFAULT_SENSOR_HEIGHT_CM:g} cm",)
            if sensor_height_cm is None
            else ()
        ),
        quality=quality,
        source=motion.provenance.to_json(),
    )


def gravity_direction(acc_m_s2: FloatArray, gyr_rad_s: FloatArray, rate_hz: float) -> FloatArray:
    """(N, 3) unit vector of world up in the sensor frame, from Madgwick's IMU filter.

    The filter (``ahrs.filters.Madgwick``, gain ``MADGWICK_GAIN_IMU`` as published for IMUs) is
    initialised from the first accelerometer sample; its quaternion q (sensor to earth) gives
    world up as the third row of R(q) (:func:`~kinesense.assess.orientation.
    quaternion_to_matrix`, through ``scipy.spatial.transform.Rotation``).
    """
    from ahrs.filters import Madgwick

    estimator = Madgwick(gyr=gyr_rad_s, acc=acc_m_s2, frequency=rate_hz, gain=MADGWICK_GAIN_IMU)
    up = quaternion_to_matrix(np.asarray(estimator.Q, np.float64))[:, 2, :]
    norm: FloatArray = up / np.linalg.norm(up, axis=1, keepdims=True)
    return norm


def _duration(time_s: FloatArray) -> float:
    return float(time_s[-1] - time_s[0]) if len(time_s) > 1 else 0.0


def _filled(time_s: FloatArray, values: FloatArray, problems: list[str], what: str) -> FloatArray:
    """Bridge gaps up to :data:`MAX_GAP_S`; add a problem if longer gaps remain."""
    if np.all(np.isfinite(values)):
        return np.asarray(values, np.float64)
    filled = fill_gaps(time_s, values, MAX_GAP_S)
    if not np.all(np.isfinite(filled)):
        missing = float(np.mean(~np.isfinite(filled).all(axis=1)))
        problems.append(
            f"the {what} is missing for more than {MAX_GAP_S:g} s at a time "
            f"({missing:.0%} of samples unfilled)"
        )
        filled = np.where(np.isfinite(filled), filled, np.nan)
    return np.asarray(filled, np.float64)
