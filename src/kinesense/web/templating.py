"""Rendering pages: the Jinja2 environment (autoescaped, undefined names are errors) and
:func:`render`, which gives every template the signed-in account and the form CSRF token."""

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

TEMPLATES = Path(__file__).resolve().parent / "templates"


def when(moment: datetime | None) -> str:
    """A UTC time for people: ``8 Dec 2026, 14:05 UTC`` (empty for None)."""
    if moment is None:
        return ""
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def percent(fraction: float) -> str:
    """A fraction 0-1 as a whole percentage."""
    return f"{round(100 * fraction)}%"


def sentence(text: str, capital: bool = True) -> str:
    """A one-line message as a sentence: first letter capital (unless ``capital`` is False),
    a full stop at the end unless it ends with punctuation already."""
    text = text.strip()
    if not text:
        return ""
    if capital:
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
