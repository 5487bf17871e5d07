"""The shipped library loads and validates; bad files give messages naming the file and field."""

import json
from pathlib import Path
from typing import Any

import pytest

from kinesense.exercises import (
    LIBRARY_DIR,
    ExerciseDataError,
    exercise_from_dict,
    load_exercise,
    load_library,
    read_exercise_file,
)
from kinesense.exercises.schema import CATEGORIES

REQUIRED = [
    "single_leg_stance_eyes_open",
    "single_leg_stance_eyes_closed",
    "tandem_stance",
    "weight_shifts",
    "clock_reach",
    "bird_dog",
    "dead_bug",
    "front_plank",
    "side_plank",
    "glute_bridge",
    "mcgill_curl_up",
    "squat",
    "hip_hinge",
    "pelvic_tilts",
    "cat_camel",
    "trunk_repositioning_practice",
    "head_repositioning_practice",
    "lateral_trunk_shifts",
]


def shipped(exercise_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LIBRARY_DIR / f"{exercise_id}.json").read_text())
    return data


def write(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / f"{data['id']}.json"
    path.write_text(json.dumps(data))
    return path


def test_every_shipped_file_loads_and_the_library_is_complete(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("KINESENSE_EXERCISES", str(tmp_path))  # an empty user folder
    files = sorted(LIBRARY_DIR.glob("*.json"))
    library = load_library()
    assert len(library) == len(files) >= 24
    assert set(REQUIRED) <= set(library)
    assert {e.category for e in library.values()} == set(CATEGORIES)
    for exercise in library.values():
        assert exercise.sources
        assert exercise.instructions
        assert (exercise.repetition is None) == (exercise.mode == "hold")
        for other in exercise.harder:
            assert exercise.id in library[other].easier  # links are stated both ways
        for rule in exercise.form_rules:
            assert len(rule.cue) <= 80  # short enough to be spoken


def test_load_exercise_by_id_and_unknown_id(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KINESENSE_EXERCISES", raising=False)
    assert load_exercise("bird_dog").mode == "reps"
    with pytest.raises(ExerciseDataError, match="unknown exercise 'no_such'"):
        load_exercise("no_such")


def test_user_folder_adds_an_exercise_and_overrides_a_shipped_one(tmp_path: Path) -> None:
    mine = shipped("squat") | {"id": "wall_squat", "name": "Wall squat", "harder": ["squat"]}
    write(tmp_path, mine)
    easier_squat = shipped("squat") | {"name": "Squat (my clinic)"}
    write(tmp_path, easier_squat)
    library = load_library(tmp_path)
    assert library["wall_squat"].name == "Wall squat"
    assert library["squat"].name == "Squat (my clinic)"


def test_environment_variable_names_the_user_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write(tmp_path, shipped("squat") | {"id": "my_squat"})
    monkeypatch.setenv("KINESENSE_EXERCISES", str(tmp_path))
    assert "my_squat" in load_library()
    monkeypatch.setenv("KINESENSE_EXERCISES", str(tmp_path / "absent"))
    with pytest.raises(ExerciseDataError, match="exercise folder not found"):
        load_library()


def broken(field_path: list[Any], value: Any = None, *, delete: bool = False) -> dict[str, Any]:
    data = shipped("squat")
    target: Any = data
    for key in field_path[:-1]:
        target = target[key]
    if delete:
        del target[field_path[-1]]
    else:
        target[field_path[-1]] = value
    return data


BAD_FIELDS = [
    (["mode"], None, "mode", "is missing"),
    (["level"], 7, "level", "whole number 1-5"),
    (["category"], "cardio", "category", "balance | core"),
    (["tracked", 0, "points", 1], "left_kneecap", "tracked[0].points[1]", "unknown landmark"),
    (["tracked", 0, "points"], ["left_hip", "left_knee"], "tracked[0].points", "needs 3 points"),
    (["repetition", "quantity"], "hip", "repetition.quantity", "unknown quantity 'hip'"),
    (["form_rules", 1, "when", "quantity"], "elbow", "form_rules[1].when.quantity", "unknown"),
    (["repetition", "exit"], 140, "repetition.exit", "rest side of 'enter'"),
    (["form_rules", 0, "applies_during"], "holding", "form_rules[0].applies_during", "phase"),
    (["form_rules", 0, "when", "comparison"], ">", "form_rules[0].when.comparison", "above |"),
    (["dose", "side"], "up", "dose.side", "none | left"),
    (["instructions"], [], "instructions", "non-empty list"),
]


@pytest.mark.parametrize(("path", "value", "field", "words"), BAD_FIELDS)
def test_bad_fields_are_named(path: list[Any], value: Any, field: str, words: str) -> None:
    data = broken(path, delete=True) if value is None else broken(path, value)
    with pytest.raises(ExerciseDataError) as error:
        exercise_from_dict(data, source="my_file.json")
    message = str(error.value)
    assert message.startswith(f"my_file.json: field '{field}':")
    assert words in message


def test_bad_user_file_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, broken(["tracked", 0, "points", 0], "left_hipp"))
    with pytest.raises(ExerciseDataError, match=f"{path}: field 'tracked\\[0\\].points\\[0\\]'"):
        load_library(tmp_path)
    path.write_text("{ not json")
    with pytest.raises(ExerciseDataError, match="not valid JSON"):
        load_library(tmp_path)
    path.write_text(json.dumps(shipped("squat")))  # id 'squat' in file 'squat.json' is fine
    read_exercise_file(path)
    other = tmp_path / "other.json"
    other.write_text(json.dumps(shipped("squat")))
    with pytest.raises(ExerciseDataError, match="must match the file name 'other'"):
        read_exercise_file(other)


def test_unknown_progression_and_cycles_are_rejected(tmp_path: Path) -> None:
    write(tmp_path, shipped("squat") | {"harder": ["no_such_exercise"]})
    with pytest.raises(ExerciseDataError, match="field 'harder': unknown exercise 'no_such"):
        load_library(tmp_path)
    # sit_to_stand -> squat (shipped); a user squat that says sit_to_stand is harder: cycle
    write(tmp_path, shipped("squat") | {"harder": ["sit_to_stand"]})
    with pytest.raises(ExerciseDataError, match=r"progression cycle .*squat -> sit_to_stand"):
        load_library(tmp_path)
    # the same cycle stated through 'easier' of another exercise
    write(tmp_path, shipped("squat"))
    write(tmp_path, shipped("sit_to_stand") | {"easier": ["squat"]})
    with pytest.raises(ExerciseDataError, match="progression cycle"):
        load_library(tmp_path)
    write(tmp_path, shipped("sit_to_stand") | {"harder": ["sit_to_stand"]})
    with pytest.raises(ExerciseDataError, match="names the exercise itself"):
        load_library(tmp_path)
