"""Plugging sync into the main window: Fichier → Synchroniser…, the Réseau screen, the
dossier d'échange (at start, every 30 minutes, on closing) and its status-bar line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel

from sarah.ui.context import AppContext
from sarah.ui.style import HINT_COLOUR
from sarah.ui.sync.dialog import SyncDialog
from sarah.ui.sync.exchange import ExchangeFolder
from sarah.ui.sync.network import NetworkScreen

SCREEN_KEY = "reseau"
SHORTCUT = "Ctrl+8"
SYNC_SHORTCUT = "Ctrl+Shift+S"
EXIT_EXCHANGE_TEXT = "Fermeture : dépôt du paquet de ce poste dans le dossier d'échange…"


@dataclass
class SyncParts:
    screen: NetworkScreen
    exchange: ExchangeFolder
    status: QLabel
    action: QAction
    dialog: SyncDialog | None = None


def install_sync(window: Any, ctx: AppContext) -> SyncParts:
    """Sync joins the installations of a network: sites on their own SQLite file and a
    PostgreSQL installation alike (its offline sites feed it by packages, docs/sync.md)."""
    screen = NetworkScreen(ctx, window)
    window.add_screen(SCREEN_KEY, "Réseau", screen, SHORTCUT)
    exchange = ExchangeFolder(ctx, window)
    status = QLabel(window)
    status.setObjectName("exchangeStatus")
    status.setStyleSheet(f"color: {HINT_COLOUR};")
    window.add_status_widget(status)
    action = QAction("S&ynchroniser…", window)
    action.setShortcut(QKeySequence(SYNC_SHORTCUT))
    action.setToolTip(f"Échanger les paquets avec les autres sites ({SYNC_SHORTCUT})")
    window.file_menu.insertAction(window.quit_action, action)
    window.file_menu.insertSeparator(window.quit_action)
    window.addAction(action)
    parts = SyncParts(screen, exchange, status, action)
    action.triggered.connect(lambda: open_sync_dialog(window, parts))
    screen.sync_requested.connect(lambda: open_sync_dialog(window, parts))
    exchange.told.connect(lambda text: _show_line(parts, text))
    exchange.received.connect(window.reload_all)
    window.last_work.connect(lambda: _exchange_on_exit(window, exchange))
    window._sync_parts = parts
    return parts


def sync_parts(window: Any) -> SyncParts | None:
    return getattr(window, "_sync_parts", None)


def start_exchange(window: Any) -> None:
    """The first round of the exchange folder, once the start-up check has passed."""
    parts = sync_parts(window)
    if parts is not None:
        parts.exchange.start()


def open_sync_dialog(window: Any, parts: SyncParts) -> SyncDialog:
    if parts.dialog is not None and parts.dialog.isVisible():
        parts.dialog.raise_()
        parts.dialog.activateWindow()
        return parts.dialog
    if parts.dialog is not None:
        parts.dialog.deleteLater()
    dialog = SyncDialog(window.ctx, parts.exchange, window)
    dialog.data_changed.connect(window.reload_all)
    dialog.finished.connect(lambda _code: _dialog_closed(window, parts))
    parts.dialog = dialog
    dialog.open()
    return dialog


def _dialog_closed(window: Any, parts: SyncParts) -> None:
    parts.screen.mark_stale()
    window.activateWindow()  # no window manager (a kiosk session): the keyboard comes back


def _show_line(parts: SyncParts, text: str) -> None:
    parts.status.setText(text)
    parts.status.setToolTip("\n".join(parts.exchange.details) or text)
    parts.screen.mark_stale()  # the Réseau view shows who was just heard from


def _exchange_on_exit(window: Any, exchange: ExchangeFolder) -> None:
    """The window closes once no work runs: this post's package, if the data changed."""
    if exchange.on_exit():
        window.tell_closing(EXIT_EXCHANGE_TEXT)
