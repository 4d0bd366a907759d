"""The trace of merges (table visitor_merges): shown on a person's page, and undone from there.

Undoing a merge ("Annuler la fusion") gives back the absorbed record and exactly the contacts
the merge moved, takes back from the surviving record what the merge filled in (sex, birth
date) unless it was changed since, and tombstones the trace. It is a new write with a new
revision, never a hard delete, so that a later sync carries it. The statistics sums follow
through the SQLite triggers (migration 0002), as for any change of a contact's person.

Chains are undone from the newest link: when A was merged into B and then B into C, the merge
of B into C is undone first (B comes back with A's contacts), then A's from B's page. Undoing A
first is refused with a message saying so: B's own fields may have come from A, and C's from B.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from sarah.db import read_session, write_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Visitor, VisitorMerge
from sarah.services.audit.actor import current_actor
from sarah.services.audit.log import record
from sarah.services.revisions import next_revision, this_installation
from sarah.services.visitors import VisitorInfo, display_name

ID_CHUNK = 500  # contact ids per statement: well under SQLite's limit on bound parameters

FIELD_WORDS = {"sex": "sexe", "birth_date": "date de naissance"}


@dataclass(frozen=True)
class MergeTrace:
    """One record merged into the page's person, as the page lists it."""

    id: uuid.UUID
    absorbed_id: uuid.UUID
    merged_at: datetime
    absorbed_name: str
    absorbed_birth_date: date | None
    moved_contacts: int
    agent: str | None
    undo_blocker: str | None  # why "Annuler la fusion" cannot be done now; None: it can
    within: tuple[MergeTrace, ...] = ()  # records merged earlier into the absorbed one

    @property
    def can_undo(self) -> bool:
        return self.undo_blocker is None


@dataclass(frozen=True)
class UnmergePlan:
    """What undoing one merge does (before: the confirmation; after: the result)."""

    merge_id: uuid.UUID
    survivor: VisitorInfo
    restored: VisitorInfo
    contacts_back: int  # live contacts given back to the restored record
    contacts_elsewhere: int  # moved by the merge, since put on another record: left there
    fields_back: tuple[str, ...]  # 'sex', 'birth_date': filled in by the merge, taken back
    inner_merges: tuple[str, ...]  # names of records merged earlier into the restored one


def _info(v: Visitor) -> VisitorInfo:
    return VisitorInfo(v.id, v.last_name, v.first_name, v.sex, v.birth_date)


def _profile(text: str | None) -> dict[str, Any]:
    value = json.loads(text) if text else {}
    return value if isinstance(value, dict) else {}


def _moved_ids(m: VisitorMerge) -> list[uuid.UUID]:
    return [uuid.UUID(str(x)) for x in json.loads(m.moved_contact_ids or "[]")]


def _top(s: Session, v: Visitor) -> Visitor:
    """The record ``v`` ended up in, following merges."""
    seen = {v.id}
    while v.merged_into_id is not None:
        nxt = s.get(Visitor, v.merged_into_id)
        if nxt is None or nxt.id in seen:
            break
        seen.add(nxt.id)
        v = nxt
    return v


def _blocker(s: Session, m: VisitorMerge) -> str | None:
    """Why merge ``m`` cannot be undone now, in French; None when it can."""
    if m.deleted_at is not None:
        return "Cette fusion a déjà été annulée."
    if m.moved_contact_ids is None:
        return (
            "Cette fusion a été faite par une version de SARAH qui ne notait pas quels contacts "
            "elle déplaçait : elle ne peut pas être annulée."
        )
    survivor, absorbed = s.get(Visitor, m.survivor_id), s.get(Visitor, m.absorbed_id)
    if survivor is None or absorbed is None:
        return "Une des deux fiches n'existe plus : cette fusion ne peut pas être annulée."
    if survivor.erased_at is not None or absorbed.erased_at is not None:
        return (
            "L'identité de cette personne a été effacée (les profils d'avant la fusion avec) : "
            "cette fusion ne peut plus être annulée."
        )
    kept = display_name(survivor.last_name, survivor.first_name)
    if survivor.merged_into_id is not None:
        top = _top(s, survivor)
        return (
            f"{kept} a ensuite été réunie dans {display_name(top.last_name, top.first_name)} : "
            "annulez d'abord cette fusion-là, puis celle-ci depuis la fiche de "
            f"{kept}."
        )
    if survivor.deleted_at is not None:
        return f"La fiche {kept} a été supprimée : cette fusion ne peut pas être annulée."
    if absorbed.merged_into_id != survivor.id or absorbed.deleted_at is None:
        gone = display_name(absorbed.last_name, absorbed.first_name)
        return (
            f"La fiche {gone} n'est plus réunie dans {kept} (changée depuis) : "
            "cette fusion ne peut plus être annulée."
        )
    return None


def _live_merges_into(s: Session, survivor_id: uuid.UUID) -> Sequence[VisitorMerge]:
    return s.scalars(
        select(VisitorMerge)
        .where(VisitorMerge.survivor_id == survivor_id, VisitorMerge.deleted_at.is_(None))
        .order_by(VisitorMerge.merged_at.desc())
    ).all()


def merge_traces(s: Session, survivor_id: uuid.UUID) -> list[MergeTrace]:
    """Records merged into ``survivor_id`` (newest first), each with those merged into it."""

    def traces(vid: uuid.UUID, seen: frozenset[uuid.UUID]) -> tuple[MergeTrace, ...]:
        out = []
        for m in _live_merges_into(s, vid):
            if m.absorbed_id in seen:
                continue  # a loop can only come from damaged data; show each record once
            profile = _profile(m.absorbed_profile)
            born = profile.get("birth_date")
            out.append(
                MergeTrace(
                    m.id,
                    m.absorbed_id,
                    m.merged_at,
                    display_name(profile.get("last_name"), profile.get("first_name")),
                    date.fromisoformat(born) if born else None,
                    m.moved_contacts,
                    m.agent,
                    _blocker(s, m),
                    traces(m.absorbed_id, seen | {m.absorbed_id}),
                )
            )
        return tuple(out)

    return list(traces(survivor_id, frozenset({survivor_id})))


def _plan(s: Session, merge_id: uuid.UUID) -> tuple[VisitorMerge, Visitor, Visitor, UnmergePlan]:
    m = s.get(VisitorMerge, merge_id)
    if m is None:
        raise InvalidInput("Cette fusion n'existe pas.")
    blocker = _blocker(s, m)
    if blocker is not None:
        raise InvalidInput(blocker)
    survivor, absorbed = s.get(Visitor, m.survivor_id), s.get(Visitor, m.absorbed_id)
    assert survivor is not None and absorbed is not None  # checked by _blocker
    ids = _moved_ids(m)
    back = elsewhere = 0
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        for visitor_id, live, n in s.execute(
            select(Contact.visitor_id, Contact.deleted_at.is_(None), func.count())
            .where(Contact.id.in_(chunk))
            .group_by(Contact.visitor_id, Contact.deleted_at.is_(None))
        ):
            if not live:
                continue  # deleted contacts go back too, but the pages do not count them
            if visitor_id == survivor.id:
                back += int(n)
            else:
                elsewhere += int(n)
    before, gone = _profile(m.survivor_profile), _profile(m.absorbed_profile)
    fields = []
    if before.get("sex") is None and survivor.sex is not None and survivor.sex == gone.get("sex"):
        fields.append("sex")
    born = survivor.birth_date.isoformat() if survivor.birth_date else None
    if before.get("birth_date") is None and born is not None and born == gone.get("birth_date"):
        fields.append("birth_date")
    inner = tuple(
        display_name(p.get("last_name"), p.get("first_name"))
        for p in (_profile(x.absorbed_profile) for x in _live_merges_into(s, absorbed.id))
    )
    plan = UnmergePlan(
        m.id, _info(survivor), _info(absorbed), back, elsewhere, tuple(fields), inner
    )
    return m, survivor, absorbed, plan


def unmerge_preview(engine: Engine, merge_id: uuid.UUID) -> UnmergePlan:
    """What undoing the merge would do; InvalidInput (French) when it cannot be undone."""
    with read_session(engine) as s:
        return _plan(s, merge_id)[3]


def unmerge_visitors(
    engine: Engine,
    merge_id: uuid.UUID,
    *,
    site_id: uuid.UUID | None = None,
) -> UnmergePlan:
    """Undo one merge in one write transaction; returns what was done.

    The restored record gets back the contacts the merge moved that are still on the surviving
    record (deleted ones too); the surviving record loses the sex / birth date the merge gave
    it unless changed since; the restored record and the trace get a new revision (the trace is
    tombstoned, never deleted).
    """
    with write_session(engine) as s:
        m, survivor, absorbed, plan = _plan(s, merge_id)
        revision, me = next_revision(s), this_installation(s)
        ids = _moved_ids(m)
        for start in range(0, len(ids), ID_CHUNK):
            s.execute(
                update(Contact)
                .where(
                    Contact.id.in_(ids[start : start + ID_CHUNK]),
                    Contact.visitor_id == survivor.id,
                )
                .values(visitor_id=absorbed.id, revision=revision, changed_by=me)
            )
        if "sex" in plan.fields_back:
            survivor.sex = None
        if "birth_date" in plan.fields_back:
            survivor.birth_date = None
        survivor.revision = revision
        absorbed.merged_into_id = None
        absorbed.deleted_at = None
        absorbed.revision = revision
        m.deleted_at = datetime.now()
        m.revision = revision
        s.flush()
        record(
            s,
            current_actor(),
            "unmerge",
            str(merge_id),
            {"survivor": str(survivor.id), "restored": str(absorbed.id)},
        )
        return UnmergePlan(
            plan.merge_id,
            _info(survivor),
            _info(absorbed),
            plan.contacts_back,
            plan.contacts_elsewhere,
            plan.fields_back,
            plan.inner_merges,
        )
