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
    from sarah.ui.main_window import MainWindow

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


def build_main_window(args: argparse.Namespace) -> tuple[MainWindow | None, int]:
    """Open the database, ask for the site and agent on first start, build the window.

    Returns ``(window, exit_code)``; ``window`` is None when the program must stop
    (user error already shown, or first start cancelled).
    """
    from sarah.services.accounts.store import has_accounts
    from sarah.ui.accounts.install import install_accounts
    from sarah.ui.accounts.login import ask_login
    from sarah.ui.accounts.signing_in import sign_in
    from sarah.ui.context import AppContext
    from sarah.ui.dialogs.crash import show_user_error
    from sarah.ui.dialogs.first_start import FirstStartDialog
    from sarah.ui.main_window import MainWindow

    settings = load_settings()
    target = getattr(args, "db", None) or settings.database
    from sarah.ui.backup.startup import open_checked_database, start_backups

    try:
        opened = open_checked_database(target)  # start-up check; damaged file: restore or read-only
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
        dialog = FirstStartDialog(engine, settings)
        if dialog.exec() != FirstStartDialog.DialogCode.Accepted or dialog.site is None:
            engine.dispose()
            return None, 0
        site = dialog.site
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
    app.setApplicationDisplayName("SARAH")
    app.setOrganizationName(paths.APP_AUTHOR)
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
