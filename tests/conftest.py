"""Shared fixtures: the real recordings in ../shared/data (skipped with a reason when absent)."""

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real recordings; tests that need it skip when it is not beside the project."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real recordings not found at {SHARED_DATA} (clone the project beside shared/)"
        )
    return SHARED_DATA


def shared_file(shared_data: Path, relative: str) -> Path:
    """A file under ../shared/data, or skip the test naming the missing file."""
    path = shared_data / relative
    if not path.exists():
        pytest.skip(f"recording {relative} is absent from {shared_data}")
    return path
