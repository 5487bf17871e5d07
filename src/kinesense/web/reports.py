"""The report and a result's charts as files: the reports service writes the report (as
``kinesense report --history``), whose bytes are sent as an attachment (the HTML report is one
self-contained page with inline style and images, which a browser opens from the saved file;
under this site's Content-Security-Policy it would lose them).

Drawing takes seconds (every chart of every result), so what was drawn is kept in the person's
upload folder, named after what it shows (the results' record ids, the kinesense version): a
report is drawn again only when a result was added, and it goes with the person's other files
when their account is deleted. Results are never changed once saved, so the names are enough.
"""

import hashlib
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from kinesense import __version__
from kinesense.errors import NotFoundError
from kinesense.outputs import atomic_path
from kinesense.services.journey import person_journey
from kinesense.services.reports import report_for_person
from kinesense.services.results import result_chart_png
from kinesense.store import Store
from kinesense.web.uploads import upload_folder

MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
DRAWN = "drawn"
"""The folder, inside a person's upload folder, of the reports and charts already drawn."""


def drawn_file(data_dir: Path, person_id: int, *parts: object, suffix: str) -> Path:
    """Where a drawing of ``parts`` (what it shows) is kept."""
    key = hashlib.sha256("|".join(map(str, (__version__, *parts))).encode()).hexdigest()[:32]
    return upload_folder(data_dir, person_id) / DRAWN / f"{key}{suffix}"


def _kept(path: Path, draw: object) -> bytes:
    if path.is_file():
        return path.read_bytes()
    assert callable(draw)
    body: bytes = draw()
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f"*{path.suffix}") if path.suffix in (".pdf", ".html") else ():
        stale.unlink(missing_ok=True)  # one report of each kind: the newest
    with atomic_path(path) as temporary:
        temporary.write_bytes(body)
    return body


def report_bytes(store: Store, data_dir: Path, person_id: int, kind: str) -> bytes:
    """The person's report as ``html`` or ``pdf`` bytes (drawn once per set of results)."""
    if kind not in MEDIA_TYPES:
        raise NotFoundError("the report comes as html or pdf")
    journey = person_journey(store, person_id)
    ids = [entry.id for entry in journey.assessments]

    def draw() -> bytes:
        with tempfile.TemporaryDirectory(prefix="kinesense-report-") as folder:
            html = Path(folder) / "report.html"
            pdf = Path(folder) / "report.pdf"
            report_for_person(store, str(person_id), html, pdf=pdf if kind == "pdf" else None)
            return (pdf if kind == "pdf" else html).read_bytes()

    if not ids:
        return draw()  # the service says why there is no report
    target = drawn_file(data_dir, person_id, "report", journey.person.name, *ids,
                        suffix=f".{kind}")  # fmt: skip
    return _kept(target, draw)


async def report_file(store: Store, data_dir: Path, person_id: int, kind: str) -> Response:
    """The report as an attachment named ``kinesense-report.html`` or ``.pdf``."""
    body = await run_in_threadpool(report_bytes, store, data_dir, person_id, kind)
    return Response(
        body,
        media_type=MEDIA_TYPES[kind],
        headers={"content-disposition": f'attachment; filename="kinesense-report.{kind}"'},
    )


def chart_png(store: Store, data_dir: Path, person_id: int, record_id: int, index: int) -> bytes:
    """Chart ``index`` of the person's result ``record_id`` as PNG (drawn once)."""
    entry = person_journey(store, person_id).assessment(record_id)
    target = drawn_file(data_dir, person_id, "chart", record_id, index, suffix=".png")
    return _kept(target, lambda: result_chart_png(entry.result, index))
