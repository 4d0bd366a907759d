"""First start on a server, by keyboard: where the data lives first, then the site and agent;
the password goes to the keychain, never into settings.json."""

from __future__ import annotations

import argparse
import json

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from sarah import paths
from sarah.ui.server.location_dialog import DataLocationDialog

pytestmark = pytest.mark.postgres


def _type_server(keys, host: str, port: int, base: str, user: str, password: str) -> None:  # type: ignore[no-untyped-def]
    keys.press(Qt.Key.Key_Down)  # from "Fichier sur ce poste" to "Base partagée sur un serveur"
    keys.press(Qt.Key.Key_Tab)
    keys.type(host)
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys.type(str(port))
    for text in (base, user, password):
        keys.press(Qt.Key.Key_Tab)
        keys.type(text)


def _shown(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def test_the_where_step_by_keyboard_tries_the_server(qtbot, keys, pg_engine: Engine) -> None:
    dialog = DataLocationDialog()
    _shown(qtbot, dialog)
    assert dialog.panel.file_radio.isChecked() and dialog.panel.file_radio.hasFocus()
    name = pg_engine.url.database
    _type_server(keys, "127.0.0.1", 5432, "aucune_base_de_ce_nom", "postgres", "sesame")
    assert dialog.panel.server_form.password_edit.hasFocus()
    keys.press(Qt.Key.Key_Return)  # Continuer: the server is tried first
    panel = dialog.panel
    qtbot.waitUntil(lambda: "n'existe pas" in panel.verdict_label.text())
    assert dialog.isVisible() and panel.server_form.database_edit.hasFocus()  # the wrong field
    keys.type(str(name))  # its text was selected: typing replaces it
    for _field in ("utilisateur", "mot de passe", "chiffrement", "Tester la connexion"):
        keys.press(Qt.Key.Key_Tab)
    assert panel.test_button.hasFocus()
    keys.press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: panel.verdict_label.text().startswith("Connexion réussie"))
    assert panel.verdict_label.text().startswith("Connexion réussie : base SARAH version ")
    assert dialog.ok_button.hasFocus()
    with qtbot.waitSignal(dialog.accepted):
        keys.press(Qt.Key.Key_Return)
    assert dialog.chosen is not None and dialog.chosen.password == "sesame"
    kept = make_url(dialog.chosen.target or "")
    assert (kept.host, kept.port, kept.database, kept.username, kept.password) == (
        "127.0.0.1",
        5432,
        name,
        "postgres",
        None,
    )


def _answer(fill) -> None:  # type: ignore[no-untyped-def]
    """Fill each modal dialog as it comes up (build_main_window waits in exec())."""

    def later() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or getattr(dialog, "_answered", False):
            QTimer.singleShot(20, later)
            return
        dialog._answered = True  # type: ignore[attr-defined]
        if fill(dialog):
            QTimer.singleShot(20, later)

    QTimer.singleShot(0, later)


def test_first_start_on_a_server_keeps_the_password_out_of_the_settings(
    qtbot, pg_engine: Engine, memory_keyring
) -> None:
    from sarah.ui.app import build_main_window
    from sarah.ui.dialogs.first_start import FirstStartDialog

    name = str(pg_engine.url.database)

    def fill(dialog) -> bool:  # type: ignore[no-untyped-def]
        if isinstance(dialog, DataLocationDialog):
            dialog.panel.server_radio.setChecked(True)
            form = dialog.panel.server_form
            form.host_edit.setText("127.0.0.1")
            form.database_edit.setText(name)
            form.user_edit.setText("postgres")
            form.password_edit.setText("sesame-secret")
            dialog.ok_button.click()
            return True
        assert isinstance(dialog, FirstStartDialog)
        assert dialog.location_panel is None  # the place was the first step
        dialog.new_site_edit.setText("Grésilles")
        dialog.agent_edit.setText("Nadia")
        dialog.ok_button.click()
        return False

    _answer(fill)
    window, code = build_main_window(argparse.Namespace(db=None))
    assert code == 0 and window is not None
    qtbot.addWidget(window)
    text = paths.settings_file().read_text(encoding="utf-8")
    assert "sesame-secret" not in text
    saved = json.loads(text)
    assert saved["database"] == f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    assert saved["home_site"] == "Grésilles"
    assert memory_keyring.kept == {("SARAH", f"postgres@127.0.0.1:5432/{name}"): "sesame-secret"}
    label = window._data_location  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "chiffré" in label.full_text())
    assert label.full_text().startswith(f"Données : serveur postgres@127.0.0.1:5432/{name} (")
    window.close()


def test_first_start_without_a_keychain_says_the_password_will_be_asked(
    qtbot, pg_engine: Engine, fail_keyring
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from sarah.ui.app import build_main_window
    from sarah.ui.dialogs.first_start import FirstStartDialog
    from sarah.ui.server.moving import NO_KEYCHAIN

    name = str(pg_engine.url.database)
    told: list[str] = []

    def fill(dialog) -> bool:  # type: ignore[no-untyped-def]
        if isinstance(dialog, DataLocationDialog):
            dialog.panel.server_radio.setChecked(True)
            form = dialog.panel.server_form
            form.host_edit.setText("127.0.0.1")
            form.database_edit.setText(name)
            form.user_edit.setText("postgres")
            form.password_edit.setText("sesame-secret")
            dialog.ok_button.click()
            return True
        if isinstance(dialog, FirstStartDialog):
            dialog.new_site_edit.setText("Grésilles")
            dialog.agent_edit.setText("Nadia")
            dialog.ok_button.click()
            return True
        assert isinstance(dialog, QMessageBox)
        told.append(dialog.text())
        dialog.accept()
        return False

    _answer(fill)
    window, code = build_main_window(argparse.Namespace(db=None))
    assert code == 0 and window is not None
    qtbot.addWidget(window)
    assert told == [NO_KEYCHAIN]
    assert "sesame-secret" not in paths.settings_file().read_text(encoding="utf-8")
    window.close()
