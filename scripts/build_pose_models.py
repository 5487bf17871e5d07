"""Rebuild the BlazePose GHUM ``.task`` bundles that kinesense ships, from public registry packages.

Who runs this, and when
-----------------------
Only maintainers, and only to regenerate (or audit) the model files shipped in
``src/kinesense/capture/models/``: e.g. to check that the shipped bytes really come from
Google's published weights, to rebuild them after a change of the recipe below, or to build
the optional heavy bundle. Users and CI never need it: kinesense loads the shipped bundles and
never downloads anything. It needs network access to PyPI and npm, Python 3.11 or 3.12
(``mediapipe==0.10.21`` has no wheel for newer Pythons) and ``npm``; it takes about a minute.

What it does
------------
1. Creates a throw-away virtual environment with ``mediapipe==0.10.21`` (the last release
   whose wheel still contains the legacy solution models and a working ``metadata_writers``).
2. Takes ``pose_detection.tflite`` and ``pose_landmark_full.tflite`` from that wheel
   (``mediapipe/modules/pose_detection/``, ``mediapipe/modules/pose_landmark/``), and
   ``pose_landmark_lite.tflite`` / ``pose_landmark_heavy.tflite`` from the npm package
   ``@mediapipe/pose@0.5.1675469404`` (``npm pack``, then read from the tarball). Every input
   is checked against the SHA-256 recorded below.
3. Adds TFLite metadata with MediaPipe's ``metadata_writers`` (run inside that environment),
   because the Tasks API refuses a float model without input-normalisation metadata:
   detector: image input, mean 127.5, std 127.5 (input range [-1, 1]), 2 feature outputs;
   landmark model: image input, mean 0, std 255 (range [0, 1]), 5 feature outputs.
4. Zips the two models, stored without compression (the Tasks API memory-maps the members),
   as ``pose_detector.tflite`` then ``pose_landmarks_detector.tflite``, with a pinned
   timestamp and fixed attributes, so that the output is deterministic.
5. Compares the SHA-256 of every bundle with the checksums recorded below (those of the
   shipped files) and says whether they are identical. If one differs, it loads the rebuilt
   and the reference bundle with the project's own ``mediapipe`` (``.venv``) on a real video
   frame and reports the largest landmark difference.

Usage (from the project root)::

    python3.11 scripts/build_pose_models.py                    # lite + full into a temp folder
    python3.11 scripts/build_pose_models.py --heavy --out build/pose-models
    python3.11 scripts/build_pose_models.py --install          # replace the shipped lite + full

The shipped files are never touched unless ``--install`` is given, and ``--install`` refuses
bundles that differ from the recorded checksums unless ``--allow-different`` is also given (then
update the checksums here and in ``tests/capture/test_shipped_models.py`` and regenerate the
regression fixture with ``scripts/make_model_regression_fixture.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_DIR = PROJECT_ROOT / "src" / "kinesense" / "capture" / "models"
SHARED_MODELS_DIR = PROJECT_ROOT.parent / "shared" / "models"
DEFAULT_VIDEO = PROJECT_ROOT.parent / "shared" / "data" / "video" / "pose2sim_balancing_cam01.mp4"
DEFAULT_FRAME_INDEX = 30
STORED_FRAME = PROJECT_ROOT / "tests" / "data" / "model_regression_frame.png"

MEDIAPIPE_REQUIREMENT = "mediapipe==0.10.21"
NPM_PACKAGE = "@mediapipe/pose@0.5.1675469404"

DETECTOR_MEMBER = "pose_detector.tflite"
LANDMARKS_MEMBER = "pose_landmarks_detector.tflite"

# Inputs: where each raw model is read from, and its SHA-256.
WHEEL_FILES: dict[str, str] = {
    "pose_detection.tflite": "mediapipe/modules/pose_detection/pose_detection.tflite",
    "pose_landmark_full.tflite": "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
}
NPM_FILES: dict[str, str] = {
    "pose_landmark_lite.tflite": "package/pose_landmark_lite.tflite",
    "pose_landmark_heavy.tflite": "package/pose_landmark_heavy.tflite",
    "npm_pose_landmark_full.tflite": "package/pose_landmark_full.tflite",
}
SOURCE_SHA256SUMS = """\
9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c  pose_detection.tflite
f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61  pose_landmark_lite.tflite
e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f  pose_landmark_full.tflite
e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f  npm_pose_landmark_full.tflite
59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe  pose_landmark_heavy.tflite
"""

# Outputs of the metadata step (the members of the bundles).
MEMBER_SHA256: dict[str, str] = {
    "detector": "283204349d509a9e97a739997f763900a1b888a315ddc75c8819475237d7770d",
    "lite": "22dac6401c0be95e8e8cb1134ed7902a73acc3fb9fa14b568f874faf7f8514bf",
    "full": "49ea24a82e86f8c636ed68d1ce0320720eac8423b3de41ddc361bee7ff14f20f",
    "heavy": "eec8d65204a0997b69224501cafc43801066c4c6c0a367be0cc27b052cfdf8ce",
}

# The bundles: a copy of SHA256SUMS beside the reference models (lite and full are shipped).
RECORDED_SHA256SUMS = """\
aac425e5d1d06389cdbf6768ff8083e31aac5e84880848a9c842d130b9137f8d  pose_landmarker_full.task
36a9925f996ace915a716eae75b4c47c4d172e0283ceb54159dd08525e26f16a  pose_landmarker_heavy.task
c219885358e8bffc134c8d025b717aba0a3cdac785cc85e39cd05076fa571111  pose_landmarker_lite.task
"""


def parse_sha256sums(text: str) -> dict[str, str]:
    """``{file name: hex digest}`` from the lines of a ``sha256sum`` listing."""
    pairs = (line.split(maxsplit=1) for line in text.splitlines() if line.strip())
    return {name.strip().lstrip("*"): digest for digest, name in pairs}


SOURCE_SHA256 = parse_sha256sums(SOURCE_SHA256SUMS)
BUNDLE_SHA256 = parse_sha256sums(RECORDED_SHA256SUMS)

# The zip entries' timestamps: those the reference bundles were first written with. Pinning them
# (instead of "now") makes the zip deterministic and lets a rebuild match the shipped bytes.
ZIP_DATE_TIME: dict[str, tuple[int, int, int, int, int, int]] = {
    "lite": (2026, 11, 24, 0, 37, 12),
    "full": (2026, 11, 24, 0, 37, 12),
    "heavy": (2026, 11, 24, 0, 37, 14),
}
ZIP_EXTERNAL_ATTR = 0o600 << 16  # regular file, rw------- (what zipfile.writestr gives a name)
ZIP_CREATE_SYSTEM = 3  # Unix

METADATA_DESCRIPTION = "legacy BlazePose GHUM model (Apache-2.0), metadata added"
# kind -> (metadata name, normalisation mean, std, number of feature outputs)
METADATA_RECIPES: dict[str, tuple[str, float, float, int]] = {
    "detector": ("pose_detector", 127.5, 127.5, 2),
    "landmarks": ("pose_landmarks_detector", 0.0, 255.0, 5),
}


def log(message: str) -> None:
    """Print one progress line at once (the subprocesses write to the same terminal)."""
    print(message, flush=True)


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a command, echoing it first; fail loudly with its output when it fails."""
    log("  $ " + " ".join(command))
    result = subprocess.run(command, text=True, capture_output=True, check=False, **kwargs)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"command failed with exit code {result.returncode}: {command[0]}")
    return result


class Step:
    """Context manager that logs a numbered step and how long it took."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.start = 0.0

    def __enter__(self) -> Step:
        log(f"\n== {self.title}")
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        log(f"   ({time.perf_counter() - self.start:.1f} s)")


# --------------------------------------------------------------------------------------------
# Step 1: the throw-away environment
# --------------------------------------------------------------------------------------------


def find_build_python(requested: str | None) -> str:
    """An interpreter for the throw-away venv: Python 3.11 or 3.12 (mediapipe 0.10.21 wheels)."""
    candidates = [requested] if requested else [sys.executable, "python3.11", "python3.12"]
    for candidate in candidates:
        path = shutil.which(candidate) if candidate else None
        if path is None:
            continue
        probe = subprocess.run(
            [path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            text=True,
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() in ("3.11", "3.12"):
            return path
    raise SystemExit(
        "need Python 3.11 or 3.12 for mediapipe==0.10.21; give one with --python"
        + (f" (got {requested})" if requested else "")
    )


def venv_python(venv: Path) -> Path:
    """The interpreter inside a venv."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def prepare_venv(venv: Path, build_python: str) -> Path:
    """Create ``venv`` with mediapipe 0.10.21, or reuse it if it already has it."""
    python = venv_python(venv)
    if python.exists():
        probe = subprocess.run(
            [str(python), "-c", "import importlib.metadata as m; print(m.version('mediapipe'))"],
            text=True,
            capture_output=True,
            check=False,
        )
        if probe.stdout.strip() == MEDIAPIPE_REQUIREMENT.split("==")[1]:
            log(f"  reusing {venv} (mediapipe {probe.stdout.strip()})")
            return python
    run([build_python, "-m", "venv", str(venv)])
    run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            MEDIAPIPE_REQUIREMENT,
        ]
    )
    return python


def site_packages(python: Path) -> Path:
    """The platform site-packages folder of an interpreter (where the mediapipe wheel lives)."""
    result = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['platlib'])"])
    return Path(result.stdout.strip())


# --------------------------------------------------------------------------------------------
# Step 2: the raw models
# --------------------------------------------------------------------------------------------


def collect_wheel_models(python: Path, raw_dir: Path) -> None:
    """Copy the detector and the full landmark model out of the installed mediapipe wheel."""
    packages = site_packages(python)
    for name, relative in WHEEL_FILES.items():
        source = packages / relative
        if not source.is_file():
            raise SystemExit(f"{source} is missing from the {MEDIAPIPE_REQUIREMENT} wheel")
        shutil.copyfile(source, raw_dir / name)
        log(f"  {relative} (wheel) -> {name}")


def collect_npm_models(work_dir: Path, raw_dir: Path) -> None:
    """``npm pack`` the legacy pose package and read the lite/heavy (and full) models from it."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to fetch " + NPM_PACKAGE)
    result = run([npm, "pack", NPM_PACKAGE, "--pack-destination", str(work_dir), "--silent"])
    tarball = work_dir / result.stdout.strip().splitlines()[-1]
    log(f"  {tarball.name}: {tarball.stat().st_size / 1e6:.1f} MB, sha256 {sha256_of(tarball)}")
    with tarfile.open(tarball, "r:gz") as archive:
        members = {m.name: m for m in archive.getmembers() if m.isfile()}
        tflite = sorted(n for n in members if n.endswith(".tflite"))
        log("  models in the package: " + ", ".join(Path(n).name for n in tflite))
        others = sorted(Path(n).name for n in members if not n.endswith(".tflite"))
        log("  other files: " + ", ".join(others))
        for name, member_name in NPM_FILES.items():
            if member_name not in members:
                raise SystemExit(f"{member_name} is missing from {tarball.name}")
            extracted = archive.extractfile(members[member_name])
            assert extracted is not None
            (raw_dir / name).write_bytes(extracted.read())
            log(f"  {member_name} (npm) -> {name}")


def check_sources(raw_dir: Path) -> None:
    """Stop unless every raw model has the recorded SHA-256 (the registries served the same)."""
    bad = []
    for name, expected in SOURCE_SHA256.items():
        actual = sha256_of(raw_dir / name)
        status = "ok" if actual == expected else f"DIFFERENT (expected {expected})"
        log(f"  {name:32s} {actual}  {status}")
        if actual != expected:
            bad.append(name)
    if bad:
        raise SystemExit("unexpected source models: " + ", ".join(bad))
    log("  the npm package's pose_landmark_full.tflite is byte-identical to the wheel's")


# --------------------------------------------------------------------------------------------
# Step 3: TFLite metadata (this part runs inside the throw-away venv)
# --------------------------------------------------------------------------------------------


def write_metadata_jobs(jobs: list[dict[str, str]]) -> None:
    """Add input-normalisation and output metadata to models; needs mediapipe 0.10.21.

    Each job is ``{"source": path, "target": path, "kind": "detector" | "landmarks"}``.
    """
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

    for job in jobs:
        name, mean, std, outputs = METADATA_RECIPES[job["kind"]]
        model = bytearray(Path(job["source"]).read_bytes())
        writer = metadata_writer.MetadataWriter.create(model)
        writer.add_general_info(name, METADATA_DESCRIPTION)
        writer.add_image_input(norm_mean=[mean], norm_std=[std])
        for index in range(outputs):
            writer.add_feature_output(name=f"out{index}")
        content, _ = writer.populate()
        Path(job["target"]).write_bytes(bytes(content))


def add_metadata(python: Path, raw_dir: Path, member_dir: Path, models: list[str]) -> None:
    """Run :func:`write_metadata_jobs` with the venv's interpreter for the detector and models."""
    jobs = [
        {
            "source": str(raw_dir / "pose_detection.tflite"),
            "target": str(member_dir / "detector.tflite"),
            "kind": "detector",
        }
    ]
    for model in models:
        jobs.append(
            {
                "source": str(raw_dir / f"pose_landmark_{model}.tflite"),
                "target": str(member_dir / f"{model}.tflite"),
                "kind": "landmarks",
            }
        )
    run([str(python), str(Path(__file__).resolve()), "--_metadata-jobs", json.dumps(jobs)])
    for key in ["detector", *models]:
        actual = sha256_of(member_dir / f"{key}.tflite")
        status = "same as shipped" if actual == MEMBER_SHA256[key] else "DIFFERENT from shipped"
        log(f"  {key:8s} with metadata: {actual}  {status}")


# --------------------------------------------------------------------------------------------
# Step 4: the bundles
# --------------------------------------------------------------------------------------------


def write_bundle(target: Path, detector: Path, landmarks: Path, model: str) -> None:
    """Zip the two members, stored, in a fixed order with fixed timestamps and attributes."""
    partial = target.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as bundle:
        for member, source in ((DETECTOR_MEMBER, detector), (LANDMARKS_MEMBER, landmarks)):
            info = zipfile.ZipInfo(member, date_time=ZIP_DATE_TIME[model])
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = ZIP_EXTERNAL_ATTR
            info.create_system = ZIP_CREATE_SYSTEM
            bundle.writestr(info, source.read_bytes())
    partial.replace(target)


# --------------------------------------------------------------------------------------------
# Step 5: comparison, and the runtime check when the bytes differ
# --------------------------------------------------------------------------------------------


def compare_landmarks_job(job: dict[str, Any]) -> None:
    """Run two bundles on one frame with the Tasks API (IMAGE mode); print the differences.

    Runs inside the project's venv (``mediapipe`` 1.2.2 and OpenCV).
    """
    import cv2
    import mediapipe as mp
    import numpy as np
    from mediapipe.tasks.python import BaseOptions, vision

    frame_path = Path(job["frame"])
    if frame_path.suffix.lower() in (".mp4", ".mov", ".avi", ".mkv"):
        capture = cv2.VideoCapture(str(frame_path))
        bgr = None
        for _ in range(int(job["frame_index"]) + 1):
            ok, bgr = capture.read()
            if not ok:
                raise SystemExit(f"cannot read frame {job['frame_index']} of {frame_path}")
        capture.release()
    else:
        bgr = cv2.imread(str(frame_path))
    if bgr is None:
        raise SystemExit(f"cannot read {frame_path}")
    rgb = np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)

    def landmarks(bundle: str) -> Any:
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=bundle),
            running_mode=vision.RunningMode.IMAGE,
        )
        with vision.PoseLandmarker.create_from_options(options) as landmarker:
            result = landmarker.detect(image)
        if not result.pose_landmarks:
            return None
        return np.array([(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks[0]])

    built, reference = landmarks(job["built"]), landmarks(job["reference"])
    if built is None or reference is None:
        print(f"    person found: rebuilt {built is not None}, reference {reference is not None}")
        return
    difference = np.abs(built - reference)
    print(
        f"    max |difference| over 33 landmarks: x {difference[:, 0].max():.3g}, "
        f"y {difference[:, 1].max():.3g}, z {difference[:, 2].max():.3g}, "
        f"visibility {difference[:, 3].max():.3g}",
        flush=True,
    )


def verify_at_runtime(
    built: Path, reference: Path, project_python: Path, frame: Path, frame_index: int
) -> None:
    """Compare the landmarks of a rebuilt and a reference bundle with the project's mediapipe."""
    if not project_python.exists():
        log(f"  cannot verify at run time: {project_python} not found (make the project venv)")
        return
    job = {
        "built": str(built),
        "reference": str(reference),
        "frame": str(frame),
        "frame_index": frame_index,
    }
    log(
        f"  {built.name} vs {reference}: frame {frame.name}"
        + (f" #{frame_index}" if frame.suffix == ".mp4" else "")
    )
    result = subprocess.run(
        [str(project_python), str(Path(__file__).resolve()), "--_compare-job", json.dumps(job)],
        text=True,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-4000:])
        log("  the run-time comparison failed")
        return
    sys.stdout.write(result.stdout)


def reference_bundle(name: str) -> Path | None:
    """The bundle to compare a rebuilt one with: the shipped file, else ../shared/models."""
    for folder in (SHIPPED_DIR, SHARED_MODELS_DIR):
        if (folder / name).is_file():
            return folder / name
    return None


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        description="Rebuild the BlazePose GHUM .task bundles from mediapipe==0.10.21 (PyPI) "
        "and @mediapipe/pose (npm), and compare them with the shipped ones.",
    )
    parser.add_argument("--out", type=Path, help="folder for the bundles (default: a new temp one)")
    parser.add_argument("--heavy", action="store_true", help="also build the heavy bundle")
    parser.add_argument(
        "--install",
        action="store_true",
        help="copy the rebuilt lite and full bundles over the shipped ones",
    )
    parser.add_argument(
        "--allow-different",
        action="store_true",
        help="with --install: install even if the checksums differ from the recorded ones",
    )
    parser.add_argument("--keep-venv", action="store_true", help="keep the throw-away venv")
    parser.add_argument("--venv", type=Path, help="use (or create and keep) the venv at this path")
    parser.add_argument("--python", help="Python 3.11/3.12 for the venv (default: this one)")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="compare landmarks with the reference bundles even when the bytes are identical",
    )
    parser.add_argument(
        "--project-python",
        type=Path,
        default=PROJECT_ROOT / ".venv" / "bin" / "python",
        help="interpreter with the project's mediapipe, for the run-time check",
    )
    parser.add_argument(
        "--frame",
        type=Path,
        default=DEFAULT_VIDEO if DEFAULT_VIDEO.exists() else STORED_FRAME,
        help="video (frame --frame-index is used) or image for the run-time check",
    )
    parser.add_argument("--frame-index", type=int, default=DEFAULT_FRAME_INDEX)
    parser.add_argument("--_metadata-jobs", dest="metadata_jobs", help=argparse.SUPPRESS)
    parser.add_argument("--_compare-job", dest="compare_job", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Build the bundles, compare them, install them if asked; 0 when all are identical."""
    args = parse_args(argv)
    if args.metadata_jobs:  # inner step, run by the throw-away venv's interpreter
        write_metadata_jobs(json.loads(args.metadata_jobs))
        return 0
    if args.compare_job:  # inner step, run by the project venv's interpreter
        compare_landmarks_job(json.loads(args.compare_job))
        return 0
    if args.allow_different and not args.install:
        raise SystemExit("--allow-different only makes sense with --install")

    started = time.perf_counter()
    models = ["lite", "full"] + (["heavy"] if args.heavy else [])
    out_dir = (args.out or Path(tempfile.mkdtemp(prefix="kinesense-pose-models-"))).resolve()
    if out_dir == SHIPPED_DIR.resolve():
        raise SystemExit("--out must not be the shipped models folder; use --install instead")
    out_dir.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="kinesense-pose-build-"))
    raw_dir, member_dir = work_dir / "raw", work_dir / "members"
    raw_dir.mkdir()
    member_dir.mkdir()
    venv = (args.venv or work_dir / "venv").resolve()
    keep_venv = args.keep_venv or args.venv is not None
    log(f"building {', '.join(models)} into {out_dir}")
    log(f"work folder {work_dir}")

    try:
        with Step(f"1. throw-away venv with {MEDIAPIPE_REQUIREMENT} at {venv}"):
            python = prepare_venv(venv, find_build_python(args.python))
        with Step("2. raw models from the wheel and from npm " + NPM_PACKAGE):
            collect_wheel_models(python, raw_dir)
            collect_npm_models(work_dir, raw_dir)
            check_sources(raw_dir)
        with Step("3. TFLite metadata with mediapipe's metadata_writers (0.10.21)"):
            add_metadata(python, raw_dir, member_dir, models)
        with Step("4. stored (uncompressed) zip bundles"):
            built: dict[str, Path] = {}
            for model in models:
                target = out_dir / f"pose_landmarker_{model}.task"
                write_bundle(
                    target, member_dir / "detector.tflite", member_dir / f"{model}.tflite", model
                )
                built[model] = target
                log(f"  {target} ({target.stat().st_size} bytes)")
        with Step("5. comparison with the recorded checksums"):
            identical = {}
            for model, path in built.items():
                actual, expected = sha256_of(path), BUNDLE_SHA256[path.name]
                identical[model] = actual == expected
                verdict = "IDENTICAL" if identical[model] else f"DIFFERENT (expected {expected})"
                log(f"  {actual}  {path.name}  {verdict}")
            for model, path in built.items():
                if identical[model] and not args.verify:
                    continue
                reference = reference_bundle(path.name)
                if reference is None:
                    log(f"  no reference {path.name} to compare landmarks with")
                    continue
                verify_at_runtime(
                    path, reference, args.project_python, args.frame, args.frame_index
                )
    finally:
        shutil.rmtree(raw_dir, ignore_errors=True)
        shutil.rmtree(member_dir, ignore_errors=True)
        for tarball in work_dir.glob("*.tgz"):
            tarball.unlink()
        if keep_venv:
            log(f"\nkept the venv at {venv} (reuse it with --venv {venv})")
        else:
            shutil.rmtree(venv, ignore_errors=True)
        if not any(work_dir.iterdir()):
            work_dir.rmdir()

    all_identical = all(identical.values())
    log(
        "\nall bundles are byte-identical to the shipped/recorded ones"
        if all_identical
        else "\nSOME BUNDLES DIFFER from the recorded checksums (see above)"
    )
    if args.install:
        if not all_identical and not args.allow_different:
            raise SystemExit("not installing bundles that differ (add --allow-different)")
        for model in ("lite", "full"):
            target = SHIPPED_DIR / built[model].name
            partial = target.with_suffix(".partial")
            shutil.copyfile(built[model], partial)
            partial.replace(target)  # also replaces a read-only file, atomically
            log(f"installed {target}")
        if not all_identical:
            log(
                "update RECORDED_SHA256SUMS here and the checksums in tests/capture/"
                "test_shipped_models.py, then run scripts/make_model_regression_fixture.py"
            )
    log(f"bundles in {out_dir}; done in {time.perf_counter() - started:.0f} s")
    return 0 if all_identical else 1


if __name__ == "__main__":
    sys.exit(main())
