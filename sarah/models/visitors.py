from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from sarah.models.base import Base, Travelling

SEXES = ("F", "H")  # None = not given ("non renseigné")


class Visitor(Travelling, Base):
    """A person who came or called (a "public")."""

    __tablename__ = "visitors"
    __table_args__ = (
        CheckConstraint("sex IS NULL OR sex IN ('F', 'H')", name="sex"),
        Index("ix_visitors_search_key", "search_key"),
        Index("ix_visitors_birth_date", "birth_date"),
    )

    last_name: Mapped[str] = mapped_column(String(120))
    first_name: Mapped[str] = mapped_column(String(120), default="")
    sex: Mapped[str | None] = mapped_column(String(1), default=None)
    birth_date: Mapped[date | None] = mapped_column(Date, default=None)
    # "dupont jean": case, accents and extra spaces folded (sarah.services.text.fold_name)
    search_key: Mapped[str] = mapped_column(String(250), default="")
    # Set on the absorbed record when two records of one person are merged.
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("visitors.id"), default=None
    )


class VisitorMerge(Travelling, Base):
    """Trace of a merge: which record absorbed which, what both looked like, which contacts moved.

    Undoing the merge tombstones its trace (``deleted_at``) with a new revision.
    """

    __tablename__ = "visitor_merges"

    survivor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("visitors.id"))
    absorbed_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("visitors.id"))
    merged_at: Mapped[datetime] = mapped_column(DateTime)
    moved_contacts: Mapped[int] = mapped_column(Integer)
    absorbed_profile: Mapped[str] = mapped_column(Text)  # JSON snapshot of the absorbed record
    agent: Mapped[str | None] = mapped_column(String(120), default=None)
    # What undoing the merge needs (migration 0003; NULL for merges recorded before it):
    # JSON list of the ids of the contacts moved, JSON snapshot of the survivor before the merge.
    moved_contact_ids: Mapped[str | None] = mapped_column(Text, default=None)
    survivor_profile: Mapped[str | None] = mapped_column(Text, default=None)
