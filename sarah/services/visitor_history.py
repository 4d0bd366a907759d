"""A person's file: searching visitors, their contacts at every site, first visits, merges."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import ColumnElement, Engine, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from sarah.db import read_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Service, Site, Visitor, VisitorMerge, contact_services
from sarah.services.desk.values import whole_date
from sarah.services.name_matching import letters, letters_alike, name_words
from sarah.services.neighbourhoods.listing import NeighbourhoodInfo, offered_places
from sarah.services.text import fold
from sarah.services.visitor_lookalikes import lookalikes
from sarah.services.visitor_merges import MergeTrace, merge_traces
from sarah.services.visitors import (
    VisitorInfo,
    age_group,
    age_on,
    likely_duplicates,
    live_visitors,
    visitors_born_on,
    visitors_named,
)
from sarah.settings import YOUNG_AGE_LIMIT

SEARCH_LIMIT = 100
MIN_SEARCH_LETTERS = 2


@dataclass(frozen=True)
class VisitorRow:
    """One line of a visitor search: the profile and a summary of the visits."""

    visitor: VisitorInfo
    age: int | None
    age_group: str  # 'jeunes', 'adultes' or 'NR'
    contacts: int
    first_visit: date | None
    last_visit: date | None
    approximate: bool = False  # found by a name that sounds alike or is a typo away


@dataclass(frozen=True)
class ContactLine:
    id: uuid.UUID
    local_date: date
    local_time: time
    site: str
    channel: str
    services: tuple[str, ...]  # current labels, in catalogue order
    agent: str | None
    entered_at: datetime


@dataclass(frozen=True)
class SiteVisits:
    site: str
    first_visit: date
    last_visit: date
    contacts: int


@dataclass(frozen=True)
class VisitorHistory:
    visitor: VisitorInfo
    age: int | None
    age_group: str
    contacts: list[ContactLine]  # newest first, every site, deleted contacts left out
    sites: list[SiteVisits]  # in the order the person first came to them
    merges: list[MergeTrace]  # records merged into this one, newest first, each with its own
    # Where the person lives, and the neighbourhoods the page offers (the list's, the person's
    # own even if retired; empty where the network keeps no list).
    neighbourhood_id: uuid.UUID | None = None
    places: tuple[NeighbourhoodInfo, ...] = ()

    @property
    def first_visit(self) -> date | None:
        return min((s.first_visit for s in self.sites), default=None)

    @property
    def first_site(self) -> str | None:
        return self.sites[0].site if self.sites else None

    @property
    def last_visit(self) -> date | None:
        return max((s.last_visit for s in self.sites), default=None)


def parse_birth_date(text: str) -> date | None:
    """'15/03/1993' (or 15031993, 15.03.1993) -> date; None when not a whole date; error if impossible."""
    return whole_date(text)


def _rows(
    s: Session,
    visitors: list[Visitor],
    today: date,
    young_age_limit: int,
    approximate_from: int | None = None,
) -> list[VisitorRow]:
    ids = [v.id for v in visitors]
    stats: dict[uuid.UUID, tuple[int, date | None, date | None]] = {}
    if ids:
        for vid, n, first_day, last_day in s.execute(
            select(
                Contact.visitor_id,
                func.count(),
                func.min(Contact.local_date),
                func.max(Contact.local_date),
            )
            .where(Contact.visitor_id.in_(ids), Contact.deleted_at.is_(None))
            .group_by(Contact.visitor_id)
        ):
            if vid is not None:  # always: only these visitors' contacts are counted
                stats[vid] = (int(n), first_day, last_day)
    out = []
    for i, v in enumerate(visitors):
        n, first, last = stats.get(v.id, (0, None, None))
        info = VisitorInfo(v.id, v.last_name, v.first_name, v.sex, v.birth_date)
        out.append(
            VisitorRow(
                info,
                age_on(v.birth_date, today) if v.birth_date else None,
                age_group(v.birth_date, today, young_age_limit),
                n,
                first,
                last,
                approximate_from is not None and i >= approximate_from,
            )
        )
    return out


def search_visitors(
    engine: Engine,
    text: str,
    *,
    limit: int = SEARCH_LIMIT,
    today: date | None = None,
    young_age_limit: int = YOUNG_AGE_LIMIT,
) -> list[VisitorRow]:
    """Visitors whose last or first name starts with the words typed, or born on a typed date.

    Case, accents and extra spaces do not count; every word must start a word of the name
    ("dup lea" finds DUPONT Léa). Then, while the list has room, the names that sound alike or
    are a typo away, as at the desk ("dialo" finds DIALLO), marked ``approximate``. Fewer than
    two letters find nobody.
    """
    today = today or date.today()
    stripped = text.strip()
    if stripped[:1].isdigit():
        born = parse_birth_date(stripped)
        if born is None:  # a date being typed: stay quiet until it is whole
            return []
        with read_session(engine) as s:
            return _rows(s, visitors_born_on(s, born, limit), today, young_age_limit)
    words = fold(text).split()
    if sum(len(w) for w in words) < MIN_SEARCH_LETTERS:
        return []
    with read_session(engine) as s:
        found = visitors_named(s, words, limit, then_by_birth_date=True)
        alike = lookalikes(
            s,
            name_words(text),
            limit - len(found),
            live=live_visitors(),
            exclude=[v.id for v in found],
        )
        return _rows(s, found + alike, today, young_age_limit, approximate_from=len(found))


def duplicates_between_sites(
    engine: Engine, *, today: date | None = None, young_age_limit: int = YOUNG_AGE_LIMIT
) -> list[VisitorRow]:
    """Records of two sites that only look alike: the same folded names, a birth date missing
    on at least one (docs/sync.md, rule 6). A sync never merges them alone; they are listed
    side by side for a person to confirm with "Fusionner avec une autre fiche…"."""
    a, b = aliased(Visitor), aliased(Visitor)
    live = and_(
        a.deleted_at.is_(None),
        b.deleted_at.is_(None),
        a.merged_into_id.is_(None),
        b.merged_into_id.is_(None),
    )
    pairs = (
        select(a.id, b.id)
        .join(b, and_(a.search_key == b.search_key, a.id < b.id))
        .where(
            live,
            a.search_key != "",
            func.coalesce(a.origin_site_id, "") != func.coalesce(b.origin_site_id, ""),
            or_(a.birth_date.is_(None), b.birth_date.is_(None)),
        )
        .order_by(a.search_key, a.id, b.id)
        .limit(SEARCH_LIMIT)
    )
    with read_session(engine) as s:
        order: list[uuid.UUID] = []
        for first, second in s.execute(pairs):
            order.extend(i for i in (first, second) if i not in order)
        found = {v.id: v for v in s.scalars(select(Visitor).where(Visitor.id.in_(order)))}
        return _rows(s, [found[i] for i in order], today or date.today(), young_age_limit)


@dataclass(frozen=True)
class DuplicatePair:
    """Two records that are probably one person, for someone to check and merge."""

    first: VisitorRow
    second: VisitorRow
    same_birth_date: bool  # else one of them has no birth date, and the names sound alike


REVIEW_LIMIT = 200


def _live(v: type[Visitor]) -> ColumnElement[bool]:
    return and_(v.deleted_at.is_(None), v.merged_into_id.is_(None), v.erased_at.is_(None))


def _pairs_found(s: Session) -> list[tuple[Visitor, Visitor, bool]]:
    """Candidates grouped by the database: born the same day with a name spelled the same or
    both sounding alike, or both names sounding alike where a birth date is missing. The
    names are compared in Python only within those groups."""
    a, b = aliased(Visitor), aliased(Visitor)
    live = and_(_live(a), _live(b), a.sound_key != "")
    same_day = (
        select(a, b)
        .join(b, and_(a.birth_date == b.birth_date, a.id < b.id))
        .where(
            live,
            or_(
                a.last_sound == b.last_sound,
                a.first_sound == b.first_sound,
                a.sound_key == b.sound_key,
            ),
        )
    )
    # From the records without a birth date (few, on the index of the dates) to those of the
    # same phonetic key: a pair of two such records comes twice, kept once.
    sounding = (
        select(a, b)
        .join(b, and_(a.sound_key == b.sound_key, a.id != b.id))
        .where(live, a.birth_date.is_(None))
    )
    found = [(x, y, True) for x, y in s.execute(same_day)]
    seen: set[frozenset[uuid.UUID]] = set()
    for x, y in s.execute(sounding):
        if (pair := frozenset((x.id, y.id))) not in seen:
            seen.add(pair)
            found.append((x, y, False))
    return found


def _told_apart(s: Session) -> set[frozenset[uuid.UUID]]:
    """Pairs whose merge was undone: someone said they are two people."""
    undone = select(VisitorMerge.survivor_id, VisitorMerge.absorbed_id).where(
        VisitorMerge.deleted_at.is_not(None)
    )
    return {frozenset(pair) for pair in s.execute(undone)}


def probable_duplicates(
    engine: Engine,
    *,
    today: date | None = None,
    young_age_limit: int = YOUNG_AGE_LIMIT,
    limit: int = REVIEW_LIMIT,
) -> list[DuplicatePair]:
    """The whole base's records that are probably one person, a pair at a time (each in name
    order), those born the same day first, then in name order; at most ``limit`` pairs.

    Born the same day with both names alike (spelled the same, sounding alike or a typo away:
    sarah.services.name_matching), or with both names sounding alike where one birth date is
    missing; never two records of known different sexes, nor two whose merge was undone. Each
    pair is also among the duplicates the merge dialog proposes for either record
    (:func:`merge_candidates`), which is where they are merged.
    """
    with read_session(engine) as s:
        apart = _told_apart(s)
        pairs = []
        for x, y, same_day in _pairs_found(s):
            if (x.sex and y.sex and x.sex != y.sex) or frozenset((x.id, y.id)) in apart:
                continue
            if same_day and not (
                letters_alike(letters(x.last_name), letters(y.last_name))
                and letters_alike(letters(x.first_name), letters(y.first_name))
            ):
                continue
            x, y = sorted((x, y), key=lambda v: (v.search_key, str(v.id)))
            pairs.append((not same_day, x.search_key, y.search_key, str(x.id), x, y))
        pairs.sort(key=lambda p: p[:4])
        pairs = pairs[:limit]
        visitors = list({v.id: v for p in pairs for v in p[4:]}.values())
        rows = {r.visitor.id: r for r in _rows(s, visitors, today or date.today(), young_age_limit)}
        return [DuplicatePair(rows[x.id], rows[y.id], not later) for later, *_, x, y in pairs]


def _resolve(s: Session, visitor_id: uuid.UUID) -> Visitor:
    """The live record for ``visitor_id``, following merges to the surviving record."""
    v = s.get(Visitor, visitor_id)
    seen: set[uuid.UUID] = set()
    while v is not None and v.merged_into_id is not None and v.id not in seen:
        seen.add(v.id)
        v = s.get(Visitor, v.merged_into_id)
    if v is None or v.deleted_at is not None:
        raise InvalidInput("Cette personne n'existe plus (fiche supprimée).")
    return v


def visitor_history(
    engine: Engine,
    visitor_id: uuid.UUID,
    *,
    today: date | None = None,
    young_age_limit: int = YOUNG_AGE_LIMIT,
) -> VisitorHistory:
    """Everything about one person. A record merged into another opens the surviving one."""
    today = today or date.today()
    with read_session(engine) as s:
        v = _resolve(s, visitor_id)
        info = VisitorInfo(v.id, v.last_name, v.first_name, v.sex, v.birth_date)
        rows = s.execute(
            select(Contact, Site.name)
            .join(Site, Site.id == Contact.site_id)
            .where(Contact.visitor_id == v.id, Contact.deleted_at.is_(None))
            .order_by(
                Contact.local_date.desc(), Contact.local_time.desc(), Contact.entered_at.desc()
            )
        ).all()
        labels: dict[uuid.UUID, list[str]] = defaultdict(list)
        if rows:
            for cid, label in s.execute(
                select(contact_services.c.contact_id, Service.label)
                .join(Service, Service.id == contact_services.c.service_id)
                .join(Contact, Contact.id == contact_services.c.contact_id)
                .where(Contact.visitor_id == v.id, Contact.deleted_at.is_(None))
                .order_by(Service.position)
            ):
                labels[cid].append(label)
        contacts = [
            ContactLine(
                c.id,
                c.local_date,
                c.local_time,
                site,
                c.channel,
                tuple(labels.get(c.id, ())),
                c.agent,
                c.entered_at,
            )
            for c, site in rows
        ]
        per_site: dict[str, list[ContactLine]] = defaultdict(list)
        for line in contacts:
            per_site[line.site].append(line)
        sites = sorted(
            (
                SiteVisits(
                    name,
                    min(c.local_date for c in lines),
                    max(c.local_date for c in lines),
                    len(lines),
                )
                for name, lines in per_site.items()
            ),
            key=lambda sv: (sv.first_visit, sv.site),
        )
        merges = merge_traces(s, v.id)
        return VisitorHistory(
            info,
            age_on(v.birth_date, today) if v.birth_date else None,
            age_group(v.birth_date, today, young_age_limit),
            contacts,
            sites,
            merges,
            v.neighbourhood_id,
            tuple(offered_places(s, v.neighbourhood_id)),
        )


def merge_candidates(
    engine: Engine,
    visitor_id: uuid.UUID,
    *,
    today: date | None = None,
    young_age_limit: int = YOUNG_AGE_LIMIT,
) -> list[VisitorRow]:
    """Other records that are probably the same person (the engine's duplicate rule), closest
    first: each pair of :func:`probable_duplicates` is among them."""
    today = today or date.today()
    with read_session(engine) as s:
        v = _resolve(s, visitor_id)
        own_id, last, first, born = v.id, v.last_name, v.first_name, v.birth_date
    ids = [d.id for d in likely_duplicates(engine, last, first, born) if d.id != own_id]
    if not ids:
        return []
    with read_session(engine) as s:
        found = {
            o.id: o for o in s.scalars(select(Visitor).where(Visitor.id.in_(ids), live_visitors()))
        }
        return _rows(s, [found[i] for i in ids if i in found], today, young_age_limit)
