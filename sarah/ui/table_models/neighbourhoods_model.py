"""The coordinator's list of neighbourhoods of residence: label, type, desk key, people, state
(retired rows greyed and in italics)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from sarah.services.neighbourhoods.listing import NeighbourhoodInfo
from sarah.vocabulary import count_text

Index = QModelIndex | QPersistentModelIndex

HEADERS = ("Quartier", "Type", "Touche", "Personnes", "État")
HEADER_TIPS = {
    1: "QPV : quartier prioritaire de la politique de la ville",
    2: "La touche qui choisit ce quartier sur l'écran Accueil",
    3: "Personnes dont la fiche porte ce quartier, tous sites",
}
GREY = "#6b7280"
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTRE = int(Qt.AlignmentFlag.AlignCenter)


class NeighbourhoodsModel(QAbstractTableModel):
    LABEL, KIND, KEY, PEOPLE, STATE = range(5)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[NeighbourhoodInfo] = []
        self._counts: Mapping[uuid.UUID, int] | None = None  # None: still counting

    def set_neighbourhoods(self, rows: Sequence[NeighbourhoodInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def set_counts(self, counts: Mapping[uuid.UUID, int] | None) -> None:
        self._counts = counts
        if self._rows:
            last = len(self._rows) - 1
            self.dataChanged.emit(self.index(0, self.PEOPLE), self.index(last, self.PEOPLE))

    def neighbourhoods(self) -> list[NeighbourhoodInfo]:
        return list(self._rows)

    def neighbourhood(self, row: int) -> NeighbourhoodInfo:
        return self._rows[row]

    def counts_loaded(self) -> bool:
        return self._counts is not None

    def people(self, neighbourhood_id: uuid.UUID) -> int | None:
        """None while the counts are loading."""
        if self._counts is None:
            return None
        return self._counts.get(neighbourhood_id, 0)

    def row_of(self, neighbourhood_id: uuid.UUID) -> int | None:
        return next((r for r, n in enumerate(self._rows) if n.id == neighbourhood_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

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
            return HEADER_TIPS.get(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not (0 <= index.column() < len(HEADERS)):
            return None
        cell = self._ROLE_CELLS.get(role)
        return cell(self, index.row(), index.column()) if cell else None

    # --- one method per role: (row, column) -> what Qt shows -----------------------------------

    def _display(self, row: int, column: int) -> str:
        n = self._rows[row]
        if column == self.PEOPLE:
            return count_text(self.people(n.id), unknown="…")
        return TEXT[column](n)

    def _alignment(self, _row: int, column: int) -> int | None:
        return {self.PEOPLE: RIGHT, self.KEY: CENTRE}.get(column)

    def _foreground(self, row: int, _column: int) -> QBrush | None:
        return QBrush(QColor(GREY)) if self._rows[row].retired else None

    def _font(self, row: int, column: int) -> QFont:
        font = QFont()  # only what differs from the table's font is set
        if self._rows[row].retired:
            font.setItalic(True)
        if column == self.KEY:
            font.setBold(True)
        return font

    def _tooltip(self, row: int, _column: int) -> str:
        n = self._rows[row]
        if n.retired:
            return (
                f"« {n.label} » est retiré : absent de l'accueil, ses personnes restent comptées."
            )
        return f"« {n.label} » ({n.kind}) — touche {n.shortcut.upper() if n.shortcut else 'aucune'}"

    _ROLE_CELLS: dict[int, Callable[[NeighbourhoodsModel, int, int], Any]] = {
        Qt.ItemDataRole.DisplayRole: _display,
        Qt.ItemDataRole.TextAlignmentRole: _alignment,
        Qt.ItemDataRole.ForegroundRole: _foreground,
        Qt.ItemDataRole.FontRole: _font,
        Qt.ItemDataRole.ToolTipRole: _tooltip,
    }


def _key_text(n: NeighbourhoodInfo) -> str:
    if not n.shortcut:
        return "–"
    return f"({n.shortcut.upper()})" if n.retired else n.shortcut.upper()


# The columns read from the neighbourhood itself; the people column waits for the counts.
TEXT: dict[int, Callable[[NeighbourhoodInfo], str]] = {
    NeighbourhoodsModel.LABEL: lambda n: n.label,
    NeighbourhoodsModel.KIND: lambda n: n.kind,
    NeighbourhoodsModel.KEY: _key_text,
    NeighbourhoodsModel.STATE: lambda n: "retiré" if n.retired else "actif",
}
