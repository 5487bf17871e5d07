"""Server time of every page of the web app on the embedded default (SQLite, one process), with
1,000 people who have used kinesense for a year.

The history is made of real payloads (``tests/golden/expected``: a sway result of
``cop/eyesOpen_1.csv.gz`` with its plot data, a session coached from ``sports2d_demo.mp4``) and
of plans built by the real planner, copied with their times changed. Each person, over
``--weeks`` weeks (default 52), has:

* a check-in every week (the safety questions, pain now and over the week as a random walk on
  0-10, three PSFS activities), about 2 % of them with a red flag then cleared a week later;
* a plan reviewed every four weeks (2 to 4 sessions a week);
* the planned sessions, each done with the person's own probability (50 to 100 %);
* a sway measurement every 13 weeks.

People are shared among ``--therapists`` therapists (default 20, so 50 each). Pages are asked
through an in-process ASGI client (Starlette's ``TestClient``) as the signed-in person or their
therapist, each ``--samples`` times on people drawn at random (the reports and charts fewer
times: they are drawn, then kept; the rows "drawn before" ask again for what was drawn), after
one warm-up request each; the time is from the request to the whole answer, so it includes the
client's small overhead. A table of p50 and p95 per page is printed.

Usage::

    .venv/bin/python benchmarks/web_pages.py [--people 1000] [--weeks 52] [--therapists 20]
        [--samples 40] [--database FILE] [--json]

``--database FILE`` keeps the database (made once, reused when it exists) to time again without
building it.
"""

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
GOLDEN = PROJECT_ROOT / "tests" / "golden" / "expected"
PASSWORD_HASH_OF = "benchmark password"
PSFS = ("walking 30 minutes", "putting on socks", "lifting a shopping bag")


def golden(name: str, at: datetime) -> dict[str, Any]:
    """A command's real output (tests/golden) with its blanked times set to ``at``."""
    text = (GOLDEN / f"{name}.json").read_text().replace('"<time>"', json.dumps(at.isoformat()))
    data: dict[str, Any] = json.loads(text)["output"]
    return data


@dataclass
class Templates:
    """The payloads every person's history is copied from."""

    plans: dict[int, Any]
    session: Any
    result: Any
    screening: Any
    flagged: Any


def templates(store: Any, start: datetime) -> Templates:
    """Plans from the real planner (2, 3 and 4 sessions a week), a real coached session and a
    real sway result, and the two screenings."""
    from kinesense.assess.result import AssessmentResult
    from kinesense.program.records import CoachedSession
    from kinesense.program.screening import screen
    from kinesense.services.people import add_person
    from kinesense.services.plans import PlanRequest, make_or_show_plan
    from kinesense.services.screening import run_screening

    plans = {}
    for per_week in (2, 3, 4):
        person = add_person(store, f"Template {per_week}").person.id
        run_screening({}, store=store, person=str(person), at=start)
        request = PlanRequest(sessions_per_week=per_week, goals=("walk to the shops",))
        plans[per_week] = make_or_show_plan(store, str(person), request, today=start).plan
    session = CoachedSession.from_json(golden("coach_squat_demo", start))
    result = AssessmentResult.from_json(golden("sway_cop_eo", start))
    return Templates(plans, session, result, screen({}, at=start),
                     screen({"saddle_numbness": True}, at=start))  # fmt: skip


def one_year(unit: Any, person_id: int, made: Templates, start: datetime, weeks: int,
             rng: random.Random) -> None:  # fmt: skip
    """Write one person's history (see the module docstring) in ``unit``."""
    from kinesense.program.records import CheckIn, ClinicianOverride

    per_week = rng.choice((2, 3, 3, 4))
    plan_template = made.plans[per_week]
    exercises = [item.exercise_id for item in plan_template.sessions[0]]
    adherence = rng.uniform(0.5, 1.0)
    pain = rng.randint(2, 8)
    flagged_week = rng.randrange(weeks) if rng.random() < 0.02 else -1
    for week in range(weeks):
        monday = start + timedelta(weeks=week)
        checked = monday + timedelta(hours=rng.randint(7, 20))
        if week % 4 == 0:
            plan = plan_template.model_copy(update={
                "person_id": person_id, "created": checked, "week_start": monday.date(),
                "reassess_after": (checked + timedelta(weeks=4)).date(),
            })  # fmt: skip
            unit.save_plan(person_id, plan, reason="check-in: review")
        screening = made.flagged if week == flagged_week else made.screening
        unit.save_screening(person_id, screening.model_copy(update={"screened_at": checked}))
        if week == flagged_week + 1 and flagged_week >= 0:
            unit.save_override(person_id, ClinicianOverride(
                exercise_id="*", action="resume", clinician="Therapist", reason="seen in clinic",
                made_at=checked,
            ))  # fmt: skip
        pain = min(10, max(0, pain + rng.choice((-1, 0, 0, 1))))
        psfs = [{"activity": a, "score": min(10, max(0, 10 - pain + rng.randint(-2, 2)))}
                for a in PSFS]  # fmt: skip
        unit.save_checkin(person_id, CheckIn.from_json({
            "pain_now": pain, "pain_week": min(10, pain + 1), "psfs": psfs, "checked_at": checked,
        }))  # fmt: skip
        for day in sorted(rng.sample(range(7), per_week)):
            if rng.random() < adherence:
                started = monday + timedelta(days=day, hours=18)
                unit.save_session(person_id, made.session.model_copy(update={
                    "started_at": started, "exercise": rng.choice(exercises),
                }))  # fmt: skip
        if week % 13 == 0:
            recorded = (monday + timedelta(hours=10)).isoformat()
            unit.save_assessment(person_id, made.result.model_copy(
                update={"recorded_at": recorded}))  # fmt: skip


@dataclass
class World:
    """The benchmark's people: (person id, account) of each, and each therapist's account."""

    people: list[tuple[int, Any]]
    therapists: list[Any]


def populate(state: Any, people: int, weeks: int, therapists: int, seed: int = 1) -> World:
    """Create the therapists and people with their histories (one transaction a person)."""
    from kinesense.web.access import CONSENT_VERSION
    from kinesense.web.passwords import hash_password
    from kinesense.web.security import new_token

    password = hash_password(PASSWORD_HASH_OF)
    lifetime = timedelta(days=1)

    def account(role: str, name: str, invited_by: int | None) -> Any:
        token = new_token()
        state.accounts.create_link(token, role, lifetime=lifetime, invited_by=invited_by,
                                   name=name)  # fmt: skip
        email = f"{name.lower().replace(' ', '.')}@bench.invalid"
        return state.accounts.accept_link(token, email=email, name=name, password_hash=password)

    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(weeks=weeks, days=now.weekday())
    made = templates(state.store, start)
    staff = [account("therapist", f"Therapist {t}", None) for t in range(therapists)]
    rng = random.Random(seed)
    found = []
    for number in range(people):
        person = account("person", f"Person {number}", staff[number % therapists].id)
        state.accounts.record_consent(person.id, CONSENT_VERSION)
        with state.store.transaction() as unit:
            one_year(unit, person.person_id, made, start, weeks, rng)
        found.append((person.person_id, person))
    return World(found, staff)


def existing(state: Any) -> World:
    """The people and therapists of a database made earlier."""
    staff = state.accounts.by_role("therapist")
    people = [(a.person_id, a) for t in staff for a in state.accounts.people_of(t.id)]
    return World(people, staff)


@contextmanager
def client_as(app: Any, account: Any) -> Iterator[Any]:
    """An in-process browser signed in as ``account``."""
    import re

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx`")
        from fastapi.testclient import TestClient

    from kinesense.web.auth import open_session
    from kinesense.web.security import SESSION_COOKIE

    browser = TestClient(app, follow_redirects=False)
    session = open_session(app.state.kinesense, account, "bench", "bench")
    browser.cookies.set(SESSION_COOKIE, session.token)
    token = re.search(r'name="csrf-token" content="([^"]+)"', browser.get("/account").text)
    browser.headers["x-csrf-token"] = token.group(1) if token else ""
    try:
        yield browser
    finally:
        browser.close()


@dataclass(frozen=True)
class Page:
    """A page to time: its label, who asks, the path for a person, and how many samples."""

    label: str
    who: str
    path: Callable[[int, Any], str]
    fewer: bool = False


def record_ids(state: Any, person_id: int) -> Any:
    """The person's first result and latest session ids."""
    from kinesense.services.journey import person_journey

    journey = person_journey(state.store, person_id)
    return (journey.assessments[-1].id if journey.assessments else 0,
            journey.sessions[-1].id if journey.sessions else 0)  # fmt: skip


PAGES = [
    Page("person home", "person", lambda p, r: f"/people/{p}"),
    Page("safety questions", "person", lambda p, r: f"/people/{p}/screening"),
    Page("check-in form", "person", lambda p, r: f"/people/{p}/checkin"),
    Page("plan", "person", lambda p, r: f"/people/{p}/plan"),
    Page("calendar (.ics)", "person", lambda p, r: f"/people/{p}/plan/calendar.ics"),
    Page("measure (upload form)", "person", lambda p, r: f"/people/{p}/upload"),
    Page("measurements", "person", lambda p, r: f"/people/{p}/results"),
    Page("one result", "person", lambda p, r: f"/people/{p}/results/{r[0]}"),
    Page(
        "one result chart (PNG)",
        "person",
        lambda p, r: f"/people/{p}/results/{r[0]}/charts/0.png",
        fewer=True,
    ),
    Page(
        "the chart, drawn before",
        "person",
        lambda p, r: f"/people/{p}/results/{r[0]}/charts/0.png",
        fewer=True,
    ),
    Page("progress charts", "person", lambda p, r: f"/people/{p}/progress"),
    Page("sessions", "person", lambda p, r: f"/people/{p}/sessions"),
    Page("one session", "person", lambda p, r: f"/people/{p}/sessions/{r[1]}"),
    Page("send a session", "person", lambda p, r: f"/people/{p}/sessions/upload"),
    Page("report (HTML)", "person", lambda p, r: f"/people/{p}/report.html", fewer=True),
    Page("report (PDF)", "person", lambda p, r: f"/people/{p}/report.pdf", fewer=True),
    Page(
        "report (PDF), drawn before", "person", lambda p, r: f"/people/{p}/report.pdf", fewer=True
    ),
    Page("account", "person", lambda p, r: "/account"),
    Page("data export (JSON)", "person", lambda p, r: "/account/export", fewer=True),
    Page("API: journey", "person", lambda p, r: f"/api/v1/people/{p}/journey"),
    Page("API: progress", "person", lambda p, r: f"/api/v1/people/{p}/progress"),
    Page("therapist: people + alerts", "therapist", lambda p, r: "/people"),
    Page("therapist: a person", "therapist", lambda p, r: f"/people/{p}"),
    Page("therapist: plan + override", "therapist", lambda p, r: f"/people/{p}/plan"),
    Page("API: caseload", "therapist", lambda p, r: "/api/v1/caseload"),
]


def time_pages(app: Any, world: World, samples: int, seed: int = 2) -> list[dict[str, Any]]:
    """p50 and p95 (ms) of each page over ``samples`` people drawn at random."""
    state = app.state.kinesense
    rng = random.Random(seed)
    chosen = rng.sample(world.people, min(samples, len(world.people)))
    therapist_of = {a.person_id: a.therapist_id for _, a in world.people}
    staff = {t.id: t for t in world.therapists}
    ids = {pid: record_ids(state, pid) for pid, _ in chosen}
    rows = []
    for page in PAGES:
        count = max(2, len(chosen) // 8) if page.fewer else len(chosen)
        times = []
        for index, (pid, account) in enumerate(chosen[:count]):
            who = account if page.who == "person" else staff[therapist_of[pid]]
            with client_as(app, who) as browser:
                path = page.path(pid, ids[pid])
                if index == 0:
                    browser.get(path)  # warm-up
                began = time.perf_counter()
                answer = browser.get(path)
                times.append(1000 * (time.perf_counter() - began))
            if answer.status_code != 200:
                raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:200]}")
        times.sort()
        rows.append({
            "page": page.label, "n": len(times), "p50_ms": statistics.median(times),
            "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        })  # fmt: skip
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a plain table."""
    lines = [f"{'page':32s} {'n':>4s} {'p50 ms':>9s} {'p95 ms':>9s}"]
    lines += [f"{r['page']:32s} {r['n']:4d} {r['p50_ms']:9.1f} {r['p95_ms']:9.1f}" for r in rows]
    return "\n".join(lines)


def run(folder: Path, people: int, weeks: int, therapists: int, samples: int,
        out: Callable[[str], None] = print) -> dict[str, Any]:  # fmt: skip
    """Build (or reuse) the database in ``folder`` and time the pages; returns the figures."""
    from kinesense.web.app import create_app
    from kinesense.web.config import WebConfig
    from kinesense.web.serving import freeze_startup_objects

    database = folder / "bench.db"
    fresh = not database.exists()
    for drawn in (folder / "data" / "uploads").glob("person-*/drawn"):
        shutil.rmtree(drawn)  # reports and charts of an earlier run are drawn again
    config = WebConfig(database_url=f"sqlite:///{database}", data_dir=folder / "data")
    app = create_app(config)
    state = app.state.kinesense
    try:
        began = time.perf_counter()
        world = populate(state, people, weeks, therapists) if fresh else existing(state)
        built_s = time.perf_counter() - began
        with state.store.transaction(write=False) as unit:
            records = sum(len(unit.history(pid)) for pid, _ in world.people[:20])
        out(f"{len(world.people)} people, {len(world.therapists)} therapists, "
            f"{weeks} weeks; about {records / max(1, min(20, len(world.people))):.0f} records a "
            f"person; database {database.stat().st_size / 1e6:.0f} MB"
            + (f", built in {built_s:.0f} s" if fresh else ""))  # fmt: skip
        freeze_startup_objects()  # as kinesense serve does before it answers
        rows = time_pages(app, world, samples)
    finally:
        state.close()
    out(table(rows))
    return {"people": len(world.people), "therapists": len(world.therapists), "weeks": weeks,
            "pages": rows}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--therapists", type=int, default=20)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--database", type=Path, help="keep the database here (a folder)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    sys.path.insert(0, str(PROJECT_ROOT / "src"))
    say: Callable[[str], None] = (lambda _: None) if args.json else print
    if args.database is not None:
        args.database.mkdir(parents=True, exist_ok=True)
        figures = run(args.database, args.people, args.weeks, args.therapists, args.samples, say)
    else:
        with tempfile.TemporaryDirectory(prefix="kinesense-bench-") as folder:
            figures = run(Path(folder), args.people, args.weeks, args.therapists, args.samples,
                          say)  # fmt: skip
    if args.json:
        print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
