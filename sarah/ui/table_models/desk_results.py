"""The desk's list of visitors matching the search: name, age, jeune/adulte badge, last visit.

People found by a name that only sounds alike or is a typo away come after the others, their
name greyed and marked "≈ nom proche", so that the agent checks with the person before choosing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from sarah.services.desk.search import VisitorHit
from sarah.ui.table_models.list_model import ListTableModel

BADGE_COLOURS = {"jeunes": "#dbeafe", "adultes": "#e5e7eb", "NR": "#fef3c7"}
SEX_LABELS = {"F": "F", "H": "H", None: "–"}
APPROXIMATE_MARK = "≈ nom proche"
APPROXIMATE_COLOUR = "#6b7280"
APPROXIMATE_TIP = (
    "Nom proche de ce qui est tapé (orthographe ou prononciation voisine, une faute de "
    "frappe) : vérifiez avec la personne."
)


class VisitorResultsModel(ListTableModel[VisitorHit]):
    NAME, AGE, GROUP, LAST_VISIT = range(4)
    HEADERS = ("Nom", "Âge", "Public", "Dernière visite")

    def set_hits(self, hits: Sequence[VisitorHit]) -> None:
        self.set_rows(hits)

    def hit(self, row: int) -> VisitorHit:
        return self.row_at(row)

    def hits(self) -> list[VisitorHit]:
        return self.rows()

    def exact_count(self) -> int:
        """The people found by the name as typed; near names (≈) do not count."""
        return sum(1 for hit in self.rows() if not hit.approximate)

    def cell(self, hit: VisitorHit, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(hit, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(hit)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.NAME and hit.approximate:
            return QBrush(QColor(APPROXIMATE_COLOUR))
        if role == Qt.ItemDataRole.BackgroundRole and column == self.GROUP:
            return QBrush(QColor(BADGE_COLOURS[hit.group]))
        if role == Qt.ItemDataRole.ForegroundRole and column == self.GROUP:
            return QBrush(QColor("#111827"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.NAME:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _text(self, hit: VisitorHit, column: int) -> str | None:
        if column == self.NAME:
            mark = f"   {APPROXIMATE_MARK}" if hit.approximate else ""
            return hit.display_name + mark
        if column == self.AGE:
            return f"{hit.age} ans" if hit.age is not None else "?"
        if column == self.GROUP:
            return hit.group_label
        if column == self.LAST_VISIT:
            return f"{hit.last_visit:%d/%m/%Y}" if hit.last_visit else "jamais"
        return None

    @staticmethod
    def _tip(hit: VisitorHit) -> str:
        word = {"F": "née", "H": "né"}.get(hit.sex or "", "né(e)")
        born = (
            f"{word} le {hit.birth_date:%d/%m/%Y}"
            if hit.birth_date
            else "date de naissance inconnue"
        )
        tip = f"{hit.display_name} — sexe {SEX_LABELS[hit.sex]}, {born}"
        return f"{tip}\n{APPROXIMATE_TIP}" if hit.approximate else tip
