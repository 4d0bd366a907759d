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
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, cast, func, select

from sarah.reports.tables import Period
from sarah.schema import contact_services, contacts, visitors
from sarah.services.statistics.sql import date_number, live_in_period


def fingerprint(
    site_id: str,
    day: str,
    channel: str,
    visitor_id: str | None,
    sex: str | None,
    age: int | None,
    service_ids: Iterable[str],
) -> str:
    """The contact's fingerprint from its values as text (as the database writes them)."""
    parts = [
        site_id,
        day,
        channel,
        visitor_id or "",
        sex or "",
        "" if age is None else str(age),
        ",".join(sorted(service_ids)),
    ]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


def _text(column: ColumnElement[Any]) -> ColumnElement[str]:
    # Ids and days read as the database writes them: turning 100,000 of them into UUID and
    # date objects only to write them out again was most of a closing's time.
    return cast(column, String)


def contact_fingerprints(
    conn: Connection, period: Period, site_ids: Iterable[uuid.UUID]
) -> dict[str, tuple[str, str]]:
    """Each live contact of the period at the sites, by its id as text: its site (as text) and
    its fingerprint."""
    ids = list(site_ids)
    where = live_in_period(period, ids)
    services: dict[str, list[str]] = defaultdict(list)
    for contact_id, service_id in conn.execute(
        select(_text(contact_services.c.contact_id), _text(contact_services.c.service_id))
        .join(contacts, contacts.c.id == contact_services.c.contact_id)
        .where(where)
    ):
        services[contact_id].append(service_id)
    # Age in whole years on the contact's day, the statistics' rule (sarah.services.statistics
    # .sql.date_number); the age the contact kept once the identity was erased otherwise.
    age = func.coalesce(
        contacts.c.age_years,
        (date_number(contacts.c.local_date) - date_number(visitors.c.birth_date)) // 10000,
    )
    rows = conn.execute(
        select(
            _text(contacts.c.id),
            _text(contacts.c.site_id),
            _text(contacts.c.local_date),
            contacts.c.channel,
            _text(contacts.c.visitor_id),
            age,
            visitors.c.sex,
        )
        .outerjoin(visitors, visitors.c.id == contacts.c.visitor_id)
        .where(where)
    )
    return {
        cid: (site, fingerprint(site, day, channel, visitor, sex, years, services[cid]))
        for cid, site, day, channel, visitor, years, sex in rows
    }
