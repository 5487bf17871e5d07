"""One way to word a pydantic validation error on one line, framed per family of messages."""

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kinesense.errors import DataFileError, InvalidValueError
from kinesense.program.model import WORDING as RECORD_WORDING
from kinesense.safe_json import NOT_JSON_TABLE, read_data_file
from kinesense.series.npz_file import META_WORDING
from kinesense.services.assessments import OPTION_WORDING
from kinesense.settings import SETTINGS_WORDING
from kinesense.validation_errors import Wording, field_path, one_line, validated


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sd: float = Field(ge=0)
    label: str = "x"

    @field_validator("label")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


class Table(BaseModel):
    rows: list[Row]


def refusal(data: object) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        Table.model_validate(data)
    return info.value


def test_field_paths_with_brackets_dots_and_aliases() -> None:
    assert field_path(("rows", 2, "sd")) == "rows[2].sd"
    assert field_path(("rows", 2, "sd"), dotted=True) == "rows.2.sd"
    assert field_path(("when", "maximum"), aliases={"maximum": "max"}) == "when.max"
    assert field_path(()) == ""


def test_default_wording_names_origin_and_field() -> None:
    exc = refusal({"rows": [{"sd": 1}, {"sd": -1}]})
    assert (
        one_line(exc, "t.json") == "t.json: rows[1].sd: Input should be greater than or equal to 0"
    )
    assert (
        one_line(refusal([]), "t.json")
        == "t.json: Input should be a valid dictionary or instance of Table"
    )


def test_record_wording_shows_the_value_and_counts_the_rest() -> None:
    exc = refusal({"rows": [{"sd": "a" * 80, "label": " "}]})
    assert one_line(exc, "plan", RECORD_WORDING) == (
        f"plan: field 'rows.0.sd': Input should be a valid number, unable to parse string as a "
        f"number (got '{'a' * 56}...); and 1 more problem(s)"
    )
    missing = refusal({"rows": [{}]})
    assert one_line(missing, "plan", RECORD_WORDING) == "plan: field 'rows.0.sd': Field required"


def test_value_errors_keep_or_drop_pydantics_prefix_by_family() -> None:
    exc = refusal({"rows": [{"sd": 1, "label": " "}]})
    assert one_line(exc, "f") == "f: rows[0].label: must not be blank"
    assert one_line(exc, "f", OPTION_WORDING) == "rows[0].label: Value error, must not be blank"
    assert one_line(exc, "f", META_WORDING) == (
        "f: __meta__ field 'rows.0.label': Value error, must not be blank"
    )


def test_settings_wording_names_the_environment_variable() -> None:
    class Settings(BaseModel):
        port: int
        secret_key: int

    with pytest.raises(ValidationError) as info:
        Settings.model_validate({"port": "x", "secret_key": "hidden"})
    assert one_line(info.value, "KINESENSE_", SETTINGS_WORDING) == (
        "setting port (KINESENSE_PORT): Input should be a valid integer, unable to parse "
        "string as an integer (got 'x')"
    )
    with pytest.raises(ValidationError) as info:
        Settings.model_validate({"port": 1, "secret_key": "hidden"})
    text = one_line(info.value, "KINESENSE_", SETTINGS_WORDING)
    assert text.startswith("setting secret_key (KINESENSE_SECRET_KEY): ")
    assert "hidden" not in text


def test_validated_raises_the_callers_error() -> None:
    with pytest.raises(DataFileError, match=r"^t: field 'rows.0.sd': Field required$"):
        validated(Table, {"rows": [{}]}, "t", DataFileError, RECORD_WORDING)
    assert validated(Table, {"rows": []}, "t", InvalidValueError).rows == []
    framed = Wording(field="[{path}] ", top_level="[] ")
    assert one_line(refusal({"rows": 1}), "", framed) == "[rows] Input should be a valid list"


def test_read_data_file_names_the_file(tmp_path: Path) -> None:
    good = tmp_path / "t.json"
    good.write_text('{"a": [1]}')
    assert read_data_file(good, "table") == {"a": [1]}
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": ')
    with pytest.raises(DataFileError, match=r"bad.json is not valid JSON \(line 1, column 7: "):
        read_data_file(bad, "table")
    with pytest.raises(InvalidValueError, match=r"^b is not valid JSON: Expecting value: line 1"):
        read_data_file(bad, "table", InvalidValueError, source="b", not_json=NOT_JSON_TABLE)
    with pytest.raises(DataFileError, match=f"^table {tmp_path / 'nope.json'} not found$"):
        read_data_file(tmp_path / "nope.json", "table")
