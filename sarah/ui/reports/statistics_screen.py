"""The Statistiques screen: choose a period and sites, read the four tables (checked), the month
breakdown, the comparison with one year earlier, the ratios and the charts; export them; double-
click any number to see the contacts behind it.

Figures are computed off the GUI thread (sarah.ui.workers): first the four tables, the months
and the ratios, shown as soon as they are ready; then the same period one year earlier for the
comparison; then a funder's age bands and the people by neighbourhood of residence (when the
network keeps a list of neighbourhoods) under the four tables. Exports are written off the GUI
thread too. The bar above (period, sites, buttons,
status) is sarah.ui.reports.statistics_bar; the tabs, sarah.ui.reports.statistics_views.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

from sarah.exports.figures import write_csv, write_docx, write_xlsx
from sarah.reports.age_bands import AgeBandTables
from sarah.reports.comparison import Comparison
from sarah.reports.completeness import Completeness
from sarah.reports.figures import Figures
from sarah.reports.months import MonthBreakdown
from sarah.reports.neighbourhoods import NeighbourhoodTable
from sarah.reports.publication import ChangesSincePublished, Publication
from sarah.reports.ratios import Ratio
from sarah.reports.tables import Period, Report
from sarah.services.sites import list_sites
from sarah.services.statistics.drilldown import CellRef
from sarah.services.statistics.figures import (
    compute_age_bands,
    compute_comparison,
    compute_completeness,
    compute_months,
    compute_neighbourhoods,
    compute_publication,
    compute_tables,
)
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.reports.drilldown import DrillDownDialog
from sarah.ui.reports.publication_bar import PublicationBar
from sarah.ui.reports.statistics_bar import GREEN, GREY, RED, StatisticsBar
from sarah.ui.reports.statistics_exports import ask_export_path, export_meta
from sarah.ui.reports.statistics_views import StatisticsTabs
from sarah.ui.workers import Worker, run_in_background
from sarah.vocabulary import count_of

if TYPE_CHECKING:
    from sarah.exports.meta import ExportMeta


class StatisticsScreen(QWidget):
    """The coordinator's screen. Testable alone: ``StatisticsScreen(ctx)``, then ``show()``."""

    tablesShown = Signal()  # noqa: N815 - four tables, months, ratios and charts on screen
    computed = Signal()  # the comparison too
    exported = Signal(str)  # path of the file written
    failed = Signal(str)  # French message shown to the user

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

        self._publication_checked = False
        self.today = today
        self.bar = StatisticsBar(today=today)
        self.publication_bar = PublicationBar(ctx, today=today)
        self.tabs = StatisticsTabs()
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.publication_bar)
        layout.addWidget(self.tabs, 1)
        # What tests and the window reach directly.
        self.period_picker, self.site_picker = self.bar.period_picker, self.bar.site_picker
        self.refresh_button, self.cancel_button = self.bar.refresh_button, self.bar.cancel_button
        self.xlsx_button = self.bar.export_buttons["xlsx"]
        self.csv_button = self.bar.export_buttons["csv"]
        self.pdf_button = self.bar.export_buttons["pdf"]
        self.docx_button = self.bar.export_buttons["docx"]
        self.progress, self.status = self.bar.progress, self.bar.status
        self.tables, self.table_titles = self.tabs.tables, self.tabs.table_titles
        self.heading, self.checks, self.notes = self.tabs.heading, self.tabs.checks, self.tabs.notes
        self.chart_views = self.tabs.chart_views

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._connect()
        self.reload_sites()

    def _connect(self) -> None:
        self._debounce.timeout.connect(self.refresh)
        self.period_picker.periodChanged.connect(self._selection_changed)
        self.period_picker.periodInvalid.connect(self._period_invalid)
        self.site_picker.sitesChanged.connect(self._selection_changed)
        self.bar.age_profile.currentIndexChanged.connect(self._selection_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self.cancel_button.clicked.connect(self.cancel)
        for kind, button in self.bar.export_buttons.items():
            button.clicked.connect(lambda _checked=False, kind=kind: self._ask_and_export(kind))
        for table in self.tables.values():
            table.cellOpened.connect(self.open_drilldown)
        self.publication_bar.changesRequested.connect(
            lambda: self.open_drilldown(CellRef("changes"))
        )
        self.publication_bar.writing.connect(self.bar.show_writing)
        self.publication_bar.written.connect(self._on_closing_done)
        self.publication_bar.writeFailed.connect(self._on_export_error)
        refresh = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)

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
        self.bar.set_exports_enabled(False)
        self.mark_stale()

    def _period_invalid(self, _message: str = "") -> None:
        """Reversed dates: no figures of another period on screen, nothing to export."""
        self._debounce.stop()
        self._dirty = False
        self._stop_computing()
        self._clear()
        self.bar.set_busy(False)
        self.bar.set_exports_enabled(False)
        # The reason is written under the dates by the picker; here, what it means.
        self.bar.show_status("Aucun tableau ni export tant que la période n'est pas valide.", RED)

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
        self.bar.set_exports_enabled(False)
        if period is None:
            self._period_invalid()
            return
        if not sites:
            self._clear()
            self.bar.show_status("Cochez au moins un site.", RED)
            return
        self.bar.set_busy(True)
        self.bar.show_status("Calcul en cours…", GREY)
        self._compute(
            compute_tables,
            self._generation,
            self.ctx.engine,
            period,
            sites,
            self.ctx.settings.young_age_limit,
            on_result=self._on_tables,
            on_progress=self._on_progress,
        )

    def _compute(self, task: Callable[..., Any], *args: Any, **callbacks: Any) -> None:
        """One computation in the background, cancelled if the selection changes."""
        self._workers.append(run_in_background(task, *args, on_error=self._on_error, **callbacks))

    def cancel(self) -> None:
        """Stop waiting for the figures being computed (nothing is written, nothing to undo)."""
        self._stop_computing()
        self._clear()
        self.bar.set_busy(False)
        self.bar.set_exports_enabled(False)
        self.bar.show_status(
            "Calcul annulé. Choisissez une période ou des sites, ou cliquez sur Actualiser.", GREY
        )

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if not self.cancel_button.isVisible():
            return  # a cancelled computation still reporting
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.bar.show_status(message, GREY)

    def _on_tables(self, result: tuple[int, Report, list[Ratio]]) -> None:
        generation, report, ratio_rows = result
        if generation != self._generation:
            return  # the selection changed meanwhile
        self.figures = Figures(report, ratio_rows)
        profile = self.bar.profile()
        # Exports wait for these: a file has every table the screen shows.
        self._pending = {"publication", "neighbourhoods", *(("age_bands",) if profile else ())}
        self.tabs.show_tables(report, ratio_rows)
        self.tabs.show_charts(self.figures)
        self.bar.show_status(
            f"{count_of(report.total.contacts_total, 'contact')} sur la période. Mois et comparaison en "
            "cours de calcul…",
            GREY,
        )
        self.progress.setRange(0, 0)
        self.tablesShown.emit()
        # Both at once: the pool has a thread for each, SQLite reads side by side.
        engine, sites = self.ctx.engine, list(report.sites)
        self._compute(
            compute_months, generation, engine, report.period, sites, on_result=self._on_months
        )
        young = self.ctx.settings.young_age_limit
        self._compute(
            compute_comparison, generation, engine, report, young, on_result=self._on_comparison
        )
        self._compute(
            compute_completeness,
            generation,
            engine,
            report.period,
            sites,
            self.today,
            on_result=self._on_completeness,
        )
        self._compute_extra_tables(generation, report, profile)
        self._compute(
            compute_publication,
            generation,
            engine,
            report.period,
            sites,
            on_result=self._on_publication,
        )

    def _compute_extra_tables(self, generation: int, report: Report, profile: str | None) -> None:
        """The tables under the four: a funder's age bands, the people by neighbourhood."""
        common = (generation, self.ctx.engine, report.period, list(report.sites))
        self.tabs.show_age_bands(None, report)
        self.tabs.show_neighbourhoods(None, report)
        if profile:
            self._compute(compute_age_bands, *common, profile, on_result=self._on_age_bands)
        self._compute(compute_neighbourhoods, *common, on_result=self._on_neighbourhoods)

    def _on_months(self, result: tuple[int, MonthBreakdown]) -> None:
        generation, months = result
        if generation != self._generation or self.figures is None:
            return
        self.figures.months = months
        self.tabs.show_months(months)
        self.tabs.show_charts(self.figures)
        self._when_complete()

    def _on_age_bands(self, result: tuple[int, AgeBandTables]) -> None:
        generation, tables = result
        if generation != self._generation or self.figures is None:
            return
        self.figures.age_bands = tables
        self._pending.discard("age_bands")
        self.tabs.show_age_bands(tables, self.figures.report)
        self._when_complete()

    def _on_neighbourhoods(self, result: tuple[int, NeighbourhoodTable | None]) -> None:
        generation, table = result
        if generation != self._generation or self.figures is None:
            return
        self.figures.neighbourhoods = table  # None: no list kept, no table in the files either
        self._pending.discard("neighbourhoods")
        self.tabs.show_neighbourhoods(table, self.figures.report)
        self._when_complete()

    def _on_completeness(self, result: tuple[int, Completeness]) -> None:
        generation, completeness = result
        if generation != self._generation or self.figures is None:
            return
        self.figures.completeness = completeness
        self.tabs.show_completeness(completeness)
        self._when_complete()

    def _on_comparison(self, result: tuple[int, Comparison]) -> None:
        generation, comparison = result
        if generation != self._generation or self.figures is None:
            return
        self.figures.comparison = comparison
        self.tabs.show_comparison(comparison)
        self._when_complete()

    def _on_publication(
        self, result: tuple[int, Publication | None, ChangesSincePublished | None]
    ) -> None:
        generation, publication, changes = result
        if generation != self._generation or self.figures is None:
            return
        self.figures.publication, self.figures.changes = publication, changes
        self._pending.discard("publication")
        self.publication_bar.show_figures(self.figures)
        self._when_complete()

    def _when_complete(self) -> None:
        if self.figures is None or not self.figures.complete or self._pending:
            return
        self.bar.set_busy(False)
        self.bar.show_status(
            f"{count_of(self.figures.report.total.contacts_total, 'contact')} sur la période. "
            "Double-cliquez sur un nombre pour voir les contacts correspondants.",
            GREY,
        )
        self.bar.set_exports_enabled(True)
        self.computed.emit()

    def _on_error(self, exc: BaseException) -> None:
        self.bar.set_busy(False)
        message = failure_text("Calcul impossible", exc, self)
        self.bar.show_status(message, RED)
        self.failed.emit(message)

    def _clear(self) -> None:
        self.figures = None
        self.publication_bar.clear()
        self.tabs.clear()

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
            role=self.ctx.role,
            read_only=self.ctx.read_only,
            make_meta=self._meta,
            parent=self,
        )
        self.last_drilldown = dialog
        dialog.show()
        return dialog

    # --- exports --------------------------------------------------------------------------------

    def _ask_and_export(self, kind: str) -> None:
        if self.figures is None:
            return
        path = ask_export_path(self, self.figures.report, kind)
        if path is not None:
            exports = {
                "xlsx": self.export_xlsx,
                "csv": self.export_csv,
                "pdf": self.export_pdf,
                "docx": self.export_docx,
            }
            exports[kind](path)

    def _meta(self) -> ExportMeta:
        """What the file says of itself, including whether its figures are the published ones."""
        return export_meta(self.ctx, self.figures.figures_text if self.figures else "")

    def export_xlsx(self, path: Path) -> None:
        if self.figures is not None:
            meta, mask = self._meta(), self.bar.mask_small.isChecked()
            self._write_in_background("Classeur Excel", write_xlsx, path, self.figures, meta, mask)

    def export_csv(self, path: Path) -> None:
        if self.figures is not None:
            meta, mask = self._meta(), self.bar.mask_small.isChecked()
            self._write_in_background("Fichier CSV", write_csv, path, self.figures, meta, mask)

    def export_docx(self, path: Path) -> None:
        if self.figures is not None:
            self._write_in_background("Document Word", write_docx, path, self.figures, self._meta())

    def export_pdf(self, path: Path) -> None:
        """Charts drawn and HTML built here (charts are graphics widgets), printed off the GUI
        thread."""
        from sarah.ui.reports.pdf_export import prepare_pdf, write_pdf

        if self.figures is None:
            return
        mask = self.bar.mask_small.isChecked()
        document = prepare_pdf(self.figures, self._meta(), mask_small=mask)
        self._write_in_background("Document PDF", write_pdf, path, document)

    def _write_in_background(self, what: str, write: Callable[..., str], *args: Any) -> None:
        self.bar.show_writing(what)
        self._exports.append(
            run_in_background(
                write, *args, on_result=self._on_exported, on_error=self._on_export_error
            )
        )

    def _on_closing_done(self, words: str) -> None:
        self.progress.hide()
        self.refresh()
        self.bar.show_status(words, GREEN)

    def _on_exported(self, path: str) -> None:
        self.progress.hide()
        self.bar.set_exports_enabled(True)
        self.bar.show_status(f"Enregistré : {path}", GREEN)
        self.exported.emit(path)

    def _on_export_error(self, exc: BaseException) -> None:
        self.progress.hide()
        self.bar.set_exports_enabled(self.figures is not None)
        message = failure_text("Rien n'a été enregistré", exc, self)
        self.bar.show_status(message, RED)
        self.failed.emit(message)
