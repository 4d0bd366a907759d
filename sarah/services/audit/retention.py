"""Removing the entries older than the retention period, the chain staying checkable.

The purge writes its own ``purge`` entry first (how many entries, up to which date, the
anchor: the hash of the last removed entry, which the oldest kept one has as ``prev_hash``),
then removes the old entries, all in one write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from sarah.db import write_session
from sarah.schema import audit_log
from sarah.services.audit.log import record

RETENTION_MONTHS = 12  # the CNIL's 6 to 12 months for an access log


@dataclass(frozen=True)
class AuditPurge:
    removed: int
    cutoff: datetime  # entries strictly before it were removed
    anchor: str | None = None  # None when nothing was removed
    seq: int | None = None  # the purge entry, None when nothing was removed


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (31 March - 1 month: 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def _cut(session: Session, cutoff: datetime) -> tuple[int, int, str, int] | None:
    """Where the chain is cut: (entries removed, last removed seq, its hash, first kept seq);
    None when no entry is older than ``cutoff``."""
    last_removed = session.execute(
        select(func.max(audit_log.c.seq)).where(audit_log.c.at < cutoff)
    ).scalar()
    if last_removed is None:
        return None
    # A clock set back may have dated an entry before an older one: the chain is cut after the
    # last old entry, and everything before that goes too.
    removed = session.execute(
        select(func.count()).where(audit_log.c.seq <= last_removed)
    ).scalar_one()
    anchor = session.execute(
        select(audit_log.c.hash).where(audit_log.c.seq == last_removed)
    ).scalar_one()
    newest = session.execute(select(func.max(audit_log.c.seq))).scalar_one()
    # Nothing newer kept: the purge entry itself (newest + 1) is the first kept.
    first_kept = newest + 1 if newest == last_removed else last_removed + 1
    return removed, last_removed, anchor, first_kept


def purge_audit(
    engine: Engine, now: datetime, *, actor: str, months: int = RETENTION_MONTHS
) -> AuditPurge:
    """Remove the entries older than ``months`` before ``now``; record the purge (by ``actor``)."""
    cutoff = datetime.combine(months_before(now.date(), months), time.min)
    with write_session(engine) as session:
        cut = _cut(session, cutoff)
        if cut is None:
            return AuditPurge(0, cutoff)
        removed, last_removed, anchor, first_kept = cut
        details = {
            "removed": removed,
            "before": cutoff.date().isoformat(),
            "anchor": anchor,
            "first_kept": first_kept,
        }
        written = record(session, actor, "purge", target="journal", details=details, at=now)
        session.execute(delete(audit_log).where(audit_log.c.seq <= last_removed))
    return AuditPurge(removed, cutoff, anchor, written.seq)
