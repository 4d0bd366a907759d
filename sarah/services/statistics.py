"""The four semester tables, computed by the database (docs/statistiques.md).

Every count is an SQL aggregation written with SQLAlchemy Core; no Python loop ever walks the
contacts. Python only files the few hundred aggregated rows into
:mod:`sarah.reports`.

Rules (statistics.md):
- a contact takes part when it is not deleted, its site is selected and its local date lies in
  the period, both ends included;
- tables 3 and 4 count people (contacts with a visitor); the age group comes from the person's
  first contact of the period in that row (at that site, or at any selected site for the total
  row), the sex from the current profile;
- a person is new at a site when no earlier live contact exists at that site (all history); new
  in the total row when no earlier live contact exists at any selected site. The first contact
  ever is then the first contact of the period, so table 4 uses the age group of table 3.

Two ways to the same numbers:
- ``direct``: aggregates the contacts themselves. Portable (PostgreSQL, where hash aggregation
  makes it fast) and the reference the other way is tested against;
- ``derived`` (SQLite): reads the per-day and per-person-day sums of sarah/models/statistics.py,
  kept up to date by triggers in the write transaction of every change (migration 0002), with
  integer keys that SQLite sorts quickly. A 1,000,000-contact semester takes a fraction of a
  second instead of several.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Select,
    SQLColumnExpression,
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
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from sarah.db import read_session, write_session
from sarah.models import (
    Contact,
    Service,
    StatDay,
    StatDayService,
    StatPerson,
    StatVisit,
    Visitor,
    contact_services,
)
from sarah.reports.tables import PeopleCounts, Period, Report, ServiceCount, SiteTables
from sarah.reports.words import DEFAULT_YOUNG_AGE_LIMIT
from sarah.services.sites import SiteInfo, resolve_sites
from sarah.vocabulary import CHANNELS

Method = Literal["auto", "direct", "derived"]

contacts = Contact.__table__
visitors = Visitor.__table__
services = Service.__table__
stat_days = StatDay.__table__
stat_day_services = StatDayService.__table__
stat_persons = StatPerson.__table__
stat_visits = StatVisit.__table__


# --- portable date arithmetic ---------------------------------------------------------------


class date_number(FunctionElement[int]):  # noqa: N801 - reads like an SQL function
    """A date as the integer YYYYMMDD.

    Age in whole years on day ``d`` of someone born on ``b`` is ``(n(d) - n(b)) // 10000``:
    the person is younger than ``limit`` exactly when ``n(d) - n(b) < limit * 10000``. This is
    the rule of :func:`sarah.services.visitors.age_on` (someone born on 29 February gets a year
    older on 1 March in common years).
    """

    type = Integer()
    inherit_cache = True


@compiles(date_number, "sqlite")
def _date_number_sqlite(element: date_number, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"CAST(strftime('%Y%m%d', {compiler.process(arg, **kw)}) AS INTEGER)"


@compiles(date_number, "postgresql")
def _date_number_postgresql(element: date_number, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    return f"CAST(to_char({compiler.process(arg, **kw)}, 'YYYYMMDD') AS INTEGER)"


@compiles(date_number)
def _date_number_default(element: date_number, compiler: SQLCompiler, **kw: Any) -> str:
    (arg,) = element.clauses
    x = compiler.process(arg, **kw)
    return (
        f"(CAST(EXTRACT(YEAR FROM {x}) AS INTEGER) * 10000 "
        f"+ CAST(EXTRACT(MONTH FROM {x}) AS INTEGER) * 100 "
        f"+ CAST(EXTRACT(DAY FROM {x}) AS INTEGER))"
    )


def day_number(day: date) -> int:
    """The Python side of :class:`date_number`."""
    return day.year * 10000 + day.month * 100 + day.day


def _age_group(birth: ColumnElement[Any], on: ColumnElement[Any], limit: int) -> ColumnElement[str]:
    """'jeunes', 'adultes' or 'NR' from two YYYYMMDD integers (birth may be NULL)."""
    return case(
        (birth.is_(None), literal("NR")),
        (on - birth < limit * 10000, literal("jeunes")),
        else_=literal("adultes"),
    )


def age_group_expr(
    birth_date: SQLColumnExpression[date | None], on: SQLColumnExpression[date], limit: int
) -> ColumnElement[str]:
    """'jeunes', 'adultes' or 'NR' (unknown birth date) for two date columns, in SQL."""
    return case(
        (birth_date.is_(None), literal("NR")),
        else_=_age_group(date_number(birth_date), date_number(on), limit),
    )


def sex_expr(sex: SQLColumnExpression[str | None]) -> ColumnElement[str]:
    return func.coalesce(sex, literal("NR"))


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
        select(contacts.c.visitor_id, func.min(contacts.c.local_date).label("first_date"))
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
        age = age_group_expr(visitors.c.birth_date, source.c.first_date, limit).label("age")
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
    """Read the sums kept by the triggers (SQLite)."""
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
    age = _age_group(stat_persons.c.birth_day, rows.c.first_day, limit).label("age")
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


# --- the report ------------------------------------------------------------------------------


def semester_tables(
    engine: Engine,
    period: Period,
    sites: list[str] | None = None,
    *,
    young_age_limit: int = DEFAULT_YOUNG_AGE_LIMIT,
) -> Report:
    """The four tables for ``period`` and the named sites (None or empty: all live sites).

    Unknown site names raise :class:`sarah.errors.InvalidInput` listing the known sites.
    """
    chosen = resolve_sites(engine, sites)
    return report_for_sites(engine, period, chosen, young_age_limit=young_age_limit)


def report_for_sites(
    engine: Engine,
    period: Period,
    chosen: Sequence[SiteInfo],
    *,
    young_age_limit: int = DEFAULT_YOUNG_AGE_LIMIT,
    method: Method = "auto",
) -> Report:
    """The four tables for sites already resolved (display order kept)."""
    site_ids = [s.id for s in chosen]
    with read_session(engine) as session:
        conn = session.connection()
        sqlite = conn.dialect.name == "sqlite"
        if method == "derived" and not sqlite:
            raise ValueError("the derived sums are kept by SQLite triggers only")
        derived = method == "derived" or (method == "auto" and sqlite)
        counts = (_derived_counts if derived else _direct_counts)(
            conn, period, site_ids, young_age_limit
        )
        catalogue = conn.execute(
            select(
                services.c.id,
                services.c.code,
                services.c.label,
                services.c.retired,
                services.c.deleted_at,
            ).order_by(services.c.position, services.c.code)
        ).all()
    return _assemble(period, chosen, counts, catalogue, young_age_limit)


def _assemble(
    period: Period,
    chosen: Sequence[SiteInfo],
    counts: _Counts,
    catalogue: Sequence[Any],
    limit: int,
) -> Report:
    def tables(key: uuid.UUID | None) -> SiteTables:
        persons, new_persons = PeopleCounts(), PeopleCounts()
        for (row_key, age, sex, new), n in counts.people.items():
            if row_key == key:
                persons.cells[age][sex] += n
                if new:
                    new_persons.cells[age][sex] += n
        return SiteTables(
            contacts={c: 0 for c in CHANNELS},
            services=[],
            not_given_services=0,
            persons=persons,
            new_persons=new_persons,
            anonymous_contacts=0,
            controls={"contacts": 0, "services": 0, "persons": 0},
        )

    by_site: dict[str, SiteTables] = {}
    total = tables(None)
    controlled = {name for _key, name in counts.controls}
    for site in chosen:
        t = by_site[site.name] = tables(site.id)
        for channel in CHANNELS:
            t.contacts[channel] = counts.channels.get((site.id, channel), 0)
            total.contacts[channel] += t.contacts[channel]
        t.anonymous_contacts = counts.anonymous.get(site.id, 0)
        t.not_given_services = counts.no_service.get(site.id, 0)
        total.anonymous_contacts += t.anonymous_contacts
        total.not_given_services += t.not_given_services
        for name in ("contacts", "services"):
            t.controls[name] = counts.controls.get((site.id, name), 0)
            total.controls[name] += t.controls[name]
        t.controls["persons"] = counts.controls.get((site.id, "persons"), 0)
    total.controls["persons"] = counts.controls.get((None, "persons"), 0)
    for t in [*by_site.values(), total]:
        for name in list(t.controls):
            if name not in controlled:
                del t.controls[name]  # this way of computing has no second count of it

    for service_id, code, label, retired, deleted_at in catalogue:
        per_site = [counts.services.get((site.id, service_id), 0) for site in chosen]
        gone = bool(retired) or deleted_at is not None
        if gone and not any(per_site):
            continue  # a retired service appears only when it was delivered
        for site, n in zip(chosen, per_site, strict=True):
            by_site[site.name].services.append(ServiceCount(code, label, n, gone))
        total.services.append(ServiceCount(code, label, sum(per_site), gone))

    return Report(
        period=period,
        sites=[s.name for s in chosen],
        by_site=by_site,
        total=total,
        young_age_limit=limit,
    )


# --- upkeep of the derived tables ------------------------------------------------------------


def _day_sql(expr: str) -> str:
    return f"CAST(strftime('%Y%m%d', {expr}) AS INTEGER)"


# Same statements as migration 0002's first filling.
_REBUILD = (
    "DELETE FROM stat_visits",
    "DELETE FROM stat_day_services",
    "DELETE FROM stat_days",
    "DELETE FROM stat_persons",
    f"""INSERT INTO stat_persons (visitor_id, sex, birth_day)
    SELECT id, sex, {_day_sql("birth_date")} FROM visitors""",
    f"""INSERT INTO stat_days (site_id, day, physique, telephone, anonymous, no_service)
    SELECT c.site_id, {_day_sql("c.local_date")}, sum(c.channel = 'physique'),
           sum(c.channel = 'telephone'), sum(c.visitor_id IS NULL),
           sum(NOT EXISTS (SELECT 1 FROM contact_services cs WHERE cs.contact_id = c.id))
    FROM contacts c WHERE c.deleted_at IS NULL GROUP BY 1, 2""",
    f"""INSERT INTO stat_day_services (site_id, day, service_id, n)
    SELECT c.site_id, {_day_sql("c.local_date")}, cs.service_id, count(*)
    FROM contacts c JOIN contact_services cs ON cs.contact_id = c.id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3""",
    f"""INSERT INTO stat_visits (site_id, day, person_no, n)
    SELECT c.site_id, {_day_sql("c.local_date")}, p.no, count(*)
    FROM contacts c JOIN stat_persons p ON p.visitor_id = c.visitor_id
    WHERE c.deleted_at IS NULL GROUP BY 1, 2, 3""",
)


def rebuild_statistics(engine: Engine) -> None:
    """Recompute the derived tables from the contacts, in one transaction (SQLite only)."""
    if engine.dialect.name != "sqlite":
        return
    with write_session(engine) as session:
        for statement in _REBUILD:
            session.execute(text(statement))


def statistics_drift(engine: Engine) -> list[str]:
    """Differences between the derived tables and a fresh computation (empty when right).

    Compares the non-zero sums only: a row whose count fell back to zero means nothing.
    """
    if engine.dialect.name != "sqlite":
        return []
    fresh = {  # table -> (query, index of the first count column)
        "stat_days": (_REBUILD[5], 2),
        "stat_day_services": (_REBUILD[6], 3),
        "stat_visits": (_REBUILD[7], 3),
    }
    problems: list[str] = []
    with read_session(engine) as session:
        persons = session.execute(
            text(f"""SELECT v.id, v.sex, {_day_sql("v.birth_date")}, p.sex, p.birth_day
            FROM visitors v LEFT JOIN stat_persons p ON p.visitor_id = v.id""")
        ).all()
        for vid, sex, birth, p_sex, p_birth in persons:
            if (sex, birth) != (p_sex, p_birth):
                problems.append(f"stat_persons: {vid} {(p_sex, p_birth)} != {(sex, birth)}")
        for table, (statement, counts) in fresh.items():
            query = statement.split("\n", 1)[1]  # the SELECT of the INSERT ... SELECT
            expected = {_key(r) for r in session.execute(text(query)) if any(r[counts:])}
            stored = {
                _key(r) for r in session.execute(text(f"SELECT * FROM {table}")) if any(r[counts:])
            }
            for row in sorted(expected - stored, key=str):
                problems.append(f"{table}: manque {row}")
            for row in sorted(stored - expected, key=str):
                problems.append(f"{table}: en trop {row}")
    return problems


def _key(row: Any) -> tuple[Any, ...]:
    return tuple(str(v) if isinstance(v, uuid.UUID) else v for v in row)
