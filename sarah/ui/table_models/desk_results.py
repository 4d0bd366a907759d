"""The desk's list of visitors matching the search: name, age, jeune/adulte badge, last visit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from sarah.services.desk.search import VisitorHit
from sarah.ui.table_models.list_model import ListTableModel

BADGE_COLOURS = {"jeunes": "#dbeafe", "adultes": "#e5e7eb", "NR": "#fef3c7"}
SEX_LABELS = {"F": "F", "H": "H", None: "–"}


class VisitorResultsModel(ListTableModel[VisitorHit]):
    NAME, AGE, GROUP, LAST_VISIT = range(4)
    HEADERS = ("Nom", "Âge", "Public", "Dernière visite")

    def set_hits(self, hits: Sequence[VisitorHit]) -> None:
        self.set_rows(hits)

    def hit(self, row: int) -> VisitorHit:
        return self.row_at(row)

    def hits(self) -> list[VisitorHit]:
        return self.rows()

    def cell(self, hit: VisitorHit, column: int, role: int) -> Any:
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
