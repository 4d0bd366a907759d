from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sarah.models.base import Base, Travelling


class Site(Travelling, Base):
    """A Point Relais."""

    __tablename__ = "sites"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Per-site revision counter: bumped by each write transaction made at this site.
    last_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ClosedDay(Travelling, Base):
    """A weekday the site was closed on purpose (so the gap alert stays quiet about it)."""

    __tablename__ = "closed_days"
    __table_args__ = (UniqueConstraint("site_id", "day"),)

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(200), default=None)
