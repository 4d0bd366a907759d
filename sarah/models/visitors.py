from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.orm import Mapped

from sarah import schema
from sarah.models.base import Base, Travelling

SEXES = ("F", "H")  # None = not given ("non renseigné")


class Visitor(Travelling, Base):
    """A person who came or called (a "public")."""

    __table__ = schema.visitors

    last_name: Mapped[str]
    first_name: Mapped[str]
    sex: Mapped[str | None]
    birth_date: Mapped[date | None]
    search_key: Mapped[str]
    sound_key: Mapped[str]  # derived from the names (sarah.services.name_matching)
    last_sound: Mapped[str]
    first_sound: Mapped[str]
    first_key: Mapped[str]
    compound_name: Mapped[bool]
    neighbourhood_id: Mapped[uuid.UUID | None]  # where the person lives (NULL: not given)
    merged_into_id: Mapped[uuid.UUID | None]
    erased_at: Mapped[datetime | None]  # identity erased (docs/rgpd.md)


class VisitorMerge(Travelling, Base):
    """Trace of a merge: which record absorbed which, what both looked like, which contacts moved.

    Undoing the merge tombstones its trace (``deleted_at``) with a new revision.
    """

    __table__ = schema.visitor_merges

    survivor_id: Mapped[uuid.UUID]
    absorbed_id: Mapped[uuid.UUID]
    merged_at: Mapped[datetime]
    moved_contacts: Mapped[int]
    absorbed_profile: Mapped[str]
    agent: Mapped[str | None]
    moved_contact_ids: Mapped[str | None]
    survivor_profile: Mapped[str | None]
