"""The coordinator's catalogue table: order, key, label, use, state (retired rows greyed)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from sarah.services.catalogue import ServiceInfo, ServiceUsage
from sarah.vocabulary import count_text

Index = QModelIndex | QPersistentModelIndex

HEADERS = ("N°", "Touche", "Libellé", "Utilisations", "Dernière utilisation", "État", "Code")
GREY = "#6b7280"


class CatalogueModel(QAbstractTableModel):
    NUMBER, KEY, LABEL, USES, LAST_USED, STATE, CODE = range(7)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._services: list[ServiceInfo] = []
        self._usage: Mapping[uuid.UUID, ServiceUsage] | None = None  # None: still counting

    def set_services(self, services: Sequence[ServiceInfo]) -> None:
        self.beginResetModel()
        self._services = list(services)
        self.endResetModel()

    def set_usage(self, usage: Mapping[uuid.UUID, ServiceUsage] | None) -> None:
        self._usage = usage
        if self._services:
            self.dataChanged.emit(
                self.index(0, self.USES), self.index(len(self._services) - 1, self.LAST_USED)
            )

    def services(self) -> list[ServiceInfo]:
        return list(self._services)

    def service(self, row: int) -> ServiceInfo:
        return self._services[row]

    def usage_loaded(self) -> bool:
        return self._usage is not None

    def usage(self, service_id: uuid.UUID) -> ServiceUsage | None:
        """None while the counts are loading."""
        if self._usage is None:
            return None
        return self._usage.get(service_id, ServiceUsage(0, None))

    def row_of(self, service_id: uuid.UUID) -> int | None:
        for row, s in enumerate(self._services):
            if s.id == service_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._services)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < len(HEADERS)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                self.KEY: "La lettre qui coche ce service sur l'écran Accueil",
                self.USES: "Contacts qui ont délivré ce service, tous sites, depuis le début",
                self.CODE: "Identifiant stable : il ne change jamais, même si le libellé change",
            }.get(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._services)):
            return None
        column = index.column()
        if not (0 <= column < len(HEADERS)):
            return None
        s = self._services[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(index.row() + 1) if column == self.NUMBER else self._text(s, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (self.NUMBER, self.USES):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column == self.KEY:
                return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and (s.retired or column == self.CODE):
            return QBrush(QColor(GREY))
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            if s.retired:
                font.setItalic(True)
            if column == self.KEY:
                font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if s.retired:
                return f"« {s.label} » est retiré : absent de l'accueil, gardé dans l'historique."
            return f"« {s.label} » — touche {s.shortcut.upper() if s.shortcut else 'aucune'}"
        return None

    def _text(self, s: ServiceInfo, column: int) -> str:
        if column == self.KEY:
            if not s.shortcut:
                return "–"
            return f"({s.shortcut.upper()})" if s.retired else s.shortcut.upper()
        if column == self.LABEL:
            return s.label
        if column == self.STATE:
            return "retiré" if s.retired else "actif"
        if column == self.CODE:
            return s.code
        usage = self.usage(s.id)
        if usage is None:
            return "…"
        if column == self.USES:
            return count_text(usage.uses)
        return f"{usage.last_used:%d/%m/%Y}" if usage.last_used else "jamais"
