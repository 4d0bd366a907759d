"""One person, several sites, on a PostgreSQL installation: identity.py's rules in PostgreSQL.

The choices and the rows written are those of :mod:`sarah.services.sync.identity`: the same
survivor (the smallest id), the same trace id (derived from the two ids as SQLite writes them,
32 hex digits), the same derived version (the greater revision + 1, and as writer an id
derived from the row's content, read as SQLite stores it: server_rows.sqlite_text), so that a
server and a site that make the same merge from the same rows write the same rows; a contact
that follows its record, the same followed version (identity.followed_writer).
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from sarah import schema
from sarah.services.sync.identity import AGENT, SAME_PERSON, PersonMerge, followed_writer
from sarah.services.sync.server_rows import sqlite_text
from sarah.services.visitors import profile_json

_TABLES = {"visitors": schema.visitors, "visitor_merges": schema.visitor_merges}


def _trace_id(m: PersonMerge) -> uuid.UUID:
    return uuid.uuid5(SAME_PERSON, f"{m.survivor}:{m.absorbed}")


def same_people(pg: Any) -> list[PersonMerge]:
    """identity.same_people: live records of one person made at more than one site (ids as
    32 hex digits, as identity.py compares and derives them)."""
    groups = pg.execute(
        "SELECT array_agg(id ORDER BY id) FROM visitors "
        "WHERE deleted_at IS NULL AND merged_into_id IS NULL AND birth_date IS NOT NULL "
        "AND search_key <> '' GROUP BY search_key, birth_date "
        "HAVING count(*) > 1 AND count(DISTINCT coalesce(origin_site_id::text, '')) > 1"
    ).fetchall()
    undone = {
        row[0]
        for row in pg.execute(
            "SELECT id FROM visitor_merges WHERE deleted_at IS NOT NULL AND agent = %s", (AGENT,)
        )
    }
    merges: list[PersonMerge] = []
    for (ids,) in groups:
        survivor, *others = sorted(i.hex for i in ids)
        merges.extend(
            PersonMerge(survivor, other)
            for other in others
            if _trace_id(PersonMerge(survivor, other)) not in undone
        )
    return merges


def _physical_columns(pg: Any, table: str) -> list[str]:
    return [
        str(r[0])
        for r in pg.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND table_schema = current_schema() ORDER BY ordinal_position",
            (table,),
        )
    ]


def _stamp_derived(pg: Any, table: str, row_id: uuid.UUID, revision: int) -> None:
    kept = [
        c for c in _physical_columns(pg, table) if c not in ("revision", "changed_by", "updated_at")
    ]
    exprs = ", ".join(sqlite_text(_TABLES[table].c[c]) for c in kept)
    content = pg.execute(f"SELECT {exprs} FROM {table} WHERE id = %s", (row_id,)).fetchone()
    writer = uuid.uuid5(SAME_PERSON, json.dumps([table, *content], default=str))
    pg.execute(
        f"UPDATE {table} SET revision = %s, changed_by = %s WHERE id = %s",
        (revision, writer, row_id),
    )


def _profile(row: tuple[str, str, str | None, date | None]) -> str:
    last, first, sex, born = row
    return profile_json(last, first, sex, born.isoformat() if born else None)


def _merge_one(pg: Any, m: PersonMerge) -> None:
    survivor, absorbed = uuid.UUID(m.survivor), uuid.UUID(m.absorbed)
    pair = (survivor, absorbed)
    (revision,) = pg.execute(
        "SELECT max(revision) + 1 FROM visitors WHERE id IN (%s, %s)", pair
    ).fetchone()
    fields = "last_name, first_name, sex, birth_date"
    survivor_before = _profile(
        pg.execute(f"SELECT {fields} FROM visitors WHERE id = %s", (survivor,)).fetchone()
    )
    absorbed_profile = _profile(
        pg.execute(f"SELECT {fields} FROM visitors WHERE id = %s", (absorbed,)).fetchone()
    )
    moving = pg.execute(
        "SELECT id, deleted_at FROM contacts WHERE visitor_id = %s", (absorbed,)
    ).fetchall()
    moved_ids = sorted(str(cid) for cid, _deleted in moving)
    live = sum(1 for _cid, deleted in moving if deleted is None)
    # The contacts move in follow_merges, right after, each with its followed version.
    (merged_at,) = pg.execute(
        "SELECT max(created_at) FROM visitors WHERE id IN (%s, %s)", pair
    ).fetchone()
    pg.execute(
        "UPDATE visitors SET sex = coalesce(sex, (SELECT sex FROM visitors WHERE id = %s)), "
        "birth_date = coalesce(birth_date, (SELECT birth_date FROM visitors WHERE id = %s)) "
        "WHERE id = %s",
        (absorbed, absorbed, survivor),
    )
    pg.execute(
        "UPDATE visitors SET merged_into_id = %s, deleted_at = %s WHERE id = %s",
        (survivor, merged_at, absorbed),
    )
    trace = _trace_id(m)
    pg.execute(
        "INSERT INTO visitor_merges (id, survivor_id, absorbed_id, merged_at, moved_contacts, "
        "absorbed_profile, survivor_profile, moved_contact_ids, agent, origin_site_id, revision, "
        "changed_by, created_at, updated_at, deleted_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, NULL, 0, NULL, %s, %s, NULL) "
        "ON CONFLICT (id) DO UPDATE SET merged_at = excluded.merged_at, "
        "moved_contacts = excluded.moved_contacts, absorbed_profile = excluded.absorbed_profile, "
        "survivor_profile = excluded.survivor_profile, "
        "moved_contact_ids = excluded.moved_contact_ids, deleted_at = NULL",
        (
            trace,
            survivor,
            absorbed,
            merged_at,
            live,
            absorbed_profile,
            survivor_before,
            json.dumps(moved_ids),
            AGENT,
            merged_at,
            merged_at,
        ),
    )
    for table, row_id in (
        ("visitors", survivor),
        ("visitors", absorbed),
        ("visitor_merges", trace),
    ):
        _stamp_derived(pg, table, row_id, revision)
    pg.execute("UPDATE installation SET clock = greatest(clock, %s)", (revision,))


def follow_merges(pg: Any) -> int:
    """Contacts still on a merged record move to the record kept (through chains of merges),
    each with identity.followed_writer's version (the same row a site writes), in one UPDATE
    (one run of the statement triggers)."""
    strays = pg.execute(
        "WITH RECURSIVE chain(id, kept) AS ("
        " SELECT id, merged_into_id FROM visitors WHERE merged_into_id IS NOT NULL"
        " UNION SELECT c.id, v.merged_into_id FROM chain c JOIN visitors v ON v.id = c.kept"
        " WHERE v.merged_into_id IS NOT NULL),"
        " kept_record AS (SELECT id, kept FROM chain WHERE kept IN (SELECT id FROM visitors"
        " WHERE merged_into_id IS NULL))"
        " SELECT c.id, c.changed_by, k.kept FROM contacts c JOIN kept_record k"
        " ON c.visitor_id = k.id"
    ).fetchall()
    if not strays:
        return 0
    writers = [
        uuid.UUID(followed_writer(by.hex if by else None, kept.hex)) for _cid, by, kept in strays
    ]
    pg.execute(
        "UPDATE contacts SET visitor_id = f.kept, changed_by = f.writer "
        "FROM unnest(%s::uuid[], %s::uuid[], %s::uuid[]) AS f(id, kept, writer) "
        "WHERE contacts.id = f.id",
        ([cid for cid, _by, _kept in strays], [kept for _cid, _by, kept in strays], writers),
    )
    return len(strays)


def make_people_one(pg: Any) -> int:
    merges = same_people(pg)
    for m in merges:
        _merge_one(pg, m)
    follow_merges(pg)
    return len(merges)
