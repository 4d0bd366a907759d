"""The Excel workbook of the four tables, ready to paste into the activity report.

Sheets: "Informations" (period, sites, who, when, program version, the definitions and the
checks), then "Contacts", "Services", "Personnes concernées", "Nouveaux publics", laid out like
the tables of the 2019 activity report. Percentages are stored as exact values with a
percentage format; totals are bold; headings frozen; each sheet prints on A4 landscape, one
page wide. Other modules may append sheets before saving with
:func:`sarah.exports.files.save_workbook`. With ``mask_small``, counts from 1 to 4 are written
"< 5" and every sheet says so (sarah.exports.small_counts).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from sarah.exports import small_counts
from sarah.exports.cells import put
from sarah.exports.files import save_workbook
from sarah.exports.meta import ExportMeta
from sarah.reports.checks import Check
from sarah.reports.grids import GridRow, TableGrid, definitions, report_grids
from sarah.reports.tables import Report

INFO_SHEET = "Informations"
SHEET_NAMES = {
    "contacts": "Contacts",
    "services": "Services",
    "persons": "Personnes concernées",
    "new_persons": "Nouveaux publics",
    "persons_by_age": "Tranches d'âge",
    "new_persons_by_age": "Nouveaux par tranche d'âge",
    "persons_by_neighbourhood": "Quartiers de résidence",
}
PERCENT_FORMAT = "0 %"
COUNT_FORMAT = "#,##0"

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
SUBTITLE = Font(bold=True, size=12)
NOTE = Font(italic=True, size=9)
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)

FIRST_TABLE_ROW = 3  # row 1: title, row 2: period and sites


def _print_setup(ws: Worksheet, title_rows: str | None = None) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:
        ws.print_title_rows = title_rows


def _value(v: int | float | Fraction | None) -> int | float | None:
    # Excel has no fractions: the nearest binary number (exact to 15 digits) is stored.
    return float(v) if isinstance(v, Fraction) else v


def _write_grouped_headings(ws: Worksheet, grid: TableGrid, row: int) -> None:
    """Two heading rows: the age groups merged over their columns, then the columns."""
    for heading, first, last in grid.groups:
        ws.merge_cells(start_row=row, start_column=first + 2, end_row=row, end_column=last + 2)
        put(ws, row, first + 2, heading)
    ws.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=1)
    for i in grid.total_columns:
        ws.merge_cells(start_row=row, start_column=i + 2, end_row=row + 1, end_column=i + 2)
        put(ws, row, i + 2, grid.headings[i])
    put(ws, row, 1, grid.corner)
    for i, heading in enumerate(grid.headings):
        if i not in grid.total_columns:
            put(ws, row + 1, i + 2, heading)


def _write_headings(ws: Worksheet, grid: TableGrid) -> int:
    """The heading rows at FIRST_TABLE_ROW, bold, shaded and boxed; returns how many."""
    row = FIRST_TABLE_ROW
    if grid.groups:
        _write_grouped_headings(ws, grid, row)
        header_rows = 2
    else:
        put(ws, row, 1, grid.corner)
        for i, heading in enumerate(grid.headings):
            put(ws, row, i + 2, heading)
        header_rows = 1
    for r in range(row, row + header_rows):
        for c in range(1, len(grid.headings) + 2):
            cell = ws.cell(row=r, column=c)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.border = BOX
            cell.alignment = CENTER if c > 1 or grid.groups else LEFT
    return header_rows


def _write_line(
    ws: Worksheet, grid: TableGrid, grid_row: GridRow, row: int, mask_small: bool
) -> None:
    """One line of the table: its label, its numbers; a total line bold and shaded."""
    label = grid_row.label + (" (service retiré)" if grid_row.retired else "")
    head = put(ws, row, 1, label)
    head.alignment = LEFT
    head.border = BOX
    shown = small_counts.grid_values(grid.kinds, grid_row.values, mask_small)
    for i, v in enumerate(shown):
        cell = put(ws, row, i + 2, v if isinstance(v, str) else _value(v))
        cell.border = BOX
        cell.alignment = Alignment(horizontal="right", vertical="center")
        cell.number_format = PERCENT_FORMAT if grid.kinds[i] == "share" else COUNT_FORMAT
        if i in grid.total_columns:
            cell.font = BOLD
    if grid_row.is_total:
        for c in range(1, len(grid.headings) + 2):
            ws.cell(row=row, column=c).font = BOLD
            ws.cell(row=row, column=c).fill = TOTAL_FILL


def _size_columns(ws: Worksheet, grid: TableGrid) -> None:
    """Tables 1 and 2: a wide label column and even numbers; tables 3 and 4: narrow shares."""
    if grid.key in ("contacts", "services"):
        label_width = 42 if grid.key == "contacts" else 78
        ws.column_dimensions["A"].width = label_width
        for c in range(2, len(grid.headings) + 2):
            ws.column_dimensions[get_column_letter(c)].width = 16
        ws.row_dimensions[FIRST_TABLE_ROW].height = 32
    else:
        ws.column_dimensions["A"].width = 22
        for i, kind in enumerate(grid.kinds):
            letter = get_column_letter(i + 2)
            ws.column_dimensions[letter].width = 7 if kind == "share" else 11
        ws.row_dimensions[FIRST_TABLE_ROW + 1].height = 45


def _write_table(ws: Worksheet, grid: TableGrid, report: Report, mask_small: bool) -> int:
    """Write one table; returns the row after it."""
    put(ws, 1, 1, f"{grid.title} — {report.period.text}").font = TITLE
    put(ws, 2, 1, "Sites : " + ", ".join(report.sites)).font = NOTE
    header_rows = _write_headings(ws, grid)
    row = FIRST_TABLE_ROW + header_rows
    for grid_row in grid.rows:
        _write_line(ws, grid, grid_row, row, mask_small)
        row += 1
    # Headings and the label column stay in view while scrolling; printed on every page.
    ws.freeze_panes = ws.cell(row=FIRST_TABLE_ROW + header_rows, column=2).coordinate
    _print_setup(ws, f"{FIRST_TABLE_ROW}:{FIRST_TABLE_ROW + header_rows - 1}")
    _size_columns(ws, grid)
    return row


def _sheet_sums(grid: TableGrid, ws: Worksheet, mask_small: bool) -> bool:
    """Read back the written cells: each total equals the sum of its parts (masked: each cell
    is what the masked table shows, and the table's own numbers add up)."""
    first = FIRST_TABLE_ROW + (2 if grid.groups else 1)
    # The numbers written above (openpyxl types a cell's value as any kind of cell content).
    values: list[list[Any]] = [
        [ws.cell(row=first + r, column=c + 2).value for c in range(len(grid.headings))]
        for r in range(len(grid.rows))
    ]
    if mask_small:
        expected = [
            [v if isinstance(v, str) else _value(v) for v in shown]
            for shown in (small_counts.grid_values(grid.kinds, r.values, True) for r in grid.rows)
        ]
        exact = [[_value(v) for v in r.values] for r in grid.rows]
        return values == expected and _sums_hold(grid, exact)
    return _sums_hold(grid, values)


def _sums_hold(grid: TableGrid, values: list[list[Any]]) -> bool:
    if grid.key in ("contacts", "services"):
        *parts, total = values
        sites = len(grid.headings) - 1
        columns_ok = all(
            sum(int(row[c] or 0) for row in parts) == total[c] for c in range(len(total))
        )
        rows_ok = all(sum(int(v or 0) for v in row[:sites]) == row[sites] for row in values)
        return columns_ok and rows_ok
    counts = [i for i, k in enumerate(grid.kinds) if k == "count"]
    ok = True
    for row in values:
        groups_total = 0
        for _heading, start, end in grid.groups:
            cells = [i for i in counts if start <= i <= end]
            *members, group_total = cells
            ok = ok and sum(int(row[i] or 0) for i in members) == row[group_total]
            groups_total += int(row[group_total] or 0)
        ok = ok and groups_total == row[len(row) - 1]
    return ok


def _facts(report: Report, meta: ExportMeta, mask_small: bool) -> list[tuple[str, str]]:
    """What the file is: period, sites, when, which program, who, and how to read it."""
    facts = [
        ("Période", report.period.text),
        ("Sites", ", ".join(report.sites) or "aucun"),
        ("Date de génération", meta.generated_at.strftime("%d/%m/%Y à %H:%M")),
        ("Version du programme", f"SARAH {meta.program_version}"),
        ("Produit par", meta.produced_by or "non renseigné"),
        ("Âge limite « jeune »", f"moins de {report.young_age_limit} ans"),
    ]
    if meta.figures:
        facts.append(("Chiffres", meta.figures))
    if mask_small:
        facts.append(("Petits effectifs", small_counts.NOTICE + "."))
    return facts


def _write_information(
    ws: Worksheet, report: Report, meta: ExportMeta, checks: list[Check], mask_small: bool
) -> None:
    ws.title = INFO_SHEET
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 110
    put(ws, 1, 1, "Statistiques des Points Relais").font = TITLE
    row = 3
    for word, value in _facts(report, meta, mask_small):
        put(ws, row, 1, word).font = BOLD
        put(ws, row, 2, value).alignment = LEFT
        row += 1

    def section(title: str) -> None:
        nonlocal row
        row += 1
        put(ws, row, 1, title).font = SUBTITLE
        row += 1

    def line(word: str, sentence: str, *, bold_word: bool = True) -> None:
        nonlocal row
        a = put(ws, row, 1, word)
        a.font = BOLD if bold_word else Font()
        a.alignment = TOP_LEFT
        put(ws, row, 2, sentence).alignment = TOP_LEFT
        # Wrapped text: give the row the height of its lines (about 105 characters each).
        lines = max(1, -(-len(sentence) // 105))
        ws.row_dimensions[row].height = 15 * lines
        row += 1

    notes = small_counts.notes(report.notes(), mask_small)
    if notes:
        section("À savoir pour lire ces tableaux")
        for note in notes:
            line("Note", note)
    section("Définitions")
    for word, sentence in definitions(report.young_age_limit):
        line(word, sentence)
    section("Vérifications")
    for check in checks:
        status = "vérifié" if check.passed else f"ÉCHEC ({check.detail})"
        line(status, check.label)
        if not check.passed:
            ws.cell(row=row - 1, column=1).font = Font(bold=True, color="C00000")
    _print_setup(ws)


def build_report_workbook(
    report: Report,
    meta: ExportMeta,
    *,
    mask_small: bool = False,
    extra_tables: Sequence[tuple[TableGrid, list[str]]] = (),
) -> Workbook:
    """The workbook in memory; callers may append sheets, then save it atomically.
    ``extra_tables``: grids laid out like the four (a funder's age bands), with their notes."""
    wb = Workbook()
    info = wb.active
    assert info is not None
    notes = report.table_notes()
    tables = [(grid, notes[grid.key]) for grid in report_grids(report)] + list(extra_tables)
    sheets: list[tuple[TableGrid, Worksheet]] = []
    for grid, grid_notes in tables:
        ws = wb.create_sheet(SHEET_NAMES[grid.key])
        _write_table(ws, grid, report, mask_small)
        sheets.append((grid, ws))
        row = ws.max_row + 2
        for note in [
            *small_counts.notes(grid_notes, mask_small),
            *([small_counts.NOTICE + "."] if mask_small else []),
        ]:
            put(ws, row, 1, note).font = NOTE
            row += 1
        source = f"Source : SARAH {meta.program_version}, {meta.generated_at:%d/%m/%Y %H:%M}"
        put(ws, row, 1, source).font = NOTE
    written = all(_sheet_sums(grid, ws, mask_small) for grid, ws in sheets)
    checks = [
        *report.checks(),
        Check(
            "Classeur : relu après écriture, chaque total des "
            + ("quatre tableaux" if len(sheets) == 4 else f"{len(sheets)} tableaux")
            + " est la somme de ses parties.",
            written,
            "" if written else "un total du classeur diffère de la somme de ses parties",
        ),
    ]
    _write_information(info, report, meta, checks, mask_small)
    return wb


def write_report_xlsx(
    report: Report,
    path: str | os.PathLike[str],
    meta: ExportMeta,
    *,
    mask_small: bool = False,
) -> Path:
    """Build and save the workbook (all or nothing)."""
    return save_workbook(build_report_workbook(report, meta, mask_small=mask_small), path)
