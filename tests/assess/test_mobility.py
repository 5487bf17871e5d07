"""Trunk ranges of motion: synthetic landmark series with known angles, and real recordings."""

from pathlib import Path

import numpy as np
import pytest

from kinesense.arrays import FloatArray
from kinesense.assess.mobility import MobilityParameters, symmetry_index_pct
from kinesense.assess.mobility_imu import assess_trunk_rom_imu
from kinesense.assess.mobility_video import assess_trunk_rom
from kinesense.landmarks import BLAZEPOSE_LANDMARKS, LANDMARK_INDEX
from kinesense.series import MotionSeries, PoseSeries, Provenance
from tests.conftest import shared_file

RESOLUTION = (1280, 720)  # not square: angles must be computed in pixels
RATE_HZ = 30.0


# ---------------------------------------------------------------- synthetic series helpers


def min_jerk(t: FloatArray, t0: float, duration: float) -> FloatArray:
    """Minimum-jerk position from 0 to 1 between t0 and t0 + duration (Flash & Hogan 1985)."""
    tau = np.clip((t - t0) / duration, 0.0, 1.0)
    return np.asarray(10 * tau**3 - 15 * tau**4 + 6 * tau**5)


def bend_profile(
    t: FloatArray, amplitudes: list[float], start: float = 1.5, move: float = 1.5
) -> FloatArray:
    """Angle (deg): still until ``start``, then per amplitude out (move s), hold 0.5 s, back
    (move s), rest 0.5 s; signs of the amplitudes give the side."""
    angle = np.zeros_like(t)
    t0 = start
    for a in amplitudes:
        angle += a * min_jerk(t, t0, move) - a * min_jerk(t, t0 + move + 0.5, move)
        t0 += 2 * move + 1.0
    return angle


def profile_duration(n_reps: int, start: float = 1.5, move: float = 1.5) -> float:
    return start + n_reps * (2 * move + 1.0) + 0.5


def _blank(n: int) -> FloatArray:
    return np.zeros((n, len(BLAZEPOSE_LANDMARKS), 2))


def _put(px: FloatArray, name: str, xy: FloatArray) -> None:
    px[:, LANDMARK_INDEX[name]] = xy


def _series(
    t: FloatArray,
    px: FloatArray,
    view: str,
    *,
    world: FloatArray | None = None,
    z: FloatArray | None = None,
    visibility: float = 0.9,
) -> PoseSeries:
    n = len(t)
    image = np.zeros((n, len(BLAZEPOSE_LANDMARKS), 3))
    image[..., :2] = px / np.array(RESOLUTION, dtype=np.float64)
    if z is not None:
        image[..., 2] = z
    return PoseSeries(
        time_s=t,
        image_xyz=image,
        world_xyz_m=world if world is not None else np.full_like(image, np.nan),
        visibility=np.full((n, len(BLAZEPOSE_LANDMARKS)), visibility),
        detected=np.ones(n, dtype=bool),
        frame_rate_hz=RATE_HZ,
        provenance=Provenance(
            source="synthetic", reader="synthetic", resolution=RESOLUTION, camera_view=view
        ),
    )


def side_view_series(
    t: FloatArray,
    trunk_deg: FloatArray,
    *,
    facing: str = "right",
    thigh_deg: FloatArray | None = None,
    view: str | None = None,
) -> PoseSeries:
    """A person side-on to the camera, facing the image ``facing``; trunk inclination
    ``trunk_deg`` (forwards +) and thigh inclination ``thigh_deg`` (forwards +, hip ahead of
    knee) exactly, the shank vertical. ``view`` defaults to the matching side view."""
    s = 1.0 if facing == "right" else -1.0
    n = len(t)
    thigh = np.zeros(n) if thigh_deg is None else thigh_deg
    tr, th = np.radians(trunk_deg), np.radians(thigh)
    hip = np.column_stack([np.full(n, 640.0), np.full(n, 330.0)])
    shoulder = hip + 180.0 * np.column_stack([s * np.sin(tr), -np.cos(tr)])
    knee = hip - 150.0 * np.column_stack([s * np.sin(th), -np.cos(th)])
    ankle = knee + np.array([0.0, 150.0])
    px = _blank(n)
    for side, dx in (("left", 3.0), ("right", -3.0)):
        offset = np.array([dx, 0.0])
        _put(px, f"{side}_hip", hip + offset)
        _put(px, f"{side}_shoulder", shoulder + offset)
        _put(px, f"{side}_knee", knee + offset)
        _put(px, f"{side}_ankle", ankle + offset)
        _put(px, f"{side}_heel", ankle + offset + np.array([-s * 10.0, 8.0]))
        _put(px, f"{side}_foot_index", ankle + offset + np.array([s * 40.0, 8.0]))
        for part in ("elbow", "wrist", "pinky", "index", "thumb"):
            _put(px, f"{side}_{part}", (shoulder + hip) / 2 + offset)
    head = shoulder + 40.0 * np.column_stack([s * np.sin(tr), -np.cos(tr)])
    for name in BLAZEPOSE_LANDMARKS[:11]:
        _put(px, name, head)
    near = "right" if facing == "right" else "left"
    z = np.zeros((n, len(BLAZEPOSE_LANDMARKS)))
    for i, name in enumerate(BLAZEPOSE_LANDMARKS):
        z[:, i] = -0.1 if name.startswith(near) else 0.1
    return _series(t, px, view or f"{near}-side", z=z)


def front_view_series(
    t: FloatArray,
    lateral_deg: FloatArray,
    *,
    rotation_deg: FloatArray | None = None,
    body_yaw_deg: float = 0.0,
    back: bool = False,
) -> PoseSeries:
    """A person facing the camera (or with the back to it): trunk bent ``lateral_deg`` to the
    person's left (+) in the image, and shoulders rotated ``rotation_deg`` to the left (+)
    relative to the hips in world coordinates (whole body turned by ``body_yaw_deg``)."""
    n = len(t)
    phi = np.radians(lateral_deg)
    left_dir = -1.0 if back else 1.0  # the person's left is image right in a front view
    mid_hip = np.column_stack([np.full(n, 640.0), np.full(n, 400.0)])
    trunk_dir = np.column_stack([left_dir * np.sin(phi), -np.cos(phi)])
    mid_shoulder = mid_hip + 200.0 * trunk_dir
    across = np.column_stack([np.cos(phi), np.sin(phi)]) * left_dir  # towards the person's left
    px = _blank(n)
    _put(px, "left_hip", mid_hip + 60.0 * np.array([left_dir, 0.0]))
    _put(px, "right_hip", mid_hip - 60.0 * np.array([left_dir, 0.0]))
    _put(px, "left_shoulder", mid_shoulder + 80.0 * across)
    _put(px, "right_shoulder", mid_shoulder - 80.0 * across)
    for side, sgn in (("left", left_dir), ("right", -left_dir)):
        knee = mid_hip + np.array([sgn * 60.0, 150.0])
        _put(px, f"{side}_knee", knee)
        _put(px, f"{side}_ankle", knee + np.array([0.0, 150.0]))
        _put(px, f"{side}_heel", knee + np.array([0.0, 160.0]))
        _put(px, f"{side}_foot_index", knee + np.array([0.0, 165.0]))
        for part in ("elbow", "wrist", "pinky", "index", "thumb"):
            _put(px, f"{side}_{part}", mid_shoulder + sgn * np.array([90.0, 60.0]))
    for name in BLAZEPOSE_LANDMARKS[:11]:
        _put(px, name, mid_shoulder + 45.0 * trunk_dir)
    world = np.zeros((n, len(BLAZEPOSE_LANDMARKS), 3))
    rot = np.zeros(n) if rotation_deg is None else np.radians(rotation_deg)
    yaw = np.radians(body_yaw_deg)

    def turn(x: FloatArray, z: FloatArray, angle: FloatArray | float) -> tuple[FloatArray, ...]:
        # positive angle turns the person's left side away from the camera (+z), seen from the
        # front with x to the image right, y down, z away: a turn to the person's left
        return x * np.cos(angle) - z * np.sin(angle), x * np.sin(angle) + z * np.cos(angle)

    lx = 1.0 if not back else -1.0
    for name, half, y, extra in (
        ("hip", 0.12, 0.0, 0.0),
        ("shoulder", 0.18, -0.45, 1.0),
    ):
        for side, sgn in (("left", 1.0), ("right", -1.0)):
            x0, z0 = np.full(n, sgn * lx * half), np.zeros(n)
            x1, z1 = turn(x0, z0, rot * extra * lx)
            x2, z2 = turn(x1, z1, yaw)
            world[:, LANDMARK_INDEX[f"{side}_{name}"]] = np.column_stack([x2, np.full(n, y), z2])
    return _series(t, px, "back" if back else "front", world=world)


def time_axis(duration_s: float) -> FloatArray:
    return np.arange(0.0, duration_s, 1.0 / RATE_HZ)


# ---------------------------------------------------------------- symmetry index


def test_symmetry_index_matches_robinson_formula_by_hand() -> None:
    assert symmetry_index_pct(25.0, 20.0) == pytest.approx(5.0 / 22.5 * 100.0)
    assert symmetry_index_pct(20.0, 25.0) == pytest.approx(-22.2222222, rel=1e-6)
    assert symmetry_index_pct(30.0, 30.0) == 0.0
    assert np.isnan(symmetry_index_pct(0.0, 0.0))


# ---------------------------------------------------------------- flexion / extension


@pytest.mark.parametrize("facing", ["right", "left"])
def test_three_forward_bends_to_60_degrees_are_recovered(facing: str) -> None:
    t = time_axis(profile_duration(3))
    series = side_view_series(t, bend_profile(t, [60.0, 50.0, 60.0]), facing=facing)
    result = assess_trunk_rom(series, "flexion")
    assert result.usable, result.reasons
    m = result.metrics
    assert m["flexion_repetitions"] == 3
    assert m["flexion_rom_max_deg"] == pytest.approx(60.0, rel=0.01)
    assert m["flexion_rom_mean_deg"] == pytest.approx(170.0 / 3, rel=0.01)
    assert m["neutral_angle_deg"] == pytest.approx(0.0, abs=0.1)
    # a smooth minimum-jerk bend: SPARC close to the single-reach value, about -1.4
    assert -1.8 < m["sparc"] < -1.3
    peaks = result.plot_data["peaks"]
    assert [p["side"] for p in peaks] == ["flexion"] * 3
    assert peaks[0]["time_s"] == pytest.approx(1.5 + 1.5 + 0.25, abs=0.3)
    assert len(result.plot_data["time_s"]) == len(result.plot_data["angle_deg"])


def test_extension_is_measured_backwards_from_a_leaning_neutral() -> None:
    t = time_axis(profile_duration(3))
    trunk = 5.0 + bend_profile(t, [-25.0, -25.0, -20.0])  # stands 5 deg forwards
    result = assess_trunk_rom(side_view_series(t, trunk), "extension")
    assert result.usable, result.reasons
    assert result.metrics["neutral_angle_deg"] == pytest.approx(5.0, abs=0.1)
    assert result.metrics["extension_rom_max_deg"] == pytest.approx(25.0, rel=0.01)
    assert result.metrics["extension_rom_mean_deg"] == pytest.approx(70.0 / 3, rel=0.01)
    # the same recording read as flexion has no forward bend
    flexion = assess_trunk_rom(side_view_series(t, trunk), "flexion")
    assert not flexion.usable
    assert "no flexion movement" in flexion.reasons[0]


def test_view_classified_from_landmarks_when_unknown() -> None:
    t = time_axis(profile_duration(2))
    series = side_view_series(t, bend_profile(t, [45.0, 45.0]), facing="left", view="unknown")
    result = assess_trunk_rom(series, "flexion")
    assert result.quality["camera_view"] == "left-side"
    assert result.metrics["flexion_rom_max_deg"] == pytest.approx(45.0, rel=0.01)


def test_noise_and_dropouts_keep_rom_within_two_degrees() -> None:
    rng = np.random.default_rng(7)
    t = time_axis(profile_duration(3))
    clean = side_view_series(t, bend_profile(t, [60.0, 60.0, 60.0]))
    image = clean.image_xyz.copy()
    image[..., :2] += rng.normal(0.0, 1.5, image[..., :2].shape) / np.array(RESOLUTION)
    detected = rng.random(len(t)) > 0.05
    image[~detected] = np.nan
    noisy = clean.replace(image_xyz=image, detected=detected)
    result = assess_trunk_rom(noisy, "flexion")
    assert result.usable, result.reasons
    assert result.metrics["flexion_repetitions"] == 3
    assert result.metrics["flexion_rom_mean_deg"] == pytest.approx(60.0, abs=2.0)
    smooth = assess_trunk_rom(clean, "flexion").metrics["sparc"]
    assert result.metrics["sparc"] < smooth  # noise makes the movement less smooth


# ---------------------------------------------------------------- lateral bending, rotation


@pytest.mark.parametrize("back", [False, True])
def test_lateral_bends_25_left_20_right_give_the_exact_symmetry_index(back: bool) -> None:
    t = time_axis(profile_duration(6))
    angle = bend_profile(t, [25.0, -20.0] * 3)
    result = assess_trunk_rom(front_view_series(t, angle, back=back), "lateral")
    assert result.usable, result.reasons
    m = result.metrics
    assert m["left_repetitions"] == 3
    assert m["right_repetitions"] == 3
    assert m["left_rom_mean_deg"] == pytest.approx(25.0, rel=0.01)
    assert m["right_rom_mean_deg"] == pytest.approx(20.0, rel=0.01)
    assert m["symmetry_index_pct"] == pytest.approx(100 * 5 / 22.5, rel=1e-3)
    sides = [p["side"] for p in result.plot_data["peaks"]]
    assert sides == ["left", "right"] * 3
    # plotted peaks sit on the signed curve: bends to the right are negative
    right = result.plot_data["peaks"][1]
    assert right["angle_deg"] == pytest.approx(-20.0, rel=0.01)
    i = result.plot_data["time_s"].index(round(right["time_s"], 4))
    assert result.plot_data["angle_deg"][i] == pytest.approx(right["angle_deg"], abs=0.01)


def test_rotation_from_world_landmarks_ignores_turning_the_whole_body() -> None:
    t = time_axis(profile_duration(4))
    rotation = bend_profile(t, [40.0, -30.0, 40.0, -30.0])
    series = front_view_series(t, np.zeros_like(t), rotation_deg=rotation, body_yaw_deg=25.0)
    result = assess_trunk_rom(series, "rotation")
    assert result.usable, result.reasons
    assert result.metrics["left_rom_max_deg"] == pytest.approx(40.0, rel=0.01)
    assert result.metrics["right_rom_max_deg"] == pytest.approx(30.0, rel=0.01)
    assert result.metrics["symmetry_index_pct"] == pytest.approx(100 * 10 / 35, rel=1e-3)
    assert any("3-D landmarks" in note for note in result.notes)


def test_one_sided_lateral_bending_reports_that_side_without_symmetry() -> None:
    t = time_axis(profile_duration(3))
    result = assess_trunk_rom(front_view_series(t, bend_profile(t, [30.0] * 3)), "lateral")
    assert result.usable
    assert "symmetry_index_pct" not in result.metrics
    assert "right_rom_mean_deg" not in result.metrics
    assert any("to the right" in note for note in result.notes)


# ---------------------------------------------------------------- unusable recordings


def _unusable(series: PoseSeries, movement: str) -> str:
    result = assess_trunk_rom(series, movement)
    assert not result.usable
    assert not result.metrics
    return " ".join(result.reasons)


def test_wrong_camera_view_is_refused() -> None:
    t = time_axis(profile_duration(2))
    side = side_view_series(t, bend_profile(t, [30.0, -30.0]))
    front = front_view_series(t, bend_profile(t, [30.0, -30.0]))
    assert "front or back view" in _unusable(side, "lateral")
    assert "side view" in _unusable(front, "flexion")


def test_too_short_low_visibility_out_of_frame_and_no_movement_are_refused() -> None:
    short = time_axis(2.0)
    assert "at least 3 s" in _unusable(side_view_series(short, np.zeros_like(short)), "flexion")

    t = time_axis(profile_duration(2))
    good = side_view_series(t, bend_profile(t, [60.0, 60.0]))
    dim = good.replace(visibility=np.full_like(good.visibility, 0.2))
    assert "poorly visible" in _unusable(dim, "flexion")

    image = good.image_xyz.copy()
    image[..., 0] += 0.7  # the person walks off the right edge
    assert "inside the image" in _unusable(good.replace(image_xyz=image), "flexion")

    still = side_view_series(t, np.zeros_like(t) + 3.0)
    assert f"at least {MobilityParameters().min_peak_deg:g} deg" in _unusable(still, "flexion")

    early = side_view_series(t, bend_profile(t, [60.0, 60.0], start=0.2))
    assert "stand still" in _unusable(early, "flexion")

    lost = good.replace(detected=np.arange(len(t)) % 3 == 0)
    assert "found in" in _unusable(lost, "flexion")


def test_tests_can_fail_a_wrong_answer_is_detected() -> None:
    # guards the guards: a 45 deg bend must not read as 60 deg
    t = time_axis(profile_duration(1))
    result = assess_trunk_rom(side_view_series(t, bend_profile(t, [45.0])), "flexion")
    assert result.metrics["flexion_rom_max_deg"] != pytest.approx(60.0, rel=0.01)


# ---------------------------------------------------------------- real recordings


@pytest.fixture(scope="module")
def sports2d_series(shared_data: Path) -> PoseSeries:
    from kinesense.capture.extract import extract_video

    path = shared_file(shared_data, "video/sports2d_demo.mp4")
    return extract_video(path, model="full").series


@pytest.mark.slow
def test_real_side_view_recording_finds_the_crouch_and_refuses_the_wrong_view(
    sports2d_series: PoseSeries,
) -> None:
    # Sports2D demo (BSD-3-Clause): a man doing arm movements on a box, side view, crouching at
    # the end (after 5 s). Plausibility only: there is no reference angle for this clip.
    assert not assess_trunk_rom(sports2d_series, "lateral").usable  # side view, not front
    flexion = assess_trunk_rom(sports2d_series, "flexion")
    assert flexion.usable, flexion.reasons
    assert flexion.quality["camera_view"] in ("left-side", "right-side")
    deepest = max(flexion.plot_data["peaks"], key=lambda p: p["angle_deg"])
    assert deepest["time_s"] > 5.0
    assert 45.0 < deepest["angle_deg"] < 120.0
    assert -4.0 < flexion.metrics["sparc"] < -1.0

    from kinesense.assess.forward_bend_video import assess_forward_bend_video

    bend = assess_forward_bend_video(sports2d_series)
    assert bend.usable
    assert bend.metrics["knee_flexion_deg"] > 45.0  # a crouch, not a straight-knee bend
    assert any("squat" in note for note in bend.notes)


# ---------------------------------------------------------------- one sensor on the trunk


def trunk_sensor(
    t: FloatArray, flexion_deg: FloatArray, yaw_deg: FloatArray, mounting_deg: float = 40.0
) -> MotionSeries:
    """A sensor strapped at an arbitrary angle on the trunk. World: z up, x forwards, y left.
    The trunk turns ``yaw_deg`` about z (left +) and then bends ``flexion_deg`` forwards (about
    the trunk's left axis); accelerometer = specific force (up when still), gyro = the body's
    angular velocity, both in the sensor frame."""
    from scipy.spatial.transform import Rotation

    mount = Rotation.from_rotvec(np.radians(mounting_deg) * np.array([0.6, 0.0, 0.8]))
    body = Rotation.from_euler("ZY", np.column_stack([yaw_deg, flexion_deg]), degrees=True)
    sensor = body * mount
    acc = sensor.inv().apply(np.tile([0.0, 0.0, 9.81], (len(t), 1)))
    # angular velocity from successive orientations: (R_{k+1} R_k^-1) as a rotation vector
    step = (sensor[1:] * sensor[:-1].inv()).as_rotvec() * RATE_IMU
    world_rate = np.vstack([step[:1], (step[1:] + step[:-1]) / 2, step[-1:]])
    gyr = sensor.inv().apply(world_rate)
    return MotionSeries(time_s=t, acc_m_s2=acc, gyr_rad_s=gyr, placement="sternum")


RATE_IMU = 100.0


def test_sensor_flexion_does_not_depend_on_the_mounting() -> None:
    t = np.arange(0.0, profile_duration(3), 1.0 / RATE_IMU)
    sensor = trunk_sensor(t, bend_profile(t, [70.0, 60.0, 70.0]), np.zeros_like(t))
    result = assess_trunk_rom_imu(sensor, "flexion")
    assert result.usable, result.reasons
    assert result.metrics["flexion_rom_max_deg"] == pytest.approx(70.0, rel=0.01)
    assert result.metrics["flexion_rom_mean_deg"] == pytest.approx(200.0 / 3, rel=0.01)
    assert result.metrics["flexion_repetitions"] == 3


def test_sensor_rotation_left_and_right_from_the_gyroscope() -> None:
    t = np.arange(0.0, profile_duration(4), 1.0 / RATE_IMU)
    sensor = trunk_sensor(t, np.full_like(t, 10.0), bend_profile(t, [45.0, -35.0] * 2))
    result = assess_trunk_rom_imu(sensor, "rotation")
    assert result.usable, result.reasons
    assert result.metrics["left_rom_mean_deg"] == pytest.approx(45.0, rel=0.01)
    assert result.metrics["right_rom_mean_deg"] == pytest.approx(35.0, rel=0.01)
    assert result.metrics["symmetry_index_pct"] == pytest.approx(100 * 10 / 40, rel=0.02)


def test_sensor_moving_at_the_start_is_refused() -> None:
    t = np.arange(0.0, profile_duration(2), 1.0 / RATE_IMU)
    sensor = trunk_sensor(t, np.zeros_like(t), bend_profile(t, [40.0, -40.0], start=0.0))
    result = assess_trunk_rom_imu(sensor, "rotation")
    assert not result.usable
    assert "stand still" in result.reasons[0]


def test_real_chest_sensor_on_a_still_trunk_finds_no_movement(shared_data: Path) -> None:
    # UCI physical-therapy data (Yurtman & Barshan 2014, CC BY 4.0), subject 1, exercise 2,
    # chest sensor u5: the trunk stays within a few degrees for 74 s; no false repetitions
    from kinesense.capture.readers.detect import read_any

    path = shared_file(shared_data, "imu/uci_s1/e2/u5/template_session.txt.gz")
    series = read_any(path)
    assert isinstance(series, MotionSeries)
    for movement in ("flexion", "rotation"):
        result = assess_trunk_rom_imu(series, movement)
        assert not result.usable
        assert "no " in result.reasons[0]
    # and exercise 7 starts with the trunk moving: refused rather than drifting
    moving = read_any(shared_file(shared_data, "imu/uci_s1/e7/u5/template_session.txt.gz"))
    assert isinstance(moving, MotionSeries)
    assert "stand still" in assess_trunk_rom_imu(moving, "rotation").reasons[0]


def test_rotation_without_world_landmarks_is_refused() -> None:
    t = time_axis(profile_duration(2))
    series = front_view_series(t, np.zeros_like(t), rotation_deg=bend_profile(t, [30.0, -30.0]))
    flat = series.replace(world_xyz_m=np.full_like(series.world_xyz_m, np.nan))
    assert "3-D world landmarks" in _unusable(flat, "rotation")


def test_a_peak_lost_in_a_long_dropout_is_not_counted() -> None:
    t = time_axis(profile_duration(3))
    series = side_view_series(t, bend_profile(t, [60.0, 60.0, 60.0]))
    # the person is lost for 0.6 s (longer than the gaps that are bridged) around the 2nd peak
    second_peak = 1.5 + 4.0 + 1.5 + 0.25
    detected = np.abs(t - second_peak) > 0.3
    result = assess_trunk_rom(series.replace(detected=detected), "flexion")
    assert result.usable, result.reasons
    assert result.metrics["flexion_repetitions"] == 2
    times = [p["time_s"] for p in result.plot_data["peaks"]]
    assert times == pytest.approx([3.25, 11.25], abs=0.3)  # in the 1st and 3rd holds
