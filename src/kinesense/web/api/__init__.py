"""The JSON API under ``/api/v1``: one thin router per resource."""

from fastapi import APIRouter

from kinesense.web.api import (
    audit,
    caseload,
    health,
    invitations,
    jobs,
    journey,
    me,
    people,
    results,
)

router = APIRouter(prefix="/api/v1")
for _module in (health, me, people, journey, results, caseload, jobs, invitations, audit):
    router.include_router(_module.router)

__all__ = ["router"]
