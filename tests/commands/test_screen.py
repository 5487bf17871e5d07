"""``kinesense screen`` as a user runs it: real processes, stdin answers, one-line errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kinesense.program.screening import DISCLAIMER, load_questions

KINESENSE = [sys.executable, "-m", "kinesense.cli"]
QUESTIONS = load_questions()
RED_FLAG_IDS = [q.id for q in QUESTIONS if q.red_flag]


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KINESENSE, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def test_list_json_gives_id_text_and_red_flag() -> None:
    done = run("screen", "--list", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert [item["id"] for item in listed] == [q.id for q in QUESTIONS]
    for item in listed:
        assert isinstance(item["text"], str)
        assert item["text"]
        assert item["red_flag"] in (True, False)
        assert "urgency" in item
        assert "category" in item
    assert any(not item["red_flag"] for item in listed)


def test_list_as_a_table() -> None:
    done = run("screen", "--list")
    assert done.returncode == 0, done.stderr
    assert "saddle_numbness" in done.stdout


@pytest.mark.parametrize("flag", RED_FLAG_IDS)
def test_each_red_flag_refers(flag: str) -> None:
    done = run("screen", "--yes", flag, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["decision"] == "refer"
    assert result["red_flags"] == [flag]
    assert result["urgency"] in ("emergency", "urgent", "soon")
    assert "no" in result["message"]
    assert "exercise" in result["message"]
    assert result["disclaimer"] == DISCLAIMER


def test_no_flag_proceeds() -> None:
    done = run("screen", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["decision"] == "proceed"
    assert result["red_flags"] == []


def test_ordinary_yes_answers_proceed() -> None:
    done = run("screen", "--yes", "leg_pain_below_knee", "-y", "pain_over_12_weeks", "--json")
    result = json.loads(done.stdout)
    assert result["decision"] == "proceed"
    assert result["answers"]["leg_pain_below_knee"] is True


def test_several_flags_take_the_most_urgent() -> None:
    done = run("screen", "--yes", "night_pain", "--yes", "bowel_change", "--json")
    result = json.loads(done.stdout)
    assert result["red_flags"] == ["bowel_change", "night_pain"]
    assert result["urgency"] == "emergency"


def test_unknown_id_is_a_one_line_error_listing_valid_ids() -> None:
    done = run("screen", "--yes", "back_ache", "--json")
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: unknown screening question id 'back_ache'")
    assert "saddle_numbness" in lines[0]
    assert done.stdout == ""


def test_interactive_answers_from_stdin_refer_with_the_disclaimer() -> None:
    replies = ["n"] * len(QUESTIONS)
    replies[[q.id for q in QUESTIONS].index("bladder_change")] = "yes"
    replies.insert(0, "perhaps")  # not understood: the question is asked again
    done = run("screen", stdin="\n".join(replies) + "\n")
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())
    assert out.count("does not replace") == 2  # at the start and with the referral
    assert "Please answer y or n." in out
    assert "emergency" in out
    assert "leaking urine" in out  # the flagged question is repeated back


def test_interactive_all_no_proceeds_and_notes_ordinary_answers() -> None:
    replies = ["y" if not q.red_flag else "n" for q in QUESTIONS]
    done = run("screen", stdin="\n".join(replies) + "\n")
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())
    assert "No warning signs reported" in out
    assert "Noted for your plan" in out


def test_interactive_stopped_early_decides_nothing() -> None:
    done = run("screen", stdin="n\nn\n")
    assert done.returncode == 2
    assert "nothing was decided" in done.stderr


def test_no_input_proceeds_without_asking() -> None:
    done = run("screen", "--no-input")
    assert done.returncode == 0, done.stderr
    assert "[y/n]" not in done.stdout
    assert "No warning signs reported" in " ".join(done.stdout.split())


def test_person_option_saves_the_screening(tmp_path: Path) -> None:
    pytest.importorskip("kinesense.store")
    from kinesense.store import Store

    url = f"sqlite:///{tmp_path / 'history.db'}"
    with Store(url) as store:
        person_id = store.add_person("Alex Example")
    env = os.environ | {"KINESENSE_DATABASE_URL": url}
    done = run("screen", "--yes", "night_pain", "--person", "Alex Example", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["saved"]["person_id"] == person_id
    with Store(url) as store:
        saved = store.latest_screening(person_id)
    assert saved is not None
    assert saved["decision"] == "refer"
    assert saved["red_flags"] == ["night_pain"]
    missing = run("screen", "--person", "Nobody", "--json", env=env)
    assert missing.returncode == 2
    assert len([line for line in missing.stderr.splitlines() if line.strip()]) == 1
