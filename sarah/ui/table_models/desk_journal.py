"""A day's contacts (journal du jour, or a catch-up day): time, person, channel, services."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from sarah.services.desk.journal import JournalEntry
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


DELETING = "suppression…"


class DeletingJournalModel(JournalTableModel):
    """The journal's rows; the one being deleted reads "suppression…", greyed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._deleting: uuid.UUID | None = None

    def set_deleting(self, contact_id: uuid.UUID | None) -> None:
        changed = {contact_id, self._deleting} - {None}
        self._deleting = contact_id
        for cid in changed:
            row = self.row_of(cid) if cid is not None else None
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, self.SERVICES))

    def cell(self, e: JournalEntry, column: int, role: int) -> Any:
        if e.id != self._deleting:
            return super().cell(e, column, role)
        if role == Qt.ItemDataRole.DisplayRole and column == self.SERVICES:
            return DELETING
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#9ca3af"))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setItalic(True)
            return font
        return super().cell(e, column, role)
