"""Visitors: profiles, ages, duplicates and merging two records of one person."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from sarah.db import read_session, write_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Visitor, VisitorMerge
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record
from sarah.services.name_matching import derived_columns, letters, letters_alike
from sarah.services.neighbourhoods.listing import give_neighbourhood
from sarah.services.revisions import next_revision, this_installation
from sarah.services.text import search_key
from sarah.services.visitor_lookalikes import alike_values, key_starts, later_word_starts
from sarah.settings import YOUNG_AGE_LIMIT


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_group(birth_date: date | None, day: date, limit: int = YOUNG_AGE_LIMIT) -> str:
    """'jeunes', 'adultes' or 'NR' (unknown birth date), as in the report."""
    if birth_date is None:
        return "NR"
    return "jeunes" if age_on(birth_date, day) < limit else "adultes"


ERASED_NAME = "Identité effacée"
KEEP = object()  # update_visitor: the neighbourhood stays as it is


def display_name(last_name: str | None, first_name: str | None) -> str:
    """How a person is named on every screen and list: 'DUPONT Léa' (last name in capitals);
    an erased identity (names "") as such."""
    if last_name == "" and not first_name:
        return ERASED_NAME
    return f"{(last_name or '').upper()} {first_name or ''}".strip()


@dataclass(frozen=True)
class VisitorInfo:
    id: uuid.UUID
    last_name: str
    first_name: str
    sex: str | None
    birth_date: date | None

    @property
    def display_name(self) -> str:
        return display_name(self.last_name, self.first_name)


def _info(v: Visitor) -> VisitorInfo:
    return VisitorInfo(v.id, v.last_name, v.first_name, v.sex, v.birth_date)


def _clean_profile(
    last_name: str, first_name: str, sex: str | None, birth_date: date | None
) -> tuple[str, str, str | None]:
    last = " ".join((last_name or "").split())
    first = " ".join((first_name or "").split())
    if not last:
        raise InvalidInput("Le nom de famille est obligatoire.")
    if sex not in (None, "F", "H"):
        raise InvalidInput(f"Sexe « {sex} » inconnu : F, H ou non renseigné.")
    if birth_date is not None:
        if birth_date > date.today():
            raise InvalidInput(f"Date de naissance dans le futur : {birth_date:%d/%m/%Y}.")
        if birth_date.year < 1900:
            raise InvalidInput(f"Date de naissance impossible : {birth_date:%d/%m/%Y}.")
    return last, first, sex


def create_visitor_in(
    session: Session,
    *,
    last_name: str,
    first_name: str = "",
    sex: str | None = None,
    birth_date: date | None = None,
    site_id: uuid.UUID | None = None,
    revision: int = 0,
    neighbourhood_id: uuid.UUID | None = None,
) -> Visitor:
    last, first, sex = _clean_profile(last_name, first_name, sex, birth_date)
    visitor = Visitor(
        id=uuid.uuid4(),
        last_name=last,
        first_name=first,
        sex=sex,
        birth_date=birth_date,
        neighbourhood_id=neighbourhood_id,
        search_key=search_key(last, first),
        **derived_columns(last, first),
        origin_site_id=site_id,
        revision=revision,
    )
    session.add(visitor)
    session.flush()
    return visitor


def create_visitor(
    engine: Engine,
    *,
    last_name: str,
    first_name: str = "",
    sex: str | None = None,
    birth_date: date | None = None,
    site_id: uuid.UUID | None = None,
    neighbourhood_id: uuid.UUID | None = None,
) -> VisitorInfo:
    """A new person; ``neighbourhood_id``: where they live, from the network's list."""
    with write_session(engine) as s:
        revision = next_revision(s)
        return _info(
            create_visitor_in(
                s,
                last_name=last_name,
                first_name=first_name,
                sex=sex,
                birth_date=birth_date,
                site_id=site_id,
                revision=revision,
                neighbourhood_id=neighbourhood_id,
            )
        )


def get_visitor(engine: Engine, visitor_id: uuid.UUID) -> VisitorInfo:
    with read_session(engine) as s:
        v = s.get(Visitor, visitor_id)
        if v is None or v.deleted_at is not None:
            raise InvalidInput("Cette personne n'existe plus (fusionnée ou supprimée).")
        return _info(v)


def update_visitor(
    engine: Engine,
    visitor_id: uuid.UUID,
    *,
    last_name: str,
    first_name: str,
    sex: str | None,
    birth_date: date | None,
    site_id: uuid.UUID | None = None,
    neighbourhood_id: uuid.UUID | None | object = KEEP,
) -> VisitorInfo:
    """Change the person's profile; ``neighbourhood_id`` too unless :data:`KEEP`."""
    last, first, sex = _clean_profile(last_name, first_name, sex, birth_date)
    with write_session(engine) as s:
        v = s.get(Visitor, visitor_id)
        if v is None or v.deleted_at is not None:
            raise InvalidInput("Cette personne n'existe plus (fusionnée ou supprimée).")
        if v.erased_at is not None:
            raise InvalidInput("L'identité de cette personne a été effacée : rien à modifier.")
        v.last_name, v.first_name, v.sex, v.birth_date = last, first, sex, birth_date
        v.search_key = search_key(last, first)
        for column, value in derived_columns(last, first).items():
            setattr(v, column, value)
        v.revision = next_revision(s)  # with or without a site: the edit travels
        if neighbourhood_id is not KEEP:
            assert neighbourhood_id is None or isinstance(neighbourhood_id, uuid.UUID)
            give_neighbourhood(s, v, neighbourhood_id)
        return _info(v)


def live_visitors() -> ColumnElement[bool]:
    """The records in use: neither deleted, nor merged into another one, nor erased (an erased
    identity can no longer be found, picked or merged: docs/rgpd.md)."""
    return and_(
        Visitor.deleted_at.is_(None), Visitor.merged_into_id.is_(None), Visitor.erased_at.is_(None)
    )


def _later_word_indexed(prefix: str) -> ColumnElement[bool]:
    """:func:`later_word_starts`, each half on an index (see :func:`visitors_named`)."""
    return or_(
        and_(Visitor.first_key >= prefix, Visitor.first_key < prefix + "\U0010ffff"),
        and_(Visitor.compound_name.is_(True), later_word_starts(prefix)),
    )


def visitors_named(
    s: Session,
    words: Sequence[str],
    limit: int,
    *,
    then_by_birth_date: bool = False,
) -> list[Visitor]:
    """Live visitors whose search key matches every folded word typed (at least one), at most
    ``limit``.

    Each word must start a word of the key, in any order ('dup je', 'jean dup'). People whose key
    starts with the first word come first (an index range, fast even at 100,000 people), then
    those where a later word (first name, second last name) starts with it; each group in name
    order (then birth-date order among the same name with ``then_by_birth_date``).

    A later word starting with the first word is read from indexes too: in a person whose last
    and first names are one word each, the only later word is the first name (``first_key``,
    an index range); the key is read word by word only in people whose names have several
    (``compound_name``, their own index). The same people as a reading of every key.
    """
    order_by = [Visitor.search_key] + ([Visitor.birth_date] if then_by_birth_date else [])
    first, others = words[0], words[1:]
    live = live_visitors()
    extra = [or_(key_starts(w), later_word_starts(w)) for w in others]
    found = list(
        s.scalars(
            select(Visitor).where(live, key_starts(first), *extra).order_by(*order_by).limit(limit)
        )
    )
    if len(found) < limit:
        found += s.scalars(
            select(Visitor)
            .where(live, _later_word_indexed(first), ~key_starts(first), *extra)
            .order_by(*order_by)
            .limit(limit - len(found))
        ).all()
    return found


def visitors_born_on(s: Session, born: date, limit: int) -> list[Visitor]:
    """Live visitors born on ``born``, at most ``limit``, in name order."""
    return list(
        s.scalars(
            select(Visitor)
            .where(live_visitors(), Visitor.birth_date == born)
            .order_by(Visitor.search_key)
            .limit(limit)
        )
    )


DUPLICATES_LIMIT = 20


def likely_duplicates(
    engine: Engine, last_name: str, first_name: str, birth_date: date | None
) -> list[VisitorInfo]:
    """Records that are probably the same person as the one about to be created, closest first.

    Born the same day with a last or a first name alike, or both names alike where one of the
    two birth dates is missing; names are alike when spelled the same, sounding alike or a typo
    away (sarah.services.name_matching, the tolerant search's rules, on whole names).
    """
    last, first = letters(last_name), letters(first_name)
    with read_session(engine) as s:
        live = live_visitors()
        same_day: list[Visitor] = []
        if birth_date is not None:
            same_day = [
                v
                for v in s.scalars(select(Visitor).where(live, Visitor.birth_date == birth_date))
                if letters_alike(letters(v.last_name), last)
                or letters_alike(letters(v.first_name), first)
            ]
        names = s.scalars(
            select(Visitor)
            .where(
                live,
                Visitor.last_sound.in_(alike_values(s, Visitor.last_sound, last)),
                Visitor.first_sound.in_(alike_values(s, Visitor.first_sound, first)),
                true()
                if birth_date is None
                else or_(Visitor.birth_date.is_(None), Visitor.birth_date == birth_date),
            )
            .order_by(Visitor.search_key, Visitor.id)
            .limit(DUPLICATES_LIMIT * 5)
        ).all()

        both_alike = {v.id for v in names}

        def closeness(v: Visitor) -> tuple[bool, bool, bool, str]:
            same_names = (letters(v.last_name), letters(v.first_name)) == (last, first)
            return (
                v.birth_date != birth_date,
                v.id not in both_alike,
                not same_names,
                v.search_key,
            )

        found = sorted({v.id: v for v in [*same_day, *names]}.values(), key=closeness)
        return [_info(v) for v in found[:DUPLICATES_LIMIT]]


@dataclass(frozen=True)
class MergePreview:
    survivor: VisitorInfo
    absorbed: VisitorInfo
    contacts_to_move: int


@dataclass(frozen=True)
class MergeResult:
    survivor: VisitorInfo
    moved_contacts: int


def _live_visitor(s: Session, visitor_id: uuid.UUID) -> Visitor:
    v = s.get(Visitor, visitor_id)
    if v is None or v.deleted_at is not None or v.merged_into_id is not None:
        raise InvalidInput("Une des deux fiches n'existe plus (déjà fusionnée ou supprimée).")
    if v.erased_at is not None:
        raise InvalidInput(
            "L'identité d'une des deux fiches a été effacée : elle ne peut plus être fusionnée."
        )
    return v


def merge_preview(engine: Engine, survivor_id: uuid.UUID, absorbed_id: uuid.UUID) -> MergePreview:
    if survivor_id == absorbed_id:
        raise InvalidInput("Une fiche ne peut pas être fusionnée avec elle-même.")
    with read_session(engine) as s:
        survivor, absorbed = _live_visitor(s, survivor_id), _live_visitor(s, absorbed_id)
        count = s.scalar(
            select(func.count())
            .select_from(Contact)
            .where(Contact.visitor_id == absorbed_id, Contact.deleted_at.is_(None))
        )
        return MergePreview(_info(survivor), _info(absorbed), int(count or 0))


def profile_json(last_name: str, first_name: str, sex: str | None, born: str | None) -> str:
    """A profile as the JSON text a merge trace keeps (``born``: ISO date, as stored), the one
    form an undo reads, whoever wrote the trace (a person, or a sync's automatic merge)."""
    return json.dumps(
        {"last_name": last_name, "first_name": first_name, "sex": sex, "birth_date": born},
        ensure_ascii=False,
    )


def profile_snapshot(v: Visitor) -> str:
    """A record's profile as the JSON text a merge trace keeps."""
    born = v.birth_date.isoformat() if v.birth_date else None
    return profile_json(v.last_name, v.first_name, v.sex, born)


def merge_visitors(
    engine: Engine,
    survivor_id: uuid.UUID,
    absorbed_id: uuid.UUID,
    *,
    site_id: uuid.UUID | None = None,
    agent: str | None = None,
) -> MergeResult:
    """Move every contact of ``absorbed`` onto ``survivor``; keep a trace; absorbed is tombstoned.

    Missing profile fields of the survivor (sex, birth date) are taken from the absorbed record.
    The trace keeps what an undo needs (sarah.services.visitor_unmerge): both profiles as they
    were and the ids of the contacts moved (deleted ones too, so that a contact restored later
    still goes back to its person). ``moved_contacts`` counts the live ones, as the pages show.
    """
    if survivor_id == absorbed_id:
        raise InvalidInput("Une fiche ne peut pas être fusionnée avec elle-même.")
    with write_session(engine) as s:
        survivor, absorbed = _live_visitor(s, survivor_id), _live_visitor(s, absorbed_id)
        revision = next_revision(s)
        moving = s.execute(
            select(Contact.id, Contact.deleted_at).where(Contact.visitor_id == absorbed_id)
        ).all()
        moved_ids = sorted(str(cid) for cid, _deleted in moving)
        live_moved = sum(1 for _cid, deleted in moving if deleted is None)
        s.execute(
            update(Contact)
            .where(Contact.visitor_id == absorbed_id)
            .values(visitor_id=survivor_id, revision=revision, changed_by=this_installation(s))
        )
        survivor_before = profile_snapshot(survivor)
        if survivor.sex is None:
            survivor.sex = absorbed.sex
        if survivor.birth_date is None:
            survivor.birth_date = absorbed.birth_date
        survivor.revision = revision
        now = datetime.now()
        absorbed.merged_into_id = survivor_id
        absorbed.deleted_at = now
        absorbed.revision = revision
        s.add(
            VisitorMerge(
                id=uuid.uuid4(),
                survivor_id=survivor_id,
                absorbed_id=absorbed_id,
                merged_at=now,
                moved_contacts=live_moved,
                absorbed_profile=profile_snapshot(absorbed),
                survivor_profile=survivor_before,
                moved_contact_ids=json.dumps(moved_ids),
                agent=agent,
                origin_site_id=site_id,
                revision=revision,
            )
        )
        s.flush()
        record(
            s,
            current_actor(),
            "merge",
            str(survivor_id),
            {"absorbed": str(absorbed_id), "moved_contacts": live_moved},
        )
        return MergeResult(_info(survivor), live_moved)
