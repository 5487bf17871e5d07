"""From a video file to a :class:`~kinesense.series.PoseSeries`, in one process or several.

One process decodes in a background thread and runs the pose model in the main thread. With
``workers > 1`` the file is cut into contiguous runs of frames, one per process; each process
starts :data:`WARMUP_FRAMES` frames before its run so that tracking has settled when its run
begins, and those overlapping frames are used to check that neighbouring processes followed the
same person. Results are joined in frame order. When a boundary is not clean (frames not
adjacent after seeking, or another person chosen on one side), the file is analysed again in one
process and ``provenance.details["workers_fallback"]`` says why.
"""

import itertools
import multiprocessing
import queue
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kinesense.capture.follower import PersonFollower
from kinesense.capture.mediapipe_pose import preload
from kinesense.capture.models import DEFAULT_MODEL, model_file, model_label
from kinesense.capture.person import box_iou
from kinesense.capture.prefetch import prefetch
from kinesense.capture.recording import PoseRecording, analyse_frames, pose_series_from
from kinesense.capture.video import (
    FrameCounter,
    ProgressCallback,
    VideoFile,
    VideoInfo,
    probe_video,
)
from kinesense.errors import KinesenseError, NoPersonError
from kinesense.series import PoseSeries

WARMUP_FRAMES = 5
"""Frames a worker analyses before its run starts (tracking settles; identity is compared)."""

MIN_FRAMES_PER_WORKER = 60
"""Runs shorter than this are not worth a process of their own."""

TRUNCATION_SHARE = 0.98
"""A file whose decoded frames fall short of this share of the announced count is flagged."""

SAME_PERSON_MIN_IOU = 0.3
"""Box overlap above which two workers are taken to follow the same person at a boundary."""


@dataclass(frozen=True)
class ExtractionResult:
    """A video's pose series and how the extraction went.

    Attributes:
        series: the landmarks of the followed person, one row per decoded frame.
        processing_s: wall-clock seconds from opening the file to the finished series,
            model loading and worker start-up included (importing MediaPipe, done once per
            Python process, is not).
        workers: processes used.
    """

    series: PoseSeries
    processing_s: float
    workers: int

    @property
    def frames(self) -> int:
        """Frames decoded."""
        return len(self.series)

    @property
    def detected_frames(self) -> int:
        """Frames in which the followed person was found."""
        return self.series.n_detected

    @property
    def duration_s(self) -> float:
        """Duration of the video covered, in seconds (last minus first frame time + 1 frame)."""
        rate = self.series.frame_rate_hz
        return self.series.duration_s + (1.0 / rate if rate > 0 and self.frames else 0.0)

    @property
    def processing_fps(self) -> float:
        """Frames analysed per wall-clock second."""
        return self.frames / self.processing_s if self.processing_s > 0 else 0.0

    def summary(self) -> dict[str, Any]:
        """The figures scripts rely on, JSON-serialisable."""
        return {
            "frames": self.frames,
            "detected_frames": self.detected_frames,
            "duration_s": round(self.duration_s, 4),
            "processing_s": round(self.processing_s, 3),
            "processing_fps": round(self.processing_fps, 2),
            "workers": self.workers,
            "model": self.series.provenance.model,
            "camera_view": self.series.provenance.camera_view,
            "resolution": list(self.series.provenance.resolution or ()),
            "person_switches_s": list(self.series.provenance.details.get("person_switches_s", [])),
            "warnings": list(self.series.provenance.details.get("warnings", [])),
        }


def run_chunk(
    path: Path,
    model: str,
    start: int,
    stop: int | None,
    warmup: int,
    report: Callable[[int], None] | None = None,
    exact_seek: bool = False,
) -> PoseRecording:
    """Analyse frames ``start - warmup <= index < stop`` and keep those from ``start`` on."""
    with VideoFile(path) as video, PersonFollower(model) as follower:
        first = max(0, start - warmup)
        frames = prefetch(video.frames(first, stop, exact_seek=exact_seek))
        recording = analyse_frames(frames, follower, keep_from=start, report=report)
        recording.repaired_timestamps = video.repaired_timestamps
    return recording


def _worker_main(messages: Any, slot: int, args: tuple[Any, ...]) -> None:
    """Entry point of a worker process: run a chunk and send progress and the result."""
    try:
        path, model, start, stop, warmup, exact_seek = args
        result = run_chunk(
            path,
            model,
            start,
            stop,
            warmup,
            report=lambda n: messages.put(("progress", slot, n)),
            exact_seek=exact_seek,
        )
        messages.put(("done", slot, result))
    except KinesenseError as exc:
        messages.put(("error", slot, str(exc)))
    except BaseException:
        messages.put(("crash", slot, traceback.format_exc()))


def _split(frame_count: int, workers: int) -> list[tuple[int, int | None]]:
    """Contiguous runs ``[start, stop)`` covering the file; the last runs to the end."""
    bounds = np.linspace(0, frame_count, workers + 1).round().astype(int)
    runs: list[tuple[int, int | None]] = [
        (int(bounds[k]), int(bounds[k + 1])) for k in range(workers)
    ]
    runs[-1] = (runs[-1][0], None)
    return runs


def _run_parallel(
    path: Path,
    model: str,
    runs: list[tuple[int, int | None]],
    report: Callable[[int], None],
    exact_seek: bool = False,
) -> list[PoseRecording]:
    # Not "fork": a process that already runs threads (a web server's job runner, OpenCV's and
    # FFmpeg's decoding threads) can fork a child while one of them holds a lock the child then
    # waits on forever (seen: a worker stuck on an OpenCV mutex). A fork server forks from a
    # process of a single thread.
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    context: Any = multiprocessing.get_context(method)
    messages = context.Queue()
    processes = []
    for slot, (start, stop) in enumerate(runs):
        warmup = min(WARMUP_FRAMES, start)
        process = context.Process(
            target=_worker_main,
            args=(messages, slot, (path, model, start, stop, warmup, exact_seek)),
            name=f"kinesense-extract-{slot}",
            daemon=True,
        )
        process.start()
        processes.append(process)
    results: dict[int, PoseRecording] = {}
    try:
        while len(results) < len(runs):
            try:
                kind, slot, payload = messages.get(timeout=1.0)
            except queue.Empty:
                dead = [p for k, p in enumerate(processes) if k not in results and not p.is_alive()]
                if dead:
                    # A worker may have died after queueing its last message: drain first.
                    time.sleep(0.2)
                    if messages.empty():
                        raise RuntimeError(
                            f"extraction worker {dead[0].name} stopped with exit code "
                            f"{dead[0].exitcode} without a result"
                        ) from None
                continue
            if kind == "progress":
                report(payload)
            elif kind == "done":
                results[slot] = payload
            elif kind == "error":
                raise KinesenseError(payload)
            else:
                raise RuntimeError(f"extraction worker {slot} failed:\n{payload}")
    finally:
        for process in processes:
            if process.is_alive() and len(results) < len(runs):
                process.terminate()
            process.join(timeout=5)
    return [results[k] for k in range(len(runs))]


def _boundary_problems(chunks: list[PoseRecording]) -> tuple[list[str], list[float]]:
    """Check each boundary between runs: frame continuity and the same person on both sides.

    Returns (problems that make the join invalid, times where the followed person differs).
    """
    problems: list[str] = []
    identity_breaks: list[float] = []
    for before, after in itertools.pairwise(chunks):
        if not before.indices or not after.indices:
            continue
        if after.indices[0] != before.indices[-1] + 1:
            problems.append(f"frames {before.indices[-1]} and {after.indices[0]} are not adjacent")
            continue
        if after.times_s[0] <= before.times_s[-1]:
            problems.append(f"time does not increase across frame {after.indices[0]}")
            continue
        # The frames decoded by both workers must carry the same time stamps; a seek that
        # landed on another frame (seen at the joins of concatenated files) shows here.
        before_times = dict(zip(before.indices, before.times_s, strict=True))
        shared = [k for k in after.warmup_times_s if k in before_times]
        if any(abs(after.warmup_times_s[k] - before_times[k]) > 1e-6 for k in shared):
            problems.append(f"seeking to frame {after.indices[0]} is not frame-accurate")
            continue
        overlaps = []
        for k, box in after.boxes.items():
            earlier = before.boxes.get(k)
            if k < after.indices[0] and box is not None and earlier is not None:
                overlaps.append(box_iou(box, earlier))
        if overlaps and max(overlaps) < SAME_PERSON_MIN_IOU:
            identity_breaks.append(after.times_s[0])
    return problems, identity_breaks


def extract_video(
    path: str | Path,
    *,
    model: str = DEFAULT_MODEL,
    workers: int = 1,
    progress: ProgressCallback | None = None,
    require_person: bool = True,
) -> ExtractionResult:
    """Landmarks of the person in a video file.

    Args:
        path: the video.
        model: ``"full"`` (default), ``"lite"`` or a ``.task`` path. Never mix models in one
            analysis: their world coordinates differ in scale.
        workers: processes to split the video across (capped so each gets at least
            :data:`MIN_FRAMES_PER_WORKER` frames).
        progress: called with (frames done, frames expected).
        require_person: raise :class:`NoPersonError` when nobody is found in any frame.

    Raises:
        InputFileError: missing, unreadable or corrupt video.
        NoPersonError: nobody in view (with ``require_person``).
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1; got {workers}")
    model_file(model)  # fail early, in this process, on a bad model name
    # Import MediaPipe before the clock starts, as the benchmark's bare loop does: importing
    # is part of starting Python (about 0.4 s here), not of analysing this video. Worker
    # processes forked later inherit it.
    preload()
    started = time.perf_counter()
    info = probe_video(path)
    report = FrameCounter(info.frame_count, progress)

    workers_used = min(workers, max(1, info.frame_count // MIN_FRAMES_PER_WORKER))
    notes: dict[str, Any] = {}
    if workers_used > 1:
        runs = _split(info.frame_count, workers_used)
        chunks = _run_parallel(info.path, model, runs, report)
        problems, identity_breaks = _boundary_problems(chunks)
        if problems and not identity_breaks:
            # Seeking through the index went wrong: reach each start by decoding instead.
            notes["exact_seek"] = "; ".join(problems)
            report.done = 0
            chunks = _run_parallel(info.path, model, runs, report, exact_seek=True)
            problems, identity_breaks = _boundary_problems(chunks)
        problems += [f"another person was chosen at {t:.2f} s" for t in identity_breaks]
        if problems:
            # Correctness first: analyse the whole file again in one process.
            notes["workers_fallback"] = "; ".join(problems)
            workers_used, report.done = 1, 0
    if workers_used == 1:
        chunks = [run_chunk(info.path, model, 0, None, 0, report)]
    decoded = sum(len(chunk.indices) for chunk in chunks)
    if info.frame_count > 0 and decoded < TRUNCATION_SHARE * info.frame_count - 1:
        notes["warnings"] = [
            f"decoded {decoded} of the {info.frame_count} frames the file announces: "
            "it may be cut short or damaged"
        ]
    series = _assemble(info, model, chunks, workers_used, notes)
    if require_person and series.n_detected == 0:
        raise NoPersonError(f"no person found in {info.path} ({len(series)} frames analysed)")
    return ExtractionResult(series, time.perf_counter() - started, workers_used)


def _assemble(
    info: VideoInfo,
    model: str,
    recordings: list[PoseRecording],
    workers: int,
    notes: dict[str, Any],
) -> PoseSeries:
    details = {
        "rotation_deg": info.rotation_deg,
        "codec": info.codec,
        "video_fps": info.fps,
        "workers": workers,
        **notes,
    }
    return pose_series_from(
        recordings,
        resolution=(info.width, info.height),
        frame_rate_hz=info.fps,
        source=str(info.path),
        reader="video",
        model_name=model_label(model),
        details=details,
    )
