"""The coach on real people (UI-PRMD, filmed by virtual cameras): exact repetition counts and form
flags that separate correct from incorrect repetitions, on a subset of benchmarks/validity.py
(one development person, s03, and one check person, s04; the full tables come from the
benchmark). Fails when counting or the thresholds of the exercise files break."""

from pathlib import Path

import pytest
from benchmarks.validity import (
    EXERCISE_OF,
    IN_PROTOCOL_VIEWS,
    UIPRMD,
    CaseResult,
    evaluation_copy,
    run_case,
    separation,
    views_for,
    working_side,
)

from kinesense.capture.readers.uiprmd_clips import load_clip
from kinesense.coach.engine import coach_series
from kinesense.exercises import load_exercise
from kinesense.signal.projection import film
from tests.conftest import shared_file

PEOPLE = (3, 4)
VIEWS = {1: ("left", "right"), 3: ("work",), 5: ("left", "right"), 6: ("work", "front")}


@pytest.fixture(scope="module")
def results(shared_data: Path) -> dict[int, list[CaseResult]]:
    shared_file(shared_data, "ui-prmd/Segmented_Movements/Kinect/Positions")
    return {
        movement: [
            case
            for person in PEOPLE
            for correct in (True, False)
            for case in run_case(movement, person, correct, views=views, default_side=False)
        ]
        for movement, views in VIEWS.items()
    }


@pytest.mark.parametrize("movement", sorted(VIEWS))
def test_every_repetition_is_counted_once(
    results: dict[int, list[CaseResult]], movement: int
) -> None:
    cases = results[movement]
    assert len(cases) == len(PEOPLE) * 2 * len(VIEWS[movement])
    for case in cases:
        label = f"{EXERCISE_OF[movement]} s{case.person:02d} {case.view} correct={case.correct}"
        assert case.exact, f"{label}: {case}"
        if case.correct:
            assert case.counted == case.truth == 10, label


@pytest.mark.parametrize("movement", sorted(VIEWS))
def test_correct_repetitions_are_not_flagged(
    results: dict[int, list[CaseResult]], movement: int
) -> None:
    correct = [
        case for case in results[movement] if case.correct and case.view in IN_PROTOCOL_VIEWS
    ]
    assert separation(correct)["specificity"] == 1.0
    # a form score counts the frames with a rule's condition on before the debounce: the
    # Kinect loses the raised knee of s04's leg raises for a few frames (knee angle 9-27 deg)
    assert separation(correct)["score_correct"] >= 0.97


def test_incorrect_squats_of_the_development_person_are_flagged(
    results: dict[int, list[CaseResult]],
) -> None:
    squats = [case for case in results[1] if case.person == 3]
    figures = separation(squats)
    assert figures["n"] == 40
    assert figures["sensitivity"] >= 0.8  # trunk lean beyond 43 degrees: 17 of 20 measured
    assert figures["agreement"] >= 0.9


def test_incorrect_sit_to_stands_lean_further(results: dict[int, list[CaseResult]]) -> None:
    figures = separation([case for case in results[5] if case.person == 3])
    assert figures["sensitivity"] >= 0.25  # 6 of 20 measured: leaning beyond 48 degrees
    assert figures["score_incorrect"] < figures["score_correct"] == 1.0


@pytest.mark.parametrize(("movement", "person"), [(3, 3), (3, 4), (6, 1)])
def test_a_person_showing_the_other_side_is_told_to_turn(
    shared_data: Path, movement: int, person: int
) -> None:
    """One-sided exercises with the side given, filmed from the side of the other leg: the coach
    counts nothing (the working leg is hidden) and says so within a second of the person
    appearing, naming the side to turn to; filmed from the working side, it never does."""
    shared_file(shared_data, "ui-prmd/Segmented_Movements/Kinect/Positions")
    exercise = evaluation_copy(load_exercise(EXERCISE_OF[movement]))
    clip = load_clip(UIPRMD, movement, person, correct=True)
    views = {v.label: v for v in views_for(movement, working_side(clip, movement))}
    for label in ("other", "work"):
        view = views[label]
        pose = film(clip.pose, view.view, azimuth_deg=view.azimuth_deg)
        events, summary = coach_series(exercise, pose, side=view.side)
        lost = [e for e in events if e.kind == "tracking_lost"]
        if label == "work":
            assert lost == []
            assert len(summary.reps) == 10
            continue
        assert len(summary.reps) == 0
        first = lost[0]
        assert first.time_s - float(pose.time_s[0]) <= 1.0
        assert first.message == (
            f"Turn around so that your {view.side} side faces the camera: I can't see it from here."
        )
        assert first.data["turn"] is True
