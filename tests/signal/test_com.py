"""Centre of mass: de Leva's table, its validation, hand computations and symmetry."""

import copy
import json
from importlib import resources
from typing import Any

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from kinesense.landmarks import BLAZEPOSE_LANDMARKS, LANDMARK_INDEX
from kinesense.signal.com import (
    DE_LEVA_FILE,
    AnthropometryDataError,
    centre_of_mass,
    de_leva_table,
    landmark_weights,
    parse_de_leva_table,
    segment_centres_of_mass,
    weighted_centre_of_mass,
)

# de Leva (1996) Table 4, typed here independently of the JSON file:
# segment: (mass fraction, CoM fraction from the origin endpoint) for men and for women.
DE_LEVA_MALE = {
    "head": (0.0694, None),
    "trunk": (0.4346, 0.4310),  # mid-shoulder joints -> mid-hip joints
    "upper_arm": (0.0271, 0.5772),
    "forearm": (0.0162, 0.4574),
    "hand": (0.0061, 0.7900),
    "thigh": (0.1416, 0.4095),
    "shank": (0.0433, 0.4395),  # knee -> ankle joint centre
    "foot": (0.0137, 0.4415),
}
DE_LEVA_FEMALE = {
    "head": (0.0668, None),
    "trunk": (0.4257, 0.3782),
    "upper_arm": (0.0255, 0.5754),
    "forearm": (0.0138, 0.4559),
    "hand": (0.0056, 0.7474),
    "thigh": (0.1478, 0.3612),
    "shank": (0.0481, 0.4352),
    "foot": (0.0129, 0.4014),
}


def _raw_table() -> Any:
    text = resources.files("kinesense.signal").joinpath(DE_LEVA_FILE).read_text("utf-8")
    return json.loads(text)


def _random_skeleton(n: int, dims: int = 3, seed: int = 10) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, len(BLAZEPOSE_LANDMARKS), dims))


def _by_hand(points: np.ndarray, table: dict[str, tuple[float, float | None]]) -> np.ndarray:
    def p(name: str) -> np.ndarray:
        return points[:, LANDMARK_INDEX[name]]

    def along(a: np.ndarray, b: np.ndarray, fraction: float | None) -> np.ndarray:
        assert fraction is not None
        return np.asarray(a + fraction * (b - a))

    total = np.zeros(points.shape[::2])
    mass = 0.0
    head_mass = table["head"][0]
    total += head_mass * (p("left_ear") + p("right_ear")) / 2
    mass += head_mass
    m, f = table["trunk"]
    mid_shoulder = (p("left_shoulder") + p("right_shoulder")) / 2
    mid_hip = (p("left_hip") + p("right_hip")) / 2
    total += m * along(mid_shoulder, mid_hip, f)
    mass += m
    for side in ("left", "right"):
        knuckles = (p(f"{side}_index") + p(f"{side}_pinky")) / 2
        limbs = [
            ("upper_arm", p(f"{side}_shoulder"), p(f"{side}_elbow")),
            ("forearm", p(f"{side}_elbow"), p(f"{side}_wrist")),
            ("hand", p(f"{side}_wrist"), knuckles),
            ("thigh", p(f"{side}_hip"), p(f"{side}_knee")),
            ("shank", p(f"{side}_knee"), p(f"{side}_ankle")),
            ("foot", p(f"{side}_heel"), p(f"{side}_foot_index")),
        ]
        for segment, origin, other in limbs:
            m, f = table[segment]
            total += m * along(origin, other, f)
            mass += m
    return np.asarray(total / mass)


def test_mass_fractions_sum_to_one() -> None:
    table = de_leva_table()
    male = sum(p.count * p.mass_fraction for p in table["male"].values())
    female = sum(p.count * p.mass_fraction for p in table["female"].values())
    assert male == pytest.approx(1.0, abs=1e-9)  # de Leva's men: exactly 100.00 %
    assert female == pytest.approx(0.9999, abs=1e-9)  # women: 99.99 % after rounding


@pytest.mark.parametrize(("sex", "typed"), [("male", DE_LEVA_MALE), ("female", DE_LEVA_FEMALE)])
def test_packaged_table_matches_de_leva(
    sex: str, typed: dict[str, tuple[float, float | None]]
) -> None:
    table = de_leva_table()[sex]
    for segment, (mass, com) in typed.items():
        assert table[segment].mass_fraction == mass
        if com is not None:
            assert table[segment].com_from_origin == com


def test_average_is_the_mean_of_the_two_tables() -> None:
    table = de_leva_table()
    assert table["average"]["thigh"].mass_fraction == pytest.approx((0.1416 + 0.1478) / 2)
    assert table["average"]["trunk"].com_from_origin == pytest.approx((0.4310 + 0.3782) / 2)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t["segments"]["thigh"]["mass_fraction"].update(male=1.2), "thigh.mass"),
        (lambda t: t["segments"]["foot"]["com_from_origin"].update(female=-0.1), "foot.com"),
        (lambda t: t["segments"]["hand"].update(count=3), "hand.count"),
        (lambda t: t["segments"].pop("shank"), "segments must be exactly"),
        (lambda t: t["segments"]["trunk"]["mass_fraction"].update(male=0.30), "sum to 0.86"),
        (lambda t: t["segments"]["head"]["mass_fraction"].update(male="0.07"), "head.mass"),
        (lambda t: t.pop("segments"), "segments: Field required"),
    ],
)
def test_malformed_tables_are_refused_with_the_file_and_field_named(
    edit: Any, message: str
) -> None:
    from kinesense.errors import DataFileError

    raw = copy.deepcopy(_raw_table())
    edit(raw)
    with pytest.raises(AnthropometryDataError, match=f"{DE_LEVA_FILE}: .*{message}"):
        parse_de_leva_table(raw)
    assert issubclass(AnthropometryDataError, DataFileError)


def test_the_packaged_table_validates_unchanged() -> None:
    parsed = parse_de_leva_table(_raw_table())
    assert parsed.segments["shank"].mass_fraction.female == 0.0481
    assert parsed.model_dump() == _raw_table()


@pytest.mark.parametrize("sex", ["male", "female", "average"])
def test_landmark_weights_are_positive_and_sum_to_one(sex: str) -> None:
    weights = landmark_weights(sex)
    assert len(weights) == 22
    assert all(w > 0 for w in weights.values())
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-12)


def test_two_segment_example_by_hand() -> None:
    # Male thigh hip (0, 1.0) -> knee (0, 0.5): CoM at 1 - 0.4095 * 0.5 = 0.79525, mass 0.1416
    # shank knee (0, 0.5) -> ankle (0, 0.1): CoM at 0.5 - 0.4395 * 0.4 = 0.3242, mass 0.0433
    # together: (0.1126074 + 0.01403786) / 0.1849 = 0.684939...
    centres = np.array([[0.0, 0.79525], [0.0, 0.3242]])
    com = weighted_centre_of_mass(centres, [0.1416, 0.0433])
    np.testing.assert_allclose(com, [0.0, 0.6849392103839914])

    skeleton = np.full((len(BLAZEPOSE_LANDMARKS), 2), np.nan)
    for name, point in (("left_hip", (0, 1.0)), ("left_knee", (0, 0.5)), ("left_ankle", (0, 0.1))):
        skeleton[LANDMARK_INDEX[name]] = point
    segments = segment_centres_of_mass(skeleton, "male")
    np.testing.assert_allclose(segments["left_thigh"], [0.0, 0.79525])
    np.testing.assert_allclose(segments["left_shank"], [0.0, 0.3242])


@pytest.mark.parametrize(("sex", "typed"), [("male", DE_LEVA_MALE), ("female", DE_LEVA_FEMALE)])
def test_whole_body_matches_a_hand_computation(
    sex: str, typed: dict[str, tuple[float, float | None]]
) -> None:
    points = _random_skeleton(7)
    np.testing.assert_allclose(centre_of_mass(points, sex), _by_hand(points, typed), atol=1e-12)


def test_symmetric_skeleton_has_its_centre_of_mass_on_the_midline() -> None:
    points = _random_skeleton(5, seed=11)
    for name in BLAZEPOSE_LANDMARKS:
        if name.startswith("left_"):
            mirror = points[:, LANDMARK_INDEX[name]] * np.array([-1.0, 1.0, 1.0])
            points[:, LANDMARK_INDEX["right_" + name.removeprefix("left_")]] = mirror
    for sex in ("male", "female", "average"):
        com = centre_of_mass(points, sex)
        np.testing.assert_allclose(com[:, 0], 0.0, atol=1e-12)
        assert np.all(np.abs(com[:, 1:]) > 0)  # the other coordinates are not forced to 0


def test_centre_of_mass_moves_with_the_body() -> None:
    points = _random_skeleton(4, seed=12)
    rotation = Rotation.from_euler("xyz", [10, -20, 30], degrees=True)
    shift = np.array([1.0, 2.0, 3.0])
    moved = rotation.apply(points.reshape(-1, 3)).reshape(points.shape) + shift
    expected = rotation.apply(centre_of_mass(points)) + shift
    np.testing.assert_allclose(centre_of_mass(moved), expected, atol=1e-12)


def test_missing_needed_landmark_gives_nan_but_unused_ones_do_not() -> None:
    points = _random_skeleton(3, seed=13)
    points[0, LANDMARK_INDEX["nose"]] = np.nan  # not used
    points[1, LANDMARK_INDEX["left_heel"], 2] = np.nan  # used
    com = centre_of_mass(points)
    assert np.all(np.isfinite(com[0]))
    assert np.all(np.isfinite(com[2]))
    assert np.all(np.isnan(com[1]))  # the whole frame, not only the missing coordinate


def test_works_in_2d_and_with_reordered_landmarks() -> None:
    points = _random_skeleton(3, dims=2, seed=14)
    order = np.random.default_rng(14).permutation(len(BLAZEPOSE_LANDMARKS))
    names = [BLAZEPOSE_LANDMARKS[i] for i in order]
    np.testing.assert_allclose(
        centre_of_mass(points[:, order], landmark_names=names), centre_of_mass(points)
    )


def test_input_errors() -> None:
    with pytest.raises(ValueError, match="sex must be one of"):
        centre_of_mass(_random_skeleton(1), sex="unknown")
    with pytest.raises(ValueError, match="33"):
        centre_of_mass(np.zeros((2, 17, 3)))
    names = list(BLAZEPOSE_LANDMARKS)
    names[LANDMARK_INDEX["left_ear"]] = "left_eye_2"
    with pytest.raises(KeyError, match="left_ear"):
        centre_of_mass(_random_skeleton(1), landmark_names=names)
