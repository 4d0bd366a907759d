"""The contacts behind a number: double-click a figure of the statistics window to check it.

Names are shown to a role that may see them (and the opening is audited), codes otherwise
(sarah.services.statistics.drilldown_export). The list can be exported to Excel or CSV:
pseudonymised by default (a stable code instead of the name); unticking « Pseudonymisé » puts
the names in the file, for a role that may export them, and is audited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

import sarah
from sarah.exports.meta import ExportMeta
from sarah.reports.tables import Period
from sarah.services.accounts.roles import may
from sarah.services.statistics.drilldown import CellRef, DrillDown
from sarah.services.statistics.drilldown_export import (
    ExportedList,
    export_drilldown,
    view_drilldown,
)
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.style import ERROR_COLOUR, HINT_COLOUR, SUCCESS_COLOUR
from sarah.ui.table_models.report_contacts import ReportContactsModel
from sarah.ui.workers import Worker, run_in_background

LIMIT = 5000
PSEUDONYMISED = "Pseudonymisé (code au lieu du nom)"
FILTERS = {"xlsx": "Classeur Excel (*.xlsx)", "csv": "CSV, séparateur point-virgule (*.csv)"}


def _default_meta() -> ExportMeta:
    return ExportMeta("non renseigné", datetime.now().replace(microsecond=0), sarah.__version__)


class DrillDownDialog(QDialog):
    """Lists the contacts in the background; ``loaded`` is emitted once they are shown."""

    loaded = Signal(object)  # the DrillDown
    failed = Signal(str)
    exported = Signal(str)  # path of the file written
    exportFailed = Signal(str)  # noqa: N815 - French message shown under the list

    def __init__(
        self,
        engine: Engine,
        period: Period,
        sites: list[str] | None,
        cell: CellRef,
        *,
        young_age_limit: int,
        role: str | None = None,
        read_only: bool = False,
        make_meta: Callable[[], ExportMeta] = _default_meta,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Contacts derrière ce nombre")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(980, 560)
        self.cell = cell
        self.found: DrillDown | None = None  # not "result": QDialog.result() is the exit code
        self.engine, self.role, self._make_meta = engine, role, make_meta
        self.read_only = read_only
        self._exports: list[Worker] = []  # never cancelled: a file is being written

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
        for w in (self.title, self.explanation, self.count, self.busy, self.table):
            layout.addWidget(w)
        layout.addLayout(self._export_row())
        layout.addWidget(self.export_status)
        layout.addWidget(buttons)

        self._worker = run_in_background(
            view_drilldown,
            engine,
            period,
            sites,
            cell,
            role=role,
            read_only=read_only,
            young_age_limit=young_age_limit,
            limit=LIMIT,
            on_result=self._on_result,
            on_error=self._on_error,
        )

    def _export_row(self) -> QHBoxLayout:
        self.pseudonymised = QCheckBox(PSEUDONYMISED)
        self.pseudonymised.setChecked(True)  # a file that names nobody, unless asked otherwise
        if self.read_only:
            self.pseudonymised.setEnabled(False)
            self.pseudonymised.setToolTip(
                "Base ouverte en lecture seule : un export nominatif ne pourrait pas être "
                "inscrit au journal."
            )
        elif may(self.role, "export_named"):
            self.pseudonymised.setToolTip(
                "Coché : chaque personne est un code stable, sans nom, prénom ni date de "
                "naissance. Décoché : les noms sont dans le fichier (export inscrit au journal)."
            )
        else:
            self.pseudonymised.setEnabled(False)
            self.pseudonymised.setToolTip("Votre compte ne permet pas d'exporter des noms.")
        self.export_buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.addWidget(QLabel("Exporter la liste :"))
        for kind, text in (("xlsx", "Excel…"), ("csv", "CSV…")):
            button = QPushButton(text)
            button.setEnabled(False)  # nothing to export before the list is shown
            button.clicked.connect(lambda _checked=False, kind=kind: self._ask_and_export(kind))
            self.export_buttons[kind] = button
            row.addWidget(button)
        row.addWidget(self.pseudonymised)
        row.addStretch(1)
        self.export_status = QLabel()
        self.export_status.setWordWrap(True)
        return row

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
        self._set_exports_enabled(bool(found.lines))
        self.loaded.emit(found)

    def _on_error(self, exc: BaseException) -> None:
        self.busy.hide()
        message = failure_text("Recherche impossible", exc, self)
        self.title.setText("Impossible d'afficher les contacts")
        self.explanation.setText(message)
        self.failed.emit(message)

    # --- export -------------------------------------------------------------------------------

    def _set_exports_enabled(self, enabled: bool) -> None:
        for button in self.export_buttons.values():
            button.setEnabled(enabled)

    def _ask_and_export(self, kind: str) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        stem = "contacts-nominatif" if not self.pseudonymised.isChecked() else "contacts"
        default = str(Path(folder) / f"{stem}-{self.cell.table}.{kind}")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Exporter la liste", default, FILTERS[kind]
        )
        if not path:
            return
        if not re.search(rf"\.{kind}$", path, re.IGNORECASE):
            path += f".{kind}"
        self.export(Path(path), kind)

    def export(self, path: Path, kind: str) -> None:
        """Write the list shown to ``path`` in the background (xlsx or csv)."""
        if self.found is None:
            return
        self._set_exports_enabled(False)
        self._show_export_status("Écriture en cours…", HINT_COLOUR)
        self._exports.append(
            run_in_background(
                export_drilldown,
                self.engine,
                self.found,
                path,
                kind,
                self._make_meta(),
                pseudonymised=self.pseudonymised.isChecked(),
                role=self.role,
                on_result=self._on_exported,
                on_error=self._on_export_error,
            )
        )

    def _show_export_status(self, text: str, colour: str) -> None:
        self.export_status.setText(text)
        self.export_status.setStyleSheet(f"color: {colour};")

    def _on_exported(self, result: ExportedList) -> None:
        self._set_exports_enabled(True)
        what = "nominatif, inscrit au journal" if result.named else "pseudonymisé"
        self._show_export_status(f"Enregistré ({what}) : {result.path}", SUCCESS_COLOUR)
        self.exported.emit(str(result.path))

    def _on_export_error(self, exc: BaseException) -> None:
        self._set_exports_enabled(True)
        message = failure_text("Rien n'a été enregistré", exc, self)
        self._show_export_status(message, ERROR_COLOUR)
        self.exportFailed.emit(message)

    def done(self, result: int) -> None:
        self._worker.cancel()
        super().done(result)
