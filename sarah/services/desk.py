"""The reception desk: find a visitor while typing, today's journal, catch-up parsing, gap days.

Everything here is plain Python over SQLAlchemy; the desk screen (sarah/ui/desk) only calls these
functions and shows the dataclasses they return.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from sarah.calendar_fr import DAY_NAMES, MONTH_NAMES, public_holidays_between
from sarah.db import read_session, write_session
from sarah.errors import InvalidInput
from sarah.models import ClosedDay, Contact, Service, Visitor, contact_services
from sarah.services.catalogue import ServiceInfo
from sarah.services.revisions import next_revision
from sarah.services.text import fold
from sarah.services.visitors import (
    age_group,
    age_on,
    display_name,
    visitors_born_on,
    visitors_named,
)
from sarah.settings import YOUNG_AGE_LIMIT

SEARCH_LIMIT = 40
MIN_SEARCH_LETTERS = 2
GAP_WINDOW_DAYS = 30

CHANNEL_LABELS = {"physique": "Physique", "telephone": "Téléphone"}
GROUP_LABELS = {"jeunes": "jeune", "adultes": "adulte", "NR": "âge inconnu"}


# --- typed values: birth dates, times, channels, service keys -----------------------------------

_DATE_RE = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*$")
_DIGITS_DATE_RE = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")


def looks_like_date(text: str) -> bool:
    """True when the search text is (the beginning of) a date rather than a name."""
    stripped = text.strip()
    return bool(stripped) and stripped[0].isdigit()


def whole_date(text: str) -> date | None:
    """``JJ/MM/AAAA`` (also ``JJMMAAAA``, ``J/M/AAAA``, dots or dashes) -> a date; None while the
    date is not typed whole; raises InvalidInput when that day does not exist."""
    match = _DATE_RE.match(text) or _DIGITS_DATE_RE.match(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(
            f"Date impossible : {day:02d}/{month:02d}/{year} n'existe pas dans le calendrier."
        ) from None


def parse_birth_date(text: str, *, today: date | None = None) -> date:
    """``JJ/MM/AAAA`` (also ``JJMMAAAA``, ``J/M/AAAA``, dots or dashes) -> a date, validated."""
    today = today or date.today()
    value = whole_date(text)
    if value is None:
        raise InvalidInput(f"Date « {text.strip()} » incomplète : tapez JJ/MM/AAAA.")
    if value > today:
        raise InvalidInput(f"Date de naissance dans le futur : {value:%d/%m/%Y}.")
    if value.year < 1900:
        raise InvalidInput(f"Date de naissance trop ancienne : {value:%d/%m/%Y}.")
    return value


def format_date_typing(text: str) -> str:
    """Put the slashes in while a date is typed: '1203198' -> '12/03/198'."""
    digits = "".join(c for c in text if c.isdigit())[:8]
    parts = [digits[:2], digits[2:4], digits[4:]]
    out = parts[0]
    if len(digits) > 2 or (len(digits) == 2 and text.rstrip().endswith("/")):
        out += "/" + parts[1]
    if len(digits) > 4 or (len(digits) == 4 and text.rstrip().endswith("/")):
        out += "/" + parts[2]
    return out


_TIME_RE = re.compile(r"^\s*(\d{1,2})(?:\s*[:hH.]\s*(\d{0,2}))?\s*$")


def parse_time(text: str, default: time | None = None) -> time:
    """``HH:MM``, ``9h30``, ``9h``, ``930`` or ``9`` -> a time; empty -> ``default``."""
    stripped = text.strip()
    if not stripped:
        if default is None:
            raise InvalidInput("Heure manquante : tapez HH:MM.")
        return default
    if stripped.isdigit() and len(stripped) in (3, 4):
        stripped = f"{stripped[:-2]}:{stripped[-2:]}"
    match = _TIME_RE.match(stripped)
    if not match:
        raise InvalidInput(f"Heure « {text.strip()} » illisible : tapez HH:MM (ex. 09:30).")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise InvalidInput(f"Heure impossible : {hour:02d}:{minute:02d}.")
    return time(hour, minute)


_CHANNELS = {
    "": "physique",
    "p": "physique",
    "physique": "physique",
    "visite": "physique",
    "v": "physique",
    "t": "telephone",
    "tel": "telephone",
    "telephone": "telephone",
    "appel": "telephone",
}


def parse_channel(text: str) -> str:
    """'P' / 'T' (also 'physique', 'téléphone', 'tel', 'visite', 'appel'); empty -> physique."""
    key = fold(text).replace(".", "")
    if key not in _CHANNELS:
        raise InvalidInput(f"Canal « {text.strip()} » inconnu : P (physique) ou T (téléphone).")
    return _CHANNELS[key]


def _read_service_keys(
    text: str, services: Sequence[ServiceInfo]
) -> tuple[list[ServiceInfo], str | None]:
    """The services recognised in ``text``, in catalogue order, and the problem with the rest."""
    by_key = {s.shortcut.lower(): s for s in services if s.shortcut}
    by_code = {s.code.lower(): s for s in services}
    chosen: dict[uuid.UUID, ServiceInfo] = {}
    unknown: list[str] = []
    for token in re.split(r"[\s,;+|]+", text.strip().lower()):
        if not token:
            continue
        if token in by_code:
            chosen.setdefault(by_code[token].id, by_code[token])
            continue
        for letter in token:
            if letter in by_key:
                chosen.setdefault(by_key[letter].id, by_key[letter])
            else:
                unknown.append(letter)
    order = {s.id: i for i, s in enumerate(services)}
    known = sorted(chosen.values(), key=lambda s: order[s.id])
    if unknown:
        return known, "Touche de service inconnue : " + ", ".join(dict.fromkeys(unknown)) + "."
    return known, None


def parse_service_keys(text: str, services: Sequence[ServiceInfo]) -> list[ServiceInfo]:
    """Services typed as shortcut letters ('ac', 'a c', 'a,c') or codes ('cv_lm actualisation_pe').

    Unknown keys are an error naming them; a service typed twice counts once.
    """
    known, problem = _read_service_keys(text, services)
    if problem:
        raise InvalidInput(problem)
    return known


@dataclass(frozen=True)
class SheetRow:
    """One line of a paper sheet as typed in the catch-up grid."""

    time_text: str = ""
    person_text: str = ""
    visitor_id: uuid.UUID | None = None  # the person chosen from the list, None: not chosen
    channel_text: str = ""
    services_text: str = ""


@dataclass(frozen=True)
class SheetValues:
    """What a sheet line says. ``problems`` lists every mistake of the line at once; where a
    value could not be read, the field holds a stand-in (the default time, physique, the
    services that were recognised) so that the rest of the line can still be checked."""

    local_time: time
    channel: str
    services: tuple[ServiceInfo, ...]
    visitor_id: uuid.UUID | None
    problems: tuple[str, ...]


def read_sheet_row(
    row: SheetRow, default_time: time, services: Sequence[ServiceInfo]
) -> SheetValues:
    """Read every cell of a sheet line and report all of its mistakes together."""
    problems: list[str] = []
    at, channel = default_time, "physique"
    try:
        at = parse_time(row.time_text, default_time)
    except InvalidInput as exc:
        problems.append(exc.message)
    try:
        channel = parse_channel(row.channel_text)
    except InvalidInput as exc:
        problems.append(exc.message)
    chosen, problem = _read_service_keys(row.services_text, services)
    if problem:
        problems.append(problem)
    person = " ".join(row.person_text.split())
    if person and row.visitor_id is None:
        problems.append(
            f"Personne « {person} » non choisie : ↓ puis Entrée dans la liste, Ctrl+N pour la "
            "créer, ou laissez vide (anonyme)."
        )
    return SheetValues(at, channel, tuple(chosen), row.visitor_id, tuple(problems))


# --- visitor search ------------------------------------------------------------------------------


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

    @property
    def display_name(self) -> str:
        return display_name(self.last_name, self.first_name)

    @property
    def group_label(self) -> str:
        return GROUP_LABELS[self.group]


def _hits(s: Session, visitors: Iterable[Visitor], today: date, limit: int) -> list[VisitorHit]:
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
        )
        for v in rows
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
    first. Fewer than two letters, or an incomplete date, find nobody (the list stays quiet).
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
        return _hits(s, visitors_named(s, words, limit), age_day, young_age_limit)


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


# --- journal of a day ----------------------------------------------------------------------------


@dataclass(frozen=True)
class JournalEntry:
    """One contact of the day, as listed in the journal."""

    id: uuid.UUID
    local_date: date
    local_time: time
    entered_at: datetime
    channel: str
    visitor_id: uuid.UUID | None
    visitor_name: str | None
    service_ids: tuple[uuid.UUID, ...]
    service_labels: tuple[str, ...]
    agent: str | None

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS[self.channel]

    @property
    def who(self) -> str:
        if self.visitor_name:
            return self.visitor_name
        return "Appel anonyme" if self.channel == "telephone" else "Visite anonyme"

    @property
    def late_entry(self) -> bool:
        """Typed on a later day (catch-up entry)."""
        return self.entered_at.date() > self.local_date


def day_journal(engine: Engine, site_id: uuid.UUID, day: date) -> list[JournalEntry]:
    """The live contacts of ``day`` at the site, newest first."""
    with read_session(engine) as s:
        rows = s.execute(
            select(Contact, Visitor.last_name, Visitor.first_name)
            .outerjoin(Visitor, Visitor.id == Contact.visitor_id)
            .where(
                Contact.site_id == site_id,
                Contact.local_date == day,
                Contact.deleted_at.is_(None),
            )
            .order_by(Contact.local_time.desc(), Contact.entered_at.desc())
        ).all()
        ids = [r[0].id for r in rows]
        services: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {i: [] for i in ids}
        if ids:
            for contact_id, service_id, label in s.execute(
                select(contact_services.c.contact_id, Service.id, Service.label)
                .join(Service, Service.id == contact_services.c.service_id)
                .where(contact_services.c.contact_id.in_(ids))
                .order_by(Service.position)
            ):
                services[contact_id].append((service_id, label))
        out = []
        for contact, last, first in rows:
            name = display_name(last, first) if last is not None else None
            delivered = services[contact.id]
            out.append(
                JournalEntry(
                    id=contact.id,
                    local_date=contact.local_date,
                    local_time=contact.local_time,
                    entered_at=contact.entered_at,
                    channel=contact.channel,
                    visitor_id=contact.visitor_id,
                    visitor_name=name,
                    service_ids=tuple(i for i, _ in delivered),
                    service_labels=tuple(label for _, label in delivered),
                    agent=contact.agent,
                )
            )
        return out


def day_counts(engine: Engine, site_id: uuid.UUID, day: date) -> dict[str, int]:
    """Live contacts of ``day`` at the site by channel, plus 'total'."""
    with read_session(engine) as s:
        rows = s.execute(
            select(Contact.channel, func.count())
            .where(
                Contact.site_id == site_id,
                Contact.local_date == day,
                Contact.deleted_at.is_(None),
            )
            .group_by(Contact.channel)
        ).all()
    counts = {"physique": 0, "telephone": 0}
    counts.update({channel: int(n) for channel, n in rows})
    counts["total"] = counts["physique"] + counts["telephone"]
    return counts


def journal_counts(entries: Sequence[JournalEntry]) -> dict[str, int]:
    """The counts of :func:`day_counts` for a day's journal already read (no second query)."""
    counts = {"physique": 0, "telephone": 0}
    for e in entries:
        counts[e.channel] += 1
    counts["total"] = len(entries)
    return counts


def counts_text(counts: dict[str, int]) -> str:
    """'12 contacts (9 physiques, 3 au téléphone)'."""
    total = counts["total"]
    if total == 0:
        return "aucun contact"
    p, t = counts["physique"], counts["telephone"]
    return (
        f"{total} contact{'s' if total > 1 else ''} "
        f"({p} physique{'s' if p > 1 else ''}, {t} au téléphone)"
    )


# --- gap alert -----------------------------------------------------------------------------------


def gap_days(
    engine: Engine,
    site_id: uuid.UUID,
    *,
    today: date | None = None,
    window: int = GAP_WINDOW_DAYS,
) -> list[date]:
    """Weekdays of the last ``window`` days (today excluded) with no contact at the site.

    Quiet about public holidays, days remembered as closed, and days before the site's first
    contact ever (a new installation is not a gap). Oldest first.
    """
    today = today or date.today()
    start = today - timedelta(days=window)
    with read_session(engine) as s:
        first = s.scalar(
            select(func.min(Contact.local_date)).where(
                Contact.site_id == site_id, Contact.deleted_at.is_(None)
            )
        )
        if first is None:
            return []
        start = max(start, first)
        worked = set(
            s.scalars(
                select(Contact.local_date)
                .where(
                    Contact.site_id == site_id,
                    Contact.local_date >= start,
                    Contact.local_date < today,
                    Contact.deleted_at.is_(None),
                )
                .distinct()
            )
        )
        closed = set(
            s.scalars(
                select(ClosedDay.day).where(
                    ClosedDay.site_id == site_id,
                    ClosedDay.day >= start,
                    ClosedDay.deleted_at.is_(None),
                )
            )
        )
    holidays = public_holidays_between(start, today)
    out = []
    day = start
    while day < today:
        if day.weekday() < 5 and day not in worked and day not in closed and day not in holidays:
            out.append(day)
        day += timedelta(days=1)
    return out


def mark_closed_day(
    engine: Engine, site_id: uuid.UUID, day: date, reason: str | None = "Jour de fermeture"
) -> None:
    """Remember that the site was closed that day, so the gap alert stays quiet about it."""
    with write_session(engine) as s:
        existing = s.scalar(
            select(ClosedDay).where(ClosedDay.site_id == site_id, ClosedDay.day == day)
        )
        revision = next_revision(s, site_id)
        if existing is None:
            s.add(
                ClosedDay(
                    id=uuid.uuid4(),
                    site_id=site_id,
                    day=day,
                    reason=reason,
                    origin_site_id=site_id,
                    revision=revision,
                )
            )
        else:
            existing.deleted_at = None
            existing.reason = reason
            existing.revision = revision


def french_day(day: date, *, year: bool = False) -> str:
    """'lundi 3 mars' (or 'lundi 3 mars 2025')."""
    text = f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"
    return f"{text} {day.year}" if year else text
