"""Appending one entry to the audit log, inside the caller's write transaction."""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from sarah.errors import InvalidInput
from sarah.schema import audit_log
from sarah.services.audit.actions import ACTION_LABELS
from sarah.services.audit.chain import GENESIS, canonical_details, entry_hash

UNKNOWN_USER = "non renseigné"


@dataclass(frozen=True)
class Recorded:
    """What :func:`record` wrote: the entry's number and hash."""

    seq: int
    hash: str


def os_user_name() -> str:
    """Who runs a command line: the OS user's name, "non renseigné" when the OS cannot say."""
    try:
        return getpass.getuser() or UNKNOWN_USER
    except (OSError, KeyError, ImportError):
        return UNKNOWN_USER


def record(
    bind: Session | Connection,
    actor: str,
    action: str,
    target: str | None = None,
    details: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> Recorded:
    """Append one entry in the caller's transaction (committed or rolled back with it).

    ``bind`` must be inside a write transaction (``write_session``; BEGIN IMMEDIATE on SQLite):
    that is what serialises two writers, so the last entry read here is still the last when
    this one is inserted. ``action`` is one of :data:`ACTION_LABELS`. ``details`` is a JSON
    object of plain facts (counts, file names, ids); never a password or a password hash.
    """
    if action not in ACTION_LABELS:
        raise InvalidInput(f"Action de journal inconnue : « {action} ».")
    when = (at or datetime.now()).replace(microsecond=0)
    last = bind.execute(
        select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    text = canonical_details(details)
    digest = entry_hash(seq, when, actor, action, target, text, prev_hash)
    bind.execute(
        insert(audit_log).values(
            seq=seq,
            at=when,
            actor=actor,
            action=action,
            target=target,
            details=text,
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    return Recorded(seq, digest)
