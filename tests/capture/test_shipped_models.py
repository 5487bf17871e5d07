"""The BlazePose GHUM bundles shipped in kinesense.capture.models: bytes, form, licence, results.

The regression tests run the shipped full and lite models (IMAGE mode) on frame 30 of
``../shared/data/video/pose2sim_balancing_cam01.mp4`` and compare the 33 image landmarks and
visibilities with ``tests/data/model_regression_expected.json`` (written by
``scripts/make_model_regression_fixture.py``). That frame is also stored in ``tests/data`` as a
lossless PNG halved to 540 x 960 (~0.5 MB; the full 1080 x 1920 frame would be ~1.8 MB), with
its own expected values, so the check runs on every machine, with or without ``../shared``.
A PNG rather than a JPEG because PNG decoding is exact everywhere, whereas JPEG decoders may
differ by one grey level, which already moves landmarks by up to ~1e-2 (see ``TOLERANCE``).

``TOLERANCE`` (1e-3, in normalised image units for x, y and z, and in probability for the
visibility) is about 1 pixel on the 960-pixel-high stored frame. The model is deterministic
on one machine (repeated runs give identical numbers); across CPUs only float32 rounding
differs (other SIMD kernels, fused multiply-add), orders of magnitude below 1e-3. It is still
tight enough to catch a real change: adding +-1 grey level of noise to the frame moves
landmarks by up to ~1e-2, and the lite and full models differ by more than 1e-2 (checked in
``test_tolerance_separates_the_models``); a wrong normalisation in the metadata or another model
would move them far more. Upgrading ``mediapipe`` may change the image resampling and hence the
results: then check the new values and regenerate the fixture.
"""

import hashlib
import json
import re
import tomllib
import zipfile
from collections.abc import Iterator
from fnmatch import fnmatch
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from kinesense.capture.mediapipe_pose import MediaPipePoseEstimator
from kinesense.capture.models import FACE_MODEL_FILE, SHIPPED_MODELS, model_file
from tests.conftest import PROJECT_ROOT, shared_file

# Copied from ../shared/models/SHA256SUMS (the bundles rebuilt by scripts/build_pose_models.py).
RECORDED_SHA256 = {
    "pose_landmarker_full.task": "aac425e5d1d06389cdbf6768ff8083e31aac5e84880848a9c842d130b9137f8d",
    "pose_landmarker_lite.task": "c219885358e8bffc134c8d025b717aba0a3cdac785cc85e39cd05076fa571111",
}
BUNDLE_MEMBERS = ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
MODELS_PACKAGE = "kinesense.capture.models"
SOURCE_DIR = PROJECT_ROOT / "src" / "kinesense"
MODEL_LOADING_MODULES = (
    "capture/models/__init__.py",
    "capture/mediapipe_pose.py",
    "capture/face.py",
)

DATA_DIR = PROJECT_ROOT / "tests" / "data"
EXPECTED_JSON = DATA_DIR / "model_regression_expected.json"
TOLERANCE = 1e-3


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------------
# The bundles' bytes and form
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", SHIPPED_MODELS)
def test_shipped_bundle_has_the_recorded_checksum(model: str) -> None:
    path = model_file(model)
    assert sha256_of(path) == RECORDED_SHA256[path.name]


def test_every_shipped_bundle_has_a_recorded_checksum() -> None:
    folder = model_file(SHIPPED_MODELS[0]).parent
    recorded = sorted([*RECORDED_SHA256, FACE_MODEL_FILE])
    assert sorted(p.name for p in folder.glob("*.task")) == recorded
    assert sorted(f"pose_landmarker_{m}.task" for m in SHIPPED_MODELS) == sorted(RECORDED_SHA256)


@pytest.mark.parametrize("model", SHIPPED_MODELS)
def test_shipped_bundle_is_a_stored_zip_of_the_two_models(model: str) -> None:
    with zipfile.ZipFile(model_file(model)) as bundle:
        infos = bundle.infolist()
        assert [info.filename for info in infos] == BUNDLE_MEMBERS
        assert all(info.compress_type == zipfile.ZIP_STORED for info in infos)
        assert all(info.file_size == info.compress_size > 0 for info in infos)
        assert bundle.testzip() is None  # every member's CRC is right
        for info in infos:
            with bundle.open(info) as member:
                assert member.read(8)[4:8] == b"TFL3"  # a TFLite flatbuffer


# ------------------------------------------------------------------------------------------
# Licence and notice, shipped as package data
# ------------------------------------------------------------------------------------------


def test_licence_and_notice_are_beside_the_models() -> None:
    folder = model_file("full").parent
    assert (folder / "LICENSE").is_file()
    assert (folder / "NOTICE").is_file()
    package = resources.files(MODELS_PACKAGE)
    licence = package.joinpath("LICENSE").read_text(encoding="utf-8")
    assert licence.lstrip().startswith("Apache License")
    assert "Version 2.0, January 2004" in licence
    assert "END OF TERMS AND CONDITIONS" in licence
    notice = package.joinpath("NOTICE").read_text(encoding="utf-8")
    for required in (
        "BlazePose GHUM",
        "Google",
        "mediapipe==0.10.21",
        "@mediapipe/pose@0.5.1675469404",
        "Apache License, Version 2.0",
        "metadata",
        "arXiv:2006.10204",
    ):
        assert required in notice, required


def test_models_licence_and_notice_are_declared_package_data() -> None:
    """Every file of the models folder matches a package-data pattern, so wheels include it."""
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["kinesense"]
    folder = SOURCE_DIR / "capture" / "models"
    shipped = [p for p in folder.iterdir() if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert {p.name for p in shipped} >= {"LICENSE", "NOTICE", FACE_MODEL_FILE, *RECORDED_SHA256}
    for path in shipped:
        relative = path.relative_to(SOURCE_DIR).as_posix()
        assert any(fnmatch(relative, pattern) for pattern in patterns), relative


def test_installed_distribution_lists_the_model_files() -> None:
    """In a regular (not editable) install, the wheel's RECORD lists the bundles and licence."""
    if Path(str(resources.files(MODELS_PACKAGE))).resolve().is_relative_to(SOURCE_DIR):
        pytest.skip("kinesense is installed in editable mode; the source folder is used")
    recorded = {f.as_posix() for f in metadata.files("kinesense") or []}
    for name in ("LICENSE", "NOTICE", *RECORDED_SHA256):
        assert f"kinesense/capture/models/{name}" in recorded, name


def test_no_model_is_downloaded_by_the_source() -> None:
    """No model URL anywhere in the package; no URL at all in the model-loading modules."""
    model_url = re.compile(r"https?://\S+\.(task|tflite)\b")
    for path in SOURCE_DIR.rglob("*"):
        if not path.is_file() or path.suffix in (".task", ".pyc", ".png"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "storage.googleapis" not in text, path
        assert "mediapipe-models" not in text, path
        assert model_url.search(text) is None, path
    for relative in MODEL_LOADING_MODULES:
        assert "http" not in (SOURCE_DIR / relative).read_text(encoding="utf-8"), relative


# ------------------------------------------------------------------------------------------
# Regression: landmarks on a real frame
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    """The stored expected values and the checksums of the inputs they were made from."""
    result: dict[str, Any] = json.loads(EXPECTED_JSON.read_text(encoding="utf-8"))
    return result


@pytest.fixture(scope="module", params=SHIPPED_MODELS)
def shipped(request: pytest.FixtureRequest) -> Iterator[tuple[str, MediaPipePoseEstimator]]:
    """``(model, IMAGE-mode estimator)`` for each shipped model, shared by this module's tests."""
    model: str = request.param
    with MediaPipePoseEstimator(model, mode="image") as estimator:
        yield model, estimator


def read_rgb(path: Path) -> NDArray[np.uint8]:
    """An image file as RGB."""
    import cv2

    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert bgr is not None, path
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def read_video_frame(video: Path, index: int) -> NDArray[np.uint8]:
    """Frame ``index`` of a video as RGB, decoded sequentially like the fixture generator."""
    import cv2

    capture = cv2.VideoCapture(str(video))
    try:
        for _ in range(index + 1):
            ok, bgr = capture.read()
            assert ok, f"cannot read frame {index} of {video}"
    finally:
        capture.release()
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def assert_landmarks_match(
    estimator: MediaPipePoseEstimator, rgb: NDArray[np.uint8], want: dict[str, Any]
) -> None:
    """One person found, and their 33 landmarks and visibilities within ``TOLERANCE``."""
    detections = estimator.estimate(rgb, 0)
    assert len(detections) == 1
    found = detections[0]
    want_xyz = np.array(want["image_xyz"])
    want_visibility = np.array(want["visibility"])
    assert found.image_xyz.shape == want_xyz.shape == (33, 3)
    assert found.visibility.shape == want_visibility.shape == (33,)
    np.testing.assert_allclose(found.image_xyz, want_xyz, rtol=0, atol=TOLERANCE)
    np.testing.assert_allclose(found.visibility, want_visibility, rtol=0, atol=TOLERANCE)


def test_fixture_was_made_with_the_shipped_models(expected: dict[str, Any]) -> None:
    for model, digest in expected["model_sha256"].items():
        assert sha256_of(model_file(model)) == digest, (
            f"the {model} bundle changed: rerun scripts/make_model_regression_fixture.py"
        )


def test_shipped_models_on_the_stored_frame(
    shipped: tuple[str, MediaPipePoseEstimator], expected: dict[str, Any]
) -> None:
    model, estimator = shipped
    frame_path = DATA_DIR / expected["stored_frame"]
    assert sha256_of(frame_path) == expected["stored_frame_sha256"]
    rgb = read_rgb(frame_path)
    assert list(rgb.shape) == expected["stored_frame_shape"] == [960, 540, 3]
    assert_landmarks_match(estimator, rgb, expected["results"]["stored_frame"][model])


def test_shipped_models_on_the_video_frame(
    shipped: tuple[str, MediaPipePoseEstimator], expected: dict[str, Any], shared_data: Path
) -> None:
    model, estimator = shipped
    video = shared_file(shared_data, expected["video"])
    rgb = read_video_frame(video, expected["frame_index"])
    if hashlib.sha256(rgb.tobytes()).hexdigest() != expected["video_frame_rgb_sha256"]:
        pytest.skip(
            "this OpenCV/FFmpeg decodes the frame to other pixels than when the fixture was "
            "made; landmarks are then not comparable at 1e-3 (the stored-frame test still runs)"
        )
    assert_landmarks_match(estimator, rgb, expected["results"]["video_frame"][model])


def test_stored_frame_is_the_halved_video_frame(
    expected: dict[str, Any], shared_data: Path
) -> None:
    import cv2

    video = shared_file(shared_data, expected["video"])
    rgb = read_video_frame(video, expected["frame_index"])
    assert list(rgb.shape) == expected["video_frame_shape"]
    halved = cv2.resize(rgb, (rgb.shape[1] // 2, rgb.shape[0] // 2), interpolation=cv2.INTER_AREA)
    stored = read_rgb(DATA_DIR / expected["stored_frame"])
    assert np.abs(halved.astype(np.int16) - stored).max() <= 1


def test_tolerance_separates_the_models(expected: dict[str, Any]) -> None:
    """The lite and full results differ by far more than the tolerance: the check has teeth."""
    results = expected["results"]["stored_frame"]
    lite, full = (np.array(results[m]["image_xyz"])[:, :2] for m in ("lite", "full"))
    assert np.abs(lite - full).max() > 10 * TOLERANCE
