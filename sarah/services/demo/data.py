"""The demo data set in memory: people, contacts, merges, and its fingerprint."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

# --- people -------------------------------------------------------------------------------------


@dataclass
class Person:
    home: int
    sex: str
    young: bool  # age group on the day that counts (first contact of 2019-S1, else first ever)
    new_in_reference: bool = False
    first_name: str = ""
    last_name: str = ""
    birth_date: date | None = None
    visits: dict[tuple[int, int], int] = field(default_factory=dict)  # (site, stretch) -> count
    dates: dict[tuple[int, int], list[date]] = field(default_factory=dict)
    turns_26_in_reference: bool = False
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def first_date(self) -> date:
        return min(d for days in self.dates.values() for d in days)


@dataclass
class DemoContact:
    site: int
    local_date: date
    local_time: time
    entered_at: datetime
    channel: str
    person: Person | None
    services: tuple[str, ...]
    deleted_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class DemoMerge:
    survivor: Person
    absorbed_first_name: str
    merged_at: datetime
    contact: DemoContact
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    absorbed_id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class DemoData:
    people: list[Person]
    contacts: list[DemoContact]
    merges: list[DemoMerge]
    closed_days: dict[int, dict[date, str]]


def fingerprint(data: DemoData) -> str:
    """A digest of the data set's content (not of the row identifiers): equal from run to run."""
    digest = hashlib.sha256()
    for c in data.contacts:
        p = c.person
        who = "" if p is None else f"{p.last_name}|{p.first_name}|{p.sex}|{p.birth_date}|{p.home}"
        digest.update(
            f"{c.site}|{c.local_date}|{c.local_time}|{c.entered_at}|{c.channel}|"
            f"{','.join(c.services)}|{c.deleted_at}|{who}\n".encode()
        )
    for m in data.merges:
        digest.update(f"{m.survivor.last_name}|{m.absorbed_first_name}|{m.merged_at}\n".encode())
    return digest.hexdigest()
