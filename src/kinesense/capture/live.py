"""Recording landmarks from a live camera, with the same per-frame code as video files."""

import itertools
import time
from collections.abc import Callable, Iterator

from kinesense.capture.camera import Camera
from kinesense.capture.estimator import PoseDetection
from kinesense.capture.follower import PersonFollower
from kinesense.capture.models import DEFAULT_MODEL, model_file
from kinesense.capture.recording import analyse_frames, pose_series_from
from kinesense.capture.video import Frame
from kinesense.errors import NoPersonError
from kinesense.series import PoseSeries


def _until(frames: Iterator[Frame], duration_s: float) -> Iterator[Frame]:
    deadline = time.monotonic() + duration_s
    return itertools.takewhile(lambda _: time.monotonic() < deadline, frames)


def record_camera(
    camera: int | str = 0,
    *,
    duration_s: float = 10.0,
    model: str = DEFAULT_MODEL,
    on_frame: Callable[[Frame, PoseDetection | None], None] | None = None,
    require_person: bool = True,
) -> PoseSeries:
    """Landmarks of the person in front of a camera for ``duration_s`` seconds.

    Frames are analysed as they arrive (no decoding ahead: a live stream cannot run ahead);
    ``on_frame`` sees each frame and its detection, e.g. to draw a preview.

    Raises:
        InputFileError: the camera cannot be opened.
        NoPersonError: nobody was seen (with ``require_person``).
    """
    if duration_s <= 0:
        raise ValueError(f"duration_s must be greater than zero; got {duration_s}")
    model_file(model)
    with Camera(camera) as cam, PersonFollower(model) as follower:
        recording = analyse_frames(_until(cam.frames(), duration_s), follower, on_frame=on_frame)
        series = pose_series_from(
            [recording],
            resolution=(cam.width, cam.height),
            frame_rate_hz=0.0,
            source=f"camera:{camera}",
            reader="camera",
            model_name=follower.model_name,
            details={},
        )
    if len(series) > 1:
        series = series.replace(frame_rate_hz=round(series.sampling_rate_hz, 3))
    if require_person and series.n_detected == 0:
        raise NoPersonError(f"nobody was seen by camera {camera} in {duration_s:g} s")
    return series
