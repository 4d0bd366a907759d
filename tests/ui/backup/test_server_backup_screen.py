"""The Sauvegardes screen when the data lives on a PostgreSQL server: where the data is, what
the server does, the pg_dump copies of this desk, made by keyboard, and who restores them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from faults.faultkit import add_contacts
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication
from sqlalchemy import Engine

from sarah.ui.backup.install import SCREEN_KEY
from sarah.ui.backup.server_screen import ServerBackupScreen, server_backup_screen
from sarah.ui.table_models.dump_list import DumpTableModel

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_engine: Engine) -> Engine:
    """Every fixture of the window (site, context, window) on a server database."""
    return pg_engine


@pytest.fixture
def folder(tmp_path: Path, ctx) -> Path:  # type: ignore[no-untyped-def]
    f = tmp_path / "copies"
    f.mkdir()
    ctx.settings.backup_dir = str(f)
    ctx.save_settings()
    return f


@pytest.fixture
def screen(qtbot, ctx, folder) -> Iterator[ServerBackupScreen]:  # type: ignore[no-untyped-def]
    s = ServerBackupScreen(ctx)
    qtbot.addWidget(s)
    s.show()
    qtbot.waitExposed(s)
    qtbot.waitUntil(lambda: s.view is not None, timeout=10_000)
    yield s
    QThreadPool.globalInstance().waitForDone(20_000)


def test_the_screen_says_where_the_data_is_and_what_protects_it(screen, engine) -> None:  # type: ignore[no-untyped-def]
    where = screen.where_label.text()
    assert "serveur PostgreSQL" in where and f"/{engine.url.database}" in where
    assert "Pas d'archivage continu sur le serveur" in screen.state_label.text()
    assert screen.tools_label.text().startswith("pg_dump 1")
    assert screen.dump_button.isEnabled()
    assert screen.model.rowCount() == 0
    assert "pg_restore" in screen.commands.toPlainText()


def test_a_dump_made_by_keyboard_is_listed_with_its_restore_commands(
    qtbot, screen, engine, folder: Path
) -> None:  # type: ignore[no-untyped-def]
    add_contacts(engine, 2)
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    screen.folder_button.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.dump_button

    with qtbot.waitSignal(screen.dumped, timeout=30_000) as done:
        qtbot.keyClick(screen.dump_button, Qt.Key.Key_Space)

    assert "Copie pg_dump vérifiée" in screen.message.text()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1, timeout=10_000)
    model = screen.model
    assert model.index(0, DumpTableModel.REASON).data() == "Manuelle"
    assert model.index(0, DumpTableModel.CONTACTS).data() == "2"
    assert model.index(0, DumpTableModel.STATE).data() == "Vérifiée (pg_restore --list)"
    made = done.args[0].path
    assert made.parent == folder and made.exists()
    assert screen.selected().path == made
    commands = screen.commands.toPlainText()
    assert str(made) in commands and "createdb" in commands
    screen.copy_button.click()
    assert QApplication.clipboard().text() == commands


def test_without_pg_dump_the_screen_says_so_and_offers_no_copy(
    qtbot, ctx, folder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SARAH_PG_DUMP", str(tmp_path / "absent"))
    s = ServerBackupScreen(ctx)
    qtbot.addWidget(s)
    qtbot.waitUntil(lambda: s.view is not None, timeout=10_000)
    assert "pg_dump est introuvable à l'endroit indiqué par SARAH_PG_DUMP" in s.tools_label.text()
    assert "sauvegardes du serveur" in s.tools_label.text()
    assert not s.dump_button.isEnabled()


def test_the_window_on_a_server_has_this_screen_at_ctrl_9(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    assert SCREEN_KEY in window.screen_keys()
    screen = server_backup_screen(window)
    assert isinstance(screen, ServerBackupScreen)
    qtbot.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen_key() == SCREEN_KEY
    qtbot.waitUntil(lambda: screen.view is not None, timeout=10_000)


def test_the_list_of_copies_is_a_sound_qt_model(qtbot, qtmodeltester, screen, folder: Path) -> None:  # type: ignore[no-untyped-def]
    from sarah.services.backups.server_dump import dump_server

    dump_server(screen.ctx.engine, folder, "manuelle")
    dump_server(screen.ctx.engine, folder, "avant-migration")
    with qtbot.waitSignal(screen.listed, timeout=10_000):
        screen.refresh()
    assert screen.model.rowCount() == 2
    assert {screen.model.index(r, DumpTableModel.REASON).data() for r in range(2)} == {
        "Manuelle",
        "Avant mise à jour",
    }
    qtmodeltester.check(screen.model)
