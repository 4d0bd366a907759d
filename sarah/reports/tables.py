"""The plain data of a semester report: what the statistics engine returns and exports read.

Shapes follow ../docs/statistiques.md and the JSON of the command-line interface. No Qt, no
database here, so that exports, the window and tests all read the same numbers.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from sarah.errors import InvalidInput
from sarah.reports.words import DEFAULT_YOUNG_AGE_LIMIT
from sarah.vocabulary import AGE_GROUPS, CHANNELS, NOT_GIVEN, SEXES, period_text, span_text

if TYPE_CHECKING:
    from sarah.reports.checks import Check

TOTAL = "__total__"  # key of the total column in per-site mappings


def share(part: int, whole: int) -> Fraction | None:
    """``part`` / ``whole`` as an exact fraction, None when there is nothing to divide."""
    return Fraction(part, whole) if whole else None


def round_percent(value: Fraction) -> int:
    """Whole percent, half rounded up (an exact half never depends on binary floating point)."""
    return math.floor(value * 100 + Fraction(1, 2))


def percent_text(value: Fraction | None) -> str:
    """'54 %' ('' when the group is empty)."""
    return "" if value is None else f"{round_percent(value)} %"


def total_column_heading(site_count: int) -> str:
    """'TOTAL des 2 PR' as in the reference tables; 'TOTAL du PR' for one site."""
    return f"TOTAL des {site_count} PR" if site_count != 1 else "TOTAL du PR"


def total_row_heading(site_count: int) -> str:
    """'2 Points Relais' (row of the people tables)."""
    return f"{site_count} Points Relais" if site_count != 1 else "1 Point Relais"


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
    def half_year(self) -> tuple[int, int] | None:
        """(year, 1 or 2) when the period is exactly a semester, else None."""
        s, e = self.start, self.end
        if s.year != e.year:
            return None
        if (s.month, s.day, e.month, e.day) == (1, 1, 6, 30):
            return (s.year, 1)
        if (s.month, s.day, e.month, e.day) == (7, 1, 12, 31):
            return (s.year, 2)
        return None

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        half = self.half_year
        if half is not None:
            return f"{'1er' if half[1] == 1 else '2nd'} semestre {s.year}"
        if (s.month, s.day, e.month, e.day) == (1, 1, 12, 31) and s.year == e.year:
            return f"Année {s.year}"
        return span_text(s, e)

    @property
    def text(self) -> str:
        """The label with its dates (vocabulary.period_text): '1er semestre 2019 (du 01/01/2019 au
        30/06/2019)'."""
        return period_text(self.label, self.start, self.end)


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

    def sex_share(self, age: str, sex: str) -> Fraction | None:
        """Share of ``sex`` within the age group (the '%' next to each count)."""
        return share(self.cells[age][sex], self.group_total(age))

    def group_share(self, age: str) -> Fraction | None:
        """Share of the age group in the row total ('% du total')."""
        return share(self.group_total(age), self.total)

    def fits_within(self, other: PeopleCounts) -> bool:
        """Every cell is at most the same cell of ``other``."""
        return all(self.cells[a][s] <= other.cells[a][s] for a in AGE_GROUPS for s in SEXES)

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
    # The same totals counted a second way, straight from the database (contacts, services,
    # persons, new_persons), so that the checks of the report compare two computations.
    controls: dict[str, int] = field(default_factory=dict)

    @property
    def contacts_total(self) -> int:
        return sum(self.contacts[c] for c in CHANNELS)

    @property
    def services_total(self) -> int:
        return sum(s.count for s in self.services) + self.not_given_services

    def service_count(self, code: str) -> int:
        return next((s.count for s in self.services if s.code == code), 0)

    @property
    def services_delivered(self) -> int:
        """Services actually delivered: the total without the "Non renseigné" contacts."""
        return self.services_total - self.not_given_services

    def service_share(self, code: str) -> float:
        """Share of one service in the services delivered (0 when none was delivered)."""
        delivered = self.services_delivered
        return self.service_count(code) / delivered if delivered else 0.0

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
    young_age_limit: int = DEFAULT_YOUNG_AGE_LIMIT

    @property
    def people_seen_at_several_sites(self) -> bool:
        """Table 3's total row is smaller than the sum of the site rows."""
        return self.total.persons.total < sum(t.persons.total for t in self.by_site.values())

    @property
    def columns(self) -> list[tuple[str, SiteTables]]:
        """(heading, tables) of each site in display order, then the total column."""
        return [(name, self.by_site[name]) for name in self.sites] + [
            (total_column_heading(len(self.sites)), self.total)
        ]

    @property
    def people_rows(self) -> list[tuple[str, SiteTables]]:
        """(heading, tables) of each site, then the total row ('2 Points Relais')."""
        return [(name, self.by_site[name]) for name in self.sites] + [
            (total_row_heading(len(self.sites)), self.total)
        ]

    @property
    def service_rows(self) -> list[tuple[str, str]]:
        """(code, label) of the rows of table 2, in catalogue order (same for every column)."""
        return [(s.code, s.label) for s in self.total.services]

    def table_notes(self) -> dict[str, list[str]]:
        """The French sentences a reader of each table needs, by table ("contacts",
        "services", "persons", "new_persons"): anonymous contacts under table 1, people counted
        at several sites under table 3, and under table 4 its own gap."""
        out: dict[str, list[str]] = {
            k: [] for k in ("contacts", "services", "persons", "new_persons")
        }
        anonymous = self.total.anonymous_contacts
        if anonymous:
            detail = ", ".join(
                f"{name} : {self.by_site[name].anonymous_contacts}" for name in self.sites
            )
            out["contacts"].append(
                f"{anonymous} contact(s) anonyme(s) (personne non identifiée) : comptés dans les "
                f"contacts et les services, pas dans les personnes ({detail})."
            )
        people_gap = sum(t.persons.total for t in self.by_site.values()) - self.total.persons.total
        if people_gap > 0:
            out["persons"].append(
                "Des personnes sont venues dans plusieurs Points Relais : chacune compte une fois "
                "par site et une seule fois dans la ligne du total, qui est donc plus petite que la "
                f"somme des sites ({people_gap} de moins)."
            )
        new_gap = (
            sum(t.new_persons.total for t in self.by_site.values()) - self.total.new_persons.total
        )
        if new_gap > 0:
            out["new_persons"].append(
                "Une personne est nouvelle dans un site à sa première venue dans ce site, et "
                "nouvelle dans la ligne du total à sa première venue dans l'un des Points Relais : "
                "venue dans un autre site avant, ou dans deux sites pour la première fois, elle ne "
                "compte qu'une fois ou pas du tout dans le total, qui est donc plus petit que la "
                f"somme des sites ({new_gap} de moins)."
            )
        return out

    def notes(self) -> list[str]:
        """Every table's notes (:meth:`table_notes`), in table order."""
        return [note for notes in self.table_notes().values() for note in notes]

    def checks(self) -> list[Check]:
        """The arithmetic a reader would verify by hand, computed on this report."""
        from sarah.reports.checks import report_checks  # checks read Report: imported late

        return report_checks(self)

    @classmethod
    def from_json(
        cls, data: dict[str, Any], young_age_limit: int = DEFAULT_YOUNG_AGE_LIMIT
    ) -> Report:
        """A report read back from :meth:`to_json` (a saved report, the reference semester).

        The JSON names services by label only: each label serves as its code here.
        """

        def people(d: dict[str, Any]) -> PeopleCounts:
            counts = PeopleCounts()
            for age in AGE_GROUPS:
                for sex in SEXES:
                    counts.cells[age][sex] = int(d[age][sex])
            return counts

        def tables(d: dict[str, Any]) -> SiteTables:
            services = {k: v for k, v in d["services"].items() if k not in (NOT_GIVEN, "total")}
            return SiteTables(
                contacts={c: int(d["contacts"][c]) for c in CHANNELS},
                services=[ServiceCount(label, label, int(n)) for label, n in services.items()],
                not_given_services=int(d["services"][NOT_GIVEN]),
                persons=people(d["persons"]),
                new_persons=people(d["new_persons"]),
                anonymous_contacts=int(d.get("anonymous_contacts", 0)),
            )

        period = Period(
            date.fromisoformat(data["period"]["start"]), date.fromisoformat(data["period"]["end"])
        )
        return cls(
            period=period,
            sites=list(data["sites"]),
            by_site={name: tables(data["by_site"][name]) for name in data["sites"]},
            total=tables(data["total"]),
            young_age_limit=young_age_limit,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "sites": list(self.sites),
            "by_site": {name: self.by_site[name].to_json() for name in self.sites},
            "total": self.total.to_json(),
        }
