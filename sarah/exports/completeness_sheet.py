"""The completeness of the entries in the exports: the « Complétude » sheet of the workbook and
the same lines for the CSV (docs/statistiques.md, « Complétude des saisies »).

Numbers stay numbers, the share of late entries an exact value with a percent format. A gap
is shaded and also named in words in the last column (« À vérifier »), so it survives a black
and white printer; the weekdays without entries are listed in full. No Qt here.
"""

from __future__ import annotations

from fractions import Fraction

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from sarah.exports.cells import put
from sarah.reports.completeness import (
    COLUMNS,
    TITLE,
    Completeness,
    CompletenessRow,
    cell_text,
    missing_text,
)

SHEET_NAME = "Complétude"
DATES_HEADING = "Dates sans saisie"
CHECK_HEADING = "À vérifier"
NOTHING = "rien à compléter"
PERCENT = "0 %"

BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)
SMALL = Font(italic=True, size=9)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
GAP_FILL = PatternFill("solid", fgColor="FCE4D6")
PERIOD_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="888888")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP_LEFT = Alignment(wrap_text=True, vertical="top", horizontal="left")


def _lines(completeness: Completeness) -> list[str]:
    """What the file says before the table: period, sites, the days judged, what to check."""
    lines = [
        f"Période : {completeness.period.text}",
        f"Sites : {', '.join(completeness.sites) or 'aucun'}",
    ]
    if completeness.period.end >= completeness.judged_before:
        lines.append(
            f"Jours à partir du {completeness.judged_before:%d/%m/%Y} non jugés : ils peuvent "
            "encore être saisis."
        )
    lines.append(completeness.summary())
    lines.extend(completeness.warnings())
    return lines


def _dates(completeness: Completeness, row: CompletenessRow) -> str:
    # Over a period of several years the day alone would be ambiguous.
    several_years = completeness.period.start.year != completeness.period.end.year
    return missing_text(row.gaps, with_year=row.whole_period and several_years)


def _words(row: CompletenessRow) -> str:
    return " ; ".join(row.gaps.gap_phrases(dates=False)) or NOTHING


def _headings() -> list[str]:
    return [*(c.heading for c in COLUMNS), DATES_HEADING, CHECK_HEADING]


def completeness_csv_rows(completeness: Completeness) -> list[list[object]]:
    """The CSV lines (to write with :class:`sarah.exports.cells.SafeCsvWriter`): the title, what
    to check, a blank line, the headings, a line per site and month then per site over the
    period, and the definitions of the columns. Shares read as shown ('12 %')."""
    out: list[list[object]] = [[TITLE]]
    out.extend([line] for line in _lines(completeness))
    out.append([])
    out.append(list(_headings()))
    for row in completeness.rows():
        cells: list[object] = [
            cell_text(c, row) if c.kind == "share" else c.value(row) for c in COLUMNS
        ]
        out.append([*cells, _dates(completeness, row), _words(row)])
    out.append([])
    out.extend([c.heading, c.meaning] for c in COLUMNS)
    return out


def _excel_value(value: str | int | Fraction | None) -> str | int | float | None:
    return float(value) if isinstance(value, Fraction) else value


def _write_row(ws: Worksheet, r: int, completeness: Completeness, row: CompletenessRow) -> None:
    for i, column in enumerate(COLUMNS, start=1):
        value = column.value(row)
        cell = put(ws, r, i, _excel_value(value))
        cell.border = BOX
        if column.kind == "share":
            cell.number_format = PERCENT
        if row.total:
            cell.font = BOLD
        if row.whole_period:
            cell.fill = PERIOD_FILL
        if column.gap and isinstance(value, int) and value > 0:
            cell.fill = GAP_FILL
            cell.font = BOLD
    extra = len(COLUMNS)
    for i, text in ((extra + 1, _dates(completeness, row)), (extra + 2, _words(row))):
        cell = put(ws, r, i, text or None)
        cell.border = BOX
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_completeness_sheet(wb: Workbook, completeness: Completeness) -> Worksheet:
    """Append the « Complétude » sheet to ``wb`` and return it."""
    ws: Worksheet = wb.create_sheet(SHEET_NAME)  # typed Any: it may be a write-only sheet
    put(ws, 1, 1, TITLE).font = TITLE_FONT
    r = 2
    for line in _lines(completeness):
        put(ws, r, 1, line).font = SMALL
        r += 1
    header_row = r + 1
    for i, heading in enumerate(_headings(), start=1):
        cell = put(ws, header_row, i, heading)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        cell.border = BOX
    r = header_row + 1
    for row in completeness.rows():
        _write_row(ws, r, completeness, row)
        r += 1
    r += 1
    put(ws, r, 1, "Définitions").font = BOLD
    last = len(COLUMNS) + 2
    for column in COLUMNS:
        r += 1
        put(ws, r, 1, column.heading).font = BOLD
        put(ws, r, 2, column.meaning).alignment = TOP_LEFT
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=last)
        ws.row_dimensions[r].height = 15 * max(1, -(-len(column.meaning) // 180))
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 22
    for i in range(3, len(COLUMNS) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 12
    for i in (last - 1, last):
        ws.column_dimensions[get_column_letter(i)].width = 40
    ws.row_dimensions[header_row].height = 32
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3).coordinate
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return ws
