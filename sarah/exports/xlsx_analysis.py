"""Sheets the statistics window appends to the engine's workbook.

"Mois" (contacts and people per month per site), "Comparaison" (same period one year earlier),
"Ratios", and "Graphiques" with native Excel charts (contacts per month per site, service mix per
site, young/adult x sex per site; hatched for black and white printers, see xlsx_charts.py),
their data under them. Numbers are stored as numbers; shares as exact values with a percent
format. With ``mask_small``, counts from 1 to 4 are "< 5", what rests on them "masqué", and
each sheet says so (sarah.exports.small_counts). No Qt here.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from sarah.exports import small_counts
from sarah.exports.cells import put
from sarah.exports.xlsx_charts import (
    MIX_CHART,
    MONTHS_CHART,
    PEOPLE_CHART,
    chart_rows,
    clustered_bars,
    place_chart,
)
from sarah.reports.comparison import SECTION_TITLES, Comparison
from sarah.reports.months import MonthBreakdown
from sarah.reports.ratios import Ratio
from sarah.reports.tables import TOTAL, Period, Report, total_column_heading
from sarah.vocabulary import AGE_GROUPS, SEXES

if TYPE_CHECKING:
    from sarah.exports.meta import ExportMeta

MONTHS_SHEET = "Mois"
COMPARISON_SHEET = "Comparaison"
RATIOS_SHEET = "Ratios"
CHARTS_SHEET = "Graphiques"

PERCENT = "0 %"
CHANGE = "+0 %;−0 %;0 %"
DECIMAL = "0.00"

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
SMALL = Font(italic=True, size=9)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
LOW_FILL = PatternFill("lightGray", fgColor="999999")  # hatched: visible in black and white
THIN = Side(style="thin", color="888888")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")


def sites_text(sites: Sequence[str]) -> str:
    return ", ".join(sites) if sites else "aucun"


def meta_lines(
    meta: ExportMeta, period: Period, sites: Sequence[str], mask_small: bool = False
) -> list[str]:
    """Who produced the figures, when, for which period and sites, with which program (and,
    when they are, that small counts are masked)."""
    return [
        f"Période : {period.text}",
        f"Sites : {sites_text(sites)}",
        f"Produit par : {meta.produced_by or 'non renseigné'}, "
        f"le {meta.generated_at:%d/%m/%Y à %H:%M}, avec SARAH {meta.program_version}",
        *([f"Chiffres {meta.figures}"] if meta.figures else []),
        *([small_counts.NOTICE + "."] if mask_small else []),
    ]


def _head(ws: Worksheet, title: str, lines: list[str]) -> int:
    """Title and provenance lines; returns the next free row."""
    put(ws, 1, 1, title).font = TITLE
    for i, line in enumerate(lines, start=2):
        put(ws, i, 1, line).font = SMALL
    return len(lines) + 3


def _header_cell(ws: Worksheet, row: int, column: int, value: str) -> None:
    cell = put(ws, row, column, value)
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.alignment = WRAP
    cell.border = BOX


def _value_cell(
    ws: Worksheet,
    row: int,
    column: int,
    value: int | float | str | None,
    *,
    bold: bool = False,
    number_format: str | None = None,
) -> None:
    cell = put(ws, row, column, value)
    cell.border = BOX
    if bold:
        cell.font = BOLD
    if number_format:
        cell.number_format = number_format
    if value in (small_counts.MASK, small_counts.MASKED_SHARE):
        cell.alignment = Alignment(horizontal="right")


def _exact(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _print_setup(ws: Worksheet, header_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2).coordinate


# --- sheets -----------------------------------------------------------------------------------


def add_months_sheet(
    wb: Workbook, months: MonthBreakdown, meta: ExportMeta, mask_small: bool = False
) -> Worksheet:
    ws: Worksheet = wb.create_sheet(MONTHS_SHEET)  # typed Any: it may be a write-only sheet
    row = _head(
        ws,
        "Contacts et personnes par mois",
        [
            *meta_lines(meta, months.period, months.sites, mask_small),
            "Personnes : personnes distinctes du mois (contacts anonymes exclus). La ligne "
            "« Période » compte chaque personne une fois sur toute la période.",
            "Hachuré : mois nettement plus calme que d'habitude pour ce site (absence, oubli de "
            "saisie ?).",
        ],
    )
    columns = [*months.sites, TOTAL]
    _header_cell(ws, row, 1, "Mois")
    ws.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=1)
    for i, name in enumerate(columns):
        col = 2 + 2 * i
        _header_cell(
            ws, row, col, total_column_heading(len(months.sites)) if name == TOTAL else name
        )
        ws.cell(row=row, column=col + 1).border = BOX
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + 1)
        _header_cell(ws, row + 1, col, "Contacts")
        _header_cell(ws, row + 1, col + 1, "Personnes")
    note_col = 2 + 2 * len(columns)
    _header_cell(ws, row, note_col, "Remarque")
    ws.merge_cells(start_row=row, start_column=note_col, end_row=row + 1, end_column=note_col)
    header_row = row + 1
    first_data = row + 2
    for j, month in enumerate(months.months):
        r = first_data + j
        _value_cell(ws, r, 1, month.label)
        for i, name in enumerate(columns):
            cell = month.total if name == TOTAL else month.by_site[name]
            col = 2 + 2 * i
            contacts = small_counts.count(cell.contacts, mask_small)
            _value_cell(ws, r, col, contacts, bold=name == TOTAL)
            people = small_counts.count(cell.people, mask_small)
            _value_cell(ws, r, col + 1, people, bold=name == TOTAL)
            if cell.low:
                ws.cell(row=r, column=col).fill = LOW_FILL
        low = [s for s in months.sites if month.by_site[s].low]
        _value_cell(ws, r, note_col, f"activité faible : {', '.join(low)}" if low else None)
    r = first_data + len(months.months)
    _value_cell(ws, r, 1, "Période", bold=True)
    for i, name in enumerate(columns):
        cell = months.period_total if name == TOTAL else months.period_by_site[name]
        _value_cell(ws, r, 2 + 2 * i, small_counts.count(cell.contacts, mask_small), bold=True)
        _value_cell(ws, r, 3 + 2 * i, small_counts.count(cell.people, mask_small), bold=True)
    _value_cell(ws, r, note_col, None)
    ws.column_dimensions["A"].width = 28
    for col in range(2, note_col):
        ws.column_dimensions[get_column_letter(col)].width = 12
    ws.column_dimensions[get_column_letter(note_col)].width = 36
    _print_setup(ws, header_row)
    ws.sheet_properties.tabColor = "1F4E79"
    return ws


def add_comparison_sheet(
    wb: Workbook, comparison: Comparison, meta: ExportMeta, mask_small: bool = False
) -> Worksheet:
    ws: Worksheet = wb.create_sheet(COMPARISON_SHEET)  # typed Any: it may be a write-only sheet
    row = _head(
        ws,
        "Comparaison avec la même période un an plus tôt",
        [
            *meta_lines(meta, comparison.current, comparison.sites, mask_small),
            f"Comparée à : {comparison.previous.text}",
            "Services rapprochés par leur code : un service renommé reste sur sa ligne, un "
            "service retiré garde la sienne. Évolution = (N − N-1) / N-1.",
        ],
    )
    columns = [*comparison.sites, TOTAL]
    prev_label, cur_label = comparison.previous.label, comparison.current.label
    _header_cell(ws, row, 1, "")
    ws.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=1)
    for i, name in enumerate(columns):
        col = 2 + 3 * i
        heading = total_column_heading(len(comparison.sites)) if name == TOTAL else name
        _header_cell(ws, row, col, heading)
        for k in (1, 2):
            ws.cell(row=row, column=col + k).border = BOX
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + 2)
        _header_cell(ws, row + 1, col, prev_label)
        _header_cell(ws, row + 1, col + 1, cur_label)
        _header_cell(ws, row + 1, col + 2, "Évolution")
    note_col = 2 + 3 * len(columns)
    _header_cell(ws, row, note_col, "Remarque")
    ws.merge_cells(start_row=row, start_column=note_col, end_row=row + 1, end_column=note_col)
    header_row = row + 1
    r = row + 2
    section = None
    for line in comparison.rows:
        if line.section != section:
            section = line.section
            put(ws, r, 1, SECTION_TITLES[section]).font = TITLE
            r += 1
        _value_cell(ws, r, 1, line.label, bold=line.bold)
        for i, name in enumerate(columns):
            value = line.values[name]
            col = 2 + 3 * i
            previous = small_counts.count(value.previous, mask_small)
            _value_cell(ws, r, col, previous, bold=line.bold)
            _value_cell(
                ws, r, col + 1, small_counts.count(value.current, mask_small), bold=line.bold
            )
            change = value.change
            if small_counts.change_masked(value, mask_small):
                _value_cell(ws, r, col + 2, small_counts.MASKED_SHARE, bold=line.bold)
            elif change is None:
                _value_cell(ws, r, col + 2, value.change_text, bold=line.bold)
                ws.cell(row=r, column=col + 2).alignment = Alignment(horizontal="right")
            else:
                _value_cell(ws, r, col + 2, float(change), bold=line.bold, number_format=CHANGE)
        _value_cell(ws, r, note_col, line.note or None)
        r += 1
    ws.column_dimensions["A"].width = 60
    for col in range(2, note_col):
        ws.column_dimensions[get_column_letter(col)].width = 13
    ws.column_dimensions[get_column_letter(note_col)].width = 40
    _print_setup(ws, header_row)
    return ws


def add_ratios_sheet(
    wb: Workbook, report: Report, rows: list[Ratio], meta: ExportMeta, mask_small: bool = False
) -> Worksheet:
    ws: Worksheet = wb.create_sheet(RATIOS_SHEET)  # typed Any: it may be a write-only sheet
    lines = meta_lines(meta, report.period, report.sites, mask_small)
    row = _head(ws, "Ratios par site", lines)
    columns = [*report.sites, TOTAL]
    _header_cell(ws, row, 1, "Ratio")
    for i, name in enumerate(columns):
        heading = total_column_heading(len(report.sites)) if name == TOTAL else name
        _header_cell(ws, row, 2 + i, heading)
    _header_cell(ws, row, 2 + len(columns), "Définition")
    for j, ratio in enumerate(rows, start=1):
        r = row + j
        _value_cell(ws, r, 1, ratio.label, bold=True)
        fmt = PERCENT if ratio.kind == "share" else DECIMAL
        for i, name in enumerate(columns):
            value = ratio.values[name]
            if small_counts.ratio_masked(report, ratio.key, name, mask_small):
                _value_cell(ws, r, 2 + i, small_counts.MASKED_SHARE)
            elif value is None:
                _value_cell(ws, r, 2 + i, "—")
            else:
                _value_cell(ws, r, 2 + i, _exact(value), number_format=fmt, bold=name == TOTAL)
        _value_cell(ws, r, 2 + len(columns), ratio.explanation)
        ws.cell(row=r, column=2 + len(columns)).alignment = Alignment(wrap_text=True)
    ws.column_dimensions["A"].width = 34
    for col in range(2, 2 + len(columns)):
        ws.column_dimensions[get_column_letter(col)].width = 16
    ws.column_dimensions[get_column_letter(2 + len(columns))].width = 70
    _print_setup(ws, row)
    return ws


def _data_block(
    ws: Worksheet,
    row: int,
    corner: str,
    headings: Sequence[str],
    lines: Sequence[tuple[str, Sequence[int | float | str]]],
    number_format: str | None = None,
) -> int:
    """A chart's data: a header row of series names, then one labelled line per category;
    returns the block's last row."""
    _header_cell(ws, row, 1, corner)
    for i, heading in enumerate(headings):
        _header_cell(ws, row, 2 + i, heading)
    for j, (label, values) in enumerate(lines, start=1):
        _value_cell(ws, row + j, 1, label)
        for i, value in enumerate(values):
            _value_cell(ws, row + j, 2 + i, value, number_format=number_format)
    return row + len(lines)


def _months_chart(
    ws: Worksheet, months: MonthBreakdown, data_row: int, anchor: int, mask: bool
) -> int:
    """Contacts per month per site; returns the row for the next data block."""
    lines = [
        (m.label, [small_counts.count(m.by_site[name].contacts, mask) for name in months.sites])
        for m in months.months
    ]
    last = _data_block(ws, data_row, "Mois", months.sites, lines)
    chart = clustered_bars(
        ws, "col", "Contacts par mois et par site", data_row, last, len(months.sites)
    )
    chart.y_axis.title = "Contacts"
    place_chart(ws, chart, MONTHS_CHART, anchor)
    return last + 3


def _service_mix_chart(
    ws: Worksheet, report: Report, data_row: int, anchor: int, mask: bool
) -> int:
    """Share of each service in the site's services; returns the row for the next data block."""
    lines: list[tuple[str, list[float | str]]] = [
        (
            label,
            [
                small_counts.MASKED_SHARE
                if small_counts.service_share_masked(report, name, code, mask)
                else report.by_site[name].service_share(code)
                for name in report.sites
            ],
        )
        for code, label in report.service_rows
    ]
    last = _data_block(
        ws, data_row, "Service (part des services du site)", report.sites, lines, PERCENT
    )
    mix = clustered_bars(
        ws, "bar", "Répartition des services par site", data_row, last, len(report.sites)
    )
    mix.x_axis.scaling.orientation = "maxMin"  # catalogue order from the top
    mix.y_axis.number_format = PERCENT
    place_chart(ws, mix, MIX_CHART, anchor)
    return last + 3


AGE_WORDS = {"jeunes": "Jeunes", "adultes": "Adultes", "NR": "Âge n.r."}
SEX_WORDS = {"F": "femmes", "H": "hommes", "NR": "sexe n.r."}


def _people_groups(report: Report) -> list[tuple[str, str]]:
    """The (age group, sex) columns of table 3: the "not given" ones only when not empty."""
    return [
        (age, sex)
        for age in AGE_GROUPS
        for sex in SEXES
        if any(report.by_site[n].persons.cells[age][sex] for n in report.sites)
        or (age != "NR" and sex != "NR")
    ]


def _people_chart(
    ws: Worksheet,
    report: Report,
    groups: list[tuple[str, str]],
    rows: tuple[int, int],  # the data's first row, the chart's anchor
    mask: bool,
) -> None:
    """Young/adult x sex per site (table 3)."""
    data_row, anchor = rows
    headings = [f"{AGE_WORDS[age]} {SEX_WORDS[sex]}" for age, sex in groups]
    lines = [
        (
            name,
            [small_counts.count(report.by_site[name].persons.cells[a][s], mask) for a, s in groups],
        )
        for name in report.sites
    ]
    last = _data_block(ws, data_row, "Site", headings, lines)
    people = clustered_bars(
        ws,
        "col",
        "Personnes concernées : jeunes / adultes et sexe, par site",
        data_row,
        last,
        len(groups),
    )
    people.y_axis.title = "Personnes"
    # The number only: left unset, LibreOffice adds the series and category names to each bar.
    people.dataLabels = DataLabelList(
        showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False
    )
    place_chart(ws, people, PEOPLE_CHART, anchor)


def _print_charts(ws: Worksheet, anchors: list[int]) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1  # the widest data table on the page, however many groups
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.top = ws.page_margins.bottom = 0.5  # inches: the tallest chart fits
    # Printed: each chart after the first, then the data, at the top of a new page.
    for row in anchors[1:]:
        ws.row_breaks.append(Break(id=row - 1))


def add_charts_sheet(
    wb: Workbook,
    report: Report,
    months: MonthBreakdown | None,
    meta: ExportMeta,
    mask_small: bool = False,
) -> Worksheet:
    """Three native charts, their data laid out on the same sheet under them (a masked value
    is text: the chart draws no bar for it)."""
    ws: Worksheet = wb.create_sheet(CHARTS_SHEET)  # typed Any: it may be a write-only sheet
    _head(ws, "Graphiques", meta_lines(meta, report.period, report.sites, mask_small))
    monthly = months if months is not None and months.months else None
    # The charts one under the other, each given the rows its height covers; then the data.
    anchors = chart_rows([*([MONTHS_CHART] if monthly else []), MIX_CHART, PEOPLE_CHART])
    next_anchor = iter(anchors)
    data_row = anchors[-1] + 1
    put(ws, data_row - 1, 1, "Données des graphiques").font = TITLE
    if monthly is not None:
        data_row = _months_chart(ws, monthly, data_row, next(next_anchor), mask_small)
    data_row = _service_mix_chart(ws, report, data_row, next(next_anchor), mask_small)
    groups = _people_groups(report)
    _people_chart(ws, report, groups, (data_row, next(next_anchor)), mask_small)
    ws.column_dimensions["A"].width = 50
    for col in range(2, 2 + max(len(report.sites), len(groups))):
        ws.column_dimensions[get_column_letter(col)].width = 16
    _print_charts(ws, anchors)
    return ws


def add_analysis_sheets(
    wb: Workbook,
    report: Report,
    meta: ExportMeta,
    *,
    months: MonthBreakdown | None = None,
    comparison: Comparison | None = None,
    ratio_rows: list[Ratio] | None = None,
    charts: bool = True,
    mask_small: bool = False,
) -> Workbook:
    """Append the window's sheets to the engine's workbook (same period, sites and meta)."""
    if months is not None:
        add_months_sheet(wb, months, meta, mask_small)
    if comparison is not None:
        add_comparison_sheet(wb, comparison, meta, mask_small)
    if ratio_rows is not None:
        add_ratios_sheet(wb, report, ratio_rows, meta, mask_small)
    if charts:
        add_charts_sheet(wb, report, months, meta, mask_small)
    return wb
