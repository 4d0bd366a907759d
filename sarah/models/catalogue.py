from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sarah.models.base import Base, Travelling


class Service(Travelling, Base):
    """A catalogue service. Its code is stable; its label may change; a used one is only retired."""

    __tablename__ = "services"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    shortcut: Mapped[str | None] = mapped_column(String(1), default=None)
