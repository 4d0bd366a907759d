"""What changed in a closed period since its publication, contact by contact.

Today's contacts of the period are fingerprinted as at closing and compared with the snapshot
kept then: a contact counted today and not then was added (a late sheet, a site's package), one
counted then and not today was deleted (or moved out of the period or the sites), one counted
both times with another fingerprint was changed (its services, its person after a merge, that
person's sex…). A selection of sites compares its own share of the snapshot.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, String, cast, select

from sarah.db import read_connection
from sarah.reports.publication import ChangedContact, ChangesSincePublished, Publication
from sarah.schema import contacts, published_contacts, sites
from sarah.services.closing.fingerprints import contact_fingerprints

CHUNK = 5000  # ids per IN (…): well under SQLite's and PostgreSQL's parameter limits


def changed_contact_ids(
    conn: Connection, publication: Publication, site_ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, str], int]:
    """Contact id → "added", "changed" or "deleted" since the publication, for the sites; and
    how many contacts the period counts there today."""
    now = contact_fingerprints(conn, publication.period, site_ids)
    then = {
        cid: fp
        for cid, fp in conn.execute(
            select(
                cast(published_contacts.c.contact_id, String), published_contacts.c.fingerprint
            ).where(
                published_contacts.c.period_id == publication.id,
                published_contacts.c.site_id.in_(list(site_ids)),
            )
        )
    }
    out: dict[uuid.UUID, str] = {}
    for cid, (_site, fp) in now.items():
        before = then.get(cid)
        if before is None:
            out[uuid.UUID(cid)] = "added"
        elif before != fp:
            out[uuid.UUID(cid)] = "changed"
    for cid in then.keys() - now.keys():
        out[uuid.UUID(cid)] = "deleted"
    return out, len(now)


def changes_since_published(
    engine: Engine, publication: Publication, site_ids: Sequence[uuid.UUID]
) -> ChangesSincePublished:
    """Contacts counted today against those published, for the selected sites, with the list
    of contacts added, changed and deleted (in date order)."""
    ids = list(site_ids)
    with read_connection(engine) as conn:
        kinds, now = changed_contact_ids(conn, publication, ids)
        listed = list(kinds)
        rows: list[Any] = []
        for first in range(0, len(listed), CHUNK):
            rows += conn.execute(
                select(
                    contacts.c.id,
                    sites.c.name,
                    contacts.c.local_date,
                    contacts.c.local_time,
                    contacts.c.channel,
                )
                .join(sites, sites.c.id == contacts.c.site_id)
                .where(contacts.c.id.in_(listed[first : first + CHUNK]))
            ).all()
    rows.sort(key=lambda r: (r.local_date, r.local_time, r.id))
    changed = [ChangedContact(r.id, kinds[r.id], r.name, r.local_date, r.channel) for r in rows]
    return ChangesSincePublished(publication, ids, now, changed)
