"""The coordinator's list of neighbourhoods of residence: label, type, desk key, people, state
(retired rows greyed and in italics)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from sarah.services.neighbourhoods.listing import NeighbourhoodInfo
from sarah.ui.table_models.desk_list_model import GREY, DeskListModel, key_text
from sarah.vocabulary import count_text

HEADERS = ("Quartier", "Type", "Touche", "Personnes", "État")
HEADER_TIPS = {
    1: "QPV : quartier prioritaire de la politique de la ville",
    2: "La touche qui choisit ce quartier sur l'écran Accueil",
    3: "Personnes dont la fiche porte ce quartier, tous sites",
}
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
CENTRE = int(Qt.AlignmentFlag.AlignCenter)


class NeighbourhoodsModel(DeskListModel[NeighbourhoodInfo]):
    LABEL, KIND, KEY, PEOPLE, STATE = range(5)
    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._counts: Mapping[uuid.UUID, int] | None = None  # None: still counting

    def set_neighbourhoods(self, rows: Sequence[NeighbourhoodInfo]) -> None:
        self.set_rows(rows)

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

    def header_tip(self, section: int) -> str | None:
        return HEADER_TIPS.get(section)

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

    def _tooltip(self, row: int, _column: int) -> str:
        n = self._rows[row]
        if n.retired:
            return (
                f"« {n.label} » est retiré : absent de l'accueil, ses personnes restent comptées."
            )
        return f"« {n.label} » ({n.kind}) — touche {n.shortcut.upper() if n.shortcut else 'aucune'}"


# The columns read from the neighbourhood itself; the people column waits for the counts.
TEXT: dict[int, Callable[[NeighbourhoodInfo], str]] = {
    NeighbourhoodsModel.LABEL: lambda n: n.label,
    NeighbourhoodsModel.KIND: lambda n: n.kind,
    NeighbourhoodsModel.KEY: key_text,
    NeighbourhoodsModel.STATE: lambda n: "retiré" if n.retired else "actif",
}
