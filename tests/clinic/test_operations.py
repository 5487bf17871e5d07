"""Operations on the embedded app (SQLite, in-process jobs): readiness, the audit log and who
may read it, request ids, Prometheus metrics, JSON log lines, and a clean answer when the disk
is full (a real filesystem limit in a child process)."""

import json
import logging
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from kinesense.clinic.runner import QUEUE_DOWN_REASON, QueueRunner
from kinesense.logs import REQUEST_ID, JsonFormatter
from kinesense.web.app import create_app
from tests.conftest import shared_file
from tests.web.conftest import World, make_account, make_config, signed_in, state_of

ROOT = Path(__file__).resolve().parents[2]


def test_ready_embedded(world: World) -> None:
    client = signed_in(world.app, None)
    answer = client.get("/api/v1/ready")
    assert answer.status_code == 200
    assert answer.json() == {"database": "sqlite", "broker": "in-process", "workers": 1}
    client.close()


def test_ready_counts_the_job_threads(tmp_path: Path) -> None:
    app = create_app(make_config(tmp_path, job_workers=3))
    client = signed_in(app, None)
    assert client.get("/api/v1/ready").json()["workers"] == 3
    client.close()
    state_of(app).close()


def test_ready_says_503_and_why_when_the_database_is_gone(tmp_path: Path) -> None:
    app = create_app(make_config(tmp_path))
    state_of(app).engine.dispose()
    (tmp_path / "kinesense.db").unlink()
    (tmp_path / "kinesense.db").mkdir()  # a folder where the file was: cannot be opened
    client = signed_in(app, None)
    answer = client.get("/api/v1/ready")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    body = answer.json()
    assert body["database"] == "sqlite"
    assert body["reason"].startswith("the database does not answer: ")
    client.close()


def audit_lines(world: World, who: object, query: str = "") -> list[dict[str, object]]:
    client = signed_in(world.app, who)  # type: ignore[arg-type]
    answer = client.get(f"/api/v1/audit{query}")
    client.close()
    assert answer.status_code == 200, answer.text
    lines: list[dict[str, object]] = answer.json()
    return lines


def test_person_scoped_reads_and_writes_are_audited(world: World) -> None:
    person_id = world.person.person_id
    therapist = signed_in(world.app, world.therapist)
    assert therapist.get(f"/api/v1/people/{person_id}").status_code == 200
    checkin = {"none": True, "pain_now": 3, "pain_week": 4}
    therapist.post(f"/api/v1/people/{person_id}/checkins", json=checkin)
    refused = therapist.get(f"/api/v1/people/{world.other_person.person_id}")
    assert refused.status_code in (403, 404)
    therapist.get("/api/v1/caseload")  # about several people: not one person's data
    therapist.close()
    own = signed_in(world.app, world.person)
    assert own.get("/api/v1/me/export").status_code == 200
    own.close()
    lines = audit_lines(world, world.admin)
    mine = [(line["account_id"], line["action"], line["person_id"], line["route"], line["status"])
            for line in reversed(lines)]  # fmt: skip
    assert mine[0] == (world.therapist.id, "view", person_id, "GET /api/v1/people/{person_id}",
                       200)  # fmt: skip
    assert mine[1][:4] == (world.therapist.id, "change", person_id,
                           "POST /api/v1/people/{person_id}/checkins")  # fmt: skip
    assert mine[2][:3] == (world.therapist.id, "view", world.other_person.person_id)
    assert mine[2][4] in (403, 404)  # the refused attempt is kept too
    assert mine[3] == (world.person.id, "view", person_id, "GET /api/v1/me/export", 200)
    assert len(mine) == 4
    assert all(len(str(line["request_id"])) >= 8 for line in lines)


def test_the_audit_log_is_for_carers_and_administrators(world: World) -> None:
    for who, person in ((world.therapist, world.person), (world.other_therapist,
                                                          world.other_person)):  # fmt: skip
        client = signed_in(world.app, who)
        assert client.get(f"/api/v1/people/{person.person_id}").status_code == 200
        client.close()
    everything = audit_lines(world, world.admin)
    assert {line["person_id"] for line in everything} == {world.person.person_id,
                                                    world.other_person.person_id}  # fmt: skip
    theirs = audit_lines(world, world.therapist)
    assert {line["person_id"] for line in theirs} == {world.person.person_id}
    one = audit_lines(world, world.therapist, f"?person_id={world.person.person_id}")
    assert one == theirs
    client = signed_in(world.app, world.therapist)
    assert client.get(f"/api/v1/audit?person_id={world.other_person.person_id}").status_code == 404
    client.close()
    client = signed_in(world.app, world.person)
    assert client.get("/api/v1/audit").status_code == 403
    client.close()


def test_request_ids_are_answered_and_only_safe_ones_kept(world: World) -> None:
    client = signed_in(world.app, None)
    given = client.get("/api/v1/health", headers={"x-request-id": "lb-7f3a.9"})
    assert given.headers["x-request-id"] == "lb-7f3a.9"
    unsafe = client.get("/api/v1/health", headers={"x-request-id": 'a b"<script>'})
    made = unsafe.headers["x-request-id"]
    assert len(made) == 16
    assert int(made, 16) >= 0
    client.close()


def sample(metrics: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(metrics):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return float(found.value)
    return 0.0


def test_metrics_count_requests_by_route_template(world: World) -> None:
    client = signed_in(world.app, world.therapist)
    before = client.get("/metrics").text
    labels = {"method": "GET", "route": "/api/v1/people/{person_id}", "status": "200"}
    start = sample(before, "kinesense_http_requests_total", **labels)
    for _ in range(3):
        client.get(f"/api/v1/people/{world.person.person_id}")
    after = client.get("/metrics")
    assert after.headers["content-type"].startswith("text/plain")
    assert sample(after.text, "kinesense_http_requests_total", **labels) == start + 3
    assert f"/api/v1/people/{world.person.person_id}" not in after.text  # no ids as labels
    client.close()


def test_json_log_lines_carry_the_request_id() -> None:
    formatter = JsonFormatter(service="web")
    token = REQUEST_ID.set("abc123")
    try:
        record = logging.LogRecord("kinesense.web", logging.WARNING, __file__, 1,
                                   "job %s failed", ("j1",), None)  # fmt: skip
        record.person_id = 7
        line = json.loads(formatter.format(record))
    finally:
        REQUEST_ID.reset(token)
    assert line["message"] == "job j1 failed"
    assert line["level"] == "WARNING"
    assert line["request_id"] == "abc123"
    assert line["person_id"] == 7
    assert line["service"] == "web"
    assert line["time"].endswith("Z")


def test_a_full_disk_is_a_clean_error(tmp_path: Path, shared_data: Path) -> None:
    video = shared_file(shared_data, "video/sports2d_demo.mp4")
    limit = 2 * 1024 * 1024
    assert video.stat().st_size > limit
    done = subprocess.run(
        [sys.executable, "-m", "tests.clinic.disk_full_child", str(tmp_path), str(video),
         str(limit)], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"] == 507
    assert answer["body"] == {
        "detail": "the server's disk is full: the file was not kept; please tell the administrator"
    }
    assert answer["left"] == []  # the partial file was removed


def test_a_broker_that_is_away_gives_retryable_errors(
    tmp_path: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a broker configured but not answering, readiness says why and an upload is
    refused with 503 + Retry-After, its job recorded as failed with the reason."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("KINESENSE_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    app = create_app(make_config(tmp_path))
    state = state_of(app)
    assert isinstance(state.jobs, QueueRunner)
    therapist = make_account(state, "therapist", "Theo")
    person = make_account(state, "person", "Ann", invited_by=therapist.id)
    client = signed_in(app, therapist)
    ready = client.get("/api/v1/ready")
    assert ready.status_code == 503
    assert ready.json()["broker"] == "redis"
    assert ready.json()["reason"].startswith("the job broker does not answer")
    answer = client.post(
        f"/api/v1/people/{person.person_id}/uploads",
        content=shared_file(shared_data, "cop/eyesOpen_1.csv.gz").read_bytes(),
        params={"name": "standing.csv.gz", "test": "sway"},
        headers={"content-type": "application/octet-stream"},
    )  # fmt: skip
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.json() == {"detail": QUEUE_DOWN_REASON}
    (job,) = state.jobs.repository.for_person(person.person_id or 0)
    assert job.status == "failed"
    assert job.error == QUEUE_DOWN_REASON
    client.close()
    state.close()
