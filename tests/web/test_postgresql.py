"""The web app on PostgreSQL (the clinic set-up): accounts, an upload read by a job, and a
person deleted with everything of theirs. Skipped without ``KINESENSE_TEST_POSTGRES_URL``."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from kinesense.services.people import list_people
from kinesense.store import Store
from kinesense.web.app import create_app
from tests.store.test_accounts_postgresql import url  # noqa: F401  (the emptied database)
from tests.web.conftest import PASSWORD, build_world, make_config, signed_in, state_of

pytestmark = pytest.mark.skipif(
    not os.environ.get("KINESENSE_TEST_POSTGRES_URL", "").strip(),
    reason="KINESENSE_TEST_POSTGRES_URL is not set (make test starts PostgreSQL and sets it)",
)


@pytest.fixture
def app(url: str, tmp_path: Path) -> Iterator[FastAPI]:  # noqa: F811
    """The web app on the emptied PostgreSQL database, migrated first as a server database must
    be (``kinesense db upgrade``)."""
    Store(url, migrate=True).close()
    application = create_app(make_config(tmp_path, database_url=url))
    yield application
    state_of(application).close()


def test_the_app_on_postgresql(app: FastAPI) -> None:
    world = build_world(app)
    person_id = world.person.person_id
    assert person_id is not None
    client = signed_in(app, world.person)
    rows = ["Time,Fz,CoPx,CoPy"] + [
        f"{i / 100:.2f},700,{0.001 * (i % 7):.4f},0.09" for i in range(500)
    ]
    answer = client.post(
        f"/api/v1/people/{person_id}/uploads", content="\n".join(rows).encode(),
        params={"name": "sway.csv"}, headers={"content-type": "application/octet-stream"},
    )  # fmt: skip
    assert answer.status_code == 202
    assert world.state.jobs.wait_idle(60)
    job = client.get(f"/api/v1/jobs/{answer.json()['id']}").json()
    assert (job["status"], job["result"]["samples"]) == ("done", 500)
    therapist = signed_in(app, world.therapist)
    assert therapist.get(f"/api/v1/jobs/{job['id']}").status_code == 200
    assert signed_in(app, world.other_therapist).get(f"/api/v1/jobs/{job['id']}").status_code == 404
    deleted = client.request("DELETE", "/api/v1/me", json={"password": PASSWORD})
    assert deleted.status_code == 204
    assert person_id not in [p.id for p in list_people(world.state.store)]
    assert therapist.get(f"/api/v1/jobs/{job['id']}").status_code == 404
