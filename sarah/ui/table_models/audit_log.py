"""The audit table: entries read from the database a page at a time, newest first.

Qt asks for more rows as the view scrolls (``canFetchMore``/``fetchMore``): the log may hold
100,000 entries and only the pages looked at are read, each by its own indexed query.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from sqlalchemy import Engine

from sarah.services.audit.export import HEADERS, entry_cells
from sarah.services.audit.listing import AuditEntry, AuditFilter, count_entries, entries_page
from sarah.ui.style import ERROR_COLOUR

Index = QModelIndex | QPersistentModelIndex
PAGE = 500


class AuditLogModel(QAbstractTableModel):
    """``load(filter)`` starts again from the newest entry; ``total`` is how many the filter
    selects; the entry where the chain breaks (``broken_at``) is shown in red."""

    def __init__(self, engine: Engine, parent: Any = None, *, page: int = PAGE) -> None:
        super().__init__(parent)
        self.engine = engine
        self.page = page
        self.wanted = AuditFilter()
        self.total = 0
        self.broken_at: int | None = None
        self._entries: list[AuditEntry] = []
        self._cells: list[tuple[Any, ...]] = []
        self._done = True

    def load(self, wanted: AuditFilter) -> None:
        self.beginResetModel()
        self.wanted = wanted
        self.total = count_entries(self.engine, wanted)
        self._entries, self._cells = [], []
        self._done = self.total == 0
        self.endResetModel()
        if not self._done:
            self.fetchMore(QModelIndex())

    def entry_at(self, row: int) -> AuditEntry:
        return self._entries[row]

    def mark_broken(self, seq: int | None) -> None:
        self.broken_at = seq
        if self._entries:
            last = self.index(len(self._entries) - 1, len(HEADERS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # --- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._done

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._done:
            return
        before = self._entries[-1].seq if self._entries else None
        chunk = entries_page(self.engine, self.wanted, before=before, limit=self.page)
        if len(chunk) < self.page:
            self._done = True
        if not chunk:
            return
        first = len(self._entries)
        self.beginInsertRows(QModelIndex(), first, first + len(chunk) - 1)
        self._entries.extend(chunk)
        self._cells.extend(entry_cells(e) for e in chunk)
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        cells = self._cells[index.row()]
        broken = self._entries[index.row()].seq == self.broken_at
        if role == Qt.ItemDataRole.DisplayRole:
            value = cells[index.column()]
            return str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if broken:
                return "La chaîne du journal est rompue à cette entrée : voir l'avertissement."
            return str(cells[index.column()]) or None
        if role == Qt.ItemDataRole.ForegroundRole and broken:
            return QBrush(QColor(ERROR_COLOUR))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
