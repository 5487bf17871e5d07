"""Turning a stream of frames into a pose series: shared by files, workers and live cameras."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kinesense.capture.estimator import PoseDetection
from kinesense.capture.follower import PersonFollower
from kinesense.capture.person import Box
from kinesense.capture.video import Frame
from kinesense.capture.view import classify_view
from kinesense.landmarks import N_LANDMARKS
from kinesense.series import PoseSeries, Provenance

REPORT_EVERY = 10
"""Frames between two progress reports."""


@dataclass
class PoseRecording:
    """Per-frame results of one run of frames, in frame order."""

    indices: list[int] = field(default_factory=list)
    times_s: list[float] = field(default_factory=list)
    image: list[NDArray[np.float64]] = field(default_factory=list)
    world: list[NDArray[np.float64]] = field(default_factory=list)
    visibility: list[NDArray[np.float64]] = field(default_factory=list)
    detected: list[bool] = field(default_factory=list)
    boxes: dict[int, Box | None] = field(default_factory=dict)
    warmup_times_s: dict[int, float] = field(default_factory=dict)
    switch_times_s: list[float] = field(default_factory=list)
    multi_person_checks: int = 0
    repaired_timestamps: int = 0

    def add(self, index: int, time_s: float, detection: PoseDetection | None) -> None:
        """Append one frame's result (``None``: the person was not found)."""
        self.indices.append(index)
        self.times_s.append(time_s)
        self.detected.append(detection is not None)
        if detection is None:
            self.image.append(np.full((N_LANDMARKS, 3), np.nan))
            self.world.append(np.full((N_LANDMARKS, 3), np.nan))
            self.visibility.append(np.zeros(N_LANDMARKS))
        else:
            self.image.append(detection.image_xyz)
            self.world.append(detection.world_xyz_m)
            self.visibility.append(detection.visibility)


def analyse_frames(
    frames: Iterable[Frame],
    follower: PersonFollower,
    *,
    keep_from: int = 0,
    report: Callable[[int], None] | None = None,
    on_frame: Callable[[Frame, PoseDetection | None], None] | None = None,
) -> PoseRecording:
    """Run ``follower`` on every frame; keep the results of frames with ``index >= keep_from``.

    Frames before ``keep_from`` only warm the tracker up (their boxes and time stamps are
    kept, to check identities and seeking between workers). ``report`` receives counts of
    frames done; ``on_frame`` sees each frame with its detection (for live display).
    """
    recording = PoseRecording()
    pending = 0
    for frame in frames:
        detection = follower.process(frame.rgb, frame.time_s)
        recording.boxes[frame.index] = follower.last_box if detection is not None else None
        if on_frame is not None:
            on_frame(frame, detection)
        if frame.index < keep_from:
            recording.warmup_times_s[frame.index] = frame.time_s
            continue
        recording.add(frame.index, frame.time_s, detection)
        pending += 1
        if report is not None and pending >= REPORT_EVERY:
            report(pending)
            pending = 0
    if report is not None and pending:
        report(pending)
    recording.switch_times_s = follower.switch_times_s
    recording.multi_person_checks = follower.counters.multi_person_checks
    return recording


def pose_series_from(
    recordings: Sequence[PoseRecording],
    *,
    resolution: tuple[int, int],
    frame_rate_hz: float,
    source: str,
    reader: str,
    model_name: str,
    details: dict[str, Any],
) -> PoseSeries:
    """Join recordings (in order) into one :class:`PoseSeries`, classifying the camera view."""

    def stack(name: str, shape: tuple[int, ...]) -> NDArray[np.float64]:
        rows = [row for recording in recordings for row in getattr(recording, name)]
        return np.array(rows, dtype=np.float64).reshape((len(rows), *shape))

    detected = np.array([d for r in recordings for d in r.detected], dtype=bool)
    image = stack("image", (N_LANDMARKS, 3))
    visibility = stack("visibility", (N_LANDMARKS,))
    all_details = {
        "person_switches_s": sorted({t for r in recordings for t in r.switch_times_s}),
        "multi_person_checks": sum(r.multi_person_checks for r in recordings),
        "repaired_timestamps": sum(r.repaired_timestamps for r in recordings),
        **details,
    }
    provenance = Provenance(
        source=source,
        reader=reader,
        model=model_name,
        resolution=resolution,
        camera_view=classify_view(image[detected], visibility[detected], resolution),
        details=all_details,
    )
    return PoseSeries(
        time_s=stack("times_s", ()),
        image_xyz=image,
        world_xyz_m=stack("world", (N_LANDMARKS, 3)),
        visibility=visibility,
        detected=detected,
        frame_rate_hz=frame_rate_hz,
        provenance=provenance,
    )
