"""The JSON API skeleton: health, the OpenAPI document from typed models, and user errors as a
4xx carrying the CLI's one-line message (JSON for the API, a readable page elsewhere)."""

import fastapi.routing
from fastapi.testclient import TestClient

from kinesense.web.access import CONSENT_VERSION
from tests.web.conftest import World, signed_in


def test_health_answers_without_a_session(client: TestClient) -> None:
    answer = client.get("/api/v1/health")
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


def test_the_openapi_document_describes_every_api_route(world: World, client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["title"] == "kinesense"
    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    routes = flatten(world.app.routes) if flatten else world.app.routes
    api_paths = {r.path for r in routes if str(getattr(r, "path", "")).startswith("/api/v1/")}
    assert set(document["paths"]) == api_paths - {"/api/v1/openapi.json"}
    schemas = document["components"]["schemas"]
    for model in ("AccountPublic", "JobPublic", "PersonPublic", "InvitationCreate",
                  "InvitationCreated", "DataExport", "Health"):  # fmt: skip
        assert model in schemas, model
    assert schemas["JobPublic"]["properties"]["status"]["enum"] == [
        "queued", "running", "done", "failed",
    ]  # fmt: skip
    body = document["paths"]["/api/v1/people/{person_id}/uploads"]["post"]["requestBody"]
    assert list(body["content"]) == ["application/octet-stream"]
    assert not any(p.startswith("/signin") or p == "/" for p in document["paths"])


def test_no_documentation_pages_that_would_load_a_cdn(client: TestClient) -> None:
    for path in ("/docs", "/redoc", "/api/v1/docs"):
        assert client.get(path).status_code == 404


def test_a_users_error_is_a_4xx_with_the_one_line_message(world: World) -> None:
    therapist = signed_in(world.app, world.therapist)
    missing = therapist.get("/api/v1/jobs/0123456789abcdef")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "no job with id 0123456789abcdef"}
    person = signed_in(world.app, world.person)
    stale = person.post("/api/v1/me/consent", json={"version": "1999-01"})
    assert stale.status_code == 422
    assert stale.json() == {
        "detail": f"the consent text changed (now version {CONSENT_VERSION}); read it again"
    }
    empty = therapist.post("/api/v1/invitations", json={"name": "   "})
    assert empty.status_code == 422
    assert empty.json() == {"detail": "the name of the person invited cannot be empty"}


def test_a_malformed_request_gets_fastapis_field_list(world: World) -> None:
    therapist = signed_in(world.app, world.therapist)
    answer = therapist.post("/api/v1/invitations", json={"nom": "Pat"})
    assert answer.status_code == 422
    fields = {tuple(error["loc"]) for error in answer.json()["detail"]}
    assert ("body", "name") in fields


def test_pages_show_errors_as_a_readable_page(world: World) -> None:
    therapist = signed_in(world.app, world.therapist)
    missing = therapist.get("/people/999999")
    assert missing.status_code == 404
    assert "text/html" in missing.headers["content-type"]
    assert "No person with id 999999." in missing.text
    assert "<h1>Not found</h1>" in missing.text
    nowhere = therapist.get("/no/such/page")
    assert (nowhere.status_code, "There is no page at this address." in nowhere.text) == (404, True)
    not_for_them = signed_in(world.app, world.person).get("/invitations")
    assert not_for_them.status_code == 403
    assert "This is only for administrators and therapists." in not_for_them.text


def test_a_form_missing_a_field_gets_a_one_line_page(world: World) -> None:
    therapist = signed_in(world.app, world.therapist)
    answer = therapist.post("/invitations", data={})
    assert answer.status_code == 422
    assert "name: field required" in answer.text.lower()
