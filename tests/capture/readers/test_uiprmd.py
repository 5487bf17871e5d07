"""UI-PRMD Kinect files: forward kinematics (by hand and on real recordings), axes, landmark
mapping, errors, and the joined clips' exact ground truth."""

import gzip
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from kinesense.capture.readers.uiprmd import (
    BLAZEPOSE_OF_KINECT,
    KINECT_JOINTS,
    KINECT_PARENTS,
    N_JOINTS,
    angles_path_for,
    bone_lengths_m,
    forward_kinematics,
    local_rotations,
    parse_uiprmd_name,
    read_uiprmd,
    read_uiprmd_skeleton,
    uiprmd_file,
)
from kinesense.capture.readers.uiprmd_clips import (
    join_repetitions,
    load_clip,
    rest_pose,
    upright_height_m,
)
from kinesense.errors import InputFileError
from kinesense.landmarks import BLAZEPOSE_LANDMARKS
from tests.conftest import shared_file

UIPRMD = "ui-prmd"


def squat(shared_data: Path, episode: int = 1, *, correct: bool = True) -> Path:
    relative = uiprmd_file(UIPRMD, 1, 1, episode, correct=correct)
    return shared_file(shared_data, str(relative))


def joint(name: str) -> int:
    return KINECT_JOINTS.index(name)


# ----------------------------------------------------------------------------- by hand
def test_euler_angles_compose_z_then_x_then_y() -> None:
    angles = np.zeros((1, N_JOINTS, 3))
    angles[0, 0] = [30.0, 40.0, 50.0]  # x, y, z columns
    quat = local_rotations(angles)[0, 0]
    rx, ry, rz = np.radians([30.0, 40.0, 50.0])
    Rx = np.array([[1, 0, 0], [0, np.cos(rx), -np.sin(rx)], [0, np.sin(rx), np.cos(rx)]])
    Ry = np.array([[np.cos(ry), 0, np.sin(ry)], [0, 1, 0], [-np.sin(ry), 0, np.cos(ry)]])
    Rz = np.array([[np.cos(rz), -np.sin(rz), 0], [np.sin(rz), np.cos(rz), 0], [0, 0, 1]])
    np.testing.assert_allclose(Rotation.from_quat(quat).as_matrix(), Rz @ Rx @ Ry, atol=1e-12)


def test_forward_kinematics_of_a_known_pose() -> None:
    # Every bone 0.1 m along its parent's local +y; no rotation except the root, turned 90
    # degrees about +z (so local +y points to world -x), and the left knee bent 90 degrees
    # about +x (so the left ankle's offset, along the knee's +y, points to world +z).
    offsets = np.zeros((1, N_JOINTS, 3))
    offsets[0, 1:, 1] = 0.1
    angles = np.zeros((1, N_JOINTS, 3))
    angles[0, 0, 2] = 90.0
    angles[0, joint("left_knee"), 0] = 90.0
    root = np.array([[1.0, 2.0, 3.0]])
    joints = forward_kinematics(root, offsets, local_rotations(angles))
    np.testing.assert_allclose(joints[0, 0], [1.0, 2.0, 3.0])
    np.testing.assert_allclose(joints[0, joint("spine_mid")], [0.9, 2.0, 3.0], atol=1e-12)
    np.testing.assert_allclose(joints[0, joint("head")], [0.5, 2.0, 3.0], atol=1e-12)
    np.testing.assert_allclose(joints[0, joint("left_knee")], [0.8, 2.0, 3.0], atol=1e-12)
    np.testing.assert_allclose(joints[0, joint("left_ankle")], [0.8, 2.0, 3.1], atol=1e-12)
    np.testing.assert_allclose(joints[0, joint("left_forefoot")], [0.8, 2.0, 3.2], atol=1e-12)
    np.testing.assert_allclose(bone_lengths_m(joints), 0.1, atol=1e-12)


def test_every_joint_but_the_root_has_an_earlier_parent() -> None:
    assert KINECT_PARENTS[0] == -1
    assert all(0 <= p < j for j, p in enumerate(KINECT_PARENTS) if j)
    assert set(BLAZEPOSE_OF_KINECT.values()) <= set(BLAZEPOSE_LANDMARKS)
    assert len(BLAZEPOSE_OF_KINECT) == 12  # shoulders, elbows, wrists, hips, knees, ankles


# ------------------------------------------------------------------------ real recordings
def test_bone_lengths_are_those_of_the_file_and_stay_within_the_kinect_jitter(
    shared_data: Path,
) -> None:
    skeleton = read_uiprmd_skeleton(squat(shared_data))
    joints = skeleton.joints_m()
    lengths = bone_lengths_m(joints)
    children = [j for j, p in enumerate(KINECT_PARENTS) if p >= 0]
    np.testing.assert_allclose(lengths, np.linalg.norm(skeleton.offsets_m[:, children], axis=-1))
    deviation = np.abs(lengths - np.median(lengths, axis=0))
    # The Kinect v2 does not hold bone lengths constant: about 1 cm on the arms and spine, 2.5 cm
    # (median) on the shanks in a deep squat, where the sensor loses the knees.
    assert np.median(deviation, axis=0).max() < 0.03
    arms_and_spine = [i for i, j in enumerate(children) if j < joint("left_hip")]
    assert np.median(deviation[:, arms_and_spine], axis=0).max() < 0.015
    thigh = lengths[:, children.index(joint("left_knee"))]
    assert 0.30 < np.median(thigh) < 0.45


def test_feet_stay_planted_while_the_hips_drop_in_a_deep_squat(shared_data: Path) -> None:
    joints = read_uiprmd_skeleton(squat(shared_data)).joints_m()
    hip_drop = joints[0, 0, 1] - joints[:, 0, 1].min()
    assert hip_drop > 0.5
    for ankle in ("left_ankle", "right_ankle"):
        track = joints[:, joint(ankle)]
        assert np.linalg.norm(track - track.mean(axis=0), axis=1).max() < 0.1


def test_axes_y_up_z_towards_the_sensor_x_to_the_persons_left(shared_data: Path) -> None:
    joints = read_uiprmd_skeleton(squat(shared_data)).joints_m()[0]  # standing
    assert joints[joint("head"), 1] - joints[joint("left_ankle"), 1] > 1.3
    for side in ("left", "right"):  # toes in front of the ankles: the person faces +z
        assert joints[joint(f"{side}_forefoot"), 2] > joints[joint(f"{side}_ankle"), 2] + 0.05
    for name in ("shoulder", "hip", "knee", "ankle"):
        assert joints[joint(f"left_{name}"), 0] > joints[joint(f"right_{name}"), 0]
    assert joints[0, 2] < -2.0  # the sensor is at the origin, in front of the person


def test_pose_series_holds_the_mapped_joints_only(shared_data: Path) -> None:
    path = squat(shared_data)
    series = read_uiprmd(path)
    joints = read_uiprmd_skeleton(path).joints_m()
    assert len(series) == joints.shape[0]
    np.testing.assert_allclose(np.diff(series.time_s), 1 / 30)
    assert series.world_up == (0.0, 1.0, 0.0)
    for kinect, landmark in BLAZEPOSE_OF_KINECT.items():
        np.testing.assert_allclose(series.world_point(landmark), joints[:, joint(kinect)])
    missing = [n for n in BLAZEPOSE_LANDMARKS if n not in BLAZEPOSE_OF_KINECT.values()]
    for name in missing:  # never synthesised
        assert np.isnan(series.world_point(name)).all()
        assert not series.visibility[:, series.index_of(name)].any()
    assert "left_forefoot" in series.provenance.details["unmapped_joints"]
    assert series.detected.all()


def test_incorrect_files_and_names(shared_data: Path) -> None:
    path = squat(shared_data, 3, correct=False)
    assert path.name == "m01_s01_e03_positions_inc.txt.gz"
    assert angles_path_for(path).name == "m01_s01_e03_angles_inc.txt.gz"
    assert angles_path_for(path).parent.name == "Angles"
    assert parse_uiprmd_name(path) == (1, 1, 3, False)
    assert parse_uiprmd_name("m05_s04_e10_angles.txt") == (5, 4, 10, True)
    assert parse_uiprmd_name("walk.csv") is None
    assert len(read_uiprmd(path)) > 30


# ---------------------------------------------------------------------------- errors
def write_pair(tmp_path: Path, positions: str, angles: str) -> Path:
    (tmp_path / "Positions").mkdir()
    (tmp_path / "Angles").mkdir()
    path = tmp_path / "Positions" / "m01_s01_e01_positions.txt.gz"
    path.write_bytes(gzip.compress(positions.encode()))
    (tmp_path / "Angles" / "m01_s01_e01_angles.txt.gz").write_bytes(gzip.compress(angles.encode()))
    return path


ROW = ",".join(["0.0"] * 66)


def test_a_tiny_pair_reads(tmp_path: Path) -> None:
    series = read_uiprmd(write_pair(tmp_path, f"{ROW}\n{ROW}\n", f"{ROW}\n{ROW}\n"))
    assert len(series) == 2
    np.testing.assert_allclose(series.world_point("left_knee"), 0.0)


@pytest.mark.parametrize(
    ("positions", "angles", "message"),
    [
        ("1,2,3\n", f"{ROW}\n", r"line 1: expected 66 comma-separated values .* found 3"),
        (f"{ROW}\n{ROW[:-3]}x\n", f"{ROW}\n{ROW}\n", "line 2: a value is not a number"),
        (f"{ROW[:-3]}nan\n", f"{ROW}\n", "line 1: a value is not a finite number"),
        (f"{ROW}\n{ROW}\n", f"{ROW}\n", "has 2 frames but its angles file .* has 1"),
        ("\n\n", "\n", "holds no frames"),
    ],
)
def test_bad_files_name_the_file_and_line(
    tmp_path: Path, positions: str, angles: str, message: str
) -> None:
    with pytest.raises(InputFileError, match=message):
        read_uiprmd(write_pair(tmp_path, positions, angles))


def test_a_missing_angles_file_is_named(tmp_path: Path) -> None:
    path = write_pair(tmp_path, f"{ROW}\n", f"{ROW}\n")
    (tmp_path / "Angles" / "m01_s01_e01_angles.txt.gz").unlink()
    with pytest.raises(InputFileError, match="UI-PRMD angles file not found"):
        read_uiprmd(path)
    with pytest.raises(InputFileError, match="contains '_positions'"):
        angles_path_for(tmp_path / "walk.txt")


# ----------------------------------------------------------------------- joined clips
def test_joined_clip_keeps_every_real_frame_at_its_stated_time(shared_data: Path) -> None:
    paths = [squat(shared_data, e) for e in (1, 2, 3)]
    skeletons = [read_uiprmd_skeleton(p) for p in paths]
    clip = join_repetitions(skeletons, rest_s=1.5, lead_s=1.0)
    assert len(clip.repetitions) == 3
    rate = clip.pose.frame_rate_hz
    for skeleton, (start, end) in zip(skeletons, clip.repetitions, strict=True):
        first, last = round(start * rate), round(end * rate)
        assert last - first + 1 == len(skeleton)
        expected = read_uiprmd(skeleton.source).world_xyz_m
        np.testing.assert_allclose(clip.pose.world_xyz_m[first : last + 1], expected, atol=1e-9)
    gaps = [b[0] - a[1] for a, b in zip(clip.repetitions, clip.repetitions[1:], strict=False)]
    assert min(gaps) > 1.5  # rest_s of quiet standing plus two transitions
    # the clip starts and ends standing still, in the most upright boundary frame
    rest = rest_pose(skeletons)
    assert upright_height_m(rest)[0] >= max(
        upright_height_m(s.take(np.array([0, -1]))).max() for s in skeletons
    )
    hip = clip.pose.world_point("left_hip")
    np.testing.assert_allclose(hip[0], hip[round(rate) - 1])
    np.testing.assert_allclose(hip[0], hip[-1])


def test_transitions_keep_bone_lengths_between_those_of_their_ends(shared_data: Path) -> None:
    skeletons = [read_uiprmd_skeleton(squat(shared_data, e)) for e in (1, 2)]
    clip = join_repetitions(skeletons)
    world = clip.pose.world_xyz_m
    thigh = np.linalg.norm(
        world[:, BLAZEPOSE_LANDMARKS.index("left_hip")]
        - world[:, BLAZEPOSE_LANDMARKS.index("left_knee")],
        axis=1,
    )
    real = np.concatenate([s.joints_m() for s in skeletons])
    real_thigh = np.linalg.norm(real[:, joint("left_hip")] - real[:, joint("left_knee")], axis=1)
    assert real_thigh.min() - 1e-9 <= thigh.min()
    assert thigh.max() <= real_thigh.max() + 1e-9
    steps = np.linalg.norm(np.diff(world, axis=0), axis=2)
    assert np.nanmax(steps) < 0.1  # no jump between frames (3 m/s at 30 frames/s)


def test_files_cut_mid_movement_are_left_out(shared_data: Path) -> None:
    shared_file(shared_data, str(uiprmd_file(UIPRMD, 5, 4, 5, correct=False)))
    clip = load_clip(shared_data / UIPRMD, 5, 4, correct=False)
    assert [Path(source).name for source, _ in clip.excluded] == [
        "m05_s04_e05_positions_inc.txt.gz",  # ends seated
        "m05_s04_e06_positions_inc.txt.gz",  # starts seated, stands up inside
    ]
    assert "ends mid-movement" in clip.excluded[0][1]
    assert len(clip.repetitions) == len(clip.sources) == 8
    every = load_clip(shared_data / UIPRMD, 5, 4, correct=False, screen=False)
    assert len(every.repetitions) == 10
    assert not every.excluded
    assert not load_clip(shared_data / UIPRMD, 5, 4).excluded  # the correct ones are whole
