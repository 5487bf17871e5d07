"""Tiny runs of ``benchmarks/live_server.py``, ``live_latency.py`` and ``coach_engine.py`` so
that the benchmarks cannot rot: every level and model is measured. Each runs as its own process,
as it is run by hand (the browser tests keep Playwright's event loop running in this one)."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from benchmarks import live_latency, live_server

ROOT = Path(__file__).resolve().parents[2]


def benchmark(name: str, *args: str) -> dict[str, Any]:
    """``benchmarks/NAME.py ARGS --json``, its figures."""
    answer = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), *args, "--json"],
        capture_output=True, text=True, check=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    figures: dict[str, Any] = json.loads(answer.stdout)
    return figures


def test_the_server_benchmark_runs_two_tiny_levels() -> None:
    figures = benchmark("live_server", "--levels", "1", "2", "--seconds", "1.5")
    rows = figures["levels"]
    assert [row["sessions"] for row in rows] == [1, 2]
    for row in rows:
        assert row["answered"] > 0.9, row  # every session was served
        assert 0 < row["p50_ms"] <= row["p95_ms"]
        assert row["round_trip_p50_ms"] >= row["p50_ms"]
        assert row["server_cpu_ms_per_frame"] > 0
    assert rows[0]["p95_vs_one"] == 1.0
    assert figures["target_p95_ms"] == 5.0


@pytest.mark.parametrize("seq", [0, 1, 29, 30, 12345])
def test_the_clients_frame_message_is_the_text_json_gives(seq: int) -> None:
    landmarks = [0.51234, 1e-05, -0.0, 0.9, 1.0, 0.0]
    message = {"type": "frame", "seq": seq, "t": round(seq * 1000 / 30), "lm": landmarks}
    assert live_server.frame_message(seq, json.dumps(landmarks)) == json.dumps(message)


def test_the_engine_benchmark_times_synthetic_and_real_frames() -> None:
    rows = benchmark("coach_engine", "--frames", "90")
    assert [row.get("frames_from", "synthetic") for row in rows] == [
        "synthetic",
        "synthetic",
        "sample clip",
    ]
    for row in rows:
        assert row["frames"] == 90
        assert 0 < row["p50_us"] <= row["p95_us"] <= row["max_us"]
        assert row["cpu_us"] > 0


def test_the_latency_benchmark_runs_for_a_moment() -> None:
    if live_latency.chromium() is None:
        pytest.skip("Chromium is not installed: run scripts/chromium.sh (make test does)")
    figures = benchmark("live_latency", "--models", "lite", "--seconds", "3")
    (row,) = figures["models"]
    assert row["model"] == "lite"
    assert row["frames_processed"] > live_latency.WARMUP_FRAMES
    assert row["detection_p50_ms"] > 0
    assert row["latency_p50_ms"] >= row["detection_p50_ms"]


def test_the_latency_benchmark_measures_the_face_model() -> None:
    if live_latency.chromium() is None:
        pytest.skip("Chromium is not installed: run scripts/chromium.sh (make test does)")
    figures = benchmark("live_latency", "--models", "lite", "--seconds", "3", "--face")
    pose, pose_on_face, face = figures["models"]
    assert pose["model"] == pose_on_face["model"] == "lite"
    assert face["model"] == "lite+face"
    assert face["exercise"] == "head_repositioning_practice"
    assert face["face_found"] > 0.5  # the clip's face is found
    assert 0 < face["face_p50_ms"] < face["detection_p50_ms"]
    assert face["grey_p50_ms"] > 0
    assert face["detection_vs_pose_only"] > 1
