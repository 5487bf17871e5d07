"""Cervical joint position sense from a webcam: the head's orientation read by a face model.

The person sits facing the camera. The head's orientation comes from MediaPipe's face
landmarker (:class:`~kinesense.series.HeadSeries`, :mod:`kinesense.signal.head_pose`) and is
measured **relative to the camera**, as Revel's head-mounted laser is read against a target on
the wall (Revel M, Andre-Deshays C, Minguet M 1991, Arch Phys Med Rehabil 72(5):288-291): the
angle of each frame is the rotation from the mean orientation of the still neutral start,
about the camera's vertical axis (rotation, yaw), horizontal axis (flexion, pitch) or line of
sight (lateral flexion, roll). A rotation of the head in the image plane thus reads exactly as
lateral flexion whatever the head's starting orientation.

Trials and scores are those of every repositioning test (:mod:`kinesense.signal.
reposition_trials`, :func:`kinesense.assess.repositioning.build_result`): head-to-neutral
(Revel) or head-to-target, per-trial signed error, AE, CE and VE, the 4.5 deg cut-off of
``repositioning_cervical``.

Checks (thresholds in :class:`~kinesense.assess.repositioning.RepositioningParameters`):

* the face is found in at least ``min_seen_fraction`` of the frames;
* the **trunk stays still**: the angle is the head's relative to the camera, so a trunk that
  turns or leans would be counted as head movement. The face box centre at each analysed hold
  must lie within ``max_head_shift_face_widths`` of its place at the neutral start, else the
  result is refused, naming the trials;
* the camera is still (``background_change``) in at least ``min_camera_still_fraction`` of
  the frames, else the result is refused;
* a small face or a dark picture is reported in a note (the measurement still runs).

The per-frame flags and the jitter are :func:`kinesense.signal.head_quality.head_quality`'s.
"""

from typing import Any

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.assess.repositioning import TEST, Protocol, build_result, initial_rest
from kinesense.assess.result import AssessmentResult
from kinesense.series.head import HeadSeries
from kinesense.signal.gaps import fill_gaps
from kinesense.signal.head_pose import AXIS_COLUMNS, mean_orientation_deg, relative_angles_deg
from kinesense.signal.head_quality import head_quality
from kinesense.signal.holds import smoothed_angle_and_speed
from kinesense.signal.reposition_trials import TrialDetection

HEAD_VIDEO_NOTE = (
    "Webcam head angle: the head's orientation from a face model (MediaPipe face landmarker), "
    "relative to the camera and to the still neutral start; the trunk must stay still, as with "
    "a head-mounted laser."
)
HEAD_ERROR_NOTE = (
    "Face-model head angles: in-plane rotations of real face images by known angles were "
    "recovered within 0.5 deg per trial (tests/assess/test_repositioning_head.py); frame-to-"
    "frame jitter is reported in quality. Turns beyond about 50 deg read less than they are."
)


def head_angle_deg(head: HeadSeries, axis: str, rest: slice) -> FloatArray:
    """(N,) the head's angle about ``axis`` relative to its mean orientation over ``rest``,
    degrees (NaN where no face)."""
    reference = mean_orientation_deg(head.angles_deg[rest])
    return relative_angles_deg(head.angles_deg, reference)[:, AXIS_COLUMNS[axis]]


def trunk_shift_face_widths(
    head: HeadSeries, rest: slice, detection: TrialDetection, used: int
) -> list[float]:
    """How far the face box centre moved between the neutral start and each of the first
    ``used`` trials' holds, in face widths (median width at the start)."""
    centre = head.face_centre_px
    start = np.nanmedian(centre[rest], axis=0)
    width = float(np.nanmedian(head.face_width_px[rest]))
    shifts = []
    for trial in detection.trials[:used]:
        inside = (head.time_s >= trial.hold_start_s) & (head.time_s <= trial.hold_end_s)
        held = np.nanmedian(centre[inside], axis=0)
        shifts.append(float(np.linalg.norm(held - start) / width))
    return shifts


def measure_head(head: HeadSeries, chosen: Protocol) -> AssessmentResult:
    """Cervical repositioning error from a face video's head orientation (see the module
    docstring and :func:`kinesense.assess.repositioning.assess_repositioning`, which checks the
    choices)."""
    joint, axis, params, common = chosen.joint, chosen.axis, chosen.params, chosen.common
    found = head_quality(
        head,
        max_background_change=params.max_background_change,
        min_face_px=params.min_face_px,
        min_luma=params.min_luma,
    )
    quality: dict[str, Any] = {"camera_view": "front", **found.summary}
    if head.duration_s < params.min_duration_s:
        return chosen.too_short(head.duration_s, quality=quality)
    seen = found.summary["face_visible_fraction"]
    if seen < params.min_seen_fraction:
        why = (
            f"the face was found in {100 * seen:.0f}% of frames (at least "
            f"{100 * params.min_seen_fraction:.0f}% needed): face the camera, in good light"
        )
        return AssessmentResult.unusable(TEST, why, quality=quality, **common)
    still = found.summary["camera_still_fraction"]
    if still < params.min_camera_still_fraction:
        why = (
            f"the camera or the scene behind the person moved in {100 * (1 - still):.0f}% of "
            "frames: put the camera on a stable support"
        )
        return AssessmentResult.unusable(TEST, why, quality=quality, **common)
    column = AXIS_COLUMNS[axis]
    absolute = fill_gaps(head.time_s, head.angles_deg[:, column], params.max_video_gap_s)
    keep = np.isfinite(absolute)
    _, speed = smoothed_angle_and_speed(head.time_s[keep], absolute[keep])
    rest = initial_rest(head.time_s[keep], speed >= params.hold_max_speed_deg_s, params)
    if rest is None:
        why = f"no still neutral head position of at least {params.min_rest_s:g} s at the start"
        return AssessmentResult.unusable(TEST, why, quality=quality, **common)
    rest_frames = np.flatnonzero(keep)[rest]
    rest_slice = slice(int(rest_frames[0]), int(rest_frames[-1]) + 1)
    angle = fill_gaps(head.time_s, head_angle_deg(head, axis, rest_slice), params.max_video_gap_s)[
        keep
    ]
    t = head.time_s[keep]
    angle, detection = chosen.trials(t, angle)
    notes = [HEAD_ERROR_NOTE, HEAD_VIDEO_NOTE]
    shifts = trunk_shift_face_widths(head, rest_slice, detection, params.trials)
    quality["head_shift_face_widths"] = [round(s, 4) for s in shifts]
    moved = [i for i, s in enumerate(shifts, start=1) if s > params.max_head_shift_face_widths]
    if moved:
        why = (
            f"the head moved away from its starting place (by more than "
            f"{params.max_head_shift_face_widths:g} face widths) at trial(s) "
            f"{', '.join(map(str, moved))}: the trunk moved; sit back against the chair and "
            "turn the head only"
        )
        return AssessmentResult.unusable(TEST, why, quality=quality, **common)
    if found.summary["median_face_width_px"] < params.min_face_px:
        notes.append(
            f"The face is small in the picture (median {found.summary['median_face_width_px']:.0f}"
            f" px wide, at least {params.min_face_px:g} px advised): sit closer to the camera."
        )
    if found.summary["mean_luma"] < params.min_luma:
        notes.append("The picture is dark: add light in front of the person.")
    return build_result(
        detection, t, angle, joint, params.trials, quality, notes, common, "video-face"
    )
