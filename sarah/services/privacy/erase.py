"""Erasing identities: what stays of a person once their name and birth date are gone.

docs/rgpd.md and statistics.md ("Retention, erasure and the numbers"): the person's row stays
(id, sex, contacts), their names become "", their birth date and neighbourhood NULL, ``erased_at``
is set; each of their contacts first gets ``age_years``, the age in whole years they had that
day, and their neighbourhood, which the tables read instead of the birth date and the record's
(so every table of every past period, for any age threshold, funder's age bands or the table
by neighbourhood, stays identical). The records merged into theirs are erased
with them, and the merge traces lose the profiles they kept. Every changed row takes a new
version, so the erasure travels by sync like any change (and wins there: sync/merge.py).

This module works in the caller's transaction on one batch of people; ``purge`` runs batches,
backs up before and after, and removes the backups that still hold erased identities.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    exists,
    literal,
    null,
    or_,
    select,
    update,
)

from sarah.schema import contacts, visitor_merges, visitors
from sarah.services.name_matching import derived_columns
from sarah.services.revisions import next_revision, this_installation
from sarah.services.statistics.sql import date_number
from sarah.services.visitors import profile_json

# What a merge trace keeps of an erased record: the shape an undo reads, with nothing in it.
ERASED_PROFILE = profile_json("", "", None, None)
CHUNK = 400  # ids per IN list (SQLite's bound-parameter limit is far above)


@dataclass(frozen=True)
class Erased:
    """What one erasure changed: people (the records asked for), records (with those merged
    into them), contacts given an age, merge traces emptied."""

    persons: int
    records: int
    contacts: int
    traces: int


def _chunks(ids: Sequence[uuid.UUID]) -> Iterable[list[uuid.UUID]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def with_absorbed(conn: Connection, ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    """``ids`` and every record merged into one of them, at any depth (a merge of a merge)."""
    found = list(dict.fromkeys(ids))
    seen = set(found)
    frontier = list(found)
    while frontier:
        nxt: list[uuid.UUID] = []
        for chunk in _chunks(frontier):
            for (vid,) in conn.execute(
                select(visitors.c.id).where(visitors.c.merged_into_id.in_(chunk))
            ):
                if vid not in seen:
                    seen.add(vid)
                    nxt.append(vid)
        found.extend(nxt)
        frontier = nxt
    return found


def age_years_expr(birth_date: ColumnElement[Any], on: ColumnElement[Any]) -> ColumnElement[int]:
    """Age in whole years on ``on`` of someone born on ``birth_date`` (the statistics' rule)."""
    return (date_number(on) - date_number(birth_date)) // 10000


def erase_in(conn: Connection, ids: Sequence[uuid.UUID], *, now: datetime | None = None) -> Erased:
    """Erase the identity of the records ``ids`` (and of those merged into them) inside the
    caller's write transaction. Records already erased are left alone."""
    now = (now or datetime.now()).replace(microsecond=0)
    records = with_absorbed(conn, ids)
    revision = next_revision(conn)
    me = this_installation(conn)
    stamp = {"revision": revision, "changed_by": me}
    owner = visitors.alias("owner")
    age = age_years_expr(owner.c.birth_date, contacts.c.local_date)
    # What each contact keeps of its person (the tables read it instead), where the record has
    # its source: the age that day (from the birth date), the neighbourhood; taken first,
    # while the record still has them.
    kept = (
        ("age_years", age, owner.c.birth_date),
        ("neighbourhood_id", owner.c.neighbourhood_id, owner.c.neighbourhood_id),
    )
    aged = traced = erased = 0
    for chunk in _chunks(records):
        for column, value, source in kept:
            given = conn.execute(
                update(contacts)
                .where(
                    contacts.c.visitor_id.in_(chunk),
                    contacts.c[column].is_(None),
                    exists().where(
                        owner.c.id == contacts.c.visitor_id,
                        source.is_not(None),
                    ),
                )
                .values(
                    {
                        column: select(value)
                        .where(owner.c.id == contacts.c.visitor_id)
                        .scalar_subquery(),
                        **stamp,
                    }
                )
            ).rowcount
            aged += given if column == "age_years" else 0
        traced += conn.execute(
            update(visitor_merges)
            .where(
                or_(
                    visitor_merges.c.survivor_id.in_(chunk), visitor_merges.c.absorbed_id.in_(chunk)
                ),
                or_(
                    visitor_merges.c.absorbed_profile != ERASED_PROFILE,
                    and_(
                        visitor_merges.c.survivor_profile.is_not(None),
                        visitor_merges.c.survivor_profile != ERASED_PROFILE,
                    ),
                ),
            )
            .values(
                absorbed_profile=ERASED_PROFILE,
                survivor_profile=case(  # NULL stays NULL: an old trace that had none
                    (visitor_merges.c.survivor_profile.is_(None), null()),
                    else_=literal(ERASED_PROFILE),
                ),
                **stamp,
            )
        ).rowcount
        erased += conn.execute(
            update(visitors)
            .where(visitors.c.id.in_(chunk), visitors.c.erased_at.is_(None))
            .values(
                last_name="",
                first_name="",
                birth_date=None,
                neighbourhood_id=None,
                search_key="",
                **derived_columns("", ""),
                erased_at=now,
                **stamp,
            )
        ).rowcount
    return Erased(persons=len(set(ids)), records=erased, contacts=aged, traces=traced)


def due_for_erasure(conn: Connection, cutoff: date) -> list[uuid.UUID]:
    """Records whose last contact (not deleted) is older than ``cutoff``, or that have none and
    were created before it; not yet erased. Records merged into another go with that one."""
    recent = exists().where(
        contacts.c.visitor_id == visitors.c.id,
        contacts.c.deleted_at.is_(None),
        contacts.c.local_date >= cutoff,
    )
    any_contact = exists().where(
        contacts.c.visitor_id == visitors.c.id, contacts.c.deleted_at.is_(None)
    )
    stmt = (
        select(visitors.c.id)
        .where(
            visitors.c.erased_at.is_(None),
            visitors.c.merged_into_id.is_(None),
            ~recent,
            or_(any_contact, visitors.c.created_at < datetime.combine(cutoff, datetime.min.time())),
        )
        .order_by(visitors.c.id)
    )
    return [row[0] for row in conn.execute(stmt)]


def erased_ids(conn: Connection) -> list[str]:
    """Every erased record's id as SQLite stores it (to look for them in backup files)."""
    return [
        str(row[0])
        for row in conn.exec_driver_sql("SELECT id FROM visitors WHERE erased_at IS NOT NULL")
    ]
