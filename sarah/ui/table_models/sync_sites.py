"""The Réseau table: each known site, what this installation holds of it, when it was heard of."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from sarah.services.sync.status import SiteStatus
from sarah.ui.style import WARNING_COLOUR
from sarah.ui.table_models.list_model import ListTableModel
from sarah.vocabulary import count_of, count_text


def heard_text(site: SiteStatus) -> str:
    if site.here:
        return "ce poste"
    if site.heard_at is None:
        return "aucun paquet reçu"
    return f"{site.heard_at:%d/%m/%Y à %H:%M}"


def age_text(days: int | None, site: SiteStatus) -> str:
    if site.here:
        return "—"
    if days is None:
        return "jamais entendu"
    if days == 0:
        return "aujourd'hui"
    return "hier" if days == 1 else f"il y a {count_of(days, 'jour')}"


class SyncSitesModel(ListTableModel[SiteStatus]):
    """``today`` and ``silent_days`` say which rows are silent (shown in the warning colour)."""

    HEADERS = ("Point Relais", "Contacts", "Dernier contact", "Dernier paquet reçu", "Ancienneté")
    RIGHT = frozenset({1})

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.today = date.today()
        self.silent: set[str] = set()
        self._display: tuple[Callable[[SiteStatus], str], ...] = (
            lambda s: s.name,
            lambda s: count_text(s.contacts),
            lambda s: f"{s.last_contact:%d/%m/%Y}" if s.last_contact else "aucun",
            heard_text,
            lambda s: age_text(s.silent_days(self.today), s),
        )

    def cell(self, item: SiteStatus, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[column](item)
        if role == Qt.ItemDataRole.ForegroundRole and item.name in self.silent:
            return QBrush(QColor(WARNING_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole and item.name in self.silent:
            return "Rien reçu de ce site depuis longtemps : voir l'avertissement au-dessus."
        return None
