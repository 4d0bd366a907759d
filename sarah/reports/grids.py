"""The four tables of a report as grids (what exports and screens lay out), and the definitions
they rest on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from sarah.reports.tables import PeopleCounts, Report
from sarah.reports.words import (
    AGE_GROUP_HEADINGS,
    AGE_TOTAL_WORDS,
    AGE_WORDS,
    CHANNEL_LABELS,
    CONTACTS_TITLE,
    CONTACTS_TOTAL_LABEL,
    DEFAULT_YOUNG_AGE_LIMIT,
    NEW_PERSONS_TITLE,
    PEOPLE_ROW_HEADING,
    PEOPLE_TOTAL_LABEL,
    PERSONS_TITLE,
    SERVICES_TITLE,
    SERVICES_TOTAL_LABEL,
    SEX_WORDS,
)
from sarah.vocabulary import AGE_GROUPS, CHANNELS, NOT_GIVEN, SEXES

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
