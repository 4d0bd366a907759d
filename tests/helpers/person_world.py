"""One person as the right-of-access tests see them: contacts at two Points Relais, a second
record of the same person (typed at the other site) merged into the first, a deleted contact;
and a look-alike, another person, for the search to hesitate between."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import Engine

from sarah.services.catalogue import list_services
from sarah.services.contacts import ContactDraft, delete_contact, log_contact
from sarah.services.sites import ensure_site
from sarah.services.visitors import VisitorInfo, create_visitor, merge_visitors


@dataclass(frozen=True)
class PersonWorld:
    lea: VisitorInfo  # DUPONT Léa, the person who asks
    twin: VisitorInfo  # DUPONT Lea, her second record typed at Fontaine d'Ouche, merged into hers
    other: VisitorInfo  # DUPUIS Marc, someone else
    contacts: dict[str, uuid.UUID]  # her contacts by a short name
    deleted: uuid.UUID  # the one of hers that was deleted
    others_contact: uuid.UUID


def _log(
    engine: Engine,
    site_id: uuid.UUID,
    who: VisitorInfo,
    day: date,
    channel: str,
    services: list[uuid.UUID],
) -> uuid.UUID:
    draft = ContactDraft(
        site_id=site_id,
        channel=channel,
        local_date=day,
        local_time=time(10, 30),
        visitor_id=who.id,
        service_ids=services,
        agent="Nadia B.",
    )
    return log_contact(engine, draft).id


def build_person_world(engine: Engine) -> PersonWorld:
    gresilles = ensure_site(engine, "Grésilles")
    fontaine = ensure_site(engine, "Fontaine d'Ouche")
    services = [s.id for s in list_services(engine)]
    lea = create_visitor(
        engine,
        last_name="Dupont",
        first_name="Léa",
        sex="F",
        birth_date=date(1990, 4, 3),
        site_id=gresilles.id,
    )
    twin = create_visitor(engine, last_name="Dupont", first_name="Lea", site_id=fontaine.id)
    other = create_visitor(
        engine,
        last_name="Dupuis",
        first_name="Marc",
        sex="H",
        birth_date=date(1985, 1, 2),
        site_id=fontaine.id,
    )
    contacts = {
        "first": _log(engine, gresilles.id, lea, date(2026, 3, 2), "physique", services[:2]),
        "call": _log(engine, gresilles.id, lea, date(2026, 3, 9), "telephone", services[2:3]),
        "at_fontaine": _log(engine, fontaine.id, twin, date(2026, 4, 1), "physique", services[3:4]),
    }
    deleted = _log(engine, gresilles.id, lea, date(2026, 3, 5), "physique", [])
    delete_contact(engine, deleted)
    others = _log(engine, fontaine.id, other, date(2026, 4, 2), "physique", services[:1])
    merge_visitors(engine, lea.id, twin.id, site_id=gresilles.id, agent="Nadia B.")
    return PersonWorld(lea, twin, other, contacts, deleted, others)
