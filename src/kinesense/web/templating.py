"""Rendering pages: the Jinja2 environment (autoescaped, undefined names are errors) and
:func:`render`, which gives every template the signed-in account and the form CSRF token."""

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import Response

from kinesense.web.charts import line_chart

TEMPLATES = Path(__file__).resolve().parent / "templates"


def when(moment: datetime | None) -> Markup:
    """A time for people: a ``<time>`` element reading ``8 Dec 2026, 14:05 UTC``, which
    ``static/js/local-time.js`` rewrites in the browser's own time zone and language (empty
    for None)."""
    if moment is None:
        return Markup("")
    text = f"{moment.day} {moment:%b %Y, %H:%M} UTC"
    return Markup('<time datetime="{}">{}</time>').format(moment.isoformat(), text)


def percent(fraction: float) -> str:
    """A fraction 0-1 as a whole percentage."""
    return f"{round(100 * fraction)}%"


def sentence(text: str, capital: bool = True) -> str:
    """A one-line message as a sentence: a full stop at the end unless it ends with punctuation,
    and, unless ``capital`` is False, a capital first letter when the message starts with an
    ordinary word (``walk.csv is empty`` keeps the file's own spelling)."""
    text = text.strip()
    if not text:
        return ""
    first = text.split(maxsplit=1)[0].rstrip(",;:")
    if capital and first.isalpha() and first.islower():
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


LABELS = {
    "format": "Format",
    "kind": "Kind of recording",
    "samples": "Samples",
    "duration_s": "Duration (seconds)",
    "sampling_rate_hz": "Samples per second (Hz)",
    "source": "Source",
    "reader": "Read as",
    "axes": "Axes",
    "placement": "Sensor placement",
    "magnetometer": "Magnetometer",
    "width": "Width (pixels)",
    "height": "Height (pixels)",
    "fps": "Frames per second",
    "frames": "Frames",
    "rotation_deg": "Rotation (degrees)",
    "codec": "Codec",
    "detected_frames": "Frames with a person",
    "landmarks_present": "Landmarks present",
    "landmarks_total": "Landmarks in the model",
    "model": "Pose model",
    "resolution": "Resolution (pixels)",
    "camera_view": "Camera view",
}


def label(key: str) -> str:
    """The label of a result field (its name with spaces when it has no label)."""
    return LABELS.get(key, key.replace("_", " ").capitalize())


def show(value: Any) -> str:
    """A result value for people: lists joined, booleans as yes/no, nothing as a dash."""
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return (
            " x ".join(str(v) for v in value)
            if all(isinstance(v, int) for v in value)
            else ", ".join(str(v) for v in value)
        )
    return str(value)


FORMAT_NAMES = {
    "video": "A video",
    "series": "A kinesense recording",
    "trc": "Body keypoints (TRC file)",
    "c3d": "Motion capture (C3D file)",
    "openpose": "Body keypoints (OpenPose)",
    "imu-csv": "A motion-sensor recording",
    "cop-csv": "A force-plate recording",
}


def summary(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The few facts of a described recording a person cares about, in words and units
    (the full list stays under "Technical details")."""
    rows = [("What it is", FORMAT_NAMES.get(str(result.get("format")), str(result.get("format"))))]
    duration = result.get("duration_s")
    if isinstance(duration, int | float):
        rows.append(("Length", f"{duration:.1f} seconds"))
    if result.get("format") == "video":
        rows.append(("Picture", f"{result.get('width')} x {result.get('height')} pixels"))
        rows.append(("Frames per second", f"{float(result.get('fps') or 0):g}"))
    elif isinstance(result.get("sampling_rate_hz"), int | float):
        rows.append(("Measurements per second", f"{float(result['sampling_rate_hz']):g}"))
    if isinstance(result.get("detected_frames"), int) and result.get("samples"):
        rows.append(("Frames with a person", f"{result['detected_frames']} of {result['samples']}"))
    return rows


def day(moment: datetime | date | None) -> str:
    """A date for people: ``8 Dec 2026`` (empty for None)."""
    if moment is None:
        return ""
    return f"{moment.day} {moment:%b %Y}"


def number(value: float | None, digits: int = 1) -> str:
    """A number with at most ``digits`` decimals, without trailing zeros (a dash for None)."""
    if value is None:
        return "-"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return "0" if text == "-0" else text


MAIN_METRICS = 8
"""Measurements a result page lists openly (those compared with a norm first), as the report
does; the others fold under "N more measurements"."""


def ordered_metrics(result: Any) -> list[tuple[str, float]]:
    """A result's metrics, those compared with a norm first, then in the result's order."""
    normed = [n.metric for n in result.norms if n.metric in result.metrics]
    names = list(dict.fromkeys([*normed, *result.metrics]))
    return [(name, result.metrics[name]) for name in names]


def report_wording() -> dict[str, Callable[..., str]]:
    """The reports' wording of results (:mod:`kinesense.report`), so a page and the report say
    the same: test titles, metric labels, values with units, ranges, verdicts, conditions."""
    from kinesense import report

    return {
        "test_title": report.title_of,
        "metric_label": report.metric_label,
        "with_unit": report.with_unit,
        "range_text": report.range_text,
        "verdict_words": report.verdict_words,
        "conditions_text": report.conditions_text,
        "describe": report.describe_value,
        "value": report.format_value,
    }


def make_templates() -> Jinja2Templates:
    """The page templates shipped in ``kinesense/web/templates``."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["percent"] = percent
    env.filters["sentence"] = sentence
    env.filters["label"] = label
    env.filters["show"] = show
    env.filters["summary"] = summary
    env.filters["day"] = day
    env.filters["number"] = number
    for name, function in report_wording().items():
        env.filters[name] = function
    env.globals["line_chart"] = line_chart
    env.globals["main_metrics"] = MAIN_METRICS
    env.filters["ordered_metrics"] = ordered_metrics
    return Jinja2Templates(env=env)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    """The page ``name`` with ``context`` plus ``user`` (the signed-in account or None),
    ``csrf_token`` and ``title`` (default: empty)."""
    from kinesense.web.deps import app_state, form_csrf_token, sign_in_of

    sign_in = sign_in_of(request)
    full = {
        "request": request,
        "user": sign_in.account if sign_in else None,
        "csrf_token": form_csrf_token(request),
        "title": "",
        **(context or {}),
    }
    templates = app_state(request).templates
    return templates.TemplateResponse(request, name, full, status_code=status_code)
