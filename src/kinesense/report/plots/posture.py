"""Posture chart: the measured lines and angles drawn on the photo, or on a stick figure of the
landmarks when there is no photo."""

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import FigureBase

from kinesense.assess.result import AssessmentResult
from kinesense.report.plots.common import (
    INK,
    ORANGE,
    BadDataError,
    Builder,
    Chart,
    number,
)


def _point(value: Any, landmarks: Mapping[str, Any]) -> tuple[float, float]:
    if isinstance(value, str):
        if value not in landmarks:
            raise BadDataError(f"line end {value!r} is not among landmarks_px")
        value = landmarks[value]
    x, y = (number(v, "line end") for v in value)
    return x, y


def _zoom_to_person(
    ax: Axes, points: Sequence[tuple[float, float]], width: float, height: float
) -> None:
    """Show the part of the photo around the landmarks (a quarter of the body's size around)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    pad = 0.25 * max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    ax.set_xlim(max(0.0, min(xs) - pad), min(width, max(xs) + pad))
    ax.set_ylim(min(height, max(ys) + pad), max(0.0, min(ys) - pad))  # y down, as in images
    ax.set_aspect("equal", adjustable="box")


def _posture(result: AssessmentResult) -> Chart | None:
    from kinesense.landmarks import SKELETON

    data = result.plot_data
    landmarks: Mapping[str, Any] = data.get("landmarks_px") or {}
    points = {name: _point(xy, {}) for name, xy in landmarks.items()}
    lines = []
    missing: list[str] = []
    for line in data.get("lines") or []:
        ends = [line["from"], line["to"]]
        absent = [end for end in ends if isinstance(end, str) and end not in landmarks]
        if absent:  # a landmark not seen in the photo: draw the other lines
            missing += absent
            continue
        lines.append((_point(ends[0], landmarks), _point(ends[1], landmarks),
                      str(line.get("label", ""))))  # fmt: skip
    if not points and not lines:
        return None
    image = None
    image_path = data.get("image_path")
    if isinstance(image_path, str) and Path(image_path).is_file():
        from matplotlib.image import imread

        try:
            image = imread(image_path)
        except (OSError, ValueError, SyntaxError):
            image = None
    view = str(data.get("view") or "")

    def draw(fig: FigureBase) -> None:
        ax = fig.subplots()
        if image is not None:
            ax.imshow(image)
        else:
            for a, b in SKELETON:
                if a in points and b in points:
                    ax.plot(
                        *zip(points[a], points[b], strict=True),
                        color="#9ca3af",
                        linewidth=3,
                        solid_capstyle="round",
                    )
            ax.invert_yaxis()
        if points:
            xs, ys = zip(*points.values(), strict=True)
            ax.plot(
                xs, ys, "o", color=INK, markersize=4, markeredgecolor="white", markeredgewidth=0.8
            )
        for (x0, y0), (x1, y1), label in lines:
            ax.plot([x0, x1], [y0, y1], color=ORANGE, linewidth=2.2)
            if label:
                ax.annotate(
                    label,
                    ((x0 + x1) / 2, (y0 + y1) / 2),
                    xytext=(8, 0),
                    textcoords="offset points",
                    fontsize=10,
                    color=INK,
                    bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": ORANGE, "alpha": 0.9},
                )
        if image is not None and points:
            _zoom_to_person(ax, list(points.values()), image.shape[1], image.shape[0])
        else:
            ax.set_aspect("equal", adjustable="datalim")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        title = "Posture" + (f" ({view} view)" if view else "")
        ax.set_title(title, fontsize=12, color=INK, loc="left")

    caption = "The measured lines and angles drawn on "
    caption += "the photo." if image is not None else "the body's landmarks (stick figure)."
    if missing:
        names = ", ".join(sorted({m.replace("_", " ") for m in missing}))
        caption += f" Not drawn (landmark not found): {names}."
    return Chart("Posture", caption, (5.0, 6.0), draw)


BUILDERS: tuple[tuple[str, Builder], ...] = (("posture", _posture),)
