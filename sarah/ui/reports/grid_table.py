"""Widgets of the Statistiques screen: a grid table that fits its content (Entrée or a double
click on a number asks for the contacts behind it), section titles, scroll areas."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QWidget,
)

from sarah.ui.reports.grids import (
    Grid,
)
from sarah.ui.table_models.report_grid import REF_ROLE, ReportGridModel


class GridTable(QTableView):
    """A table of figures; double-click (or Enter) on a number opens its contacts."""

    cellOpened = Signal(object)  # noqa: N815 - the CellRef

    def __init__(self, *, fit_height: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid_model = ReportGridModel(self)
        self.setModel(self.grid_model)
        self._fit_height = fit_height
        self.verticalHeader().setVisible(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.horizontalHeader().setHighlightSections(False)
        if fit_height:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.doubleClicked.connect(self._open)

    def set_grid(self, grid: Grid | None) -> None:
        self.grid_model.set_grid(grid)
        self.resizeColumnsToContents()
        self.resizeRowsToContents()
        self._fit()

    def _content_width(self) -> int:
        columns = sum(self.columnWidth(c) for c in range(self.grid_model.columnCount()))
        return columns + 2 * self.frameWidth()

    def _fit(self) -> None:
        """Tables of the first tab: as tall as their rows, no wider than their columns."""
        if not self._fit_height:
            return
        width = self._content_width()
        self.setMaximumWidth(width + 2)
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.grid_model.rowCount()))
        if width > self.width() + 2:  # wider than the window: room for the scroll bar
            height += self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(height + 2)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()

    def _open(self, index: QModelIndex) -> None:
        ref = self.grid_model.data(index, REF_ROLE)
        if ref is not None:
            self.cellOpened.emit(ref)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)


def title_label(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSize(font.pointSize() + 1)
    label.setFont(font)
    return label


def scroll_area(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    return area
