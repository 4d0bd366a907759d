"""Upkeep of the statistics sums during a large import (SQLite).

The derived tables of the statistics engine (migration 0002, sarah/models/statistics.py) are kept
up to date by triggers on every inserted contact and service line: right for the desk, but four
to six statements per row make a 1,000,000-row import crawl. For a large import, inside the
import's own transaction:

1. the two insert triggers are set aside (their SQL is kept, read from sqlite_master);
2. the contacts and their services are inserted;
3. after each batch, the sums of its rows are added with three set-based statements computing
   exactly what the triggers would have added row by row;
4. the triggers are put back exactly as they were.

DDL is transactional in SQLite: no other connection ever sees the schema without its triggers,
and a failure anywhere (or a cancelled import) rolls all of it back. A schema without these
triggers (PostgreSQL, an older schema) is left alone. Tests compare the result with a full
recomputation (``statistics_drift``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Connection

SUSPENDED_TRIGGERS = ("stat_contacts_insert", "stat_contact_services_insert")
BULK_MIN_ROWS = 2_000  # below this, the triggers do the work (the desk's own path)

_DAY = "CAST(strftime('%Y%m%d', c.local_date) AS INTEGER)"

# What the two insert triggers add, for the contacts with rowid in (?, ?], all at once.
_ADD_NEW_ROWS = (
    f"""INSERT INTO stat_days (site_id, day, physique, telephone, anonymous, no_service)
    SELECT c.site_id, {_DAY}, sum(c.channel = 'physique'), sum(c.channel = 'telephone'),
           sum(c.visitor_id IS NULL),
           sum(NOT EXISTS (SELECT 1 FROM contact_services cs WHERE cs.contact_id = c.id))
    FROM contacts c WHERE c.rowid > ? AND c.rowid <= ? AND c.deleted_at IS NULL GROUP BY 1, 2
    ON CONFLICT (site_id, day) DO UPDATE SET
        physique = physique + excluded.physique,
        telephone = telephone + excluded.telephone,
        anonymous = anonymous + excluded.anonymous,
        no_service = no_service + excluded.no_service""",
    f"""INSERT INTO stat_day_services (site_id, day, service_id, n)
    SELECT c.site_id, {_DAY}, cs.service_id, count(*)
    FROM contacts c JOIN contact_services cs ON cs.contact_id = c.id
    WHERE c.rowid > ? AND c.rowid <= ? AND c.deleted_at IS NULL GROUP BY 1, 2, 3
    ON CONFLICT (site_id, day, service_id) DO UPDATE SET n = n + excluded.n""",
    f"""INSERT INTO stat_visits (site_id, day, person_no, n)
    SELECT c.site_id, {_DAY}, p.no, count(*)
    FROM contacts c JOIN stat_persons p ON p.visitor_id = c.visitor_id
    WHERE c.rowid > ? AND c.rowid <= ? AND c.deleted_at IS NULL GROUP BY 1, 2, 3
    ON CONFLICT (site_id, day, person_no) DO UPDATE SET n = n + excluded.n""",
)


class BulkStatistics:
    """Adds the sums of the contacts inserted since the last call (see :func:`bulk_statistics`)."""

    def __init__(self, conn: Connection | None, first: int = 0) -> None:
        self._conn = conn
        self._done = first

    @property
    def active(self) -> bool:
        return self._conn is not None

    def add_new_rows(self) -> None:
        """Call after each batch of contacts and their services: small sorts, warm pages."""
        if self._conn is None:
            return
        last = self._conn.exec_driver_sql(
            "SELECT coalesce(max(rowid), 0) FROM contacts"
        ).scalar_one()
        if last > self._done:
            for statement in _ADD_NEW_ROWS:
                self._conn.exec_driver_sql(statement, (self._done, last))
            self._done = last


@contextlib.contextmanager
def bulk_statistics(conn: Connection, rows: int) -> Iterator[BulkStatistics]:
    """Around the inserts of ``rows`` new contacts (and their services) in the open transaction.

    New contacts must be inserted, never updated, inside the block (their rowids follow every
    existing one), each batch's services with it, then ``add_new_rows()`` called.
    """
    if conn.dialect.name != "sqlite" or rows < BULK_MIN_ROWS:
        yield BulkStatistics(None)
        return
    placeholders = ", ".join("?" for _ in SUSPENDED_TRIGGERS)
    triggers = conn.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({placeholders})",
        SUSPENDED_TRIGGERS,
    ).all()
    if len(triggers) != len(SUSPENDED_TRIGGERS):
        yield BulkStatistics(None)
        return
    first = conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM contacts").scalar_one()
    for name, _sql in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    bulk = BulkStatistics(conn, first)
    yield bulk
    # Only reached when the inserts succeeded; on an error the rollback restores the triggers.
    bulk.add_new_rows()
    for _name, sql in triggers:
        conn.exec_driver_sql(sql)
