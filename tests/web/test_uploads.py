"""Uploads: real recordings are kept under a suffix that matches their content, read by a job
whose result equals ``kinesense info``; anything else is refused with the CLI's one-line reason,
and nothing half-written is left behind."""

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kinesense.cli import app as cli
from kinesense.web.app import create_app
from kinesense.web.uploads import clean_file_name, upload_folder
from tests.conftest import shared_file
from tests.web.conftest import World, make_config, signed_in, state_of

OCTETS = {"content-type": "application/octet-stream"}


def upload(client: TestClient, person_id: int, content: Any, name: str) -> Any:
    return client.post(
        f"/api/v1/people/{person_id}/uploads", content=content, params={"name": name},
        headers=OCTETS,
    )  # fmt: skip


def cli_info(path: Path) -> tuple[int, str]:
    """Exit code and output (stdout, or the one-line error without ``error:``) of ``info``."""
    result = CliRunner().invoke(cli, ["info", str(path), "--json"])
    if result.exit_code:
        return result.exit_code, " ".join(result.stderr.split()).removeprefix("error: ")
    return 0, result.stdout


def finished_job(world: World, client: TestClient, job_id: str) -> dict[str, Any]:
    assert world.state.jobs.wait_idle(timeout_s=120)
    job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
    return job


def stored_files(world: World, person_id: int) -> list[Path]:
    folder = upload_folder(world.state.config.data_dir, person_id)
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(
    ("relative", "given_name", "suffix"),
    [("cop/eyesOpen_1.csv.gz", "eyes open.csv.gz", ".csv.gz"),
     ("keypoints/pose2sim_balancing_3d.trc", "balance.txt", ".trc"),
     ("imu/uci_s1/e2/u5/template_session.txt.gz", "chest sensor", ".csv.gz"),
     ("video/pose2sim_balancing_cam01.mp4", "clip.csv", ".mp4")],
)  # fmt: skip
def test_a_real_recording_is_kept_by_its_content_and_described(
    world: World, shared_data: Path, relative: str, given_name: str, suffix: str
) -> None:
    source = shared_file(shared_data, relative)
    client = signed_in(world.app, world.person)
    person_id = world.person.person_id
    assert person_id is not None
    answer = upload(client, person_id, source.read_bytes(), given_name)
    assert answer.status_code == 202, answer.text
    queued = answer.json()
    assert (queued["kind"], queued["name"], queued["person_id"]) == ("describe", given_name,
                                                                     person_id)  # fmt: skip
    job = finished_job(world, client, queued["id"])
    assert job["status"] == "done", job["error"]
    code, output = cli_info(source)
    assert code == 0
    expected = json.loads(output.replace(str(source), given_name))
    assert job["result"] == {"name": given_name} | {
        k: v for k, v in expected.items() if k != "path"
    }
    [kept] = stored_files(world, person_id)
    assert kept.name.endswith(suffix)
    assert kept.read_bytes() == source.read_bytes()
    assert "person-" not in json.dumps(job)  # no server path in what the browser gets


def test_a_text_file_named_like_a_video_is_refused_by_content(world: World, tmp_path: Path) -> None:
    client = signed_in(world.app, world.person)
    person_id = world.person.person_id or 0
    answer = upload(client, person_id, b"this is not a video\n" * 100, "holiday.mp4")
    assert answer.status_code == 415
    unnamed = tmp_path / "holiday"
    unnamed.write_bytes(b"this is not a video\n" * 100)
    code, message = cli_info(unnamed)
    assert code == 2
    assert answer.json()["detail"] == message.replace(str(unnamed), "holiday.mp4")
    assert stored_files(world, person_id) == []


def test_a_recording_that_reads_badly_fails_with_the_clis_reason(
    world: World, tmp_path: Path
) -> None:
    bad = tmp_path / "sway.csv"
    bad.write_text("Time,Fz,CoPx,CoPy\n0.0,700,0.01,abc\n0.01,700,0.01,0.02\n")
    code, message = cli_info(bad)
    assert code == 2
    client = signed_in(world.app, world.person)
    answer = upload(client, world.person.person_id or 0, bad.read_bytes(), "sway.csv")
    assert answer.status_code == 202
    job = finished_job(world, client, answer.json()["id"])
    assert job["status"] == "failed"
    assert job["error"] == message.replace(str(bad), "sway.csv")
    page = client.get(f"/jobs/{job['id']}").text
    assert "This recording could not be read" in page
    assert "sway.csv" in page


def test_an_empty_file_is_refused_and_a_cut_gzip_fails_with_the_clis_reason(
    world: World, tmp_path: Path
) -> None:
    client = signed_in(world.app, world.person)
    person_id = world.person.person_id or 0
    empty = upload(client, person_id, b"", "walk.csv")
    assert (empty.status_code, empty.json()["detail"]) == (422, "walk.csv is empty")
    assert stored_files(world, person_id) == []
    whole = gzip.compress(b"Time,Fz,CoPx,CoPy\n" + b"0.0,700,0.01,0.02\n" * 1000)
    cut = tmp_path / "walk.csv.gz"
    cut.write_bytes(whole[: len(whole) // 2])  # a transfer that stopped half-way
    code, message = cli_info(cut)
    assert code == 2
    answer = upload(client, person_id, cut.read_bytes(), "walk.csv.gz")
    assert answer.status_code == 202  # it starts like a force-plate table
    job = finished_job(world, client, answer.json()["id"])
    assert job["status"] == "failed"
    assert job["error"] == message.replace(str(cut), "walk.csv.gz")


@pytest.fixture
def small_limit_app(tmp_path: Path) -> Iterator[FastAPI]:
    """An app that accepts uploads of up to 1 MB."""
    application = create_app(make_config(tmp_path, max_upload_bytes=1024 * 1024))
    yield application
    state_of(application).close()


def test_too_large_uploads_are_refused_declared_or_streamed(small_limit_app: FastAPI) -> None:
    from tests.web.conftest import build_world

    world = build_world(small_limit_app)
    client = signed_in(small_limit_app, world.person)
    person_id = world.person.person_id or 0
    big = b"Time,Fz,CoPx,CoPy\n" + b"0.0,700,0.01,0.02\n" * 70_000  # 1.26 MB
    declared = upload(client, person_id, big, "big.csv")
    assert declared.status_code == 413
    assert declared.json()["detail"] == "big.csv is larger than the 1 MB this server accepts"

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked, counted as it comes
        for start in range(0, len(big), 64 * 1024):
            yield big[start : start + 64 * 1024]

    streamed = upload(client, person_id, chunks(), "big.csv")
    assert streamed.status_code == 413
    assert stored_files(world, person_id) == []  # no temporary file left
    assert upload(client, person_id, big[:500_000], "small.csv").status_code == 202


def test_file_names_are_labels_only() -> None:
    assert clean_file_name("../../etc/passwd") == "passwd"
    assert clean_file_name("C:\\Users\\ann\\walk.csv") == "walk.csv"
    assert clean_file_name("walk\x1b[31m.csv") == "walk\\x1b[31m.csv"
    assert clean_file_name("") == "recording"
    assert len(clean_file_name("a" * 300 + ".csv")) == 120


def test_a_therapist_uploads_for_their_person(world: World, shared_data: Path) -> None:
    source = shared_file(shared_data, "cop/eyesClosed_1.csv.gz")
    client = signed_in(world.app, world.therapist)
    person_id = world.person.person_id or 0
    answer = upload(client, person_id, source.read_bytes(), source.name)
    assert answer.status_code == 202
    job = finished_job(world, client, answer.json()["id"])
    assert job["result"]["samples"] > 0
    own_view = signed_in(world.app, world.person)
    assert answer.json()["id"] in [j["id"] for j in own_view.get(
        f"/api/v1/people/{person_id}/jobs").json()]  # fmt: skip


def test_uploads_live_in_the_data_folder(world: World, shared_data: Path) -> None:
    source = shared_file(shared_data, "keypoints/pose2sim_balancing_3d.trc")
    client = signed_in(world.app, world.person)
    person_id = world.person.person_id or 0
    assert upload(client, person_id, source.read_bytes(), "a.trc").status_code == 202
    world.state.jobs.wait_idle(60)
    [kept] = stored_files(world, person_id)
    assert kept.parent == world.state.config.data_dir / "uploads" / f"person-{person_id}"
    shutil.rmtree(kept.parent)


def test_the_age_and_sex_of_an_upload_reach_the_reference(world: World, shared_data: Path) -> None:
    """The upload form asks age and sex for the two tests compared by them (sway, stance), and
    the API's ``age`` and ``sex`` reach the comparison: subject 1 of Santos & Duarte 2016 (a
    woman of 33, eyes open, feet apart, firm floor) is compared with her group."""
    client = signed_in(world.app, world.person)
    person_id = world.person.person_id or 0
    form = client.get(f"/people/{person_id}/upload").text
    for field in ("option-age", "option-sex"):
        block = form.split(f'id="{field}"')[0].rsplit('<div class="condition"', 1)[1]
        assert 'data-tests="sway stance"' in block
    source = shared_file(shared_data, "bds/BDS00001.txt.gz")
    answer = client.post(
        f"/api/v1/people/{person_id}/uploads", content=source.read_bytes(), headers=OCTETS,
        params={"name": "bds1.txt.gz", "test": "sway", "stance": "feet-apart", "age": 33,
                "sex": "female"},
    )  # fmt: skip
    assert answer.status_code == 202, answer.text
    job = finished_job(world, client, answer.json()["id"])
    assert job["status"] == "done", job
    record = job["result"]["record_id"]
    page = client.get(f"/people/{person_id}/results/{record}").text
    assert "Compared with a reference" in page
    assert "percentile" in page
    refused = client.post(
        f"/api/v1/people/{person_id}/uploads", content=b"x", headers=OCTETS,
        params={"name": "a.csv", "test": "sway", "sex": "other"},
    )  # fmt: skip
    assert refused.status_code == 422
