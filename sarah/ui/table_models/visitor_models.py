"""The visitor page's tables: search results, a person's contacts, their visits per site."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from sarah.services.visitor_history import ContactLine, SiteVisits, VisitorRow
from sarah.ui.table_models.desk_results import (
    APPROXIMATE_COLOUR,
    APPROXIMATE_MARK,
    APPROXIMATE_TIP,
    BADGE_COLOURS,
)
from sarah.ui.table_models.list_model import ListTableModel
from sarah.vocabulary import AGE_GROUP_NAMES, CHANNEL_NAMES

__all__ = ["VisitorContactsModel", "VisitorSearchModel", "VisitorSitesModel"]

GREY = "#6b7280"


def _date(d: Any) -> str:
    return f"{d:%d/%m/%Y}" if d else "–"


class VisitorSearchModel(ListTableModel[VisitorRow]):
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
                self.NAME: lambda: (
                    f"{v.display_name}   {APPROXIMATE_MARK}" if r.approximate else v.display_name
                ),
                self.BORN: lambda: (
                    f"{v.birth_date:%d/%m/%Y} · {r.age} ans" if v.birth_date else "inconnue"
                ),
                self.GROUP: lambda: AGE_GROUP_NAMES[r.age_group],
                self.CONTACTS: lambda: str(r.contacts),
                self.LAST_VISIT: lambda: _date(r.last_visit),
            }
            return values[column]()
        if role == Qt.ItemDataRole.ForegroundRole and column == self.NAME and r.approximate:
            return QBrush(QColor(APPROXIMATE_COLOUR))
        if role == Qt.ItemDataRole.ForegroundRole and column == self.BORN and not v.birth_date:
            return QBrush(QColor(GREY))
        if role == Qt.ItemDataRole.BackgroundRole and column == self.GROUP:
            return QBrush(QColor(BADGE_COLOURS[r.age_group]))
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
            tip = f"{v.display_name} — {sex}, {r.contacts} contact(s), {first}"
            return f"{tip}\n{APPROXIMATE_TIP}" if r.approximate else tip
        return None


class VisitorContactsModel(ListTableModel[ContactLine]):
    DATE, TIME, SITE, CHANNEL, SERVICES, AGENT = range(6)
    HEADERS = ("Date", "Heure", "Site", "Canal", "Services", "Agent")

    def cell(self, c: ContactLine, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            values: dict[int, Callable[[], Any]] = {
                self.DATE: lambda: _date(c.local_date),
                self.TIME: lambda: f"{c.local_time:%H:%M}",
                self.SITE: lambda: c.site,
                self.CHANNEL: lambda: CHANNEL_NAMES.get(c.channel, c.channel),
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


class VisitorSitesModel(ListTableModel[SiteVisits]):
    SITE, FIRST, LAST, CONTACTS = range(4)
    HEADERS = ("Site", "Première visite", "Dernière visite", "Contacts")
    RIGHT = frozenset({CONTACTS})

    def cell(self, s: SiteVisits, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (s.site, _date(s.first_visit), _date(s.last_visit), str(s.contacts))[column]
        return None
