"""Frame-to-overlay latency of the live coaching page in the browser, for the lite and full pose
models.

Headless Debian Chromium (``$KINESENSE_CHROMIUM`` or ``dpkg -L chromium``, driven by
Playwright) opens ``/coach/squat`` of the real web app as a signed-in, screened person, with the
bundled sample clip (``single_leg_balance.mp4``, 1080 x 1920 at 60 frames/s, scaled to 640 wide
as y4m) as the fake camera, and coaches for ``--seconds`` without the camera check. The page
records, for every frame it processes:

* **latency**: from the frame's ``requestVideoFrameCallback`` (the frame is ready to show) to
  the skeleton drawn on the overlay canvas (the pose model's Web Worker round trip included);
* **detection**: the worker's own time for the frame (``detectForVideo``).

The page skips frames while the worker is busy (it never queues them), so the frames processed
per second are reported too. The first :data:`WARMUP_FRAMES` frames are left out.

Usage::

    .venv/bin/python benchmarks/live_latency.py [--models lite full] [--seconds 8] [--json]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WARMUP_FRAMES = 5
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip


def chromium() -> Path | None:
    """``$KINESENSE_CHROMIUM`` or the ``chromium`` ELF binary that ``dpkg -L chromium`` lists."""
    configured = os.environ.get("KINESENSE_CHROMIUM", "").strip()
    if configured:
        return Path(configured)
    listed = subprocess.run(["dpkg", "-L", "chromium"], capture_output=True, text=True,
                            check=False).stdout  # fmt: skip
    for line in listed.splitlines():
        path = Path(line.strip())
        if path.name == "chromium" and path.is_file() and path.read_bytes()[:4] == b"\x7fELF":
            return path
    return None


def camera_clip(out: Path) -> Path:
    """The sample clip as the fake camera's y4m (640 wide, yuv420p)."""
    import imageio_ffmpeg

    from kinesense.sample import sample_video_path

    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-i",
         str(sample_video_path()), "-vf", "scale=640:-2", "-pix_fmt", "yuv420p", str(out)],
        check=True, timeout=120,
    )  # fmt: skip
    return out


def _percentiles(values: list[float]) -> tuple[float, float]:
    if not values:
        return float("nan"), float("nan")
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def measure(page: Any, base: str, model: str, seconds: float) -> dict[str, Any]:
    """Coach on the page for ``seconds`` with ``model``; its figures."""
    page.goto(f"{base}/coach/squat?model={model}&seconds={seconds:g}")
    page.click("#start-now")
    deadline = time.monotonic() + seconds + 60
    while not page.evaluate(
        "!!(window.kinesenseLive && (kinesenseLive.saved || kinesenseLive.error))"
    ):
        if time.monotonic() > deadline:
            raise RuntimeError("the live page did not finish")
        page.wait_for_timeout(100)
    live = page.evaluate(
        "({lat: kinesenseLive.latencies, det: kinesenseLive.detectMs, sent: kinesenseLive.sent,"
        " frames: kinesenseLive.frames, modelMs: kinesenseLive.modelMs,"
        " error: kinesenseLive.error})"
    )
    if live["error"]:
        raise RuntimeError(f"the live page failed: {live['error']}")
    lat50, lat95 = _percentiles(live["lat"][WARMUP_FRAMES:])
    det50, det95 = _percentiles(live["det"][WARMUP_FRAMES:])
    return {
        "model": model,
        "frames_processed": live["sent"],
        "processed_fps": round(live["sent"] / seconds, 1),
        "camera_frames": live["frames"],
        "latency_p50_ms": round(lat50, 1),
        "latency_p95_ms": round(lat95, 1),
        "detection_p50_ms": round(det50, 1),
        "detection_p95_ms": round(det95, 1),
        "model_ready_ms": round(live["modelMs"], 0),
    }


def run(
    models: Sequence[str] = ("lite", "full"),
    seconds: float = 8.0,
    out: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Measure each model; the figures (and a table through ``out``)."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(PROJECT_ROOT))
    from benchmarks.live_server import prepare, start_server

    binary = chromium()
    if binary is None:
        raise RuntimeError("Chromium is not installed: run scripts/chromium.sh")
    rows = []
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        cookie = prepare(folder)
        clip = camera_clip(folder / "camera.y4m")
        server, port = start_server(folder, pin=False)
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(binary),
                    args=[*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream",
                          "--use-fake-device-for-media-stream",
                          f"--use-file-for-fake-video-capture={clip}"],
                )  # fmt: skip
                try:
                    context = browser.new_context()
                    context.add_cookies([{"name": "ks_session", "value": cookie,
                                          "url": base}])  # fmt: skip
                    for model in models:
                        rows.append(measure(context.new_page(), base, model, seconds))
                finally:
                    browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    out(f"{'model':>5} {'fps':>5} {'latency p50':>11} {'p95':>6} {'detect p50':>10} {'p95':>6} "
        f"{'ready ms':>8}")  # fmt: skip
    for row in rows:
        out(f"{row['model']:>5} {row['processed_fps']:>5} {row['latency_p50_ms']:>11} "
            f"{row['latency_p95_ms']:>6} {row['detection_p50_ms']:>10} "
            f"{row['detection_p95_ms']:>6} {row['model_ready_ms']:>8}")  # fmt: skip
    return {"seconds": seconds, "cpus": os.cpu_count(), "models": rows}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--models", nargs="+", default=["lite", "full"], choices=["lite", "full"])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.models, args.seconds, out=(lambda _: None) if args.json else print)
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
