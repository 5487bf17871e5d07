"""OpenPose JSON folders: layouts, normalisation, missing points, several people, resolution."""

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.readers.openpose import (
    DEFAULT_FRAME_RATE_HZ,
    find_video,
    guess_layout,
    read_openpose,
)
from kinesense.capture.video import VideoFile
from kinesense.errors import InputFileError, UnsupportedFormatError
from kinesense.landmarks import OPENPOSE_LAYOUTS
from tests.conftest import shared_file

# A standing figure in body units (image y down), by OpenPose keypoint name.
FIGURE = {
    "Nose": (0.0, -0.9), "Neck": (0.0, -0.7), "UpperNeck": (0.0, -0.78), "HeadTop": (0.0, -1.05),
    "REye": (-0.03, -0.93), "LEye": (0.03, -0.93), "REar": (-0.07, -0.9), "LEar": (0.07, -0.9),
    "RShoulder": (-0.2, -0.7), "LShoulder": (0.2, -0.7), "RElbow": (-0.25, -0.4),
    "LElbow": (0.25, -0.4), "RWrist": (-0.25, -0.15), "LWrist": (0.25, -0.15),
    "MidHip": (0.0, -0.1), "RHip": (-0.1, -0.1), "LHip": (0.1, -0.1), "RKnee": (-0.1, 0.35),
    "LKnee": (0.1, 0.35), "RAnkle": (-0.1, 0.8), "LAnkle": (0.1, 0.8), "RHeel": (-0.1, 0.85),
    "LHeel": (0.1, 0.85), "RBigToe": (-0.15, 0.88), "LBigToe": (0.15, 0.88),
    "RSmallToe": (-0.18, 0.86), "LSmallToe": (0.18, 0.86),
}  # fmt: skip


def person(layout: str, cx: float, cy: float, scale: float, conf: float = 0.9) -> list[float]:
    """Flat ``[x, y, c, ...]`` keypoints of the figure at (cx, cy), ``scale`` pixels per unit."""
    flat: list[float] = []
    for name in OPENPOSE_LAYOUTS[layout]:
        x, y = FIGURE[name]
        flat += [cx + scale * x, cy + scale * y, conf]
    return flat


def write_frames(folder: Path, frames: dict[str, list[list[float]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, people in frames.items():
        data = {
            "version": 1.3,
            "people": [{"person_id": [-1], "pose_keypoints_2d": p} for p in people],
        }
        (folder / name).write_text(json.dumps(data))
    return folder


def test_keypoints_are_normalised_mapped_and_ordered_by_frame_number(tmp_path: Path) -> None:
    body = person("BODY_25", 320, 240, 200)
    body[3 * 7 + 2] = 0.0  # LWrist not found -> missing
    folder = write_frames(
        tmp_path / "kp",
        {f"v_{n:d}_keypoints.json": [body] for n in (10, 9, 11)},  # "v_10" sorts before "v_9"
    )
    series = read_openpose(folder, layout="BODY_25", frame_rate_hz=25.0, resolution=(640, 480))
    np.testing.assert_allclose(series.time_s, [9 / 25, 10 / 25, 11 / 25])
    np.testing.assert_allclose(
        series.image_point("nose")[0, :2], [320 / 640, (240 - 0.9 * 200) / 480]
    )
    assert np.isnan(series.image_point("nose")[:, 2]).all()
    assert series.visibility[0, series.index_of("nose")] == pytest.approx(0.9)
    assert np.isnan(series.image_point("left_wrist")).all()
    assert series.visibility[0, series.index_of("left_wrist")] == 0.0
    assert np.isnan(series.image_point("left_eye_inner")).all()  # BODY_25 has no such point
    assert np.isnan(series.world_xyz_m).all()
    assert series.detected.all()
    assert series.provenance.resolution == (640, 480)
    assert series.provenance.reader == "openpose"
    assert series.provenance.details["layout"] == "BODY_25"
    assert "Neck" in series.provenance.details["unmapped_keypoints"]


def test_frame_without_people_is_not_detected(tmp_path: Path) -> None:
    body = person("COCO", 320, 240, 200)
    folder = write_frames(tmp_path / "kp", {"f_0.json": [body], "f_1.json": [], "f_2.json": [body]})
    series = read_openpose(folder, resolution=(640, 480))
    np.testing.assert_array_equal(series.detected, [True, False, True])
    assert np.isnan(series.image_xyz[1]).all()
    assert series.provenance.details["layout"] == "COCO"


@pytest.mark.parametrize("layout", ["BODY_25", "BODY_25B", "COCO"])
def test_layout_is_guessed(layout: str) -> None:
    people = [np.asarray(person(layout, 300 + 10 * i, 400, 300)).reshape(-1, 3) for i in range(3)]
    assert guess_layout(people, len(OPENPOSE_LAYOUTS[layout])) == layout


def test_layout_guess_errors() -> None:
    with pytest.raises(UnsupportedFormatError, match="15 keypoints"):
        guess_layout([np.zeros((15, 3))], 15)
    with pytest.raises(InputFileError, match="pass layout='BODY_25'"):
        guess_layout([np.zeros((25, 3))], 25)


def test_given_layout_must_match_the_keypoint_count(tmp_path: Path) -> None:
    folder = write_frames(tmp_path / "kp", {"f_0.json": [person("COCO", 320, 240, 200)]})
    with pytest.raises(InputFileError, match="BODY_25 has 25 keypoints but the files hold 18"):
        read_openpose(folder, layout="BODY_25", resolution=(640, 480))
    with pytest.raises(ValueError, match="layout must be one of"):
        read_openpose(folder, layout="MPI", resolution=(640, 480))


def test_the_central_person_is_followed_and_switches_recorded(tmp_path: Path) -> None:
    main = person("BODY_25", 320, 240, 200)
    passer = person("BODY_25", 20, 240, 60)
    frames = {
        "f_0.json": [passer, main],
        "f_1.json": [main, passer],
        "f_2.json": [passer],  # only somebody else
        "f_3.json": [main],
    }
    series = read_openpose(write_frames(tmp_path / "kp", frames), resolution=(640, 480))
    np.testing.assert_array_equal(series.detected, [True, True, False, True])
    nose_x = series.image_point("nose")[:, 0]
    np.testing.assert_allclose(nose_x[[0, 1, 3]], 320 / 640)
    assert series.provenance.details["person_switches_s"] == [pytest.approx(2 / 30)]
    assert series.provenance.details["frames_with_several_people"] == 2


def _write_video(path: Path, width: int, height: int) -> Path:
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (width, height))
    for i in range(3):
        writer.write(np.full((height, width, 3), 40 * i, np.uint8))
    writer.release()
    return path


def _rotate_90(path: Path) -> None:
    """Set the display matrix of the (version 0) track header to a 90-degree rotation."""
    data = bytearray(path.read_bytes())
    start = data.find(b"tkhd")
    assert data[start + 4] == 0
    matrix = start + 4 + 4 + 20 + 8 + 8
    data[matrix : matrix + 36] = struct.pack(">9i", 0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30)
    path.write_bytes(bytes(data))


def test_resolution_comes_from_the_video_beside_the_folder(tmp_path: Path) -> None:
    folder = write_frames(
        tmp_path / "keypoints" / "clip_json", {"c_0.json": [person("COCO", 32, 24, 20)]}
    )
    (tmp_path / "video").mkdir()
    video = _write_video(tmp_path / "video" / "clip.mp4", 64, 48)
    assert find_video(folder) == video
    series = read_openpose(folder)
    assert series.provenance.resolution == (64, 48)
    np.testing.assert_allclose(series.image_point("nose")[0, :2], [32 / 64, (24 - 0.9 * 20) / 48])
    assert series.provenance.details["resolution_source"] == f"video {video}"
    assert series.provenance.details["video_frame_rate_hz"] == pytest.approx(10.0)
    assert series.frame_rate_hz == pytest.approx(10.0)  # taken from the video
    assert "frame_rate_note" not in series.provenance.details
    given = read_openpose(folder, frame_rate_hz=30.0)
    assert given.frame_rate_hz == 30.0
    assert "runs at 10 Hz" in given.provenance.details["frame_rate_note"]


def test_rotation_tag_swaps_width_and_height(tmp_path: Path) -> None:
    video = _write_video(tmp_path / "clip.mp4", 64, 48)
    with VideoFile(video) as opened:
        assert (opened.info.width, opened.info.height) == (64, 48)
    _rotate_90(video)
    with VideoFile(video) as opened:
        assert (opened.info.width, opened.info.height) == (48, 64)
        frame = opened.read()
    assert frame is not None
    assert frame.rgb.shape[:2] == (64, 48)


def test_frame_rate_defaults_without_a_video(tmp_path: Path) -> None:
    folder = write_frames(tmp_path / "kp", {"f_0.json": [person("COCO", 320, 240, 200)]})
    series = read_openpose(folder, resolution=(640, 480))
    assert series.frame_rate_hz == DEFAULT_FRAME_RATE_HZ
    assert "times assume 30" in series.provenance.details["frame_rate_note"]


def test_without_resolution_or_video_the_error_says_what_to_pass(tmp_path: Path) -> None:
    folder = write_frames(tmp_path / "kp_openpose", {"f_0.json": [person("COCO", 320, 240, 200)]})
    assert find_video(folder) is None
    with pytest.raises(InputFileError, match=r"pass resolution=\(width, height\)"):
        read_openpose(folder)


def test_already_normalised_coordinates_need_no_resolution(tmp_path: Path) -> None:
    folder = write_frames(tmp_path / "kp", {"f_0.json": [person("COCO", 0.5, 0.5, 0.4)]})
    series = read_openpose(folder)
    assert series.provenance.resolution is None
    np.testing.assert_allclose(series.image_point("nose")[0, :2], [0.5, 0.5 - 0.36])


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        read_openpose(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError, match=r"no OpenPose \.json files"):
        read_openpose(tmp_path / "empty")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "f_0.json").write_text("{not json")
    with pytest.raises(InputFileError, match="not valid JSON"):
        read_openpose(bad, resolution=(640, 480))
    (bad / "f_0.json").write_text('{"version": 1.3}')
    with pytest.raises(InputFileError, match="no 'people' list"):
        read_openpose(bad, resolution=(640, 480))
    (bad / "f_0.json").write_text('{"people": ["somebody"]}')
    with pytest.raises(InputFileError, match="should be an object"):
        read_openpose(bad, resolution=(640, 480))
    (bad / "f_0.json").write_text('{"people": [{"pose_keypoints_2d": [1, 2]}]}')
    with pytest.raises(InputFileError, match="triples"):
        read_openpose(bad, resolution=(640, 480))
    nobody = write_frames(tmp_path / "nobody", {"f_0.json": [], "f_1.json": []})
    with pytest.raises(InputFileError, match="nobody was detected"):
        read_openpose(nobody, resolution=(640, 480))
    twice = write_frames(tmp_path / "twice", {"a_1.json": [], "b_01.json": []})
    with pytest.raises(InputFileError, match="same frame number"):
        read_openpose(twice, resolution=(640, 480))


def test_pose2sim_folder(shared_data: Path) -> None:
    folder = shared_file(shared_data, "keypoints/pose2sim_balancing_cam01_openpose")
    shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    first = json.loads((folder / "cam01.0000.json").read_text())["people"][0]["pose_keypoints_2d"]
    assert first[:3] == [505.232, 431.63, 0.664216]
    series = read_openpose(folder)
    assert series.frame_rate_hz == pytest.approx(60.0)
    assert series.provenance.details["layout"] == "BODY_25B"
    assert series.provenance.resolution == (1080, 1920)
    assert len(series) == 100
    assert series.time_s[1] == pytest.approx(1 / 60)
    nose = series.image_point("nose")[0]
    np.testing.assert_allclose(nose[:2], [505.232 / 1080, 431.63 / 1920])
    assert series.visibility[0, series.index_of("nose")] == pytest.approx(0.664216)
    # BODY_25B index 5 is LShoulder: (521.038, 494.789) in the file
    np.testing.assert_allclose(
        series.image_point("left_shoulder")[0, :2], [521.038 / 1080, 494.789 / 1920]
    )
    assert series.detected.all()
    # the followed person is the balancing man, never the small figure at the left edge
    assert np.nanmin(series.image_point("left_hip")[:, 0]) > 0.3


# --- files that are damaged or hostile ------------------------------------------------------


def test_deeply_nested_or_huge_frames_are_one_line(tmp_path: Path) -> None:
    folder = write_frames(tmp_path / "deep", {"f_0.json": [person("BODY_25", 320, 240, 200)]})
    (folder / "f_1.json").write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(InputFileError, match="nests deeper than 64 levels") as caught:
        read_openpose(folder, resolution=(640, 480))
    assert "\n" not in str(caught.value)
    (folder / "f_1.json").write_text(json.dumps({"people": [], "pad": "x" * (17 << 20)}))
    with pytest.raises(InputFileError, match="larger than the 16 MiB"):
        read_openpose(folder, resolution=(640, 480))


def test_confidences_outside_zero_to_one_and_huge_frame_numbers(tmp_path: Path) -> None:
    body = person("BODY_25", 320, 240, 200)
    body[2] = 7.0
    with pytest.raises(InputFileError, match="confidences must lie between 0 and 1"):
        read_openpose(write_frames(tmp_path / "conf", {"f_0.json": [body]}), resolution=(640, 480))
    good = person("BODY_25", 320, 240, 200)
    folder = write_frames(tmp_path / "num", {"f_0.json": [good], f"f_{'9' * 30}.json": [good]})
    with pytest.raises(InputFileError, match="is larger than 1000000000"):
        read_openpose(folder, resolution=(640, 480))


def test_collapsed_people_are_flagged(tmp_path: Path) -> None:
    """Every keypoint at one pixel (moving a little from frame to frame)."""
    frames = {}
    for i in range(6):
        point = np.asarray(person("BODY_25", 320, 240, 200)).reshape(-1, 3)
        point[:, :2] = [100.0 + i, 100.0]
        frames[f"f_{i}.json"] = [list(point.ravel())]
    series = read_openpose(
        write_frames(tmp_path / "c", frames), layout="BODY_25", resolution=(640, 480)
    )
    flags = series.provenance.details["quality_flags"]
    assert flags[0]["check"] == "collapsed_landmarks"
    assert series.n_detected >= 1  # the person tracker may drop later point-sized people
    assert f"in {series.n_detected} of 6 frames" in flags[0]["message"]
