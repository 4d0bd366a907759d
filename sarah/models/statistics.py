"""Derived tables that make the semester tables fast on SQLite (docs/statistiques.md).

They hold nothing a user typed: every row is a sum over live contacts, kept up to date inside
the same transaction as the change by SQLite triggers (migration 0002), whatever program path
wrote the contact (desk, import, sync, merge, demo). They can be rebuilt from the contacts at
any time (``sarah.services.statistics.upkeep.rebuild_statistics``). On PostgreSQL the report
aggregates the contacts directly and these tables stay empty.

Days are integers YYYYMMDD, people are small integers (``stat_persons.no``): sorting and
grouping integers is what makes a 1,000,000-contact semester fast.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Index, Integer, PrimaryKeyConstraint, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from sarah.models.base import Base


class StatPerson(Base):
    """A visitor's number, and the profile fields the tables need (current profile)."""

    __tablename__ = "stat_persons"

    no: Mapped[int] = mapped_column(Integer, primary_key=True)
    visitor_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    sex: Mapped[str | None] = mapped_column(String(1), default=None)
    birth_day: Mapped[int | None] = mapped_column(Integer, default=None)


class StatVisit(Base):
    """Live contacts of one person at one site on one day."""

    __tablename__ = "stat_visits"
    __table_args__ = (
        PrimaryKeyConstraint("site_id", "day", "person_no"),
        # "Did this person come before the period (at this site / at any selected site)?"
        Index("ix_stat_visits_person_day", "person_no", "day", "site_id"),
        {"sqlite_with_rowid": False},
    )

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    day: Mapped[int] = mapped_column(Integer)
    person_no: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)


class StatDay(Base):
    """Live contacts of one site on one day: by channel, anonymous, without any service."""

    __tablename__ = "stat_days"
    __table_args__ = (PrimaryKeyConstraint("site_id", "day"), {"sqlite_with_rowid": False})

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    day: Mapped[int] = mapped_column(Integer)
    physique: Mapped[int] = mapped_column(Integer)
    telephone: Mapped[int] = mapped_column(Integer)
    anonymous: Mapped[int] = mapped_column(Integer)
    no_service: Mapped[int] = mapped_column(Integer)


class StatDayService(Base):
    """Live contacts of one site on one day that delivered one service."""

    __tablename__ = "stat_day_services"
    __table_args__ = (
        PrimaryKeyConstraint("site_id", "day", "service_id"),
        {"sqlite_with_rowid": False},
    )

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    day: Mapped[int] = mapped_column(Integer)
    service_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    n: Mapped[int] = mapped_column(Integer)
