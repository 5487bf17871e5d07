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


TEST_MEDIA = PROJECT_ROOT / ".cache" / "test-media"
"""Real recordings fetched from a package registry by ``scripts/test_media.py`` (``make test``
runs it): what ../shared/data does not hold, never committed."""


def media_file(name: str) -> Path:
    """A file fetched by ``scripts/test_media.py``, or skip the test saying how to get it."""
    path = TEST_MEDIA / name
    if not path.is_file():
        pytest.skip(f"{name} is absent from {TEST_MEDIA}: run scripts/test_media.py (PyPI)")
    return path
