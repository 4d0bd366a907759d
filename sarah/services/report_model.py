"""The plain data of a semester report: what the statistics engine returns and exports read.

Shapes follow ../docs/statistiques.md and the JSON of the command-line interface. No Qt, no
database here, so that exports, the window and tests all read the same numbers.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from sarah.errors import InvalidInput

AGE_GROUPS = ("jeunes", "adultes", "NR")  # NR: unknown birth date
SEXES = ("F", "H", "NR")  # NR: sex not given
NOT_GIVEN = "Non renseigné"
CHANNELS = ("physique", "telephone")
DEFAULT_YOUNG_AGE_LIMIT = 26

# French words of the tables (the reference report's headings).
CHANNEL_LABELS = {
    "physique": "Nombre d'entretiens Physiques",
    "telephone": "Nombre d'entretiens Téléphoniques",
}
CONTACTS_TITLE = "CONTACTS"
CONTACTS_TOTAL_LABEL = "NOMBRE TOTAL DES CONTACTS"
SERVICES_TITLE = "SERVICES UTILISES"
SERVICES_TOTAL_LABEL = "NOMBRE TOTAL DES SERVICES DELIVRES"
PERSONS_TITLE = "Nombre de personnes concernées"
NEW_PERSONS_TITLE = "Publics nouvellement accueillis"
PEOPLE_ROW_HEADING = "Point Relais"
AGE_WORDS = {"jeunes": "Jeunes", "adultes": "Adultes", "NR": "Âge non renseigné"}
AGE_GROUP_HEADINGS = {
    "jeunes": "Public jeunes",
    "adultes": "Public adulte",
    "NR": "Âge non renseigné",
}
AGE_TOTAL_WORDS = {
    "jeunes": "Total jeunes",
    "adultes": "Total adultes",
    "NR": "Total âge non renseigné",
}
SEX_WORDS = {"F": "Femmes", "H": "Hommes", "NR": "sexe non renseigné"}
PEOPLE_TOTAL_LABEL = "TOTAL tous publics"


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
    """'TOTAL des 2 PR' as in the reference tables."""
    return f"TOTAL des {site_count} PR"


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

    def sex_share(self, age: str, sex: str) -> Fraction | None:
        """Share of ``sex`` within the age group (the '%' next to each count)."""
        return share(self.cells[age][sex], self.group_total(age))

    def group_share(self, age: str) -> Fraction | None:
        """Share of the age group in the row total ('% du total')."""
        return share(self.group_total(age), self.total)

    def add(self, other: PeopleCounts) -> None:
        for age in AGE_GROUPS:
            for sex in SEXES:
                self.cells[age][sex] += other.cells[age][sex]

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

    def notes(self) -> list[str]:
        """French sentences a reader of the tables needs (anonymous contacts, shared people)."""
        out: list[str] = []
        anonymous = self.total.anonymous_contacts
        if anonymous:
            detail = ", ".join(
                f"{name} : {self.by_site[name].anonymous_contacts}" for name in self.sites
            )
            out.append(
                f"{anonymous} contact(s) anonyme(s) (personne non identifiée) : comptés dans les "
                f"contacts et les services, pas dans les personnes ({detail})."
            )
        if self.people_seen_at_several_sites:
            shared = sum(t.persons.total for t in self.by_site.values()) - self.total.persons.total
            out.append(
                "Des personnes sont venues dans plusieurs Points Relais : chacune compte une fois "
                "par site et une seule fois dans la ligne du total, qui est donc plus petite que la "
                f"somme des sites ({shared} de moins)."
            )
        return out

    def checks(self) -> list[Check]:
        """The arithmetic a reader would verify by hand, computed on this report."""
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


# --- checks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One verification of the report, in a French sentence."""

    label: str
    passed: bool
    detail: str = ""


def _all_columns(report: Report) -> list[tuple[str, SiteTables]]:
    return [(name, report.by_site[name]) for name in report.sites] + [("total", report.total)]


def _people_cells_add_up(people: PeopleCounts, expected: int) -> bool:
    return sum(people.cells[a][s] for a in AGE_GROUPS for s in SEXES) == expected


def report_checks(report: Report) -> list[Check]:
    checks: list[Check] = []
    columns = _all_columns(report)
    sites = [report.by_site[name] for name in report.sites]

    def failures(test: Iterable[tuple[str, bool]]) -> str:
        bad = [name for name, ok in test if not ok]
        return "" if not bad else "écart : " + ", ".join(bad)

    def counted(key: str, words: str) -> str:
        """The end of a sentence, when the database counted the same total a second way."""
        return words if any(key in t.controls for _n, t in columns) else ""

    # 1. Contacts: physique + téléphone = total, equal to the contacts counted in the database.
    detail = failures(
        (
            name,
            t.contacts_total == t.contacts["physique"] + t.contacts["telephone"]
            and t.controls.get("contacts", t.contacts_total) == t.contacts_total,
        )
        for name, t in columns
    )
    checks.append(
        Check(
            "Contacts : dans chaque colonne, entretiens physiques + téléphoniques = nombre total "
            "des contacts"
            + counted("contacts", ", recompté d'une seconde façon dans la base")
            + ".",
            not detail,
            detail,
        )
    )
    # 2. Services: service rows + non renseigné = total, equal to a direct count.
    detail = failures(
        (name, t.controls.get("services", t.services_total) == t.services_total)
        for name, t in columns
    )
    checks.append(
        Check(
            "Services : dans chaque colonne, la somme des services et des contacts sans service "
            "(« Non renseigné ») = nombre total des services délivrés"
            + counted("services", ", recompté d'une seconde façon dans la base")
            + ".",
            not detail,
            detail,
        )
    )
    # 3. Total column of tables 1 and 2 = sum of the site columns.
    ok = all(
        report.total.contacts[c] == sum(t.contacts[c] for t in sites) for c in CHANNELS
    ) and report.total.anonymous_contacts == sum(t.anonymous_contacts for t in sites)
    ok = ok and report.total.not_given_services == sum(t.not_given_services for t in sites)
    ok = ok and all(
        s.count == sum(t.service_count(s.code) for t in sites) for s in report.total.services
    )
    ok = ok and all(
        [s.code for s in t.services] == [s.code for s in report.total.services] for t in sites
    )
    checks.append(
        Check(
            "Contacts et services : chaque nombre de la colonne du total = somme des colonnes "
            "des sites.",
            ok,
            "" if ok else "écart dans la colonne du total",
        )
    )
    # 4. People tables: each row total = sum of its parts (= distinct people counted directly
    #    for table 3).
    for key, title in (("persons", "Personnes concernées"), ("new_persons", "Nouveaux publics")):
        direct = counted(key, ", égal au nombre de personnes distinctes compté dans la base")
        detail = failures(
            (
                name,
                _people_cells_add_up(getattr(t, key), getattr(t, key).total)
                and t.controls.get(key, getattr(t, key).total) == getattr(t, key).total,
            )
            for name, t in columns
        )
        checks.append(
            Check(
                f"{title} : dans chaque ligne, femmes + hommes (+ non renseignés) = total du "
                "groupe, et jeunes + adultes (+ âge non renseigné) = total tous publics"
                f"{direct}.",
                not detail,
                detail,
            )
        )
    # 5. Percentages of a group add up to 100 % before rounding.
    ok = True
    for _name, t in columns:
        for people in (t.persons, t.new_persons):
            groups = [people.group_share(a) for a in AGE_GROUPS]
            if people.total and sum(g for g in groups if g is not None) != 1:
                ok = False
            for age in AGE_GROUPS:
                shares = [people.sex_share(age, s) for s in SEXES]
                if people.group_total(age) and sum(x for x in shares if x is not None) != 1:
                    ok = False
    checks.append(
        Check(
            "Pourcentages : dans chaque groupe, les pourcentages font 100 % avant arrondi.",
            ok,
            "" if ok else "somme différente de 100 %",
        )
    )
    # 6. Total row of tables 3 and 4 <= sum of site rows, cell by cell (a person seen at two
    #    sites counts once in the total); table 3 total >= each site row (it is a union).
    for key, title in (("persons", "Personnes concernées"), ("new_persons", "Nouveaux publics")):
        total = getattr(report.total, key)
        ok = all(
            total.cells[a][s] <= sum(getattr(t, key).cells[a][s] for t in sites)
            for a in AGE_GROUPS
            for s in SEXES
        )
        if key == "persons":
            ok = ok and all(t.persons.total <= total.total for t in sites)
        checks.append(
            Check(
                f"{title} : chaque case de la ligne du total (personnes distinctes) est au plus "
                "la somme des sites.",
                ok,
                "" if ok else "écart dans la ligne du total",
            )
        )
    # 7. New people are people concerned: table 4 <= table 3, cell by cell.
    detail = failures((name, t.new_persons.fits_within(t.persons)) for name, t in columns)
    checks.append(
        Check(
            "Nouveaux publics : chaque case est au plus la case correspondante des personnes "
            "concernées.",
            not detail,
            detail,
        )
    )
    return checks


# --- layout of the people tables (3 and 4) ---------------------------------------------------


@dataclass(frozen=True)
class PeopleColumn:
    """One column of table 3 or 4 after the row heading.

    ``kind``: "count" (a number of people), "share" (a fraction shown as a percentage) or
    "total" (the row total). ``age`` is None for the row total; ``sex`` None for the group total.
    """

    heading: str
    kind: str
    age: str | None = None
    sex: str | None = None

    def value(self, people: PeopleCounts) -> int | Fraction | None:
        if self.kind == "total":
            return people.total
        assert self.age is not None
        if self.kind == "count":
            return people.cells[self.age][self.sex] if self.sex else people.group_total(self.age)
        if self.sex:
            return people.sex_share(self.age, self.sex)
        return people.group_share(self.age)


@dataclass(frozen=True)
class PeopleLayout:
    """Columns of a people table, and the age groups they are gathered under (merged headers)."""

    columns: list[PeopleColumn]
    groups: list[tuple[str, int, int]]  # (heading, first column index, last column index)


def people_layout(rows: Iterable[PeopleCounts]) -> PeopleLayout:
    """Columns as in the reference table; "non renseigné" sex or age only when not all zero."""
    rows = list(rows)
    show_nr_sex = any(r.cells[a]["NR"] for r in rows for a in AGE_GROUPS)
    show_nr_age = any(r.group_total("NR") for r in rows)
    sexes = [s for s in SEXES if s != "NR" or show_nr_sex]
    ages = [a for a in AGE_GROUPS if a != "NR" or show_nr_age]
    columns: list[PeopleColumn] = []
    groups: list[tuple[str, int, int]] = []
    for age in ages:
        first = len(columns)
        for sex in sexes:
            columns.append(PeopleColumn(f"{AGE_WORDS[age]} {SEX_WORDS[sex]}", "count", age, sex))
            columns.append(PeopleColumn("%", "share", age, sex))
        columns.append(PeopleColumn(AGE_TOTAL_WORDS[age], "count", age))
        columns.append(PeopleColumn("% du total", "share", age))
        groups.append((AGE_GROUP_HEADINGS[age], first, len(columns) - 1))
    columns.append(PeopleColumn(PEOPLE_TOTAL_LABEL, "total"))
    return PeopleLayout(columns, groups)


# --- the four tables as grids (what exports and screens lay out) -----------------------------


@dataclass(frozen=True)
class GridRow:
    label: str
    values: list[int | Fraction | None]
    is_total: bool = False
    retired: bool = False  # a retired catalogue service (table 2)


@dataclass(frozen=True)
class TableGrid:
    """One table as in the reference report: headings, then rows of counts and shares.

    ``kinds`` gives, for each value column, "count", "share" (a fraction shown as a whole
    percentage) or "total"; ``groups`` the merged headings above the people tables
    (heading, first value column, last value column), empty for tables 1 and 2.
    """

    key: str  # contacts, services, persons, new_persons
    title: str
    corner: str  # heading of the label column
    headings: list[str]
    kinds: list[str]
    rows: list[GridRow]
    groups: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def total_columns(self) -> set[int]:
        return {i for i, k in enumerate(self.kinds) if k == "total"}


def contacts_grid(report: Report) -> TableGrid:
    columns = report.columns
    rows = [GridRow(CHANNEL_LABELS[c], [t.contacts[c] for _h, t in columns]) for c in CHANNELS]
    rows.append(GridRow(CONTACTS_TOTAL_LABEL, [t.contacts_total for _h, t in columns], True))
    kinds = ["count"] * len(report.sites) + ["total"]
    return TableGrid("contacts", "Contacts", CONTACTS_TITLE, [h for h, _t in columns], kinds, rows)


def services_grid(report: Report) -> TableGrid:
    columns = report.columns
    rows = [
        GridRow(s.label, [t.service_count(s.code) for _h, t in columns], retired=s.retired)
        for s in report.total.services
    ]
    rows.append(GridRow(NOT_GIVEN, [t.not_given_services for _h, t in columns]))
    rows.append(GridRow(SERVICES_TOTAL_LABEL, [t.services_total for _h, t in columns], True))
    kinds = ["count"] * len(report.sites) + ["total"]
    return TableGrid("services", "Services", SERVICES_TITLE, [h for h, _t in columns], kinds, rows)


def people_grid(report: Report, key: str) -> TableGrid:
    """Table 3 (``persons``) or 4 (``new_persons``)."""
    people_rows = [(heading, getattr(t, key)) for heading, t in report.people_rows]
    layout = people_layout(p for _h, p in people_rows)
    rows = [
        GridRow(heading, [c.value(p) for c in layout.columns], i == len(people_rows) - 1)
        for i, (heading, p) in enumerate(people_rows)
    ]
    title = PERSONS_TITLE if key == "persons" else NEW_PERSONS_TITLE
    return TableGrid(
        key,
        title,
        PEOPLE_ROW_HEADING,
        [c.heading for c in layout.columns],
        [c.kind for c in layout.columns],
        rows,
        layout.groups,
    )


def report_grids(report: Report) -> list[TableGrid]:
    return [
        contacts_grid(report),
        services_grid(report),
        people_grid(report, "persons"),
        people_grid(report, "new_persons"),
    ]


def definitions(young_age_limit: int = DEFAULT_YOUNG_AGE_LIMIT) -> list[tuple[str, str]]:
    """(word, French sentence) for each definition the tables rest on (docs/statistiques.md)."""
    return [
        (
            "Contact pris en compte",
            "Un contact compte lorsqu'il n'est pas supprimé, que son Point Relais fait partie "
            "des sites choisis et que sa date (celle du calendrier du site) est comprise entre le "
            "premier et le dernier jour de la période, ces deux jours inclus.",
        ),
        (
            "Contacts",
            "Nombre d'entretiens physiques et téléphoniques de chaque site ; la colonne du total "
            "est la somme des sites.",
        ),
        (
            "Services utilisés",
            "Nombre de contacts de la période ayant délivré chaque service (un service compte "
            "au plus une fois par contact) ; « Non renseigné » : contacts sans aucun service. "
            "Tous les services du catalogue figurent, dans son ordre, même à zéro ; un service "
            "retiré n'apparaît que s'il a été délivré pendant la période.",
        ),
        (
            "Personnes concernées",
            "Personnes différentes ayant eu au moins un contact de la période sur le site. Dans "
            "la ligne du total, une personne venue sur plusieurs sites ne compte qu'une fois : "
            "ce total peut donc être plus petit que la somme des sites.",
        ),
        (
            "Jeune / adulte",
            f"« Jeune » : moins de {young_age_limit} ans révolus à la date du contact qui compte, "
            "c'est-à-dire le premier contact de la personne dans la période sur ce site (sur "
            "l'un des sites choisis pour la ligne du total) ; « adulte » sinon ; date de "
            "naissance inconnue : âge non renseigné. Née un 29 février, une personne prend un "
            "an le 1er mars les années non bissextiles.",
        ),
        (
            "Femmes / hommes",
            "Le sexe inscrit aujourd'hui sur la fiche de la personne ; s'il n'est pas indiqué, "
            "la personne est comptée en « sexe non renseigné ».",
        ),
        (
            "Publics nouvellement accueillis",
            "Personnes dont le tout premier contact sur ce site (tout l'historique, contacts "
            "supprimés exclus) a eu lieu pendant la période ; pour la ligne du total, le tout "
            "premier contact sur l'un des sites choisis. Âge à la date de ce premier contact.",
        ),
        (
            "Contacts anonymes",
            "Un contact enregistré sans personne (appel rapide d'une personne qui ne s'est pas "
            "présentée) compte dans les contacts et les services, pas dans les personnes.",
        ),
        (
            "Fiches fusionnées",
            "Deux fiches de la même personne, une fois fusionnées, ne comptent que pour une "
            "personne, et son premier contact est le plus ancien des deux historiques.",
        ),
        (
            "Pourcentages",
            "Calculés par le programme, jamais saisis ; affichés arrondis à l'unité (un demi "
            "point arrondi au-dessus) ; le classeur Excel garde les valeurs exactes.",
        ),
    ]
