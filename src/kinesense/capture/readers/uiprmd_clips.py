"""Exercise clips with an exact ground truth, joined from UI-PRMD's one-file-per-repetition
recordings (see :mod:`kinesense.capture.readers.uiprmd`).

A clip holds the repetitions of one person and movement, in episode order, each separated by
quiet standing, so that the number of repetitions and the time of each are known exactly:

1. quiet standing, ``lead_s`` seconds: the person's *rest pose*, held still;
2. for each repetition: a transition from the rest pose to the repetition's first frame, the
   repetition's own frames (real, unchanged), a transition back to the rest pose, and
   ``rest_s`` seconds of quiet standing.

The rest pose is the most upright frame among the first and last frames of the clip's
repetitions (the greatest height of the spine-shoulder joint above the lower ankle): a real frame
of the same person and movement, standing. Transitions are synthesised by interpolating every
joint's rotation (spherical linear interpolation), the root position and the offsets between the
two real frames, with a smooth (raised-cosine) time course; they keep bone lengths and last
``max(0.3 s, largest joint rotation / 90 deg/s, root travel / 0.5 m/s)``, rounded to frames.

**Screening.** A file is joined only if it starts and ends at the top of the movement: at its first
and last frame the hip flexion (3D, the more flexed hip, :func:`hip_flexion_deg`) exceeds the
rest pose's by at most half the clip's typical excursion (the median over its files of the peak
flexion above the rest pose's). The data set's segmentation fails this in a few files (s04's
incorrect sit-to-stands e05 and e06 are cut while the person is seated, and e06 holds the
standing phase between two repetitions): joining them to the rest pose would add a
repetition that the truth does not count. Excluded files are listed in the clip.

The truth of repetition ``i`` is the time of its first and of its last real frame. Where the
data set's segmentation cut a repetition before the person stood up fully (s02's deep squats
end at a knee angle of 135-165 degrees), its transition back to the rest pose completes the
return to standing: the clip then shows a whole repetition, and a counter that ends a repetition
at standing ends it a little after the last real frame.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from kinesense._checks import check_positive
from kinesense.arrays import FloatArray
from kinesense.capture.readers.uiprmd import (
    FRAME_RATE_HZ,
    KINECT_JOINTS,
    KinectSkeleton,
    joints_to_pose,
    read_uiprmd_skeleton,
    uiprmd_file,
)
from kinesense.errors import InvalidValueError
from kinesense.series import PoseSeries

MIN_TRANSITION_S: Final = 0.3
JOINT_SPEED_DEG_S: Final = 90.0
"""Angular speed of the synthesised transitions (a calm, deliberate movement)."""
ROOT_SPEED_M_S: Final = 0.5

_SHOULDER = KINECT_JOINTS.index("spine_shoulder")
_ANKLES = [KINECT_JOINTS.index("left_ankle"), KINECT_JOINTS.index("right_ankle")]
_UP = 1  # the data set's y axis points up


@dataclass(frozen=True)
class JoinedClip:
    """Repetitions joined by quiet standing.

    Attributes:
        pose: the 3D clip (metres, the data set's axes, +y up), 30 frames per second.
        repetitions: ``(start_s, end_s)`` of each repetition's first and last real frame.
        sources: the positions file of each repetition.
        excluded: ``(file, reason)`` of the files left out by the screening.
    """

    pose: PoseSeries
    repetitions: tuple[tuple[float, float], ...]
    sources: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...] = ()


def _concat(parts: Sequence[KinectSkeleton]) -> KinectSkeleton:
    return KinectSkeleton(
        np.concatenate([p.root_m for p in parts]),
        np.concatenate([p.offsets_m for p in parts]),
        np.concatenate([p.rotations for p in parts]),
    )


def upright_height_m(skeleton: KinectSkeleton) -> FloatArray:
    """(N,) height of the spine-shoulder joint above the lower ankle, metres."""
    joints = skeleton.joints_m()
    return np.asarray(
        joints[:, _SHOULDER, _UP] - joints[:, _ANKLES, _UP].min(axis=1), dtype=np.float64
    )


def hip_flexion_deg(skeleton: KinectSkeleton) -> FloatArray:
    """(N,) flexion of the more flexed hip, degrees: 180 minus the 3D angle spine-shoulder, hip,
    knee (0 standing straight, 90 with the thigh at a right angle to the trunk)."""
    joints = skeleton.joints_m()
    flexion = []
    for side in ("left", "right"):
        hip = joints[:, KINECT_JOINTS.index(f"{side}_hip")]
        trunk = joints[:, _SHOULDER] - hip
        thigh = joints[:, KINECT_JOINTS.index(f"{side}_knee")] - hip
        cosine = np.sum(trunk * thigh, axis=1) / (
            np.linalg.norm(trunk, axis=1) * np.linalg.norm(thigh, axis=1)
        )
        flexion.append(180.0 - np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))
    return np.asarray(np.maximum(flexion[0], flexion[1]), dtype=np.float64)


def off_boundary(repetitions: Sequence[KinectSkeleton]) -> dict[int, str]:
    """Indices of the repetitions that do not start and end at the top of the movement, with
    the reason (see the module docstring)."""
    rest = float(hip_flexion_deg(rest_pose(repetitions))[0])
    flexions = [hip_flexion_deg(r) - rest for r in repetitions]
    typical = float(np.median([f.max() for f in flexions]))
    found = {}
    for i, flexion in enumerate(flexions):
        ends = {"starts": flexion[0], "ends": flexion[-1]}
        for where, value in ends.items():
            if value > typical / 2:
                found[i] = (
                    f"{where} mid-movement (hip flexion {value:.0f} deg above the rest pose's, "
                    f"more than half the typical {typical:.0f} deg)"
                )
                break
    return found


def rest_pose(repetitions: Sequence[KinectSkeleton]) -> KinectSkeleton:
    """The most upright of the repetitions' first and last frames (one frame)."""
    ends = _concat([r.take(np.array([0, len(r) - 1])) for r in repetitions])
    return ends.take(np.array([int(np.argmax(upright_height_m(ends)))]))


def _largest_rotation_deg(a: KinectSkeleton, b: KinectSkeleton) -> float:
    dot = np.abs(np.sum(a.rotations[0] * b.rotations[0], axis=-1))
    return float(np.degrees(2.0 * np.arccos(np.clip(dot, 0.0, 1.0))).max())


def transition(a: KinectSkeleton, b: KinectSkeleton, frame_rate_hz: float) -> KinectSkeleton:
    """The frames strictly between one-frame poses ``a`` and ``b`` (see the module docstring)."""
    travel_m = float(np.linalg.norm(b.root_m[0] - a.root_m[0]))
    duration_s = max(
        MIN_TRANSITION_S,
        _largest_rotation_deg(a, b) / JOINT_SPEED_DEG_S,
        travel_m / ROOT_SPEED_M_S,
    )
    steps = max(2, round(duration_s * frame_rate_hz))
    fraction = np.arange(1, steps) / steps
    weight = (1.0 - np.cos(np.pi * fraction)) / 2.0
    qa, qb = a.rotations[0], b.rotations[0]
    qb = np.where((np.sum(qa * qb, axis=-1) < 0)[:, None], -qb, qb)  # shorter way round
    dot = np.clip(np.sum(qa * qb, axis=-1), -1.0, 1.0)
    omega = np.arccos(dot)[None, :, None]
    w = weight[:, None, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        slerp = (np.sin((1 - w) * omega) * qa + np.sin(w * omega) * qb) / np.sin(omega)
    linear = (1 - w) * qa + w * qb
    quats = np.where(omega > 1e-6, slerp, linear)
    quats = quats / np.linalg.norm(quats, axis=-1, keepdims=True)
    w2 = weight[:, None]
    root = (1 - w2) * a.root_m[0] + w2 * b.root_m[0]
    offsets = (1 - w) * a.offsets_m[0] + w * b.offsets_m[0]
    return KinectSkeleton(root, offsets, quats)


def _hold(pose: KinectSkeleton, seconds: float, frame_rate_hz: float) -> KinectSkeleton:
    frames = max(1, round(seconds * frame_rate_hz))
    return pose.take(np.zeros(frames, dtype=np.intp))


def join_repetitions(
    repetitions: Sequence[KinectSkeleton],
    *,
    rest_s: float = 2.0,
    lead_s: float = 2.0,
    frame_rate_hz: float = FRAME_RATE_HZ,
) -> JoinedClip:
    """Join repetitions with transitions and quiet standing (see the module docstring)."""
    if not repetitions:
        raise InvalidValueError("join_repetitions needs at least one repetition")
    check_positive("rest_s", rest_s)
    check_positive("lead_s", lead_s)
    rest = rest_pose(repetitions)
    parts = [_hold(rest, lead_s, frame_rate_hz)]
    frames = len(parts[0])
    truth = []
    for repetition in repetitions:
        first, last = repetition.take(np.array([0])), repetition.take(np.array([-1]))
        into = transition(rest, first, frame_rate_hz)
        frames += len(into)
        truth.append((frames / frame_rate_hz, (frames + len(repetition) - 1) / frame_rate_hz))
        back = transition(last, rest, frame_rate_hz)
        hold = _hold(rest, rest_s, frame_rate_hz)
        parts += [into, repetition, back, hold]
        frames += len(repetition) + len(back) + len(hold)
    clip = _concat(parts)
    sources = tuple(r.source for r in repetitions)
    pose = joints_to_pose(clip.joints_m(), source=" + ".join(sources), frame_rate_hz=frame_rate_hz)
    return JoinedClip(pose, tuple(truth), sources)


def load_clip(
    root: str | Path,
    movement: int,
    subject: int,
    *,
    correct: bool = True,
    episodes: Iterable[int] = range(1, 11),
    rest_s: float = 2.0,
    lead_s: float = 2.0,
    screen: bool = True,
) -> JoinedClip:
    """The joined clip of ``episodes`` of one person and movement from the data set's folder,
    without the files that :func:`off_boundary` finds when ``screen``."""
    skeletons = [
        read_uiprmd_skeleton(uiprmd_file(root, movement, subject, e, correct=correct))
        for e in episodes
    ]
    bad = off_boundary(skeletons) if screen and len(skeletons) > 1 else {}
    kept = [s for i, s in enumerate(skeletons) if i not in bad]
    clip = join_repetitions(kept, rest_s=rest_s, lead_s=lead_s)
    excluded = tuple((skeletons[i].source, reason) for i, reason in sorted(bad.items()))
    return JoinedClip(clip.pose, clip.repetitions, clip.sources, excluded)
