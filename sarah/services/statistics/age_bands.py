"""Tables 3 and 4 by the age bands of a funder's profile (FSE+: under 18, 18–29, 30–54, 55 and
over), computed by the database.

The people, the contact that fixes the age, the sex and "new" are table 3's and 4's exactly
(docs/statistiques.md): a site row counts the distinct people with a live contact of the
period at that site, aged on their first contact of the period there; the total row counts
each person once, aged on their first contact of the period at any selected site; new when
their first contact ever there (at any selected site for the total row) is in the period. The
age in whole years comes from the birth date, or from the age the contact kept when the
identity was erased (contacts.age_years), NULL when neither is known.

Why the derived tables: the database groups people by row, age in years, sex and "new" (a few
hundred rows whatever the number of contacts), Python files the ages into bands. It reads
stat_visits (a person's days at a site, integer keys), stat_persons (sex and birth day) and
stat_firsts (first day ever at each site), which triggers keep exact on SQLite and PostgreSQL
in every write. On the 1,000,000-contact database of benchmarks/dataset.py, the first semester
of 2019 at its 10 sites (109,081 contacts, 31,311 people) takes 0.35 s on SQLite once the file
is in the disk cache; grouping the contacts themselves takes several seconds (table 3's direct
path: 6 s). A site row and the total row are two queries over the period's visits; the kept
age is looked up, for the people whose profile has no birth day only, by the person and day.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    FromClause,
    Select,
    and_,
    case,
    exists,
    func,
    select,
)

from sarah.db import read_connection
from sarah.reports.age_bands import FSE_PLUS, AgeBandCounts, AgeBandTables, AgeProfile
from sarah.reports.tables import Period
from sarah.services.sites import SiteInfo, resolve_sites
from sarah.services.statistics.sql import (
    contacts,
    date_number,
    day_number,
    prepare_read,
    sex_expr,
    stat_firsts,
    stat_persons,
    stat_visits,
)

# (site id or None for the total row, age in years or None, sex, new?) -> people
_Rows = dict[tuple[uuid.UUID | None, int | None, str, bool], int]


def age_band_tables(
    engine: Engine,
    period: Period,
    sites: list[str] | None = None,
    profile: AgeProfile = FSE_PLUS,
) -> AgeBandTables:
    """Tables 3 and 4 of ``period`` by the bands of ``profile``, for the named sites (None or
    empty: all live sites). Unknown site names raise InvalidInput listing the known ones."""
    return age_bands_for_sites(engine, period, resolve_sites(engine, sites), profile)


def age_bands_for_sites(
    engine: Engine, period: Period, chosen: Sequence[SiteInfo], profile: AgeProfile = FSE_PLUS
) -> AgeBandTables:
    """The same for sites already resolved (display order kept)."""
    site_ids = [s.id for s in chosen]
    with read_connection(engine) as conn:
        prepare_read(conn)  # PostgreSQL: both queries read one snapshot
        rows = _people_by_age(conn, period, site_ids)

    def row(key: uuid.UUID | None, new: bool) -> AgeBandCounts:
        counts = AgeBandCounts.empty(profile)
        for (row_key, age, sex, is_new), n in rows.items():
            if row_key == key and (is_new or not new):
                counts.cells[profile.band_for(age)][sex] += n
        return counts

    return AgeBandTables(
        profile=profile,
        period=period,
        sites=[s.name for s in chosen],
        by_site={s.name: row(s.id, False) for s in chosen},
        total=row(None, False),
        new_by_site={s.name: row(s.id, True) for s in chosen},
        new_total=row(None, True),
    )


def _age_years(first_day: ColumnElement[Any]) -> ColumnElement[Any]:
    """Whole years on ``first_day`` (YYYYMMDD) from the birth day, as table 3 reads them; else
    the age kept by the person's contact of that day (an erased identity); else NULL."""
    kept = (
        select(func.min(contacts.c.age_years))
        .where(
            contacts.c.visitor_id == stat_persons.c.visitor_id,
            date_number(contacts.c.local_date) == first_day,
            contacts.c.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    born = stat_persons.c.birth_day
    return case((born.is_not(None), (first_day - born) // 10000), else_=kept)


def _grouped(
    row_key: ColumnElement[Any] | None,
    first_day: ColumnElement[Any],
    is_new: ColumnElement[Any],
    joined: FromClause,
) -> Select[Any]:
    """People counted by row (``row_key``: the site; None: the total row), age, sex and new:
    one row per person and row first, so that the age is computed once per person, then
    grouped by plain columns."""
    keys = [] if row_key is None else [row_key.label("row_key")]
    per_person = (
        select(
            *keys,
            _age_years(first_day).label("age"),
            sex_expr(stat_persons.c.sex).label("sex"),
            case((is_new, 1), else_=0).label("is_new"),
        )
        .select_from(joined)
        .subquery("per_person")
    )
    columns = [per_person.c.age, per_person.c.sex, per_person.c.is_new]
    if row_key is not None:
        columns.insert(0, per_person.c.row_key)
    return select(*columns, func.count()).group_by(*columns)


def _people_by_age(conn: Connection, period: Period, site_ids: list[uuid.UUID]) -> _Rows:
    first, last = day_number(period.start), day_number(period.end)
    in_period = and_(stat_visits.c.site_id.in_(site_ids), stat_visits.c.day.between(first, last))
    out: _Rows = {}
    # Site rows: each person's first day of the period at each site; new when their first day
    # ever there (stat_firsts) is in the period.
    here = (
        select(
            stat_visits.c.person_no,
            stat_visits.c.site_id,
            func.min(stat_visits.c.day).label("first_day"),
        )
        .where(in_period)
        .group_by(stat_visits.c.person_no, stat_visits.c.site_id)
        .subquery("here")
    )
    here_joined = here.join(stat_persons, stat_persons.c.no == here.c.person_no).join(
        stat_firsts,
        and_(stat_firsts.c.person_no == here.c.person_no, stat_firsts.c.site_id == here.c.site_id),
    )
    new_here = stat_firsts.c.first_day >= first
    sites_stmt = _grouped(here.c.site_id, here.c.first_day, new_here, here_joined)
    for site_id, age, sex, new, n in conn.execute(sites_stmt):
        out[(site_id, age, sex, bool(new))] = n
    # Total row: each person once, on their first day of the period at any selected site; new
    # when they came to none of them before the period.
    anywhere = (
        select(stat_visits.c.person_no, func.min(stat_visits.c.day).label("first_day"))
        .where(in_period)
        .group_by(stat_visits.c.person_no)
        .subquery("anywhere")
    )
    before = exists().where(
        stat_firsts.c.person_no == anywhere.c.person_no,
        stat_firsts.c.site_id.in_(site_ids),
        stat_firsts.c.first_day < first,
    )
    anywhere_joined = anywhere.join(stat_persons, stat_persons.c.no == anywhere.c.person_no)
    total_stmt = _grouped(None, anywhere.c.first_day, ~before, anywhere_joined)
    for age, sex, new, n in conn.execute(total_stmt):
        out[(None, age, sex, bool(new))] = n
    return out
