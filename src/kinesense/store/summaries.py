"""One readable line for each record of a person's history (``kinesense history``).

Payloads come from other parts of kinesense and from older versions, so every field is read
defensively: a missing field is left out of the line, never an error.
"""

from collections.abc import Callable, Mapping
from typing import Any

MAX_METRICS = 3
SKIPPED_METRICS = ("duration_s",)  # how long was analysed, not a result
SKIPPED_CONDITIONS = ("source",)


def summarise(kind: str, data: Mapping[str, Any]) -> str:
    """One line describing a record of ``kind`` (screening, assessment, plan, session, checkin,
    override)."""
    return _SUMMARIES.get(kind, _other)(data)


def _number(value: Any, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "?"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _screening(data: Mapping[str, Any]) -> str:
    decision = str(data.get("decision", "?"))
    flags = list(data.get("red_flags") or [])
    if decision == "refer":
        urgency = f", {data['urgency']}" if data.get("urgency") else ""
        return f"screening: refer{urgency} (red flags: {', '.join(map(str, flags)) or '?'})"
    return f"screening: {decision}"


def _assessment(data: Mapping[str, Any]) -> str:
    test = str(data.get("test", "?"))
    conditions = [
        f"eyes {value}" if key == "eyes" else value
        for key, value in (data.get("conditions") or {}).items()
        if isinstance(value, str) and key not in SKIPPED_CONDITIONS
    ]
    if conditions:
        test += f" ({', '.join(conditions)})"
    if not data.get("usable", True):
        reasons = "; ".join(map(str, data.get("reasons") or [])) or "no reason given"
        return f"assessment {test}: cannot be judged ({reasons})"
    metrics = dict(data.get("metrics") or {})
    info = data.get("metric_info") or {}
    # Metrics compared with a norm first: they are the ones a clinician reads first.
    normed = [n.get("metric") for n in data.get("norms") or [] if isinstance(n, Mapping)]
    names = [m for m in normed if m in metrics]
    names += [m for m in metrics if m not in names and m not in SKIPPED_METRICS]
    parts = []
    for name in names[:MAX_METRICS]:
        unit = (info.get(name) or {}).get("unit", "")
        unit = "" if unit in ("", "1") else f" {unit}"
        parts.append(f"{name} {_number(metrics[name], 2)}{unit}")
    return f"assessment {test}: {', '.join(parts) or 'no metrics'}"


def _plan(data: Mapping[str, Any]) -> str:
    sessions = data.get("sessions") or []
    tracks = []
    for track in data.get("tracks") or []:
        if isinstance(track, Mapping):
            tracks.append(str(track.get("name") or track.get("id") or track.get("track") or "?"))
        else:
            tracks.append(str(track))
    status = data.get("status", "?")
    text = f"plan ({status}): {len(sessions)} session(s) a week"
    if tracks:
        text += f"; tracks: {', '.join(tracks)}"
    return text


def _session(data: Mapping[str, Any]) -> str:
    name = data.get("exercise_name") or data.get("exercise") or "?"
    holds = [h for h in data.get("holds") or [] if isinstance(h, Mapping)]
    text = f"session {name}: {_number(data.get('reps', 0))} repetition(s)"
    if holds:
        longest = max(float(h.get("duration_s") or 0.0) for h in holds)
        text += f", {len(holds)} hold(s), longest {longest:.1f} s"
    faults = [e for e in data.get("events") or [] if isinstance(e, Mapping)]
    faults = [e for e in faults if e.get("kind") == "form_fault"]
    if faults:
        text += f", {len(faults)} form cue(s)"
    return text


def _checkin(data: Mapping[str, Any]) -> str:
    parts = []
    if data.get("pain_now") is not None:
        parts.append(f"pain now {_number(data['pain_now'])}/10")
    if data.get("pain_week") is not None:
        parts.append(f"week average {_number(data['pain_week'])}/10")
    scores: list[float] = [
        float(item["score"])
        for item in data.get("psfs") or []
        if isinstance(item, Mapping) and isinstance(item.get("score"), int | float)
    ]
    if scores:
        parts.append(f"PSFS mean {sum(scores) / len(scores):.1f}/10")
    return "check-in: " + (", ".join(parts) or "no scores")


def _override(data: Mapping[str, Any]) -> str:
    who = data.get("clinician") or "a clinician"
    value = f" {data['value']}" if data.get("value") not in (None, "") else ""
    reason = f": {data['reason']}" if data.get("reason") else ""
    action = data.get("action", "?")
    return f"override {data.get('exercise_id', '?')}: {action}{value} by {who}{reason}"


def _other(data: Mapping[str, Any]) -> str:
    return f"record with {len(data)} field(s)"


_SUMMARIES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "screening": _screening,
    "assessment": _assessment,
    "plan": _plan,
    "session": _session,
    "checkin": _checkin,
    "override": _override,
}
