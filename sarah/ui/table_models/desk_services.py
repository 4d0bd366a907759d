"""The live catalogue as a checklist: each service with its shortcut key, checkable."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from sarah.services.catalogue import ServiceInfo

Index = QModelIndex | QPersistentModelIndex

KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the shortcut letter, upper case ('' when none)
LABEL_ROLE = Qt.ItemDataRole.UserRole + 2


class ServicesChecklistModel(QAbstractListModel):
    checked_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._services: list[ServiceInfo] = []
        self._checked: set[uuid.UUID] = set()

    # --- content -------------------------------------------------------------------------------

    def set_services(self, services: Sequence[ServiceInfo]) -> None:
        """Show live services in catalogue order; checked services that remain stay checked."""
        self.beginResetModel()
        self._services = [s for s in services if not s.retired]
        alive = {s.id for s in self._services}
        self._checked &= alive
        self.endResetModel()

    def services(self) -> list[ServiceInfo]:
        return list(self._services)

    def service(self, row: int) -> ServiceInfo:
        return self._services[row]

    def row_for_key(self, key: str) -> int | None:
        key = key.lower()
        for row, s in enumerate(self._services):
            if s.shortcut and s.shortcut.lower() == key:
                return row
        return None

    def checked_ids(self) -> list[uuid.UUID]:
        """Checked services in catalogue order."""
        return [s.id for s in self._services if s.id in self._checked]

    def set_checked_ids(self, ids: Iterable[uuid.UUID]) -> None:
        self._checked = set(ids) & {s.id for s in self._services}
        if self._services:
            self.dataChanged.emit(
                self.index(0), self.index(len(self._services) - 1), [Qt.ItemDataRole.CheckStateRole]
            )
        self.checked_changed.emit()

    def clear_checks(self) -> None:
        self.set_checked_ids(())

    def toggle(self, row: int) -> None:
        sid = self._services[row].id
        self._checked ^= {sid}
        index = self.index(row)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()

    # --- Qt model --------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._services)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._services)):
            return None
        s = self._services[index.row()]
        key = (s.shortcut or "").upper()
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{key}  {s.label}" if key else s.label
        if role == LABEL_ROLE:
            return s.label
        if role == KEY_ROLE:
            return key
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if s.id in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            hint = f"touche {key}" if key else "pas de touche (à définir dans le catalogue)"
            return f"{s.label} — {hint}, ou Espace sur la ligne"
        if role == Qt.ItemDataRole.BackgroundRole and s.id in self._checked:
            return QBrush(QColor("#dcfce7"))
        if role == Qt.ItemDataRole.FontRole and s.id in self._checked:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = "coché" if s.id in self._checked else "non coché"
            return f"{s.label}, {state}"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        sid = self._services[index.row()].id
        state = Qt.CheckState(value) if isinstance(value, int) else value
        if state == Qt.CheckState.Checked:
            self._checked.add(sid)
        else:
            self._checked.discard(sid)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()
        return True
