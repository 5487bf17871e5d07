"""PersonTracker on synthetic boxes and looks: whom it picks, whom it keeps, what it records.

Boxes are normalised ``(x_min, y_min, x_max, y_max)``; looks are hue-saturation histograms
built here with a known Bhattacharyya distance between them, computed in the test.
"""

import numpy as np
import pytest

from kinesense.capture.appearance import CHROMA_BINS
from kinesense.capture.person import (
    DIFFERENT_LOOK,
    FAR_CONFIRM_FRAMES,
    SAME_LOOK,
    Box,
    PersonTracker,
    choose_initial,
    landmark_box,
)

FRAME_S = 1.0 / 30.0


def _look(*bins: int) -> np.ndarray:
    """A normalised histogram with equal mass in the given bins (a plain-coloured garment)."""
    histogram = np.zeros(CHROMA_BINS * CHROMA_BINS, dtype=np.float32)
    histogram[list(bins)] = 1.0
    return histogram / histogram.sum()


def _bhattacharyya(a: np.ndarray, b: np.ndarray) -> float:
    """Reference distance computed here: sqrt(1 - sum sqrt(a b))."""
    return float(np.sqrt(max(0.0, 1.0 - float(np.sum(np.sqrt(a * b))))))


RED = _look(0, 1, 2, 3)
RED_FADED = _look(0, 1, 2, 4)  # one bin of four differs: distance sqrt(1 - 3/4) = 0.5
GREEN = _look(40, 41, 42, 43)


def test_synthetic_looks_have_the_intended_distances() -> None:
    assert _bhattacharyya(RED, GREEN) == pytest.approx(1.0)
    assert _bhattacharyya(RED, RED) == pytest.approx(0.0, abs=1e-6)
    # Three of four bins shared: coefficient 3/4, distance 0.5 (between SAME and DIFFERENT).
    assert _bhattacharyya(RED, RED_FADED) == pytest.approx(0.5)
    assert SAME_LOOK < 0.5 < DIFFERENT_LOOK


def _box(cx: float, cy: float, width: float = 0.1, height: float = 0.4) -> Box:
    return (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


# --- initial choice ----------------------------------------------------------------------------


def test_initial_choice_is_the_largest_of_equally_central_people() -> None:
    small = _box(0.5, 0.5, 0.05, 0.2)
    large = _box(0.5, 0.5, 0.12, 0.5)
    assert PersonTracker().match(0.0, [small, large]) == 1
    assert PersonTracker().match(0.0, [large, small]) == 0


def test_initial_choice_is_the_most_central_of_equally_large_people() -> None:
    corner = _box(0.12, 0.3)
    centre = _box(0.52, 0.5)
    edge = _box(0.85, 0.55)
    assert PersonTracker().match(0.0, [corner, edge, centre]) == 2


def test_initial_choice_weighs_size_against_centrality() -> None:
    # Score = area * (1 - distance to centre / half-diagonal), computed here independently.
    near_small = _box(0.5, 0.5, 0.08, 0.3)  # area 0.024, closeness 1.0 -> 0.024
    far_large = _box(0.1, 0.5, 0.15, 0.6)  # area 0.09, closeness 1 - 0.4/0.7071 = 0.434 -> 0.039
    scores = []
    for box in (near_small, far_large):
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        closeness = 1 - np.hypot(cx - 0.5, cy - 0.5) / np.hypot(0.5, 0.5)
        scores.append((box[2] - box[0]) * (box[3] - box[1]) * closeness)
    assert scores[1] > scores[0]
    assert choose_initial([near_small, far_large]) == 1
    assert PersonTracker().match(0.0, [None, near_small, far_large]) == 2


def test_nobody_chosen_from_empty_or_unusable_candidates() -> None:
    tracker = PersonTracker()
    assert tracker.match(0.0, []) is None
    assert tracker.update(0.0, [None, None]) is None
    assert tracker.last_box is None
    assert tracker.switches_s == []


def test_landmark_box_ignores_unseen_landmarks() -> None:
    xy = np.array([[0.2, 0.1], [0.4, 0.9], [0.3, 0.5], [0.95, 0.95]])
    visibility = np.array([0.9, 0.8, 0.7, 0.1])
    assert landmark_box(xy, visibility) == pytest.approx((0.2, 0.1, 0.4, 0.9))


# --- following ---------------------------------------------------------------------------------


def _walk_through(look_of_walker: np.ndarray) -> tuple[PersonTracker, list[int | None]]:
    """The followed person stands at x = 0.4 (red); a second person walks from x = 0.9 to 0.0
    in front of them over 45 frames; for 10 frames in the middle the followed person is
    hidden behind the walker, whose box then overlaps theirs. Candidate order alternates."""
    tracker = PersonTracker()
    stander = _box(0.4, 0.5)
    assert tracker.update(0.0, [stander], [RED]) == 0
    chosen: list[int | None] = []
    for k in range(1, 46):
        time_s = k * FRAME_S
        walker = _box(0.9 - 0.02 * k, 0.55, 0.11, 0.42)
        hidden = 18 <= k < 28
        boxes: list[Box | None] = [walker] if hidden else [walker, stander]
        looks: list[np.ndarray | None] = [look_of_walker] if hidden else [look_of_walker, RED]
        if k % 2 and not hidden:
            boxes.reverse()
            looks.reverse()
        index = tracker.update(time_s, boxes, looks)
        if index is not None:
            assert boxes[index] == stander, f"frame {k}: took the walker"
        chosen.append(index)
    return tracker, chosen


def test_second_person_walking_through_does_not_take_over() -> None:
    tracker, chosen = _walk_through(GREEN)
    hidden = [c for k, c in enumerate(chosen, start=1) if 18 <= k < 28]
    visible = [c for k, c in enumerate(chosen, start=1) if not 18 <= k < 28]
    assert all(c is None for c in hidden)
    assert all(c is not None for c in visible)
    assert tracker.last_box == _box(0.4, 0.5)
    # The walker's frames were one episode: exactly one switch, at the first hidden frame.
    assert tracker.switches_s == [pytest.approx(18 * FRAME_S)]


def test_switch_is_recorded_once_per_episode() -> None:
    tracker = PersonTracker()
    person, other = _box(0.4, 0.5), _box(0.42, 0.5)
    tracker.update(0.0, [person], [RED])
    timeline = (
        [("other", t) for t in (0.1, 0.2, 0.3)]
        + [("person", 0.4)]
        + [("other", t) for t in (0.5, 0.6)]
        + [("nobody", 0.7)]
        + [("other", 0.8)]
        + [("person", 0.9)]
    )
    for who, time_s in timeline:
        if who == "other":
            assert tracker.update(time_s, [other], [GREEN]) is None
        elif who == "person":
            assert tracker.update(time_s, [person], [RED]) == 0
        else:
            assert tracker.update(time_s, []) is None
    # A frame with nobody neither ends nor starts an episode.
    assert tracker.switches_s == pytest.approx([0.1, 0.5])


def test_fast_move_with_the_same_look_is_accepted() -> None:
    tracker = PersonTracker()
    tracker.update(0.0, [_box(0.2, 0.5)], [RED])
    far = _box(0.8, 0.5)  # 0.6 / 0.4 = 1.5 body heights in one frame: beyond max_jump
    allowed = tracker.max_jump + tracker.max_jump_per_s * FRAME_S
    assert allowed < 1.5
    # Taken once confirmed over FAR_CONFIRM_FRAMES consecutive frames; not a switch meanwhile.
    for k in range(1, FAR_CONFIRM_FRAMES):
        assert tracker.update(k * FRAME_S, [far], [RED]) is None
    assert tracker.update(FAR_CONFIRM_FRAMES * FRAME_S, [far], [RED]) == 0
    assert tracker.last_box == far
    assert tracker.switches_s == []


def test_a_far_look_alike_in_one_frame_only_is_not_taken() -> None:
    tracker = PersonTracker()
    tracker.update(0.0, [_box(0.2, 0.5)], [RED])
    far = _box(0.8, 0.5)
    assert tracker.update(FRAME_S, [far], [RED]) is None
    assert tracker.update(2 * FRAME_S, [far], [GREEN]) is None  # the streak is broken
    assert tracker.update(3 * FRAME_S, [far], [RED]) is None
    assert tracker.update(4 * FRAME_S, [far], [RED]) is None
    assert tracker.last_box == _box(0.2, 0.5)


def test_fast_move_with_another_look_or_no_look_is_rejected() -> None:
    tracker = PersonTracker()
    tracker.update(0.0, [_box(0.2, 0.5)], [RED])
    assert tracker.match(FRAME_S, [_box(0.8, 0.5)], [GREEN]) is None
    assert tracker.match(FRAME_S, [_box(0.8, 0.5)], [None]) is None
    assert tracker.match(FRAME_S, [_box(0.8, 0.5)]) is None
    # match() changes nothing.
    assert tracker.last_box == _box(0.2, 0.5)
    assert tracker.switches_s == []


def test_near_box_with_a_different_look_is_rejected() -> None:
    tracker = PersonTracker()
    tracker.update(0.0, [_box(0.4, 0.5)], [RED])
    near = _box(0.41, 0.5)
    assert tracker.update(FRAME_S, [near], [GREEN]) is None
    assert tracker.last_box == _box(0.4, 0.5)
    assert tracker.switches_s == [pytest.approx(FRAME_S)]
    # The same near box that looks alike enough (distance 0.5 < DIFFERENT_LOOK) is accepted.
    assert tracker.update(2 * FRAME_S, [near], [RED_FADED]) == 0


def test_among_near_candidates_the_one_that_looks_alike_wins() -> None:
    tracker = PersonTracker()
    tracker.update(0.0, [_box(0.4, 0.5)], [RED])
    twin_position = [_box(0.42, 0.5), _box(0.44, 0.5)]
    assert tracker.match(FRAME_S, twin_position, [GREEN, RED]) == 1
    assert tracker.match(FRAME_S, twin_position, [RED, RED_FADED]) == 0


def test_nearby_person_without_look_is_followed_by_position() -> None:
    tracker = PersonTracker()
    tracker.update(0.0, [_box(0.4, 0.5)])
    assert tracker.update(FRAME_S, [_box(0.8, 0.5), _box(0.43, 0.5)]) == 1
    assert tracker.update(2 * FRAME_S, [_box(0.9, 0.5)]) is None
    assert tracker.switches_s == [pytest.approx(2 * FRAME_S)]


def test_allowed_jump_grows_while_the_person_is_away() -> None:
    tracker = PersonTracker()
    tracker.update(0.0, [_box(0.2, 0.5)])
    away = _box(0.6, 0.5)  # 1.0 body height from the last box
    assert tracker.match(FRAME_S, [away]) is None  # allowed 0.5 + 1.0 / 30 = 0.53
    assert tracker.match(0.4, [away]) is None  # allowed 0.5 + 1.0 * 0.4 = 0.9
    assert tracker.match(0.6, [away]) == 0  # allowed 0.5 + 1.0 * 0.6 = 1.1


def test_a_very_different_look_does_not_enter_the_signature() -> None:
    tracker = PersonTracker()
    tracker.accept(0.0, _box(0.4, 0.5), RED)
    # Accepted by position (the caller decided), e.g. the person mostly hidden by a passer-by.
    tracker.accept(FRAME_S, _box(0.41, 0.5), GREEN)
    assert tracker.signature is not None
    assert _bhattacharyya(tracker.signature, RED) == pytest.approx(0.0, abs=1e-6)
    assert tracker.last_box == _box(0.41, 0.5)


def test_look_memory_follows_slow_change() -> None:
    tracker = PersonTracker()
    tracker.update(0.0, [_box(0.4, 0.5)], [RED])
    # The light changes slowly: over 60 frames the mass of one bin moves to another, ending at
    # RED_FADED (0.5 from RED, too far to be taken in one step, see LOOK_UPDATE_MAX).
    for k in range(1, 61):
        share = min(k / 40, 1.0)
        look = (1 - share) * RED + share * RED_FADED
        tracker.update(k * FRAME_S, [_box(0.4, 0.5)], [look.astype(np.float32)])
    assert tracker.signature is not None
    assert tracker.signature.sum() == pytest.approx(1.0, abs=1e-5)
    assert _bhattacharyya(tracker.signature, RED_FADED) < 0.15
    assert _bhattacharyya(tracker.signature, RED) > 0.4


def test_criteria_need_each_group_seen_inside_the_picture() -> None:
    from kinesense.capture.person import PersonCriteria
    from kinesense.landmarks import LANDMARK_INDEX

    criteria = PersonCriteria(needed=(("left_knee", "right_knee"), ("nose",)), min_share=1.0)
    image = np.full((33, 3), 0.5)
    visibility = np.full(33, 0.9)
    assert criteria.shows_enough(image, visibility)
    visibility[LANDMARK_INDEX["left_knee"]] = 0.2  # one knee hidden: the other shows the group
    assert criteria.shows_enough(image, visibility)
    image[LANDMARK_INDEX["right_knee"], 1] = 1.2  # the other below the picture
    assert not criteria.shows_enough(image, visibility)
    half = PersonCriteria(needed=(("left_knee", "right_knee"), ("nose",)), min_share=0.5)
    assert half.shows_enough(image, visibility)
    assert PersonCriteria(needed=()).shows_enough(image, visibility)


def test_criteria_prefer_the_exercise_position() -> None:
    from kinesense.capture.person import PersonCriteria
    from tests.signal.test_body_position import CHAIR_FIGURE, STANDING_FIGURE, figure

    standing = PersonCriteria(needed=(), positions=("standing",))
    image, visibility = figure(STANDING_FIGURE)
    assert standing.preference(image[0], visibility[0], (1000, 1000)) == 1.0
    image, visibility = figure(CHAIR_FIGURE)
    assert standing.preference(image[0], visibility[0], (1000, 1000)) == 0.25
    nobody = np.full((33, 3), np.nan)
    assert standing.preference(nobody, np.zeros(33), (1000, 1000)) == 0.5
    assert PersonCriteria(needed=()).preference(nobody, np.zeros(33), (1000, 1000)) == 1.0
