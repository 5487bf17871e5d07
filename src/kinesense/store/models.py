"""The tables: people, and one ``records`` table for everything that happens to a person.

Each record keeps the JSON object kinesense produced (a screening, an assessment result, a plan,
a coached session, a check-in or a clinician's override) in ``payload``, beside the columns that
are searched: the person, the kind, the time it happened (UTC), a label (the test or exercise)
and, for plans, whether it is the active one. The JSON stays the source of truth, so a new field
in a result needs no migration.

Times are stored as naive UTC ``DateTime`` values (SQLite keeps no zone); the store converts
every time to UTC before writing and adds ``+00:00`` when reading.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

KINDS = ("screening", "assessment", "plan", "session", "checkin", "override")


class Base(DeclarativeBase):
    """Declarative base of the kinesense tables."""


class Person(Base):
    """Someone whose measurements and programme are kept."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Record(Base):
    """One event in a person's history, with its JSON payload."""

    __tablename__ = "records"
    __table_args__ = (Index("ix_records_person_kind_at", "person_id", "kind", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    label: Mapped[str] = mapped_column(String(100), default="", index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
