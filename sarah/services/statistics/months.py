"""Contacts and distinct people per month per site, so that a staff absence or a logging gap
shows. Queries use SQLAlchemy Core constructs that run on SQLite and PostgreSQL alike."""

from __future__ import annotations

import statistics as pystats
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from sqlalchemy import Engine, and_, distinct, extract, func, select
from sqlalchemy.orm import Session

from sarah.db import read_session
from sarah.models import Contact
from sarah.reports.months import MonthBreakdown, MonthCell, MonthRow, months_of
from sarah.reports.tables import Period
from sarah.services.sites import SiteInfo, resolve_sites
from sarah.services.statistics.sql import (
    day_number,
    keeps_derived_sums,
    live_in_period,
    prepare_read,
)

# A month is flagged when its contacts per day fall below this share of the site's usual month.
LOW_MONTH_SHARE = Fraction(1, 2)


def chosen_sites(engine: Engine, names: Sequence[str] | None) -> list[SiteInfo]:
    return resolve_sites(engine, list(names) if names else None)


# --- month breakdown ------------------------------------------------------------------------------


def _flag_low_months(months: list[tuple[date, date]], counts: list[int], today: date) -> list[bool]:
    """Months whose contacts per elapsed day fall below half the site's median month."""
    rates: list[Fraction | None] = []
    for (first, last), n in zip(months, counts, strict=True):
        days = (min(last, today) - first).days + 1
        rates.append(Fraction(n, days) if days > 0 else None)
    known = [r for r in rates if r is not None]
    if len(known) < 3:
        return [False] * len(months)
    median = pystats.median(known)
    if median == 0:
        return [False] * len(months)
    return [r is not None and r < median * LOW_MONTH_SHARE for r in rates]


@dataclass
class _MonthCounts:
    """Raw counts keyed by (site id or None for all sites, (year, month) or None for the period)."""

    contacts: dict[tuple[uuid.UUID | None, tuple[int, int] | None], int] = field(
        default_factory=dict
    )
    people: dict[tuple[uuid.UUID | None, tuple[int, int] | None], int] = field(default_factory=dict)


def _months_direct(s: Session, period: Period, site_ids: list[uuid.UUID]) -> _MonthCounts:
    """Straight from the contacts (any database)."""
    out = _MonthCounts()
    year = extract("year", Contact.local_date)
    month = extract("month", Contact.local_date)
    where = live_in_period(period, site_ids)
    people = func.count(distinct(Contact.visitor_id))
    for site_id, y, m, n, p in s.execute(
        select(Contact.site_id, year, month, func.count(), people)
        .where(where)
        .group_by(Contact.site_id, year, month)
    ):
        out.contacts[(site_id, (int(y), int(m)))] = int(n)
        out.people[(site_id, (int(y), int(m)))] = int(p)
    for y, m, p in s.execute(select(year, month, people).where(where).group_by(year, month)):
        out.people[(None, (int(y), int(m)))] = int(p)
    for site_id, n, p in s.execute(
        select(Contact.site_id, func.count(), people).where(where).group_by(Contact.site_id)
    ):
        out.contacts[(site_id, None)] = int(n)
        out.people[(site_id, None)] = int(p)
    out.people[(None, None)] = int(s.execute(select(people).where(where)).scalar_one())
    return out


def _months_derived(s: Session, period: Period, site_ids: list[uuid.UUID]) -> _MonthCounts:
    """From the per-day sums the triggers keep (sarah.models.statistics): no contact row is
    read, which keeps a semester of a 1,000,000-contact database well under a second."""
    from sarah.models.statistics import StatDay, StatVisit

    out = _MonthCounts()
    first, last = day_number(period.start), day_number(period.end)
    days, visits = StatDay.__table__, StatVisit.__table__
    day_month = days.c.day // 100
    for site_id, ym, n in s.execute(
        select(days.c.site_id, day_month, func.sum(days.c.physique + days.c.telephone))
        .where(days.c.site_id.in_(site_ids), days.c.day.between(first, last))
        .group_by(days.c.site_id, day_month)
    ):
        key = (int(ym) // 100, int(ym) % 100)
        out.contacts[(site_id, key)] = int(n)
        out.contacts[(site_id, None)] = out.contacts.get((site_id, None), 0) + int(n)
    in_period = and_(visits.c.site_id.in_(site_ids), visits.c.day.between(first, last))
    visit_month = visits.c.day // 100
    people = func.count(distinct(visits.c.person_no))
    for site_id, ym, p in s.execute(
        select(visits.c.site_id, visit_month, people)
        .where(in_period)
        .group_by(visits.c.site_id, visit_month)
    ):
        out.people[(site_id, (int(ym) // 100, int(ym) % 100))] = int(p)
    for ym, p in s.execute(select(visit_month, people).where(in_period).group_by(visit_month)):
        out.people[(None, (int(ym) // 100, int(ym) % 100))] = int(p)
    for site_id, p in s.execute(
        select(visits.c.site_id, people).where(in_period).group_by(visits.c.site_id)
    ):
        out.people[(site_id, None)] = int(p)
    out.people[(None, None)] = int(s.execute(select(people).where(in_period)).scalar_one())
    return out


def month_breakdown(
    engine: Engine,
    period: Period,
    sites: Sequence[str] | None = None,
    *,
    today: date | None = None,
    method: str = "auto",
) -> MonthBreakdown:
    """Contacts and distinct people per month and site (people: anonymous contacts excluded).

    ``method``: "direct" counts the contacts, "derived" reads the per-day sums kept on SQLite
    and PostgreSQL, "auto" picks "derived" there (the same choice as the statistics engine).
    """
    chosen = chosen_sites(engine, sites)
    site_ids = [s.id for s in chosen]
    spans = months_of(period)
    with read_session(engine) as s:
        dialect = s.get_bind().dialect.name
        prepare_read(s)  # PostgreSQL: one snapshot for every query, no JIT
        derived = method == "derived" or (method == "auto" and keeps_derived_sums(dialect))
        counts = (_months_derived if derived else _months_direct)(s, period, site_ids)

    def cell(site_id: uuid.UUID | None, key: tuple[int, int] | None) -> MonthCell:
        if site_id is None:
            n = sum(counts.contacts.get((i, key), 0) for i in site_ids)
        else:
            n = counts.contacts.get((site_id, key), 0)
        return MonthCell(n, counts.people.get((site_id, key), 0))

    keys = [(first.year, first.month) for first, _last in spans]
    per_site = [[cell(site.id, k) for k in keys] for site in chosen]
    per_month_total = [cell(None, k) for k in keys]
    period_rows = {site.id: cell(site.id, None) for site in chosen}
    period_total = cell(None, None)

    today = today or date.today()
    for i, cells in enumerate(per_site):
        flags = _flag_low_months(spans, [c.contacts for c in cells], today)
        per_site[i] = [
            MonthCell(c.contacts, c.people, flag) for c, flag in zip(cells, flags, strict=True)
        ]
    months = [
        MonthRow(
            start=first,
            end=last,
            by_site={site.name: per_site[i][j] for i, site in enumerate(chosen)},
            total=per_month_total[j],
        )
        for j, (first, last) in enumerate(spans)
    ]
    return MonthBreakdown(
        period=period,
        sites=[s.name for s in chosen],
        months=months,
        period_by_site={s.name: period_rows[s.id] for s in chosen},
        period_total=period_total,
    )
