"""Tiny runs of ``benchmarks/live_server.py`` and ``benchmarks/live_latency.py`` so that the
benchmarks cannot rot: every level and model is measured and the table printed."""

import pytest
from benchmarks import live_latency, live_server


def test_the_server_benchmark_runs_two_tiny_levels() -> None:
    printed: list[str] = []
    figures = live_server.run(levels=(1, 2), seconds=1.5, out=printed.append)
    rows = figures["levels"]
    assert [row["sessions"] for row in rows] == [1, 2]
    for row in rows:
        assert row["answered"] > 0.9, row  # every session was served
        assert 0 < row["p50_ms"] <= row["p95_ms"]
        assert row["server_cpu_ms_per_frame"] > 0
    assert rows[0]["p95_vs_one"] == 1.0
    assert printed[0].split()[:3] == ["sessions", "answered", "p50"]
    assert printed[-1].startswith("most sessions on one core")


def test_the_latency_benchmark_runs_for_a_moment() -> None:
    if live_latency.chromium() is None:
        pytest.skip("Chromium is not installed: run scripts/chromium.sh (make test does)")
    printed: list[str] = []
    figures = live_latency.run(models=("lite",), seconds=3.0, out=printed.append)
    (row,) = figures["models"]
    assert row["model"] == "lite"
    assert row["frames_processed"] > live_latency.WARMUP_FRAMES
    assert row["detection_p50_ms"] > 0
    assert row["latency_p50_ms"] >= row["detection_p50_ms"]
    assert printed[0].split()[:2] == ["model", "fps"]
