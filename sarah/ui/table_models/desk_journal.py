"""A day's contacts (journal du jour, or a catch-up day): time, person, channel, services."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from sarah.services.desk import JournalEntry

Index = QModelIndex | QPersistentModelIndex

HEADERS = ("Heure", "Personne", "Canal", "Services")


class JournalTableModel(QAbstractTableModel):
    TIME, WHO, CHANNEL, SERVICES = range(4)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[JournalEntry] = []

    def set_entries(self, entries: Sequence[JournalEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entries(self) -> list[JournalEntry]:
        return list(self._entries)

    def entry(self, row: int) -> JournalEntry:
        return self._entries[row]

    def row_of(self, contact_id: uuid.UUID) -> int | None:
        for row, e in enumerate(self._entries):
            if e.id == contact_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(HEADERS):
                return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._entries)):
            return None
        e = self._entries[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TIME:
                return f"{e.local_time:%H:%M}"
            if column == self.WHO:
                return e.who
            if column == self.CHANNEL:
                return e.channel_label
            if column == self.SERVICES:
                return " · ".join(e.service_labels) if e.service_labels else "aucun service"
        elif role == Qt.ItemDataRole.ToolTipRole:
            typed = f"saisi le {e.entered_at:%d/%m/%Y à %H:%M}"
            by = f" par {e.agent}" if e.agent else ""
            services = "\n".join(f"• {label}" for label in e.service_labels) or "aucun service"
            return f"{e.who} — {e.channel_label}, {typed}{by}\n{services}"
        elif role == Qt.ItemDataRole.ForegroundRole:
            if (column == self.WHO and e.visitor_id is None) or (
                column == self.SERVICES and not e.service_labels
            ):
                return QBrush(QColor("#6b7280"))
        elif role == Qt.ItemDataRole.FontRole and column == self.WHO and e.visitor_id is None:
            font = QFont()
            font.setItalic(True)
            return font
        return None
