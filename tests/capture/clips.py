"""Helpers that build small video clips with known content for the capture tests.

Two writers:

* :func:`write_mp4v` uses OpenCV's own ``VideoWriter`` (MPEG-4 part 2): always available, used
  for the accuracy clips whose ground truth is in the pixels, not in the container.
* :func:`write_ffmpeg` pipes raw frames into the ffmpeg binary shipped by the ``imageio-ffmpeg``
  dev dependency, for what OpenCV cannot write: exact per-frame presentation times (variable
  frame rate) and, with :func:`tag_rotation`, a display-rotation tag as phones write it.
  Tests that need it skip when ``imageio-ffmpeg`` is absent.

Frames are RGB ``uint8`` arrays (H x W x 3), as :class:`kinesense.capture.video.Frame` gives them.
"""

import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

RGBImage = NDArray[np.uint8]


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped by ``imageio-ffmpeg``; skip the test if it is absent."""
    imageio_ffmpeg = pytest.importorskip(
        "imageio_ffmpeg", reason="imageio-ffmpeg (dev dependency) is needed to write this clip"
    )
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _run_ffmpeg(args: list[str], stdin: bytes | None = None) -> None:
    """Run ffmpeg quietly; fail the test with ffmpeg's message if it returns an error."""
    done = subprocess.run(
        [ffmpeg_exe(), "-y", "-hide_banner", "-loglevel", "error", *args],
        input=stdin,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"ffmpeg failed ({done.returncode}): {done.stderr.decode(errors='replace')}")


def pattern_image(height: int, width: int) -> RGBImage:
    """A smooth image with no symmetry, so that any rotation or flip of it looks different.

    Red grows to the right, green grows downwards, blue is a blob in the upper-left quarter and
    a white bar runs along the top; smooth content keeps codec error small.
    """
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    red = 255.0 * x / max(width - 1, 1)
    green = 255.0 * (y / max(height - 1, 1)) ** 2
    blue = 255.0 * np.exp(
        -(((x - 0.25 * width) / (0.15 * width)) ** 2 + ((y - 0.3 * height) / (0.15 * height)) ** 2)
    )
    image = np.stack([red, green, blue], axis=-1)
    image[: max(2, height // 10), : int(0.7 * width)] = 255.0
    return np.clip(image, 0, 255).round().astype(np.uint8)


def numbered_frames(count: int, height: int = 64, width: int = 96) -> list[RGBImage]:
    """``count`` frames that differ from each other (a brightness ramp plus a moving square)."""
    frames = []
    for i in range(count):
        frame = np.full((height, width, 3), (i * 8) % 200 + 20, dtype=np.uint8)
        x0 = (i * 5) % (width - 16)
        frame[20:36, x0 : x0 + 16] = (250, 30, 30)
        frames.append(frame)
    return frames


def _pts_expression(times_ms: Sequence[int]) -> str:
    """An ffmpeg ``setpts`` expression: frame ``N`` at ``times_ms[N]`` (time base 1/1000)."""
    expression = str(int(times_ms[-1]))
    for index in range(len(times_ms) - 2, -1, -1):
        expression = f"if(eq(N,{index}),{int(times_ms[index])},{expression})"
    return expression


def write_ffmpeg(
    path: Path,
    frames: Sequence[RGBImage],
    fps: float = 30.0,
    *,
    times_ms: Sequence[int] | None = None,
    b_frames: bool = True,
    crf: int = 12,
) -> Path:
    """Encode RGB frames as H.264 (yuv420p) with ffmpeg.

    Args:
        path: output file; the container follows the suffix (``.mp4``, ``.mkv``).
        frames: frames of equal, even size.
        fps: nominal frame rate (the frame times when ``times_ms`` is not given).
        times_ms: presentation time of each frame in whole milliseconds (variable frame rate);
            written exactly (time base 1/1000 from filter to container).
        b_frames: allow B-frames (reordered frames, as most phone encoders use).
        crf: x264 quality (lower is better; 12 is visually lossless).
    """
    height, width = frames[0].shape[:2]
    args = ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", f"{fps}"]
    args += ["-i", "-"]
    if times_ms is not None:
        if len(times_ms) != len(frames):
            raise ValueError("times_ms needs one time per frame")
        args += ["-vf", f"settb=1/1000,setpts='{_pts_expression(times_ms)}'"]
        args += ["-fps_mode", "passthrough", "-enc_time_base", "1/1000"]
        if path.suffix == ".mp4":
            args += ["-video_track_timescale", "1000"]
    args += ["-c:v", "libx264", "-crf", str(crf), "-pix_fmt", "yuv420p"]
    if not b_frames:
        args += ["-bf", "0"]
    _run_ffmpeg(
        [*args, str(path)], stdin=b"".join(np.ascontiguousarray(f).tobytes() for f in frames)
    )
    return path


def tag_rotation(source: Path, target: Path, clockwise_deg: int) -> Path:
    """Copy ``source`` into ``target`` (no re-encoding) with a display-rotation tag.

    ``clockwise_deg`` is the rotation a player must apply to show the frames upright, as in the
    legacy MP4 ``rotate`` tag that phones write (a phone held upright stores landscape frames
    tagged 90). ffmpeg's ``-display_rotation`` counts counter-clockwise, hence the minus sign.
    (The old ``-metadata:s:v rotate=90`` no longer writes a tag with the ffmpeg 7+ that
    imageio-ffmpeg ships.)
    """
    _run_ffmpeg(
        ["-display_rotation", str(-clockwise_deg), "-i", str(source), "-c", "copy", str(target)]
    )
    return target


def strip_container(source: Path, target: Path) -> Path:
    """Copy the H.264 stream of an MP4 into a raw Annex-B ``.h264`` file: frames without times."""
    _run_ffmpeg(["-i", str(source), "-c", "copy", "-bsf:v", "h264_mp4toannexb", str(target)])
    return target


def write_mp4v(path: Path, frames: Sequence[RGBImage], fps: float = 30.0) -> Path:
    """Encode RGB frames with OpenCV's ``VideoWriter`` (fourcc ``mp4v``)."""
    import cv2

    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        pytest.fail(f"OpenCV cannot write an mp4v clip at {path}")
    try:
        for frame in frames:
            writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    finally:
        writer.release()
    return path


def translated(image: RGBImage, dx_px: float, dy_px: float) -> RGBImage:
    """``image`` moved by (dx, dy) pixels (x right, y down), borders replicated."""
    import cv2

    height, width = image.shape[:2]
    matrix = np.array([[1.0, 0.0, dx_px], [0.0, 1.0, dy_px]])
    return np.asarray(
        cv2.warpAffine(
            image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        ),
        dtype=np.uint8,
    )


def rotation_matrix(angle_ccw_deg: float, centre_px: tuple[float, float]) -> NDArray[np.float64]:
    """2 x 3 affine matrix rotating by ``angle_ccw_deg`` counter-clockwise *as seen on screen*
    (image y down) about ``centre_px``, built from first principles (not with OpenCV).

    A point p maps to c + R (p - c) with R = [[cos, sin], [-sin, cos]]: in y-down coordinates
    this turns the image counter-clockwise on screen, as ``cv2.getRotationMatrix2D`` documents.
    """
    theta = np.radians(angle_ccw_deg)
    cos, sin = np.cos(theta), np.sin(theta)
    rotation = np.array([[cos, sin], [-sin, cos]])
    centre = np.asarray(centre_px, dtype=np.float64)
    return np.hstack([rotation, (centre - rotation @ centre)[:, None]])


def rotated(image: RGBImage, angle_ccw_deg: float, centre_px: tuple[float, float]) -> RGBImage:
    """``image`` rotated counter-clockwise on screen by ``angle_ccw_deg`` about ``centre_px``."""
    import cv2

    height, width = image.shape[:2]
    return np.asarray(
        cv2.warpAffine(
            image,
            rotation_matrix(angle_ccw_deg, centre_px),
            (width, height),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        ),
        dtype=np.uint8,
    )


def noise_clip(
    path: Path, count: int = 40, height: int = 240, width: int = 320, seed: int = 0
) -> Path:
    """A clip of smoothed random noise with nobody in it (mp4v)."""
    import cv2

    rng = np.random.default_rng(seed)
    frames = [
        np.asarray(
            cv2.GaussianBlur(rng.integers(0, 256, (height, width, 3), dtype=np.uint8), (0, 0), 3)
        )
        for _ in range(count)
    ]
    return write_mp4v(path, frames)


def remux_faststart(source: Path, target: Path) -> Path:
    """Copy a video with its index moved to the front, as phones write them (no re-encoding)."""
    _run_ffmpeg(["-i", str(source), "-c", "copy", "-movflags", "+faststart", str(target)])
    return target


def concatenate(source: Path, target: Path, copies: int) -> Path:
    """``copies`` copies of a video joined end to end without re-encoding (ffmpeg concat)."""
    listing = target.with_suffix(".txt")
    listing.write_text("".join(f"file '{source.resolve()}'\n" for _ in range(copies)))
    _run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(target)])
    return target
