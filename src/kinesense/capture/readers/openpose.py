"""A folder of OpenPose per-frame JSON files to a 2D :class:`PoseSeries`.

Format (CMU OpenPose documentation, ``doc/02_output.md`` / ``doc/output.md``, "JSON Output
Format"): one file per frame, written by ``--write_json``, named ``<video>_<12-digit frame
number>_keypoints.json`` (Pose2Sim writes ``cam01.0000.json``); each holds
``{"version": ..., "people": [{"pose_keypoints_2d": [x1, y1, c1, x2, y2, c2, ...], ...}]}`` with
``x, y`` in pixels of the source image (the default ``--keypoint_scale 0``) and ``c`` the
confidence in [0, 1]; a keypoint that was not found is ``0, 0, 0``. Version 1.0 files call the
array ``pose_keypoints``; both are read.

* Files are ordered by the frame number in their name (the last group of digits) and frame ``k``
  is at ``k / frame_rate_hz`` seconds.
* Keypoints are mapped onto BlazePose landmarks by name (:mod:`kinesense.landmarks`); image
  coordinates are divided by the frame width and height, z is NaN (2D), confidence becomes
  visibility, and confidence 0 means missing (NaN). ``world_xyz_m`` is NaN.
* Several people in a frame: one person is followed with
  :class:`kinesense.capture.person.PersonTracker`; the times at which only somebody else was
  found are in ``provenance.details["person_switches_s"]``. A frame with nobody (or only other
  people) is not detected.
* Layout: 18 keypoints is COCO; 25 is BODY_25 or BODY_25B, told apart by :func:`guess_layout`
  unless ``layout`` is given.
* Resolution: given, else read from the video beside the folder (:func:`find_video`), else
  :class:`InputFileError`. Files whose confident coordinates all lie in [0, 1] were written with a
  normalising ``--keypoint_scale`` and need no resolution.
"""

import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kinesense._checks import check_input_dir, check_option, check_positive
from kinesense.arrays import FloatArray
from kinesense.capture.person import PersonTracker, landmark_box
from kinesense.capture.readers._bounded import files_in
from kinesense.capture.readers.limits import MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_JSON_FILES
from kinesense.capture.video import VideoFile
from kinesense.errors import InputFileError, UnsupportedFormatError
from kinesense.landmarks import BLAZEPOSE_LANDMARKS, OPENPOSE_LAYOUTS, mapping_to_blazepose
from kinesense.safe_json import load_json_file
from kinesense.series import PoseSeries, Provenance
from kinesense.series.plausibility import check_pose, refuse_or_flag

VIDEO_SUFFIXES = (".mp4", ".avi", ".mov", ".mkv", ".m4v", ".webm")
DEFAULT_FRAME_RATE_HZ = 30.0
"""Frame rate assumed when neither the caller nor a video beside the folder gives one."""

MAX_FRAME_NUMBER = 10**9
"""Largest frame number read from a file name (about a year at 30 frames/s)."""

FOLDER_SUFFIXES = ("_openpose", "-openpose", "_json", "-json", "_keypoints", "-keypoints")
"""Suffixes removed from the folder name to find the video it was made from."""


@dataclass(frozen=True)
class _FrameFile:
    number: int
    path: Path
    people: list[FloatArray]  # each (K, 3): x px, y px, confidence


def read_openpose(
    folder: str | Path,
    *,
    layout: str | None = None,
    frame_rate_hz: float | None = None,
    resolution: tuple[int, int] | None = None,
) -> PoseSeries:
    """Read a folder of OpenPose JSON files (see the module docstring for the format).

    Args:
        folder: the folder holding one ``.json`` file per frame.
        layout: ``"BODY_25"``, ``"BODY_25B"`` or ``"COCO"``; guessed when ``None``.
        frame_rate_hz: frame rate of the video the keypoints come from, in Hz. When ``None``,
            the rate of the video found beside the folder, else :data:`DEFAULT_FRAME_RATE_HZ`
            (noted in ``provenance.details["frame_rate_note"]``). A rate given that differs
            from the video's is used as given and the mismatch noted.
        resolution: ``(width, height)`` in pixels of the frames OpenPose analysed; looked up
            from the video beside the folder when ``None``.

    Raises:
        InputFileError: missing folder, no JSON files, unreadable JSON, inconsistent keypoint
            counts, resolution unknown, no person in any frame.
        UnsupportedFormatError: a keypoint count that is none of the known layouts.
    """
    directory = check_input_dir(folder, "OpenPose folder")
    rate = None if frame_rate_hz is None else check_positive("frame_rate_hz", frame_rate_hz)
    if layout is not None:
        layout = check_option("layout", layout.upper(), OPENPOSE_LAYOUTS)
    frames = _load_frames(directory)
    n_keypoints = _keypoint_count(frames, directory)
    details: dict[str, Any] = {"json_files": len(frames)}
    if layout is None:
        layout = guess_layout([p for f in frames for p in f.people], n_keypoints, directory)
        details["layout_source"] = "guessed (see kinesense.capture.readers.openpose.guess_layout)"
    else:
        details["layout_source"] = "given"
        expected = len(OPENPOSE_LAYOUTS[layout])
        if expected != n_keypoints:
            raise InputFileError(
                f"{directory}: layout {layout} has {expected} keypoints but the files hold "
                f"{n_keypoints}"
            )
    size, size_note = _resolve_size(directory, frames, resolution)
    details.update(size_note)
    video_rate = float(size_note.get("video_frame_rate_hz", 0.0))
    if rate is None:
        if video_rate > 0:
            rate = video_rate
        else:
            rate = DEFAULT_FRAME_RATE_HZ
            details["frame_rate_note"] = (
                f"no video beside the folder: times assume {rate:g} frames/s "
                "(pass frame_rate_hz to set it)"
            )
    elif video_rate > 0 and abs(video_rate - rate) > 0.01 * video_rate:
        details["frame_rate_note"] = (
            f"frame_rate_hz={rate:g} but the video runs at {video_rate:g} Hz; times assume {rate:g}"
        )
    names = OPENPOSE_LAYOUTS[layout]
    series = _assemble(frames, names, size, rate)
    mapping = mapping_to_blazepose(list(names))
    details.update(
        layout=layout,
        unmapped_keypoints=[n for i, n in enumerate(names) if i not in mapping],
        **series.provenance.details,
    )
    if series.n_detected == 0:
        raise InputFileError(f"{directory}: nobody was detected in any of the {len(frames)} frames")
    series = series.replace(
        provenance=Provenance(
            source=str(directory),
            reader="openpose",
            model=f"openpose-{layout.lower()}",
            resolution=(int(size[0]), int(size[1])) if size != (1.0, 1.0) else None,
            details=details,
        )
    )
    return refuse_or_flag(series, check_pose(series))


def guess_layout(people: list[FloatArray], n_keypoints: int, source: str | Path = "") -> str:
    """Guess the OpenPose layout from the keypoint count and, for 25 keypoints, the geometry.

    18 keypoints is ``"COCO"``. With 25, BODY_25 has the Neck at index 1, between the shoulders
    at indices 2 and 5, whereas BODY_25B has the left eye at index 1, next to the nose at index 0
    (and eyes, not shoulders, at index 2). Each person with points 0, 1, 2 and 5 found votes
    BODY_25 when point 1 is closer to the midpoint of points 2 and 5 than to point 0, BODY_25B
    otherwise; the majority wins. Pass ``layout`` explicitly to override.

    Raises:
        UnsupportedFormatError: a count other than 18 or 25.
        InputFileError: 25 keypoints but no person with the four points needed to vote.
    """
    if n_keypoints == len(OPENPOSE_LAYOUTS["COCO"]):
        return "COCO"
    if n_keypoints != len(OPENPOSE_LAYOUTS["BODY_25"]):
        raise UnsupportedFormatError(
            f"{source}: {n_keypoints} keypoints per person is not an OpenPose body layout "
            "(BODY_25 and BODY_25B have 25, COCO 18)"
        )
    votes = {"BODY_25": 0, "BODY_25B": 0}
    for kp in people:
        if np.any(kp[[0, 1, 2, 5], 2] <= 0):
            continue
        p0, p1, p2, p5 = kp[0, :2], kp[1, :2], kp[2, :2], kp[5, :2]
        to_mid = float(np.linalg.norm(p1 - (p2 + p5) / 2))
        to_nose = float(np.linalg.norm(p1 - p0))
        votes["BODY_25" if to_mid < to_nose else "BODY_25B"] += 1
    if votes["BODY_25"] == votes["BODY_25B"]:
        raise InputFileError(
            f"{source}: cannot tell BODY_25 from BODY_25B (votes {votes}); pass layout='BODY_25' "
            "or layout='BODY_25B'"
        )
    return max(votes, key=lambda k: votes[k])


def find_video(folder: Path) -> Path | None:
    """The video a keypoint folder was made from, or ``None``.

    For a folder ``X_openpose`` (or ``X_json``, ``X_keypoints``, or plain ``X``), looks for
    ``X.mp4`` / ``.avi`` / ``.mov`` / ``.mkv`` / ``.m4v`` / ``.webm`` in the folder's parent, in a
    ``video/`` or ``videos/`` folder inside that parent, and in a ``video/`` or ``videos/``
    folder beside the parent (the layout of ``../shared/data``: ``keypoints/`` and ``video/``).
    """
    name = folder.name
    stems = [name[: -len(s)] for s in FOLDER_SUFFIXES if name.lower().endswith(s)] + [name]
    parent = folder.parent
    places = [parent] + [
        base / sub for base in (parent, parent.parent) for sub in ("video", "videos")
    ]
    for place in places:
        for stem in stems:
            for suffix in VIDEO_SUFFIXES:
                for variant in (suffix, suffix.upper()):
                    candidate = place / f"{stem}{variant}"
                    if candidate.is_file():
                        return candidate
    return None


def _frame_number(path: Path) -> int:
    groups = re.findall(r"\d+", path.stem)
    if not groups:
        raise InputFileError(f"cannot tell the frame number of {path.name} (no digits in the name)")
    digits = groups[-1].lstrip("0") or "0"
    if len(digits) > len(str(MAX_FRAME_NUMBER)) or int(digits) > MAX_FRAME_NUMBER:
        raise InputFileError(
            f"{path.name}: frame number {digits[:20]} is larger than {MAX_FRAME_NUMBER}"
        )
    return int(digits)


def _load_frames(directory: Path) -> list[_FrameFile]:
    files = files_in(
        directory,
        lambda entry: entry.suffix.lower() == ".json" and entry.is_file(),
        MAX_JSON_FILES,
        f"{directory} holds more than {MAX_JSON_FILES} JSON files; give one recording's folder",
    )
    if not files:
        raise InputFileError(f"no OpenPose .json files in {directory}")
    frames = sorted((_read_frame(p) for p in files), key=lambda f: f.number)
    for before, after in itertools.pairwise(frames):
        if before.number == after.number:
            raise InputFileError(
                f"{directory}: {before.path.name} and {after.path.name} have the same frame number"
            )
    return frames


def _read_frame(path: Path) -> _FrameFile:
    data = load_json_file(path, "OpenPose file", max_bytes=MAX_JSON_BYTES, max_depth=MAX_JSON_DEPTH)
    if not isinstance(data, dict) or not isinstance(data.get("people"), list):
        raise InputFileError(f"{path} is not an OpenPose file: it has no 'people' list")
    people: list[FloatArray] = []
    for person in data["people"]:
        if not isinstance(person, dict):
            raise InputFileError(f"{path}: each entry of 'people' should be an object")
        values = person.get("pose_keypoints_2d", person.get("pose_keypoints", []))
        if not values:
            continue
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise InputFileError(f"{path}: pose keypoints are not all numbers") from exc
        if array.ndim != 1 or array.size % 3:
            raise InputFileError(f"{path}: pose keypoints are not (x, y, confidence) triples")
        triples = array.reshape(-1, 3)
        confidence = triples[:, 2]
        if not np.all((confidence >= 0) & (confidence <= 1)):
            raise InputFileError(f"{path}: keypoint confidences must lie between 0 and 1")
        people.append(triples)
    return _FrameFile(_frame_number(path), path, people)


def _keypoint_count(frames: list[_FrameFile], directory: Path) -> int:
    counts = {int(kp.shape[0]) for f in frames for kp in f.people}
    if not counts:
        raise InputFileError(f"{directory}: nobody was detected in any of the {len(frames)} frames")
    if len(counts) > 1:
        raise InputFileError(f"{directory}: files mix keypoint counts {sorted(counts)}")
    return counts.pop()


def _resolve_size(
    directory: Path, frames: list[_FrameFile], resolution: tuple[int, int] | None
) -> tuple[tuple[float, float], dict[str, Any]]:
    if resolution is not None:
        width, height = (int(v) for v in resolution)
        if width <= 0 or height <= 0:
            raise ValueError(f"resolution must be two positive pixel counts; got {resolution!r}")
        return (float(width), float(height)), {"resolution_source": "given"}
    confident = [kp[kp[:, 2] > 0, :2] for f in frames for kp in f.people]
    coords = np.concatenate(confident) if confident else np.empty((0, 2))
    if coords.size and float(coords.min()) >= 0.0 and float(coords.max()) <= 1.0:
        return (1.0, 1.0), {"resolution_source": "coordinates already normalised to [0, 1]"}
    video = find_video(directory)
    if video is None:
        raise InputFileError(
            f"image size of {directory} unknown: no video found beside it; pass "
            "resolution=(width, height) in pixels"
        )
    with VideoFile(video) as opened:
        info = opened.info
    return (float(info.width), float(info.height)), {
        "resolution_source": f"video {video}",
        "video_frame_rate_hz": info.fps,
    }


def _assemble(
    frames: list[_FrameFile], names: tuple[str, ...], size: tuple[float, float], rate: float
) -> PoseSeries:
    mapping = mapping_to_blazepose(list(names))
    foreign = np.fromiter(mapping.keys(), dtype=np.int64)
    ours = np.fromiter(mapping.values(), dtype=np.int64)
    n = len(frames)
    image = np.full((n, len(BLAZEPOSE_LANDMARKS), 3), np.nan)
    visibility = np.zeros((n, len(BLAZEPOSE_LANDMARKS)))
    detected = np.zeros(n, dtype=bool)
    time_s = np.array([f.number for f in frames], dtype=np.float64) / rate
    scale = np.array([size[0], size[1]])
    tracker = PersonTracker()
    crowded = 0
    for i, frame in enumerate(frames):
        normalised = [np.column_stack([kp[:, :2] / scale, kp[:, 2]]) for kp in frame.people]
        for kp in normalised:
            kp[kp[:, 2] <= 0, :2] = np.nan
        crowded += len(normalised) > 1
        boxes = [landmark_box(kp[:, :2], kp[:, 2]) for kp in normalised]
        chosen = tracker.update(float(time_s[i]), boxes)
        if chosen is None:
            continue
        kp = normalised[chosen]
        found = kp[foreign, 2] > 0
        image[i, ours[found], :2] = kp[foreign[found], :2]
        visibility[i, ours[found]] = kp[foreign[found], 2]
        detected[i] = True
    return PoseSeries(
        time_s=time_s,
        image_xyz=image,
        world_xyz_m=np.full_like(image, np.nan),
        visibility=visibility,
        detected=detected,
        frame_rate_hz=rate,
        provenance=Provenance(
            details={
                "person_switches_s": [float(t) for t in tracker.switches_s],
                "frames_with_several_people": int(crowded),
            }
        ),
    )
