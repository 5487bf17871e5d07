"""The report as a file to save: the reports service writes it (as ``kinesense report
--history``) into a temporary folder, and its bytes are sent as an attachment (the HTML report
is one self-contained page with inline style and images, which a browser opens from the saved
file; under this site's Content-Security-Policy it would lose them)."""

import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from kinesense.errors import NotFoundError
from kinesense.services.reports import report_for_person
from kinesense.store import Store

MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def report_bytes(store: Store, person_id: int, kind: str) -> bytes:
    """The person's report as ``html`` or ``pdf`` bytes."""
    if kind not in MEDIA_TYPES:
        raise NotFoundError("the report comes as html or pdf")
    with tempfile.TemporaryDirectory(prefix="kinesense-report-") as folder:
        html = Path(folder) / "report.html"
        pdf = Path(folder) / "report.pdf"
        report_for_person(store, str(person_id), html, pdf=pdf if kind == "pdf" else None)
        return (pdf if kind == "pdf" else html).read_bytes()


async def report_file(store: Store, person_id: int, kind: str) -> Response:
    """The report as an attachment named ``kinesense-report.html`` or ``.pdf``."""
    body = await run_in_threadpool(report_bytes, store, person_id, kind)
    return Response(
        body,
        media_type=MEDIA_TYPES[kind],
        headers={"content-disposition": f'attachment; filename="kinesense-report.{kind}"'},
    )
