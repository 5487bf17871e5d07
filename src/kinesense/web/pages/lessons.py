"""The lessons: what proprioception is, why the exercises help, how to read each result and when
to stop and seek care. Open to everyone, signed in or not: they hold no one's data."""

from fastapi import APIRouter, Request
from starlette.responses import Response

from kinesense.services.lessons import lesson_page, lessons_by_topic
from kinesense.web.templating import render

router = APIRouter()


@router.get("/lessons")
def lessons_page(request: Request) -> Response:
    """Every lesson, by topic, with its summary."""
    return render(request, "lessons.html", {"title": "Lessons", "topics": lessons_by_topic()})


@router.get("/lessons/{lesson_id}")
def one_lesson_page(request: Request, lesson_id: str) -> Response:
    """One lesson (404 for an unknown id, through the error handlers)."""
    lesson = lesson_page(lesson_id, heading_level=1)
    return render(request, "lesson.html", {"title": lesson.title, "lesson": lesson})
