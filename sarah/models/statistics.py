"""The derived tables of the statistics (sarah.schema says what they hold and why)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Mapped

from sarah import schema
from sarah.models.base import Base


class StatPerson(Base):
    """A visitor's number, and the profile fields the tables need (current profile)."""

    __table__ = schema.stat_persons

    no: Mapped[int]
    visitor_id: Mapped[uuid.UUID]
    sex: Mapped[str | None]
    birth_day: Mapped[int | None]


class StatVisit(Base):
    """Live contacts of one person at one site on one day."""

    __table__ = schema.stat_visits

    site_id: Mapped[uuid.UUID]
    day: Mapped[int]
    person_no: Mapped[int]
    n: Mapped[int]


class StatFirst(Base):
    """The first day a person came to a site (kept from stat_visits)."""

    __table__ = schema.stat_firsts

    person_no: Mapped[int]
    site_id: Mapped[uuid.UUID]
    first_day: Mapped[int]


class StatSemesterPerson(Base):
    """A person's first day of a semester at a site, with what tables 3 and 4 count (PostgreSQL)."""

    __table__ = schema.stat_semester_people

    semester: Mapped[int]
    site_id: Mapped[uuid.UUID]
    person_no: Mapped[int]
    first_day: Mapped[int]
    age_years: Mapped[int | None]
    sex: Mapped[str | None]
    is_new: Mapped[bool]


class StatSemesterNetworkPerson(Base):
    """A person's first day of a semester at any site (the network's total row, PostgreSQL)."""

    __table__ = schema.stat_semester_network_people

    semester: Mapped[int]
    person_no: Mapped[int]
    first_day: Mapped[int]
    age_years: Mapped[int | None]
    sex: Mapped[str | None]
    is_new: Mapped[bool]


class StatDay(Base):
    """Live contacts of one site on one day: by channel, anonymous, without any service."""

    __table__ = schema.stat_days

    site_id: Mapped[uuid.UUID]
    day: Mapped[int]
    physique: Mapped[int]
    telephone: Mapped[int]
    anonymous: Mapped[int]
    no_service: Mapped[int]


class StatDayService(Base):
    """Live contacts of one site on one day that delivered one service."""

    __table__ = schema.stat_day_services

    site_id: Mapped[uuid.UUID]
    day: Mapped[int]
    service_id: Mapped[uuid.UUID]
    n: Mapped[int]
