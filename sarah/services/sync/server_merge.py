"""Merging a package into a PostgreSQL installation: the rules of merge.py in PostgreSQL's SQL.

The same rules, the same plan, the same counts (sarah.services.sync.merge says why each one
is there); what differs is the dialect and one order. The package's rows are in the TEMP
tables ``pkg_<table>`` (server_rows), the plan in TEMP tables dropped at COMMIT. SQLite checks
foreign keys at COMMIT (``defer_foreign_keys``); PostgreSQL checks SARAH's at the end of each
statement, so the package's sites are written before this installation's rows are pointed at
the ones kept, and every other table after. Every write is an ordinary INSERT, UPDATE or
DELETE: the statistics triggers see each change (no trigger is ever set aside here).

Versions compare as on SQLite: ids are compared as uuids (the order of their hex digits), a
missing writer as the nil uuid (before any other, as '' is on SQLite).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Table

from sarah import schema
from sarah.services.name_matching import DERIVED_COLUMNS, derived_columns
from sarah.services.privacy.erase import ERASED_PROFILE
from sarah.services.sync.container import columns
from sarah.services.sync.merge import SITE_COLUMNS, VERSIONED, MergeCounts

NIL = "'00000000-0000-0000-0000-000000000000'::uuid"


def _version(alias: str) -> str:
    return f"({alias}.revision, coalesce({alias}.changed_by, {NIL}))"


def _renamed(alias: str) -> str:
    """``name ~1a2b3c4d``: a site made one with another, kept under its own id."""
    return f"{alias}.name || ' ~' || substr({alias}.id::text, 1, 8)"


def _is_renamed(alias: str) -> str:
    return f"right({alias}.name, 10) = ' ~' || substr({alias}.id::text, 1, 8)"


def _count(pg: Any, sql: str, params: tuple[object, ...] | None = None) -> int:
    return int(pg.execute(sql, params).fetchone()[0])


def _site_map(pg: Any) -> int:
    pg.execute(
        "CREATE TEMP TABLE site_map (loser uuid PRIMARY KEY, canonical uuid NOT NULL) "
        "ON COMMIT DROP"
    )
    pg.execute(
        "INSERT INTO site_map (loser, canonical) SELECT greatest(p.id, m.id), least(p.id, m.id) "
        "FROM pkg_sites p JOIN sites m ON m.name = p.name AND m.id <> p.id "
        "ON CONFLICT DO NOTHING"
    )
    pg.execute(
        "INSERT INTO site_map (loser, canonical) SELECT m.id, k.id FROM sites m JOIN sites k "
        "ON m.name = k.name || ' ~' || substr(m.id::text, 1, 8) AND k.id < m.id "
        "ON CONFLICT DO NOTHING"
    )
    return _count(
        pg,
        "SELECT count(*) FROM site_map s WHERE NOT EXISTS (SELECT 1 FROM sites x "
        f"WHERE x.id = s.loser AND {_is_renamed('x')})",
    )


def _mapped(col: str, alias: str = "p") -> str:
    return f"coalesce((SELECT canonical FROM site_map WHERE loser = {alias}.{col}), {alias}.{col})"


def _select_list(table: Table) -> str:
    out = []
    for col in columns(table):
        if col in SITE_COLUMNS:
            out.append(_mapped(col))
        elif table is schema.sites and col == "name":
            out.append(
                f"CASE WHEN p.id IN (SELECT loser FROM site_map) THEN {_renamed('p')} "
                "ELSE p.name END"
            )
        elif table is schema.sites and col == "deleted_at":
            out.append(
                "CASE WHEN p.id IN (SELECT loser FROM site_map) "
                "THEN coalesce(p.deleted_at, p.created_at) ELSE p.deleted_at END"
            )
        else:
            out.append(f'p."{col}"')
    return ", ".join(out)


_OLDER_UNVERSIONED = (
    "(p.changed_by IS NULL AND m.changed_by IS NULL AND p.revision = m.revision "
    "AND (p.created_at, p.updated_at) < (m.created_at, m.updated_at))"
)
_ERASURE_WINS = "(p.erased_at IS NOT NULL AND m.erased_at IS NULL)"
_ERASURE_KEPT = "(m.erased_at IS NOT NULL AND p.erased_at IS NULL)"


def _winners(pg: Any, table: Table, counts: MergeCounts) -> None:
    name = table.name
    newer = f"({_version('p')} > {_version('m')} OR {_OLDER_UNVERSIONED})"
    if table is schema.visitors:
        newer = f"({_ERASURE_WINS} OR (NOT {_ERASURE_KEPT} AND {newer}))"
    pg.execute(
        f"CREATE TEMP TABLE won_{name} ON COMMIT DROP AS SELECT p.id AS id, "
        f"m.id IS NULL AS is_new FROM pkg_{name} p LEFT JOIN {name} m ON m.id = p.id "
        f"WHERE m.id IS NULL OR {newer}"
    )
    pg.execute(f"CREATE UNIQUE INDEX ON won_{name} (id)")
    pg.execute(f"ANALYZE won_{name}")
    new, updated = pg.execute(
        f"SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new) FROM won_{name}"
    ).fetchone()
    counts.new[name], counts.updated[name] = int(new), int(updated)


def _both_sides(pg: Any, highest: dict[str, int], me: uuid.UUID) -> int:
    nil = uuid.UUID(int=0)
    seen_here: dict[uuid.UUID, int] = {}
    for table in VERSIONED:
        for by, top in pg.execute(
            f"SELECT changed_by, max(revision) FROM {table.name} GROUP BY changed_by"
        ):
            key = by or nil
            seen_here[key] = max(seen_here.get(key, 0), int(top))
    for by, top in pg.execute("SELECT writer, top FROM sync_seen"):
        seen_here[by] = max(seen_here.get(by, 0), int(top))
    pg.execute(
        "CREATE TEMP TABLE seen_here (by uuid PRIMARY KEY, top integer NOT NULL) ON COMMIT DROP"
    )
    with pg.cursor() as cursor:
        cursor.executemany("INSERT INTO seen_here VALUES (%s, %s)", list(seen_here.items()))
    known_of_me = int(highest.get(me.hex, 0))
    total = 0
    for table in VERSIONED:
        total += _count(
            pg,
            f"SELECT count(*) FROM pkg_{table.name} p JOIN {table.name} m ON m.id = p.id "
            f"WHERE {_version('p')} <> {_version('m')} AND m.changed_by = %s "
            f"AND m.revision > %s AND coalesce(p.changed_by, {NIL}) <> %s AND p.revision > "
            f"coalesce((SELECT top FROM seen_here WHERE by = coalesce(p.changed_by, {NIL})), 0)",
            (me, known_of_me, me),
        )
    return total


def _remember_writers(pg: Any) -> None:
    changes = " UNION ALL ".join(
        f"SELECT changed_by, revision FROM pkg_{t.name} WHERE changed_by IS NOT NULL"
        for t in VERSIONED
    )
    pg.execute(
        f"INSERT INTO sync_seen (writer, top) SELECT changed_by, max(revision) FROM ({changes}) "
        "AS x GROUP BY changed_by "
        "ON CONFLICT (writer) DO UPDATE SET top = greatest(sync_seen.top, excluded.top)"
    )


def plan_merge(pg: Any, highest: dict[str, int], me: uuid.UUID) -> MergeCounts:
    """:func:`sarah.services.sync.merge.plan_merge` on the server (temp tables; in the real
    tables only sync_seen, which the caller's transaction keeps or rolls back)."""
    counts = MergeCounts()
    counts.sites_made_one = _site_map(pg)
    for table in VERSIONED:
        _winners(pg, table, counts)
    counts.both_sides = _both_sides(pg, highest, me)
    _remember_writers(pg)
    return counts


def _upsert(pg: Any, table: Table) -> None:
    name, cols = table.name, [f'"{c}"' for c in columns(table)]
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != '"id"')
    pg.execute(
        f"INSERT INTO {name} ({', '.join(cols)}) "
        f"SELECT {_select_list(table)} FROM pkg_{name} p "
        f"WHERE p.id IN (SELECT id FROM won_{name}) ON CONFLICT (id) DO UPDATE SET {updates}"
    )


def _rename_sites_here(pg: Any) -> None:
    pg.execute(
        f"UPDATE sites AS s SET name = {_renamed('s')}, "
        "deleted_at = coalesce(s.deleted_at, s.created_at) "
        f"WHERE s.id IN (SELECT loser FROM site_map) AND NOT {_is_renamed('s')}"
    )


def _point_at_sites_kept(pg: Any) -> None:
    for table in VERSIONED:
        for col in SITE_COLUMNS:
            if col in table.c:
                pg.execute(
                    f"UPDATE {table.name} AS t SET {col} = s.canonical FROM site_map s "
                    f"WHERE t.{col} = s.loser"
                )


_SAME_THING = {
    "closed_days": f"m.site_id = {_mapped('site_id')} AND m.day = p.day",
    "contacts": "m.import_key = p.import_key",
}


def _drop_duplicates(pg: Any, counts: MergeCounts) -> None:
    for name, same in _SAME_THING.items():
        pg.execute(
            f"CREATE TEMP TABLE dup_{name} ON COMMIT DROP AS SELECT greatest(p.id, m.id) AS id "
            f"FROM pkg_{name} p JOIN {name} m ON {same} AND m.id <> p.id "
            f"WHERE p.id IN (SELECT id FROM won_{name})"
        )
        if name == "contacts":
            pg.execute(
                "DELETE FROM contact_services WHERE contact_id IN (SELECT id FROM dup_contacts)"
            )
        dropped = pg.execute(f"DELETE FROM {name} WHERE id IN (SELECT id FROM dup_{name})")
        pg.execute(f"DELETE FROM won_{name} WHERE id IN (SELECT id FROM dup_{name})")
        counts.duplicates_dropped += max(dropped.rowcount, 0)


def apply_merge(pg: Any, counts: MergeCounts) -> None:
    """Write the planned merge (inside the caller's transaction). The order differs from
    SQLite's only where a foreign key checked at each statement needs it: the sites kept are
    written before anything points at them."""
    _rename_sites_here(pg)
    _upsert(pg, schema.sites)
    _point_at_sites_kept(pg)
    _drop_duplicates(pg, counts)
    _keep_births_of_erased(pg)
    for table in VERSIONED:
        if table is not schema.sites:
            _upsert(pg, table)
    _derive_name_columns(pg)
    pg.execute("DELETE FROM contact_services WHERE contact_id IN (SELECT id FROM won_contacts)")
    pg.execute(
        "INSERT INTO contact_services (contact_id, service_id) "
        "SELECT contact_id, service_id FROM pkg_contact_services "
        "WHERE contact_id IN (SELECT id FROM won_contacts)"
    )
    top = " UNION ALL ".join(f"SELECT max(revision) AS r FROM pkg_{t.name}" for t in VERSIONED)
    pg.execute(
        f"UPDATE installation SET clock = greatest(clock, coalesce((SELECT max(r) FROM ({top}) "
        "AS x), 0)) + 1"
    )
    counts.erased = _finish_erasures(pg)


def _derive_name_columns(pg: Any) -> None:
    """merge.py's ``_derive_name_columns``: the derived columns made here from the names that
    arrived, the changed ones written by one UPDATE (one run of the statement triggers)."""
    derived = ", ".join(f"v.{c}" for c in DERIVED_COLUMNS)
    rows = pg.execute(
        f"SELECT v.id, v.last_name, v.first_name, {derived} "
        "FROM visitors v JOIN won_visitors w ON w.id = v.id"
    ).fetchall()
    changed = [
        (vid, *made)
        for vid, last, first, *held in rows
        if (made := list(derived_columns(last, first).values())) != held
    ]
    if not changed:
        return
    pg.execute(
        "CREATE TEMP TABLE derived_names ON COMMIT DROP AS "
        f"SELECT id, {', '.join(DERIVED_COLUMNS)} FROM visitors WITH NO DATA"
    )
    with pg.cursor() as cursor, cursor.copy("COPY derived_names FROM STDIN") as copy:
        for row in changed:
            copy.write_row(row)
    pg.execute(
        f"UPDATE visitors v SET {', '.join(f'{c} = d.{c}' for c in DERIVED_COLUMNS)} "
        "FROM derived_names d WHERE v.id = d.id"
    )


def _keep_births_of_erased(pg: Any) -> None:
    pg.execute(
        "CREATE TEMP TABLE erasure_births ON COMMIT DROP AS "
        "SELECT m.id AS visitor_id, m.birth_date AS birth_date, "
        "m.neighbourhood_id AS neighbourhood_id, 1 AS here FROM visitors m "
        "JOIN pkg_visitors p ON p.id = m.id WHERE p.erased_at IS NOT NULL AND m.erased_at IS NULL "
        "UNION ALL SELECT p.id, p.birth_date, p.neighbourhood_id, 0 FROM pkg_visitors p "
        "JOIN visitors m "
        "ON m.id = p.id WHERE m.erased_at IS NOT NULL AND p.erased_at IS NULL"
    )


_AGE = (
    "(to_char(contacts.local_date, 'YYYYMMDD')::integer "
    "- to_char(b.birth_date, 'YYYYMMDD')::integer) / 10000"
)
_TRACE_TO_EMPTY = (
    "(t.survivor_id IN (SELECT id FROM visitors WHERE erased_at IS NOT NULL) "
    "OR t.absorbed_id IN (SELECT id FROM visitors WHERE erased_at IS NOT NULL)) "
    "AND (t.absorbed_profile <> %(erased)s OR (t.survivor_profile IS NOT NULL "
    "AND t.survivor_profile <> %(erased)s))"
)


def _finish_erasures(pg: Any) -> int:
    """merge.py's ``_finish_erasures``: records merged into an erased one erased, ages on the
    contacts only this side held, traces emptied, with one new revision of this installation."""
    erased_here = _count(pg, "SELECT count(*) FROM erasure_births WHERE here = 1")
    params: dict[str, object] = {"erased": ERASED_PROFILE}
    pending = pg.execute(
        "SELECT EXISTS (SELECT 1 FROM visitors a JOIN visitors s "
        "ON s.id = a.merged_into_id WHERE a.erased_at IS NULL AND s.erased_at IS NOT NULL) "
        "OR EXISTS (SELECT 1 FROM contacts c JOIN erasure_births b "
        "ON b.visitor_id = c.visitor_id WHERE (c.age_years IS NULL AND b.birth_date IS NOT NULL) "
        "OR (c.neighbourhood_id IS NULL AND b.neighbourhood_id IS NOT NULL)) "
        f"OR EXISTS (SELECT 1 FROM visitor_merges t WHERE {_TRACE_TO_EMPTY})",
        params,
    ).fetchone()[0]
    if not pending:
        return erased_here
    revision, me = pg.execute(
        "UPDATE installation SET clock = clock + 1 RETURNING clock, id"
    ).fetchone()
    params |= {"revision": revision, "me": me}
    while (
        pg.execute(
            "UPDATE visitors SET last_name = '', first_name = '', birth_date = NULL, "
            "neighbourhood_id = NULL, search_key = '', sound_key = '', last_sound = '', first_sound = '', first_key = '', "
            "compound_name = false, "
            "erased_at = (SELECT s.erased_at FROM visitors s "
            "WHERE s.id = visitors.merged_into_id), revision = %(revision)s, "
            "changed_by = %(me)s WHERE erased_at IS NULL AND merged_into_id IN "
            "(SELECT id FROM visitors WHERE erased_at IS NOT NULL)",
            params,
        ).rowcount
        > 0
    ):
        pass  # a merge of a merge: one level a round
    pg.execute(
        f"UPDATE contacts SET age_years = (SELECT {_AGE} FROM erasure_births b "
        "WHERE b.visitor_id = contacts.visitor_id), revision = %(revision)s, "
        "changed_by = %(me)s WHERE age_years IS NULL AND visitor_id IN "
        "(SELECT visitor_id FROM erasure_births WHERE birth_date IS NOT NULL)",
        params,
    )
    pg.execute(
        "UPDATE contacts SET neighbourhood_id = (SELECT b.neighbourhood_id "
        "FROM erasure_births b WHERE b.visitor_id = contacts.visitor_id), "
        "revision = %(revision)s, changed_by = %(me)s WHERE neighbourhood_id IS NULL "
        "AND visitor_id IN "
        "(SELECT visitor_id FROM erasure_births WHERE neighbourhood_id IS NOT NULL)",
        params,
    )
    pg.execute(
        "UPDATE visitor_merges AS t SET absorbed_profile = %(erased)s, "
        "survivor_profile = CASE WHEN survivor_profile IS NULL THEN NULL ELSE %(erased)s END, "
        f"revision = %(revision)s, changed_by = %(me)s WHERE {_TRACE_TO_EMPTY}",
        params,
    )
    return erased_here
