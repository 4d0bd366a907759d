"""Fichier > Poste de travail: where the data lives can change; the new place is tried, saved
for the next start (a server's password in the keychain, never in settings.json), and the
agent is told SARAH must restart; meanwhile the window goes on with the data it has."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import Engine

from sarah import paths
from sarah.ui.server.moving import NO_KEYCHAIN

pytestmark = pytest.mark.postgres


def _fill_server(dialog, name: str, password: str) -> None:  # type: ignore[no-untyped-def]
    panel = dialog.location_panel
    assert panel is not None and panel.file_radio.isChecked()
    panel.server_radio.setChecked(True)
    panel.server_form.host_edit.setText("127.0.0.1")
    panel.server_form.database_edit.setText(name)
    panel.server_form.user_edit.setText("postgres")
    panel.server_form.password_edit.setText(password)
    panel.server_form.tls_check.setChecked(False)


def _notice(window) -> QMessageBox:  # type: ignore[no-untyped-def]
    [box] = [b for b in window.findChildren(QMessageBox) if b.objectName() == "restartNotice"]
    return box


def test_moving_to_a_server_is_kept_for_the_next_start(
    qtbot, window, pg_engine: Engine, memory_keyring
) -> None:
    before = window.ctx.engine
    name = str(pg_engine.url.database)
    dialog = window.edit_workstation()
    _fill_server(dialog, name, "mot-de-passe-du-serveur")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    notice = _notice(window)
    assert f"postgres@127.0.0.1:5432/{name} au prochain démarrage" in notice.text()
    assert notice.informativeText() == ""
    text = paths.settings_file().read_text(encoding="utf-8")
    assert "mot-de-passe-du-serveur" not in text
    assert json.loads(text)["database"] == f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    assert memory_keyring.kept == {
        ("SARAH", f"postgres@127.0.0.1:5432/{name}"): "mot-de-passe-du-serveur"
    }
    assert window.ctx.engine is before and window.ctx.site.name == "Grésilles"  # until restart
    [close_now] = [b for b in notice.buttons() if b.text() == "&Fermer SARAH maintenant"]
    close_now.click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)


def test_without_a_keychain_the_move_says_the_password_will_be_asked(
    qtbot, window, pg_engine: Engine, fail_keyring
) -> None:
    dialog = window.edit_workstation()
    _fill_server(dialog, str(pg_engine.url.database), "mot-de-passe-du-serveur")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)
    notice = _notice(window)
    assert notice.informativeText() == NO_KEYCHAIN
    assert "mot-de-passe-du-serveur" not in paths.settings_file().read_text(encoding="utf-8")
    notice.reject()


def test_a_server_that_refuses_keeps_the_dialog_and_saves_nothing(qtbot, window) -> None:
    dialog = window.edit_workstation()
    _fill_server(dialog, "aucune_base_de_ce_nom", "")
    settings_before = paths.settings_file().read_text(encoding="utf-8")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: "n'existe pas" in dialog.error_label.text(), timeout=20_000)
    assert dialog.isVisible()
    assert dialog.location_panel.server_form.database_edit.hasFocus()
    assert paths.settings_file().read_text(encoding="utf-8") == settings_before
    assert window.ctx.settings.database is None
    dialog.reject()


def test_a_file_in_a_cloud_folder_is_refused_before_anything_is_saved(
    qtbot, window, tmp_path: Path
) -> None:
    dialog = window.edit_workstation()
    panel = dialog.location_panel
    panel.file_edit.setText(str(tmp_path / "Dropbox" / "sarah.sqlite"))
    dialog.ok_button.click()
    assert "synchronisé" in dialog.error_label.text()
    assert dialog.isVisible() and window.ctx.settings.database is None
    dialog.reject()


def test_a_new_password_for_the_same_server_is_tried_then_kept(
    qtbot, engine, pg_engine: Engine, memory_keyring
) -> None:
    from sarah.services.server.keychain import server_url
    from sarah.services.server.location import server_fields
    from sarah.settings import Settings
    from sarah.ui.dialogs.first_start import FirstStartDialog

    url = server_url(server_fields(pg_engine.url.render_as_string(False)))  # type: ignore[arg-type]
    label = f"postgres@127.0.0.1:5432/{pg_engine.url.database}"
    memory_keyring.kept[("SARAH", label)] = "ancien"
    settings = Settings(home_site="Grésilles", agent_name="Nadia", database=url)
    dialog = FirstStartDialog(engine, settings)
    qtbot.addWidget(dialog)
    form = dialog.location_panel.server_form
    assert dialog.location_panel.server_radio.isChecked()
    assert form.password_edit.text() == "ancien"  # from the keychain, shown as dots
    dialog.agent_edit.setText("Nadia")
    dialog.new_site_edit.setText("Grésilles")
    form.password_edit.setText("nouveau")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=20_000)
    assert memory_keyring.kept == {("SARAH", label): "nouveau"}
    assert "nouveau" not in paths.settings_file().read_text(encoding="utf-8")
