"""The coordinator's catalogue table: order, key, label, use, state (retired rows greyed)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
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
        if not (0 <= index.column() < len(HEADERS)):
            return None
        cell = self._ROLE_CELLS.get(role)
        return cell(self, index.row(), index.column()) if cell else None

    # --- one method per role: (row, column) -> what Qt shows -----------------------------------

    def _display(self, row: int, column: int) -> str:
        if column == self.NUMBER:
            return str(row + 1)
        s = self._services[row]
        text = SERVICE_TEXT.get(column)
        if text is not None:
            return text(s)
        usage = self.usage(s.id)
        if usage is None:
            return "…"
        if column == self.USES:
            return count_text(usage.uses)
        return f"{usage.last_used:%d/%m/%Y}" if usage.last_used else "jamais"

    def _alignment(self, _row: int, column: int) -> int | None:
        return ALIGNMENTS.get(column)

    def _foreground(self, row: int, column: int) -> QBrush | None:
        if self._services[row].retired or column == self.CODE:
            return QBrush(QColor(GREY))
        return None

    def _font(self, row: int, column: int) -> QFont:
        font = QFont()  # only what differs from the table's font is set
        if self._services[row].retired:
            font.setItalic(True)
        if column == self.KEY:
            font.setBold(True)
        return font

    def _tooltip(self, row: int, _column: int) -> str:
        s = self._services[row]
        if s.retired:
            return f"« {s.label} » est retiré : absent de l'accueil, gardé dans l'historique."
        return f"« {s.label} » — touche {s.shortcut.upper() if s.shortcut else 'aucune'}"

    _ROLE_CELLS: dict[int, Callable[[CatalogueModel, int, int], Any]] = {
        Qt.ItemDataRole.DisplayRole: _display,
        Qt.ItemDataRole.TextAlignmentRole: _alignment,
        Qt.ItemDataRole.ForegroundRole: _foreground,
        Qt.ItemDataRole.FontRole: _font,
        Qt.ItemDataRole.ToolTipRole: _tooltip,
    }


def _key_text(s: ServiceInfo) -> str:
    if not s.shortcut:
        return "–"
    return f"({s.shortcut.upper()})" if s.retired else s.shortcut.upper()


# The columns read from the service itself; the use columns wait for the counts.
SERVICE_TEXT: dict[int, Callable[[ServiceInfo], str]] = {
    CatalogueModel.KEY: _key_text,
    CatalogueModel.LABEL: lambda s: s.label,
    CatalogueModel.STATE: lambda s: "retiré" if s.retired else "actif",
    CatalogueModel.CODE: lambda s: s.code,
}
ALIGNMENTS = {
    CatalogueModel.NUMBER: int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
    CatalogueModel.USES: int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
    CatalogueModel.KEY: int(Qt.AlignmentFlag.AlignCenter),
}
