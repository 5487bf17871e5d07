"""Landmark names and the mappings from other keypoint sets."""

import pytest

from kinesense.landmarks import (
    BLAZEPOSE_LANDMARKS,
    OPENPOSE_BODY_25,
    OPENPOSE_BODY_25B,
    OPENPOSE_COCO_18,
    SKELETON,
    blazepose_name_for,
    landmark_index,
    mapping_to_blazepose,
)


def test_blazepose_order_matches_the_model_card() -> None:
    # Indices from the BlazePose GHUM model card / MediaPipe documentation.
    assert len(BLAZEPOSE_LANDMARKS) == 33
    assert landmark_index("nose") == 0
    assert landmark_index("left_shoulder") == 11
    assert landmark_index("right_hip") == 24
    assert landmark_index("right_foot_index") == 32
    assert all(a in BLAZEPOSE_LANDMARKS and b in BLAZEPOSE_LANDMARKS for a, b in SKELETON)


def test_unknown_landmark_names_the_valid_ones() -> None:
    with pytest.raises(KeyError, match="left_hip"):
        landmark_index("hip")


@pytest.mark.parametrize(
    ("layout", "size"), [(OPENPOSE_BODY_25, 25), (OPENPOSE_BODY_25B, 25), (OPENPOSE_COCO_18, 18)]
)
def test_openpose_layouts_have_their_sizes(layout: tuple[str, ...], size: int) -> None:
    assert len(layout) == size
    assert len(set(layout)) == size


def test_only_true_correspondences_are_mapped() -> None:
    mapping = mapping_to_blazepose(OPENPOSE_BODY_25)
    mapped = {OPENPOSE_BODY_25[i]: BLAZEPOSE_LANDMARKS[j] for i, j in mapping.items()}
    assert mapped["RHip"] == "right_hip"
    assert mapped["LBigToe"] == "left_foot_index"
    assert mapped["LHeel"] == "left_heel"
    for invented in ("Neck", "MidHip", "LSmallToe", "RSmallToe"):
        assert invented not in mapped
    # 25 points, 4 without a counterpart.
    assert len(mapping) == 21


def test_names_match_across_spellings_and_prefixes() -> None:
    assert blazepose_name_for("Subject1:RKnee") == "right_knee"
    assert blazepose_name_for("right_knee") == "right_knee"
    assert blazepose_name_for("R_Knee") == "right_knee"
    assert blazepose_name_for("HeadTop") is None
    assert blazepose_name_for("RASI") is None


def test_first_of_duplicate_names_wins() -> None:
    assert mapping_to_blazepose(["RKnee", "R_Knee"]) == {0: landmark_index("right_knee")}
