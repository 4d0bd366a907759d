"""The audit log's own upkeep: its retention purge, at most once a day, by itself.

The day of the last run is read from the log itself (the newest ``purge`` entry), so no table
or migration is needed. A day on which nothing was old enough writes no entry (a year of
"nothing removed" lines would drown the log); calling again that day costs one indexed query
and removes nothing, since the cutoff only moves when the day changes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine, func, select

from sarah.db import read_connection
from sarah.schema import audit_log
from sarah.services.audit.actor import current_actor
from sarah.services.audit.retention import AuditPurge, purge_audit


def last_purge_day(engine: Engine) -> date | None:
    """The day of the newest ``purge`` entry; None when the log was never purged."""
    with read_connection(engine) as conn:
        newest = conn.execute(
            select(func.max(audit_log.c.seq)).where(audit_log.c.action == "purge")
        ).scalar()
        if newest is None:
            return None
        at = conn.execute(select(audit_log.c.at).where(audit_log.c.seq == newest)).scalar_one()
    return at.date() if isinstance(at, datetime) else None


def purge_audit_if_due(engine: Engine, months: int, today: date | None = None) -> AuditPurge | None:
    """Remove the entries older than ``months`` (settings.audit_months) unless the log was
    already purged today; None when it was, else what the purge did (``removed`` 0: nothing
    was old enough). The purge entry names the current actor (the OS user at start)."""
    if months < 1:
        raise ValueError(f"audit retention of {months} months")  # settings validate this
    day = today or date.today()
    if last_purge_day(engine) == day:
        return None
    now = datetime.combine(day, datetime.now().time())
    return purge_audit(engine, now, actor=current_actor(), months=months)
