"""A day's contacts (journal du jour, or a catch-up day): time, person, channel, services."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from sarah.services.desk import JournalEntry
from sarah.ui.table_models.list_model import ListTableModel


class JournalTableModel(ListTableModel[JournalEntry]):
    TIME, WHO, CHANNEL, SERVICES = range(4)
    HEADERS = ("Heure", "Personne", "Canal", "Services")

    def set_entries(self, entries: Sequence[JournalEntry]) -> None:
        self.set_rows(entries)

    def entries(self) -> list[JournalEntry]:
        return self.rows()

    def entry(self, row: int) -> JournalEntry:
        return self.row_at(row)

    def row_of(self, contact_id: uuid.UUID) -> int | None:
        for row, e in enumerate(self._rows):
            if e.id == contact_id:
                return row
        return None

    def cell(self, e: JournalEntry, column: int, role: int) -> Any:
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
