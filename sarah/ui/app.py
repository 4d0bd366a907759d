"""Opening the window: Qt application, database, first start, main window, error handling.

``sarah`` without a sub-command calls :func:`run_app`. A problem the user can act on (locked,
damaged or misplaced database, full disk) is a plain French message box and exit code 2; a bug
goes to the crash dialog with a log file under ``paths.log_dir()``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from logging.handlers import RotatingFileHandler
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from sarah import paths
from sarah.errors import UserError
from sarah.services.sites import SiteInfo, list_sites
from sarah.settings import Settings, load_settings

if TYPE_CHECKING:
    from sarah.ui.backup.startup import OpenedDatabase
    from sarah.ui.main_window import MainWindow
    from sarah.ui.server.location_panel import ChosenLocation

EXIT_USER_ERROR = 2

log = logging.getLogger(__name__)


def setup_logging() -> None:
    """A rotating log file in the log folder (crash logs are separate files next to it)."""
    root = logging.getLogger()
    if any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        return
    try:
        handler = RotatingFileHandler(
            paths.log_dir() / "sarah.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def home_site(engine: Engine, settings: Settings) -> SiteInfo | None:
    """The site named in the settings, if it still exists in this database."""
    if not settings.home_site:
        return None
    return next((s for s in list_sites(engine) if s.name == settings.home_site), None)


def database_writable(engine: Engine) -> bool:
    """False for a SQLite file on a read-only medium or in a folder SARAH may not write."""
    from sarah.db import sqlite_path
    from sarah.dbfile import is_writable

    path = sqlite_path(engine)
    return path is None or is_writable(path)


def open_window_data(
    args: argparse.Namespace, settings: Settings, first: list[ChosenLocation]
) -> OpenedDatabase | None:
    """The window's data: at first start, where it lives is asked first (then put in
    ``first`` and in the settings, which are saved with the site and the agent); a server that
    does not answer or refuses shows its dialog until it answers. None: the agent quit."""
    from sarah.ui.server.location_panel import ChosenLocation
    from sarah.ui.server.opening import open_for_window, remember_in_settings

    from_command_line = getattr(args, "db", None)
    if from_command_line is not None:
        return open_for_window(from_command_line)  # corrections there are not kept
    if settings.database is not None or settings.home_site is not None:
        return open_for_window(settings.database, remember=remember_in_settings(settings))
    chosen = ask_data_location()
    if chosen is None:
        return None
    first.append(chosen)
    settings.database = chosen.target

    def corrected(again: ChosenLocation) -> None:  # the dialog's fields, kept in memory
        settings.database = again.target
        first[0] = ChosenLocation(again.target, again.password or chosen.password)

    return open_for_window(chosen.target, password=chosen.password or None, remember=corrected)


def ask_data_location() -> ChosenLocation | None:
    """The first start's first step (replaceable in tests): None when the agent cancelled."""
    from sarah.ui.server.location_dialog import DataLocationDialog

    dialog = DataLocationDialog()
    if dialog.exec() != DataLocationDialog.DialogCode.Accepted:
        return None
    return dialog.chosen


def keep_first_password(chosen: ChosenLocation) -> None:
    """The server's password typed at first start goes to the keychain once the settings are
    saved; where none works, the agent is told it will be asked at each start."""
    from PySide6.QtWidgets import QMessageBox

    from sarah.services.server.keychain import store_password
    from sarah.services.server.location import server_fields
    from sarah.ui.server.moving import NO_KEYCHAIN

    fields = server_fields(chosen.target) if chosen.target else None
    if fields is None or not chosen.password:
        return
    if not store_password(fields, chosen.password):
        QMessageBox.information(None, "SARAH — mot de passe du serveur", NO_KEYCHAIN)


def build_main_window(args: argparse.Namespace) -> tuple[MainWindow | None, int]:
    """Open the database, ask for the site and agent on first start, build the window.

    Returns ``(window, exit_code)``; ``window`` is None when the program must stop
    (user error already shown, or first start cancelled).
    """
    from sarah.services.accounts.store import has_accounts
    from sarah.ui.accounts.install import install_accounts
    from sarah.ui.accounts.login import ask_login
    from sarah.ui.accounts.signing_in import sign_in
    from sarah.ui.backup.startup import start_backups
    from sarah.ui.context import AppContext
    from sarah.ui.dialogs.crash import show_user_error
    from sarah.ui.dialogs.first_start import FirstStartDialog
    from sarah.ui.main_window import MainWindow

    settings = load_settings()
    first: list[ChosenLocation] = []  # the place chosen at first start, if it was asked
    try:
        opened = open_window_data(args, settings, first)
        if opened is None:
            return None, 0
        engine = opened.engine
        if not database_writable(engine):
            opened.read_only = True  # a read-only medium or folder: look, don't type
        site = home_site(engine, settings)
    except UserError as exc:
        show_user_error(exc, None, blocking=True)
        return None, EXIT_USER_ERROR
    account = None
    if has_accounts(engine):  # before any name shows: the quick login
        account = ask_login(engine)
        if account is None:
            engine.dispose()
            return None, 0
    if site is None or not (settings.agent_name or account):
        dialog = FirstStartDialog(engine, settings, show_location=False)
        if dialog.exec() != FirstStartDialog.DialogCode.Accepted or dialog.site is None:
            engine.dispose()
            return None, 0
        site = dialog.site
    if first:
        keep_first_password(first[0])
    ctx = AppContext(
        engine=engine,
        settings=settings,
        site=site,
        agent=settings.agent_name or "",
        read_only=opened.read_only,
    )
    if account is not None:
        sign_in(ctx, account)
    window = MainWindow(ctx)
    from sarah.ui.server.status import install_data_location

    install_data_location(window, ctx)  # "Données : …" in the status bar; a lost server's banner
    install_accounts(window, account)  # idle lock, or the admin creation while none exists
    window.about_to_close.connect(engine.dispose)
    start_backups(window, opened)  # pending check, start-up backup, 30-minute timer
    from sarah.ui.sync.install import start_exchange
    from sarah.ui.workers import when_idle

    # The exchange folder's first round once the check and the start-up backup have ended.
    when_idle(lambda: start_exchange(window), context=window)
    from sarah.ui.privacy.upkeep import install_privacy_upkeep

    # Then the day's purges (audit log, retention), and again after each midnight.
    upkeep = install_privacy_upkeep(window, ctx)
    statistics = window.screen_for("statistiques")
    upkeep.finished.connect(lambda _r: getattr(statistics, "mark_stale", lambda: None)())
    return window, 0


def run_app(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from sarah.ui.dialogs.crash import install_excepthook
    from sarah.ui.translations import install_french_translations

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("SARAH")
    # No application display name: Qt would add " — SARAH" to titles that already start with it.
    app.setOrganizationName(paths.APP_AUTHOR)
    from sarah.ui.icon import install_app_icon

    install_app_icon(app)  # SARAH's mark on every window and the taskbar
    setup_logging()
    install_french_translations(app)
    install_excepthook()
    window, code = build_main_window(args)
    if window is None:
        return code
    window.show()
    # Without a window manager (a kiosk session) nothing activates the window, and Qt fires
    # no shortcut in an inactive one: activate it so every key works from the first second.
    window.raise_()
    window.activateWindow()
    window.desk.form.search_edit.setFocus()
    log.info("window opened on site %s", window.ctx.site.name)
    return app.exec()
