"""How fast ``kinesense extract`` analyses a video, against the pose model's own limit.

For each model (``full``, ``lite``) and in the same run:

1. **bare loop** - the model's limit on this CPU: OpenCV decodes each frame, converts BGR to
   RGB and feeds MediaPipe's ``PoseLandmarker`` (the same ``.task`` file kinesense ships, VIDEO
   mode, one person, default confidences); model creation is inside the timing.
2. **extract, 1 worker** - ``kinesense extract VIDEO -o OUT --json --workers 1`` as a
   subprocess: ``processing_fps`` from its JSON (opening the file to finished series, model
   loading included) and the wall time of the whole command (Python start-up, imports, saving).
3. **extract, 2 workers** - the same with ``--workers 2``.

Targets: extract(1 worker) / bare >= 0.9 (following the person and assembling the series cost
little) and extract(2 workers) / extract(1 worker) >= 1.6 on two cores.

With ``--repeats N`` each figure is the best of N runs (the least disturbed by other load).
With ``--loop N`` the video is first re-encoded N times end to end (H.264, with the ffmpeg of
the ``imageio-ffmpeg`` dev dependency) to measure a longer recording: fixed costs (starting
workers, loading models) weigh less, as in a 30-60 s assessment.

Usage::

    .venv/bin/python benchmarks/extract.py [--video FILE] [--loop N] [--models M ...]
        [--repeats N] [--json]
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VIDEO = PROJECT_ROOT.parent / "shared" / "data" / "video" / "sports2d_walk_side.mp4"
TARGET_ONE_WORKER_VS_BARE = 0.9
TARGET_TWO_VS_ONE_WORKER = 1.6


@dataclass(frozen=True)
class ModelFigures:
    """Frames per second of one model, measured in one run."""

    model: str
    frames: int
    bare_fps: float
    extract_1_fps: float
    extract_1_wall_s: float
    extract_2_fps: float
    extract_2_wall_s: float
    extract_2_workers_used: int
    extract_1_switches: int
    extract_2_switches: int

    @property
    def one_worker_vs_bare(self) -> float:
        """extract(1 worker) processing fps over the bare loop's fps."""
        return self.extract_1_fps / self.bare_fps if self.bare_fps > 0 else 0.0

    @property
    def two_vs_one_worker(self) -> float:
        """extract(2 workers) processing fps over extract(1 worker)."""
        return self.extract_2_fps / self.extract_1_fps if self.extract_1_fps > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        """The figures and both ratios, JSON-serialisable."""
        return asdict(self) | {
            "extract_1_wall_fps": round(self.frames / self.extract_1_wall_s, 2),
            "extract_2_wall_fps": round(self.frames / self.extract_2_wall_s, 2),
            "one_worker_vs_bare": round(self.one_worker_vs_bare, 3),
            "two_vs_one_worker": round(self.two_vs_one_worker, 3),
        }


def bare_loop_fps(video: Path, model: str) -> tuple[int, float]:
    """Frames and frames per second of decode + BGR->RGB + PoseLandmarker, nothing else.

    The model is created inside the timed region, as ``kinesense extract`` also loads it in its
    ``processing_fps``.
    """
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from kinesense.capture.models import model_file

    started = time.perf_counter()
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model_file(model))),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    capture = cv2.VideoCapture(str(video))
    if not capture.isOpened():
        raise SystemExit(f"cannot open {video}")
    fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    frames = 0
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        while True:
            ok, bgr = capture.read()
            if not ok:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
            landmarker.detect_for_video(image, round(frames * 1000.0 / fps))
            frames += 1
    capture.release()
    elapsed = time.perf_counter() - started
    return frames, frames / elapsed


def kinesense_command() -> list[str]:
    """The ``kinesense`` command of this environment (the script beside the interpreter)."""
    script = Path(sys.executable).with_name("kinesense")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from kinesense.cli import main; main()"]


def cli_extract(
    video: Path, model: str, workers: int, folder: Path
) -> tuple[dict[str, Any], float]:
    """Run ``kinesense extract`` and return its JSON summary and the command's wall time (s)."""
    output = folder / f"{model}-{workers}.pose.npz"
    command = [
        *kinesense_command(),
        "extract",
        str(video),
        "-o",
        str(output),
        "--json",
        "--model",
        model,
        "--workers",
        str(workers),
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall_s = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"no JSON on stdout from {' '.join(command)}:\n{done.stdout}")
    summary: dict[str, Any] = json.loads(lines[-1])
    return summary, wall_s


def looped_video(video: Path, copies: int, folder: Path) -> Path:
    """``video`` re-encoded ``copies`` times end to end as one H.264 stream (no joins)."""
    import imageio_ffmpeg

    target = folder / f"{video.stem}_x{copies}.mp4"
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        *("-y", "-hide_banner", "-loglevel", "error"),
        *("-stream_loop", str(copies - 1), "-i", str(video)),
        *("-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", str(target)),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"ffmpeg could not loop {video}: {done.stderr.strip()}")
    return target


def measure(video: Path, model: str, repeats: int) -> ModelFigures:
    """All figures of one model; each the best of ``repeats`` runs."""
    bare: list[float] = []
    one: list[tuple[float, float, int]] = []
    two: list[tuple[float, float, int, int]] = []
    frames = 0
    with tempfile.TemporaryDirectory(prefix="kinesense-bench-") as tmp:
        folder = Path(tmp)
        for _ in range(repeats):
            frames, fps = bare_loop_fps(video, model)
            bare.append(fps)
            summary, wall = cli_extract(video, model, 1, folder)
            if summary["frames"] != frames:
                raise SystemExit(
                    f"kinesense extract analysed {summary['frames']} frames, the bare loop {frames}"
                )
            switches = len(summary["person_switches_s"])
            one.append((float(summary["processing_fps"]), wall, switches))
            summary, wall = cli_extract(video, model, 2, folder)
            switches = len(summary["person_switches_s"])
            two.append((float(summary["processing_fps"]), wall, switches, int(summary["workers"])))
    best_one = max(one)
    best_two = max(two)
    return ModelFigures(
        model=model,
        frames=frames,
        bare_fps=round(max(bare), 2),
        extract_1_fps=best_one[0],
        extract_1_wall_s=round(best_one[1], 3),
        extract_2_fps=best_two[0],
        extract_2_wall_s=round(best_two[1], 3),
        extract_2_workers_used=best_two[3],
        extract_1_switches=best_one[2],
        extract_2_switches=best_two[2],
    )


def _verdict(value: float, target: float) -> str:
    return "ok" if value >= target else "BELOW TARGET"


def print_table(video: Path, figures: list[ModelFigures]) -> None:
    """A human-readable table of the figures and the ratios against their targets."""
    print(f"video: {video} ({figures[0].frames if figures else 0} frames)")
    header = (
        f"{'model':<6} {'bare fps':>9} {'extract 1w':>11} {'(wall)':>8} "
        f"{'extract 2w':>11} {'(wall)':>8} {'1w/bare':>8} {'2w/1w':>7}"
    )
    print(header)
    print("-" * len(header))
    for f in figures:
        print(
            f"{f.model:<6} {f.bare_fps:>9.1f} {f.extract_1_fps:>11.1f} "
            f"{f.frames / f.extract_1_wall_s:>8.1f} {f.extract_2_fps:>11.1f} "
            f"{f.frames / f.extract_2_wall_s:>8.1f} {f.one_worker_vs_bare:>8.2f} "
            f"{f.two_vs_one_worker:>7.2f}"
        )
    print(
        "fps = frames per second; (wall) counts the whole command: Python start-up, imports, "
        "saving the series"
    )
    for f in figures:
        print(
            f"{f.model}: extract(1 worker)/bare = {f.one_worker_vs_bare:.2f} "
            f"(target >= {TARGET_ONE_WORKER_VS_BARE}: "
            f"{_verdict(f.one_worker_vs_bare, TARGET_ONE_WORKER_VS_BARE)}); "
            f"extract(2 workers)/extract(1 worker) = {f.two_vs_one_worker:.2f} "
            f"(target >= {TARGET_TWO_VS_ONE_WORKER}: "
            f"{_verdict(f.two_vs_one_worker, TARGET_TWO_VS_ONE_WORKER)})"
            + ("" if f.extract_2_workers_used == 2 else " [2 workers fell back to 1]")
        )
        if f.extract_1_switches or f.extract_2_switches:
            print(
                f"{f.model}: person switches recorded: {f.extract_1_switches} with 1 worker, "
                f"{f.extract_2_switches} with 2 (each runs the multi-person model: slower)"
            )


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, measure each model, print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--video", type=Path, default=DEFAULT_VIDEO, help="video to analyse")
    parser.add_argument(
        "--models", nargs="+", default=["full", "lite"], help="pose models to measure"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (best kept)")
    parser.add_argument(
        "--loop", type=int, default=1, help="re-encode the video this many times end to end"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if not args.video.is_file():
        parser.error(f"video not found: {args.video}")
    if args.loop < 1:
        parser.error("--loop must be at least 1")
    with tempfile.TemporaryDirectory(prefix="kinesense-bench-video-") as tmp:
        video = args.video if args.loop == 1 else looped_video(args.video, args.loop, Path(tmp))
        figures = [measure(video, model, args.repeats) for model in args.models]
    args.video = video if args.loop == 1 else Path(f"{args.video} looped {args.loop} times")
    if args.json:
        report = {
            "video": str(args.video),
            "repeats": args.repeats,
            "targets": {
                "one_worker_vs_bare": TARGET_ONE_WORKER_VS_BARE,
                "two_vs_one_worker": TARGET_TWO_VS_ONE_WORKER,
            },
            "models": [f.to_json() for f in figures],
        }
        print(json.dumps(report, indent=2))
    else:
        print_table(args.video, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
