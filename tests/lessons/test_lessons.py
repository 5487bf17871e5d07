"""The shipped lessons: valid, readable (grade 8 or below), linked from every result family,
exercise category and report, consistent with the safety screening, and rendered safely."""

import json
import re
from importlib import resources
from typing import Any

import pytest

from kinesense.assess.registry import assessment_names, get_assessment, result_names
from kinesense.errors import NotFoundError
from kinesense.exercises.loader import load_library
from kinesense.exercises.schema import CATEGORIES
from kinesense.lessons import (
    MAX_GRADE,
    LessonDataError,
    get_lesson,
    lesson_html,
    lesson_lines,
    lessons_for_exercise,
    lessons_for_report,
    lessons_for_result,
    load_lessons,
)
from kinesense.lessons.loader import check_links, parse_lesson
from kinesense.program.screening import load_questions

TOPICS_WANTED = {"what-is-proprioception", "why-balance-training", "why-core-training",
                 "why-repositioning-training", "when-to-stop"}  # fmt: skip


def test_every_lesson_reads_at_grade_8_or_below() -> None:
    lessons = load_lessons()
    assert len(lessons) == 11
    assert set(lessons) >= TOPICS_WANTED
    print("\nFlesch-Kincaid grade of each lesson (summary, paragraphs and points):")
    for lesson in lessons.values():
        counts = lesson.readability()
        print(
            f"  {lesson.id:28s} grade {counts.grade:4.1f}  ({counts.words} words, "
            f"{counts.sentences} sentences, {counts.syllables} syllables)"
        )
        assert counts.grade <= MAX_GRADE, lesson.id
        assert counts.words >= 80  # a lesson, not a line


def test_every_result_family_has_its_reading_lesson() -> None:
    for name in assessment_names():
        family = get_assessment(name).family
        found = [lesson.id for lesson in lessons_for_result(name)]
        assert f"reading-{family}" in found, (name, found)
        assert found[-1] == "when-to-stop"
    for result in result_names():  # result names reach their test through the registry
        assert lessons_for_result(result)
    assert [lesson.id for lesson in lessons_for_result("mobility-waiters-bow")] == [
        "reading-forward-bend",
        "why-core-training",
        "when-to-stop",
    ]
    assert [lesson.id for lesson in lessons_for_result("repositioning")] == [
        "reading-repositioning",
        "what-is-proprioception",
        "why-repositioning-training",
        "when-to-stop",
    ]
    assert [lesson.id for lesson in lessons_for_result("no-such-test")] == ["when-to-stop"]


def test_every_exercise_links_to_the_lesson_of_its_kind_and_to_safety() -> None:
    wanted = {"balance": "why-balance-training", "core": "why-core-training",
              "proprioceptive re-education": "why-repositioning-training",
              "mobility": "reading-mobility"}  # fmt: skip
    assert set(wanted) == set(CATEGORIES)
    for exercise in load_library().values():
        found = [lesson.id for lesson in lessons_for_exercise(exercise.category)]
        assert wanted[exercise.category] in found, exercise.id
        assert found[-1] == "when-to-stop"


def test_a_report_gathers_its_lessons_once_in_order() -> None:
    found = [lesson.id for lesson in lessons_for_report(["sway", "mobility-flexion", "sway"])]
    assert found[:2] == ["reading-sway", "what-is-proprioception"]
    assert "reading-mobility" in found
    assert found[-1] == "when-to-stop"
    assert len(found) == len(set(found))


# Each red flag of the screening, a phrase of the lesson that names it, and the section whose
# urgency matches the screening's (program/data/README.md: emergency, urgent, soon).
RED_FLAG_PHRASES = {
    "saddle_numbness": "numbness around your bottom, groin or inner thighs",
    "bladder_change": "trouble passing urine",
    "bowel_change": "lose control of your bowels",
    "sexual_dysfunction": "new problems with sex",
    "bilateral_leg_symptoms": "Both legs feel numb, tingly or weak",
    "progressive_weakness": "A leg or foot is getting weaker",
    "major_trauma": "serious accident or fall",
    "minor_trauma_fragile_bone": "weak bones or take steroid tablets",
    "fever_unwell": "a fever or feel unwell",
    "infection_risk": "immune system is weak, or you inject drugs",
    "cancer_history": "treated for cancer",
    "unexplained_weight_loss": "losing weight without trying",
    "night_pain": "pain at night that does not ease",
    "new_pain_over_50": "over 50 and this back pain is new",
}
SECTION_OF_URGENCY = {"emergency": "Get help now", "urgent": "Call a doctor today",
                      "soon": "within a few days"}  # fmt: skip


def test_when_to_stop_names_every_red_flag_with_the_screenings_urgency() -> None:
    lesson = get_lesson("when-to-stop")
    assert lesson.links.everywhere
    flags = [q for q in load_questions() if q.red_flag]
    assert {q.id for q in flags} == set(RED_FLAG_PHRASES)
    for question in flags:
        heading = SECTION_OF_URGENCY[str(question.urgency)]
        section = next(s for s in lesson.sections if s.heading and heading in s.heading)
        assert any(RED_FLAG_PHRASES[question.id] in point for point in section.points), question.id


def test_every_lesson_has_sources_and_plain_text() -> None:
    for lesson in load_lessons().values():
        assert all(re.search(r"(19|20)\d\d", s.citation) for s in lesson.sources), lesson.id
        for block in lesson.blocks():
            assert "<" not in block, lesson.id
            assert "http" not in block, lesson.id


# --- the format and its messages -------------------------------------------------------------

VALID: dict[str, Any] = {
    "id": "demo",
    "title": "Demo",
    "summary": "A short summary.",
    "topic": "basics",
    "sections": [{"paragraphs": ["One sentence."]}],
    "sources": [{"citation": "Someone 2000", "supports": "the sentence"}],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "Demo"}, r"demo\.json: id: String should match pattern"),
        ({"topic": "news"}, r"topic: Input should be 'basics', 'training', 'results' or"),
        ({"sections": []}, r"sections: .*at least 1 item"),
        ({"sections": [{"heading": "Only a heading"}]}, r"sections\[0\]: .*at least one paragraph"),
        ({"sources": []}, r"sources: .*at least 1 item"),
        ({"summary": "  "}, r"summary: String should have at least 1 character"),
        ({"extra": 1}, r"extra: Extra inputs are not permitted"),
        ({"id": "other"}, r"id: must match the file name 'demo'; got 'other'"),
    ],
)
def test_malformed_lessons_name_the_file_and_the_field(change: dict, message: str) -> None:
    with pytest.raises(LessonDataError, match=message):
        parse_lesson(json.dumps(VALID | change), "lessons/demo.json")
    with pytest.raises(LessonDataError, match=r"lessons/demo\.json is not valid JSON"):
        parse_lesson("{", "lessons/demo.json")


def test_links_must_name_registered_tests_and_real_categories() -> None:
    bad_test = parse_lesson(json.dumps(VALID | {"links": {"tests": ["sawy"]}}), "lessons/demo.json")
    with pytest.raises(LessonDataError, match=r"links\.tests\[0\]: no assessment called 'sawy'"):
        check_links({"demo": bad_test})
    bad = parse_lesson(
        json.dumps(VALID | {"links": {"exercise_categories": ["yoga"]}}), "lessons/demo.json"
    )
    with pytest.raises(LessonDataError, match=r"exercise_categories\[0\]: 'yoga' is not"):
        check_links({"demo": bad})
    with pytest.raises(NotFoundError, match="no lesson called 'nope'; the lessons are: "):
        get_lesson("nope")


def test_every_shipped_file_is_named_after_its_lesson() -> None:
    folder = resources.files("kinesense.lessons") / "library"
    names = sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))
    assert names == sorted(load_lessons())


# --- rendering ----------------------------------------------------------------------------------


def test_html_is_escaped_and_structured() -> None:
    hostile = VALID | {
        "title": "<script>alert(1)</script>",
        "sections": [{"heading": 'Quote " & <b>', "paragraphs": ["a < b & c"],
                      "points": ["<img src=x onerror=alert(1)>"]}],
    }  # fmt: skip
    page = lesson_html(parse_lesson(json.dumps(hostile), "lessons/demo.json"))
    assert "<script>" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Quote &quot; &amp; &lt;b&gt;" in page
    assert page.startswith('<article class="lesson" id="lesson-demo">')
    tags = set(re.findall(r"</?([a-z0-9]+)", page))
    assert tags <= {"article", "h2", "h3", "p", "ul", "li", "ol"}
    own_page = lesson_html(get_lesson("when-to-stop"), heading_level=1)
    assert own_page.count("<h1>") == 1
    assert "<h2>Sources</h2>" in own_page
    for level in (0, 4):
        with pytest.raises(ValueError, match="heading_level"):
            lesson_html(get_lesson("when-to-stop"), heading_level=level)


def test_plain_lines_keep_every_piece_of_text_in_order() -> None:
    lesson = get_lesson("reading-sway")
    lines = lesson_lines(lesson)
    assert lines[0] == ("title", lesson.title)
    assert lines[1] == ("summary", lesson.summary)
    texts = [text for kind, text in lines if kind in ("paragraph", "point")]
    assert texts == lesson.blocks()[1:]
    assert sum(kind == "source" for kind, _ in lines) == len(lesson.sources)
