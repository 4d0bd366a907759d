"""Sites (Points Relais)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, select

from sarah import schema
from sarah.db import read_connection, write_session
from sarah.errors import InvalidInput
from sarah.services.server.retry import retry_on_conflict

if TYPE_CHECKING:  # the ORM only where a site is written: reading them is Core (fast commands)
    from sqlalchemy.orm import Session

    from sarah.models import Site


@dataclass(frozen=True)
class SiteInfo:
    id: uuid.UUID
    name: str
    position: int


def _info(site: Site) -> SiteInfo:
    return SiteInfo(id=site.id, name=site.name, position=site.position)


def list_sites(engine: Engine) -> list[SiteInfo]:
    """Live sites in display order (position, then name)."""
    t = schema.sites
    with read_connection(engine) as conn:
        rows = conn.execute(
            select(t.c.id, t.c.name, t.c.position)
            .where(t.c.deleted_at.is_(None))
            .order_by(t.c.position, t.c.name)
        ).all()
    return [SiteInfo(id=r.id, name=r.name, position=r.position) for r in rows]


def ensure_site_in(session: Session, name: str) -> Site:
    """The site called ``name`` (exact after trimming), created at the end of the list if new."""
    from sarah.models import Site

    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("Le nom du site est vide.")
    site = session.scalar(select(Site).where(Site.name == clean))
    if site is None:
        position = (session.scalar(select(func.max(Site.position))) or 0) + 1
        site = Site(id=uuid.uuid4(), name=clean, position=position)
        site.origin_site_id = site.id
        session.add(site)
        session.flush()
    elif site.deleted_at is not None:
        from sarah.services.revisions import next_revision

        site.deleted_at = None
        site.revision = next_revision(session)  # brought back: a change that travels
    return site


def ensure_site(engine: Engine, name: str) -> SiteInfo:
    """The site called ``name``, created if new; two desks creating it at the same moment get
    the same one (the second's transaction runs again and finds the first's)."""

    def attempt() -> SiteInfo:
        with write_session(engine) as s:
            return _info(ensure_site_in(s, name))

    return retry_on_conflict(attempt, what=f"le site « {' '.join(name.split())} »")


def resolve_sites(engine: Engine, names: list[str] | None) -> list[SiteInfo]:
    """The sites named (in display order), all sites when ``names`` is empty. Unknown: an error."""
    sites = list_sites(engine)
    if not names:
        return sites
    by_name = {s.name.casefold(): s for s in sites}
    unknown = [n for n in names if n.casefold() not in by_name]
    if unknown:
        known = ", ".join(s.name for s in sites) or "aucun"
        raise InvalidInput(f"Site inconnu : {', '.join(unknown)}. Sites existants : {known}.")
    wanted = {by_name[n.casefold()].id for n in names}
    return [s for s in sites if s.id in wanted]
