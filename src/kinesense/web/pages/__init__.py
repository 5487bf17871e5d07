"""The pages, rendered on the server: one thin router per part of the site."""

from fastapi import APIRouter

from kinesense.web.pages import account, invitations, people, signin

router = APIRouter(include_in_schema=False)
for _module in (signin, account, invitations, people):
    router.include_router(_module.router)

__all__ = ["router"]
