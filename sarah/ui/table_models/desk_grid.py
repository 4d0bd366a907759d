"""The catch-up grid: one row per paper entry (time, person, channel, service keys), editable."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from sarah.services.desk.sheet import SheetRow
from sarah.ui.style import ERROR_COLOUR, WARNING_COLOUR

Index = QModelIndex | QPersistentModelIndex

HEADERS = ("Heure", "Personne", "Canal", "Services (touches)", "État")
HINTS = (
    "HH:MM ; vide = l'heure choisie au-dessus",
    "2-3 lettres du nom puis choisir dans la liste ; vide = anonyme",
    "P = physique (défaut), T = téléphone",
    "touches des services, ex. « ac » ; vide = aucun service",
    "",
)
VISITOR_ROLE = Qt.ItemDataRole.UserRole + 1  # uuid of the chosen visitor, in the Personne column


@dataclass
class GridRow:
    time_text: str = ""
    person_text: str = ""
    visitor_id: uuid.UUID | None = None
    channel_text: str = ""
    services_text: str = ""
    error: str = ""
    status: str = ""

    def is_empty(self) -> bool:
        return not (self.time_text or self.person_text or self.channel_text or self.services_text)

    def sheet_row(self) -> SheetRow:
        return SheetRow(
            time_text=self.time_text,
            person_text=self.person_text,
            visitor_id=self.visitor_id,
            channel_text=self.channel_text,
            services_text=self.services_text,
        )


class CatchupGridModel(QAbstractTableModel):
    TIME, PERSON, CHANNEL, SERVICES, STATE = range(5)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[GridRow] = [GridRow()]

    # --- content -------------------------------------------------------------------------------

    def rows(self) -> list[GridRow]:
        return self._rows

    def row(self, row: int) -> GridRow:
        return self._rows[row]

    def filled_rows(self) -> list[tuple[int, GridRow]]:
        return [(i, r) for i, r in enumerate(self._rows) if not r.is_empty()]

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = [GridRow()]
        self.endResetModel()

    def ensure_row(self, row: int) -> None:
        """Make sure row ``row`` exists (Enter on the last row opens a new one)."""
        if row >= len(self._rows):
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, row)
            self._rows.extend(GridRow() for _ in range(row - first + 1))
            self.endInsertRows()

    def remove_row(self, row: int) -> None:
        if not (0 <= row < len(self._rows)):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        if not self._rows:
            self.ensure_row(0)

    def set_visitor(self, row: int, visitor_id: uuid.UUID | None, name: str) -> None:
        r = self._rows[row]
        r.visitor_id, r.person_text, r.error = visitor_id, name, ""
        self._changed(row, self.PERSON, self.STATE)

    def set_errors(self, errors: dict[int, str]) -> None:
        for i, r in enumerate(self._rows):
            r.error = errors.get(i, "")
            r.status = ""
        if self._rows:
            self._changed(0, self.TIME, self.STATE, last_row=len(self._rows) - 1)

    def set_status(self, row: int, status: str) -> None:
        self._rows[row].status = status
        self._changed(row, self.STATE, self.STATE)

    def _changed(self, row: int, first: int, last: int, last_row: int | None = None) -> None:
        self.dataChanged.emit(
            self.index(row, first), self.index(row if last_row is None else last_row, last)
        )

    # --- Qt model --------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return HINTS[section] or None
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
        if index.column() != self.STATE:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        of_role = ROLE_DATA.get(role)
        return None if of_role is None else of_role(self._rows[index.row()], index.column())

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return False
        r = self._rows[index.row()]
        column = index.column()
        if role == VISITOR_ROLE and column == self.PERSON:
            r.visitor_id = value if isinstance(value, uuid.UUID) else None
            self._changed(index.row(), self.PERSON, self.PERSON)
            return True
        if role != Qt.ItemDataRole.EditRole or column == self.STATE:
            return False
        text = "" if value is None else str(value).strip()
        if column == self.TIME:
            r.time_text = text
        elif column == self.PERSON:
            if text != r.person_text:
                r.visitor_id = None
            r.person_text = text
        elif column == self.CHANNEL:
            r.channel_text = text
        elif column == self.SERVICES:
            r.services_text = text
        r.error = ""
        self._changed(index.row(), column, self.STATE)
        return True


# --- what a cell shows, role by role -----------------------------------------------------------


def _typed(r: GridRow, column: int) -> str:
    """The text as typed (what the editor opens with); the État column: the row's error or state."""
    return (r.time_text, r.person_text, r.channel_text, r.services_text, r.error or r.status)[
        column
    ]


def _shown(r: GridRow, column: int) -> str:
    """As typed, or for a filled row what an empty cell means: anonymous, Physique (in grey)."""
    text = _typed(r, column)
    if text or r.is_empty():
        return text
    return {CatchupGridModel.PERSON: "(anonyme)", CatchupGridModel.CHANNEL: "P"}.get(column, "")


def _visitor(r: GridRow, column: int) -> uuid.UUID | None:
    return r.visitor_id if column == CatchupGridModel.PERSON else None


def _tooltip(r: GridRow, column: int) -> str | None:
    return r.error or HINTS[column] or None


def _background(r: GridRow, _column: int) -> QBrush | None:
    return QBrush(QColor("#fde2e2")) if r.error else None


def _foreground(r: GridRow, column: int) -> QBrush | None:
    if column == CatchupGridModel.STATE and r.error:
        colour = ERROR_COLOUR
    elif column == CatchupGridModel.CHANNEL and not r.channel_text:
        colour = "#9ca3af"
    elif column == CatchupGridModel.PERSON and r.person_text and r.visitor_id is None:
        colour = WARNING_COLOUR  # typed but not chosen from the list yet
    else:
        return None
    return QBrush(QColor(colour))


ROLE_DATA: dict[int, Callable[[GridRow, int], Any]] = {
    Qt.ItemDataRole.DisplayRole: _shown,
    Qt.ItemDataRole.EditRole: _typed,
    VISITOR_ROLE: _visitor,
    Qt.ItemDataRole.ToolTipRole: _tooltip,
    Qt.ItemDataRole.BackgroundRole: _background,
    Qt.ItemDataRole.ForegroundRole: _foreground,
}
