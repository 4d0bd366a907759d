"""What the statistics window shows around the four tables.

- month breakdown: contacts and distinct people per month per site, so that a staff absence or a
  logging gap shows;
- comparison with the same period one year earlier, matched by stable service code;
- ratios supervisors compare sites on;
- drill-down: the contacts behind any number of the four tables or of the month breakdown.

The four tables themselves come from :mod:`sarah.services.statistics` (one engine, the same
numbers as ``sarah report``); this module only reads them or, for the drill-down, lists the
contacts that make a number. Queries use SQLAlchemy Core constructs that run on SQLite and
PostgreSQL alike. No Qt here.
"""

from __future__ import annotations

import calendar
import statistics as pystats
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from fractions import Fraction
from typing import Any

from sqlalchemy import Engine, Select, and_, distinct, exists, extract, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from sarah.calendar_fr import MONTH_NAMES
from sarah.db import read_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Service, Site, Visitor, contact_services
from sarah.reports.months import MonthBreakdown, MonthCell, MonthRow
from sarah.reports.tables import Period
from sarah.services.sites import SiteInfo, resolve_sites
from sarah.services.statistics import age_group_expr, day_number, sex_expr
from sarah.services.visitors import age_group, display_name
from sarah.settings import YOUNG_AGE_LIMIT
from sarah.vocabulary import AGE_GROUPS, NOT_GIVEN, SEXES

CHANNEL_WORDS = {"physique": "Physique", "telephone": "Téléphone"}
AGE_LABELS = {"jeunes": "jeunes", "adultes": "adultes", "NR": "âge non renseigné"}
SEX_LABELS = {"F": "femmes", "H": "hommes", "NR": "sexe non renseigné"}

# A month is flagged when its contacts per day fall below this share of the site's usual month.
LOW_MONTH_SHARE = Fraction(1, 2)


def _sites(engine: Engine, names: Sequence[str] | None) -> list[SiteInfo]:
    return resolve_sites(engine, list(names) if names else None)


def _live_in_period(period: Period, site_ids: Iterable[uuid.UUID]) -> ColumnElement[bool]:
    return and_(
        Contact.deleted_at.is_(None),
        Contact.site_id.in_(list(site_ids)),
        Contact.local_date >= period.start,
        Contact.local_date <= period.end,
    )


# --- month breakdown ------------------------------------------------------------------------------

def _months_of(period: Period) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    y, m = period.start.year, period.start.month
    while (y, m) <= (period.end.year, period.end.month):
        first = max(date(y, m, 1), period.start)
        last = min(date(y, m, calendar.monthrange(y, m)[1]), period.end)
        out.append((first, last))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


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
    where = _live_in_period(period, site_ids)
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
    """From the per-day sums the SQLite triggers keep (sarah.models.statistics): no contact
    row is read, which keeps a semester of a 1,000,000-contact database well under a second."""
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

    ``method``: "direct" counts the contacts, "derived" reads the per-day sums kept on SQLite,
    "auto" picks "derived" on SQLite (the same choice as the statistics engine).
    """
    chosen = _sites(engine, sites)
    site_ids = [s.id for s in chosen]
    spans = _months_of(period)
    with read_session(engine) as s:
        derived = method == "derived" or (
            method == "auto" and s.get_bind().dialect.name == "sqlite"
        )
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


# --- drill-down -------------------------------------------------------------------------------

TABLES = ("contacts", "services", "persons", "new_persons", "months_contacts", "months_people")


@dataclass(frozen=True)
class CellRef:
    """One number of the window.

    - ``table``: one of :data:`TABLES`;
    - ``site``: a site name, or None for the total column / row;
    - ``row``: contacts: "physique" / "telephone" / "total"; services: a service code,
      "not_given" or "total"; persons / new_persons: "jeunes" / "adultes" / "NR" / "total";
      months: ignored;
    - ``sex``: persons / new_persons: "F" / "H" / "NR", None for the group's total;
    - ``month``: months tables: any day of the month.
    """

    table: str
    site: str | None = None
    row: str = "total"
    sex: str | None = None
    month: date | None = None

    def __post_init__(self) -> None:
        if self.table not in TABLES:
            raise InvalidInput(f"Tableau inconnu : {self.table}.")
        if self.table in ("persons", "new_persons"):
            if self.row not in (*AGE_GROUPS, "total"):
                raise InvalidInput(f"Groupe d'âge inconnu : {self.row}.")
            if self.sex is not None and self.sex not in SEXES:
                raise InvalidInput(f"Sexe inconnu : {self.sex}.")
        if self.table.startswith("months") and self.month is None:
            raise InvalidInput("Mois manquant.")


@dataclass(frozen=True)
class ContactLine:
    contact_id: uuid.UUID
    local_date: date
    local_time: time
    site: str
    channel: str  # "physique" / "telephone"
    visitor: str  # "DUPONT Léa", or "Anonyme"
    age_group: str | None  # "jeunes" / "adultes" / "NR" on that date; None for anonymous
    sex: str | None  # "F" / "H" / "NR"; None for anonymous
    services: tuple[str, ...]

    @property
    def channel_label(self) -> str:
        return CHANNEL_WORDS.get(self.channel, self.channel)


@dataclass(frozen=True)
class DrillDown:
    cell: CellRef
    title: str
    explanation: str
    count: int  # contacts (or people) found; for a service row, the number in the table
    lines: list[ContactLine] = field(default_factory=list)  # at most ``limit`` of them

    @property
    def truncated(self) -> bool:
        return len(self.lines) < self.count


def _describe(
    cell: CellRef, period: Period, sites: list[SiteInfo], service: str | None = None
) -> tuple[str, str]:
    where = cell.site or (sites[0].name if len(sites) == 1 else f"{len(sites)} Points Relais")
    if cell.table == "contacts":
        what = {
            "physique": "Entretiens physiques",
            "telephone": "Entretiens téléphoniques",
            "total": "Tous les contacts",
        }[cell.row]
        why = "Un contact par ligne."
    elif cell.table == "services":
        what = {"not_given": NOT_GIVEN, "total": "Tous les services délivrés"}.get(
            cell.row, f"Service « {service} »"
        )
        why = (
            "Les contacts qui ont délivré ce service (un service compte au plus une fois "
            "par contact)."
            if cell.row not in ("not_given", "total")
            else "Les contacts sans aucun service enregistré."
            if cell.row == "not_given"
            else "Tous les contacts de la période, avec leurs services."
        )
    elif cell.table in ("persons", "new_persons"):
        group = "Personnes concernées" if cell.table == "persons" else "Nouveaux publics"
        detail = [] if cell.row == "total" else [AGE_LABELS[cell.row]]
        if cell.sex is not None:
            detail.append(SEX_LABELS[cell.sex])
        what = group + (f" — {', '.join(detail)}" if detail else "")
        why = (
            "Une ligne par personne : son premier contact de la période"
            + (" dans ce Point Relais" if cell.site else " dans l'un des sites choisis")
            + ", qui fixe sa tranche d'âge."
            if cell.table == "persons"
            else "Une ligne par personne : son tout premier contact"
            + (" dans ce Point Relais" if cell.site else " dans l'un des sites choisis")
            + ", tombé dans la période."
        )
    else:
        assert cell.month is not None
        what = (
            "Contacts" if cell.table == "months_contacts" else "Personnes"
        ) + f" de {MONTH_NAMES[cell.month.month - 1]} {cell.month.year}"
        why = (
            "Un contact par ligne."
            if cell.table == "months_contacts"
            else "Une ligne par personne : son premier contact du mois."
        )
    return f"{what} — {where} — {period.label}", why


def _services_of(
    s: Session, contact_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[int, str]]]:
    out: dict[uuid.UUID, list[tuple[int, str]]] = {}
    for i in range(0, len(contact_ids), 500):
        chunk = contact_ids[i : i + 500]
        for cid, position, label in s.execute(
            select(contact_services.c.contact_id, Service.position, Service.label)
            .join(Service, Service.id == contact_services.c.service_id)
            .where(contact_services.c.contact_id.in_(chunk))
        ):
            out.setdefault(cid, []).append((position, label))
    return out


def _display_name(last: str | None, first: str | None) -> str:
    if last is None:
        return "Anonyme"
    return display_name(last, first)


def contacts_behind(
    engine: Engine,
    period: Period,
    sites: Sequence[str] | None,
    cell: CellRef,
    *,
    young_age_limit: int = YOUNG_AGE_LIMIT,
    limit: int = 5000,
) -> DrillDown:
    """The contacts that make the number ``cell`` (one line per person for people counts)."""
    chosen = _sites(engine, sites)
    if cell.site is not None:
        match = [s for s in chosen if s.name == cell.site]
        if not match:
            raise InvalidInput(f"Le site « {cell.site} » ne fait pas partie de la sélection.")
        scope = match
    else:
        scope = chosen
    scope_ids = [s.id for s in scope]
    window = period
    if cell.month is not None:
        month_first = max(date(cell.month.year, cell.month.month, 1), period.start)
        month_last = min(
            date(
                cell.month.year,
                cell.month.month,
                calendar.monthrange(cell.month.year, cell.month.month)[1],
            ),
            period.end,
        )
        window = Period(month_first, month_last)
    in_window = _live_in_period(window, scope_ids)
    service_label: str | None = None  # the service of a services row, named in the title

    base = (
        select(
            Contact.id,
            Contact.local_date,
            Contact.local_time,
            Site.name,
            Contact.channel,
            Visitor.last_name,
            Visitor.first_name,
            Visitor.sex,
            Visitor.birth_date,
            Contact.visitor_id,
        )
        .join(Site, Site.id == Contact.site_id)
        .outerjoin(Visitor, Visitor.id == Contact.visitor_id)
    )
    one_per_person = cell.table in ("persons", "new_persons", "months_people")

    with read_session(engine) as s:
        # The columns of ``base`` in every branch (select(*columns) is typed as selecting none).
        stmt: Select[*tuple[Any, ...]]
        if cell.table in ("contacts", "months_contacts"):
            stmt = base.where(in_window)
            if cell.table == "contacts" and cell.row != "total":
                stmt = stmt.where(Contact.channel == cell.row)
        elif cell.table == "services":
            stmt = base.where(in_window)
            delivered = select(contact_services.c.contact_id).where(
                contact_services.c.contact_id == Contact.id
            )
            if cell.row == "not_given":
                stmt = stmt.where(~exists(delivered))
            elif cell.row != "total":
                known = s.execute(
                    select(Service.id, Service.label).where(Service.code == cell.row)
                ).one_or_none()
                if known is None:
                    raise InvalidInput(f"Service inconnu : {cell.row}.")
                service_id, service_label = known
                stmt = stmt.where(
                    exists(delivered.where(contact_services.c.service_id == service_id))
                )
        else:
            # The contact that counts for each person: the first one of the window in this row
            # (persons, months_people) or the first one ever at these sites (new_persons).
            first_q = (
                select(
                    Contact.visitor_id.label("visitor_id"),
                    func.min(Contact.local_date).label("first_date"),
                )
                .where(in_window, Contact.visitor_id.is_not(None))
                .group_by(Contact.visitor_id)
            )
            if cell.table == "new_persons":
                # New: no live contact at these sites before the period (all history).
                earlier = aliased(Contact)
                first_q = first_q.where(
                    ~exists(
                        select(earlier.id).where(
                            earlier.visitor_id == Contact.visitor_id,
                            earlier.site_id.in_(scope_ids),
                            earlier.local_date < period.start,
                            earlier.deleted_at.is_(None),
                        )
                    )
                )
            first = first_q.subquery()
            # Driven by the people found (one index look-up each), not by every contact.
            stmt = (
                select(*base.selected_columns)
                .select_from(first)
                .join(
                    Contact,
                    and_(
                        Contact.visitor_id == first.c.visitor_id,
                        Contact.local_date == first.c.first_date,
                    ),
                )
                .join(Site, Site.id == Contact.site_id)
                .join(Visitor, Visitor.id == Contact.visitor_id)
                .where(in_window)
                .with_hint(Contact, "INDEXED BY ix_contacts_visitor_site_date", "sqlite")
            )
            if cell.table != "months_people" and cell.row != "total":
                on_day = Contact.local_date
                stmt = stmt.where(
                    age_group_expr(Visitor.birth_date, on_day, young_age_limit) == cell.row
                )
            if cell.table != "months_people" and cell.sex is not None:
                stmt = stmt.where(sex_expr(Visitor.sex) == cell.sex)
        stmt = stmt.order_by(Contact.local_date, Contact.local_time, Site.position, Contact.id)

        lines: list[ContactLine] = []
        seen: set[uuid.UUID] = set()
        count = 0
        for cid, d, t, site, channel, last, first_name, sex, birth, visitor_id in s.execute(stmt):
            if one_per_person:
                if visitor_id in seen:
                    continue  # a later contact on the same first day
                seen.add(visitor_id)
            group = age_group(birth, d, young_age_limit) if visitor_id is not None else None
            sex_key = (sex or "NR") if visitor_id is not None else None
            if cell.table in ("persons", "new_persons"):
                if cell.row != "total" and group != cell.row:
                    continue
                if cell.sex is not None and sex_key != cell.sex:
                    continue
            count += 1
            if len(lines) < limit:
                lines.append(
                    ContactLine(
                        cid,
                        d,
                        t,
                        site,
                        channel,
                        _display_name(last, first_name) if visitor_id is not None else "Anonyme",
                        group,
                        sex_key,
                        (),
                    )
                )
        services = _services_of(s, [line.contact_id for line in lines])
    lines = [
        ContactLine(
            line.contact_id,
            line.local_date,
            line.local_time,
            line.site,
            line.channel,
            line.visitor,
            line.age_group,
            line.sex,
            tuple(label for _pos, label in sorted(services.get(line.contact_id, []))),
        )
        for line in lines
    ]
    title, explanation = _describe(cell, period, chosen, service_label)
    return DrillDown(cell, title, explanation, count, lines)
