"""Declarative base on the Core tables of sarah.schema, and the columns every travelling row has."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase, Mapped

from sarah.schema import metadata, new_id

__all__ = ["Base", "Travelling", "new_id"]


class Base(DeclarativeBase):
    metadata = metadata
    # Every model here maps a plain Table of sarah.schema, which Core insert()/update() accept.
    __table__: ClassVar[Table]


class Travelling:
    """The typed attributes of the columns of ``sarah.schema.travelling_columns``."""

    id: Mapped[uuid.UUID]
    revision: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
    origin_site_id: Mapped[uuid.UUID | None]
    changed_by: Mapped[uuid.UUID | None]
