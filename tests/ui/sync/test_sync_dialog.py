"""Fichier > Synchroniser… : the key, an export under a clear name, a preview before import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sarah.services.sync.keys import installed_key
from sarah.ui.sync.dialog import SyncDialog
from sarah.ui.sync.exchange import ExchangeFolder
from sarah.ui.sync.key_box import NO_KEY_TEXT


def _dialog(qtbot, ctx) -> SyncDialog:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = SyncDialog(ctx, ExchangeFolder(ctx, parent), parent)
    dialog.show()
    return dialog


def test_without_a_key_the_dialog_says_how_to_get_one(qtbot, ctx, tmp_path, other) -> None:
    # ``other`` made the key file at this installation: start again from a post without one.
    from sqlalchemy import update

    from sarah import schema

    with ctx.engine.begin() as conn:
        conn.execute(update(schema.installation).values(network_key=None))
    dialog = _dialog(qtbot, ctx)
    assert dialog.key_box.text.text() == NO_KEY_TEXT
    assert dialog.key_box.import_button.isVisible()
    assert not dialog.export_button.isEnabled() and not dialog.choose_button.isEnabled()

    assert not dialog.key_box.import_key_file(tmp_path / "absent.txt")
    assert "Clé non importée" in dialog.key_box.text.text()
    assert dialog.key_box.import_key_file(tmp_path / "cle-reseau.txt")
    assert installed_key(ctx.engine) is not None
    assert "fait partie du réseau" in dialog.key_box.text.text()
    assert dialog.export_button.isEnabled() and dialog.choose_button.isEnabled()


def test_the_coordination_can_create_the_networks_key_once(qtbot, ctx, tmp_path) -> None:
    dialog = _dialog(qtbot, ctx)
    assert dialog.key_box.create_button.isHidden()  # a desk joins a network, it does not make one
    ctx.settings.coordination = True
    dialog = _dialog(qtbot, ctx)
    assert dialog.key_box.create_button.isVisible()
    existing = tmp_path / "existe.txt"
    existing.write_text("ma seule copie")
    assert not dialog.key_box.create_key_file(existing)
    assert "Clé non créée : " in dialog.key_box.text.text() and installed_key(ctx.engine) is None
    assert existing.read_text() == "ma seule copie"
    assert dialog.key_box.create_key_file(tmp_path / "cle-reseau.txt")
    key = installed_key(ctx.engine)
    assert key is not None and f"Clé du réseau <b>{key.id}</b> créée" in dialog.key_box.text.text()
    assert dialog.key_box.create_button.isHidden() and dialog.export_button.isEnabled()


def test_export_writes_a_package_named_after_the_site_and_the_day(
    qtbot, ctx, key_file, tmp_path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = _dialog(qtbot, ctx)
    assert dialog.export_name.text().endswith(f"SARAH-Grésilles-{date.today()}.sarahsync")
    with qtbot.waitSignal(dialog.exported, timeout=10000) as blocker:
        dialog.export_to(usb)
    result = blocker.args[0]
    assert result.path == usb / f"SARAH-Grésilles-{date.today()}.sarahsync"
    assert result.path.is_file()
    assert "Paquet écrit" in dialog.status.text()
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled())


def test_the_preview_says_what_comes_and_changes_nothing_then_import_merges(
    qtbot, ctx, other_package, tmp_path, contacts_of
) -> None:
    package = other_package()
    junk = tmp_path / "pas-un-paquet.sarahsync"
    junk.write_bytes(b"bonjour")
    dialog = _dialog(qtbot, ctx)
    changed: list[bool] = []
    dialog.data_changed.connect(lambda: changed.append(True))
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        dialog.preview([package, junk])
    text = dialog.report.toPlainText()
    assert "Ce paquet apporterait (Villeneuve" in text
    assert "2 contacts nouveaux" in text
    assert "pas-un-paquet.sarahsync refusé : " in text
    assert contacts_of(ctx.engine) == 0  # a dry run
    assert dialog.import_button.isEnabled()

    with qtbot.waitSignal(dialog.import_ended, timeout=20000) as blocker:
        dialog.import_button.click()
    assert [o.path for o in blocker.args[0]] == [package]  # the refused one is not tried again
    assert contacts_of(ctx.engine) == 2
    assert changed == [True]
    assert "Paquet importé (Villeneuve" in dialog.report.toPlainText()
    assert dialog.status.text().startswith("1 paquet importé sur 1.")
    assert not dialog.import_button.isEnabled()  # a new choice is needed for another import


def test_a_package_of_nothing_new_changes_nothing_and_says_so(
    qtbot, ctx, other_package, contacts_of
) -> None:
    package = other_package()
    dialog = _dialog(qtbot, ctx)
    for _round in range(2):
        with qtbot.waitSignal(dialog.previewed, timeout=10000):
            dialog.preview([package])
        with qtbot.waitSignal(dialog.import_ended, timeout=20000):
            dialog.import_previewed()
    assert "Rien de nouveau" in dialog.report.toPlainText()
    assert contacts_of(ctx.engine) == 2


@pytest.mark.allow_log("unexpected error")
def test_a_bug_while_reading_opens_the_crash_dialog(qtbot, ctx, other_package, monkeypatch) -> None:
    from sarah.ui.dialogs.crash import CrashDialog
    from sarah.ui.sync import tasks

    def broken(_engine: Engine, _path: Path, *, dry_run: bool) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(tasks, "import_package", broken)
    dialog = _dialog(qtbot, ctx)
    with qtbot.waitSignal(dialog.previewed, timeout=10000):
        dialog.preview([other_package()])
    assert "erreur inattendue" in dialog.report.toPlainText()
    assert dialog.findChildren(CrashDialog)
    assert not dialog.import_button.isEnabled()


def test_arreter_stops_between_two_packages_and_says_what_was_imported(
    qtbot, ctx, other_package, monkeypatch, contacts_of
) -> None:
    import threading

    from sarah.ui.sync import dialog as dialog_module
    from sarah.ui.sync.tasks import import_one

    first, second = other_package("a.sarahsync"), other_package("b.sarahsync")
    started, go = threading.Event(), threading.Event()

    def slow_import(engine, paths, done):  # type: ignore[no-untyped-def]
        yield 0, len(paths), "Import de a…"
        started.set()
        go.wait(10)  # the user presses "Arrêter" while the first package is merged
        done.append(import_one(engine, paths[0], dry_run=False))
        yield 1, len(paths), "Import de b…"
        done.append(import_one(engine, paths[1], dry_run=False))  # never reached
        return list(done)

    monkeypatch.setattr(dialog_module, "import_packages", slow_import)
    sync = _dialog(qtbot, ctx)
    with qtbot.waitSignal(sync.previewed, timeout=10000):
        sync.preview([first, second])
    sync.import_previewed()
    assert sync.cancel_button.isVisible() and not sync.close_button.isEnabled()
    assert started.wait(10)
    with qtbot.waitSignal(sync.import_ended, timeout=20000) as blocker:
        sync.cancel_button.click()
        go.set()
    assert [o.path for o in blocker.args[0]] == [first]
    assert sync.status.text() == (
        "Import arrêté : 1 paquet importé sur 2 ; les suivants n'ont pas été touchés."
    )
    assert contacts_of(ctx.engine) == 2 and sync.close_button.isEnabled()
