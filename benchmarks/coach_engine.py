"""Per-frame time of ``Coach.update`` alone (no camera, no pose model), in microseconds.

Usage: ``.venv/bin/python benchmarks/coach_engine.py [--frames 3000] [--json]``

Times a repetition exercise (squat, 3 s squats with noisy landmarks) and a hold exercise
(single-leg stance) over synthetic frames, and the squat on the real landmarks the live server
benchmark sends (``benchmarks/live_server.py``: the sample clip through the lite model, looped,
640x360); the target is well under 1 ms a frame, so that the engine is a negligible part of the
~17 ms a frame that the pose model takes, and a small part of a live server's 0.5 ms budget a
frame (50 sessions a core at 30 fps). Besides the wall-clock percentiles it gives the CPU time a
frame (``cpu_us``), which other work on a shared machine disturbs less. Compare two versions of
the package by running the same command on each, back to back. The live-loop benchmark
(``benchmarks/coach.py``) reuses :func:`time_engine`.
"""

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kinesense.coach import Coach, CoachFrame
from kinesense.exercises import load_exercise
from kinesense.landmarks import LANDMARK_INDEX


def time_engine(
    exercise_id: str, frames: Sequence[CoachFrame], *, side: str | None = None
) -> dict[str, float | int | str]:
    """Feed ``frames`` to a fresh ``Coach`` and time every ``update`` call.

    Returns ``exercise``, ``frames``, ``events``, ``p50_us``, ``p95_us``, ``max_us`` and
    ``mean_us`` (microseconds per frame, wall clock, ``time.perf_counter_ns``), and ``cpu_us``
    (this process's CPU time over the whole run per frame, ``time.process_time_ns``).
    """
    coach = Coach(load_exercise(exercise_id), side=side)
    durations = np.empty(len(frames))
    events = 0
    cpu_start = time.process_time_ns()
    for i, frame in enumerate(frames):
        start = time.perf_counter_ns()
        events += len(coach.update(frame))
        durations[i] = (time.perf_counter_ns() - start) / 1000.0
    cpu_us = (time.process_time_ns() - cpu_start) / 1000.0 / max(len(frames), 1)
    return {
        "exercise": exercise_id,
        "frames": len(frames),
        "events": events,
        "p50_us": float(np.percentile(durations, 50)),
        "p95_us": float(np.percentile(durations, 95)),
        "max_us": float(durations.max()),
        "mean_us": float(durations.mean()),
        "cpu_us": cpu_us,
    }


def synthetic_frames(
    kind: str, n_frames: int, rate_hz: float = 30.0, seed: int = 0
) -> list[CoachFrame]:
    """Synthetic frames of a person squatting (``"squat"``) or standing on the left leg with
    the right foot lifted (``"stance"``), 1280x720, 2 px landmark noise."""
    rng = np.random.default_rng(seed)
    base = np.zeros((33, 2))
    base[:, 0] = 640.0
    base[:, 1] = np.linspace(110.0, 712.0, 33)
    for name, (x, y) in {
        "left_shoulder": (700, 170),
        "right_shoulder": (580, 170),
        "left_hip": (680, 370),
        "right_hip": (600, 370),
        "left_knee": (680, 530),
        "right_knee": (600, 530),
        "left_ankle": (680, 690),
        "right_ankle": (600, 650),
        "left_heel": (676, 705),
        "left_foot_index": (690, 712),
    }.items():
        base[LANDMARK_INDEX[name]] = (x, y)
    scale = np.array([1280.0, 720.0])
    frames = []
    for i in range(n_frames):
        t = i / rate_hz
        p = base.copy()
        if kind == "squat":  # knees between 170 and 90 degrees, one squat every 3 s
            flexion = math.radians(50.0 * (1 - math.cos(2 * math.pi * t / 3.0)) / 2 * 1.6)
            for side in ("left", "right"):
                knee = p[LANDMARK_INDEX[f"{side}_knee"]]
                ankle = p[LANDMARK_INDEX[f"{side}_ankle"]]
                v = ankle - knee
                c, s = math.cos(flexion), math.sin(flexion)
                p[LANDMARK_INDEX[f"{side}_ankle"]] = knee + np.array(
                    [c * v[0] - s * v[1], s * v[0] + c * v[1]]
                )
        p += rng.normal(0.0, 2.0, p.shape)
        xyz = np.zeros((33, 3))
        xyz[:, :2] = p / scale
        frames.append(CoachFrame(t, xyz, np.full(33, 0.95), resolution=(1280, 720)))
    return frames


def real_frames(n_frames: int, rate_hz: float = 30.0) -> list[CoachFrame]:
    """The live server benchmark's real landmarks (:func:`live_server.landmark_frames`) as the
    live service hands them to the coach: 640x360, looped, at ``rate_hz``."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.live_server import landmark_frames

    packed = [np.array(frame).reshape(33, 4) for frame in landmark_frames()]
    return [
        CoachFrame(i / rate_hz, grid[:, :3].copy(), grid[:, 3].copy(), resolution=(640, 360))
        for i, grid in ((i, packed[i % len(packed)]) for i in range(n_frames))
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=3000)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    results = [
        time_engine("squat", synthetic_frames("squat", args.frames)),
        time_engine("single_leg_stance_eyes_open", synthetic_frames("stance", args.frames)),
        {**time_engine("squat", real_frames(args.frames)), "frames_from": "sample clip"},
    ]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for r in results:
            print(
                f"{r['exercise']:<30} {r.get('frames_from', 'synthetic'):<11} {r['frames']} "
                f"frames, {r['events']} events: p50 {r['p50_us']:.0f} us, p95 "
                f"{r['p95_us']:.0f} us, max {r['max_us']:.0f} us, cpu {r['cpu_us']:.0f} us/frame"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
