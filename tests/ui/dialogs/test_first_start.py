"""First start (and Fichier > Poste de travail): a failure to save says why, the dialog stays."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from sarah import paths
from sarah.errors import DatabaseLocked
from sarah.settings import Settings
from sarah.ui.dialogs import first_start
from sarah.ui.dialogs.crash import CrashDialog
from sarah.ui.dialogs.first_start import FirstStartDialog


def _filled(qtbot, engine: Engine) -> FirstStartDialog:  # type: ignore[no-untyped-def]
    dialog = FirstStartDialog(engine, Settings())
    qtbot.addWidget(dialog)
    dialog.new_site_edit.setText("Grésilles")
    dialog.agent_edit.setText("Nadia")
    return dialog


def _fails_with(exc: BaseException):  # type: ignore[no-untyped-def]
    def fail(*_args: object) -> None:
        raise exc

    return fail


def test_a_locked_base_is_said_and_what_was_typed_stays(qtbot, engine, monkeypatch) -> None:
    locked = DatabaseLocked("La base de données est occupée.")
    monkeypatch.setattr(first_start, "ensure_site", _fails_with(locked))
    dialog = _filled(qtbot, engine)
    dialog.ok_button.click()
    assert dialog.error_label.text() == (
        "Réglages non enregistrés : La base de données est occupée."
    )
    assert dialog.site is None and dialog.result() == 0
    assert dialog.new_site_edit.text() == "Grésilles" and dialog.agent_edit.text() == "Nadia"
    assert dialog.findChildren(CrashDialog) == []


def test_settings_that_cannot_be_written_keep_their_own_message(qtbot, engine, monkeypatch) -> None:
    denied = PermissionError(13, "Permission non accordée")
    monkeypatch.setattr(first_start, "save_settings", _fails_with(denied))
    dialog = _filled(qtbot, engine)
    dialog.ok_button.click()
    assert dialog.error_label.text() == (
        "Réglages impossibles à enregistrer : Permission non accordée."
    )
    assert dialog.site is None
    assert not paths.settings_file().exists()


@pytest.mark.allow_log("unexpected error")
def test_a_bug_opens_the_crash_dialog_and_the_dialog_stays(qtbot, engine, monkeypatch) -> None:
    monkeypatch.setattr(first_start, "ensure_site", _fails_with(RuntimeError("bug")))
    dialog = _filled(qtbot, engine)
    dialog.ok_button.click()
    assert "erreur inattendue (détails dans la fenêtre d'erreur)" in dialog.error_label.text()
    [crash] = dialog.findChildren(CrashDialog)
    crash.accept()
    assert dialog.site is None and dialog.new_site_edit.text() == "Grésilles"
