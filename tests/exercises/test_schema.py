"""The exercise format as pydantic models: the published JSON Schema is up to date, FORMAT.md
documents exactly the model's fields, the dose limits are exposed and enforced, and every
problem names the file and the field."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from kinesense.errors import DataFileError
from kinesense.exercises import (
    DOSE_LIMITS,
    LIBRARY_DIR,
    ExerciseDataError,
    exercise_from_dict,
    load_exercise,
    load_library,
)
from kinesense.exercises.json_schema import SCHEMA_FILE, exercise_json_schema, schema_text

FORMAT_FILE = Path(LIBRARY_DIR).parent / "FORMAT.md"


def shipped(exercise_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LIBRARY_DIR / f"{exercise_id}.json").read_text())
    return data


def test_the_published_schema_is_up_to_date() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "regenerate it: python -m kinesense.exercises.json_schema"
    )


def documented_fields() -> dict[str, set[str]]:
    """Field names per model, from the tables that follow each ``<!-- fields: Model -->``."""
    sections: dict[str, set[str]] = {}
    current: str | None = None
    for line in FORMAT_FILE.read_text(encoding="utf-8").splitlines():
        marker = re.match(r"<!-- fields: (\w+) -->", line)
        if marker:
            current = marker.group(1)
            sections[current] = set()
            continue
        if current is None:
            continue
        if not line.startswith("|"):
            if sections[current]:
                current = None
            continue
        first = line.split("|")[1]
        sections[current] |= set(re.findall(r"`([a-z_]+)`", first))
    return sections


def schema_fields() -> dict[str, set[str]]:
    schema = exercise_json_schema()
    models = {"Exercise": schema, **schema["$defs"]}
    return {name: set(model["properties"]) for name, model in models.items()}


def test_format_documents_every_field_and_no_other() -> None:
    assert documented_fields() == schema_fields()


def test_every_library_file_keeps_its_content_through_the_model() -> None:
    for path in sorted(LIBRARY_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        exercise = exercise_from_dict(data, source=str(path))
        again = exercise_from_dict(exercise.model_dump(by_alias=True), source="<again>")
        assert again.model_dump() == exercise.model_dump()
        assert exercise.source_file == str(path)


def test_every_exercise_declares_its_body_position() -> None:
    library = load_library(LIBRARY_DIR)
    assert load_exercise("front_plank").body_position == ("plank",)
    assert library["sit_to_stand"].body_position == ("seated", "standing")
    lying = {e.id for e in library.values() if e.body_position == ("supine",)}
    assert {"glute_bridge", "dead_bug", "mcgill_curl_up"} <= lying


def test_dose_limits_are_exposed_and_enforced() -> None:
    assert (DOSE_LIMITS.sets, DOSE_LIMITS.reps) == ((1, 20), (1, 100))
    assert DOSE_LIMITS.hold_s == (1.0, 600.0)
    squat = load_exercise("squat")
    changed = squat.with_dose(sets=2, reps=6, rest_s=30.0)
    assert (changed.dose.sets, changed.dose.reps, changed.dose.rest_s) == (2, 6, 30.0)
    assert changed.tracked == squat.tracked
    plank = load_exercise("front_plank").with_dose(hold_s=45.0)
    assert plank.hold is not None
    assert plank.hold.target_s == 45.0
    for change, field in (
        ({"sets": -3}, "dose.sets"),
        ({"reps": 10**9}, "dose.reps"),
        ({"rest_s": -1.0}, "dose.rest_s"),
    ):
        with pytest.raises(ExerciseDataError, match=rf"field '{re.escape(field)}'"):
            squat.with_dose(**change)
    with pytest.raises(ExerciseDataError, match=r"field 'hold.target_s': must be 1.0 or more"):
        load_exercise("front_plank").with_dose(hold_s=-1.0)


def test_errors_are_data_file_errors() -> None:
    assert issubclass(ExerciseDataError, DataFileError)


def broken(change: dict[str, Any], at: tuple[Any, ...] = ()) -> dict[str, Any]:
    data = shipped("squat")
    target: Any = data
    for key in at:
        target = target[key]
    target.update(change)
    return data


NEW_BAD_FIELDS = [
    (broken({"body_position": ["lying"]}), "body_position[0]", "must be one of standing |"),
    (broken({"body_position": []}), "body_position", "non-empty list"),
    (broken({"views": ["top"]}, ("form_rules", 1)), "form_rules[1].views[0]", "front | side"),
    (broken({"min_visibility": 2}, ("form_rules", 0)), "form_rules[0].min_visibility", "1.0 or"),
    (broken({"colour": "red"}), "colour", "is not a field of the format"),
    (broken({"rest_s": "60"}, ("dose",)), "dose.rest_s", "must be a number; got '60'"),
    (broken({"sets": 2.5}, ("dose",)), "dose.sets", "must be a whole number"),
    (broken({"absolute": "yes"}, ("tracked", 1)), "tracked[1].absolute", "true or false"),
    (broken({"mode": "hold"}), "hold", "is missing (mode 'hold' times holds)"),
]


@pytest.mark.parametrize(("data", "field", "words"), NEW_BAD_FIELDS)
def test_new_fields_are_checked_and_named(data: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(ExerciseDataError) as error:
        exercise_from_dict(data, source="mine.json")
    message = str(error.value)
    assert message.startswith(f"mine.json: field '{field}':")
    assert words in message


def test_a_hold_condition_takes_views_and_names_min_and_max() -> None:
    plank = load_exercise("front_plank")
    assert plank.hold is not None
    by_quantity = {c.quantity: c for c in plank.hold.conditions}
    assert by_quantity["body_line_deg"].views == ("side",)
    assert by_quantity["shoulder_height"].views == ("side", "oblique")
    data = shipped("front_plank")
    data["hold"]["conditions"][0] = {"quantity": "body_line_deg", "min": 170, "max": 160}
    with pytest.raises(ExerciseDataError, match=r"'hold.conditions\[0\].max': must be greater"):
        exercise_from_dict(data)
