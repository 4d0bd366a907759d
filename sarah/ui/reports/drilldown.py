"""The contacts behind a number: double-click a figure of the statistics window to check it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from sarah.reports.tables import Period
from sarah.services.statistics.drilldown import CellRef, DrillDown, contacts_behind
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.table_models.report_contacts import ReportContactsModel
from sarah.ui.workers import run_in_background

LIMIT = 5000


class DrillDownDialog(QDialog):
    """Lists the contacts in the background; ``loaded`` is emitted once they are shown."""

    loaded = Signal(object)  # the DrillDown
    failed = Signal(str)

    def __init__(
        self,
        engine: Engine,
        period: Period,
        sites: list[str] | None,
        cell: CellRef,
        *,
        young_age_limit: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Contacts derrière ce nombre")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(980, 560)
        self.cell = cell
        self.found: DrillDown | None = None  # not "result": QDialog.result() is the exit code

        self.title = QLabel("Recherche des contacts…")
        font = self.title.font()
        font.setBold(True)
        font.setPointSize(font.pointSize() + 1)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.count = QLabel()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(8)
        self.busy.setTextVisible(False)
        self.model = ReportContactsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        for w in (self.title, self.explanation, self.count, self.busy, self.table, buttons):
            layout.addWidget(w)

        self._worker = run_in_background(
            contacts_behind,
            engine,
            period,
            sites,
            cell,
            young_age_limit=young_age_limit,
            limit=LIMIT,
            on_result=self._on_result,
            on_error=self._on_error,
        )

    def _on_result(self, found: DrillDown) -> None:
        self.found = found
        self.busy.hide()
        self.title.setText(found.title)
        self.explanation.setText(found.explanation)
        people = self.cell.table in ("persons", "new_persons", "months_people")
        noun = "personne(s)" if people else "contact(s)"
        text = f"{found.count} {noun}"
        if found.truncated:
            text += f" — les {len(found.lines)} premiers sont affichés"
        self.count.setText(text)
        self.model.set_lines(found.lines)
        self.loaded.emit(found)

    def _on_error(self, exc: BaseException) -> None:
        self.busy.hide()
        message = failure_text("Recherche impossible", exc, self)
        self.title.setText("Impossible d'afficher les contacts")
        self.explanation.setText(message)
        self.failed.emit(message)

    def done(self, result: int) -> None:
        self._worker.cancel()
        super().done(result)
