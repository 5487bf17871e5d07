"""Write the expected landmarks of the shipped pose models (``test_shipped_models.py``'s fixture).

Run it (maintainers only) with the project's environment, from the project root::

    .venv/bin/python scripts/make_model_regression_fixture.py

and only when the expected values must legitimately change: the shipped ``.task`` bundles were
rebuilt with different bytes, or ``mediapipe`` was upgraded and the new results were checked.
Review the printed differences before committing the new fixture.

It reads frame 30 of ``../shared/data/video/pose2sim_balancing_cam01.mp4`` (1080 x 1920, one
person balancing, another in the background), and

1. writes ``tests/data/model_regression_frame.png``, that frame in RGB halved to 540 x 960 with
   ``cv2.INTER_AREA`` (lossless PNG, ~0.5 MB), unless it exists (``--rewrite-frame`` replaces
   it), so that the regression test runs without ``../shared``;
2. runs the shipped ``full`` and ``lite`` models through
   :class:`kinesense.capture.mediapipe_pose.MediaPipePoseEstimator` in IMAGE mode on the stored
   PNG *as read back from disk*, and on the full-resolution video frame;
3. writes the 33 image landmarks (x, y, z) and visibilities of each run, with the checksums of
   the inputs they came from, to ``tests/data/model_regression_expected.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from kinesense.capture.mediapipe_pose import MediaPipePoseEstimator
from kinesense.capture.models import SHIPPED_MODELS, model_file

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
VIDEO = "video/pose2sim_balancing_cam01.mp4"  # relative to SHARED_DATA
FRAME_INDEX = 30
STORED_SIZE = (540, 960)  # width, height: half of the 1080 x 1920 video
DATA_DIR = PROJECT_ROOT / "tests" / "data"
FRAME_PNG = DATA_DIR / "model_regression_frame.png"
EXPECTED_JSON = DATA_DIR / "model_regression_expected.json"
DECIMALS = 7  # float32 outputs: 7 decimals keep them to within 5e-8


def read_video_frame(video: Path, index: int) -> NDArray[np.uint8]:
    """Frame ``index`` of a video as RGB, decoded sequentially (seeking can be inexact)."""
    capture = cv2.VideoCapture(str(video))
    try:
        for _ in range(index + 1):
            ok, bgr = capture.read()
            if not ok:
                raise SystemExit(f"cannot read frame {index} of {video}")
    finally:
        capture.release()
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def read_png(path: Path) -> NDArray[np.uint8]:
    """An RGB image from a PNG file."""
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise SystemExit(f"cannot read {path}")
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def sha256_bytes(data: bytes) -> str:
    """SHA-256 of bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def landmarks(model: str, rgb: NDArray[np.uint8]) -> dict[str, Any]:
    """The one person's image landmarks and visibilities from a shipped model, IMAGE mode."""
    with MediaPipePoseEstimator(model, mode="image") as estimator:
        detections = estimator.estimate(rgb, 0)
    if len(detections) != 1:
        raise SystemExit(f"expected one person from the {model} model, got {len(detections)}")
    found = detections[0]
    return {
        "image_xyz": np.round(found.image_xyz, DECIMALS).tolist(),
        "visibility": np.round(found.visibility, DECIMALS).tolist(),
    }


def max_change(old: dict[str, Any], new: dict[str, Any]) -> float:
    """Largest absolute change between two stored results (for the maintainer's review)."""
    return float(
        max(
            np.abs(np.array(old["image_xyz"]) - np.array(new["image_xyz"])).max(),
            np.abs(np.array(old["visibility"]) - np.array(new["visibility"])).max(),
        )
    )


def to_json(fixture: dict[str, Any]) -> str:
    """Indented JSON with each list of numbers (a landmark, a shape) on one line."""
    text = json.dumps(fixture, indent=1)
    return re.sub(
        r"\[\s+([-0-9.e, \n]+?)\s+\]", lambda m: "[" + " ".join(m.group(1).split()) + "]", text
    )


def main(argv: list[str] | None = None) -> int:
    """Write the frame (if needed) and the expected values; print what changed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-data", type=Path, default=SHARED_DATA)
    parser.add_argument(
        "--rewrite-frame", action="store_true", help="replace the stored PNG from the video"
    )
    args = parser.parse_args(argv)

    video = args.shared_data / VIDEO
    if not video.is_file():
        raise SystemExit(f"{video} not found (the shared recordings must be beside the project)")
    frame = read_video_frame(video, FRAME_INDEX)
    small = cv2.resize(frame, STORED_SIZE, interpolation=cv2.INTER_AREA)
    if args.rewrite_frame or not FRAME_PNG.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(
            str(FRAME_PNG), cv2.cvtColor(small, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 9]
        )
        print(f"wrote {FRAME_PNG} ({FRAME_PNG.stat().st_size} bytes)")
    stored = read_png(FRAME_PNG)
    if stored.shape != small.shape or np.abs(stored.astype(int) - small).max() > 1:
        print(f"warning: {FRAME_PNG.name} differs from frame {FRAME_INDEX} of the video as decoded")

    fixture: dict[str, Any] = {
        "description": (
            "Expected image landmarks (x, y normalised to the image, z relative depth) and "
            "visibilities of the shipped BlazePose bundles, MediaPipePoseEstimator IMAGE mode. "
            "Written by scripts/make_model_regression_fixture.py."
        ),
        "generated_with": {
            name: metadata.version(name) for name in ("mediapipe", "opencv-contrib-python", "numpy")
        },
        "python": sys.version.split()[0],
        "model_sha256": {m: sha256_bytes(model_file(m).read_bytes()) for m in SHIPPED_MODELS},
        "video": VIDEO,
        "frame_index": FRAME_INDEX,
        "video_frame_shape": list(frame.shape),
        "video_frame_rgb_sha256": sha256_bytes(frame.tobytes()),
        "stored_frame": FRAME_PNG.name,
        "stored_frame_shape": list(stored.shape),
        "stored_frame_sha256": sha256_bytes(FRAME_PNG.read_bytes()),
        "stored_frame_rgb_sha256": sha256_bytes(stored.tobytes()),
        "results": {
            "stored_frame": {m: landmarks(m, stored) for m in SHIPPED_MODELS},
            "video_frame": {m: landmarks(m, frame) for m in SHIPPED_MODELS},
        },
    }
    if EXPECTED_JSON.exists():
        old = json.loads(EXPECTED_JSON.read_text())
        for source, per_model in fixture["results"].items():
            for model, new in per_model.items():
                previous = old.get("results", {}).get(source, {}).get(model)
                if previous is not None:
                    print(f"{source:12s} {model:4s}: max change {max_change(previous, new):.3g}")
    EXPECTED_JSON.write_text(to_json(fixture) + "\n")
    print(f"wrote {EXPECTED_JSON} ({EXPECTED_JSON.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
