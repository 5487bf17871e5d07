"""IMU repetition segmentation on UCI subject 1's test sessions, against the labelled times
(the figures of benchmarks/validity.py). Fails when the segmentation breaks."""

from pathlib import Path

import numpy as np
import pytest
from benchmarks.validity import ImuResult, imu_case

from tests.conftest import shared_file


@pytest.fixture(scope="module")
def results(shared_data: Path) -> list[ImuResult]:
    shared_file(shared_data, "imu/uci_s1/e1/test_times.csv")
    return [imu_case(exercise) for exercise in range(1, 9)]


def test_every_exercise_is_segmented_without_per_exercise_settings(
    results: list[ImuResult],
) -> None:
    for r in results:
        precision, recall = r.matched / r.detected, r.matched / r.truth
        # e5's labeller pairs the fast repetitions back-then-out (see the benchmark's notes)
        floor = 0.7 if r.exercise == 5 else 1.0
        assert precision >= floor, r
        assert recall >= floor, r
    assert [r.unit for r in results] == [2, 4, 2, 3, 2, 2, 2, 2]  # the moving segment's sensor


def test_pooled_precision_recall_and_timing(results: list[ImuResult]) -> None:
    truth = sum(r.truth for r in results)
    matched = sum(r.matched for r in results)
    detected = sum(r.detected for r in results)
    assert truth == 240
    assert matched / detected >= 0.95
    assert matched / truth >= 0.95
    starts = np.concatenate([r.start_errors_s for r in results])
    ends = np.concatenate([r.end_errors_s for r in results])
    assert np.median(starts) < 0.3
    assert np.median(ends) < 0.3
    assert np.percentile(starts, 95) < 1.0
    assert np.percentile(ends, 95) < 1.0
