"""Running assessments by name: the registry path, parameters recorded, one-line user errors."""

from pathlib import Path

import pytest

import kinesense
from kinesense.assess.balance_tests import Conditions, assess_sway
from kinesense.assess.catalogue_balance import SwayParameters
from kinesense.assess.sway_sources import from_cop
from kinesense.errors import InvalidValueError, KinesenseError, NotFoundError
from kinesense.services.assessments import (
    ctsib_inputs,
    mobility_inputs,
    parameters_for,
    posture_inputs,
    repositioning_inputs,
    romberg_inputs,
    run_assessment,
    stance_inputs,
    sway_inputs,
    user_values,
)
from kinesense.services.recordings import load_cop
from tests.conftest import shared_file

EO = "cop/eyesOpen_1.csv.gz"
EC = "cop/eyesClosed_1.csv.gz"
IMU = "imu/uci_s1/e1/u5/template_session.txt.gz"
TRC = "keypoints/pose2sim_balancing_3d.trc"


def test_sway_by_name_equals_the_test_itself_and_records_its_settings(shared_data: Path) -> None:
    path = shared_file(shared_data, EO)
    inputs = sway_inputs(path, eyes="closed", stance="feet-apart")
    result = run_assessment("sway", inputs)
    direct = assess_sway(from_cop(load_cop(path)), Conditions("closed", "feet-apart"))
    assert result.metrics == direct.metrics
    assert result.conditions == direct.conditions
    assert result.parameters == {"duration_s": 30.0, "cutoff_hz": 10.0, "filter": True}
    assert result.software_version == kinesense.__version__
    data = result.to_json()
    assert data["parameters"] == result.parameters
    assert data["software_version"] == kinesense.__version__


def test_changed_parameters_are_used_and_recorded(shared_data: Path) -> None:
    inputs = sway_inputs(shared_file(shared_data, EO))
    default = run_assessment("sway", inputs)
    low = run_assessment("sway", inputs, parameters_for("sway", cutoff_hz=2.0))
    raw = run_assessment("sway", inputs, parameters_for("sway", filter=False))
    paths = [r.metrics["path_length_mm"] for r in (raw, default, low)]
    assert paths[0] > paths[1] > paths[2]
    assert low.parameters["cutoff_hz"] == 2.0
    assert raw.parameters["filter"] is False
    assert parameters_for("sway", cutoff_hz=None) == SwayParameters()


def test_romberg_and_ctsib_from_files(shared_data: Path) -> None:
    eo, ec = shared_file(shared_data, EO), shared_file(shared_data, EC)
    romberg = run_assessment("romberg", romberg_inputs(eo, ec))
    assert romberg.usable
    assert romberg.metrics["romberg_quotient"] == pytest.approx(
        romberg.metrics["ec_mean_velocity_mm_s"] / romberg.metrics["eo_mean_velocity_mm_s"]
    )
    files = {"eo_firm": eo, "ec_firm": ec, "eo_foam": eo, "ec_foam": ec}
    ctsib = run_assessment("ctsib", ctsib_inputs(files))
    assert ctsib.metrics["romberg_quotient_firm"] == pytest.approx(
        romberg.metrics["romberg_quotient"]
    )
    with pytest.raises(InvalidValueError, match="missing: ec_foam"):
        ctsib_inputs({k: v for k, v in files.items() if k != "ec_foam"})


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda d: sway_inputs(d / EO, eyes="sideways"), "eyes must be one of"),
        (lambda d: romberg_inputs(d / EO, d / EC, stance="upside-down"), "stance must be"),
        (lambda d: stance_inputs(d / TRC, eyes="half"), "eyes must be one of"),
        (lambda d: repositioning_inputs("knee", imu=d / IMU), "joint must be one of"),
        (lambda d: repositioning_inputs("neck", imu=d / IMU, task="x"), "task must be"),
        (lambda d: repositioning_inputs("trunk"), "exactly one recording"),
        (lambda d: mobility_inputs("lateral", imu_trunk=d / IMU), "lateral bending needs"),
        (lambda d: mobility_inputs("twist", imu_trunk=d / IMU), "movement must be one of"),
        (lambda d: mobility_inputs("waiters-bow", imu_trunk=d / IMU), "and a pelvis sensor"),
        (lambda d: mobility_inputs("flexion", video=d / TRC, imu_trunk=d / IMU), "not both"),
        (lambda d: posture_inputs(), "give one recording"),
        (lambda d: parameters_for("stance", max_time_s=0), "max_time_s: "),
        (lambda d: parameters_for("repositioning", trials=0), "trials: "),
        (lambda d: parameters_for("sway", cutoff_hz="fast"), "cutoff_hz: "),
    ],
)
def test_bad_choices_are_one_line_invalid_values(
    shared_data: Path, build: object, message: str
) -> None:
    assert callable(build)
    with pytest.raises(InvalidValueError, match=message) as caught:
        build(shared_data)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, KinesenseError)


def test_unknown_tests_and_mismatched_inputs_are_refused(shared_data: Path) -> None:
    stance = stance_inputs(shared_file(shared_data, TRC))
    with pytest.raises(NotFoundError, match="no assessment called 'balance'"):
        run_assessment("balance", stance)
    with pytest.raises(InvalidValueError, match="sway needs SwayInputs"):
        run_assessment("sway", stance)
    with pytest.raises(InvalidValueError, match="takes StanceParameters"):
        run_assessment("stance", stance, SwayParameters())


def test_value_errors_become_one_line_invalid_values_and_user_errors_pass() -> None:
    with pytest.raises(InvalidValueError, match=r"^first line$"), user_values():
        raise ValueError("first line\nsecond line")
    with pytest.raises(NotFoundError), user_values():
        raise NotFoundError("kept as it is")
    with pytest.raises(TypeError), user_values():
        raise TypeError("a bug keeps its traceback")
