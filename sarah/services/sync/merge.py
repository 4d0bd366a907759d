"""Merging a package's rows into this installation (docs/sync.md, "Merge rules").

Every travelling row is a versioned register: the row with the greater version
(``revision``, then ``changed_by``) wins, here and everywhere, so the result does not depend on
the order packages arrive in, on duplicates or on stale packages; a row already held at the same
version is left alone, which is why re-importing changes nothing. Tombstones are rows like any
other. A contact's services travel with it: when its version wins, its services are those of
the package.

Rows that name the same thing twice are made one the same way everywhere: two sites of the
same name (created at two installations) become the one with the smaller id, the other kept as
a tombstone renamed "<name> ~<id>", every row of it pointing at the one kept; of two closed-day
marks of one site and day, or two contacts of one spreadsheet row (same import key), the one
with the smaller id is kept and the other dropped.

Everything runs in SQL over the attached container, in one transaction of the caller.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from sqlalchemy import Table

from sarah import schema
from sarah.services.name_matching import DERIVED_COLUMNS, derived_columns
from sarah.services.privacy.erase import ERASED_PROFILE
from sarah.services.sync.container import TABLES, columns

VERSIONED = tuple(t for t in TABLES if "revision" in t.c)
# Columns that name a site: rewritten through the map of sites made one.
SITE_COLUMNS = ("site_id", "origin_site_id")


def _version(alias: str) -> str:
    return f"({alias}.revision, coalesce({alias}.changed_by, ''))"


@dataclass
class MergeCounts:
    new: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    both_sides: int = 0  # rows changed here and at the sender since they last heard of each other
    sites_made_one: int = 0
    duplicates_dropped: int = 0
    erased: int = 0  # identities erased here because the package brought their erasure


def _site_map(conn: sqlite3.Connection) -> int:
    """temp.site_map: sites of one name held under two ids -> the smaller id (both ways)."""
    conn.execute("CREATE TEMP TABLE site_map (loser TEXT PRIMARY KEY, canonical TEXT NOT NULL)")
    conn.execute(
        "INSERT OR IGNORE INTO temp.site_map (loser, canonical) "
        "SELECT max(p.id, m.id), min(p.id, m.id) FROM pkg.sites p "
        "JOIN main.sites m ON m.name = p.name AND m.id <> p.id"
    )
    # A site made one before (kept renamed): its rows in the package point at the one kept.
    conn.execute(
        "INSERT OR IGNORE INTO temp.site_map (loser, canonical) "
        "SELECT m.id, k.id FROM main.sites m JOIN main.sites k "
        "ON m.name = k.name || ' ~' || substr(m.id, 1, 8) AND k.id < m.id"
    )
    # Counted: the sites made one by this package, not those made one before (a stale package
    # still holds the loser under its first name; a newer one, renamed).
    return int(
        conn.execute(
            "SELECT count(*) FROM temp.site_map s WHERE NOT EXISTS (SELECT 1 FROM main.sites x "
            "WHERE x.id = s.loser AND x.name LIKE '% ~' || substr(x.id, 1, 8))"
        ).fetchone()[0]
    )


def _mapped(col: str, alias: str = "p") -> str:
    return (
        f"coalesce((SELECT canonical FROM temp.site_map WHERE loser = {alias}.{col}), "
        f"{alias}.{col})"
    )


def _select_list(table: Table) -> str:
    """The package's columns as this installation stores them (sites made one applied)."""
    out = []
    for col in columns(table):
        if col in SITE_COLUMNS:
            out.append(_mapped(col))
        elif table is schema.sites and col == "name":
            out.append(
                "CASE WHEN p.id IN (SELECT loser FROM temp.site_map) "
                "THEN p.name || ' ~' || substr(p.id, 1, 8) ELSE p.name END"
            )
        elif table is schema.sites and col == "deleted_at":
            out.append(
                "CASE WHEN p.id IN (SELECT loser FROM temp.site_map) "
                "THEN coalesce(p.deleted_at, p.created_at) ELSE p.deleted_at END"
            )
        else:
            out.append(f"p.{col}")
    return ", ".join(out)


# Rows no installation ever changed (the catalogue of migration 0001, made at each installation
# with its own timestamps) share one version everywhere: of two such copies the older wins, so
# that every installation ends with the same row, whoever it heard of first.
_OLDER_UNVERSIONED = (
    "(p.changed_by IS NULL AND m.changed_by IS NULL AND p.revision = m.revision "
    "AND (p.created_at, p.updated_at) < (m.created_at, m.updated_at))"
)


# An erased identity wins over any version that still has it, older or newer (docs/rgpd.md):
# an identity once erased anywhere is erased everywhere; between two erased ones, the version.
_ERASURE_WINS = "(p.erased_at IS NOT NULL AND m.erased_at IS NULL)"
_ERASURE_KEPT = "(m.erased_at IS NOT NULL AND p.erased_at IS NULL)"


def _winners(conn: sqlite3.Connection, table: Table, counts: MergeCounts) -> None:
    """temp.won_<table>: the package's rows that are new here or carry a newer version."""
    name = table.name
    newer = f"({_version('p')} > {_version('m')} OR {_OLDER_UNVERSIONED})"
    if table is schema.visitors:
        newer = f"({_ERASURE_WINS} OR (NOT {_ERASURE_KEPT} AND {newer}))"
    conn.execute(
        f"CREATE TEMP TABLE won_{name} AS SELECT p.id AS id, m.id IS NULL AS is_new "
        f"FROM pkg.{name} p LEFT JOIN main.{name} m ON m.id = p.id "
        f"WHERE m.id IS NULL OR {newer}"
    )
    conn.execute(f"CREATE UNIQUE INDEX temp.won_{name}_id ON won_{name} (id)")
    new, updated = conn.execute(
        f"SELECT coalesce(sum(is_new), 0), coalesce(sum(NOT is_new), 0) FROM temp.won_{name}"
    ).fetchone()
    counts.new[name], counts.updated[name] = int(new), int(updated)


def _both_sides(conn: sqlite3.Connection, highest: dict[str, int], me: str) -> int:
    """Rows changed here since the sender last heard from us, and there since we last heard
    from its writer: the same row edited at two places between exchanges."""
    seen_here: dict[str, int] = {}
    for table in VERSIONED:
        for by, top in conn.execute(
            f"SELECT coalesce(changed_by, ''), max(revision) FROM main.{table.name} "
            "GROUP BY changed_by"
        ):
            seen_here[by] = max(seen_here.get(by, 0), int(top))
    # A writer's change held here may since have been replaced by a newer one: what was ever
    # received of each writer is kept apart (sync_seen, written by every merge).
    for by, top in conn.execute("SELECT writer, top FROM main.sync_seen"):
        seen_here[by] = max(seen_here.get(by, 0), int(top))
    conn.execute("CREATE TEMP TABLE seen_here (by TEXT PRIMARY KEY, top INTEGER NOT NULL)")
    conn.executemany("INSERT INTO temp.seen_here VALUES (?, ?)", seen_here.items())
    known_of_me = int(highest.get(me, 0))
    total = 0
    for table in VERSIONED:
        total += int(
            conn.execute(
                f"SELECT count(*) FROM pkg.{table.name} p JOIN main.{table.name} m ON m.id = p.id "
                f"WHERE {_version('p')} <> {_version('m')} AND m.changed_by = ? "
                "AND m.revision > ? AND coalesce(p.changed_by, '') <> ? AND p.revision > "
                "coalesce((SELECT top FROM temp.seen_here WHERE by = coalesce(p.changed_by, '')), 0)",
                (me, known_of_me, me),
            ).fetchone()[0]
        )
    return total


def _drop_scratch_tables(conn: sqlite3.Connection) -> None:
    """The temp tables of an earlier merge: they outlive its COMMIT on the pooled connection,
    and the next import on the same engine would find them in its way."""
    scratch = ["site_map", "seen_here", "erasure_births"]
    scratch += [f"{prefix}_{t.name}" for t in VERSIONED for prefix in ("won", "dup")]
    for name in scratch:
        conn.execute(f"DROP TABLE IF EXISTS temp.{name}")


def plan_merge(conn: sqlite3.Connection, highest: dict[str, int], me: str) -> MergeCounts:
    """What the merge would do, in temp tables; in main, only what was heard of each writer
    (sync_seen), which the caller's transaction keeps or, for a preview, rolls back."""
    _drop_scratch_tables(conn)
    counts = MergeCounts()
    counts.sites_made_one = _site_map(conn)
    for table in VERSIONED:
        _winners(conn, table, counts)
    counts.both_sides = _both_sides(conn, highest, me)
    # Heard of, even when nothing is taken from the package (its rows all older): else a later
    # import of it would find its writers' changes unseen and report them made on both sides.
    _remember_writers(conn)
    return counts


def _apply_site_map_here(conn: sqlite3.Connection) -> None:
    """This installation's own sites that lost to a package's: renamed, tombstoned, and every
    row of them pointing at the one kept."""
    conn.execute(
        "UPDATE main.sites SET name = name || ' ~' || substr(id, 1, 8), "
        "deleted_at = coalesce(deleted_at, created_at) "
        "WHERE id IN (SELECT loser FROM temp.site_map) AND name NOT LIKE '% ~' || substr(id, 1, 8)"
    )
    for table in VERSIONED:
        for col in SITE_COLUMNS:
            if col in table.c:
                conn.execute(
                    f"UPDATE main.{table.name} SET {col} = {_mapped(col, 'main.' + table.name)} "
                    f"WHERE {col} IN (SELECT loser FROM temp.site_map)"
                )


def _upsert(conn: sqlite3.Connection, table: Table) -> None:
    name, cols = table.name, columns(table)
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != "id")
    conn.execute(
        f"INSERT INTO main.{name} ({', '.join(cols)}) SELECT {_select_list(table)} "
        f"FROM pkg.{name} p WHERE p.id IN (SELECT id FROM temp.won_{name}) "
        f"ON CONFLICT(id) DO UPDATE SET {updates}"
    )


_SAME_THING = {
    # table: how a package row and a row here name the same thing (site ids made one first)
    "closed_days": f"m.site_id = {_mapped('site_id')} AND m.day = p.day",
    "contacts": "m.import_key = p.import_key",
}


def _drop_duplicates(conn: sqlite3.Connection, counts: MergeCounts) -> None:
    """Of two closed-day marks of one site and day, or two contacts of one spreadsheet row,
    the one with the smaller id is kept (here, and so everywhere); the other is dropped."""
    for name, same in _SAME_THING.items():
        conn.execute(
            f"CREATE TEMP TABLE dup_{name} AS SELECT max(p.id, m.id) AS id "
            f"FROM pkg.{name} p JOIN main.{name} m ON {same} AND m.id <> p.id "
            f"WHERE p.id IN (SELECT id FROM temp.won_{name})"
        )
        if name == "contacts":
            conn.execute(
                "DELETE FROM main.contact_services WHERE contact_id IN "
                "(SELECT id FROM temp.dup_contacts)"
            )
        dropped = conn.execute(
            f"DELETE FROM main.{name} WHERE id IN (SELECT id FROM temp.dup_{name})"
        ).rowcount
        conn.execute(f"DELETE FROM temp.won_{name} WHERE id IN (SELECT id FROM temp.dup_{name})")
        counts.duplicates_dropped += max(dropped, 0)


def apply_merge(conn: sqlite3.Connection, counts: MergeCounts) -> None:
    """Write the planned merge into main (inside the caller's write transaction)."""
    _apply_site_map_here(conn)
    _drop_duplicates(conn, counts)
    _keep_births_of_erased(conn)
    for table in VERSIONED:
        _upsert(conn, table)
    _derive_name_columns(conn)
    conn.execute(
        "DELETE FROM main.contact_services WHERE contact_id IN (SELECT id FROM temp.won_contacts)"
    )
    conn.execute(
        "INSERT INTO main.contact_services (contact_id, service_id) "
        "SELECT contact_id, service_id FROM pkg.contact_services "
        "WHERE contact_id IN (SELECT id FROM temp.won_contacts)"
    )
    top = (
        "SELECT max(revision) FROM ("
        + " UNION ALL ".join(
            f"SELECT max(revision) AS revision FROM pkg.{t.name}" for t in VERSIONED
        )
        + ")"
    )
    # Lamport's rule on receiving: past everything received, and one more, so that a merge
    # that changed anything moves the clock even when the rows it brought are older (what the
    # dossier d'échange reads to know that its package must be written again).
    conn.execute(f"UPDATE main.installation SET clock = max(clock, coalesce(({top}), 0)) + 1")
    counts.erased = _finish_erasures(conn)


def _derive_name_columns(conn: sqlite3.Connection) -> None:
    """The columns the searches read that are derived from the names, made here from the names
    that arrived: they are never taken from a package (sarah.services.name_matching)."""
    derived = ", ".join(DERIVED_COLUMNS)
    rows = conn.execute(
        f"SELECT id, last_name, first_name, {derived} FROM main.visitors "
        "WHERE id IN (SELECT id FROM temp.won_visitors)"
    ).fetchall()
    conn.executemany(
        f"UPDATE main.visitors SET {', '.join(f'{c} = ?' for c in DERIVED_COLUMNS)} WHERE id = ?",
        [
            (*made, vid)
            for vid, last, first, *held in rows
            if (made := list(derived_columns(last, first).values())) != held
        ],
    )


def _keep_births_of_erased(conn: sqlite3.Connection) -> None:
    """temp.erasure_births: the birth dates an erasure met here is about to remove (this
    installation's, erased by the package) or to refuse (the package's, erased here), so that
    the contacts only one side held get their age too (:func:`_finish_erasures`)."""
    conn.execute(
        "CREATE TEMP TABLE erasure_births AS "
        "SELECT m.id AS visitor_id, m.birth_date AS birth_date, "
        "m.neighbourhood_id AS neighbourhood_id, 1 AS here FROM main.visitors m "
        "JOIN pkg.visitors p ON p.id = m.id WHERE p.erased_at IS NOT NULL AND m.erased_at IS NULL "
        "UNION ALL SELECT p.id, p.birth_date, p.neighbourhood_id, 0 FROM pkg.visitors p "
        "JOIN main.visitors m "
        "ON m.id = p.id WHERE m.erased_at IS NOT NULL AND p.erased_at IS NULL"
    )


_AGE = (
    "(CAST(strftime('%Y%m%d', main.contacts.local_date) AS INTEGER) "
    "- CAST(strftime('%Y%m%d', b.birth_date) AS INTEGER)) / 10000"
)


def _finish_erasures(conn: sqlite3.Connection) -> int:
    """After the rows are in: what an erasure changes beyond the rows the package brought
    (sarah.services.privacy.erase, the same rules): records merged into an erased one erased
    too, ages and neighbourhoods on the contacts only this side held, merge traces emptied. Returns how many
    identities held here were erased by the package."""
    erased_here = int(
        conn.execute("SELECT count(*) FROM temp.erasure_births WHERE here = 1").fetchone()[0]
    )
    pending = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM main.visitors a JOIN main.visitors s "
        "ON s.id = a.merged_into_id WHERE a.erased_at IS NULL AND s.erased_at IS NOT NULL) "
        "OR EXISTS (SELECT 1 FROM main.contacts c JOIN temp.erasure_births b "
        "ON b.visitor_id = c.visitor_id WHERE (c.age_years IS NULL AND b.birth_date IS NOT NULL) "
        "OR (c.neighbourhood_id IS NULL AND b.neighbourhood_id IS NOT NULL)) "
        f"OR EXISTS (SELECT 1 FROM main.visitor_merges t WHERE {_TRACE_TO_EMPTY})"
    ).fetchone()[0]
    if not pending:
        return erased_here
    (revision,) = conn.execute(
        "UPDATE main.installation SET clock = clock + 1 RETURNING clock"
    ).fetchone()
    me = conn.execute("SELECT id FROM main.installation").fetchone()[0]
    while conn.execute(
        "UPDATE main.visitors SET last_name = '', first_name = '', birth_date = NULL, "
        "neighbourhood_id = NULL, search_key = '', sound_key = '', last_sound = '', first_sound = '', first_key = '', "
        "compound_name = 0, "
        "erased_at = (SELECT s.erased_at FROM main.visitors s "
        "WHERE s.id = main.visitors.merged_into_id), revision = ?, changed_by = ? "
        "WHERE erased_at IS NULL AND merged_into_id IN "
        "(SELECT id FROM main.visitors WHERE erased_at IS NOT NULL)",
        (revision, me),
    ).rowcount:
        pass  # a merge of a merge: one level a round
    conn.execute(
        f"UPDATE main.contacts SET age_years = (SELECT {_AGE} FROM temp.erasure_births b "
        "WHERE b.visitor_id = main.contacts.visitor_id), revision = ?, changed_by = ? "
        "WHERE age_years IS NULL AND visitor_id IN "
        "(SELECT visitor_id FROM temp.erasure_births WHERE birth_date IS NOT NULL)",
        (revision, me),
    )
    conn.execute(
        "UPDATE main.contacts SET neighbourhood_id = (SELECT b.neighbourhood_id "
        "FROM temp.erasure_births b WHERE b.visitor_id = main.contacts.visitor_id), "
        "revision = ?, changed_by = ? WHERE neighbourhood_id IS NULL AND visitor_id IN "
        "(SELECT visitor_id FROM temp.erasure_births WHERE neighbourhood_id IS NOT NULL)",
        (revision, me),
    )
    conn.execute(
        "UPDATE main.visitor_merges AS t SET absorbed_profile = ?, "
        "survivor_profile = CASE WHEN survivor_profile IS NULL THEN NULL ELSE ? END, "
        f"revision = ?, changed_by = ? WHERE {_TRACE_TO_EMPTY}",
        (ERASED_PROFILE, ERASED_PROFILE, revision, me),
    )
    return erased_here


_TRACE_TO_EMPTY = (
    "(t.survivor_id IN (SELECT id FROM main.visitors WHERE erased_at IS NOT NULL) "
    "OR t.absorbed_id IN (SELECT id FROM main.visitors WHERE erased_at IS NOT NULL)) "
    f"AND (t.absorbed_profile <> '{ERASED_PROFILE}' OR (t.survivor_profile IS NOT NULL "
    f"AND t.survivor_profile <> '{ERASED_PROFILE}'))"
)


def _remember_writers(conn: sqlite3.Connection) -> None:
    """sync_seen: the highest revision received of each writer, this package's rows included."""
    changes = " UNION ALL ".join(
        f"SELECT changed_by, revision FROM pkg.{t.name} WHERE changed_by IS NOT NULL"
        for t in VERSIONED
    )
    conn.execute(
        f"INSERT INTO main.sync_seen (writer, top) SELECT changed_by, max(revision) "
        f"FROM ({changes}) WHERE true GROUP BY changed_by "
        "ON CONFLICT(writer) DO UPDATE SET top = max(top, excluded.top)"
    )
