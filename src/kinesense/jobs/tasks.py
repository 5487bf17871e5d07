"""The job functions kinesense runs in the background, by kind.

Each takes its JSON input and a progress callback and returns a JSON object (see
:mod:`kinesense.jobs.runner`). Files are named in the input relative to the data folder, so
that a worker on another machine with the same folder mounted runs the same job.

* ``describe``: what an uploaded recording holds (the figures of ``kinesense info``);
* ``assess``: a test run on an uploaded recording (:mod:`kinesense.jobs.analysis`, the service
  calls of ``kinesense assess``), its result saved in the person's history;
* ``coach``: an uploaded video of a session coached as ``kinesense coach EXERCISE --video FILE
  --person ID`` does (:func:`kinesense.services.coaching.coach_session`), the session saved.

Each job names the user's file, never the server's path, in its result and its failure. The jobs
call the services and hold no analysis of their own.
"""

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kinesense.errors import InputFileError, KinesenseError
from kinesense.jobs.analysis import AnalysisRequest, analyse
from kinesense.jobs.runner import JobFunction, Progress
from kinesense.store import Store


def data_file(data_dir: Path, relative: str) -> Path:
    """``relative`` inside ``data_dir``; :class:`InputFileError` for a path that leaves it."""
    root = data_dir.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise InputFileError(f"{relative!r} is not inside the data folder")
    return path


def with_user_name(exc: KinesenseError, path: Path, name: str) -> KinesenseError:
    """``exc`` with the server's path of a file replaced by the name the user knows it by (the
    rest of the one-line message is the command line's)."""
    message = str(exc).replace(str(path), name)
    try:
        renamed = type(exc)(message)
    except TypeError:  # an error class that takes other arguments
        renamed = KinesenseError(message)
        renamed.http_status = exc.http_status
    return renamed


def without_path(value: Any, path: Path, name: str) -> Any:
    """``value`` (JSON) with the server's path of a file replaced by the user's name for it,
    in every text at any depth, so that no result shows where the server keeps files."""
    if isinstance(value, str):
        return value.replace(str(path), name)
    if isinstance(value, dict):
        return {k: without_path(v, path, name) for k, v in value.items()}
    if isinstance(value, list):
        return [without_path(v, path, name) for v in value]
    return value


def describe_job(data_dir: Path) -> JobFunction:
    """The ``describe`` job for uploads kept in ``data_dir``.

    Input: ``{"file": path relative to data_dir, "name": the name the user gave}``. Result: the
    dictionary of :func:`kinesense.describe.describe_file`, with the user's file name in place
    of the server's path (:func:`without_path`)."""

    def describe(job_input: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        from kinesense.describe import describe_file

        path = data_file(data_dir, str(job_input["file"]))
        name = str(job_input.get("name") or path.name)
        progress(0.1, "reading the recording")
        try:
            described = describe_file(path)
        except KinesenseError as exc:
            raise with_user_name(exc, path, name) from None
        progress(0.9, "summarising")
        described.pop("path", None)
        return {"name": name, **without_path(described, path, name)}

    return describe


def frame_progress(progress: Progress, stage: str) -> Callable[[int, int], None]:
    """A (frames done, frames expected) callback reporting to ``progress`` between 10 % and
    90 % (the rest is reading and saving)."""

    def advance(done: int, total: int) -> None:
        if total > 0:
            progress(0.1 + 0.8 * min(done / total, 1.0), stage)

    return advance


def person_of(job_input: Mapping[str, Any]) -> int:
    """The person a job saves for (its input names them)."""
    person_id = job_input.get("person_id")
    if not isinstance(person_id, int):
        raise InputFileError("this job names no person to save the result for")
    return person_id


def assess_job(data_dir: Path, store: Store) -> JobFunction:
    """The ``assess`` job: input ``{"file", "name", "format", "person_id", "analysis"}`` (an
    :class:`~kinesense.jobs.analysis.AnalysisRequest`); result ``{"name", "test", "usable",
    "record_id"}`` (the result itself is in the history)."""

    def assess(job_input: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        from kinesense.assess.result import AssessmentResult
        from kinesense.services.history import save_assessment

        path = data_file(data_dir, str(job_input["file"]))
        name = str(job_input.get("name") or path.name)
        request = AnalysisRequest.model_validate(job_input["analysis"])
        person_id = person_of(job_input)
        progress(0.05, "reading the recording")
        try:
            result = analyse(
                path,
                str(job_input.get("format", "")),
                request,
                frame_progress(progress, "finding the person in the video"),
            )
        except KinesenseError as exc:
            raise with_user_name(exc, path, name) from None
        progress(0.95, "saving the result")
        named = AssessmentResult.from_json(without_path(result.to_json(), path, name))
        saved = save_assessment(store, str(person_id), named)
        return {"name": name, "test": named.test, "usable": named.usable,
                "record_id": saved.record_id}  # fmt: skip

    return assess


def coach_job(data_dir: Path, store: Store) -> JobFunction:
    """The ``coach`` job: input ``{"file", "name", "person_id", "exercise", "pain_before",
    "pain_after"}``; result ``{"name", "exercise", "reps", "holds", "record_id"}``."""

    def coach(job_input: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
        from kinesense.services.coaching import CoachingRequest, coach_session

        path = data_file(data_dir, str(job_input["file"]))
        name = str(job_input.get("name") or path.name)
        request = CoachingRequest(
            exercise_id=str(job_input["exercise"]), video=path, person=str(person_of(job_input)),
            pain_before=job_input.get("pain_before"), pain_after=job_input.get("pain_after"),
        )  # fmt: skip
        progress(0.05, "coaching the video")
        try:
            outcome = coach_session(request, store=store)
        except KinesenseError as exc:
            raise with_user_name(exc, path, name) from None
        record = outcome.record
        return {"name": name, "exercise": request.exercise_id,
                "reps": record.reps if record else 0, "holds": len(record.holds) if record else 0,
                "record_id": outcome.record_id}  # fmt: skip

    return coach


def job_functions(data_dir: Path, store: Store) -> dict[str, JobFunction]:
    """Every job kind this kinesense runs, for files in ``data_dir`` and people of ``store``."""
    return {
        "describe": describe_job(data_dir),
        "assess": assess_job(data_dir, store),
        "coach": coach_job(data_dir, store),
    }
