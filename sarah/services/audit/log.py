"""Appending one entry to the audit log, inside the caller's write transaction."""

from __future__ import annotations

import getpass
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select, update

from sarah.errors import InvalidInput
from sarah.schema import audit_log, installation
from sarah.services.audit.actions import ACTION_LABELS
from sarah.services.audit.chain import GENESIS, canonical_details, entry_hash

if TYPE_CHECKING:
    from sqlalchemy.orm import Session  # a quick command writes its entry without the ORM

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

    ``bind`` must be inside a write transaction (``write_session``; BEGIN IMMEDIATE on SQLite,
    the installation row locked on PostgreSQL): that is what serialises two writers, so the
    last entry read here is still the last when this one is inserted. ``action`` is one of
    :data:`ACTION_LABELS`. ``details`` is a JSON object of plain facts (counts, file names,
    ids); never a password or a password hash.
    """
    when = _entry_time(action, at)
    # On PostgreSQL two desks write at once: the lock on the installation row (which notes the
    # newest entry) makes the second wait, then read the first one's entry as the last.
    # SQLite has no FOR UPDATE and needs none (BEGIN IMMEDIATE).
    bind.execute(select(installation.c.audit_seq).with_for_update())
    last = bind.execute(
        select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
    ).first()
    values = _entry_values(
        None if last is None else (last.seq, last.hash), when, actor, action, target, details
    )
    bind.execute(insert(audit_log).values(**values))
    bind.execute(update(installation).values(audit_seq=values["seq"], audit_hash=values["hash"]))
    return Recorded(values["seq"], values["hash"])


def record_sqlite(
    conn: sqlite3.Connection,
    actor: str,
    action: str,
    target: str | None = None,
    details: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> Recorded:
    """:func:`record` through a raw sqlite3 connection (sync merge, restore), same chain.

    The caller holds the write transaction (BEGIN IMMEDIATE) and commits it. ``at`` is stored
    as SQLAlchemy stores a DateTime on SQLite, so the entry reads back as the hash saw it.
    """
    when = _entry_time(action, at)
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    values = _entry_values(
        None if last is None else (last[0], last[1]), when, actor, action, target, details
    )
    stored = {**values, "at": when.strftime(SQLITE_DATETIME)}
    columns = ", ".join(stored)
    marks = ", ".join(f":{name}" for name in stored)
    conn.execute(f"INSERT INTO audit_log ({columns}) VALUES ({marks})", stored)
    conn.execute(
        "UPDATE installation SET audit_seq = ?, audit_hash = ?", (values["seq"], values["hash"])
    )
    return Recorded(values["seq"], values["hash"])


SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage format for DateTime on SQLite


def _entry_time(action: str, at: datetime | None) -> datetime:
    """Refuse an unknown action; the entry's time, to the second."""
    if action not in ACTION_LABELS:
        raise InvalidInput(f"Action de journal inconnue : « {action} ».")
    return (at or datetime.now()).replace(microsecond=0)


def _entry_values(
    last: tuple[int, str] | None,
    when: datetime,
    actor: str,
    action: str,
    target: str | None,
    details: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The new entry's columns, chained after ``last`` (seq, hash) or opening the log."""
    seq, prev_hash = (1, GENESIS) if last is None else (last[0] + 1, last[1])
    text = canonical_details(details)
    return {
        "seq": seq,
        "at": when,
        "actor": actor,
        "action": action,
        "target": target,
        "details": text,
        "prev_hash": prev_hash,
        "hash": entry_hash(seq, when, actor, action, target, text, prev_hash),
    }
