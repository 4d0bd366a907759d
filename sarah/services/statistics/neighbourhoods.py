"""Table 3's people by neighbourhood of residence, computed by the database.

The people are table 3's (statistics.md, "Neighbourhood of residence"): read from stat_visits
(a person's days at a site, integer keys) like the age bands, so a site row and the total row
are two grouped queries over the period's visits. A person's neighbourhood is their record's
today; an erased identity's is the one its contacts kept at the erasure.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, and_, case, func, select

from sarah.db import read_connection
from sarah.reports.neighbourhoods import NeighbourhoodCounts, NeighbourhoodTable, Place
from sarah.reports.tables import Period
from sarah.schema import neighbourhoods, visitors
from sarah.services.sites import SiteInfo
from sarah.services.statistics.sql import (
    contacts,
    day_number,
    prepare_read,
    stat_persons,
    stat_visits,
)

# (site id or None for the total row, neighbourhood id or None) -> people
_Rows = dict[tuple[uuid.UUID | None, uuid.UUID | None], int]


def neighbourhood_places(conn: Connection) -> list[Place]:
    """The list (deleted rows apart): priority neighbourhoods first, each group in its order."""
    rows = conn.execute(
        select(
            neighbourhoods.c.id,
            neighbourhoods.c.label,
            neighbourhoods.c.priority,
            neighbourhoods.c.retired,
        )
        .where(neighbourhoods.c.deleted_at.is_(None))
        .order_by(
            neighbourhoods.c.priority.desc(), neighbourhoods.c.position, neighbourhoods.c.label
        )
    ).all()
    return [
        Place(nid.hex, label, bool(priority), bool(retired))
        for nid, label, priority, retired in rows
    ]


def _residence() -> ColumnElement[Any]:
    """The person's neighbourhood: their record's; an erased one's, what its contacts kept."""
    kept = (
        select(contacts.c.neighbourhood_id)
        .where(contacts.c.visitor_id == visitors.c.id, contacts.c.neighbourhood_id.is_not(None))
        .limit(1)
        .scalar_subquery()
    )
    return case((visitors.c.erased_at.is_(None), visitors.c.neighbourhood_id), else_=kept)


def _people_by_place(conn: Connection, period: Period, site_ids: list[uuid.UUID]) -> _Rows:
    first, last = day_number(period.start), day_number(period.end)
    in_period = and_(stat_visits.c.site_id.in_(site_ids), stat_visits.c.day.between(first, last))
    out: _Rows = {}
    for with_site in (True, False):
        keys = [stat_visits.c.site_id] if with_site else []
        people = (
            select(*keys, stat_visits.c.person_no).where(in_period).distinct().subquery("people")
        )
        place = _residence().label("place")
        per_person = (
            select(*([people.c.site_id] if with_site else []), place)
            .select_from(
                people.join(stat_persons, stat_persons.c.no == people.c.person_no).join(
                    visitors, visitors.c.id == stat_persons.c.visitor_id
                )
            )
            .subquery("per_person")
        )
        columns = [per_person.c.site_id] if with_site else []
        stmt = select(*columns, per_person.c.place, func.count()).group_by(
            *columns, per_person.c.place
        )
        for row in conn.execute(stmt):
            site_id = row[0] if with_site else None
            out[(site_id, row[-2])] = int(row[-1])
    return out


def neighbourhoods_for_sites(
    engine: Engine, period: Period, chosen: Sequence[SiteInfo]
) -> NeighbourhoodTable:
    """The table of ``period`` for sites already resolved (display order kept)."""
    table = _read(engine, period, chosen, only_if_listed=False)
    assert table is not None
    return table


def neighbourhoods_if_listed(
    engine: Engine, period: Period, chosen: Sequence[SiteInfo]
) -> NeighbourhoodTable | None:
    """The same, or None where the list never held a neighbourhood (the feature off: no such
    table anywhere), known before the people are grouped."""
    return _read(engine, period, chosen, only_if_listed=True)


def _read(
    engine: Engine, period: Period, chosen: Sequence[SiteInfo], *, only_if_listed: bool
) -> NeighbourhoodTable | None:
    site_ids = [s.id for s in chosen]
    with read_connection(engine) as conn:
        prepare_read(conn)  # PostgreSQL: both queries and the list read one snapshot
        places = neighbourhood_places(conn)
        if only_if_listed and not places:
            return None
        rows = _people_by_place(conn, period, site_ids)

    def counts(key: uuid.UUID | None) -> NeighbourhoodCounts:
        out = NeighbourhoodCounts({p.key: 0 for p in places})
        for (row_key, place), n in rows.items():
            if row_key != key:
                continue
            if place is None:
                out.not_given += n
            else:
                hex_id = place.hex if isinstance(place, uuid.UUID) else uuid.UUID(str(place)).hex
                out.by_place[hex_id] = out.by_place.get(hex_id, 0) + n
        return out

    return NeighbourhoodTable(
        period=period,
        sites=[s.name for s in chosen],
        places=places,
        by_site={s.name: counts(s.id) for s in chosen},
        total=counts(None),
    )
