"""The Statistiques screen: choose a period and sites, read the four tables (checked), the month
breakdown, the comparison with one year earlier, the ratios and the charts; export them; double-
click any number to see the contacts behind it.

Figures are computed off the GUI thread (sarah.ui.workers): first the four tables, the months
and the ratios, shown as soon as they are ready; then the same period one year earlier for the
comparison.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCharts import QChart
from PySide6.QtCore import QSize, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import sarah
from sarah.errors import UserError
from sarah.exports.figures import file_stem, write_csv, write_xlsx
from sarah.reports.comparison import Comparison
from sarah.reports.figures import Figures
from sarah.reports.months import MonthBreakdown
from sarah.reports.ratios import Ratio
from sarah.reports.tables import Period, Report
from sarah.services.sites import list_sites
from sarah.services.statistics.drilldown import CellRef
from sarah.services.statistics.figures import compute_comparison, compute_months, compute_tables
from sarah.ui.context import AppContext
from sarah.ui.reports.charts import chart_view, months_chart, people_chart, services_chart
from sarah.ui.reports.drilldown import DrillDownDialog
from sarah.ui.reports.grid_table import GridTable, scroll_area, title_label
from sarah.ui.reports.grids import (
    comparison_grid,
    months_grid,
    ratios_grid,
    report_grids,
)
from sarah.ui.reports.period_picker import PeriodPicker
from sarah.ui.reports.site_picker import SitePicker
from sarah.ui.workers import Worker, run_in_background

log = logging.getLogger(__name__)

GREEN, RED, GREY = "#166534", "#b91c1c", "#4b5563"


class StatisticsScreen(QWidget):
    """The coordinator's screen. Testable alone: ``StatisticsScreen(ctx)``, then ``show()``."""

    tablesShown = Signal()  # noqa: N815 - four tables, months, ratios and charts on screen
    computed = Signal()  # the comparison too
    exported = Signal(str)  # path of the file written
    failed = Signal(str)  # French message shown to the user

    TABS = ("Tableaux", "Par mois", "Comparaison", "Ratios", "Graphiques")

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.figures: Figures | None = None
        self.last_drilldown: DrillDownDialog | None = None
        self._generation = 0
        self._dirty = True
        self._workers: list[Worker] = []  # computations, cancelled when the selection changes
        self._exports: list[Worker] = []  # never cancelled: a file is being written

        # selection
        self.period_picker = PeriodPicker(today=today)
        self.site_picker = SitePicker()
        self.refresh_button = QPushButton("Actualiser")
        self.refresh_button.setToolTip("Recalculer avec les dernières saisies (F5)")
        self.xlsx_button = QPushButton("Excel…")
        self.csv_button = QPushButton("CSV…")
        self.pdf_button = QPushButton("PDF…")
        self.xlsx_button.setToolTip(
            "Classeur Excel : les quatre tableaux, les mois, la comparaison, les ratios et les "
            "graphiques"
        )
        self.csv_button.setToolTip("Les quatre tableaux en CSV (séparateur ;)")
        self.pdf_button.setToolTip("Document PDF A4 paysage à imprimer")
        for b in (self.xlsx_button, self.csv_button, self.pdf_button):
            b.setEnabled(False)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.setToolTip("Arrêter le calcul en cours")
        self.cancel_button.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)

        # tables tab
        self.heading = title_label("")
        self.checks = QLabel()
        self.checks.setTextFormat(Qt.TextFormat.RichText)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.tables: dict[str, GridTable] = {}
        self.table_titles: dict[str, QLabel] = {}
        tables_page = QWidget()
        tables_layout = QVBoxLayout(tables_page)
        for w in (self.heading, self.checks, self.notes):
            tables_layout.addWidget(w)
        for key in ("contacts", "services", "persons", "new_persons"):
            title = title_label("")
            table = GridTable(fit_height=True)
            self.tables[key], self.table_titles[key] = table, title
            tables_layout.addSpacing(6)
            tables_layout.addWidget(title)
            tables_layout.addWidget(table)
        tables_layout.addStretch(1)

        # months, comparison, ratios tabs
        self.months_note = QLabel()
        self.months_note.setWordWrap(True)
        self.tables["months"] = GridTable(fit_height=False)
        self.comparison_note = QLabel(
            "Même période un an plus tôt. Les services sont rapprochés par leur code : un service "
            "renommé garde sa ligne, un service retiré aussi."
        )
        self.comparison_note.setWordWrap(True)
        self.tables["comparison"] = GridTable(fit_height=False)
        self.tables["ratios"] = GridTable(fit_height=False)

        # charts tab
        self.chart_views = {
            "months": chart_view(QChart()),
            "services": chart_view(QChart()),
            "people": chart_view(QChart()),
        }
        self.chart_views["months"].setMinimumHeight(360)
        self.chart_views["services"].setMinimumHeight(760)
        self.chart_views["people"].setMinimumHeight(380)
        charts_page = QWidget()
        charts_layout = QVBoxLayout(charts_page)
        for view in self.chart_views.values():
            charts_layout.addWidget(view)

        self.tabs = QTabWidget()
        self.tabs.addTab(scroll_area(tables_page), self.TABS[0])
        self.tabs.addTab(self._page(self.months_note, self.tables["months"]), self.TABS[1])
        self.tabs.addTab(self._page(self.comparison_note, self.tables["comparison"]), self.TABS[2])
        self.tabs.addTab(self._page(self.tables["ratios"]), self.TABS[3])
        self.tabs.addTab(scroll_area(charts_page), self.TABS[4])

        # layout
        left = QVBoxLayout()
        period_row = QHBoxLayout()
        period_row.addWidget(QLabel("Période :"))
        period_row.addWidget(self.period_picker)
        period_row.addStretch(1)
        left.addLayout(period_row)
        status_row = QHBoxLayout()
        status_row.addWidget(self.progress)
        status_row.addWidget(self.cancel_button)
        status_row.addWidget(self.status, 1)
        left.addLayout(status_row)
        left.addStretch(1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.refresh_button)
        export_row = QHBoxLayout()
        export_row.addWidget(QLabel("Exporter :"))
        for b in (self.xlsx_button, self.csv_button, self.pdf_button):
            export_row.addWidget(b)
        buttons.addLayout(export_row)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.addLayout(left, 1)
        top.addWidget(self.site_picker)
        top.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        # behaviour
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.period_picker.periodChanged.connect(self._selection_changed)
        self.period_picker.periodInvalid.connect(self._period_invalid)
        self.site_picker.sitesChanged.connect(self._selection_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.cancel_button.clicked.connect(self.cancel)
        self.xlsx_button.clicked.connect(lambda: self._ask_and_export("xlsx"))
        self.csv_button.clicked.connect(lambda: self._ask_and_export("csv"))
        self.pdf_button.clicked.connect(lambda: self._ask_and_export("pdf"))
        for table in self.tables.values():
            table.cellOpened.connect(self.open_drilldown)
        refresh = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)

        self.reload_sites()

    @staticmethod
    def _page(*widgets: QWidget) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        for w in widgets:
            layout.addWidget(w)
        return page

    # --- selection ------------------------------------------------------------------------------

    def reload_sites(self) -> None:
        self.site_picker.set_sites([s.name for s in list_sites(self.ctx.engine)])

    def select(self, period: Period | None = None, sites: list[str] | None = None) -> None:
        """Choose a period and/or sites as a user would (recomputes when shown)."""
        if sites is not None:
            self.site_picker.set_selected(sites)
        if period is not None:
            self.period_picker.set_period(period)

    def current_period(self) -> Period | None:
        return self.period_picker.period()

    def current_sites(self) -> list[str]:
        return self.site_picker.selected()

    def _selection_changed(self, *_args: object) -> None:
        # The figures on screen no longer match the selection: nothing to export until the
        # new ones are computed.
        self._set_exports_enabled(False)
        self.mark_stale()

    def _period_invalid(self, _message: str = "") -> None:
        """Reversed dates: no figures of another period on screen, nothing to export."""
        self._debounce.stop()
        self._dirty = False
        self._stop_computing()
        self._clear()
        self._busy(False)
        self._set_exports_enabled(False)
        # The reason is written under the dates by the picker; here, what it means.
        self._show_status("Aucun tableau ni export tant que la période n'est pas valide.", RED)

    def _stop_computing(self) -> None:
        self._generation += 1
        for worker in self._workers:
            worker.cancel()
        self._workers.clear()

    def mark_stale(self) -> None:
        """The selection or the data changed: recompute now if shown, else when shown next."""
        self._dirty = True
        if self.isVisible():
            self._debounce.start()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._dirty:
            self.reload_sites()
            self._debounce.start()

    # --- computing ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Compute the figures of the current selection now (in the background)."""
        self.period_picker.commit()  # a date being typed when F5 is pressed
        self._debounce.stop()
        self._dirty = False
        self._stop_computing()
        period, sites = self.current_period(), self.current_sites()
        self._set_exports_enabled(False)
        if period is None:
            self._period_invalid()
            return
        if not sites:
            self._clear()
            self._show_status("Cochez au moins un site.", RED)
            return
        self._busy(True)
        self._show_status("Calcul en cours…", GREY)
        self._workers.append(
            run_in_background(
                compute_tables,
                self._generation,
                self.ctx.engine,
                period,
                sites,
                self.ctx.settings.young_age_limit,
                on_result=self._on_tables,
                on_error=self._on_error,
                on_progress=self._on_progress,
            )
        )

    def cancel(self) -> None:
        """Stop waiting for the figures being computed (nothing is written, nothing to undo)."""
        self._stop_computing()
        self._clear()
        self._busy(False)
        self._set_exports_enabled(False)
        self._show_status(
            "Calcul annulé. Choisissez une période ou des sites, ou cliquez sur Actualiser.", GREY
        )

    def _busy(self, busy: bool) -> None:
        if busy:
            self.progress.setRange(0, 0)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if not self.cancel_button.isVisible():
            return  # a cancelled computation still reporting
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self._show_status(message, GREY)

    def _on_tables(self, result: tuple[int, Report, list[Ratio]]) -> None:
        generation, report, ratio_rows = result
        if generation != self._generation:
            return  # the selection changed meanwhile
        self.figures = Figures(report, ratio_rows)
        self._show_tables(report)
        self.tables["ratios"].set_grid(ratios_grid(report, ratio_rows))
        self._show_charts()
        for key in ("months", "comparison"):
            self.tables[key].set_grid(None)
        self.months_note.setText("Répartition par mois en cours de calcul…")
        self.comparison_note.setText("Comparaison avec l'année précédente en cours de calcul…")
        self._show_status(
            f"{report.total.contacts_total} contacts sur la période. Mois et comparaison en "
            "cours de calcul…",
            GREY,
        )
        self.progress.setRange(0, 0)
        self.tablesShown.emit()
        # Both at once: the pool has a thread for each, SQLite reads side by side.
        self._workers.append(
            run_in_background(
                compute_months,
                generation,
                self.ctx.engine,
                report.period,
                list(report.sites),
                on_result=self._on_months,
                on_error=self._on_error,
            )
        )
        self._workers.append(
            run_in_background(
                compute_comparison,
                generation,
                self.ctx.engine,
                report,
                self.ctx.settings.young_age_limit,
                on_result=self._on_comparison,
                on_error=self._on_error,
            )
        )

    def _on_months(self, result: tuple[int, MonthBreakdown]) -> None:
        generation, months = result
        if generation != self._generation or self.figures is None:
            return
        self.figures.months = months
        self._show_months(months)
        self._show_charts()
        self._when_complete()

    def _on_comparison(self, result: tuple[int, Comparison]) -> None:
        generation, comparison = result
        if generation != self._generation or self.figures is None:
            return
        self.figures.comparison = comparison
        self.tables["comparison"].set_grid(comparison_grid(comparison))
        self.comparison_note.setText(
            f"{comparison.current.label} comparé à {comparison.previous.label}. Les services "
            "sont rapprochés par leur code : un service renommé garde sa ligne, un service "
            "retiré aussi. « nouveau » : rien l'année précédente."
        )
        self._when_complete()

    def _when_complete(self) -> None:
        if self.figures is None or not self.figures.complete:
            return
        self._busy(False)
        self._show_status(
            f"{self.figures.report.total.contacts_total} contacts sur la période. "
            "Double-cliquez sur un nombre pour voir les contacts correspondants.",
            GREY,
        )
        self._set_exports_enabled(True)
        self.computed.emit()

    def _on_error(self, exc: BaseException) -> None:
        self._busy(False)
        if isinstance(exc, UserError):
            message = exc.message
        else:
            log.error("statistics failed", exc_info=exc)
            message = f"Erreur inattendue pendant le calcul : {exc}"
        self._show_status(message, RED)
        self.failed.emit(message)

    # --- showing --------------------------------------------------------------------------------

    def _show_status(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")

    def _set_exports_enabled(self, enabled: bool) -> None:
        for b in (self.xlsx_button, self.csv_button, self.pdf_button):
            b.setEnabled(enabled)

    def _clear(self) -> None:
        self.figures = None
        for table in self.tables.values():
            table.set_grid(None)
        self.heading.clear()
        self.checks.clear()
        self.notes.clear()
        for key, title in self.table_titles.items():  # no empty frames under stale titles
            title.hide()
            self.tables[key].hide()
        for view in self.chart_views.values():
            old = view.chart()
            view.setChart(QChart())
            old.deleteLater()

    def _show_tables(self, report: Report) -> None:
        self.heading.setText(report.period.text + " — " + ", ".join(report.sites))
        checks = report.checks()
        failed = [c for c in checks if not c.passed]
        if failed:
            self.checks.setText(
                f'<span style="color:{RED}"><b>⚠ Totaux incohérents</b> : '
                + " ; ".join(f"{c.label} {c.detail}" for c in failed)
                + "</span>"
            )
        else:
            self.checks.setText(
                f'<span style="color:{GREEN}"><b>✓ Totaux vérifiés</b></span> '
                f"({len(checks)} contrôles : chaque total est la somme de ses parties, "
                "pourcentages calculés)"
            )
        self.checks.setToolTip("\n".join(("✓ " if c.passed else "✗ ") + c.label for c in checks))
        notes = [
            f"Contacts anonymes (personne non identifiée) : {report.total.anonymous_contacts}."
        ]
        notes += [n for n in report.notes() if "anonyme" not in n]
        self.notes.setText("\n".join(notes))
        for grid in report_grids(report):
            self.table_titles[grid.key].setText(grid.title)
            self.tables[grid.key].set_grid(grid)
            self.table_titles[grid.key].show()
            self.tables[grid.key].show()

    def _show_months(self, months: MonthBreakdown) -> None:
        self.tables["months"].set_grid(months_grid(months))
        low = months.low_months
        text = (
            "Contacts et personnes distinctes par mois. La ligne « Période » compte chaque "
            "personne une fois sur toute la période."
        )
        if low:
            text += " Hachuré : mois nettement plus calme que d'habitude — " + ", ".join(
                f"{site} en {month.label}" for site, month in low
            )
            text += " (absence, fermeture ou oubli de saisie ?)."
        self.months_note.setText(text)

    def print_charts(self) -> list[tuple[Callable[[], QChart], QSize]]:
        """The charts of the current figures and the size each is drawn at for printing."""
        figures = self.figures
        if figures is None:
            return []
        charts: list[tuple[Callable[[], QChart], QSize]] = []
        if figures.months is not None:
            months = figures.months
            charts.append((lambda: months_chart(months), QSize(1600, 800)))
        charts.append((lambda: services_chart(figures.report), QSize(1600, 1000)))
        charts.append((lambda: people_chart(figures.report), QSize(1600, 800)))
        return charts

    def _show_charts(self) -> None:
        figures = self.figures
        if figures is None:
            return
        months = figures.months
        charts: dict[str, Callable[[], QChart]] = {
            "months": (lambda: months_chart(months)) if months is not None else QChart,
            "services": lambda: services_chart(figures.report),
            "people": lambda: people_chart(figures.report),
        }
        for key, build in charts.items():
            view = self.chart_views[key]
            old = view.chart()
            view.setChart(build())
            old.deleteLater()

    # --- drill-down -----------------------------------------------------------------------------

    def open_drilldown(self, cell: CellRef) -> DrillDownDialog | None:
        if self.figures is None:
            return None
        report = self.figures.report
        dialog = DrillDownDialog(
            self.ctx.engine,
            report.period,
            list(report.sites),
            cell,
            young_age_limit=self.ctx.settings.young_age_limit,
            parent=self,
        )
        self.last_drilldown = dialog
        dialog.show()
        return dialog

    # --- exports --------------------------------------------------------------------------------

    def export_meta(self) -> Any:
        from sarah.exports.meta import ExportMeta

        produced_by = self.ctx.settings.agent_name or self.ctx.agent or "non renseigné"
        return ExportMeta(
            produced_by=produced_by,
            generated_at=datetime.now().replace(microsecond=0),
            program_version=sarah.__version__,
        )

    def _ask_and_export(self, kind: str) -> None:
        if self.figures is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        filters = {
            "xlsx": "Classeur Excel (*.xlsx)",
            "csv": "CSV, séparateur point-virgule (*.csv)",
            "pdf": "Document PDF (*.pdf)",
        }
        default = str(Path(folder) / f"{file_stem(self.figures.report)}.{kind}")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Exporter les statistiques", default, filters[kind]
        )
        if not path:
            return
        if not re.search(rf"\.{kind}$", path, re.IGNORECASE):
            path += f".{kind}"
        {"xlsx": self.export_xlsx, "csv": self.export_csv, "pdf": self.export_pdf}[kind](Path(path))

    def export_xlsx(self, path: Path) -> None:
        self._export_in_background(write_xlsx, path, "Classeur Excel")

    def export_csv(self, path: Path) -> None:
        self._export_in_background(write_csv, path, "Fichier CSV")

    def _export_in_background(self, fn: Callable[..., str], path: Path, what: str) -> None:
        if self.figures is None:
            return
        self.progress.setRange(0, 0)
        self.progress.show()
        self._show_status(f"{what} en cours d'écriture…", GREY)
        self._set_exports_enabled(False)
        self._exports.append(
            run_in_background(
                fn,
                Path(path),
                self.figures,
                self.export_meta(),
                on_result=self._on_exported,
                on_error=self._on_export_error,
            )
        )

    def export_pdf(self, path: Path) -> None:
        """PDF on the GUI thread (charts are drawn with widgets); takes a second at most."""
        from sarah.ui.reports.pdf_export import write_statistics_pdf

        if self.figures is None:
            return
        f = self.figures
        try:
            written = write_statistics_pdf(
                Path(path),
                f.report,
                self.export_meta(),
                months=f.months,
                comparison=f.comparison,
                ratio_rows=f.ratios,
                charts=self.print_charts(),
            )
        except UserError as exc:
            self._on_export_error(exc)
            return
        self._on_exported(str(written))

    def _on_exported(self, path: str) -> None:
        self.progress.hide()
        self._set_exports_enabled(True)
        self._show_status(f"Enregistré : {path}", GREEN)
        self.exported.emit(path)

    def _on_export_error(self, exc: BaseException) -> None:
        self.progress.hide()
        self._set_exports_enabled(self.figures is not None)
        if isinstance(exc, UserError):
            message = f"Rien n'a été enregistré : {exc.message}"
        else:
            log.error("export failed", exc_info=exc)
            message = f"Rien n'a été enregistré (erreur inattendue : {exc})."
        self._show_status(message, RED)
        self.failed.emit(message)
