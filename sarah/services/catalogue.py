"""The service catalogue: stable codes, changeable labels, an order, retired flags.

A service row is matched everywhere by its id and its code, which never change; its label can be
renamed, so reports of past periods show the current label of the same service. A service that
was ever used is never deleted, only retired (hidden from the desk, still counted in reports).
"""

from __future__ import annotations

import re
import string
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, Select, func, select, true
from sqlalchemy.orm import Session

from sarah.db import read_session, write_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Service, contact_services
from sarah.services.desk_lists import check_label_free, clean_key, give_key, move_in_order
from sarah.services.revisions import next_revision
from sarah.services.text import fold
from sarah.vocabulary import count_text

# Same namespace as the reference catalogue of the initial migration: a service's id is derived
# from its code, so two installations that add the same service get the same row.
CATALOGUE_NAMESPACE = uuid.UUID("6f1d2a4e-5b1c-4c59-9d0e-2f9a7c3b8e10")

LABEL_MAX = 200
CODE_MAX = 64
SHORTCUT_KEYS = string.ascii_lowercase
# Row names of the report's services table: a service may not be called like them.
_REPORT_ROW_NAMES = {"non renseigne", "total"}


@dataclass(frozen=True)
class ServiceInfo:
    id: uuid.UUID
    code: str
    label: str
    position: int
    retired: bool
    shortcut: str | None


@dataclass(frozen=True)
class ServiceUsage:
    """How much a service was delivered: live contacts, all sites, all time.

    A contact deleted from the journal is not a use, here or anywhere: the catalogue's count,
    the refusal to delete a service and the reports all leave it out.
    """

    uses: int
    last_used: date | None


def _info(r: Service) -> ServiceInfo:
    return ServiceInfo(r.id, r.code, r.label, r.position, r.retired, r.shortcut)


def list_services(engine: Engine, *, include_retired: bool = True) -> list[ServiceInfo]:
    """The catalogue in its order."""
    with read_session(engine) as s:
        stmt = select(Service).where(Service.deleted_at.is_(None)).order_by(Service.position)
        if not include_retired:
            stmt = stmt.where(Service.retired.is_(False))
        return [_info(r) for r in s.scalars(stmt)]


def _uses(deleted: bool = False) -> Select[uuid.UUID, int, date | None]:
    """Per service: how many contacts delivered it and the last day, over live contacts (the
    one definition of a use) or, with ``deleted``, over contacts deleted from the journal."""
    alive = Contact.deleted_at.is_not(None) if deleted else Contact.deleted_at.is_(None)
    return (
        select(contact_services.c.service_id, func.count(), func.max(Contact.local_date))
        .join(Contact, Contact.id == contact_services.c.contact_id)
        .where(alive)
        .group_by(contact_services.c.service_id)
    )


def service_usage(engine: Engine) -> dict[uuid.UUID, ServiceUsage]:
    """Use count and last use of every service ever delivered (one scan of the contacts)."""
    with read_session(engine) as s:
        rows = s.execute(_uses()).all()
        return {sid: ServiceUsage(int(n), last) for sid, n, last in rows}


def _count(s: Session, service_id: uuid.UUID, *, deleted: bool = False) -> int:
    row = s.execute(_uses(deleted).where(contact_services.c.service_id == service_id)).first()
    return int(row[1]) if row else 0


# --- rules ---------------------------------------------------------------------------------------


def clean_label(label: str) -> str:
    text = " ".join((label or "").split())
    if not text:
        raise InvalidInput("Le libellé du service est vide.")
    if len(text) > LABEL_MAX:
        raise InvalidInput(
            f"Libellé trop long ({len(text)} caractères) : {LABEL_MAX} au plus, "
            "il doit tenir dans une ligne du rapport."
        )
    if fold(text) in _REPORT_ROW_NAMES:
        raise InvalidInput(
            f"« {text} » est le nom d'une ligne du rapport : choisissez un autre libellé."
        )
    return text


def clean_shortcut(key: str | None) -> str | None:
    """'' or None: no key. Otherwise one letter a-z (stored in lower case)."""
    return clean_key(key, SHORTCUT_KEYS, "une seule lettre, de a à z")


def code_for_label(label: str, taken: set[str]) -> str:
    """A code made from the label: 'Atelier numérique' -> 'atelier_numerique', unique in ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "_", fold(label)).strip("_")[: CODE_MAX - 4].strip("_")
    base = base or "service"
    code, n = base, 2
    while code in taken:
        code = f"{base}_{n}"
        n += 1
    return code


def _live(s: Session, service_id: uuid.UUID) -> Service:
    row = s.get(Service, service_id)
    if row is None or row.deleted_at is not None:
        raise InvalidInput("Ce service n'existe plus dans le catalogue.")
    return row


def _live_rows(s: Session) -> list[Service]:
    return list(s.scalars(select(Service).where(Service.deleted_at.is_(None))))


def _check_label_free(s: Session, label: str, except_id: uuid.UUID | None = None) -> None:
    check_label_free(_live_rows(s), label, "Un service", except_id)


def _key_owner(s: Session, key: str, except_id: uuid.UUID | None) -> Service | None:
    return s.scalar(
        select(Service).where(
            Service.deleted_at.is_(None),
            Service.retired.is_(False),
            Service.shortcut == key,
            Service.id != except_id if except_id else true(),
        )
    )


def _free_key(s: Session, label: str, except_id: uuid.UUID | None = None) -> str | None:
    """The first letter of the label not used by a live service, else any free letter."""
    used = set(
        s.scalars(
            select(Service.shortcut).where(
                Service.deleted_at.is_(None),
                Service.retired.is_(False),
                Service.shortcut.is_not(None),
                Service.id != except_id if except_id else true(),
            )
        )
    )
    for c in fold(label) + SHORTCUT_KEYS:
        if c in SHORTCUT_KEYS and c not in used:
            return c
    return None


def _give_key(s: Session, row: Service, key: str, revision: int | None) -> None:
    """Set ``key`` on ``row``; a retired service holding the same key lets it go."""
    give_key(row, key, _live_rows(s), revision, " ou changez d'abord celle de ce service")


def _touch(row: Service, revision: int | None) -> None:
    if revision is not None:
        row.revision = revision


def _revision(s: Session, site_id: uuid.UUID | None) -> int | None:
    return next_revision(s)


# --- changes -------------------------------------------------------------------------------------


def add_service(
    engine: Engine,
    label: str,
    *,
    shortcut: str | None = None,
    auto_shortcut: bool = True,
    site_id: uuid.UUID | None = None,
) -> ServiceInfo:
    """A new service at the end of the catalogue, with a code made from its label.

    Without a ``shortcut``, the first free letter of the label is chosen (when ``auto_shortcut``).
    """
    text = clean_label(label)
    key = clean_shortcut(shortcut)
    with write_session(engine) as s:
        _check_label_free(s, text)
        revision = _revision(s, site_id)
        code = code_for_label(text, set(s.scalars(select(Service.code))))
        position = (s.scalar(select(func.max(Service.position))) or 0) + 1
        row = Service(
            id=uuid.uuid5(CATALOGUE_NAMESPACE, code),
            code=code,
            label=text,
            position=position,
            retired=False,
            shortcut=None,
            origin_site_id=site_id,
            revision=revision or 0,
        )
        s.add(row)
        s.flush()
        if key is not None:
            _give_key(s, row, key, revision)
        elif auto_shortcut:
            row.shortcut = _free_key(s, text, row.id)
        s.flush()
        return _info(row)


def rename_service(
    engine: Engine, service_id: uuid.UUID, label: str, *, site_id: uuid.UUID | None = None
) -> ServiceInfo:
    """Change the label only: the code, and so every past contact, stays attached to the row."""
    text = clean_label(label)
    with write_session(engine) as s:
        row = _live(s, service_id)
        if row.label == text:
            return _info(row)
        _check_label_free(s, text, except_id=row.id)
        row.label = text
        _touch(row, _revision(s, site_id))
        return _info(row)


def move_service(
    engine: Engine, service_id: uuid.UUID, step: int, *, site_id: uuid.UUID | None = None
) -> ServiceInfo:
    """Move a service ``step`` places up (negative) or down (positive) in the catalogue order."""
    with write_session(engine) as s:
        row = _live(s, service_id)
        rows = list(
            s.scalars(
                select(Service)
                .where(Service.deleted_at.is_(None))
                .order_by(Service.position, Service.code)
            )
        )
        move_in_order(rows, row, step, lambda: _revision(s, site_id))
        return _info(row)


def retire_service(
    engine: Engine,
    service_id: uuid.UUID,
    retired: bool = True,
    *,
    site_id: uuid.UUID | None = None,
) -> ServiceInfo:
    """Retire (hide from the desk, keep in history and reports) or bring a service back.

    A retired service keeps its key until a live service takes it; when it comes back and its key
    is taken meanwhile, it gets a free letter.
    """
    with write_session(engine) as s:
        row = _live(s, service_id)
        if row.retired == retired:
            return _info(row)
        revision = _revision(s, site_id)
        row.retired = retired
        if not retired and (row.shortcut is None or _key_owner(s, row.shortcut, row.id)):
            row.shortcut = _free_key(s, row.label, row.id)
        _touch(row, revision)
        return _info(row)


def set_shortcut(
    engine: Engine,
    service_id: uuid.UUID,
    key: str | None,
    *,
    site_id: uuid.UUID | None = None,
) -> ServiceInfo:
    """Give a service its desk key (one letter, unique among live services), or none."""
    wanted = clean_shortcut(key)
    with write_session(engine) as s:
        row = _live(s, service_id)
        if row.shortcut == wanted:
            return _info(row)
        revision = _revision(s, site_id)
        if wanted is None:
            row.shortcut = None
        elif row.retired:
            raise InvalidInput(
                f"« {row.label} » est retiré : rétablissez-le avant de lui donner une touche."
            )
        else:
            _give_key(s, row, wanted, revision)
        _touch(row, revision)
        return _info(row)


def delete_unused_service(
    engine: Engine, service_id: uuid.UUID, *, site_id: uuid.UUID | None = None
) -> None:
    """Remove a service that was never delivered (a typo, a test). A used one is only retired.

    The number of uses given is the catalogue's (live contacts). A contact deleted from the
    journal is not a use, but it can be brought back with its services: a service named by one
    is kept as well, and the refusal says so apart.
    """
    with write_session(engine) as s:
        row = _live(s, service_id)
        used = _count(s, service_id)
        if used:
            raise InvalidInput(
                f"Service déjà utilisé : retirez-le plutôt. « {row.label} » a été délivré lors "
                f"de {count_text(used)} contact{'s' if used > 1 else ''} ; le retirer le cache de "
                "l'accueil sans rien effacer de l'historique."
            )
        in_bin = _count(s, service_id, deleted=True)
        if in_bin:
            which = (
                f"{count_text(in_bin)} contacts supprimés du journal le mentionnent ; ils "
                "peuvent être rétablis"
                if in_bin > 1
                else "un contact supprimé du journal le mentionne ; il peut être rétabli"
            )
            raise InvalidInput(
                f"Service gardé : retirez-le plutôt. « {row.label} » n'a été délivré lors "
                f"d'aucun contact, mais {which} avec ses services."
            )
        row.deleted_at = datetime.now()
        row.shortcut = None
        _touch(row, _revision(s, site_id))


def service_is_used(engine: Engine, service_id: uuid.UUID) -> bool:
    """Delivered by a live contact (the same rule as the catalogue's count)."""
    with read_session(engine) as s:
        return _count(s, service_id) > 0
