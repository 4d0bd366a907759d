"""QtCharts of the statistics window: contacts per month per site, service mix per site,
young/adult x sex per site.

Every series has a hatching pattern and a black outline besides its colour, so that the charts
stay readable on a black and white printout.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen

from sarah.reports.months import MonthBreakdown
from sarah.reports.tables import Report
from sarah.vocabulary import AGE_GROUPS, SEXES

_P = Qt.BrushStyle
# (colour, hatching) per series: distinct in colour and in black and white.
SERIES_STYLES = (
    ("#1f4e79", _P.SolidPattern),
    ("#c55a11", _P.BDiagPattern),
    ("#548235", _P.CrossPattern),
    ("#7030a0", _P.Dense4Pattern),
    ("#bf8f00", _P.FDiagPattern),
    ("#2e75b6", _P.HorPattern),
    ("#c00000", _P.DiagCrossPattern),
    ("#385723", _P.VerPattern),
    ("#7f6000", _P.Dense6Pattern),
    ("#404040", _P.Dense2Pattern),
)

MONTH_SHORT = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)

PEOPLE_GROUPS = {
    ("jeunes", "F"): "Jeunes femmes",
    ("jeunes", "H"): "Jeunes hommes",
    ("jeunes", "NR"): "Jeunes, sexe n.r.",
    ("adultes", "F"): "Adultes femmes",
    ("adultes", "H"): "Adultes hommes",
    ("adultes", "NR"): "Adultes, sexe n.r.",
    ("NR", "F"): "Âge n.r., femmes",
    ("NR", "H"): "Âge n.r., hommes",
    ("NR", "NR"): "Âge et sexe n.r.",
}
# Young people: light hatching; adults: dense; women and men: opposite diagonals.
PEOPLE_STYLES = {
    ("jeunes", "F"): ("#c55a11", _P.BDiagPattern),
    ("jeunes", "H"): ("#1f4e79", _P.FDiagPattern),
    ("jeunes", "NR"): ("#7f7f7f", _P.HorPattern),
    ("adultes", "F"): ("#c55a11", _P.SolidPattern),
    ("adultes", "H"): ("#1f4e79", _P.Dense3Pattern),
    ("adultes", "NR"): ("#7f7f7f", _P.CrossPattern),
    ("NR", "F"): ("#7f7f7f", _P.Dense5Pattern),
    ("NR", "H"): ("#7f7f7f", _P.VerPattern),
    ("NR", "NR"): ("#7f7f7f", _P.Dense7Pattern),
}


def _style(bar_set: QBarSet, colour: str, pattern: Qt.BrushStyle) -> None:
    bar_set.setBrush(QBrush(QColor(colour), pattern))
    bar_set.setPen(QPen(QColor("#000000"), 1))
    bar_set.setLabelColor(QColor("#000000"))


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    font = QFont()
    font.setPointSize(11)
    font.setBold(True)
    chart.setTitleFont(font)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setTheme(QChart.ChartTheme.ChartThemeLight)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    return chart


def _value_axis(maximum: float, title: str, *, percent: bool = False) -> QValueAxis:
    axis = QValueAxis()
    axis.setTitleText(title)
    axis.setMin(0)
    axis.setMax(max(1.0, maximum * 1.1))
    axis.setLabelFormat("%.0f %%" if percent else "%.0f")
    axis.applyNiceNumbers()
    axis.setGridLineVisible(True)
    axis.setGridLinePen(QPen(QColor("#d1d5db"), 1, Qt.PenStyle.DashLine))
    return axis


def months_chart(months: MonthBreakdown) -> QChart:
    chart = _chart("Contacts par mois et par site")
    series = QBarSeries()
    top = 0
    for i, name in enumerate(months.sites):
        bar_set = QBarSet(name)
        colour, pattern = SERIES_STYLES[i % len(SERIES_STYLES)]
        _style(bar_set, colour, pattern)
        for m in months.months:
            value = m.by_site[name].contacts
            bar_set.append(value)
            top = max(top, value)
        series.append(bar_set)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    several_years = months.period.start.year != months.period.end.year
    categories.append(
        [
            MONTH_SHORT[m.start.month - 1] + (f" {m.start:%y}" if several_years else "")
            for m in months.months
        ]
    )
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    axis = _value_axis(top, "Contacts")
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis)
    return chart


def services_chart(report: Report, *, short: int = 48) -> QChart:
    """Share of each service in the site's services delivered (so that sites compare)."""
    chart = _chart("Répartition des services par site (% des services délivrés du site)")
    series = QHorizontalBarSeries()
    rows = list(reversed(report.service_rows))  # catalogue order from the top
    top = 0.0
    for i, name in enumerate(report.sites):
        t = report.by_site[name]
        bar_set = QBarSet(name)
        colour, pattern = SERIES_STYLES[i % len(SERIES_STYLES)]
        _style(bar_set, colour, pattern)
        for code, _label in rows:
            value = 100 * t.service_share(code)
            bar_set.append(value)
            top = max(top, value)
        series.append(bar_set)
    series.setBarWidth(0.8)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(
        [label if len(label) <= short else label[: short - 1] + "…" for _c, label in rows]
    )
    small = QFont()
    small.setPointSize(8)
    categories.setLabelsFont(small)
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    axis = _value_axis(top, "% des services du site", percent=True)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis)
    return chart


def people_chart(report: Report) -> QChart:
    chart = _chart("Personnes concernées par site : jeunes / adultes et sexe")
    series = QBarSeries()
    groups = [
        (age, sex)
        for age in AGE_GROUPS
        for sex in SEXES
        if (age != "NR" and sex != "NR")
        or any(report.by_site[n].persons.cells[age][sex] for n in report.sites)
    ]
    top = 0
    for key in groups:
        bar_set = QBarSet(PEOPLE_GROUPS[key])
        _style(bar_set, *PEOPLE_STYLES[key])
        for name in report.sites:
            value = report.by_site[name].persons.cells[key[0]][key[1]]
            bar_set.append(value)
            top = max(top, value)
        series.append(bar_set)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(list(report.sites))
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    axis = _value_axis(top, "Personnes")
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis)
    return chart


def chart_view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    return view
