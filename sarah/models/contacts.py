from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy.orm import Mapped

from sarah import schema
from sarah.models.base import Base, Travelling

# The services a contact delivered (a plain table: its rows travel with their contact).
contact_services = schema.contact_services


class Contact(Travelling, Base):
    """One visit or one phone call at a site."""

    __table__ = schema.contacts

    site_id: Mapped[uuid.UUID]
    local_date: Mapped[date]
    local_time: Mapped[time]
    entered_at: Mapped[datetime]
    channel: Mapped[str]
    visitor_id: Mapped[uuid.UUID | None]
    agent: Mapped[str | None]
    import_key: Mapped[str | None]
    age_years: Mapped[int | None]  # written when the person's identity is erased
    neighbourhood_id: Mapped[uuid.UUID | None]  # likewise
