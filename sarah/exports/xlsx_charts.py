"""Native Excel bar charts that stay readable on a black and white printer, and where they sit
on the "Graphiques" sheet.

Each series gets a hatching pattern and a colour, so that a grey printout still tells the series
apart. The charts sit one under the other, each given the rows its height covers. No Qt here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from openpyxl.chart import BarChart, Reference
from openpyxl.drawing.colors import ColorChoice
from openpyxl.drawing.fill import PatternFillProperties
from openpyxl.worksheet.worksheet import Worksheet

# One (pattern, colour) per series: the hatching tells series apart on a grey printout.
Hatching = Literal[
    "solidDmnd", "wdUpDiag", "smCheck", "dkVert", "pct50", "dkHorz", "lgGrid", "dashDnDiag",
    "weave", "pct20",
]  # fmt: skip
SERIES_STYLES: tuple[tuple[Hatching, str], ...] = (
    ("solidDmnd", "1F4E79"),
    ("wdUpDiag", "C55A11"),
    ("smCheck", "548235"),
    ("dkVert", "7030A0"),
    ("pct50", "BF8F00"),
    ("dkHorz", "2E75B6"),
    ("lgGrid", "C00000"),
    ("dashDnDiag", "385723"),
    ("weave", "7F6000"),
    ("pct20", "404040"),
)

# Charts sheet layout, in centimetres (openpyxl's unit for a chart's size) and rows.
CHART_WIDTH_CM = 24
MONTHS_CHART, MIX_CHART, PEOPLE_CHART = 9, 16, 9  # heights
ROW_HEIGHT_CM = 15 / 72 * 2.54  # Excel's default row: 15 points
FIRST_CHART_ROW = 6  # under the title and the provenance lines
CHART_GAP_ROWS = 2


def chart_rows(heights_cm: Sequence[float]) -> list[int]:
    """The row each chart is anchored at, one under the other with a gap, and last the first
    row free under them all."""
    rows = [FIRST_CHART_ROW]
    for height in heights_cm:
        rows.append(rows[-1] + math.ceil(height / ROW_HEIGHT_CM) + CHART_GAP_ROWS)
    return rows


def _style_series(chart: BarChart) -> None:
    # openpyxl 3.1 leaves the axes' "delete" flag unset, which recent Excel reads as hidden.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for i, series in enumerate(chart.series):
        pattern, colour = SERIES_STYLES[i % len(SERIES_STYLES)]
        series.graphicalProperties.pattFill = PatternFillProperties(
            prst=pattern,
            # types-openpyxl says RGBPercent; openpyxl's srgbClr is the hex string.
            fgClr=ColorChoice(srgbClr=colour),  # type: ignore[arg-type]
            bgClr=ColorChoice(srgbClr="FFFFFF"),  # type: ignore[arg-type]
        )
        series.graphicalProperties.line.solidFill = "000000"
        series.graphicalProperties.line.width = 9525  # 0.75 pt outline


def clustered_bars(
    ws: Worksheet, kind: str, title: str, header_row: int, last_row: int, series: int
) -> BarChart:
    """A clustered bar chart over a block: header row of series names, categories in column A."""
    chart = BarChart()
    chart.type = kind  # "col": vertical bars, "bar": horizontal
    chart.grouping = "clustered"
    chart.title = title
    chart.y_axis.majorGridlines = None
    chart.add_data(
        Reference(ws, min_col=2, max_col=1 + series, min_row=header_row, max_row=last_row),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row))
    return chart


def place_chart(ws: Worksheet, chart: BarChart, height_cm: float, row: int) -> None:
    """Hatch the chart's series, give it the sheet's width and its height, anchor it at ``row``."""
    _style_series(chart)
    chart.width, chart.height = CHART_WIDTH_CM, height_cm
    ws.add_chart(chart, f"A{row}")
