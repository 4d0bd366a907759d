"""The import dialog's page of a refused file: every bad cell in a table (line, column, value, why),
copied whole ("Copier la liste", with the refusal above it) or by the rows chosen (Ctrl+C)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sarah.ui.table_models.import_problems import ProblemsModel

PROBLEMS_HINT = (
    "Corrigez ces cellules dans le fichier, enregistrez-le, puis choisissez-le à nouveau "
    "(Ctrl+C copie les lignes choisies)."
)
PLAIN_STYLE = "color: #374151;"


class ProblemsPage(QWidget):
    """The table of bad cells, a hint and the copy button; ``status`` holds the refusal."""

    def __init__(self, parent: QWidget, *, status: QLabel) -> None:
        super().__init__(parent)
        self._status = status
        self.model = ProblemsModel(self)
        self.view = QTableView(self)
        self.view.setObjectName("importProblems")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(ProblemsModel.LINE, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(ProblemsModel.COLUMN, 130)
        header.resizeSection(ProblemsModel.VALUE, 150)
        header.setStretchLastSection(True)
        copy_selection = QAction("Copier les lignes choisies", self.view)
        copy_selection.setShortcut(QKeySequence.StandardKey.Copy)
        copy_selection.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy_selection.triggered.connect(self.copy_selected)
        self.view.addAction(copy_selection)
        self.copy_button = QPushButton("Co&pier la liste", self)
        self.copy_button.setToolTip(
            "Copie toutes les lignes en erreur, à coller dans un tableur ou un courriel"
        )
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_all)
        self.hint = QLabel(PROBLEMS_HINT, self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(PLAIN_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.hint, 1)
        copy_row.addWidget(self.copy_button)
        layout.addLayout(copy_row)

    def copy_all(self) -> None:
        """The refusal and every bad row, to paste into a spreadsheet or an e-mail."""
        text = self._status.text() + "\n\n" + self.model.as_text()
        QGuiApplication.clipboard().setText(text)
        self.hint.setText(
            f"Liste copiée ({self.model.rowCount()} lignes) : collez-la dans un "
            "tableur ou un courriel avec Ctrl+V."
        )

    def copy_selected(self) -> None:
        rows = [i.row() for i in self.view.selectionModel().selectedRows()]
        QGuiApplication.clipboard().setText(self.model.as_text(rows or None))
