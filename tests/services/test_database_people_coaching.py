"""The database service (status, upgrade), people, and coaching's checks before any work."""

from pathlib import Path

import pytest
from sqlalchemy import text

from kinesense.errors import InvalidValueError, NotFoundError, OutputFileError, SafetyError
from kinesense.services.coaching import CoachingRequest, check_request, prepare
from kinesense.services.database import database_status, open_store, upgrade_database
from kinesense.services.people import add_person, find_person, list_people
from kinesense.services.plans import PlanRequest, make_or_show_plan
from kinesense.services.screening import run_screening
from kinesense.settings import load_settings
from kinesense.store import Store, StoreError
from kinesense.store.engine import make_engine


def test_status_and_upgrade(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'k.db'}")
    assert database_status(settings).state == "empty"
    before, after = upgrade_database(settings)
    assert (before.state, after.state) == ("empty", "current")
    assert after.revision == after.head
    again, _ = upgrade_database(settings)
    assert again.state == "current"
    with open_store(settings) as store:
        assert list_people(store) == []
    engine = make_engine(settings.database)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'future'"))
    engine.dispose()
    assert database_status(settings).state == "newer"
    with pytest.raises(StoreError, match="newer kinesense"):
        upgrade_database(settings)


def test_people(store: Store) -> None:
    first = add_person(store, "Ann", birth_year=1980)
    second = add_person(store, " Ann ")
    assert second.namesakes == (first.person,)
    assert find_person(store, "2") == second.person
    with pytest.raises(StoreError, match="several people are called 'Ann'"):
        find_person(store, "Ann")
    with pytest.raises(NotFoundError):
        find_person(store, "99")
    assert [p.id for p in list_people(store)] == [1, 2]


@pytest.mark.parametrize(
    ("request_", "error", "message"),
    [
        (CoachingRequest("squat"), InvalidValueError, "either --video FILE or --camera N"),
        (CoachingRequest("squat", video=Path("a.mp4"), camera="0"), InvalidValueError, "either"),
        (CoachingRequest("squat", camera="0", side="up"), InvalidValueError, "--side"),
        (CoachingRequest("squat", camera="0", pain_after=11), InvalidValueError, "0 to 10"),
        (CoachingRequest("squat", video=Path("/tmp/v.mp4"), out=Path("/tmp/v.mp4")),
         OutputFileError, "is also an input"),
        (CoachingRequest("squat", camera="0", out=Path("/no/such/folder/a.mp4")),
         OutputFileError, "does not exist"),
    ],
)  # fmt: skip
def test_coaching_options_are_checked_first(
    request_: CoachingRequest, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        check_request(request_)


def test_coaching_is_prepared_at_the_plans_dose_after_the_screening(store: Store) -> None:
    add_person(store, "Ann")
    request = CoachingRequest("glute_bridge", camera="0", person="Ann")
    with pytest.raises(SafetyError, match="not been screened"):
        prepare(request, store)
    run_screening({}, store=store, person="Ann")
    assert prepare(request, store).dose is None  # no plan yet: the library's dose
    plan = make_or_show_plan(store, "Ann", PlanRequest()).plan
    planned = next(e for e in plan.exercises() if e.exercise_id == "glute_bridge")
    prepared = prepare(request, store)
    assert prepared.dose == planned
    assert (prepared.exercise.dose.sets, prepared.exercise.dose.reps) == (
        planned.sets,
        planned.reps,
    )
    with pytest.raises(NotFoundError, match="did you mean glute_bridge"):
        prepare(CoachingRequest("glute_brige", camera="0", person="Ann"), store)
