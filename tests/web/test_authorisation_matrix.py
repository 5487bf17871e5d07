"""Every route of the app x every role x their own or someone else's data.

:data:`SPECS` says, for each route, which roles may use it on their own data and what they get.
Every test runs on SQLite and again on PostgreSQL (the clinic stack's database, when
``KINESENSE_TEST_POSTGRES_URL`` is set). The first test checks that :data:`SPECS` lists exactly
the app's route table, so a new route cannot be added without saying who may use it; the others
derive every case from it:

* signed out: 401 (API and forms) or the sign-in page (pages);
* a role not allowed: 403 (or 404 when the route names an object); a person who has not
  accepted the consent: 403, or the consent page;
* an allowed role on its own data: the route's success status (so the cases are set up right);
* an allowed role on another person's data (another therapist's person, a person added with the
  command line, another person's job, another therapist's invitation): 403 or 404, and nothing
  of that person in the answer;
* an unsafe request without the CSRF token: 403;
* a route naming a record (a result, a session) with one's own person and another person's
  record: 404.

A route that needs the person to be screened, planned, or to have a result or a session first
says so in its :attr:`Spec.needs`; every person a case acts on (their own, another therapist's,
one added with the command line) gets them, from real recordings' results.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastapi.routing
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.routing import Mount, Route, WebSocketRoute

from kinesense.assess.result import AssessmentResult
from kinesense.clock import iso_utc
from kinesense.sample import sample_video_path
from kinesense.services.history import save_assessment, save_payload
from kinesense.services.plans import PlanRequest, make_or_show_plan
from kinesense.services.screening import questions, run_screening
from kinesense.store import Store
from kinesense.store.accounts import AccountRecord
from kinesense.web.access import CONSENT_VERSION
from kinesense.web.app import create_app
from tests.store.postgres import POSTGRES_URL, emptied_database
from tests.web.conftest import (
    PASSWORD,
    World,
    build_world,
    make_account,
    make_config,
    make_invitation,
    make_job,
    signed_in,
    state_of,
)

ROLES = ("newcomer", "person", "therapist", "admin")
EVERYONE = frozenset({"person", "therapist", "admin"})
CARERS = frozenset({"person", "therapist"})
INVITERS = frozenset({"therapist", "admin"})
THERAPISTS = frozenset({"therapist"})
SCREENED = frozenset({"screened"})
PLANNED = frozenset({"screened", "planned"})
RESULTS = frozenset({"result"})
SESSIONS = frozenset({"screened", "session"})
FORBIDDEN = {403, 404}


def _csv() -> bytes:
    rows = ["Seq,Time,Fz,Mx,My,CoPx,CoPy"]
    rows += [f"{i},{i / 100:.2f},700.0,1.0,1.0,{0.001 * (i % 7):.4f},{0.09 + 0.001 * (i % 5):.4f}"
             for i in range(300)]  # fmt: skip
    return ("\n".join(rows) + "\n").encode()


UPLOAD = {"content": _csv(), "params": {"name": "sway.csv"},
          "headers": {"content-type": "application/octet-stream"}}  # fmt: skip
SESSION_UPLOAD = {
    "content": sample_video_path().read_bytes(),
    "params": {"name": "session.mp4", "exercise": "single_leg_stance_eyes_open"},
    "headers": {"content-type": "application/octet-stream"},
}
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "expected"
NO_TO_ALL = {f"q_{q.id}": "no" for q in questions()}


def golden_output(name: str) -> dict[str, Any]:
    """The output a command gave on a real recording (tests/golden), as a payload to save (the
    times the golden files blank out are set to now)."""
    now = json.dumps(iso_utc())
    text = (GOLDEN / f"{name}.json").read_text().replace('"<time>"', now)
    data: dict[str, Any] = json.loads(text)["output"]
    return data


@dataclass(frozen=True)
class Spec:
    """Who may use a route on their own data, and what they get."""

    allowed: frozenset[str] = frozenset()
    success: int = 200
    before_consent: bool = False
    public: bool = False
    request: dict[str, Any] = field(default_factory=dict)
    needs: frozenset[str] = frozenset()


SPECS: dict[tuple[str, str], Spec] = {
    # the JSON API
    ("GET", "/api/v1/health"): Spec(public=True),
    ("GET", "/api/v1/ready"): Spec(public=True),
    ("GET", "/metrics"): Spec(public=True),
    ("GET", "/api/v1/audit"): Spec(INVITERS),
    ("GET", "/api/v1/openapi.json"): Spec(public=True),
    ("GET", "/api/v1/me"): Spec(EVERYONE, before_consent=True),
    ("POST", "/api/v1/me/consent"): Spec(
        frozenset({"person"}), before_consent=True, request={"json": {"version": CONSENT_VERSION}}
    ),
    ("POST", "/api/v1/me/sessions/close-all"): Spec(EVERYONE, before_consent=True),
    ("GET", "/api/v1/me/export"): Spec(frozenset({"person"}), before_consent=True),
    ("DELETE", "/api/v1/me"): Spec(
        frozenset({"person"}), 204, before_consent=True, request={"json": {"password": PASSWORD}}
    ),
    ("GET", "/api/v1/people"): Spec(CARERS),
    ("GET", "/api/v1/people/{person_id}"): Spec(CARERS),
    ("GET", "/api/v1/people/{person_id}/jobs"): Spec(CARERS),
    ("POST", "/api/v1/people/{person_id}/uploads"): Spec(CARERS, 202, request=UPLOAD),
    ("POST", "/api/v1/people/{person_id}/sessions/uploads"): Spec(
        CARERS, 202, request=SESSION_UPLOAD, needs=PLANNED
    ),
    ("GET", "/api/v1/people/{person_id}/journey"): Spec(CARERS),
    ("POST", "/api/v1/people/{person_id}/screenings"): Spec(
        CARERS, 201, request={"json": {"none": True}}
    ),
    ("POST", "/api/v1/people/{person_id}/checkins"): Spec(
        CARERS, 201, request={"json": {"none": True, "pain_now": 3, "pain_week": 4}}
    ),
    ("GET", "/api/v1/people/{person_id}/plan"): Spec(CARERS, needs=PLANNED),
    ("POST", "/api/v1/people/{person_id}/plan"): Spec(
        CARERS, 201, request={"json": {"minutes": 15}}, needs=SCREENED
    ),
    ("POST", "/api/v1/people/{person_id}/plan/overrides"): Spec(
        THERAPISTS,
        201,
        needs=PLANNED,
        request={"json": {"exercise_id": "*", "action": "resume", "reason": "seen in clinic"}},
    ),
    ("GET", "/api/v1/people/{person_id}/plan/calendar"): Spec(CARERS, needs=PLANNED),
    ("GET", "/api/v1/people/{person_id}/results"): Spec(CARERS, needs=RESULTS),
    ("GET", "/api/v1/people/{person_id}/results/{record_id}"): Spec(CARERS, needs=RESULTS),
    ("GET", "/api/v1/people/{person_id}/sessions"): Spec(CARERS, needs=SESSIONS),
    ("GET", "/api/v1/people/{person_id}/sessions/{record_id}"): Spec(CARERS, needs=SESSIONS),
    ("GET", "/api/v1/people/{person_id}/progress"): Spec(CARERS, needs=RESULTS),
    ("GET", "/api/v1/people/{person_id}/report"): Spec(
        CARERS, request={"params": {"format": "html"}}, needs=RESULTS
    ),
    ("GET", "/api/v1/caseload"): Spec(THERAPISTS),
    ("GET", "/api/v1/jobs/{job_id}"): Spec(CARERS),
    ("GET", "/api/v1/invitations"): Spec(INVITERS),
    ("POST", "/api/v1/invitations"): Spec(INVITERS, 201, request={"json": {"name": "Newt"}}),
    ("DELETE", "/api/v1/invitations/{invitation_id}"): Spec(INVITERS, 204),
    # pages
    ("GET", "/"): Spec(public=True),
    ("GET", "/signin"): Spec(public=True),
    ("POST", "/signin"): Spec(public=True),
    ("GET", "/join/{token}"): Spec(public=True),
    ("POST", "/join/{token}"): Spec(public=True),
    ("GET", "/signin/link/{token}"): Spec(public=True),
    ("GET", "/lessons"): Spec(public=True),
    ("GET", "/lessons/{lesson_id}"): Spec(public=True),
    ("POST", "/signout"): Spec(EVERYONE, 303, before_consent=True),
    ("GET", "/consent"): Spec(frozenset({"person"}), before_consent=True),
    ("POST", "/consent"): Spec(
        frozenset({"person"}),
        303,
        before_consent=True,
        request={"data": {"version": CONSENT_VERSION}},
    ),
    ("GET", "/account"): Spec(EVERYONE, before_consent=True),
    ("POST", "/account/signout-everywhere"): Spec(EVERYONE, 303, before_consent=True),
    ("GET", "/account/export"): Spec(frozenset({"person"}), before_consent=True),
    ("POST", "/account/delete"): Spec(
        frozenset({"person"}), before_consent=True, request={"data": {"password": PASSWORD}}
    ),
    ("GET", "/invitations"): Spec(INVITERS),
    ("POST", "/invitations"): Spec(INVITERS, request={"data": {"name": "Newt"}}),
    ("POST", "/invitations/{invitation_id}/revoke"): Spec(INVITERS, 303),
    ("GET", "/people"): Spec(frozenset({"therapist"})),
    ("GET", "/people/{person_id}"): Spec(CARERS),
    ("GET", "/people/{person_id}/upload"): Spec(CARERS),
    ("GET", "/jobs/{job_id}"): Spec(CARERS),
    ("GET", "/people/{person_id}/screening"): Spec(CARERS),
    ("POST", "/people/{person_id}/screening"): Spec(CARERS, request={"data": NO_TO_ALL}),
    ("GET", "/people/{person_id}/checkin"): Spec(CARERS),
    ("POST", "/people/{person_id}/checkin"): Spec(
        CARERS, request={"data": NO_TO_ALL | {"pain_now": "3", "pain_week": "4"}}
    ),
    ("GET", "/people/{person_id}/plan"): Spec(CARERS, needs=PLANNED),
    ("POST", "/people/{person_id}/plan"): Spec(
        CARERS, 303, request={"data": {"minutes": "15", "equip_chair": "yes"}}, needs=SCREENED
    ),
    ("GET", "/people/{person_id}/plan/calendar.ics"): Spec(CARERS, needs=PLANNED),
    ("POST", "/people/{person_id}/plan/override"): Spec(
        THERAPISTS,
        303,
        needs=PLANNED,
        request={"data": {"exercise_id": "*", "action": "resume", "reason": "seen in clinic"}},
    ),
    ("POST", "/people/{person_id}/clearance"): Spec(
        THERAPISTS, 303, request={"data": {"reason": "seen in clinic"}}, needs=PLANNED
    ),
    ("GET", "/people/{person_id}/results"): Spec(CARERS, needs=RESULTS),
    ("GET", "/people/{person_id}/results/{record_id}"): Spec(CARERS, needs=RESULTS),
    ("GET", "/people/{person_id}/results/{record_id}/charts/{index}.png"): Spec(
        CARERS, needs=RESULTS
    ),
    ("GET", "/people/{person_id}/progress"): Spec(CARERS, needs=RESULTS),
    ("GET", "/people/{person_id}/report.{kind}"): Spec(CARERS, needs=RESULTS),
    ("GET", "/people/{person_id}/sessions"): Spec(CARERS, needs=SESSIONS),
    ("GET", "/people/{person_id}/sessions/upload"): Spec(CARERS),
    ("GET", "/people/{person_id}/sessions/{record_id}"): Spec(CARERS, needs=SESSIONS),
    # live coaching (the socket's own checks: tests/web/test_live_ws.py)
    ("GET", "/coach/{exercise_id}"): Spec(frozenset({"person"}), needs=SCREENED),
    ("WEBSOCKET", "/live/ws"): Spec(public=True),
    # guided live tests (the socket's own checks: tests/web/test_live_tests_ws.py)
    ("GET", "/measure/live/{test}"): Spec(frozenset({"person"}), needs=SCREENED),
    ("WEBSOCKET", "/live/tests/ws"): Spec(public=True),
    # the phone as a sensor: pairing pages; the phone's page and socket need its one-time token
    ("GET", "/pair"): Spec(frozenset({"person"}), 303),
    ("GET", "/people/{person_id}/pair"): Spec(CARERS),
    ("POST", "/people/{person_id}/pair"): Spec(CARERS, request={"data": {"test": "sway"}}),
    ("GET", "/people/{person_id}/pair/status"): Spec(CARERS, request={"params": {"pairing": "x"}}),
    ("GET", "/phone/{token}"): Spec(public=True),
    ("WEBSOCKET", "/ws/phone/{token}"): Spec(public=True),
    # files
    ("MOUNT", "/static"): Spec(public=True),
    ("GET", "/models/{name}"): Spec(public=True),
}

GUARDED = sorted(key for key, spec in SPECS.items() if not spec.public)
OBJECT_ROUTES = sorted(
    key for key in GUARDED if "{" in key[1] and not key[1].startswith(("/coach/", "/measure/live/"))
)  # an exercise id or a guided test's names nobody's data


def route_table(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route the app answers (HEAD aside), and ("MOUNT", path) of its
    mounts. Routes of included routers are seen with their full path (newer FastAPI keeps them
    nested, hence ``iter_route_contexts`` when it exists)."""
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    table: set[tuple[str, str]] = set()
    for route in flatten(app.routes) if flatten else app.routes:
        original = getattr(route, "original_route", route)
        if isinstance(original, Mount):
            table.add(("MOUNT", route.path))
        elif isinstance(original, APIRoute | Route) and route.methods:
            table.update((m, route.path) for m in route.methods if m != "HEAD")
        elif isinstance(original, APIWebSocketRoute | WebSocketRoute):
            table.add(("WEBSOCKET", route.path))
        else:
            raise AssertionError(f"a route of an unknown kind: {route!r}")
    return table


@dataclass(frozen=True)
class Records:
    """A person's result and session ids (0: none)."""

    result_id: int = 0
    session_id: int = 0


def prepare(world: World, person_id: int, needs: frozenset[str]) -> Records:
    """Give the person what a route needs: a screening, a plan, a result of a real recording
    (the sway of cop/eyesOpen_1.csv.gz), a coached session of a real video (sports2d_demo.mp4)."""
    store = world.state.store
    result_id = session_id = 0
    if "screened" in needs:
        run_screening({}, store=store, person=str(person_id))
    if "planned" in needs:
        make_or_show_plan(store, str(person_id), PlanRequest())
    if "result" in needs:
        result = AssessmentResult.from_json(golden_output("sway_cop_eo"))
        result_id = save_assessment(store, str(person_id), result).record_id
    if "session" in needs:
        session_id = save_payload(store, str(person_id), "session",
                                  golden_output("coach_squat_demo")).record_id  # fmt: skip
    return Records(result_id, session_id)


EVERYTHING = frozenset({"screened", "planned", "result", "session"})


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[World]:  # fmt: skip
    """One app and world for the module, on SQLite (the embedded app) and on PostgreSQL (the
    clinic stack's database, when ``KINESENSE_TEST_POSTGRES_URL`` is set); every case makes its
    own objects to act on. The people no case may reach have everything a route can name."""
    folder = tmp_path_factory.mktemp("matrix")
    if request.param == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("KINESENSE_TEST_POSTGRES_URL is not set")
        url = emptied_database()
        Store(url, migrate=True).close()  # kinesense db upgrade
        app = create_app(make_config(folder, database_url=url))
    else:
        app = create_app(make_config(folder))
    OTHERS.clear()
    built = build_world(app)
    assert built.other_person.person_id is not None
    OTHERS[built.other_person.person_id] = prepare(built, built.other_person.person_id, EVERYTHING)
    OTHERS[built.cli_person_id] = prepare(built, built.cli_person_id, EVERYTHING)
    yield built
    state_of(app).close()


OTHERS: dict[int, Records] = {}
"""The records of the people no case may reach, by person id."""


@dataclass
class Case:
    """Who acts, and the objects the route's path names."""

    account: AccountRecord
    person_id: int
    job_id: str
    invitation_id: int
    person_name: str = ""
    records: Records = field(default_factory=Records)

    def path(self, template: str) -> str:
        """``template`` with its parameters filled in (a result's id under ``/results/``, a
        session's under ``/sessions/``)."""
        record = self.records.session_id if "/sessions/" in template else self.records.result_id
        return template.format(
            person_id=self.person_id, job_id=self.job_id, invitation_id=self.invitation_id,
            record_id=record, index=0, kind="html", exercise_id="squat", test="stance",
        )  # fmt: skip


def own_case(world: World, role: str, needs: frozenset[str] = frozenset()) -> Case:
    """``role`` acting on fresh objects of their own (a new person for people and therapists,
    a new invitation for inviters), so that deleting or revoking spoils no other case; the new
    person has what the route ``needs``."""
    state = world.state
    inviter = world.admin if role == "admin" else world.therapist
    subject = make_account(state, "person", "Fresh Person", invited_by=world.therapist.id,
                           consent=role != "newcomer")  # fmt: skip
    assert subject.person_id is not None
    actor = {"admin": world.admin, "therapist": world.therapist}.get(role, subject)
    return Case(
        account=actor,
        person_id=subject.person_id,
        job_id=make_job(state, subject.person_id, subject.id).id,
        invitation_id=make_invitation(state, inviter, "Fresh Invitee").id,
        records=prepare(world, subject.person_id, needs),
    )


def other_cases(world: World, role: str) -> list[Case]:
    """``role`` acting on objects that are not theirs."""
    actor = {"admin": world.admin, "therapist": world.therapist, "person": world.person}[role]
    other = world.other_person
    assert other.person_id is not None
    cli_job = make_job(world.state, world.cli_person_id, world.other_therapist.id)
    return [
        Case(actor, other.person_id, world.other_job.id, world.other_invitation.id, other.name,
             OTHERS[other.person_id]),
        Case(actor, world.cli_person_id, cli_job.id, world.other_invitation.id,
             "Carl Commandline", OTHERS[world.cli_person_id]),
    ]  # fmt: skip


def send(world: World, account: AccountRecord | None, method: str, path: str, spec: Spec,
         *, csrf: bool = True) -> Any:  # fmt: skip
    """The answer to ``method path`` from a browser signed in as ``account``."""
    browser = signed_in(world.app, account)
    if not csrf:
        del browser.headers["x-csrf-token"]
    try:
        return browser.request(method, path, **spec.request)
    finally:
        browser.close()  # not `with`: that would run the app's shutdown


def test_every_route_has_a_spec(world: World) -> None:
    assert route_table(world.app) == set(SPECS)


@pytest.mark.parametrize(("method", "template"), GUARDED)
def test_signed_out_gets_401_or_the_sign_in_page(world: World, method: str, template: str) -> None:
    case = own_case(world, "person")
    answer = send(world, None, method, case.path(template), SPECS[(method, template)])
    if method == "GET" and not template.startswith("/api/"):
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/signin?next=")
    else:
        assert answer.status_code == 401
        if template.startswith("/api/"):
            assert answer.json() == {"detail": "please sign in first"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "template"), GUARDED)
def test_each_role_on_its_own_data(world: World, method: str, template: str, role: str) -> None:
    spec = SPECS[(method, template)]
    case = own_case(world, role, spec.needs)
    answer = send(world, case.account, method, case.path(template), spec)
    acting_as = "person" if role == "newcomer" else role
    if role == "newcomer" and not spec.before_consent:  # the consent comes before anything else
        if method == "GET" and not template.startswith("/api/"):
            assert (answer.status_code, answer.headers["location"]) == (303, "/consent")
        else:
            assert answer.status_code == 403
            assert "consent" in answer.text
    elif acting_as not in spec.allowed:
        assert answer.status_code in FORBIDDEN, answer.text
    else:
        assert answer.status_code == spec.success, answer.text


@pytest.mark.parametrize("role", ["person", "therapist", "admin"])
@pytest.mark.parametrize(("method", "template"), OBJECT_ROUTES)
def test_nobody_reaches_another_persons_data(
    world: World, method: str, template: str, role: str
) -> None:
    spec = SPECS[(method, template)]
    for case in other_cases(world, role):
        answer = send(world, case.account, method, case.path(template), spec)
        assert answer.status_code in FORBIDDEN, (case, answer.text)
        assert case.person_name not in answer.text
    # what the other person owns is still there
    assert world.state.jobs.repository.get(world.other_job.id).id == world.other_job.id
    assert world.state.accounts.link_by_id(world.other_invitation.id).used_at is None


UNSAFE = sorted(key for key in GUARDED if key[0] in ("POST", "DELETE", "PUT", "PATCH"))


@pytest.mark.parametrize(("method", "template"), UNSAFE)
def test_unsafe_requests_need_the_csrf_token(world: World, method: str, template: str) -> None:
    spec = SPECS[(method, template)]
    role = "therapist" if "therapist" in spec.allowed else next(iter(sorted(spec.allowed)))
    case = own_case(world, role, spec.needs)
    answer = send(world, case.account, method, case.path(template), spec, csrf=False)
    assert answer.status_code == 403
    assert "reload the page" in answer.text


RECORD_ROUTES = sorted(key for key in GUARDED if "{record_id}" in key[1])


@pytest.mark.parametrize(("method", "template"), RECORD_ROUTES)
def test_a_record_of_another_person_is_not_found_under_ones_own(
    world: World, method: str, template: str
) -> None:
    """One's own person in the path, another person's result or session id: 404."""
    spec = SPECS[(method, template)]
    for role in ("person", "therapist"):
        case = own_case(world, role, spec.needs)
        for records in OTHERS.values():
            path = Case(case.account, case.person_id, case.job_id, case.invitation_id,
                        records=records).path(template)  # fmt: skip
            answer = send(world, case.account, method, path, spec)
            assert answer.status_code == 404, (path, answer.text)


def test_lists_hold_only_ones_own_people(world: World) -> None:
    browser = signed_in(world.app, world.therapist)
    listed = browser.get("/api/v1/people").json()
    names = {p["name"] for p in listed}
    assert "Pat Person" in names
    assert "Nina New" in names
    assert "Quinn Other" not in names
    assert "Carl Commandline" not in names
    pages = len(listed) // 25 + 1  # the list shows 25 people a page
    page = "".join(browser.get(f"/people?page={n}").text for n in range(1, pages + 1))
    assert "Pat Person" in page
    assert "Quinn Other" not in page
    caseload = {line["name"] for line in browser.get("/api/v1/caseload").json()}
    assert "Pat Person" in caseload
    assert "Quinn Other" not in caseload
    assert "Carl Commandline" not in caseload
    mine = signed_in(world.app, world.person).get("/api/v1/people").json()
    assert [p["id"] for p in mine] == [world.person.person_id]


def test_invitation_lists_hold_only_ones_own(world: World) -> None:
    browser = signed_in(world.app, world.therapist)
    names = {i["name"] for i in browser.get("/api/v1/invitations").json()}
    assert "Invited Ivy" in names
    assert "Invited Otto" not in names
