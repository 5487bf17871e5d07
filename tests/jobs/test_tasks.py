"""The ``describe`` job on real recordings: the figures of ``kinesense info``, the user's file
name instead of the server's path, and the CLI's one-line reason when a file cannot be read."""

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kinesense.cli import app
from kinesense.describe import describe_file
from kinesense.errors import InputFileError, KinesenseError
from kinesense.jobs.tasks import data_file, describe_job, job_functions
from kinesense.store import Store
from tests.conftest import shared_file

RECORDINGS = [
    "cop/eyesOpen_1.csv.gz",
    "keypoints/pose2sim_balancing_3d.trc",
    "imu/uci_s1/e1/u5/test.txt.gz",
    "video/pose2sim_balancing_cam01.mp4",
]


class Stages:
    """Collects what a job reports."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []

    def __call__(self, fraction: float, stage: str) -> None:
        self.calls.append((fraction, stage))


def kept_upload(data_dir: Path, source: Path) -> str:
    """Copy ``source`` into the data folder under a random-looking name, as uploads are kept."""
    folder = data_dir / "uploads" / "person-1"
    folder.mkdir(parents=True)
    target = folder / ("3f2a9c" + "".join(source.suffixes))
    shutil.copyfile(source, target)
    return target.relative_to(data_dir).as_posix()


@pytest.mark.parametrize("relative", RECORDINGS)
def test_describe_equals_kinesense_info(relative: str, shared_data: Path, tmp_path: Path) -> None:
    source = shared_file(shared_data, relative)
    job_input = {"file": kept_upload(tmp_path, source), "name": source.name}
    stages = Stages()
    result = describe_job(tmp_path)(job_input, stages)
    cli = CliRunner().invoke(app, ["info", str(source), "--json"])
    assert cli.exit_code == 0, cli.output
    expected: Mapping[str, Any] = json.loads(cli.stdout.replace(str(source), source.name))
    assert result == {"name": source.name} | {k: v for k, v in expected.items() if k != "path"}
    direct = json.loads(json.dumps(describe_file(source)).replace(str(source), source.name))
    assert result == {"name": source.name} | {k: v for k, v in direct.items() if k != "path"}
    assert [s for _, s in stages.calls] == ["reading the recording", "summarising"]
    assert str(tmp_path) not in json.dumps(result)


def test_a_bad_file_fails_with_the_clis_message_under_the_users_name(tmp_path: Path) -> None:
    source = tmp_path / "notes.csv"
    source.write_text("a,b\n1,2\n")
    cli = CliRunner().invoke(app, ["info", str(source)])
    assert cli.exit_code == 2
    cli_message = cli.stderr.strip().removeprefix("error: ")
    upload = tmp_path / "data"
    relative = kept_upload(upload, source)
    with pytest.raises(KinesenseError) as failure:
        describe_job(upload)({"file": relative, "name": "notes.csv"}, Stages())
    assert " ".join(str(failure.value).split()) == " ".join(
        cli_message.replace(str(source), "notes.csv").split()
    )
    assert str(upload) not in str(failure.value)


def test_files_outside_the_data_folder_are_refused(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    assert data_file(tmp_path / "data", "uploads/a.csv") == tmp_path / "data" / "uploads" / "a.csv"
    for escape in ("../secret.csv", "/etc/passwd", "uploads/../../x"):
        with pytest.raises(InputFileError, match="is not inside the data folder"):
            data_file(tmp_path / "data", escape)


def test_every_job_kind_is_listed(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'k.db'}") as store:
        assert sorted(job_functions(tmp_path, store)) == ["assess", "coach", "describe"]
