"""The ``phone_pairings`` table: one-time phone pairings (:mod:`kinesense.phone.tokens`) kept
in the database so that any web process accepts a pairing another issued. Only the token's
SHA-256 is stored; a person's pairings go with the person (``ON DELETE CASCADE``). Times are
naive UTC, as in :mod:`kinesense.store.models`."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kinesense.store.models import Base


class PairingRow(Base):
    """One pairing: its public id, whom and what it is for, and how it ended."""

    __tablename__ = "phone_pairings"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    pairing_id: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    test: Mapped[str] = mapped_column(Text)
    """The :class:`~kinesense.phone.protocols.PhoneTest` as JSON."""
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    message: Mapped[str] = mapped_column(Text)
