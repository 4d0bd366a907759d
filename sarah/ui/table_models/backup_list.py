"""The Sauvegardes list: date, reason, contacts, size, verified — a Qt model over a plain list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from sarah.services.backups.record import BackupInfo
from sarah.services.backups.status import human_size, state_text
from sarah.ui.style import ERROR_COLOUR, WARNING_COLOUR
from sarah.ui.table_models.list_model import ListTableModel
from sarah.vocabulary import count_text

REASONS = {
    "manuelle": "Manuelle",
    "demarrage": "Au démarrage",
    "automatique": "Automatique (30 min)",
    "fermeture": "À la fermeture",
    "avant-migration": "Avant mise à jour",
    "avant-import": "Avant import",
    "avant-restauration": "Avant restauration",
    "avant-purge": "Avant purge",
    "avant-synchronisation": "Avant synchronisation",
    "avant-demo": "Avant démonstration",
}


def reason_label(reason: str) -> str:
    if reason in REASONS:
        return REASONS[reason]
    if reason.startswith("avant-"):
        return "Avant " + reason.removeprefix("avant-").replace("-", " ")
    return reason.replace("-", " ").capitalize()


def _state_text(b: BackupInfo) -> str:
    text = state_text(b)
    return text[0].upper() + text[1:]


# What each column shows, by column number (the order of HEADERS).
DISPLAY: tuple[Callable[[BackupInfo], str], ...] = (
    lambda b: f"{b.created_at:%d/%m/%Y %H:%M}",
    lambda b: reason_label(b.reason),
    lambda b: count_text(b.contacts),
    lambda b: human_size(b.size),
    _state_text,
    lambda b: b.path.name,
)
NO_MANIFEST_TIP = (
    "Ce fichier n'a pas de manifeste : SARAH ne l'a pas fait ou pas vérifié. Il "
    "n'est jamais effacé automatiquement."
)
VERIFIED_TIP = "Date de la dernière relecture complète (comparée à son empreinte)"


class BackupTableModel(ListTableModel[BackupInfo]):
    DATE, REASON, CONTACTS, SIZE, STATE, FILE = range(6)
    HEADERS = ("Date", "Motif", "Contacts", "Taille", "État", "Fichier")
    RIGHT = frozenset({CONTACTS, SIZE})

    def set_backups(self, backups: Sequence[BackupInfo]) -> None:
        self.set_rows(backups)

    def backup(self, row: int) -> BackupInfo:
        return self.row_at(row)

    def backups(self) -> list[BackupInfo]:
        return self.rows()

    def cell(self, b: BackupInfo, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return DISPLAY[col](b)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._state_colour(b) if col == self.STATE else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(b, col)
        return None

    def _state_colour(self, b: BackupInfo) -> QBrush | None:
        """Red for a damaged backup, amber for one not verified."""
        if b.verified:
            return None
        return QBrush(QColor(ERROR_COLOUR if b.problem else WARNING_COLOUR))

    def _tooltip(self, b: BackupInfo, col: int) -> str:
        if col == self.STATE and not b.has_manifest:
            return NO_MANIFEST_TIP
        if col == self.STATE and b.verified:
            return VERIFIED_TIP
        return str(b.path)
