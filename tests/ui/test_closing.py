"""Closing the window and restoring a damaged file without blocking the GUI thread: closing waits
for the work under way (a contact being saved, a backup), then the exit backup, then goes, once;
the damaged-file dialog restores in the background and reports."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from faults.faultkit import add_contacts, checkpoint, dump, garble_header
from sqlalchemy import Engine

from sarah.services.backups.create import create_backup
from sarah.services.backups.listing import list_backups
from sarah.services.backups.startup import check_database
from sarah.ui.backup import auto as auto_module
from sarah.ui.backup.damaged_dialog import DamagedDatabaseDialog
from sarah.ui.backup.install import EXIT_BACKUP_TEXT, backup_parts
from sarah.ui.closing import WAITING_TEXT, Stage
from sarah.ui.workers import is_idle, run_in_background

WAIT_MS = 20_000


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Holds a background task until the test lets it go (set at the end whatever happens)."""
    event = threading.Event()
    yield event
    event.set()


def _closings(window) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    window.about_to_close.connect(lambda: seen.append("about_to_close"))
    return seen


def _idle_window(qtbot, make_window):  # type: ignore[no-untyped-def]
    window = make_window()
    qtbot.waitUntil(is_idle, timeout=WAIT_MS)  # the lists and the status read at start-up
    return window


# --- closing the window -------------------------------------------------------------------------


def test_closing_while_idle_closes_at_once(qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    window = _idle_window(qtbot, make_window)
    parts = backup_parts(window)
    assert parts is not None
    parts.auto.enabled = False  # as in read-only mode: no exit backup to wait for
    seen = _closings(window)
    assert window.close() is True
    assert not window.isVisible() and seen == ["about_to_close"]
    assert window.close() is True and seen == ["about_to_close"]  # one closing


def test_closing_with_nothing_changed_makes_no_exit_backup_and_closes(
    qtbot, make_window, ctx, db_path: Path
) -> None:  # type: ignore[no-untyped-def]
    create_backup(db_path, ctx.settings.backup_path(), "manuelle")
    window = _idle_window(qtbot, make_window)
    seen = _closings(window)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert seen == ["about_to_close"]
    assert [b.reason for b in list_backups(ctx.settings.backup_path())] == ["manuelle"]


def test_closing_while_a_backup_runs_closes_after_it_with_the_exit_backup(
    qtbot, make_window, ctx, engine: Engine, release, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    real = auto_module._backup_and_rotate

    def held(db, folder, reason):  # type: ignore[no-untyped-def]
        info = yield from real(db, folder, reason)
        release.wait(10)  # the copy is made; the backup has not reported yet
        return info

    monkeypatch.setattr(auto_module, "_backup_and_rotate", held)
    add_contacts(engine, 2)
    window = _idle_window(qtbot, make_window)
    parts = backup_parts(window)
    assert parts is not None
    seen = _closings(window)
    assert parts.auto.backup_now()
    qtbot.waitUntil(lambda: len(list_backups(ctx.settings.backup_path())) == 1, timeout=WAIT_MS)
    add_contacts(engine, 1)  # saved after the copy: only the exit backup holds it
    assert window.close() is False  # the backup runs: the window stays, disabled, and says why
    assert window.isVisible() and not window.isEnabled()
    assert window.statusBar().currentMessage() == WAITING_TEXT
    assert window.close() is False and window.closing.stage is Stage.WAITING
    release.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert seen == ["about_to_close"]
    backups = {b.reason: b for b in list_backups(ctx.settings.backup_path())}
    assert set(backups) == {"manuelle", "fermeture"}
    assert backups["manuelle"].contacts == 2 and backups["fermeture"].contacts == 3


def test_closing_while_a_contact_is_saved_keeps_it_in_the_exit_backup(
    qtbot, make_window, ctx, engine: Engine, release
) -> None:  # type: ignore[no-untyped-def]
    window = _idle_window(qtbot, make_window)
    seen = _closings(window)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)

    def slow_save() -> None:
        release.wait(10)
        add_contacts(engine, 1)

    run_in_background(slow_save)
    assert window.close() is False
    assert window.statusBar().currentMessage() == WAITING_TEXT
    release.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert seen == ["about_to_close"]
    assert EXIT_BACKUP_TEXT in messages  # the exit backup said it was running
    [exit_backup] = list_backups(ctx.settings.backup_path())
    assert exit_backup.reason == "fermeture" and exit_backup.contacts == 1


@pytest.mark.allow_log("backup on exit failed")
def test_a_failed_exit_backup_does_not_keep_the_window_open(
    qtbot, make_window, ctx, engine: Engine, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = _idle_window(qtbot, make_window)
    add_contacts(engine, 1)
    ctx.settings.backup_dir = str(tmp_path / "cle-absente")  # the USB key was pulled out
    seen = _closings(window)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert seen == ["about_to_close"]
    parts = backup_parts(window)
    assert parts is not None and parts.auto.last_error


# --- restoring from the Sauvegardes screen ---------------------------------------------------------


def test_a_restore_from_the_screen_waits_for_the_work_under_way(
    qtbot, ctx, engine: Engine, db_path: Path, release
) -> None:  # type: ignore[no-untyped-def]
    from sarah.db import sqlite_path
    from sarah.ui.backup.auto import AutoBackup
    from sarah.ui.backup.screen import BackupScreen

    add_contacts(engine, 2)
    create_backup(db_path, ctx.settings.backup_path())
    add_contacts(engine, 3)
    screen = BackupScreen(
        ctx, AutoBackup(lambda: sqlite_path(ctx.engine), ctx.settings.backup_path)
    )
    screen.inform = lambda _t, _x: None
    screen.confirm = lambda _t, _x: True
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.listings >= 1 and is_idle(), timeout=WAIT_MS)
    run_in_background(release.wait, 10)  # a contact being saved, say
    screen.restore_selected()
    assert "fin des enregistrements" in screen.message.text() and not screen.isEnabled()
    assert len(dump(db_path)["contacts"]) == 5  # nothing replaced while the work runs
    with qtbot.waitSignal(screen.database_replaced, timeout=WAIT_MS):
        release.set()
    assert len(dump(db_path)["contacts"]) == 2 and screen.isEnabled()


# --- the damaged-file dialog --------------------------------------------------------------------


def _damaged(engine: Engine, db_path: Path, folder: Path):  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True, exist_ok=True)
    add_contacts(engine, 4)
    good = create_backup(db_path, folder)
    engine.dispose()
    checkpoint(db_path)
    garble_header(db_path)
    return good, check_database(db_path, folder)


def test_the_damaged_dialog_restores_in_the_background_and_reports(
    qtbot, engine: Engine, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    good, report = _damaged(engine, db_path, tmp_path / "sauvegardes")
    dialog = DamagedDatabaseDialog(report)
    told: list[str] = []
    dialog.inform = lambda _t, text: told.append(text)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.restore_button.click()
    # Running: every button waits, the dialog cannot be dismissed, nothing is decided yet.
    assert dialog.busy and "en cours" in dialog.error.text()
    buttons = (dialog.restore_button, dialog.other_button, dialog.read_only_button)
    assert not any(b.isEnabled() for b in (*buttons, dialog.quit_button))
    dialog.reject()
    assert dialog.isVisible() and dialog.choice == DamagedDatabaseDialog.QUIT
    with qtbot.waitSignal(dialog.restore_ended, timeout=WAIT_MS):
        pass
    assert dialog.choice == DamagedDatabaseDialog.RESTORED and not dialog.isVisible()
    assert dump(db_path) == dump(good.path)
    assert told and good.path.name in told[0]


def test_a_refused_restore_says_why_and_lets_the_user_choose_again(
    qtbot, engine: Engine, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _good, report = _damaged(engine, db_path, tmp_path / "sauvegardes")
    not_a_backup = tmp_path / "photo.sqlite"
    not_a_backup.write_bytes(b"pas une base" * 100)
    dialog = DamagedDatabaseDialog(report)
    dialog.choose_file = lambda _start: not_a_backup
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.restore_ended, timeout=WAIT_MS):
        dialog.other_button.click()
    assert dialog.error.text().startswith("Restauration non faite : ")
    assert dialog.choice == DamagedDatabaseDialog.QUIT and dialog.result_ is None
    assert not dialog.busy and dialog.other_button.isEnabled() and dialog.restore_button.isEnabled()


def test_opening_a_damaged_file_restores_it_while_the_dialog_waits(
    qtbot, engine: Engine, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Before the window exists: the dialog's own event loop receives the restore's report."""
    from PySide6.QtCore import QTimer

    from sarah.services.backups.record import configured_backup_folder
    from sarah.ui.backup import damaged_dialog
    from sarah.ui.backup.startup import open_checked_database

    good, _report = _damaged(engine, db_path, configured_backup_folder())
    real_exec = DamagedDatabaseDialog.exec

    def exec_and_restore(dialog: DamagedDatabaseDialog) -> int:
        QTimer.singleShot(0, dialog.restore_button.click)
        return real_exec(dialog)

    monkeypatch.setattr(DamagedDatabaseDialog, "exec", exec_and_restore)
    monkeypatch.setattr(damaged_dialog.QMessageBox, "information", lambda *_a: None)
    opened = open_checked_database(str(db_path))
    assert opened is not None and not opened.read_only
    assert dump(db_path) == dump(good.path)
    opened.engine.dispose()


@pytest.mark.allow_log("unexpected error")
def test_a_bug_during_the_restore_opens_the_crash_dialog_and_the_dialog_stays(
    qtbot, engine: Engine, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from sarah.ui.backup import damaged_dialog
    from sarah.ui.dialogs.crash import UNEXPECTED

    _good, report = _damaged(engine, db_path, tmp_path / "sauvegardes")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(damaged_dialog, "restore_backup", broken)
    dialog = DamagedDatabaseDialog(report)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.restore_ended, timeout=WAIT_MS):
        dialog.restore_button.click()
    assert dialog.error.text() == f"Restauration non faite : {UNEXPECTED}."
    assert dialog.choice == DamagedDatabaseDialog.QUIT and dialog.restore_button.isEnabled()
