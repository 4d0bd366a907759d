"""Right of access: everything SARAH holds about one person, as JSON or as a readable PDF.

What is gathered (:func:`read_person`): the identity (names, sex, birth date, when the record
was created and last changed, its site of origin); every contact of the person, deleted ones
included (date, time, site, channel, services' labels, agent, when it was typed in, deleted or
not); the merge traces involving the person (records of the same person merged into this one,
with the profiles they kept); the audit entries whose target is the person or one of those
traces. A record merged into another opens the surviving one. An erased person cannot be
exported: nothing left designates them.

The JSON file (UTF-8, :func:`export_json`) is one object::

    {"format": "sarah.person-export", "version": 1,
     "produced_at": "2026-12-02T10:30:00", "produced_by": "marie", "program": "SARAH 1.2.0",
     "person": {"id", "last_name", "first_name", "sex" ("F", "H" or null), "birth_date"
                (AAAA-MM-JJ or null), "created_at", "updated_at", "origin_site" (or null),
                "neighbourhood" (its label, or null)},
     "contacts": [{"id", "date", "time" (HH:MM), "site", "channel" ("physique"|"telephone"),
                   "services": [labels], "agent", "entered_at", "deleted", "deleted_at"}],
     "merges": [{"id", "merged_at", "survivor_id", "absorbed_id", "moved_contacts", "agent",
                 "undone_at", "survivor_profile", "absorbed_profile"}],
     "audit": [{"seq", "at", "actor", "action", "label", "target", "details"}]}

Contacts are in the order they happened. A profile in a merge trace is
``{"last_name", "first_name", "sex", "birth_date"}``, or null when the record it describes is
not this person's (a merge undone because the two records were two people).

Writing the file (:func:`export_person`) is all or nothing (``sarah.exports.files``), and
audited: action ``export_named``, target the person's id, details the file name and format,
never a name.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

import sarah
from sarah.db import read_session, write_session
from sarah.errors import InvalidInput, UserError
from sarah.exports.files import write_atomically
from sarah.models import (
    Contact,
    Neighbourhood,
    Service,
    Site,
    Visitor,
    VisitorMerge,
    contact_services,
)
from sarah.schema import audit_log
from sarah.services.audit.actor import current_actor
from sarah.services.audit.listing import AuditEntry
from sarah.services.audit.log import record
from sarah.services.privacy.person_find import resolve_person
from sarah.services.text import fold
from sarah.services.visitor_history import ContactLine
from sarah.services.visitors import display_name

FORMAT_NAME = "sarah.person-export"
FORMAT_VERSION = 1
FORMATS = ("pdf", "json")


@dataclass(frozen=True)
class HeldContact(ContactLine):
    """A contact as the person page lists it, deleted ones too (the export holds them all)."""

    deleted_at: datetime | None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class HeldMerge:
    """A merge trace involving the person; a profile is None when it is another person's."""

    id: uuid.UUID
    merged_at: datetime
    survivor_id: uuid.UUID
    absorbed_id: uuid.UUID
    moved_contacts: int
    agent: str | None
    undone_at: datetime | None
    survivor_profile: dict[str, Any] | None
    absorbed_profile: dict[str, Any] | None


@dataclass(frozen=True)
class PersonData:
    """Everything held about one person, read in one transaction."""

    id: uuid.UUID
    last_name: str
    first_name: str
    sex: str | None
    birth_date: date | None
    created_at: datetime
    updated_at: datetime
    origin_site: str | None
    neighbourhood: str | None  # its label (the network's list), None when not given
    contacts: tuple[HeldContact, ...]
    merges: tuple[HeldMerge, ...]
    audit: tuple[AuditEntry, ...]
    produced_at: datetime
    produced_by: str
    program: str

    @property
    def display_name(self) -> str:
        return display_name(self.last_name, self.first_name)


@dataclass(frozen=True)
class ExportDone:
    path: Path
    format: str
    contacts: int
    person_id: uuid.UUID


# --- reading everything ---------------------------------------------------------------------


def _profile(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return {"texte": text}
    return value if isinstance(value, dict) else {"valeur": value}


def _records_of(s: Session, person_id: uuid.UUID) -> set[uuid.UUID]:
    """The person's record and every record merged into it, however deep (live merges)."""
    ids, frontier = {person_id}, [person_id]
    while frontier:
        found = set(
            s.scalars(
                select(VisitorMerge.absorbed_id).where(
                    VisitorMerge.survivor_id.in_(frontier), VisitorMerge.deleted_at.is_(None)
                )
            )
        ) | set(s.scalars(select(Visitor.id).where(Visitor.merged_into_id.in_(frontier))))
        frontier = sorted(found - ids)
        ids |= found
    return ids


def _contacts(s: Session, ids: set[uuid.UUID]) -> tuple[HeldContact, ...]:
    rows = s.execute(
        select(Contact, Site.name)
        .join(Site, Site.id == Contact.site_id)
        .where(Contact.visitor_id.in_(ids))
        .order_by(Contact.local_date, Contact.local_time, Contact.entered_at)
    ).all()
    labels: dict[uuid.UUID, list[str]] = {}
    for cid, label in s.execute(
        select(contact_services.c.contact_id, Service.label)
        .join(Service, Service.id == contact_services.c.service_id)
        .join(Contact, Contact.id == contact_services.c.contact_id)
        .where(Contact.visitor_id.in_(ids))
        .order_by(Service.position)
    ):
        labels.setdefault(cid, []).append(label)
    return tuple(
        HeldContact(
            c.id,
            c.local_date,
            c.local_time,
            site,
            c.channel,
            tuple(labels.get(c.id, ())),
            c.agent,
            c.entered_at,
            c.deleted_at,
        )
        for c, site in rows
    )


def _merges(s: Session, ids: set[uuid.UUID]) -> tuple[HeldMerge, ...]:
    traces = s.scalars(
        select(VisitorMerge)
        .where(or_(VisitorMerge.survivor_id.in_(ids), VisitorMerge.absorbed_id.in_(ids)))
        .order_by(VisitorMerge.merged_at, VisitorMerge.id)
    ).all()
    return tuple(
        HeldMerge(
            m.id,
            m.merged_at,
            m.survivor_id,
            m.absorbed_id,
            m.moved_contacts,
            m.agent,
            m.deleted_at,
            # A merge undone joined two people: the other one's profile is not this person's.
            _profile(m.survivor_profile) if m.survivor_id in ids else None,
            _profile(m.absorbed_profile) if m.absorbed_id in ids else None,
        )
        for m in traces
    )


def _audit(s: Session, targets: Iterable[str]) -> tuple[AuditEntry, ...]:
    t = audit_log.c
    rows = s.execute(
        select(t.seq, t.at, t.actor, t.action, t.target, t.details)
        .where(t.target.in_(sorted(targets)))
        .order_by(t.seq)
    ).all()
    return tuple(
        AuditEntry(r.seq, r.at, r.actor, r.action, r.target, _profile(r.details)) for r in rows
    )


def read_person(
    engine: Engine, visitor_id: uuid.UUID, *, produced_by: str | None = None
) -> PersonData:
    """Everything held about the person ``visitor_id`` (a merged record: its survivor)."""
    with read_session(engine) as s:
        v = resolve_person(s, visitor_id)
        ids = _records_of(s, v.id)
        merges = _merges(s, ids)
        origin = s.get(Site, v.origin_site_id) if v.origin_site_id else None
        place = s.get(Neighbourhood, v.neighbourhood_id) if v.neighbourhood_id else None
        return PersonData(
            id=v.id,
            last_name=v.last_name,
            first_name=v.first_name,
            sex=v.sex,
            birth_date=v.birth_date,
            created_at=v.created_at,
            updated_at=v.updated_at,
            origin_site=origin.name if origin else None,
            neighbourhood=place.label if place else None,
            contacts=_contacts(s, ids),
            merges=merges,
            audit=_audit(s, {str(i) for i in ids} | {str(m.id) for m in merges}),
            produced_at=datetime.now().replace(microsecond=0),
            produced_by=produced_by or current_actor(),
            program=f"SARAH {sarah.__version__}",
        )


# --- JSON -----------------------------------------------------------------------------------


def _when(value: datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() if value else None


def export_json(data: PersonData) -> dict[str, Any]:
    """The documented JSON object (module docstring)."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "produced_at": _when(data.produced_at),
        "produced_by": data.produced_by,
        "program": data.program,
        "person": {
            "id": str(data.id),
            "last_name": data.last_name,
            "first_name": data.first_name,
            "sex": data.sex,
            "birth_date": data.birth_date.isoformat() if data.birth_date else None,
            "created_at": _when(data.created_at),
            "updated_at": _when(data.updated_at),
            "origin_site": data.origin_site,
            "neighbourhood": data.neighbourhood,
        },
        "contacts": [
            {
                "id": str(c.id),
                "date": c.local_date.isoformat(),
                "time": f"{c.local_time:%H:%M}",
                "site": c.site,
                "channel": c.channel,
                "services": list(c.services),
                "agent": c.agent,
                "entered_at": _when(c.entered_at),
                "deleted": c.deleted,
                "deleted_at": _when(c.deleted_at),
            }
            for c in data.contacts
        ],
        "merges": [
            {
                "id": str(m.id),
                "merged_at": _when(m.merged_at),
                "survivor_id": str(m.survivor_id),
                "absorbed_id": str(m.absorbed_id),
                "moved_contacts": m.moved_contacts,
                "agent": m.agent,
                "undone_at": _when(m.undone_at),
                "survivor_profile": m.survivor_profile,
                "absorbed_profile": m.absorbed_profile,
            }
            for m in data.merges
        ],
        "audit": [
            {
                "seq": e.seq,
                "at": _when(e.at),
                "actor": e.actor,
                "action": e.action,
                "label": e.label,
                "target": e.target,
                "details": e.details,
            }
            for e in data.audit
        ],
    }


def json_bytes(data: PersonData) -> bytes:
    return (json.dumps(export_json(data), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- writing the file -----------------------------------------------------------------------


def format_for(path: Path, wanted: str | None) -> str:
    """``wanted`` when given, else from the file's extension (.pdf or .json)."""
    if wanted:
        if wanted not in FORMATS:
            raise InvalidInput(f"Format « {wanted} » inconnu : pdf ou json.")
        return wanted
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise InvalidInput(
        f"Format de {path.name} inconnu : donnez un nom en .pdf ou .json, ou --format pdf|json."
    )


def export_person(
    engine: Engine,
    visitor_id: uuid.UUID,
    path: str | Path,
    fmt: str,
    *,
    pdf: Callable[[PersonData], bytes] | None = None,
    produced_by: str | None = None,
) -> ExportDone:
    """Write everything held about the person to ``path`` (all of it or nothing), then audit
    the export. ``pdf`` makes the PDF's bytes (Qt, in sarah.ui: the core has no Qt)."""
    target = Path(path)
    data = read_person(engine, visitor_id, produced_by=produced_by)
    if fmt == "json":
        content = json_bytes(data)
    elif fmt == "pdf" and pdf is not None:
        content = pdf(data)
    else:
        raise UserError(f"Format « {fmt} » impossible ici : pdf ou json.")
    written = write_atomically(target, lambda fh: fh.write(content))
    with write_session(engine) as s:
        record(
            s,
            current_actor(),
            "export_named",
            str(data.id),
            {
                "file": audited_file_name(written.name, data),
                "format": fmt,
                "contacts": len(data.contacts),
            },
        )
    return ExportDone(written, fmt, len(data.contacts), data.id)


def audited_file_name(name: str, data: PersonData) -> str:
    """The file name as the audit entry keeps it: as is, unless it holds the person's last or
    first name (« dupont.pdf »): the entry outlives the identity, so only the extension stays."""
    folded = fold(name)
    words = {w for w in fold(f"{data.last_name} {data.first_name}").replace("-", " ").split()}
    if any(len(w) > 2 and w in folded for w in words):
        return f"*{Path(name).suffix} (nom non noté : il contient le nom de la personne)"
    return name
