"""Body frame: recover a known rotation, right-handedness, forward axis on a real convention."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from kinesense.signal.body_frame import body_frame, from_body_frame, to_body_frame

# A person in their own body frame: x to their right, y forward, z up (metres).
LEFT_HIP = np.array([-0.10, 0.0, 0.0])
RIGHT_HIP = np.array([0.10, 0.0, 0.0])
LEFT_SHOULDER = np.array([-0.18, 0.0, 0.50])
RIGHT_SHOULDER = np.array([0.18, 0.0, 0.50])


def _place(rotation: Rotation, shift: np.ndarray) -> list[np.ndarray]:
    return [rotation.apply(p) + shift for p in (LEFT_HIP, RIGHT_HIP, LEFT_SHOULDER, RIGHT_SHOULDER)]


def test_known_rotations_are_recovered() -> None:
    n = 25
    rotation = Rotation.random(n, random_state=8)
    shift = np.random.default_rng(8).normal(size=(n, 3))
    origin, matrix = body_frame(*_place(rotation, shift))
    np.testing.assert_allclose(origin, shift, atol=1e-12)
    # world = M @ body, so the body axes are the columns of M and the rows of `matrix`
    np.testing.assert_allclose(matrix, np.transpose(rotation.as_matrix(), (0, 2, 1)), atol=1e-12)
    np.testing.assert_allclose(np.linalg.det(matrix), 1.0)
    identity = np.broadcast_to(np.eye(3), (n, 3, 3))
    np.testing.assert_allclose(matrix @ np.transpose(matrix, (0, 2, 1)), identity, atol=1e-12)


def test_axes_are_right_forward_up_and_right_handed() -> None:
    origin, matrix = body_frame(LEFT_HIP, RIGHT_HIP, LEFT_SHOULDER, RIGHT_SHOULDER)
    np.testing.assert_allclose(origin, [0, 0, 0])
    np.testing.assert_allclose(matrix, np.eye(3), atol=1e-15)
    x, y, z = matrix
    np.testing.assert_allclose(np.cross(x, y), z)


def test_person_facing_a_mediapipe_camera_has_forward_towards_the_camera() -> None:
    # MediaPipe world: x image right, y down, z away from the camera. Facing the camera, the
    # person's left hip is on the image right and forward is towards the camera (-z).
    left_hip, right_hip = np.array([0.1, 0.0, 0.0]), np.array([-0.1, 0.0, 0.0])
    left_sh, right_sh = np.array([0.18, -0.5, 0.0]), np.array([-0.18, -0.5, 0.0])
    origin, matrix = body_frame(left_hip, right_hip, left_sh, right_sh)
    np.testing.assert_allclose(matrix[1], [0.0, 0.0, -1.0], atol=1e-15)  # forward
    np.testing.assert_allclose(matrix[2], [0.0, -1.0, 0.0], atol=1e-15)  # up = world_up
    nose = np.array([0.0, -0.6, -0.1])  # in front of the face, closer to the camera
    assert to_body_frame(nose[None], origin[None], matrix[None])[0, 1] > 0


def test_vertical_follows_the_trunk_made_orthogonal_to_the_hips() -> None:
    # shoulders shifted to the right and forwards: z keeps only the forward lean
    lean = np.array([0.05, 0.2, 0.0])
    _, matrix = body_frame(LEFT_HIP, RIGHT_HIP, LEFT_SHOULDER + lean, RIGHT_SHOULDER + lean)
    expected_z = np.array([0.0, 0.2, 0.5]) / np.hypot(0.2, 0.5)
    np.testing.assert_allclose(matrix[2], expected_z)
    np.testing.assert_allclose(matrix[0], [1, 0, 0])


def test_landmarks_round_trip_through_the_body_frame() -> None:
    rng = np.random.default_rng(9)
    rotation = Rotation.random(6, random_state=9)
    shift = rng.normal(size=(6, 3))
    origin, matrix = body_frame(*_place(rotation, shift))
    body_points = rng.normal(size=(6, 33, 3))
    world = rotation.as_matrix()[:, None] @ body_points[..., None]
    world = world[..., 0] + shift[:, None]
    np.testing.assert_allclose(to_body_frame(world, origin, matrix), body_points, atol=1e-12)
    np.testing.assert_allclose(from_body_frame(body_points, origin, matrix), world, atol=1e-12)


def test_missing_landmark_or_degenerate_frame_gives_nan() -> None:
    hips_l = np.stack([LEFT_HIP, LEFT_HIP * np.nan, RIGHT_HIP])
    hips_r = np.stack([RIGHT_HIP, RIGHT_HIP, RIGHT_HIP])  # frame 2: both hips coincide
    sh_l = np.stack([LEFT_SHOULDER] * 3)
    sh_r = np.stack([RIGHT_SHOULDER] * 3)
    origin, matrix = body_frame(hips_l, hips_r, sh_l, sh_r)
    assert np.all(np.isfinite(matrix[0]))
    assert np.all(np.isnan(matrix[1]))
    assert np.all(np.isnan(origin[1]))
    assert np.all(np.isnan(matrix[2]))


def test_shape_errors() -> None:
    with pytest.raises(ValueError, match="3 coordinates"):
        body_frame(np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2))
    with pytest.raises(ValueError, match="same number of frames"):
        to_body_frame(np.zeros((4, 3)), np.zeros((3, 3)), np.zeros((3, 3, 3)))
