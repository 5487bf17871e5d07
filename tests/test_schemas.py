"""The published JSON Schemas: generated from the models, up to date in docs/schemas, and true to
real payloads."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kinesense.errors import NotFoundError
from kinesense.schemas import CATALOGUE, entry, names, published, schema

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "expected"


def test_the_files_in_docs_are_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "schemas.py"), "--check"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_payload_and_data_file_of_the_programme_is_published() -> None:
    wanted = {"person", "screening-result", "check-in", "clinician-override", "coached-session",
              "plan", "screening-file", "tracks-file", "questionnaire-file", "assessment-result",
              "exercise"}  # fmt: skip
    assert wanted <= set(published())
    for name, found in published().items():
        assert found["$id"].endswith(f"/{name}.json")
        assert found["$schema"].startswith("https://json-schema.org/")
        assert found["type"] == "object"
        assert found["properties"]


def test_unpublished_entries_say_why() -> None:
    for item in CATALOGUE:
        reason = item.unpublished_reason()
        if reason is not None:
            assert "not a pydantic model yet" in reason
            with pytest.raises(NotFoundError, match="not published yet"):
                schema(item.name)
    with pytest.raises(NotFoundError, match="known: person"):
        entry("nothing")
    assert len(names()) == len(set(names()))


def test_the_exercise_schema_is_the_one_the_format_publishes() -> None:
    from kinesense.exercises.json_schema import SCHEMA_FILE

    assert schema("exercise") == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema("assessment-result")["properties"]["metrics"]


def test_the_plan_schema_describes_the_plans_kinesense_prints() -> None:
    """The golden 'plan --json' output is a Plan; every key it has is in the schema."""
    printed = json.loads((GOLDEN / "plan_new.json").read_text())["output"]
    plan_schema = schema("plan")
    extra = {"adherence", "person"}  # added by the command beside the plan
    assert set(printed) - extra <= set(plan_schema["properties"])
    assert set(plan_schema["required"]) <= set(printed)


def test_the_schema_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "schema", "check-in", "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == schema("check-in")
    listed = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "schema", "--list", "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert [row["name"] for row in json.loads(listed.stdout)] == list(names())
    unknown = subprocess.run(
        [sys.executable, "-m", "kinesense.cli", "schema", "nothing"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("error: no schema called 'nothing'")
