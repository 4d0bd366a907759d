"""The Sauvegardes screen, the status-bar state, automatic backups, the damaged-file dialog."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from faults.faultkit import add_contacts, checkpoint, dump, garble_header
from PySide6.QtCore import QThreadPool
from sqlalchemy import Engine

from sarah.services.backups.create import create_backup
from sarah.services.backups.listing import list_backups
from sarah.services.backups.startup import check_database
from sarah.ui.backup.auto import AutoBackup
from sarah.ui.backup.damaged_dialog import DamagedDatabaseDialog
from sarah.ui.backup.screen import BackupScreen
from sarah.ui.backup.status import BackupStatusWidget
from sarah.ui.table_models.backup_list import BackupTableModel


@pytest.fixture
def folder(tmp_path: Path, ctx) -> Path:  # type: ignore[no-untyped-def]
    f = tmp_path / "cle-usb"
    f.mkdir()
    ctx.settings.backup_dir = str(f)
    ctx.save_settings()
    return f


@pytest.fixture
def auto(ctx, qtbot):  # type: ignore[no-untyped-def]
    from sarah.db import sqlite_path

    a = AutoBackup(lambda: sqlite_path(ctx.engine), ctx.settings.backup_path)
    yield a
    QThreadPool.globalInstance().waitForDone(10_000)


@pytest.fixture
def screen(qtbot, ctx, auto, folder):  # type: ignore[no-untyped-def]
    s = BackupScreen(ctx, auto)
    s.inform = lambda _t, _x: None
    qtbot.addWidget(s)
    qtbot.waitUntil(lambda: s.listings >= 1)
    yield s
    QThreadPool.globalInstance().waitForDone(10_000)


def _listed(qtbot, screen) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(screen.listed, timeout=10_000):
        screen.refresh()


def test_backup_now_adds_a_verified_backup_to_the_list(
    qtbot, screen, engine: Engine, folder: Path
) -> None:  # type: ignore[no-untyped-def]
    add_contacts(engine, 3)
    with qtbot.waitSignal(screen.auto.finished, timeout=10_000):
        qtbot.mouseClick(screen.backup_button, qtbot_left())
    assert "Sauvegarde vérifiée" in screen.message.text()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
    assert "Sauvegarde vérifiée" in screen.message.text()
    model = screen.model
    assert model.rowCount() == 1
    assert model.index(0, BackupTableModel.CONTACTS).data() == "3"
    assert model.index(0, BackupTableModel.STATE).data().startswith("Vérifiée le ")
    assert model.index(0, BackupTableModel.REASON).data() == "Manuelle"
    assert "il y a" in screen.state_label.text() or "à l'instant" in screen.state_label.text()
    assert [b.path.parent for b in list_backups(folder)] == [folder]


def qtbot_left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_restore_from_the_list_brings_back_the_data_and_keeps_the_current_file(
    qtbot,
    screen,
    ctx,
    engine: Engine,
    db_path: Path,
    folder: Path,  # type: ignore[no-untyped-def]
) -> None:
    add_contacts(engine, 2)
    old = create_backup(db_path, folder, "automatique", now=datetime.now() - timedelta(hours=3))
    expected = dump(old.path)
    add_contacts(engine, 5)
    _listed(qtbot, screen)
    screen.table.selectRow(0)
    assert screen.selected() is not None and screen.selected().path == old.path
    asked: list[str] = []
    screen.confirm = lambda _t, text: asked.append(text) or True
    with qtbot.waitSignal(screen.database_replaced, timeout=20_000):
        qtbot.mouseClick(screen.restore_button, qtbot_left())
    assert asked and "mise de côté" in asked[0] and "2 contacts" in asked[0]
    assert dump(db_path) == expected
    assert "remise en place" in screen.message.text()
    assert screen.isEnabled() and screen.window().isEnabled()
    # The same engine goes on working on the restored file.
    add_contacts(engine, 1, site_name="Autre site")
    assert len(dump(db_path)["contacts"]) == 3
    assert list(db_path.parent.glob("sarah.sqlite.avant-restauration-*"))


def test_restore_is_not_done_when_the_user_says_no(
    qtbot, screen, engine: Engine, db_path: Path, folder: Path
) -> None:  # type: ignore[no-untyped-def]
    add_contacts(engine, 1)
    create_backup(db_path, folder)
    add_contacts(engine, 1)
    before = dump(db_path)
    _listed(qtbot, screen)
    screen.confirm = lambda _t, _x: False
    screen.restore_selected()
    assert dump(db_path) == before


def test_choosing_another_folder_saves_the_setting_and_backs_up_there(
    qtbot,
    screen,
    ctx,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    other = tmp_path / "disque-2"
    other.mkdir()
    screen.choose_folder = lambda _start: other
    with qtbot.waitSignal(screen.auto.finished, timeout=10_000):
        screen.change_folder()
    from sarah.settings import load_settings

    assert load_settings().backup_dir == str(other)
    assert len(list_backups(other)) == 1
    assert screen.folder_label.toolTip() == str(other)
    assert screen.folder_label.text().endswith("disque-2</b>")  # cut in its middle if long


def test_status_widget_says_how_old_the_last_backup_is(
    qtbot, ctx, engine: Engine, db_path: Path, folder: Path
) -> None:  # type: ignore[no-untyped-def]
    info = create_backup(db_path, folder)
    widget = BackupStatusWidget(
        ctx.settings.backup_path, now=lambda: info.created_at + timedelta(minutes=12)
    )
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.refreshed, timeout=10_000):
        widget.refresh()
    assert widget.text() == "Dernière sauvegarde vérifiée : il y a 12 min"
    assert widget.property("warning") is False
    late = BackupStatusWidget(
        ctx.settings.backup_path, now=lambda: info.created_at + timedelta(hours=30)
    )
    qtbot.addWidget(late)
    with qtbot.waitSignal(late.refreshed, timeout=10_000):
        late.refresh()
    assert late.text().startswith("⚠") and "il y a 30 h" in late.text()
    assert late.property("warning") is True


def test_status_widget_warns_when_the_folder_is_unreachable(qtbot, ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    widget = BackupStatusWidget(lambda: tmp_path / "cle-debranchee")
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.refreshed, timeout=10_000):
        widget.refresh()
    assert "inaccessible" in widget.text() and widget.property("warning") is True


def test_periodic_backup_only_when_something_changed(
    qtbot, auto, engine: Engine, folder: Path
) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(auto.finished, timeout=10_000) as first:
        auto.periodic()
    assert first.args[0] is not None
    with qtbot.waitSignal(auto.finished, timeout=10_000) as second:
        auto.periodic()
    assert second.args[0] is None  # nothing changed: no new file
    add_contacts(engine, 1)
    with qtbot.waitSignal(auto.finished, timeout=10_000) as third:
        auto.periodic()
    assert third.args[0] is not None and third.args[0].reason == "automatique"
    assert len(list_backups(folder)) == 2


def test_backup_on_exit_when_data_changed(qtbot, auto, engine: Engine, folder: Path) -> None:  # type: ignore[no-untyped-def]
    add_contacts(engine, 1)
    with qtbot.waitSignal(auto.finished, timeout=10_000) as first:
        assert auto.on_exit()  # off the GUI thread: it says when it has ended
    info = first.args[0]
    assert info is not None and info.reason == "fermeture"
    with qtbot.waitSignal(auto.finished, timeout=10_000) as second:
        auto.on_exit()
    assert second.args[0] is None


@pytest.mark.allow_log("automatic backup failed")
def test_failed_backup_is_reported_in_french(qtbot, tmp_path: Path, ctx) -> None:  # type: ignore[no-untyped-def]
    from sarah.db import sqlite_path

    auto = AutoBackup(lambda: sqlite_path(ctx.engine), lambda: tmp_path / "absent")
    with qtbot.waitSignal(auto.failed, timeout=10_000) as failed:
        auto.backup_now()
    assert "inaccessible" in failed.args[0]
    assert not auto.running


def test_damaged_dialog_restores_the_last_verified_backup(
    qtbot,
    engine: Engine,
    db_path: Path,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    add_contacts(engine, 4)
    good = create_backup(db_path, folder)
    engine.dispose()
    checkpoint(db_path)
    garble_header(db_path)
    damaged = db_path.read_bytes()
    report = check_database(db_path, folder)
    dialog = DamagedDatabaseDialog(report)
    dialog.inform = lambda _t, _x: None
    qtbot.addWidget(dialog)
    assert dialog.restore_button.isEnabled() and "lecture seule" in dialog.text.text()
    with qtbot.waitSignal(dialog.restore_ended, timeout=20_000):
        dialog.restore_button.click()
    assert dialog.choice == DamagedDatabaseDialog.RESTORED
    assert dump(db_path) == dump(good.path)
    assert dialog.result_ is not None and dialog.result_.moved_aside[0].read_bytes() == damaged


def test_damaged_dialog_without_backup_offers_read_only(
    qtbot, engine: Engine, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    engine.dispose()
    checkpoint(db_path)
    garble_header(db_path)
    report = check_database(db_path, tmp_path)
    dialog = DamagedDatabaseDialog(report)
    qtbot.addWidget(dialog)
    assert not dialog.restore_button.isEnabled()
    dialog.read_only_button.click()
    assert dialog.choice == DamagedDatabaseDialog.READ_ONLY


def test_model_passes_qt_model_tester(
    qtmodeltester, engine: Engine, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    create_backup(db_path, tmp_path)
    model = BackupTableModel()
    model.set_backups(list_backups(tmp_path))
    qtmodeltester.check(model)


# --- opening the database for the window ------------------------------------------------------


def test_a_sound_database_opens_writable(engine: Engine, db_path: Path) -> None:
    from sarah.ui.backup.startup import open_checked_database

    engine.dispose()
    opened = open_checked_database(str(db_path))
    assert opened is not None and not opened.read_only and opened.report is not None
    add_contacts(opened.engine, 1)
    opened.engine.dispose()


def test_a_damaged_database_can_be_opened_read_only_and_stays_byte_for_byte(
    qtbot,
    engine: Engine,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    from sarah.ui.backup import startup as ui_startup

    add_contacts(engine, 30)
    engine.dispose()
    checkpoint(db_path)
    from faults.faultkit import flip_page

    flip_page(db_path)
    before = db_path.read_bytes()
    shown: list[DamagedDatabaseDialog] = []

    def choose_read_only(dialog: DamagedDatabaseDialog) -> int:
        shown.append(dialog)
        dialog.open_read_only()
        return 1

    monkeypatch.setattr(DamagedDatabaseDialog, "exec", choose_read_only)
    opened = ui_startup.open_checked_database(str(db_path))
    assert shown and "endommagé" in shown[0].text.text()
    assert opened is not None and opened.read_only
    with pytest.raises(Exception):  # noqa: B017 - any write must fail on a read-only engine
        add_contacts(opened.engine, 1)
    opened.engine.dispose()
    assert db_path.read_bytes() == before


def test_quitting_from_the_damaged_dialog_opens_nothing(
    engine: Engine, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sarah.ui.backup import startup as ui_startup

    engine.dispose()
    garble_header(db_path)
    monkeypatch.setattr(DamagedDatabaseDialog, "exec", lambda dialog: dialog.reject() or 0)
    assert ui_startup.open_checked_database(str(db_path)) is None


def test_big_file_is_checked_in_the_background_then_writable(
    qtbot,
    window,
    ctx,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    from sarah.services.backups import startup as service_startup
    from sarah.ui.backup import startup as ui_startup
    from sarah.ui.backup.install import backup_parts

    monkeypatch.setattr(service_startup, "BIG_FILE_BYTES", 0)
    db = Path(engine.url.database or "")
    opened = ui_startup.open_checked_database(str(db))
    assert opened is not None and opened.check_pending and opened.read_only
    ctx.read_only = True
    window.update_title()
    assert "lecture seule" in window.windowTitle()
    parts = backup_parts(window)
    assert parts is not None
    with qtbot.waitSignal(parts.auto.finished, timeout=20_000) as done:
        ui_startup.start_backups(window, opened)
    assert not ctx.read_only and "lecture seule" not in window.windowTitle()
    assert done.args[0] is not None and done.args[0].reason == "demarrage"
    opened.engine.dispose()


def test_main_window_has_the_screen_and_the_status(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from sarah.ui.backup.install import SCREEN_KEY, backup_parts

    assert SCREEN_KEY in window.screen_keys()
    parts = backup_parts(window)
    assert parts is not None
    qtbot.waitUntil(lambda: parts.status.state is not None, timeout=10_000)
    assert "Aucune sauvegarde vérifiée" in parts.status.text()
    qtbot.mouseClick(parts.status, qtbot_left())
    assert window.current_screen_key() == SCREEN_KEY


# --- upkeep: one wording, size, damage found later, live contacts, no needless backup -----------


def test_start_without_any_change_makes_no_new_backup(
    qtbot, auto, engine: Engine, db_path: Path, folder: Path
) -> None:  # type: ignore[no-untyped-def]
    add_contacts(engine, 2)
    create_backup(db_path, folder, "demarrage")
    with qtbot.waitSignal(auto.finished, timeout=10_000) as started:
        auto.start()
    assert started.args[0] is None and len(list_backups(folder)) == 1
    auto.timer.stop()


def test_the_screen_header_says_what_the_status_bar_says(
    qtbot, window, ctx, engine: Engine, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from sarah.ui.backup.install import backup_parts

    parts = backup_parts(window)
    assert parts is not None
    info = create_backup(db_path, ctx.settings.backup_path())
    with qtbot.waitSignal(parts.screen.listed, timeout=10_000):
        parts.screen.refresh()
    parts.status._now = lambda: info.created_at + timedelta(minutes=9)  # nine minutes later
    with qtbot.waitSignal(parts.status.refreshed, timeout=10_000):
        parts.status.refresh()
    assert parts.status.text() == "Dernière sauvegarde vérifiée : il y a 9 min"
    assert parts.screen.state_label.text() == parts.status.text()
    assert "Taille des sauvegardes : " in parts.screen.size_label.text()
    QThreadPool.globalInstance().waitForDone(10_000)


def test_a_backup_damaged_since_it_was_made_is_found_by_the_screen(
    qtbot, ctx, auto, engine: Engine, db_path: Path, folder: Path
) -> None:  # type: ignore[no-untyped-def]
    import json

    add_contacts(engine, 30)
    info = create_backup(db_path, folder, "automatique", now=datetime.now() - timedelta(days=2))
    manifest = info.path.with_suffix(".json")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["checked_at"] = (datetime.now() - timedelta(days=2)).isoformat()  # last read 2 days ago
    manifest.write_text(json.dumps(data), encoding="utf-8")
    size = info.path.stat().st_size
    with open(info.path, "r+b") as fh:  # a bad sector: same size, other bytes
        fh.seek(size // 2)
        fh.write(b"\xa5" * 64)
    screen = BackupScreen(ctx, auto)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.checked, timeout=20_000):
        pass
    state = screen.model.index(0, BackupTableModel.STATE).data()
    assert state.startswith("ABÎMÉE") and "vérifiée" not in state.lower().split("(")[0]
    assert "Sauvegarde abîmée" in screen.message.text()
    QThreadPool.globalInstance().waitForDone(10_000)


def test_the_restore_message_counts_contacts_as_the_list_does(
    qtbot, screen, engine: Engine, db_path: Path, folder: Path
) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from sarah.db import write_session

    add_contacts(engine, 5)
    with write_session(engine) as s:  # two deleted contacts: counted nowhere
        s.execute(text("UPDATE contacts SET deleted_at = '2024-01-01 00:00:00' WHERE rowid <= 2"))
    create_backup(db_path, folder)
    _listed(qtbot, screen)
    assert screen.model.index(0, BackupTableModel.CONTACTS).data() == "3"
    screen.confirm = lambda _t, _x: True
    with qtbot.waitSignal(screen.database_replaced, timeout=20_000):
        screen.restore_selected()
    assert ": 3 contacts." in screen.message.text()


def test_the_window_finishes_an_interrupted_restore_and_says_so(
    engine: Engine, db_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A restore left half-way (the live file moved aside, the copy not yet in place, as after a
    power cut): the next start puts the backup in place and tells what it did."""
    import os
    import shutil

    from sarah.services.backups import journal as restore_journal
    from sarah.ui.backup import startup as ui_startup

    add_contacts(engine, 4)
    good = create_backup(db_path, folder)
    add_contacts(engine, 3)
    engine.dispose()
    incoming = restore_journal.incoming_path(db_path)
    shutil.copyfile(good.path, incoming)
    moves = restore_journal.plan_moves(db_path, "20260101-080000")
    journal = restore_journal.write_journal(db_path, good.path, incoming, moves, good.counts, 4)
    restore_journal._ACTIVE.discard(journal)  # as if written by a process that died
    os.replace(*moves[0])
    told: list[str] = []
    monkeypatch.setattr(ui_startup, "tell_recovered", lambda _parent, text: told.append(text))
    opened = ui_startup.open_checked_database(str(db_path))
    assert opened is not None and not opened.read_only
    assert told and "terminée" in told[0] and "4 contacts" in told[0]
    assert dump(db_path) == dump(good.path)
    assert len(dump(moves[0][1])["contacts"]) == 7  # the replaced database, kept aside
    opened.engine.dispose()
