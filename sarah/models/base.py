"""Declarative base and the columns every travelling row carries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, Table, Uuid, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names so that alembic batch migrations can find them on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every model here maps a plain Table (SQLAlchemy types it as any FromClause), which Core
    # insert()/update() accept.
    __table__: ClassVar[Table]


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class Travelling:
    """Columns that let a row be merged at any site, in any order, any number of times.

    - ``id``: a UUID made where the row is born, never reused;
    - ``origin_site_id``: the site whose installation created the row;
    - ``revision``: the origin site's revision counter when the row last changed (PC clocks
      drift, a counter does not);
    - ``deleted_at``: deleting is soft everywhere, the tombstone travels too.
    """

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.current_timestamp(), onupdate=func.current_timestamp()
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    @declared_attr
    def origin_site_id(cls) -> Mapped[uuid.UUID | None]:  # noqa: N805
        return mapped_column(Uuid, ForeignKey("sites.id"), nullable=True)
