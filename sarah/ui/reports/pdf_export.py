"""Printable A4 landscape PDF of the statistics: title, period, sites, who produced it, the four
tables, the month breakdown, the comparison, the ratios and the charts.

Written with Qt's PDF writer from a QTextDocument (page numbers at the foot of each page);
charts are rendered to images first. The PDF is built in memory, then written atomically
(sarah.exports.files): a failure never leaves half a PDF behind.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCharts import QChart
from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSize, QSizeF, QUrl
from PySide6.QtGui import (
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QGraphicsScene

from sarah.exports.files import write_atomically
from sarah.exports.xlsx_analysis import meta_lines
from sarah.reports.comparison import Comparison
from sarah.reports.months import MonthBreakdown
from sarah.reports.ratios import Ratio
from sarah.reports.tables import Report
from sarah.ui.reports.grids import (
    SECTION,
    Grid,
    comparison_grid,
    months_grid,
    ratios_grid,
    report_grids,
)

if TYPE_CHECKING:
    from sarah.exports.meta import ExportMeta

CHART_SIZE = QSize(1600, 800)
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


def render_chart(chart: QChart, size: QSize = CHART_SIZE) -> QImage:
    """The chart drawn on a white image, through a scene of its own (no widget involved)."""
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.setGeometry(QRectF(QPointF(0, 0), QSizeF(size)))
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(image.rect()), chart.geometry())
    painter.end()
    scene.removeItem(chart)
    return image


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
    limit = 19 if grid.key in ("persons", "new_persons") else MAX_PRINTED_COLUMNS
    return "\n".join(_table_html(part) for part in split_grid(grid, limit))


def _table_html(grid: Grid) -> str:
    out = [f"<h2>{html.escape(grid.title)}</h2>"]
    # Few columns: as wide as the figures need; many: the whole page width.
    full_width = len(grid.headers) > 6
    width = ' width="100%"' if full_width else ""
    out.append(f'<table class="grid" cellspacing="0" cellpadding="2"{width}>')
    # Heading rows in <thead>: Qt repeats them at the top of each page the table runs onto.
    out.append("<thead>")
    if grid.groups:
        # Group headings ("Public jeunes", "Public adulte") above their columns.
        cells = ["<th></th>"]
        column = 1
        for group_heading, first, last in grid.groups:
            while column < first:
                cells.append("<th></th>")
                column += 1
            cells.append(f'<th colspan="{last - first + 1}">{html.escape(group_heading)}</th>')
            column = last + 1
        while column < len(grid.headers):
            cells.append("<th></th>")
            column += 1
        out.append("<tr>" + "".join(cells) + "</tr>")
    grouped = {c for _h, first, last in grid.groups for c in range(first, last + 1)}

    def heading(column: int, text: str) -> str:
        if column in grouped:
            text = text.rsplit("\n", 1)[-1]  # the group heading above already names the site
        width = ""
        if full_width:  # Qt honours column widths only when every column has one
            label = LABEL_SHARE.get(grid.key, 20)
            share = label if column == 0 else (100 - label) / (len(grid.headers) - 1)
            width = f' width="{share:.1f}%"'
        return f"<th{width}>{html.escape(text).replace(chr(10), '<br/>')}</th>"

    out.append("<tr>" + "".join(heading(i, h) for i, h in enumerate(grid.headers)) + "</tr>")
    out.append("</thead><tbody>")
    for row in grid.rows:
        cells = []
        for cell in row:
            classes = []
            if cell.numeric:
                classes.append("num")
            if cell.kind == SECTION:
                classes.append("section")
            if cell.flagged:
                classes.append("low")
            text = html.escape(cell.text).replace(" %", "&nbsp;%")
            if cell.bold:
                classes.append("bold")
            if cell.flagged:
                text += " ▼"
            attr = f' class="{" ".join(classes)}"' if classes else ""
            if cell.numeric:
                attr += " nowrap"
            cells.append(f"<td{attr}>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def statistics_html(
    report: Report,
    meta: ExportMeta,
    *,
    months: MonthBreakdown | None,
    comparison: Comparison | None,
    ratio_rows: Sequence[Ratio] | None,
    chart_names: Sequence[str] = (),
) -> str:
    parts = [f"<html><head><style>{STYLE}</style></head><body>"]
    parts.append("<h1>Statistiques des Points Relais</h1>")
    for line in meta_lines(meta, report.period, report.sites):
        parts.append(f'<p class="meta">{html.escape(line)}</p>')
    checks = report.checks()
    failed = [c for c in checks if not c.passed]
    if failed:
        parts.append('<p class="check"><b>Attention : totaux incohérents.</b></p>')
        for c in failed:
            parts.append(f'<p class="check">✗ {html.escape(c.label)} {html.escape(c.detail)}</p>')
    else:
        parts.append(
            f'<p class="check"><b>✓ Totaux vérifiés</b> ({len(checks)} contrôles réussis).</p>'
        )
    for note in report.notes():
        parts.append(f'<p class="check">{html.escape(note)}</p>')
    for grid in report_grids(report):
        if grid.key == "persons":  # the two people tables together on a page
            parts.append('<div style="page-break-before: always;"></div>')
        parts.append(grid_html(grid))
    if months is not None:
        parts.append('<div style="page-break-before: always;"></div>')
        parts.append(grid_html(months_grid(months)))
        if months.low_months:
            parts.append(
                '<p class="check">▼ mois nettement plus calme que d\'habitude pour ce site '
                "(absence, fermeture ou oubli de saisie ?).</p>"
            )
    if ratio_rows is not None:
        grid = ratios_grid(report, list(ratio_rows))
        # Definitions under the table, so that the figures of every site keep their room.
        grid.headers = grid.headers[:-1]
        grid.rows = [row[:-1] for row in grid.rows]
        parts.append(grid_html(grid))
        for ratio in ratio_rows:
            parts.append(
                f'<p class="check"><b>{html.escape(ratio.label)}</b> : '
                f"{html.escape(ratio.explanation)}.</p>"
            )
    if comparison is not None:
        parts.append('<div style="page-break-before: always;"></div>')
        parts.append(grid_html(comparison_grid(comparison)))
        parts.append(
            '<p class="check">Services rapprochés par leur code : un service renommé garde sa '
            "ligne ; un service retiré aussi.</p>"
        )
    for name in chart_names:
        parts.append('<div style="page-break-before: always;"></div>')
        parts.append(f'<p align="center"><img src="{name}" width="{CHART_WIDTH}"/></p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def write_statistics_pdf(
    path: Path,
    report: Report,
    meta: ExportMeta,
    *,
    months: MonthBreakdown | None = None,
    comparison: Comparison | None = None,
    ratio_rows: Sequence[Ratio] | None = None,
    charts: Sequence[tuple[Callable[[], QChart], QSize]] = (),
) -> Path:
    """Write the PDF (GUI thread: charts are drawn with widgets). Raises UserError on disk errors
    (folder missing, disk full, file open elsewhere)."""
    path = Path(path)
    document = QTextDocument()
    # Break lines between words only: a column is never narrower than its longest word.
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    document.setDefaultTextOption(option)
    names = []
    for i, (build, size) in enumerate(charts, start=1):
        name = f"chart{i}.png"
        document.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl(name), render_chart(build(), size)
        )
        names.append(name)
    document.setHtml(
        statistics_html(
            report,
            meta,
            months=months,
            comparison=comparison,
            ratio_rows=ratio_rows,
            chart_names=names,
        )
    )
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(f"Statistiques des Points Relais — {report.period.label}")
    writer.setCreator(f"SARAH {meta.program_version}")
    writer.setResolution(300)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(0, 0, 0, 0),  # print() keeps 2 cm margins and numbers the pages
            QPageLayout.Unit.Millimeter,
        )
    )
    document.print_(writer)
    del writer  # ends the PDF
    data = bytes(buffer.data().data())
    buffer.close()
    # Built in memory, then written in one step: a failure never leaves half a PDF behind.
    return write_atomically(path, lambda fh: fh.write(data))
