"""The list of pg_dump copies on the Sauvegardes screen of a server: a Qt model over a list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from sarah.services.backups.server_dump import DumpInfo
from sarah.services.backups.server_listing import dump_state_text
from sarah.services.backups.status import human_size
from sarah.ui.style import ERROR_COLOUR
from sarah.ui.table_models.backup_list import reason_label
from sarah.ui.table_models.list_model import ListTableModel
from sarah.vocabulary import count_text


def _state(d: DumpInfo) -> str:
    text = dump_state_text(d)
    return text[0].upper() + text[1:]


DISPLAY: tuple[Callable[[DumpInfo], str], ...] = (
    lambda d: f"{d.created_at:%d/%m/%Y %H:%M}",
    lambda d: reason_label(d.reason),
    lambda d: count_text(d.contacts),
    lambda d: human_size(d.size),
    _state,
    lambda d: d.path.name,
)


class DumpTableModel(ListTableModel[DumpInfo]):
    DATE, REASON, CONTACTS, SIZE, STATE, FILE = range(6)
    HEADERS = ("Date", "Motif", "Contacts", "Taille", "État", "Fichier")
    RIGHT = frozenset({CONTACTS, SIZE})

    def cell(self, d: DumpInfo, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return DISPLAY[col](d)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.STATE and not d.verified:
            return QBrush(QColor(ERROR_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole and col == self.FILE:
            return str(d.path)
        return None
