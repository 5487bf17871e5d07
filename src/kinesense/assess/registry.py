"""The one registry of assessments, used by the planner, the reports and the store.

Every test of the battery is an :class:`~kinesense.assess.spec.AssessmentSpec` (its name,
title, chart family, accepted recordings, frozen parameters, the views and body positions each
result needs, and ``run``); the entries are in :mod:`kinesense.assess.catalogue_balance` and
:mod:`kinesense.assess.catalogue_movement`. Other layers look tests up here, never by reading
test names as strings:

* :func:`get_assessment` and :func:`assessment_names`: the registered tests;
* :func:`spec_for_result`: the test that gives a result name (``"mobility-waiters-bow"`` ->
  the forward-bend test), aliases of older results included;
* :func:`title_of` and :func:`family_of`: a result's title and chart family;
* :func:`assessment_of` and :func:`current_result_name`: which test gave a stored result, and
  the name it gives such results today.

A result is computed with ``get_assessment(name).assess(inputs, params)`` (or the service
:func:`kinesense.services.assessments.run_assessment`), which checks the preconditions first.
"""

from collections.abc import Mapping
from functools import cache
from typing import Any

from kinesense.assess.catalogue_balance import BALANCE_SPECS
from kinesense.assess.catalogue_movement import MOVEMENT_SPECS
from kinesense.assess.spec import AssessmentSpec, Family
from kinesense.errors import NotFoundError

AnySpec = AssessmentSpec[Any, Any]


@cache
def _registry() -> Mapping[str, AnySpec]:
    specs: tuple[AnySpec, ...] = (*BALANCE_SPECS, *MOVEMENT_SPECS)
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise RuntimeError(f"two assessments share a name: {names}")
    return {spec.name: spec for spec in specs}


@cache
def _by_result() -> Mapping[str, AnySpec]:
    index: dict[str, AnySpec] = {}
    for spec in _registry().values():
        for name in (*(r.result for r in spec.results), *spec.aliases):
            if name in index and index[name] is not spec:
                raise RuntimeError(f"result name {name!r} belongs to two assessments")
            index[name] = spec
    return index


def assessment_names() -> tuple[str, ...]:
    """The names of the registered tests, in battery order."""
    return tuple(_registry())


def get_assessment(name: str) -> AnySpec:
    """The test called ``name``; :class:`NotFoundError` lists the names when there is none."""
    try:
        return _registry()[name]
    except KeyError:
        raise NotFoundError(
            f"no assessment called {name!r}; the assessments are: {', '.join(_registry())}"
        ) from None


def result_names() -> tuple[str, ...]:
    """Every result name a registered test can give (aliases of older results left out)."""
    return tuple(r.result for spec in _registry().values() for r in spec.results)


def spec_for_result(result_test_name: str) -> AnySpec:
    """The test that gives results named ``result_test_name`` (``"mobility-flexion"`` ->
    mobility, ``"single-leg-stance"`` -> stance); a test's own name works too. Raises
    :class:`NotFoundError` for a name no test gives."""
    spec = _by_result().get(result_test_name) or _registry().get(result_test_name)
    if spec is None:
        raise NotFoundError(f"no assessment gives results named {result_test_name!r}")
    return spec


def assessment_of(result_test_name: str) -> str | None:
    """The name of the test that gives results named ``result_test_name`` (see
    :func:`spec_for_result`), or None for a name no registered test gives."""
    spec = _by_result().get(result_test_name) or _registry().get(result_test_name)
    return spec.name if spec is not None else None


def current_result_name(result_test_name: str) -> str:
    """The name a result is given today: an older alias (``"single-leg-stance"``) becomes its
    test's one result name (``"stance"``); any other name is returned as it is."""
    spec = _by_result().get(result_test_name)
    if spec is None or result_test_name not in spec.aliases or len(spec.results) != 1:
        return result_test_name
    return spec.results[0].result


def title_of(test: str) -> str:
    """The plain title of a result or test name (``"stance"`` -> ``"Single-leg stance"``,
    ``"mobility-flexion"`` -> ``"Mobility (range of motion): flexion"``); a name no test gives
    is shown capitalised, with its separators as spaces."""
    spec = _by_result().get(test)
    if spec is not None:
        return spec.requirements(test).title
    if test in _registry():
        return _registry()[test].title
    return test.replace("_", " ").replace("-", " ").capitalize()


def family_of(test: str) -> Family | None:
    """The chart family of a result or test name, or None for a name no test gives."""
    spec = _by_result().get(test) or _registry().get(test)
    return spec.family if spec is not None else None
