"""Plausibility checks: known answers on synthetic series, and real recordings transformed with
known changes (holes cut, values scaled, landmarks collapsed)."""

from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.readers import read_cop_csv, read_imu_csv, read_trc
from kinesense.errors import ImplausibleRecordingError
from kinesense.series import CopSeries, MotionSeries, PoseSeries, Provenance
from kinesense.series.plausibility import (
    check_cop,
    check_motion,
    check_pose,
    check_series,
    check_time,
    collapsed_frames,
    quality_flags,
    refuse_or_flag,
    time_holes,
)
from tests.conftest import shared_file


def test_time_holes_by_hand() -> None:
    t = np.concatenate([np.arange(0, 10, 0.01), np.arange(15, 20, 0.01)])
    holes = time_holes(t)
    assert len(holes) == 1
    assert holes[0][0] == pytest.approx(9.99)
    assert holes[0][1] == pytest.approx(5.01)
    # steps of 5x the median but under 0.2 s are not holes; 0.25 s at 25 Hz (6 steps) is
    assert time_holes(np.array([0.0, 0.01, 0.02, 0.1, 0.11])) == []
    uci = np.concatenate([np.arange(0, 2, 0.04), 2.25 + np.arange(0, 2, 0.04)])
    assert len(time_holes(uci)) == 1
    assert time_holes(np.array([0.0, 1.0])) == []
    assert "the longest 5.01 s at 9.99 s" in check_time(t)[0].message


def cop(values: np.ndarray, force: float = 700.0, rate: float = 100.0) -> CopSeries:
    n = values.shape[0]
    return CopSeries(np.arange(n) / rate, values, np.full(n, force), provenance=Provenance("x.csv"))


def test_cop_checks_by_hand() -> None:
    rng = np.random.default_rng(1)
    sway = rng.normal(scale=0.005, size=(3000, 2))
    assert check_cop(cop(sway)) == []
    flat = sway.copy()
    flat[:, 1] = 0.02
    (finding,) = check_cop(cop(flat))
    assert (finding.check, finding.subject, finding.refuse) == (
        "constant",
        "antero-posterior",
        False,
    )
    near = sway * 1e-9
    assert [f.subject for f in check_cop(cop(near))] == ["medio-lateral", "antero-posterior"]
    assert [f.check for f in check_cop(cop(sway * 1000))] == ["units", "units"]
    overflow = check_cop(cop(sway * 1e150))
    assert overflow[0].refuse
    assert "reach" in overflow[0].message
    one_axis = sway.copy()
    one_axis[:, 0] = np.nan
    assert check_cop(cop(one_axis)) == []  # an axis without values is not flagged
    assert check_cop(cop(sway, force=1e6))[0].refuse


def test_motion_checks_by_hand() -> None:
    n = 200
    rng = np.random.default_rng(2)
    acc = np.array([0.0, 0.0, 9.81]) + rng.normal(scale=0.05, size=(n, 3))
    gyr = rng.normal(scale=0.01, size=(n, 3))
    t = np.arange(n) / 100
    assert check_motion(MotionSeries(t, acc, gyr)) == []
    stuck = check_motion(MotionSeries(t, np.tile([0.0, 0.0, 9.81], (n, 1)), gyr))
    assert [(f.check, f.subject) for f in stuck] == [("constant", "accelerometer")]
    assert check_motion(MotionSeries(t, acc, gyr * 1e6))[0].refuse
    bad_mag = np.zeros((n, 3))
    bad_mag[3] = np.inf
    assert check_motion(MotionSeries(t, acc, gyr, mag=bad_mag))[0].refuse


def pose(image_xy: np.ndarray, world: np.ndarray | None = None) -> PoseSeries:
    n, landmarks = image_xy.shape[:2]
    image = np.zeros((n, landmarks, 3))
    image[:, :, :2] = image_xy
    return PoseSeries(
        time_s=np.arange(n) / 30,
        image_xyz=image,
        world_xyz_m=np.full((n, landmarks, 3), np.nan) if world is None else world,
        visibility=np.ones((n, landmarks)),
        detected=np.ones(n, dtype=bool),
        provenance=Provenance("clip.npz"),
    )


def test_collapsed_frames_by_hand() -> None:
    rng = np.random.default_rng(3)
    xy = 0.3 + 0.4 * rng.random((10, 33, 2))
    xy[[2, 5]] = 0.5 + 0.001 * rng.random((2, 33, 2))  # within 0.1 % of the frame
    np.testing.assert_array_equal(np.flatnonzero(collapsed_frames(pose(xy))), [2, 5])
    found = check_pose(pose(xy))
    assert found[0].check == "collapsed_landmarks"
    assert "in 2 of 10 frames" in found[0].message
    world = np.zeros((10, 33, 3))  # a placeholder world (all zeros) does not hide the image
    np.testing.assert_array_equal(np.flatnonzero(collapsed_frames(pose(xy, world))), [2, 5])
    assert collapsed_frames(pose(xy, world), "world").all()
    still = np.repeat(xy[:1], 10, axis=0)
    assert [f.check for f in check_pose(pose(still))] == ["constant"]


def test_refuse_or_flag() -> None:
    rng = np.random.default_rng(4)
    sway = rng.normal(scale=0.005, size=(300, 2))
    clean = cop(sway)
    assert refuse_or_flag(clean, check_cop(clean)) is clean
    flat = sway.copy()
    flat[:, 0] = 0.0
    flagged = refuse_or_flag(cop(flat), check_series(cop(flat)))
    assert quality_flags(flagged)[0]["check"] == "constant"
    assert isinstance(flagged, CopSeries)
    with pytest.raises(ImplausibleRecordingError, match=r"^x\.csv: values of the centre"):
        refuse_or_flag(cop(sway * 1e150), check_cop(cop(sway * 1e150)))


def test_real_recordings_carry_no_flags(shared_data: Path) -> None:
    series = [
        read_cop_csv(shared_file(shared_data, "cop/eyesOpen_1.csv.gz")),
        read_cop_csv(shared_file(shared_data, "bds/BDS00013.txt.gz")),
        read_imu_csv(shared_file(shared_data, "imu/uci_s1/e1/u5/test.txt.gz")),
        read_trc(shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc")),
    ]
    for s in series:
        assert check_series(s) == [], s.provenance.source


def test_real_imu_with_a_hole_cut_out(shared_data: Path) -> None:
    motion = read_imu_csv(shared_file(shared_data, "imu/uci_s1/e1/u5/test.txt.gz"))
    keep = (motion.time_s < 20.0) | (motion.time_s >= 25.0)
    found = check_motion(motion.take(np.flatnonzero(keep)))
    assert [f.check for f in found] == ["time_hole"]
    assert "the longest 5.04 s at 19.96 s" in found[0].message
