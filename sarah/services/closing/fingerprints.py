"""What the tables read of each contact of a period, hashed: the snapshot a closing keeps.

A contact's fingerprint covers its site, day, channel, person, that person's sex and age on the
contact's day, and its services: whatever would move a number of the four tables or of the
months if it changed. The age, not the birth date, so that erasing an identity (which keeps
the age, docs/rgpd.md) changes no fingerprint, as it changes no figure.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, Connection, and_, select

from sarah.reports.tables import Period
from sarah.schema import contact_services, contacts, visitors
from sarah.services.visitors import age_on


def in_period(period: Period, site_ids: Iterable[uuid.UUID]) -> ColumnElement[bool]:
    """Live contacts of the period at the sites (the tables' rule, in Core)."""
    return and_(
        contacts.c.deleted_at.is_(None),
        contacts.c.site_id.in_(list(site_ids)),
        contacts.c.local_date >= period.start,
        contacts.c.local_date <= period.end,
    )


def fingerprint(
    site_id: uuid.UUID,
    day: date,
    channel: str,
    visitor_id: uuid.UUID | None,
    sex: str | None,
    age: int | None,
    service_ids: Iterable[uuid.UUID],
) -> str:
    parts = [
        site_id.hex,
        day.isoformat(),
        channel,
        visitor_id.hex if visitor_id else "",
        sex or "",
        "" if age is None else str(age),
        ",".join(sorted(s.hex for s in service_ids)),
    ]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


def contact_fingerprints(
    conn: Connection, period: Period, site_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, tuple[uuid.UUID, str]]:
    """Each live contact of the period at the sites: its site and its fingerprint."""
    ids = list(site_ids)
    where = in_period(period, ids)
    services: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for contact_id, service_id in conn.execute(
        select(contact_services.c.contact_id, contact_services.c.service_id)
        .join(contacts, contacts.c.id == contact_services.c.contact_id)
        .where(where)
    ):
        services[contact_id].append(service_id)
    rows = conn.execute(
        select(
            contacts.c.id,
            contacts.c.site_id,
            contacts.c.local_date,
            contacts.c.channel,
            contacts.c.visitor_id,
            contacts.c.age_years,
            visitors.c.sex,
            visitors.c.birth_date,
        )
        .outerjoin(visitors, visitors.c.id == contacts.c.visitor_id)
        .where(where)
    )
    out: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
    for cid, site_id, day, channel, visitor_id, kept_age, sex, birth in rows:
        age = age_on(birth, day) if birth is not None else kept_age
        out[cid] = (
            site_id,
            fingerprint(site_id, day, channel, visitor_id, sex, age, services[cid]),
        )
    return out
