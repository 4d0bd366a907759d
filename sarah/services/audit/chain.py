"""The hash chain of the audit log and its check.

Each entry's ``hash`` is SHA-256 over a canonical JSON of (seq, at, actor, action, target,
details, prev_hash), and ``prev_hash`` is the previous entry's ``hash`` (:data:`GENESIS` for the
very first). Editing an entry changes what its hash should be; removing one leaves a gap in
``seq`` and a ``prev_hash`` that no longer follows; swapping two puts a seq in a hash that was
computed for another. The chain is not keyed: someone who rewrites every hash after an edit is
not caught (docs/securite.md says what the log protects against).

After a retention purge the oldest kept entry's ``prev_hash`` is the *anchor*: the hash of the
last removed entry, written in the ``purge`` entry's details (``anchor``, ``first_kept``). The
check accepts a chain that starts at such an anchor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Engine, select

from sarah.db import read_connection
from sarah.schema import audit_log, installation
from sarah.vocabulary import count_of

GENESIS = "0" * 64


def canonical_details(details: Mapping[str, Any] | None) -> str | None:
    """The text stored in ``details``: sorted keys, no spaces, so one object has one text."""
    if details is None:
        return None
    return json.dumps(dict(details), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target: str | None,
    details: str | None,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of one entry; ``details`` is the stored text (see :func:`canonical_details`)."""
    fields = {
        "seq": seq,
        "at": at.isoformat(),
        "actor": actor,
        "action": action,
        "target": target,
        "details": details,
        "prev_hash": prev_hash,
    }
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ChainRow(Protocol):
    """One stored entry, as the check reads it (a SQLAlchemy row of :data:`audit_log`)."""

    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def target(self) -> str | None: ...
    @property
    def details(self) -> str | None: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


@dataclass(frozen=True)
class ChainCheck:
    """The verdict on the whole log: intact, or the first seq where it breaks and why."""

    entries: int  # how many entries were found sound (all of them when intact)
    broken_at: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None

    @property
    def message(self) -> str:
        if self.intact:
            return f"journal intègre ({count_of(self.entries, 'entrée')})"
        return f"journal rompu à l'entrée n° {self.broken_at} : {self.reason}"


Break = tuple[int, str]  # the seq where the chain breaks, and why (French)


def _anchors(purge_details: Iterable[str | None]) -> dict[str, int]:
    """anchor hash -> first kept seq, from the ``purge`` entries' details."""
    found: dict[str, int] = {}
    for details in purge_details:
        try:
            value = json.loads(details or "{}")
            found[str(value["anchor"])] = int(value["first_kept"])
        except (ValueError, KeyError, TypeError):
            continue  # a purge entry without an anchor explains nothing; its hash is checked
    return found


def _start_problem(row: ChainRow, anchors: Mapping[str, int]) -> Break | None:
    """Whether the oldest entry may start the chain: genesis at seq 1, or a recorded anchor."""
    if row.seq == 1:
        return None if row.prev_hash == GENESIS else (1, "elle n'ouvre plus le journal (modifiée)")
    if row.prev_hash != GENESIS and anchors.get(row.prev_hash) == row.seq:
        return None
    missing = row.seq - 1
    return (missing, f"l'entrée n° {missing} a disparu (aucune purge enregistrée ne l'explique)")


def _link_problem(row: ChainRow, previous: ChainRow) -> Break | None:
    """Whether ``row`` follows ``previous``: the next seq, and its prev_hash is their hash."""
    if row.seq != previous.seq + 1:
        missing = previous.seq + 1
        return (missing, f"l'entrée n° {missing} a été supprimée")
    if row.prev_hash != previous.hash:
        return (row.seq, f"elle ne suit pas l'entrée n° {previous.seq} (insérée ou déplacée)")
    return None


def _content_problem(row: ChainRow) -> Break | None:
    expected = entry_hash(
        row.seq, row.at, row.actor, row.action, row.target, row.details, row.prev_hash
    )
    if expected != row.hash:
        return (row.seq, "son contenu ne correspond plus à son empreinte (modifiée)")
    return None


def check_rows(rows: Iterable[ChainRow], anchors: Mapping[str, int]) -> ChainCheck:
    """The verdict on entries given in seq order; ``anchors`` maps a purge's anchor hash to
    the first seq it kept."""
    previous: ChainRow | None = None
    count = 0
    for row in rows:
        problem = (
            _start_problem(row, anchors) if previous is None else _link_problem(row, previous)
        ) or _content_problem(row)
        if problem is not None:
            return ChainCheck(count, *problem)
        previous, count = row, count + 1
    return ChainCheck(count)


def verify_chain(engine: Engine) -> ChainCheck:
    """Check every entry of the log, oldest first (streamed: the log may be long)."""
    columns = (
        audit_log.c.seq,
        audit_log.c.at,
        audit_log.c.actor,
        audit_log.c.action,
        audit_log.c.target,
        audit_log.c.details,
        audit_log.c.prev_hash,
        audit_log.c.hash,
    )
    with read_connection(engine) as conn:
        anchors = _anchors(
            conn.execute(select(audit_log.c.details).where(audit_log.c.action == "purge")).scalars()
        )
        verdict = check_rows(conn.execute(select(*columns).order_by(audit_log.c.seq)), anchors)
        if not verdict.intact:
            return verdict
        last = conn.execute(
            select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
        ).first()
        head = conn.execute(select(installation.c.audit_seq, installation.c.audit_hash)).first()
    return _end_problem(verdict, last, head) or verdict


def _end_problem(verdict: ChainCheck, last: Any, head: Any) -> ChainCheck | None:
    """The newest entry is the one the installation noted with it: entries removed from the
    end of the log (which no link can show) are found this way."""
    if head is None or head[0] is None:
        return None  # nothing noted yet (a log written before the note existed)
    if last is None or (int(last[0]), str(last[1])) != (int(head[0]), str(head[1])):
        kept = 0 if last is None else int(last[0])
        return ChainCheck(
            verdict.entries,
            kept + 1,
            f"la fin du journal a été retirée ou modifiée (la dernière entrée notée est la n° "
            f"{head[0]})",
        )
    return None
