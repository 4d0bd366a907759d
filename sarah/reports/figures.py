"""Everything the Statistiques window shows, gathered for its exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sarah.reports.age_bands import AgeBandTables
from sarah.reports.comparison import Comparison
from sarah.reports.completeness import Completeness
from sarah.reports.grids import TableGrid
from sarah.reports.months import MonthBreakdown
from sarah.reports.neighbourhoods import NeighbourhoodTable
from sarah.reports.publication import (
    ChangesSincePublished,
    Publication,
    current_figures_text,
    published_figures_text,
)
from sarah.reports.ratios import Ratio, ratios_json
from sarah.reports.tables import Report


@dataclass
class Figures:
    """Everything the screen shows, for exports."""

    report: Report
    ratios: list[Ratio]
    months: MonthBreakdown | None = None  # computed after the four tables are shown
    comparison: Comparison | None = None
    completeness: Completeness | None = None
    age_bands: AgeBandTables | None = None  # a funder's age bands (report --profile fse)
    # People by neighbourhood of residence, when the network keeps a list of them.
    neighbourhoods: NeighbourhoodTable | None = None
    # A closed period: its publication, and what changed since for the selected sites;
    # ``as_published``: the figures shown are the published ones, not today's.
    publication: Publication | None = None
    changes: ChangesSincePublished | None = None
    as_published: bool = False

    @property
    def complete(self) -> bool:
        return all(x is not None for x in (self.months, self.comparison, self.completeness))

    @property
    def extra_tables(self) -> list[tuple[TableGrid, list[str]]]:
        """Tables the files add after the four, with each one's notes: a funder's age bands,
        the people by neighbourhood of residence."""
        out: list[tuple[TableGrid, list[str]]] = []
        for extra in (self.age_bands, self.neighbourhoods):
            if extra is not None:
                notes = extra.table_notes()
                out += [(grid, notes.get(grid.key, [])) for grid in extra.grids()]
        return out

    @property
    def figures_text(self) -> str:
        """What an export says of its figures after the word "Chiffres" ("" when the period
        was never closed)."""
        if self.publication is None:
            return ""
        if self.as_published:
            return published_figures_text(self.publication)
        if self.changes is not None:
            return current_figures_text(self.changes)
        return ""

    def to_json(self, with_ratios: bool = False) -> dict[str, Any]:
        """The report's JSON (interfaces.md) with the extensions this figures hold:
        ``months``, ``comparison``, ``ratios`` (when asked), ``published`` and
        ``changes_since_published`` for a closed period."""
        out = self.report.to_json()
        if self.months is not None:
            out["months"] = self.months.to_json()
        if self.comparison is not None:
            out["comparison"] = self.comparison.to_json()
        if self.completeness is not None:
            out["completeness"] = self.completeness.to_json()
        if self.age_bands is not None:
            out["age_bands"] = self.age_bands.to_json()
        if self.neighbourhoods is not None:
            out["neighbourhoods"] = self.neighbourhoods.to_json()
        if with_ratios:
            out["ratios"] = ratios_json(self.ratios, self.report.sites)
        if self.publication is not None:
            out["published"] = self.publication.to_json()
            out["figures"] = "published" if self.as_published else "current"
        if self.changes is not None:
            out["changes_since_published"] = self.changes.to_json()
        return out
