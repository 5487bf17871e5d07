"""Reports show each result's reference comparison with its source (or why there is none) and
link each result to its lessons, which close the HTML page and the PDF."""

import re
from datetime import UTC, datetime
from html import unescape

from kinesense.assess.mobility_norms import trunk_rom_norm
from kinesense.assess.result import AssessmentResult
from kinesense.assess.sway_norms import sway_norm
from kinesense.lessons import lesson_anchor, lessons_for_result
from kinesense.report.html import render_html
from kinesense.report.pdf import layout_pages, result_lines
from kinesense.report.references import reference_items, report_lessons
from tests.report import mobility_result, sway_result

FIXED = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
MATCHING = {"eyes": "open", "surface": "firm", "stance": "feet-apart", "source": "cop",
            "low_pass_hz": 10.0, "sampling_rate_hz": 100.0, "duration_s": 30.0}  # fmt: skip


def compared_sway() -> AssessmentResult:
    """A synthetic sway result given the norm of a 30-s force-plate trial of a woman of 70:
    the velocity is compared, the ellipse area is not (trial length)."""
    base = sway_result()
    metrics = {"mean_velocity_mm_s": 12.0, "ellipse95_area_mm2": 300.0}
    norm, comparisons = sway_norm(metrics, MATCHING, age=70, sex="female")
    return base.model_copy(update={"norm": norm, "norms": comparisons})


def text_of(page: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", page))


def test_a_comparison_is_shown_with_its_group_protocol_and_source() -> None:
    result = compared_sway()
    items = dict(reference_items(result))
    assert items["status"].startswith("Compared with women aged 60-85, eyes open, firm surface")
    page = text_of(render_html([result], generated_at=FIXED))
    assert "What the result means against a reference" in page
    assert result.norm is not None
    assert result.norm.metrics[0].text in page  # "higher than 75 % of women aged 60-85 ..."
    assert "ellipse95 area mm2 not compared: trial length: 30 s here" in page
    assert "Source: Santos DA, Duarte M 2016" in page
    assert "CC BY 4.0" in page
    assert "How the reference was measured: device: a force plate" in page


def test_no_comparison_says_why_in_both_formats() -> None:
    result = mobility_result().model_copy(update={"norm": trunk_rom_norm("flexion")})
    page = text_of(render_html([result], generated_at=FIXED))
    assert "Not compared with a reference, because:" in page
    assert "no published range-of-motion table measured with a comparable device" in page
    lines = " ".join(line.text for line in result_lines(result))
    assert "Not compared with a reference, because:" in lines
    assert "no published range-of-motion table" in lines
    assert reference_items(sway_result()) == []  # a result without a reference shows nothing


def test_each_result_links_to_its_lessons_and_the_page_holds_them() -> None:
    results = [compared_sway(), mobility_result()]
    page = render_html(results, generated_at=FIXED)
    for result in results:
        for lesson in lessons_for_result(result.test):
            assert f'<a href="#{lesson_anchor(lesson)}">' in page
            assert page.count(f'id="{lesson_anchor(lesson)}"') == 1  # the link has its target
    assert '<section id="lessons"><h2>Learn more</h2>' in page
    assert page.index('<section id="lessons">') > page.index("result-2")
    assert "When to stop and get help" in page


def test_the_pdf_ends_with_the_lessons_of_its_results() -> None:
    results = [compared_sway(), mobility_result()]
    pages = layout_pages(results, generated_at=FIXED)
    lessons = report_lessons(results)
    headings = [page.heading for page in pages]
    first = headings.index(f"Learn more: {lessons[0].title}")
    assert all(h.startswith("Learn more: ") for h in headings[first:])
    assert [h for h in dict.fromkeys(headings[first:])] == [
        f"Learn more: {lesson.title}" for lesson in lessons
    ]
    text = " ".join(line.text for page in pages for line in page.lines)
    assert "What the result means against a reference" in text
    sway_lessons = "; ".join(lesson.title for lesson in lessons_for_result("sway"))
    assert f"{sway_lessons} (at the end of this report)" in text
