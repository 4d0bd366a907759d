"""Plugging backups into the main window: screen, status-bar widget, timer, exit backup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sarah.db import sqlite_path
from sarah.ui.backup.auto import AutoBackup
from sarah.ui.backup.screen import BackupScreen
from sarah.ui.backup.status import BackupStatusWidget
from sarah.ui.context import AppContext

SCREEN_KEY = "sauvegardes"
SHORTCUT = "Ctrl+9"
EXIT_BACKUP_TEXT = "Fermeture : sauvegarde des dernières saisies si nécessaire…"


@dataclass
class BackupParts:
    screen: BackupScreen
    status: BackupStatusWidget
    auto: AutoBackup


def install_backups(window: Any, ctx: AppContext) -> BackupParts | None:
    """Add the Sauvegardes screen and the status widget; automatic backups start later
    (:func:`sarah.ui.backup.startup.start_backups`), once the start-up check has passed."""
    if ctx.engine.dialect.name == "postgresql":
        from sarah.ui.backup.server_screen import install_server_backups

        # The server's own screen: its backups, this desk's pg_dump copies, who restores.
        install_server_backups(window, ctx, SCREEN_KEY, SHORTCUT)
        return None
    if sqlite_path(ctx.engine) is None:
        return None  # an in-memory database: nothing to back up
    auto = AutoBackup(
        lambda: sqlite_path(ctx.engine),
        ctx.settings.backup_path,
        interval_minutes=ctx.settings.backup_interval_minutes,
        parent=window,
    )
    status = BackupStatusWidget(
        ctx.settings.backup_path,
        warning_hours=lambda: ctx.settings.backup_warning_hours,
        parent=window,
    )
    screen = BackupScreen(ctx, auto, window)
    window.add_screen(SCREEN_KEY, "Sauvegardes", screen, SHORTCUT)
    window.add_status_widget(status)
    status.clicked.connect(lambda: window.show_screen(SCREEN_KEY))
    auto.finished.connect(lambda _info: _after_backup(auto, status))
    auto.failed.connect(lambda _text: _after_backup(auto, status))
    screen.folder_changed.connect(lambda _f: status.refresh())
    status.refreshed.connect(screen.show_state)  # one state, one wording, in both places
    screen.database_replaced.connect(lambda _r: _after_restore(window, status))
    parts = BackupParts(screen, status, auto)
    window.last_work.connect(lambda: _back_up_on_exit(window, parts))  # engine still open
    window._backup_parts = parts
    status.refresh()
    return parts


def backup_parts(window: Any) -> BackupParts | None:
    return getattr(window, "_backup_parts", None)


def _after_backup(auto: AutoBackup, status: BackupStatusWidget) -> None:
    if not auto.exiting:  # the window is going: nobody will read the state
        status.refresh()


def _back_up_on_exit(window: Any, parts: BackupParts) -> None:
    """The window closes once no work runs: the exit backup in the background, if needed."""
    parts.status.timer.stop()
    if parts.auto.on_exit():
        window.tell_closing(EXIT_BACKUP_TEXT)


def _after_restore(window: Any, status: BackupStatusWidget) -> None:
    """Screens showing data read before the restore read it again."""
    status.refresh()
    reload_all = getattr(window, "reload_all", None)
    if callable(reload_all):
        reload_all()  # every screen, the statistics and the visitors included
