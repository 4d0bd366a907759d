"""People by neighbourhood of residence (the city's priority neighbourhoods, "hors QPV"): the
plain data of the table, its grid, notes and JSON.

The people are table 3's (statistics.md, "Neighbourhood of residence"): a site row counts the
distinct people with a live contact of the period at that site, the total row each person once;
each person under the neighbourhood their record holds today (the one kept on their contacts
when their identity was erased), "non renseigné" when none. The share in priority
neighbourhoods is taken among the people whose neighbourhood is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sarah.reports.grids import GridRow, TableGrid
from sarah.reports.tables import Period, percent_text, share, total_row_heading
from sarah.reports.words import PEOPLE_ROW_HEADING, PEOPLE_TOTAL_LABEL, counted_once_note
from sarah.vocabulary import NOT_GIVEN, count_text

TITLE = "Personnes concernées par quartier de résidence"
KEY = "persons_by_neighbourhood"
PRIORITY_TOTAL = "Ensemble des QPV"
PRIORITY_SHARE = "% en QPV"


@dataclass(frozen=True)
class Place:
    """A neighbourhood of the list as the table shows it."""

    key: str  # the neighbourhood's id (hex), the JSON's key
    label: str
    priority: bool
    retired: bool = False


@dataclass
class NeighbourhoodCounts:
    """One row of the table: people by neighbourhood key, and those with none."""

    by_place: dict[str, int]
    not_given: int = 0

    def priority_count(self, places: list[Place]) -> int:
        return sum(self.by_place.get(p.key, 0) for p in places if p.priority)

    def known(self) -> int:
        return sum(self.by_place.values())

    @property
    def total(self) -> int:
        return self.known() + self.not_given

    def priority_share(self, places: list[Place]) -> Fraction | None:
        """Share of the people living in a priority neighbourhood, among those whose
        neighbourhood is known (None when nobody's is)."""
        return share(self.priority_count(places), self.known())


@dataclass
class NeighbourhoodTable:
    period: Period
    sites: list[str]  # selected sites in display order
    places: list[Place]  # the list's order: priority ones, then the others
    by_site: dict[str, NeighbourhoodCounts]
    total: NeighbourhoodCounts  # each person once, whichever selected sites they came to

    def rows(self) -> list[tuple[str, NeighbourhoodCounts]]:
        return [(name, self.by_site[name]) for name in self.sites] + [
            (total_row_heading(len(self.sites)), self.total)
        ]

    def shown_places(self) -> list[Place]:
        """The list's neighbourhoods, but a retired one nobody counted here."""
        return [
            p
            for p in self.places
            if not p.retired or any(r.by_place.get(p.key) for _h, r in self.rows())
        ]

    def grid(self) -> TableGrid:
        places = self.shown_places()
        priority = [p for p in places if p.priority]
        others = [p for p in places if not p.priority]
        headings = [p.label for p in priority] + [PRIORITY_TOTAL, PRIORITY_SHARE]
        headings += [p.label for p in others] + [NOT_GIVEN, PEOPLE_TOTAL_LABEL]
        kinds = ["count"] * len(priority) + ["count", "share"]
        kinds += ["count"] * len(others) + ["count", "total"]
        groups = [("Quartiers prioritaires (QPV)", 0, len(priority) + 1)] if priority else []
        rows = []
        for i, (heading, r) in enumerate(self.rows()):
            values: list[int | Fraction | None] = [r.by_place.get(p.key, 0) for p in priority]
            values += [r.priority_count(places), r.priority_share(places)]
            values += [r.by_place.get(p.key, 0) for p in others]
            values += [r.not_given, r.total]
            rows.append(GridRow(heading, values, i == len(self.sites)))
        return TableGrid(KEY, TITLE, PEOPLE_ROW_HEADING, headings, kinds, rows, groups)

    def grids(self) -> list[TableGrid]:
        return [self.grid()]

    def share_sentence(self) -> str:
        """'62 % des personnes dont le quartier est connu vivent en QPV (412 sur 665) ; quartier
        non renseigné pour 163 personnes.'"""
        t = self.total
        known = t.known()
        if not known:
            return f"Aucune personne n'a de quartier de résidence renseigné ({count_text(t.total)} en tout)."
        qpv = t.priority_count(self.places)
        text = (
            f"{percent_text(t.priority_share(self.places))} des personnes dont le quartier est "
            f"connu vivent dans un quartier prioritaire ({count_text(qpv)} sur {count_text(known)})"
        )
        if t.not_given:
            text += f" ; quartier {NOT_GIVEN.lower()} pour {count_text(t.not_given)} sur {count_text(t.total)}"
        return text + "."

    def table_notes(self) -> dict[str, list[str]]:
        notes = [
            "Chaque personne compte sous le quartier de résidence de sa fiche (celui gardé par "
            "ses contacts si son identité a été effacée) ; « % en QPV » : part des personnes "
            "vivant dans un quartier prioritaire parmi celles dont le quartier est renseigné.",
            self.share_sentence(),
        ]
        gap = sum(r.total for r in self.by_site.values()) - self.total.total
        if gap > 0:
            notes.append(counted_once_note(gap))
        return {KEY: notes}

    def to_json(self) -> dict[str, Any]:
        """The report's ``neighbourhoods`` key (interfaces.md)."""

        def row(r: NeighbourhoodCounts) -> dict[str, Any]:
            shared = r.priority_share(self.places)
            return {
                "by_neighbourhood": {p.key: r.by_place.get(p.key, 0) for p in self.places},
                "not_given": r.not_given,
                "priority": r.priority_count(self.places),
                "priority_share": None if shared is None else round(float(shared), 4),
                "total": r.total,
            }

        return {
            "neighbourhoods": [
                {"id": p.key, "label": p.label, "priority": p.priority, "retired": p.retired}
                for p in self.places
            ],
            "by_site": {name: row(self.by_site[name]) for name in self.sites},
            "total": row(self.total),
        }
