"""The completeness table's Qt model over the plain rows of sarah.reports.completeness: a gap
reads "⚠ 3", bold, in the warning colour (never the colour alone); the weekdays without entries
are in the tooltip of their count."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from sarah.reports.completeness import COLUMNS, CompletenessRow, cell_text, missing_text
from sarah.ui.style import WARNING_COLOUR
from sarah.ui.table_models.list_model import ListTableModel

GAP_ROLE = Qt.ItemDataRole.UserRole + 1  # True for a cell that shows a gap
GAP_SIGN = "⚠"

_GAP_COLOUR = QBrush(QColor(WARNING_COLOUR))
_PERIOD_BACKGROUND = QBrush(QColor("#f3f4f6"))
_MISSING = next(i for i, c in enumerate(COLUMNS) if c.key == "missing_days")


def is_gap(row: CompletenessRow, column: int) -> bool:
    spec = COLUMNS[column]
    value = spec.value(row)
    return spec.gap and isinstance(value, int) and value > 0


class CompletenessModel(ListTableModel[CompletenessRow]):
    """Read-only rows of :meth:`Completeness.rows`, a column per :data:`COLUMNS` entry."""

    HEADERS = tuple(c.heading for c in COLUMNS)
    RIGHT = frozenset(i for i, c in enumerate(COLUMNS) if c.kind != "text")

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section].meaning
        return super().headerData(section, orientation, role)

    def cell(self, item: CompletenessRow, column: int, role: int) -> Any:
        gap = is_gap(item, column)
        if role == Qt.ItemDataRole.DisplayRole:
            text = cell_text(COLUMNS[column], item)
            return f"{GAP_SIGN} {text}" if gap else text
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == _MISSING and item.gaps.missing_count:
                return "Jours ouvrés sans saisie : " + missing_text(item.gaps)
            return COLUMNS[column].meaning
        if role == Qt.ItemDataRole.ForegroundRole and gap:
            return _GAP_COLOUR
        if role == Qt.ItemDataRole.FontRole and (gap or item.total):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and item.whole_period:
            return _PERIOD_BACKGROUND
        if role == GAP_ROLE:
            return gap
        return None
