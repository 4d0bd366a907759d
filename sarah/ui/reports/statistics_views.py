"""The tabs of the Statistiques screen and what each shows: the four tables with their checks and
a line on the entries' completeness (a funder's age bands and the people by neighbourhood of
residence under them), the completeness per site and month, the month breakdown, the comparison
with one year earlier, the ratios and the charts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCharts import QChart
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from sarah.reports.age_bands import AgeBandTables
from sarah.reports.comparison import Comparison
from sarah.reports.completeness import Completeness
from sarah.reports.figures import Figures
from sarah.reports.months import MonthBreakdown
from sarah.reports.neighbourhoods import NeighbourhoodTable
from sarah.reports.ratios import Ratio
from sarah.reports.tables import Report
from sarah.ui.reports.charts import chart_view, months_chart, people_chart, services_chart
from sarah.ui.reports.completeness_view import CompletenessView
from sarah.ui.reports.grid_table import GridTable, scroll_area, title_label
from sarah.ui.reports.grids import (
    comparison_grid,
    months_grid,
    ratios_grid,
    report_grids,
    table_grid,
)
from sarah.ui.reports.statistics_bar import GREEN, RED
from sarah.ui.style import SUCCESS_COLOUR, WARNING_COLOUR

TABS = ("Tableaux", "Complétude", "Par mois", "Comparaison", "Ratios", "Graphiques")
REPORT_TABLES = ("contacts", "services", "persons", "new_persons")
AGE_BAND_TABLES = ("persons_by_age", "new_persons_by_age")  # with a funder's profile
NEIGHBOURHOOD_TABLE = "persons_by_neighbourhood"  # when the network keeps a list of them
COMPLETENESS_PENDING = "Complétude des saisies en cours de calcul…"
COMPARISON_NOTE = (
    "Même période un an plus tôt. Les services sont rapprochés par leur code : un service "
    "renommé garde sa ligne, un service retiré aussi."
)
CHART_HEIGHTS = {"months": 360, "services": 760, "people": 380}


def checks_text(report: Report) -> str:
    """The line above the tables: every check passed, or those that failed, in red."""
    checks = report.checks()
    failed = [c for c in checks if not c.passed]
    if failed:
        return (
            f'<span style="color:{RED}"><b>⚠ Totaux incohérents</b> : '
            + " ; ".join(f"{c.label} {c.detail}" for c in failed)
            + "</span>"
        )
    return (
        f'<span style="color:{GREEN}"><b>✓ Totaux vérifiés</b></span> '
        f"({len(checks)} contrôles : chaque total est la somme de ses parties, "
        "pourcentages calculés)"
    )


def notes_text(report: Report) -> str:
    notes = [f"Contacts anonymes (personne non identifiée) : {report.total.anonymous_contacts}."]
    table_notes = report.table_notes()
    notes += table_notes["persons"] + table_notes["new_persons"]
    return "\n".join(notes)


def months_text(months: MonthBreakdown) -> str:
    text = (
        "Contacts et personnes distinctes par mois. La ligne « Période » compte chaque "
        "personne une fois sur toute la période."
    )
    if months.low_months:
        text += " Hachuré : mois nettement plus calme que d'habitude — " + ", ".join(
            f"{site} en {month.label}" for site, month in months.low_months
        )
        text += " (absence, fermeture ou oubli de saisie ?)."
    return text


def _page(*widgets: QWidget) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    for w in widgets:
        layout.addWidget(w)
    return page


class StatisticsTabs(QTabWidget):
    """The five tabs; every table is a GridTable (``tables[key]``) whose numbers open contacts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = title_label("")
        self.checks = QLabel()
        self.checks.setTextFormat(Qt.TextFormat.RichText)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.tables: dict[str, GridTable] = {}
        self.table_titles: dict[str, QLabel] = {}
        self.months_note = QLabel()
        self.months_note.setWordWrap(True)
        self.comparison_note = QLabel(COMPARISON_NOTE)
        self.comparison_note.setWordWrap(True)
        for key in ("months", "comparison", "ratios"):
            self.tables[key] = GridTable(fit_height=False)
        self.chart_views = {key: chart_view(QChart()) for key in CHART_HEIGHTS}
        for key, height in CHART_HEIGHTS.items():
            self.chart_views[key].setMinimumHeight(height)

        # Beside the tables: what is missing from the entries, read before publishing.
        self.completeness = CompletenessView()
        self.completeness_line = QLabel(COMPLETENESS_PENDING)
        self.completeness_line.setTextFormat(Qt.TextFormat.PlainText)
        self.completeness_line.setWordWrap(True)

        self.addTab(scroll_area(self._tables_page()), TABS[0])
        self.addTab(_page(self.completeness), TABS[1])
        self.addTab(_page(self.months_note, self.tables["months"]), TABS[2])
        self.addTab(_page(self.comparison_note, self.tables["comparison"]), TABS[3])
        self.addTab(_page(self.tables["ratios"]), TABS[4])
        self.addTab(scroll_area(self._charts_page()), TABS[5])

    def _tables_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        for w in (self.heading, self.checks, self.completeness_line, self.notes):
            layout.addWidget(w)
        for key in (*REPORT_TABLES, *AGE_BAND_TABLES):
            title = title_label("")
            table = GridTable(fit_height=True)
            self.tables[key], self.table_titles[key] = table, title
            layout.addSpacing(6)
            layout.addWidget(title)
            layout.addWidget(table)
        self.age_bands_note = QLabel()
        self.age_bands_note.setTextFormat(Qt.TextFormat.PlainText)
        self.age_bands_note.setWordWrap(True)
        self.age_bands_note.hide()
        layout.addWidget(self.age_bands_note)
        self._add_neighbourhood_table(layout)
        layout.addStretch(1)
        return page

    def _add_neighbourhood_table(self, layout: QVBoxLayout) -> None:
        """Its title, its grid, the share living in a priority neighbourhood and the notes."""
        key = NEIGHBOURHOOD_TABLE
        self.table_titles[key], self.tables[key] = title_label(""), GridTable(fit_height=True)
        self.neighbourhood_share = QLabel()
        self.neighbourhood_notes = QLabel()
        for label in (self.neighbourhood_share, self.neighbourhood_notes):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            label.hide()
        font = self.neighbourhood_share.font()
        font.setBold(True)
        self.neighbourhood_share.setFont(font)
        layout.addSpacing(6)
        for w in (self.table_titles[key], self.tables[key]):
            layout.addWidget(w)
        layout.addWidget(self.neighbourhood_share)
        layout.addWidget(self.neighbourhood_notes)

    def _charts_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        for view in self.chart_views.values():
            layout.addWidget(view)
        return page

    # --- showing --------------------------------------------------------------------------------

    def clear(self) -> None:
        for table in self.tables.values():
            table.set_grid(None)
        self.heading.clear()
        self.checks.clear()
        self.notes.clear()
        self.completeness_line.clear()
        self.completeness.show_completeness(None)
        self.age_bands_note.hide()
        self.neighbourhood_share.hide()
        self.neighbourhood_notes.hide()
        for key, title in self.table_titles.items():  # no empty frames under stale titles
            title.hide()
            self.tables[key].hide()
        for key in self.chart_views:
            self._set_chart(key, QChart())

    def show_tables(self, report: Report, ratio_rows: list[Ratio]) -> None:
        """The first figures: the four tables, their checks and the ratios."""
        self.heading.setText(report.period.text + " — " + ", ".join(report.sites))
        self.checks.setText(checks_text(report))
        self.checks.setToolTip(
            "\n".join(("✓ " if c.passed else "✗ ") + c.label for c in report.checks())
        )
        self.notes.setText(notes_text(report))
        for grid in report_grids(report):
            self.table_titles[grid.key].setText(grid.title)
            self.tables[grid.key].set_grid(grid)
            self.table_titles[grid.key].show()
            self.tables[grid.key].show()
        self.tables["ratios"].set_grid(ratios_grid(report, ratio_rows))
        for key in ("months", "comparison"):
            self.tables[key].set_grid(None)
        self.months_note.setText("Répartition par mois en cours de calcul…")
        self.completeness_line.setText(COMPLETENESS_PENDING)
        self.completeness_line.setStyleSheet("")
        self.completeness.show_completeness(None)
        self.comparison_note.setText("Comparaison avec l'année précédente en cours de calcul…")

    def show_months(self, months: MonthBreakdown) -> None:
        self.tables["months"].set_grid(months_grid(months))
        self.months_note.setText(months_text(months))

    def show_age_bands(self, tables: AgeBandTables | None, report: Report) -> None:
        """A funder's age bands under the four tables (None: none chosen)."""
        grids = tables.grids() if tables is not None else []
        for key in AGE_BAND_TABLES:
            self.table_titles[key].hide()
            self.tables[key].hide()
            self.tables[key].set_grid(None)
        for grid in grids:
            self.table_titles[grid.key].setText(grid.title)
            self.tables[grid.key].set_grid(table_grid(report, grid))
            self.table_titles[grid.key].show()
            self.tables[grid.key].show()
        notes = tables.table_notes() if tables is not None else {}
        first = next(iter(notes.values()), [])
        self.age_bands_note.setText(" ".join(first))
        self.age_bands_note.setVisible(bool(first))

    def show_neighbourhoods(self, table: NeighbourhoodTable | None, report: Report) -> None:
        """People by neighbourhood under the four tables (None: the network keeps no list)."""
        key = NEIGHBOURHOOD_TABLE
        title, grid_table = self.table_titles[key], self.tables[key]
        for w in (title, grid_table, self.neighbourhood_share, self.neighbourhood_notes):
            w.hide()
        grid_table.set_grid(None)
        if table is None:
            return
        grid = table.grid()
        title.setText(grid.title)
        grid_table.set_grid(table_grid(report, grid))
        share = table.share_sentence()
        self.neighbourhood_share.setText(share)
        notes = " ".join(n for n in table.table_notes()[key] if n != share)
        self.neighbourhood_notes.setText(notes)
        for w in (title, grid_table, self.neighbourhood_share):
            w.show()
        self.neighbourhood_notes.setVisible(bool(notes))

    def show_completeness(self, completeness: Completeness) -> None:
        self.completeness.show_completeness(completeness)
        complete = completeness.complete
        sign = "✓" if complete else "⚠"
        more = "" if complete else " Détail dans l'onglet « Complétude »."
        self.completeness_line.setText(f"{sign} {completeness.summary()}{more}")
        colour = SUCCESS_COLOUR if complete else WARNING_COLOUR
        self.completeness_line.setStyleSheet(f"color: {colour};")

    def show_comparison(self, comparison: Comparison) -> None:
        self.tables["comparison"].set_grid(comparison_grid(comparison))
        self.comparison_note.setText(
            f"{comparison.current.label} comparé à {comparison.previous.label}. Les services "
            "sont rapprochés par leur code : un service renommé garde sa ligne, un service "
            "retiré aussi. « nouveau » : rien l'année précédente."
        )

    def show_charts(self, figures: Figures) -> None:
        months = figures.months
        charts: dict[str, Callable[[], QChart]] = {
            "months": (lambda: months_chart(months)) if months is not None else QChart,
            "services": lambda: services_chart(figures.report),
            "people": lambda: people_chart(figures.report),
        }
        for key, build in charts.items():
            self._set_chart(key, build())

    def _set_chart(self, key: str, chart: QChart) -> None:
        view = self.chart_views[key]
        old = view.chart()
        view.setChart(chart)
        old.deleteLater()
