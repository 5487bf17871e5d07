"""Load any recording as the series a test needs: a video (landmarks found by the pose model, or
the head's orientation found by the face model), a saved series, another tool's keypoints
(OpenPose, TRC, C3D), a motion-sensor CSV or a force-plate CSV.

Every function takes the path and the reading options and returns a typed series; a file that is
missing, unreadable or of another kind is a one-line :class:`kinesense.errors.InputFileError`.
Long work reports through ``progress(done, total)`` (frames analysed, frames expected); the
caller decides how to show it. Nothing here prints.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kinesense.assess.spec import SeriesKind
from kinesense.errors import InputFileError
from kinesense.series import CopSeries, HeadSeries, MotionSeries, PoseSeries

Progress = Callable[[int, int], None]
"""Called with (frames done, frames expected) during a video's analysis."""

KIND_OF_FORMAT: dict[str, SeriesKind] = {
    "video": "pose",
    "openpose": "pose",
    "trc": "pose",
    "c3d": "pose",
    "imu-csv": "motion",
    "cop-csv": "cop",
}
KIND_OF_SERIES: dict[type, SeriesKind] = {PoseSeries: "pose", MotionSeries: "motion",
                                          CopSeries: "cop", HeadSeries: "head"}  # fmt: skip
SERIES_SUFFIX = ".npz"
"""A series saved by kinesense (``kinesense extract``, ``series.save``)."""


@dataclass(frozen=True)
class CopColumns:
    """How a force-plate CSV is read: the CoP and vertical force columns and the CoP unit, each
    None when not given (the reader then decides from the file:
    :func:`kinesense.capture.readers.read_cop_csv`)."""

    ml_column: str | None = None
    ap_column: str | None = None
    force_column: str | None = None
    units: str | None = None


DEFAULT_COLUMNS = CopColumns()


@dataclass(frozen=True)
class ReadingOptions:
    """The source options of a recording.

    Attributes:
        cop: force-plate CSV columns and unit.
        placement: where a motion sensor was worn (None: the reader's default).
        model: the pose model for videos (``full``, ``lite`` or a ``.task`` file).
    """

    cop: CopColumns = DEFAULT_COLUMNS
    placement: str | None = None
    model: str = "full"


DEFAULT_READING = ReadingOptions()


def _check_exists(path: Path) -> Path:
    target = Path(path).expanduser()
    if not target.exists():
        raise InputFileError(f"file not found: {target}")
    return target


def _format_of(path: Path) -> str:
    from kinesense.capture.readers.detect import detect_format

    return detect_format(path)


def kind_of(path: Path) -> SeriesKind:
    """The kind of series a file holds (from its format; a saved series from its content)."""
    fmt = _format_of(_check_exists(path))
    if fmt == "series":
        from kinesense.series import load_series

        return KIND_OF_SERIES[type(load_series(path))]
    if fmt not in KIND_OF_FORMAT:
        raise InputFileError(f"{path}: a {fmt} file is not a recording kinesense can assess")
    return KIND_OF_FORMAT[fmt]


def load_pose(path: Path, *, model: str = "full", progress: Progress | None = None) -> PoseSeries:
    """Landmarks from a video (the pose model runs, reporting ``progress``), a saved series or
    another tool's keypoint file (OpenPose, TRC, C3D)."""
    target = _check_exists(path)
    if _format_of(target) == "video":
        from kinesense.capture.extract import extract_video

        return extract_video(target, model=model, progress=progress).series
    from kinesense.capture.readers.detect import read_any

    series = read_any(target)
    if not isinstance(series, PoseSeries):
        raise InputFileError(f"{path} holds no body landmarks (it is a {series.KIND} recording)")
    return series


def load_head(path: Path, *, progress: Progress | None = None) -> HeadSeries:
    """The head's orientation from a video of the person facing the camera (the face model
    runs, reporting ``progress``) or from a saved head series (``.npz``)."""
    target = _check_exists(path)
    if _format_of(target) == "video":
        from kinesense.capture.head_extract import extract_head

        return extract_head(target, progress=progress).series
    if target.suffix == SERIES_SUFFIX:
        from kinesense.series import load_series

        series = load_series(target)
        if isinstance(series, HeadSeries):
            return series
    raise InputFileError(f"{path} holds no head orientation: give a video of the face")


def load_motion(path: Path, *, placement: str | None = None) -> MotionSeries:
    """A motion-sensor recording (IMU or phone CSV, or a saved ``.npz`` series), its placement
    set when given. The CSV reader recognises the format from the header."""
    target = _check_exists(path)
    if target.suffix == SERIES_SUFFIX:
        from kinesense.series import load_series

        series = load_series(target)
        if not isinstance(series, MotionSeries):
            raise InputFileError(f"{path} is not an IMU recording")
        return series if placement is None else series.replace(placement=placement)
    from kinesense.capture.readers import read_imu_csv

    return read_imu_csv(target) if placement is None else read_imu_csv(target, placement=placement)


def load_cop(path: Path, *, columns: CopColumns = DEFAULT_COLUMNS) -> CopSeries:
    """A force-plate recording (CSV read with ``columns``, or a saved ``.npz`` series); the
    columns are taken as given, without guessing the format."""
    target = _check_exists(path)
    if target.suffix == SERIES_SUFFIX:
        from kinesense.series import load_series

        series = load_series(target)
        if not isinstance(series, CopSeries):
            raise InputFileError(f"{path} is not a force-plate recording")
        return series
    from kinesense.capture.readers import read_cop_csv

    return read_cop_csv(
        target,
        ml_column=columns.ml_column,
        ap_column=columns.ap_column,
        force_column=columns.force_column,
        units=columns.units,
    )


def load_recording(
    path: Path,
    kind: SeriesKind | Literal["auto"] = "auto",
    options: ReadingOptions = DEFAULT_READING,
    progress: Progress | None = None,
) -> PoseSeries | MotionSeries | CopSeries:
    """The recording at ``path`` as a series of ``kind`` (``auto``: from the file); a head
    series is loaded by :func:`load_head`."""
    wanted = kind_of(path) if kind == "auto" else kind
    if wanted == "cop":
        return load_cop(path, columns=options.cop)
    if wanted == "motion":
        return load_motion(path, placement=options.placement)
    return load_pose(path, model=options.model, progress=progress)
