"""Series types: validation, immutability, slicing, exact save/load round trip, CSV export."""

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinesense.errors import InputFileError, SeriesError
from kinesense.landmarks import N_LANDMARKS
from kinesense.series import CopSeries, MotionSeries, PoseSeries, Provenance, load_series


def make_pose(n: int = 10, seed: int = 0) -> PoseSeries:
    rng = np.random.default_rng(seed)
    image = rng.random((n, N_LANDMARKS, 3))
    image[2, 5] = np.nan
    detected = np.ones(n, dtype=bool)
    detected[3] = False
    image[3] = np.nan
    return PoseSeries(
        time_s=np.arange(n) / 30.0 + 0.1,
        image_xyz=image,
        world_xyz_m=rng.normal(size=(n, N_LANDMARKS, 3)),
        visibility=rng.random((n, N_LANDMARKS)),
        detected=detected,
        frame_rate_hz=30.0,
        provenance=Provenance(
            source="clip.mp4",
            reader="video",
            model="blazepose-full",
            resolution=(1280, 720),
            camera_view="left-side",
            details={"person_switches_s": [0.2], "rotation_deg": 90},
        ),
    )


def make_motion(n: int = 50, with_mag: bool = True) -> MotionSeries:
    rng = np.random.default_rng(1)
    return MotionSeries(
        time_s=np.arange(n) / 25.0,
        acc_m_s2=rng.normal(size=(n, 3)),
        gyr_rad_s=rng.normal(size=(n, 3)),
        mag=rng.normal(size=(n, 3)) if with_mag else None,
        mag_unit="a.u.",
        placement="chest",
        provenance=Provenance(source="imu.txt", reader="imu-csv"),
    )


def make_cop(n: int = 100) -> CopSeries:
    rng = np.random.default_rng(2)
    return CopSeries(
        time_s=np.arange(n) / 1000.0,
        cop_m=rng.normal(scale=0.01, size=(n, 2)),
        force_n=700 + rng.normal(size=n),
        provenance=Provenance(source="plate.csv", reader="cop-csv"),
    )


def assert_same(a: object, b: object) -> None:
    assert type(a) is type(b)
    for name in a.SAMPLE_FIELDS:  # type: ignore[attr-defined]
        x, y = getattr(a, name), getattr(b, name)
        if x is None:
            assert y is None
            continue
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)  # NaN == NaN here; bit-exact for finite values
        assert x.tobytes() == y.tobytes()
    assert a.metadata_json() == b.metadata_json()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "factory", [make_pose, make_motion, make_cop, lambda: make_motion(with_mag=False)]
)
def test_save_load_round_trips_exactly(factory, tmp_path: Path) -> None:
    series = factory()
    path = series.save(tmp_path / "s")
    assert path.suffix == ".npz"
    assert_same(series, load_series(path))


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(
        st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=3, max_size=3
    ),
    n=st.integers(min_value=1, max_value=20),
)
def test_round_trip_any_float(values: list[float], n: int, tmp_path_factory) -> None:
    motion = MotionSeries(
        time_s=np.arange(n, dtype=np.float64) * 0.04,
        acc_m_s2=np.tile(values, (n, 1)),
        gyr_rad_s=np.tile(values[::-1], (n, 1)),
    )
    path = motion.save(tmp_path_factory.mktemp("rt") / "m.npz")
    assert_same(motion, load_series(path))


def test_series_are_immutable() -> None:
    pose = make_pose()
    with pytest.raises(ValueError, match="read-only"):
        pose.image_xyz[0, 0, 0] = 1.0
    with pytest.raises(AttributeError):
        pose.frame_rate_hz = 10.0  # type: ignore[misc]


def test_construction_copies_its_input() -> None:
    t = np.arange(5) / 10.0
    acc = np.zeros((5, 3))
    motion = MotionSeries(time_s=t, acc_m_s2=acc, gyr_rad_s=acc)
    acc[0, 0] = 99.0
    assert motion.acc_m_s2[0, 0] == 0.0


def test_slice_time_is_half_open() -> None:
    pose = make_pose(10)  # times 0.1, 0.1333.., ...
    part = pose.slice_time(pose.time_s[2], pose.time_s[5])
    np.testing.assert_array_equal(part.time_s, pose.time_s[2:5])
    np.testing.assert_array_equal(part.visibility, pose.visibility[2:5])
    assert part.provenance == pose.provenance
    assert len(pose.slice_time(None, None)) == 10
    assert len(pose.slice_time(99.0)) == 0


def test_durations_and_rates() -> None:
    pose = make_pose(10)
    assert pose.duration_s == pytest.approx(9 / 30.0)
    assert pose.sampling_rate_hz == pytest.approx(30.0)
    assert pose.n_detected == 9
    assert pose.mean_visibility[3] == 0.0
    assert pose.mean_visibility[0] == pytest.approx(pose.visibility[0].mean())


def test_pixel_coordinates_use_resolution() -> None:
    pose = make_pose()
    px = pose.image_point_px("nose")
    np.testing.assert_allclose(px[0], pose.image_xyz[0, 0, :2] * [1280, 720])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time_s": np.array([0.0, 0.1, 0.1])}, "strictly increasing"),
        ({"time_s": np.array([0.0, np.nan, 0.2])}, "finite"),
        ({"acc_m_s2": np.zeros((3, 2))}, "shape"),
        ({"gyr_rad_s": np.zeros((4, 3))}, "shape"),
    ],
)
def test_inconsistent_arrays_are_refused(changes: dict, message: str) -> None:
    base = {
        "time_s": np.array([0.0, 0.1, 0.2]),
        "acc_m_s2": np.zeros((3, 3)),
        "gyr_rad_s": np.zeros((3, 3)),
    }
    with pytest.raises(SeriesError, match=message):
        MotionSeries(**(base | changes))


def test_pose_shape_and_up_checks() -> None:
    with pytest.raises(SeriesError, match="visibility must have shape"):
        PoseSeries(
            time_s=np.arange(2.0),
            image_xyz=np.zeros((2, 33, 3)),
            world_xyz_m=np.zeros((2, 33, 3)),
            visibility=np.zeros((2, 32)),
            detected=np.ones(2, bool),
        )
    with pytest.raises(SeriesError, match="unit 3-vector"):
        PoseSeries.empty_frames(np.arange(2.0), world_up=(0.0, 2.0, 0.0))
    with pytest.raises(ValueError, match="camera_view"):
        Provenance(camera_view="sideways")


def test_csv_export_has_named_columns_and_values(tmp_path: Path) -> None:
    cop = make_cop(5)
    path = cop.to_csv(tmp_path / "cop.csv")
    with path.open() as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["time_s", "cop_ml_m", "cop_ap_m", "force_n"]
    assert float(rows[3][1]) == cop.cop_m[2, 0]  # %.17g keeps every bit
    pose = make_pose(4)
    rows = list(csv.reader(pose.to_csv(tmp_path / "pose.csv").open()))
    assert len(rows[0]) == 2 + 7 * N_LANDMARKS
    assert rows[0][2:5] == ["nose_x", "nose_y", "nose_z"]
    assert float(rows[1][2]) == pose.image_xyz[0, 0, 0]


def test_loading_other_files_fails_clearly(tmp_path: Path) -> None:
    text = tmp_path / "notes.npz"
    text.write_text("hello")
    with pytest.raises(InputFileError, match="not a kinesense series"):
        load_series(text)
    plain = tmp_path / "plain.npz"
    np.savez(plain, a=np.zeros(3))
    with pytest.raises(InputFileError, match="not a kinesense series"):
        load_series(plain)
    with pytest.raises(InputFileError, match="not found"):
        load_series(tmp_path / "absent.npz")


def test_resample_interpolates_linearly_and_keeps_metadata() -> None:
    t = np.array([0.0, 0.1, 0.2, 0.3])
    acc = np.column_stack([t * 10.0, np.ones(4), -t])  # linear in time: exact under interpolation
    motion = MotionSeries(time_s=t, acc_m_s2=acc, gyr_rad_s=acc, placement="sternum")
    resampled = motion.resample(20.0)
    np.testing.assert_allclose(resampled.time_s, np.arange(7) * 0.05)
    np.testing.assert_allclose(resampled.acc_m_s2[:, 0], resampled.time_s * 10.0)
    assert resampled.placement == "sternum"
    assert resampled.mag is None


def test_resample_marks_frames_next_to_a_missed_detection() -> None:
    pose = make_pose(10)  # frame 3 not detected
    resampled = pose.resample(60.0)
    # New samples bracketing frame 3 (between frames 2-3 and 3-4) are not detected.
    between = (resampled.time_s > pose.time_s[2] + 1e-9) & (
        resampled.time_s < pose.time_s[4] - 1e-9
    )
    assert not resampled.detected[between].any()
    assert resampled.detected[~between].all()
    assert np.isnan(resampled.image_xyz[between, 0, 0]).all()
