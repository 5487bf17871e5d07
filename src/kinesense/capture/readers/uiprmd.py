"""UI-PRMD Kinect v2 skeleton recordings to absolute joint positions and a :class:`PoseSeries`.

UI-PRMD (Vakanski A, Jun H-p, Paul D, Baker R. A data set of human body movements for physical
rehabilitation exercises. Data 2018; 3(1):2; PDDL 1.0) stores each repetition as two
comma-separated text files (optionally gzip): ``..._positions[_inc].txt`` and
``..._angles[_inc].txt``, one row per frame at 30 Hz, 22 joints x 3 values per row.

**The skeleton** is a hierarchy rooted at the pelvis. The first position triple is the root's
absolute position; every other triple is the joint's offset from its parent, expressed in the
parent's local frame (a bone lies along one local axis: the thigh along -y, the foot along +z).
The angles are each joint's rotation relative to its parent, in degrees, columns (x, y, z),
composed as ``R = Rz(z) @ Rx(x) @ Ry(y)`` (intrinsic Z-X-Y, the channel order of Kinect BVH
exports). Forward kinematics: ``R_global(j) = R_global(parent) @ R(j)`` and
``p(j) = p(parent) + R_global(parent) @ offset(j)``.

How that convention was established from the data (deep squats s01-s03): of the 36 distinct
orders and compositions of the three angles, this one keeps the feet planted while the hips drop
about 0.5 m (each ankle within 10 cm of its mean position, summed travel 58 cm over both ankles
of three squats, against 112 cm or more for every other convention) and the shoulder width
constant (within 2.5 cm).

**Bone lengths** are the lengths of the offsets, whatever the convention (rotations keep
lengths). The Kinect v2 does not hold them constant: over the 400 recordings here, a bone's
length departs from its median by 0.01-1.1 cm (median over frames, per bone) and by up to 5 cm in
one frame in ten on the legs, mostly in deep flexion where the sensor loses the knee or ankle.

**Axes**, read from the data: +y is up (ankles about 0.1 m, the head 1.5-1.8 m above the
floor); +z points from the person towards the sensor (the toes lie at +z of the ankles, the hips
move to -z when the person sits back, the pelvis is about 2.4 m from the sensor at z ~ -2.4 m);
+x points to the person's left (the data set's left-side joints have +x offsets in the rest
pose, and the frame is right-handed: x = y cross z). Units are centimetres; kinesense converts
them to metres.

**Joints** are named here by the anatomical point at which each lies, deduced from the bone
lengths (s01 m01: spine 27.8 and 20.2 cm, upper arm 25.1, forearm 27.0, thigh 36.0, shank 40.3,
ankle to forefoot 14.9 cm). Only the points that BlazePose also marks are mapped onto its
landmarks (shoulders, elbows, wrists, hips, knees, ankles). The Kinect forefoot joint lies
between the ankle and the toe tip that BlazePose calls ``foot_index``, the head joint is the
centre of the head, and the Kinect has no heel, eye, ear or finger points: those landmarks stay
missing (NaN, visibility 0) and are never synthesised.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from kinesense.arrays import FloatArray
from kinesense.capture.readers._tabular import read_text
from kinesense.errors import InputFileError
from kinesense.landmarks import BLAZEPOSE_LANDMARKS, LANDMARK_INDEX
from kinesense.series import PoseSeries, Provenance

FRAME_RATE_HZ: Final = 30.0
"""The Kinect v2 skeleton rate of UI-PRMD (frames per second)."""

CM_TO_M: Final = 0.01

KINECT_JOINTS: Final[tuple[str, ...]] = (
    "spine_base",
    "spine_mid",
    "spine_shoulder",
    "neck_root",
    "neck",
    "head",
    "left_clavicle",
    "left_shoulder",
    "left_elbow",
    "left_wrist",
    "right_clavicle",
    "right_shoulder",
    "right_elbow",
    "right_wrist",
    "left_hip",
    "left_knee",
    "left_ankle",
    "left_forefoot",
    "right_hip",
    "right_knee",
    "right_ankle",
    "right_forefoot",
)
"""The 22 joints in file order. ``neck_root`` lies 0.7 cm above ``spine_shoulder`` and the
clavicle joints 1-2 cm beside it: points of the Kinect hierarchy, not of the body surface."""

KINECT_PARENTS: Final[tuple[int, ...]] = (
    -1, 0, 1, 2, 3, 4, 2, 6, 7, 8, 2, 10, 11, 12, 0, 14, 15, 16, 0, 18, 19, 20,
)  # fmt: skip
"""Index of each joint's parent (-1 for the root, the pelvis)."""

BLAZEPOSE_OF_KINECT: Final[dict[str, str]] = {
    name: name
    for name in KINECT_JOINTS
    if name in LANDMARK_INDEX and not name.endswith(("clavicle", "forefoot"))
}
"""Kinect joint -> BlazePose landmark, for the points that are the same anatomical point."""

N_JOINTS: Final = len(KINECT_JOINTS)
_VALUES_PER_ROW: Final = 3 * N_JOINTS
_FILE_NAME = re.compile(r"m(\d+)_s(\d+)_e(\d+)_(positions|angles)(_inc)?\.txt(\.gz)?$")


@dataclass(frozen=True)
class KinectSkeleton:
    """One UI-PRMD recording in the data set's own terms, in metres.

    Attributes:
        root_m: (N, 3) absolute position of the pelvis (``spine_base``).
        offsets_m: (N, 22, 3) offset of each joint from its parent in the parent's frame (row 0,
            the root, is zero).
        rotations: (N, 22, 4) each joint's rotation relative to its parent, as unit quaternions
            (x, y, z, w: scalar last, as :class:`scipy.spatial.transform.Rotation`
            writes them).
        source: the positions file it came from.
    """

    root_m: FloatArray
    offsets_m: FloatArray
    rotations: FloatArray
    source: str = ""

    def __len__(self) -> int:
        return int(self.root_m.shape[0])

    def joints_m(self) -> FloatArray:
        """(N, 22, 3) absolute joint positions by forward kinematics (see the module docstring)."""
        return forward_kinematics(self.root_m, self.offsets_m, self.rotations)

    def take(self, index: slice | np.ndarray) -> "KinectSkeleton":
        """The frames selected by ``index``."""
        return KinectSkeleton(
            self.root_m[index], self.offsets_m[index], self.rotations[index], self.source
        )


def local_rotations(angles_deg: FloatArray) -> FloatArray:
    """(N, 22, 4) quaternions of the file's (N, 22, 3) Euler angles (x, y, z columns, degrees)."""
    from scipy.spatial.transform import Rotation

    flat = np.asarray(angles_deg, dtype=np.float64).reshape(-1, 3)
    zxy = flat[:, [2, 0, 1]]
    quats = Rotation.from_euler("ZXY", zxy, degrees=True).as_quat()
    return np.asarray(quats, dtype=np.float64).reshape(*np.shape(angles_deg)[:-1], 4)


def forward_kinematics(
    root_m: FloatArray, offsets_m: FloatArray, rotations: FloatArray
) -> FloatArray:
    """(N, 22, 3) absolute joint positions from the root position, local offsets and rotations."""
    from scipy.spatial.transform import Rotation

    n = root_m.shape[0]
    local = Rotation.from_quat(rotations.reshape(-1, 4)).as_matrix().reshape(n, N_JOINTS, 3, 3)
    global_rot = np.empty_like(local)
    joints = np.empty((n, N_JOINTS, 3))
    for j, parent in enumerate(KINECT_PARENTS):
        if parent < 0:
            global_rot[:, j] = local[:, j]
            joints[:, j] = root_m
            continue
        global_rot[:, j] = global_rot[:, parent] @ local[:, j]
        joints[:, j] = joints[:, parent] + np.einsum(
            "nij,nj->ni", global_rot[:, parent], offsets_m[:, j]
        )
    return joints


def bone_lengths_m(joints_m: FloatArray) -> FloatArray:
    """(N, 21) length of every bone (joint to parent), in the units of ``joints_m``."""
    children = [j for j, parent in enumerate(KINECT_PARENTS) if parent >= 0]
    parents = [KINECT_PARENTS[j] for j in children]
    return np.asarray(
        np.linalg.norm(joints_m[:, children] - joints_m[:, parents], axis=-1), dtype=np.float64
    )


def angles_path_for(positions_path: str | Path) -> Path:
    """The angles file that belongs to a positions file (same folder layout as the data set:
    ``.../Positions/mXX_sYY_eZZ_positions.txt`` -> ``.../Angles/mXX_sYY_eZZ_angles.txt``)."""
    path = Path(positions_path)
    if "_positions" not in path.name:
        raise InputFileError(
            f"{path}: a UI-PRMD positions file name contains '_positions'; pass angles_path"
        )
    folder = path.parent
    if folder.name == "Positions":
        folder = folder.parent / "Angles"
    return folder / path.name.replace("_positions", "_angles")


def _read_table(path: Path, what: str) -> FloatArray:
    source, text = read_text(path, what)
    rows: list[list[float]] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = line.split(",")
        if len(cells) != _VALUES_PER_ROW:
            raise InputFileError(
                f"{source} line {line_no}: expected {_VALUES_PER_ROW} comma-separated values "
                f"(22 joints x 3); found {len(cells)}"
            )
        try:
            row = [float(cell) for cell in cells]
        except ValueError:
            raise InputFileError(f"{source} line {line_no}: a value is not a number") from None
        if not all(np.isfinite(row)):
            raise InputFileError(f"{source} line {line_no}: a value is not a finite number")
        rows.append(row)
    if not rows:
        raise InputFileError(f"{source} holds no frames")
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), N_JOINTS, 3)


def read_uiprmd_skeleton(
    positions_path: str | Path, angles_path: str | Path | None = None
) -> KinectSkeleton:
    """Read one UI-PRMD Kinect recording (positions and angles files).

    Args:
        positions_path: the ``..._positions[_inc].txt[.gz]`` file.
        angles_path: its angles file; by default found with :func:`angles_path_for`.

    Raises:
        InputFileError: a file is missing, a row does not hold 66 numbers, or the two files have
            different numbers of frames.
    """
    positions_file = Path(positions_path)
    angles_file = Path(angles_path) if angles_path is not None else angles_path_for(positions_file)
    positions = _read_table(positions_file, "UI-PRMD positions file")
    angles = _read_table(angles_file, "UI-PRMD angles file")
    if positions.shape != angles.shape:
        raise InputFileError(
            f"{positions_file} has {positions.shape[0]} frames but its angles file "
            f"{angles_file} has {angles.shape[0]}"
        )
    offsets = positions * CM_TO_M
    root = offsets[:, 0].copy()
    offsets[:, 0] = 0.0
    return KinectSkeleton(root, offsets, local_rotations(angles), str(positions_file))


def joints_to_pose(
    joints_m: FloatArray,
    *,
    source: str = "",
    frame_rate_hz: float = FRAME_RATE_HZ,
    start_s: float = 0.0,
) -> PoseSeries:
    """A 3D :class:`PoseSeries` (BlazePose landmark order) of absolute Kinect joints in metres.

    Mapped landmarks have visibility 1; the others are missing (NaN, visibility 0). Image
    landmarks are NaN: :mod:`kinesense.signal.projection` makes them for a virtual camera.
    """
    n = joints_m.shape[0]
    world = np.full((n, len(BLAZEPOSE_LANDMARKS), 3), np.nan)
    visibility = np.zeros((n, len(BLAZEPOSE_LANDMARKS)))
    for kinect_name, landmark in BLAZEPOSE_OF_KINECT.items():
        world[:, LANDMARK_INDEX[landmark]] = joints_m[:, KINECT_JOINTS.index(kinect_name)]
        visibility[:, LANDMARK_INDEX[landmark]] = 1.0
    unmapped = [name for name in KINECT_JOINTS if name not in BLAZEPOSE_OF_KINECT]
    return PoseSeries(
        time_s=start_s + np.arange(n) / frame_rate_hz,
        image_xyz=np.full_like(world, np.nan),
        world_xyz_m=world,
        visibility=visibility,
        detected=np.ones(n, dtype=bool),
        frame_rate_hz=frame_rate_hz,
        world_up=(0.0, 1.0, 0.0),
        provenance=Provenance(
            source=source,
            reader="ui-prmd",
            details={
                "axes": "x to the person's left, y up, z from the person towards the sensor",
                "unmapped_joints": unmapped,
            },
        ),
    )


def read_uiprmd(positions_path: str | Path, angles_path: str | Path | None = None) -> PoseSeries:
    """Read one UI-PRMD Kinect recording as a 3D :class:`PoseSeries` (metres, file's axes, +y up).

    See :func:`read_uiprmd_skeleton` for the arguments and errors.
    """
    skeleton = read_uiprmd_skeleton(positions_path, angles_path)
    return joints_to_pose(skeleton.joints_m(), source=skeleton.source)


def uiprmd_file(
    root: str | Path, movement: int, subject: int, episode: int, *, correct: bool = True
) -> Path:
    """The positions file of one repetition under the data set's folder ``root``
    (``Segmented_Movements`` for correct, ``Incorrect_Segmented_Movements`` for incorrect)."""
    folder = "Segmented_Movements" if correct else "Incorrect_Segmented_Movements"
    suffix = "" if correct else "_inc"
    name = f"m{movement:02d}_s{subject:02d}_e{episode:02d}_positions{suffix}.txt.gz"
    return Path(root) / folder / "Kinect" / "Positions" / name


def parse_uiprmd_name(path: str | Path) -> tuple[int, int, int, bool] | None:
    """``(movement, subject, episode, correct)`` from a UI-PRMD file name, or ``None``."""
    match = _FILE_NAME.search(Path(path).name)
    if match is None:
        return None
    return int(match[1]), int(match[2]), int(match[3]), match[5] is None
