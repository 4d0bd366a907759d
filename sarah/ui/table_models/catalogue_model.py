"""The coordinator's catalogue table: order, key, label, use, state (retired rows greyed)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from sarah.services.catalogue import ServiceInfo, ServiceUsage
from sarah.ui.table_models.desk_list_model import GREY, DeskListModel, key_text
from sarah.vocabulary import count_text

HEADERS = ("N°", "Touche", "Libellé", "Utilisations", "Dernière utilisation", "État", "Code")


class CatalogueModel(DeskListModel[ServiceInfo]):
    NUMBER, KEY, LABEL, USES, LAST_USED, STATE, CODE = range(7)
    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._usage: Mapping[uuid.UUID, ServiceUsage] | None = None  # None: still counting

    def set_services(self, services: Sequence[ServiceInfo]) -> None:
        self.set_rows(services)

    def set_usage(self, usage: Mapping[uuid.UUID, ServiceUsage] | None) -> None:
        self._usage = usage
        if self._rows:
            self.dataChanged.emit(
                self.index(0, self.USES), self.index(len(self._rows) - 1, self.LAST_USED)
            )

    def services(self) -> list[ServiceInfo]:
        return list(self._rows)

    def service(self, row: int) -> ServiceInfo:
        return self._rows[row]

    def usage_loaded(self) -> bool:
        return self._usage is not None

    def usage(self, service_id: uuid.UUID) -> ServiceUsage | None:
        """None while the counts are loading."""
        if self._usage is None:
            return None
        return self._usage.get(service_id, ServiceUsage(0, None))

    def header_tip(self, section: int) -> str | None:
        return {
            self.KEY: "La lettre qui coche ce service sur l'écran Accueil",
            self.USES: "Contacts qui ont délivré ce service, tous sites, depuis le début",
            self.CODE: "Identifiant stable : il ne change jamais, même si le libellé change",
        }.get(section)

    # --- one method per role: (row, column) -> what Qt shows -----------------------------------

    def _display(self, row: int, column: int) -> str:
        if column == self.NUMBER:
            return str(row + 1)
        s = self._rows[row]
        text = SERVICE_TEXT.get(column)
        if text is not None:
            return text(s)
        usage = self.usage(s.id)
        if usage is None:
            return "…"
        if column == self.USES:
            return count_text(usage.uses)
        return f"{usage.last_used:%d/%m/%Y}" if usage.last_used else "jamais"

    def _alignment(self, _row: int, column: int) -> int | None:
        return ALIGNMENTS.get(column)

    def _foreground(self, row: int, column: int) -> QBrush | None:
        if self._rows[row].retired or column == self.CODE:
            return QBrush(QColor(GREY))
        return None

    def _tooltip(self, row: int, _column: int) -> str:
        s = self._rows[row]
        if s.retired:
            return f"« {s.label} » est retiré : absent de l'accueil, gardé dans l'historique."
        return f"« {s.label} » — touche {s.shortcut.upper() if s.shortcut else 'aucune'}"


# The columns read from the service itself; the use columns wait for the counts.
SERVICE_TEXT: dict[int, Callable[[ServiceInfo], str]] = {
    CatalogueModel.KEY: key_text,
    CatalogueModel.LABEL: lambda s: s.label,
    CatalogueModel.STATE: lambda s: "retiré" if s.retired else "actif",
    CatalogueModel.CODE: lambda s: s.code,
}
ALIGNMENTS = {
    CatalogueModel.NUMBER: int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
    CatalogueModel.USES: int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
    CatalogueModel.KEY: int(Qt.AlignmentFlag.AlignCenter),
}
