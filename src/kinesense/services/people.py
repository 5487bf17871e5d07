"""The people whose history is kept: add, find, list.

A reference to a person made only of digits is always an id; anything else is an exact name. A
name made only of digits is refused when the person is added, so that no name can hide an id.
"""

from dataclasses import dataclass
from datetime import date

from kinesense.program.records import Person
from kinesense.store import Store


@dataclass(frozen=True)
class AddedPerson:
    """A person just added, and the people who already had the same name."""

    person: Person
    namesakes: tuple[Person, ...]


def add_person(
    store: Store, name: str, *, birth_year: int | None = None, notes: str = ""
) -> AddedPerson:
    """Add a person; names may repeat (the namesakes are returned so a front end can say so)."""
    with store.transaction() as unit:
        others = tuple(p for p in unit.people() if p.name == name.strip())
        person = unit.add_person(name, birth_year=birth_year, notes=notes)
    return AddedPerson(person, others)


def find_person(store: Store, ref: str | int) -> Person:
    """A person by id or exact name (:class:`~kinesense.errors.NotFoundError` if none)."""
    with store.transaction(write=False) as unit:
        return unit.person(ref)


def list_people(store: Store) -> list[Person]:
    """Everyone, in the order they were added."""
    with store.transaction(write=False) as unit:
        return unit.people()


def age_this_year(person: Person, today: date) -> int | None:
    """The age (years) the person reaches this year, from their birth year (None if unknown):
    at most a year more than their age today, which the age-group references tolerate."""
    return today.year - person.birth_year if person.birth_year else None
