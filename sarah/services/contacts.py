"""Contacts: log one, edit it, delete it (softly) and bring it back."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import (
    Engine,
    Select,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    true,
)
from sqlalchemy.orm import Session

from sarah.db import read_session, write_session
from sarah.errors import InvalidInput
from sarah.models import Contact, contact_services
from sarah.schema import services, sites, visitors
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record
from sarah.services.revisions import insert_changed_here, next_revision
from sarah.vocabulary import CHANNELS


@dataclass(frozen=True)
class ContactDraft:
    """What the agent typed. ``visitor_id`` None is an anonymous contact."""

    site_id: uuid.UUID
    channel: str
    local_date: date
    local_time: time
    visitor_id: uuid.UUID | None = None
    service_ids: Sequence[uuid.UUID] = field(default_factory=tuple)
    agent: str | None = None
    # Made once per entry by the form: a save whose COMMIT answer was lost (a server gone
    # mid-save) and is tried again records the entry once, as last typed, never twice.
    contact_id: uuid.UUID | None = None


@dataclass(frozen=True)
class SavedContact:
    id: uuid.UUID
    entered_at: datetime


@functools.cache
def _checks(with_visitor: bool, with_services: bool) -> Select[bool, bool, int]:
    """The draft's look-ups as one statement, built once per shape (building it is most of the
    client's work in a save)."""
    return select(
        exists().where(sites.c.id == bindparam("site_id"), sites.c.deleted_at.is_(None)),
        exists().where(visitors.c.id == bindparam("visitor_id"), visitors.c.deleted_at.is_(None))
        if with_visitor
        else true(),
        select(func.count())
        .where(services.c.id.in_(bindparam("service_ids", expanding=True)))
        .scalar_subquery()
        if with_services
        else literal(0),
    )


def _problems(s: Session, draft: ContactDraft) -> list[str]:
    """Every reason the draft cannot be recorded (empty when it can), in French."""
    problems: list[str] = []
    if draft.channel not in CHANNELS:
        problems.append(f"Canal « {draft.channel} » inconnu : physique ou téléphone.")
    if draft.local_date > date.today():
        problems.append(
            f"Date du contact dans le futur : {draft.local_date:%d/%m/%Y}. Vérifiez la date."
        )
    # One round trip for the three look-ups (the desk's save is a few milliseconds of work).
    wanted = set(draft.service_ids)
    params = {"site_id": draft.site_id, "visitor_id": draft.visitor_id, "service_ids": wanted}
    site_ok, visitor_ok, services_found = s.execute(
        _checks(draft.visitor_id is not None, bool(wanted)), params
    ).one()
    if not site_ok:
        problems.append("Site inconnu : choisissez le Point Relais dans la liste.")
    if not visitor_ok:
        problems.append(
            "La personne choisie n'existe plus (fiche fusionnée ou supprimée) : cherchez-la à nouveau."
        )
    if services_found != len(wanted):
        problems.append("Un des services choisis n'existe pas dans le catalogue.")
    return problems


def _validate(s: Session, draft: ContactDraft) -> None:
    problems = _problems(s, draft)
    if problems:
        raise InvalidInput(" ".join(problems))


def _write_services(s: Session, contact_id: uuid.UUID, service_ids: Sequence[uuid.UUID]) -> None:
    unique = list(dict.fromkeys(service_ids))  # a service counts at most once per contact
    if unique:
        s.execute(
            insert(contact_services),
            [{"contact_id": contact_id, "service_id": sid} for sid in unique],
        )


def _insert(s: Session, draft: ContactDraft, entered_at: datetime) -> SavedContact:
    """Add one checked draft, born at its site, and its services."""
    contact_id = draft.contact_id or uuid.uuid4()
    insert_changed_here(
        s,
        Contact.__table__,
        {
            "id": contact_id,
            "site_id": draft.site_id,
            "local_date": draft.local_date,
            "local_time": draft.local_time,
            "entered_at": entered_at,
            "channel": draft.channel,
            "visitor_id": draft.visitor_id,
            "agent": draft.agent,
            "origin_site_id": draft.site_id,
        },
    )
    _write_services(s, contact_id, draft.service_ids)
    return SavedContact(contact_id, entered_at)


def log_contact(engine: Engine, draft: ContactDraft) -> SavedContact:
    """Record one contact. Returns only after COMMIT: the caller may then say "Enregistré".

    An entry already recorded under the draft's ``contact_id`` (the first try committed, its
    answer never came back) is brought to what the draft says now instead of being added again.
    """
    with write_session(engine) as s:
        _validate(s, draft)
        earlier = s.get(Contact, draft.contact_id) if draft.contact_id else None
        if earlier is None:
            return _insert(s, draft, datetime.now())
        _rewrite(s, earlier, draft)
        return SavedContact(earlier.id, earlier.entered_at)


def _rewrite(s: Session, contact: Contact, draft: ContactDraft) -> None:
    """Replace what a live contact records by the draft (its entry time stays the original)."""
    if contact.deleted_at is not None:
        raise InvalidInput("Ce contact a été supprimé : rétablissez-le avant de le modifier.")
    contact.site_id = draft.site_id
    contact.channel = draft.channel
    contact.local_date = draft.local_date
    contact.local_time = draft.local_time
    contact.visitor_id = draft.visitor_id
    contact.agent = draft.agent or contact.agent
    contact.revision = next_revision(s)
    s.execute(delete(contact_services).where(contact_services.c.contact_id == contact.id))
    _write_services(s, contact.id, draft.service_ids)


def _live_contact(s: Session, contact_id: uuid.UUID) -> Contact:
    contact = s.get(Contact, contact_id)
    if contact is None:
        raise InvalidInput("Ce contact n'existe pas.")
    return contact


def update_contact(engine: Engine, contact_id: uuid.UUID, draft: ContactDraft) -> None:
    """Replace what was recorded for a contact (its entry time stays the original one)."""
    with write_session(engine) as s:
        _validate(s, draft)
        _rewrite(s, _live_contact(s, contact_id), draft)


def delete_contact(engine: Engine, contact_id: uuid.UUID) -> None:
    """Soft delete: the row stays as a tombstone, every count ignores it."""
    with write_session(engine) as s:
        contact = _live_contact(s, contact_id)
        if contact.deleted_at is None:
            contact.deleted_at = datetime.now()
            contact.revision = next_revision(s)
            record(s, current_actor(), "delete_contact", str(contact_id))


def restore_contact(engine: Engine, contact_id: uuid.UUID) -> None:
    """Undo a delete ("Annuler")."""
    with write_session(engine) as s:
        contact = _live_contact(s, contact_id)
        if contact.deleted_at is not None:
            contact.deleted_at = None
            contact.revision = next_revision(s)


class ContactRowsInvalid(InvalidInput):
    """Some rows of a batch (catch-up grid) are wrong; ``rows`` maps row index -> French reason."""

    def __init__(self, rows: dict[int, str]) -> None:
        self.rows = dict(sorted(rows.items()))
        count = len(self.rows)
        super().__init__(
            f"{count} ligne{'s' if count > 1 else ''} à corriger : rien n'a été enregistré.",
            [f"ligne {i + 1} : {reason}" for i, reason in self.rows.items()],
        )


def log_contacts(engine: Engine, drafts: Sequence[ContactDraft]) -> list[SavedContact]:
    """Record several contacts in ONE transaction (catch-up from a paper sheet): all or nothing.

    Every row is checked first; if any is wrong, nothing is written and
    :class:`ContactRowsInvalid` names each bad row.
    """
    with write_session(engine) as s:
        errors = _batch_problems(s, drafts)
        if errors:
            raise ContactRowsInvalid({i: " ".join(p) for i, p in errors.items()})
        entered_at = datetime.now()
        return [_insert(s, draft, entered_at) for draft in drafts]


def _batch_problems(s: Session, drafts: Sequence[ContactDraft]) -> dict[int, list[str]]:
    return {i: p for i, draft in enumerate(drafts) if (p := _problems(s, draft))}


def check_contacts(engine: Engine, drafts: Sequence[ContactDraft]) -> dict[int, list[str]]:
    """What :func:`log_contacts` would refuse, row by row, without writing anything.

    Lets a caller that already found mistakes in some rows report those of the database
    (a person merged meanwhile...) in the same round.
    """
    with read_session(engine) as s:
        return _batch_problems(s, drafts)
