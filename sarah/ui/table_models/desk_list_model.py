"""What the coordinator's two lists of the desk (services, neighbourhoods) show alike: a row per
entry in the desk's order, the desk key in bold, retired rows in italics, one method per role."""

from __future__ import annotations

import uuid
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from sarah.ui.table_models.list_model import Index, ListTableModel

GREY = "#6b7280"


class Listed(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    @property
    def retired(self) -> bool: ...

    @property
    def shortcut(self) -> str | None: ...


Row = TypeVar("Row", bound=Listed)

# Each role is answered by the method of that name: (row, column) -> what Qt shows.
_ROLE_METHODS: dict[int, str] = {
    Qt.ItemDataRole.DisplayRole: "_display",
    Qt.ItemDataRole.TextAlignmentRole: "_alignment",
    Qt.ItemDataRole.ForegroundRole: "_foreground",
    Qt.ItemDataRole.FontRole: "_font",
    Qt.ItemDataRole.ToolTipRole: "_tooltip",
}


class DeskListModel(ListTableModel[Row]):
    """Cells by role rather than by item, since a cell may need its row (the services' N°):
    each list adds ``_display``, ``_alignment``, ``_foreground`` and ``_tooltip``."""

    KEY = 0  # the desk key's column, set by each list

    def row_of(self, row_id: uuid.UUID) -> int | None:
        return next((r for r, x in enumerate(self._rows) if x.id == row_id), None)

    def header_tip(self, section: int) -> str | None:
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        valid = orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS)
        if valid and role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tip(section)
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not (0 <= index.column() < len(self.HEADERS)):
            return None
        method = _ROLE_METHODS.get(role)
        return getattr(self, method)(index.row(), index.column()) if method else None

    def _font(self, row: int, column: int) -> QFont:
        font = QFont()  # only what differs from the table's font is set
        if self._rows[row].retired:
            font.setItalic(True)
        if column == self.KEY:
            font.setBold(True)
        return font


def key_text(x: Listed) -> str:
    """The desk key, in brackets on a retired row (it holds it until a row in use takes it)."""
    if not x.shortcut:
        return "–"
    return f"({x.shortcut.upper()})" if x.retired else x.shortcut.upper()
