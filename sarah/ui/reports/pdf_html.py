"""The statistics as one HTML document for Qt's rich text (sarah.ui.reports.pdf_export prints
it): title, who produced it, the checks, the four tables, the months, the ratios, the comparison,
the completeness of the entries and the charts' images. Plain strings, no Qt object: it can be built on any thread. With
``mask_small`` (publication outside the funders), counts from 1 to 4 read "< 5", what rests on
them "masqué" (sarah.exports.small_counts), and the document says so under its title."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from sarah.exports import small_counts
from sarah.exports.xlsx_analysis import meta_lines
from sarah.reports.comparison import ComparedValue, Comparison
from sarah.reports.completeness import COLUMNS as COMPLETENESS_COLUMNS
from sarah.reports.completeness import Completeness, cell_text
from sarah.reports.grids import TableGrid
from sarah.reports.months import MonthBreakdown
from sarah.reports.neighbourhoods import KEY as NEIGHBOURHOODS_KEY
from sarah.reports.ratios import Ratio
from sarah.reports.tables import TOTAL, Report
from sarah.ui.reports.grids import (
    CHANGE,
    COUNT,
    SECTION,
    SHARE,
    Grid,
    GridCell,
    comparison_grid,
    months_grid,
    ratios_grid,
    report_grids,
    table_grid,
)

if TYPE_CHECKING:
    from sarah.exports.meta import ExportMeta

# Printed width of a chart: A4 landscape less the 2 cm margins QTextDocument.print() keeps.
CHART_WIDTH = 940

STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8pt; color: #000; }
h1 { font-size: 15pt; margin-bottom: 2pt; }
h2 { font-size: 11pt; margin-top: 10pt; margin-bottom: 3pt; }
p.meta { font-size: 8pt; color: #333; margin: 0; }
p.check { font-size: 8pt; margin: 1pt 0; }
table.grid { border-collapse: collapse; }
table.grid td, table.grid th { border: 1px solid #555; padding: 2px 4px; }
table.grid th { background-color: #e5e7eb; font-weight: bold; }
td.num { text-align: right; }
td.section { background-color: #f3f4f6; font-weight: bold; }
td.low { background-color: #d1d5db; }
td.bold { font-weight: bold; }
"""
PAGE_BREAK = '<div style="page-break-before: always;"></div>'
CHARTS_LEFT_OUT = (
    "Graphiques non repris dans ce document : leurs barres laisseraient lire les petits "
    "effectifs masqués."
)

MAX_PRINTED_COLUMNS = 12  # value columns side by side on an A4 landscape page
# Share of a full-width table given to its row labels (service labels are long, months short).
LABEL_SHARE = {
    "contacts": 22,
    "services": 30,
    "persons": 10,
    "new_persons": 10,
    "months": 12,
    "comparison": 26,
    "ratios": 22,
}


def split_grid(grid: Grid, max_columns: int = MAX_PRINTED_COLUMNS) -> list[Grid]:
    """Wide tables (many sites) cut into parts of at most ``max_columns`` value columns, each
    repeating the row labels; a group of columns (a site, an age group) is never cut."""
    blocks: list[tuple[int, int]] = []
    starts = {first: last for _h, first, last in grid.groups}
    column = 1
    while column < len(grid.headers):
        last = starts.get(column, column)
        blocks.append((column, last))
        column = last + 1
    parts: list[list[tuple[int, int]]] = [[]]
    for first, last in blocks:
        used = sum(b - a + 1 for a, b in parts[-1])
        if parts[-1] and used + last - first + 1 > max_columns:
            parts.append([])
        parts[-1].append((first, last))
    if len(parts) == 1:
        return [grid]
    out = []
    for i, part in enumerate(parts):
        columns = [0] + [c for first, last in part for c in range(first, last + 1)]
        position = {c: k for k, c in enumerate(columns)}
        groups = [
            (h, position[first], position[last])
            for h, first, last in grid.groups
            if first in position
        ]
        out.append(
            Grid(
                grid.key,
                grid.title + (f" (suite {i + 1}/{len(parts)})" if i else f" (1/{len(parts)})"),
                [grid.headers[c] for c in columns],
                [[row[c] for c in columns] for row in grid.rows],
                groups,
            )
        )
    return out


def grid_html(grid: Grid) -> str:
    """The grid as an HTML table, cut in several tables when too wide for the page."""
    # The people tables keep their narrow percentage columns together: up to 19 of them.
    people = ("persons", "new_persons", "persons_by_age", "new_persons_by_age")
    limit = 19 if grid.key in people else MAX_PRINTED_COLUMNS
    return "\n".join(_table_html(part) for part in split_grid(grid, limit))


def _table_html(grid: Grid) -> str:
    # Few columns: as wide as the figures need; many: the whole page width.
    full_width = len(grid.headers) > 6
    width = ' width="100%"' if full_width else ""
    return "\n".join(
        [
            f"<h2>{html.escape(grid.title)}</h2>",
            f'<table class="grid" cellspacing="0" cellpadding="2"{width}>',
            # Heading rows in <thead>: Qt repeats them at the top of each page the table runs onto.
            "<thead>",
            *_group_headings_row(grid),
            _headings_row(grid, full_width),
            "</thead><tbody>",
            *("<tr>" + "".join(_cell_html(cell) for cell in row) + "</tr>" for row in grid.rows),
            "</tbody></table>",
        ]
    )


def _group_headings_row(grid: Grid) -> list[str]:
    """Group headings ("Public jeunes", "Public adulte") above their columns, if any."""
    if not grid.groups:
        return []
    empty = "<th></th>"
    cells = [empty]
    column = 1
    for group_heading, first, last in grid.groups:
        cells += [empty] * (first - column)
        cells.append(f'<th colspan="{last - first + 1}">{html.escape(group_heading)}</th>')
        column = last + 1
    cells += [empty] * (len(grid.headers) - column)
    return ["<tr>" + "".join(cells) + "</tr>"]


def _headings_row(grid: Grid, full_width: bool) -> str:
    grouped = {c for _h, first, last in grid.groups for c in range(first, last + 1)}
    label = LABEL_SHARE.get(grid.key, 20)
    cells = []
    for column, heading in enumerate(grid.headers):
        text = heading
        if column in grouped:
            text = text.rsplit("\n", 1)[-1]  # the group heading above already names the site
        width = ""
        if full_width:  # Qt honours column widths only when every column has one
            share = label if column == 0 else (100 - label) / (len(grid.headers) - 1)
            width = f' width="{share:.1f}%"'
        cells.append(f"<th{width}>{html.escape(text).replace(chr(10), '<br/>')}</th>")
    return "<tr>" + "".join(cells) + "</tr>"


def _cell_html(cell: GridCell) -> str:
    classes = [
        name
        for name, wanted in (
            ("num", cell.numeric),
            ("section", cell.kind == SECTION),
            ("low", cell.flagged),
            ("bold", cell.bold),
        )
        if wanted
    ]
    # "54 %" and "< 5" never broken, nor their space dropped.
    text = html.escape(cell.text).replace(" %", "&nbsp;%").replace("&lt; ", "&lt;&nbsp;")
    if cell.flagged:
        text += " ▼"
    attr = f' class="{" ".join(classes)}"' if classes else ""
    if cell.numeric:
        attr += " nowrap"
    return f"<td{attr}>{text}</td>"


def _check(text: str) -> str:
    return f'<p class="check">{text}</p>'


def _masked_cell(cell: GridCell, previous: GridCell | None) -> GridCell:
    """A count of 1 to 4 as "< 5"; a share of such a count, or a change where either year is
    one, as "masqué"."""
    value = cell.value
    if cell.kind == COUNT and small_counts.is_small(value):
        return replace(cell, value=small_counts.MASK, ref=None)
    if cell.kind == SHARE and previous is not None and previous.value == small_counts.MASK:
        return replace(cell, value=small_counts.MASKED_SHARE, kind=COUNT)
    if cell.kind == CHANGE and isinstance(value, ComparedValue):
        if small_counts.change_masked(value, True):
            return replace(cell, value=small_counts.MASKED_SHARE, kind=COUNT)
    return cell


def masked_grid(grid: Grid) -> Grid:
    """The grid as published with small counts masked (the screen keeps the exact figures)."""
    rows = []
    for row in grid.rows:
        out: list[GridCell] = []
        for cell in row:
            out.append(_masked_cell(cell, out[-1] if out else None))
        rows.append(out)
    return Grid(grid.key, grid.title, grid.headers, rows, grid.groups)


def _heading_html(report: Report, meta: ExportMeta, mask_small: bool = False) -> list[str]:
    parts = ["<h1>Statistiques des Points Relais</h1>"]
    lines = meta_lines(meta, report.period, report.sites, mask_small)
    parts += [f'<p class="meta">{html.escape(line)}</p>' for line in lines]
    checks = report.checks()
    failed = [c for c in checks if not c.passed]
    if failed:
        parts.append(_check("<b>Attention : totaux incohérents.</b>"))
        parts += [_check(f"✗ {html.escape(c.label)} {html.escape(c.detail)}") for c in failed]
    else:
        parts.append(_check(f"<b>✓ Totaux vérifiés</b> ({len(checks)} contrôles réussis)."))
    notes = small_counts.notes(report.notes(), mask_small)
    parts += [_check(html.escape(note)) for note in notes]
    return parts


def _report_tables_html(
    report: Report,
    mask_small: bool = False,
    extra_tables: Sequence[tuple[TableGrid, list[str]]] = (),
) -> list[str]:
    """The four tables, then any laid out like them (a funder's age bands) with their notes."""
    parts = []
    for grid in report_grids(report):
        if grid.key == "persons":  # the two people tables together on a page
            parts.append(PAGE_BREAK)
        parts.append(grid_html(masked_grid(grid) if mask_small else grid))
    if extra_tables:
        parts.append(PAGE_BREAK)
    for i, (engine_grid, notes) in enumerate(extra_tables):
        if i and engine_grid.key == NEIGHBOURHOODS_KEY:  # after the age bands: its own page
            parts.append(PAGE_BREAK)
        grid = table_grid(report, engine_grid)
        parts.append(grid_html(masked_grid(grid) if mask_small else grid))
        parts += [_check(html.escape(note)) for note in small_counts.notes(notes, mask_small)]
    return parts


def _months_html(months: MonthBreakdown, mask_small: bool = False) -> list[str]:
    grid = months_grid(months)
    parts = [PAGE_BREAK, grid_html(masked_grid(grid) if mask_small else grid)]
    if months.low_months:
        parts.append(
            _check(
                "▼ mois nettement plus calme que d'habitude pour ce site "
                "(absence, fermeture ou oubli de saisie ?)."
            )
        )
    return parts


def _ratios_html(
    report: Report, ratio_rows: Sequence[Ratio], mask_small: bool = False
) -> list[str]:
    grid = ratios_grid(report, list(ratio_rows))
    # Definitions under the table, so that the figures of every site keep their room.
    grid.headers = grid.headers[:-1]
    grid.rows = [row[:-1] for row in grid.rows]
    if mask_small:
        columns = [*report.sites, TOTAL]
        grid.rows = [
            [row[0]]
            + [
                GridCell(small_counts.MASKED_SHARE, COUNT, bold=cell.bold)
                if small_counts.ratio_masked(report, ratio.key, name, True)
                else cell
                for name, cell in zip(columns, row[1:], strict=True)
            ]
            for ratio, row in zip(ratio_rows, grid.rows, strict=True)
        ]
    return [grid_html(grid)] + [
        _check(f"<b>{html.escape(ratio.label)}</b> : {html.escape(ratio.explanation)}.")
        for ratio in ratio_rows
    ]


def _comparison_html(comparison: Comparison, mask_small: bool = False) -> list[str]:
    grid = comparison_grid(comparison)
    return [
        PAGE_BREAK,
        grid_html(masked_grid(grid) if mask_small else grid),
        _check(
            "Services rapprochés par leur code : un service renommé garde sa "
            "ligne ; un service retiré aussi."
        ),
    ]


def _completeness_html(completeness: Completeness) -> list[str]:
    """The entries' gaps per site and month: a gap marked ⚠ (never colour alone), then the
    sentences to read before publishing."""
    head = "".join(f"<th>{html.escape(c.heading)}</th>" for c in COMPLETENESS_COLUMNS)
    rows = []
    for row in completeness.rows():
        cells = []
        for column in COMPLETENESS_COLUMNS:
            text = html.escape(cell_text(column, row))
            gap = column.gap and bool(column.value(row))
            bold = gap or row.total
            classes = [c for c, on in (("num", column.kind != "text"), ("bold", bold)) if on]
            shown = f"⚠ {text}" if gap else text
            cells.append(f'<td class="{" ".join(classes)}">{shown}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    parts = [
        PAGE_BREAK,
        "<h2>Complétude des saisies</h2>",
        _check(html.escape(completeness.summary())),
        f'<table class="grid" width="100%"><tr>{head}</tr>{"".join(rows)}</table>',
    ]
    parts += [_check(html.escape(sentence)) for sentence in completeness.warnings()]
    return parts


def statistics_html(
    report: Report,
    meta: ExportMeta,
    *,
    months: MonthBreakdown | None,
    comparison: Comparison | None,
    ratio_rows: Sequence[Ratio] | None,
    chart_names: Sequence[str] = (),
    mask_small: bool = False,
    completeness: Completeness | None = None,
    extra_tables: Sequence[tuple[TableGrid, list[str]]] = (),
) -> str:
    """The whole document; ``chart_names`` are the image resources the charts are stored as."""
    parts = [f"<html><head><style>{STYLE}</style></head><body>"]
    parts += _heading_html(report, meta, mask_small)
    parts += _report_tables_html(report, mask_small, extra_tables)
    if months is not None:
        parts += _months_html(months, mask_small)
    if ratio_rows is not None:
        parts += _ratios_html(report, ratio_rows, mask_small)
    if comparison is not None:
        parts += _comparison_html(comparison, mask_small)
    if completeness is not None and not mask_small:  # for the coordinator, not a publication
        parts += _completeness_html(completeness)
    if mask_small:
        parts.append(_check(html.escape(CHARTS_LEFT_OUT)))
    for name in chart_names:
        parts.append(PAGE_BREAK)
        parts.append(f'<p align="center"><img src="{name}" width="{CHART_WIDTH}"/></p>')
    parts.append("</body></html>")
    return "\n".join(parts)
