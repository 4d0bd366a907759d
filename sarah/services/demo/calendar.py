"""The demo calendar: each site's agents, closures and open days, the weights of the weekdays
and months that draw the days, and the times of day within opening hours."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from sarah.calendar_fr import public_holidays_between
from sarah.services.demo.reference import OUTAGE_DAY, SICK_LEAVE_SITE, SICK_LEAVE_START

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


def shift_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


# --- services of each contact -------------------------------------------------------------------

# Share of each service delivered over the phone (the others are delivered in person only).


class DaySampler:
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


def opening_time(rng: random.Random) -> time:
    """A time within opening hours: 9:00-12:00 and 13:30-17:00."""
    minute = rng.randrange(390)
    if minute < 180:
        return time(9 + minute // 60, minute % 60)
    minute -= 180
    return time(13 + (30 + minute) // 60, (30 + minute) % 60)


def typed_at(rng: random.Random, day: date, at: time) -> datetime:
    """When the agent typed it: a few minutes later, sometimes at the end of the day."""
    moment = datetime.combine(day, at)
    if rng.random() < 0.06:
        return datetime.combine(day, time(17, rng.randrange(40), rng.randrange(60)))
    return moment + timedelta(minutes=rng.randint(1, 6), seconds=rng.randrange(60))
