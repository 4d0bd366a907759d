"""The per-site revision counter that orders changes for sync (PC clocks drift, counters do not)."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, update
from sqlalchemy.orm import Session

from sarah.models import Site


def next_revision(bind: Session | Connection, site_id: uuid.UUID) -> int:
    """Bump the site's counter inside the caller's transaction and return the new value."""
    stmt = (
        update(Site)
        .where(Site.id == site_id)
        .values(last_revision=Site.last_revision + 1)
        .returning(Site.last_revision)
    )
    value = bind.execute(stmt).scalar_one()
    return int(value)
