from __future__ import annotations

from sqlalchemy.orm import Mapped

from sarah import schema
from sarah.models.base import Base, Travelling


class Service(Travelling, Base):
    """A catalogue service. Its code is stable; its label may change; a used one is only retired."""

    __table__ = schema.services

    code: Mapped[str]
    label: Mapped[str]
    position: Mapped[int]
    retired: Mapped[bool]
    shortcut: Mapped[str | None]
