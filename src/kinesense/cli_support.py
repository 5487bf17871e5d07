"""What every command shares: one-line errors, JSON output, common options."""

import functools
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from kinesense.errors import InputFileError, KinesenseError

if TYPE_CHECKING:
    from kinesense.series import PoseSeries

P = ParamSpec("P")
R = TypeVar("R")
USER_ERROR_EXIT = 2


def user_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`KinesenseError` into a one-line message and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except KinesenseError as exc:
            Console(stderr=True).print(
                f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(USER_ERROR_EXIT) from None
        except KeyboardInterrupt:
            Console(stderr=True).print("interrupted")
            raise typer.Exit(130) from None

    return wrapper


def to_plain_json(value: Any) -> Any:
    """``value`` with numpy numbers made Python numbers and NaN or infinity made ``None``."""
    if isinstance(value, dict):
        return {str(k): to_plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain_json(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return to_plain_json(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def print_json(data: Any) -> None:
    """Print ``data`` as one line of strict JSON (no NaN) on stdout."""
    sys.stdout.write(json.dumps(to_plain_json(data), allow_nan=False) + "\n")


ModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        "-m",
        help="Pose model: 'full' (default, for measurement), 'lite' (faster) or a .task file.",
    ),
]
WorkersOption = Annotated[
    int, typer.Option("--workers", "-w", min=1, help="Processes to split a long video across.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


def load_pose(path: Path, *, model: str = "full", show_progress: bool = True) -> "PoseSeries":
    """Landmarks from a video (extracted with a progress bar on a terminal), a saved series or
    another tool's keypoint file (OpenPose, TRC, C3D).

    The pose model's native log lines are kept off the terminal; a file that holds no body
    landmarks gives a one-line :class:`InputFileError`.
    """
    from kinesense.capture.readers.detect import detect_format, read_any
    from kinesense.series import PoseSeries

    if detect_format(path) == "video":
        from kinesense.capture.extract import extract_video
        from kinesense.progress import frame_progress

        with frame_progress("Finding the person", enabled=show_progress) as (_, advance):
            return extract_video(path, model=model, progress=advance).series
    series = read_any(path)
    if not isinstance(series, PoseSeries):
        raise InputFileError(f"{path} holds no body landmarks (it is a {series.KIND} recording)")
    return series
