"""People whose names sound like, or are a typo away from, what the agent typed.

The search as you type (sarah.services.visitors.visitors_named) finds the names that start with
every word typed. When it finds fewer people than the list shows, :func:`lookalikes` adds those
whose last or first name sounds like a typed word, or is a typo or two away from it
(sarah.services.name_matching): "dialo" finds DIALLO, "mohamed" MOHAMMED and MUHAMMAD, "ben ali"
BENALI. None of its three steps reads every name:

1. the distinct stored values ("<code> <letters>", visitors.last_sound / first_sound) whose
   code starts as the typed word's does, read from the index of each name by a loose index
   scan (one seek a name, however many people hold it);
2. which of them each typed word finds, and how well: in Python, rapidfuzz over those names;
3. the people holding them, best first and at most as many as the list lacks, in SQL on the
   same indexes: for one word, those holding a name it finds; for several, a last name found
   by one word with a first name found by another (the last name's index holds the first
   name), every other word found too.

A person's rank is the sum of the ranks of the words typed (spelled, sounds alike, one typo,
two), so that a closer name comes first; the exact search's people always come before.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, reduce
from itertools import permutations
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from sarah import schema
from sarah.models import Visitor
from sarah.services.name_matching import (
    MIN_SOUND_LETTERS,
    SOUNDS,
    SPELLED,
    TWO_TYPOS,
    Bucket,
    letters_alike,
    ranks_of,
    sound_code,
    split_value,
    typed_readings,
)

_TOP = "\U0010ffff"  # after every character: the end of a prefix's range
LOOSE_STEPS = 200  # names read a seek each before the rest of a letter's names is scanned


def key_starts(prefix: str) -> ColumnElement[bool]:
    """The search key starts with ``prefix``, written so that SQLite uses the index on the key."""
    return and_(Visitor.search_key >= prefix, Visitor.search_key < prefix + _TOP)


def later_word_starts(prefix: str) -> ColumnElement[bool]:
    """A later word of the search key (first name, second last name) starts with ``prefix``."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(
        Visitor.search_key.like(f"% {escaped}%", escape="\\"),
        Visitor.search_key.like(f"%-{escaped}%", escape="\\"),
    )


def word_starts(prefix: str) -> ColumnElement[bool]:
    """A word of the search key starts with ``prefix``: found as typed."""
    return or_(key_starts(prefix), later_word_starts(prefix))


@dataclass
class _Found:
    """The stored values of each name that one typed word finds, with their rank."""

    last: dict[str, int] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)

    def held(self, ranks: range = range(SPELLED, TWO_TYPOS + 1)) -> ColumnElement[bool] | None:
        """The person's last or first name is one of these values (of these ranks); None when
        there is none."""
        parts = [
            column.in_(values)
            for column, found in (
                (Visitor.last_sound, self.last),
                (Visitor.first_sound, self.first),
            )
            if (values := [v for v, r in found.items() if r in ranks])
        ]
        return or_(*parts) if parts else None


@cache
def _walks(name: str) -> tuple[Select[Any], Select[Any]]:
    """The two statements of :func:`_values` for one column, built once (the desk runs them
    at every keystroke): a loose index scan of its first values, and a range scan after."""
    column: ColumnElement[str] = schema.visitors.c[name]
    start, end, past = (bindparam(p, type_=String()) for p in ("start", "end", "past"))
    seed = select(func.min(column).label("x")).where(column >= start, column < end)
    walk = seed.cte("walk", recursive=True)
    after = select(func.min(column)).where(column > walk.c.x, column < end).scalar_subquery()
    walk = walk.union_all(select(after.label("x")).where(walk.c.x.is_not(None)))
    loose = select(walk.c.x).where(walk.c.x.is_not(None)).limit(LOOSE_STEPS)
    rest = select(column).where(column > past, column < end).distinct().order_by(column)
    return loose, rest


def _values(s: Session, column: InstrumentedAttribute[str], letter: str) -> list[str]:
    """The distinct values of one name's column whose code starts with ``letter``, in order.

    Read by a loose index scan first (one seek for each value, however many people hold it:
    a base where a few names are held by hundreds), then, past ``LOOSE_STEPS`` values, by
    one range scan of the rest (a base of many names, each held by few)."""
    loose, rest = _walks(column.key)
    bounds = {"start": letter, "end": letter + _TOP}
    first = list(s.scalars(loose, bounds))
    if len(first) < LOOSE_STEPS:
        return first
    return first + list(s.scalars(rest, {**bounds, "past": first[-1]}))


def alike_values(s: Session, column: InstrumentedAttribute[str], spelled: str) -> list[str]:
    """The stored values of one name's column whose whole name is alike ``spelled`` (its
    letters, :func:`sarah.services.name_matching.letters_alike`); [""] for no name."""
    if not spelled:
        return [""]
    return [
        v
        for v in _values(s, column, sound_code(spelled)[0])
        if letters_alike(split_value(v)[1], spelled)
    ]


def names_found(s: Session, tokens: Iterable[str]) -> dict[str, _Found]:
    """Steps 1 and 2: for each typed word of three letters or more, the names it finds."""
    tokens = [t for t in dict.fromkeys(tokens) if len(t) >= MIN_SOUND_LETTERS]
    if not tokens:
        return {}
    buckets = {
        (side, x): Bucket(_values(s, column, x))
        for side, column in (("last", Visitor.last_sound), ("first", Visitor.first_sound))
        for x in {sound_code(t)[0] for t in tokens}
    }
    out = {}
    for t in tokens:
        x = sound_code(t)[0]
        found = _Found(ranks_of(t, buckets[("last", x)]), ranks_of(t, buckets[("first", x)]))
        if found.last or found.first:
            out[t] = found
    return out


def _rank(token: str, found: _Found | None, *, as_typed: bool = True) -> ColumnElement[int]:
    """How well the person's names match one typed word: the best of its ranks (with
    ``as_typed``, a word of the name starting with it is spelled; of a word typed alone, that
    person is the exact search's and is not looked for)."""
    whens: list[tuple[ColumnElement[bool], int]] = []
    for rank in range(SPELLED, TWO_TYPOS + 1):
        if found is not None and (held := found.held(range(rank, rank + 1))) is not None:
            whens.append((held, rank))
        if rank == SPELLED and as_typed:
            whens.append((word_starts(token), SPELLED))
    return case(*whens, else_=TWO_TYPOS + 1)


def _matches(token: str, found: _Found | None) -> ColumnElement[bool]:
    """The person's names match one typed word, as typed or tolerantly."""
    held = found.held() if found is not None else None
    return word_starts(token) if held is None else or_(word_starts(token), held)


def _leads(reading: tuple[str, ...], found: dict[str, _Found]) -> list[ColumnElement[bool]]:
    """The indexed conditions that find a reading's people, one statement each.

    One word: the people holding a name it finds. Several, each finding names: a last name
    found by one word and a first name by another (on the index of both names, so that only
    those people are read); the others must then match too. Several, some too short to be
    forgiven: each forgiven word leads, the others found as typed."""
    if len(reading) == 1:
        held = found[reading[0]].held() if reading[0] in found else None
        return [] if held is None else [held]
    if all(t in found for t in reading):
        pairs = []
        for i, j in permutations(range(len(reading)), 2):
            last, first = found[reading[i]].last, found[reading[j]].first
            if last and first:
                rest = [t for k, t in enumerate(reading) if k not in (i, j)]
                pairs.append(
                    and_(
                        Visitor.last_sound.in_(list(last)),
                        Visitor.first_sound.in_(list(first)),
                        *(_matches(t, found[t]) for t in rest),
                    )
                )
        return [or_(*pairs)] if pairs else []
    conditions = []
    for lead in dict.fromkeys(t for t in reading if t in found):
        held = found[lead].held(range(SOUNDS, TWO_TYPOS + 1))  # spelled: the exact search's
        if held is not None:
            rest = list(reading)
            rest.remove(lead)  # one of its places: "jean jean" asks for two names
            conditions.append(and_(held, *(_matches(t, found.get(t)) for t in rest)))
    return conditions


def lookalikes(
    s: Session,
    words: Sequence[str],
    limit: int,
    *,
    live: ColumnElement[bool],
    exclude: Sequence[uuid.UUID] = (),
) -> list[Visitor]:
    """At most ``limit`` people (``live``, not in ``exclude``) whose names match the typed
    ``words`` (folded letters, sarah.services.name_matching.name_words) tolerantly, best
    first, then in name order."""
    if limit <= 0 or not words:
        return []
    readings = typed_readings(list(words))
    found = names_found(s, (t for reading in readings for t in reading))
    best: dict[uuid.UUID, tuple[int, str, str]] = {}
    for reading in readings:
        alone = len(reading) == 1
        rank = reduce(
            lambda a, b: a + b, [_rank(t, found.get(t), as_typed=not alone) for t in reading]
        )
        ranked = rank.label("rank")
        for leads in _leads(reading, found):
            stmt = (
                select(Visitor.id, Visitor.search_key, ranked)
                .where(live, leads)
                .order_by(ranked, Visitor.search_key, Visitor.id)
                .limit(limit)
            )
            if exclude:
                stmt = stmt.where(Visitor.id.not_in(exclude))
            for vid, key, r in s.execute(stmt):
                best[vid] = min(best.get(vid, (r, key, str(vid))), (r, key, str(vid)))
    chosen = sorted(best, key=best.__getitem__)[:limit]
    if not chosen:
        return []
    rows = {v.id: v for v in s.scalars(select(Visitor).where(Visitor.id.in_(chosen)))}
    return [rows[i] for i in chosen]
