"""How an import's contact rows and their services are handed to the database in bulk: each
value already in the form SQLAlchemy stores it on SQLite, through the dialect's processors on
other databases."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import column, insert, table
from sqlalchemy.orm import Session

from sarah.models import Contact, contact_services

_CONTACT_KEYS = (
    "id",
    "site_id",
    "local_date",
    "local_time",
    "entered_at",
    "channel",
    "visitor_id",
    "agent",
    "import_key",
    "origin_site_id",
    "revision",
    "changed_by",
)
_LINK_KEYS = ("contact_id", "service_id")


class Formats:
    """How contact rows are handed to the database.

    On SQLite, values come already in the form SQLAlchemy stores them (each type's own bind
    processor, applied once per distinct date or time; ids as 32 hex digits) and each batch goes
    to the driver's ``executemany`` as a list of dicts, with the SQL of a Core ``insert()``
    compiled once: no per-value work is left in Python, which halves its share of a large
    import. Elsewhere (PostgreSQL) the typed Core insert is executed with the same dicts.
    """

    def __init__(self, dialect: Any) -> None:
        typed = Contact.__table__
        self.raw = dialect.name == "sqlite"
        if not self.raw:
            return
        named = type(dialect)(paramstyle="named")

        def insert_sql(target: Any, keys: tuple[str, ...]) -> str:
            plain = table(target.name, *(column(k) for k in keys))
            return str(insert(plain).compile(dialect=named, column_keys=list(keys)))

        self._contacts_sql = insert_sql(typed, _CONTACT_KEYS)
        self._links_sql = insert_sql(contact_services, _LINK_KEYS)

        def processor(name: str) -> Callable[[Any], Any]:
            kind = typed.c[name].type
            return kind.dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)

        self._date = processor("local_date")
        self._time = processor("local_time")
        self._datetime = processor("entered_at")

    def insert_contacts(self, session: Session, rows: list[dict[str, Any]]) -> None:
        if self.raw:
            session.connection().exec_driver_sql(self._contacts_sql, rows)
        else:
            session.execute(insert(Contact.__table__), rows)

    def insert_links(self, session: Session, rows: list[dict[str, Any]]) -> None:
        if self.raw:
            session.connection().exec_driver_sql(self._links_sql, rows)
        else:
            session.execute(insert(contact_services), rows)

    def id(self, value: uuid.UUID) -> object:
        return value.hex if self.raw else value

    def date(self, value: date) -> object:
        return self._date(value) if self.raw else value

    def time(self, value: time) -> object:
        return self._time(value) if self.raw else value

    def datetime(self, value: datetime) -> object:
        return self._datetime(value) if self.raw else value

    def ids(self, ids: list[bytes]) -> list[Any]:
        return [b.hex() for b in ids] if self.raw else [uuid.UUID(bytes=b) for b in ids]
