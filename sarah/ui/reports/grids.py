"""The statistics window's tables as plain grids of cells (no Qt here, so that the window, the
PDF and the tests read the same layout).

A grid is a title, column headings and rows of cells; the first cell of each row is its label.
Each number cell knows the drill-down reference of the figure it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from sarah.reports.comparison import SECTION_TITLES, ComparedValue, Comparison
from sarah.reports.grids import PeopleColumn, TableGrid, people_layout
from sarah.reports.grids import report_grids as engine_grids
from sarah.reports.months import MonthBreakdown
from sarah.reports.neighbourhoods import KEY as NEIGHBOURHOODS_KEY
from sarah.reports.ratios import Ratio, format_decimal
from sarah.reports.tables import TOTAL, Report, percent_text, total_column_heading
from sarah.reports.words import NEW_PERSONS_TITLE, PERSONS_TITLE
from sarah.services.statistics.drilldown import CellRef
from sarah.vocabulary import CHANNELS, NOT_GIVEN

COUNT, SHARE, RATE, CHANGE, TEXT, SECTION = "count", "share", "rate", "change", "text", "section"


@dataclass(frozen=True)
class GridCell:
    value: int | Fraction | str | ComparedValue | None
    kind: str = TEXT
    ref: CellRef | None = None  # what a double-click lists
    bold: bool = False
    flagged: bool = False  # e.g. a month clearly quieter than usual
    tooltip: str = ""

    @property
    def text(self) -> str:
        v = self.value
        if v is None:
            return "—" if self.kind in (RATE, SHARE) else ""
        if self.kind == SHARE:
            assert isinstance(v, Fraction | int)
            return percent_text(Fraction(v))
        if self.kind == RATE:
            assert isinstance(v, Fraction | int)
            return format_decimal(Fraction(v))
        if self.kind == CHANGE:
            assert isinstance(v, ComparedValue)
            return v.change_text
        return str(v)

    @property
    def numeric(self) -> bool:
        return self.kind in (COUNT, SHARE, RATE, CHANGE)


@dataclass
class Grid:
    key: str
    title: str
    headers: list[str]
    rows: list[list[GridCell]]
    # (heading, first column, last column) gathered under one heading (people tables)
    groups: list[tuple[str, int, int]] = field(default_factory=list)

    def texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


def _label(text: str, bold: bool = False) -> GridCell:
    return GridCell(text, TEXT, bold=bold)


def _people_columns(report: Report, key: str) -> list[PeopleColumn]:
    """The same columns as the engine's grid of table 3 or 4 (sarah.reports.grids)."""
    return people_layout(getattr(t, key) for _h, t in report.people_rows).columns


def _ref(report: Report, grid: TableGrid, row: int, column: int) -> CellRef | None:
    """What a double-click on the value ``column`` of ``row`` lists (None for percentages)."""
    n_sites = len(report.sites)
    if grid.key in ("contacts", "services"):
        site = report.sites[column] if column < n_sites else None
        if grid.key == "contacts":
            return CellRef("contacts", site, CHANNELS[row] if row < len(CHANNELS) else "total")
        services = report.total.services
        if row < len(services):
            return CellRef("services", site, services[row].code)
        return CellRef("services", site, "not_given" if row == len(services) else "total")
    site = report.sites[row] if row < n_sites else None
    col = _people_columns(report, grid.key)[column]
    if col.kind == "share":
        return None
    return CellRef(grid.key, site, col.age or "total", col.sex)


TITLES = {
    "contacts": "Tableau 1 — Contacts",
    "services": "Tableau 2 — Services utilisés",
    "persons": f"Tableau 3 — {PERSONS_TITLE}",
    "new_persons": f"Tableau 4 — {NEW_PERSONS_TITLE}",
}


def _headings(grid: TableGrid, drills: bool) -> list[str]:
    """The value columns' headings as the screen's one heading row shows them."""
    headings = list(grid.headings)
    if grid.key == NEIGHBOURHOODS_KEY:
        # Named by the neighbourhood alone ("(QPV)" after a priority one): the group's heading
        # before each name made the table too wide for the screen and the page.
        for _heading, first, last in grid.groups:
            for i in range(first, last - 1):  # before "Ensemble des QPV" and its share
                headings[i] = f"{headings[i]} (QPV)"
    elif not drills:
        # Each count says its group ("18–29 ans Femmes"), as tables 3 and 4's own headings
        # do ("Jeunes Femmes").
        for heading, first, last in grid.groups:
            for i in range(first, last + 1):
                if grid.kinds[i] != "share":
                    headings[i] = f"{heading} {headings[i]}"
    return headings


def table_grid(report: Report, grid: TableGrid) -> Grid:
    """The engine's layout of one of the four tables, with a drill-down reference per number;
    another table laid out the same way (a funder's age bands) keeps its title and opens no
    contacts (the drill-down knows the four tables' cells only)."""
    drills = grid.key in TITLES
    rows = []
    for r, line in enumerate(grid.rows):
        label = line.label + (" (service retiré)" if line.retired else "")
        cells = [_label(label, line.is_total)]
        for c, (kind, value) in enumerate(zip(grid.kinds, line.values, strict=True)):
            bold = line.is_total or kind == "total"
            if kind == "share":
                cells.append(GridCell(value, SHARE, bold=bold))
            else:
                tip = "Contacts sans aucun service enregistré" if label == NOT_GIVEN else ""
                ref = _ref(report, grid, r, c) if drills else None
                cells.append(GridCell(value, COUNT, ref, bold, tooltip=tip))
        rows.append(cells)
    return Grid(
        grid.key,
        TITLES.get(grid.key, grid.title),
        [grid.corner, *_headings(grid, drills)],
        rows,
        [(heading, first + 1, last + 1) for heading, first, last in grid.groups],
    )


def report_grids(report: Report) -> list[Grid]:
    return [table_grid(report, grid) for grid in engine_grids(report)]


def months_grid(months: MonthBreakdown) -> Grid:
    names: list[str | None] = [*months.sites, None]
    heading = total_column_heading(len(months.sites))
    headers = ["Mois"]
    for name in names:
        site = name or heading
        headers += [f"{site}\nContacts", f"{site}\nPersonnes"]
    rows = []
    for month in months.months:
        row = [_label(month.label)]
        for name in names:
            cell = month.total if name is None else month.by_site[name]
            tip = (
                "Nettement moins de contacts par jour que d'habitude pour ce site : "
                "absence, fermeture ou oubli de saisie ?"
                if cell.low
                else ""
            )
            row.append(
                GridCell(
                    cell.contacts,
                    COUNT,
                    CellRef("months_contacts", name, month=month.start),
                    bold=name is None,
                    flagged=cell.low,
                    tooltip=tip,
                )
            )
            row.append(
                GridCell(
                    cell.people,
                    COUNT,
                    CellRef("months_people", name, month=month.start),
                    bold=name is None,
                )
            )
        rows.append(row)
    last = [_label("Période", True)]
    for name in names:
        cell = months.period_total if name is None else months.period_by_site[name]
        last.append(GridCell(cell.contacts, COUNT, CellRef("contacts", name, "total"), bold=True))
        last.append(
            GridCell(
                cell.people,
                COUNT,
                CellRef("persons", name, "total"),
                bold=True,
                tooltip="Personnes distinctes sur toute la période (comme le tableau 3)",
            )
        )
    rows.append(last)
    groups = [(name or heading, 1 + 2 * i, 2 + 2 * i) for i, name in enumerate(names)]
    return Grid("months", "Contacts et personnes par mois", headers, rows, groups)


def comparison_grid(comparison: Comparison) -> Grid:
    names: list[str] = [*comparison.sites, TOTAL]
    heading = total_column_heading(len(comparison.sites))
    headers = [""]
    for name in names:
        site = heading if name == TOTAL else name
        headers += [
            f"{site}\n{comparison.previous.label}",
            f"{site}\n{comparison.current.label}",
            f"{site}\nÉvolution",
        ]
    headers.append("Remarque")
    rows: list[list[GridCell]] = []
    section = None
    width = len(headers)
    for line in comparison.rows:
        if line.section != section:
            section = line.section
            rows.append(
                [GridCell(SECTION_TITLES[section], SECTION, bold=True)]
                + [GridCell(None, SECTION) for _ in range(width - 1)]
            )
        row = [_label(line.label, line.bold)]
        for name in names:
            value = line.values[name]
            row += [
                GridCell(value.previous, COUNT, bold=line.bold),
                GridCell(value.current, COUNT, bold=line.bold),
                GridCell(value, CHANGE, bold=line.bold),
            ]
        row.append(_label(line.note))
        rows.append(row)
    groups = [
        (heading if name == TOTAL else name, 1 + 3 * i, 3 + 3 * i) for i, name in enumerate(names)
    ]
    return Grid(
        "comparison",
        f"Comparaison : {comparison.current.label} et {comparison.previous.label}",
        headers,
        rows,
        groups,
    )


def ratios_grid(report: Report, ratio_rows: list[Ratio]) -> Grid:
    names: list[str] = [*report.sites, TOTAL]
    heading = total_column_heading(len(report.sites))
    headers = ["Ratio", *(heading if n == TOTAL else n for n in names), "Définition"]
    rows = []
    for ratio in ratio_rows:
        kind = SHARE if ratio.kind == "share" else RATE
        rows.append(
            [_label(ratio.label, True)]
            + [GridCell(ratio.values[n], kind, bold=n == TOTAL) for n in names]
            + [_label(ratio.explanation)]
        )
    return Grid("ratios", "Ratios", headers, rows)
