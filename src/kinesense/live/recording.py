"""Frames of a guided live test accumulated into the :class:`~kinesense.series.PoseSeries` the
video path makes.

The frames are the coaching socket's :class:`~kinesense.live.protocol.FrameMessage` (``t`` in
whole milliseconds on the client's clock, ``lm`` 33 x 4 normalised landmarks, ``wl`` world
landmarks in metres). :class:`LiveRecording` turns each into the
:class:`~kinesense.capture.estimator.PoseDetection` the live coach reads
(:func:`kinesense.live.session.detection_of`), keeps it in the
:class:`~kinesense.capture.recording.PoseRecording` that video files and cameras fill, and
joins them with :func:`~kinesense.capture.recording.pose_series_from`: the same constructor,
units (times in seconds from the first frame kept, image coordinates normalised, world ones in
metres), resolution and camera-view classification as ``kinesense extract``. The frame rate is
measured from the times, as :func:`kinesense.capture.live.record_camera` measures a camera's,
but as the mean rate over the recording: times rounded to whole milliseconds make the median
step of a 60 Hz camera 17 ms (58.8 Hz).
The series then passes the plausibility checks every file reader applies
(:func:`kinesense.series.plausibility.check_pose`): refused when it cannot come from a person,
flagged otherwise.

Fields of a frame other than the pose (``seq``, ``t``, ``lm``, ``wl``, ``luma``) are kept as
they came, one dict a frame in :attr:`LiveRecording.extras` (a face matrix, for example), so
that a recorder for another series kind can read them without this module naming them.

Bounds: at most :data:`MAX_FRAMES` frames and :data:`MAX_DURATION_S` seconds; a recording is
:attr:`~LiveRecording.full` beyond either and takes no more frames.
"""

from dataclasses import dataclass, field
from typing import Any

from kinesense.capture.models import model_label
from kinesense.capture.recording import PoseRecording, pose_series_from
from kinesense.errors import NoPersonError
from kinesense.live.protocol import CLOSE_OUT_OF_ORDER, FrameMessage, ProtocolError
from kinesense.live.session import detection_of
from kinesense.series import PoseSeries
from kinesense.series.plausibility import check_pose, refuse_or_flag

MAX_DURATION_S = 120.0
"""Longest guided recording, in seconds (the longest guided test lasts 60 s)."""
MAX_FRAMES = int(MAX_DURATION_S * 60)
"""Most frames kept: two minutes at 60 frames a second (about 4 MB of landmarks)."""
SOURCE = "browser:guided"
"""The ``source`` of a guided live recording."""
READER = "browser"
"""The ``reader`` of a guided live recording: landmarks found by the browser's pose model."""
POSE_FIELDS = frozenset({"type", "seq", "t", "lm", "wl", "luma"})
"""The fields of a frame message that make the pose series; any other is kept in ``extras``."""


def is_new(frame: FrameMessage, last_seq: int, last_t_ms: int | None) -> bool:
    """Whether ``frame`` follows the frames applied so far (False: its ``seq`` was applied
    already, a client resending after a dropped connection).

    Raises:
        ProtocolError: a new frame whose time does not increase (close code 4409).
    """
    if frame.seq <= last_seq:
        return False
    if last_t_ms is not None and frame.t <= last_t_ms:
        raise ProtocolError(
            f"frame {frame.seq}: time {frame.t} ms does not follow {last_t_ms} ms",
            CLOSE_OUT_OF_ORDER,
        )
    return True


@dataclass
class LiveRecording:
    """The frames of one guided recording, in ``seq`` order.

    Args:
        resolution: (width, height) of the client's frames, pixels.
        model: the pose model the client runs (``"lite"``, ``"full"``).
        source: the series' ``provenance.source``.
    """

    resolution: tuple[int, int]
    model: str = "lite"
    source: str = SOURCE
    frames: PoseRecording = field(default_factory=PoseRecording)
    extras: list[dict[str, Any]] = field(default_factory=list)
    first_t_ms: int | None = None
    last_seq: int = -1
    last_t_ms: int | None = None

    def __len__(self) -> int:
        return len(self.frames.times_s)

    @property
    def duration_s(self) -> float:
        """Seconds from the first frame kept to the last."""
        return self.frames.times_s[-1] if self.frames.times_s else 0.0

    @property
    def full(self) -> bool:
        """Whether the recording holds :data:`MAX_FRAMES` frames or :data:`MAX_DURATION_S`."""
        return len(self) >= MAX_FRAMES or self.duration_s >= MAX_DURATION_S

    def add(self, frame: FrameMessage) -> bool:
        """Keep one frame; False when it was not kept (already kept: a resent ``seq``; or the
        recording is :attr:`full`).

        Raises:
            ProtocolError: the frame's time does not increase (close code 4409).
        """
        if not is_new(frame, self.last_seq, self.last_t_ms) or self.full:
            return False
        if self.first_t_ms is None:
            self.first_t_ms = frame.t
        self.frames.add(frame.seq, (frame.t - self.first_t_ms) / 1000.0, detection_of(frame))
        self.extras.append(frame.model_dump(exclude=set(POSE_FIELDS), exclude_none=True))
        self.last_seq, self.last_t_ms = frame.seq, frame.t
        return True

    def series(self) -> PoseSeries:
        """The landmarks as a :class:`PoseSeries`, checked for plausibility.

        Raises:
            NoPersonError: no frame, or nobody found in any.
            ImplausibleRecordingError: landmarks that cannot come from a person.
        """
        if not self.frames.detected or not any(self.frames.detected):
            raise NoPersonError(
                f"nobody was seen in the {len(self)} frames recorded: stand where the camera "
                "sees all of you and start again"
            )
        series = pose_series_from(
            [self.frames], resolution=self.resolution, frame_rate_hz=0.0, source=self.source,
            reader=READER, model_name=model_label(self.model), details={"frames": len(self)},
        )  # fmt: skip
        if len(series) > 1 and series.duration_s > 0:
            rate = (len(series) - 1) / series.duration_s
            series = series.replace(frame_rate_hz=round(rate, 3))
        return refuse_or_flag(series, check_pose(series))
