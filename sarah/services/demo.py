"""The demonstration data set: two fictional Points Relais that reproduce the reference semester.

Loaded into an empty database, it makes the report of the first semester 2019 print exactly the
tables of the association's 2019 activity report (../docs/statistiques.md, the reference
semester): contacts by channel, services delivered, people concerned and new people, for
Fontaine d'Ouche, Grésilles and the total column. Everything else is made up, but plausible:

- contacts on weekdays only, within opening hours (9:00-12:00 and 13:30-17:00), never on a
  public holiday nor during the Christmas closure; busier on Mondays, quieter in August;
- a service mix that fits each channel: messages for advisors and appointment requests mostly
  by phone, appointments held, PC use, CV and the monthly "actualisation" in person; about one
  contact in four delivers several services (a message and an appointment request, an
  appointment and photocopies, an actualisation in the visitor's online space...);
- every person belongs to one Point Relais in the first semester 2019; the returning visitors
  have history there in 2017-2018, the new ones have none anywhere;
- history from January 2017 and the second semester 2019 up to the breakdown of the old program
  (8 November 2019), with the Grésilles desk closed from 17 October (sick leave), so that
  comparisons and month breakdowns have something to show; a few people visit both sites
  outside the reference semester, and a few anonymous calls are logged in the second semester;
- the traces of ordinary desk work: duplicate entries deleted straight away, a contact first
  typed with the wrong year, person records typed twice and merged later.

The data set is built by a seeded random generator, so every run makes the same data set
(only the row identifiers, made where rows are born, differ). It is written in one transaction
with bulk Core inserts: all or nothing, in a second or two.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from sarah.db import read_session, write_session
from sarah.errors import InvalidInput
from sarah.models import ClosedDay, Contact, Service, Visitor, VisitorMerge, contact_services
from sarah.services.calendar_fr import french_public_holidays, public_holidays_between
from sarah.services.demo_names import FIRST_NAMES_F, FIRST_NAMES_H, LAST_NAMES, SPELLING_SLIPS
from sarah.services.imports.stats import DayServiceSums, DaySums, bulk_statistics
from sarah.services.revisions import next_revision
from sarah.services.sites import ensure_site_in
from sarah.services.text import fold, search_key
from sarah.services.visitors import age_on
from sarah.settings import YOUNG_AGE_LIMIT

SEED = 20190630
SITE_NAMES = ("Fontaine d'Ouche", "Grésilles")
CHANNELS = ("physique", "telephone")
AGE_GROUPS = ("jeunes", "adultes")
SEXES = ("F", "H")

REFERENCE_START = date(2019, 1, 1)
REFERENCE_END = date(2019, 6, 30)
OUTAGE_DAY = date(2019, 11, 8)  # last day the old program recorded anything
SICK_LEAVE_START = date(2019, 10, 17)  # the Grésilles agent's sick leave, no replacement
SICK_LEAVE_SITE = 1


@dataclass(frozen=True)
class SiteTargets:
    """What the reference semester shows for one site (services by catalogue code)."""

    contacts: dict[str, int]
    services: dict[str, int]
    persons: dict[tuple[str, str], int]  # (age group, sex) -> people
    new_persons: dict[tuple[str, str], int]


# The 2019 activity report, first semester (../docs/statistiques.md and the reference fixture).
REFERENCE: tuple[SiteTargets, SiteTargets] = (
    SiteTargets(
        contacts={"physique": 2170, "telephone": 959},
        services={
            "actualisation_pe": 68,
            "pc_libre_service": 380,
            "consulter_offres": 2,
            "cv_lm": 222,
            "creer_espace_emploi": 2,
            "info_emploi": 40,
            "info_formation": 21,
            "info_mobilite": 12,
            "demander_rdv": 341,
            "inscription_recrutement_exterieur": 0,
            "message_conseiller": 929,
            "orienter_conseiller_structure": 7,
            "orienter_partenaire_emploi": 20,
            "orienter_partenaire_social": 1,
            "participer_rdv": 973,
            "recrutement_point_relais": 0,
            "preinscription_pe": 3,
            "rechercher_offres": 32,
            "service_administratif": 830,
            "utiliser_espace_emploi": 42,
        },
        persons={("jeunes", "F"): 232, ("jeunes", "H"): 258, ("adultes", "F"): 299,
                 ("adultes", "H"): 241},
        new_persons={("jeunes", "F"): 72, ("jeunes", "H"): 96, ("adultes", "F"): 96,
                     ("adultes", "H"): 89},
    ),
    SiteTargets(
        contacts={"physique": 2393, "telephone": 415},
        services={
            "actualisation_pe": 184,
            "pc_libre_service": 354,
            "consulter_offres": 15,
            "cv_lm": 125,
            "creer_espace_emploi": 2,
            "info_emploi": 2,
            "info_formation": 0,
            "info_mobilite": 8,
            "demander_rdv": 159,
            "inscription_recrutement_exterieur": 0,
            "message_conseiller": 446,
            "orienter_conseiller_structure": 8,
            "orienter_partenaire_emploi": 23,
            "orienter_partenaire_social": 14,
            "participer_rdv": 872,
            "recrutement_point_relais": 1,
            "preinscription_pe": 15,
            "rechercher_offres": 5,
            "service_administratif": 1565,
            "utiliser_espace_emploi": 98,
        },
        persons={("jeunes", "F"): 178, ("jeunes", "H"): 163, ("adultes", "F"): 249,
                 ("adultes", "H"): 208},
        new_persons={("jeunes", "F"): 31, ("jeunes", "H"): 41, ("adultes", "F"): 31,
                     ("adultes", "H"): 37},
    ),
)  # fmt: skip

SERVICE_CODES: tuple[str, ...] = tuple(REFERENCE[0].services)


@dataclass(frozen=True)
class Stretch:
    """A stretch of time generated in one go (a semester, or what was recorded of it)."""

    name: str
    start: date
    end: date


STRETCHES: tuple[Stretch, ...] = (
    Stretch("2017-S1", date(2017, 1, 1), date(2017, 6, 30)),
    Stretch("2017-S2", date(2017, 7, 1), date(2017, 12, 31)),
    Stretch("2018-S1", date(2018, 1, 1), date(2018, 6, 30)),
    Stretch("2018-S2", date(2018, 7, 1), date(2018, 12, 31)),
    Stretch("2019-S1", REFERENCE_START, REFERENCE_END),
    Stretch("2019-S2", date(2019, 7, 1), OUTAGE_DAY),
)
REF = 4  # index of the reference semester in STRETCHES
AFTER = 5  # the second semester 2019, up to the outage

# People seen only in 2017-2018, and people new in the second semester 2019, per site.
# New people per semester at each site, as in the reference semester (353 and 140).
ARRIVALS = (353, 140)
# Of the people who first came in 2017-S2, 2018-S1 and 2018-S2, the share still coming in 2019-S1.
STILL_COMING = (0.35, 0.45, 0.55)
# People known before 2017 who are not seen after 2018, per site.
OLD_TIMERS = (700, 350)
# Chance that someone seen in a semester comes back in a later one (Grésilles: a more settled
# public, fewer newcomers).
STAY = (0.45, 0.65)
NEW_IN_AFTER = (240, 110)  # 2019-S2 up to the outage: four months and a week
# Contacts per person and semester, as in the reference semester (3129/1030, 2808/798).
CONTACTS_PER_PERSON = (3129 / 1030, 2808 / 798)

# The reception agent of each site, and since when (names are made up).
AGENTS: tuple[tuple[tuple[date, str], ...], ...] = (
    ((date(2000, 1, 1), "Karine Morel"),),
    ((date(2000, 1, 1), "Sandrine Petit"), (date(2018, 9, 3), "Amina Belhadj")),
)

# --- calendar -----------------------------------------------------------------------------------


def closures(site: int) -> dict[date, str]:
    """Weekdays a site was closed on purpose (not public holidays)."""
    closed: dict[date, str] = {}
    for year in (2017, 2018):
        for day in range(24, 32):
            d = date(year, 12, day)
            if d.weekday() < 5:
                closed[d] = "Fermeture annuelle entre Noël et le jour de l'an"
    if site == SICK_LEAVE_SITE:
        d = SICK_LEAVE_START
        while d <= OUTAGE_DAY:
            if d.weekday() < 5:
                closed[d] = "Arrêt maladie de l'agent d'accueil, pas de remplacement"
            d += timedelta(days=1)
    return closed


WEEKDAY_WEIGHT = (1.2, 1.05, 0.9, 1.0, 0.85)
MONTH_WEIGHT = (1.05, 0.95, 1.05, 0.95, 0.9, 1.0, 0.85, 0.5, 1.1, 1.0, 1.0, 0.85)


def open_days(site: int, start: date, end: date) -> list[date]:
    """The days a site was open: weekdays, no public holiday, no closure."""
    holidays = public_holidays_between(start, end)
    closed = closures(site)
    days = []
    d = start
    while d <= end:
        if d.weekday() < 5 and d not in holidays and d not in closed:
            days.append(d)
        d += timedelta(days=1)
    return days


def _shift_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


# --- services of each contact -------------------------------------------------------------------

# Share of each service delivered over the phone (the others are delivered in person only).
PHONE_SHARE = {
    "message_conseiller": 0.85,
    "demander_rdv": 0.7,
    "info_emploi": 0.5,
    "info_formation": 0.5,
    "info_mobilite": 0.4,
    "orienter_conseiller_structure": 0.3,
    "orienter_partenaire_emploi": 0.2,
    "orienter_partenaire_social": 0.2,
    "inscription_recrutement_exterieur": 0.3,
}

# Share of a service's deliveries that come on top of another service in the same contact.
EXTRA_SHARE = {
    "telephone": {
        "demander_rdv": 0.6,
        "info_emploi": 0.3,
        "info_formation": 0.3,
        "info_mobilite": 0.3,
        "orienter_conseiller_structure": 0.8,
        "orienter_partenaire_emploi": 0.8,
        "orienter_partenaire_social": 0.8,
        "inscription_recrutement_exterieur": 0.5,
    },
    "physique": {
        "service_administratif": 0.45,
        "utiliser_espace_emploi": 0.6,
        "pc_libre_service": 0.25,
        "demander_rdv": 0.5,
        "orienter_conseiller_structure": 0.8,
        "orienter_partenaire_emploi": 0.8,
        "orienter_partenaire_social": 0.8,
        "rechercher_offres": 0.5,
        "consulter_offres": 0.6,
        "creer_espace_emploi": 0.7,
        "info_emploi": 0.3,
        "info_formation": 0.3,
        "info_mobilite": 0.3,
        "message_conseiller": 0.2,
        "cv_lm": 0.2,
        "actualisation_pe": 0.1,
        "inscription_recrutement_exterieur": 0.5,
    },
}

# When a service comes on top of another, the main services it usually goes with.
_INFO = ("info_emploi", "info_formation", "info_mobilite")
HOSTS = {
    "service_administratif": (
        "participer_rdv", "actualisation_pe", "preinscription_pe", "pc_libre_service", "cv_lm",
        "utiliser_espace_emploi",
    ),
    "utiliser_espace_emploi": (
        "actualisation_pe", "creer_espace_emploi", "preinscription_pe", "rechercher_offres",
    ),
    "pc_libre_service": ("cv_lm", "rechercher_offres", "consulter_offres", "service_administratif"),
    "demander_rdv": ("message_conseiller", "participer_rdv", *_INFO),
    "orienter_conseiller_structure": (*_INFO, "participer_rdv", "message_conseiller"),
    "orienter_partenaire_emploi": (*_INFO, "participer_rdv", "service_administratif"),
    "orienter_partenaire_social": (*_INFO, "service_administratif", "participer_rdv"),
    "rechercher_offres": ("pc_libre_service", "cv_lm", "utiliser_espace_emploi"),
    "consulter_offres": ("pc_libre_service", "cv_lm", "utiliser_espace_emploi"),
    "creer_espace_emploi": ("preinscription_pe", "actualisation_pe"),
    "info_emploi": ("demander_rdv", "message_conseiller", "participer_rdv"),
    "info_formation": ("demander_rdv", "message_conseiller", "participer_rdv"),
    "info_mobilite": ("demander_rdv", "message_conseiller", "participer_rdv"),
    "message_conseiller": ("demander_rdv", "participer_rdv", "service_administratif"),
    "cv_lm": ("pc_libre_service", "rechercher_offres"),
    "actualisation_pe": ("utiliser_espace_emploi", "pc_libre_service", "service_administratif"),
    "inscription_recrutement_exterieur": ("info_emploi", "rechercher_offres", "consulter_offres"),
}  # fmt: skip

# Families of contacts, by main service: a person mostly comes for one kind of thing.
FAMILY = {
    "participer_rdv": "rdv",
    "pc_libre_service": "numerique",
    "cv_lm": "numerique",
    "rechercher_offres": "numerique",
    "consulter_offres": "numerique",
    "actualisation_pe": "pole_emploi",
    "creer_espace_emploi": "pole_emploi",
    "utiliser_espace_emploi": "pole_emploi",
    "preinscription_pe": "pole_emploi",
    "service_administratif": "administratif",
}


def split_channels(services: dict[str, int], contacts: dict[str, int]) -> dict[str, dict[str, int]]:
    """How many deliveries of each service were made by phone and in person.

    Every contact needs at least one service, and a service counts at most once per contact, so
    each channel gets at least as many deliveries as contacts, and at most one per contact for
    each service.
    """
    n_t, n_p = contacts["telephone"], contacts["physique"]
    phone = {k: min(round(v * PHONE_SHARE.get(k, 0.0)), n_t) for k, v in services.items()}
    phys = {k: services[k] - phone[k] for k in services}
    for k in services:
        if phys[k] > n_p:
            raise ValueError(f"{k}: {services[k]} deliveries cannot fit {n_t}+{n_p} contacts")
    by_share = sorted(PHONE_SHARE, key=lambda k: -PHONE_SHARE[k])
    while sum(phone.values()) < n_t:
        movable = [k for k in by_share if k in phys and phys[k] > 0 and phone[k] < n_t]
        if not movable:
            raise ValueError("not enough services that can be delivered by phone")
        phone[movable[0]] += 1
        phys[movable[0]] -= 1
    while sum(phys.values()) < n_p:
        movable = [k for k in reversed(by_share) if phone.get(k, 0) > 0 and phys[k] < n_p]
        if not movable or sum(phone.values()) <= n_t:
            raise ValueError("not enough services for the contacts in person")
        phone[movable[0]] -= 1
        phys[movable[0]] += 1
    return {"telephone": phone, "physique": phys}


def make_services(
    rng: random.Random, counts: dict[str, int], n: int, channel: str
) -> list[list[str]]:
    """``n`` contacts of one channel whose services add up exactly to ``counts``.

    Each contact gets one main service; the remaining deliveries come on top of a main service
    they usually go with (see HOSTS), never twice in one contact.
    """
    total = sum(counts.values())
    if total < n or any(v > n for v in counts.values()):
        raise ValueError(f"{total} deliveries cannot fill {n} contacts")
    shares = EXTRA_SHARE[channel]
    extra = {k: min(v, round(v * shares.get(k, 0.0))) for k, v in counts.items()}
    wanted = total - n
    while sum(extra.values()) > wanted:
        k = max(extra, key=lambda c: (extra[c], c))
        extra[k] -= 1
    while sum(extra.values()) < wanted:
        k = max(
            (c for c in counts if counts[c] > extra[c]),
            key=lambda c: ((counts[c] - extra[c]) * (shares.get(c, 0.0) + 0.05), c),
        )
        extra[k] += 1

    kinds: list[list[str]] = [[k] for k in counts for _ in range(counts[k] - extra[k])]
    rng.shuffle(kinds)
    by_main: dict[str, list[int]] = {}
    for i, kind in enumerate(kinds):
        by_main.setdefault(kind[0], []).append(i)
    for k in sorted(extra, key=lambda c: (-extra[c], c)):
        if not extra[k]:
            continue
        hosts = HOSTS.get(k, ())
        preferred = [i for h in hosts for i in by_main.get(h, ()) if k not in kinds[i]]
        chosen_pref = set(preferred)
        others = [i for i in range(n) if i not in chosen_pref and k not in kinds[i]]
        rng.shuffle(preferred)
        rng.shuffle(others)
        # Contacts with a single service first, so that nobody gets five services in one visit;
        # among them, mostly the usual companions of the service.
        single_pref = [i for i in preferred if len(kinds[i]) == 1]
        single_others = [i for i in others if len(kinds[i]) == 1]
        n_pref = min(len(single_pref), round(extra[k] * 0.85))
        picked = single_pref[:n_pref] + single_others[: extra[k] - n_pref]
        rest = single_pref[n_pref:] + sorted(
            (i for i in preferred + others if len(kinds[i]) > 1), key=lambda i: len(kinds[i])
        )
        picked += rest[: extra[k] - len(picked)]
        for i in picked:
            kinds[i].append(k)
    return kinds


def family(channel: str, services: Sequence[str]) -> str:
    if channel == "telephone":
        return "appel"
    if not services:
        return "accueil"
    return FAMILY.get(services[0], "accueil")


# --- people -------------------------------------------------------------------------------------


@dataclass
class Person:
    home: int
    sex: str
    young: bool  # age group on the day that counts (first contact of 2019-S1, else first ever)
    new_in_reference: bool = False
    first_name: str = ""
    last_name: str = ""
    birth_date: date | None = None
    visits: dict[tuple[int, int], int] = field(default_factory=dict)  # (site, stretch) -> count
    dates: dict[tuple[int, int], list[date]] = field(default_factory=dict)
    turns_26_in_reference: bool = False
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def first_date(self) -> date:
        return min(d for days in self.dates.values() for d in days)


@dataclass
class DemoContact:
    site: int
    local_date: date
    local_time: time
    entered_at: datetime
    channel: str
    person: Person | None
    services: tuple[str, ...]
    deleted_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class DemoMerge:
    survivor: Person
    absorbed_first_name: str
    merged_at: datetime
    contact: DemoContact
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    absorbed_id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class DemoData:
    people: list[Person]
    contacts: list[DemoContact]
    merges: list[DemoMerge]
    closed_days: dict[int, dict[date, str]]


def _weighted_ages(low: int, high: int) -> tuple[list[int], list[int]]:
    ages = list(range(low, high + 1))
    if high <= 25:
        base = {16: 1, 17: 2, 18: 5, 19: 7, 20: 8, 21: 8, 22: 8, 23: 7, 24: 7, 25: 6}
        return ages, [base[a] for a in ages]
    weights = [10 if a <= 35 else 9 if a <= 45 else 7 if a <= 55 else 4 if a <= 60 else 1
               for a in ages]  # fmt: skip
    return ages, weights


def _birth_date_for_age(rng: random.Random, age: int, on: date) -> date:
    """A birth date such that the person is exactly ``age`` on ``on``."""
    latest = _shift_years(on, -age)
    earliest = _shift_years(on, -(age + 1)) + timedelta(days=1)
    born = earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))
    assert age_on(born, on) == age
    return born


def _visit_count(rng: random.Random) -> int:
    """Contacts of one person in one semester: most come once or twice, a few are regulars."""
    r = rng.random()
    if r < 0.45:
        return 1
    if r < 0.68:
        return 2
    if r < 0.8:
        return 3
    if r < 0.9:
        return rng.randint(4, 6)
    if r < 0.97:
        return rng.randint(7, 12)
    return rng.randint(13, 35)


def _spread_counts(rng: random.Random, people: list[Person], total: int, cap: int) -> list[int]:
    """One count per person (at least 1, at most ``cap``) adding up exactly to ``total``."""
    if not len(people) <= total <= len(people) * cap:
        raise ValueError(f"{total} contacts cannot be spread over {len(people)} people")
    counts = [min(cap, _visit_count(rng)) for _ in people]
    while sum(counts) < total:
        i = rng.randrange(len(counts))
        if counts[i] < cap:
            counts[i] += 1
    while sum(counts) > total:
        i = rng.randrange(len(counts))
        if counts[i] > 1:
            counts[i] -= 1
    return counts


class _DaySampler:
    """Distinct open days drawn with weights (busier on Mondays, quieter in August)."""

    def __init__(self, days: list[date]) -> None:
        self.days = days
        weights = [WEEKDAY_WEIGHT[d.weekday()] * MONTH_WEIGHT[d.month - 1] for d in days]
        self.cumulative = list(accumulate(weights))

    def sample(self, rng: random.Random, n: int) -> list[date]:
        chosen: dict[date, None] = {}
        while len(chosen) < n:
            for d in rng.choices(self.days, cum_weights=self.cumulative, k=n - len(chosen)):
                chosen[d] = None
        return sorted(chosen)


def _clock(rng: random.Random) -> time:
    """A time within opening hours: 9:00-12:00 and 13:30-17:00."""
    minute = rng.randrange(390)
    if minute < 180:
        return time(9 + minute // 60, minute % 60)
    minute -= 180
    return time(13 + (30 + minute) // 60, (30 + minute) % 60)


def _entered(rng: random.Random, day: date, at: time) -> datetime:
    """When the agent typed it: a few minutes later, sometimes at the end of the day."""
    moment = datetime.combine(day, at)
    if rng.random() < 0.06:
        return datetime.combine(day, time(17, rng.randrange(40), rng.randrange(60)))
    return moment + timedelta(minutes=rng.randint(1, 6), seconds=rng.randrange(60))


class _Builder:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.people: list[Person] = []
        self.contacts: list[DemoContact] = []
        self.merges: list[DemoMerge] = []
        self.days = {
            (site, i): open_days(site, s.start, s.end)
            for site in range(len(SITE_NAMES))
            for i, s in enumerate(STRETCHES)
        }
        self.samplers = {key: _DaySampler(days) for key, days in self.days.items()}

    # who comes when --------------------------------------------------------------------------

    def _new_person(self, home: int, sex: str, young: bool) -> Person:
        p = Person(home=home, sex=sex, young=young)
        self.people.append(p)
        return p

    def _history(self, p: Person, site: int, first: int, stay: float) -> None:
        """Mark ``p`` as coming to ``site`` from semester ``first`` on, now and then, until 2018."""
        p.visits[(site, first)] = 0
        for s in range(first + 1, REF):
            if self.rng.random() < stay:
                p.visits[(site, s)] = 0

    def populate(self) -> None:
        rng = self.rng
        for site, targets in enumerate(REFERENCE):
            returning: list[Person] = []
            for (group, sex), n in targets.persons.items():
                n_new = targets.new_persons[(group, sex)]
                for i in range(n):
                    p = self._new_person(site, sex, group == "jeunes")
                    p.new_in_reference = i < n_new
                    p.visits[(site, REF)] = 0
                    if not p.new_in_reference:
                        returning.append(p)
                    if rng.random() < 0.5:
                        p.visits[(site, AFTER)] = 0
            # Each semester of 2017-2018 brings about as many newcomers as the reference one;
            # some of them still come in 2019 (the returning visitors), the others do not.
            rng.shuffle(returning)
            arrivals = [round(ARRIVALS[site] * rng.uniform(0.9, 1.15)) for _ in STILL_COMING]
            kept = [round(a * share) for a, share in zip(arrivals, STILL_COMING, strict=True)]
            firsts = [s + 1 for s, k in enumerate(kept) for _ in range(k)]
            firsts = [0] * (len(returning) - len(firsts)) + firsts
            for p, first in zip(returning, firsts, strict=True):
                self._history(p, site, first, STAY[site])
            history_firsts = [0] * OLD_TIMERS[site] + [
                s + 1 for s, (a, k) in enumerate(zip(arrivals, kept, strict=True))
                for _ in range(a - k)
            ]  # fmt: skip
            for first in history_firsts:
                p = self._new_person(site, rng.choice(SEXES), rng.random() < 0.47)
                self._history(p, site, first, STAY[site] - 0.1)
                if rng.random() < 0.06:
                    p.visits[(site, AFTER)] = 0
            for _ in range(NEW_IN_AFTER[site]):
                p = self._new_person(site, rng.choice(SEXES), rng.random() < 0.47)
                p.visits[(site, AFTER)] = 0
        # A few people also go to the other Point Relais, but never in the reference semester.
        for site in range(len(SITE_NAMES)):
            other = 1 - site
            after = [p for p in self.people if p.home == site and (site, AFTER) in p.visits]
            for p in rng.sample(after, 10 if site == 0 else 6):
                p.visits[(other, AFTER)] = 0
            history = [
                p
                for p in self.people
                if p.home == site and (site, 2) in p.visits and (site, REF) not in p.visits
            ]
            for p in rng.sample(history, 8):
                p.visits[(other, 2)] = 0

    def schedule(self) -> None:
        """How many contacts each person has in each semester, and on which days."""
        rng = self.rng
        for site in range(len(SITE_NAMES)):
            for s in range(len(STRETCHES)):
                members = [p for p in self.people if (site, s) in p.visits]
                if s == REF:
                    total = sum(REFERENCE[site].contacts.values())
                else:
                    factor = 0.8 if s == AFTER else 1.0
                    total = round(
                        len(members) * CONTACTS_PER_PERSON[site] * factor * rng.uniform(0.95, 1.05)
                    )
                cap = min(35, len(self.days[(site, s)]) // 2)
                for p, n in zip(members, _spread_counts(rng, members, total, cap), strict=True):
                    p.visits[(site, s)] = n
                    p.dates[(site, s)] = self.samplers[(site, s)].sample(rng, n)

    # what they come for -----------------------------------------------------------------------

    def _targets(self, site: int, s: int, total: int) -> tuple[dict[str, int], dict[str, int]]:
        """Contacts by channel and deliveries by service for one site and semester."""
        ref = REFERENCE[site]
        if s == REF:
            return dict(ref.contacts), dict(ref.services)
        rng = self.rng
        ref_total = sum(ref.contacts.values())
        phone = round(total * ref.contacts["telephone"] / ref_total * rng.uniform(0.9, 1.1))
        contacts = {"physique": total - phone, "telephone": phone}
        services = {}
        for code, n in ref.services.items():
            rate = n / ref_total if n else 0.0015
            services[code] = round(total * rate * rng.uniform(0.9, 1.1))
        phoneable = sum(services[k] for k in PHONE_SHARE)
        if phoneable < phone * 1.1:
            services["message_conseiller"] += round(phone * 1.1) - phoneable
        if sum(services.values()) < total * 1.15:
            services["service_administratif"] += round(total * 1.15) - sum(services.values())
        return contacts, services

    def fill(self) -> None:
        rng = self.rng
        for site in range(len(SITE_NAMES)):
            for s in range(len(STRETCHES)):
                members = [p for p in self.people if (site, s) in p.visits]
                total = sum(p.visits[(site, s)] for p in members)
                contacts, services = self._targets(site, s, total)
                per_channel = split_channels(services, contacts)
                kinds = [
                    (channel, kind)
                    for channel in CHANNELS
                    for kind in make_services(rng, per_channel[channel], contacts[channel], channel)
                ]
                if s != REF:
                    # Now and then the agent forgot to tick a service.
                    for i in rng.sample(range(len(kinds)), round(len(kinds) * 0.004)):
                        kinds[i] = (kinds[i][0], [])
                self._assign(site, s, members, kinds)

    def _assign(
        self, site: int, s: int, members: list[Person], kinds: list[tuple[str, list[str]]]
    ) -> None:
        """Give the contacts to people so that each person mostly comes for one kind of thing.

        Young people come first, next to the appointments (Mission Locale holds most of them).
        """
        rng = self.rng
        order = sorted(members, key=lambda p: (0.0 if p.young else 1.0) + rng.random() * 1.6)
        slots = [(p, d) for p in order for d in p.dates[(site, s)]]
        families = ["rdv", "appel", "numerique", "pole_emploi", "administratif", "accueil"]
        rng.shuffle(families)
        families.remove("rdv")
        families.insert(0, "rdv")
        rank = {f: i for i, f in enumerate(families)}
        rng.shuffle(kinds)
        kinds.sort(key=lambda k: rank[family(*k)])
        for i in rng.sample(range(len(kinds)), len(kinds) // 5):
            j = rng.randrange(len(kinds))
            kinds[i], kinds[j] = kinds[j], kinds[i]
        for (p, day), (channel, codes) in zip(slots, kinds, strict=True):
            at = _clock(rng)
            self.contacts.append(
                DemoContact(
                    site=site,
                    local_date=day,
                    local_time=at,
                    entered_at=_entered(rng, day, at),
                    channel=channel,
                    person=p,
                    services=tuple(sorted(codes, key=SERVICE_CODES.index)),
                )
            )

    # who they are ------------------------------------------------------------------------------

    def identities(self) -> None:
        rng = self.rng
        for p in self.people:
            first_names = FIRST_NAMES_F if p.sex == "F" else FIRST_NAMES_H
            p.first_name = rng.choice(first_names)
            p.last_name = rng.choice(LAST_NAMES)
            first_ever = p.first_date()
            on = min(p.dates[(p.home, REF)]) if (p.home, REF) in p.dates else first_ever
            # Nobody comes to an employment desk before 16.
            youngest = 16 + (on - first_ever).days // 365 + 1 if on > first_ever else 16
            if p.young:
                ages, weights = _weighted_ages(min(youngest, 25), 25)
            else:
                ages, weights = _weighted_ages(26, 66)
            age = rng.choices(ages, weights=weights)[0]
            p.birth_date = _birth_date_for_age(rng, age, on)
        # A few young people of the reference semester turn 26 during it: they still count as
        # young, because their first contact of the semester is before their birthday.
        for site in range(len(SITE_NAMES)):
            candidates = [
                p
                for p in self.people
                if p.home == site
                and p.young
                and (site, REF) in p.dates
                and p.dates[(site, REF)][-1] > p.dates[(site, REF)][0]
            ]
            for p in rng.sample(candidates, 6):
                first, last = p.dates[(site, REF)][0], p.dates[(site, REF)][-1]
                birthday = first + timedelta(days=rng.randint(1, (last - first).days))
                p.birth_date = _shift_years(birthday, -YOUNG_AGE_LIMIT)
                p.turns_26_in_reference = True
        # Homonyms exist, but not two records with the same name and birth date.
        seen: set[tuple[str, date | None]] = set()
        for p in self.people:
            while (key := (search_key(p.last_name, p.first_name), p.birth_date)) in seen:
                p.last_name = rng.choice(LAST_NAMES)
            seen.add(key)

    # the traces of desk work ---------------------------------------------------------------------

    def desk_slips(self) -> None:
        rng = self.rng
        extra: list[DemoContact] = []
        for site in range(len(SITE_NAMES)):
            ref = [
                c
                for c in self.contacts
                if c.site == site and REFERENCE_START <= c.local_date <= REFERENCE_END
            ]
            # Saved twice by a double press, the copy deleted a minute later.
            for c in rng.sample(ref, 9):
                entered = c.entered_at + timedelta(seconds=rng.randint(5, 40))
                extra.append(
                    DemoContact(
                        site=site,
                        local_date=c.local_date,
                        local_time=c.local_time,
                        entered_at=entered,
                        channel=c.channel,
                        person=c.person,
                        services=c.services,
                        deleted_at=entered + timedelta(minutes=rng.randint(1, 3)),
                    )
                )
            # A new person's first visit first typed with last year's date, then corrected:
            # the deleted contact must not make them a returning visitor.
            holidays = french_public_holidays(2018)
            firsts: dict[uuid.UUID, DemoContact] = {}
            for c in ref:
                p = c.person
                if p is not None and p.new_in_reference:
                    if p.id not in firsts or c.local_date < firsts[p.id].local_date:
                        firsts[p.id] = c
            slips = 0
            for c in sorted(firsts.values(), key=lambda c: (c.local_date, c.local_time)):
                wrong = c.local_date.replace(year=2018)
                if wrong.weekday() >= 5 or wrong in holidays or rng.random() < 0.9:
                    continue
                extra.append(
                    DemoContact(
                        site=site,
                        local_date=wrong,
                        local_time=c.local_time,
                        entered_at=c.entered_at - timedelta(minutes=2),
                        channel=c.channel,
                        person=c.person,
                        services=c.services,
                        deleted_at=c.entered_at - timedelta(minutes=1),
                    )
                )
                slips += 1
                if slips == 2:
                    break
            # A person typed in twice under a misspelt first name, merged a few days later.
            slip_of = dict(SPELLING_SLIPS)
            twice = [
                c
                for c in ref
                if c.person is not None
                and c.person.first_name in slip_of
                and c.local_date > min(c.person.dates[(site, REF)])
            ]
            merged: set[uuid.UUID] = set()
            for c in rng.sample(twice, len(twice)):
                assert c.person is not None
                if c.person.id in merged:
                    continue
                merged.add(c.person.id)
                self.merges.append(
                    DemoMerge(
                        survivor=c.person,
                        absorbed_first_name=slip_of[c.person.first_name],
                        merged_at=datetime.combine(
                            c.local_date + timedelta(days=rng.randint(1, 10)),
                            time(17, rng.randrange(30)),
                        ),
                        contact=c,
                    )
                )
                if len(merged) == 3:
                    break
        # Quick calls from people who gave no name (second semester 2019 only).
        for site in range(len(SITE_NAMES)):
            sampler = self.samplers[(site, AFTER)]
            for _ in range(20 if site == 0 else 8):
                day = sampler.sample(rng, 1)[0]
                at = _clock(rng)
                code = rng.choice(("message_conseiller", "message_conseiller", "info_emploi"))
                extra.append(
                    DemoContact(
                        site=site,
                        local_date=day,
                        local_time=at,
                        entered_at=_entered(rng, day, at),
                        channel="telephone",
                        person=None,
                        services=(code,),
                    )
                )
        self.contacts.extend(extra)

    def build(self) -> DemoData:
        self.populate()
        self.schedule()
        self.fill()
        self.identities()
        self.desk_slips()
        self.contacts.sort(key=lambda c: (c.local_date, c.local_time, c.entered_at))
        return DemoData(
            people=self.people,
            contacts=self.contacts,
            merges=self.merges,
            closed_days={site: closures(site) for site in range(len(SITE_NAMES))},
        )


def build_demo(seed: int = SEED) -> DemoData:
    """The demonstration data set, in memory (no database involved)."""
    return _Builder(seed).build()


# --- loading it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    sites: list[str]
    people: int
    contacts: int
    services: int
    first_day: date
    last_day: date
    reference_contacts: int
    reference_people: int


def _agent(site: int, day: date) -> str:
    return [name for since, name in AGENTS[site] if since <= day][-1]


BATCH = 5000



def _batch_sums(
    contacts: list[DemoContact], site_ids: list[uuid.UUID], service_ids: dict[str, uuid.UUID]
) -> tuple[DaySums, DayServiceSums]:
    """What the row-by-row statistics triggers would add for these contacts (live ones only)."""
    days: DaySums = {}
    day_services: DayServiceSums = {}
    for c in contacts:
        if c.deleted_at is not None:
            continue
        site, day = site_ids[c.site].hex, int(c.local_date.strftime("%Y%m%d"))
        sums = days.setdefault((site, day), [0, 0, 0, 0])
        sums[0 if c.channel == "physique" else 1] += 1
        if c.person is None:
            sums[2] += 1
        if not c.services:
            sums[3] += 1
        for code in set(c.services):
            key = (site, day, service_ids[code].hex)
            day_services[key] = day_services.get(key, 0) + 1
    return days, day_services

def _chunks(
    rows: Sequence[Mapping[str, object]],
) -> Iterator[Sequence[Mapping[str, object]]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def _strip_accents(text: str) -> str:
    folded = fold(text)
    return folded[:1].upper() + folded[1:]


def _refuse_unless_ready(s: Session) -> dict[str, uuid.UUID]:
    """The catalogue's service ids by code; refuses a database that already holds contacts."""
    existing = s.scalar(select(func.count()).select_from(Contact)) or 0
    if existing:
        raise InvalidInput(
            f"Cette base contient déjà {french_number(existing)} contact(s) : les données de "
            "démonstration sont faites pour une base vide et n'y ont pas été ajoutées. "
            "Utilisez une nouvelle base, par exemple : sarah --db demo.sqlite demo"
        )
    service_ids = dict(
        s.execute(select(Service.code, Service.id).where(Service.deleted_at.is_(None))).all()
    )
    missing = [code for code in SERVICE_CODES if code not in service_ids]
    if missing:
        raise InvalidInput(
            "Le catalogue de services ne contient plus les services de référence "
            f"({', '.join(missing)}) : les données de démonstration ne peuvent pas être chargées."
        )
    return service_ids


def load_demo(engine: Engine, data: DemoData | None = None) -> DemoSummary:
    """Write the demonstration data set into an empty database, in one transaction.

    Refuses (:class:`InvalidInput`) a database that already holds contacts: the demonstration
    is made for a new, empty database, never mixed with real data.
    """
    if data is None:
        with read_session(engine) as s:
            _refuse_unless_ready(s)  # before spending time on building it
        data = build_demo()
    with write_session(engine) as s:
        service_ids = _refuse_unless_ready(s)  # again: the write lock is held from here on
        sites = [ensure_site_in(s, name) for name in SITE_NAMES]
        site_ids = [site.id for site in sites]
        revision = [next_revision(s, sid) for sid in site_ids]
        if sites[0].position > sites[1].position:
            # A site created earlier (first start of the desk) must not upset the report's order.
            sites[0].position, sites[1].position = sites[1].position, sites[0].position
            for site, rev in zip(sites, revision, strict=True):
                site.revision = rev

        first_seen: dict[uuid.UUID, datetime] = {}
        for c in data.contacts:
            if c.person is not None and c.person.id not in first_seen:
                first_seen[c.person.id] = c.entered_at
        visitor_rows = [
            {
                "id": p.id,
                "last_name": p.last_name,
                "first_name": p.first_name,
                "sex": p.sex,
                "birth_date": p.birth_date,
                "search_key": search_key(p.last_name, p.first_name),
                "merged_into_id": None,
                "origin_site_id": site_ids[p.home],
                "revision": revision[p.home],
                "created_at": first_seen[p.id],
                "updated_at": first_seen[p.id],
                "deleted_at": None,
            }
            for p in data.people
        ]
        for m in data.merges:
            first = _strip_accents(m.absorbed_first_name)
            visitor_rows.append(
                {
                    "id": m.absorbed_id,
                    "last_name": m.survivor.last_name,
                    "first_name": first,
                    "sex": m.survivor.sex,
                    "birth_date": None,
                    "search_key": search_key(m.survivor.last_name, first),
                    "merged_into_id": m.survivor.id,
                    "origin_site_id": site_ids[m.contact.site],
                    "revision": revision[m.contact.site],
                    "created_at": m.contact.entered_at,
                    "updated_at": m.merged_at,
                    "deleted_at": m.merged_at,
                }
            )
        for chunk in _chunks(visitor_rows):
            s.execute(insert(Visitor.__table__), chunk)

        contact_rows = [
            {
                "id": c.id,
                "site_id": site_ids[c.site],
                "local_date": c.local_date,
                "local_time": c.local_time,
                "entered_at": c.entered_at,
                "channel": c.channel,
                "visitor_id": c.person.id if c.person is not None else None,
                "agent": _agent(c.site, c.local_date),
                "import_key": None,
                "origin_site_id": site_ids[c.site],
                "revision": revision[c.site],
                "created_at": c.entered_at,
                "updated_at": c.deleted_at or c.entered_at,
                "deleted_at": c.deleted_at,
            }
            for c in data.contacts
        ]
        # The statistics sums are added per batch, as a large import does (sarah.services.
        # import_stats), rather than by the row-by-row triggers.
        with bulk_statistics(s.connection(), len(contact_rows)) as sums:
            for start in range(0, len(contact_rows), BATCH):
                s.execute(insert(Contact.__table__), contact_rows[start : start + BATCH])
                pair_rows = [
                    {"contact_id": c.id, "service_id": service_ids[code]}
                    for c in data.contacts[start : start + BATCH]
                    for code in c.services
                ]
                if pair_rows:
                    s.execute(insert(contact_services), pair_rows)
                sums.add_batch(
                    *_batch_sums(data.contacts[start : start + BATCH], site_ids, service_ids)
                )

        merge_rows = [
            {
                "id": m.id,
                "survivor_id": m.survivor.id,
                "absorbed_id": m.absorbed_id,
                "merged_at": m.merged_at,
                "moved_contacts": 1,
                "absorbed_profile": json.dumps(
                    {
                        "last_name": m.survivor.last_name,
                        "first_name": _strip_accents(m.absorbed_first_name),
                        "sex": m.survivor.sex,
                        "birth_date": None,
                    },
                    ensure_ascii=False,
                ),
                "agent": _agent(m.contact.site, m.merged_at.date()),
                # What "Annuler la fusion" needs: the contact moved, the survivor before.
                "moved_contact_ids": json.dumps([str(m.contact.id)]),
                "survivor_profile": json.dumps(
                    {
                        "last_name": m.survivor.last_name,
                        "first_name": m.survivor.first_name,
                        "sex": m.survivor.sex,
                        "birth_date": m.survivor.birth_date.isoformat()
                        if m.survivor.birth_date
                        else None,
                    },
                    ensure_ascii=False,
                ),
                "origin_site_id": site_ids[m.contact.site],
                "revision": revision[m.contact.site],
                "created_at": m.merged_at,
                "updated_at": m.merged_at,
                "deleted_at": None,
            }
            for m in data.merges
        ]
        if merge_rows:
            s.execute(insert(VisitorMerge.__table__), merge_rows)
        closed_rows = [
            {
                "id": uuid.uuid4(),
                "site_id": site_ids[site],
                "day": day,
                "reason": reason,
                "origin_site_id": site_ids[site],
                "revision": revision[site],
                "created_at": datetime.combine(day, time(8, 30)),
                "updated_at": datetime.combine(day, time(8, 30)),
                "deleted_at": None,
            }
            for site, days in data.closed_days.items()
            for day, reason in sorted(days.items())
        ]
        if closed_rows:
            s.execute(insert(ClosedDay.__table__), closed_rows)

    return summarize(data)


def fingerprint(data: DemoData) -> str:
    """A digest of the data set's content (not of the row identifiers): equal from run to run."""
    digest = hashlib.sha256()
    for c in data.contacts:
        p = c.person
        who = "" if p is None else f"{p.last_name}|{p.first_name}|{p.sex}|{p.birth_date}|{p.home}"
        digest.update(
            f"{c.site}|{c.local_date}|{c.local_time}|{c.entered_at}|{c.channel}|"
            f"{','.join(c.services)}|{c.deleted_at}|{who}\n".encode()
        )
    for m in data.merges:
        digest.update(f"{m.survivor.last_name}|{m.absorbed_first_name}|{m.merged_at}\n".encode())
    return digest.hexdigest()


def summarize(data: DemoData) -> DemoSummary:
    live = [c for c in data.contacts if c.deleted_at is None]
    ref = [c for c in live if REFERENCE_START <= c.local_date <= REFERENCE_END]
    return DemoSummary(
        sites=list(SITE_NAMES),
        people=len(data.people),
        contacts=len(live),
        services=sum(len(c.services) for c in live),
        first_day=min(c.local_date for c in live),
        last_day=max(c.local_date for c in live),
        reference_contacts=len(ref),
        reference_people=len({c.person.id for c in ref if c.person is not None}),
    )


def french_number(n: int) -> str:
    """12345 -> '12 345' (a no-break space groups thousands, as in French)."""
    return f"{n:,}".replace(",", "\u00a0")


def summary_lines(summary: DemoSummary) -> list[str]:
    n = french_number
    return [
        "Données de démonstration chargées (personnes et contacts fictifs).",
        f"Points Relais : {' et '.join(summary.sites)}.",
        f"{n(summary.contacts)} contacts du {summary.first_day:%d/%m/%Y} au "
        f"{summary.last_day:%d/%m/%Y}, {n(summary.services)} services délivrés, "
        f"{n(summary.people)} personnes.",
        f"1er semestre 2019 : {n(summary.reference_contacts)} contacts de "
        f"{n(summary.reference_people)} personnes différentes, comme dans le rapport "
        "d'activité 2019.",
    ]


__all__ = [
    "DemoData",
    "DemoSummary",
    "REFERENCE",
    "SITE_NAMES",
    "build_demo",
    "load_demo",
    "summary_lines",
]
