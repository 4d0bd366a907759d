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
    stat_day_services,
    stat_days,
    stat_persons,
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

    in_period = and_(stat_visits.c.site_id.in_(site_ids), stat_visits.c.day.between(first, last))
    firsts = (
        select(
            stat_visits.c.person_no,
            stat_visits.c.site_id,
            func.min(stat_visits.c.day).label("first_day"),
        )
        .where(in_period)
        .group_by(stat_visits.c.person_no, stat_visits.c.site_id)
        .cte("firsts")
        .prefix_with("MATERIALIZED")
    )
    earlier = stat_visits.alias("earlier")

    def came_before(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
        # Walk the person's own visits (person, day index), never a site's whole history.
        return (
            select(literal(1))
            .select_from(earlier)
            .where(earlier.c.day < first, *conditions)
            .with_hint(earlier, "INDEXED BY ix_stat_visits_person_day", "sqlite")
            .exists()
        )

    here: Select[Any] = select(
        firsts.c.site_id.label("row_key"),
        firsts.c.person_no,
        firsts.c.first_day,
        (
            ~came_before(
                earlier.c.person_no == firsts.c.person_no,
                earlier.c.site_id == firsts.c.site_id,
            )
        ).label("is_new"),
    )
    overall = (
        select(firsts.c.person_no, func.min(firsts.c.first_day).label("first_day"))
        .group_by(firsts.c.person_no)
        .subquery("overall")
    )
    anywhere: Select[Any] = select(
        null().label("row_key"),
        overall.c.person_no,
        overall.c.first_day,
        (
            ~came_before(
                earlier.c.person_no == overall.c.person_no,
                earlier.c.site_id.in_(site_ids),
            )
        ).label("is_new"),
    )
    rows = union_all(here, anywhere).cte("people_rows").prefix_with("MATERIALIZED")
    is_new = rows.c.is_new
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
            contacts.c.visitor_id == stat_persons.c.visitor_id,
            contacts.c.local_date == first_date,
            contacts.c.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    age = case(
        (
            stat_persons.c.birth_day.is_not(None),
            age_group_of_days(stat_persons.c.birth_day, rows.c.first_day, limit),
        ),
        else_=age_group_of_years(kept_age, limit),
    ).label("age")
    sex = sex_expr(stat_persons.c.sex).label("sex")
    stmt = (
        select(rows.c.row_key, age, sex, is_new, func.count())
        .select_from(rows.join(stat_persons, stat_persons.c.no == rows.c.person_no))
        .group_by(rows.c.row_key, age, sex, is_new)
    )
    for site_id, age_value, sex_value, new, n in conn.execute(stmt):
        out.add(out.people, (site_id, age_value, sex_value, bool(new)), n)

    # Controls: contacts of identified people (per-person sums, kept by other triggers than
    # the per-day ones) plus anonymous contacts; distinct people.
    stmt = (
        select(
            stat_visits.c.site_id,
            func.sum(stat_visits.c.n),
            func.count(stat_visits.c.person_no.distinct()),
        )
        .where(in_period)
        .group_by(stat_visits.c.site_id)
    )
    for site_id, named, persons in conn.execute(stmt):
        out.add(out.controls, (site_id, "contacts"), named)
        out.controls[(site_id, "persons")] = persons
    for site_id in site_ids:
        out.add(out.controls, (site_id, "contacts"), out.anonymous.get(site_id, 0))
    out.controls[(None, "persons")] = conn.execute(
        select(func.count(stat_visits.c.person_no.distinct())).where(in_period)
    ).scalar_one()
    return out
