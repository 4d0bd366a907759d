"""Reading the audit log back: the entries of a span of days, oldest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, select

from sarah.db import read_connection
from sarah.schema import audit_log
from sarah.services.audit.actions import action_label


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    target: str | None
    details: dict[str, Any] | None

    @property
    def label(self) -> str:
        return action_label(self.action)


def _details(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"texte": text}  # edited by hand: shown as it is (the chain check says so)
    return value if isinstance(value, dict) else {"valeur": value}


def list_entries(
    engine: Engine, start: date | None = None, end: date | None = None
) -> list[AuditEntry]:
    """Entries from ``start`` to ``end`` (both days included; None: no bound), in seq order."""
    query = select(
        audit_log.c.seq,
        audit_log.c.at,
        audit_log.c.actor,
        audit_log.c.action,
        audit_log.c.target,
        audit_log.c.details,
    ).order_by(audit_log.c.seq)
    if start is not None:
        query = query.where(audit_log.c.at >= datetime.combine(start, time.min))
    if end is not None:
        query = query.where(audit_log.c.at < datetime.combine(end + timedelta(days=1), time.min))
    with read_connection(engine) as conn:
        return [
            AuditEntry(r.seq, r.at, r.actor, r.action, r.target, _details(r.details))
            for r in conn.execute(query)
        ]
