"""Joint repositioning error from a side-view video's landmarks (sagittal flexion only).

The angle is the 2-D inclination of the trunk (mid-hip to mid-shoulder) or of the head on the
trunk (mid-shoulder to mid-ear, minus the trunk), in image pixels. The camera must be at the
person's side: the registry (:mod:`kinesense.assess.registry`) refuses other views before this
runs. Trials and scores as in :mod:`kinesense.assess.repositioning`.
"""

from typing import Any

import numpy as np

from kinesense.arrays import BoolArray, FloatArray
from kinesense.assess.repositioning import TEST, Protocol, build_result, initial_rest
from kinesense.assess.repositioning_protocols import (
    NECK_VIDEO_NOTE,
    TRUNK_VIDEO_NOTE,
    VIDEO_ERROR_NOTE,
)
from kinesense.assess.result import AssessmentResult
from kinesense.capture.view import series_view
from kinesense.landmarks import MIN_VISIBILITY
from kinesense.series import PoseSeries
from kinesense.signal.gaps import fill_gaps
from kinesense.signal.geometry import midpoint, signed_inclination_2d_deg
from kinesense.signal.holds import smoothed_angle_and_speed


def pose_angle_deg(pose: PoseSeries, joint: str) -> tuple[FloatArray, BoolArray]:
    """Sagittal angle from side-view landmarks, degrees, and the (N,) landmark-seen mask.

    Trunk: signed 2-D inclination of mid-hip -> mid-shoulder. Neck: inclination of
    mid-shoulder -> mid-ear minus the trunk's (head-on-trunk flexion), in image pixels.
    A landmark is seen when its visibility is at least
    :data:`kinesense.landmarks.MIN_VISIBILITY`.
    """
    pairs = [("left_hip", "right_hip"), ("left_shoulder", "right_shoulder")]
    if joint == "neck":
        pairs.append(("left_ear", "right_ear"))
    hip = midpoint(pose.image_point_px("left_hip"), pose.image_point_px("right_hip"))
    shoulder = midpoint(pose.image_point_px("left_shoulder"), pose.image_point_px("right_shoulder"))
    trunk = signed_inclination_2d_deg(hip, shoulder)
    angle = trunk
    if joint == "neck":
        ear = midpoint(pose.image_point_px("left_ear"), pose.image_point_px("right_ear"))
        angle = signed_inclination_2d_deg(shoulder, ear) - trunk
    # In a side view the far side is hidden behind the body: one side of each pair must be seen
    # (the model still places the hidden one, and the midpoint of the two is used).
    pair_seen = [
        np.maximum(pose.visibility[:, pose.index_of(a)], pose.visibility[:, pose.index_of(b)])
        for a, b in pairs
    ]
    seen = pose.detected & np.all(np.stack(pair_seen) >= MIN_VISIBILITY, axis=0)
    seen &= np.isfinite(angle)
    return np.asarray(angle, dtype=np.float64), seen


def measure_video(pose: PoseSeries, chosen: Protocol) -> AssessmentResult:
    """Repositioning error from a side-view video's landmarks (sagittal flexion only; see
    :func:`kinesense.assess.repositioning.assess_repositioning`, which checks the choices).
    Needs ``pose.provenance.resolution``; the side view is the registry's precondition."""
    joint, axis, params, common = chosen.joint, chosen.axis, chosen.params, chosen.common
    if axis != "flexion":
        return AssessmentResult.unusable(
            TEST,
            f"{axis} cannot be measured from one video: a single camera sees flexion in a "
            "side view only; head rotation needs a phone or IMU on the head",
            **common,
        )
    if pose.provenance.resolution is None:
        return AssessmentResult.unusable(TEST, "the series has no image size", **common)
    quality: dict[str, Any] = {"camera_view": series_view(pose)}
    if pose.duration_s < params.min_duration_s:
        return chosen.too_short(pose.duration_s, quality=quality)
    angle, seen = pose_angle_deg(pose, joint)
    seen_fraction = float(np.mean(seen))
    quality["landmarks_seen_fraction"] = seen_fraction
    if seen_fraction < params.min_seen_fraction:
        return AssessmentResult.unusable(
            TEST,
            f"the {joint} landmarks were seen clearly in {100 * seen_fraction:.0f}% of frames "
            f"(at least {100 * params.min_seen_fraction:.0f}% needed): keep the whole body in "
            "view",
            quality=quality,
            **common,
        )
    # Bridge short dropouts (up to max_video_gap_s) so that filtering sees a regular signal.
    filled = fill_gaps(pose.time_s, np.where(seen, angle, np.nan), params.max_video_gap_s)
    keep = np.isfinite(filled)
    t, angle = pose.time_s[keep], filled[keep]
    _, speed = smoothed_angle_and_speed(t, angle, params.smoothing_cutoff_hz)
    rest = initial_rest(t, speed >= params.hold_max_speed_deg_s, params)
    if rest is None:
        return AssessmentResult.unusable(
            TEST,
            f"no still neutral posture of at least {params.min_rest_s:g} s at the start",
            quality=quality,
            **common,
        )
    angle = angle - float(np.mean(angle[rest]))
    angle, detection = chosen.trials(t, angle)
    what = TRUNK_VIDEO_NOTE if joint == "trunk" else NECK_VIDEO_NOTE
    notes = [VIDEO_ERROR_NOTE, what]
    return build_result(detection, t, angle, joint, params.trials, quality, notes, common, "video")
