"""A fresh store for each service test."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from kinesense.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'services.db'}") as opened:
        yield opened
