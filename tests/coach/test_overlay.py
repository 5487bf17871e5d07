"""Overlay drawing: robust to missing landmarks, and each element lands where it should."""

import numpy as np
import pytest
from numpy.typing import NDArray

from kinesense.coach.overlay import Panel, body_rows, draw_overlay, draw_skeleton
from kinesense.landmarks import LANDMARK_INDEX
from tests.coach.test_setup_check import RESOLUTION, standing_person

WIDTH, HEIGHT = RESOLUTION


def blank() -> NDArray[np.uint8]:
    return np.full((HEIGHT, WIDTH, 3), 128, dtype=np.uint8)


def person(
    top: float = 0.3, height: float = 0.6
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    xyz, vis = standing_person("front", top=top, height=height, frames=1)
    return xyz[0], vis[0]


def changed(a: NDArray[np.uint8], b: NDArray[np.uint8]) -> NDArray[np.bool_]:
    return np.any(a != b, axis=2)


def test_missing_landmarks_do_not_crash() -> None:
    xyz, vis = person()
    xyz[LANDMARK_INDEX["left_knee"]] = np.nan
    vis[LANDMARK_INDEX["right_wrist"]] = 0.0
    for landmarks, visibility in ((xyz, vis), (None, None), (np.full((33, 3), np.nan), vis),
                                  (xyz * 1e9, vis), (xyz, None)):  # fmt: skip
        image = blank()
        assert draw_overlay(image, Panel(cue="Slowly"), landmarks, visibility) is image
    with pytest.raises(ValueError, match="H x W x 3"):
        draw_overlay(np.zeros((10, 10), dtype=np.uint8), Panel())


def test_the_skeleton_is_drawn_on_seen_bones_only() -> None:
    xyz, vis = person()
    image = blank()
    draw_skeleton(image, xyz, vis)
    px = (xyz[:, :2] * RESOLUTION).round().astype(int)
    hip, knee = px[LANDMARK_INDEX["left_hip"]], px[LANDMARK_INDEX["left_knee"]]
    middle = (hip + knee) // 2
    assert np.any(image[middle[1], middle[0]] != 128)
    hidden = blank()
    vis[LANDMARK_INDEX["left_knee"]] = 0.1
    draw_skeleton(hidden, xyz, vis)
    assert np.all(hidden[middle[1], middle[0]] == 128)
    assert not np.any(changed(hidden, blank())[: int(0.25 * HEIGHT)])  # nothing above the head


def test_the_counter_region_changes_with_the_count() -> None:
    three, four = blank(), blank()
    draw_overlay(three, Panel(reps=3, reps_target=10, set_index=1, sets_total=3))
    draw_overlay(four, Panel(reps=4, reps_target=10, set_index=1, sets_total=3))
    diff = changed(three, four)
    assert diff.any()
    rows, cols = np.nonzero(diff)
    # Only the counter, in the top-left corner, changed.
    assert rows.max() < 0.15 * HEIGHT
    assert cols.max() < 0.5 * WIDTH
    # The counter is large: digits taller than 4 % of the frame height.
    assert rows.max() - rows.min() > 0.04 * HEIGHT


def test_hold_ring_fills_with_time() -> None:
    early, late = blank(), blank()
    draw_overlay(early, Panel(mode="hold", hold_elapsed_s=3, hold_target_s=30))
    draw_overlay(late, Panel(mode="hold", hold_elapsed_s=24, hold_target_s=30))
    right_half = changed(early, late)[:, WIDTH // 2 :]
    assert right_half.any()  # the ring (top right) differs
    green = (80, 220, 100)
    ring = (slice(0, int(0.15 * HEIGHT)), slice(WIDTH // 2, WIDTH))
    count_green = [int(np.all(img[ring] == green, axis=2).sum()) for img in (early, late)]
    assert count_green[1] > 4 * count_green[0] > 0


def test_cue_box_avoids_the_body() -> None:
    xyz, vis = person(top=0.45, height=0.5)  # room above the person
    image = blank()
    draw_overlay(image, Panel(cue="Keep your back straight"), xyz, vis)
    top, _ = body_rows(xyz, vis, HEIGHT)  # type: ignore[misc]
    box_rows = np.nonzero(np.all(image[:, -20:-14] < 60, axis=(1, 2)))[0]  # dark box, right end
    assert box_rows.size > 0
    assert box_rows.max() < top
    low = blank()
    xyz, vis = person(top=0.02, height=0.6)  # room below the person
    draw_overlay(low, Panel(cue="Keep your back straight"), xyz, vis)
    _, bottom = body_rows(xyz, vis, HEIGHT)  # type: ignore[misc]
    box_rows = np.nonzero(np.all(low[:, -20:-14] < 60, axis=(1, 2)))[0]
    assert box_rows.min() > bottom


def test_tracking_lost_shows_a_red_banner_and_no_skeleton() -> None:
    xyz, vis = person()
    image = blank()
    draw_overlay(image, Panel(tracking_lost=True), xyz, vis)
    red = np.all(image == (40, 40, 220), axis=2) | (
        (image[..., 2] > 150) & (image[..., 0] < 80) & (image[..., 1] < 80)
    )
    assert red.sum() > 0.02 * HEIGHT * WIDTH
    rgb = blank()
    draw_overlay(rgb, Panel(tracking_lost=True), xyz, vis, rgb=True)
    assert np.array_equal(rgb, image[..., ::-1])  # same drawing, channels swapped


def test_setup_instructions_replace_the_cue() -> None:
    shown, cue_only = blank(), blank()
    panel = Panel(cue="Slowly", instructions=("Step back until your feet are in the picture",
                                              "Turn on a light or face a window"))  # fmt: skip
    draw_overlay(shown, panel)
    draw_overlay(cue_only, Panel(cue="Slowly"))
    amber = (0, 190, 255)
    assert np.all(shown == amber, axis=2).sum() > 500
    assert np.all(cue_only == amber, axis=2).sum() == 0


def test_rest_countdown_replaces_the_counter() -> None:
    resting, counting = blank(), blank()
    draw_overlay(resting, Panel(reps=5, reps_target=5, rest_remaining_s=12.3))
    draw_overlay(counting, Panel(reps=5, reps_target=5))
    diff = changed(resting, counting)
    assert diff[: int(0.15 * HEIGHT), : WIDTH // 2].any()
    amber = (0, 190, 255)
    assert np.all(resting == amber, axis=2).sum() > 100
