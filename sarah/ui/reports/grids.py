"""The statistics window's tables as plain grids of cells (no Qt here, so that the window, the
PDF and the tests read the same layout).

A grid is a title, column headings and rows of cells; the first cell of each row is its label.
Each number cell knows the drill-down reference of the figure it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from sarah.services.analysis import (
    SECTION_TITLES,
    TOTAL,
    CellRef,
    ComparedValue,
    Comparison,
    MonthBreakdown,
    Ratio,
    format_decimal,
)
from sarah.services.report_model import (
    CHANNEL_LABELS,
    CHANNELS,
    CONTACTS_TITLE,
    CONTACTS_TOTAL_LABEL,
    NEW_PERSONS_TITLE,
    NOT_GIVEN,
    PEOPLE_ROW_HEADING,
    PERSONS_TITLE,
    SERVICES_TITLE,
    SERVICES_TOTAL_LABEL,
    Report,
    people_layout,
    percent_text,
    total_column_heading,
)

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


def _columns(report: Report) -> list[tuple[str | None, str]]:
    """(site name or None for the total, heading) of each column of tables 1 and 2."""
    return [(name, name) for name in report.sites] + [
        (None, total_column_heading(len(report.sites)))
    ]


def contacts_grid(report: Report) -> Grid:
    columns = _columns(report)
    rows = []
    for channel in CHANNELS:
        rows.append(
            [_label(CHANNEL_LABELS[channel])]
            + [
                GridCell(
                    (report.by_site[s] if s else report.total).contacts[channel],
                    COUNT,
                    CellRef("contacts", s, channel),
                    bold=s is None,
                )
                for s, _h in columns
            ]
        )
    rows.append(
        [_label(CONTACTS_TOTAL_LABEL, True)]
        + [
            GridCell(
                (report.by_site[s] if s else report.total).contacts_total,
                COUNT,
                CellRef("contacts", s, "total"),
                bold=True,
            )
            for s, _h in columns
        ]
    )
    return Grid(
        "contacts",
        "Tableau 1 — Contacts",
        [CONTACTS_TITLE, *(h for _s, h in columns)],
        rows,
    )


def services_grid(report: Report) -> Grid:
    columns = _columns(report)
    rows = []
    retired = {s.code for s in report.total.services if s.retired}
    for code, label in report.service_rows:
        text = f"{label} (retiré)" if code in retired else label
        rows.append(
            [_label(text)]
            + [
                GridCell(
                    (report.by_site[s] if s else report.total).service_count(code),
                    COUNT,
                    CellRef("services", s, code),
                    bold=s is None,
                )
                for s, _h in columns
            ]
        )
    rows.append(
        [_label(NOT_GIVEN)]
        + [
            GridCell(
                (report.by_site[s] if s else report.total).not_given_services,
                COUNT,
                CellRef("services", s, "not_given"),
                bold=s is None,
                tooltip="Contacts sans aucun service enregistré",
            )
            for s, _h in columns
        ]
    )
    rows.append(
        [_label(SERVICES_TOTAL_LABEL, True)]
        + [
            GridCell(
                (report.by_site[s] if s else report.total).services_total,
                COUNT,
                CellRef("services", s, "total"),
                bold=True,
            )
            for s, _h in columns
        ]
    )
    return Grid(
        "services",
        "Tableau 2 — Services utilisés",
        [SERVICES_TITLE, *(h for _s, h in columns)],
        rows,
    )


def people_grid(report: Report, table: str) -> Grid:
    """Table 3 (``persons``) or 4 (``new_persons``), columns as in the reference report."""
    people_rows = report.people_rows
    layout = people_layout(getattr(t, table) for _h, t in people_rows)
    rows = []
    for i, (heading, tables) in enumerate(people_rows):
        site = report.sites[i] if i < len(report.sites) else None
        is_total = site is None
        people = getattr(tables, table)
        row = [_label(heading, is_total)]
        for col in layout.columns:
            value = col.value(people)
            if col.kind == "share":
                row.append(GridCell(value, SHARE, bold=is_total))
            else:
                ref = CellRef(table, site, col.age or "total", col.sex)
                row.append(GridCell(value, COUNT, ref, bold=is_total or col.kind == "total"))
        rows.append(row)
    title = (
        f"Tableau 3 — {PERSONS_TITLE}" if table == "persons" else f"Tableau 4 — {NEW_PERSONS_TITLE}"
    )
    return Grid(
        table,
        title,
        [PEOPLE_ROW_HEADING, *(c.heading for c in layout.columns)],
        rows,
        [(h, first + 1, last + 1) for h, first, last in layout.groups],
    )


def report_grids(report: Report) -> list[Grid]:
    return [
        contacts_grid(report),
        services_grid(report),
        people_grid(report, "persons"),
        people_grid(report, "new_persons"),
    ]


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
