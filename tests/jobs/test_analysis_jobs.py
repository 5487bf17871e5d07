"""The ``assess`` and ``coach`` jobs on real recordings: the same numbers as ``kinesense assess``
and ``kinesense coach`` on the same file, saved in the person's history under the user's file
name (never the server's path), and the command line's one-line reason when they fail."""

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kinesense.cli import app
from kinesense.errors import InvalidValueError, KinesenseError, SafetyError
from kinesense.jobs.analysis import AnalysisRequest, check_format
from kinesense.jobs.tasks import assess_job, coach_job
from kinesense.sample import sample_video_path
from kinesense.services.journey import person_journey
from kinesense.services.people import add_person
from kinesense.services.screening import run_screening
from kinesense.store import Store
from tests.conftest import shared_file


class Stages:
    """Collects what a job reports."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []

    def __call__(self, fraction: float, stage: str) -> None:
        self.calls.append((fraction, stage))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'jobs.db'}") as opened:
        yield opened


def kept(data_dir: Path, source: Path, person_id: int) -> str:
    """``source`` kept in the person's upload folder under a random-looking name."""
    folder = data_dir / "uploads" / f"person-{person_id}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ("9c1e7b" + "".join(source.suffixes))
    shutil.copyfile(source, target)
    return target.relative_to(data_dir).as_posix()


def cli_json(args: list[str]) -> dict[str, Any]:
    answer = CliRunner().invoke(app, [*args, "--json"])
    assert answer.exit_code == 0, answer.output
    data: dict[str, Any] = json.loads(answer.stdout)
    return data


def test_a_sway_measurement_equals_the_command_lines(
    shared_data: Path, store: Store, tmp_path: Path
) -> None:
    source = shared_file(shared_data, "cop/eyesClosed_1.csv.gz")
    pid = add_person(store, "Ann").person.id
    request = AnalysisRequest(test="sway", eyes="closed", surface="firm")
    job_input = {
        "file": kept(tmp_path, source, pid), "name": "standing.csv.gz", "format": "cop-csv",
        "person_id": pid, "analysis": request.model_dump(),
    }  # fmt: skip
    stages = Stages()
    done = assess_job(tmp_path, store)(job_input, stages)
    assert done["test"] == "sway"
    assert done["usable"] is True
    saved = person_journey(store, pid).assessment(done["record_id"]).result
    expected = cli_json(request.command(str(source), "cop-csv"))
    assert expected["conditions"]["eyes"] == "closed"
    assert saved.metrics == expected["metrics"]
    assert saved.interpretation == expected["interpretation"]
    assert [n.to_json() for n in saved.norms] == expected["norms"]
    assert saved.conditions == expected["conditions"]
    assert saved.source["source"] == "standing.csv.gz"
    assert str(tmp_path) not in json.dumps(saved.to_json())
    assert stages.calls[0] == (0.05, "reading the recording")
    assert stages.calls[-1] == (0.95, "saving the result")


def test_the_age_and_sex_given_on_the_upload_compare_a_trial_with_its_reference(
    shared_data: Path, store: Store, tmp_path: Path
) -> None:
    """Subject 1 of Santos & Duarte 2016 (a woman of 33, firm floor, eyes open, feet apart): the
    upload's age and sex reach the reference comparison, with the command line's percentiles."""
    source = shared_file(shared_data, "bds/BDS00001.txt.gz")
    pid = add_person(store, "Nia").person.id
    request = AnalysisRequest(test="sway", stance="feet-apart", age=33, sex="female")
    assert request.command("f", "cop-csv")[-4:] == ["--age", "33", "--sex", "female"]
    job_input = {"file": kept(tmp_path, source, pid), "name": "standing.txt.gz",
                 "format": "cop-csv", "person_id": pid,
                 "analysis": request.model_dump()}  # fmt: skip
    done = assess_job(tmp_path, store)(job_input, Stages())
    saved = person_journey(store, pid).assessment(done["record_id"]).result
    expected = cli_json(request.command(str(source), "cop-csv"))
    assert saved.norm is not None
    assert saved.norm.compared
    assert saved.norm.to_json() == expected["norm"]
    assert "mean_velocity_mm_s" in saved.norm.percentile
    unknown = AnalysisRequest(test="sway", stance="feet-apart")
    blind = assess_job(tmp_path, store)({**job_input, "analysis": unknown.model_dump()}, Stages())
    unjudged = person_journey(store, pid).assessment(blind["record_id"]).result
    assert unjudged.norm is not None
    assert not unjudged.norm.compared


def test_a_video_that_cannot_be_judged_keeps_the_reasons(store: Store, tmp_path: Path) -> None:
    video = sample_video_path()
    pid = add_person(store, "Bo").person.id
    request = AnalysisRequest(test="stance", age=40)
    job_input = {"file": kept(tmp_path, video, pid), "name": "balance.mp4", "format": "video",
                 "person_id": pid, "analysis": request.model_dump()}  # fmt: skip
    stages = Stages()
    done = assess_job(tmp_path, store)(job_input, stages)
    assert done["usable"] is False
    saved = person_journey(store, pid).assessment(done["record_id"]).result
    expected = cli_json(request.command(str(video), "video"))
    assert list(saved.reasons) == expected["reasons"]
    assert saved.reasons  # the oblique view
    frames = [f for f, stage in stages.calls if stage == "finding the person in the video"]
    assert frames == sorted(frames)
    assert 0.1 < frames[-1] <= 0.9


def test_a_failure_is_the_command_lines_line_under_the_users_name(
    store: Store, tmp_path: Path
) -> None:
    source = tmp_path / "sway.csv"
    source.write_text("Time,CoPx,CoPy,Fz\n0,0.1,0.1,700\n0.01,abc,0.1,700\n")
    pid = add_person(store, "Cy").person.id
    request = AnalysisRequest(test="sway")
    cli = CliRunner().invoke(app, request.command(str(source), "cop-csv"))
    assert cli.exit_code == 2
    message = cli.stderr.strip().removeprefix("error: ")
    data = tmp_path / "data"
    job_input = {"file": kept(data, source, pid), "name": "my sway.csv", "format": "cop-csv",
                 "person_id": pid, "analysis": request.model_dump()}  # fmt: skip
    with pytest.raises(KinesenseError) as failure:
        assess_job(data, store)(job_input, Stages())
    assert str(failure.value) == message.replace(str(source), "my sway.csv")
    assert str(data) not in str(failure.value)
    assert person_journey(store, pid).assessments == ()


def test_a_test_refuses_a_file_it_cannot_read() -> None:
    check_format(AnalysisRequest(test="sway"), "cop-csv", "a.csv")
    with pytest.raises(InvalidValueError, match=r"a\.csv is a cop-csv file: the stance test reads"):
        check_format(AnalysisRequest(test="stance"), "cop-csv", "a.csv")


def test_the_commands_of_each_test() -> None:
    assert AnalysisRequest(test="repositioning", joint="neck").command("f", "imu-csv") == [
        "assess", "repositioning", "--joint", "neck", "--imu", "f",
    ]  # fmt: skip
    assert AnalysisRequest(test="mobility", movement="lateral").command("f", "video") == [
        "assess", "mobility", "--movement", "lateral", "--video", "f",
    ]  # fmt: skip
    assert AnalysisRequest(test="posture").command("f", "video") == [
        "assess", "posture", "--video", "f",
    ]  # fmt: skip
    assert AnalysisRequest(test="stance", sex="male", age=70).command("f", "video") == [
        "assess", "stance", "--video", "f", "--age", "70", "--sex", "male", "--eyes", "open",
    ]  # fmt: skip


def test_a_recorded_session_is_coached_and_saved(store: Store, tmp_path: Path) -> None:
    video = sample_video_path()
    pid = add_person(store, "Di").person.id
    job_input = {"file": kept(tmp_path, video, pid), "name": "stance.mp4", "person_id": pid,
                 "exercise": "single_leg_stance_eyes_open", "pain_before": 3,
                 "pain_after": 4}  # fmt: skip
    with pytest.raises(SafetyError, match="has not been screened yet"):
        coach_job(tmp_path, store)(job_input, Stages())
    run_screening({}, store=store, person=str(pid))
    done = coach_job(tmp_path, store)(job_input, Stages())
    session = person_journey(store, pid).session(done["record_id"]).session
    expected = cli_json(["coach", "single_leg_stance_eyes_open", "--video", str(video)])
    assert session.holds == expected["holds"]
    assert done["holds"] == len(expected["holds"])
    assert (session.pain_before, session.pain_after) == (3, 4)
    assert session.model_extra is not None
    assert session.model_extra["events"] == expected["events"]
