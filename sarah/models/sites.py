from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Mapped

from sarah import schema
from sarah.models.base import Base, Travelling


class Site(Travelling, Base):
    """A Point Relais."""

    __table__ = schema.sites

    name: Mapped[str]
    position: Mapped[int]
    last_revision: Mapped[int]


class ClosedDay(Travelling, Base):
    """A weekday the site was closed on purpose (so the gap alert stays quiet about it)."""

    __table__ = schema.closed_days

    site_id: Mapped[uuid.UUID]
    day: Mapped[date]
    reason: Mapped[str | None]
