"""The contacts of a day at a site, as the journal lists them, and their counts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Engine, func, select

from sarah.db import read_session
from sarah.models import Contact, Service, Visitor, contact_services
from sarah.services.visitors import display_name
from sarah.vocabulary import CHANNEL_NAMES


@dataclass(frozen=True)
class JournalEntry:
    """One contact of the day, as listed in the journal."""

    id: uuid.UUID
    local_date: date
    local_time: time
    entered_at: datetime
    channel: str
    visitor_id: uuid.UUID | None
    visitor_name: str | None
    service_ids: tuple[uuid.UUID, ...]
    service_labels: tuple[str, ...]
    agent: str | None

    @property
    def channel_label(self) -> str:
        return CHANNEL_NAMES[self.channel]

    @property
    def who(self) -> str:
        if self.visitor_name:
            return self.visitor_name
        return "Appel anonyme" if self.channel == "telephone" else "Visite anonyme"

    @property
    def late_entry(self) -> bool:
        """Typed on a later day (catch-up entry)."""
        return self.entered_at.date() > self.local_date


def day_journal(engine: Engine, site_id: uuid.UUID, day: date) -> list[JournalEntry]:
    """The live contacts of ``day`` at the site, newest first."""
    with read_session(engine) as s:
        rows = s.execute(
            select(Contact, Visitor.last_name, Visitor.first_name)
            .outerjoin(Visitor, Visitor.id == Contact.visitor_id)
            .where(
                Contact.site_id == site_id,
                Contact.local_date == day,
                Contact.deleted_at.is_(None),
            )
            .order_by(Contact.local_time.desc(), Contact.entered_at.desc())
        ).all()
        ids = [r[0].id for r in rows]
        services: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {i: [] for i in ids}
        if ids:
            for contact_id, service_id, label in s.execute(
                select(contact_services.c.contact_id, Service.id, Service.label)
                .join(Service, Service.id == contact_services.c.service_id)
                .where(contact_services.c.contact_id.in_(ids))
                .order_by(Service.position)
            ):
                services[contact_id].append((service_id, label))
        out = []
        for contact, last, first in rows:
            name = display_name(last, first) if last is not None else None
            delivered = services[contact.id]
            out.append(
                JournalEntry(
                    id=contact.id,
                    local_date=contact.local_date,
                    local_time=contact.local_time,
                    entered_at=contact.entered_at,
                    channel=contact.channel,
                    visitor_id=contact.visitor_id,
                    visitor_name=name,
                    service_ids=tuple(i for i, _ in delivered),
                    service_labels=tuple(label for _, label in delivered),
                    agent=contact.agent,
                )
            )
        return out


def day_counts(engine: Engine, site_id: uuid.UUID, day: date) -> dict[str, int]:
    """Live contacts of ``day`` at the site by channel, plus 'total'."""
    with read_session(engine) as s:
        rows = s.execute(
            select(Contact.channel, func.count())
            .where(
                Contact.site_id == site_id,
                Contact.local_date == day,
                Contact.deleted_at.is_(None),
            )
            .group_by(Contact.channel)
        ).all()
    counts = {"physique": 0, "telephone": 0}
    counts.update({channel: int(n) for channel, n in rows})
    counts["total"] = counts["physique"] + counts["telephone"]
    return counts


def journal_counts(entries: Sequence[JournalEntry]) -> dict[str, int]:
    """The counts of :func:`day_counts` for a day's journal already read (no second query)."""
    counts = {"physique": 0, "telephone": 0}
    for e in entries:
        counts[e.channel] += 1
    counts["total"] = len(entries)
    return counts


def counts_text(counts: dict[str, int]) -> str:
    """'12 contacts (9 physiques, 3 au téléphone)'."""
    total = counts["total"]
    if total == 0:
        return "aucun contact"
    p, t = counts["physique"], counts["telephone"]
    return (
        f"{total} contact{'s' if total > 1 else ''} "
        f"({p} physique{'s' if p > 1 else ''}, {t} au téléphone)"
    )
