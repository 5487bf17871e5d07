"""A person's measurements: the results list, one result (the numbers the command line gives,
with units, norms and their sources, the interpretation, or why it could not be judged), its
charts, the progress charts, and the report as HTML and PDF."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from kinesense.services.journey import person_journey
from kinesense.services.lessons import lessons_of_result
from kinesense.services.progress import progress_charts
from kinesense.services.results import result_charts_of
from kinesense.web.deps import OwnPerson, StateDep
from kinesense.web.reports import chart_png, report_file
from kinesense.web.templating import render

router = APIRouter()


@router.get("/people/{person_id}/results")
def results_page(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """Every measurement, newest first."""
    journey = person_journey(state.store, person_id)
    return render(request, "results.html", {"title": "Measurements", "journey": journey})


@router.get("/people/{person_id}/results/{record_id}")
def result_page(
    request: Request, person_id: OwnPerson, record_id: int, state: StateDep
) -> Response:
    """One measurement, as the command line reports it."""
    journey = person_journey(state.store, person_id)
    entry = journey.assessment(record_id)
    charts = result_charts_of(entry.result)
    lessons = lessons_of_result(entry.result.test)
    context = {"title": "Measurement", "journey": journey, "entry": entry, "charts": charts,
               "lessons": lessons}  # fmt: skip
    return render(request, "result.html", context)


@router.get("/people/{person_id}/results/{record_id}/charts/{index}.png")
def result_chart(person_id: OwnPerson, record_id: int, index: int, state: StateDep) -> Response:
    """One chart of a measurement (drawn as the report draws it), as a PNG image."""
    body = chart_png(state.store, state.config.data_dir, person_id, record_id, index)
    return Response(body, media_type="image/png")


@router.get("/people/{person_id}/progress")
def progress_page(request: Request, person_id: OwnPerson, state: StateDep) -> Response:
    """Progress over time: pain, activities, sway, stance, position error, sessions done."""
    journey = person_journey(state.store, person_id)
    context = {"title": "Progress", "journey": journey, "charts": progress_charts(journey)}
    return render(request, "progress.html", context)


@router.get("/people/{person_id}/report.{kind}")
async def report(person_id: OwnPerson, kind: str, state: StateDep) -> Response:
    """The report of every measurement kept (the same as ``kinesense report --history``), as
    a file to save: ``html`` (one self-contained page) or ``pdf``."""
    return await report_file(state.store, state.config.data_dir, person_id, kind)
