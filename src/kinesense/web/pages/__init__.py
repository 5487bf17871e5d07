"""The pages, rendered on the server: one thin router per part of the site."""

from fastapi import APIRouter

from kinesense.web.pages import (
    account,
    invitations,
    journey,
    people,
    phone,
    results,
    sessions,
    signin,
)

router = APIRouter(include_in_schema=False)
for _module in (signin, account, invitations, people, journey, results, sessions, phone):
    router.include_router(_module.router)

__all__ = ["router"]
