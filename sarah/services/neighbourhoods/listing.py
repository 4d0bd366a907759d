"""The coordinator's list of neighbourhoods of residence, and a person's neighbourhood.

Off by default: the desk asks for a neighbourhood, and the statistics show the table of people by
neighbourhood, only once the list holds one in use (:func:`tracking_on`). The list travels by
sync like the catalogue, so turning it on at the coordination turns it on at every desk. A
neighbourhood once given to somebody is never deleted, only retired (gone from the desk, still
counted); "non renseigné" is no row of the list but the lack of a value.
"""

from __future__ import annotations

import string
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, exists, func, select, true
from sqlalchemy.orm import Session

from sarah.db import read_session, write_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Neighbourhood, Visitor
from sarah.services.desk_lists import check_label_free, clean_key, give_key, move_in_order
from sarah.services.revisions import next_revision
from sarah.services.text import fold

LABEL_MAX = 120
# Digits first: at the desk, the neighbourhood is chosen after the birth date, by one key.
SHORTCUT_KEYS = "1234567890" + string.ascii_lowercase
OUTSIDE_LABEL = "Hors QPV"
# Row names of the neighbourhoods table: a neighbourhood may not be called like them.
_TABLE_ROW_NAMES = {"non renseigne", "total", "dont qpv"}


@dataclass(frozen=True)
class NeighbourhoodInfo:
    id: uuid.UUID
    label: str
    priority: bool  # a quartier prioritaire de la politique de la ville (QPV)
    position: int
    retired: bool
    shortcut: str | None

    @property
    def kind(self) -> str:
        return "QPV" if self.priority else "hors QPV"


def _info(r: Neighbourhood) -> NeighbourhoodInfo:
    return NeighbourhoodInfo(r.id, r.label, r.priority, r.position, r.retired, r.shortcut)


def list_neighbourhoods(engine: Engine, *, include_retired: bool = True) -> list[NeighbourhoodInfo]:
    """The list in its order (the desk's, the table's)."""
    with read_session(engine) as s:
        stmt = (
            select(Neighbourhood)
            .where(Neighbourhood.deleted_at.is_(None))
            .order_by(Neighbourhood.position, Neighbourhood.label)
        )
        if not include_retired:
            stmt = stmt.where(Neighbourhood.retired.is_(False))
        return [_info(r) for r in s.scalars(stmt)]


def offered_places(s: Session, current: uuid.UUID | None) -> list[NeighbourhoodInfo]:
    """The neighbourhoods a person's page offers: those in use, and ``current`` (the person's)
    even if retired; none when the list holds none in use and the person has none."""
    return [
        _info(r)
        for r in _live_rows(s)
        if not r.retired or (current is not None and r.id == current)
    ]


def tracking_on(engine: Engine) -> bool:
    """Whether the network asks people's neighbourhood: a neighbourhood of the list is in use."""
    with read_session(engine) as s:
        return bool(
            s.scalar(
                select(
                    exists().where(
                        Neighbourhood.deleted_at.is_(None), Neighbourhood.retired.is_(False)
                    )
                )
            )
        )


def neighbourhood_counts(engine: Engine) -> dict[uuid.UUID, int]:
    """How many live people each neighbourhood of the list is given to."""
    with read_session(engine) as s:
        rows = s.execute(
            select(Visitor.neighbourhood_id, func.count())
            .where(
                Visitor.neighbourhood_id.is_not(None),
                Visitor.deleted_at.is_(None),
                Visitor.merged_into_id.is_(None),
            )
            .group_by(Visitor.neighbourhood_id)
        ).all()
        return {nid: int(n) for nid, n in rows if nid is not None}


# --- rules ---------------------------------------------------------------------------------------


def clean_label(label: str) -> str:
    text = " ".join((label or "").split())
    if not text:
        raise InvalidInput("Le nom du quartier est vide.")
    if len(text) > LABEL_MAX:
        raise InvalidInput(
            f"Nom de quartier trop long ({len(text)} caractères) : {LABEL_MAX} au plus."
        )
    if fold(text) in _TABLE_ROW_NAMES:
        raise InvalidInput(
            f"« {text} » est le nom d'une ligne du tableau des quartiers : choisissez-en un autre."
        )
    return text


def clean_shortcut(key: str | None) -> str | None:
    """'' or None: no key. Otherwise one digit or one letter a-z (stored in lower case)."""
    return clean_key(key, SHORTCUT_KEYS, "un seul chiffre (0 à 9) ou une lettre (a à z)")


def _live(s: Session, neighbourhood_id: uuid.UUID) -> Neighbourhood:
    row = s.get(Neighbourhood, neighbourhood_id)
    if row is None or row.deleted_at is not None:
        raise InvalidInput("Ce quartier n'existe plus dans la liste.")
    return row


def _live_rows(s: Session) -> list[Neighbourhood]:
    return list(
        s.scalars(
            select(Neighbourhood)
            .where(Neighbourhood.deleted_at.is_(None))
            .order_by(Neighbourhood.position, Neighbourhood.label)
        )
    )


def _check_label_free(s: Session, label: str, except_id: uuid.UUID | None = None) -> None:
    check_label_free(_live_rows(s), label, "Un quartier", except_id)


def _used_keys(s: Session, except_id: uuid.UUID | None) -> dict[str, Neighbourhood]:
    rows = s.scalars(
        select(Neighbourhood).where(
            Neighbourhood.deleted_at.is_(None),
            Neighbourhood.retired.is_(False),
            Neighbourhood.shortcut.is_not(None),
            Neighbourhood.id != except_id if except_id else true(),
        )
    )
    return {r.shortcut: r for r in rows if r.shortcut}


def _free_key(s: Session, except_id: uuid.UUID | None = None) -> str | None:
    return _free_key_from(SHORTCUT_KEYS, set(_used_keys(s, except_id)))


def _free_key_from(keys: str, used: set[str | None]) -> str | None:
    return next((k for k in keys if k not in used), None)


def _give_key(s: Session, row: Neighbourhood, key: str, revision: int) -> None:
    """Set ``key`` on ``row``; a retired neighbourhood holding the same key lets it go."""
    give_key(row, key, _live_rows(s), revision)


# --- changes -------------------------------------------------------------------------------------


def add_neighbourhood(
    engine: Engine,
    label: str,
    *,
    priority: bool = True,
    shortcut: str | None = None,
    site_id: uuid.UUID | None = None,
) -> NeighbourhoodInfo:
    """A new neighbourhood at the end of the list, with the first free key when none is given.
    The first one added also adds "Hors QPV" (the list then covers everybody who answers)."""
    text = clean_label(label)
    key = clean_shortcut(shortcut)
    with write_session(engine) as s:
        _check_label_free(s, text)
        revision = next_revision(s)
        rows = _live_rows(s)
        # A priority neighbourhood goes after the last one (before "Hors QPV" and the like).
        after = [r for r in rows if r.priority] if priority else rows
        position = max((r.position for r in after), default=0) + 1
        for later in rows:
            if later.position >= position:
                later.position += 1
                later.revision = revision
        row = Neighbourhood(
            id=uuid.uuid4(),
            label=text,
            priority=priority,
            position=position,
            retired=False,
            origin_site_id=site_id,
            revision=revision,
        )
        s.add(row)
        s.flush()
        if key is not None:
            _give_key(s, row, key, revision)
        else:
            row.shortcut = _free_key(s, row.id)
        if not rows and priority and fold(text) != fold(OUTSIDE_LABEL):
            outside = Neighbourhood(
                id=uuid.uuid4(),
                label=OUTSIDE_LABEL,
                priority=False,
                position=position + 1,
                retired=False,
                origin_site_id=site_id,
                revision=revision,
                shortcut=_free_key_from("0" + SHORTCUT_KEYS, {row.shortcut}),
            )
            s.add(outside)
        s.flush()
        return _info(row)


def change_neighbourhood(
    engine: Engine,
    neighbourhood_id: uuid.UUID,
    *,
    label: str | None = None,
    priority: bool | None = None,
    shortcut: str | None = None,
    site_id: uuid.UUID | None = None,
) -> NeighbourhoodInfo:
    """Rename, mark as a QPV or not, or give another desk key (``shortcut=""``: none). People
    keep their neighbourhood: it is the same row."""
    text = clean_label(label) if label is not None else None
    key = clean_shortcut(shortcut) if shortcut is not None else None
    with write_session(engine) as s:
        row = _live(s, neighbourhood_id)
        revision = next_revision(s)
        if text is not None and text != row.label:
            _check_label_free(s, text, except_id=row.id)
            row.label = text
        if priority is not None:
            row.priority = priority
        if shortcut is not None and key != row.shortcut:
            if key is None:
                row.shortcut = None
            elif row.retired:
                raise InvalidInput(
                    f"« {row.label} » est retiré : rétablissez-le avant de lui donner une touche."
                )
            else:
                _give_key(s, row, key, revision)
        if s.is_modified(row):
            row.revision = revision
        return _info(row)


def move_neighbourhood(
    engine: Engine, neighbourhood_id: uuid.UUID, step: int, *, site_id: uuid.UUID | None = None
) -> NeighbourhoodInfo:
    """Move a neighbourhood ``step`` places up (negative) or down (positive) in the list."""
    with write_session(engine) as s:
        row = _live(s, neighbourhood_id)
        move_in_order(_live_rows(s), row, step, lambda: next_revision(s))
        return _info(row)


def retire_neighbourhood(
    engine: Engine,
    neighbourhood_id: uuid.UUID,
    retired: bool = True,
    *,
    site_id: uuid.UUID | None = None,
) -> NeighbourhoodInfo:
    """Retire (gone from the desk, still counted for the people who have it) or bring back.
    Retiring the last one in use turns the neighbourhoods off everywhere."""
    with write_session(engine) as s:
        row = _live(s, neighbourhood_id)
        if row.retired != retired:
            revision = next_revision(s)
            row.retired = retired
            if not retired and (row.shortcut is None or row.shortcut in _used_keys(s, row.id)):
                row.shortcut = _free_key(s, row.id)
            row.revision = revision
        return _info(row)


def delete_unused_neighbourhood(
    engine: Engine, neighbourhood_id: uuid.UUID, *, site_id: uuid.UUID | None = None
) -> None:
    """Remove a neighbourhood nobody was ever given (a typo). One in use is only retired."""
    with write_session(engine) as s:
        row = _live(s, neighbourhood_id)
        people = s.scalar(
            select(func.count()).where(Visitor.neighbourhood_id == row.id)
        ) or s.scalar(select(func.count()).where(Contact.neighbourhood_id == row.id))
        if people:
            raise InvalidInput(
                f"Quartier déjà attribué : retirez-le plutôt. « {row.label} » est celui de "
                "personnes enregistrées ; le retirer le cache de l'accueil sans rien effacer."
            )
        row.deleted_at = datetime.now()
        row.shortcut = None
        row.revision = next_revision(s)


def set_visitor_neighbourhood(
    engine: Engine, visitor_id: uuid.UUID, neighbourhood_id: uuid.UUID | None
) -> None:
    """Where the person lives (None: not given). A new version of the person: it travels."""
    with write_session(engine) as s:
        v = s.get(Visitor, visitor_id)
        if v is None or v.deleted_at is not None or v.merged_into_id is not None:
            raise InvalidInput("Cette personne n'existe plus (fusionnée ou supprimée).")
        if v.erased_at is not None:
            raise InvalidInput("L'identité de cette personne a été effacée : rien à modifier.")
        give_neighbourhood(s, v, neighbourhood_id)


def give_neighbourhood(s: Session, v: Visitor, neighbourhood_id: uuid.UUID | None) -> None:
    """Set the person's neighbourhood in the caller's transaction, checked to be on the list."""
    if neighbourhood_id is not None:
        _live(s, neighbourhood_id)
    if v.neighbourhood_id != neighbourhood_id:
        v.neighbourhood_id = neighbourhood_id
        v.revision = next_revision(s)


def visitor_neighbourhood(engine: Engine, visitor_id: uuid.UUID) -> NeighbourhoodInfo | None:
    """The person's neighbourhood, or None when not given."""
    with read_session(engine) as s:
        row = s.scalar(
            select(Neighbourhood)
            .join(Visitor, Visitor.neighbourhood_id == Neighbourhood.id)
            .where(Visitor.id == visitor_id)
        )
        return _info(row) if row is not None else None
