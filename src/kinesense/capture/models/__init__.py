"""The BlazePose GHUM pose models shipped inside kinesense (see NOTICE and LICENSE here).

Nothing is ever downloaded: the lite and full bundles are package data; the heavy bundle is
optional and given as a path by the user.
"""

from importlib import resources
from pathlib import Path

from kinesense.errors import InputFileError

SHIPPED_MODELS: tuple[str, ...] = ("full", "lite")
DEFAULT_MODEL = "full"


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
    if not path.is_file():
        raise InputFileError(f"pose model file not found: {path}")
    return path


def model_label(model: str) -> str:
    """Short name of a model for provenance, e.g. ``"blazepose-full"`` or the file's stem."""
    if model in SHIPPED_MODELS:
        return f"blazepose-{model}"
    stem = Path(model).stem
    return stem.replace("pose_landmarker_", "blazepose-")
