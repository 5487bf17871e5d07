"""The pages, rendered on the server: one thin router per part of the site."""

from fastapi import APIRouter

from kinesense.web.api import live_tests_ws, live_ws
from kinesense.web.pages import (
    account,
    invitations,
    journey,
    lessons,
    live,
    live_tests,
    people,
    phone,
    results,
    sessions,
    signin,
)

router = APIRouter(include_in_schema=False)
for _module in (
    signin, account, invitations, people, journey, results, sessions, lessons, live, phone,
    live_tests,
):  # fmt: skip
    router.include_router(_module.router)
router.include_router(live_ws.router)
router.include_router(live_tests_ws.router)

__all__ = ["router"]
