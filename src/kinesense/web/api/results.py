"""``/api/v1/people/{person_id}/...``: measurements, coached sessions, progress and the report."""

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from kinesense.program.records import CoachedSession
from kinesense.services.journey import person_journey
from kinesense.services.progress import progress_charts
from kinesense.web.deps import OwnPerson, StateDep
from kinesense.web.journey_schemas import ChartPublic, ResultPublic, ResultSummary, SessionSummary
from kinesense.web.reports import report_file

router = APIRouter(prefix="/people/{person_id}", tags=["results"])


@router.get("/results", response_model=list[ResultSummary])
def results(person_id: OwnPerson, state: StateDep) -> list[ResultSummary]:
    """The measurements kept, newest first."""
    found = person_journey(state.store, person_id)
    return [ResultSummary.of(entry) for entry in reversed(found.assessments)]


@router.get("/results/{record_id}", response_model=ResultPublic)
def result(person_id: OwnPerson, record_id: int, state: StateDep) -> ResultPublic:
    """One measurement, as ``kinesense assess TEST --json`` prints it."""
    entry = person_journey(state.store, person_id).assessment(record_id)
    return ResultPublic(id=entry.id, at=entry.at, result=entry.result)


@router.get("/sessions", response_model=list[SessionSummary])
def sessions(person_id: OwnPerson, state: StateDep) -> list[SessionSummary]:
    """The coached sessions kept, newest first."""
    found = person_journey(state.store, person_id)
    return [SessionSummary.of(entry) for entry in reversed(found.sessions)]


@router.get("/sessions/{record_id}", response_model=CoachedSession)
def session(person_id: OwnPerson, record_id: int, state: StateDep) -> CoachedSession:
    """One coached session with its events (the ``kinesense coach --json`` object)."""
    return person_journey(state.store, person_id).session(record_id).session


@router.get("/progress", response_model=list[ChartPublic])
def progress(person_id: OwnPerson, state: StateDep) -> list[ChartPublic]:
    """The progress series: pain, PSFS, sway, stance, joint position error, adherence."""
    found = person_journey(state.store, person_id)
    return [ChartPublic.of(chart) for chart in progress_charts(found)]


@router.get("/report", response_class=Response,
            responses={200: {"content": {"application/pdf": {}, "text/html": {}}}})  # fmt: skip
async def report(
    person_id: OwnPerson,
    state: StateDep,
    kind: Annotated[str, Query(alias="format", pattern="^(html|pdf)$")] = "pdf",
) -> Response:
    """The report of every measurement kept, as a PDF (default) or one HTML page."""
    return await report_file(state.store, state.config.data_dir, person_id, kind)
