from __future__ import annotations

from sqlalchemy.orm import Mapped

from sarah import schema
from sarah.models.base import Base, Travelling


class Neighbourhood(Travelling, Base):
    """A neighbourhood of residence of the coordinator's list (a QPV, "hors QPV")."""

    __table__ = schema.neighbourhoods

    label: Mapped[str]
    priority: Mapped[bool]  # a quartier prioritaire de la politique de la ville
    position: Mapped[int]
    retired: Mapped[bool]
    shortcut: Mapped[str | None]
