"""A large merge (a first package into a new or small installation) done in bulk (SQLite).

The statistics sums are kept by triggers, row by row: right for the desk and for small merges,
but a 1,000,000-contact package into an empty installation would spend most of its time in
them, and in the two indexes ordered by person that every row touches all over (the same
reasons as the spreadsheet import: sarah/services/imports/stats.py and indexes.py). So when a
merge brings at least as many contacts as the installation holds, and many, inside the merge's
own transaction:

1. the statistics triggers and the two person-ordered indexes are set aside (their SQL kept);
2. the rows are merged with a larger page cache;
3. the statistics sums are computed again from all the rows, in a few statements
   (sarah.services.statistics.upkeep), and the indexes and triggers put back exactly as they were.

DDL is transactional in SQLite: no other connection ever sees the schema without them, and a
failure anywhere rolls all of it back.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from sarah.services.statistics.upkeep import REBUILD_STATEMENTS

BULK_MIN_CONTACTS = 50_000
PAGE_CACHE_KIB = 32 * 1024
PERSON_INDEXES = ("ix_contacts_visitor_site_date", "ix_stat_visits_person_day")


def is_bulk(conn: sqlite3.Connection) -> bool:
    """Whether the planned merge (temp.won_contacts) is large enough to be done in bulk."""
    coming = conn.execute("SELECT count(*) FROM temp.won_contacts WHERE is_new").fetchone()[0]
    held = conn.execute("SELECT count(*) FROM main.contacts").fetchone()[0]
    return int(coming) >= BULK_MIN_CONTACTS and int(coming) >= int(held)


@contextlib.contextmanager
def bulk_merge(conn: sqlite3.Connection, active: bool) -> Iterator[None]:
    """Around the writes of the merge, inside its transaction (see the module's note)."""
    if not active:
        yield
        return
    set_aside = conn.execute(
        "SELECT type, name, sql FROM main.sqlite_master WHERE sql IS NOT NULL AND "
        "((type = 'trigger' AND name LIKE 'stat\\_%' ESCAPE '\\') OR "
        f"(type = 'index' AND name IN ({', '.join('?' for _ in PERSON_INDEXES)})))",
        PERSON_INDEXES,
    ).fetchall()
    for kind, name, _sql in set_aside:
        conn.execute(f'DROP {kind.upper()} main."{name}"')
    before = conn.execute("PRAGMA main.cache_size").fetchone()[0]
    conn.execute(f"PRAGMA main.cache_size=-{PAGE_CACHE_KIB}")
    try:
        yield
        # Only reached when the writes succeeded; on an error the rollback restores it all.
        for statement in REBUILD_STATEMENTS:
            conn.execute(statement)
        for _kind, _name, sql in sorted(set_aside, key=lambda row: row[0] != "index"):
            conn.execute(sql)
    finally:
        conn.execute(f"PRAGMA main.cache_size={before}")
