"""The traces of desk work in the demonstration data: double presses, a wrong year typed then
corrected, people typed in twice then merged, anonymous calls. Each draws from the builder's
seeded generator, in the builder's order."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta

from sarah.calendar_fr import french_public_holidays
from sarah.services.demo.calendar import DaySampler, opening_time, typed_at
from sarah.services.demo.data import DemoContact, DemoMerge
from sarah.services.demo.names import SPELLING_SLIPS
from sarah.services.demo.reference import AFTER, REF, SITE_NAMES


def double_presses(rng: random.Random, site: int, ref: list[DemoContact]) -> list[DemoContact]:
    """Saved twice by a double press, the copy deleted a minute later."""
    copies = []
    for c in rng.sample(ref, 9):
        entered = c.entered_at + timedelta(seconds=rng.randint(5, 40))
        copies.append(
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
    return copies


def wrong_year_first_visits(
    rng: random.Random, site: int, ref: list[DemoContact]
) -> list[DemoContact]:
    """A new person's first visit first typed with last year's date, then corrected: the
    deleted contact must not make them a returning visitor."""
    holidays = french_public_holidays(2018)
    firsts: dict[uuid.UUID, DemoContact] = {}
    for c in ref:
        p = c.person
        if p is not None and p.new_in_reference:
            if p.id not in firsts or c.local_date < firsts[p.id].local_date:
                firsts[p.id] = c
    slips: list[DemoContact] = []
    for c in sorted(firsts.values(), key=lambda c: (c.local_date, c.local_time)):
        wrong = c.local_date.replace(year=2018)
        if wrong.weekday() >= 5 or wrong in holidays or rng.random() < 0.9:
            continue
        slips.append(
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
        if len(slips) == 2:
            break
    return slips


def misspelt_twins(rng: random.Random, site: int, ref: list[DemoContact]) -> list[DemoMerge]:
    """A person typed in twice under a misspelt first name, merged a few days later."""
    slip_of = dict(SPELLING_SLIPS)
    twice = [
        c
        for c in ref
        if c.person is not None
        and c.person.first_name in slip_of
        and c.local_date > min(c.person.dates[(site, REF)])
    ]
    merged: set[uuid.UUID] = set()
    merges: list[DemoMerge] = []
    for c in rng.sample(twice, len(twice)):
        assert c.person is not None
        if c.person.id in merged:
            continue
        merged.add(c.person.id)
        merges.append(
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
    return merges


def anonymous_calls(
    rng: random.Random, samplers: dict[tuple[int, int], DaySampler]
) -> list[DemoContact]:
    """Quick calls from people who gave no name (second semester 2019 only)."""
    calls = []
    for site in range(len(SITE_NAMES)):
        sampler = samplers[(site, AFTER)]
        for _ in range(20 if site == 0 else 8):
            day = sampler.sample(rng, 1)[0]
            at = opening_time(rng)
            code = rng.choice(("message_conseiller", "message_conseiller", "info_emploi"))
            calls.append(
                DemoContact(
                    site=site,
                    local_date=day,
                    local_time=at,
                    entered_at=typed_at(rng, day, at),
                    channel="telephone",
                    person=None,
                    services=(code,),
                )
            )
    return calls
