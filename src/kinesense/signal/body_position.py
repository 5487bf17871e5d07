"""Body position from landmarks, per frame with a confidence: standing, seated, kneeling,
quadruped (hands and knees), plank, supine, prone or side-lying.

The rule reads heights above the floor and vertical drops of segments in units of the body's
own scale (:mod:`kinesense.signal.body_features`), so it holds whichever way an upright,
roughly level camera (floor to hip height) looks at the person: a plank seen head-on is a plank.
Decision, in this order (thresholds in :data:`THRESHOLDS`, each with the heights it separates):

1. an arm under the shoulder, the shoulders raised, the lower body on the floor, the trunk not
   upright or the hands on the floor (seen head-on, perspective can make a plank's trunk look
   upright), **the hips off the floor** but lower than a pike's: **plank** (front, side or knee
   plank; lying face down, even propped on the elbows, is not one);
2. trunk up: thigh not down: **seated** (a chair, the floor, or the bottom of a deep squat,
   which a camera cannot tell from sitting); thigh down, knee off the floor, hips over the feet:
   **standing**; knee on the floor, hips over the knees: **kneeling**;
3. thigh down, knee on the floor, hips over it, an arm under the shoulder: **quadruped**; thigh
   down, knee off the floor, hips high and over the feet: **standing** bent forward or crouching;
4. otherwise lying: **side-lying** when one shoulder is above the other, else **supine** or
   **prone** from the face (nose above or below the ears) and the feet (toes above or below the
   heels).

Landmarks seen with visibility below :data:`~kinesense.landmarks.MIN_VISIBILITY` are ignored; a
frame without a shoulder, a hip and a knee is ``unknown`` (confidence 0), and so is an upright
frame whose support foot is unseen (on the feet or on the knees cannot be told). The confidence
of a label is the smallest margin of the tests that led to it (each mapped to [0.5, 1] over its
band: 1 when a feature is a band or more past its threshold), times a factor for the share of
the read landmarks that were seen (1 for all, 0.75 for half).

Thresholds come from adult body proportions (the heights each position gives, stated beside
each); where a real recording showed a closer case, the figure is given with it. They were
checked on the real recordings of ../shared/data: pose2sim balancing (two cameras and the 3D
keypoints), Sports2D demo and walking clips (standing), and their frames rotated by 90 degrees
(lying); tests/signal/test_body_position.py holds the figures.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import numpy as np

from kinesense.arrays import BoolArray, FloatArray
from kinesense.landmarks import LANDMARK_INDEX, MIN_VISIBILITY
from kinesense.signal.body_features import READ_POINTS, body_features, heights_and_points

if TYPE_CHECKING:
    from kinesense.series import PoseSeries

STANDING: Final = "standing"
SEATED: Final = "seated"
KNEELING: Final = "kneeling"
QUADRUPED: Final = "quadruped"
PLANK: Final = "plank"
SUPINE: Final = "supine"
PRONE: Final = "prone"
SIDE_LYING: Final = "side_lying"
UNKNOWN: Final = "unknown"

POSITIONS: Final[tuple[str, ...]] = (
    STANDING,
    SEATED,
    KNEELING,
    QUADRUPED,
    PLANK,
    SUPINE,
    PRONE,
    SIDE_LYING,
)
"""Every body position the classifier names (``unknown`` aside)."""

LYING: Final[tuple[str, ...]] = (SUPINE, PRONE, SIDE_LYING)
"""The positions with the trunk on the floor."""

DESCRIPTIONS: Final = {
    STANDING: "standing",
    SEATED: "sitting",
    KNEELING: "kneeling upright",
    QUADRUPED: "on hands and knees",
    PLANK: "in a plank (hips off the floor, weight on the arms)",
    SUPINE: "lying on the back",
    PRONE: "lying face down",
    SIDE_LYING: "lying on one side",
    UNKNOWN: "in a position that could not be seen",
}
"""Plain words for each position, for messages."""


@dataclass(frozen=True)
class Threshold:
    """A feature compared with ``value``; ``band`` is the margin (same unit) past which the
    comparison is certain (confidence 1)."""

    value: float
    band: float


THRESHOLDS: Final = {
    # Thigh down: about 0.86 S standing, 0.4 S at the bottom of a half squat, 0.1 S sitting on
    # a chair, 0.2-0.4 S in a plank.
    "thigh_down": Threshold(0.35, 0.2),
    # Knee off the floor: the knee joint is about 0.05 m (0.1 S) above the floor when kneeling,
    # 0.45 m (0.86 S) standing; 0.34 S was the lowest in the real single-leg balancing clip
    # (standing knee bent, camera looking down).
    "knee_off_floor": Threshold(0.22, 0.1),
    # Upright trunk: rise 1 standing or sitting, about 0.7 leaning 45 deg, 0 lying.
    "trunk_up": Threshold(0.6, 0.2),
    # Head-down trunk (shoulders well below the hips): a bridge or a pike is not a plank.
    "trunk_head_down": Threshold(-0.3, 0.15),
    # An arm under the shoulder: the upper arm (0.65 S) vertical in a plank or on hands and
    # knees (0.5 S at 40 deg from vertical); 0.2-0.35 S for an arm swinging 20-30 deg from a
    # lying body's line (real walking frames rotated by 90 deg).
    "arm_support": Threshold(0.4, 0.1),
    # The upper arm's drop over its length, the cosine of its angle from the vertical: 0.85 is
    # 32 deg (elbows a little forward of the shoulders in a plank: 10-20 deg); 0.79 for an arm
    # held out 38 deg from a lying body (real balancing frames rotated by 90 deg).
    "arm_vertical": Threshold(0.86, 0.06),
    # Lower body on the floor: the lowest knee, ankle, heel or toe above the floor (toes on the
    # floor in a plank: 0; 0.26 S seen head-on from a floor-level camera, the far feet raised
    # by perspective); feet in the air above a floor reached by the hands: 0.5 S and more.
    "legs_on_floor": Threshold(0.35, 0.1),
    # Hands on the floor: the lowest elbow or wrist is the floor (0) in a plank, whatever the
    # view; sitting or standing, the feet are lower (0.5 S and more). Seen head-on from a
    # floor-level camera, perspective makes a plank's trunk look upright (trunk rise 0.86 for
    # real 3D keypoints turned into a straight-arm plank): hands on the floor rule that out.
    "hands_on_floor": Threshold(0.15, 0.08),
    # Shoulders raised: forearm plank about 0.3 m above the floor = 0.55-0.6 S; lying about 0.1
    # to 0.2 m (0.2-0.4 S: the body's depth, a turned head).
    "shoulders_raised": Threshold(0.4, 0.15),
    # Hips off the floor: forearm plank hips 0.18-0.22 m above the elbows (0.35-0.4 S), knee
    # plank about 0.15 m (0.3 S); lying face down or propped on the elbows, the hip joint is
    # 0.05-0.07 m above the forearms (0.1-0.14 S).
    "hips_off_floor": Threshold(0.22, 0.08),
    # Hips too high for a plank (a pike, a crouch): straight-arm planks made from real frames
    # (arms forward 61-79 deg, turned until hands and toes touch one floor line) have them at
    # 0.81-0.96 S, a forearm plank about 0.4 S; a pike or downward dog 1.5 S and more.
    "hips_pike": Threshold(1.1, 0.1),
    # Hips high enough to stand on the feet bent forward or crouching: 0.93-1.66 S crouching and
    # rising in the real Sports2D clip; a bridge lifts them to about 0.5-0.6 S.
    "hips_on_feet": Threshold(0.75, 0.1),
    # Knee low, legs stretched out behind: 0.35-0.43 S in those straight-arm planks, 0.1-0.4 S
    # on the forearms or the knees; 0.74-0.94 S crouching (real Sports2D frames).
    "knee_low": Threshold(0.6, 0.1),
    # Thigh vertical, on hands and knees (0.86 S) rather than out behind (0.3-0.4 S in a plank).
    "thigh_vertical": Threshold(0.6, 0.1),
    # Hips over their support (the feet standing, the knees kneeling): the horizontal distance
    # from the mid-hip to the nearest foot or knee point; about 0-0.4 S (standing, walking,
    # crouching, on hands and knees); 1.0 S and more for a leg reaching out from a body that
    # does not stand on it (real balancing and walking frames rotated by 90 deg).
    "hips_over_support": Threshold(0.75, 0.2),
    # One shoulder above the other: shoulder width about 0.7 S when lying on the side; under
    # 0.2 S lying on the back or the front.
    "shoulders_stacked": Threshold(0.4, 0.2),
}
"""The thresholds of the rule, in units of the scale ``S`` (one trunk length)."""


@dataclass(frozen=True)
class BodyPositions:
    """Per-frame body positions of a recording.

    Attributes:
        labels: (N,) one of :data:`POSITIONS` or ``unknown``.
        confidence: (N,) in [0, 1]; 0 for ``unknown``.
        features: (N,) arrays of the features the rule read (units of the body scale), by name.
    """

    labels: tuple[str, ...]
    confidence: FloatArray
    features: dict[str, FloatArray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.labels)

    def is_in(self, positions: str | Sequence[str], min_confidence: float = 0.0) -> BoolArray:
        """(N,) whether each frame is in one of ``positions`` with at least ``min_confidence``."""
        wanted = {positions} if isinstance(positions, str) else set(positions)
        return np.array([lab in wanted for lab in self.labels], dtype=bool) & (
            self.confidence >= min_confidence
        )

    def counts(self, min_confidence: float = 0.0) -> dict[str, int]:
        """Frames per label (frames under ``min_confidence`` count as ``unknown``)."""
        out: dict[str, int] = {}
        for label, conf in zip(self.labels, self.confidence, strict=True):
            key = label if conf >= min_confidence and label != UNKNOWN else UNKNOWN
            out[key] = out.get(key, 0) + 1
        return out


_TESTS: Final = {
    "thigh_down": ("thigh_drop", "thigh_down", None, False),
    "knee_up": ("knee_height", "knee_off_floor", None, False),
    "trunk_up": ("trunk_rise", "trunk_up", None, False),
    "head_down": ("trunk_rise", "trunk_head_down", None, True),
    "arm_drop": ("arm_drop", "arm_support", -9.0, False),
    "arm_vertical": ("arm_vertical", "arm_vertical", -9.0, False),
    "shoulders_raised": ("shoulder_height", "shoulders_raised", None, False),
    "hips_off_floor": ("hip_height", "hips_off_floor", None, False),
    "hips_pike": ("hip_height", "hips_pike", None, False),
    "hips_on_feet": ("hip_height", "hips_on_feet", None, False),
    "knee_low": ("knee_height", "knee_low", None, True),
    "thigh_vertical": ("thigh_drop", "thigh_vertical", None, False),
    "legs_up": ("legs_height", "legs_on_floor", 9.0, False),
    "hands_up": ("hands_height", "hands_on_floor", 9.0, False),
    "stacked": ("shoulders_stacked", "shoulders_stacked", None, False),
    "over_feet": ("hips_over_feet", "hips_over_support", 9.0, True),
    "over_knees": ("hips_over_knees", "hips_over_support", 9.0, True),
}
"""The tests of the rule: name -> (feature, threshold, value of a missing feature (None: stays
missing), whether the test passes *below* the threshold)."""

_READ = np.array(READ_POINTS)
_TEST_VALUE = np.array([[THRESHOLDS[t[1]].value] for t in _TESTS.values()])
_TEST_TWO_BANDS = np.array([[2 * THRESHOLDS[t[1]].band] for t in _TESTS.values()])
_TEST_FILL = np.array([[np.nan if t[2] is None else t[2]] for t in _TESTS.values()])
_TEST_BELOW = np.array([t[3] for t in _TESTS.values()])


def _all_above(*tests: float) -> float:
    """The margin of several tests that must all pass (the smallest; NaN counts as 0)."""
    return float(min(0.0 if not math.isfinite(t) else t for t in tests))


def rule_confidences(features: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """(N,) confidence of each of the rule's tests (``_TESTS``) in [0, 1] (0.5 at its
    threshold, 1 a band or more on the passing side; NaN where the feature is missing), and
    ``arm_support`` (both arm tests), ``face_up`` and ``toes_up`` as they are. The tests are
    computed together, in one array."""
    values = np.stack([features[t[0]] for t in _TESTS.values()])
    values = np.where(np.isnan(values) & ~np.isnan(_TEST_FILL), _TEST_FILL, values)
    above = np.clip(0.5 + (values - _TEST_VALUE) / _TEST_TWO_BANDS, 0.0, 1.0)
    above = np.where(_TEST_BELOW[:, None], 1 - above, above)
    c = dict(zip(_TESTS, above, strict=True))
    c["arm_support"] = np.minimum(c.pop("arm_drop"), c.pop("arm_vertical"))
    return {**c, "face_up": features["face_up"], "toes_up": features["toes_up"]}


def decide(features: dict[str, FloatArray]) -> tuple[list[str], FloatArray]:
    """Labels and margins (confidence before the visibility factor) from the features."""
    c = rule_confidences(features)
    names = list(c)
    labels: list[str] = []
    margin = np.zeros(len(features["scale"]))
    for k, column in enumerate(np.stack(list(c.values())).T.tolist()):
        m = dict(zip(names, column, strict=True))
        if not (math.isfinite(m["thigh_down"]) and math.isfinite(m["trunk_up"])):
            labels.append(UNKNOWN)
            continue
        label, sure = _decide_frame(m)
        labels.append(label)
        margin[k] = sure
    return labels, margin


def _decide_frame(m: dict[str, float]) -> tuple[str, float]:
    """One frame's label and margin from its test confidences ``m`` (see :func:`decide`)."""
    td, tu, ku = m["thigh_down"], m["trunk_up"], m["knee_up"]
    # A plank: weight on an arm under the shoulder and on the feet or knees, hips off the floor
    # but lower than a pike's, legs out behind; the trunk not upright, or the hands on the
    # floor (seen head-on, perspective can make a plank's trunk look upright).
    knee_low = m["knee_low"] if math.isfinite(m["knee_low"]) else 0.5  # legs hidden head-on
    plank = _all_above(
        m["arm_support"], m["shoulders_raised"], m["hips_off_floor"], 1 - m["hips_pike"],
        knee_low, 1 - m["legs_up"], 1 - m["thigh_vertical"], 1 - m["head_down"],
        max(1 - tu, 1 - m["hands_up"]),
    )  # fmt: skip
    if plank >= 0.5:
        return PLANK, plank
    if tu >= 0.5:
        if td < 0.5:
            return SEATED, min(1 - td, tu)
        if not math.isfinite(ku):  # the support leg's foot unseen: on the feet or the knees?
            return UNKNOWN, 0.0
        if ku >= 0.5 and m["over_feet"] >= 0.5:
            return STANDING, min(td, ku, tu, m["over_feet"])
        if ku < 0.5 and m["over_knees"] >= 0.5:
            return KNEELING, min(td, 1 - ku, tu, m["over_knees"])
    # Trunk forward or down, or no support under the hips.
    if math.isfinite(ku):
        # On the knees or the feet with the trunk forward: the hips must be over that support.
        kneeling = _all_above(td, 1 - ku, 1 - tu, m["over_knees"], m["arm_support"])
        if kneeling >= 0.5:
            return QUADRUPED, kneeling
        standing = _all_above(ku, m["hips_on_feet"], 1 - m["legs_up"], m["over_feet"])
        if standing >= 0.5:  # bent forward or crouching on the feet
            return STANDING, standing
    label, sure = _lying(m)
    return label, min(1 - tu, 1 - plank if plank > 0 else 1.0, sure)


def _lying(m: dict[str, float]) -> tuple[str, float]:
    """Side-lying, supine or prone for a lying frame, and the margin of that choice."""
    stacked = m["stacked"]
    if math.isfinite(stacked) and stacked >= 0.5:
        return SIDE_LYING, stacked
    face, toes = m["face_up"], m["toes_up"]
    score = (face if math.isfinite(face) else 0.0) + 0.5 * (toes if math.isfinite(toes) else 0.0)
    # The nose is about 0.2 S in front of the ear line and a relaxed foot's toes 0.25 S past the
    # heel: a score of 0.2 is sure.
    facing = min(max(0.5 + abs(score) / 0.4, 0.5), 1.0)
    not_stacked = 1 - stacked if math.isfinite(stacked) else 0.5
    return (SUPINE if score >= 0 else PRONE), min(facing, not_stacked)


def classify_positions(
    image_xyz: FloatArray | None,
    visibility: FloatArray,
    *,
    resolution: tuple[int, int] | None = None,
    world_xyz_m: FloatArray | None = None,
    world_up: Sequence[float] | None = None,
) -> BodyPositions:
    """Body position of every frame from landmark arrays.

    Args:
        image_xyz: (N, 33, 3) normalised image landmarks (y down), or None to use the world ones.
        visibility: (N, 33) landmark visibility (0 where missing).
        resolution: (width, height) in pixels, so x and y share one unit (None: as given).
        world_xyz_m: (N, 33, 3) metres; used when the image landmarks are missing (imported 3D).
        world_up: the world's up vector, with ``world_xyz_m``.

    Returns:
        :class:`BodyPositions` (labels, confidence and the features read).
    """
    visibility = np.asarray(visibility, dtype=np.float64)
    if visibility.ndim != 2 or visibility.shape[1] != len(LANDMARK_INDEX):
        raise ValueError(f"visibility must be (N, 33); got {visibility.shape}")
    features = body_features(
        *heights_and_points(image_xyz, visibility, resolution, world_xyz_m, world_up)
    )
    labels, margin = decide(features)
    seen = np.count_nonzero(visibility[:, _READ] >= MIN_VISIBILITY, axis=1)
    # Every landmark the rule reads seen: factor 1; half of them: 0.75 (a share: never NaN).
    factor = np.minimum(np.maximum(0.5 + (seen / len(_READ)) / 2, 0.0), 1.0)
    confidence = np.where([lab == UNKNOWN for lab in labels], 0.0, margin * factor)
    return BodyPositions(tuple(labels), np.asarray(confidence, dtype=np.float64), features)


def classify_body_position(series: "PoseSeries") -> BodyPositions:
    """Body position of every frame of a :class:`~kinesense.series.PoseSeries` (BlazePose
    landmark names). Frames without the person are ``unknown``."""
    from kinesense.landmarks import BLAZEPOSE_LANDMARKS

    if tuple(series.landmark_names) != BLAZEPOSE_LANDMARKS:
        raise ValueError("body positions need the 33 BlazePose landmarks; convert the series")
    visibility = np.where(series.detected[:, None], series.visibility, 0.0)
    return classify_positions(
        series.image_xyz,
        visibility,
        resolution=series.provenance.resolution,
        world_xyz_m=series.world_xyz_m,
        world_up=series.world_up,
    )


MIN_CONFIDENCE: Final = 0.6
"""Frames classified with less confidence than this are not used to judge a recording."""

MIN_SHARE: Final = 0.5
"""Share of the judged frames that must be in the required position for a recording to be in
it ("mostly")."""

MIN_JUDGED_SHARE: Final = 0.25
"""Share of the frames that must be judged (classified with :data:`MIN_CONFIDENCE`) for the
position of a recording to be judged at all."""


@dataclass(frozen=True)
class PositionCheck:
    """Is a recording mostly in the required position, and if not, what is it in?

    Attributes:
        required: the positions accepted.
        judged: enough frames were classified confidently to tell.
        ok: judged and mostly in a required position; False when judged otherwise; True when
            not judged (nothing seen against it: callers that must see the position check
            ``judged``).
        share: share of the judged frames in a required position (0 when none was judged).
        dominant: the most frequent confident label (``unknown`` when none).
        frames, judged_frames: frames in the recording, and confidently classified.
        reason: why the check failed or could not judge, in plain words ('' when it passed).
    """

    required: tuple[str, ...]
    judged: bool
    ok: bool
    share: float
    dominant: str
    frames: int
    judged_frames: int
    reason: str

    def to_json(self) -> dict[str, object]:
        """A plain-JSON view."""
        return {
            "required": list(self.required),
            "judged": self.judged,
            "ok": self.ok,
            "share": round(self.share, 3),
            "dominant": self.dominant,
            "frames": self.frames,
            "judged_frames": self.judged_frames,
            "reason": self.reason,
        }


def check_body_position(
    positions: "BodyPositions | PoseSeries",
    required: str | Sequence[str],
    *,
    min_share: float = MIN_SHARE,
    min_confidence: float = MIN_CONFIDENCE,
) -> PositionCheck:
    """Whether a recording is mostly in one of the ``required`` positions.

    Args:
        positions: a recording (:class:`~kinesense.series.PoseSeries`) or its classification.
        required: a position of :data:`POSITIONS`, or several.
        min_share: share of the confidently classified frames that must be in position.
        min_confidence: frames below this confidence are not used.

    Raises:
        ValueError: an unknown position name.
    """
    wanted = (required,) if isinstance(required, str) else tuple(required)
    unknown = [p for p in wanted if p not in POSITIONS]
    if unknown or not wanted:
        raise ValueError(f"positions must be among {', '.join(POSITIONS)}; got {wanted!r}")
    if not isinstance(positions, BodyPositions):
        positions = classify_body_position(positions)
    frames = len(positions)
    confident = [
        label
        for label, conf in zip(positions.labels, positions.confidence, strict=True)
        if label != UNKNOWN and conf >= min_confidence
    ]
    needed = " or ".join(DESCRIPTIONS[p] for p in wanted)
    judged = frames > 0 and len(confident) >= MIN_JUDGED_SHARE * frames
    if not confident:
        return PositionCheck(wanted, False, True, 0.0, UNKNOWN, frames, 0,
                             f"the body position could not be seen (needed: {needed})")  # fmt: skip
    share = sum(label in wanted for label in confident) / len(confident)
    dominant = max(set(confident), key=lambda label: (confident.count(label), label))
    if not judged:
        reason = f"the body position was seen in too few frames to judge (needed: {needed})"
        return PositionCheck(wanted, False, True, share, dominant, frames, len(confident), reason)
    ok = share >= min_share
    dominant_share = confident.count(dominant) / len(confident)
    reason = "" if ok else (
        f"the person is {DESCRIPTIONS[dominant]} in {dominant_share:.0%} of the frames where "
        f"the body position is clear; this needs the person {needed}"
    )  # fmt: skip
    return PositionCheck(wanted, True, ok, share, dominant, frames, len(confident), reason)
