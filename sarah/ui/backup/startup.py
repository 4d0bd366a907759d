"""Opening the database for the window: start-up check first, damaged file handled.

:func:`open_checked_database` is what ``sarah.ui.app`` calls instead of ``open_database``:

- the decision is :func:`sarah.services.backups.startup.plan_startup`'s: a file of ordinary size
  is checked before the window opens (well under a second); a big file already at the current
  schema opens at once in read-only mode while the check runs in the background (the window is
  usable within 2 s); writing is allowed when the check has passed (:func:`start_backups`);
- a damaged file shows :class:`DamagedDatabaseDialog`: restore a backup, open read-only, or quit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine

from sarah.db import create_db_engine, sqlite_path
from sarah.services.backups.record import configured_backup_folder
from sarah.services.backups.startup import Opening, StartupReport, check_database, plan_startup
from sarah.services.database import open_database
from sarah.ui.workers import run_in_background

log = logging.getLogger(__name__)


@dataclass
class OpenedDatabase:
    engine: Engine
    read_only: bool
    report: StartupReport | None  # None while a background check is pending
    check_pending: bool = False


def tell_recovered(parent: object, text: str) -> None:
    """Say what was done about a restore interrupted last time (replaceable in tests)."""
    from PySide6.QtWidgets import QMessageBox, QWidget

    QMessageBox.information(
        parent if isinstance(parent, QWidget) else None, "Restauration interrompue", text
    )


def open_checked_database(target: str | None, parent: object = None) -> OpenedDatabase | None:
    """The engine for the window, or None when the user chose to quit. UserError propagates."""
    plan = plan_startup(target)
    path = plan.path
    if path is None:
        return OpenedDatabase(open_database(target), False, None)
    if plan.opening is Opening.READ_ONLY_NOW:
        engine = open_database(target, migrate=False, check=False)
        return OpenedDatabase(engine, True, None, check_pending=True)
    report = check_database(path)  # finishes or undoes an interrupted restore first
    if report.recovered:
        tell_recovered(parent, report.recovered)
    if report.damaged:
        from sarah.ui.backup.damaged_dialog import DamagedDatabaseDialog

        dialog = DamagedDatabaseDialog(report, parent)  # type: ignore[arg-type]
        dialog.exec()
        if dialog.choice == DamagedDatabaseDialog.QUIT:
            return None
        if dialog.choice == DamagedDatabaseDialog.READ_ONLY:
            return OpenedDatabase(create_db_engine(path, read_only=True), True, report)
        report = check_database(path)  # restored: check the file now in place
    return OpenedDatabase(open_database(target, check=False), False, report)


def start_backups(window: object, opened: OpenedDatabase) -> None:
    """After the window is shown: finish a pending check, then the automatic backups."""
    from sarah.ui.backup.install import backup_parts

    parts = backup_parts(window)
    if parts is None:
        return
    ctx = parts.screen.ctx
    if not opened.check_pending:
        if not opened.read_only:
            parts.auto.start()
        else:
            parts.auto.enabled = False
        return

    db = sqlite_path(opened.engine)
    assert db is not None
    parts.status.setText("Vérification de la base en cours (lecture seule en attendant)…")

    def checked(report: StartupReport) -> None:
        if report.damaged:
            from sarah.ui.backup.damaged_dialog import DamagedDatabaseDialog

            parts.auto.enabled = False
            dialog = DamagedDatabaseDialog(report, window)  # type: ignore[arg-type]
            dialog.read_only_button.setText("Continuer en &lecture seule")
            dialog.quit_button.setVisible(False)
            dialog.exec()
            if dialog.choice == DamagedDatabaseDialog.RESTORED:
                opened.engine.dispose()
                ctx.read_only = False
                parts.auto.enabled = True
                parts.auto.start()
        else:
            ctx.read_only = False
            parts.auto.start()
        update = getattr(window, "update_title", None)
        if callable(update):
            update()
        parts.status.refresh()

    def failed(exc: BaseException) -> None:
        log.warning("background start-up check failed: %s", exc)
        parts.status.setText(f"Vérification de la base impossible : {exc}")

    run_in_background(
        check_database, db, configured_backup_folder(), on_result=checked, on_error=failed
    )
