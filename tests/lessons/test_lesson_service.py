"""The lessons service the front ends call: pages with escaped HTML, found by id, result,
exercise category or report."""

import pytest

from kinesense.errors import NotFoundError
from kinesense.lessons import load_lessons
from kinesense.services.lessons import (
    lesson_page,
    lesson_pages,
    lessons_of_exercise,
    lessons_of_report,
    lessons_of_result,
)


def test_every_lesson_has_a_page() -> None:
    pages = lesson_pages()
    assert [page.id for page in pages] == list(load_lessons())
    for page in pages:
        assert page.html.startswith(f'<article class="lesson" id="{page.anchor}">')
        assert f"<h2>{page.title}</h2>" in page.html or "&" in page.title
        assert page.grade <= 8.0


def test_pages_are_found_by_id_result_exercise_and_report() -> None:
    assert lesson_page("when-to-stop", heading_level=3).html.count("<h3>") == 1
    with pytest.raises(NotFoundError, match="no lesson called 'x'"):
        lesson_page("x")
    assert next(p.id for p in lessons_of_result("mobility-rotation")) == "reading-mobility"
    assert [p.id for p in lessons_of_exercise("core")] == ["why-core-training", "when-to-stop"]
    assert next(p.id for p in lessons_of_report(["stance"])) == "reading-stance"
