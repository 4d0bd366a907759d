"""Reading the audit log back: the entries of a span of days, filtered in SQL.

The command line reads them oldest first (:func:`list_entries`); the admin's screen reads them
newest first, one page at a time (:func:`entries_page`, keyset on ``seq``), so a log of
100,000 entries opens as fast as one of ten.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, Select, and_, func, or_, select, true

from sarah.db import read_connection
from sarah.schema import audit_log
from sarah.services.audit.actions import ACTION_LABELS, action_label


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


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to read: days (both included; None: no bound), exact actors and actions
    (empty: all), and a text found in the actor, the target, the details or the action's words."""

    start: date | None = None
    end: date | None = None
    actors: frozenset[str] = field(default_factory=frozenset)
    actions: frozenset[str] = field(default_factory=frozenset)
    text: str = ""

    @property
    def empty(self) -> bool:
        return self == AuditFilter()


def _details(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"texte": text}  # edited by hand: shown as it is (the chain check says so)
    return value if isinstance(value, dict) else {"valeur": value}


def _fold(text: str) -> str:
    """Lower case without accents, to compare what a person types with stored words."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def actions_matching(text: str) -> frozenset[str]:
    """The action words whose code or French label contains ``text`` (case and accents aside)."""
    wanted = _fold(text.strip())
    return frozenset(
        code
        for code, label in ACTION_LABELS.items()
        if wanted in _fold(code) or wanted in _fold(label)
    )


def _conditions(wanted: AuditFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if wanted.start is not None:
        found.append(audit_log.c.at >= datetime.combine(wanted.start, time.min))
    if wanted.end is not None:
        found.append(audit_log.c.at < datetime.combine(wanted.end + timedelta(days=1), time.min))
    if wanted.actors:
        found.append(audit_log.c.actor.in_(sorted(wanted.actors)))
    if wanted.actions:
        found.append(audit_log.c.action.in_(sorted(wanted.actions)))
    text = wanted.text.strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        words = [
            audit_log.c.actor.ilike(pattern, escape="\\"),
            audit_log.c.target.ilike(pattern, escape="\\"),
            audit_log.c.details.ilike(pattern, escape="\\"),
        ]
        labelled = actions_matching(text)
        if labelled:
            words.append(audit_log.c.action.in_(sorted(labelled)))
        found.append(or_(*words))
    return found


_COLUMNS = (
    audit_log.c.seq,
    audit_log.c.at,
    audit_log.c.actor,
    audit_log.c.action,
    audit_log.c.target,
    audit_log.c.details,
)


def _query(wanted: AuditFilter) -> Select[Any]:
    return select(*_COLUMNS).where(and_(true(), *_conditions(wanted)))


def _entries(rows: Iterable[Any]) -> Iterator[AuditEntry]:
    for r in rows:
        yield AuditEntry(r.seq, r.at, r.actor, r.action, r.target, _details(r.details))


def list_entries(
    engine: Engine,
    start: date | None = None,
    end: date | None = None,
    *,
    wanted: AuditFilter | None = None,
) -> list[AuditEntry]:
    """Entries from ``start`` to ``end`` (both days included; None: no bound), in seq order;
    ``wanted`` adds actors, actions and a text (its own days, when given, win)."""
    chosen = wanted or AuditFilter()
    if start is not None or end is not None:
        chosen = AuditFilter(start, end, chosen.actors, chosen.actions, chosen.text)
    with read_connection(engine) as conn:
        return list(_entries(conn.execute(_query(chosen).order_by(audit_log.c.seq))))


def count_entries(engine: Engine, wanted: AuditFilter) -> int:
    """How many entries ``wanted`` selects."""
    query = select(func.count()).select_from(audit_log).where(and_(true(), *_conditions(wanted)))
    with read_connection(engine) as conn:
        return int(conn.execute(query).scalar_one())


def entries_page(
    engine: Engine, wanted: AuditFilter, *, before: int | None = None, limit: int = 500
) -> list[AuditEntry]:
    """Up to ``limit`` entries selected by ``wanted``, newest first, all older than seq
    ``before`` (None: from the newest)."""
    query = _query(wanted)
    if before is not None:
        query = query.where(audit_log.c.seq < before)
    query = query.order_by(audit_log.c.seq.desc()).limit(limit)
    with read_connection(engine) as conn:
        return list(_entries(conn.execute(query)))


def iter_entries_newest_first(
    engine: Engine, wanted: AuditFilter, *, page: int = 2000
) -> Iterator[AuditEntry]:
    """Every entry ``wanted`` selects, newest first, read a page at a time (for an export)."""
    before: int | None = None
    while True:
        chunk = entries_page(engine, wanted, before=before, limit=page)
        yield from chunk
        if len(chunk) < page:
            return
        before = chunk[-1].seq


def actors_seen(engine: Engine) -> list[str]:
    """Every name the log holds as actor, in alphabetical order (case and accents aside)."""
    with read_connection(engine) as conn:
        names = conn.execute(select(audit_log.c.actor).distinct()).scalars().all()
    return sorted(names, key=lambda n: (_fold(n), n))


def actors_named(engine: Engine, name: str) -> frozenset[str]:
    """The stored actors that are ``name`` once case and accents are set aside (exact otherwise):
    SQL's lower() knows no accents, so the comparison is made here on the few names seen."""
    wanted = _fold(name.strip())
    return frozenset(n for n in actors_seen(engine) if _fold(n.strip()) == wanted)
