"""The shipped face landmarker: its bytes, the estimator on a real face, the head extraction."""

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from kinesense.capture.face import FaceEstimator, MediaPipeFaceEstimator
from kinesense.capture.head_extract import extract_head
from kinesense.capture.models import (
    FACE_BUNDLE_MEMBERS,
    FACE_MODEL_FILE,
    FACE_MODEL_SHA256,
    face_model_file,
)
from kinesense.errors import NoPersonError
from kinesense.signal.head_pose import head_angles_deg
from tests.capture.clips import write_mp4v
from tests.capture.head_clips import face_image, tilted_head
from tests.conftest import PROJECT_ROOT, shared_file

SCRIPT = PROJECT_ROOT / "scripts" / "build_face_model.py"


def test_the_shipped_face_bundle_is_pinned_and_stored() -> None:
    path = face_model_file()
    assert path.name == FACE_MODEL_FILE
    assert hashlib.sha256(path.read_bytes()).hexdigest() == FACE_MODEL_SHA256
    with zipfile.ZipFile(path) as bundle:
        infos = bundle.infolist()
        assert tuple(info.filename for info in infos) == FACE_BUNDLE_MEMBERS
        assert all(info.compress_type == zipfile.ZIP_STORED for info in infos)


def test_the_verify_script_accepts_the_shipped_file_and_names_a_wrong_one(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--verify"], capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import build_face_model
    finally:
        sys.path.remove(str(SCRIPT.parent))
    damaged = bytearray(face_model_file().read_bytes())
    damaged[-100] ^= 0xFF
    problems = build_face_model.problems_of(bytes(damaged))
    assert any(p.startswith("sha256") for p in problems)
    assert build_face_model.problems_of(b"not a zip")[-1].startswith("not a zip")


def test_estimator_reads_a_real_face_and_an_in_plane_rotation() -> None:
    image = face_image()
    with MediaPipeFaceEstimator() as estimator:
        assert isinstance(estimator, FaceEstimator)
        angles = []
        for k, angle in enumerate([0.0] * 10 + [8.0] * 10):
            faces = estimator.estimate(tilted_head(image, angle), k * 66)
            assert len(faces) == 1
            assert faces[0].image_xyz.shape == (478, 3)
            assert faces[0].matrix.shape == (4, 4)
            angles.append(head_angles_deg(faces[0].matrix))
    box = faces[0].box_px((image.shape[1], image.shape[0]))
    assert 60 < box[2] - box[0] < 130  # the face is about 90 px wide in the stored picture
    roll = np.array(angles)[:, 2]
    # Counter-clockwise on screen = a tilt to the person's right = positive roll.
    assert roll[-1] - roll[9] == pytest.approx(8.0, abs=0.6)


def test_extraction_of_a_clip_without_a_face_says_so(tmp_path: Path) -> None:
    grey = [np.full((120, 160, 3), 128, dtype=np.uint8)] * 10
    clip = write_mp4v(tmp_path / "grey.mp4", grey, fps=10.0)
    with pytest.raises(NoPersonError, match="no face"):
        extract_head(clip)


def test_real_recording_quality_flags_where_no_face_faces_the_camera(shared_data: Path) -> None:
    """The real videos here show whole bodies from afar: the face is found in few frames and is
    small, which the flags must say (no real head-rotation recording is available)."""
    from kinesense.signal.head_quality import head_quality

    path = shared_file(shared_data, "video/pose2sim_balancing_cam01.mp4")
    try:
        head = extract_head(path).series
    except NoPersonError:
        return  # no face at all: the refusal is the answer
    quality = head_quality(head).summary
    assert quality["frames"] == len(head)
    assert quality["camera_still_fraction"] > 0.9  # a tripod camera
    if quality["median_face_width_px"] is not None:
        assert quality["median_face_width_px"] < 120
