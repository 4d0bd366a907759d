"""The four semester tables, computed by the database (docs/statistiques.md).

Every count is an SQL aggregation written with SQLAlchemy Core, so that the same code runs on
SQLite and PostgreSQL and no Python loop ever walks the contacts. Python only files the few
hundred aggregated rows into :mod:`sarah.services.report_model`.

Rules (statistics.md):
- a contact takes part when it is not deleted, its site is selected and its local date lies in
  the period, both ends included;
- tables 3 and 4 count people (contacts with a visitor); the age group comes from the person's
  first contact of the period in that row (at that site, or at any selected site for the total
  row), the sex from the current profile;
- a person is new at a site when no earlier live contact exists at that site (all history); new
  in the total row when no earlier live contact exists at any selected site. The first contact
  ever is then the first contact of the period, so the age group of table 4 is the one of table 3.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Connection,
    Engine,
    Exists,
    Integer,
    and_,
    case,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from sarah.db import read_session
from sarah.models import Contact, Service, Visitor, contact_services
from sarah.services.report_model import (
    CHANNELS,
    DEFAULT_YOUNG_AGE_LIMIT,
    PeopleCounts,
    Period,
    Report,
    ServiceCount,
    SiteTables,
)
from sarah.services.sites import SiteInfo, resolve_sites

contacts = Contact.__table__
visitors = Visitor.__table__
services = Service.__table__


# --- portable date arithmetic ---------------------------------------------------------------


class date_number(FunctionElement[int]):  # noqa: N801 - reads like an SQL function
    """A date as the integer YYYYMMDD.

    Age in whole years on day ``d`` of someone born on ``b`` is ``(n(d) - n(b)) // 10000``:
    the person is younger than ``limit`` exactly when ``n(d) - n(b) < limit * 10000``. This is
    the same rule as :func:`sarah.services.visitors.age_on` (someone born on 29 February gets a
    year older on 1 March in common years).
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


def age_group_expr(
    birth_date: ColumnElement[date], on: ColumnElement[date], limit: int
) -> ColumnElement[str]:
    """'jeunes', 'adultes' or 'NR' (unknown birth date), in SQL."""
    return case(
        (birth_date.is_(None), literal("NR")),
        (date_number(on) - date_number(birth_date) < limit * 10000, literal("jeunes")),
        else_=literal("adultes"),
    )


def sex_expr(sex: ColumnElement[str | None]) -> ColumnElement[str]:
    return func.coalesce(sex, literal("NR"))


# --- the report ------------------------------------------------------------------------------


def _taking_part(site_ids: Sequence[uuid.UUID], period: Period) -> ColumnElement[bool]:
    """Contacts that count: not deleted, at a selected site, dated inside the period."""
    return and_(
        contacts.c.deleted_at.is_(None),
        contacts.c.site_id.in_(site_ids),
        contacts.c.local_date >= period.start,
        contacts.c.local_date <= period.end,
    )


def _empty_tables() -> SiteTables:
    return SiteTables(
        contacts={c: 0 for c in CHANNELS},
        services=[],
        not_given_services=0,
        persons=PeopleCounts(),
        new_persons=PeopleCounts(),
        anonymous_contacts=0,
        controls={"contacts": 0, "services": 0, "persons": 0},
    )


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
) -> Report:
    """The four tables for sites already resolved (display order kept)."""
    site_ids = [s.id for s in chosen]
    name_of = {s.id: s.name for s in chosen}
    by_site = {s.name: _empty_tables() for s in chosen}
    total = _empty_tables()
    part = _taking_part(site_ids, period)

    with read_session(engine) as session:
        conn = session.connection()

        # Table 1: contacts by channel; anonymous contacts (no visitor) on the side.
        stmt = (
            select(
                contacts.c.site_id,
                contacts.c.channel,
                func.count(),
                func.count(contacts.c.visitor_id),
            )
            .where(part)
            .group_by(contacts.c.site_id, contacts.c.channel)
        )
        for site_id, channel, n, named in conn.execute(stmt):
            t = by_site[name_of[site_id]]
            t.contacts[channel] += n
            t.anonymous_contacts += n - named
            t.controls["contacts"] += n

        # Table 2: each (contact, service) pair once (primary key); NULL = no service recorded.
        stmt = (
            select(contacts.c.site_id, contact_services.c.service_id, func.count())
            .select_from(
                contacts.outerjoin(contact_services, contact_services.c.contact_id == contacts.c.id)
            )
            .where(part)
            .group_by(contacts.c.site_id, contact_services.c.service_id)
        )
        service_counts: dict[uuid.UUID, dict[str, int]] = {}
        for site_id, service_id, n in conn.execute(stmt):
            name = name_of[site_id]
            if service_id is None:
                by_site[name].not_given_services += n
            else:
                service_counts.setdefault(service_id, {})[name] = n
        # Control: the same total counted another way (pairs, plus contacts with no pair).
        pairs = (
            select(contacts.c.site_id, func.count().label("n"))
            .select_from(
                contacts.join(contact_services, contact_services.c.contact_id == contacts.c.id)
            )
            .where(part)
            .group_by(contacts.c.site_id)
        )
        no_service = (
            select(contacts.c.site_id, func.count().label("n"))
            .where(
                part,
                ~exists().where(contact_services.c.contact_id == contacts.c.id),
            )
            .group_by(contacts.c.site_id)
        )
        for stmt in (pairs, no_service):
            for site_id, n in conn.execute(stmt):
                by_site[name_of[site_id]].controls["services"] += n

        catalogue = conn.execute(
            select(
                services.c.id,
                services.c.code,
                services.c.label,
                services.c.retired,
                services.c.deleted_at,
            ).order_by(services.c.position, services.c.code)
        ).all()
        for service_id, code, label, retired, deleted_at in catalogue:
            counts = service_counts.get(service_id, {})
            gone = bool(retired) or deleted_at is not None
            if gone and not any(counts.values()):
                continue  # a retired service appears only when it was delivered
            for name, t in by_site.items():
                t.services.append(ServiceCount(code, label, counts.get(name, 0), gone))

        # Tables 3 and 4, site rows: each person's first contact of the period at each site.
        firsts = (
            select(
                contacts.c.visitor_id,
                contacts.c.site_id,
                func.min(contacts.c.local_date).label("first_date"),
            )
            .where(part, contacts.c.visitor_id.is_not(None))
            .group_by(contacts.c.visitor_id, contacts.c.site_id)
            .cte("firsts")
        )
        earlier_here = exists().where(
            contacts.c.visitor_id == firsts.c.visitor_id,
            contacts.c.site_id == firsts.c.site_id,
            contacts.c.local_date < period.start,
            contacts.c.deleted_at.is_(None),
        )
        _fill_people(
            conn,
            firsts,
            earlier_here,
            young_age_limit,
            firsts.c.site_id,
            lambda key: by_site[name_of[key]],
        )

        # Total row: first contact of the period at any selected site; new when nothing earlier
        # at any selected site.
        firsts_all = (
            select(
                contacts.c.visitor_id,
                func.min(contacts.c.local_date).label("first_date"),
            )
            .where(part, contacts.c.visitor_id.is_not(None))
            .group_by(contacts.c.visitor_id)
            .cte("firsts_all")
        )
        earlier_anywhere = exists().where(
            contacts.c.visitor_id == firsts_all.c.visitor_id,
            contacts.c.site_id.in_(site_ids),
            contacts.c.local_date < period.start,
            contacts.c.deleted_at.is_(None),
        )
        _fill_people(conn, firsts_all, earlier_anywhere, young_age_limit, None, lambda _k: total)

        # Control: distinct people counted directly, per site and over the selection.
        distinct = func.count(contacts.c.visitor_id.distinct())
        for site_id, n in conn.execute(
            select(contacts.c.site_id, distinct).where(part).group_by(contacts.c.site_id)
        ):
            by_site[name_of[site_id]].controls["persons"] = n
        total.controls["persons"] = conn.execute(select(distinct).where(part)).scalar_one()

    for t in by_site.values():
        for channel in CHANNELS:
            total.contacts[channel] += t.contacts[channel]
        total.anonymous_contacts += t.anonymous_contacts
        total.not_given_services += t.not_given_services
        total.controls["contacts"] += t.controls["contacts"]
        total.controls["services"] += t.controls["services"]
    reference = next(iter(by_site.values()), None)
    if reference is not None:
        total.services = [
            ServiceCount(
                s.code, s.label, sum(t.service_count(s.code) for t in by_site.values()), s.retired
            )
            for s in reference.services
        ]
    else:
        total.services = [
            ServiceCount(code, label, 0, False)
            for _id, code, label, retired, deleted_at in catalogue
            if not retired and deleted_at is None
        ]

    return Report(
        period=period,
        sites=[s.name for s in chosen],
        by_site=by_site,
        total=total,
        young_age_limit=young_age_limit,
    )


def _fill_people(
    conn: Connection,
    firsts: CTE,
    earlier: Exists,
    limit: int,
    row_key: ColumnElement[Any] | None,
    sink: Callable[[Any], SiteTables],
) -> None:
    """Count the people of ``firsts`` by (row, age group, sex, new?) into the tables."""
    age = age_group_expr(visitors.c.birth_date, firsts.c.first_date, limit).label("age")
    sex = sex_expr(visitors.c.sex).label("sex")
    is_new = case((earlier, 0), else_=1).label("is_new")
    keys: list[ColumnElement[Any]] = [] if row_key is None else [row_key]
    stmt = (
        select(*keys, age, sex, is_new, func.count())
        .select_from(firsts.join(visitors, visitors.c.id == firsts.c.visitor_id))
        .group_by(*keys, age, sex, is_new)
    )
    for row in conn.execute(stmt):
        *key, age_value, sex_value, new, n = row
        t = sink(key[0] if key else None)
        t.persons.cells[age_value][sex_value] += n
        if new:
            t.new_persons.cells[age_value][sex_value] += n
