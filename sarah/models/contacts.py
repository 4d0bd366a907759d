from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Time,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from sarah.models.base import Base, Travelling


class Contact(Travelling, Base):
    """One visit or one phone call at a site."""

    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint("channel IN ('physique', 'telephone')", name="channel"),
        # Reports: contacts of a period at a site.
        Index("ix_contacts_site_date", "site_id", "local_date"),
        # People tables: a person's contacts (first contact ever per site).
        Index("ix_contacts_visitor_site_date", "visitor_id", "site_id", "local_date"),
    )

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    # The wall-clock date and time of the contact, as the agent saw it (no time zone).
    local_date: Mapped[date] = mapped_column(Date)
    local_time: Mapped[time] = mapped_column(Time)
    # When it was typed in: differs from the contact's time for catch-up entry.
    entered_at: Mapped[datetime] = mapped_column(DateTime)
    channel: Mapped[str] = mapped_column(String(10))
    visitor_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("visitors.id"), default=None
    )
    agent: Mapped[str | None] = mapped_column(String(120), default=None)
    # Fingerprint of the source row for contacts that came from a spreadsheet import, so that
    # importing the same file again adds nothing.
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)


# The services a contact delivered. A service counts at most once per contact (primary key).
# These rows have no life of their own: they travel with their contact and its revision.
contact_services = Table(
    "contact_services",
    Base.metadata,
    Column("contact_id", Uuid, ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", Uuid, ForeignKey("services.id"), primary_key=True),
    Index("ix_contact_services_service", "service_id", "contact_id"),
)
