"""Coaching real people's squats filmed from either side, with no options.

The people are UI-PRMD's (Vakanski et al. 2018, ../shared/data/ui-prmd: Kinect recordings of
deep squats, one file per repetition), joined with quiet standing so the number and times of
the repetitions are exact (:mod:`kinesense.capture.readers.uiprmd_clips`) and filmed by virtual
cameras from the person's left, right, front and 45 degrees (:mod:`kinesense.signal.projection`,
whose visibility mimics BlazePose's: 0.27 for a far leg hidden behind the near one).

Before the coach chose the side it watches, the squat (written for the left leg) counted 0 of
10 from the person's right side (the left leg hidden), 2 of 10 at 45 degrees, and 9 of 10 when
the clip began at the bottom of the first squat.
"""

from pathlib import Path

import pytest

from kinesense.coach import coach_series
from kinesense.coach.setup_check import SETUP_WINDOW_S, check_setup
from kinesense.exercises import Exercise, load_exercise
from kinesense.series import PoseSeries

SUBJECTS = (1, 3)
SQUAT = 1  # UI-PRMD movement m01, deep squat


@pytest.fixture(scope="module")
def ui_prmd(shared_data: Path) -> Path:
    root = shared_data / "ui-prmd"
    if not root.is_dir():
        pytest.skip("UI-PRMD recordings are absent from ../shared/data")
    return root


@pytest.fixture(scope="module")
def squat() -> Exercise:
    return load_exercise("squat").with_dose(sets=1, reps=30)


def clip(root: Path, subject: int) -> tuple[PoseSeries, tuple[tuple[float, float], ...]]:
    from kinesense.capture.readers.uiprmd_clips import load_clip

    joined = load_clip(root, SQUAT, subject)
    return joined.pose, joined.repetitions


def film(pose: PoseSeries, view: str) -> PoseSeries:
    from kinesense.signal.projection import film as film_pose

    return film_pose(pose, view)


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("view", ["left-side", "right-side"])
def test_a_side_view_squat_counts_exactly_from_either_side(
    ui_prmd: Path, squat: Exercise, subject: int, view: str
) -> None:
    pose, truth = clip(ui_prmd, subject)
    filmed = film(pose, view)
    _, summary = coach_series(squat, filmed)
    assert summary.rep_count == len(truth) == 10
    for rep, (start, end) in zip(summary.reps, truth, strict=True):
        # Counted on the way up, once, between the repetition's first frame and shortly after
        # its last real one (the transition back to standing completes cut repetitions).
        assert start <= rep.end_s <= end + 1.5, (rep, start, end)
    near = view.split("-")[0]
    assert summary.side_choice == "facing"
    assert summary.watched_sides == [near]
    assert summary.camera_view == view


def test_the_setup_check_does_not_send_a_side_view_back_for_a_hidden_far_leg(
    ui_prmd: Path,
) -> None:
    pose, _ = clip(ui_prmd, SUBJECTS[0])
    filmed = film(pose, "right-side")
    first = filmed.slice_time(0.0, SETUP_WINDOW_S)
    far_knee = first.visibility[:, first.landmark_names.index("left_knee")]
    assert float(far_knee.max()) < 0.5  # the far leg is hidden, as in the recording
    assert first.provenance.resolution is not None
    report = check_setup(
        first.image_xyz, first.visibility, resolution=first.provenance.resolution,
        camera_view="side",
    )  # fmt: skip
    assert report.view == "right-side"
    assert report.ok, report.instructions


def test_a_recording_that_starts_in_the_squat_counts_its_first_repetition(
    ui_prmd: Path, squat: Exercise
) -> None:
    pose, truth = clip(ui_prmd, SUBJECTS[0])
    start, end = truth[0]
    cut = film(pose, "left-side").slice_time((start + end) / 2, None)  # at the bottom of rep 1
    _, summary = coach_series(squat, cut)
    assert summary.rep_count == 10
    assert summary.reps[0].began_before_recording
    assert not any(rep.began_before_recording for rep in summary.reps[1:])


@pytest.mark.parametrize("view", ["oblique", "front"])
def test_views_other_than_the_side_count_on_both_legs_and_say_what_was_not_checked(
    ui_prmd: Path, squat: Exercise, view: str
) -> None:
    pose, truth = clip(ui_prmd, SUBJECTS[0])
    events, summary = coach_series(squat, film(pose, view))
    assert summary.rep_count == len(truth)
    assert summary.watched_sides == ["both"]
    assert not [e for e in events if e.kind == "form_fault"]
    trunk = next(f for f in summary.faults if f.rule == "trunk_lean")
    assert trunk.status == "not_checked"
    assert trunk.not_checked_reason.startswith("needs a side view; the camera view was")
