"""The contacts behind a number of the statistics window (drill-down)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from sarah.services.statistics.drilldown import AGE_LABELS, ContactLine

Index = QModelIndex | QPersistentModelIndex

HEADERS = ("Date", "Heure", "Site", "Canal", "Personne", "Public", "Services")
SEX_SHORT = {"F": "F", "H": "H", "NR": "sexe n.r."}


class ReportContactsModel(QAbstractTableModel):
    DATE, TIME, SITE, CHANNEL, PERSON, PUBLIC, SERVICES = range(len(HEADERS))

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[ContactLine] = []

    def set_lines(self, lines: Sequence[ContactLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def line(self, row: int) -> ContactLine:
        return self._lines[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def _text(self, line: ContactLine, column: int) -> str:
        if column == self.DATE:
            return f"{line.local_date:%d/%m/%Y}"
        if column == self.TIME:
            return f"{line.local_time:%H:%M}"
        if column == self.SITE:
            return line.site
        if column == self.CHANNEL:
            return line.channel_label
        if column == self.PERSON:
            return line.visitor
        if column == self.PUBLIC:
            if line.age_group is None:
                return ""
            return f"{AGE_LABELS[line.age_group]}, {SEX_SHORT.get(line.sex or 'NR', '')}"
        return " ; ".join(line.services) if line.services else "—"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._lines)):
            return None
        line = self._lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.SERVICES:
            return "\n".join(line.services) or "Aucun service enregistré"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
