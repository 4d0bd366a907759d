"""Versions that order every change made anywhere in a network (docs/sync.md).

A travelling row's version is (``revision``, ``changed_by``). ``revision`` comes from the
installation's Lamport clock: each change takes clock + 1, and each sync import moves the clock
past the highest revision it received, so a change made after seeing another one always has the
higher revision, whatever the PCs' clocks say. ``changed_by`` is the installation that made the
change: the tie-break between two changes made at the same count at two installations.

ORM writes get ``changed_by`` by themselves (the session hook below); Core bulk writes (imports,
demo, merges' contact moves) pass :func:`this_installation` in their rows.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

from sqlalchemy import Connection, Insert, Table, bindparam, event, insert, select, update
from sqlalchemy.orm import Session, attributes

from sarah.models.base import Travelling
from sarah.schema import installation

_INSTALLATION_KEY = "sarah.installation_id"


def _advance_clock() -> Any:
    """The clock + 1, returning the new clock and this installation's id."""
    return (
        update(installation)
        .values(clock=installation.c.clock + 1)
        .returning(installation.c.clock, installation.c.id)
    )


def next_revision(bind: Session | Connection) -> int:
    """The revision of a change made now, inside the caller's transaction: the installation's
    clock, advanced. Every change takes one, with or without a site (a coordination post's
    catalogue edit too): a change that kept its old revision would lose against the version it
    replaces. The backups' "has anything changed?" reads the clock as well."""
    clock, me = bind.execute(_advance_clock()).one()
    # The flush that follows stamps changed_by: the id read here saves it a round trip while
    # the clock row is held (every other desk's save waits for it on a server).
    if isinstance(bind, Session):
        bind.info[_INSTALLATION_KEY] = me
    return int(clock)


def insert_changed_here(bind: Session | Connection, table: Table, values: dict[str, Any]) -> None:
    """Insert one travelling row changed here now: the next revision, this installation.

    On a server the clock row is the lock every other desk's save waits for, held until COMMIT:
    there the clock's advance and the insert are one statement (one round trip fewer while it is
    held). SQLite writes one transaction at a time anyway.
    """
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    if engine.dialect.name != "postgresql":
        revision = next_revision(bind)  # reads this installation's id with the clock
        bind.execute(
            insert(table).values(**values, revision=revision, changed_by=this_installation(bind))
        )
        return
    bind.execute(_insert_with_clock(table, tuple(values)), {f"v_{k}": v for k, v in values.items()})


@functools.cache
def _insert_with_clock(table: Table, columns: tuple[str, ...]) -> Insert:
    """INSERT ... SELECT of the given columns and the advanced clock, built once per shape.

    The values' parameters are named ``v_<column>``: a parameter named after a column of
    ``installation`` (``id``...) would join the clock's UPDATE as a SET."""
    clock = _advance_clock().cte("clock")
    row = select(
        *(bindparam(f"v_{name}", type_=table.c[name].type) for name in columns),
        clock.c.clock,
        clock.c.id,
    )
    return insert(table).from_select([*columns, "revision", "changed_by"], row)


def this_installation(bind: Session | Connection) -> uuid.UUID:
    """This installation's id (what ``changed_by`` holds for a change made here)."""
    if isinstance(bind, Session) and _INSTALLATION_KEY in bind.info:
        return uuid.UUID(str(bind.info[_INSTALLATION_KEY]))
    value = bind.execute(select(installation.c.id)).scalar_one()
    if isinstance(bind, Session):
        bind.info[_INSTALLATION_KEY] = value
    return uuid.UUID(str(value))


@event.listens_for(Session, "before_flush")
def _stamp_changes(session: Session, _context: Any, _instances: Any) -> None:
    """A travelling row added, or given a new revision, through the ORM was changed here."""
    changed = [obj for obj in session.new if isinstance(obj, Travelling)] + [
        obj
        for obj in session.dirty
        if isinstance(obj, Travelling) and attributes.get_history(obj, "revision").added
    ]
    if changed:
        me = this_installation(session)
        for obj in changed:
            obj.changed_by = me
