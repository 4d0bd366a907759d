"""Indexes rebuilt rather than filled row by row during a large import (SQLite).

The rows of a large import are written in date order with increasing ids (sarah.services.imports),
so most indexes grow at their end. Two cannot: a person's contacts (``ix_contacts_visitor_site_date``)
and a person's visits in the statistics (``ix_stat_visits_person_day``) are ordered by person,
and every batch of rows adds entries all over them. Once such an index is larger than SQLite's
page cache, each of those entries costs a page read and, later, a page write: about a quarter of
the time of a 1,000,000-row import into a fresh database. Building the index again from the
finished tables sorts its entries once instead.

So, when an import adds at least as many contacts as the database already holds (a first import,
or an import that more than doubles the data), inside the import's own transaction:

1. the two indexes are dropped (their SQL is kept, read from sqlite_master);
2. the contacts, their services and the statistics sums are written;
3. the indexes are created again from the same SQL, before COMMIT.

DDL is transactional in SQLite: no other connection ever sees the schema without these indexes,
and a failure anywhere (or a cancelled import) rolls all of it back, indexes included. A schema
without them (PostgreSQL, an older schema) is left alone. Below that size, or on a database
already larger than the import, the indexes are filled as usual: rebuilding them would sort
every existing row again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Connection

REBUILT_INDEXES = ("ix_contacts_visitor_site_date", "ix_stat_visits_person_day")
REBUILD_MIN_ROWS = 100_000  # below this, the indexes fit in the page cache: filled as usual


@contextlib.contextmanager
def rebuilt_indexes(conn: Connection, rows: int) -> Iterator[None]:
    """Around the inserts of ``rows`` new contacts in the open transaction (see module doc)."""
    if conn.dialect.name != "sqlite" or rows < REBUILD_MIN_ROWS:
        yield
        return
    existing = conn.exec_driver_sql("SELECT count(*) FROM contacts").scalar_one()
    if existing > rows:
        yield
        return
    placeholders = ", ".join("?" for _ in REBUILT_INDEXES)
    indexes = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND name IN ({placeholders}) ORDER BY name",
        REBUILT_INDEXES,
    ).all()
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    # Only reached when the writes succeeded; on an error the rollback restores the indexes.
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)
