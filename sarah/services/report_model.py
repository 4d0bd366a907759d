"""The plain data of a semester report: what the statistics engine returns and exports read.

Shapes follow ../docs/statistiques.md and the JSON of the command-line interface. No Qt, no
database here, so that exports, the window and tests all read the same numbers.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sarah.errors import InvalidInput

AGE_GROUPS = ("jeunes", "adultes", "NR")  # NR: unknown birth date
SEXES = ("F", "H", "NR")  # NR: sex not given
NOT_GIVEN = "Non renseigné"
CHANNELS = ("physique", "telephone")


@dataclass(frozen=True)
class Period:
    """First and last day, both inclusive, local calendar dates."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidInput(
                f"Période impossible : le {self.end:%d/%m/%Y} est avant le {self.start:%d/%m/%Y}."
            )

    @classmethod
    def semester(cls, text: str) -> Period:
        """'2019-S1' -> 1 Jan-30 Jun 2019, '2019-S2' -> 1 Jul-31 Dec 2019."""
        m = re.fullmatch(r"\s*(\d{4})-?[Ss]([12])\s*", text)
        if not m:
            raise InvalidInput(f"Semestre « {text} » illisible : écrivez par exemple 2019-S1.")
        year, half = int(m.group(1)), int(m.group(2))
        if half == 1:
            return cls(date(year, 1, 1), date(year, 6, 30))
        return cls(date(year, 7, 1), date(year, 12, 31))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(
            date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1])
        )

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    def shifted_years(self, years: int) -> Period:
        """The same period ``years`` earlier or later (29 Feb becomes 28 Feb)."""

        def shift(d: date) -> date:
            y = d.year + years
            return d.replace(year=y, day=min(d.day, calendar.monthrange(y, d.month)[1]))

        return Period(shift(self.start), shift(self.end))

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        if (s.month, s.day, e.month, e.day) == (1, 1, 6, 30) and s.year == e.year:
            return f"1er semestre {s.year}"
        if (s.month, s.day, e.month, e.day) == (7, 1, 12, 31) and s.year == e.year:
            return f"2nd semestre {s.year}"
        if (s.month, s.day, e.month, e.day) == (1, 1, 12, 31) and s.year == e.year:
            return f"Année {s.year}"
        return f"du {s:%d/%m/%Y} au {e:%d/%m/%Y}"


@dataclass
class PeopleCounts:
    """Table 3 or 4 for one row: counts by age group, then sex."""

    cells: dict[str, dict[str, int]] = field(
        default_factory=lambda: {a: {s: 0 for s in SEXES} for a in AGE_GROUPS}
    )

    def group_total(self, age: str) -> int:
        return sum(self.cells[age].values())

    @property
    def total(self) -> int:
        return sum(self.group_total(a) for a in AGE_GROUPS)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for age in AGE_GROUPS:
            out[age] = {**{s: self.cells[age][s] for s in SEXES}, "total": self.group_total(age)}
        out["total"] = self.total
        return out


@dataclass(frozen=True)
class ServiceCount:
    code: str
    label: str
    count: int
    retired: bool = False


@dataclass
class SiteTables:
    """The four tables for one site, or for the total column/row."""

    contacts: dict[str, int]  # physique, telephone
    services: list[ServiceCount]  # catalogue order, retired ones only when non-zero
    not_given_services: int  # contacts that recorded no service
    persons: PeopleCounts
    new_persons: PeopleCounts
    anonymous_contacts: int

    @property
    def contacts_total(self) -> int:
        return sum(self.contacts[c] for c in CHANNELS)

    @property
    def services_total(self) -> int:
        return sum(s.count for s in self.services) + self.not_given_services

    def to_json(self) -> dict[str, Any]:
        services: dict[str, int] = {s.label: s.count for s in self.services}
        services[NOT_GIVEN] = self.not_given_services
        services["total"] = self.services_total
        return {
            "contacts": {**{c: self.contacts[c] for c in CHANNELS}, "total": self.contacts_total},
            "services": services,
            "persons": self.persons.to_json(),
            "new_persons": self.new_persons.to_json(),
            "anonymous_contacts": self.anonymous_contacts,
        }


@dataclass
class Report:
    period: Period
    sites: list[str]  # selected sites in display order
    by_site: dict[str, SiteTables]
    total: SiteTables

    @property
    def people_seen_at_several_sites(self) -> bool:
        """Table 3's total row is smaller than the sum of the site rows."""
        return self.total.persons.total < sum(t.persons.total for t in self.by_site.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "sites": list(self.sites),
            "by_site": {name: self.by_site[name].to_json() for name in self.sites},
            "total": self.total.to_json(),
        }
