"""Schemathesis against the OpenAPI document (``/api/v1/openapi.json``): every operation with
generated requests, signed in as a therapist and as a person (their own person's id in the path
where a route takes one, so that requests reach real data rather than stopping at 404): no
answer is a 5xx, and every documented answer matches its schema and content type.

Schemathesis's pytest plugin does not run under this pytest, so each operation's case strategy
is driven by Hypothesis here; :data:`EXAMPLES` cases per operation and role (the time budget on
2 shared cores)."""

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from kinesense.web.app import OPENAPI_URL
from tests.web.conftest import World, signed_in

EXAMPLES = 20
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.mark.parametrize("role", ["therapist", "person"])
def test_the_api_answers_as_documented(world: World, role: str) -> None:
    browser = signed_in(world.app, getattr(world, role))
    cookies = dict(browser.cookies.items())
    headers = {"x-csrf-token": browser.headers["x-csrf-token"]}
    browser.close()
    schema = schemathesis.openapi.from_asgi(OPENAPI_URL, world.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    tried: list[str] = []
    for operation in operations:
        if operation.label == "DELETE /api/v1/me":
            continue  # deleting the account would leave nothing to sign in with

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def answers_as_documented(case: Any) -> None:
            if "person_id" in (case.path_parameters or {}):
                case.path_parameters["person_id"] = world.person.person_id
            case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)

        answers_as_documented()
        tried.append(operation.label)
    assert "POST /api/v1/people/{person_id}/checkins" in tried
