"""Landmark names, the skeleton, and mappings from other keypoint sets to ours.

kinesense uses the 33 landmarks of BlazePose GHUM (Bazarevsky et al. 2020, "BlazePose: On-device
Real-time Body Pose tracking", arXiv:2006.10204), in the model's order. Keypoints from other tools
(OpenPose BODY_25 / BODY_25B / COCO, Pose2Sim and OpenSim TRC, C3D) are mapped onto these names
only where the two points are the same anatomical point; a landmark that a set does not have stays
missing (NaN, visibility 0) and is never synthesised from its neighbours.
"""

from types import MappingProxyType
from typing import Final

MIN_VISIBILITY: Final = 0.5
"""A landmark whose visibility (BlazePose's probability that it is in view and not hidden) is
below this is treated as not seen. The model's own examples use 0.5 as the cut-off."""

BLAZEPOSE_LANDMARKS: Final[tuple[str, ...]] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
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
"""The 33 BlazePose landmark names, index = position in the model's output."""

N_LANDMARKS: Final[int] = len(BLAZEPOSE_LANDMARKS)

LANDMARK_INDEX: Final = MappingProxyType({name: i for i, name in enumerate(BLAZEPOSE_LANDMARKS)})
"""Index of each BlazePose landmark name."""

SKELETON: Final[tuple[tuple[str, str], ...]] = (
    ("left_ear", "left_eye"),
    ("left_eye", "nose"),
    ("nose", "right_eye"),
    ("right_eye", "right_ear"),
    ("mouth_left", "mouth_right"),
    ("left_shoulder", "right_shoulder"),
    ("left_shoulder", "left_elbow"),
    ("left_elbow", "left_wrist"),
    ("left_wrist", "left_index"),
    ("right_shoulder", "right_elbow"),
    ("right_elbow", "right_wrist"),
    ("right_wrist", "right_index"),
    ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"),
    ("left_hip", "right_hip"),
    ("left_hip", "left_knee"),
    ("left_knee", "left_ankle"),
    ("left_ankle", "left_heel"),
    ("left_heel", "left_foot_index"),
    ("left_ankle", "left_foot_index"),
    ("right_hip", "right_knee"),
    ("right_knee", "right_ankle"),
    ("right_ankle", "right_heel"),
    ("right_heel", "right_foot_index"),
    ("right_ankle", "right_foot_index"),
)
"""Pairs of landmarks joined by a bone, for drawing."""


def landmark_index(name: str) -> int:
    """Return the index of a BlazePose landmark name; raise ``KeyError`` naming the valid ones."""
    try:
        return LANDMARK_INDEX[name]
    except KeyError:
        raise KeyError(
            f"unknown landmark {name!r}; landmarks are: {', '.join(BLAZEPOSE_LANDMARKS)}"
        ) from None


# OpenPose keypoint orders (CMU OpenPose documentation, doc/02_output.md; BODY_25B from the
# openpose_train experimental models). Names are OpenPose's own.
OPENPOSE_BODY_25: Final[tuple[str, ...]] = (
    "Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist",
    "MidHip", "RHip", "RKnee", "RAnkle", "LHip", "LKnee", "LAnkle", "REye", "LEye", "REar",
    "LEar", "LBigToe", "LSmallToe", "LHeel", "RBigToe", "RSmallToe", "RHeel",
)  # fmt: skip

OPENPOSE_BODY_25B: Final[tuple[str, ...]] = (
    "Nose", "LEye", "REye", "LEar", "REar", "LShoulder", "RShoulder", "LElbow", "RElbow",
    "LWrist", "RWrist", "LHip", "RHip", "LKnee", "RKnee", "LAnkle", "RAnkle", "UpperNeck",
    "HeadTop", "LBigToe", "LSmallToe", "LHeel", "RBigToe", "RSmallToe", "RHeel",
)  # fmt: skip

OPENPOSE_COCO_18: Final[tuple[str, ...]] = (
    "Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist",
    "RHip", "RKnee", "RAnkle", "LHip", "LKnee", "LAnkle", "REye", "LEye", "REar", "LEar",
)  # fmt: skip

OPENPOSE_LAYOUTS: Final = MappingProxyType(
    {
        "BODY_25": OPENPOSE_BODY_25,
        "BODY_25B": OPENPOSE_BODY_25B,
        "COCO": OPENPOSE_COCO_18,
    }
)
"""OpenPose layouts by name. BODY_25 and BODY_25B both have 25 points: they are told apart by
:func:`kinesense.capture.readers.openpose.guess_layout` or chosen by the user."""

# Foreign names for each BlazePose landmark, compared case-insensitively with '_', '-', '.' and
# spaces removed. Only true correspondences: OpenPose's "BigToe" is the tip of the big toe, which
# is the point BlazePose calls "foot_index" (the tip of the foot); "Neck", "MidHip", "HeadTop",
# "SmallToe" have no BlazePose counterpart and are left out.
_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "nose": ("Nose",),
    "left_eye": ("LEye", "LeftEye"),
    "right_eye": ("REye", "RightEye"),
    "left_ear": ("LEar", "LeftEar"),
    "right_ear": ("REar", "RightEar"),
    "left_shoulder": ("LShoulder", "LeftShoulder"),
    "right_shoulder": ("RShoulder", "RightShoulder"),
    "left_elbow": ("LElbow", "LeftElbow"),
    "right_elbow": ("RElbow", "RightElbow"),
    "left_wrist": ("LWrist", "LeftWrist"),
    "right_wrist": ("RWrist", "RightWrist"),
    "left_hip": ("LHip", "LeftHip"),
    "right_hip": ("RHip", "RightHip"),
    "left_knee": ("LKnee", "LeftKnee"),
    "right_knee": ("RKnee", "RightKnee"),
    "left_ankle": ("LAnkle", "LeftAnkle"),
    "right_ankle": ("RAnkle", "RightAnkle"),
    "left_heel": ("LHeel", "LeftHeel"),
    "right_heel": ("RHeel", "RightHeel"),
    "left_foot_index": ("LBigToe", "LeftBigToe", "LToe", "LeftFootIndex"),
    "right_foot_index": ("RBigToe", "RightBigToe", "RToe", "RightFootIndex"),
}


def _fold(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


_FOREIGN_TO_OURS: Final = MappingProxyType(
    {
        **{_fold(ours): ours for ours in BLAZEPOSE_LANDMARKS},
        **{_fold(alias): ours for ours, aliases in _ALIASES.items() for alias in aliases},
    }
)


def blazepose_name_for(foreign_name: str) -> str | None:
    """Return the BlazePose landmark that ``foreign_name`` denotes, or ``None`` if it has none.

    Matching ignores case and the separators ``_ - . space``; a name may carry a prefix such as
    ``"Subject1:"`` (C3D), which is dropped.
    """
    bare = foreign_name.rsplit(":", 1)[-1]
    return _FOREIGN_TO_OURS.get(_fold(bare))


def mapping_to_blazepose(foreign_names: tuple[str, ...] | list[str]) -> dict[int, int]:
    """Map positions in a foreign keypoint list to BlazePose indices, for the names that correspond.

    Returns ``{foreign_index: blazepose_index}``. When two foreign names map to the same landmark
    the first one wins.
    """
    mapping: dict[int, int] = {}
    taken: set[int] = set()
    for i, name in enumerate(foreign_names):
        ours = blazepose_name_for(name)
        if ours is None:
            continue
        j = LANDMARK_INDEX[ours]
        if j not in taken:
            mapping[i] = j
            taken.add(j)
    return mapping
