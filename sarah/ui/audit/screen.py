"""The Journal d'audit screen (admin only): who did what, newest first, with filters, the chain's
verdict and an export.

The filters are applied in SQL and the table reads a page at a time (table_models.audit_log),
so a log of 100,000 entries opens at once; the chain check reads every entry, so it runs in the
background and the banner says « Vérification… » meanwhile. Keyboard: every filter has its Alt
letter, Entrée in the search field applies it at once, F5 reads the log again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sarah.services.accounts.roles import may, refusal
from sarah.services.audit.actions import ACTION_LABELS
from sarah.services.audit.chain import ChainCheck, verify_chain
from sarah.services.audit.export import AuditExport, export_audit, filters_text, verdict_text
from sarah.services.audit.listing import AuditFilter, actors_seen
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.reports.period_picker import DateField
from sarah.ui.style import ERROR_COLOUR, ERROR_STYLE, HINT_COLOUR, SUCCESS_COLOUR
from sarah.ui.table_models.audit_log import AuditLogModel
from sarah.ui.workers import run_in_background
from sarah.vocabulary import count_of

EVERYONE = "Tout le monde"
ALL_ACTIONS = "Toutes les actions"
SEARCH_DELAY_MS = 300  # typing pauses this long before the search runs by itself
BROKEN_HINT = (
    "Une entrée a été modifiée, supprimée ou déplacée en dehors de SARAH (ou le disque est "
    "abîmé). Gardez une copie du fichier de la base tel qu'il est et prévenez le responsable "
    "de l'association."
)
EXPORT_FILTERS = "Classeur Excel (*.xlsx);;Fichier CSV (*.csv)"


def banner_style(colour: str, background: str) -> str:
    return (
        f"#chainBanner {{ color: {colour}; background: {background}; border: 1px solid {colour};"
        " border-radius: 4px; padding: 6px; font-weight: 600; }"
    )


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class AuditScreen(QWidget):
    checked = Signal(object)  # ChainCheck: the background check ended
    exported = Signal(object)  # AuditExport

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        self.check: ChainCheck | None = None
        self.checking = False
        self.exporting = False
        self._period_refused = False
        # Replaceable in tests: the file chooser.
        self.choose_file: Callable[[], Path | None] = self._choose_file
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Journal d'audit</h2>", self))
        self.refused = not may(ctx.role, "audit")
        if self.refused:
            self._build_refusal(layout)
            return
        self._build_banner(layout)
        layout.addLayout(self._build_filters())
        layout.addLayout(self._build_count_row())
        layout.addWidget(self._build_table(), 1)
        self.message = QLabel("", self)
        self.message.setObjectName("auditMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        refresh = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)
        # Nothing is read until the screen is shown: a window that opens with this tab hidden
        # does not check a long chain at start-up.

    # --- building ------------------------------------------------------------------------------

    def _build_refusal(self, layout: QVBoxLayout) -> None:
        self.refusal = QLabel(refusal("audit"), self)
        self.refusal.setObjectName("auditRefused")
        self.refusal.setStyleSheet(ERROR_STYLE)
        self.refusal.setWordWrap(True)
        layout.addWidget(self.refusal)
        layout.addStretch(1)

    def _build_banner(self, layout: QVBoxLayout) -> None:
        self.banner = QLabel("", self)
        self.banner.setObjectName("chainBanner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName("Vérification du journal")
        self.hint = QLabel(BROKEN_HINT, self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.hint.hide()
        layout.addWidget(self.banner)
        layout.addWidget(self.hint)

    def _date_filter(self, text: str, day: date) -> tuple[QCheckBox, DateField]:
        box = QCheckBox(text, self)
        field = DateField(_qdate(day), self)
        field.setEnabled(False)
        box.toggled.connect(field.setEnabled)
        box.toggled.connect(self.apply_filters)
        field.dateChanged.connect(self.apply_filters)
        return box, field

    def _build_filters(self) -> QHBoxLayout:
        today = self._today()
        self.from_box, self.from_date = self._date_filter("&Du", today - timedelta(days=30))
        self.from_date.setAccessibleName("Premier jour")
        self.to_box, self.to_date = self._date_filter("A&u", today)
        self.to_date.setAccessibleName("Dernier jour")
        self.actor_combo = QComboBox(self)
        self.actor_combo.setAccessibleName("Qui")
        self.actor_combo.currentIndexChanged.connect(self.apply_filters)
        actor_label = QLabel("&Qui :", self)
        actor_label.setBuddy(self.actor_combo)
        self.action_combo = QComboBox(self)
        self.action_combo.setAccessibleName("Action")
        self.action_combo.addItem(ALL_ACTIONS, None)
        for code, label in sorted(ACTION_LABELS.items(), key=lambda item: item[1]):
            self.action_combo.addItem(label, code)
        self.action_combo.currentIndexChanged.connect(self.apply_filters)
        action_label = QLabel("Ac&tion :", self)
        action_label.setBuddy(self.action_combo)
        self.search = QLineEdit(self)
        self.search.setObjectName("auditSearch")
        self.search.setPlaceholderText("nom de fichier, identifiant, mot…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Rechercher dans le journal")
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filters)
        search_label = QLabel("&Rechercher :", self)
        search_label.setBuddy(self.search)
        self.clear_button = QPushButton("Tout &afficher", self)
        self.clear_button.setToolTip("Retirer tous les filtres")
        self.clear_button.clicked.connect(self.clear_filters)
        row = QHBoxLayout()
        widgets: tuple[QWidget, ...] = (self.from_box, self.from_date, self.to_box, self.to_date)
        widgets += (actor_label, self.actor_combo, action_label, self.action_combo)
        for number, widget in enumerate(widgets):
            row.addWidget(widget)
            if number in (3, 7):
                row.addSpacing(12)
        row.addWidget(search_label)
        row.addWidget(self.search, 1)
        row.addWidget(self.clear_button)
        return row

    def _build_count_row(self) -> QHBoxLayout:
        self.count_label = QLabel("", self)
        self.count_label.setObjectName("auditCount")
        self.count_label.setStyleSheet(f"color: {HINT_COLOUR};")
        self.export_button = QPushButton("&Exporter…", self)
        self.export_button.setToolTip(
            "Les entrées affichées (tous les filtres) dans un classeur .xlsx ou un fichier .csv"
        )
        self.export_button.clicked.connect(self.export)
        if self.ctx.read_only:
            self.export_button.setEnabled(False)
            self.export_button.setToolTip("Base en lecture seule : l'export ne peut être noté.")
        row = QHBoxLayout()
        row.addWidget(self.count_label, 1)
        row.addWidget(self.export_button)
        return row

    def _build_table(self) -> QTableView:
        self.model = AuditLogModel(self.ctx.engine, self)
        self.table = QTableView(self)
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setAccessibleName("Entrées du journal d'audit")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        # One line per entry, tight: more of the log at a glance (the tooltip shows a cut cell).
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        for column, width in enumerate((50, 135, 160, 215, 190)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return self.table

    # --- filters -------------------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        actor = self.actor_combo.currentData()
        action = self.action_combo.currentData()
        return AuditFilter(
            start=_pydate(self.from_date.date()) if self.from_box.isChecked() else None,
            end=_pydate(self.to_date.date()) if self.to_box.isChecked() else None,
            actors=frozenset({actor}) if actor else frozenset(),
            actions=frozenset({action}) if action else frozenset(),
            text=self.search.text().strip(),
        )

    def apply_filters(self) -> None:
        """Read the entries the filters select again (from the newest)."""
        self._search_timer.stop()
        wanted = self.current_filter()
        if wanted.start and wanted.end and wanted.end < wanted.start:
            self._say(
                f"Période impossible : le dernier jour ({wanted.end:%d/%m/%Y}) est avant le "
                f"premier ({wanted.start:%d/%m/%Y}).",
                error=True,
            )
            self._period_refused = True
            return
        try:
            self.model.load(wanted)
        except Exception as exc:  # a locked or damaged file says why; a bug opens the dialog
            self._say(failure_text("Journal illisible", exc, self), error=True)
            return
        if self._period_refused:
            self._period_refused = False
            self.message.clear()
        self._show_count()
        if self.model.rowCount():
            self.table.selectRow(0)

    def clear_filters(self) -> None:
        for widget in (
            self.from_box,
            self.to_box,
            self.actor_combo,
            self.action_combo,
            self.search,
        ):
            widget.blockSignals(True)
        self.from_box.setChecked(False)
        self.to_box.setChecked(False)
        self.from_date.setEnabled(False)
        self.to_date.setEnabled(False)
        self.actor_combo.setCurrentIndex(0)
        self.action_combo.setCurrentIndex(0)
        self.search.clear()
        for widget in (
            self.from_box,
            self.to_box,
            self.actor_combo,
            self.action_combo,
            self.search,
        ):
            widget.blockSignals(False)
        self.apply_filters()

    def _show_count(self) -> None:
        wanted = self.model.wanted
        shown = count_of(self.model.total, "entrée")
        if wanted.empty:
            self.count_label.setText(f"{shown}, de la plus récente à la plus ancienne.")
        else:
            self.count_label.setText(f"{shown} — filtres : {filters_text(wanted)}.")

    def _fill_actors(self) -> None:
        chosen = self.actor_combo.currentData()
        self.actor_combo.blockSignals(True)
        self.actor_combo.clear()
        self.actor_combo.addItem(EVERYONE, None)
        for name in actors_seen(self.ctx.engine):
            self.actor_combo.addItem(name, name)
        found = self.actor_combo.findData(chosen) if chosen else 0
        self.actor_combo.setCurrentIndex(max(found, 0))
        self.actor_combo.blockSignals(False)

    # --- reading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the names, the entries and the chain again (F5, after an export)."""
        try:
            self._fill_actors()
        except Exception as exc:
            self._say(failure_text("Journal illisible", exc, self), error=True)
            return
        self.apply_filters()
        self.start_check()

    def start_check(self) -> None:
        if self.checking:
            return
        self.checking = True
        self.banner.setText("Vérification de la chaîne du journal…")
        self.banner.setStyleSheet(banner_style(HINT_COLOUR, "#f3f4f6"))
        run_in_background(
            verify_chain,
            self.ctx.engine,
            on_result=self.show_check,
            on_error=self._check_failed,
            on_finished=self._check_ended,
        )

    def _check_ended(self) -> None:
        self.checking = False

    def _check_failed(self, exc: BaseException) -> None:
        self.banner.setText(failure_text("Vérification impossible", exc, self))
        self.banner.setStyleSheet(banner_style(ERROR_COLOUR, "#fef2f2"))

    def show_check(self, check: ChainCheck) -> None:
        self.check = check
        self.banner.setText(verdict_text(check) + ("." if check.intact else ""))
        if check.intact:
            self.banner.setStyleSheet(banner_style(SUCCESS_COLOUR, "#f0fdf4"))
        else:
            self.banner.setStyleSheet(banner_style(ERROR_COLOUR, "#fef2f2"))
        self.hint.setVisible(not check.intact)
        self.model.mark_broken(check.broken_at)
        self.checked.emit(check)

    # --- export --------------------------------------------------------------------------------

    def _choose_file(self) -> Path | None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        default = str(Path(folder) / f"journal-audit-{self._today():%Y-%m-%d}.xlsx")
        path, chosen = QFileDialog.getSaveFileName(
            self, "Exporter le journal d'audit", default, EXPORT_FILTERS
        )
        if not path:
            return None
        if Path(path).suffix.lower() not in (".xlsx", ".csv"):
            path += ".csv" if "csv" in chosen.lower() else ".xlsx"
        return Path(path)

    def export(self) -> None:
        """Write the entries the filters select to a file the user chooses (in the background:
        100,000 entries take a few seconds)."""
        if self.exporting or self.ctx.read_only:
            return
        path = self.choose_file()
        if path is None:
            return
        self.exporting = True
        self.export_button.setEnabled(False)
        self._say(f"Export du journal vers {path.name}…")
        run_in_background(
            export_audit,
            self.ctx.engine,
            self.model.wanted,
            path,
            on_result=self._exported,
            on_error=lambda exc: self._say(
                failure_text("Export impossible", exc, self), error=True
            ),
            on_finished=self._export_ended,
        )

    def _export_ended(self) -> None:
        self.exporting = False
        self.export_button.setEnabled(not self.ctx.read_only)

    def _exported(self, done: AuditExport) -> None:
        self.refresh()  # the export's own entry is in the log now
        self._say(
            f"{count_of(done.rows, 'entrée exportée', 'entrées exportées')} dans {done.path} "
            "(l'export est lui-même noté au journal)."
        )
        self.exported.emit(done)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else f"color: {SUCCESS_COLOUR};")
        self.message.setText(text)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self.refused and not self.checking:
            self.refresh()  # first shown, or entries written since it was last shown
