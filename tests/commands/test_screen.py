"""``kinesense screen`` as a user runs it: real processes, stdin answers, one-line errors."""

import json
import subprocess
from pathlib import Path

import pytest

from kinesense.program.screening import DISCLAIMER, load_questions
from tests.cli_runs import KINESENSE, assert_one_line_error, database_env
from tests.cli_runs import run_kinesense as run

QUESTIONS = load_questions()
RED_FLAG_IDS = [q.id for q in QUESTIONS if q.red_flag]


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


def test_none_states_every_answer_is_no_and_proceeds() -> None:
    done = run("screen", "--none", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["decision"] == "proceed"
    assert result["red_flags"] == []
    assert set(result["answers"]) == {q.id for q in QUESTIONS}
    assert not any(result["answers"].values())


def test_json_alone_answers_nothing_and_is_refused() -> None:
    """Issue 9: 'kinesense screen --json' decided 'proceed' without asking anything."""
    done = run("screen", "--json")
    assert_one_line_error(done, "the safety questions are not asked")
    assert "--none" in done.stderr
    assert done.stdout == ""


def test_a_closed_input_answers_nothing_and_is_refused(tmp_path: Path) -> None:
    with (tmp_path / "empty").open("w+") as empty:
        done = subprocess.run(
            [*KINESENSE, "screen"], stdin=empty, capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
    assert_one_line_error(done, "nothing was decided")
    assert "No warning signs" not in done.stdout


def test_endless_invalid_answers_end_after_a_few_tries() -> None:
    """Issue 9: 'yes maybe | kinesense screen' asked again forever (5.7 GB in two minutes)."""
    endless = subprocess.Popen(["yes", "maybe"], stdout=subprocess.PIPE)
    try:
        done = subprocess.run(
            [*KINESENSE, "screen"], stdin=endless.stdout, capture_output=True, text=True,
            timeout=60, check=False,
        )  # fmt: skip
    finally:
        endless.kill()
        endless.wait()
    assert_one_line_error(done, "was not answered y or n after 4 tries")
    assert done.stdout.count("Please answer y or n.") == 3
    assert len(done.stdout) < 10_000


def test_none_with_a_yes_is_a_contradiction() -> None:
    assert_one_line_error(run("screen", "--none", "--yes", "night_pain", "--json"), "--none")


def test_stdin_is_not_read_when_the_answers_are_stated() -> None:
    done = run("screen", "--yes", "night_pain", "--json", stdin="y\n" * 20)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["red_flags"] == ["night_pain"]


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


def test_no_input_states_the_rest_are_no() -> None:
    done = run("screen", "--no-input")
    assert done.returncode == 0, done.stderr
    assert "[y/n]" not in done.stdout
    assert "No warning signs reported" in " ".join(done.stdout.split())


def test_person_option_saves_the_screening(tmp_path: Path) -> None:
    from kinesense.store import Store

    url = f"sqlite:///{tmp_path / 'history.db'}"
    with Store(url) as store, store.transaction() as unit:
        person_id = unit.add_person("Alex Example").id
    env = database_env(url)
    done = run("screen", "--yes", "night_pain", "--person", "Alex Example", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["saved"]["person_id"] == person_id
    with Store(url) as store, store.transaction(write=False) as unit:
        saved = unit.latest_screening(person_id)
    assert saved is not None
    assert saved.decision == "refer"
    assert saved.red_flags == ("night_pain",)
    # the person is looked up before any question is asked
    missing = run("screen", "--person", "Nobody", env=env, stdin="n\n" * 20)
    assert_one_line_error(missing, "no person called 'Nobody'")
    assert "[y/n]" not in missing.stdout


def test_a_person_reference_made_of_digits_is_an_id(tmp_path: Path) -> None:
    """Issue 9: 'screen --person 2' saved into the person named "2" instead of id 2."""
    url = f"sqlite:///{tmp_path / 'history.db'}"
    env = database_env(url)
    assert run("person", "add", "Ann", env=env).returncode == 0
    assert_one_line_error(run("person", "add", "1", env=env), "only of digits")
    assert run("person", "add", "Bob", env=env).returncode == 0
    done = run("screen", "--none", "--person", "2", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["saved"]["person_id"] == 2
