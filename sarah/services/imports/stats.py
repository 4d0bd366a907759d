"""Upkeep of the statistics sums during a large import (SQLite).

The derived tables of the statistics engine (migration 0002, sarah/models/statistics.py) are kept
up to date by triggers on every inserted contact and service line: right for the desk, but four
to six statements per row make a 1,000,000-row import crawl. For a large import, inside the
import's own transaction:

1. the two insert triggers are set aside (their SQL is kept, read from sqlite_master);
2. the contacts and their services are inserted;
3. after each batch, the sums of its rows are added in a few statements, computing exactly
   what the triggers would have added row by row;
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

# What the two insert triggers add, for one batch of new contacts. The per-day sums come from
# the importer, which knows each row's site, day, channel and services (cheaper than reading
# the rows back); the per-person-day visits are counted here, by rowid range, because they need
# each person's number in stat_persons (given by the visitors' own trigger).
_ADD_DAYS = """INSERT INTO stat_days (site_id, day, physique, telephone, anonymous, no_service)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (site_id, day) DO UPDATE SET
        physique = physique + excluded.physique,
        telephone = telephone + excluded.telephone,
        anonymous = anonymous + excluded.anonymous,
        no_service = no_service + excluded.no_service"""
_ADD_DAY_SERVICES = """INSERT INTO stat_day_services (site_id, day, service_id, n)
    VALUES (?, ?, ?, ?)
    ON CONFLICT (site_id, day, service_id) DO UPDATE SET n = n + excluded.n"""
_ADD_VISITS = f"""INSERT INTO stat_visits (site_id, day, person_no, n)
    SELECT c.site_id, {_DAY}, p.no, count(*)
    FROM contacts c JOIN stat_persons p ON p.visitor_id = c.visitor_id
    WHERE c.rowid > ? AND c.rowid <= ? AND c.deleted_at IS NULL GROUP BY 1, 2, 3
    ON CONFLICT (site_id, day, person_no) DO UPDATE SET n = n + excluded.n"""

# Per-day sums of a batch: (site id as stored, day YYYYMMDD) -> [physique, telephone,
# anonymous, without any service]; (site id, day, service id as stored) -> contacts.
DaySums = dict[tuple[str, int], list[int]]
DayServiceSums = dict[tuple[str, int, str], int]


class BulkStatistics:
    """Adds the sums of each batch of new contacts (see :func:`bulk_statistics`)."""

    def __init__(self, conn: Connection | None, first: int = 0) -> None:
        self._conn = conn
        self._done = first

    @property
    def active(self) -> bool:
        return self._conn is not None

    def add_batch(self, days: DaySums, day_services: DayServiceSums) -> None:
        """Call after each batch of contacts and their services, with the batch's sums."""
        if self._conn is None:
            return
        if days:
            self._conn.exec_driver_sql(
                _ADD_DAYS, [(site, day, *sums) for (site, day), sums in sorted(days.items())]
            )
        if day_services:
            self._conn.exec_driver_sql(
                _ADD_DAY_SERVICES, [(*key, n) for key, n in sorted(day_services.items())]
            )
        last = self._conn.exec_driver_sql(
            "SELECT coalesce(max(rowid), 0) FROM contacts"
        ).scalar_one()
        if last > self._done:
            self._conn.exec_driver_sql(_ADD_VISITS, (self._done, last))
            self._done = last


@contextlib.contextmanager
def bulk_statistics(conn: Connection, rows: int) -> Iterator[BulkStatistics]:
    """Around the inserts of ``rows`` new contacts (and their services) in the open transaction.

    New contacts must be inserted, never updated, inside the block (their rowids follow every
    existing one), each batch's services with it, then ``add_batch()`` called with its sums.
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
    for _name, sql in triggers:
        conn.exec_driver_sql(sql)
