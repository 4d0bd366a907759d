"""The visitor page's tables: search results, a person's contacts, their visits per site."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from sarah.services.visitor_history import ContactLine, SiteVisits, VisitorRow

Index = QModelIndex | QPersistentModelIndex
T = TypeVar("T")

GROUP_LABELS = {"jeunes": "jeune", "adultes": "adulte", "NR": "âge inconnu"}
GROUP_COLOURS = {"jeunes": "#dbeafe", "adultes": "#e5e7eb", "NR": "#fef3c7"}
SEX_LABELS = {"F": "F", "H": "H", None: "–"}
CHANNEL_LABELS = {"physique": "Physique", "telephone": "Téléphone"}
GREY = "#6b7280"


def _date(d: Any) -> str:
    return f"{d:%d/%m/%Y}" if d else "–"


class _ListModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a plain list; subclasses name the columns and format the cells."""

    HEADERS: tuple[str, ...] = ()
    RIGHT: frozenset[int] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        return list(self._rows)

    def row_at(self, row: int) -> T:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.HEADERS):
                return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not (0 <= index.column() < len(self.HEADERS)):
            return None
        item = self._rows[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.RIGHT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.cell(item, index.column(), role)

    def cell(self, item: T, column: int, role: int) -> Any:
        raise NotImplementedError


class VisitorSearchModel(_ListModel[VisitorRow]):
    NAME, BORN, GROUP, CONTACTS, LAST_VISIT = range(5)
    HEADERS = ("Nom", "Naissance", "Public", "Contacts", "Dernière visite")
    RIGHT = frozenset({CONTACTS})

    def row_of(self, visitor_id: uuid.UUID) -> int | None:
        for row, r in enumerate(self._rows):
            if r.visitor.id == visitor_id:
                return row
        return None

    def cell(self, r: VisitorRow, column: int, role: int) -> Any:
        v = r.visitor
        if role == Qt.ItemDataRole.DisplayRole:
            values: dict[int, Callable[[], Any]] = {
                self.NAME: lambda: v.display_name,
                self.BORN: lambda: (
                    f"{v.birth_date:%d/%m/%Y} · {r.age} ans" if v.birth_date else "inconnue"
                ),
                self.GROUP: lambda: GROUP_LABELS[r.age_group],
                self.CONTACTS: lambda: str(r.contacts),
                self.LAST_VISIT: lambda: _date(r.last_visit),
            }
            return values[column]()
        if role == Qt.ItemDataRole.ForegroundRole and column == self.BORN and not v.birth_date:
            return QBrush(QColor(GREY))
        if role == Qt.ItemDataRole.BackgroundRole and column == self.GROUP:
            return QBrush(QColor(GROUP_COLOURS[r.age_group]))
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == self.LAST_VISIT
            and not r.last_visit
        ):
            return QBrush(QColor(GREY))
        if role == Qt.ItemDataRole.ToolTipRole:
            sex = {"F": "femme", "H": "homme"}.get(v.sex or "", "sexe non renseigné")
            first = (
                f"première visite le {_date(r.first_visit)}" if r.first_visit else "jamais venu(e)"
            )
            return f"{v.display_name} — {sex}, {r.contacts} contact(s), {first}"
        return None


class VisitorContactsModel(_ListModel[ContactLine]):
    DATE, TIME, SITE, CHANNEL, SERVICES, AGENT = range(6)
    HEADERS = ("Date", "Heure", "Site", "Canal", "Services", "Agent")

    def cell(self, c: ContactLine, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            values: dict[int, Callable[[], Any]] = {
                self.DATE: lambda: _date(c.local_date),
                self.TIME: lambda: f"{c.local_time:%H:%M}",
                self.SITE: lambda: c.site,
                self.CHANNEL: lambda: CHANNEL_LABELS.get(c.channel, c.channel),
                self.SERVICES: lambda: " · ".join(c.services) if c.services else "aucun service",
                self.AGENT: lambda: c.agent or "–",
            }
            return values[column]()
        if role == Qt.ItemDataRole.ForegroundRole and column == self.SERVICES and not c.services:
            return QBrush(QColor(GREY))
        if role == Qt.ItemDataRole.ToolTipRole:
            services = "\n".join(f"• {label}" for label in c.services) or "aucun service"
            typed = f"saisi le {c.entered_at:%d/%m/%Y à %H:%M}"
            return f"{_date(c.local_date)} {c.local_time:%H:%M} à {c.site} — {typed}\n{services}"
        return None


class VisitorSitesModel(_ListModel[SiteVisits]):
    SITE, FIRST, LAST, CONTACTS = range(4)
    HEADERS = ("Site", "Première visite", "Dernière visite", "Contacts")
    RIGHT = frozenset({CONTACTS})

    def cell(self, s: SiteVisits, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (s.site, _date(s.first_visit), _date(s.last_visit), str(s.contacts))[column]
        return None
