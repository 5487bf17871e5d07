"""Standing posture from a photo or a few seconds of video: head, trunk, shoulders, pelvis, knees.

All angles are in degrees, measured on image coordinates in pixels (x to the right, y down), so a
level camera at mid-body height, 2-4 m away, with the whole body in the frame is assumed. The
view decides what can be measured:

Side view (``left-side`` or ``right-side``; the landmarks of the side facing the camera; the
direction the person faces is where the nose is relative to the ear):

* ``craniovertebral_angle_deg`` (CVA): angle between the horizontal through C7, pointing
  forward, and the line from C7 to the tragus (Yip CHT, Chiu TTW, Poon ATK 2008, Man Ther
  13(2):148-154); smaller = head further forward. **Approximation**: BlazePose has neither C7 nor
  the tragus; the ear landmark stands for the tragus (a centimetre or two apart) and the shoulder
  landmark for C7. The shoulder landmark is near the shoulder joint, several centimetres in
  front of and below C7: in ideal posture the plumb line passes through the ear lobe and the
  acromion (Kendall FP et al. 2005, Muscles: Testing and Function, 5th ed.), so this angle is
  near 90 degrees when the true CVA is about 50. It reads roughly 20-35 degrees larger than a
  photogrammetric CVA (a geometric estimate, not calibrated against markers). It is therefore
  **not** compared with the 48-50 degree forward-head threshold (Lau HMC, Chiu TTW, Lam TH 2009,
  Man Ther 14(4):363-368: 50.6 +/- 2.1 deg without neck pain, 43.9 +/- 3.6 deg with it; norms
  file ``posture_craniovertebral_angle``); use it to follow one person over time with the same
  set-up.
* ``head_tilt_deg``: angle of the ear-to-eye line below the horizontal; positive = face turned
  down (head flexed), negative = chin up (photogrammetric head tilt, as in Raine S, Twomey LT
  1997, Arch Phys Med Rehabil 78(11):1215-1223, with the eye for the canthus).
* ``trunk_inclination_deg``: angle of the hip-to-shoulder line from the vertical; positive =
  shoulders ahead of the hips (leaning forward), negative = leaning back.
* ``knee_hyperextension_deg``: 180 minus the hip-knee-ankle angle, positive when the knee lies
  behind the hip-ankle line (genu recurvatum), negative when in front of it (knee bent).

Front or back view (``front``, ``back``):

* ``shoulder_obliquity_deg`` and ``pelvic_obliquity_deg``: angle of the line joining the two
  shoulder (hip joint) landmarks from the horizontal; positive = the person's left side higher.
  The hip landmarks are hip joint centres, not the iliac crests a clinician palpates.
* ``left_knee_frontal_angle_deg``, ``right_knee_frontal_angle_deg``: 180 minus the
  hip-knee-ankle angle in the image, positive when the knee lies medial to the hip-ankle line
  (valgus), negative lateral (varus); the two-dimensional frontal plane projection angle
  (Munro A, Herrington L, Carolan M 2012, J Sport Rehabil 21(1):7-11), here in quiet standing.

A video gives the median of each angle over the frames in which its landmarks are visible
(visibility >= :data:`kinesense.landmarks.MIN_VISIBILITY`, inside the frame) and the spread
(interquartile range) in ``quality["spread_iqr_deg"]``. A measure needing the other view is
listed in ``quality["not_measured"]`` with the reason; an oblique or unknown view makes the
whole result unusable (the registry refuses a known wrong view before the test runs). No
published norms with these landmarks exist for the obliquities, head tilt, trunk inclination or
knee angles: they are reported without a verdict.

Implausible landmarks are refused, not measured (issue 9): a frame whose visible landmarks span
less than ``min_body_height_share`` (10 %) of the image height cannot be a person standing in
the frame (landmarks collapsed to one point give every angle as ``atan2(0, 0) = 0``); such
frames are left out, and a recording made only of them is unusable. The formulas are in
:mod:`kinesense.assess.posture_measures`.
"""

from collections.abc import Mapping
from typing import Annotated, Any

import numpy as np
from pydantic import Field

from kinesense.arrays import BoolArray, FloatArray
from kinesense.assess.posture_measures import MEASURES
from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.capture.view import series_view
from kinesense.landmarks import MIN_VISIBILITY
from kinesense.parameters import Parameters
from kinesense.series import PoseSeries

TEST_NAME = "posture"
SIDE_VIEWS = ("left-side", "right-side")
FRONT_VIEWS = ("front", "back")
PROTOCOL = "standing posture, relaxed, from the front or the side"
VIEW_REFUSAL = (
    "the camera view is {view}: posture needs the person square to the camera, from the front "
    "(shoulders and pelvis) or from the side (head, trunk, knees)"
)
"""The reason given for a view posture cannot use (``{view}`` is replaced by it)."""


class PostureParameters(Parameters):
    """Settings of the posture test."""

    min_body_height_share: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.1
    """A frame whose visible landmarks span less than this share of the image height is not a
    body in view (collapsed landmarks): it is left out. A person standing whole in the frame at
    2-4 m spans well over half of it; 10 % is a wide margin (kinesense choice, not tuned)."""


DEFAULTS = PostureParameters()


def common_fields(series: PoseSeries) -> dict[str, Any]:
    """Protocol, source and (when the image size is known) conditions of every result."""
    common: dict[str, Any] = {"protocol": PROTOCOL, "source": series.provenance.to_json()}
    if len(series) and series.n_detected and series.provenance.resolution is not None:
        common["conditions"] = {"view": series_view(series), "frames": len(series)}
    return common


def body_in_view(series: PoseSeries, params: PostureParameters = DEFAULTS) -> BoolArray:
    """(N,) frames whose visible landmarks span at least ``min_body_height_share`` of the image
    height (needs ``provenance.resolution``)."""
    assert series.provenance.resolution is not None
    height_px = series.provenance.resolution[1]
    y = series.image_xyz[:, :, 1] * height_px
    seen = (series.visibility >= MIN_VISIBILITY) & np.isfinite(y) & series.detected[:, None]
    y = np.where(seen, y, np.nan)
    any_seen = np.any(seen, axis=1)
    extent = np.zeros(len(series))
    extent[any_seen] = np.nanmax(y[any_seen], axis=1) - np.nanmin(y[any_seen], axis=1)
    return np.asarray(extent >= params.min_body_height_share * height_px, dtype=bool)


def _landmark_px(series: PoseSeries, name: str, frames: BoolArray) -> FloatArray:
    """(N, 2) pixels, NaN where invisible, outside the frame, not detected or not in
    ``frames``."""
    index = series.index_of(name)
    norm = series.image_xyz[:, index, :2]
    ok = (
        frames
        & series.detected
        & (series.visibility[:, index] >= MIN_VISIBILITY)
        & np.all((norm >= 0.0) & (norm <= 1.0), axis=1)
    )
    px = series.image_point_px(name)
    return np.where(ok[:, None], px, np.nan)


def _round(value: float) -> float:
    return round(float(value), 2)


def assess_posture(
    series: PoseSeries, *, image_path: str | None = None, params: PostureParameters = DEFAULTS
) -> AssessmentResult:
    """Posture angles from a photo (one frame) or a short video of someone standing still.

    Args:
        series: landmarks of one person; needs ``provenance.resolution`` (pixels).
        image_path: the photo the landmarks come from, recorded in ``plot_data`` so that a
            report can draw the angles on it.
        params: the settings.

    Returns:
        An :class:`AssessmentResult` with the angles the view allows (see the module
        docstring), their spread over frames, and ``plot_data`` with the landmark pixels and
        the lines to draw; unusable for an oblique or unknown view, no person, no pixels, or
        landmarks that do not span a body.
    """
    common = common_fields(series)
    if len(series) == 0 or series.n_detected == 0:
        return AssessmentResult.unusable(TEST_NAME, "nobody was detected", **common)
    if series.provenance.resolution is None:
        return AssessmentResult.unusable(
            TEST_NAME, "the image size is unknown, so angles cannot be measured in pixels", **common
        )
    view = common["conditions"]["view"]
    if view in SIDE_VIEWS:
        kind, near = "side", "left" if view == "left-side" else "right"
    elif view in FRONT_VIEWS:
        kind, near = "front", "left"
    else:
        return AssessmentResult.unusable(TEST_NAME, VIEW_REFUSAL.format(view=view), **common)
    frames = body_in_view(series, params)
    if not np.any(frames):
        return AssessmentResult.unusable(
            TEST_NAME,
            "the landmarks do not span a body: in every frame they lie within "
            f"{params.min_body_height_share:.0%} of the image height (collapsed to a point, or "
            "the person too small or mostly out of the picture)",
            quality={"frames_with_a_body": 0, "frames": len(series)},
            **common,
        )
    points: dict[str, FloatArray] = {}
    for measure in MEASURES:
        for generic in measure.landmarks:
            actual = generic.replace("near_", f"{near}_")
            if generic not in points:
                points[generic] = _landmark_px(series, actual, frames)
    forward = _facing(points) if kind == "side" else 1.0
    metrics: dict[str, float] = {}
    info: dict[str, MetricInfo] = {}
    spread: dict[str, float] = {}
    frames_used: dict[str, int] = {}
    not_measured: dict[str, str] = {}
    for measure in MEASURES:
        if measure.view != kind:
            other = "side" if measure.view == "side" else "front or back"
            not_measured[measure.name] = f"needs a {other} view; this recording is {view}"
            continue
        values = measure.compute(points, forward)
        values = values[np.isfinite(values)]
        if values.size == 0:
            names = ", ".join(n.replace("near_", f"{near}_") for n in measure.landmarks)
            not_measured[measure.name] = f"landmarks not visible together: {names}"
            continue
        metrics[measure.name] = _round(np.median(values))
        info[measure.name] = measure.info
        q75, q25 = np.percentile(values, [75, 25])
        spread[measure.name] = _round(q75 - q25)
        frames_used[measure.name] = int(values.size)
    if not metrics:
        return AssessmentResult.unusable(
            TEST_NAME,
            "no posture angle could be measured: the landmarks were not visible",
            quality={"not_measured": not_measured, "view": view},
            **common,
        )
    notes = [
        f"{name.removesuffix('_deg').replace('_', ' ')}: not measured ({why})"
        for name, why in not_measured.items()
    ]
    if "craniovertebral_angle_deg" in metrics:
        notes.append(
            "the craniovertebral angle uses the shoulder landmark for C7 and reads roughly "
            "20-35 deg larger than a photogrammetric CVA, so it is not compared with the "
            "48-50 deg forward-head threshold (Lau et al. 2009); follow it over time instead"
        )
    if len(series) > 1:
        notes.append("video: each angle is the median over the frames; spread = IQR")
    collapsed = int(np.count_nonzero(series.detected & ~frames))
    if collapsed:
        notes.append(
            f"{collapsed} frame(s) left out: their landmarks did not span a body (under "
            f"{params.min_body_height_share:.0%} of the image height)"
        )
    plot_data = _plot_data(points, metrics, near, forward, view, image_path)
    quality = {
        "view": view,
        "frames": len(series),
        "frames_used": frames_used,
        "spread_iqr_deg": spread,
        "not_measured": not_measured,
    }
    summary = ", ".join(f"{name} {value:g}" for name, value in metrics.items())
    return AssessmentResult(
        test=TEST_NAME,
        usable=True,
        metrics=metrics,
        metric_info=info,
        interpretation=f"posture from the {view} view: {summary}",
        notes=tuple(notes),
        quality=quality,
        plot_data=plot_data,
        **common,
    )


def _facing(points: Mapping[str, FloatArray]) -> float:
    """+1 when the person faces the image right (eye ahead of the ear), else -1."""
    ahead = points["near_eye"][:, 0] - points["near_ear"][:, 0]
    ahead = ahead[np.isfinite(ahead)]
    return 1.0 if ahead.size == 0 or np.median(ahead) >= 0 else -1.0


def _median_point(values: FloatArray) -> list[float] | None:
    finite = values[np.all(np.isfinite(values), axis=1)]
    if finite.size == 0:
        return None
    return [_round(v) for v in np.median(finite, axis=0)]


def _plot_data(
    points: Mapping[str, FloatArray],
    metrics: Mapping[str, float],
    near: str,
    forward: float,
    view: str,
    image_path: str | None,
) -> dict[str, Any]:
    landmarks: dict[str, list[float]] = {}
    for generic, values in points.items():
        point = _median_point(values)
        if point is not None:
            landmarks[generic.replace("near_", f"{near}_")] = point
    lines: list[dict[str, Any]] = []

    def add(a: str, b: str | list[float], label: str) -> None:
        lines.append({"from": a, "to": b, "label": label})

    s, e = f"{near}_shoulder", f"{near}_ear"
    if "craniovertebral_angle_deg" in metrics and s in landmarks:
        x, y = landmarks[s]
        add(s, [_round(x + 100.0 * forward), y], "horizontal")
        add(s, e, f"CVA* {metrics['craniovertebral_angle_deg']:.0f}°")
    if "head_tilt_deg" in metrics:
        add(e, f"{near}_eye", f"head tilt {metrics['head_tilt_deg']:.0f}°")
    if "trunk_inclination_deg" in metrics:
        add(f"{near}_hip", s, f"trunk {metrics['trunk_inclination_deg']:.0f}°")
    if "knee_hyperextension_deg" in metrics:
        add(f"{near}_hip", f"{near}_knee", "")
        add(f"{near}_knee", f"{near}_ankle", f"knee {metrics['knee_hyperextension_deg']:.0f}°")
    if "shoulder_obliquity_deg" in metrics:
        add(
            "left_shoulder", "right_shoulder", f"shoulders {metrics['shoulder_obliquity_deg']:.1f}°"
        )
    if "pelvic_obliquity_deg" in metrics:
        add("left_hip", "right_hip", f"pelvis {metrics['pelvic_obliquity_deg']:.1f}°")
    for side in ("left", "right"):
        name = f"{side}_knee_frontal_angle_deg"
        if name in metrics:
            add(f"{side}_hip", f"{side}_knee", "")
            add(f"{side}_knee", f"{side}_ankle", f"{side} knee {metrics[name]:.0f}°")
    return {"image_path": image_path, "landmarks_px": landmarks, "lines": lines, "view": view}
