"""Drill-down: the contacts behind any number of the four tables or of the month breakdown."""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Engine, Select, and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from sarah.calendar_fr import MONTH_NAMES
from sarah.db import read_session
from sarah.errors import InvalidInput
from sarah.models import Contact, Service, Site, Visitor, contact_services
from sarah.reports.tables import Period
from sarah.services.closing.changes import changed_contact_ids
from sarah.services.closing.periods import publication_in
from sarah.services.sites import SiteInfo
from sarah.services.statistics.months import chosen_sites
from sarah.services.statistics.sql import contact_age_group, live_in_period, sex_expr
from sarah.services.visitors import ERASED_NAME, age_group, display_name
from sarah.settings import YOUNG_AGE_LIMIT
from sarah.vocabulary import AGE_GROUPS, CHANNEL_NAMES, NOT_GIVEN, SEXES

if TYPE_CHECKING:
    # The columns of ``_base()`` (select(*columns) is typed as selecting none).
    Rows = Select[*tuple[Any, ...]]
    # A cell's statement, and the label of a services row's service for the title.
    Statement = tuple[Rows, str | None]

# --- drill-down -------------------------------------------------------------------------------

AGE_LABELS = {"jeunes": "jeunes", "adultes": "adultes", "NR": "âge non renseigné"}
SEX_LABELS = {"F": "femmes", "H": "hommes", "NR": "sexe non renseigné"}

TABLES = (
    "contacts",
    "services",
    "persons",
    "new_persons",
    "months_contacts",
    "months_people",
    "changes",  # a closed period's contacts added, changed, deleted since its publication
)
CHANGE_ROWS = {
    "added": "Contacts ajoutés",
    "changed": "Contacts modifiés",
    "deleted": "Contacts supprimés",
    "total": "Contacts ajoutés, modifiés ou supprimés",
}


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
        if self.table == "changes" and self.row not in CHANGE_ROWS:
            raise InvalidInput(f"Changement inconnu : {self.row}.")


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
        return CHANNEL_NAMES.get(self.channel, self.channel)


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
    elif cell.table == "changes":
        what = f"{CHANGE_ROWS[cell.row]} depuis la publication"
        why = (
            "Un contact par ligne, tel qu'il est aujourd'hui (un contact supprimé, ou sorti de la "
            "période ou des sites, reste listé) : la différence entre les chiffres publiés et "
            "ceux d'aujourd'hui."
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


def _group(birth: date | None, kept_age: int | None, on: date, young_age_limit: int) -> str:
    """The age group on ``on``: from the age an erased identity's contact kept, else the birth."""
    if kept_age is not None:
        return "jeunes" if kept_age < young_age_limit else "adultes"
    return age_group(birth, on, young_age_limit)


def _display_name(last: str | None, first: str | None) -> str:
    if last is None:
        return "Anonyme"
    return display_name(last, first)


@dataclass(frozen=True)
class _Query:
    """What every table's statement needs: the cell, the period, its window and its sites."""

    cell: CellRef
    period: Period
    window: ColumnElement[bool]  # live contacts of the cell's dates at the cell's sites
    scope_ids: list[uuid.UUID]
    young_age_limit: int


def _scope(chosen: list[SiteInfo], cell: CellRef) -> list[SiteInfo]:
    """The cell's site, or every chosen site for the total column."""
    if cell.site is None:
        return chosen
    match = [s for s in chosen if s.name == cell.site]
    if not match:
        raise InvalidInput(f"Le site « {cell.site} » ne fait pas partie de la sélection.")
    return match


def _window(period: Period, cell: CellRef) -> Period:
    """The period, or for a months table the part of the cell's month inside it."""
    if cell.month is None:
        return period
    year, month = cell.month.year, cell.month.month
    first = max(date(year, month, 1), period.start)
    last = min(date(year, month, calendar.monthrange(year, month)[1]), period.end)
    return Period(first, last)


def _base() -> Rows:
    """Every contact's line: date, time, site, channel and the visitor, if any."""
    return (
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
            Contact.age_years,
            Visitor.erased_at,
        )
        .join(Site, Site.id == Contact.site_id)
        .outerjoin(Visitor, Visitor.id == Contact.visitor_id)
    )


def _contacts_statement(_s: Session, q: _Query) -> Statement:
    """Contacts of the window; table 1 keeps one channel unless its total is asked."""
    stmt = _base().where(q.window)
    if q.cell.table == "contacts" and q.cell.row != "total":
        stmt = stmt.where(Contact.channel == q.cell.row)
    return stmt, None


def _services_statement(s: Session, q: _Query) -> Statement:
    """Contacts of the window that delivered the row's service, or none for "not given"."""
    stmt = _base().where(q.window)
    delivered = select(contact_services.c.contact_id).where(
        contact_services.c.contact_id == Contact.id
    )
    if q.cell.row == "not_given":
        return stmt.where(~exists(delivered)), None
    if q.cell.row == "total":
        return stmt, None
    known = s.execute(
        select(Service.id, Service.label).where(Service.code == q.cell.row)
    ).one_or_none()
    if known is None:
        raise InvalidInput(f"Service inconnu : {q.cell.row}.")
    service_id, service_label = known
    stmt = stmt.where(exists(delivered.where(contact_services.c.service_id == service_id)))
    return stmt, service_label


def _people_statement(_s: Session, q: _Query) -> Statement:
    """The contact that counts for each person: the first one of the window in this row
    (persons, months_people) or the first one ever at these sites (new_persons)."""
    first_q = (
        select(
            Contact.visitor_id.label("visitor_id"),
            func.min(Contact.local_date).label("first_date"),
        )
        .where(q.window, Contact.visitor_id.is_not(None))
        .group_by(Contact.visitor_id)
    )
    if q.cell.table == "new_persons":
        # New: no live contact at these sites before the period (all history).
        earlier = aliased(Contact)
        first_q = first_q.where(
            ~exists(
                select(earlier.id).where(
                    earlier.visitor_id == Contact.visitor_id,
                    earlier.site_id.in_(q.scope_ids),
                    earlier.local_date < q.period.start,
                    earlier.deleted_at.is_(None),
                )
            )
        )
    first = first_q.subquery()
    # Driven by the people found (one index look-up each), not by every contact.
    stmt = (
        select(*_base().selected_columns)
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
        .where(q.window)
        .with_hint(Contact, "INDEXED BY ix_contacts_visitor_site_date", "sqlite")
    )
    if q.cell.table != "months_people" and q.cell.row != "total":
        on_day = Contact.local_date
        stmt = stmt.where(
            contact_age_group(Contact.age_years, Visitor.birth_date, on_day, q.young_age_limit)
            == q.cell.row
        )
    if q.cell.table != "months_people" and q.cell.sex is not None:
        stmt = stmt.where(sex_expr(Visitor.sex) == q.cell.sex)
    return stmt, None


def _changes_statement(s: Session, q: _Query) -> Statement:
    """The contacts that differ from the period's publication (none when it is not closed)."""
    conn = s.connection()
    publication = publication_in(conn, q.period)
    kinds = {} if publication is None else changed_contact_ids(conn, publication, q.scope_ids)[0]
    ids = [cid for cid, kind in kinds.items() if q.cell.row in ("total", kind)]
    return _base().where(Contact.id.in_(ids)), None


STATEMENTS: dict[str, Callable[[Session, _Query], Statement]] = {
    "changes": _changes_statement,
    "contacts": _contacts_statement,
    "months_contacts": _contacts_statement,
    "services": _services_statement,
    "persons": _people_statement,
    "new_persons": _people_statement,
    "months_people": _people_statement,
}
ONE_PER_PERSON = ("persons", "new_persons", "months_people")


def _in_people_cell(cell: CellRef, group: str | None, sex_key: str | None) -> bool:
    """Tables 3 and 4: the person's age group on that day and sex are the cell's."""
    if cell.table not in ("persons", "new_persons"):
        return True
    if cell.row != "total" and group != cell.row:
        return False
    return cell.sex is None or sex_key == cell.sex


def _lines(
    s: Session, stmt: Rows, cell: CellRef, young_age_limit: int, limit: int
) -> tuple[int, list[ContactLine]]:
    """How many contacts (or people) make the cell, and the first ``limit`` of their lines."""
    lines: list[ContactLine] = []
    seen: set[uuid.UUID] = set()
    count = 0
    for row in s.execute(stmt):
        cid, d, t, site, channel, last, first_name, sex, birth, visitor_id, kept_age, erased = row
        if cell.table in ONE_PER_PERSON:
            if visitor_id in seen:
                continue  # a later contact on the same first day
            seen.add(visitor_id)
        known = visitor_id is not None
        group = _group(birth, kept_age, d, young_age_limit) if known else None
        sex_key = (sex or "NR") if known else None
        if not _in_people_cell(cell, group, sex_key):
            continue
        count += 1
        if len(lines) < limit:
            visitor = (
                ERASED_NAME if erased else _display_name(last, first_name) if known else "Anonyme"
            )
            lines.append(ContactLine(cid, d, t, site, channel, visitor, group, sex_key, ()))
    return count, lines


def _with_services(s: Session, lines: list[ContactLine]) -> list[ContactLine]:
    """Each line with the labels of its contact's services, in catalogue order."""
    services = _services_of(s, [line.contact_id for line in lines])
    return [
        replace(
            line,
            services=tuple(label for _pos, label in sorted(services.get(line.contact_id, []))),
        )
        for line in lines
    ]


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
    chosen = chosen_sites(engine, sites)
    scope_ids = [s.id for s in _scope(chosen, cell)]
    in_window = live_in_period(_window(period, cell), scope_ids)
    query = _Query(cell, period, in_window, scope_ids, young_age_limit)
    with read_session(engine) as s:
        stmt, service_label = STATEMENTS[cell.table](s, query)
        stmt = stmt.order_by(Contact.local_date, Contact.local_time, Site.position, Contact.id)
        count, lines = _lines(s, stmt, cell, young_age_limit, limit)
        lines = _with_services(s, lines)
    title, explanation = _describe(cell, period, chosen, service_label)
    return DrillDown(cell, title, explanation, count, lines)
