"""The assessment result type: validation and a JSON round trip."""

import json

import pytest

from kinesense.assess.result import AssessmentResult, MetricInfo, compare_with_norm


def _result() -> AssessmentResult:
    norm = compare_with_norm(
        "mean_velocity_mm_s",
        12.5,
        low=None,
        high=10.0,
        population="adults 20-40 y, eyes open",
        source="Example et al. 2000",
        unit="mm/s",
    )
    return AssessmentResult(
        test="sway",
        usable=True,
        metrics={"mean_velocity_mm_s": 12.5},
        metric_info={
            "mean_velocity_mm_s": MetricInfo("mm/s", "path length / duration", "Prieto 1996")
        },
        norms=(norm,),
        interpretation="more sway than the reference",
        notes=("camera sway carries about a centimetre of error",),
        conditions={"eyes": "open"},
        plot_data={"time_s": [0.0, 0.1]},
    )


def test_norm_comparison_verdicts() -> None:
    above = compare_with_norm("x", 5.0, low=1.0, high=4.0, population="p", source="s")
    below = compare_with_norm("x", 0.5, low=1.0, high=4.0, population="p", source="s")
    within = compare_with_norm("x", 4.0, low=1.0, high=4.0, population="p", source="s")
    one_sided = compare_with_norm("x", 30.0, low=20.0, high=None, population="p", source="s")
    assert (above.verdict, below.verdict, within.verdict, one_sided.verdict) == (
        "above",
        "below",
        "within",
        "within",
    )
    assert "at least 20" in one_sided.text
    assert "1 to 4" in above.text


def test_json_round_trip() -> None:
    original = _result()
    text = json.dumps(original.to_json(), allow_nan=False)
    again = AssessmentResult.from_json(json.loads(text))
    assert again.to_json() == original.to_json()
    assert again.norms[0].verdict == "above"


def test_every_metric_needs_its_unit_definition_and_reference() -> None:
    with pytest.raises(ValueError, match="without unit"):
        AssessmentResult(test="sway", usable=True, metrics={"rms_ap_mm": 3.0})


def test_an_unusable_result_says_why_and_holds_no_numbers() -> None:
    with pytest.raises(ValueError, match="must say why"):
        AssessmentResult(test="sway", usable=False)
    result = AssessmentResult.unusable("sway", "recording too short: 4.0 s of the 30 s asked")
    assert result.metrics == {}
    assert result.to_json()["reasons"] == ["recording too short: 4.0 s of the 30 s asked"]


def test_parameters_and_version_are_recorded_and_old_files_still_read() -> None:
    import kinesense

    original = _result().with_provenance({"cutoff_hz": 10.0, "filter": True})
    data = original.to_json()
    assert data["parameters"] == {"cutoff_hz": 10.0, "filter": True}
    assert data["software_version"] == kinesense.__version__
    assert AssessmentResult.from_json(data) == original
    old = {k: v for k, v in data.items() if k not in ("parameters", "software_version")}
    again = AssessmentResult.from_json(old)
    assert again.parameters == {}
    assert again.software_version == ""
    assert again.metrics == original.metrics


def test_results_are_frozen_and_their_schema_comes_from_the_model() -> None:
    from pydantic import ValidationError

    result = _result()
    with pytest.raises(ValidationError):
        result.usable = False  # type: ignore[misc]
    schema = AssessmentResult.model_json_schema()
    assert {"test", "usable"} <= set(schema["required"])
    assert {"metrics", "metric_info", "parameters", "software_version", "norms"} <= set(
        schema["properties"]
    )
    norm = schema["$defs"]["NormComparison"]["properties"]["verdict"]
    assert set(norm["enum"]) == {"within", "above", "below"}


def test_a_verdict_outside_the_three_words_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="verdict"):
        AssessmentResult.from_json(
            _result().to_json() | {"norms": [_result().norms[0].to_json() | {"verdict": "low"}]}
        )
