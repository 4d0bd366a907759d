"""Finding a visitor while the agent types: letters of a name or a birth date.

The names that start with the words typed come first, as they always did; when they are fewer
than the list shows, names that sound alike or are a typo away follow, marked approximate
(sarah.services.visitor_lookalikes): "dialo" finds DIALLO, "mohamed" MOHAMMED.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from sarah.db import read_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Visitor
from sarah.services.desk.values import looks_like_date, parse_birth_date, whole_date
from sarah.services.name_matching import name_words
from sarah.services.text import fold
from sarah.services.visitor_lookalikes import lookalikes
from sarah.services.visitors import (
    age_group,
    age_on,
    display_name,
    live_visitors,
    visitors_born_on,
    visitors_named,
)
from sarah.settings import YOUNG_AGE_LIMIT
from sarah.vocabulary import AGE_GROUP_NAMES

SEARCH_LIMIT = 40
MIN_SEARCH_LETTERS = 2


@dataclass(frozen=True)
class VisitorHit:
    """One line of the desk's result list."""

    id: uuid.UUID
    last_name: str
    first_name: str
    sex: str | None
    birth_date: date | None
    age: int | None
    group: str  # 'jeunes', 'adultes' or 'NR'
    last_visit: date | None
    approximate: bool = False  # found by a name that sounds alike or is a typo away

    @property
    def display_name(self) -> str:
        return display_name(self.last_name, self.first_name)

    @property
    def group_label(self) -> str:
        return AGE_GROUP_NAMES[self.group]


def _hits(
    s: Session,
    visitors: Iterable[Visitor],
    today: date,
    limit: int,
    *,
    approximate_from: int | None = None,
) -> list[VisitorHit]:
    """The lines of the list; from the ``approximate_from``-th on, people found tolerantly."""
    rows = list(visitors)
    if not rows:
        return []
    last = dict(
        s.execute(
            select(Contact.visitor_id, func.max(Contact.local_date))
            .where(Contact.visitor_id.in_([v.id for v in rows]), Contact.deleted_at.is_(None))
            .group_by(Contact.visitor_id)
        ).all()
    )
    return [
        VisitorHit(
            id=v.id,
            last_name=v.last_name,
            first_name=v.first_name,
            sex=v.sex,
            birth_date=v.birth_date,
            age=age_on(v.birth_date, today) if v.birth_date else None,
            group=age_group(v.birth_date, today, limit),
            last_visit=last.get(v.id),
            approximate=approximate_from is not None and i >= approximate_from,
        )
        for i, v in enumerate(rows)
    ]


def search_visitors(
    engine: Engine,
    text: str,
    *,
    today: date | None = None,
    on: date | None = None,
    young_age_limit: int = YOUNG_AGE_LIMIT,
    limit: int = SEARCH_LIMIT,
) -> list[VisitorHit]:
    """Visitors matching what the agent typed: letters of a last or first name, or a birth date.

    Case, accents and extra spaces do not count. Each word typed must start a word of the name,
    in any order ('dup je', 'jean dup'). People whose last name starts with the first word come
    first. Then, while the list has room, people whose names sound like the words typed or are
    a typo away ('dialo' finds DIALLO), closest first, each marked ``approximate``. Fewer than
    two letters, or an incomplete date, find nobody (the list stays quiet).
    Raises InvalidInput for a complete but impossible date. Ages and the jeune/adulte group are
    those on the day ``on`` (the contact's day in a catch-up entry), today by default.
    """
    today = today or date.today()
    age_day = on or today
    if looks_like_date(text):
        if whole_date(text) is None:
            return []
        born = parse_birth_date(text, today=today)
        with read_session(engine) as s:
            return _hits(s, visitors_born_on(s, born, limit), age_day, young_age_limit)

    words = fold(text).split()
    if not words or sum(len(w) for w in words) < MIN_SEARCH_LETTERS:
        return []
    with read_session(engine) as s:
        found = visitors_named(s, words, limit)
        alike = lookalikes(
            s,
            name_words(text),
            limit - len(found),
            live=live_visitors(),
            exclude=[v.id for v in found],
        )
        return _hits(s, found + alike, age_day, young_age_limit, approximate_from=len(found))


def visitor_hit(
    engine: Engine,
    visitor_id: uuid.UUID,
    *,
    today: date | None = None,
    on: date | None = None,
    young_age_limit: int = YOUNG_AGE_LIMIT,
) -> VisitorHit:
    """One visitor as the desk shows them (after creating them, or when editing a contact);
    age and group on the day ``on`` (default today), as in :func:`search_visitors`."""
    with read_session(engine) as s:
        v = s.get(Visitor, visitor_id)
        if v is None or v.deleted_at is not None:
            raise InvalidInput("Cette personne n'existe plus (fiche fusionnée ou supprimée).")
        return _hits(s, [v], on or today or date.today(), young_age_limit)[0]
