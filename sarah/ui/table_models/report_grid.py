"""A read-only Qt model over one statistics grid (sarah.ui.reports.grids.Grid)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from sarah.ui.reports.grids import SECTION, Grid, GridCell

Index = QModelIndex | QPersistentModelIndex

REF_ROLE = Qt.ItemDataRole.UserRole + 1  # the CellRef of a number (None for labels, %)
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value (int, Fraction, ...)

_FLAGGED = QBrush(QColor("#9ca3af"), Qt.BrushStyle.BDiagPattern)  # hatched: shows in grey print
_SECTION = QBrush(QColor("#e5e7eb"))


def _font(cell: GridCell) -> QFont | None:
    if not cell.bold:
        return None
    font = QFont()
    font.setBold(True)
    return font


def _alignment(cell: GridCell) -> int:
    side = Qt.AlignmentFlag.AlignRight if cell.numeric else Qt.AlignmentFlag.AlignLeft
    return int(side | Qt.AlignmentFlag.AlignVCenter)


def _background(cell: GridCell) -> QBrush | None:
    if cell.flagged:
        return _FLAGGED
    if cell.kind == SECTION:
        return _SECTION
    return None


def _tooltip(cell: GridCell) -> str | None:
    if cell.tooltip:
        return cell.tooltip
    if cell.ref is not None:
        return "Double-cliquez pour voir les contacts derrière ce nombre."
    return None


# What a cell gives for each role it answers; every other role gets None.
_ROLES: dict[int, Callable[[GridCell], Any]] = {
    Qt.ItemDataRole.DisplayRole: lambda cell: cell.text,
    Qt.ItemDataRole.FontRole: _font,
    Qt.ItemDataRole.TextAlignmentRole: _alignment,
    Qt.ItemDataRole.BackgroundRole: _background,
    Qt.ItemDataRole.ToolTipRole: _tooltip,
    REF_ROLE: lambda cell: cell.ref,
    VALUE_ROLE: lambda cell: cell.value,
}


class ReportGridModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._grid: Grid | None = None

    def set_grid(self, grid: Grid | None) -> None:
        self.beginResetModel()
        self._grid = grid
        self.endResetModel()

    @property
    def grid(self) -> Grid | None:
        return self._grid

    def cell(self, row: int, column: int) -> GridCell | None:
        if self._grid is None or not (0 <= row < len(self._grid.rows)):
            return None
        cells = self._grid.rows[row]
        return cells[column] if 0 <= column < len(cells) else None

    # --- QAbstractTableModel --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._grid is None:
            return 0
        return len(self._grid.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._grid is None:
            return 0
        return len(self._grid.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cell = self.cell(index.row(), index.column())
        show = _ROLES.get(role)
        if cell is None or show is None:
            return None
        return show(cell)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self._grid is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not (0 <= section < len(self._grid.headers)):
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return self._grid.headers[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                for heading, first, last in self._grid.groups:
                    if first <= section <= last:
                        return heading
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._grid.rows):
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
