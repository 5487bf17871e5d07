"""A real face made to reposition its head by known angles: the exact ground truth of the head
tests.

The face is scikit-image's ``astronaut`` picture (Eileen Collins, NASA; "no known copyright
restrictions, released into the public domain", as scikit-image's ``skimage.data.astronaut``
says), cropped to her head and shoulders and stored in ``tests/data/astronaut_head.png``
(370 x 330 px, the crop ``[0:330, 40:410]`` of the 512 x 512 original of scikit-image 0.26.0).

A frame of the clip rotates the head region in the image plane about the base of the neck by a
known angle (positive: counter-clockwise on screen, i.e. the head tilts towards the image left,
the person's right): the whole picture is rotated about that point, and the rotated picture is
shown inside the union of the head's disk before and after rotation (soft-edged), the original
elsewhere, so that the shoulders and the background stay put. Rotating about the line of sight
is lateral flexion (roll); its truth is the angle itself.

The schedule is Revel's head-to-neutral test: still neutral start, then per trial a tilt to one
side, a return to a held position (the known error), and the examiner's return to neutral.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kinesense.exercises import exercise_from_dict, load_exercise
from kinesense.exercises.schema import Exercise
from tests.capture.clips import write_mp4v
from tests.conftest import PROJECT_ROOT

FACE_IMAGE = PROJECT_ROOT / "tests" / "data" / "astronaut_head.png"
NECK_BASE_PX = (183.0, 210.0)
"""Base of the neck in the stored picture (x, y pixels)."""
HEAD_CENTRE_PX = (185.0, 105.0)
HEAD_RADIUS_PX = 95.0
EDGE_PX = 6.0
"""Width of the soft edge of the head region, pixels."""

FPS = 15.0
HELD_ERRORS_DEG = (3.0, -2.0, 4.5, -1.5, 2.5, -3.5)
"""Where the head is held after each trial's return, degrees of roll from neutral."""
EXCURSIONS_DEG = (20.0, -20.0, 20.0, -20.0, 20.0, -20.0)
"""How far each trial tilts the head, degrees (alternating sides)."""


def face_image() -> NDArray[np.uint8]:
    """The stored face picture, RGB."""
    import cv2

    bgr = cv2.imread(str(FACE_IMAGE), cv2.IMREAD_COLOR)
    assert bgr is not None, FACE_IMAGE
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def _disk(shape: tuple[int, int], centre: tuple[float, float]) -> NDArray[np.float64]:
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float64)
    distance = np.hypot(x - centre[0], y - centre[1])
    return np.asarray(np.clip((HEAD_RADIUS_PX + EDGE_PX - distance) / EDGE_PX, 0.0, 1.0))


def tilted_head(image: NDArray[np.uint8], angle_deg: float) -> NDArray[np.uint8]:
    """``image`` with the head rotated by ``angle_deg`` about the base of the neck."""
    import cv2

    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D(NECK_BASE_PX, angle_deg, 1.0)
    rotated = cv2.warpAffine(
        image, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT
    )
    moved = matrix @ np.array([HEAD_CENTRE_PX[0], HEAD_CENTRE_PX[1], 1.0])
    mask = np.maximum(_disk((height, width), HEAD_CENTRE_PX), _disk((height, width), moved))
    blend = mask[..., None] * rotated + (1.0 - mask[..., None]) * image
    return np.asarray(np.clip(blend.round(), 0, 255).astype(np.uint8))


@dataclass(frozen=True)
class HeadClip:
    """A clip's head angle per frame and the truth of its trials."""

    angles_deg: NDArray[np.float64]
    held_deg: tuple[float, ...]
    excursions_deg: tuple[float, ...]

    @property
    def true_errors_deg(self) -> list[float]:
        """Per-trial signed error of the neutral task: positive = stopped short of neutral on
        the side moved to (:class:`kinesense.signal.reposition_trials.Trial`)."""
        return [h * float(np.sign(e)) for h, e in zip(self.held_deg, self.excursions_deg,
                                                      strict=True)]  # fmt: skip


def _ramp(start: float, end: float, seconds: float) -> list[float]:
    n = max(1, round(seconds * FPS))
    phase = (1 - np.cos(np.pi * np.arange(1, n + 1) / n)) / 2
    return list(start + (end - start) * phase)


def revel_schedule(
    held_deg: Sequence[float] = HELD_ERRORS_DEG,
    excursions_deg: Sequence[float] = EXCURSIONS_DEG,
    *,
    start_s: float = 2.0,
    hold_s: float = 1.6,
    end_s: float = 0.0,
) -> HeadClip:
    """Head angle per frame of a head-to-neutral test: neutral start, then per trial a tilt to
    the excursion (0.8 s), a pause (0.5 s), a return to the held angle (0.8 s), a still hold
    (``hold_s``), the examiner's return to neutral (0.5 s) and a rest (1 s); ``end_s`` more
    seconds of rest at the end."""
    angles = [0.0] * round(start_s * FPS)
    for held, excursion in zip(held_deg, excursions_deg, strict=True):
        angles += _ramp(0.0, excursion, 0.8) + [excursion] * round(0.5 * FPS)
        angles += _ramp(excursion, held, 0.8) + [held] * round(hold_s * FPS)
        angles += _ramp(held, 0.0, 0.5) + [0.0] * round(1.0 * FPS)
    angles += [0.0] * round(end_s * FPS)
    return HeadClip(np.asarray(angles), tuple(held_deg), tuple(excursions_deg))


def write_head_clip(path: Path, clip: HeadClip) -> Path:
    """Render ``clip`` from the stored face and write it as an mp4v video at :data:`FPS`."""
    image = face_image()
    cache: dict[float, NDArray[np.uint8]] = {}
    frames = []
    for angle in clip.angles_deg:
        key = round(float(angle), 6)
        if key not in cache:
            cache[key] = tilted_head(image, key)
        frames.append(cache[key])
    return write_mp4v(path, frames, fps=FPS)


def head_tilt_practice() -> Exercise:
    """The library's head practice, scored on roll (lateral flexion) instead of yaw, one set of
    six, with thresholds for the clip's 20-deg tilts."""
    data = load_exercise("head_repositioning_practice").model_dump(by_alias=True)
    for item in data["tracked"]:
        item["axis"] = "roll"
    data["repetition"] |= {"enter": 12.0, "target": 16.0, "exit": 9.0, "min_duration_s": 0.5}
    data["form_rules"] = []
    data["feedback"] |= {"positive_words": "to the right", "negative_words": "to the left"}
    data["dose"] |= {"sets": 1, "reps": 6}
    return exercise_from_dict(data, source="<head tilt practice>")
