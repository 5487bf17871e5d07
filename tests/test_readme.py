"""The README's pictures exist: screenshots are numbered in the order ``scripts/screenshots.py``
takes them, so a page added to the walk renumbers those after it."""

import re

from tests.conftest import PROJECT_ROOT


def test_every_picture_the_readme_shows_exists() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r'src="([^"]+\.png)"', readme)
    assert pictures
    missing = [p for p in pictures if not (PROJECT_ROOT / p).is_file()]
    assert missing == []
