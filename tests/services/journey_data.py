"""Building a person's history for the journey's service tests: real results and sessions from
the golden outputs (kinesense run on the real recordings of ../shared/data), saved at chosen
times through the services, so that every expected figure is known."""

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kinesense.assess.result import AssessmentResult, MetricInfo
from kinesense.services.history import save_assessment, save_payload
from kinesense.store import Store

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "expected"


def golden_output(name: str, at: datetime) -> dict[str, Any]:
    """A command's JSON output on a real recording, its blanked times set to ``at``."""
    text = (GOLDEN / f"{name}.json").read_text().replace('"<time>"', json.dumps(at.isoformat()))
    data: dict[str, Any] = json.loads(text)["output"]
    return data


def real_result(name: str, at: datetime, **conditions: Any) -> AssessmentResult:
    """A golden assessment result recorded at ``at``, with ``conditions`` changed (a relabelled
    trial keeps its numbers)."""
    data = golden_output(name, at)
    data["recorded_at"] = at.isoformat()
    data["conditions"] = dict(data.get("conditions", {})) | conditions
    return AssessmentResult.from_json(data)


def made_result(test: str, metric: str, value: float, unit: str, at: datetime,
                **conditions: Any) -> AssessmentResult:  # fmt: skip
    """A usable result with one metric of a known value (for tests whose real recordings here
    are all unusable: single-leg stance and repositioning)."""
    return AssessmentResult(
        test=test, usable=True, metrics={metric: value},
        metric_info={metric: MetricInfo(unit, "test metric", "test")},
        conditions=conditions, recorded_at=at.isoformat(),
    )  # fmt: skip


def save_result(store: Store, person: int, result: AssessmentResult) -> int:
    """Save a result in the history; its record id."""
    return save_assessment(store, str(person), result).record_id


def save_session(store: Store, person: int, at: datetime, exercise: str = "squat",
                 pain: tuple[int, int] | None = None) -> int:  # fmt: skip
    """A real coached session (sports2d_demo.mp4 coached as a squat) started at ``at``."""
    payload = golden_output("coach_squat_demo", at) | {
        "started_at": at.isoformat(), "exercise": exercise,
    }  # fmt: skip
    if pain is not None:
        payload |= {"pain_before": pain[0], "pain_after": pain[1]}
    return save_payload(store, str(person), "session", payload).record_id


def days(start: datetime, *offsets: float) -> list[datetime]:
    """``start`` plus each offset in days."""
    return [start + timedelta(days=d) for d in offsets]
