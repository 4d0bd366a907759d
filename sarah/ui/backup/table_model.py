"""The Sauvegardes list: date, reason, contacts, size, verified — a Qt model over a plain list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from sarah.services.backups import BackupInfo, human_size

Index = QModelIndex | QPersistentModelIndex

HEADERS = ("Date", "Motif", "Contacts", "Taille", "État", "Fichier")
REASONS = {
    "manuelle": "Manuelle",
    "demarrage": "Au démarrage",
    "automatique": "Automatique (30 min)",
    "fermeture": "À la fermeture",
    "avant-migration": "Avant mise à jour",
    "avant-import": "Avant import",
    "avant-restauration": "Avant restauration",
    "avant-purge": "Avant purge",
    "avant-synchronisation": "Avant synchronisation",
    "avant-demo": "Avant démonstration",
}


def reason_label(reason: str) -> str:
    if reason in REASONS:
        return REASONS[reason]
    if reason.startswith("avant-"):
        return "Avant " + reason.removeprefix("avant-").replace("-", " ")
    return reason.replace("-", " ").capitalize()


def count_text(n: int | None) -> str:
    return "?" if n is None else f"{n:,}".replace(",", "\u202f")


class BackupTableModel(QAbstractTableModel):
    DATE, REASON, CONTACTS, SIZE, STATE, FILE = range(6)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[BackupInfo] = []

    def set_backups(self, backups: Sequence[BackupInfo]) -> None:
        self.beginResetModel()
        self._rows = list(backups)
        self.endResetModel()

    def backup(self, row: int) -> BackupInfo:
        return self._rows[row]

    def backups(self) -> list[BackupInfo]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(HEADERS):
                return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        b = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.DATE:
                return f"{b.created_at:%d/%m/%Y %H:%M}"
            if col == self.REASON:
                return reason_label(b.reason)
            if col == self.CONTACTS:
                return count_text(b.contacts)
            if col == self.SIZE:
                return human_size(b.size)
            if col == self.STATE:
                return "Vérifiée" if b.verified else "Non vérifiée"
            if col == self.FILE:
                return b.path.name
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.CONTACTS, self.SIZE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.STATE and not b.verified:
            return QBrush(QColor("#b45309"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(b.path)
        return None
