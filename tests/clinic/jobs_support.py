"""A person and an ``assess`` job on a real recording, shared by the clinic tests."""

import shutil
from pathlib import Path
from typing import Any

from kinesense.jobs import JobRecord, JobRepository
from kinesense.store import Store

SWAY_FILE = "cop/eyesOpen_1.csv.gz"
VIDEO_FILE = "video/pose2sim_balancing_cam01.mp4"


def keep(data_dir: Path, source: Path, person_id: int) -> str:
    """``source`` copied into the data folder as an upload is kept; its relative path."""
    folder = data_dir / "uploads" / f"person-{person_id}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ("upload-" + source.name)
    shutil.copyfile(source, target)
    return target.relative_to(data_dir).as_posix()


def add_person(store: Store, name: str = "Ann") -> int:
    """A new person's id."""
    with store.transaction() as unit:
        return unit.add_person(name).id


def sway_job_input(data_dir: Path, source: Path, person_id: int) -> dict[str, Any]:
    """The ``assess`` job of the web app for a force-plate recording (sway, eyes open)."""
    return {
        "file": keep(data_dir, source, person_id), "name": "standing.csv.gz",
        "format": "cop-csv", "person_id": person_id, "analysis": {"test": "sway"},
    }  # fmt: skip


def video_job_input(data_dir: Path, source: Path, person_id: int) -> dict[str, Any]:
    """The ``assess`` job for a video (stance test: the pose model runs on every frame)."""
    return {
        "file": keep(data_dir, source, person_id), "name": "standing.mp4", "format": "video",
        "person_id": person_id, "analysis": {"test": "stance"},
    }  # fmt: skip


def create_job(repository: JobRepository, job_input: dict[str, Any]) -> JobRecord:
    """A queued ``assess`` job."""
    return repository.create("assess", job_input, person_id=int(job_input["person_id"]))


def assessment_count(store: Store, person_id: int) -> int:
    """How many assessments the person's history holds."""
    with store.transaction(write=False) as unit:
        return len(unit.assessments(person_id))
