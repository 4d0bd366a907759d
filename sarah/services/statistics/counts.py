"""The counts of one report, two ways to the same numbers: ``direct`` over the contacts,
``derived`` over the per-day sums the triggers keep up to date (see sarah.services.statistics.tables)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    null,
    select,
    text,
    union_all,
)

from sarah.reports.tables import Period
from sarah.services.statistics.sql import (
    age_group_of_days,
    age_group_of_years,
    contact_age_group,
    contact_services,
    contacts,
    day_number,
    sex_expr,
    sites,
    stat_day_services,
    stat_days,
    stat_firsts,
    stat_persons,
    stat_semester_network_people,
    stat_semester_people,
    stat_visits,
    visitors,
)

# --- what both ways produce ------------------------------------------------------------------


@dataclass
class _Counts:
    """Aggregated rows, keyed by site id (None = total row of the people tables)."""

    channels: dict[tuple[uuid.UUID, str], int] = field(default_factory=dict)
    anonymous: dict[uuid.UUID, int] = field(default_factory=dict)
    no_service: dict[uuid.UUID, int] = field(default_factory=dict)
    services: dict[tuple[uuid.UUID, uuid.UUID], int] = field(default_factory=dict)
    # (row key, age group, sex, new?) -> people
    people: dict[tuple[uuid.UUID | None, str, str, bool], int] = field(default_factory=dict)
    controls: dict[tuple[uuid.UUID | None, str], int] = field(default_factory=dict)

    def add(self, mapping: dict[Any, int], key: Any, n: int | None) -> None:
        mapping[key] = mapping.get(key, 0) + int(n or 0)


def _direct_counts(
    conn: Connection, period: Period, site_ids: list[uuid.UUID], limit: int
) -> _Counts:
    """Aggregate the live contacts of the period themselves (any database)."""
    out = _Counts()
    part = and_(
        contacts.c.deleted_at.is_(None),
        contacts.c.site_id.in_(site_ids),
        contacts.c.local_date >= period.start,
        contacts.c.local_date <= period.end,
    )
    # Table 1; anonymous contacts (no visitor) on the side.
    stmt = (
        select(
            contacts.c.site_id, contacts.c.channel, func.count(), func.count(contacts.c.visitor_id)
        )
        .where(part)
        .group_by(contacts.c.site_id, contacts.c.channel)
    )
    for site_id, channel, n, named in conn.execute(stmt):
        out.add(out.channels, (site_id, channel), n)
        out.add(out.anonymous, site_id, n - named)
        out.add(out.controls, (site_id, "contacts"), n)
    # Table 2: each (contact, service) pair once (primary key); NULL = no service recorded.
    stmt = (
        select(contacts.c.site_id, contact_services.c.service_id, func.count())
        .select_from(
            contacts.outerjoin(contact_services, contact_services.c.contact_id == contacts.c.id)
        )
        .where(part)
        .group_by(contacts.c.site_id, contact_services.c.service_id)
    )
    for site_id, service_id, n in conn.execute(stmt):
        if service_id is None:
            out.add(out.no_service, site_id, n)
        else:
            out.add(out.services, (site_id, service_id), n)
    # Control: the same total counted another way (pairs, plus contacts without a pair).
    pairs = (
        select(contacts.c.site_id, func.count())
        .select_from(
            contacts.join(contact_services, contact_services.c.contact_id == contacts.c.id)
        )
        .where(part)
        .group_by(contacts.c.site_id)
    )
    lonely = (
        select(contacts.c.site_id, func.count())
        .where(part, ~exists().where(contact_services.c.contact_id == contacts.c.id))
        .group_by(contacts.c.site_id)
    )
    for stmt in (pairs, lonely):
        for site_id, n in conn.execute(stmt):
            out.add(out.controls, (site_id, "services"), n)

    # Tables 3 and 4: each person's first contact of the period at each site...
    firsts = (
        select(
            contacts.c.visitor_id,
            contacts.c.site_id,
            func.min(contacts.c.local_date).label("first_date"),
            # Age only goes up: the smallest kept age is the one of the first contact.
            func.min(contacts.c.age_years).label("first_age"),
        )
        .where(part, contacts.c.visitor_id.is_not(None))
        .group_by(contacts.c.visitor_id, contacts.c.site_id)
        .subquery("firsts")
    )
    earlier_here = exists().where(
        contacts.c.visitor_id == firsts.c.visitor_id,
        contacts.c.site_id == firsts.c.site_id,
        contacts.c.local_date < period.start,
        contacts.c.deleted_at.is_(None),
    )
    # ... and at any selected site (total row).
    firsts_all = (
        select(
            contacts.c.visitor_id,
            func.min(contacts.c.local_date).label("first_date"),
            func.min(contacts.c.age_years).label("first_age"),
        )
        .where(part, contacts.c.visitor_id.is_not(None))
        .group_by(contacts.c.visitor_id)
        .subquery("firsts_all")
    )
    earlier_anywhere = exists().where(
        contacts.c.visitor_id == firsts_all.c.visitor_id,
        contacts.c.site_id.in_(site_ids),
        contacts.c.local_date < period.start,
        contacts.c.deleted_at.is_(None),
    )
    for source, earlier, key in (
        (firsts, earlier_here, firsts.c.site_id),
        (firsts_all, earlier_anywhere, None),
    ):
        age = contact_age_group(
            source.c.first_age, visitors.c.birth_date, source.c.first_date, limit
        ).label("age")
        sex = sex_expr(visitors.c.sex).label("sex")
        is_new = case((earlier, 0), else_=1).label("is_new")
        keys = [] if key is None else [key]
        stmt = (
            select(*keys, age, sex, is_new, func.count())
            .select_from(source.join(visitors, visitors.c.id == source.c.visitor_id))
            .group_by(*keys, age, sex, is_new)
        )
        for row in conn.execute(stmt):
            *row_key, age_value, sex_value, new, n = row
            site = row_key[0] if row_key else None
            out.add(out.people, (site, age_value, sex_value, bool(new)), n)
    # Control: distinct people counted directly.
    distinct = func.count(contacts.c.visitor_id.distinct())
    for site_id, n in conn.execute(
        select(contacts.c.site_id, distinct).where(part).group_by(contacts.c.site_id)
    ):
        out.controls[(site_id, "persons")] = n
    out.controls[(None, "persons")] = conn.execute(select(distinct).where(part)).scalar_one()
    return out


def _derived_counts(
    conn: Connection, period: Period, site_ids: list[uuid.UUID], limit: int
) -> _Counts:
    """Read the sums kept by the triggers (SQLite, PostgreSQL)."""
    out = _Counts()
    first, last = day_number(period.start), day_number(period.end)
    stmt: Select[*tuple[Any, ...]] = (  # reused below for selects of other widths
        select(
            stat_days.c.site_id,
            func.sum(stat_days.c.physique),
            func.sum(stat_days.c.telephone),
            func.sum(stat_days.c.anonymous),
            func.sum(stat_days.c.no_service),
        )
        .where(stat_days.c.site_id.in_(site_ids), stat_days.c.day.between(first, last))
        .group_by(stat_days.c.site_id)
    )
    for site_id, physique, telephone, anonymous, no_service in conn.execute(stmt):
        out.add(out.channels, (site_id, "physique"), physique)
        out.add(out.channels, (site_id, "telephone"), telephone)
        out.add(out.anonymous, site_id, anonymous)
        out.add(out.no_service, site_id, no_service)
    stmt = (
        select(
            stat_day_services.c.site_id,
            stat_day_services.c.service_id,
            func.sum(stat_day_services.c.n),
        )
        .where(
            stat_day_services.c.site_id.in_(site_ids),
            stat_day_services.c.day.between(first, last),
        )
        .group_by(stat_day_services.c.site_id, stat_day_services.c.service_id)
    )
    for site_id, service_id, n in conn.execute(stmt):
        out.add(out.services, (site_id, service_id), n)

    semester = _semester_of(period)
    if semester is not None and conn.dialect.name == "postgresql":
        _semester_people(conn, out, semester, first, site_ids, limit)
    else:
        _derived_people(conn, out, first, last, site_ids, limit)
    return out


def _every_site(conn: Connection, site_ids: list[uuid.UUID]) -> bool:
    """Whether the selection holds every site of the database (retired ones included)."""
    every = set(conn.execute(select(sites.c.id)).scalars())
    return every <= set(site_ids)


def _total_row_by_person(
    chosen: ColumnElement[bool], first: int, site_ids: list[uuid.UUID], limit: int
) -> Select[Any]:
    """The total row of some of the sites: their rows grouped by person; a person new at every
    site they came to is new unless they came to another selected site before the semester."""
    sp = stat_semester_people
    per_person = (
        select(
            sp.c.person_no,
            func.min(sp.c.age_years).label("age_years"),
            func.max(sp.c.sex).label("sex"),  # one profile: the same sex on every row
            func.bool_and(sp.c.is_new).label("new_everywhere"),
        )
        .where(chosen)
        .group_by(sp.c.person_no)
        .subquery("per_person")
    )
    # A look-up by key for each person new everywhere they came (LIMIT 1: never a hash of
    # every first day of the network, which the planner otherwise prefers).
    seen_before = (
        select(literal(1))
        .where(
            stat_firsts.c.person_no == per_person.c.person_no,
            stat_firsts.c.site_id.in_(site_ids),
            stat_firsts.c.first_day < first,
        )
        .limit(1)
        .scalar_subquery()
    )
    is_new = case((per_person.c.new_everywhere, seen_before.is_(None)), else_=False).label("is_new")
    total_age = age_group_of_years(per_person.c.age_years, limit).label("age")
    total_sex = sex_expr(per_person.c.sex).label("sex")
    return select(total_age, total_sex, is_new, func.count()).group_by(total_age, total_sex, is_new)


def _semester_of(period: Period) -> int | None:
    """The period as a semester YYYYH (stat_semester_people's key), or None when it is not one."""
    half = period.half_year
    return None if half is None else half[0] * 10 + half[1]


def _semester_people(
    conn: Connection, out: _Counts, semester: int, first: int, site_ids: list[uuid.UUID], limit: int
) -> None:
    """Tables 3 and 4 of a semester on PostgreSQL, from stat_semester_people (migration 0009):
    a person's row at a site holds their first day of the semester there, its age, the sex and
    whether they were new there. Site rows group those rows. The total row of every site reads
    the network's rows (stat_semester_network_people); of some sites, it groups their rows by
    person first (the youngest age is the one of the first day at any selected site: age only
    goes up).

    No control counts on this path: its people are counted once, from this table."""
    sp = stat_semester_people
    chosen = and_(sp.c.semester == semester, sp.c.site_id.in_(site_ids))
    age = age_group_of_years(sp.c.age_years, limit).label("age")
    sex = sex_expr(sp.c.sex).label("sex")
    stmt = (
        select(sp.c.site_id, age, sex, sp.c.is_new, func.count())
        .where(chosen)
        .group_by(sp.c.site_id, age, sex, sp.c.is_new)
    )
    for site_id, age_value, sex_value, new, n in conn.execute(stmt):
        out.add(out.people, (site_id, age_value, sex_value, bool(new)), n)

    if _every_site(conn, site_ids):
        # The network's total row, kept as such (stat_semester_network_people).
        net = stat_semester_network_people
        total_age = age_group_of_years(net.c.age_years, limit).label("age")
        total_sex = sex_expr(net.c.sex).label("sex")
        stmt = (
            select(total_age, total_sex, net.c.is_new, func.count())
            .where(net.c.semester == semester)
            .group_by(total_age, total_sex, net.c.is_new)
        )
    else:
        stmt = _total_row_by_person(chosen, first, site_ids, limit)
    for age_value, sex_value, new, n in conn.execute(stmt):
        out.add(out.people, (None, age_value, sex_value, bool(new)), n)


def _derived_people(
    conn: Connection, out: _Counts, first: int, last: int, site_ids: list[uuid.UUID], limit: int
) -> None:
    """Tables 3 and 4 and the controls, from stat_visits, stat_firsts and stat_persons.

    One row per person and site of the period, joined once to each table's primary key; the
    total row's values come from the same rows by a window over the person. No two computed
    sets are ever joined: whatever the planner's estimates (a freshly filled database, not yet
    analysed, makes PostgreSQL expect one row of each), the work stays proportional to the
    period's people.
    """
    in_period = and_(stat_visits.c.site_id.in_(site_ids), stat_visits.c.day.between(first, last))
    # Each person's first day of the period at each site.
    firsts = (
        select(
            stat_visits.c.person_no,
            stat_visits.c.site_id,
            func.min(stat_visits.c.day).label("first_day"),
        )
        .where(in_period)
        .group_by(stat_visits.c.person_no, stat_visits.c.site_id)
        .subquery("firsts")
    )
    # "New" = no visit before the period: the first day ever kept for the person at the site
    # (stat_firsts, kept by triggers) is on or after its start.
    new_here = case((stat_firsts.c.first_day >= first, 1), else_=0)
    by_person = firsts.c.person_no
    pairs = (
        select(
            firsts.c.site_id,
            firsts.c.person_no,
            firsts.c.first_day,
            new_here.label("is_new"),
            stat_persons.c.sex,
            stat_persons.c.birth_day,
            stat_persons.c.visitor_id,
            func.min(firsts.c.first_day).over(partition_by=by_person).label("person_first_day"),
            func.min(new_here).over(partition_by=by_person).label("new_at_each_site"),
            func.row_number().over(partition_by=by_person).label("nth"),
        )
        .select_from(
            firsts.join(
                stat_firsts,
                and_(
                    stat_firsts.c.person_no == firsts.c.person_no,
                    stat_firsts.c.site_id == firsts.c.site_id,
                ),
            ).join(stat_persons, stat_persons.c.no == firsts.c.person_no)
        )
        .cte("pairs")
        .prefix_with("MATERIALIZED")
    )
    # The total row: new when new at every site of the period and never seen before it at
    # another selected site (looked up for those people only).
    seen_elsewhere = (
        select(literal(1))
        .where(
            stat_firsts.c.person_no == pairs.c.person_no,
            stat_firsts.c.site_id.in_(site_ids),
            stat_firsts.c.first_day < first,
        )
        .exists()
    )
    new_anywhere = case(
        (and_(pairs.c.new_at_each_site == 1, ~seen_elsewhere), 1),
        else_=0,
    )
    columns = (pairs.c.sex, pairs.c.birth_day, pairs.c.visitor_id)
    rows = union_all(
        select(pairs.c.site_id.label("row_key"), pairs.c.first_day, pairs.c.is_new, *columns),
        select(null().label("row_key"), pairs.c.person_first_day, new_anywhere, *columns).where(
            pairs.c.nth == 1
        ),
    ).subquery("people_rows")
    # An erased identity has no birth day: the age its contact of that day kept (docs/rgpd.md).
    if conn.dialect.name == "sqlite":
        first_date: ColumnElement[Any] = func.printf(
            "%04d-%02d-%02d",
            rows.c.first_day / 10000,
            rows.c.first_day / 100 % 100,
            rows.c.first_day % 100,
        )
    else:
        first_date = func.make_date(
            rows.c.first_day // 10000, rows.c.first_day // 100 % 100, rows.c.first_day % 100
        )
    kept_age = (
        select(func.min(contacts.c.age_years))
        .where(
            contacts.c.visitor_id == rows.c.visitor_id,
            contacts.c.local_date == first_date,
            contacts.c.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    age = case(
        (
            rows.c.birth_day.is_not(None),
            age_group_of_days(rows.c.birth_day, rows.c.first_day, limit),
        ),
        else_=age_group_of_years(kept_age, limit),
    ).label("age")
    sex = sex_expr(rows.c.sex).label("sex")
    stmt = select(rows.c.row_key, age, sex, rows.c.is_new, func.count()).group_by(
        rows.c.row_key, age, sex, rows.c.is_new
    )
    # Each person of the period is looked up by key, however many the planner expects (its
    # estimate of the pairs joined to stat_firsts is often a hundred times too small, and a scan
    # of every person ever seen then looks cheaper).
    postgresql = conn.dialect.name == "postgresql"
    if postgresql:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
    for site_id, age_value, sex_value, new, n in conn.execute(stmt):
        out.add(out.people, (site_id, age_value, sex_value, bool(new)), n)
    if postgresql:
        conn.execute(text("SET LOCAL enable_seqscan = on"))

    # Controls, counted from the period's visits alone (no profile, no first day): contacts of
    # identified people (per-person sums, kept by other triggers than the per-day ones) plus
    # anonymous contacts; distinct people at each site and in all.
    per_person = (
        select(stat_visits.c.site_id, stat_visits.c.person_no, func.sum(stat_visits.c.n).label("n"))
        .where(in_period)
        .group_by(stat_visits.c.site_id, stat_visits.c.person_no)
        .subquery("per_person")
    )
    stmt = select(per_person.c.site_id, func.sum(per_person.c.n), func.count()).group_by(
        per_person.c.site_id
    )
    for site_id, named, persons in conn.execute(stmt):
        out.add(out.controls, (site_id, "contacts"), named)
        out.controls[(site_id, "persons")] = persons
    for site_id in site_ids:
        out.add(out.controls, (site_id, "contacts"), out.anonymous.get(site_id, 0))
    distinct_people = select(stat_visits.c.person_no).where(in_period).distinct().subquery()
    out.controls[(None, "persons")] = conn.execute(
        select(func.count()).select_from(distinct_people)
    ).scalar_one()
