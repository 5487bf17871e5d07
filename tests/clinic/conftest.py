"""The web tests' fixtures (a world of accounts and people) for the clinic tests."""

from tests.web.conftest import app, world

__all__ = ["app", "world"]
