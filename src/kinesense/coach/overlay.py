"""Drawing the coaching overlay on a video frame with OpenCV (the one coach module using cv2).

What is drawn, sized from the frame so it reads at arm's length on a laptop or across a room:

* the skeleton (:data:`kinesense.landmarks.SKELETON`) of the landmarks seen;
* a repetition counter (or the hold time) in large digits and the set number, top left;
* for holds, a ring that fills as the hold goes on, top right;
* the rest countdown, in the counter's place, while resting;
* the active cue (or the setup instructions) in large letters on a dark box, placed above or
  below the body, wherever there is more room, so the box never covers the person when it can
  be avoided;
* a red banner when the person is lost.

Everything is drawn in place on the given ``H x W x 3`` uint8 frame, BGR by default
(``rgb=True`` for RGB frames). Landmarks are normalised image coordinates, y down.
"""

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from kinesense.landmarks import LANDMARK_INDEX, MIN_VISIBILITY, SKELETON

HEAD_MARGIN = 0.12
"""Space kept free above the highest landmark, as a fraction of the landmarks' height."""

FOOT_MARGIN = 0.03
"""Space kept free below the lowest landmark, as a fraction of the landmarks' height."""

FONT = 2  # cv2.FONT_HERSHEY_DUPLEX, without importing cv2 at module level

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
GREEN = (80, 220, 100)  # BGR
AMBER = (0, 190, 255)
RED = (40, 40, 220)
CYAN = (230, 200, 60)
GREY = (160, 160, 160)

_BONES = [(LANDMARK_INDEX[a], LANDMARK_INDEX[b]) for a, b in SKELETON]


@dataclass(frozen=True)
class Panel:
    """What the overlay shows besides the skeleton.

    Attributes:
        title: exercise name.
        mode: ``"reps"`` or ``"hold"``.
        reps: repetitions done in this set; ``reps_target``: repetitions asked (0: none).
        set_index: the set under way, from 1; ``sets_total``: sets asked (0: not shown).
        hold_elapsed_s, hold_target_s: current hold and its target, seconds.
        rest_remaining_s: seconds of rest left (None: not resting).
        cue: the cue to show (form correction, encouragement), or None.
        instructions: setup instructions; shown instead of the cue when not empty.
        tracking_lost: True when the person is not seen.
        done: True when the exercise is finished.
    """

    title: str = ""
    mode: str = "reps"
    reps: int = 0
    reps_target: int = 0
    set_index: int = 1
    sets_total: int = 0
    hold_elapsed_s: float = 0.0
    hold_target_s: float = 0.0
    rest_remaining_s: float | None = None
    cue: str | None = None
    instructions: tuple[str, ...] = field(default_factory=tuple)
    tracking_lost: bool = False
    done: bool = False


def _colour(bgr: tuple[int, int, int], rgb: bool) -> tuple[int, int, int]:
    return (bgr[2], bgr[1], bgr[0]) if rgb else bgr


def _unit(image: NDArray[np.uint8]) -> float:
    """Size unit: 1.0 for a 720-pixel short side."""
    return float(min(image.shape[:2])) / 720.0


def draw_skeleton(
    image: NDArray[np.uint8],
    image_xyz: NDArray[np.float64] | None,
    visibility: NDArray[np.float64] | None,
    *,
    rgb: bool = False,
) -> None:
    """Draw the bones and joints whose landmarks are seen (skips missing ones)."""
    import cv2

    if image_xyz is None:
        return
    height, width = image.shape[:2]
    xy = np.asarray(image_xyz, dtype=np.float64)[:, :2] * (width, height)
    vis = np.ones(len(xy)) if visibility is None else np.asarray(visibility, dtype=np.float64)
    ok = np.all(np.isfinite(xy), axis=1) & (vis >= MIN_VISIBILITY)
    ok &= np.all(np.abs(xy) < 4 * max(width, height), axis=1)
    points = np.round(np.where(ok[:, None], xy, 0)).astype(np.int32)
    unit = _unit(image)
    thick = max(2, round(4 * unit))
    for a, b in _BONES:
        if ok[a] and ok[b]:
            pa, pb = (int(points[a][0]), int(points[a][1])), (int(points[b][0]), int(points[b][1]))
            cv2.line(image, pa, pb, _colour(BLACK, rgb), thick + 2, cv2.LINE_AA)
            cv2.line(image, pa, pb, _colour(CYAN, rgb), thick, cv2.LINE_AA)
    radius = max(3, round(5 * unit))
    for i in np.flatnonzero(ok):
        centre = (int(points[i][0]), int(points[i][1]))
        cv2.circle(image, centre, radius, _colour(WHITE, rgb), -1, cv2.LINE_AA)
        cv2.circle(image, centre, radius, _colour(BLACK, rgb), 1, cv2.LINE_AA)


def _box(
    image: NDArray[np.uint8], x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]
) -> None:
    """A filled box at 75 % opacity."""
    height, width = image.shape[:2]
    x0, x1 = max(0, x0), min(width, x1)
    y0, y1 = max(0, y0), min(height, y1)
    if x1 <= x0 or y1 <= y0:
        return
    region = image[y0:y1, x0:x1].astype(np.float32)
    region = 0.25 * region + 0.75 * np.array(colour, dtype=np.float32)
    image[y0:y1, x0:x1] = region.astype(np.uint8)


def _text_size(text: str, scale: float, thick: int) -> tuple[int, int, int]:
    import cv2

    (w, h), base = cv2.getTextSize(text, FONT, scale, thick)
    return int(w), int(h), int(base)


def _put(
    image: NDArray[np.uint8],
    text: str,
    org: tuple[int, int],
    scale: float,
    colour: tuple[int, int, int],
    thick: int,
) -> None:
    import cv2

    cv2.putText(image, text, org, FONT, scale, colour, thick, cv2.LINE_AA)


def _wrap(text: str, scale: float, thick: int, max_width: int) -> list[str]:
    """Split ``text`` into lines no wider than ``max_width`` pixels (words kept whole)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            trial = f"{current} {word}".strip()
            if current and _text_size(trial, scale, thick)[0] > max_width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return lines


def body_rows(
    image_xyz: NDArray[np.float64] | None, visibility: NDArray[np.float64] | None, height: int
) -> tuple[int, int] | None:
    """Top and bottom pixel rows of the landmarks seen, or None."""
    if image_xyz is None:
        return None
    y = np.asarray(image_xyz, dtype=np.float64)[:, 1]
    vis = np.ones(len(y)) if visibility is None else np.asarray(visibility, dtype=np.float64)
    seen = np.isfinite(y) & (vis >= MIN_VISIBILITY)
    if not np.any(seen):
        return None
    top, bottom = float(y[seen].min()), float(y[seen].max())
    # The head reaches above the eyes and the feet below the toe landmarks: widen the rows.
    span = bottom - top
    top, bottom = top - HEAD_MARGIN * span, bottom + FOOT_MARGIN * span
    return int(np.clip(top * height, 0, height)), int(np.clip(bottom * height, 0, height))


def _message_box(
    image: NDArray[np.uint8],
    lines: list[str],
    *,
    body: tuple[int, int] | None,
    colour: tuple[int, int, int],
    text_colour: tuple[int, int, int],
    scale: float,
    thick: int,
    top_reserved: int,
) -> tuple[int, int]:
    """Draw lines of text in a box above or below the body; return the box's rows."""
    height, width = image.shape[:2]
    pad = max(8, round(12 * _unit(image)))
    line_h = _text_size("Hg", scale, thick)[1] + _text_size("Hg", scale, thick)[2] + pad
    box_h = line_h * len(lines) + pad
    room_above = (body[0] if body else 0) - top_reserved
    room_below = height - (body[1] if body else height)
    if body is not None and room_above > room_below and room_above >= box_h:
        y0 = top_reserved + max(0, (room_above - box_h) // 2)
    else:
        y0 = height - box_h - pad
    _box(image, pad, y0, width - pad, y0 + box_h, colour)
    y = y0 + pad
    for line in lines:
        w, h, _ = _text_size(line, scale, thick)
        y += h
        _put(image, line, ((width - w) // 2, y), scale, text_colour, thick)
        y += line_h - h
    return y0, y0 + box_h


def _counter(image: NDArray[np.uint8], panel: Panel, rgb: bool) -> int:
    """Draw the counter block (top left); return the bottom row of the top band."""
    unit = _unit(image)
    pad = max(8, round(12 * unit))
    big, big_thick = 2.6 * unit, max(2, round(5 * unit))
    small, small_thick = 0.8 * unit, max(1, round(2 * unit))
    if panel.rest_remaining_s is not None:
        label, value = "REST", f"{max(0, int(np.ceil(panel.rest_remaining_s)))} s"
    elif panel.mode == "hold":
        label = "HOLD"
        value = f"{panel.hold_elapsed_s:.0f}/{panel.hold_target_s:.0f} s"
    else:
        label = "REPS"
        value = f"{panel.reps}/{panel.reps_target}" if panel.reps_target else f"{panel.reps}"
    sets = f"SET {panel.set_index}/{panel.sets_total}" if panel.sets_total else ""
    if panel.done:
        label = "DONE"
    vw, vh, _ = _text_size(value, big, big_thick)
    lw, lh, _ = _text_size(f"{label}  {sets}", small, small_thick)
    box_w = max(vw, lw) + 2 * pad
    box_h = lh + vh + 3 * pad
    _box(image, pad, pad, pad + box_w, pad + box_h, _colour(BLACK, rgb))
    _put(image, f"{label}  {sets}".strip(), (2 * pad, 2 * pad + lh), small, _colour(GREY, rgb),
         small_thick)  # fmt: skip
    value_colour = AMBER if panel.rest_remaining_s is not None else GREEN
    _put(image, value, (2 * pad, 3 * pad + lh + vh), big, _colour(value_colour, rgb), big_thick)
    return pad + box_h


def _hold_ring(image: NDArray[np.uint8], panel: Panel, rgb: bool) -> None:
    """A ring, top right, that fills as the hold goes on."""
    import cv2

    if panel.mode != "hold" or panel.hold_target_s <= 0 or panel.rest_remaining_s is not None:
        return
    unit = _unit(image)
    radius = round(55 * unit)
    thick = max(4, round(12 * unit))
    pad = max(8, round(12 * unit))
    centre = (image.shape[1] - pad - radius - thick, pad + radius + thick)
    fraction = float(np.clip(panel.hold_elapsed_s / panel.hold_target_s, 0.0, 1.0))
    cv2.circle(image, centre, radius, _colour(BLACK, rgb), thick + 4, cv2.LINE_AA)
    cv2.circle(image, centre, radius, _colour(GREY, rgb), thick, cv2.LINE_AA)
    if fraction > 0:
        cv2.ellipse(
            image, centre, (radius, radius), -90, 0, 360 * fraction, _colour(GREEN, rgb), thick,
            cv2.LINE_AA,
        )  # fmt: skip
    text = f"{panel.hold_elapsed_s:.0f}"
    scale, t = 1.4 * unit, max(2, round(3 * unit))
    w, h, _ = _text_size(text, scale, t)
    _put(image, text, (centre[0] - w // 2, centre[1] + h // 2), scale, _colour(WHITE, rgb), t)


def draw_overlay(
    image: NDArray[np.uint8],
    panel: Panel,
    image_xyz: NDArray[np.float64] | None = None,
    visibility: NDArray[np.float64] | None = None,
    *,
    rgb: bool = False,
) -> NDArray[np.uint8]:
    """Draw the skeleton and the coaching panel on ``image`` (in place); return ``image``.

    ``image_xyz`` (33, 3) and ``visibility`` (33,) may be None (person not found); landmarks
    with NaN coordinates or low visibility are skipped.
    """
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError("image must be an H x W x 3 uint8 array")
    if not panel.tracking_lost:
        draw_skeleton(image, image_xyz, visibility, rgb=rgb)
    top = _counter(image, panel, rgb)
    _hold_ring(image, panel, rgb)
    unit = _unit(image)
    scale, thick = 1.25 * unit, max(2, round(3 * unit))
    max_w = image.shape[1] - round(60 * unit)
    body = None if panel.tracking_lost else body_rows(image_xyz, visibility, image.shape[0])
    if panel.tracking_lost:
        lines = _wrap("I can't see you - step back into the picture", scale, thick, max_w)
        _message_box(image, lines, body=None, colour=_colour(RED, rgb),
                     text_colour=_colour(WHITE, rgb), scale=scale, thick=thick,
                     top_reserved=top)  # fmt: skip
    elif panel.instructions:
        lines = [ln for text in panel.instructions for ln in _wrap(text, scale, thick, max_w)]
        _message_box(image, lines, body=body, colour=_colour(BLACK, rgb),
                     text_colour=_colour(AMBER, rgb), scale=scale, thick=thick,
                     top_reserved=top)  # fmt: skip
    elif panel.cue:
        lines = _wrap(panel.cue, scale, thick, max_w)
        _message_box(image, lines, body=body, colour=_colour(BLACK, rgb),
                     text_colour=_colour(WHITE, rgb), scale=scale, thick=thick,
                     top_reserved=top)  # fmt: skip
    return image
