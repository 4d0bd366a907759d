"""The builder: draws people, their visits and services, and the traces of desk work, from a
seeded generator."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sarah.services.demo.calendar import (
    DaySampler,
    closures,
    open_days,
    opening_time,
    shift_years,
    typed_at,
)
from sarah.services.demo.data import DemoContact, DemoData, DemoMerge, Person
from sarah.services.demo.names import FIRST_NAMES_F, FIRST_NAMES_H, LAST_NAMES
from sarah.services.demo.reference import (
    AFTER,
    ARRIVALS,
    CONTACTS_PER_PERSON,
    NEW_IN_AFTER,
    OLD_TIMERS,
    REF,
    REFERENCE,
    REFERENCE_END,
    REFERENCE_START,
    SEED,
    SERVICE_CODES,
    SEXES,
    SITE_NAMES,
    STAY,
    STILL_COMING,
    STRETCHES,
    SiteTargets,
)
from sarah.services.demo.service_mix import PHONE_SHARE, family, make_services, split_channels
from sarah.services.demo.slips import (
    anonymous_calls,
    double_presses,
    misspelt_twins,
    wrong_year_first_visits,
)
from sarah.services.text import search_key
from sarah.services.visitors import age_on
from sarah.settings import YOUNG_AGE_LIMIT
from sarah.vocabulary import CHANNELS


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
    latest = shift_years(on, -age)
    earliest = shift_years(on, -(age + 1)) + timedelta(days=1)
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
        self.samplers = {key: DaySampler(days) for key, days in self.days.items()}

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
        for site, targets in enumerate(REFERENCE):
            returning = self._reference_people(site, targets)
            self._earlier_people(site, returning)
        self._visits_to_the_other_site()

    def _reference_people(self, site: int, targets: SiteTargets) -> list[Person]:
        """The people of the reference semester; returns those who had come before."""
        returning: list[Person] = []
        for (group, sex), n in targets.persons.items():
            n_new = targets.new_persons[(group, sex)]
            for i in range(n):
                p = self._new_person(site, sex, group == "jeunes")
                p.new_in_reference = i < n_new
                p.visits[(site, REF)] = 0
                if not p.new_in_reference:
                    returning.append(p)
                if self.rng.random() < 0.5:
                    p.visits[(site, AFTER)] = 0
        return returning

    def _earlier_people(self, site: int, returning: list[Person]) -> None:
        """When the returning visitors first came, and the people of 2017-2018 who are gone."""
        rng = self.rng
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

    def _visits_to_the_other_site(self) -> None:
        """A few people also go to the other Point Relais, but never in the reference semester."""
        rng = self.rng
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
            at = opening_time(rng)
            self.contacts.append(
                DemoContact(
                    site=site,
                    local_date=day,
                    local_time=at,
                    entered_at=typed_at(rng, day, at),
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
                p.birth_date = shift_years(birthday, -YOUNG_AGE_LIMIT)
                p.turns_26_in_reference = True
        # Homonyms exist, but not two records with the same name and birth date.
        seen: set[tuple[str, date | None]] = set()
        for p in self.people:
            while (key := (search_key(p.last_name, p.first_name), p.birth_date)) in seen:
                p.last_name = rng.choice(LAST_NAMES)
            seen.add(key)

    # the traces of desk work ---------------------------------------------------------------------

    def desk_slips(self) -> None:
        extra: list[DemoContact] = []
        for site in range(len(SITE_NAMES)):
            ref = [
                c
                for c in self.contacts
                if c.site == site and REFERENCE_START <= c.local_date <= REFERENCE_END
            ]
            extra += double_presses(self.rng, site, ref)
            extra += wrong_year_first_visits(self.rng, site, ref)
            self.merges += misspelt_twins(self.rng, site, ref)
        extra += anonymous_calls(self.rng, self.samplers)
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
