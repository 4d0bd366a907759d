"""The desk's list of visitors matching the search: name, age, jeune/adulte badge, last visit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from sarah.services.desk import VisitorHit

Index = QModelIndex | QPersistentModelIndex

HEADERS = ("Nom", "Âge", "Public", "Dernière visite")
BADGE_COLOURS = {"jeunes": "#dbeafe", "adultes": "#e5e7eb", "NR": "#fef3c7"}
SEX_LABELS = {"F": "F", "H": "H", None: "–"}


class VisitorResultsModel(QAbstractTableModel):
    NAME, AGE, GROUP, LAST_VISIT = range(4)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[VisitorHit] = []

    def set_hits(self, hits: Sequence[VisitorHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> VisitorHit:
        return self._hits[row]

    def hits(self) -> list[VisitorHit]:
        return list(self._hits)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._hits)

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
        if not index.isValid() or not (0 <= index.row() < len(self._hits)):
            return None
        hit = self._hits[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return hit.display_name
            if column == self.AGE:
                return f"{hit.age} ans" if hit.age is not None else "?"
            if column == self.GROUP:
                return hit.group_label
            if column == self.LAST_VISIT:
                return f"{hit.last_visit:%d/%m/%Y}" if hit.last_visit else "jamais"
        elif role == Qt.ItemDataRole.ToolTipRole:
            word = {"F": "née", "H": "né"}.get(hit.sex or "", "né(e)")
            born = (
                f"{word} le {hit.birth_date:%d/%m/%Y}"
                if hit.birth_date
                else "date de naissance inconnue"
            )
            return f"{hit.display_name} — sexe {SEX_LABELS[hit.sex]}, {born}"
        elif role == Qt.ItemDataRole.BackgroundRole and column == self.GROUP:
            return QBrush(QColor(BADGE_COLOURS[hit.group]))
        elif role == Qt.ItemDataRole.ForegroundRole and column == self.GROUP:
            return QBrush(QColor("#111827"))
        elif role == Qt.ItemDataRole.TextAlignmentRole and column != self.NAME:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None
