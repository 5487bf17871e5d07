"""Is the camera set up well enough to coach an exercise? Plain instructions until it is.

A pure function over the first second or two of frames (landmarks, their visibility, the mean
brightness of each frame and how many people the pose model saw) that returns the problems
found, each with one instruction a person can follow without help:

* **whole body in the picture**: the key landmarks (nose, shoulders, hips, knees, ankles, heels,
  toes) must lie inside the image with a margin of :data:`EDGE_MARGIN` of its size (where the
  pose model places them: it estimates hidden landmarks too); a pair of them both hidden
  (visibility below :data:`~kinesense.landmarks.MIN_VISIBILITY`: both feet behind furniture) is
  named, a far limb hidden behind the body in a side view is not a problem; the body must fill
  at least :data:`MIN_BODY_SIZE` of the picture's height or width (else the landmarks are
  coarse);
* **the right view**: exercises filmed from the side need a side view, and the exercised side
  facing the camera when a side is named; exercises filmed from the front need a front view
  (:func:`kinesense.capture.view.classify_view`), checked only when the trunk is upright
  (within :data:`MAX_UPRIGHT_TRUNK_DEG` of the vertical);
* **enough light**: mean luma (ITU-R BT.601 weights, 0-255) of at least :data:`MIN_LUMA`, and a
  mean key-landmark visibility of at least :data:`MIN_MEAN_VISIBILITY`;
* **one person**: the pose model found nobody else (multi-person check) and did not turn to
  another person (follower switches).

Thresholds are engineering choices for a home camera, not clinical norms; they are stated here
so a therapist can see them. Image coordinates are normalised with y pointing down.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kinesense.capture.view import classify_view
from kinesense.landmarks import LANDMARK_INDEX, MIN_VISIBILITY

KEY_LANDMARKS: tuple[str, ...] = (
    "nose",
    "left_shoulder",
    "right_shoulder",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)
"""Landmarks that must be in the picture for whole-body exercises."""

HEAD_AND_SHOULDERS: tuple[str, ...] = ("nose", "left_shoulder", "right_shoulder")
"""Landmarks that must be in the picture for exercises coached from the head's orientation: the
person sits at arm's length facing the camera, so hips and feet are out of the picture. The face
itself is checked by the face model's own quality flags (:mod:`kinesense.signal.head_quality`)."""

FEET: tuple[str, ...] = tuple(n for n in KEY_LANDMARKS if n.endswith(("ankle", "heel", "index")))

EDGE_MARGIN = 0.02
"""Margin kept free at each image edge, as a fraction of the image width or height."""

MIN_BODY_SIZE = 1 / 3
"""Smallest extent of the key landmarks along the image's height or width (whichever is larger),
as a fraction of that dimension. BlazePose first finds the person in the whole frame scaled down
to 224 x 224 pixels (Bazarevsky et al. 2020): a person filling less than a third of it is found
less reliably, and their landmarks are coarser (a 720-pixel frame gives a 240-pixel person, a
thigh of about 60 pixels, so one pixel of error is about one degree of knee angle)."""

MIN_LUMA = 50.0
"""Smallest mean frame luma (0-255) for reliable landmarks (engineering choice)."""

MIN_MEAN_VISIBILITY = 0.6
"""Smallest mean visibility of the key landmarks over the checked frames."""

MIN_DETECTED_FRACTION = 0.5
"""Fraction of checked frames in which the person must be found."""

SETUP_WINDOW_S = 1.5
"""Seconds of frames the check looks at."""

MAX_UPRIGHT_TRUNK_DEG = 45.0
"""Largest trunk angle from the vertical at which the camera view is checked: the view rule
(:func:`kinesense.capture.view.classify_view`) reads an upright person's shoulder and hip widths."""

VIEWS = ("front", "side", "either")

INSTRUCTIONS: dict[str, str] = {
    "nobody": "Stand in front of the camera so that your whole body is in the picture",
    "feet_out": "Step back until your feet are in the picture",
    "head_out": "Step back until your head is in the picture",
    "too_small": "Step closer to the camera",
    "off_left": "Move towards the middle of the picture (you are at its left edge)",
    "off_right": "Move towards the middle of the picture (you are at its right edge)",
    "dark": "Turn on a light or face a window",
    "low_visibility": "Turn on a light, and wear clothes that stand out from the background",
    "turn_side": "Turn so that your side faces the camera",
    "turn_left_side": "Turn so your left side faces the camera",
    "turn_right_side": "Turn so your right side faces the camera",
    "turn_front": "Turn to face the camera",
    "people": "Only one person should be in view",
    "hidden": "Make sure nothing hides your {parts} from the camera",
}
"""The instruction for each problem code."""


@dataclass(frozen=True)
class SetupProblem:
    """One thing to fix: a stable ``code`` and the ``instruction`` to show or say."""

    code: str
    instruction: str


@dataclass(frozen=True)
class SetupReport:
    """What the setup check found.

    Attributes:
        problems: what to fix, most important first (empty when everything is right).
        view: camera view seen (see :func:`classify_view`).
        frames: frames checked; ``detected_frames``: those with the person found.
        mean_luma: mean frame luma, 0-255 (NaN when no brightness was given).
        mean_visibility: mean visibility of the key landmarks in frames with the person.
        people_seen: most people the multi-person check found in one frame.
    """

    problems: tuple[SetupProblem, ...]
    view: str
    frames: int
    detected_frames: int
    mean_luma: float
    mean_visibility: float
    people_seen: int
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing needs fixing."""
        return not self.problems

    @property
    def instructions(self) -> list[str]:
        """The instructions, most important first."""
        return [p.instruction for p in self.problems]

    def to_json(self) -> dict[str, Any]:
        """A plain-JSON view (NaN as ``None``)."""

        def plain(value: float) -> float | None:
            return round(value, 3) if np.isfinite(value) else None

        return {
            "ok": self.ok,
            "problems": [{"code": p.code, "instruction": p.instruction} for p in self.problems],
            "view": self.view,
            "frames": self.frames,
            "detected_frames": self.detected_frames,
            "mean_luma": plain(self.mean_luma),
            "mean_visibility": plain(self.mean_visibility),
            "people_seen": self.people_seen,
            **self.details,
        }


def frame_luma(rgb: NDArray[np.uint8]) -> float:
    """Mean luma of an RGB frame (ITU-R BT.601: 0.299 R + 0.587 G + 0.114 B), 0-255.

    Computed on every 4th pixel in each direction (the mean of a natural image changes by far
    less than the thresholds used here).
    """
    sample = rgb[::4, ::4].astype(np.float32)
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return float(np.mean(sample @ weights))


def trunk_from_vertical_deg(image_xyz: NDArray[np.float64], resolution: tuple[int, int]) -> float:
    """Median angle (degrees, 0-180) of the mid-hip -> mid-shoulder line from the image's
    upward vertical, in pixels, over (N, 33, 3) frames; NaN without hips and shoulders."""
    xy = image_xyz[:, :, :2] * np.asarray(resolution, dtype=np.float64)
    shoulders = (
        xy[:, LANDMARK_INDEX["left_shoulder"]] + xy[:, LANDMARK_INDEX["right_shoulder"]]
    ) / 2
    hips = (xy[:, LANDMARK_INDEX["left_hip"]] + xy[:, LANDMARK_INDEX["right_hip"]]) / 2
    trunk = shoulders - hips
    angle = np.degrees(np.arctan2(np.abs(trunk[:, 0]), -trunk[:, 1]))
    angle = angle[np.isfinite(angle)]
    return float(np.median(angle)) if angle.size else float("nan")


def _problem(code: str) -> SetupProblem:
    return SetupProblem(code, INSTRUCTIONS[code])


PARTS: tuple[tuple[str, str], ...] = (
    ("shoulders", "shoulder"),
    ("hips", "hip"),
    ("knees", "knee"),
    ("feet", "ankle"),
    ("feet", "heel"),
    ("feet", "foot_index"),
)
"""Body parts named in the instruction for hidden landmarks, by landmark."""


def _hidden(hidden: NDArray[np.bool_], names: tuple[str, ...]) -> SetupProblem | None:
    """The problem when both landmarks of a pair of ``names`` are hidden, naming the parts;
    None when at most one side of each pair is (the far side in a side view)."""
    parts = []
    for part, landmark in PARTS:
        if f"left_{landmark}" not in names:
            continue
        pair = [names.index(f"{side}_{landmark}") for side in ("left", "right")]
        if all(hidden[pair]) and part not in parts:
            parts.append(part)
    if not parts:
        return None
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return SetupProblem("hidden", INSTRUCTIONS["hidden"].format(parts=listed))


def _framing_problems(
    xy: NDArray[np.float64], seen: NDArray[np.bool_], names: tuple[str, ...]
) -> list[SetupProblem]:
    """Problems of framing from (N, K, 2) landmarks ``names`` and (N, K) 'seen' flags.

    Where a landmark is comes from the pose model's estimate, which it gives for hidden
    landmarks too: a landmark estimated inside the picture but not seen is hidden (by the body
    itself, by furniture), not out of the picture. A far leg hidden behind the body in a side
    view is normal; both of a pair hidden is a problem of its own (see :func:`_hidden`).
    """
    low, high = EDGE_MARGIN, 1.0 - EDGE_MARGIN
    with np.errstate(invalid="ignore"):
        inside = np.all((xy >= low) & (xy <= high), axis=2)
    # A landmark is in the picture when it is inside in most checked frames.
    in_picture = np.mean(inside, axis=0) >= 0.5
    x, y = np.median(xy[:, :, 0], axis=0), np.median(xy[:, :, 1], axis=0)
    out = ~in_picture
    # Why each landmark is out: beyond a side edge, or below / above the picture.
    sideways = out & ((x < low) | (x > high))
    problems: list[SetupProblem] = []
    feet = [names.index(n) for n in FEET if n in names]
    if feet and np.any(out[feet] & ~sideways[feet] & (y[feet] > high)):
        problems.append(_problem("feet_out"))
    head = names.index("nose")
    if out[head] and not sideways[head]:
        problems.append(_problem("head_out"))
    if np.any(sideways & (x < low)):
        problems.append(_problem("off_left"))
    if np.any(sideways & (x > high)):
        problems.append(_problem("off_right"))
    if not problems:
        hidden = _hidden(in_picture & ~(np.mean(seen, axis=0) >= 0.5), names)
        if hidden is not None:
            problems.append(hidden)
    if not problems:
        # Extent of the body along each image axis, as a fraction of that axis (a person lying
        # down spans the width, a person standing the height).
        sizes = [
            float(np.max(np.ptp(points[ok], axis=0)))
            for points, ok in zip(xy, seen, strict=True)
            if np.count_nonzero(ok) >= 2
        ]
        if sizes and float(np.median(sizes)) < MIN_BODY_SIZE:
            problems.append(_problem("too_small"))
    return problems


def _view_problem(view: str, needed: str, side: str | None) -> SetupProblem | None:
    if needed == "side":
        if side in ("left", "right") and view != f"{side}-side":
            return _problem(f"turn_{side}_side")
        if view not in ("left-side", "right-side"):
            return _problem("turn_side")
    elif needed == "front" and view != "front":
        return _problem("turn_front")
    return None


def check_setup(
    image_xyz: NDArray[np.float64],
    visibility: NDArray[np.float64],
    *,
    resolution: tuple[int, int],
    luma: Sequence[float] | NDArray[np.float64] | None = None,
    camera_view: str = "either",
    side: str | None = None,
    people_seen: int = 1,
    person_switches: int = 0,
    framed: tuple[str, ...] = KEY_LANDMARKS,
) -> SetupReport:
    """Check the camera set-up from the first frames of a session.

    Args:
        image_xyz: (N, 33, 3) normalised image landmarks of the followed person (NaN rows when
            the person was not found).
        visibility: (N, 33) landmark visibility (0 when not found).
        resolution: (width, height) in pixels.
        luma: (N,) mean luma of each frame, 0-255 (see :func:`frame_luma`); None to skip.
        camera_view: the view the exercise needs: ``"front"``, ``"side"`` or ``"either"``.
        side: the body side exercised (``"left"``/``"right"``) when it must face the camera.
        people_seen: most people found in one frame by the multi-person check.
        person_switches: times the pose model turned to somebody else in these frames.
        framed: the landmarks that must be in the picture (:data:`KEY_LANDMARKS`, the whole
            body; :data:`HEAD_AND_SHOULDERS` for a seated close-up). The view rule reads the
            hips: it is applied only when they are framed.

    Returns:
        The :class:`SetupReport`; ``report.ok`` when nothing needs fixing.
    """
    if camera_view not in VIEWS:
        raise ValueError(f"camera_view must be one of {VIEWS}; got {camera_view!r}")
    if side not in (None, "left", "right"):
        raise ValueError(f"side must be 'left', 'right' or None; got {side!r}")
    image_xyz = np.asarray(image_xyz, dtype=np.float64)
    visibility = np.asarray(visibility, dtype=np.float64)
    frames = image_xyz.shape[0]
    key = [LANDMARK_INDEX[n] for n in framed]
    # A frame has the person when any key landmark is placed (the pose model places all 33;
    # other tools' keypoints lack some, which are then left out of every check).
    located = np.asarray(np.isfinite(image_xyz[:, key, :2]).all(axis=2), dtype=bool)
    detected = np.asarray(located.any(axis=1), dtype=bool)
    known = np.asarray(located[detected].any(axis=0), dtype=bool)
    mean_luma = float(np.mean(luma)) if luma is not None and len(luma) else float("nan")
    key_vis = visibility[detected][:, key][:, known]
    mean_visibility = float(np.mean(key_vis)) if key_vis.size else float("nan")
    problems: list[SetupProblem] = []
    light_bad = bool(np.isfinite(mean_luma) and mean_luma < MIN_LUMA)
    if people_seen > 1 or person_switches > 0:
        problems.append(_problem("people"))
    view, view_checked = "unknown", False
    if frames == 0 or np.mean(detected) < MIN_DETECTED_FRACTION:
        problems.insert(0, _problem("nobody"))
        if light_bad:
            problems.append(_problem("dark"))
    else:
        xy = image_xyz[detected][:, key, :2]
        seen = visibility[detected][:, key] >= MIN_VISIBILITY
        # Landmarks the source never gives count as in the picture and seen.
        xy = np.where(known[None, :, None], xy, 0.5)
        seen = seen | ~known[None, :]
        framing = _framing_problems(xy, seen, framed)
        faint = mean_visibility < MIN_MEAN_VISIBILITY
        if light_bad or faint:  # everything seen faintly: the light, not something in the way
            framing = [p for p in framing if p.code != "hidden"]
        problems[:0] = framing
        if light_bad:
            problems.append(_problem("dark"))
        elif faint and not problems:
            problems.append(_problem("low_visibility"))
        width, height = resolution
        view = classify_view(image_xyz[detected], visibility[detected], (width, height))
        trunk_deg = trunk_from_vertical_deg(image_xyz[detected], (width, height))
        # The view rule reads shoulder and hip widths of an upright trunk; lying or kneeling on
        # all fours, it cannot tell a front view from a side view, so it is not applied.
        view_checked = bool(
            "left_hip" in framed and np.isfinite(trunk_deg) and trunk_deg <= MAX_UPRIGHT_TRUNK_DEG
        )
        if view_checked:
            turn = _view_problem(view, camera_view, side)
            if turn is not None:
                problems.append(turn)
    return SetupReport(
        problems=tuple(problems),
        view=view,
        frames=frames,
        detected_frames=int(np.count_nonzero(detected)),
        mean_luma=mean_luma,
        mean_visibility=mean_visibility,
        people_seen=people_seen,
        details={
            "needed_view": camera_view,
            "view_checked": view_checked,
            "side": side,
            "person_switches": person_switches,
        },
    )
