"""Body position per frame: stick figures with hand-computed heights, then real frames of
../shared/data (standing as filmed; turned by 90 degrees they lie; turned until the hands and
toes touch one floor line, a person with arms forward is in a straight-arm plank).

Figures measured on the real frames (full model), stated in the module docstring of
kinesense.signal.body_position and in the report:

* standing, as filmed: 100 % of the detected frames of the two balancing cameras and the
  walking clip, and of the balancing 3D keypoints, are ``standing``; the Sports2D demo 97 %
  (186 of 192: 6 frames ``seated`` as the man steps onto his box; frames where his feet leave
  the picture are ``unknown``);
* side view turned by 90 degrees (walking clip, arms along the body): 94 % ``prone`` face down,
  94 % ``supine`` face up, the rest ``side_lying``; never a plank, never on the feet;
* straight-arm planks made from the demo's frames with the arms forward: 8 of 8 ``plank``.
"""

import numpy as np
import pytest

from kinesense.landmarks import LANDMARK_INDEX
from kinesense.signal.body_features import body_features, heights_and_points
from kinesense.signal.body_position import (
    LYING,
    PLANK,
    POSITIONS,
    PRONE,
    QUADRUPED,
    SEATED,
    SIDE_LYING,
    STANDING,
    SUPINE,
    UNKNOWN,
    BodyPositions,
    check_body_position,
    classify_body_position,
    classify_positions,
)
from tests.coach.real_poses import (
    clip_series,
    detected_only,
    mirrored,
    pixels,
    rotated,
    rotation,
    with_pixels,
)

IX = LANDMARK_INDEX
RESOLUTION = (1000, 1000)


def figure(points_m: dict[str, tuple[float, float]], hidden: tuple[str, ...] = ()) -> tuple[
    np.ndarray, np.ndarray
]:  # fmt: skip
    """A one-frame figure from (forward, up) positions in metres, drawn side-on at 500 px a
    metre with the floor at y = 900 px; both sides of the body at the same place."""
    image = np.full((1, 33, 3), np.nan)
    for name, (forward, up) in points_m.items():
        for side in ("left_", "right_") if not name.startswith(("nose", "mid")) else ("",):
            key = side + name
            image[0, IX[key]] = ((500 + 500 * forward) / 1000, (900 - 500 * up) / 1000, 0.0)
    visibility = np.where(np.isfinite(image[..., 0]), 0.9, 0.0)
    for name in hidden:
        visibility[0, IX[name]] = 0.0
    return image, visibility


# Adult joint centres (metres): trunk 0.5, thigh 0.43, shank 0.43, upper arm 0.32, forearm 0.25.
STANDING_FIGURE = {
    "nose": (0.08, 1.62), "ear": (0.0, 1.6), "shoulder": (0.0, 1.4), "elbow": (0.0, 1.08),
    "wrist": (0.0, 0.83), "hip": (0.0, 0.9), "knee": (0.0, 0.47), "ankle": (0.0, 0.04),
    "heel": (-0.05, 0.0), "foot_index": (0.15, 0.0),
}  # fmt: skip
CHAIR_FIGURE = {
    "nose": (0.08, 1.17), "ear": (0.0, 1.15), "shoulder": (0.0, 0.95), "elbow": (0.05, 0.63),
    "wrist": (0.3, 0.55), "hip": (0.0, 0.45), "knee": (0.43, 0.47), "ankle": (0.43, 0.04),
    "heel": (0.38, 0.0), "foot_index": (0.58, 0.0),
}  # fmt: skip
FOREARM_PLANK = {  # body 14 deg from the floor, elbows under the shoulders
    "nose": (0.6, 0.32), "ear": (0.52, 0.36), "shoulder": (0.42, 0.32), "elbow": (0.42, 0.03),
    "wrist": (0.67, 0.03), "hip": (-0.07, 0.2), "knee": (-0.49, 0.12), "ankle": (-0.91, 0.07),
    "heel": (-0.94, 0.1), "foot_index": (-0.8, 0.0),
}  # fmt: skip
PRONE_FIGURE = {  # face down, arms along the body, propped by nothing
    "nose": (0.68, 0.02), "ear": (0.6, 0.1), "shoulder": (0.5, 0.1), "elbow": (0.2, 0.06),
    "wrist": (-0.05, 0.05), "hip": (0.0, 0.1), "knee": (-0.43, 0.07), "ankle": (-0.86, 0.07),
    "heel": (-0.88, 0.12), "foot_index": (-0.98, 0.0),
}  # fmt: skip
SPHINX_FIGURE = {**PRONE_FIGURE, "shoulder": (0.5, 0.32), "elbow": (0.5, 0.03),
                 "wrist": (0.75, 0.03), "nose": (0.7, 0.38), "ear": (0.6, 0.42)}  # fmt: skip
SUPINE_HOOK = {  # on the back, knees bent, feet flat
    "nose": (0.62, 0.2), "ear": (0.6, 0.1), "shoulder": (0.5, 0.1), "elbow": (0.2, 0.05),
    "wrist": (-0.05, 0.05), "hip": (0.0, 0.1), "knee": (-0.3, 0.4), "ankle": (-0.5, 0.06),
    "heel": (-0.55, 0.0), "foot_index": (-0.35, 0.0),
}  # fmt: skip
QUADRUPED_FIGURE = {
    "nose": (0.62, 0.55), "ear": (0.55, 0.62), "shoulder": (0.45, 0.6), "elbow": (0.45, 0.28),
    "wrist": (0.45, 0.03), "hip": (-0.05, 0.5), "knee": (-0.05, 0.07), "ankle": (-0.48, 0.05),
    "heel": (-0.5, 0.1), "foot_index": (-0.55, 0.0),
}  # fmt: skip


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (STANDING_FIGURE, STANDING),
        (CHAIR_FIGURE, SEATED),
        (FOREARM_PLANK, PLANK),
        (PRONE_FIGURE, PRONE),
        (SPHINX_FIGURE, PRONE),
        (SUPINE_HOOK, SUPINE),
        (QUADRUPED_FIGURE, QUADRUPED),
    ],
    ids=["standing", "chair", "forearm-plank", "prone", "propped-on-elbows", "hook-lying",
         "hands-and-knees"],
)  # fmt: skip
def test_figures_of_known_geometry(points: dict[str, tuple[float, float]], expected: str) -> None:
    image, visibility = figure(points)
    result = classify_positions(image, visibility, resolution=RESOLUTION)
    assert result.labels == (expected,)
    assert result.confidence[0] > 0.6


def test_features_equal_the_hand_computed_heights() -> None:
    image, visibility = figure(FOREARM_PLANK)
    features = body_features(*heights_and_points(image, visibility, RESOLUTION))
    # Scale: the largest estimate is the trunk, hip (-0.07, 0.2) to shoulder (0.42, 0.32), in
    # pixels (500 a metre); the thigh gives hypot(0.42, 0.08) / 0.86 = 0.497 m, less.
    trunk_px = np.hypot(0.49, 0.12) * 500
    assert features["scale"][0] == pytest.approx(trunk_px)
    s = trunk_px / 500  # the scale in metres
    assert features["floor"][0] == pytest.approx(-900 / trunk_px)  # the toes, on y = 900 px
    assert features["hip_height"][0] == pytest.approx(0.2 / s)
    assert features["shoulder_height"][0] == pytest.approx(0.32 / s)
    assert features["arm_drop"][0] == pytest.approx(0.29 / s)
    assert features["arm_vertical"][0] == pytest.approx(1.0)
    assert features["trunk_rise"][0] == pytest.approx(0.12 / s)
    assert features["legs_height"][0] == pytest.approx(0.0)
    assert features["face_up"][0] == pytest.approx(-0.04 / s)


def test_hips_on_the_floor_are_never_a_plank() -> None:
    """Propped on the elbows, shoulders as high as in a forearm plank, hips down: prone."""
    image, visibility = figure(SPHINX_FIGURE)
    features = body_features(*heights_and_points(image, visibility, RESOLUTION))
    plank_image, plank_visibility = figure(FOREARM_PLANK)
    plank = body_features(*heights_and_points(plank_image, plank_visibility, RESOLUTION))
    assert features["arm_drop"][0] == pytest.approx(plank["arm_drop"][0], rel=0.1)
    assert classify_positions(image, visibility, resolution=RESOLUTION).labels == (PRONE,)


def test_a_hidden_support_foot_leaves_standing_or_kneeling_undecided() -> None:
    image, visibility = figure(STANDING_FIGURE, hidden=tuple(
        f"{s}_{p}" for s in ("left", "right") for p in ("ankle", "heel", "foot_index")
    ))  # fmt: skip
    result = classify_positions(image, visibility, resolution=RESOLUTION)
    assert result.labels == (UNKNOWN,)
    assert result.confidence[0] == 0.0


def test_nobody_is_unknown() -> None:
    result = classify_positions(np.full((2, 33, 3), np.nan), np.zeros((2, 33)))
    assert result.labels == (UNKNOWN, UNKNOWN)
    assert list(result.confidence) == [0.0, 0.0]


# --------------------------------------------------------------------------------------------
# Real frames


@pytest.mark.slow
@pytest.mark.parametrize(
    ("clip", "least_share"),
    [("balancing_cam01", 1.0), ("balancing_cam02", 1.0), ("walk", 1.0), ("demo", 0.96)],
)
def test_real_standing_people_are_standing(clip: str, least_share: float) -> None:
    positions = classify_body_position(detected_only(clip_series(clip)))
    labels = [lab for lab in positions.labels if lab != UNKNOWN]
    assert len(labels) >= 0.8 * len(positions)
    assert labels.count(STANDING) / len(labels) >= least_share
    assert not set(labels) & {PLANK, *LYING}


def test_real_3d_keypoints_are_standing(shared_data: object) -> None:
    from kinesense.capture.readers import read_trc
    from tests.conftest import SHARED_DATA

    path = SHARED_DATA / "keypoints/pose2sim_balancing_3d.trc"
    if not path.exists():
        pytest.skip("pose2sim_balancing_3d.trc is absent")
    positions = classify_body_position(read_trc(path))
    assert set(positions.labels) == {STANDING}
    assert float(np.min(positions.confidence)) > 0.6


def _facing_right(series: object) -> bool:
    from kinesense.series import PoseSeries

    assert isinstance(series, PoseSeries)
    xy = pixels(series)
    nose = xy[:, IX["nose"], 0]
    ears = (xy[:, IX["left_ear"], 0] + xy[:, IX["right_ear"], 0]) / 2
    return bool(np.nanmedian(nose - ears) > 0)


@pytest.mark.slow
@pytest.mark.parametrize("angle", [90, -90, 75, -75])
def test_real_side_view_turned_to_the_floor_is_lying(angle: int) -> None:
    """The walking woman, seen side-on, turned by ``angle`` degrees counter-clockwise: her face
    goes up when she faced the way that turns upwards (right, for a counter-clockwise turn)."""
    walk = detected_only(clip_series("walk"))
    positions = classify_body_position(rotated(walk, angle))
    face_up = _facing_right(walk) == (angle > 0)
    expected = SUPINE if face_up else PRONE
    counts = positions.counts()
    assert counts.get(expected, 0) >= 0.9 * len(positions)
    assert set(counts) <= {expected, SIDE_LYING}


def _angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.degrees(np.arccos(a @ b / np.linalg.norm(a) / np.linalg.norm(b))))


def straight_arm_planks() -> list[tuple[np.ndarray, np.ndarray]]:
    """Real frames of the demo clip standing upright (trunk rise over 0.8) whose near arm is
    forward (55-80 deg from the trunk, elbow straight within 20 deg), turned until the wrist
    and toes touch one floor line below the shoulder: a straight-arm plank, hands under the
    shoulders."""
    demo = detected_only(clip_series("demo"))
    positions = classify_body_position(demo)
    xy = pixels(demo)
    frames = []
    for k in range(len(demo)):
        p = xy[k]
        trunk = (p[IX["right_hip"]] + p[IX["left_hip"]] - p[IX["right_shoulder"]]
                 - p[IX["left_shoulder"]]) / 2  # fmt: skip
        upper = p[IX["right_elbow"]] - p[IX["right_shoulder"]]
        fore = p[IX["right_wrist"]] - p[IX["right_elbow"]]
        flexion, bent = _angle_deg(upper, trunk), _angle_deg(upper, fore)
        seen = demo.visibility[k, [IX["right_wrist"], IX["right_foot_index"]]].min() >= 0.5
        upright = positions.labels[k] == STANDING and positions.features["trunk_rise"][k] > 0.8
        if upright and 55 < flexion < 80 and bent < 20 and seen:
            line = p[IX["right_foot_index"]] - p[IX["right_wrist"]]
            along = rotation(np.degrees(np.arctan2(line[1], line[0])))
            turned = (p - p[IX["right_wrist"]]) @ along.T
            if turned[IX["right_shoulder"], 1] > 0:  # the shoulder below the line: turn over
                turned = -turned
            frames.append((turned + np.array([500.0, 800.0]), demo.visibility[k]))
    return frames


@pytest.mark.slow
def test_real_straight_arm_planks_are_planks() -> None:
    frames = straight_arm_planks()
    assert len(frames) >= 6
    image = np.array([np.column_stack([xy / 1000.0, np.zeros(33)]) for xy, _ in frames])
    visibility = np.array([vis for _, vis in frames])
    positions = classify_positions(image, visibility, resolution=RESOLUTION)
    assert set(positions.labels) == {PLANK}
    # Lowered flat on the floor (the same frames turned so the trunk is level): not a plank.
    flat = []
    for xy, _ in frames:
        trunk = xy[IX["right_hip"]] - xy[IX["right_shoulder"]]
        along = rotation(np.degrees(np.arctan2(trunk[1], trunk[0])))
        level = (xy - xy[IX["right_hip"]]) @ along.T + np.array([500.0, 500.0])
        flat.append(np.column_stack([level / 1000.0, np.zeros(33)]))
    lying = classify_positions(np.array(flat), visibility, resolution=RESOLUTION)
    assert PLANK not in lying.labels


@pytest.mark.slow
def test_mirroring_keeps_the_position() -> None:
    walk = detected_only(clip_series("walk"))
    for series in (walk, rotated(walk, 90)):
        assert classify_body_position(mirrored(series)).labels == (
            classify_body_position(series).labels
        )


# --------------------------------------------------------------------------------------------
# Is a recording mostly in a position?


def _positions(labels: list[str], confidence: float = 0.9) -> BodyPositions:
    return BodyPositions(tuple(labels), np.full(len(labels), confidence))


def test_check_passes_a_recording_mostly_in_position() -> None:
    check = check_body_position(_positions([STANDING] * 8 + [SEATED] * 2), STANDING)
    assert check.ok
    assert check.judged
    assert check.share == pytest.approx(0.8)
    assert check.reason == ""


def test_check_names_the_position_the_person_is_in() -> None:
    check = check_body_position(_positions([SUPINE] * 7 + [STANDING] * 3), STANDING)
    assert check.judged
    assert not check.ok
    assert check.dominant == SUPINE
    assert check.reason == (
        "the person is lying on the back in 70% of the frames where the body position is "
        "clear; this needs the person standing"
    )


def test_check_accepts_several_positions() -> None:
    check = check_body_position(_positions([SEATED] * 5 + [STANDING] * 5), (SEATED, STANDING))
    assert check.ok
    assert check.share == 1.0


def test_check_without_confident_frames_is_not_judged() -> None:
    check = check_body_position(_positions([STANDING] * 10, confidence=0.3), PRONE)
    assert not check.judged
    assert check.ok
    assert "could not be seen" in check.reason
    few = check_body_position(_positions([PRONE] * 2 + [UNKNOWN] * 18), STANDING)
    assert not few.judged
    assert "too few" in few.reason


def test_check_refuses_unknown_positions() -> None:
    with pytest.raises(ValueError, match="positions must be among"):
        check_body_position(_positions([STANDING]), "lying")
    assert "side_lying" in POSITIONS


@pytest.mark.slow
def test_check_on_real_recordings() -> None:
    walk = detected_only(clip_series("walk"))
    assert check_body_position(walk, STANDING).ok
    turned = check_body_position(rotated(walk, -90), STANDING)
    assert turned.judged
    assert not turned.ok
    assert turned.dominant == SUPINE
    assert turned.share == 0.0
    assert turned.reason.startswith("the person is lying on the back in ")
    assert with_pixels(walk, pixels(walk)).image_xyz.shape == walk.image_xyz.shape
