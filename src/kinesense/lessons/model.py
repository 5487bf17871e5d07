"""The lesson format: short, plain-language lessons as JSON data files, validated when loaded.

A lesson file (``kinesense/lessons/library/<id>.json``)::

    {
      "id": "reading-sway",                      # lower case, digits and hyphens; the file name
      "title": "How to read your sway result",
      "summary": "One or two sentences that say what the lesson is about.",
      "topic": "results",                        # basics | training | results | safety
      "sections": [
        {"heading": "What was measured",         # optional
         "paragraphs": ["Plain sentences..."],   # at least one paragraph or point
         "points": ["A list item", "..."]}
      ],
      "links": {"tests": ["sway", "romberg"],    # registered tests whose results link here
                "exercise_categories": ["balance"],
                "everywhere": false},            # true: every result, exercise and report
      "sources": [{"citation": "Author A 2020, Journal 1(2):3-4",
                   "supports": "what in the lesson this source backs"}]
    }

Text is plain: no markup, no links; the renderers (:mod:`kinesense.lessons.render`) escape it.
Lessons are written by the project in its own words; every claim a lesson makes rests on one of
its sources. The readability of the summary, paragraphs and points (Flesch-Kincaid grade,
:mod:`kinesense.lessons.readability`) is kept at :data:`MAX_GRADE` or below by a test.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kinesense.errors import DataFileError
from kinesense.lessons.readability import Readability, readability

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
LessonId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Topic = Literal["basics", "training", "results", "safety"]
MAX_GRADE = 8.0
"""The highest Flesch-Kincaid grade a lesson may have (US school grade 8)."""


class LessonDataError(DataFileError):
    """A lesson file breaks the format; the message names the file and the field."""


class LessonSource(BaseModel):
    """A publication a lesson rests on, and what in the lesson it supports."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    citation: Text
    supports: Text


class LessonSection(BaseModel):
    """A part of a lesson: an optional heading, paragraphs and a list of points."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    heading: Text | None = None
    paragraphs: tuple[Text, ...] = ()
    points: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _has_text(self) -> "LessonSection":
        if not self.paragraphs and not self.points:
            raise ValueError("a section needs at least one paragraph or point")
        return self


class LessonLinks(BaseModel):
    """Where a lesson is linked from: the results of these registered tests, the exercises of
    these categories, or (``everywhere``) every result, exercise and report."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tests: tuple[Text, ...] = ()
    exercise_categories: tuple[Text, ...] = ()
    everywhere: bool = False


class Lesson(BaseModel):
    """One lesson (see the module docstring for the file format)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: LessonId
    title: Text
    summary: Text
    topic: Topic
    sections: Annotated[tuple[LessonSection, ...], Field(min_length=1)]
    links: LessonLinks = Field(default_factory=LessonLinks)
    sources: Annotated[tuple[LessonSource, ...], Field(min_length=1)]

    def blocks(self) -> list[str]:
        """The text a person reads, block by block: the summary, then each section's
        paragraphs and points (headings and sources left out)."""
        found = [self.summary]
        for section in self.sections:
            found += [*section.paragraphs, *section.points]
        return found

    def readability(self) -> Readability:
        """Sentence, word and syllable counts of :meth:`blocks`, and their grade."""
        return readability(self.blocks())
