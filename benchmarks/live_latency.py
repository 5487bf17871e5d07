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

``--face`` measures the face model too, on a clip with a face filling the picture as in a head
repositioning test (the tests' real face, scikit-image's ``astronaut``, tilting its head:
:mod:`tests.capture.head_clips`, 640 wide): ``/coach/squat`` (pose model only) and
``/coach/head_repositioning_practice`` (pose and face models on the same frames) on that same
clip, each in its own browser; the face rows add the face model's own time per frame
(``face_p50_ms``), that of the grey copy for luma and background change (``grey_p50_ms``),
and the detection time's ratio to the pose-only row's.

Usage::

    .venv/bin/python benchmarks/live_latency.py [--models lite full] [--seconds 8] [--face] [--json]
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


def face_clip(folder: Path) -> Path:
    """The head-tilting face clip as the fake camera's y4m (640 wide, yuv420p)."""
    import imageio_ffmpeg

    sys.path.insert(0, str(PROJECT_ROOT))
    from tests.capture.head_clips import revel_schedule, write_head_clip

    mp4 = write_head_clip(folder / "face.mp4", revel_schedule())
    out = folder / "face.y4m"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-y", "-i", str(mp4), "-vf",
         "scale=640:-2", "-pix_fmt", "yuv420p", str(out)],
        check=True, timeout=120,
    )  # fmt: skip
    return out


def _percentiles(values: list[float]) -> tuple[float, float]:
    if not values:
        return float("nan"), float("nan")
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


def measure(
    page: Any, base: str, model: str, seconds: float, exercise: str = "squat"
) -> dict[str, Any]:
    """Coach ``exercise`` on the page for ``seconds`` with ``model``; its figures (with the
    face model's when the exercise tracks the head)."""
    page.goto(f"{base}/coach/{exercise}?model={model}&seconds={seconds:g}")
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
        " face: kinesenseLive.face, faceMs: kinesenseLive.faceMs, greyMs: kinesenseLive.greyMs,"
        " faceSent: kinesenseLive.faceSent, error: kinesenseLive.error})"
    )
    if live["error"]:
        raise RuntimeError(f"the live page failed: {live['error']}")
    lat50, lat95 = _percentiles(live["lat"][WARMUP_FRAMES:])
    det50, det95 = _percentiles(live["det"][WARMUP_FRAMES:])
    face: dict[str, Any] = {}
    if live["face"]:
        face50, face95 = _percentiles(live["faceMs"][WARMUP_FRAMES:])
        grey50, _ = _percentiles(live["greyMs"][WARMUP_FRAMES:])
        face = {"face_p50_ms": round(face50, 1), "face_p95_ms": round(face95, 1),
                "grey_p50_ms": round(grey50, 2),
                "face_found": round(live["faceSent"] / max(live["sent"], 1), 2)}  # fmt: skip
    return {
        "model": model + ("+face" if live["face"] else ""),
        "exercise": exercise,
        "frames_processed": live["sent"],
        "processed_fps": round(live["sent"] / seconds, 1),
        "camera_frames": live["frames"],
        "latency_p50_ms": round(lat50, 1),
        "latency_p95_ms": round(lat95, 1),
        "detection_p50_ms": round(det50, 1),
        "detection_p95_ms": round(det95, 1),
        "model_ready_ms": round(live["modelMs"], 0),
        **face,
    }


def launch(playwright: Any, binary: Path, clip: Path) -> Any:
    """Headless Chromium whose fake camera plays ``clip``."""
    return playwright.chromium.launch(
        executable_path=str(binary),
        args=[*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream",
              "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={clip}"],
    )  # fmt: skip


def session_page(browser: Any, base: str, cookie: str) -> Any:
    """A new page of the signed-in person."""
    context = browser.new_context()
    context.add_cookies([{"name": "ks_session", "value": cookie, "url": base}])
    return context.new_page()


def run(
    models: Sequence[str] = ("lite", "full"),
    seconds: float = 8.0,
    out: Callable[[str], None] = print,
    face: bool = False,
) -> dict[str, Any]:
    """Measure each model (and, with ``face``, each with the face model on a face clip); the
    figures (and a table through ``out``)."""
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
                browser = launch(playwright, binary, clip)
                try:
                    for model in models:
                        rows.append(measure(session_page(browser, base, cookie), base, model,
                                            seconds))  # fmt: skip
                finally:
                    browser.close()
                if face:
                    faces = face_clip(folder)
                    for model in models:
                        pair = []
                        for exercise in ("squat", "head_repositioning_practice"):
                            browser = launch(playwright, binary, faces)  # the clip from its start
                            try:
                                page = session_page(browser, base, cookie)
                                pair.append(measure(page, base, model, seconds, exercise))
                            finally:
                                browser.close()
                        pair[1]["detection_vs_pose_only"] = round(
                            pair[1]["detection_p50_ms"] / pair[0]["detection_p50_ms"], 2
                        )
                        rows += pair
        finally:
            server.terminate()
            server.wait(timeout=30)
    out(f"{'model':>10} {'exercise':>27} {'fps':>5} {'latency p50':>11} {'p95':>6} "
        f"{'detect p50':>10} {'p95':>6} {'ready ms':>8} {'face p50':>8} {'grey p50':>8} "
        f"{'x pose':>6}")  # fmt: skip
    for row in rows:
        out(f"{row['model']:>10} {row['exercise']:>27} {row['processed_fps']:>5} "
            f"{row['latency_p50_ms']:>11} {row['latency_p95_ms']:>6} "
            f"{row['detection_p50_ms']:>10} {row['detection_p95_ms']:>6} "
            f"{row['model_ready_ms']:>8} {row.get('face_p50_ms', ''):>8} "
            f"{row.get('grey_p50_ms', ''):>8} "
            f"{row.get('detection_vs_pose_only', ''):>6}")  # fmt: skip
    return {"seconds": seconds, "cpus": os.cpu_count(), "models": rows}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--models", nargs="+", default=["lite", "full"], choices=["lite", "full"])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--face", action="store_true", help="measure the face model too")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.models, args.seconds, out=(lambda _: None) if args.json else print,
                  face=args.face)  # fmt: skip
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
