"""The service catalogue: stable codes, changeable labels, an order, retired flags."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, select

from sarah.db import read_session
from sarah.models import Service


@dataclass(frozen=True)
class ServiceInfo:
    id: uuid.UUID
    code: str
    label: str
    position: int
    retired: bool
    shortcut: str | None


def list_services(engine: Engine, *, include_retired: bool = True) -> list[ServiceInfo]:
    """The catalogue in its order."""
    with read_session(engine) as s:
        stmt = select(Service).where(Service.deleted_at.is_(None)).order_by(Service.position)
        if not include_retired:
            stmt = stmt.where(Service.retired.is_(False))
        return [
            ServiceInfo(r.id, r.code, r.label, r.position, r.retired, r.shortcut)
            for r in s.scalars(stmt)
        ]
