"""The Réseau screen: every known site, its last package received, how old, how many contacts.

A calm banner names the sites not heard from for more than ``silent_days`` days (the old tool
lost five months without anyone noticing). The figures are read again when the screen is shown
after a change (``mark_stale``), or with F5.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sarah.services.sync.status import NetworkStatus, SiteStatus, network_status
from sarah.settings import save_settings
from sarah.ui.context import AppContext
from sarah.ui.dialogs.crash import failure_text
from sarah.ui.style import ERROR_STYLE, HINT_COLOUR
from sarah.ui.table_models.sync_sites import SyncSitesModel
from sarah.vocabulary import count_of

BANNER_STYLE = (
    "#silentBanner { background: #fffbeb; border: 1px solid #fcd34d; border-radius: 4px; "
    "padding: 6px; }"
)


def home_of(ctx: AppContext) -> str | None:
    """This installation's own site; None for a coordination installation (no desk here)."""
    return None if ctx.settings.coordination else ctx.site.name


def silence_text(sites: list[SiteStatus], days: int) -> str:
    """The banner's words for the silent sites."""
    names = html.escape(", ".join(s.name for s in sites))  # the banner is rich text
    never = all(s.heard_at is None for s in sites)
    since = (
        "n'a jamais rien envoyé ici" if never else f"n'a rien envoyé depuis plus de {days} jours"
    )
    if len(sites) > 1:
        since = since.replace("n'a", "n'ont")
    who = f"{count_of(len(sites), 'site', 'sites')} ({names})"
    return (
        f"<b>À vérifier :</b> {who} {since}. Demandez à son poste d'exporter un paquet "
        "(Fichier → Synchroniser…) ou vérifiez le dossier d'échange."
    )


class NetworkScreen(QWidget):
    sync_requested = Signal()  # "Synchroniser…" pressed here

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        self._dirty = True
        self.status: NetworkStatus | None = None
        self.banner = QLabel(self)
        self.banner.setObjectName("silentBanner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.key_line = QLabel(self)
        self.key_line.setObjectName("keyLine")
        self.model = SyncSitesModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("networkSites")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Sites du réseau")
        self.error_line = QLabel(self)
        self.error_line.setStyleSheet(ERROR_STYLE)
        self.error_line.setWordWrap(True)
        self.peers_line = QLabel(self)
        self.peers_line.setWordWrap(True)
        self.peers_line.setStyleSheet(f"color: {HINT_COLOUR};")
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(self._top_row())
        layout.addWidget(self.table, 1)
        layout.addWidget(self.peers_line)
        layout.addWidget(self.error_line)
        refresh = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)

    def _top_row(self) -> QHBoxLayout:
        self.sync_button = QPushButton("S&ynchroniser…", self)  # Alt+S is the Saisie menu
        self.sync_button.clicked.connect(self.sync_requested.emit)
        self.silent_spin = QSpinBox(self)
        self.silent_spin.setObjectName("silentDays")
        self.silent_spin.setRange(1, 365)
        self.silent_spin.setSuffix(" jours")
        self.silent_spin.setValue(self.ctx.settings.silent_days)
        self.silent_spin.setToolTip(
            "Un site dont rien n'est arrivé depuis plus longtemps est signalé"
        )
        self.silent_spin.valueChanged.connect(self.set_silent_days)
        label = QLabel("A&vertir après :", self)
        label.setBuddy(self.silent_spin)
        row = QHBoxLayout()
        row.addWidget(self.key_line, 1)
        row.addWidget(label)
        row.addWidget(self.silent_spin)
        row.addWidget(self.sync_button)
        return row

    def set_silent_days(self, days: int) -> None:
        """Remember how long a site may stay silent (settings saved), then look again."""
        self.ctx.settings.silent_days = days
        try:
            save_settings(self.ctx.settings)
        except OSError as exc:  # the settings file's folder read-only, a full disk...
            self.error_line.setText(f"Réglage non enregistré : {exc.strerror or exc}.")
            return
        if self.status is not None:
            self.show_status(self.status)

    # --- reading ------------------------------------------------------------------------------

    def mark_stale(self) -> None:
        """The data changed: read again now if shown, else when shown next."""
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        self._dirty = False
        try:
            status = network_status(self.ctx.engine, home_of(self.ctx))
        except Exception as exc:  # a damaged key says why; a bug opens the crash dialog
            self.error_line.setText(failure_text("Réseau illisible", exc, self))
            return
        self.error_line.clear()
        self.show_status(status)

    def show_status(self, status: NetworkStatus) -> None:
        self.status = status
        today = self._today()
        days = self.ctx.settings.silent_days
        silent = status.silent_sites(today, days)
        self.model.today = today
        self.model.silent = {s.name for s in silent}
        self.model.set_rows(status.sites)
        self.banner.setText(silence_text(silent, days) if silent else "")
        self.banner.setVisible(bool(silent))
        self.key_line.setText(
            f"Réseau {status.key_id} — {count_of(len(status.sites), 'site connu', 'sites connus')}."
            if status.key_id
            else "Aucune clé de réseau sur ce poste : Fichier → Synchroniser… pour l'importer."
        )
        self.peers_line.setText(self._peers_text(status))

    @staticmethod
    def _peers_text(status: NetworkStatus) -> str:
        if not status.peers:
            return "Aucun paquet reçu d'une autre installation pour l'instant."
        heard = "; ".join(
            f"{p.name} : paquet écrit le {p.exported_at:%d/%m/%Y à %H:%M}, "
            f"reçu le {p.received_at:%d/%m/%Y}"
            for p in status.peers
        )
        return f"Installations entendues : {heard}."
